// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the clients: open, close, subscribe, publish, read, and the
 * kernel's view of them (the list, the reconnect policy, the tracked
 * subscriptions).
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

/* ---- client operations ---- */

int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		       const struct atmqtt_open_opts *opts)
{
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;
	struct aqi_req r;
	int err;

	if (!opts)
		return -EINVAL;
	/* host and port are required: a caller's size must hold them */
	err = aqi_opts(&o, sizeof(o), opts,
		       offsetof(struct atmqtt_open_opts, port) +
		       sizeof(o.port));
	if (err)
		return err;
	aqi_req_client(&r, nl, ATMQTT_CMD_OPEN, modem, client);
	aqi_nest_start(&r, ATMQTT_A_CLIENT);
	aqi_put_str(&r, ATMQTT_A_CLIENT_HOST, o.host);
	aqi_put_u32(&r, ATMQTT_A_CLIENT_PORT, o.port);
	if (o.clean != -1)
		aqi_put_u32(&r, ATMQTT_A_CLIENT_CLEAN, o.clean);
	if (o.keepalive)
		aqi_put_u32(&r, ATMQTT_A_CLIENT_KEEPALIVE, o.keepalive);
	aqi_nest_end(&r);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint32_t client)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_CLOSE, modem, client);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		     const char *topic, int qos)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SUBSCRIBE, modem, client);
	aqi_nest_start(&r, ATMQTT_A_MSG);
	aqi_put_str(&r, ATMQTT_A_MSG_TOPIC, topic);
	/* a negative qos goes as the u32 it is, for the policy to refuse */
	aqi_put_u32(&r, ATMQTT_A_MSG_QOS, qos);
	aqi_nest_end(&r);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_unsubscribe(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		       const char *topic)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_UNSUBSCRIBE, modem, client);
	aqi_nest_start(&r, ATMQTT_A_MSG);
	aqi_put_str(&r, ATMQTT_A_MSG_TOPIC, topic);
	aqi_nest_end(&r);
	return aqi_req_send(&r, NULL, NULL);
}

/* PUBLISH's reply: MSG { DATASIZE }, the form used (-1 until seen). */
static void reply_publish(struct nlmsghdr *nlh, struct nlattr **tb,
			  void *arg)
{
	struct nlattr *mtb[ATMQTT_A_MSG_MAX + 1];
	int *datasize = arg;

	(void)nlh;
	if (tb[ATMQTT_A_MSG] &&
	    !aqi_parse_nest(mtb, &aqi_pol_msg, tb[ATMQTT_A_MSG]) &&
	    mtb[ATMQTT_A_MSG_DATASIZE])
		*datasize = nla_get_u32(mtb[ATMQTT_A_MSG_DATASIZE]) ? 1 : 0;
}

int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		   const char *topic, const void *payload, size_t len,
		   const struct atmqtt_pub_opts *opts)
{
	struct atmqtt_pub_opts o = ATMQTT_PUB_OPTS_INIT;
	struct aqi_req r;
	int err, datasize = -1;

	if (opts) {
		err = aqi_opts(&o, sizeof(o), opts, sizeof(o.size));
		if (err)
			return err;
	}
	aqi_req_client(&r, nl, ATMQTT_CMD_PUBLISH, modem, client);
	aqi_nest_start(&r, ATMQTT_A_MSG);
	aqi_put_str(&r, ATMQTT_A_MSG_TOPIC, topic);
	/* QoS 0 and no retain, the common publish, are the kernel's
	 * defaults: left out (less to write and to validate).
	 */
	if (o.qos)
		aqi_put_u32(&r, ATMQTT_A_MSG_QOS, o.qos);
	if (o.retain)
		aqi_put_u32(&r, ATMQTT_A_MSG_RETAIN, o.retain);
	/* Binary, any bytes; no attribute is the empty payload. */
	if (len)
		aqi_put_bin(&r, ATMQTT_A_MSG_PAYLOAD, payload, len);
	if (o.flags & ~ATMQTT_PUB_DATASIZE)
		aqi_req_refuse(&r, ATMQTT_A_MSG_DATASIZE, -EINVAL,
			       "unknown flags");
	if (o.flags & ATMQTT_PUB_DATASIZE)
		aqi_put_u32(&r, ATMQTT_A_MSG_DATASIZE, 1);
	aqi_nest_end(&r);
	err = aqi_req_send(&r, reply_publish, &datasize);
	if (err)
		return err;
	/* the reply must say the form used */
	if (datasize < 0)
		return -EPROTO;
	return datasize ? ATMQTT_PUB_DATASIZE : 0;
}

struct read_ctx {
	uint32_t modem, client;
	struct atmqtt_message *msg;
	int err;
};

static void reply_read(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct nlattr *mtb[ATMQTT_A_MSG_MAX + 1];
	struct read_ctx *ctx = arg;
	struct atmqtt_message *m;
	const struct nlattr *t, *p;

	(void)nlh;
	if (!tb[ATMQTT_A_MSG] || ctx->msg || ctx->err)
		return;
	if (aqi_parse_nest(mtb, &aqi_pol_msg, tb[ATMQTT_A_MSG])) {
		ctx->err = -EPROTO;
		return;
	}
	t = mtb[ATMQTT_A_MSG_TOPIC];
	p = mtb[ATMQTT_A_MSG_PAYLOAD];
	m = aqi_message_new(t ? nla_data(t) : "", t ? aqi_strlen(t) : 0,
			    p ? nla_data(p) : NULL, p ? nla_len(p) : 0);
	if (!m) {
		ctx->err = -ENOMEM;
		return;
	}
	m->modem = tb[ATMQTT_A_MODEM_ID] ?
		   nla_get_u32(tb[ATMQTT_A_MODEM_ID]) : ctx->modem;
	m->client = tb[ATMQTT_A_CLIENT_ID] ?
		    nla_get_u32(tb[ATMQTT_A_CLIENT_ID]) : ctx->client;
	if (mtb[ATMQTT_A_MSG_QOS])
		m->qos = nla_get_u32(mtb[ATMQTT_A_MSG_QOS]);
	if (mtb[ATMQTT_A_MSG_SEQ])
		m->seq = nla_get_u64(mtb[ATMQTT_A_MSG_SEQ]);
	m->truncated = !!mtb[ATMQTT_A_MSG_TRUNCATED];
	ctx->msg = m;
}

