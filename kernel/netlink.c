// SPDX-License-Identifier: GPL-2.0
/*
 * The atmqtt generic netlink family: validation of every attribute against
 * the modem manual's ranges, the request handlers and the dumps.  The
 * events are events.c's, below the clients and the modem.
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
#include "events.h"
#include "modem.h"
#include "netlink.h"

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
static const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1] = {
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

static u8 atmqtt_get_u8(struct genl_info *info, int type, u8 def)
{
	return info->attrs[type] ? nla_get_u8(info->attrs[type]) : def;
}

/* ---- requests ---------------------------------------------------------- */

/* The request's modem, referenced, or NULL with the error in the extack. */
static struct atmqtt_modem *atmqtt_nl_modem(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[ATMQTT_A_MODEM];
	struct atmqtt_modem *m;

	m = atmqtt_modem_get(nla_get_u32(attr));
	if (!m)
		atmqtt_extack(info->extack, attr,
			      atmqtt_rules[ATMQTT_A_MODEM].bad);
	return m;
}

typedef int (*atmqtt_fill_t)(struct sk_buff *skb, struct genl_info *info,
			     struct atmqtt_modem *m, struct atmqtt_req *c,
			     void *arg);

/*
 * Answer a request that reached the modem: on success with a message of the
 * request's command (MODEM, CLIENT, then what @fill adds); on failure, when
 * the modem gave an error code, with a message carrying it before the ack.
 */
static int atmqtt_nl_answer(struct genl_info *info, struct atmqtt_modem *m,
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

static int atmqtt_fill_status(struct sk_buff *skb, struct genl_info *info,
			      struct atmqtt_modem *m, struct atmqtt_req *c,
			      void *arg)
{
	return nla_put_u8(skb, ATMQTT_A_STATUS, 1);
}

/* The client requests: required attributes, the modem, the client id. */
static struct atmqtt_modem *atmqtt_nl_begin(struct genl_info *info,
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

static const char *atmqtt_nla_str(struct genl_info *info, int type,
				  int *len)
{
	struct nlattr *attr = info->attrs[type];

	*len = attr ? atmqtt_nla_strlen(attr) : 0;
	return attr ? nla_data(attr) : "";
}

static int atmqtt_nl_open(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_HOST, ATMQTT_A_PORT };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	const char *host;
	u16 keepalive = 60;
	int client, len, err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	host = atmqtt_nla_str(info, ATMQTT_A_HOST, &len);
	if (info->attrs[ATMQTT_A_KEEPALIVE])
		keepalive = nla_get_u16(info->attrs[ATMQTT_A_KEEPALIVE]);

	err = atmqtt_client_open(m, client, host, len,
				 nla_get_u32(info->attrs[ATMQTT_A_PORT]),
				 atmqtt_get_u8(info, ATMQTT_A_CLEAN, 1),
				 keepalive, &c, info->extack);
	err = atmqtt_nl_answer(info, m, client, &c, err, 16,
			       atmqtt_fill_status, NULL);
	atmqtt_modem_put(m);
	return err;
}

static int atmqtt_nl_close(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int client, err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	err = atmqtt_client_close(m, client, &c, info->extack);
	err = atmqtt_nl_answer(info, m, client, &c, err, 16,
			       atmqtt_fill_status, NULL);
	atmqtt_modem_put(m);
	return err;
}

static int atmqtt_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_TOPIC };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	const char *topic;
	int client, len, err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	topic = atmqtt_nla_str(info, ATMQTT_A_TOPIC, &len);
	if (info->genlhdr->cmd == ATMQTT_CMD_SUBSCRIBE)
		err = atmqtt_client_sub(m, client, topic, len,
					atmqtt_get_u8(info, ATMQTT_A_QOS, 0),
					&c, info->extack);
	else
		err = atmqtt_client_unsub(m, client, topic, len, &c,
					  info->extack);
	err = atmqtt_nl_answer(info, m, client, &c, err, 16,
			       atmqtt_fill_status, NULL);
	atmqtt_modem_put(m);
	return err;
}

/*
 * Run one command built by kasprintf() (NULL: -ENOMEM), or written in place
 * by c->write_line() (line NULL), and answer.  For the commands that need
 * nothing from the client tracking.
 */
