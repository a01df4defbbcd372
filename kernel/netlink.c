// SPDX-License-Identifier: GPL-2.0
/*
 * The atmqtt generic netlink family: validation of every attribute against
 * the modem manual's ranges, the request handlers, and the events.
 *
 * Nothing a user sends reaches the tty unvalidated: integers are checked
 * against the manual's ranges and every string that ends up between quotes
 * in an AT command must be printable ASCII without '"', so neither a quote
 * nor a CR/LF can end the string or the command line early.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "modem.h"
#include "netlink.h"

static struct genl_family atmqtt_family;

/* ---- validation -------------------------------------------------------- */

struct atmqtt_rule {
	u32 min;
	u32 max;
	const char *bad;	/* names the attribute and the rule */
	const char *missing;
};

#define ATMQTT_RULE(attr, lo, hi, text)					\
	[attr] = { .min = (lo), .max = (hi), .bad = #attr ": " text,	\
		   .missing = #attr ": required" }

#define ATMQTT_QUOTED " printable ASCII characters without '\"'"

static const struct atmqtt_rule atmqtt_rules[ATMQTT_A_MAX + 1] = {
	ATMQTT_RULE(ATMQTT_A_MODEM, 1, U32_MAX, "no such modem"),
	ATMQTT_RULE(ATMQTT_A_CLIENT, ATMQTT_CLIENT_MIN, ATMQTT_CLIENT_MAX,
		    "must be 1 or 2"),
	ATMQTT_RULE(ATMQTT_A_HOST, 1, ATMQTT_HOST_MAX,
		    "must be 1-255" ATMQTT_QUOTED),
	ATMQTT_RULE(ATMQTT_A_PORT, 1, 65535, "must be 1-65535"),
	ATMQTT_RULE(ATMQTT_A_CLEAN, 0, 1, "must be 0 or 1"),
	ATMQTT_RULE(ATMQTT_A_KEEPALIVE, 1, ATMQTT_KEEPALIVE_MAX,
		    "must be 1-300 seconds"),
	ATMQTT_RULE(ATMQTT_A_TOPIC, 1, ATMQTT_TOPIC_MAX,
		    "must be 1-255" ATMQTT_QUOTED),
	ATMQTT_RULE(ATMQTT_A_QOS, 0, ATMQTT_QOS_MAX, "must be 0, 1 or 2"),
	ATMQTT_RULE(ATMQTT_A_RETAIN, 0, 1, "must be 0 or 1"),
	ATMQTT_RULE(ATMQTT_A_PAYLOAD, 0, ATMQTT_PAYLOAD_MAX,
		    "must be 0-1024 bytes"),
};

static bool atmqtt_quotable(u8 c)
{
	return c >= 0x20 && c <= 0x7e && c != '"';
}

static bool atmqtt_all_quotable(const u8 *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (!atmqtt_quotable(s[i]))
			return false;
	return true;
}

/* Length of a string attribute, without its optional terminating NUL. */
static int atmqtt_nla_strlen(const struct nlattr *attr)
{
	const char *s = nla_data(attr);
	int len = nla_len(attr);

	if (len && s[len - 1] == '\0')
		len--;
	return len;
}

static int atmqtt_nla_bad(const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	atmqtt_extack(extack, attr, atmqtt_rules[nla_type(attr)].bad);
	return -EINVAL;
}

static int atmqtt_check_int(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	const struct atmqtt_rule *r = &atmqtt_rules[nla_type(attr)];
	u32 v;

	/* The core has checked the length against the policy's type. */
	switch (nla_len(attr)) {
	case sizeof(u8):
		v = nla_get_u8(attr);
		break;
	case sizeof(u16):
		v = nla_get_u16(attr);
		break;
	default:
		v = nla_get_u32(attr);
		break;
	}
	if (v < r->min || v > r->max)
		return atmqtt_nla_bad(attr, extack);
	return 0;
}

static int atmqtt_check_quoted(const struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	const struct atmqtt_rule *r = &atmqtt_rules[nla_type(attr)];
	int len = atmqtt_nla_strlen(attr);

	if (len < r->min || len > r->max ||
	    !atmqtt_all_quotable(nla_data(attr), len))
		return atmqtt_nla_bad(attr, extack);
	return 0;
}

static int atmqtt_check_payload(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	if (nla_len(attr) > ATMQTT_PAYLOAD_MAX)
		return atmqtt_nla_bad(attr, extack);
	return 0;
}

#define ATMQTT_INT(type)	NLA_POLICY_VALIDATE_FN(type, atmqtt_check_int)
#define ATMQTT_QUOTED_STR	NLA_POLICY_VALIDATE_FN(NLA_STRING, \
						       atmqtt_check_quoted)

