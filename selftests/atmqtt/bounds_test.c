// SPDX-License-Identifier: GPL-2.0
/*
 * Both sides of every bound, in both of its layers, and the bytes that
 * could inject an AT command, attribute by attribute.  Requests are built
 * here with libnl directly (not libatmqtt, whose types would clip some
 * values), so what is tested is the kernel's contract (family version 2):
 *  - a value outside the family's policy (an integer's bounds, a string's
 *    or the payload's maximum length) is refused by the netlink core with
 *    -ERANGE, the attribute's offset and its policy (NLMSGERR_ATTR_POLICY),
 *    whose bounds must be the family's and exclude the value;
 *  - a value inside the policy but past the modem's limit (the simulated
 *    NL668's, harness.h) is refused by the kernel with -ERANGE, the offset
 *    and "<ATTR>: this modem takes <lo>-<hi>[ bytes]";
 *  - a value that breaks a rule no policy can say (a quoted string's
 *    characters or minimum length, a RAW line's form) with -EINVAL, the
 *    offset and a message that names the attribute and the rule;
 *  - a value inside both reaches the modem.
 * The simulator's log then shows that no byte of a refused request reached
 * the tty.  The family's string bounds of 65535 bytes cannot be passed (an
 * attribute holds at most 65531 bytes): a long one is past the modem's
 * limit only.
 */
#define _GNU_SOURCE
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/netlink.h>

#include "harness.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/*
 * A long attribute that fits in a nest with its siblings (a nest's nla_len
 * is 16 bits too: an attribute holds at most 65531 bytes, one in a nest
 * less): any is past the NL668's limits, none past the family's 65535.
 */
#define LONGEST		(65535 - 64)

enum { U32 = 1, U64, STR, BIN };

struct attr {
	int nest;		/* 0: top level; ATMQTT_A_CLIENT, _USER, _MSG */
	int type;
	int kind;
	uint64_t v;		/* U32, U64 */
	const char *s;		/* STR, BIN */
	int len;		/* BIN; STR: -1 for strlen */
	const char *name;	/* "ATMQTT_A_MSG_TOPIC" */
};

struct reply {
	int err;
	char msg[256];
	int has_offs;
	uint32_t offs;
	int bad_nest;		/* where the attribute at offs is */
	int bad_type;
	int has_policy;		/* NLMSGERR_ATTR_POLICY, and what it had: */
	int has_range;		/* MIN_VALUE_U and MAX_VALUE_U */
	uint64_t min, max;
	uint32_t max_len;	/* MAX_LENGTH, 0 without */
	int has_miss_type, has_miss_nest;
	uint32_t miss_type, miss_nest;
	/* The reply messages before the ack */
	int replies;
	int reply_cmd;
	int has_modem_id, has_client_id, has_status;
	uint32_t client_id;
	int n_client_ids;
	int has_error;		/* ATMQTT_A_ERROR { KIND, CODE, TEXT } */
	uint32_t error_kind, error_code;
	char error_text[128];
	int has_msg_datasize;
	uint32_t msg_datasize;
};

static void on_policy(struct nlattr *pol, struct reply *r)
{
	struct nlattr *a;
	int rem;

	r->has_policy = 1;
	nla_for_each_nested(a, pol, rem) {
		switch (nla_type(a)) {
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			r->min = nla_get_u64(a);
			r->has_range |= 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			r->max = nla_get_u64(a);
			r->has_range |= 2;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			r->max_len = nla_get_u32(a);
			break;
		}
	}
	r->has_range = r->has_range == 3;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct reply *r = arg;
	struct nlattr *a;
	int len, rem;

	(void)nla;
	r->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	len = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		len += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	a = (struct nlattr *)((char *)e + NLMSG_ALIGN(len));
	rem = nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(len);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(r->msg, sizeof(r->msg), "%s",
				 (char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			r->has_offs = 1;
			r->offs = nla_get_u32(a);
			break;
		case NLMSGERR_ATTR_POLICY:
			on_policy(a, r);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			r->has_miss_type = 1;
			r->miss_type = nla_get_u32(a);
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			r->has_miss_nest = 1;
			r->miss_nest = nla_get_u32(a);
			break;
		}
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->err = 0;
	return NL_STOP;
}

/* A reply before the ack: what version 2 says it carries. */
static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct reply *r = arg;
	struct nlattr *a, *b;
	int rem, rem2;

	r->replies++;
	r->reply_cmd = g->cmd;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0),
			  rem) {
		switch (nla_type(a)) {
		case ATMQTT_A_MODEM_ID:
			r->has_modem_id = 1;
			break;
		case ATMQTT_A_CLIENT_ID:
			r->has_client_id = 1;
			r->n_client_ids++;
			r->client_id = nla_get_u32(a);
			break;
		case ATMQTT_A_STATUS:
			r->has_status = 1;
			break;
		case ATMQTT_A_ERROR:
			r->has_error = 1;
			nla_for_each_nested(b, a, rem2) {
				if (nla_type(b) == ATMQTT_A_ERROR_KIND)
					r->error_kind = nla_get_u32(b);
				else if (nla_type(b) == ATMQTT_A_ERROR_CODE)
					r->error_code = nla_get_u32(b);
				else if (nla_type(b) == ATMQTT_A_ERROR_TEXT)
					snprintf(r->error_text,
						 sizeof(r->error_text), "%.*s",
						 nla_len(b), (char *)nla_data(b));
			}
			break;
		case ATMQTT_A_MSG:
			nla_for_each_nested(b, a, rem2) {
				if (nla_type(b) == ATMQTT_A_MSG_DATASIZE) {
					r->has_msg_datasize = 1;
					r->msg_datasize = nla_get_u32(b);
				}
			}
			break;
		}
	}
	return NL_OK;
}

static void put_attr(struct nl_msg *msg, const struct attr *a)
{
	switch (a->kind) {
	case U32:
		nla_put_u32(msg, a->type, (uint32_t)a->v);
		break;
	case U64:
		nla_put_u64(msg, a->type, a->v);
		break;
	case STR:
		if (a->len < 0)
			nla_put_string(msg, a->type, a->s);
		else
			nla_put(msg, a->type, a->len, a->s);
		break;
	case BIN:
		nla_put(msg, a->type, a->len, a->s);
		break;
	}
}