static int atmqtt_nl_run(struct genl_info *info, struct atmqtt_modem *m,
			 int client, struct atmqtt_req *c, char *line,
			 size_t size, atmqtt_fill_t fill, void *arg)
{
	int err = -ENOMEM;

	if (line || c->write_line) {
		if (line) {
			c->line = line;
			c->len = strlen(line);
		}
		c->client = client;
		err = atmqtt_modem_exec(m, c, info->extack);
		err = atmqtt_nl_answer(info, m, client, c, err, size, fill,
				       arg);
	}
	/* The line may hold a password: leave nothing in freed memory. */
	kfree_sensitive(line);
	atmqtt_modem_put(m);
	return err;
}

static int atmqtt_fill_publish(struct sk_buff *skb, struct genl_info *info,
			       struct atmqtt_modem *m, struct atmqtt_req *c,
			       void *arg)
{
	return nla_put_u8(skb, ATMQTT_A_STATUS, 1) ||
	       nla_put_u8(skb, ATMQTT_A_DATASIZE, !!c->data) ? -EMSGSIZE : 0;
}

/*
 * The command of every publish is built by copying, not by snprintf():
 * vsnprintf() took about 1800 instructions for this line and copied the
 * topic and a quoted payload a byte at a time, each with its checks
 * (Documentation/performance.rst).  It is written straight into the
 * modem's tx buffer (c->write_line()), which saves allocating, copying and
 * wiping a line of its own.  The pieces' sizes are bounded by their types:
 * the quoted form holds 19 characters of text, three u8 values of up to
 * three digits and CR (29 bytes besides topic and payload); the <Datasize>
 * form 17 characters of text, the three values, a length of up to four
 * digits instead of the payload and CR (31).
 */
static char *atmqtt_put(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* Decimal digits of v (at most 4 here: a u8 or a payload length). */
static char *atmqtt_put_uint(char *p, unsigned int v)
{
	char d[10];
	int n = 0;

	do {
		d[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = d[--n];
	return p;
}

struct atmqtt_pub {
	const char *topic;
	const u8 *data;
	int tlen, len;
	u8 client, qos, retain;
	bool raw;			/* <Datasize>: the data at the prompt */
};

static size_t atmqtt_pub_write(u8 *buf, size_t size, const void *arg)
{
	const struct atmqtt_pub *pub = arg;
	char *line = (char *)buf, *p = line;

	if (WARN_ON_ONCE(pub->len < 0 || pub->len > ATMQTT_PAYLOAD_MAX) ||
	    32 + pub->tlen + (pub->raw ? 0 : pub->len) > size)
		return 0;
	p = atmqtt_put(p, "AT+MQTTPUB=", 11);
	p = atmqtt_put_uint(p, pub->client);
	p = atmqtt_put(p, ",\"", 2);
	p = atmqtt_put(p, pub->topic, pub->tlen);
	p = atmqtt_put(p, "\",", 2);
	p = atmqtt_put_uint(p, pub->qos);
	*p++ = ',';
	p = atmqtt_put_uint(p, pub->retain);
	*p++ = ',';
	if (pub->raw) {
		p = atmqtt_put_uint(p, pub->len);
	} else {
		*p++ = '"';
		if (pub->len)
			p = atmqtt_put(p, pub->data, pub->len);
		*p++ = '"';
	}
	*p++ = '\r';
	return p - line;
}

static int atmqtt_nl_publish(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_TOPIC };
	struct nlattr *payload = info->attrs[ATMQTT_A_PAYLOAD];
	struct atmqtt_req c = { .urc = ATP_R_PUB };
	struct atmqtt_pub pub = {};
	struct atmqtt_modem *m;
	int err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	pub.client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	pub.topic = atmqtt_nla_str(info, ATMQTT_A_TOPIC, &pub.tlen);
	pub.qos = atmqtt_get_u8(info, ATMQTT_A_QOS, 0);
	pub.retain = atmqtt_get_u8(info, ATMQTT_A_RETAIN, 0);
	pub.data = payload ? nla_data(payload) : NULL;
	pub.len = payload ? nla_len(payload) : 0;

	/* Only quotable bytes may go between quotes; the rest, and what the
	 * caller wants raw, goes by <Datasize> (1-1024 bytes).
	 */
	if (pub.len && (atmqtt_get_u8(info, ATMQTT_A_DATASIZE, 0) ||
			!atmqtt_all_quotable(pub.data, pub.len))) {
		pub.raw = true;
		c.data = pub.data;
		c.data_len = pub.len;
	}
	c.write_line = atmqtt_pub_write;
	c.line_arg = &pub;
	return atmqtt_nl_run(info, m, pub.client, &c, NULL, 16,
			     atmqtt_fill_publish, NULL);
}

static int atmqtt_nl_set_user(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT };
	const char *user, *pass, *id;
	int client, ulen, plen, ilen, err;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	char *line;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	user = atmqtt_nla_str(info, ATMQTT_A_USERNAME, &ulen);
	pass = atmqtt_nla_str(info, ATMQTT_A_PASSWORD, &plen);
	id = atmqtt_nla_str(info, ATMQTT_A_CLIENT_ID, &ilen);
	if (info->attrs[ATMQTT_A_CLIENT_ID])
		line = kasprintf(GFP_KERNEL,
				 "AT+MQTTUSER=%d,\"%.*s\",\"%.*s\",\"%.*s\"\r",
				 client, ulen, user, plen, pass, ilen, id);
	else
		line = kasprintf(GFP_KERNEL, "AT+MQTTUSER=%d,\"%.*s\",\"%.*s\"\r",
				 client, ulen, user, plen, pass);
	return atmqtt_nl_run(info, m, client, &c, line, 0, NULL, NULL);
}

static int atmqtt_nl_set_will(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT,
				   ATMQTT_A_TOPIC };
	struct nlattr *payload = info->attrs[ATMQTT_A_PAYLOAD];
	int len = payload ? nla_len(payload) : 0;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int client, tlen, err;
	const char *topic;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	/* The will has no <Datasize> form. */
	if (payload && !atmqtt_all_quotable(nla_data(payload), len)) {
		atmqtt_modem_put(m);
		NL_SET_ERR_MSG_ATTR(info->extack, payload,
				    "ATMQTT_A_PAYLOAD: a will must be 0-1024" ATMQTT_QUOTED);
		return -EINVAL;
	}
	client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	topic = atmqtt_nla_str(info, ATMQTT_A_TOPIC, &tlen);
	return atmqtt_nl_run(info, m, client, &c,
			     kasprintf(GFP_KERNEL,
				       "AT+MQTTWILL=%d,\"%.*s\",%u,%u,\"%.*s\"\r",
				       client, tlen, topic,
				       atmqtt_get_u8(info, ATMQTT_A_QOS, 0),
				       atmqtt_get_u8(info, ATMQTT_A_RETAIN, 0),
				       len,
				       payload ? (char *)nla_data(payload) : ""),
			     0, NULL, NULL);
}