/* Attributes that are only ever sent by the kernel are NLA_UNSPEC here,
 * which strict validation rejects in requests.
 */
static const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_MODEM]	= { .type = NLA_U32 },
	[ATMQTT_A_CLIENT]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_HOST]		= ATMQTT_QUOTED_STR,
	[ATMQTT_A_PORT]		= ATMQTT_INT(NLA_U16),
	[ATMQTT_A_CLEAN]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_KEEPALIVE]	= ATMQTT_INT(NLA_U16),
	[ATMQTT_A_TOPIC]	= ATMQTT_QUOTED_STR,
	[ATMQTT_A_QOS]		= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_RETAIN]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_PAYLOAD]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 atmqtt_check_payload),
};

static int atmqtt_require(struct genl_info *info, const u16 *types, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!info->attrs[types[i]]) {
			atmqtt_extack(info->extack, NULL,
				      atmqtt_rules[types[i]].missing);
			NL_SET_ERR_ATTR_MISS(info->extack, NULL, types[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Every client request: the required attributes, then the client id. */
static int atmqtt_nl_client(struct genl_info *info, const u16 *req, int n)
{
	int err = atmqtt_require(info, req, n);

	return err ? err : nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
}

static u8 atmqtt_get_u8(struct genl_info *info, int type, u8 def)
{
	return info->attrs[type] ? nla_get_u8(info->attrs[type]) : def;
}

/* ---- requests ---------------------------------------------------------- */

/*
 * Run one formatted AT command on the request's modem.  @result is the
 * result URC to wait for after OK, 0 for none.
 */
static int atmqtt_nl_exec(struct genl_info *info, char *cmd,
			  enum atp_result result, int client)
{
	struct atmqtt_urc_wait uw = { .result = result, .client = client };
	struct nlattr *attr = info->attrs[ATMQTT_A_MODEM];
	struct atmqtt_modem *m;
	int err;

	if (!cmd)
		return -ENOMEM;

	m = atmqtt_modem_get(nla_get_u32(attr));
	if (!m) {
		kfree(cmd);
		atmqtt_extack(info->extack, attr,
			      atmqtt_rules[ATMQTT_A_MODEM].bad);
		return -ENODEV;
	}
	err = atmqtt_modem_exec(m, cmd, strlen(cmd), result ? &uw : NULL,
				info->extack);
	atmqtt_modem_put(m);
	kfree(cmd);
	return err;
}

static int atmqtt_nl_open(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_HOST, ATMQTT_A_PORT };
	struct nlattr *host = info->attrs[ATMQTT_A_HOST];
	u16 keepalive = 60;
	int client;

	client = atmqtt_nl_client(info, req, ARRAY_SIZE(req));
	if (client < 0)
		return client;
	if (info->attrs[ATMQTT_A_KEEPALIVE])
		keepalive = nla_get_u16(info->attrs[ATMQTT_A_KEEPALIVE]);

	return atmqtt_nl_exec(info,
			      kasprintf(GFP_KERNEL,
					"AT+MQTTOPEN=%u,\"%.*s\",%u,%u,%u\r",
					client, atmqtt_nla_strlen(host),
					(const char *)nla_data(host),
					nla_get_u16(info->attrs[ATMQTT_A_PORT]),
					atmqtt_get_u8(info, ATMQTT_A_CLEAN, 1),
					keepalive),
			      ATP_R_OPEN, client);
}

static int atmqtt_nl_close(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT };
	int client;

	client = atmqtt_nl_client(info, req, ARRAY_SIZE(req));
	if (client < 0)
		return client;

	return atmqtt_nl_exec(info,
			      kasprintf(GFP_KERNEL, "AT+MQTTCLOSE=%u\r", client),
			      ATP_R_CLOSE, client);
}

static int atmqtt_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_TOPIC };
	struct nlattr *topic = info->attrs[ATMQTT_A_TOPIC];
	int client;

	client = atmqtt_nl_client(info, req, ARRAY_SIZE(req));
	if (client < 0)
		return client;

	return atmqtt_nl_exec(info,
			      kasprintf(GFP_KERNEL, "AT+MQTTSUB=%u,\"%.*s\",%u\r",
					client, atmqtt_nla_strlen(topic),
					(const char *)nla_data(topic),
					atmqtt_get_u8(info, ATMQTT_A_QOS, 0)),
			      ATP_R_SUB, client);
}

