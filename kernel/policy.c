// SPDX-License-Identifier: GPL-2.0
/*
 * The family's policy: every attribute against the family's bounds, which
 * the policy itself carries (a policy dump shows them, and the core refuses
 * a value outside them with the attribute's offset and its policy in the
 * extended ack), plus the rules a policy cannot say, with a message that
 * names the attribute and the rule; then, once the request's modem is
 * known, its values against that modem's limits (limits.h); and what every
 * request handler does first (the required attributes, its modem) and last
 * (its answer).  Nothing a user sends reaches the tty unvalidated:
 * integers are checked against the bounds and every string that ends up
 * between quotes in an AT command must be printable ASCII without '"', so
 * neither a quote nor a CR/LF can end the string or the command line early.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "events.h"
#include "modem.h"
#include "nl.h"

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
 * The quoted strings: the policy has checked the type and the family's
 * maximum length; here their minimum length and their characters.  The
 * modem is not known yet: the range a message names is the family's (the
 * modem's limit is checked after, atmqtt_nl_str()).  Each nest's types
 * start at 1, so each attribute has a function of its own.
 */
static bool atmqtt_quoted_ok(const struct nlattr *attr, int min)
{
	int len = atmqtt_nla_strlen(attr);

	return len >= min && atmqtt_all_quotable(nla_data(attr), len);
}

static int atmqtt_check_host(const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	if (atmqtt_quoted_ok(attr, 1))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "ATMQTT_A_CLIENT_HOST: must be 1-255" ATMQTT_QUOTED);
	return -EINVAL;
}

static int atmqtt_check_topic(const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	if (atmqtt_quoted_ok(attr, 1))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "ATMQTT_A_MSG_TOPIC: must be 1-65535" ATMQTT_QUOTED);
	return -EINVAL;
}

static int atmqtt_check_user_name(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	if (atmqtt_quoted_ok(attr, 0))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "ATMQTT_A_USER_NAME: must be 0-65535" ATMQTT_QUOTED);
	return -EINVAL;
}

static int atmqtt_check_password(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	if (atmqtt_quoted_ok(attr, 0))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "ATMQTT_A_USER_PASSWORD: must be 0-65535" ATMQTT_QUOTED);
	return -EINVAL;
}

static int atmqtt_check_ident(const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	if (atmqtt_quoted_ok(attr, 1))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "ATMQTT_A_USER_CLIENT_ID: must be 1-65535" ATMQTT_QUOTED);
	return -EINVAL;
}

/* A raw AT line: one printable line, and none of the MQTT commands, whose
 * state the module tracks ("AT+COPS?;+MQTTCLOSE=1" included).
 */
static int atmqtt_check_raw(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr);
	int len = atmqtt_nla_strlen(attr), i;

	if (len < 2 || strncasecmp(s, "AT", 2) || len != strnlen(s, len))
		goto bad;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e ||
		    (len - i >= 5 && !strncasecmp(s + i, "+MQTT", 5)))
			goto bad;
	}
	return 0;
bad:
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "ATMQTT_A_LINE: must be 2-512 printable ASCII characters, \"AT\" first, no \"+MQTT\"");
	return -EINVAL;
}

/* Ranges past the s16 of NLA_POLICY_RANGE(). */
static atmqtt_range_t atmqtt_u16_range = {
	.min = 1,
	.max = ATMQTT_FAM_U16_MAX,
};

static atmqtt_range_t atmqtt_timeout_range = {
	.min = 1,
	.max = ATMQTT_RAW_TIMEOUT_MAX,
};

static atmqtt_range_t atmqtt_reconnect_range = {
	.min = ATMQTT_RECONNECT_MS_MIN,
	.max = ATMQTT_RECONNECT_MS_MAX,
};

#define ATMQTT_BOOL		NLA_POLICY_MAX(NLA_U32, 1)
#define ATMQTT_QUOTED_STR(fn, max) NLA_POLICY_VALIDATE_FN(NLA_STRING, fn, (max))

