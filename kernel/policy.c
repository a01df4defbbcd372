// SPDX-License-Identifier: GPL-2.0
/*
 * The family's policy: every attribute against the modem manual's ranges,
 * with an extended ack that names the attribute and the rule; and what
 * every request handler does first (the required attributes, its modem)
 * and last (its answer).  Nothing a user sends reaches the tty
 * unvalidated: integers are checked against the manual's ranges and every
 * string that ends up between quotes in an AT command must be printable
 * ASCII without '"', so neither a quote nor a CR/LF can end the string or
 * the command line early.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "events.h"
#include "modem.h"
#include "nl.h"

struct atmqtt_rule {
	u32 min;
	u32 max;
	const char *bad;	/* names the attribute and the rule */
	const char *missing;
};

#define ATMQTT_RULE(attr, lo, hi, text)					\
	[attr] = { .min = (lo), .max = (hi), .bad = #attr ": " text,	\
		   .missing = #attr ": required" }

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
	ATMQTT_RULE(ATMQTT_A_USERNAME, 0, ATMQTT_USERNAME_MAX,
		    "must be 0-128" ATMQTT_QUOTED),
	ATMQTT_RULE(ATMQTT_A_PASSWORD, 0, ATMQTT_PASSWORD_MAX,
		    "must be 0-128" ATMQTT_QUOTED),
	ATMQTT_RULE(ATMQTT_A_CLIENT_ID, 1, ATMQTT_CLIENT_ID_MAX,
		    "must be 1-23" ATMQTT_QUOTED),
	ATMQTT_RULE(ATMQTT_A_MODE, 0, 1, "must be 0 or 1"),
	ATMQTT_RULE(ATMQTT_A_AT_CMD, 1, ATMQTT_AT_MAX,
		    "must be an enum atmqtt_at value (1-9)"),
	ATMQTT_RULE(ATMQTT_A_LINE, 2, ATMQTT_RAW_MAX,
		    "must be 2-512 printable ASCII characters, \"AT\" first, no \"+MQTT\""),
	ATMQTT_RULE(ATMQTT_A_TIMEOUT_MS, 1, ATMQTT_RAW_TIMEOUT_MAX,
		    "must be 1-600000 ms"),
	ATMQTT_RULE(ATMQTT_A_DATASIZE, 0, 1, "must be 0 or 1"),
	ATMQTT_RULE(ATMQTT_A_RECONNECT, 0, 1, "must be 0 or 1"),
	ATMQTT_RULE(ATMQTT_A_RECONNECT_MIN_MS, ATMQTT_RECONNECT_MS_MIN,
		    ATMQTT_RECONNECT_MS_MAX, "must be 100-3600000 ms"),
	ATMQTT_RULE(ATMQTT_A_RECONNECT_MAX_MS, ATMQTT_RECONNECT_MS_MIN,
		    ATMQTT_RECONNECT_MS_MAX, "must be 100-3600000 ms"),
};

static bool atmqtt_quotable(u8 c)
{
	return c >= 0x20 && c <= 0x7e && c != '"';
}

bool atmqtt_all_quotable(const u8 *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (!atmqtt_quotable(s[i]))
			return false;
	return true;
}

/* Length of a string attribute, without its optional terminating NUL. */
int atmqtt_nla_strlen(const struct nlattr *attr)
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

/* A raw AT line: one printable line, and none of the MQTT commands, whose
 * state the module tracks ("AT+COPS?;+MQTTCLOSE=1" included).
 */
static int atmqtt_check_raw(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr);
	int len = atmqtt_nla_strlen(attr), i;

	if (len < 2 || len > ATMQTT_RAW_MAX || strncasecmp(s, "AT", 2) ||
	    len != strnlen(s, len))
		return atmqtt_nla_bad(attr, extack);
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e ||
		    (len - i >= 5 && !strncasecmp(s + i, "+MQTT", 5)))
			return atmqtt_nla_bad(attr, extack);
	}
	return 0;
}

#define ATMQTT_INT(type)	NLA_POLICY_VALIDATE_FN(type, atmqtt_check_int)
#define ATMQTT_QUOTED_STR	NLA_POLICY_VALIDATE_FN(NLA_STRING, \
						       atmqtt_check_quoted)

/* Attributes that are only ever sent by the kernel are NLA_UNSPEC here,
 * which strict validation rejects in requests.
 */