/* Which attribute of the request is at offset offs: (nest, type). */
static void find_offs(struct nl_msg *msg, uint32_t offs, int *nest,
		      int *type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *x, *y;
	int rem, rem2;

	nla_for_each_attr(x, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if ((char *)x - (char *)nlh == (long)offs) {
			*nest = 0;
			*type = nla_type(x);
			return;
		}
		if (nla_type(x) != ATMQTT_A_CLIENT &&
		    nla_type(x) != ATMQTT_A_USER && nla_type(x) != ATMQTT_A_MSG)
			continue;
		nla_for_each_nested(y, x, rem2) {
			if ((char *)y - (char *)nlh == (long)offs) {
				*nest = nla_type(x);
				*type = nla_type(y);
				return;
			}
		}
	}
}

/* The offset of the top-level attribute type in the request, 0 if none. */
static uint32_t offs_of(struct nl_msg *msg, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *x;
	int rem;

	nla_for_each_attr(x, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
		if (nla_type(x) == type)
			return (char *)x - (char *)nlh;
	return 0;
}

/*
 * Send one request (top-level attributes first, then one nest per kind
 * used, NLA_F_NESTED set); fill *r with the errno, the extack and what the
 * replies before it carried.  nest_offs, when not NULL, gets the offset of
 * the nest of type *nest_offs in the request.
 */
static void request(int cmd, const struct attr *a, int n, struct reply *r,
		    uint32_t *nest_offs)
{
	static const int nests[] = { ATMQTT_A_CLIENT, ATMQTT_A_USER,
				     ATMQTT_A_MSG };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct nl_msg *msg = nlmsg_alloc_size(2 * LONGEST);
	int fam, one = 1, i, k;

	memset(r, 0, sizeof(*r));
	r->err = 1;
	r->bad_nest = r->bad_type = -1;
	if (!sk || !cb || !msg || genl_connect(sk))
		goto out;
	fam = genl_ctrl_resolve(sk, ATMQTT_GENL_NAME);
	/* libnl's 32 KiB would refuse the longest requests (-EMSGSIZE). */
	nl_socket_set_buffer_size(sk, 4 * LONGEST, 4 * LONGEST);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	/* The ack does not echo a long request back. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	nl_socket_enable_msg_peek(sk);
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0, cmd,
		    ATMQTT_GENL_VERSION);
	for (i = 0; i < n; i++)
		if (!a[i].nest)
			put_attr(msg, &a[i]);
	for (k = 0; k < 3; k++) {
		struct nlattr *nest = NULL;

		for (i = 0; i < n; i++) {
			if (a[i].nest != nests[k])
				continue;
			if (!nest)
				nest = nla_nest_start(msg,
						      nests[k] | NLA_F_NESTED);
			put_attr(msg, &a[i]);
		}
		if (nest)
			nla_nest_end(msg, nest);
	}
	if (nest_offs)
		*nest_offs = offs_of(msg, *nest_offs);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	if (nl_send_auto(sk, msg) < 0)
		goto out;
	while (r->err == 1 && nl_recvmsgs(sk, cb) >= 0)
		;
	if (r->has_offs)
		find_offs(msg, r->offs, &r->bad_nest, &r->bad_type);
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	nl_socket_free(sk);
}

/* Strings at the NL668's limits and one past them (harness.h). */
static char s_host[NL668_HOST + 1], s_host1[NL668_HOST + 2];
static char s_topic[NL668_TOPIC + 1], s_topic1[NL668_TOPIC + 2];
static char s_user[NL668_USER_NAME + 1], s_user1[NL668_USER_NAME + 2];
static char s_pass[NL668_PASSWORD + 1], s_pass1[NL668_PASSWORD + 2];
static char s_ident[NL668_CLIENT_IDENT + 1], s_ident1[NL668_CLIENT_IDENT + 2];
static char s_pl[NL668_PAYLOAD + 1], s_pl1[NL668_PAYLOAD + 2];
static char s_longest[LONGEST];	/* a long attribute, with its NUL */
/* RAW's line: the family's own bound (512) */
static char s512[513], s513[514];

static void fill(char *s, char c, int n, const char *head)
{
	memset(s, c, n);
	s[n] = '\0';
	memcpy(s, head, strlen(head));
}

static void init_strings(void)
{
	fill(s_host, 'h', NL668_HOST, "");
	fill(s_host1, 'x', NL668_HOST + 1, "INJ");
	fill(s_topic, 't', NL668_TOPIC, "");
	fill(s_topic1, 'x', NL668_TOPIC + 1, "INJ");
	fill(s_user, 'u', NL668_USER_NAME, "");
	fill(s_user1, 'u', NL668_USER_NAME + 1, "INJ");
	fill(s_pass, 'p', NL668_PASSWORD, "");
	fill(s_pass1, 'p', NL668_PASSWORD + 1, "INJ");
	fill(s_ident, 'c', NL668_CLIENT_IDENT, "");
	fill(s_ident1, 'c', NL668_CLIENT_IDENT + 1, "INJ");
	fill(s_pl, 'p', NL668_PAYLOAD, "");
	fill(s_pl1, 'p', NL668_PAYLOAD + 1, "INJ");
	fill(s_longest, 'l', LONGEST - 1, "INJ");
	fill(s512, 'E', 512, "AT+");
	fill(s513, 'E', 513, "AT+INJ");
}

/* What a value must get. */
enum expect {
	OK,		/* reaches the modem: neither -EINVAL nor -ERANGE */
	POLICY,		/* the family's policy: -ERANGE from the core */
	MODEM,		/* the modem's limit: -ERANGE, the kernel's message */
	RULE,		/* a function's rule: -EINVAL, "<ATTR>: ..." */
};

struct bound {
	int cmd;
	struct attr a;
	enum expect expect;
	uint32_t lo, hi;	/* MODEM, RULE of a quoted string: the range
				 * its message names (hi 0: not checked) */
};

#define I(n, t, val)	{ .nest = (n), .type = (t), .kind = U32, \
			  .v = (val), .name = #t }
#define S(n, t, str)	{ .nest = (n), .type = (t), .kind = STR, \
			  .s = (str), .len = -1, .name = #t }
#define B(n, t, str, l)	{ .nest = (n), .type = (t), .kind = BIN, \
			  .s = (str), .len = (l), .name = #t }
#define TOP		0
#define CL		ATMQTT_A_CLIENT
#define US		ATMQTT_A_USER
#define MS		ATMQTT_A_MSG
#define GOOD(cmd, a)		{ cmd, a, OK, 0, 0 }
#define PAST_POLICY(cmd, a)	{ cmd, a, POLICY, 0, 0 }
#define PAST_MODEM(cmd, a, lo, hi) { cmd, a, MODEM, lo, hi }
#define BAD_RULE(cmd, a, lo, hi) { cmd, a, RULE, lo, hi }

/* Every refused string carries "INJ": the modem must never see it. */
static const struct bound bounds[] = {
	/* CLIENT_ID: policy 1-255, the NL668 1-2 */
	PAST_POLICY(ATMQTT_CMD_SUBSCRIBE, I(TOP, ATMQTT_A_CLIENT_ID, 0)),
	GOOD(ATMQTT_CMD_SUBSCRIBE, I(TOP, ATMQTT_A_CLIENT_ID, 1)),
	GOOD(ATMQTT_CMD_SUBSCRIBE, I(TOP, ATMQTT_A_CLIENT_ID, NL668_CLIENTS)),
	PAST_MODEM(ATMQTT_CMD_SUBSCRIBE,
		   I(TOP, ATMQTT_A_CLIENT_ID, NL668_CLIENTS + 1), 1,
		   NL668_CLIENTS),
	PAST_MODEM(ATMQTT_CMD_OPEN,
		   I(TOP, ATMQTT_A_CLIENT_ID, NL668_CLIENTS + 1), 1,
		   NL668_CLIENTS),
	PAST_MODEM(ATMQTT_CMD_SET_CLIENT,
		   I(TOP, ATMQTT_A_CLIENT_ID, NL668_CLIENTS + 1), 1,
		   NL668_CLIENTS),
	PAST_MODEM(ATMQTT_CMD_SUBSCRIBE, I(TOP, ATMQTT_A_CLIENT_ID, 255), 1,
		   NL668_CLIENTS),
	PAST_POLICY(ATMQTT_CMD_SUBSCRIBE, I(TOP, ATMQTT_A_CLIENT_ID, 256)),
	PAST_POLICY(ATMQTT_CMD_PUBLISH, I(TOP, ATMQTT_A_CLIENT_ID, 256)),
	/* MSG_QOS: policy 0-2, the NL668 2 */
	GOOD(ATMQTT_CMD_SUBSCRIBE, I(MS, ATMQTT_A_MSG_QOS, 0)),
	GOOD(ATMQTT_CMD_SUBSCRIBE, I(MS, ATMQTT_A_MSG_QOS, 1)),
	GOOD(ATMQTT_CMD_SUBSCRIBE, I(MS, ATMQTT_A_MSG_QOS, NL668_QOS)),
	PAST_POLICY(ATMQTT_CMD_SUBSCRIBE, I(MS, ATMQTT_A_MSG_QOS, 3)),
	PAST_POLICY(ATMQTT_CMD_PUBLISH, I(MS, ATMQTT_A_MSG_QOS, 3)),
	PAST_POLICY(ATMQTT_CMD_SET_WILL, I(MS, ATMQTT_A_MSG_QOS, 3)),
	/* MSG_RETAIN, MSG_DATASIZE 0-1 */
	GOOD(ATMQTT_CMD_PUBLISH, I(MS, ATMQTT_A_MSG_RETAIN, 0)),
	GOOD(ATMQTT_CMD_PUBLISH, I(MS, ATMQTT_A_MSG_RETAIN, 1)),
	PAST_POLICY(ATMQTT_CMD_PUBLISH, I(MS, ATMQTT_A_MSG_RETAIN, 2)),
	PAST_POLICY(ATMQTT_CMD_SET_WILL, I(MS, ATMQTT_A_MSG_RETAIN, 2)),
	GOOD(ATMQTT_CMD_PUBLISH, I(MS, ATMQTT_A_MSG_DATASIZE, 1)),
	PAST_POLICY(ATMQTT_CMD_PUBLISH, I(MS, ATMQTT_A_MSG_DATASIZE, 2)),
	/* CLIENT_PORT 1-65535, CLIENT_CLEAN 0-1 */
	PAST_POLICY(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_PORT, 0)),
	GOOD(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_PORT, 1)),
	GOOD(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_PORT, 65535)),
	PAST_POLICY(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_PORT, 65536)),
	GOOD(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_CLEAN, 0)),
	GOOD(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_CLEAN, 1)),
	PAST_POLICY(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_CLEAN, 2)),
	/* CLIENT_KEEPALIVE: policy 1-65535, the NL668 1-300 */
	PAST_POLICY(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_KEEPALIVE, 0)),
	GOOD(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_KEEPALIVE, 1)),
	GOOD(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_KEEPALIVE,
				NL668_KEEPALIVE)),
	PAST_MODEM(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_KEEPALIVE,
				      NL668_KEEPALIVE + 1), 1, NL668_KEEPALIVE),
	PAST_MODEM(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_KEEPALIVE, 65535),
		   1, NL668_KEEPALIVE),
	PAST_POLICY(ATMQTT_CMD_OPEN, I(CL, ATMQTT_A_CLIENT_KEEPALIVE, 65536)),
	/* CLIENT_HOST: policy at most 255, quoted 1-; the NL668 255 */
	BAD_RULE(ATMQTT_CMD_OPEN, S(CL, ATMQTT_A_CLIENT_HOST, ""), 1,
		 NL668_HOST),
	GOOD(ATMQTT_CMD_OPEN, S(CL, ATMQTT_A_CLIENT_HOST, "h")),
	GOOD(ATMQTT_CMD_OPEN, S(CL, ATMQTT_A_CLIENT_HOST, s_host)),
	PAST_POLICY(ATMQTT_CMD_OPEN, S(CL, ATMQTT_A_CLIENT_HOST, s_host1)),
	BAD_RULE(ATMQTT_CMD_OPEN, S(CL, ATMQTT_A_CLIENT_HOST, "h\"INJ"), 1,
		 NL668_HOST),
	BAD_RULE(ATMQTT_CMD_OPEN, S(CL, ATMQTT_A_CLIENT_HOST, "h\r\nAT+INJ"),
		 1, NL668_HOST),
	/* MSG_TOPIC: policy at most 65535, quoted 1-; the NL668 255 */
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, ""), 1,
		 NL668_TOPIC),
	GOOD(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t")),
	GOOD(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, s_topic)),
	PAST_MODEM(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, s_topic1),
		   1, NL668_TOPIC),
	PAST_MODEM(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, s_longest),
		   1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE,
		 S(MS, ATMQTT_A_MSG_TOPIC, "t\"\r\nAT+MQTTCLOSE=1\r\nINJ"), 1,
		 NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\rINJ"), 1,
		 NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\nINJ"), 1,
		 NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, B(MS, ATMQTT_A_MSG_TOPIC, "t\0INJ", 5),
		 1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\x1aINJ"),
		 1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\x1bINJ"),
		 1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\x7fINJ"),
		 1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\xffINJ"),
		 1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "t\tINJ"), 1,
		 NL668_TOPIC),
	PAST_MODEM(ATMQTT_CMD_UNSUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, s_topic1),
		   1, NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_UNSUBSCRIBE, S(MS, ATMQTT_A_MSG_TOPIC, "\"INJ"), 1,
		 NL668_TOPIC),
	PAST_MODEM(ATMQTT_CMD_PUBLISH, S(MS, ATMQTT_A_MSG_TOPIC, s_topic1), 1,
		   NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_PUBLISH, S(MS, ATMQTT_A_MSG_TOPIC, "\"INJ"), 1,
		 NL668_TOPIC),
	PAST_MODEM(ATMQTT_CMD_SET_WILL, S(MS, ATMQTT_A_MSG_TOPIC, s_topic1), 1,
		   NL668_TOPIC),
	BAD_RULE(ATMQTT_CMD_SET_WILL, S(MS, ATMQTT_A_MSG_TOPIC, "\"INJ"), 1,
		 NL668_TOPIC),
	/* MSG_PAYLOAD: policy at most 65535; the NL668 0-1024 */
	GOOD(ATMQTT_CMD_PUBLISH, B(MS, ATMQTT_A_MSG_PAYLOAD, "", 0)),
	GOOD(ATMQTT_CMD_PUBLISH, B(MS, ATMQTT_A_MSG_PAYLOAD, s_pl,
				   NL668_PAYLOAD)),
	PAST_MODEM(ATMQTT_CMD_PUBLISH, B(MS, ATMQTT_A_MSG_PAYLOAD, s_pl1,
					 NL668_PAYLOAD + 1), 0, NL668_PAYLOAD),
	PAST_MODEM(ATMQTT_CMD_PUBLISH, B(MS, ATMQTT_A_MSG_PAYLOAD, s_longest,
					 LONGEST - 1), 0, NL668_PAYLOAD),
	GOOD(ATMQTT_CMD_SET_WILL, B(MS, ATMQTT_A_MSG_PAYLOAD, s_pl,
				    NL668_PAYLOAD)),
	PAST_MODEM(ATMQTT_CMD_SET_WILL, B(MS, ATMQTT_A_MSG_PAYLOAD, s_pl1,
					  NL668_PAYLOAD + 1), 0, NL668_PAYLOAD),
	BAD_RULE(ATMQTT_CMD_SET_WILL, B(MS, ATMQTT_A_MSG_PAYLOAD,
					"a\"\r\nINJ", 7), 0, 0),
	/* USER_NAME, USER_PASSWORD: policy at most 65535, quoted 0-; the
	 * NL668 128
	 */
	GOOD(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_NAME, "")),
	GOOD(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_NAME, s_user)),
	PAST_MODEM(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_NAME, s_user1), 0,
		   NL668_USER_NAME),
	PAST_MODEM(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_NAME, s_longest),
		   0, NL668_USER_NAME),
	BAD_RULE(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_NAME, "u\",\"INJ"),
		 0, NL668_USER_NAME),
	GOOD(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_PASSWORD, "")),
	GOOD(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_PASSWORD, s_pass)),
	PAST_MODEM(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_PASSWORD, s_pass1),
		   0, NL668_PASSWORD),
	BAD_RULE(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_PASSWORD,
					"p\r\nINJ"), 0, NL668_PASSWORD),
	/* USER_CLIENT_ID: policy at most 65535, quoted 1-; the NL668 23 */
	BAD_RULE(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_CLIENT_ID, ""), 1,
		 NL668_CLIENT_IDENT),
	GOOD(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_CLIENT_ID, "c")),
	GOOD(ATMQTT_CMD_SET_USER, S(US, ATMQTT_A_USER_CLIENT_ID, s_ident)),
	PAST_MODEM(ATMQTT_CMD_SET_USER,
		   S(US, ATMQTT_A_USER_CLIENT_ID, s_ident1), 1,
		   NL668_CLIENT_IDENT),
	/* MODE 0-1, AT_CMD 1-9 */
	GOOD(ATMQTT_CMD_SET_CONF, I(TOP, ATMQTT_A_MODE, 1)),
	PAST_POLICY(ATMQTT_CMD_SET_CONF, I(TOP, ATMQTT_A_MODE, 2)),
	PAST_POLICY(ATMQTT_CMD_TEST, I(TOP, ATMQTT_A_AT_CMD, 0)),
	GOOD(ATMQTT_CMD_TEST, I(TOP, ATMQTT_A_AT_CMD, ATMQTT_AT_USER)),
	GOOD(ATMQTT_CMD_TEST, I(TOP, ATMQTT_A_AT_CMD, ATMQTT_AT_WILL)),
	PAST_POLICY(ATMQTT_CMD_TEST, I(TOP, ATMQTT_A_AT_CMD,
				       ATMQTT_AT_WILL + 1)),
	/* LINE: policy at most 512, its function's rules */
	BAD_RULE(ATMQTT_CMD_RAW, S(TOP, ATMQTT_A_LINE, "A"), 0, 0),
	GOOD(ATMQTT_CMD_RAW, S(TOP, ATMQTT_A_LINE, "AT")),
	GOOD(ATMQTT_CMD_RAW, S(TOP, ATMQTT_A_LINE, s512)),
	PAST_POLICY(ATMQTT_CMD_RAW, S(TOP, ATMQTT_A_LINE, s513)),
	BAD_RULE(ATMQTT_CMD_RAW, S(TOP, ATMQTT_A_LINE, "AT+MQTTCLOSE=1;INJ"),
		 0, 0),
	BAD_RULE(ATMQTT_CMD_RAW, S(TOP, ATMQTT_A_LINE, "AT\r\nINJ"), 0, 0),
	/* TIMEOUT_MS 1-600000 */
	PAST_POLICY(ATMQTT_CMD_RAW, I(TOP, ATMQTT_A_TIMEOUT_MS, 0)),
	GOOD(ATMQTT_CMD_RAW, I(TOP, ATMQTT_A_TIMEOUT_MS, 600000)),
	PAST_POLICY(ATMQTT_CMD_RAW, I(TOP, ATMQTT_A_TIMEOUT_MS, 600001)),
	/* The reconnect policy: 0-1, 100-3600000 ms */
	GOOD(ATMQTT_CMD_SET_CLIENT, I(CL, ATMQTT_A_CLIENT_RECONNECT, 0)),
	PAST_POLICY(ATMQTT_CMD_SET_CLIENT, I(CL, ATMQTT_A_CLIENT_RECONNECT, 2)),
	PAST_POLICY(ATMQTT_CMD_SET_CLIENT,
		    I(CL, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, 99)),
	GOOD(ATMQTT_CMD_SET_CLIENT,
	     I(CL, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, 100)),
	GOOD(ATMQTT_CMD_SET_CLIENT,
	     I(CL, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, 3600000)),
	PAST_POLICY(ATMQTT_CMD_SET_CLIENT,
		    I(CL, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, 3600001)),
	PAST_POLICY(ATMQTT_CMD_SET_CLIENT,
		    I(CL, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, 99)),
	GOOD(ATMQTT_CMD_SET_CLIENT,
	     I(CL, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, 100)),
	GOOD(ATMQTT_CMD_SET_CLIENT,
	     I(CL, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, 3600000)),
	PAST_POLICY(ATMQTT_CMD_SET_CLIENT,
		    I(CL, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, 3600001)),
};

