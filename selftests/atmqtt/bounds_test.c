// SPDX-License-Identifier: GPL-2.0
/*
 * Both sides of every bound of the manual, and the bytes that could inject
 * an AT command, attribute by attribute.  Requests are built here with
 * libnl directly (not libatmqtt, whose types would clip some values), so
 * what is tested is the kernel's contract: a value outside a range of the
 * family's policy (an integer's bounds, a string's or the payload's
 * maximum length) is refused by the netlink core with -ERANGE, the
 * attribute's offset and its policy (NLMSGERR_ATTR_POLICY), whose bounds
 * must be the manual's and exclude the value; a value that breaks a rule no
 * policy can say (a string's minimum length or characters) with -EINVAL,
 * the offset and a message that names the attribute and the rule; a value
 * inside it reaches the modem.  The simulator's log then shows that no
 * byte of a refused request reached the tty.
 */
#define _GNU_SOURCE
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/netlink.h>

#include "harness.h"

enum { U8 = 1, U16, U32, STR, BIN };

struct attr {
	int type;
	int kind;
	uint32_t v;		/* U8, U16, U32 */
	const char *s;		/* STR, BIN */
	int len;		/* BIN; STR: -1 for strlen */
};

struct reply {
	int err;
	char msg[256];
	int has_offs;
	uint32_t offs;
	int bad_type;		/* the attribute at offs in the request */
	int has_policy;		/* NLMSGERR_ATTR_POLICY, and what it had: */
	int has_range;		/* MIN_VALUE_U and MAX_VALUE_U */
	uint64_t min, max;
	uint32_t max_len;	/* MAX_LENGTH, 0 without */
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
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(r->msg, sizeof(r->msg), "%s",
				 (char *)nla_data(a));
		if (nla_type(a) == NLMSGERR_ATTR_OFFS) {
			r->has_offs = 1;
			r->offs = nla_get_u32(a);
		}
		if (nla_type(a) == NLMSGERR_ATTR_POLICY)
			on_policy(a, r);
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->err = 0;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Send one request; fill *r with the errno and the extack. */
static void request(int cmd, const struct attr *a, int n, struct reply *r)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct nl_msg *msg = nlmsg_alloc();
	int fam, one = 1, i;