static int atmqtt_nl_set_conf(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_MODE };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	u8 mode;
	int err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	mode = nla_get_u8(info->attrs[ATMQTT_A_MODE]);
	c.line = mode ? "AT+MQTTCONF=1\r" : "AT+MQTTCONF=0\r";
	c.len = strlen(c.line);
	err = atmqtt_modem_exec(m, &c, info->extack);
	if (!err)
		WRITE_ONCE(m->mode, mode);
	err = atmqtt_nl_answer(info, m, 0, &c, err, 0, NULL, NULL);
	atmqtt_modem_put(m);
	return err;
}

static int atmqtt_fill_read(struct sk_buff *skb, struct genl_info *info,
			    struct atmqtt_modem *m, struct atmqtt_req *c,
			    void *arg)
{
	struct atmqtt_msg *msg = c->msg;
	struct nlattr *topic;

	if (nla_put_u8(skb, ATMQTT_A_STATUS, c->got_msg))
		return -EMSGSIZE;
	if (!c->got_msg)
		return 0;
	topic = nla_reserve(skb, ATMQTT_A_TOPIC, msg->topic_len + 1);
	if (!topic || nla_put_u8(skb, ATMQTT_A_QOS, msg->qos) ||
	    nla_put(skb, ATMQTT_A_PAYLOAD, msg->payload_len, msg->payload) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_SEQ, msg->seq, ATMQTT_A_PAD))
		return -EMSGSIZE;
	memcpy(nla_data(topic), msg->topic, msg->topic_len);
	((char *)nla_data(topic))[msg->topic_len] = '\0';
	return 0;
}

static int atmqtt_nl_read(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int client, err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	c.msg = kmalloc(sizeof(*c.msg), GFP_KERNEL);
	if (!c.msg) {
		atmqtt_modem_put(m);
		return -ENOMEM;
	}
	client = nla_get_u8(info->attrs[ATMQTT_A_CLIENT]);
	err = atmqtt_nl_run(info, m, client, &c,
			    kasprintf(GFP_KERNEL, "AT+MQTTREAD=%d\r", client),
			    ATP_TOPIC_MAX + ATP_PAYLOAD_MAX + 64,
			    atmqtt_fill_read, NULL);
	kfree(c.msg);
	return err;
}