/*
 * The family's bounds, as the policy must carry them (the brief's policy
 * table): an integer's minimum and maximum, a string's or the payload's
 * maximum length.
 */
struct pol {
	int nest, type;
	uint64_t min, max;
	uint32_t max_len;
};

#define R(n, t, lo, hi)	{ (n), (t), (lo), (hi), 0 }
#define L(n, t, len)	{ (n), (t), 0, 0, (len) }
static const struct pol policy[] = {
	R(TOP, ATMQTT_A_CLIENT_ID, 1, 255),
	R(TOP, ATMQTT_A_MODE, 0, 1),
	R(TOP, ATMQTT_A_AT_CMD, 1, 9),
	L(TOP, ATMQTT_A_LINE, 512),
	R(TOP, ATMQTT_A_TIMEOUT_MS, 1, 600000),
	L(CL, ATMQTT_A_CLIENT_HOST, 255),
	R(CL, ATMQTT_A_CLIENT_PORT, 1, 65535),
	R(CL, ATMQTT_A_CLIENT_CLEAN, 0, 1),
	R(CL, ATMQTT_A_CLIENT_KEEPALIVE, 1, 65535),
	R(CL, ATMQTT_A_CLIENT_RECONNECT, 0, 1),
	R(CL, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, 100, 3600000),
	R(CL, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, 100, 3600000),
	L(US, ATMQTT_A_USER_NAME, 65535),
	L(US, ATMQTT_A_USER_PASSWORD, 65535),
	L(US, ATMQTT_A_USER_CLIENT_ID, 65535),
	L(MS, ATMQTT_A_MSG_TOPIC, 65535),
	R(MS, ATMQTT_A_MSG_QOS, 0, 2),
	R(MS, ATMQTT_A_MSG_RETAIN, 0, 1),
	L(MS, ATMQTT_A_MSG_PAYLOAD, 65535),
	R(MS, ATMQTT_A_MSG_DATASIZE, 0, 1),
};
#undef R
#undef L