	memset(r, 0, sizeof(*r));
	r->err = 1;
	if (!sk || !cb || !msg || genl_connect(sk))
		goto out;
	fam = genl_ctrl_resolve(sk, ATMQTT_GENL_NAME);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0, cmd,
		    ATMQTT_GENL_VERSION);
	for (i = 0; i < n; i++) {
		switch (a[i].kind) {
		case U8:
			nla_put_u8(msg, a[i].type, a[i].v);
			break;
		case U16:
			nla_put_u16(msg, a[i].type, a[i].v);
			break;
		case U32:
			nla_put_u32(msg, a[i].type, a[i].v);
			break;
		case STR:
			if (a[i].len < 0)
				nla_put_string(msg, a[i].type, a[i].s);
			else
				nla_put(msg, a[i].type, a[i].len, a[i].s);
			break;
		case BIN:
			nla_put(msg, a[i].type, a[i].len, a[i].s);
			break;
		}
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	if (nl_send_auto(sk, msg) < 0)
		goto out;
	while (r->err == 1 && nl_recvmsgs(sk, cb) >= 0)
		;
	if (r->has_offs) {
		struct nlmsghdr *nlh = nlmsg_hdr(msg);
		struct nlattr *x;
		int rem;

		nla_for_each_attr(x, genlmsg_attrdata(nlmsg_data(nlh), 0),
				  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
			if ((char *)x - (char *)nlh == (long)r->offs)
				r->bad_type = nla_type(x);
	}
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	nl_socket_free(sk);
}

static char s255[256], s256[257], s128[129], s129[130], s23[24], s24[25];
static char s512[513], s513[514], p1024[1025], p1025[1026];

static void fill(char *s, char c, int n, const char *head)
{
	memset(s, c, n);
	s[n] = '\0';
	memcpy(s, head, strlen(head));
}

/* The value under test, and whether the manual allows it. */
struct bound {
	const char *name;	/* the attribute the extack must name */
	int cmd;
	struct attr a;
	int ok;
};

#define I(t, k, val)	{ .type = (t), .kind = (k), .v = (val) }
#define S(t, str)	{ .type = (t), .kind = STR, .s = (str), .len = -1 }
#define B(t, str, n)	{ .type = (t), .kind = BIN, .s = (str), .len = (n) }
#define OK(cmd, a)	{ #a, cmd, a, 1 }
#define BAD(cmd, a)	{ #a, cmd, a, 0 }

/* Every refused string carries "INJ": the modem must never see it. */
static const struct bound bounds[] = {
	BAD(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_CLIENT, U8, 0)),
	OK(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_CLIENT, U8, 1)),
	OK(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_CLIENT, U8, 2)),
	BAD(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_CLIENT, U8, 3)),
	OK(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_QOS, U8, 0)),
	OK(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_QOS, U8, 1)),
	OK(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_QOS, U8, 2)),
	BAD(ATMQTT_CMD_SUBSCRIBE, I(ATMQTT_A_QOS, U8, 3)),
	BAD(ATMQTT_CMD_PUBLISH, I(ATMQTT_A_QOS, U8, 3)),
	BAD(ATMQTT_CMD_SET_WILL, I(ATMQTT_A_QOS, U8, 3)),
	OK(ATMQTT_CMD_PUBLISH, I(ATMQTT_A_RETAIN, U8, 1)),
	BAD(ATMQTT_CMD_PUBLISH, I(ATMQTT_A_RETAIN, U8, 2)),
	BAD(ATMQTT_CMD_SET_WILL, I(ATMQTT_A_RETAIN, U8, 2)),
	BAD(ATMQTT_CMD_PUBLISH, I(ATMQTT_A_DATASIZE, U8, 2)),
	BAD(ATMQTT_CMD_OPEN, I(ATMQTT_A_PORT, U32, 0)),
	OK(ATMQTT_CMD_OPEN, I(ATMQTT_A_PORT, U32, 1)),
	OK(ATMQTT_CMD_OPEN, I(ATMQTT_A_PORT, U32, 65535)),
	BAD(ATMQTT_CMD_OPEN, I(ATMQTT_A_PORT, U32, 65536)),
	OK(ATMQTT_CMD_OPEN, I(ATMQTT_A_CLEAN, U8, 0)),
	BAD(ATMQTT_CMD_OPEN, I(ATMQTT_A_CLEAN, U8, 2)),
	BAD(ATMQTT_CMD_OPEN, I(ATMQTT_A_KEEPALIVE, U16, 0)),
	OK(ATMQTT_CMD_OPEN, I(ATMQTT_A_KEEPALIVE, U16, 1)),
	OK(ATMQTT_CMD_OPEN, I(ATMQTT_A_KEEPALIVE, U16, 300)),
	BAD(ATMQTT_CMD_OPEN, I(ATMQTT_A_KEEPALIVE, U16, 301)),
	BAD(ATMQTT_CMD_OPEN, S(ATMQTT_A_HOST, "")),
	OK(ATMQTT_CMD_OPEN, S(ATMQTT_A_HOST, s255)),
	BAD(ATMQTT_CMD_OPEN, S(ATMQTT_A_HOST, s256)),
	BAD(ATMQTT_CMD_OPEN, S(ATMQTT_A_HOST, "h\"INJ")),
	BAD(ATMQTT_CMD_OPEN, S(ATMQTT_A_HOST, "h\r\nAT+INJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "")),
	OK(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, s255)),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, s256)),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\"\r\nAT+MQTTCLOSE=1\r\nINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\rINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\nINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, B(ATMQTT_A_TOPIC, "t\0INJ", 5)),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\x1aINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\x1bINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\x7fINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\xffINJ")),
	BAD(ATMQTT_CMD_SUBSCRIBE, S(ATMQTT_A_TOPIC, "t\tINJ")),
	BAD(ATMQTT_CMD_UNSUBSCRIBE, S(ATMQTT_A_TOPIC, s256)),
	BAD(ATMQTT_CMD_UNSUBSCRIBE, S(ATMQTT_A_TOPIC, "\"INJ")),
	BAD(ATMQTT_CMD_PUBLISH, S(ATMQTT_A_TOPIC, s256)),
	BAD(ATMQTT_CMD_PUBLISH, S(ATMQTT_A_TOPIC, "\"INJ")),
	BAD(ATMQTT_CMD_SET_WILL, S(ATMQTT_A_TOPIC, "\"INJ")),
	OK(ATMQTT_CMD_PUBLISH, B(ATMQTT_A_PAYLOAD, p1024, 1024)),
	BAD(ATMQTT_CMD_PUBLISH, B(ATMQTT_A_PAYLOAD, p1025, 1025)),
	OK(ATMQTT_CMD_SET_WILL, B(ATMQTT_A_PAYLOAD, p1024, 1024)),
	BAD(ATMQTT_CMD_SET_WILL, B(ATMQTT_A_PAYLOAD, p1025, 1025)),
	BAD(ATMQTT_CMD_SET_WILL, B(ATMQTT_A_PAYLOAD, "a\"\r\nINJ", 7)),
	OK(ATMQTT_CMD_SET_USER, S(ATMQTT_A_USERNAME, s128)),
	BAD(ATMQTT_CMD_SET_USER, S(ATMQTT_A_USERNAME, s129)),
	BAD(ATMQTT_CMD_SET_USER, S(ATMQTT_A_USERNAME, "u\",\"INJ")),
	OK(ATMQTT_CMD_SET_USER, S(ATMQTT_A_PASSWORD, s128)),
	BAD(ATMQTT_CMD_SET_USER, S(ATMQTT_A_PASSWORD, s129)),
	BAD(ATMQTT_CMD_SET_USER, S(ATMQTT_A_PASSWORD, "p\r\nINJ")),
	BAD(ATMQTT_CMD_SET_USER, S(ATMQTT_A_CLIENT_ID, "")),
	OK(ATMQTT_CMD_SET_USER, S(ATMQTT_A_CLIENT_ID, s23)),
	BAD(ATMQTT_CMD_SET_USER, S(ATMQTT_A_CLIENT_ID, s24)),
	OK(ATMQTT_CMD_SET_CONF, I(ATMQTT_A_MODE, U8, 1)),
	BAD(ATMQTT_CMD_SET_CONF, I(ATMQTT_A_MODE, U8, 2)),
	BAD(ATMQTT_CMD_TEST, I(ATMQTT_A_AT_CMD, U8, 0)),
	OK(ATMQTT_CMD_TEST, I(ATMQTT_A_AT_CMD, U8, 1)),
	OK(ATMQTT_CMD_TEST, I(ATMQTT_A_AT_CMD, U8, 9)),
	BAD(ATMQTT_CMD_TEST, I(ATMQTT_A_AT_CMD, U8, 10)),
	BAD(ATMQTT_CMD_RAW, S(ATMQTT_A_LINE, "A")),
	OK(ATMQTT_CMD_RAW, S(ATMQTT_A_LINE, "AT")),
	OK(ATMQTT_CMD_RAW, S(ATMQTT_A_LINE, s512)),
	BAD(ATMQTT_CMD_RAW, S(ATMQTT_A_LINE, s513)),
	BAD(ATMQTT_CMD_RAW, S(ATMQTT_A_LINE, "AT+MQTTCLOSE=1;INJ")),
	BAD(ATMQTT_CMD_RAW, S(ATMQTT_A_LINE, "AT\r\nINJ")),
	BAD(ATMQTT_CMD_RAW, I(ATMQTT_A_TIMEOUT_MS, U32, 0)),
	OK(ATMQTT_CMD_RAW, I(ATMQTT_A_TIMEOUT_MS, U32, 600000)),
	BAD(ATMQTT_CMD_RAW, I(ATMQTT_A_TIMEOUT_MS, U32, 600001)),
	BAD(ATMQTT_CMD_SET_CLIENT, I(ATMQTT_A_RECONNECT, U8, 2)),
	BAD(ATMQTT_CMD_SET_CLIENT, I(ATMQTT_A_RECONNECT_MIN_MS, U32, 99)),
	OK(ATMQTT_CMD_SET_CLIENT, I(ATMQTT_A_RECONNECT_MIN_MS, U32, 100)),
	OK(ATMQTT_CMD_SET_CLIENT, I(ATMQTT_A_RECONNECT_MAX_MS, U32, 3600000)),
	BAD(ATMQTT_CMD_SET_CLIENT, I(ATMQTT_A_RECONNECT_MAX_MS, U32, 3600001)),
};