static int atmqtt_nl_publish(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_TOPIC };
	struct nlattr *payload = info->attrs[ATMQTT_A_PAYLOAD];
	struct nlattr *topic = info->attrs[ATMQTT_A_TOPIC];
	const u8 *data = payload ? nla_data(payload) : NULL;
	int len = payload ? nla_len(payload) : 0;
	int client;

	client = atmqtt_nl_client(info, req, ARRAY_SIZE(req));
	if (client < 0)
		return client;
	/* The quoted form carries printable ASCII only; binary payloads
	 * will take the manual's <Datasize> raw mode.
	 */
	if (!atmqtt_all_quotable(data, len)) {
		NL_SET_ERR_MSG_ATTR(info->extack, payload,
				    "ATMQTT_A_PAYLOAD: must be" ATMQTT_QUOTED
				    " (raw <Datasize> mode not supported yet)");
		return -EINVAL;
	}

	return atmqtt_nl_exec(info,
			      kasprintf(GFP_KERNEL,
					"AT+MQTTPUB=%u,\"%.*s\",%u,%u,\"%.*s\"\r",
					client, atmqtt_nla_strlen(topic),
					(const char *)nla_data(topic),
					atmqtt_get_u8(info, ATMQTT_A_QOS, 0),
					atmqtt_get_u8(info, ATMQTT_A_RETAIN, 0),
					len, data ? (const char *)data : ""),
			      ATP_R_PUB, client);
}

/* ---- modem list -------------------------------------------------------- */

static int atmqtt_nl_fill_modem(struct sk_buff *skb, struct atmqtt_modem *m,
				u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &atmqtt_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, ATMQTT_A_MODEM, m->handle) ||
	    nla_put_string(skb, ATMQTT_A_TTY, m->tty_name) ||
	    nla_put_u8(skb, ATMQTT_A_MODEM_STATE, atmqtt_modem_state(m)) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_SEQ,
			      atomic64_read(&m->rx_seq), ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_DROPS,
			      atomic64_read(&m->rx_drops), ATMQTT_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int atmqtt_nl_dump_modems(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct nlattr **attrs = atmqtt_dumpit_attrs(cb);
	u32 only = attrs[ATMQTT_A_MODEM] ?
		   nla_get_u32(attrs[ATMQTT_A_MODEM]) : 0;
	unsigned long index = cb->args[0];
	struct atmqtt_modem *m;
	int err = 0;

	while ((m = atmqtt_modem_get_next(&index))) {
		if (!only || m->handle == only)
			err = atmqtt_nl_fill_modem(skb, m,
						   NETLINK_CB(cb->skb).portid,
						   cb->nlh->nlmsg_seq,
						   NLM_F_MULTI,
						   ATMQTT_CMD_GET_MODEM);
		atmqtt_modem_put(m);
		if (err)
			break;
		index++;
	}
	cb->args[0] = index;
	/* A modem too big for an empty skb cannot exist: report the error. */
	return err && !skb->len ? err : skb->len;
}

/* ---- events ------------------------------------------------------------ */

static struct sk_buff *atmqtt_event_new(struct atmqtt_modem *m, u8 cmd,
					size_t size, void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&atmqtt_family, &init_net, 0))
		return NULL;
	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &atmqtt_family, 0, cmd);
	if (!*hdr || nla_put_u32(skb, ATMQTT_A_MODEM, m->handle)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int atmqtt_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	return genlmsg_multicast(&atmqtt_family, skb, 0, 0, GFP_KERNEL);
}