static const struct pol *policy_of(const struct attr *a)
{
	size_t i;

	for (i = 0; i < sizeof(policy) / sizeof(policy[0]); i++)
		if (policy[i].nest == a->nest && policy[i].type == a->type)
			return &policy[i];
	return NULL;
}

/* The valid request of each command, before the value under test. */
static int base(int cmd, uint32_t h, struct attr *a)
{
	int n = 0;

	a[n++] = (struct attr)I(TOP, ATMQTT_A_MODEM_ID, h);
	switch (cmd) {
	case ATMQTT_CMD_OPEN:
		a[n++] = (struct attr)I(TOP, ATMQTT_A_CLIENT_ID, 2);
		a[n++] = (struct attr)S(CL, ATMQTT_A_CLIENT_HOST, BROKER);
		a[n++] = (struct attr)I(CL, ATMQTT_A_CLIENT_PORT, 1);
		break;
	case ATMQTT_CMD_SUBSCRIBE:
	case ATMQTT_CMD_UNSUBSCRIBE:
	case ATMQTT_CMD_PUBLISH:
	case ATMQTT_CMD_SET_WILL:
		a[n++] = (struct attr)I(TOP, ATMQTT_A_CLIENT_ID, 1);
		a[n++] = (struct attr)S(MS, ATMQTT_A_MSG_TOPIC, "bounds");
		if (cmd != ATMQTT_CMD_UNSUBSCRIBE)
			a[n++] = (struct attr)I(MS, ATMQTT_A_MSG_QOS, 0);
		break;
	case ATMQTT_CMD_SET_USER:
		a[n++] = (struct attr)I(TOP, ATMQTT_A_CLIENT_ID, 1);
		a[n++] = (struct attr)S(US, ATMQTT_A_USER_NAME, "u");
		a[n++] = (struct attr)S(US, ATMQTT_A_USER_PASSWORD, "p");
		break;
	case ATMQTT_CMD_SET_CLIENT:
		a[n++] = (struct attr)I(TOP, ATMQTT_A_CLIENT_ID, 1);
		a[n++] = (struct attr)I(CL, ATMQTT_A_CLIENT_RECONNECT_MIN_MS,
					100);
		a[n++] = (struct attr)I(CL, ATMQTT_A_CLIENT_RECONNECT_MAX_MS,
					3600000);
		break;
	case ATMQTT_CMD_SET_CONF:
		a[n++] = (struct attr)I(TOP, ATMQTT_A_MODE, 1);
		break;
	case ATMQTT_CMD_TEST:
		a[n++] = (struct attr)I(TOP, ATMQTT_A_AT_CMD, ATMQTT_AT_USER);
		break;
	case ATMQTT_CMD_RAW:
		a[n++] = (struct attr)S(TOP, ATMQTT_A_LINE, "AT");
		break;
	}
	return n;
}

