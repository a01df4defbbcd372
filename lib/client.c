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

int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *host, uint32_t port, int clean,
		       int keepalive)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_OPEN, modem, client);
	aqi_put_str(&r, ATMQTT_A_HOST, host);
	aqi_put_u32(&r, ATMQTT_A_PORT, port);
	if (clean >= 0)
		aqi_put_u8(&r, ATMQTT_A_CLEAN, clean);
	if (keepalive)
		aqi_put_u16(&r, ATMQTT_A_KEEPALIVE, keepalive);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint8_t client)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_CLOSE, modem, client);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		     const char *topic, int qos)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SUBSCRIBE, modem, client);
	aqi_put_str(&r, ATMQTT_A_TOPIC, topic);
	aqi_put_u8(&r, ATMQTT_A_QOS, qos);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_unsubscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *topic)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_UNSUBSCRIBE, modem, client);
	aqi_put_str(&r, ATMQTT_A_TOPIC, topic);
	return aqi_req_send(&r, NULL, NULL);
}

int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		   const char *topic, int qos, int retain,
		   const void *payload, size_t len, unsigned int flags,
		   int *used_datasize)
{
	struct aqi_u8_reply u = { .type = ATMQTT_A_DATASIZE, .value = -1 };
	struct aqi_req r;
	int err;

	aqi_req_client(&r, nl, ATMQTT_CMD_PUBLISH, modem, client);
	aqi_put_str(&r, ATMQTT_A_TOPIC, topic);
	/* QoS 0 and no retain, the common publish, are the defaults */
	aqi_put_u8_opt(&r, ATMQTT_A_QOS, qos, 0);
	aqi_put_u8_opt(&r, ATMQTT_A_RETAIN, retain, 0);
	/* Binary, any bytes; no attribute is the empty payload. */
	if (len)
		aqi_put_bin(&r, ATMQTT_A_PAYLOAD, payload, len);
	if (flags & ~ATMQTT_PUB_DATASIZE)
		aqi_req_refuse(&r, ATMQTT_A_DATASIZE, -EINVAL, "unknown flags");
	if (flags & ATMQTT_PUB_DATASIZE)
		aqi_put_u8(&r, ATMQTT_A_DATASIZE, 1);
	err = aqi_req_send(&r, aqi_reply_u8, &u);
	if (!err && used_datasize)
		*used_datasize = u.value > 0;
	return err;
}

struct read_ctx {
	struct atmqtt_message *msg;
	int status;		/* -1 until seen */
};

static void reply_read(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct read_ctx *ctx = arg;
	struct atmqtt_message *m = ctx->msg;
	size_t len;

	(void)nlh;
	if (!tb[ATMQTT_A_STATUS])
		return;
	ctx->status = nla_get_u8(tb[ATMQTT_A_STATUS]);
	if (!ctx->status)
		return;
	if (tb[ATMQTT_A_MODEM])
		m->modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_CLIENT])
		m->client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_QOS])
		m->qos = nla_get_u8(tb[ATMQTT_A_QOS]);
	if (tb[ATMQTT_A_RX_SEQ])
		m->seq = nla_get_u64(tb[ATMQTT_A_RX_SEQ]);
	if (tb[ATMQTT_A_TOPIC])
		aqi_nla_strcpy(m->topic, sizeof(m->topic),
				  tb[ATMQTT_A_TOPIC]);
	if (tb[ATMQTT_A_PAYLOAD]) {
		len = nla_len(tb[ATMQTT_A_PAYLOAD]);
		if (len > sizeof(m->payload))
			len = sizeof(m->payload);
		memcpy(m->payload, nla_data(tb[ATMQTT_A_PAYLOAD]), len);
		m->payload_len = len;
	}
}

int atmqtt_read(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		struct atmqtt_message *msg)
{
	struct read_ctx ctx = { .msg = msg, .status = -1 };
	struct aqi_req r;
	int err;

	memset(msg, 0, sizeof(*msg));
	msg->modem = modem;
	msg->client = client;
	aqi_req_client(&r, nl, ATMQTT_CMD_READ, modem, client);
	err = aqi_req_send(&r, reply_read, &ctx);
	if (err)
		return err;
	if (ctx.status < 0)
		return -EPROTO;
	return ctx.status ? 1 : 0;
}