/* ---- queries: the information lines of "?" and "=?" forms -------------- */

/* Run a query with room for its information lines; @line is static. */
static int atmqtt_nl_query(struct genl_info *info, struct atmqtt_modem *m,
			   struct atmqtt_req *c, const char *line,
			   const char *prefix, atmqtt_fill_t fill, void *arg)
{
	int err;

	c->lines = kmalloc(ATMQTT_LINES_MAX, GFP_KERNEL);
	if (!c->lines) {
		atmqtt_modem_put(m);
		return -ENOMEM;
	}
	c->lines_size = ATMQTT_LINES_MAX;
	c->line = line;
	c->len = strlen(line);
	c->prefix = prefix;
	err = atmqtt_modem_exec(m, c, info->extack);
	err = atmqtt_nl_answer(info, m, 0, c, err, c->lines_len + 512, fill,
			       arg);
	kfree_sensitive(c->lines);
	atmqtt_modem_put(m);
	return err;
}

/* The fields after "+NAME:" of a kept line. */
static int atmqtt_line_fields(const char *line, struct atp_field *f, int max)
{
	const char *colon = strchr(line, ':');

	return colon ? atp_fields(colon + 1, strlen(colon + 1), f, max) : -1;
}

static int atmqtt_put_field(struct sk_buff *skb, int type,
			    const struct atp_field *f)
{
	struct nlattr *attr = nla_reserve(skb, type, f->len + 1);

	if (!attr)
		return -EMSGSIZE;
	memcpy(nla_data(attr), f->s, f->len);
	((char *)nla_data(attr))[f->len] = '\0';
	return 0;
}

static int atmqtt_bad_line(struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "modem: an information line that does not parse");
	return -EPROTO;
}

/* How the fields of a query's information line become attributes. */
enum { ATMQTT_F_INT, ATMQTT_F_STR, ATMQTT_F_BIN };

struct atmqtt_field_fmt {
	u16 type;
	u8 kind;
};

struct atmqtt_entry_fmt {
	int min, max;	/* number of fields */
	const struct atmqtt_field_fmt *f;
};

/* +MQTTUSER: <client>,"<user>","<pass>"[,"<id>"] */
static const struct atmqtt_field_fmt atmqtt_user_fields[] = {
	{ ATMQTT_A_CLIENT, ATMQTT_F_INT },
	{ ATMQTT_A_USERNAME, ATMQTT_F_STR },
	{ ATMQTT_A_PASSWORD, ATMQTT_F_STR },
	{ ATMQTT_A_CLIENT_ID, ATMQTT_F_STR },
};

/* +MQTTWILL: <client>,"<topic>",<qos>,<retain>,"<payload>" */
static const struct atmqtt_field_fmt atmqtt_will_fields[] = {
	{ ATMQTT_A_CLIENT, ATMQTT_F_INT },
	{ ATMQTT_A_TOPIC, ATMQTT_F_STR },
	{ ATMQTT_A_QOS, ATMQTT_F_INT },
	{ ATMQTT_A_RETAIN, ATMQTT_F_INT },
	{ ATMQTT_A_PAYLOAD, ATMQTT_F_BIN },
};

static const struct atmqtt_entry_fmt atmqtt_user_fmt = {
	3, ARRAY_SIZE(atmqtt_user_fields), atmqtt_user_fields
};

static const struct atmqtt_entry_fmt atmqtt_will_fmt = {
	5, ARRAY_SIZE(atmqtt_will_fields), atmqtt_will_fields
};

static int atmqtt_put_entry_field(struct sk_buff *skb,
				  const struct atmqtt_field_fmt *fmt,
				  const struct atp_field *f)
{
	int v = atp_field_int(f);

	switch (fmt->kind) {
	case ATMQTT_F_INT:
		return v < 0 || v > U8_MAX ? -EPROTO :
		       nla_put_u8(skb, fmt->type, v);
	case ATMQTT_F_STR:
		return f->quoted ? atmqtt_put_field(skb, fmt->type, f) : -EPROTO;
	default:
		return f->quoted ? nla_put(skb, fmt->type, f->len, f->s) :
		       -EPROTO;
	}
}