/* Replace the base attribute of the same place, or add the value. */
static int with(struct attr *a, int n, const struct attr *v)
{
	int i;

	for (i = 0; i < n; i++) {
		if (a[i].nest == v->nest && a[i].type == v->type) {
			a[i] = *v;
			return n;
		}
	}
	a[n] = *v;
	return n + 1;
}

/* The attribute's length as the kernel counts it (without a final NUL). */
static uint32_t attr_len(const struct attr *a)
{
	return a->kind == STR && a->len < 0 ? strlen(a->s) : (uint32_t)a->len;
}

TEST_F(modem, every_bound_both_layers)
{
	struct atmqtt_limits l = limits_of(self->nl, self->sim.handle);
	struct attr a[8];
	struct reply r;
	char want[192];
	size_t i;
	int n;

	/* The table is the NL668's: the simulated modem must be one. */
	ASSERT_EQ((uint32_t)NL668_CLIENTS, l.clients);
	ASSERT_EQ((uint32_t)NL668_HOST, l.host);
	ASSERT_EQ((uint32_t)NL668_TOPIC, l.topic);
	ASSERT_EQ((uint32_t)NL668_PAYLOAD, l.payload);
	ASSERT_EQ((uint32_t)NL668_USER_NAME, l.user_name);
	ASSERT_EQ((uint32_t)NL668_PASSWORD, l.password);
	ASSERT_EQ((uint32_t)NL668_CLIENT_IDENT, l.client_ident);
	ASSERT_EQ((uint32_t)NL668_KEEPALIVE, l.keepalive);
	ASSERT_EQ((uint32_t)NL668_QOS, l.qos);
	init_strings();
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		const struct bound *b = &bounds[i];
		const struct pol *p = policy_of(&b->a);
		int bytes = b->a.kind == STR || b->a.kind == BIN;

		n = base(b->cmd, self->sim.handle, a);
		n = with(a, n, &b->a);
		request(b->cmd, a, n, &r, NULL);
		TH_LOG("%s=%s%llu len %u cmd %d: %d \"%s\"%s [%llu, %llu] len %u",
		       b->a.name, bytes ? "(bytes) " : "",
		       (unsigned long long)b->a.v, bytes ? attr_len(&b->a) : 0,
		       b->cmd, r.err, r.msg, r.has_policy ? " policy" : "",
		       (unsigned long long)r.min, (unsigned long long)r.max,
		       r.max_len);
		if (b->expect == OK) {
			EXPECT_NE(-EINVAL, r.err);
			EXPECT_NE(-ERANGE, r.err);
			EXPECT_NE(1, r.err);	/* no answer at all */
			continue;
		}
		/* Refused, pointing at the value under test. */
		EXPECT_TRUE(r.has_offs);
		EXPECT_EQ(b->a.nest, r.bad_nest);
		EXPECT_EQ(b->a.type, r.bad_type);
		switch (b->expect) {
		case POLICY:
			/* The core's refusal, with the family's bounds. */
			EXPECT_EQ(-ERANGE, r.err);
			ASSERT_NE(NULL, p) TH_LOG("%s: no policy", b->a.name);
			EXPECT_TRUE(r.has_policy);
			if (b->a.kind == U32) {
				EXPECT_TRUE(r.has_range);
				EXPECT_EQ(p->min, r.min);
				EXPECT_EQ(p->max, r.max);
				EXPECT_TRUE(b->a.v < p->min || b->a.v > p->max);
			} else {
				EXPECT_EQ(p->max_len, r.max_len);
				EXPECT_LT(p->max_len, attr_len(&b->a));
			}
			break;
		case MODEM:
			/* Inside the policy, past the modem. */
			EXPECT_EQ(-ERANGE, r.err);
			EXPECT_FALSE(r.has_policy);
			snprintf(want, sizeof(want),
				 "%s: this modem takes %u-%u%s", b->a.name,
				 b->lo, b->hi, bytes ? " bytes" : "");
			EXPECT_STREQ(want, r.msg);
			if (p && b->a.kind == U32) {
				EXPECT_TRUE(b->a.v >= p->min &&
					    b->a.v <= p->max);
			} else if (p) {
				EXPECT_GE(p->max_len, attr_len(&b->a));
			}
			break;
		default:
			/* A function's rule: "ATMQTT_A_MSG_TOPIC: must be..." */
			EXPECT_EQ(-EINVAL, r.err);
			EXPECT_FALSE(r.has_policy);
			snprintf(want, sizeof(want), "%s: ", b->a.name);
			EXPECT_EQ(0, strncmp(r.msg, want, strlen(want)));
			if (b->hi) {
				/* The range named: the modem's, or where the
				 * modem is not known yet, the family's.
				 */
				char fam[192];

				snprintf(want, sizeof(want),
					 "%s: must be %u-%u printable ASCII characters without '\"'",
					 b->a.name, b->lo, b->hi);
				snprintf(fam, sizeof(fam),
					 "%s: must be %u-%u printable ASCII characters without '\"'",
					 b->a.name, b->lo,
					 p ? p->max_len : b->hi);
				EXPECT_TRUE(!strcmp(want, r.msg) ||
					    !strcmp(fam, r.msg))
					TH_LOG("want \"%s\" or \"%s\"", want,
					       fam);
			}
			break;
		}
	}
	/* Not one byte of a refused value reached the modem. */
	EXPECT_FALSE(sim_log_has(&self->sim, "INJ", 3));
	EXPECT_FALSE(sim_log_has(&self->sim, "MQTTCLOSE=1", 11));
	/* Nor a client past the modem's. */
	EXPECT_FALSE(sim_log_has(&self->sim, "AT+MQTTSUB=3,", 13));
	EXPECT_FALSE(sim_log_has(&self->sim, "AT+MQTTOPEN=3,", 14));
	EXPECT_FALSE(sim_log_has(&self->sim, "AT+MQTTSUB=255,", 15));
}

