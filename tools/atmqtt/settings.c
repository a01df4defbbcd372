// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt user, will, conf, openable, closable and test: what the modem
 * keeps for its clients (credentials, will, +MQTTCONF mode), set or
 * queried, and what it can do (the clients it can open and close, the
 * ranges of its commands).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* long options without a letter (above options.h's OPT_HELP) */
#define OPT_CLIENT_ID	0x106

/* "get" (or --get) queries, "set" or set options set; neither: query. */
static int get_or_set(int argc, char **argv, bool get, bool set)
{
	const char *verb = optind < argc ? argv[optind] : NULL;

	if (optind < argc - 1)
		return -1;
	if (verb && !strcmp(verb, "get"))
		get = true;
	else if (verb && !strcmp(verb, "set"))
		set = true;
	else if (verb)
		return -1;
	if (get && set)
		return -1;
	return set ? 0 : 1;
}

/* AT+MQTTUSER?'s callback, once per client the modem reports; arg is the
 * modem's handle.
 */
static int user_print(const struct atmqtt_user *u, void *arg)
{
	const uint32_t *modem = arg;
	const char *name = u->username ? u->username : "";

	if (out_json) {
		j_begin();
		j_uint("modem", *modem);
		j_uint("client", u->client);
		j_str("username", name);
		if (u->client_id)
			j_str("client_id", u->client_id);
		if (u->password)
			j_str("password", u->password);
		j_end();
		return 0;
	}
	printf("client %u username ", u->client);
	text_str(name);
	if (u->client_id) {
		printf(" client_id ");
		text_str(u->client_id);
	}
	if (u->password) {
		printf(" password ");
		text_str(u->password);
	}
	putchar('\n');
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'P' },
		{ "id", required_argument, NULL, OPT_CLIENT_ID },
		{ "client-id", required_argument, NULL, OPT_CLIENT_ID },
		{ "get", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *pass = NULL, *id = NULL;
	struct target t = TARGET_INIT;
	bool get = false, set = false;
	struct atmqtt_nl *nl;
	int c, n;

	while ((c = opt_next(argc, argv, "u:P:g", opts, &t)) >= 0) {
		switch (c) {
		case 'u': user = optarg; set = true; break;
		case 'P': pass = optarg; set = true; break;
		case OPT_CLIENT_ID: id = optarg; set = true; break;
		case 'g': get = true; break;
		}
	}
	if (c == OPT_STOP)
		return opt_status;
	n = get_or_set(argc, argv, get, set);
	if (n < 0)
		return opt_usage();
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	if (!n)
		return modem_done(nl, "user",
				  atmqtt_user_set(nl, t.modem, t.client, user,
						  pass, id));
	n = atmqtt_user_get(nl, t.modem, user_print, &t.modem);
	fflush(stdout);
	return modem_done(nl, "user", n < 0 ? n : 0);
}

/* AT+MQTTWILL?'s callback, once per client; arg is the modem's handle. */
static int will_print(const struct atmqtt_will *w, void *arg)
{
	const uint32_t *modem = arg;
	const char *topic = w->topic ? w->topic : "";

	if (out_json) {
		j_begin();
		j_uint("modem", *modem);
		j_uint("client", w->client);
		j_str("topic", topic);
		j_uint("qos", w->qos);
		j_bool("retain", w->retain);
		if (w->payload)
			j_payload(w->payload, strlen(w->payload));
		j_end();
		return 0;
	}
	printf("client %u topic ", w->client);
	text_str(topic);
	printf(" qos %u retain %u", w->qos, w->retain);
	if (w->payload) {
		printf(" payload ");
		text_str(w->payload);
	}
	putchar('\n');
	return 0;
}

int cmd_will(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topic", required_argument, NULL, 't' },
		{ "message", required_argument, NULL, 'm' },
		{ "qos", required_argument, NULL, 'q' },
		{ "retain", no_argument, NULL, 'r' },
		{ "get", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *topic = NULL, *msg = NULL;
	struct target t = TARGET_INIT;
	bool get = false, set = false, retain = false;
	unsigned long qos = 0;
	struct atmqtt_nl *nl;
	int c, n;

	while ((c = opt_next(argc, argv, "t:m:q:rg", opts, &t)) >= 0) {
		switch (c) {
		case 't': topic = optarg; set = true; break;
		case 'm': msg = optarg; set = true; break;
		case 'r': retain = true; set = true; break;
		case 'g': get = true; break;
		case 'q':
			if (!opt_ulong(optarg, INT_MAX, &qos))
				return opt_error("bad qos '%s'", optarg);
			set = true;
			break;
		}
	}
	if (c == OPT_STOP)
		return opt_status;
	n = get_or_set(argc, argv, get, set);
	if (n < 0 || (!n && !topic))
		return opt_usage();
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	if (!n)
		return modem_done(nl, "will",
				  atmqtt_will_set(nl, t.modem, t.client, topic,
						  qos, retain, msg));
	n = atmqtt_will_get(nl, t.modem, will_print, &t.modem);
	fflush(stdout);
	return modem_done(nl, "will", n < 0 ? n : 0);
}

int cmd_conf(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	unsigned long mode = 0;
	struct atmqtt_nl *nl;
	bool set;
	int ret;

	ret = opt_plain(argc, argv, &t, 0, 1);
	if (ret >= 0)
		return ret;
	set = optind < argc;
	if (set && !opt_ulong(argv[optind], INT_MAX, &mode))
		return opt_error("bad mode '%s'", argv[optind]);
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	if (set)
		return modem_done(nl, "conf",
				  atmqtt_conf_set(nl, t.modem, mode));
	ret = atmqtt_conf_get(nl, t.modem);
	if (ret >= 0 && out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_uint("mode", ret);
		j_end();
	} else if (ret >= 0) {
		printf("mode %d\n", ret);
	}
	return modem_done(nl, "conf", ret);
}

/*
 * The clients AT+MQTTOPEN? / AT+MQTTCLOSE? list, in the modem's order:
 * "1 2", or "none".  They are client ids, so there are at most the
 * family's FAMILY_CLIENT_ID_MAX of them (a modem lists each once).  JSON's
 * "mask" (bit N for client N) is version 1's, kept for the clients below
 * 64; "clients" is the list.
 */
static int print_clients(const char *op,
			 int (*fn)(struct atmqtt_nl *, uint32_t, uint32_t *,
				   size_t),
			 int argc, char **argv)
{
	uint32_t ids[FAMILY_CLIENT_ID_MAX];
	unsigned long long mask = 0;
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret = opt_plain(argc, argv, &t, 0, 0), i, n;

	if (ret >= 0)
		return ret;
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	ret = fn(nl, t.modem, ids, ARRAY_SIZE(ids));
	if (ret < 0)
		return modem_done(nl, op, ret);
	n = ret < (int)ARRAY_SIZE(ids) ? ret : (int)ARRAY_SIZE(ids);
	for (i = 0; i < n; i++)
		if (ids[i] < 64)
			mask |= 1ULL << ids[i];
	if (out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_uint("mask", mask);
		j_key("clients");
		putchar('[');
	}
	for (i = 0; i < n; i++)
		printf("%s%u", i ? (out_json ? "," : " ") : "", ids[i]);
	if (out_json) {
		putchar(']');
		j_end();
	} else {
		puts(n ? "" : "none");
	}
	return modem_done(nl, op, 0);
}

int cmd_openable(int argc, char **argv)
{
	return print_clients("openable", atmqtt_openable, argc, argv);
}

int cmd_closable(int argc, char **argv)
{
	return print_clients("closable", atmqtt_closable, argc, argv);
}

int cmd_test(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	char buf[1024], *line = buf;
	struct atmqtt_nl *nl;
	int ret = opt_plain(argc, argv, &t, 1, 1), at;

	if (ret >= 0)
		return ret;
	at = atmqtt_at_parse(argv[optind]);
	if (!at)
		return opt_error("unknown command '%s'", argv[optind]);
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	ret = atmqtt_test(nl, t.modem, at, line, sizeof(buf));
	/* A longer line: asked again (AT+MQTT<X>=? changes nothing) with
	 * room for it.
	 */
	if (ret >= (int)sizeof(buf)) {
		line = malloc((size_t)ret + 1);
		ret = line ? atmqtt_test(nl, t.modem, at, line, (size_t)ret + 1) :
		      -ENOMEM;
	}
	if (ret >= 0 && out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_str("at", atmqtt_at_name(at));
		j_str("line", line);
		j_end();
	} else if (ret >= 0) {
		puts(line);
	}
	if (line != buf)
		free(line);
	return modem_done(nl, "test", ret < 0 ? ret : 0);
}