void atmqtt_event_modem(struct atmqtt_modem *m)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&atmqtt_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (atmqtt_nl_fill_modem(skb, m, 0, 0, 0, ATMQTT_EVT_MODEM)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&atmqtt_family, skb, 0, 0, GFP_KERNEL);
}

static const u8 atmqtt_urc_of[] = {
	[ATP_R_OPEN] = ATMQTT_URC_OPEN,
	[ATP_R_CLOSE] = ATMQTT_URC_CLOSE,
	[ATP_R_SUB] = ATMQTT_URC_SUB,
	[ATP_R_PUB] = ATMQTT_URC_PUB,
	[ATP_R_UNSUB] = ATMQTT_URC_UNSUB,
};

void atmqtt_event_result(struct atmqtt_modem *m, const struct atp_item *it)
{
	struct sk_buff *skb;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_RESULT, NLMSG_DEFAULT_SIZE, &hdr);
	if (!skb)
		return;
	if (nla_put_u8(skb, ATMQTT_A_URC, atmqtt_urc_of[it->result]) ||
	    nla_put_u8(skb, ATMQTT_A_CLIENT, it->client) ||
	    nla_put_u8(skb, ATMQTT_A_STATUS, it->status)) {
		nlmsg_free(skb);
		return;
	}
	atmqtt_event_send(skb, hdr);
}

void atmqtt_event_break(struct atmqtt_modem *m, const struct atp_item *it)
{
	struct sk_buff *skb;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_BREAK, NLMSG_DEFAULT_SIZE, &hdr);
	if (!skb)
		return;
	if (nla_put_u8(skb, ATMQTT_A_CLIENT, it->client) ||
	    nla_put_u8(skb, ATMQTT_A_CAUSE, it->cause)) {
		nlmsg_free(skb);
		return;
	}
	atmqtt_event_send(skb, hdr);
}

int atmqtt_event_message(struct atmqtt_modem *m, const struct atp_item *it,
			 u64 seq)
{
	struct sk_buff *skb;
	struct nlattr *topic;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_MESSAGE,
			       it->topic_len + it->payload_len + 128, &hdr);
	if (!skb)
		return -ENOBUFS;
	topic = nla_reserve(skb, ATMQTT_A_TOPIC, it->topic_len + 1);
	if (!topic ||
	    nla_put_u8(skb, ATMQTT_A_CLIENT, it->client) ||
	    nla_put_u8(skb, ATMQTT_A_QOS, it->qos) ||
	    nla_put(skb, ATMQTT_A_PAYLOAD, it->payload_len, it->payload) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_SEQ, seq, ATMQTT_A_PAD)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	memcpy(nla_data(topic), it->topic, it->topic_len);
	((char *)nla_data(topic))[it->topic_len] = '\0';
	return atmqtt_event_send(skb, hdr);
}

/* ---- family ------------------------------------------------------------ */

static const struct genl_small_ops atmqtt_ops[] = {
	{
		.cmd = ATMQTT_CMD_GET_MODEM,
		.dumpit = atmqtt_nl_dump_modems,
	}, {
		.cmd = ATMQTT_CMD_OPEN,
		.doit = atmqtt_nl_open,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ATMQTT_CMD_CLOSE,
		.doit = atmqtt_nl_close,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ATMQTT_CMD_SUBSCRIBE,
		.doit = atmqtt_nl_subscribe,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = ATMQTT_CMD_PUBLISH,
		.doit = atmqtt_nl_publish,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group atmqtt_mcgrps[] = {
	{ .name = ATMQTT_MCGRP_EVENTS },
};

static struct genl_family atmqtt_family = {
	.name = ATMQTT_GENL_NAME,
	.version = ATMQTT_GENL_VERSION,
	.maxattr = ATMQTT_A_MAX,
	.policy = atmqtt_policy,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = atmqtt_ops,
	.n_small_ops = ARRAY_SIZE(atmqtt_ops),
	.resv_start_op = ATMQTT_CMD_GET_MODEM,
	.mcgrps = atmqtt_mcgrps,
	.n_mcgrps = ARRAY_SIZE(atmqtt_mcgrps),
};

int __init atmqtt_genl_init(void)
{
	return genl_register_family(&atmqtt_family);
}

void atmqtt_genl_exit(void)
{
	genl_unregister_family(&atmqtt_family);
}
