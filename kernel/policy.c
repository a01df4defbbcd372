// SPDX-License-Identifier: GPL-2.0
/*
 * The family's policy: every attribute against the modem manual's ranges,
 * which the policy itself carries (a policy dump shows them, and the core
 * refuses a value outside them with the attribute's offset and its policy
 * in the extended ack), plus the rules a policy cannot say, with a message
 * that names the attribute and the rule; and what every request handler
 * does first (the required attributes, its modem) and last (its answer).
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
#include "events.h"
#include "modem.h"
#include "nl.h"

/* The lengths' lower bounds, which a policy with a validate function cannot
 * carry (its upper bounds are the policy's .len).
 */
static const u8 atmqtt_min_len[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_HOST] = 1,
	[ATMQTT_A_TOPIC] = 1,
	[ATMQTT_A_CLIENT_ID] = 1,
	[ATMQTT_A_LINE] = 2,
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

/*
 * The refusal of a string the policy's type and length let through: a
 * message naming the attribute and the rule.
 */
static int atmqtt_nla_bad(const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	switch (nla_type(attr)) {
	case ATMQTT_A_HOST:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ATMQTT_A_HOST: must be 1-255" ATMQTT_QUOTED);
		break;
	case ATMQTT_A_TOPIC:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ATMQTT_A_TOPIC: must be 1-255" ATMQTT_QUOTED);
		break;
	case ATMQTT_A_USERNAME:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ATMQTT_A_USERNAME: must be 0-128" ATMQTT_QUOTED);
		break;
	case ATMQTT_A_PASSWORD:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ATMQTT_A_PASSWORD: must be 0-128" ATMQTT_QUOTED);
		break;
	case ATMQTT_A_CLIENT_ID:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ATMQTT_A_CLIENT_ID: must be 1-23" ATMQTT_QUOTED);
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "ATMQTT_A_LINE: must be 2-512 printable ASCII characters, \"AT\" first, no \"+MQTT\"");
		break;
	}
	return -EINVAL;
}

/* The policy has checked the type and the maximum length. */
static int atmqtt_check_quoted(const struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	int len = atmqtt_nla_strlen(attr);

	if (len < atmqtt_min_len[nla_type(attr)] ||
	    !atmqtt_all_quotable(nla_data(attr), len))
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

	if (len < atmqtt_min_len[ATMQTT_A_LINE] || strncasecmp(s, "AT", 2) ||
	    len != strnlen(s, len))
		return atmqtt_nla_bad(attr, extack);
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e ||
		    (len - i >= 5 && !strncasecmp(s + i, "+MQTT", 5)))
			return atmqtt_nla_bad(attr, extack);
	}
	return 0;
}

/* Ranges past the s16 of NLA_POLICY_RANGE(). */
static atmqtt_range_t atmqtt_port_range = {
	.min = 1,
	.max = 65535,
};

static atmqtt_range_t atmqtt_timeout_range = {
	.min = 1,
	.max = ATMQTT_RAW_TIMEOUT_MAX,
};

static atmqtt_range_t atmqtt_reconnect_range = {
	.min = ATMQTT_RECONNECT_MS_MIN,
	.max = ATMQTT_RECONNECT_MS_MAX,
};

#define ATMQTT_FLAG		NLA_POLICY_MAX(NLA_U8, 1)
#define ATMQTT_QUOTED_STR(max)	NLA_POLICY_VALIDATE_FN(NLA_STRING, \
						       atmqtt_check_quoted, \
						       (max))

/*
 * Every range is the policy's own, so that a policy dump (CTRL_CMD_GETPOLICY)
 * shows it and the core refuses a value outside it with the attribute's
 * offset and its policy (NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY).  The
 * strings' other rules (their minimum length, the characters) are checked
 * by a function, whose message names the attribute and the rule.
 * Attributes that are only ever sent by the kernel are NLA_UNSPEC here,
 * which strict validation rejects in requests.  Documentation/netlink/specs/
 * atmqtt.yaml's checks must say the same (selftests/ynl/policy_test.c).
 */
