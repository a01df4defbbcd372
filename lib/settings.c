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

int atmqtt_user_set(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		    const char *username, const char *password,
		    const char *client_id)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SET_USER, modem, client);
	aqi_nest_start(&r, ATMQTT_A_USER);
	if (username)
		aqi_put_str(&r, ATMQTT_A_USER_NAME, username);
	if (password)
		aqi_put_str(&r, ATMQTT_A_USER_PASSWORD, password);
	if (client_id)
		aqi_put_str(&r, ATMQTT_A_USER_CLIENT_ID, client_id);
	aqi_nest_end(&r);
	return aqi_req_send(&r, NULL, NULL);
}

/*
 * GET_USER and GET_WILL answer with one ATMQTT_A_ENTRY per client: each
 * entry that names its client goes to fn(), until a callback asks to stop.
 */
struct entries_ctx {
	struct atmqtt_nl *nl;
	int (*fn)(struct entries_ctx *ctx, uint32_t client,
		  struct nlattr **etb);
	atmqtt_user_cb user_cb;
	atmqtt_will_cb will_cb;
	void *arg;
	int count;
	int stop;
};

static void reply_entries(struct nlmsghdr *nlh, struct nlattr **tb,
			  void *arg)
{
	struct nlattr *e, *etb[ATMQTT_A_ENTRY_MAX + 1];
	struct entries_ctx *ctx = arg;
	int rem;

	(void)tb;
	for_each_reply_attr(e, nlh, ATMQTT_A_ENTRY, rem) {
		if (ctx->stop)
			break;
		if (aqi_parse_nest(etb, &aqi_pol_entry, e) ||
		    !etb[ATMQTT_A_ENTRY_CLIENT_ID])
			continue;
		ctx->count++;
		if (ctx->fn(ctx, nla_get_u32(etb[ATMQTT_A_ENTRY_CLIENT_ID]),
			    etb))
			ctx->stop = 1;
	}
}

static int get_entries(struct atmqtt_nl *nl, uint32_t modem, int cmd,
		       struct entries_ctx *ctx)
{
	struct aqi_req r;
	int err;

	ctx->nl = nl;
	aqi_req_modem(&r, nl, cmd, modem);
	err = aqi_req_send(&r, reply_entries, ctx);
	return err < 0 ? err : ctx->count;
}

static int entry_user(struct entries_ctx *ctx, uint32_t client,
		      struct nlattr **etb)
{
	struct nlattr *utb[ATMQTT_A_USER_MAX + 1];
	struct aqi_arena *ar = aqi_nl_arena(ctx->nl);
	struct atmqtt_user u;

	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.client = client;
	u.username = "";
	if (etb[ATMQTT_A_ENTRY_USER] &&
	    !aqi_parse_nest(utb, &aqi_pol_user, etb[ATMQTT_A_ENTRY_USER])) {
		if (utb[ATMQTT_A_USER_NAME])
			u.username = aqi_str(ar, utb[ATMQTT_A_USER_NAME]);
		if (utb[ATMQTT_A_USER_PASSWORD])
			u.password = aqi_str(ar, utb[ATMQTT_A_USER_PASSWORD]);
		if (utb[ATMQTT_A_USER_CLIENT_ID])
			u.client_id = aqi_str(ar,
					      utb[ATMQTT_A_USER_CLIENT_ID]);
	}
	return ctx->user_cb ? ctx->user_cb(&u, ctx->arg) : 0;
}

int atmqtt_user_get(struct atmqtt_nl *nl, uint32_t modem, atmqtt_user_cb cb,
		    void *arg)
{
	struct entries_ctx ctx = { .fn = entry_user, .user_cb = cb,
				   .arg = arg };

	return get_entries(nl, modem, ATMQTT_CMD_GET_USER, &ctx);
}

int atmqtt_will_set(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		    const char *topic, int qos, int retain,
		    const char *payload)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SET_WILL, modem, client);
	aqi_nest_start(&r, ATMQTT_A_MSG);
	aqi_put_str(&r, ATMQTT_A_MSG_TOPIC, topic);
	aqi_put_u32(&r, ATMQTT_A_MSG_QOS, qos);
	aqi_put_u32(&r, ATMQTT_A_MSG_RETAIN, retain);
	/* Binary attribute: the bytes, without a terminating NUL. */
	if (payload)
		aqi_put_bin(&r, ATMQTT_A_MSG_PAYLOAD, payload,
			    strlen(payload));
	aqi_nest_end(&r);
	return aqi_req_send(&r, NULL, NULL);
}

