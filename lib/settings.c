// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the settings the modem keeps (AT+MQTTUSER, AT+MQTTWILL,
 * AT+MQTTCONF), the test forms and raw AT lines.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* ---- AT+MQTTUSER, AT+MQTTWILL, AT+MQTTCONF ---- */

int atmqtt_user_set(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		    const char *username, const char *password,
		    const char *client_id)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SET_USER, modem, client);
	if (username)
		aqi_put_str(&r, ATMQTT_A_USERNAME, username);
	if (password)
		aqi_put_str(&r, ATMQTT_A_PASSWORD, password);
	if (client_id)
		aqi_put_str(&r, ATMQTT_A_CLIENT_ID, client_id);
	return aqi_req_send(&r, NULL, NULL);
}

/*
 * GET_USER and GET_WILL answer with one ATMQTT_A_ENTRY per client: each
 * entry that names its client fills the next of at most ATMQTT_CLIENT_MAX
 * slots of out, cleared first, through fill().
 */
struct client_entries {
	void *out;
	size_t size;
	int count;
	void (*fill)(void *slot, uint8_t client, struct nlattr **etb);
};

static void reply_client_entries(struct nlmsghdr *nlh, struct nlattr **tb,
				 void *arg)
{
	struct client_entries *ctx = arg;
	struct nlattr *e, *etb[ATMQTT_A_MAX + 1];
	void *slot;
	int rem;

	(void)tb;
	for_each_reply_attr(e, nlh, ATMQTT_A_ENTRY, rem) {
		if (ctx->count >= ATMQTT_CLIENT_MAX)
			break;
		if (aqi_parse(etb, nla_data(e), nla_len(e)) ||
		    !etb[ATMQTT_A_CLIENT])
			continue;
		slot = (char *)ctx->out + ctx->size * ctx->count++;
		memset(slot, 0, ctx->size);
		ctx->fill(slot, nla_get_u8(etb[ATMQTT_A_CLIENT]), etb);
	}
}

static int get_client_entries(struct atmqtt_nl *nl, uint32_t modem, int cmd,
			      struct client_entries *ctx)
{
	struct aqi_req r;
	int err;

	aqi_req_modem(&r, nl, cmd, modem);
	err = aqi_req_send(&r, reply_client_entries, ctx);
	return err < 0 ? err : ctx->count;
}

static void fill_user(void *slot, uint8_t client, struct nlattr **etb)
{
	struct atmqtt_user *u = slot;

	u->client = client;
	if (etb[ATMQTT_A_USERNAME])
		aqi_nla_strcpy(u->username, sizeof(u->username),
			       etb[ATMQTT_A_USERNAME]);
	if (etb[ATMQTT_A_PASSWORD]) {
		aqi_nla_strcpy(u->password, sizeof(u->password),
			       etb[ATMQTT_A_PASSWORD]);
		u->has_password = 1;
	}
	if (etb[ATMQTT_A_CLIENT_ID]) {
		aqi_nla_strcpy(u->client_id, sizeof(u->client_id),
			       etb[ATMQTT_A_CLIENT_ID]);
		u->has_client_id = 1;
	}
}

int atmqtt_user_get(struct atmqtt_nl *nl, uint32_t modem,
		    struct atmqtt_user out[ATMQTT_CLIENT_MAX])
{
	struct client_entries ctx = {
		.out = out, .size = sizeof(*out), .fill = fill_user,
	};

	return get_client_entries(nl, modem, ATMQTT_CMD_GET_USER, &ctx);
}

int atmqtt_will_set(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		    const char *topic, int qos, int retain,
		    const char *payload)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SET_WILL, modem, client);
	aqi_put_str(&r, ATMQTT_A_TOPIC, topic);
	aqi_put_u8(&r, ATMQTT_A_QOS, qos);
	aqi_put_u8(&r, ATMQTT_A_RETAIN, retain);
	/* Binary attribute: the bytes, without a terminating NUL. */
	if (payload)
		aqi_put_bin(&r, ATMQTT_A_PAYLOAD, payload, strlen(payload));
	return aqi_req_send(&r, NULL, NULL);
}

static void fill_will(void *slot, uint8_t client, struct nlattr **etb)
{
	struct atmqtt_will *w = slot;
	size_t len;

	w->client = client;
	if (etb[ATMQTT_A_TOPIC])
		aqi_nla_strcpy(w->topic, sizeof(w->topic), etb[ATMQTT_A_TOPIC]);
	if (etb[ATMQTT_A_QOS])
		w->qos = nla_get_u8(etb[ATMQTT_A_QOS]);
	if (etb[ATMQTT_A_RETAIN])
		w->retain = nla_get_u8(etb[ATMQTT_A_RETAIN]);
	if (etb[ATMQTT_A_PAYLOAD]) {
		len = nla_len(etb[ATMQTT_A_PAYLOAD]);
		if (len > ATMQTT_PAYLOAD_MAX)
			len = ATMQTT_PAYLOAD_MAX;
		memcpy(w->payload, nla_data(etb[ATMQTT_A_PAYLOAD]), len);
		w->payload[len] = '\0';
		w->has_payload = 1;
	}
}