/*
 * A missing attribute: -EINVAL, "<ATTR>: required", and the missing
 * attribute's type (NLMSGERR_ATTR_MISS_TYPE) with the offset of its nest
 * (NLMSGERR_ATTR_MISS_NEST) when it belongs in one.
 */
TEST_F(modem, required_attributes)
{
	static const struct {
		int cmd;
		int nest, drop;
		const char *name;
	} t[] = {
		{ ATMQTT_CMD_OPEN, CL, ATMQTT_A_CLIENT_HOST,
		  "ATMQTT_A_CLIENT_HOST: required" },
		{ ATMQTT_CMD_OPEN, CL, ATMQTT_A_CLIENT_PORT,
		  "ATMQTT_A_CLIENT_PORT: required" },
		{ ATMQTT_CMD_SUBSCRIBE, MS, ATMQTT_A_MSG_TOPIC,
		  "ATMQTT_A_MSG_TOPIC: required" },
		{ ATMQTT_CMD_PUBLISH, MS, ATMQTT_A_MSG_TOPIC,
		  "ATMQTT_A_MSG_TOPIC: required" },
		{ ATMQTT_CMD_PUBLISH, TOP, ATMQTT_A_CLIENT_ID,
		  "ATMQTT_A_CLIENT_ID: required" },
		{ ATMQTT_CMD_SET_CONF, TOP, ATMQTT_A_MODE,
		  "ATMQTT_A_MODE: required" },
		{ ATMQTT_CMD_TEST, TOP, ATMQTT_A_AT_CMD,
		  "ATMQTT_A_AT_CMD: required" },
		{ ATMQTT_CMD_RAW, TOP, ATMQTT_A_LINE, "ATMQTT_A_LINE: required" },
		{ ATMQTT_CMD_RAW, TOP, ATMQTT_A_MODEM_ID,
		  "ATMQTT_A_MODEM_ID: required" },
	};
	struct attr a[8], keep[8];
	struct reply r;
	uint32_t nest_offs;
	size_t i;
	int n, k, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = base(t[i].cmd, self->sim.handle, a);
		for (j = 0, k = 0; j < n; j++)
			if (a[j].nest != t[i].nest || a[j].type != t[i].drop)
				keep[k++] = a[j];
		ASSERT_EQ(n - 1, k);
		nest_offs = t[i].nest;
		request(t[i].cmd, keep, k, &r, &nest_offs);
		EXPECT_EQ(-EINVAL, r.err) TH_LOG("%s", t[i].name);
		EXPECT_STREQ(t[i].name, r.msg);
		EXPECT_TRUE(r.has_miss_type) TH_LOG("%s", t[i].name);
		EXPECT_EQ((uint32_t)t[i].drop, r.miss_type);
		if (t[i].nest) {
			EXPECT_TRUE(r.has_miss_nest) TH_LOG("%s", t[i].name);
			EXPECT_LT(0u, nest_offs);
			EXPECT_EQ(nest_offs, r.miss_nest);
		} else {
			EXPECT_FALSE(r.has_miss_nest) TH_LOG("%s", t[i].name);
		}
	}
}

