// SPDX-License-Identifier: GPL-2.0
/*
 * The queries ("?" and "=?" forms) and raw AT: the requests whose answer is
 * in the modem's information lines, parsed here into attributes.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "events.h"
#include "modem.h"
#include "nl.h"

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
	err = atmqtt_nl_answer(info, m, 0, c, err,
			       c->lines_len + c->nlines * 64 + 512, fill,
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
	return atmqtt_put_strn(skb, type, f->s, f->len);
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

/* After <client>, the fields go into the nest ENTRY's @nest. */
struct atmqtt_entry_fmt {
	int min, max;	/* number of fields, <client> included */
	u16 nest;
	const struct atmqtt_field_fmt *f;
};

/* +MQTTUSER: <client>,"<user>","<pass>"[,"<id>"] */
static const struct atmqtt_field_fmt atmqtt_user_fields[] = {
	{ ATMQTT_A_ENTRY_CLIENT_ID, ATMQTT_F_INT },
	{ ATMQTT_A_USER_NAME, ATMQTT_F_STR },
	{ ATMQTT_A_USER_PASSWORD, ATMQTT_F_STR },
	{ ATMQTT_A_USER_CLIENT_ID, ATMQTT_F_STR },
};

/* +MQTTWILL: <client>,"<topic>",<qos>,<retain>,"<payload>" */
static const struct atmqtt_field_fmt atmqtt_will_fields[] = {
	{ ATMQTT_A_ENTRY_CLIENT_ID, ATMQTT_F_INT },
	{ ATMQTT_A_MSG_TOPIC, ATMQTT_F_STR },
	{ ATMQTT_A_MSG_QOS, ATMQTT_F_INT },
	{ ATMQTT_A_MSG_RETAIN, ATMQTT_F_INT },
	{ ATMQTT_A_MSG_PAYLOAD, ATMQTT_F_BIN },
};

static const struct atmqtt_entry_fmt atmqtt_user_fmt = {
	3, ARRAY_SIZE(atmqtt_user_fields), ATMQTT_A_ENTRY_USER,
	atmqtt_user_fields
};

static const struct atmqtt_entry_fmt atmqtt_will_fmt = {
	5, ARRAY_SIZE(atmqtt_will_fields), ATMQTT_A_ENTRY_MSG,
	atmqtt_will_fields
};

static int atmqtt_put_entry_field(struct sk_buff *skb,
				  const struct atmqtt_field_fmt *fmt,
				  const struct atp_field *f)
{
	int v = atp_field_int(f);

	switch (fmt->kind) {
	case ATMQTT_F_INT:
		return v < 0 ? -EPROTO : nla_put_u32(skb, fmt->type, v);
	case ATMQTT_F_STR:
		return f->quoted ? atmqtt_put_field(skb, fmt->type, f) : -EPROTO;
	default:
		return f->quoted ? nla_put(skb, fmt->type, f->len, f->s) :
		       -EPROTO;
	}
}

/*
 * One ENTRY per information line (GET_USER, GET_WILL): { CLIENT_ID,
 * USER { NAME, PASSWORD[, CLIENT_ID] } } or { CLIENT_ID, MSG { TOPIC, QOS,
 * RETAIN, PAYLOAD } }.
 */
