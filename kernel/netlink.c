// SPDX-License-Identifier: GPL-2.0
/*
 * The atmqtt generic netlink family: its operations table, and the
 * requests that change the modem (open, close, subscribe, publish, the
 * settings, read, the reconnect policy).  The queries are query.c's, the
 * dumps dump.c's, the policy and what every request shares policy.c's;
 * events.c, below the clients and the modem, sends the events.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "events.h"
#include "modem.h"
#include "netlink.h"
#include "nl.h"

#define ATMQTT_CLIENT_NEST(info, tb)					\
	atmqtt_nl_nest(info, ATMQTT_A_CLIENT, tb, ATMQTT_A_CLIENT_MAX,	\
		       atmqtt_client_nl_policy)
#define ATMQTT_USER_NEST(info, tb)					\
	atmqtt_nl_nest(info, ATMQTT_A_USER, tb, ATMQTT_A_USER_MAX,	\
		       atmqtt_user_nl_policy)
#define ATMQTT_MSG_NEST(info, tb)					\
	atmqtt_nl_nest(info, ATMQTT_A_MSG, tb, ATMQTT_A_MSG_MAX,	\
		       atmqtt_msg_nl_policy)

static int atmqtt_nl_open(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[ATMQTT_A_CLIENT_MAX + 1];
	const struct atmqtt_limit_msgs *msgs;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	struct nlattr *nest;
	const char *host;
	u32 keepalive;
	int client, len, err;

	err = ATMQTT_CLIENT_NEST(info, tb);
	if (err)
		return err;
	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	msgs = &m->dialect->msgs;
	client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	keepalive = atmqtt_get_u32(tb[ATMQTT_A_CLIENT_KEEPALIVE], 60);
	nest = info->attrs[ATMQTT_A_CLIENT];
	err = !nest ? ATMQTT_MISSING(extack, NULL, ATMQTT_A_CLIENT) :
	      !tb[ATMQTT_A_CLIENT_HOST] ?
	      ATMQTT_MISSING(extack, nest, ATMQTT_A_CLIENT_HOST) :
	      !tb[ATMQTT_A_CLIENT_PORT] ?
	      ATMQTT_MISSING(extack, nest, ATMQTT_A_CLIENT_PORT) : 0;
	err = err ?: atmqtt_nl_str(extack, tb[ATMQTT_A_CLIENT_HOST], 1,
			    m->limits->host, msgs->host) ?:
	      atmqtt_limit(extack, tb[ATMQTT_A_CLIENT_KEEPALIVE], keepalive, 1,
			   m->limits->keepalive, msgs->keepalive);
	if (err)
		goto out;
	host = atmqtt_nla_str(tb[ATMQTT_A_CLIENT_HOST], &len);
	err = atmqtt_client_open(m, client, host, len,
				 nla_get_u32(tb[ATMQTT_A_CLIENT_PORT]),
				 atmqtt_get_u32(tb[ATMQTT_A_CLIENT_CLEAN], 1),
				 keepalive, &c, extack);
	err = atmqtt_nl_answer(info, m, client, &c, err, 0, NULL, NULL);
out:
	atmqtt_modem_put(m);
	return err;
}

static int atmqtt_nl_close(struct sk_buff *skb, struct genl_info *info)
{
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int client, err;

	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	err = atmqtt_client_close(m, client, &c, info->extack);
	err = atmqtt_nl_answer(info, m, client, &c, err, 0, NULL, NULL);
	atmqtt_modem_put(m);
	return err;
}

/* MSG { TOPIC, QOS } of SUBSCRIBE, UNSUBSCRIBE, PUBLISH and SET_WILL. */
static int atmqtt_nl_topic(struct genl_info *info, struct atmqtt_modem *m,
			   struct nlattr **tb)
{
	const struct atmqtt_limit_msgs *msgs = &m->dialect->msgs;
	struct nlattr *nest = info->attrs[ATMQTT_A_MSG];
	struct nlattr *qos = tb[ATMQTT_A_MSG_QOS];

	if (!nest)
		return ATMQTT_MISSING(info->extack, NULL, ATMQTT_A_MSG);
	if (!tb[ATMQTT_A_MSG_TOPIC])
		return ATMQTT_MISSING(info->extack, nest, ATMQTT_A_MSG_TOPIC);
	return atmqtt_nl_str(info->extack, tb[ATMQTT_A_MSG_TOPIC], 1,
			     m->limits->topic, msgs->topic) ?:
	       atmqtt_limit(info->extack, qos, atmqtt_get_u32(qos, 0), 0,
			    m->limits->qos, msgs->qos);
}

