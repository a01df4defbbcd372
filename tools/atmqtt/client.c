// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt open, close, clients, subs and policy: a modem's MQTT clients,
 * their connections to the broker, the subscriptions the kernel tracks
 * for them and their reconnect policy.
 */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* long options without a letter (above options.h's OPT_HELP) */
#define OPT_CLEAN	0x101
#define OPT_RECONNECT	0x103
#define OPT_MIN		0x104
#define OPT_MAX		0x105

int cmd_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "clean", required_argument, NULL, OPT_CLEAN },
		{ "keepalive", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;
	struct target t = TARGET_INIT;
	unsigned long port = 1883, clean = 1, ka = 0;
	const char *host = NULL;
	struct atmqtt_nl *nl;
	bool ok = true;
	int c;

	while ((c = opt_next(argc, argv, "h:H:p:k:", opts, &t)) >= 0) {
		if (c == 'h' || c == 'H')
			host = optarg;
		else if (c == 'p')
			ok = opt_ulong(optarg, UINT32_MAX, &port);
		else if (c == OPT_CLEAN)
			ok = opt_ulong(optarg, INT_MAX, &clean);
		else if (c == 'k')
			ok = opt_ulong(optarg, UINT32_MAX, &ka);
		if (!ok)
			return opt_error("bad value '%s'", optarg);
	}
	if (c == OPT_STOP)
		return opt_status;
	if (!host || optind != argc)
		return opt_usage();
	/* Ranges are the kernel's to check (the family's, then the
	 * modem's keepalive limit); keepalive 0 is the default (60 s).
	 */
	o.host = host;
	o.port = port;
	o.clean = clean;
	o.keepalive = ka;
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	return modem_done(nl, "open",
			  atmqtt_client_open(nl, t.modem, t.client, &o));
}

int cmd_close(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret = opt_plain(argc, argv, &t, 0, 0);

	if (ret >= 0)
		return ret;
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	return modem_done(nl, "close",
			  atmqtt_client_close(nl, t.modem, t.client));
}

static int clients_cb(const struct atmqtt_client_info *c, void *arg)
{
	(void)arg;
	if (out_json) {
		j_begin();
		j_uint("modem", c->modem);
		j_uint("client", c->client);
		j_str("state", atmqtt_client_state_name(c->state));
		j_uint("sub_count", c->sub_count);
		j_bool("reconnect", c->reconnect);
		j_uint("reconnect_min_ms", c->reconnect_min_ms);
		j_uint("reconnect_max_ms", c->reconnect_max_ms);
		if (c->has_params) {
			j_str("host", c->host);
			j_uint("port", c->port);
			j_uint("clean", c->clean);
			j_uint("keepalive", c->keepalive);
		}
		j_end();
		return 0;
	}
	printf("%-6u %-6u %-12s %4u %-9s %8u %8u ", c->modem, c->client,
	       atmqtt_client_state_name(c->state), c->sub_count,
	       c->reconnect ? "on" : "off", c->reconnect_min_ms,
	       c->reconnect_max_ms);
	if (c->has_params)
		printf("%s:%u clean %u keepalive %u\n",
		       c->host ? c->host : "", c->port,
		       c->clean, c->keepalive);
	else
		puts("-");
	return 0;
}

int cmd_clients(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret;

	nl = modem_dump_args(argc, argv, &t, &ret);
	if (!nl)
		return ret;
	if (!out_json)
		printf("%-6s %-6s %-12s %4s %-9s %8s %8s %s\n", "MODEM",
		       "CLIENT", "STATE", "SUBS", "RECONNECT", "MIN_MS",
		       "MAX_MS", "BROKER");
	ret = atmqtt_client_list(nl, t.modem, clients_cb, NULL);
	fflush(stdout);
	return modem_done(nl, "clients", ret < 0 ? ret : 0);
}

static int subs_cb(const struct atmqtt_sub_info *s, void *arg)
{
	(void)arg;
	if (out_json) {
		j_begin();
		j_uint("modem", s->modem);
		j_uint("client", s->client);
		j_uint("qos", s->qos);
		j_str("topic", s->topic);
		j_end();
		return 0;
	}
	printf("%-6u %-6u %-3u %s\n", s->modem, s->client, s->qos,
	       s->topic ? s->topic : "");
	return 0;
}

int cmd_subs(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret;

	nl = modem_dump_args(argc, argv, &t, &ret);
	if (!nl)
		return ret;
	if (!out_json)
		printf("%-6s %-6s %-3s %s\n", "MODEM", "CLIENT", "QOS", "TOPIC");
	ret = atmqtt_sub_list(nl, t.modem, subs_cb, NULL);
	fflush(stdout);
	return modem_done(nl, "subs", ret < 0 ? ret : 0);
}

int cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reconnect", required_argument, NULL, OPT_RECONNECT },
		{ "min", required_argument, NULL, OPT_MIN },
		{ "max", required_argument, NULL, OPT_MAX },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = TARGET_INIT;
	unsigned long min = 0, max = 0;
	struct atmqtt_nl *nl;
	int c, reconnect = -1;
	bool ok = true;

	while ((c = opt_next(argc, argv, "", opts, &t)) >= 0) {
		if (c == OPT_RECONNECT)
			ok = (reconnect = opt_bool(optarg)) >= 0;
		else if (c == OPT_MIN)
			ok = opt_ulong(optarg, UINT32_MAX, &min) && min;
		else if (c == OPT_MAX)
			ok = opt_ulong(optarg, UINT32_MAX, &max) && max;
		else
			ok = false;
		if (!ok)
			return opt_error("bad value '%s'", optarg);
	}
	if (c == OPT_STOP)
		return opt_status;
	if (optind != argc || (reconnect < 0 && !min && !max))
		return opt_usage();
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	return modem_done(nl, "policy",
			  atmqtt_client_policy(nl, t.modem, t.client, reconnect,
					       min, max));
}