/*
 * Every bound is the policy's own, so that a policy dump (CTRL_CMD_GETPOLICY)
 * shows it and the core refuses a value outside it with the attribute's
 * offset and its policy (NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY).  The
 * strings' other rules (their minimum length, the characters) are checked
 * by a function, whose message names the attribute and the rule.
 * Attributes that are only ever sent by the kernel are NLA_UNSPEC (left
 * out), which strict validation rejects in requests.  Documentation/
 * netlink/specs/atmqtt.yaml's checks must say the same
 * (selftests/ynl/policy_test.c).
 */
const struct nla_policy atmqtt_client_nl_policy[ATMQTT_A_CLIENT_MAX + 1] = {
	[ATMQTT_A_CLIENT_HOST]	= ATMQTT_QUOTED_STR(atmqtt_check_host,
						    ATMQTT_FAM_HOST_MAX),
	[ATMQTT_A_CLIENT_PORT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&atmqtt_u16_range),
	[ATMQTT_A_CLIENT_CLEAN]	= ATMQTT_BOOL,
	[ATMQTT_A_CLIENT_KEEPALIVE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &atmqtt_u16_range),
	[ATMQTT_A_CLIENT_RECONNECT] = ATMQTT_BOOL,
	[ATMQTT_A_CLIENT_RECONNECT_MIN_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &atmqtt_reconnect_range),
	[ATMQTT_A_CLIENT_RECONNECT_MAX_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &atmqtt_reconnect_range),
};

const struct nla_policy atmqtt_user_nl_policy[ATMQTT_A_USER_MAX + 1] = {
	[ATMQTT_A_USER_NAME]	= ATMQTT_QUOTED_STR(atmqtt_check_user_name,
						    ATMQTT_FAM_STR_MAX),
	[ATMQTT_A_USER_PASSWORD] = ATMQTT_QUOTED_STR(atmqtt_check_password,
						     ATMQTT_FAM_STR_MAX),
	[ATMQTT_A_USER_CLIENT_ID] = ATMQTT_QUOTED_STR(atmqtt_check_ident,
						      ATMQTT_FAM_STR_MAX),
};

const struct nla_policy atmqtt_msg_nl_policy[ATMQTT_A_MSG_MAX + 1] = {
	[ATMQTT_A_MSG_TOPIC]	= ATMQTT_QUOTED_STR(atmqtt_check_topic,
						    ATMQTT_FAM_STR_MAX),
	[ATMQTT_A_MSG_QOS]	= NLA_POLICY_MAX(NLA_U32, ATMQTT_FAM_QOS_MAX),
	[ATMQTT_A_MSG_RETAIN]	= ATMQTT_BOOL,
	[ATMQTT_A_MSG_PAYLOAD]	= { .type = NLA_BINARY,
				    .len = ATMQTT_FAM_PAYLOAD_MAX },
	[ATMQTT_A_MSG_DATASIZE]	= ATMQTT_BOOL,
};

const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_MODEM_ID]	= { .type = NLA_U32 },
	[ATMQTT_A_CLIENT_ID]	= NLA_POLICY_RANGE(NLA_U32, ATMQTT_CLIENT_MIN,
						   ATMQTT_FAM_CLIENT_ID_MAX),
	[ATMQTT_A_CLIENT]	= NLA_POLICY_NESTED(atmqtt_client_nl_policy),
	[ATMQTT_A_USER]		= NLA_POLICY_NESTED(atmqtt_user_nl_policy),
	[ATMQTT_A_MSG]		= NLA_POLICY_NESTED(atmqtt_msg_nl_policy),
	[ATMQTT_A_MODE]		= ATMQTT_BOOL,
	[ATMQTT_A_AT_CMD]	= NLA_POLICY_RANGE(NLA_U32, 1, ATMQTT_AT_LAST),
	[ATMQTT_A_LINE]		= NLA_POLICY_VALIDATE_FN(NLA_STRING,
							 atmqtt_check_raw,
							 ATMQTT_RAW_MAX),
	[ATMQTT_A_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&atmqtt_timeout_range),
};

