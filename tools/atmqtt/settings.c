// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt user, will, conf, openable, closable and test: what the modem
 * keeps for its clients (credentials, will, +MQTTCONF mode), set or
 * queried, and what it can do (the clients it can open and close, the
 * ranges of its commands).
 */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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

static void user_print(uint32_t modem, const struct atmqtt_user *u)
{
	if (out_json) {
		j_begin();
		j_uint("modem", modem);
		j_uint("client", u->client);
		j_str("username", u->username);
		if (u->has_client_id)
			j_str("client_id", u->client_id);
		if (u->has_password)
			j_str("password", u->password);
		j_end();
		return;
	}
	printf("client %u username ", u->client);
	text_str(u->username);
	if (u->has_client_id) {
		printf(" client_id ");
		text_str(u->client_id);
	}
	if (u->has_password) {
		printf(" password ");
		text_str(u->password);
	}
	putchar('\n');
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
	struct atmqtt_user u[ATMQTT_CLIENT_MAX];
	const char *user = NULL, *pass = NULL, *id = NULL;
	struct target t = TARGET_INIT;
	bool get = false, set = false;
	struct atmqtt_nl *nl;
	int c, i, n;

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
	n = atmqtt_user_get(nl, t.modem, u);
	for (i = 0; i < n; i++)
		user_print(t.modem, &u[i]);
	fflush(stdout);
	return modem_done(nl, "user", n);
}

static void will_print(uint32_t modem, const struct atmqtt_will *w)
{
	if (out_json) {
		j_begin();
		j_uint("modem", modem);
		j_uint("client", w->client);
		j_str("topic", w->topic);
		j_uint("qos", w->qos);
		j_bool("retain", w->retain);
		if (w->has_payload)
			j_payload(w->payload, strlen(w->payload));
		j_end();
		return;
	}
	printf("client %u topic ", w->client);
	text_str(w->topic);
	printf(" qos %u retain %u", w->qos, w->retain);
	if (w->has_payload) {
		printf(" payload ");
		text_str(w->payload);
	}
	putchar('\n');
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
	struct atmqtt_will w[ATMQTT_CLIENT_MAX];
	const char *topic = NULL, *msg = NULL;
	struct target t = TARGET_INIT;
	bool get = false, set = false, retain = false;
	unsigned long qos = 0;
	struct atmqtt_nl *nl;
	int c, i, n;

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
	n = atmqtt_will_get(nl, t.modem, w);
	for (i = 0; i < n; i++)
		will_print(t.modem, &w[i]);
	fflush(stdout);
	return modem_done(nl, "will", n);
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

static int print_clients(const char *op, int (*fn)(struct atmqtt_nl *, uint32_t),
			 int argc, char **argv)
{
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret = opt_plain(argc, argv, &t, 0, 0), i, n = 0;

	if (ret >= 0)
		return ret;
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	ret = fn(nl, t.modem);
	if (ret < 0)
		return modem_done(nl, op, ret);
	if (out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_uint("mask", ret);
		j_key("clients");
		putchar('[');
	}
	for (i = 1; i < 8; i++)
		if (ret & (1 << i))
			printf("%s%d", n++ ? (out_json ? "," : " ") : "", i);
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
	struct atmqtt_nl *nl;
	char line[1024];
	int ret = opt_plain(argc, argv, &t, 1, 1), at;

	if (ret >= 0)
		return ret;
	at = atmqtt_at_parse(argv[optind]);
	if (!at)
		return opt_error("unknown command '%s'", argv[optind]);
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	ret = atmqtt_test(nl, t.modem, at, line, sizeof(line));
	if (!ret && out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_str("at", atmqtt_at_name(at));
		j_str("line", line);
		j_end();
	} else if (!ret) {
		puts(line);
	}
	return modem_done(nl, "test", ret);
}
