// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt at: one raw AT command line sent to the modem, and its reply.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The reply's final result line, "" if the kernel gave none. */
static const char *raw_final(const struct atmqtt_raw_reply *r)
{
	return r->final ? r->final : "";
}

static void raw_print(uint32_t modem, const struct atmqtt_raw_reply *r)
{
	size_t i;

	if (!out_json) {
		for (i = 0; i < r->nlines; i++)
			puts(r->lines[i]);
		puts(raw_final(r));
		if (r->truncated)
			fprintf(stderr, "atmqtt: at: lines were left out (reply truncated)\n");
		return;
	}
	j_begin();
	j_uint("modem", modem);
	j_key("lines");
	putchar('[');
	for (i = 0; i < r->nlines; i++) {
		if (i)
			putchar(',');
		json_string(stdout, r->lines[i], strlen(r->lines[i]));
	}
	putchar(']');
	j_str("final", raw_final(r));
	j_bool("ok", !strcmp(raw_final(r), "OK"));
	j_bool("truncated", r->truncated);
	j_end();
}

int cmd_at(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct atmqtt_raw_reply *reply = NULL;
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
	if (ret >= 0 && !reply)
		ret = -EPROTO;	/* a library that broke its word */
	if (ret < 0)
		return modem_done(nl, "at", ret);
	raw_print(t.modem, reply);
	fflush(stdout);
	ret = strcmp(raw_final(reply), "OK") ? EXIT_FAIL : 0;
	atmqtt_raw_free(reply);
	atmqtt_nl_close(nl);
	return ret;
}
