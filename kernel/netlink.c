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
	ATMQTT_DO(ATMQTT_CMD_GET_USER, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_WILL, atmqtt_nl_set_will, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_WILL, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_SET_CONF, atmqtt_nl_set_conf, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_CONF, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_OPENABLE, atmqtt_nl_get, GENL_ADMIN_PERM),
	ATMQTT_DO(ATMQTT_CMD_GET_CLOSABLE, atmqtt_nl_get, GENL_ADMIN_PERM),
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