/*
 * The manual's bounds, as the policy must carry them: an integer's minimum
 * and maximum, a string's or the payload's maximum length.
 */
static const struct {
	uint64_t min, max;
	uint32_t max_len;
} policy[ATMQTT_A_MAX + 1] = {
#define R(lo, hi)	{ .min = (lo), .max = (hi) }
#define L(len)		{ .max_len = (len) }
	[ATMQTT_A_CLIENT] = R(ATMQTT_CLIENT_MIN, ATMQTT_CLIENT_MAX),
	[ATMQTT_A_PORT] = R(1, 65535),
	[ATMQTT_A_CLEAN] = R(0, 1),
	[ATMQTT_A_KEEPALIVE] = R(1, ATMQTT_KEEPALIVE_MAX),
	[ATMQTT_A_QOS] = R(0, ATMQTT_QOS_MAX),
	[ATMQTT_A_RETAIN] = R(0, 1),
	[ATMQTT_A_MODE] = R(0, 1),
	[ATMQTT_A_AT_CMD] = R(1, ATMQTT_AT_MAX),
	[ATMQTT_A_TIMEOUT_MS] = R(1, ATMQTT_RAW_TIMEOUT_MAX),
	[ATMQTT_A_DATASIZE] = R(0, 1),
	[ATMQTT_A_RECONNECT] = R(0, 1),
	[ATMQTT_A_RECONNECT_MIN_MS] = R(ATMQTT_RECONNECT_MS_MIN,
					ATMQTT_RECONNECT_MS_MAX),
	[ATMQTT_A_RECONNECT_MAX_MS] = R(ATMQTT_RECONNECT_MS_MIN,
					ATMQTT_RECONNECT_MS_MAX),
	[ATMQTT_A_HOST] = L(ATMQTT_HOST_MAX),
	[ATMQTT_A_TOPIC] = L(ATMQTT_TOPIC_MAX),
	[ATMQTT_A_PAYLOAD] = L(ATMQTT_PAYLOAD_MAX),
	[ATMQTT_A_USERNAME] = L(ATMQTT_USERNAME_MAX),
	[ATMQTT_A_PASSWORD] = L(ATMQTT_PASSWORD_MAX),
	[ATMQTT_A_CLIENT_ID] = L(ATMQTT_CLIENT_ID_MAX),
	[ATMQTT_A_LINE] = L(ATMQTT_RAW_MAX),
};