/* ---- what every request does -------------------------------------------- */

u32 atmqtt_get_u32(const struct nlattr *attr, u32 def)
{
	return attr ? nla_get_u32(attr) : def;
}

const char *atmqtt_nla_str(const struct nlattr *attr, int *len)
{
	*len = attr ? atmqtt_nla_strlen(attr) : 0;
	return attr ? nla_data(attr) : "";
}

/*
 * A nest of the request (ATMQTT_A_CLIENT, _USER, _MSG) into tb: the policy
 * has validated it already; tb is all NULL when it is absent.
 */
int atmqtt_nl_nest(struct genl_info *info, int type, struct nlattr **tb,
		   int maxtype, const struct nla_policy *policy)
{
	struct nlattr *nest = info->attrs[type];

	if (!nest) {
		memset(tb, 0, (maxtype + 1) * sizeof(*tb));
		return 0;
	}
	return nla_parse_nested(tb, maxtype, nest, policy, info->extack);
}

/*
 * A value inside the family's bounds but past its modem's: -ERANGE, with
 * the dialect's message naming the attribute and the modem's limit.
 */
int atmqtt_limit(struct netlink_ext_ack *extack, const struct nlattr *attr,
		 u32 v, u32 lo, u32 hi, const char *msg)
{
	if (v >= lo && v <= hi)
		return 0;
	atmqtt_extack(extack, attr, msg);
	return -ERANGE;
}

/* A quoted string's length against its modem's limit. */
int atmqtt_nl_str(struct netlink_ext_ack *extack, const struct nlattr *attr,
		  u32 lo, u32 hi, const char *msg)
{
	return attr ? atmqtt_limit(extack, attr, atmqtt_nla_strlen(attr), lo,
				   hi, msg) : 0;
}

/*
 * What each request takes: its top-level attributes and, in its nests,
 * theirs.  The policy refuses what no request takes (the kernel's own);
 * this refuses what another request takes, e.g. CLIENT { RECONNECT } in a
 * PUBLISH, which would otherwise be ignored without a word.
 */
struct atmqtt_takes {
	u32 top;
	u32 client;
	u32 user;
	u32 msg;
};

#define ATMQTT_T(x)		BIT(ATMQTT_A_##x)
#define ATMQTT_T_TARGET		(ATMQTT_T(MODEM_ID) | ATMQTT_T(CLIENT_ID))
#define ATMQTT_T_CLIENT_OPEN	(ATMQTT_T(CLIENT_HOST) | ATMQTT_T(CLIENT_PORT) | \
				 ATMQTT_T(CLIENT_CLEAN) | \
				 ATMQTT_T(CLIENT_KEEPALIVE))
#define ATMQTT_T_CLIENT_POLICY	(ATMQTT_T(CLIENT_RECONNECT) | \
				 ATMQTT_T(CLIENT_RECONNECT_MIN_MS) | \
				 ATMQTT_T(CLIENT_RECONNECT_MAX_MS))
#define ATMQTT_T_MSG_WILL	(ATMQTT_T(MSG_TOPIC) | ATMQTT_T(MSG_QOS) | \
				 ATMQTT_T(MSG_RETAIN) | ATMQTT_T(MSG_PAYLOAD))