static int atmqtt_fill_entries(struct sk_buff *skb, struct genl_info *info,
			       struct atmqtt_modem *m, struct atmqtt_req *c,
			       void *arg)
{
	const struct atmqtt_entry_fmt *fmt = arg;
	struct nlattr *entry, *nest = NULL;
	const char *line = c->lines;
	struct atp_field f[6];
	unsigned int i;
	int n, k, err;

	for (i = 0; i < c->nlines; i++, line += strlen(line) + 1) {
		n = atmqtt_line_fields(line, f, fmt->max);
		if (n < fmt->min)
			return atmqtt_bad_line(info);
		entry = nla_nest_start(skb, ATMQTT_A_ENTRY);
		if (!entry)
			return -EMSGSIZE;
		for (k = 0; k < n; k++) {
			if (k == 1) {
				nest = nla_nest_start(skb, fmt->nest);
				if (!nest)
					return -EMSGSIZE;
			}
			err = atmqtt_put_entry_field(skb, &fmt->f[k], &f[k]);
			if (err == -EPROTO)
				return atmqtt_bad_line(info);
			if (err)
				return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
		nla_nest_end(skb, entry);
	}
	return 0;
}

static int atmqtt_fill_conf(struct sk_buff *skb, struct genl_info *info,
			    struct atmqtt_modem *m, struct atmqtt_req *c,
			    void *arg)
{
	struct atp_field f[2];
	int mode = -1;

	if (c->nlines == 1 && atmqtt_line_fields(c->lines, f, 2) == 1)
		mode = atp_field_int(&f[0]);
	if (mode < 0)
		return atmqtt_bad_line(info);
	return nla_put_u32(skb, ATMQTT_A_MODE, mode);
}

/* GET_OPENABLE, GET_CLOSABLE: one CLIENT_ID per client listed. */
static int atmqtt_fill_clients(struct sk_buff *skb, struct genl_info *info,
			       struct atmqtt_modem *m, struct atmqtt_req *c,
			       void *arg)
{
	int mask = atmqtt_clients_mask(m, c->lines, c->nlines);
	u32 id;

	if (mask < 0)
		return atmqtt_bad_line(info);
	for (id = ATMQTT_CLIENT_MIN; id <= m->limits->clients; id++)
		if ((mask & (1 << id)) &&
		    nla_put_u32(skb, ATMQTT_A_CLIENT_ID, id))
			return -EMSGSIZE;
	return 0;
}

/* The queries of GET_USER, GET_WILL, GET_CONF, GET_OPENABLE, GET_CLOSABLE. */
static const struct {
	const char *line;
	const char *prefix;
	atmqtt_fill_t fill;
	const struct atmqtt_entry_fmt *fmt;
} atmqtt_queries[] = {
	/* Admin only (GENL_ADMIN_PERM): passwords and will payloads. */
	[ATMQTT_CMD_GET_USER] = { "AT+MQTTUSER?\r", "+MQTTUSER:",
				  atmqtt_fill_entries, &atmqtt_user_fmt },
	[ATMQTT_CMD_GET_WILL] = { "AT+MQTTWILL?\r", "+MQTTWILL:",
				  atmqtt_fill_entries, &atmqtt_will_fmt },
	[ATMQTT_CMD_GET_CONF] = { "AT+MQTTCONF?\r", "+MQTTCONF:",
				  atmqtt_fill_conf },
	[ATMQTT_CMD_GET_OPENABLE] = { "AT+MQTTOPEN?\r", "+MQTTOPEN:",
				      atmqtt_fill_clients },
	[ATMQTT_CMD_GET_CLOSABLE] = { "AT+MQTTCLOSE?\r", "+MQTTCLOSE:",
				      atmqtt_fill_clients },
};

int atmqtt_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int err;

	if (WARN_ON_ONCE(cmd >= ARRAY_SIZE(atmqtt_queries) ||
			 !atmqtt_queries[cmd].line))
		return -EOPNOTSUPP;
	m = atmqtt_nl_begin(info, false, &err);
	if (!m)
		return err;
	return atmqtt_nl_query(info, m, &c, atmqtt_queries[cmd].line,
			       atmqtt_queries[cmd].prefix,
			       atmqtt_queries[cmd].fill,
			       (void *)atmqtt_queries[cmd].fmt);
}

static const struct {
	const char *line;
	const char *prefix;
} atmqtt_tests[ATMQTT_AT_LAST + 1] = {
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

int atmqtt_nl_test(struct sk_buff *skb, struct genl_info *info)
{
	struct atmqtt_req c = {};
	struct atmqtt_modem *m;
	int at, err;

	m = atmqtt_nl_begin(info, false, &err);
	if (!m)
		return err;
	if (!info->attrs[ATMQTT_A_AT_CMD]) {
		atmqtt_modem_put(m);
		return ATMQTT_MISSING(info->extack, NULL, ATMQTT_A_AT_CMD);
	}
	at = nla_get_u32(info->attrs[ATMQTT_A_AT_CMD]);
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
	    (c->truncated && nla_put_flag(skb, ATMQTT_A_TRUNCATED)))
		return -EMSGSIZE;
	return 0;
}

int atmqtt_nl_raw(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[ATMQTT_A_LINE];
	struct atmqtt_req c = { .keep_all = true };
	struct netlink_ext_ack ext = {};
	struct atmqtt_modem *m;
	char *line;
	int err;

	m = atmqtt_nl_begin(info, false, &err);
	if (!m)
		return err;
	if (!attr) {
		atmqtt_modem_put(m);
		return ATMQTT_MISSING(info->extack, NULL, ATMQTT_A_LINE);
	}
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
	/* A final result, even an error, is the answer itself: the extack
	 * only says why there was none.
	 */
	err = atmqtt_modem_exec(m, &c, &ext);
	if (c.done) {
		err = 0;
		c.has_code = false;
	} else if (ext._msg) {
		atmqtt_extack(info->extack, NULL, ext._msg);
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