static int entry_will(struct entries_ctx *ctx, uint32_t client,
		      struct nlattr **etb)
{
	struct nlattr *mtb[ATMQTT_A_MSG_MAX + 1];
	struct aqi_arena *ar = aqi_nl_arena(ctx->nl);
	struct atmqtt_will w;

	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.client = client;
	w.topic = "";
	if (etb[ATMQTT_A_ENTRY_MSG] &&
	    !aqi_parse_nest(mtb, &aqi_pol_msg, etb[ATMQTT_A_ENTRY_MSG])) {
		if (mtb[ATMQTT_A_MSG_TOPIC])
			w.topic = aqi_str(ar, mtb[ATMQTT_A_MSG_TOPIC]);
		if (mtb[ATMQTT_A_MSG_QOS])
			w.qos = nla_get_u32(mtb[ATMQTT_A_MSG_QOS]);
		if (mtb[ATMQTT_A_MSG_RETAIN])
			w.retain = nla_get_u32(mtb[ATMQTT_A_MSG_RETAIN]);
		/* quotable, so without a NUL: a string of its bytes */
		if (mtb[ATMQTT_A_MSG_PAYLOAD])
			w.payload = aqi_str(ar, mtb[ATMQTT_A_MSG_PAYLOAD]);
	}
	return ctx->will_cb ? ctx->will_cb(&w, ctx->arg) : 0;
}

int atmqtt_will_get(struct atmqtt_nl *nl, uint32_t modem, atmqtt_will_cb cb,
		    void *arg)
{
	struct entries_ctx ctx = { .fn = entry_will, .will_cb = cb,
				   .arg = arg };

	return get_entries(nl, modem, ATMQTT_CMD_GET_WILL, &ctx);
}

int atmqtt_conf_set(struct atmqtt_nl *nl, uint32_t modem, int mode)
{
	struct aqi_req r;

	aqi_req_modem(&r, nl, ATMQTT_CMD_SET_CONF, modem);
	aqi_put_u32(&r, ATMQTT_A_MODE, mode);
	return aqi_req_send(&r, NULL, NULL);
}

static void reply_mode(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	int *mode = arg;

	(void)nlh;
	if (tb[ATMQTT_A_MODE])
		*mode = nla_get_u32(tb[ATMQTT_A_MODE]) & INT_MAX;
}

int atmqtt_conf_get(struct atmqtt_nl *nl, uint32_t modem)
{
	struct aqi_req r;
	int err, mode = -1;

	aqi_req_modem(&r, nl, ATMQTT_CMD_GET_CONF, modem);
	err = aqi_req_send(&r, reply_mode, &mode);
	if (err)
		return err;
	return mode < 0 ? -EPROTO : mode;
}

/* GET_OPENABLE, GET_CLOSABLE: one top-level CLIENT_ID per client. */
struct ids_ctx {
	uint32_t *ids;
	size_t n;
	int count;
};

static void reply_ids(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct ids_ctx *ctx = arg;
	struct nlattr *a;
	int rem;

	(void)tb;
	for_each_reply_attr(a, nlh, ATMQTT_A_CLIENT_ID, rem) {
		if (nla_len(a) < 4)
			continue;
		if ((size_t)ctx->count < ctx->n)
			ctx->ids[ctx->count] = nla_get_u32(a);
		ctx->count++;
	}
}