static const struct atmqtt_takes atmqtt_takes[ATMQTT_CMD_MAX + 1] = {
	[ATMQTT_CMD_GET_MODEM]	= { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_GET_CLIENT]	= { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_SET_CLIENT]	= { .top = ATMQTT_T_TARGET | ATMQTT_T(CLIENT),
				    .client = ATMQTT_T_CLIENT_POLICY },
	[ATMQTT_CMD_GET_SUB]	= { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_SET_USER]	= { .top = ATMQTT_T_TARGET | ATMQTT_T(USER),
				    .user = ATMQTT_T(USER_NAME) |
					    ATMQTT_T(USER_PASSWORD) |
					    ATMQTT_T(USER_CLIENT_ID) },
	[ATMQTT_CMD_GET_USER]	= { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_SET_WILL]	= { .top = ATMQTT_T_TARGET | ATMQTT_T(MSG),
				    .msg = ATMQTT_T_MSG_WILL },
	[ATMQTT_CMD_GET_WILL]	= { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_SET_CONF]	= { .top = ATMQTT_T(MODEM_ID) | ATMQTT_T(MODE) },
	[ATMQTT_CMD_GET_CONF]	= { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_OPEN]	= { .top = ATMQTT_T_TARGET | ATMQTT_T(CLIENT),
				    .client = ATMQTT_T_CLIENT_OPEN },
	[ATMQTT_CMD_GET_OPENABLE] = { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_CLOSE]	= { .top = ATMQTT_T_TARGET },
	[ATMQTT_CMD_GET_CLOSABLE] = { .top = ATMQTT_T(MODEM_ID) },
	[ATMQTT_CMD_SUBSCRIBE]	= { .top = ATMQTT_T_TARGET | ATMQTT_T(MSG),
				    .msg = ATMQTT_T(MSG_TOPIC) | ATMQTT_T(MSG_QOS) },
	[ATMQTT_CMD_UNSUBSCRIBE] = { .top = ATMQTT_T_TARGET | ATMQTT_T(MSG),
				     .msg = ATMQTT_T(MSG_TOPIC) },
	[ATMQTT_CMD_PUBLISH]	= { .top = ATMQTT_T_TARGET | ATMQTT_T(MSG),
				    .msg = ATMQTT_T_MSG_WILL |
					   ATMQTT_T(MSG_DATASIZE) },
	[ATMQTT_CMD_READ]	= { .top = ATMQTT_T_TARGET },
	[ATMQTT_CMD_TEST]	= { .top = ATMQTT_T(MODEM_ID) | ATMQTT_T(AT_CMD) },
	[ATMQTT_CMD_RAW]	= { .top = ATMQTT_T(MODEM_ID) | ATMQTT_T(LINE) |
				   ATMQTT_T(TIMEOUT_MS) },
};

/* The first attribute of @nest that @takes has no bit for, or NULL. */
static const struct nlattr *atmqtt_foreign_in(const struct nlattr *nest,
					      u32 takes)
{
	const struct nlattr *attr;
	int rem;

	nla_for_each_nested(attr, nest, rem)
		if (!(takes & BIT(nla_type(attr))))
			return attr;
	return NULL;
}

/*
 * -EINVAL, naming the attribute, when the request carries one its command
 * does not take; a nest the command does not take is blamed on its first
 * attribute (on itself when empty).
 */
int atmqtt_nl_foreign(u8 cmd, struct nlattr **attrs,
		      struct netlink_ext_ack *extack)
{
	static const u8 nests[] = { ATMQTT_A_CLIENT, ATMQTT_A_USER, ATMQTT_A_MSG };
	const struct atmqtt_takes *t;
	const struct nlattr *bad = NULL;
	u32 inner;
	int type, i;