int atmqtt_will_get(struct atmqtt_nl *nl, uint32_t modem,
		    struct atmqtt_will out[ATMQTT_CLIENT_MAX])
{
	struct client_entries ctx = {
		.out = out, .size = sizeof(*out), .fill = fill_will,
	};

	return get_client_entries(nl, modem, ATMQTT_CMD_GET_WILL, &ctx);
}

int atmqtt_conf_set(struct atmqtt_nl *nl, uint32_t modem, int mode)
{
	struct aqi_req r;

	aqi_req_modem(&r, nl, ATMQTT_CMD_SET_CONF, modem);
	aqi_put_u8(&r, ATMQTT_A_MODE, mode);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_conf_get(struct atmqtt_nl *nl, uint32_t modem)
{
	struct aqi_req r;

	aqi_req_modem(&r, nl, ATMQTT_CMD_GET_CONF, modem);
	return aqi_req_send_u8(&r, ATMQTT_A_MODE);
}

int atmqtt_openable(struct atmqtt_nl *nl, uint32_t modem)
{
	struct aqi_req r;

	aqi_req_modem(&r, nl, ATMQTT_CMD_GET_OPENABLE, modem);
	return aqi_req_send_u8(&r, ATMQTT_A_CLIENTS);
}

int atmqtt_closable(struct atmqtt_nl *nl, uint32_t modem)
{
	struct aqi_req r;

	aqi_req_modem(&r, nl, ATMQTT_CMD_GET_CLOSABLE, modem);
	return aqi_req_send_u8(&r, ATMQTT_A_CLIENTS);
}

/* ---- AT+MQTT<X>=? and raw lines ---- */

struct test_ctx {
	char *line;
	size_t size;
	int seen;
};

static void reply_test(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct test_ctx *ctx = arg;

	(void)nlh;
	if (!tb[ATMQTT_A_LINE])
		return;
	aqi_nla_strcpy(ctx->line, ctx->size, tb[ATMQTT_A_LINE]);
	ctx->seen = 1;
}

int atmqtt_test(struct atmqtt_nl *nl, uint32_t modem, int at, char *line,
		size_t size)
{
	struct test_ctx ctx = { .line = line, .size = size };
	struct aqi_req r;
	int err;

	if (size)
		line[0] = '\0';
	aqi_req_modem(&r, nl, ATMQTT_CMD_TEST, modem);
	aqi_put_u8(&r, ATMQTT_A_AT_CMD, at);
	err = aqi_req_send(&r, reply_test, &ctx);
	if (err)
		return err;
	return ctx.seen ? 0 : -EPROTO;
}

struct raw_ctx {
	struct atmqtt_raw_reply *out;
	size_t used;		/* bytes of out->lines */
	int seen;		/* FINAL */
};

static void reply_raw(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct raw_ctx *ctx = arg;
	struct atmqtt_raw_reply *out = ctx->out;
	const char *data, *nul;
	struct nlattr *a;
	size_t n, room;
	int rem;

	for_each_reply_attr(a, nlh, ATMQTT_A_LINE, rem) {
		data = nla_data(a);
		n = nla_len(a);
		nul = memchr(data, '\0', n);
		if (nul)
			n = nul - data;
		/* room for the text and its '\n', keeping the final NUL */
		room = sizeof(out->lines) - 1 - ctx->used;
		if (n + 1 > room) {
			out->truncated = 1;
			if (!room)
				continue;
			n = room - 1;
		}
		memcpy(out->lines + ctx->used, data, n);
		ctx->used += n;
		out->lines[ctx->used++] = '\n';
		out->lines[ctx->used] = '\0';
		out->nlines++;
	}
	if (tb[ATMQTT_A_FINAL]) {
		aqi_nla_strcpy(out->final, sizeof(out->final),
				  tb[ATMQTT_A_FINAL]);
		ctx->seen = 1;
	}
	if (tb[ATMQTT_A_TRUNCATED] && nla_get_u8(tb[ATMQTT_A_TRUNCATED]))
		out->truncated = 1;
}

int atmqtt_raw(struct atmqtt_nl *nl, uint32_t modem, const char *line,
	       uint32_t timeout_ms, struct atmqtt_raw_reply *reply)
{
	struct raw_ctx ctx = { .out = reply };
	struct aqi_req r;
	int err;

	memset(reply, 0, sizeof(*reply));
	aqi_req_modem(&r, nl, ATMQTT_CMD_RAW, modem);
	aqi_put_str(&r, ATMQTT_A_LINE, line);
	if (timeout_ms)
		aqi_put_u32(&r, ATMQTT_A_TIMEOUT_MS, timeout_ms);
	err = aqi_req_send(&r, reply_raw, &ctx);
	if (err)
		return err;
	return ctx.seen ? 0 : -EPROTO;
}