#undef R
#undef L

/* Whether the policy's own bounds refuse the value (else a function). */
static int policy_refuses(const struct attr *a)
{
	int len;

	switch (a->kind) {
	case U8:
	case U16:
	case U32:
		return a->v < policy[a->type].min || a->v > policy[a->type].max;
	case STR:
		len = a->len < 0 ? (int)strlen(a->s) : a->len;
		return (uint32_t)len > policy[a->type].max_len;
	default:
		return (uint32_t)a->len > policy[a->type].max_len;
	}
}

/* The valid request of each command, before the value under test. */
static int base(int cmd, uint32_t h, struct attr *a)
{
	int n = 0;

	a[n++] = (struct attr)I(ATMQTT_A_MODEM, U32, h);
	switch (cmd) {
	case ATMQTT_CMD_OPEN:
		a[n++] = (struct attr)I(ATMQTT_A_CLIENT, U8, 2);
		a[n++] = (struct attr)S(ATMQTT_A_HOST, BROKER);
		a[n++] = (struct attr)I(ATMQTT_A_PORT, U32, 1);
		break;
	case ATMQTT_CMD_SUBSCRIBE:
	case ATMQTT_CMD_UNSUBSCRIBE:
	case ATMQTT_CMD_PUBLISH:
	case ATMQTT_CMD_SET_WILL:
		a[n++] = (struct attr)I(ATMQTT_A_CLIENT, U8, 1);
		a[n++] = (struct attr)S(ATMQTT_A_TOPIC, "bounds");
		break;
	case ATMQTT_CMD_SET_USER:
	case ATMQTT_CMD_SET_CLIENT:
		a[n++] = (struct attr)I(ATMQTT_A_CLIENT, U8, 1);
		break;
	case ATMQTT_CMD_SET_CONF:
		a[n++] = (struct attr)I(ATMQTT_A_MODE, U8, 1);
		break;
	case ATMQTT_CMD_TEST:
		a[n++] = (struct attr)I(ATMQTT_A_AT_CMD, U8, 1);
		break;
	case ATMQTT_CMD_RAW:
		a[n++] = (struct attr)S(ATMQTT_A_LINE, "AT");
		break;
	}
	return n;
}