/* One nested ENTRY per information line (GET_USER, GET_WILL). */
static int atmqtt_fill_entries(struct sk_buff *skb, struct genl_info *info,
			       struct atmqtt_modem *m, struct atmqtt_req *c,
			       void *arg)
{
	const struct atmqtt_entry_fmt *fmt = arg;
	const char *line = c->lines;
	struct atp_field f[6];
	struct nlattr *nest;
	unsigned int i;
	int n, k, err;

	for (i = 0; i < c->nlines; i++, line += strlen(line) + 1) {
		n = atmqtt_line_fields(line, f, fmt->max);
		if (n < fmt->min)
			return atmqtt_bad_line(info);
		nest = nla_nest_start(skb, ATMQTT_A_ENTRY);
		if (!nest)
			return -EMSGSIZE;
		for (k = 0; k < n; k++) {
			err = atmqtt_put_entry_field(skb, &fmt->f[k], &f[k]);
			if (err == -EPROTO)
				return atmqtt_bad_line(info);
			if (err)
				return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int atmqtt_nl_get_user(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM };
	/* Admin only (GENL_ADMIN_PERM): passwords and will payloads. */
	bool will = info->genlhdr->cmd == ATMQTT_CMD_GET_WILL;
	const struct atmqtt_entry_fmt *fmt = will ? &atmqtt_will_fmt :
						    &atmqtt_user_fmt;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	return atmqtt_nl_query(info, m, &c,
			       will ? "AT+MQTTWILL?\r" : "AT+MQTTUSER?\r",
			       will ? "+MQTTWILL:" : "+MQTTUSER:",
			       atmqtt_fill_entries, (void *)fmt);
}

static int atmqtt_fill_conf(struct sk_buff *skb, struct genl_info *info,
			    struct atmqtt_modem *m, struct atmqtt_req *c,
			    void *arg)
{
	struct atp_field f[2];
	int mode = -1;

	if (c->nlines == 1 && atmqtt_line_fields(c->lines, f, 2) == 1)
		mode = atp_field_int(&f[0]);
	if (mode < 0 || mode > 255)
		return atmqtt_bad_line(info);
	return nla_put_u8(skb, ATMQTT_A_MODE, mode);
}

static int atmqtt_nl_get_conf(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	return atmqtt_nl_query(info, m, &c, "AT+MQTTCONF?\r", "+MQTTCONF:",
			       atmqtt_fill_conf, NULL);
}

static int atmqtt_fill_clients(struct sk_buff *skb, struct genl_info *info,
			       struct atmqtt_modem *m, struct atmqtt_req *c,
			       void *arg)
{
	int mask = atmqtt_clients_mask(c->lines, c->nlines);

	if (mask < 0)
		return atmqtt_bad_line(info);
	return nla_put_u8(skb, ATMQTT_A_CLIENTS, mask);
}

static int atmqtt_nl_get_clients(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM };
	bool open = info->genlhdr->cmd == ATMQTT_CMD_GET_OPENABLE;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	return atmqtt_nl_query(info, m, &c,
			       open ? "AT+MQTTOPEN?\r" : "AT+MQTTCLOSE?\r",
			       open ? "+MQTTOPEN:" : "+MQTTCLOSE:",
			       atmqtt_fill_clients, NULL);
}

static const struct {
	const char *line;
	const char *prefix;
} atmqtt_tests[ATMQTT_AT_MAX + 1] = {
	[ATMQTT_AT_USER] = { "AT+MQTTUSER=?\r", "+MQTTUSER:" },
	[ATMQTT_AT_OPEN] = { "AT+MQTTOPEN=?\r", "+MQTTOPEN:" },
	[ATMQTT_AT_CLOSE] = { "AT+MQTTCLOSE=?\r", "+MQTTCLOSE:" },
	[ATMQTT_AT_SUB] = { "AT+MQTTSUB=?\r", "+MQTTSUB:" },
	[ATMQTT_AT_UNSUB] = { "AT+MQTTUNSUB=?\r", "+MQTTUNSUB:" },
	[ATMQTT_AT_PUB] = { "AT+MQTTPUB=?\r", "+MQTTPUB:" },
	[ATMQTT_AT_CONF] = { "AT+MQTTCONF=?\r", "+MQTTCONF:" },
	[ATMQTT_AT_READ] = { "AT+MQTTREAD=?\r", "+MQTTREAD:" },
	[ATMQTT_AT_WILL] = { "AT+MQTTWILL=?\r", "+MQTTWILL:" },
};

static int atmqtt_fill_test(struct sk_buff *skb, struct genl_info *info,
			    struct atmqtt_modem *m, struct atmqtt_req *c,
			    void *arg)
{
	if (c->nlines != 1)
		return atmqtt_bad_line(info);
	return nla_put_string(skb, ATMQTT_A_LINE, c->lines);
}

static int atmqtt_nl_test(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_AT_CMD };
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int at, err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	at = nla_get_u8(info->attrs[ATMQTT_A_AT_CMD]);
	/* The manual prints the test response of +MQTTOPEN as +MPQTTOPEN. */
	if (at == ATMQTT_AT_OPEN)
		c.prefix2 = "+MPQTTOPEN:";
	return atmqtt_nl_query(info, m, &c, atmqtt_tests[at].line,
			       atmqtt_tests[at].prefix, atmqtt_fill_test, NULL);
}

