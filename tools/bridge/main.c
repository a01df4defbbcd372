// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the commands (run, check, status); how the bridge works
 * and how its files call one another: bridge.h.
 *
 *   atmqtt-bridge [run] -c FILE [-S STATUS_FILE] [-v] [--syslog]
 *   atmqtt-bridge check -c FILE [-L LIMITS]
 *   atmqtt-bridge status [NAME...] [-S STATUS_FILE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bridge.h"

#define OPT_SYSLOG	256	/* --syslog: no short option */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atmqtt-bridge [run] -c FILE [-S STATUS_FILE] [-v] [--syslog]\n"
		"       atmqtt-bridge check -c FILE [-L LIMITS]\n"
		"       atmqtt-bridge status [NAME...] [-S STATUS_FILE]\n"
		"\n"
		"  run      bridge a local mosquitto and a modem's MQTT client (the default)\n"
		"  check    read FILE, check it against the modem's limits when the modem\n"
		"           is attached, print what it configures (secrets left out)\n"
		"  status   the state and counters of running bridges (all when no NAME)\n"
		"\n"
		"  -c, --config FILE        the bridge's configuration (atmqtt-bridge(8))\n"
		"  -S, --status-file FILE   where the state and counters go (default\n"
		"                           $RUNTIME_DIRECTORY/status, else\n"
		"                           " RUN_DIR "/<connection>/status)\n"
		"  -L, --limits K=V,...     check: against these limits, not the modem's\n"
		"                           (clients, host, topic, payload, user_name,\n"
		"                           password, client_ident, keepalive, qos, subs)\n"
		"  -v, --verbose            log every message forwarded\n"
		"      --syslog             log to syslog instead of stderr\n"
		"  -h, --help               this help\n");
}

/* Warn when the file holds a password and others may read it. */
static void check_mode(struct bridge *b)
{
	struct stat st;

	if ((b->c.password || b->c.local_password) &&
	    !stat(b->c.file, &st) && (st.st_mode & (S_IRGRP | S_IROTH)))
		logm(b, LOG_WARNING, "%s holds a password and others may read it (chmod 600)",
		     b->c.file);
}

/*
 * check: the limits of -L, else those of the modem when it is attached
 * (said on stderr when it is not): 0, or EXIT_CONFIG after the line that
 * does not fit them.
 */
static int check_fit(struct bridge *b, const char *limits)
{
	const char *modem = b->c.modem_tty ? b->c.modem_tty : "(handle)";
	struct atmqtt_limits lim;
	char msg[512];
	int state = -1, err;

	if (limits) {
		if (limits_parse(limits, &lim)) {
			fprintf(stderr, "atmqtt-bridge: -L '%s': not NAME=NUMBER,... (clients, host, topic, payload, user_name, password, client_ident, keepalive, qos, subs)\n",
				limits);
			return EXIT_CONFIG;
		}
	} else {
		b->nl = atmqtt_nl_open();
		if (!b->nl) {
			fprintf(stderr, "%s: not checked against the modem's limits (the atmqtt family: %s%s)\n",
				b->c.file, strerror(errno), errno == ENOENT ?
				": is the module loaded?" : "");
			return 0;
		}
		err = modem_find(b, &state);
		atmqtt_nl_close(b->nl);
		b->nl = NULL;
		if (err || state == ATMQTT_MODEM_INIT ||
		    !limits_known(&b->lim)) {
			fprintf(stderr, "%s: not checked against the modem's limits (modem %s: %s)\n",
				b->c.file, modem, err ? strerror(-err) :
				state == ATMQTT_MODEM_INIT ?
				"still initialising" : "no limits reported");
			return 0;
		}
		lim = b->lim;
	}
	if (conf_fit(&b->c, &lim, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return EXIT_CONFIG;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "status-file", required_argument, NULL, 'S' },
		{ "limits", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bridge b;
	const char *cmd = "run", *file = NULL, *status_path = NULL;
	const char *limits = NULL;
	char *def_status = NULL;
	int c, rc;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "c:S:L:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': file = optarg; break;
		case 'S': status_path = optarg; break;
		case 'L': limits = optarg; break;
		case 'v': b.verbose = true; break;
		case OPT_SYSLOG: use_syslog = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv, status_path);
	if ((strcmp(cmd, "run") && strcmp(cmd, "check")) || !file ||
	    optind != argc || (limits && strcmp(cmd, "check"))) {
		usage(stderr);
		return 2;
	}
	rc = conf_load(&b.c, file, stderr);
	if (rc)
		return rc;
	if (!strcmp(cmd, "check")) {
		rc = check_fit(&b, limits);
		if (!rc)
			conf_print(&b.c, stdout);
		conf_free(&b.c);
		return rc;
	}
	log_name = b.c.name;
	use_journal = !use_syslog && getenv("JOURNAL_STREAM");
	if (use_syslog)
		openlog("atmqtt-bridge", LOG_PID, LOG_DAEMON);
	check_mode(&b);
	b.last_error[0] = '\0';
	if (!status_path)
		status_path = def_status = status_default(&b.c);
	b.status_path = status_path;
	rc = run(&b);
	conf_free(&b.c);
	free(def_status);
	return rc;
}