/* ---- the kernel's view: clients, reconnect policy, subscriptions ---- */

struct client_ctx {
	atmqtt_client_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_client(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct client_ctx *ctx = arg;
	struct atmqtt_client_info c;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM] || !tb[ATMQTT_A_CLIENT])
		return;
	memset(&c, 0, sizeof(c));
	c.modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	c.client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_CLIENT_STATE])
		c.state = nla_get_u8(tb[ATMQTT_A_CLIENT_STATE]);
	if (tb[ATMQTT_A_SUB_COUNT])
		c.sub_count = nla_get_u32(tb[ATMQTT_A_SUB_COUNT]);
	if (tb[ATMQTT_A_RECONNECT])
		c.reconnect = nla_get_u8(tb[ATMQTT_A_RECONNECT]);
	if (tb[ATMQTT_A_RECONNECT_MIN_MS])
		c.reconnect_min_ms = nla_get_u32(tb[ATMQTT_A_RECONNECT_MIN_MS]);
	if (tb[ATMQTT_A_RECONNECT_MAX_MS])
		c.reconnect_max_ms = nla_get_u32(tb[ATMQTT_A_RECONNECT_MAX_MS]);
	if (tb[ATMQTT_A_HOST]) {
		c.has_params = 1;
		aqi_nla_strcpy(c.host, sizeof(c.host), tb[ATMQTT_A_HOST]);
	}
	if (tb[ATMQTT_A_PORT])
		c.port = aqi_nla_uint(tb[ATMQTT_A_PORT]);
	if (tb[ATMQTT_A_CLEAN])
		c.clean = nla_get_u8(tb[ATMQTT_A_CLEAN]);
	if (tb[ATMQTT_A_KEEPALIVE])
		c.keepalive = nla_get_u16(tb[ATMQTT_A_KEEPALIVE]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&c, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_client_list(struct atmqtt_nl *nl, uint32_t modem,
		       atmqtt_client_cb cb, void *arg)
{
	struct client_ctx ctx = { .cb = cb, .arg = arg };
	struct aqi_req r;
	int err;

	aqi_req_dump(&r, nl, ATMQTT_CMD_GET_CLIENT, modem);
	err = aqi_req_send(&r, reply_client, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_client_policy(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
			 int reconnect, uint32_t min_ms, uint32_t max_ms)
{
	struct aqi_req r;

	aqi_req_client(&r, nl, ATMQTT_CMD_SET_CLIENT, modem, client);
	if (reconnect >= 0)
		aqi_put_u8(&r, ATMQTT_A_RECONNECT, reconnect);
	if (min_ms)
		aqi_put_u32(&r, ATMQTT_A_RECONNECT_MIN_MS, min_ms);
	if (max_ms)
		aqi_put_u32(&r, ATMQTT_A_RECONNECT_MAX_MS, max_ms);
	return aqi_req_send(&r, NULL, NULL);
}

struct sub_ctx {
	atmqtt_sub_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_sub(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct sub_ctx *ctx = arg;
	struct atmqtt_sub_info s;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM] || !tb[ATMQTT_A_TOPIC])
		return;
	memset(&s, 0, sizeof(s));
	s.modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_CLIENT])
		s.client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_QOS])
		s.qos = nla_get_u8(tb[ATMQTT_A_QOS]);
	aqi_nla_strcpy(s.topic, sizeof(s.topic), tb[ATMQTT_A_TOPIC]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&s, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_sub_list(struct atmqtt_nl *nl, uint32_t modem, atmqtt_sub_cb cb,
		    void *arg)
{
	struct sub_ctx ctx = { .cb = cb, .arg = arg };
	struct aqi_req r;
	int err;

	aqi_req_dump(&r, nl, ATMQTT_CMD_GET_SUB, modem);
	err = aqi_req_send(&r, reply_sub, &ctx);
	return err < 0 ? err : ctx.count;
}