/*
 * Attributes no request takes (the kernel's own, NLA_UNSPEC in the policy)
 * or not this request's are refused, with the offset of the attribute, in
 * the top level and in a nest.  The publish never reaches the modem.
 */
TEST_F(modem, attributes_outside_the_request)
{
	static const struct attr extra[] = {
		I(TOP, ATMQTT_A_STATUS, 1),
		I(TOP, ATMQTT_A_URC, 1),
		{ .nest = MS, .type = ATMQTT_A_MSG_SEQ, .kind = U64, .v = 1,
		  .name = "ATMQTT_A_MSG_SEQ" },
		{ .nest = MS, .type = ATMQTT_A_MSG_DROPS, .kind = U64, .v = 1,
		  .name = "ATMQTT_A_MSG_DROPS" },
		I(CL, ATMQTT_A_CLIENT_STATE, 1),
		I(CL, ATMQTT_A_CLIENT_RECONNECT, 1),
	};
	struct attr a[8];
	struct reply r;
	size_t i;
	int n;

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		n = base(ATMQTT_CMD_PUBLISH, self->sim.handle, a);
		a[2] = (struct attr)S(MS, ATMQTT_A_MSG_TOPIC, "outside");
		a[n++] = extra[i];
		request(ATMQTT_CMD_PUBLISH, a, n, &r, NULL);
		EXPECT_EQ(-EINVAL, r.err) TH_LOG("%s", extra[i].name);
		EXPECT_TRUE(r.has_offs) TH_LOG("%s", extra[i].name);
		EXPECT_EQ(extra[i].nest, r.bad_nest);
		EXPECT_EQ(extra[i].type, r.bad_type);
		TH_LOG("PUBLISH with %s: %d %s", extra[i].name, r.err, r.msg);
	}
	EXPECT_FALSE(sim_log_has(&self->sim, "outside", 7));
	/* Where it belongs, the same attribute is taken. */
	n = base(ATMQTT_CMD_SET_CLIENT, self->sim.handle, a);
	a[n++] = (struct attr)I(CL, ATMQTT_A_CLIENT_RECONNECT, 0);
	request(ATMQTT_CMD_SET_CLIENT, a, n, &r, NULL);
	EXPECT_EQ(0, r.err);
}