/* Replace the base attribute of the same type, or add the value. */
static int with(struct attr *a, int n, const struct attr *v)
{
	int i;

	for (i = 0; i < n; i++) {
		if (a[i].type == v->type) {
			a[i] = *v;
			return n;
		}
	}
	a[n] = *v;
	return n + 1;
}

static void init_strings(void)
{
	fill(s255, 't', 255, "");
	fill(s256, 'x', 256, "INJ");
	fill(s128, 'u', 128, "");
	fill(s129, 'u', 129, "INJ");
	fill(s23, 'c', 23, "");
	fill(s24, 'c', 24, "INJ");
	fill(s512, 'E', 512, "AT+");
	fill(s513, 'E', 513, "AT+INJ");
	fill(p1024, 'p', 1024, "");
	fill(p1025, 'p', 1025, "INJ");
}

TEST_F(modem, every_bound_both_sides)
{
	struct attr a[8];
	struct reply r;
	size_t i;
	int n;

	init_strings();
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		const struct bound *b = &bounds[i];

		n = base(b->cmd, self->sim.handle, a);
		n = with(a, n, &b->a);
		request(b->cmd, a, n, &r);
		if (b->ok) {
			EXPECT_NE(-EINVAL, r.err);
			EXPECT_NE(-ERANGE, r.err);
		} else {
			/* Refused, pointing at the value under test. */
			EXPECT_TRUE(r.has_offs);
			EXPECT_EQ(b->a.type, r.bad_type);
		}
		if (!b->ok && policy_refuses(&b->a)) {
			/* The policy's rule, with the manual's bounds. */
			EXPECT_EQ(-ERANGE, r.err);
			EXPECT_TRUE(r.has_policy);
			if (b->a.kind == U8 || b->a.kind == U16 ||
			    b->a.kind == U32) {
				EXPECT_TRUE(r.has_range);
				EXPECT_EQ(policy[b->a.type].min, r.min);
				EXPECT_EQ(policy[b->a.type].max, r.max);
			} else {
				EXPECT_EQ(policy[b->a.type].max_len, r.max_len);
			}
		} else if (!b->ok || r.err == -EINVAL) {
			/* A function's rule: "ATMQTT_A_TOPIC: must be ..." */
			char attr[48];

			EXPECT_EQ(-EINVAL, r.err);
			EXPECT_FALSE(r.has_policy);
			snprintf(attr, sizeof(attr), "%.*s:",
				 (int)strcspn(b->name + 2, ","), b->name + 2);
			EXPECT_NE(NULL, strstr(r.msg, attr));
		}
		TH_LOG("%s cmd %d: %d %s%s [%llu, %llu] len %u", b->name,
		       b->cmd, r.err, r.msg, r.has_policy ? " policy" : "",
		       (unsigned long long)r.min, (unsigned long long)r.max,
		       r.max_len);
	}
	/* Not one byte of a refused value reached the modem. */
	EXPECT_FALSE(sim_log_has(&self->sim, "INJ", 3));
	EXPECT_FALSE(sim_log_has(&self->sim, "MQTTCLOSE=1", 11));
}