	BUILD_BUG_ON(ATMQTT_A_MAX > 31 || ATMQTT_A_CLIENT_MAX > 31 ||
		     ATMQTT_A_USER_MAX > 31 || ATMQTT_A_MSG_MAX > 31);
	if (WARN_ON_ONCE(cmd > ATMQTT_CMD_MAX))
		return -EINVAL;
	t = &atmqtt_takes[cmd];
	for (type = 1; type <= ATMQTT_A_MAX && !bad; type++)
		if (attrs[type] && !(t->top & BIT(type)))
			bad = attrs[type];
	for (i = 0; i < ARRAY_SIZE(nests) && !bad; i++) {
		if (!attrs[nests[i]])
			continue;
		inner = nests[i] == ATMQTT_A_CLIENT ? t->client :
			nests[i] == ATMQTT_A_USER ? t->user : t->msg;
		bad = atmqtt_foreign_in(attrs[nests[i]], inner);
	}
	if (!bad)
		return 0;
	/* A foreign nest: its first attribute, or the nest when it is empty. */
	for (i = 0; i < ARRAY_SIZE(nests); i++)
		if (bad == attrs[nests[i]] && nla_len(bad))
			bad = nla_data(bad);
	NL_SET_ERR_MSG_ATTR(extack, bad,
			    "an attribute this command does not take");
	return -EINVAL;
}

/*
 * The request's modem (MODEM_ID, required), referenced, and, when @client
 * is set, its client (CLIENT_ID, required, within the modem's count).
 * NULL with *err and the extack set otherwise.
 */
struct atmqtt_modem *atmqtt_nl_begin(struct genl_info *info, bool client,
				     int *err)
{
	struct nlattr *id = info->attrs[ATMQTT_A_CLIENT_ID];
	struct nlattr *attr = info->attrs[ATMQTT_A_MODEM_ID];
	struct atmqtt_modem *m;

	*err = atmqtt_nl_foreign(info->genlhdr->cmd, info->attrs, info->extack);
	if (*err)
		return NULL;
	if (!attr) {
		*err = ATMQTT_MISSING(info->extack, NULL, ATMQTT_A_MODEM_ID);
		return NULL;
	}
	if (client && !id) {
		*err = ATMQTT_MISSING(info->extack, NULL, ATMQTT_A_CLIENT_ID);
		return NULL;
	}
	m = atmqtt_modem_get(nla_get_u32(attr));
	if (!m) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "ATMQTT_A_MODEM_ID: no such modem");
		*err = -ENODEV;
		return NULL;
	}
	*err = 0;
	if (client)
		*err = atmqtt_limit(info->extack, id, nla_get_u32(id),
				    ATMQTT_CLIENT_MIN, m->limits->clients,
				    m->dialect->msgs.client_id);
	if (*err) {
		atmqtt_modem_put(m);
		return NULL;
	}
	return m;
}

/* ATMQTT_A_ERROR: the modem's error line, its kind, code and text. */
static int atmqtt_put_error(struct sk_buff *skb, const struct atmqtt_req *c)
{
	const char *text = atmqtt_error_text(c);
	struct nlattr *nest;

	nest = nla_nest_start(skb, ATMQTT_A_ERROR);
	if (!nest ||
	    nla_put_u32(skb, ATMQTT_A_ERROR_KIND,
			c->final == ATP_CME_ERROR ? ATMQTT_ERROR_CME :
						    ATMQTT_ERROR_MQTT) ||
	    nla_put_u32(skb, ATMQTT_A_ERROR_CODE, c->code) ||
	    (text && nla_put_string(skb, ATMQTT_A_ERROR_TEXT, text)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Answer a request that reached the modem: on success with a message of the
 * request's command (MODEM_ID, CLIENT_ID, then what @fill adds); on failure,
 * when the modem gave an error code, with a message carrying it (ERROR)
 * before the ack.
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
	skb = genlmsg_new(size + 128, GFP_KERNEL);
	if (!skb)
		return err ?: -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &atmqtt_family, 0,
				info->genlhdr->cmd);
	ret = hdr ? 0 : -EMSGSIZE;
	if (!ret)
		ret = nla_put_u32(skb, ATMQTT_A_MODEM_ID, m->handle);
	if (!ret && client)
		ret = nla_put_u32(skb, ATMQTT_A_CLIENT_ID, client);
	if (!ret && err)
		ret = atmqtt_put_error(skb, c);
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