TEST_F(modem, unknown_modem)
{
	struct attr a[8];
	struct reply r;
	int n;

	n = base(ATMQTT_CMD_TEST, self->sim.handle + 1000, a);
	request(ATMQTT_CMD_TEST, a, n, &r, NULL);
	EXPECT_EQ(-ENODEV, r.err);
	EXPECT_NE(NULL, strstr(r.msg, "ATMQTT_A_MODEM_ID"));
}

/*
 * The replies of version 2, on the wire: MODEM_ID and CLIENT_ID and no
 * STATUS; PUBLISH's MSG { DATASIZE }, the form used; GET_OPENABLE's one
 * CLIENT_ID per client; a modem's error as ATMQTT_A_ERROR { KIND, CODE,
 * TEXT } in a message of the request's command before the error ack.
 */
TEST_F(modem, replies_and_the_error_nest)
{
	static const struct {
		const char *ctl;
		int err;
		uint32_t kind, code;
		const char *text;	/* NULL: not checked */
	} errs[] = {
		{ "error 700\n", -ECONNREFUSED, ATMQTT_ERROR_MQTT, 700,
		  "Unacceptable protocol version" },
		{ "error 701\n", -ECONNREFUSED, ATMQTT_ERROR_MQTT, 701,
		  "Identifier rejected" },
		{ "error 702\n", -ECONNREFUSED, ATMQTT_ERROR_MQTT, 702,
		  "Server unavailable" },
		{ "error 703\n", -ECONNREFUSED, ATMQTT_ERROR_MQTT, 703,
		  "Bad user name or password" },
		{ "error 704\n", -ECONNREFUSED, ATMQTT_ERROR_MQTT, 704,
		  "Not authorized" },
		{ "error 42\n", -EREMOTEIO, ATMQTT_ERROR_MQTT, 42, NULL },
		{ "cme 10\n", -EREMOTEIO, ATMQTT_ERROR_CME, 10, NULL },
	};
	struct attr a[8];
	struct reply r;
	size_t i;
	int n;

	/* OPEN: MODEM_ID, CLIENT_ID, no STATUS, then the ack. */
	n = base(ATMQTT_CMD_OPEN, self->sim.handle, a);
	a[3] = (struct attr)I(CL, ATMQTT_A_CLIENT_PORT, PORT);
	request(ATMQTT_CMD_OPEN, a, n, &r, NULL);
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(1, r.replies);
	EXPECT_EQ(ATMQTT_CMD_OPEN, r.reply_cmd);
	EXPECT_TRUE(r.has_modem_id);
	EXPECT_TRUE(r.has_client_id);
	EXPECT_EQ(2u, r.client_id);
	EXPECT_FALSE(r.has_status);
	EXPECT_FALSE(r.has_error);

	/* PUBLISH: MSG { DATASIZE } says the form. */
	n = base(ATMQTT_CMD_PUBLISH, self->sim.handle, a);
	a[1] = (struct attr)I(TOP, ATMQTT_A_CLIENT_ID, 2);
	a[n++] = (struct attr)B(MS, ATMQTT_A_MSG_PAYLOAD, "quoted", 6);
	request(ATMQTT_CMD_PUBLISH, a, n, &r, NULL);
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(ATMQTT_CMD_PUBLISH, r.reply_cmd);
	EXPECT_TRUE(r.has_msg_datasize);
	EXPECT_EQ(0u, r.msg_datasize);
	EXPECT_FALSE(r.has_status);
	a[n - 1] = (struct attr)B(MS, ATMQTT_A_MSG_PAYLOAD, "\r\n", 2);
	request(ATMQTT_CMD_PUBLISH, a, n, &r, NULL);
	ASSERT_EQ(0, r.err);
	EXPECT_TRUE(r.has_msg_datasize);
	EXPECT_EQ(1u, r.msg_datasize);

	/* GET_OPENABLE with client 2 open: one CLIENT_ID, 1. */
	n = base(ATMQTT_CMD_GET_OPENABLE, self->sim.handle, a);
	request(ATMQTT_CMD_GET_OPENABLE, a, n, &r, NULL);
	ASSERT_EQ(0, r.err);
	EXPECT_EQ(ATMQTT_CMD_GET_OPENABLE, r.reply_cmd);
	EXPECT_EQ(1, r.n_client_ids);
	EXPECT_EQ(1u, r.client_id);

	/* The modem's errors. */
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		sim_ctl(&self->sim, errs[i].ctl);
		n = base(ATMQTT_CMD_OPEN, self->sim.handle, a);
		a[1] = (struct attr)I(TOP, ATMQTT_A_CLIENT_ID, 1);
		a[3] = (struct attr)I(CL, ATMQTT_A_CLIENT_PORT, PORT);
		request(ATMQTT_CMD_OPEN, a, n, &r, NULL);
		TH_LOG("%s -> %d, kind %u code %u \"%s\", extack \"%s\"",
		       errs[i].ctl, r.err, r.error_kind, r.error_code,
		       r.error_text, r.msg);
		EXPECT_EQ(errs[i].err, r.err);
		ASSERT_TRUE(r.has_error);
		EXPECT_EQ(ATMQTT_CMD_OPEN, r.reply_cmd);
		EXPECT_TRUE(r.has_modem_id);
		EXPECT_EQ(1u, r.client_id);
		EXPECT_EQ(errs[i].kind, r.error_kind);
		EXPECT_EQ(errs[i].code, r.error_code);
		if (errs[i].text) {
			EXPECT_NE(NULL, strstr(r.error_text, errs[i].text));
		}
	}
	/* Plain ERROR: no nest (client 1 is not open). */
	n = base(ATMQTT_CMD_SUBSCRIBE, self->sim.handle, a);
	request(ATMQTT_CMD_SUBSCRIBE, a, n, &r, NULL);
	EXPECT_EQ(-EIO, r.err);
	EXPECT_FALSE(r.has_error);
}

TEST_HARNESS_MAIN