static int atmqtt_fill_raw(struct sk_buff *skb, struct genl_info *info,
			   struct atmqtt_modem *m, struct atmqtt_req *c,
			   void *arg)
{
	const char *line = c->lines;
	unsigned int i;

	for (i = 0; i < c->nlines; i++, line += strlen(line) + 1)
		if (nla_put_string(skb, ATMQTT_A_LINE, line))
			return -EMSGSIZE;
	if (nla_put_string(skb, ATMQTT_A_FINAL, c->final_line) ||
	    (c->truncated && nla_put_u8(skb, ATMQTT_A_TRUNCATED, 1)))
		return -EMSGSIZE;
	return 0;
}

static int atmqtt_nl_raw(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_LINE };
	struct nlattr *attr = info->attrs[ATMQTT_A_LINE];
	struct atmqtt_req c = { .keep_all = true };
	struct atmqtt_modem *m;
	char *line;
	int err;

	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	c.lines = kmalloc(ATMQTT_LINES_MAX, GFP_KERNEL);
	line = kasprintf(GFP_KERNEL, "%.*s\r", atmqtt_nla_strlen(attr),
			 (char *)nla_data(attr));
	if (!c.lines || !line) {
		err = -ENOMEM;
		goto out;
	}
	c.lines_size = ATMQTT_LINES_MAX;
	c.line = line;
	c.len = strlen(line);
	if (info->attrs[ATMQTT_A_TIMEOUT_MS])
		c.timeout_ms = nla_get_u32(info->attrs[ATMQTT_A_TIMEOUT_MS]);
	err = atmqtt_modem_exec(m, &c, info->extack);
	/* A final result, even an error, is the answer itself. */
	if (c.done) {
		err = 0;
		c.has_code = false;
		info->extack->_msg = NULL;
	}
	err = atmqtt_nl_answer(info, m, 0, &c, err,
			       c.lines_len + c.nlines * (NLA_HDRLEN + NLA_ALIGNTO) + 128,
			       atmqtt_fill_raw, NULL);
out:
	kfree(line);
	kfree(c.lines);
	atmqtt_modem_put(m);
	return err;
}

static int atmqtt_nl_set_client(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 req[] = { ATMQTT_A_MODEM, ATMQTT_A_CLIENT };
	struct nlattr *min = info->attrs[ATMQTT_A_RECONNECT_MIN_MS];
	struct nlattr *max = info->attrs[ATMQTT_A_RECONNECT_MAX_MS];
	struct atmqtt_modem *m;
	int reconnect = -1, err;

	if (min && max && nla_get_u32(min) > nla_get_u32(max)) {
		NL_SET_ERR_MSG_ATTR(info->extack, max,
				    "ATMQTT_A_RECONNECT_MAX_MS: must not be below ATMQTT_A_RECONNECT_MIN_MS");
		return -EINVAL;
	}
	m = atmqtt_nl_begin(info, req, ARRAY_SIZE(req), &err);
	if (!m)
		return err;
	if (info->attrs[ATMQTT_A_RECONNECT])
		reconnect = nla_get_u8(info->attrs[ATMQTT_A_RECONNECT]);
	err = atmqtt_client_policy(atmqtt_client(m, nla_get_u8(info->attrs[ATMQTT_A_CLIENT])),
				   reconnect, min ? nla_get_u32(min) : 0,
				   max ? nla_get_u32(max) : 0);
	atmqtt_modem_put(m);
	return err;
}