static int get_ids(struct atmqtt_nl *nl, uint32_t modem, int cmd,
		   uint32_t *ids, size_t n)
{
	struct ids_ctx ctx = { .ids = ids, .n = ids ? n : 0 };
	struct aqi_req r;
	int err;

	aqi_req_modem(&r, nl, cmd, modem);
	err = aqi_req_send(&r, reply_ids, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_openable(struct atmqtt_nl *nl, uint32_t modem, uint32_t *ids,
		    size_t n)
{
	return get_ids(nl, modem, ATMQTT_CMD_GET_OPENABLE, ids, n);
}

int atmqtt_closable(struct atmqtt_nl *nl, uint32_t modem, uint32_t *ids,
		    size_t n)
{
	return get_ids(nl, modem, ATMQTT_CMD_GET_CLOSABLE, ids, n);
}

/* ---- AT+MQTT<X>=? and raw lines ---- */

struct test_ctx {
	char *line;
	size_t size;
	int len;		/* -1 until seen */
};

static void reply_test(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct test_ctx *ctx = arg;
	size_t n, c;

	(void)nlh;
	if (!tb[ATMQTT_A_LINE])
		return;
	n = aqi_strlen(tb[ATMQTT_A_LINE]);
	if (ctx->size) {
		c = n < ctx->size ? n : ctx->size - 1;
		memcpy(ctx->line, nla_data(tb[ATMQTT_A_LINE]), c);
		ctx->line[c] = '\0';
	}
	ctx->len = n > INT_MAX ? INT_MAX : (int)n;
}

int atmqtt_test(struct atmqtt_nl *nl, uint32_t modem, int at, char *line,
		size_t size)
{
	struct test_ctx ctx = { .line = line, .size = line ? size : 0,
				.len = -1 };
	struct aqi_req r;
	int err;

	if (ctx.size)
		line[0] = '\0';
	aqi_req_modem(&r, nl, ATMQTT_CMD_TEST, modem);
	aqi_put_u32(&r, ATMQTT_A_AT_CMD, at);
	err = aqi_req_send(&r, reply_test, &ctx);
	if (err)
		return err;
	return ctx.len < 0 ? -EPROTO : ctx.len;
}

struct raw_ctx {
	struct atmqtt_raw_reply *out;
	int err;
};

/*
 * The reply in one block: the structure, the array of lines (and a NULL
 * after them), then the strings, lines and final.
 */
static void reply_raw(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct raw_ctx *ctx = arg;
	struct atmqtt_raw_reply *out;
	const char **lines;
	size_t nlines = 0, bytes = 0, n;
	struct nlattr *a;
	char *p;
	int rem;

	if (ctx->out || ctx->err)
		return;
	for_each_reply_attr(a, nlh, ATMQTT_A_LINE, rem) {
		nlines++;
		bytes += aqi_strlen(a) + 1;
	}
	if (tb[ATMQTT_A_FINAL])
		bytes += aqi_strlen(tb[ATMQTT_A_FINAL]);
	bytes++;
	out = calloc(1, sizeof(*out) + (nlines + 1) * sizeof(char *) + bytes);
	if (!out) {
		ctx->err = -ENOMEM;
		return;
	}
	out->size = sizeof(*out);
	lines = (const char **)(out + 1);
	p = (char *)(lines + nlines + 1);
	out->lines = lines;
	for_each_reply_attr(a, nlh, ATMQTT_A_LINE, rem) {
		n = aqi_strlen(a);
		memcpy(p, nla_data(a), n);
		p[n] = '\0';
		lines[out->nlines++] = p;
		p += n + 1;
	}
	lines[out->nlines] = NULL;
	n = tb[ATMQTT_A_FINAL] ? aqi_strlen(tb[ATMQTT_A_FINAL]) : 0;
	if (n)
		memcpy(p, nla_data(tb[ATMQTT_A_FINAL]), n);
	p[n] = '\0';
	out->final = p;
	out->truncated = !!tb[ATMQTT_A_TRUNCATED];
	if (!tb[ATMQTT_A_FINAL])
		ctx->err = -EPROTO;
	ctx->out = out;
}

int atmqtt_raw(struct atmqtt_nl *nl, uint32_t modem, const char *line,
	       uint32_t timeout_ms, struct atmqtt_raw_reply **reply)
{
	struct raw_ctx ctx = { .out = NULL };
	struct aqi_req r;
	int err;

	if (!reply)
		return -EINVAL;
	*reply = NULL;
	aqi_req_modem(&r, nl, ATMQTT_CMD_RAW, modem);
	aqi_put_str(&r, ATMQTT_A_LINE, line);
	if (timeout_ms)
		aqi_put_u32(&r, ATMQTT_A_TIMEOUT_MS, timeout_ms);
	err = aqi_req_send(&r, reply_raw, &ctx);
	if (!err)
		err = ctx.err;
	if (err) {
		free(ctx.out);
		return err;
	}
	if (!ctx.out)
		return -EPROTO;
	*reply = ctx.out;
	return 0;
}

void atmqtt_raw_free(struct atmqtt_raw_reply *reply)
{
	free(reply);
}