int atmqtt_read(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		struct atmqtt_message **msg)
{
	struct read_ctx ctx = { .modem = modem, .client = client };
	struct aqi_req r;
	int err;

	if (!msg)
		return -EINVAL;
	*msg = NULL;
	aqi_req_client(&r, nl, ATMQTT_CMD_READ, modem, client);
	err = aqi_req_send(&r, reply_read, &ctx);
	if (!err)
		err = ctx.err;
	if (err) {
		free(ctx.msg);
		return err;
	}
	*msg = ctx.msg;
	return ctx.msg ? 1 : 0;
}

/* ---- the kernel's view: clients, reconnect policy, subscriptions ---- */

struct client_ctx {
	struct atmqtt_nl *nl;
	atmqtt_client_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_client(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct nlattr *ctb[ATMQTT_A_CLIENT_MAX + 1];
	struct client_ctx *ctx = arg;
	struct atmqtt_client_info c;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM_ID] || !tb[ATMQTT_A_CLIENT_ID])
		return;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.modem = nla_get_u32(tb[ATMQTT_A_MODEM_ID]);
	c.client = nla_get_u32(tb[ATMQTT_A_CLIENT_ID]);
	if (tb[ATMQTT_A_CLIENT] &&
	    !aqi_parse_nest(ctb, &aqi_pol_client, tb[ATMQTT_A_CLIENT])) {
#define U(m, A)	if (ctb[ATMQTT_A_CLIENT_##A]) \
			c.m = nla_get_u32(ctb[ATMQTT_A_CLIENT_##A])
		U(state, STATE);
		U(sub_count, SUB_COUNT);
		U(reconnect, RECONNECT);
		U(reconnect_min_ms, RECONNECT_MIN_MS);
		U(reconnect_max_ms, RECONNECT_MAX_MS);
		U(port, PORT);
		U(clean, CLEAN);
		U(keepalive, KEEPALIVE);
#undef U
		if (ctb[ATMQTT_A_CLIENT_HOST]) {
			c.has_params = 1;
			c.host = aqi_str(aqi_nl_arena(ctx->nl),
					 ctb[ATMQTT_A_CLIENT_HOST]);
		}
	}
	ctx->count++;
	if (ctx->cb && ctx->cb(&c, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_client_list(struct atmqtt_nl *nl, uint32_t modem,
		       atmqtt_client_cb cb, void *arg)
{
	struct client_ctx ctx = { .nl = nl, .cb = cb, .arg = arg };
	struct aqi_req r;
	int err;

	aqi_req_dump(&r, nl, ATMQTT_CMD_GET_CLIENT, modem);
	err = aqi_req_send(&r, reply_client, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_client_policy(struct atmqtt_nl *nl, uint32_t modem,
			 uint32_t client, int reconnect, uint32_t min_ms,
			 uint32_t max_ms)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SET_CLIENT, modem, client);
	aqi_nest_start(&r, ATMQTT_A_CLIENT);
	if (reconnect != -1)
		aqi_put_u32(&r, ATMQTT_A_CLIENT_RECONNECT, reconnect);
	if (min_ms)
		aqi_put_u32(&r, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, min_ms);
	if (max_ms)
		aqi_put_u32(&r, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, max_ms);
	aqi_nest_end(&r);
	return aqi_req_send(&r, NULL, NULL);
}

struct sub_ctx {
	struct atmqtt_nl *nl;
	atmqtt_sub_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_sub(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct nlattr *mtb[ATMQTT_A_MSG_MAX + 1];
	struct sub_ctx *ctx = arg;
	struct atmqtt_sub_info s;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM_ID] || !tb[ATMQTT_A_MSG] ||
	    aqi_parse_nest(mtb, &aqi_pol_msg, tb[ATMQTT_A_MSG]) ||
	    !mtb[ATMQTT_A_MSG_TOPIC])
		return;
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.modem = nla_get_u32(tb[ATMQTT_A_MODEM_ID]);
	if (tb[ATMQTT_A_CLIENT_ID])
		s.client = nla_get_u32(tb[ATMQTT_A_CLIENT_ID]);
	if (mtb[ATMQTT_A_MSG_QOS])
		s.qos = nla_get_u32(mtb[ATMQTT_A_MSG_QOS]);
	s.topic = aqi_str(aqi_nl_arena(ctx->nl), mtb[ATMQTT_A_MSG_TOPIC]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&s, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_sub_list(struct atmqtt_nl *nl, uint32_t modem, atmqtt_sub_cb cb,
		    void *arg)
{
	struct sub_ctx ctx = { .nl = nl, .cb = cb, .arg = arg };
	struct aqi_req r;
	int err;

	aqi_req_dump(&r, nl, ATMQTT_CMD_GET_SUB, modem);
	err = aqi_req_send(&r, reply_sub, &ctx);
	return err < 0 ? err : ctx.count;
}