const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_MODEM]	= { .type = NLA_U32 },
	[ATMQTT_A_CLIENT]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_HOST]		= ATMQTT_QUOTED_STR,
	[ATMQTT_A_PORT]		= ATMQTT_INT(NLA_U32),
	[ATMQTT_A_CLEAN]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_KEEPALIVE]	= ATMQTT_INT(NLA_U16),
	[ATMQTT_A_TOPIC]	= ATMQTT_QUOTED_STR,
	[ATMQTT_A_QOS]		= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_RETAIN]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_PAYLOAD]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 atmqtt_check_payload),
	[ATMQTT_A_USERNAME]	= ATMQTT_QUOTED_STR,
	[ATMQTT_A_PASSWORD]	= ATMQTT_QUOTED_STR,
	[ATMQTT_A_CLIENT_ID]	= ATMQTT_QUOTED_STR,
	[ATMQTT_A_MODE]		= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_AT_CMD]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_LINE]		= NLA_POLICY_VALIDATE_FN(NLA_STRING,
							 atmqtt_check_raw),
	[ATMQTT_A_TIMEOUT_MS]	= ATMQTT_INT(NLA_U32),
	[ATMQTT_A_DATASIZE]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_RECONNECT]	= ATMQTT_INT(NLA_U8),
	[ATMQTT_A_RECONNECT_MIN_MS] = ATMQTT_INT(NLA_U32),
	[ATMQTT_A_RECONNECT_MAX_MS] = ATMQTT_INT(NLA_U32),
};

int atmqtt_require(struct genl_info *info, const u16 *types, int n)
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

u8 atmqtt_get_u8(struct genl_info *info, int type, u8 def)
{
	return info->attrs[type] ? nla_get_u8(info->attrs[type]) : def;
}

/* ---- what every request does -------------------------------------------- */

/* The request's modem, referenced, or NULL with the error in the extack. */
struct atmqtt_modem *atmqtt_nl_modem(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[ATMQTT_A_MODEM];
	struct atmqtt_modem *m;

	m = atmqtt_modem_get(nla_get_u32(attr));
	if (!m)
		atmqtt_extack(info->extack, attr,
			      atmqtt_rules[ATMQTT_A_MODEM].bad);
	return m;
}

/*
 * Answer a request that reached the modem: on success with a message of the
 * request's command (MODEM, CLIENT, then what @fill adds); on failure, when
 * the modem gave an error code, with a message carrying it before the ack.
 */
int atmqtt_nl_answer(struct genl_info *info, struct atmqtt_modem *m,
		     int client, struct atmqtt_req *c, int err,
			    size_t size, atmqtt_fill_t fill, void *arg)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	if (err && !c->has_code)
		return err;
	skb = genlmsg_new(size + 64, GFP_KERNEL);
	if (!skb)
		return err ?: -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &atmqtt_family, 0,
				info->genlhdr->cmd);
	ret = hdr ? 0 : -EMSGSIZE;
	if (!ret)
		ret = nla_put_u32(skb, ATMQTT_A_MODEM, m->handle);
	if (!ret && client)
		ret = nla_put_u8(skb, ATMQTT_A_CLIENT, client);
	if (!ret && err)
		ret = nla_put_u32(skb, ATMQTT_A_MODEM_ERROR, c->code);
	if (!ret && !err && fill)
		ret = fill(skb, info, m, c, arg);
	if (ret) {
		nlmsg_free(skb);
		return err ?: ret;
	}
	genlmsg_end(skb, hdr);
	ret = genlmsg_reply(skb, info);
	return err ?: ret;
}

int atmqtt_fill_status(struct sk_buff *skb, struct genl_info *info,
		       struct atmqtt_modem *m, struct atmqtt_req *c,
			      void *arg)
{
	return nla_put_u8(skb, ATMQTT_A_STATUS, 1);
}

/* The client requests: required attributes, the modem, the client id. */
struct atmqtt_modem *atmqtt_nl_begin(struct genl_info *info,
				     const u16 *req, int n, int *err)
{
	struct atmqtt_modem *m;

	*err = atmqtt_require(info, req, n);
	if (*err)
		return NULL;
	m = atmqtt_nl_modem(info);
	if (!m)
		*err = -ENODEV;
	return m;
}

const char *atmqtt_nla_str(struct genl_info *info, int type,
			   int *len)
{
	struct nlattr *attr = info->attrs[type];

	*len = attr ? atmqtt_nla_strlen(attr) : 0;
	return attr ? nla_data(attr) : "";
}