TEST_F(modem, required_attributes)
{
	static const struct {
		int cmd;
		int drop;
		const char *name;
	} t[] = {
		{ ATMQTT_CMD_OPEN, ATMQTT_A_HOST, "ATMQTT_A_HOST: required" },
		{ ATMQTT_CMD_OPEN, ATMQTT_A_PORT, "ATMQTT_A_PORT: required" },
		{ ATMQTT_CMD_SUBSCRIBE, ATMQTT_A_TOPIC, "ATMQTT_A_TOPIC: required" },
		{ ATMQTT_CMD_PUBLISH, ATMQTT_A_CLIENT, "ATMQTT_A_CLIENT: required" },
		{ ATMQTT_CMD_SET_CONF, ATMQTT_A_MODE, "ATMQTT_A_MODE: required" },
		{ ATMQTT_CMD_TEST, ATMQTT_A_AT_CMD, "ATMQTT_A_AT_CMD: required" },
		{ ATMQTT_CMD_RAW, ATMQTT_A_LINE, "ATMQTT_A_LINE: required" },
		{ ATMQTT_CMD_RAW, ATMQTT_A_MODEM, "ATMQTT_A_MODEM: required" },
	};
	struct attr a[8], keep[8];
	struct reply r;
	size_t i;
	int n, k, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = base(t[i].cmd, self->sim.handle, a);
		for (j = 0, k = 0; j < n; j++)
			if (a[j].type != t[i].drop)
				keep[k++] = a[j];
		request(t[i].cmd, keep, k, &r);
		EXPECT_EQ(-EINVAL, r.err);
		EXPECT_STREQ(t[i].name, r.msg);
	}
}

/*
 * Attributes no request of the command takes are refused, with the offset
 * of the attribute: the reconnect ones outside SET_CLIENT (past the
 * operation's maxattr), the kernel's own (STATUS) anywhere.  The publish
 * never reaches the modem.
 */
TEST_F(modem, attributes_outside_the_request)
{
	static const struct attr extra[] = {
		I(ATMQTT_A_RECONNECT, U8, 1),
		I(ATMQTT_A_RECONNECT_MAX_MS, U32, 1000),
		I(ATMQTT_A_STATUS, U8, 1),
	};
	struct attr a[8];
	struct reply r;
	size_t i;
	int n;

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		n = base(ATMQTT_CMD_PUBLISH, self->sim.handle, a);
		a[2] = (struct attr)S(ATMQTT_A_TOPIC, "outside");
		a[n++] = extra[i];
		request(ATMQTT_CMD_PUBLISH, a, n, &r);
		EXPECT_EQ(-EINVAL, r.err);
		EXPECT_TRUE(r.has_offs);
		TH_LOG("PUBLISH with attribute %d: %d %s", extra[i].type,
		       r.err, r.msg);
	}
	EXPECT_FALSE(sim_log_has(&self->sim, "outside", 7));
	/* Where it belongs, the same attribute is taken. */
	n = base(ATMQTT_CMD_SET_CLIENT, self->sim.handle, a);
	a[n++] = (struct attr)I(ATMQTT_A_RECONNECT, U8, 0);
	request(ATMQTT_CMD_SET_CLIENT, a, n, &r);
	EXPECT_EQ(0, r.err);
}

TEST_F(modem, unknown_modem)
{
	struct attr a[8];
	struct reply r;
	int n;

	n = base(ATMQTT_CMD_TEST, self->sim.handle + 1000, a);
	request(ATMQTT_CMD_TEST, a, n, &r);
	EXPECT_EQ(-ENODEV, r.err);
	EXPECT_NE(NULL, strstr(r.msg, "ATMQTT_A_MODEM"));
}

TEST_HARNESS_MAIN