/* ---- modem list -------------------------------------------------------- */

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
			err = atmqtt_fill_modem(skb, m,
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, NLM_F_MULTI,
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

static int atmqtt_nl_fill_client(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct atmqtt_modem *m,
				 struct atmqtt_client *cl)
{
	/* Where the client connects is for those who could change it. */
	bool admin = netlink_capable(cb->skb, CAP_NET_ADMIN);
	u32 min, max;
	u8 state, reconnect;
	void *hdr;
	int err;

	spin_lock(&m->lock);
	state = cl->state;
	reconnect = cl->reconnect;
	min = cl->reconnect_min_ms;
	max = cl->reconnect_max_ms;
	spin_unlock(&m->lock);

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &atmqtt_family, NLM_F_MULTI, ATMQTT_CMD_GET_CLIENT);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&m->state_mutex);
	err = nla_put_u32(skb, ATMQTT_A_MODEM, m->handle) ||
	      nla_put_u8(skb, ATMQTT_A_CLIENT, cl->id) ||
	      nla_put_u8(skb, ATMQTT_A_CLIENT_STATE, state) ||
	      nla_put_u32(skb, ATMQTT_A_SUB_COUNT, cl->nsubs) ||
	      nla_put_u8(skb, ATMQTT_A_RECONNECT, reconnect) ||
	      nla_put_u32(skb, ATMQTT_A_RECONNECT_MIN_MS, min) ||
	      nla_put_u32(skb, ATMQTT_A_RECONNECT_MAX_MS, max) ||
	      (admin && cl->has_params &&
	       (nla_put_string(skb, ATMQTT_A_HOST, cl->host) ||
		nla_put_u32(skb, ATMQTT_A_PORT, cl->port) ||
		nla_put_u8(skb, ATMQTT_A_CLEAN, cl->clean) ||
		nla_put_u16(skb, ATMQTT_A_KEEPALIVE, cl->keepalive)));
	mutex_unlock(&m->state_mutex);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int atmqtt_nl_fill_sub(struct sk_buff *skb, struct netlink_callback *cb,
			      struct atmqtt_modem *m, int client,
			      const struct atmqtt_sub *sub)
{
	struct nlattr *topic;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &atmqtt_family, NLM_F_MULTI, ATMQTT_CMD_GET_SUB);
	if (!hdr)
		return -EMSGSIZE;
	topic = nla_reserve(skb, ATMQTT_A_TOPIC, sub->len + 1);
	if (!topic || nla_put_u32(skb, ATMQTT_A_MODEM, m->handle) ||
	    nla_put_u8(skb, ATMQTT_A_CLIENT, client) ||
	    nla_put_u8(skb, ATMQTT_A_QOS, sub->qos)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	memcpy(nla_data(topic), sub->topic, sub->len);
	((char *)nla_data(topic))[sub->len] = '\0';
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * One client's part of a dump from position *pos on: the client itself
 * (GET_CLIENT) or its subscriptions (GET_SUB).  *pos counts what was sent.
 */
static int atmqtt_nl_dump_client(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct atmqtt_modem *m,
				 struct atmqtt_client *cl, bool subs,
				 long *pos)
{
	struct atmqtt_sub *sub;
	long i = 0;
	int err = 0;

	if (!subs) {
		if (*pos)
			return 0;
		err = atmqtt_nl_fill_client(skb, cb, m, cl);
		if (!err)
			(*pos)++;
		return err;
	}
	mutex_lock(&m->state_mutex);
	list_for_each_entry(sub, &cl->subs, node) {
		if (i++ < *pos)
			continue;
		err = atmqtt_nl_fill_sub(skb, cb, m, cl->id, sub);
		if (err)
			break;
		(*pos)++;
	}
	mutex_unlock(&m->state_mutex);
	return err;
}

/* GET_CLIENT and GET_SUB: args[0] modem, args[1] client, args[2] position. */
static int atmqtt_nl_dump_clients(struct sk_buff *skb,
				  struct netlink_callback *cb, bool subs)
{
	struct nlattr **attrs = atmqtt_dumpit_attrs(cb);
	u32 only = attrs[ATMQTT_A_MODEM] ?
		   nla_get_u32(attrs[ATMQTT_A_MODEM]) : 0;
	unsigned long index = cb->args[0];
	struct atmqtt_modem *m;
	int err = 0;

	while ((m = atmqtt_modem_get_next(&index))) {
		if (only && m->handle != only)
			cb->args[1] = ATMQTT_CLIENT_MAX;
		for (; cb->args[1] < ATMQTT_CLIENT_MAX; cb->args[1]++) {
			err = atmqtt_nl_dump_client(skb, cb, m,
						    &m->clients[cb->args[1]],
						    subs, &cb->args[2]);
			if (err)
				break;
			cb->args[2] = 0;
		}
		atmqtt_modem_put(m);
		if (err)
			break;
		cb->args[1] = 0;
		index++;
	}
	cb->args[0] = index;
	return err && !skb->len ? err : skb->len;
}

static int atmqtt_nl_dump_client_list(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	return atmqtt_nl_dump_clients(skb, cb, false);
}

static int atmqtt_nl_dump_sub_list(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	return atmqtt_nl_dump_clients(skb, cb, true);
}

/* ---- family ------------------------------------------------------------ */

/*
 * Every request but SET_CLIENT's ends at ATMQTT_A_DATASIZE: past it, the
 * reconnect attributes are SET_CLIENT's and the rest are the kernel's own.
 * Generic netlink allocates (and clears) each request's attribute table
 * for its operation's maxattr: 240 bytes from kmalloc-256 instead of 360
 * from kmalloc-512 (Documentation/performance.rst), and refuses the
 * attributes above it ("Unknown attribute type").  So no handler may read
 * info->attrs[] past its operation's maxattr.
 */
#define ATMQTT_REQ_MAX		ATMQTT_A_DATASIZE
#define ATMQTT_OP(c, max)	.cmd = (c), .policy = atmqtt_policy, \
				.maxattr = (max)
#define ATMQTT_DO(c, fn, fl)	{ ATMQTT_OP(c, ATMQTT_REQ_MAX), .doit = (fn), \
				  .flags = (fl) }
