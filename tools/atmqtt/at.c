// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt at: one raw AT command line sent to the modem, and its reply.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void raw_print(uint32_t modem, const struct atmqtt_raw_reply *r)
{
	const char *p, *nl;

	if (!out_json) {
		fputs(r->lines, stdout);
		puts(r->final);
		if (r->truncated)
			fprintf(stderr, "atmqtt: at: lines were left out (reply truncated)\n");
		return;
	}
	j_begin();
	j_uint("modem", modem);
	j_key("lines");
	putchar('[');
	for (p = r->lines; (nl = strchr(p, '\n')); p = nl + 1) {
		if (p != r->lines)
			putchar(',');
		json_string(stdout, p, nl - p);
	}
	putchar(']');
	j_str("final", r->final);
	j_bool("ok", !strcmp(r->final, "OK"));
	j_bool("truncated", r->truncated);
	j_end();
}

int cmd_at(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	static struct atmqtt_raw_reply reply;
	struct target t = TARGET_INIT;
	unsigned long timeout = 0;
	struct atmqtt_nl *nl;
	int c, ret;

	while ((c = opt_next(argc, argv, "T:", opts, &t)) >= 0)
		if (!opt_ulong(optarg, UINT32_MAX, &timeout) || !timeout)
			return opt_error("bad timeout '%s'", optarg);
	if (c == OPT_STOP)
		return opt_status;
	if (optind != argc - 1)
		return opt_usage();
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	ret = atmqtt_raw(nl, t.modem, argv[optind], timeout, &reply);
	if (ret < 0)
		return modem_done(nl, "at", ret);
	raw_print(t.modem, &reply);
	fflush(stdout);
	atmqtt_nl_close(nl);
	return strcmp(reply.final, "OK") ? EXIT_FAIL : 0;
}