static int atmqtt_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ATMQTT_A_MSG_MAX + 1];
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	const char *topic;
	int client, len, err;

	err = ATMQTT_MSG_NEST(info, tb);
	if (err)
		return err;
	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	err = atmqtt_nl_topic(info, m, tb);
	if (err)
		goto out;
	client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	topic = atmqtt_nla_str(tb[ATMQTT_A_MSG_TOPIC], &len);
	if (info->genlhdr->cmd == ATMQTT_CMD_SUBSCRIBE)
		err = atmqtt_client_sub(m, client, topic, len,
					atmqtt_get_u32(tb[ATMQTT_A_MSG_QOS], 0),
					&c, info->extack);
	else
		err = atmqtt_client_unsub(m, client, topic, len, &c,
					  info->extack);
	err = atmqtt_nl_answer(info, m, client, &c, err, 0, NULL, NULL);
out:
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

/* PUBLISH: MSG { DATASIZE }, the form used. */
static int atmqtt_fill_publish(struct sk_buff *skb, struct genl_info *info,
			       struct atmqtt_modem *m, struct atmqtt_req *c,
			       void *arg)
{
	struct nlattr *nest = nla_nest_start(skb, ATMQTT_A_MSG);

	if (!nest || nla_put_u32(skb, ATMQTT_A_MSG_DATASIZE, !!c->data))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
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

	/* The longest line of every dialect fits the tx buffer. */
	BUILD_BUG_ON(32 + ATMQTT_MAX_TOPIC + ATMQTT_MAX_PAYLOAD > ATMQTT_TX_MAX);
	if (WARN_ON_ONCE(pub->len < 0 || pub->len > ATMQTT_MAX_PAYLOAD) ||
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

/* A modem without the <Datasize> form (ATMQTT_A_LIMITS_BINARY). */
static int atmqtt_no_datasize(struct netlink_ext_ack *extack,
			      struct nlattr **tb, bool quotable)
{
	if (quotable)
		NL_SET_ERR_MSG_ATTR(extack, tb[ATMQTT_A_MSG_DATASIZE],
				    "ATMQTT_A_MSG_DATASIZE: this modem has no <Datasize> form");
	else
		NL_SET_ERR_MSG_ATTR(extack, tb[ATMQTT_A_MSG_PAYLOAD],
				    "ATMQTT_A_MSG_PAYLOAD: this modem takes" ATMQTT_QUOTED " only");
	return -EINVAL;
}

static int atmqtt_nl_publish(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct atmqtt_req c = { .urc = ATP_R_PUB };
	struct nlattr *tb[ATMQTT_A_MSG_MAX + 1];
	struct atmqtt_pub pub = {};
	struct nlattr *payload;
	struct atmqtt_modem *m;
	bool quotable;
	int err;

	err = ATMQTT_MSG_NEST(info, tb);
	if (err)
		return err;
	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	payload = tb[ATMQTT_A_MSG_PAYLOAD];
	pub.len = payload ? nla_len(payload) : 0;
	err = atmqtt_nl_topic(info, m, tb) ?:
	      atmqtt_limit(extack, payload, pub.len, 0, m->limits->payload,
			   m->dialect->msgs.payload);
	if (err) {
		atmqtt_modem_put(m);
		return err;
	}
	pub.client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	pub.topic = atmqtt_nla_str(tb[ATMQTT_A_MSG_TOPIC], &pub.tlen);
	pub.qos = atmqtt_get_u32(tb[ATMQTT_A_MSG_QOS], 0);
	pub.retain = atmqtt_get_u32(tb[ATMQTT_A_MSG_RETAIN], 0);
	pub.data = payload ? nla_data(payload) : NULL;

	/* Only quotable bytes may go between quotes; the rest, and what the
	 * caller wants raw, goes by <Datasize> (1 byte at least), on a modem
	 * that has that form.
	 */
	quotable = atmqtt_all_quotable(pub.data, pub.len);
	if (pub.len &&
	    (atmqtt_get_u32(tb[ATMQTT_A_MSG_DATASIZE], 0) || !quotable)) {
		if (!m->limits->binary) {
			atmqtt_modem_put(m);
			return atmqtt_no_datasize(extack, tb, quotable);
		}
		pub.raw = true;
		c.data = pub.data;
		c.data_len = pub.len;
	}
	c.write_line = atmqtt_pub_write;
	c.line_arg = &pub;
	return atmqtt_nl_run(info, m, pub.client, &c, NULL,
			     nla_total_size(0) + nla_total_size(sizeof(u32)),
			     atmqtt_fill_publish, NULL);
}

static int atmqtt_nl_set_user(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[ATMQTT_A_USER_MAX + 1];
	const struct atmqtt_limit_msgs *msgs;
	const struct atmqtt_limits *lim;
	const char *user, *pass, *id;
	int client, ulen, plen, ilen, err;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	char *line;

	err = ATMQTT_USER_NEST(info, tb);
	if (err)
		return err;
	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	lim = m->limits;
	msgs = &m->dialect->msgs;
	err = atmqtt_nl_str(extack, tb[ATMQTT_A_USER_NAME], 0, lim->user_name,
			    msgs->user_name) ?:
	      atmqtt_nl_str(extack, tb[ATMQTT_A_USER_PASSWORD], 0,
			    lim->password, msgs->password) ?:
	      atmqtt_nl_str(extack, tb[ATMQTT_A_USER_CLIENT_ID], 1,
			    lim->client_ident, msgs->client_ident);
	if (err) {
		atmqtt_modem_put(m);
		return err;
	}
	client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	user = atmqtt_nla_str(tb[ATMQTT_A_USER_NAME], &ulen);
	pass = atmqtt_nla_str(tb[ATMQTT_A_USER_PASSWORD], &plen);
	id = atmqtt_nla_str(tb[ATMQTT_A_USER_CLIENT_ID], &ilen);
	if (tb[ATMQTT_A_USER_CLIENT_ID])
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
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[ATMQTT_A_MSG_MAX + 1];
	struct atmqtt_req c = {};
	struct nlattr *payload;
	struct atmqtt_modem *m;
	int client, tlen, len, err;
	const char *topic;

	err = ATMQTT_MSG_NEST(info, tb);
	if (err)
		return err;
	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	payload = tb[ATMQTT_A_MSG_PAYLOAD];
	len = payload ? nla_len(payload) : 0;
	err = atmqtt_nl_topic(info, m, tb) ?:
	      atmqtt_limit(extack, payload, len, 0, m->limits->payload,
			   m->dialect->msgs.payload);
	/* The will has no <Datasize> form. */
	if (!err && payload && !atmqtt_all_quotable(nla_data(payload), len)) {
		NL_SET_ERR_MSG_ATTR(extack, payload,
				    "ATMQTT_A_MSG_PAYLOAD: a will must be" ATMQTT_QUOTED);
		err = -EINVAL;
	}
	if (err) {
		atmqtt_modem_put(m);
		return err;
	}
	client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	topic = atmqtt_nla_str(tb[ATMQTT_A_MSG_TOPIC], &tlen);
	return atmqtt_nl_run(info, m, client, &c,
			     kasprintf(GFP_KERNEL,
				       "AT+MQTTWILL=%d,\"%.*s\",%u,%u,\"%.*s\"\r",
				       client, tlen, topic,
				       atmqtt_get_u32(tb[ATMQTT_A_MSG_QOS], 0),
				       atmqtt_get_u32(tb[ATMQTT_A_MSG_RETAIN], 0),
				       len,
				       payload ? (char *)nla_data(payload) : ""),
			     0, NULL, NULL);
}

static int atmqtt_nl_set_conf(struct sk_buff *skb, struct genl_info *info)
{
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	u32 mode;
	int err;

	m = atmqtt_nl_begin(info, false, &err);
	if (!m)
		return err;
	if (!info->attrs[ATMQTT_A_MODE]) {
		atmqtt_modem_put(m);
		return ATMQTT_MISSING(info->extack, NULL, ATMQTT_A_MODE);
	}
	mode = nla_get_u32(info->attrs[ATMQTT_A_MODE]);
	c.line = mode ? "AT+MQTTCONF=1\r" : "AT+MQTTCONF=0\r";
	c.len = strlen(c.line);
	err = atmqtt_modem_exec(m, &c, info->extack);
	if (!err)
		WRITE_ONCE(m->mode, mode);
	err = atmqtt_nl_answer(info, m, 0, &c, err, 0, NULL, NULL);
	atmqtt_modem_put(m);
	return err;
}

/* READ: MSG { TOPIC, QOS, PAYLOAD, SEQ[, TRUNCATED] }, or no MSG. */
static int atmqtt_fill_read(struct sk_buff *skb, struct genl_info *info,
			    struct atmqtt_modem *m, struct atmqtt_req *c,
			    void *arg)
{
	struct atmqtt_msg *msg = c->msg;
	struct nlattr *nest;

	if (!c->got_msg)
		return 0;
	nest = nla_nest_start(skb, ATMQTT_A_MSG);
	if (!nest ||
	    atmqtt_put_strn(skb, ATMQTT_A_MSG_TOPIC, msg->topic,
			    msg->topic_len) ||
	    nla_put_u32(skb, ATMQTT_A_MSG_QOS, msg->qos) ||
	    nla_put(skb, ATMQTT_A_MSG_PAYLOAD, msg->payload_len, msg->payload) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_MSG_SEQ, msg->seq,
			      ATMQTT_A_MSG_PAD) ||
	    (msg->truncated && nla_put_flag(skb, ATMQTT_A_MSG_TRUNCATED)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int atmqtt_nl_read(struct sk_buff *skb, struct genl_info *info)
{
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int client, err;

	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	c.msg = kmalloc(sizeof(*c.msg), GFP_KERNEL);
	if (!c.msg) {
		atmqtt_modem_put(m);
		return -ENOMEM;
	}
	client = nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID]);
	err = atmqtt_nl_run(info, m, client, &c,
			    kasprintf(GFP_KERNEL, "AT+MQTTREAD=%d\r", client),
			    sizeof(c.msg->topic) + sizeof(c.msg->payload) + 128,
			    atmqtt_fill_read, NULL);
	kfree(c.msg);
	return err;
}

/* No AT command: answered by the ack alone. */
static int atmqtt_nl_set_client(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ATMQTT_A_CLIENT_MAX + 1];
	struct atmqtt_modem *m;
	struct nlattr *min, *max;
	int reconnect = -1, err;

	err = ATMQTT_CLIENT_NEST(info, tb);
	if (err)
		return err;
	min = tb[ATMQTT_A_CLIENT_RECONNECT_MIN_MS];
	max = tb[ATMQTT_A_CLIENT_RECONNECT_MAX_MS];
	if (min && max && nla_get_u32(min) > nla_get_u32(max)) {
		NL_SET_ERR_MSG_ATTR(info->extack, max,
				    "ATMQTT_A_CLIENT_RECONNECT_MAX_MS: must not be below ATMQTT_A_CLIENT_RECONNECT_MIN_MS");
		return -EINVAL;
	}
	m = atmqtt_nl_begin(info, true, &err);
	if (!m)
		return err;
	if (tb[ATMQTT_A_CLIENT_RECONNECT])
		reconnect = nla_get_u32(tb[ATMQTT_A_CLIENT_RECONNECT]);
	err = atmqtt_client_policy(atmqtt_client(m, nla_get_u32(info->attrs[ATMQTT_A_CLIENT_ID])),
				   reconnect, min ? nla_get_u32(min) : 0,
				   max ? nla_get_u32(max) : 0);
	atmqtt_modem_put(m);
	return err;
}

/* ---- family ------------------------------------------------------------ */

/*
 * One top-level policy for every operation (its nests have theirs): strict
 * validation for all (resv_start_op), kernel-only attributes refused.
 */
#define ATMQTT_OP(c)		.cmd = (c), .policy = atmqtt_policy, \
				.maxattr = ATMQTT_A_MAX
#define ATMQTT_DO(c, fn, fl)	{ ATMQTT_OP(c), .doit = (fn), .flags = (fl) }
#define ATMQTT_DUMP(c, fn, fl)	{ ATMQTT_OP(c), .start = atmqtt_nl_dump_start, \
				  .dumpit = (fn), .flags = (fl) }