#define ATMQTT_DUMP(c, fn, fl)	{ ATMQTT_OP(c, ATMQTT_REQ_MAX), .dumpit = (fn), \
				  .flags = (fl) }

static const struct genl_ops atmqtt_ops[] = {
	ATMQTT_DUMP(ATMQTT_CMD_GET_MODEM, atmqtt_nl_dump_modems, 0),
	ATMQTT_DO(ATMQTT_CMD_OPEN, atmqtt_nl_open, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_CLOSE, atmqtt_nl_close, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SUBSCRIBE, atmqtt_nl_subscribe, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_PUBLISH, atmqtt_nl_publish, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_UNSUBSCRIBE, atmqtt_nl_subscribe, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_USER, atmqtt_nl_set_user, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_USER, atmqtt_nl_get_user, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_WILL, atmqtt_nl_set_will, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_WILL, atmqtt_nl_get_user, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_CONF, atmqtt_nl_set_conf, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_CONF, atmqtt_nl_get_conf, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_OPENABLE, atmqtt_nl_get_clients, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_CLOSABLE, atmqtt_nl_get_clients, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_READ, atmqtt_nl_read, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_TEST, atmqtt_nl_test, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_RAW, atmqtt_nl_raw, GENL_ADMIN_PERM),
	ATMQTT_DUMP(ATMQTT_CMD_GET_CLIENT, atmqtt_nl_dump_client_list, 0),
	{ ATMQTT_OP(ATMQTT_CMD_SET_CLIENT, ATMQTT_A_RECONNECT_MAX_MS),
	  .doit = atmqtt_nl_set_client, .flags = GENL_ADMIN_PERM },
	ATMQTT_DUMP(ATMQTT_CMD_GET_SUB, atmqtt_nl_dump_sub_list,
		    GENL_ADMIN_PERM),
};

struct genl_family atmqtt_family = {
	.name = ATMQTT_GENL_NAME,
	.version = ATMQTT_GENL_VERSION,
	.maxattr = ATMQTT_A_MAX,
	.policy = atmqtt_policy,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = atmqtt_ops,
	.n_ops = ARRAY_SIZE(atmqtt_ops),
	.resv_start_op = ATMQTT_CMD_GET_MODEM,
	.mcgrps = ATMQTT_N_MCGRPS ? atmqtt_mcgrps : NULL,
	.n_mcgrps = ATMQTT_N_MCGRPS,
};

int __init atmqtt_genl_init(void)
{
	return genl_register_family(&atmqtt_family);
}

void atmqtt_genl_exit(void)
{
	genl_unregister_family(&atmqtt_family);
}
