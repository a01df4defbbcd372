// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt's command line: the shared options every command takes around
 * its own (opt_next()), the values of options, the usage and its errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

const struct cmd *opt_cmd;
int opt_status;

int opt_usage(void)
{
	fprintf(stderr, "usage: atmqtt %s%s%s\n(atmqtt %s --help for more)\n",
		opt_cmd->name, *opt_cmd->usage ? " " : "", opt_cmd->usage,
		opt_cmd->name);
	return EXIT_USAGE;
}

/* "atmqtt CMD: what is wrong", then the usage; EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
int opt_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "atmqtt %s: ", opt_cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return opt_usage();
}

void opt_help(const struct cmd *c)
{
	printf("usage: atmqtt %s%s%s\n\n%s\n", c->name, *c->usage ? " " : "",
	       c->usage, c->help);
	if (c->flags & (F_MODEM | F_CLIENT))
		printf("\n");
	if (c->flags & F_MODEM)
		printf("  -M, --modem MODEM    modem handle or tty (default: the only attached modem)\n");
	if (c->flags & F_CLIENT)
		printf("  -c, -i, --client N   MQTT client of the modem, 1 to its limit (default 1)\n");
	printf("  -j, --json           one JSON object per line\n");
	/* open's -h is the host */
	fputs(strstr(c->usage, "-h HOST") ? "  --help               this help\n" :
	      "  -h, --help           this help\n", stdout);
}

bool opt_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* on/off, 1/0, yes/no, true/false */
int opt_bool(const char *s)
{
	static const char *const on[] = { "on", "1", "yes", "true" };
	static const char *const off[] = { "off", "0", "no", "false" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(on); i++) {
		if (!strcasecmp(s, on[i]))
			return 1;
		if (!strcasecmp(s, off[i]))
			return 0;
	}
	return -1;
}

/* Is word one of the options of spec/lo ("-t", "--topic", "--topic=x")? */
static bool is_option(const char *word, const char *spec,
		      const struct option *lo)
{
	size_t n;

	if (word[0] != '-' || !word[1])
		return false;
	if (word[1] != '-')
		return word[1] != ':' && strchr(spec, word[1]);
	n = strcspn(word + 2, "=");
	for (; n && lo->name; lo++)
		if (strlen(lo->name) == n && !strncmp(lo->name, word + 2, n))
			return true;
	return false;
}

/* The option that took optarg, as the user wrote it. */
static const char *opt_word(int c, char **argv, const struct option *lo)
{
	static char buf[64];

	if (optind >= 2 && argv[optind - 1] == optarg &&
	    argv[optind - 2][0] == '-')
		return argv[optind - 2];
	for (; c >= 0x100 && lo->name; lo++)
		if (lo->val == c) {
			snprintf(buf, sizeof(buf), "--%s", lo->name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "-%c", c);
	return buf;
}

/* getopt_long() over the command's own options plus the shared ones, which
 * are handled here.  Returns the next own option, -1 at the end, or
 * OPT_STOP after printing the help (opt_status 0) or a usage error
 * (opt_status 2).  A letter in own takes precedence over a shared one
 * (open's -h HOST).  An option whose value is missing, or is another
 * option ("-t -m x"), is a usage error; so is -h followed by a value
 * outside open: it is the help there, and "pub -h HOST" would otherwise
 * print it and exit 0 without publishing.
 */
int opt_next(int argc, char **argv, const char *own,
	     const struct option *own_long, struct target *t)
{
	static const struct option shared[] = {
		{ "modem", required_argument, NULL, 'M' },
		{ "client", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, OPT_HELP },
	};
	unsigned int flags = opt_cmd->flags;
	struct option lo[40];
	char spec[64];
	unsigned long v;
	size_t n = 0, i;
	int c;

	snprintf(spec, sizeof(spec), ":%s%s%s%s%s%s", own,
		 (flags & F_MODEM) && !strchr(own, 'M') ? "M:" : "",
		 (flags & F_CLIENT) && !strchr(own, 'c') ? "c:" : "",
		 (flags & F_CLIENT) && !strchr(own, 'i') ? "i:" : "",
		 strchr(own, 'j') ? "" : "j", strchr(own, 'h') ? "" : "h");
	for (; own_long && own_long[n].name && n < ARRAY_SIZE(lo) - 5; n++)
		lo[n] = own_long[n];
	for (i = 0; i < ARRAY_SIZE(shared); i++) {
		if ((shared[i].val == 'M' && !(flags & F_MODEM)) ||
		    (shared[i].val == 'c' && !(flags & F_CLIENT)))
			continue;
		lo[n++] = shared[i];
	}
	memset(&lo[n], 0, sizeof(lo[n]));

	for (;;) {
		c = getopt_long(argc, argv, spec, lo, NULL);
		if (c != -1 && c != ':' && c != '?' && optarg &&
		    is_option(optarg, spec, lo)) {
			opt_status = opt_error("option '%s' needs a value",
					       opt_word(c, argv, lo));
			return OPT_STOP;
		}
		if ((c > 0 && c < 0x100 && c != ':' && c != '?' &&
		     strchr(own, c)) || (c > OPT_HELP && c < 0x200))
			return c;
		switch (c) {
		case -1:
			return -1;
		case 'j':
			out_json = true;
			break;
		case 'M':
			t->modem_arg = optarg;
			break;
		case 'c':
		case 'i':
			if (!opt_ulong(optarg, FAMILY_CLIENT_ID_MAX, &v)) {
				opt_status = opt_error("bad client '%s'",
						       optarg);
				return OPT_STOP;
			}
			t->client = v;
			break;
		case 'h':
			/* getopt has moved past "-h": a word that follows
			 * and is no option was meant as its value.
			 */
			if (optind < argc && argv[optind][0] != '-') {
				opt_status = opt_error("-h is the help here and takes no value ('%s'); a broker host is given to 'atmqtt open -h HOST'",
						       argv[optind]);
				return OPT_STOP;
			}
			/* fall through */
		case OPT_HELP:
			opt_help(opt_cmd);
			opt_status = 0;
			return OPT_STOP;
		case ':':
			/* "open -h" alone asks for help, "-h HOST" is a host */
			if (optopt == 'h' && !strcmp(argv[optind - 1], "-h")) {
				opt_help(opt_cmd);
				opt_status = 0;
				return OPT_STOP;
			}
			opt_status = opt_error("option '%s' needs a value",
					       argv[optind - 1]);
			return OPT_STOP;
		default:
			if (optopt > 0 && optopt < 0x100) {
				opt_status = opt_error("unknown option '-%c'",
						       optopt);
			} else {
				opt_status = opt_error("unknown option '%s'",
						       argv[optind - 1]);
			}
			return OPT_STOP;
		}
	}
}

/* For commands with no options of their own: the positional arguments
 * must number min to max.  Returns -1 to go on, else the exit status.
 */
int opt_plain(int argc, char **argv, struct target *t, int min, int max)
{
	int c = opt_next(argc, argv, "", NULL, t);

	if (c == OPT_STOP)
		return opt_status;
	if (c != -1)
		return opt_usage();
	if (argc - optind < min || argc - optind > max)
		return opt_usage();
	return -1;
}