const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_MODEM]	= { .type = NLA_U32 },
	[ATMQTT_A_CLIENT]	= NLA_POLICY_RANGE(NLA_U8, ATMQTT_CLIENT_MIN,
						   ATMQTT_CLIENT_MAX),
	[ATMQTT_A_HOST]		= ATMQTT_QUOTED_STR(ATMQTT_HOST_MAX),
	[ATMQTT_A_PORT]		= NLA_POLICY_FULL_RANGE(NLA_U32,
							&atmqtt_port_range),
	[ATMQTT_A_CLEAN]	= ATMQTT_FLAG,
	[ATMQTT_A_KEEPALIVE]	= NLA_POLICY_RANGE(NLA_U16, 1,
						   ATMQTT_KEEPALIVE_MAX),
	[ATMQTT_A_TOPIC]	= ATMQTT_QUOTED_STR(ATMQTT_TOPIC_MAX),
	[ATMQTT_A_QOS]		= NLA_POLICY_MAX(NLA_U8, ATMQTT_QOS_MAX),
	[ATMQTT_A_RETAIN]	= ATMQTT_FLAG,
	[ATMQTT_A_PAYLOAD]	= { .type = NLA_BINARY,
				    .len = ATMQTT_PAYLOAD_MAX },
	[ATMQTT_A_USERNAME]	= ATMQTT_QUOTED_STR(ATMQTT_USERNAME_MAX),
	[ATMQTT_A_PASSWORD]	= ATMQTT_QUOTED_STR(ATMQTT_PASSWORD_MAX),
	[ATMQTT_A_CLIENT_ID]	= ATMQTT_QUOTED_STR(ATMQTT_CLIENT_ID_MAX),
	[ATMQTT_A_MODE]		= ATMQTT_FLAG,
	[ATMQTT_A_AT_CMD]	= NLA_POLICY_RANGE(NLA_U8, 1, ATMQTT_AT_MAX),
	[ATMQTT_A_LINE]		= NLA_POLICY_VALIDATE_FN(NLA_STRING,
							 atmqtt_check_raw,
							 ATMQTT_RAW_MAX),
	[ATMQTT_A_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&atmqtt_timeout_range),
	[ATMQTT_A_DATASIZE]	= ATMQTT_FLAG,
	[ATMQTT_A_RECONNECT]	= ATMQTT_FLAG,
	[ATMQTT_A_RECONNECT_MIN_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &atmqtt_reconnect_range),
	[ATMQTT_A_RECONNECT_MAX_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &atmqtt_reconnect_range),
};

/*
 * A missing attribute: its type (NLMSGERR_ATTR_MISS_TYPE) and a message
 * naming it, for every attribute a request can require.
 */
static void atmqtt_missing(struct netlink_ext_ack *extack, int type)
{
	switch (type) {
	case ATMQTT_A_MODEM:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_MODEM: required");
		break;
	case ATMQTT_A_CLIENT:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_CLIENT: required");
		break;
	case ATMQTT_A_HOST:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_HOST: required");
		break;
	case ATMQTT_A_PORT:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_PORT: required");
		break;
	case ATMQTT_A_TOPIC:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_TOPIC: required");
		break;
	case ATMQTT_A_PAYLOAD:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_PAYLOAD: required");
		break;
	case ATMQTT_A_MODE:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_MODE: required");
		break;
	case ATMQTT_A_AT_CMD:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_AT_CMD: required");
		break;
	case ATMQTT_A_LINE:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_LINE: required");
		break;
	case ATMQTT_A_RECONNECT_MIN_MS:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_RECONNECT_MIN_MS: required");
		break;
	case ATMQTT_A_RECONNECT_MAX_MS:
		NL_SET_ERR_MSG(extack, "ATMQTT_A_RECONNECT_MAX_MS: required");
		break;
	default:
		NL_SET_ERR_MSG(extack, "a required attribute is missing");
		break;
	}
	NL_SET_ERR_ATTR_MISS(extack, NULL, type);
}

int atmqtt_require(struct genl_info *info, const u16 *types, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!info->attrs[types[i]]) {
			atmqtt_missing(info->extack, types[i]);
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
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "ATMQTT_A_MODEM: no such modem");
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