static const struct genl_ops atmqtt_ops[] = {
	{ ATMQTT_OP(ATMQTT_CMD_GET_MODEM), .doit = atmqtt_nl_get_modem,
	  .start = atmqtt_nl_dump_start, .dumpit = atmqtt_nl_dump_modems },
	ATMQTT_DUMP(ATMQTT_CMD_GET_CLIENT, atmqtt_nl_dump_client_list, 0),
	ATMQTT_DO(ATMQTT_CMD_SET_CLIENT, atmqtt_nl_set_client, GENL_ADMIN_PERM),
	ATMQTT_DUMP(ATMQTT_CMD_GET_SUB, atmqtt_nl_dump_sub_list,
		    GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_USER, atmqtt_nl_set_user, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_USER, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_WILL, atmqtt_nl_set_will, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_WILL, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_CONF, atmqtt_nl_set_conf, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_CONF, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_OPEN, atmqtt_nl_open, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_OPENABLE, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_CLOSE, atmqtt_nl_close, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_CLOSABLE, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SUBSCRIBE, atmqtt_nl_subscribe, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_UNSUBSCRIBE, atmqtt_nl_subscribe, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_PUBLISH, atmqtt_nl_publish, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_READ, atmqtt_nl_read, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_TEST, atmqtt_nl_test, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_RAW, atmqtt_nl_raw, GENL_ADMIN_PERM),
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
