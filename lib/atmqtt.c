// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: requests to the atmqtt generic netlink family over libnl-genl-3.
 *
 * A request is built with req_init() and the put_*() helpers, which keep
 * the first failure (so a request function is a straight list of puts),
 * then sent by req_send().  It is written straight into the handle's
 * buffer and sent with send(); the answer is read into the handle's
 * receive buffer (aqi_recv()): no message object, no allocation per
 * request.  req_send() waits for the kernel's answer:
 *   - the reply messages of the request's command: a reply carrying
 *     ATMQTT_A_MODEM_ERROR records the modem's code, any other one goes to
 *     the request's parser;
 *   - then the ack (or NLMSG_DONE for a dump), whose error is the result
 *     and whose extended ack TLVs give atmqtt_ext_error() and
 *     atmqtt_ext_error_attr().
 * A request that reaches the modem (every do command but SET_CLIENT) is
 * sent without NLM_F_ACK: the kernel answers its success with a reply of
 * the request's command (see the UAPI header), which then ends it, and an
 * error with an NLMSG_ERROR all the same.  That spares an ack message and
 * a system call per request.
 * Messages of an earlier request (another sequence number) are skipped.
 *
 * Ranges are the kernel's business: it answers with -EINVAL and a message
 * naming the attribute and the rule.  The only values refused here are
 * those the attribute's type cannot carry (a qos of 256 in a u8), with
 * -EINVAL and a message in the same style, rather than sent truncated.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/*
 * The request buffer starts this big and grows when an attribute needs it:
 * requests are mostly a few dozen bytes.
 */
#define REQ_MSG_SIZE	256

typedef void (*reply_fn)(struct nlmsghdr *nlh, struct nlattr **tb,
			 void *arg);

struct atmqtt_nl {
	struct nl_sock *sk;
	int family;
	/* the request in flight */
	int err;		/* 1 while waiting, then the result */
	uint32_t seq;
	bool reply_ends;	/* no NLM_F_ACK: a success reply is the last */
	reply_fn reply;
	void *reply_arg;
	unsigned int attr_off[ATMQTT_A_MAX + 1];
	unsigned char *tx;	/* the request being built */
	size_t tx_size;
	void *rx;		/* AQI_MSG_BUF bytes: the answer's datagram */
	/* the outcome of the last request */
	int bad_attr;
	uint32_t modem_err;
	char ext_msg[256];
};

struct atmqtt_nl *atmqtt_nl_open(void)
{
	struct atmqtt_nl *nl = calloc(1, sizeof(*nl));
	int e;

	if (!nl)
		return NULL;
	nl->tx_size = REQ_MSG_SIZE;
	nl->tx = malloc(nl->tx_size);
	nl->rx = malloc(AQI_MSG_BUF);
	if (!nl->tx || !nl->rx) {
		atmqtt_nl_close(nl);
		errno = ENOMEM;
		return NULL;
	}
	nl->sk = aqi_sock(&nl->family, NULL);
	if (!nl->sk) {
		e = errno;
		atmqtt_nl_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

void atmqtt_nl_close(struct atmqtt_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl->tx);
	free(nl->rx);
	free(nl);
}

const char *atmqtt_ext_error(const struct atmqtt_nl *nl)
{
	return nl->ext_msg;
}

int atmqtt_ext_error_attr(const struct atmqtt_nl *nl)
{
	return nl->bad_attr;
}

uint32_t atmqtt_modem_error(const struct atmqtt_nl *nl)
{
	return nl->modem_err;
}

/* ---- the answer ---- */

/* Extended ack TLVs (of an NLMSG_ERROR or an NLMSG_DONE). */
static void atmqtt_parse_tlvs(struct atmqtt_nl *nl, void *data, int len)
{
	static struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_OFFS]		= { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_TYPE]	= { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	uint32_t off;
	int i;

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, data, len, pol))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		aqi_nla_strcpy(nl->ext_msg, sizeof(nl->ext_msg),
				  tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS]) {
		off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		for (i = 1; i <= ATMQTT_A_MAX; i++)
			if (nl->attr_off[i] && nl->attr_off[i] == off)
				nl->bad_attr = i;
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] && !nl->bad_attr)
		nl->bad_attr = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static void atmqtt_parse_ack(struct atmqtt_nl *nl, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	int hlen = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NLM_F_CAPPED the request's payload follows. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(e->msg))
		hlen += e->msg.nlmsg_len - sizeof(e->msg);
	hlen = NLMSG_ALIGN(hlen);
	if (nlmsg_datalen(nlh) > hlen)
		atmqtt_parse_tlvs(nl, (char *)e + hlen,
				  nlmsg_datalen(nlh) - hlen);
}

/* An NLMSG_ERROR: the result, 0 for an ack, and the TLVs. */
static void atmqtt_error_msg(struct atmqtt_nl *nl, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);

	if (nlmsg_datalen(nlh) < (int)sizeof(*e)) {
		nl->err = -EMSGSIZE;	/* cut short */
		return;
	}
	nl->err = e->error <= 0 ? e->error : -EPROTO;
	atmqtt_parse_ack(nl, nlh);
}

/* NLMSG_DONE ends a dump; it carries the dump's error, then TLVs. */
static void atmqtt_done_msg(struct atmqtt_nl *nl, struct nlmsghdr *nlh)
{
	int err = 0, hlen = NLMSG_ALIGN(sizeof(err));

	if (nlmsg_datalen(nlh) >= (int)sizeof(err))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	nl->err = err < 0 ? err : 0;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && nlmsg_datalen(nlh) > hlen)
		atmqtt_parse_tlvs(nl, (char *)nlmsg_data(nlh) + hlen,
				  nlmsg_datalen(nlh) - hlen);
}

/* A message of the request's command: a reply, or a dump's entry. */
static void atmqtt_family_msg(struct atmqtt_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *tb[ATMQTT_A_MAX + 1];

	if (aqi_genl_parse(tb, nlh))
		return;
	if (tb[ATMQTT_A_MODEM_ERROR]) {
		/* The error ack follows. */
		nl->modem_err = nla_get_u32(tb[ATMQTT_A_MODEM_ERROR]);
		return;
	}
	if (nl->reply)
		nl->reply(nlh, tb, nl->reply_arg);
	if (nl->reply_ends)
		nl->err = 0;
}

/*
 * A message of the answer (aqi_recv()): 1 once one has ended the request.
 * Messages of another sequence number (an earlier request's) are skipped.
 */
static int atmqtt_answer_msg(struct nlmsghdr *nlh, void *arg)
{
	struct atmqtt_nl *nl = arg;

	if (nlh->nlmsg_seq != nl->seq)
		return 0;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		break;
	case NLMSG_OVERRUN:
		nl->err = -EOVERFLOW;
		break;
	case NLMSG_ERROR:
		atmqtt_error_msg(nl, nlh);
		break;
	case NLMSG_DONE:
		atmqtt_done_msg(nl, nlh);
		break;
	default:
		atmqtt_family_msg(nl, nlh);
		break;
	}
	return nl->err <= 0;
}

/* ---- the request ---- */

struct req {
	struct atmqtt_nl *nl;
	size_t len;		/* bytes of nl->tx written */
	int err;		/* first failure while building */
};

static const char *const attr_names[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_MODEM]		= "ATMQTT_A_MODEM",
	[ATMQTT_A_CLIENT]		= "ATMQTT_A_CLIENT",
	[ATMQTT_A_HOST]			= "ATMQTT_A_HOST",
	[ATMQTT_A_PORT]			= "ATMQTT_A_PORT",
	[ATMQTT_A_CLEAN]		= "ATMQTT_A_CLEAN",
	[ATMQTT_A_KEEPALIVE]		= "ATMQTT_A_KEEPALIVE",
	[ATMQTT_A_TOPIC]		= "ATMQTT_A_TOPIC",
	[ATMQTT_A_QOS]			= "ATMQTT_A_QOS",
	[ATMQTT_A_RETAIN]		= "ATMQTT_A_RETAIN",
	[ATMQTT_A_PAYLOAD]		= "ATMQTT_A_PAYLOAD",
	[ATMQTT_A_USERNAME]		= "ATMQTT_A_USERNAME",
	[ATMQTT_A_PASSWORD]		= "ATMQTT_A_PASSWORD",
	[ATMQTT_A_CLIENT_ID]		= "ATMQTT_A_CLIENT_ID",
	[ATMQTT_A_MODE]			= "ATMQTT_A_MODE",
	[ATMQTT_A_AT_CMD]		= "ATMQTT_A_AT_CMD",
	[ATMQTT_A_LINE]			= "ATMQTT_A_LINE",
	[ATMQTT_A_TIMEOUT_MS]		= "ATMQTT_A_TIMEOUT_MS",
	[ATMQTT_A_DATASIZE]		= "ATMQTT_A_DATASIZE",
	[ATMQTT_A_RECONNECT]		= "ATMQTT_A_RECONNECT",
	[ATMQTT_A_RECONNECT_MIN_MS]	= "ATMQTT_A_RECONNECT_MIN_MS",
	[ATMQTT_A_RECONNECT_MAX_MS]	= "ATMQTT_A_RECONNECT_MAX_MS",
};

/* A refusal made here, reported like the kernel's. */
static int req_refuse(struct req *r, int type, int err, const char *why)
{
	struct atmqtt_nl *nl = r->nl;

	if (r->err)
		return r->err;
	snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s: %s",
		 attr_names[type] ? attr_names[type] : "attribute", why);
	nl->bad_attr = type;
	r->err = err;
	return err;
}

static void req_init(struct req *r, struct atmqtt_nl *nl, uint8_t cmd,
		     int flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->tx;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	r->nl = nl;
	r->err = 0;
	memset(nl->attr_off, 0, sizeof(nl->attr_off));
	nl->ext_msg[0] = '\0';
	nl->bad_attr = 0;
	nl->modem_err = 0;
	/* Acks only when asked for (NLM_F_ACK); seq and port at sending. */
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g->cmd = cmd;
	g->version = ATMQTT_GENL_VERSION;
	g->reserved = 0;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/*
 * Appends an attribute of len bytes (and its padding, zeroed) and remembers
 * where it starts, to map the ack's offset back.
 */
static void req_put(struct req *r, int type, const void *data, size_t len)
{
	struct atmqtt_nl *nl = r->nl;
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;
	unsigned char *p;
	size_t i;

	if (r->err)
		return;
	if (r->len + total > nl->tx_size) {
		p = realloc(nl->tx, r->len + total + REQ_MSG_SIZE);
		if (!p) {
			r->err = -ENOMEM;
			return;
		}
		nl->tx = p;
		nl->tx_size = r->len + total + REQ_MSG_SIZE;
	}
	a = (struct nlattr *)(nl->tx + r->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	p = (unsigned char *)a + NLA_HDRLEN;
	if (len)
		memcpy(p, data, len);
	for (i = len; i < total - NLA_HDRLEN; i++)	/* 0-3 bytes */
		p[i] = 0;
	nl->attr_off[type] = r->len;
	r->len += total;
}

static void put_u8(struct req *r, int type, long v)
{
	uint8_t u = v;

	if (v < 0 || v > UINT8_MAX) {
		req_refuse(r, type, -EINVAL, "value out of range (u8)");
		return;
	}
	req_put(r, type, &u, sizeof(u));
}

/*
 * A u8 the kernel takes as def when it is missing: left out when it is def
 * (one attribute less to write and for the kernel to validate), sent when
 * it is anything else, out of range included.
 */
static void put_u8_opt(struct req *r, int type, long v, long def)
{
	if (v != def)
		put_u8(r, type, v);
}

static void put_u16(struct req *r, int type, long v)
{
	uint16_t u = v;

	if (v < 0 || v > UINT16_MAX) {
		req_refuse(r, type, -EINVAL, "value out of range (u16)");
		return;
	}
	req_put(r, type, &u, sizeof(u));
}

static void put_u32(struct req *r, int type, uint32_t v)
{
	req_put(r, type, &v, sizeof(v));
}

static void put_str(struct req *r, int type, const char *s)
{
	size_t n;

	if (!s) {
		req_refuse(r, type, -EINVAL, "missing (NULL)");
		return;
	}
	n = strlen(s);
	if (n > 4096) {
		req_refuse(r, type, -EMSGSIZE, "string too long");
		return;
	}
	req_put(r, type, s, n + 1);
}

static void put_bin(struct req *r, int type, const void *data, size_t len)
{
	if (len && !data) {
		req_refuse(r, type, -EINVAL, "missing (NULL)");
		return;
	}
	if (len > 4096) {
		req_refuse(r, type, -EMSGSIZE, "too long");
		return;
	}
	req_put(r, type, data, len);
}

static int req_send(struct req *r, reply_fn reply, void *arg)
{
	struct atmqtt_nl *nl = r->nl;
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->tx;
	int ret;

	if (r->err)
		return r->err;
	nlh->nlmsg_len = r->len;
	nlh->nlmsg_seq = nl_socket_use_seq(nl->sk);
	nlh->nlmsg_pid = nl_socket_get_local_port(nl->sk);
	nl->seq = nlh->nlmsg_seq;
	nl->err = 1;
	nl->reply = reply;
	nl->reply_arg = arg;
	nl->reply_ends = !(nlh->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP));

	/* send(): the socket's default destination is the kernel, and
	 * without an address the kernel has none to copy in and check.
	 */
	if (send(nl_socket_get_fd(nl->sk), nl->tx, r->len, 0) < 0)
		nl->err = -errno;
	/* A SET_USER carries a password: the buffer keeps no request. */
	explicit_bzero(nl->tx, r->len);
	while (nl->err > 0) {
		/* A request's answer is awaited through signals: it ends
		 * the request, and the next one must not read it.
		 */
		ret = aqi_recv(nl->sk, nl->rx, atmqtt_answer_msg, nl, 0);
		if (ret < 0 && nl->err > 0)
			nl->err = ret;
	}
	nl->reply = NULL;
	return nl->err;
}

/*
 * A do request: MODEM, then the caller's attributes.  Every do command but
 * SET_CLIENT reaches the modem and is answered by a reply: no ack.
 */
static void req_modem(struct req *r, struct atmqtt_nl *nl, uint8_t cmd,
		      uint32_t modem)
{
	req_init(r, nl, cmd, cmd == ATMQTT_CMD_SET_CLIENT ? NLM_F_ACK : 0);
	put_u32(r, ATMQTT_A_MODEM, modem);
}

static void req_client(struct req *r, struct atmqtt_nl *nl, uint8_t cmd,
		       uint32_t modem, uint8_t client)
{
	req_modem(r, nl, cmd, modem);
	put_u8(r, ATMQTT_A_CLIENT, client);
}

/* A dump, optionally restricted to one modem. */
static void req_dump(struct req *r, struct atmqtt_nl *nl, uint8_t cmd,
		     uint32_t modem)
{
	req_init(r, nl, cmd, NLM_F_DUMP);
	if (modem)
		put_u32(r, ATMQTT_A_MODEM, modem);
}

/* The reply of a request that returns one u8 attribute. */
struct u8_reply {
	int type;
	int value;		/* -1 until seen */
};

static void reply_u8(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct u8_reply *u = arg;

	(void)nlh;
	if (tb[u->type])
		u->value = nla_get_u8(tb[u->type]);
}

static int req_send_u8(struct req *r, int type)
{
	struct u8_reply u = { .type = type, .value = -1 };
	int err = req_send(r, reply_u8, &u);

	if (err)
		return err;
	return u.value < 0 ? -EPROTO : u.value;
}

/* The top-level attributes of one type in a reply, in order (LINE and
 * ENTRY repeat, so aqi_genl_parse() would keep only the last one).
 */
#define for_each_reply_attr(pos, nlh, type, rem)			\
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),	\
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)	\
		if (nla_type(pos) == (type))

/* ---- modems ---- */

struct modem_ctx {
	atmqtt_modem_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_modem(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct modem_ctx *ctx = arg;
	struct atmqtt_modem_info m;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM])
		return;
	memset(&m, 0, sizeof(m));
	m.handle = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_TTY])
		aqi_nla_strcpy(m.tty, sizeof(m.tty), tb[ATMQTT_A_TTY]);
	if (tb[ATMQTT_A_MODEM_STATE])
		m.state = nla_get_u8(tb[ATMQTT_A_MODEM_STATE]);
	if (tb[ATMQTT_A_MODE])
		m.mode = nla_get_u8(tb[ATMQTT_A_MODE]);
	if (tb[ATMQTT_A_RX_SEQ])
		m.rx_seq = nla_get_u64(tb[ATMQTT_A_RX_SEQ]);
	if (tb[ATMQTT_A_RX_DROPS])
		m.rx_drops = nla_get_u64(tb[ATMQTT_A_RX_DROPS]);
	if (tb[ATMQTT_A_RX_STRAY])
		m.rx_stray = nla_get_u64(tb[ATMQTT_A_RX_STRAY]);
	if (tb[ATMQTT_A_RX_MALFORMED])
		m.rx_malformed = nla_get_u64(tb[ATMQTT_A_RX_MALFORMED]);
	if (tb[ATMQTT_A_RX_OVERFLOWS])
		m.rx_overflows = nla_get_u64(tb[ATMQTT_A_RX_OVERFLOWS]);
	if (tb[ATMQTT_A_MEM_BYTES])
		m.mem_bytes = nla_get_u32(tb[ATMQTT_A_MEM_BYTES]);
	if (tb[ATMQTT_A_RESYNCS])
		m.resyncs = nla_get_u64(tb[ATMQTT_A_RESYNCS]);
	if (tb[ATMQTT_A_TTY_DEV])
		m.tty_dev = nla_get_u32(tb[ATMQTT_A_TTY_DEV]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&m, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg)
{
	struct modem_ctx ctx = { .cb = cb, .arg = arg };
	struct req r;
	int err;

	req_dump(&r, nl, ATMQTT_CMD_GET_MODEM, handle);
	err = req_send(&r, reply_modem, &ctx);
	return err < 0 ? err : ctx.count;
}

/*
 * The kernel's name of the tty at path: "/dev/pts/3" is "pts3" (the path
 * under /dev without its slashes), a node elsewhere its last component.
 */
static void atmqtt_tty_kname(const char *path, char *out, size_t n)
{
	const char *slash;
	size_t j = 0;

	if (!strncmp(path, "/dev/", 5))
		path += 5;
	else if (path[0] == '/' && (slash = strrchr(path, '/')))
		path = slash + 1;
	for (; *path && j + 1 < n; path++)
		if (*path != '/')
			out[j++] = *path;
	out[j] = '\0';
}

struct find_ctx {
	char want[64];		/* the kernel's name of the tty */
	int has_dev;
	unsigned int major, minor;
	uint32_t handle;
	int found;
};

/*
 * What identifies the tty the caller named: its device number, when tty
 * leads (links resolved) to a character device, and its kernel name.  A
 * path is taken as it is; a bare name ("ttyUSB2", "pts/3") is under /dev.
 */
static void atmqtt_tty_identify(const char *tty, struct find_ctx *f)
{
	char path[PATH_MAX], *real = NULL;
	struct stat st;

	if (tty[0] == '/' || !strncmp(tty, "./", 2) || !strncmp(tty, "../", 3))
		snprintf(path, sizeof(path), "%s", tty);
	else
		snprintf(path, sizeof(path), "/dev/%s", tty);
	real = realpath(path, NULL);
	if (real && !stat(real, &st) && S_ISCHR(st.st_mode)) {
		f->has_dev = 1;
		f->major = major(st.st_rdev);
		f->minor = minor(st.st_rdev);
	}
	atmqtt_tty_kname(real ? real : tty, f->want, sizeof(f->want));
	free(real);
}

static int find_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct find_ctx *f = arg;
	char have[64];
	int same;

	if (m->state == ATMQTT_MODEM_DEAD)
		return 0;
	if (f->has_dev && m->tty_dev) {
		same = ATMQTT_TTY_MAJOR(m->tty_dev) == f->major &&
		       ATMQTT_TTY_MINOR(m->tty_dev) == f->minor;
	} else {
		atmqtt_tty_kname(m->tty, have, sizeof(have));
		same = !strcmp(have, f->want);
	}
	if (!same)
		return 0;
	f->handle = m->handle;
	f->found = 1;
	return 1;
}

int atmqtt_modem_find(struct atmqtt_nl *nl, const char *tty, uint32_t *handle)
{
	struct find_ctx f = { .found = 0 };
	int err;

	atmqtt_tty_identify(tty, &f);
	err = atmqtt_modem_list(nl, 0, find_cb, &f);
	if (err < 0)
		return err;
	if (!f.found)
		return -ENODEV;
	*handle = f.handle;
	return 0;
}

/* ---- AT+MQTTUSER, AT+MQTTWILL, AT+MQTTCONF ---- */

int atmqtt_user_set(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		    const char *username, const char *password,
		    const char *client_id)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_SET_USER, modem, client);
	if (username)
		put_str(&r, ATMQTT_A_USERNAME, username);
	if (password)
		put_str(&r, ATMQTT_A_PASSWORD, password);
	if (client_id)
		put_str(&r, ATMQTT_A_CLIENT_ID, client_id);
	return req_send(&r, NULL, NULL);
}

struct user_ctx {
	struct atmqtt_user *out;
	int count;
};

static void reply_user(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct user_ctx *ctx = arg;
	struct nlattr *e, *etb[ATMQTT_A_MAX + 1];
	struct atmqtt_user *u;
	int rem;

	(void)tb;
	for_each_reply_attr(e, nlh, ATMQTT_A_ENTRY, rem) {
		if (ctx->count >= ATMQTT_CLIENT_MAX)
			break;
		if (aqi_parse(etb, nla_data(e), nla_len(e)) ||
		    !etb[ATMQTT_A_CLIENT])
			continue;
		u = &ctx->out[ctx->count++];
		memset(u, 0, sizeof(*u));
		u->client = nla_get_u8(etb[ATMQTT_A_CLIENT]);
		if (etb[ATMQTT_A_USERNAME])
			aqi_nla_strcpy(u->username, sizeof(u->username),
					  etb[ATMQTT_A_USERNAME]);
		if (etb[ATMQTT_A_PASSWORD]) {
			aqi_nla_strcpy(u->password, sizeof(u->password),
					  etb[ATMQTT_A_PASSWORD]);
			u->has_password = 1;
		}
		if (etb[ATMQTT_A_CLIENT_ID]) {
			aqi_nla_strcpy(u->client_id, sizeof(u->client_id),
					  etb[ATMQTT_A_CLIENT_ID]);
			u->has_client_id = 1;
		}
	}
}

int atmqtt_user_get(struct atmqtt_nl *nl, uint32_t modem,
		    struct atmqtt_user out[ATMQTT_CLIENT_MAX])
{
	struct user_ctx ctx = { .out = out };
	struct req r;
	int err;

	req_modem(&r, nl, ATMQTT_CMD_GET_USER, modem);
	err = req_send(&r, reply_user, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_will_set(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		    const char *topic, int qos, int retain,
		    const char *payload)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_SET_WILL, modem, client);
	put_str(&r, ATMQTT_A_TOPIC, topic);
	put_u8(&r, ATMQTT_A_QOS, qos);
	put_u8(&r, ATMQTT_A_RETAIN, retain);
	/* Binary attribute: the bytes, without a terminating NUL. */
	if (payload)
		put_bin(&r, ATMQTT_A_PAYLOAD, payload, strlen(payload));
	return req_send(&r, NULL, NULL);
}

struct will_ctx {
	struct atmqtt_will *out;
	int count;
};

static void reply_will(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct will_ctx *ctx = arg;
	struct nlattr *e, *etb[ATMQTT_A_MAX + 1];
	struct atmqtt_will *w;
	size_t len;
	int rem;

	(void)tb;
	for_each_reply_attr(e, nlh, ATMQTT_A_ENTRY, rem) {
		if (ctx->count >= ATMQTT_CLIENT_MAX)
			break;
		if (aqi_parse(etb, nla_data(e), nla_len(e)) ||
		    !etb[ATMQTT_A_CLIENT])
			continue;
		w = &ctx->out[ctx->count++];
		memset(w, 0, sizeof(*w));
		w->client = nla_get_u8(etb[ATMQTT_A_CLIENT]);
		if (etb[ATMQTT_A_TOPIC])
			aqi_nla_strcpy(w->topic, sizeof(w->topic),
					  etb[ATMQTT_A_TOPIC]);
		if (etb[ATMQTT_A_QOS])
			w->qos = nla_get_u8(etb[ATMQTT_A_QOS]);
		if (etb[ATMQTT_A_RETAIN])
			w->retain = nla_get_u8(etb[ATMQTT_A_RETAIN]);
		if (etb[ATMQTT_A_PAYLOAD]) {
			len = nla_len(etb[ATMQTT_A_PAYLOAD]);
			if (len > ATMQTT_PAYLOAD_MAX)
				len = ATMQTT_PAYLOAD_MAX;
			memcpy(w->payload, nla_data(etb[ATMQTT_A_PAYLOAD]),
			       len);
			w->payload[len] = '\0';
			w->has_payload = 1;
		}
	}
}

int atmqtt_will_get(struct atmqtt_nl *nl, uint32_t modem,
		    struct atmqtt_will out[ATMQTT_CLIENT_MAX])
{
	struct will_ctx ctx = { .out = out };
	struct req r;
	int err;

	req_modem(&r, nl, ATMQTT_CMD_GET_WILL, modem);
	err = req_send(&r, reply_will, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_conf_set(struct atmqtt_nl *nl, uint32_t modem, int mode)
{
	struct req r;

	req_modem(&r, nl, ATMQTT_CMD_SET_CONF, modem);
	put_u8(&r, ATMQTT_A_MODE, mode);
	return req_send(&r, NULL, NULL);
}

int atmqtt_conf_get(struct atmqtt_nl *nl, uint32_t modem)
{
	struct req r;

	req_modem(&r, nl, ATMQTT_CMD_GET_CONF, modem);
	return req_send_u8(&r, ATMQTT_A_MODE);
}

int atmqtt_openable(struct atmqtt_nl *nl, uint32_t modem)
{
	struct req r;

	req_modem(&r, nl, ATMQTT_CMD_GET_OPENABLE, modem);
	return req_send_u8(&r, ATMQTT_A_CLIENTS);
}

int atmqtt_closable(struct atmqtt_nl *nl, uint32_t modem)
{
	struct req r;

	req_modem(&r, nl, ATMQTT_CMD_GET_CLOSABLE, modem);
	return req_send_u8(&r, ATMQTT_A_CLIENTS);
}

/* ---- client operations ---- */

int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *host, uint32_t port, int clean,
		       int keepalive)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_OPEN, modem, client);
	put_str(&r, ATMQTT_A_HOST, host);
	put_u32(&r, ATMQTT_A_PORT, port);
	if (clean >= 0)
		put_u8(&r, ATMQTT_A_CLEAN, clean);
	if (keepalive)
		put_u16(&r, ATMQTT_A_KEEPALIVE, keepalive);
	return req_send(&r, NULL, NULL);
}

int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint8_t client)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_CLOSE, modem, client);
	return req_send(&r, NULL, NULL);
}

int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		     const char *topic, int qos)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_SUBSCRIBE, modem, client);
	put_str(&r, ATMQTT_A_TOPIC, topic);
	put_u8(&r, ATMQTT_A_QOS, qos);
	return req_send(&r, NULL, NULL);
}

int atmqtt_unsubscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *topic)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_UNSUBSCRIBE, modem, client);
	put_str(&r, ATMQTT_A_TOPIC, topic);
	return req_send(&r, NULL, NULL);
}

int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		   const char *topic, int qos, int retain,
		   const void *payload, size_t len, unsigned int flags,
		   int *used_datasize)
{
	struct u8_reply u = { .type = ATMQTT_A_DATASIZE, .value = -1 };
	struct req r;
	int err;

	req_client(&r, nl, ATMQTT_CMD_PUBLISH, modem, client);
	put_str(&r, ATMQTT_A_TOPIC, topic);
	/* QoS 0 and no retain, the common publish, are the defaults */
	put_u8_opt(&r, ATMQTT_A_QOS, qos, 0);
	put_u8_opt(&r, ATMQTT_A_RETAIN, retain, 0);
	/* Binary, any bytes; no attribute is the empty payload. */
	if (len)
		put_bin(&r, ATMQTT_A_PAYLOAD, payload, len);
	if (flags & ~ATMQTT_PUB_DATASIZE)
		req_refuse(&r, ATMQTT_A_DATASIZE, -EINVAL, "unknown flags");
	if (flags & ATMQTT_PUB_DATASIZE)
		put_u8(&r, ATMQTT_A_DATASIZE, 1);
	err = req_send(&r, reply_u8, &u);
	if (!err && used_datasize)
		*used_datasize = u.value > 0;
	return err;
}

struct read_ctx {
	struct atmqtt_message *msg;
	int status;		/* -1 until seen */
};

static void reply_read(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct read_ctx *ctx = arg;
	struct atmqtt_message *m = ctx->msg;
	size_t len;

	(void)nlh;
	if (!tb[ATMQTT_A_STATUS])
		return;
	ctx->status = nla_get_u8(tb[ATMQTT_A_STATUS]);
	if (!ctx->status)
		return;
	if (tb[ATMQTT_A_MODEM])
		m->modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_CLIENT])
		m->client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_QOS])
		m->qos = nla_get_u8(tb[ATMQTT_A_QOS]);
	if (tb[ATMQTT_A_RX_SEQ])
		m->seq = nla_get_u64(tb[ATMQTT_A_RX_SEQ]);
	if (tb[ATMQTT_A_TOPIC])
		aqi_nla_strcpy(m->topic, sizeof(m->topic),
				  tb[ATMQTT_A_TOPIC]);
	if (tb[ATMQTT_A_PAYLOAD]) {
		len = nla_len(tb[ATMQTT_A_PAYLOAD]);
		if (len > sizeof(m->payload))
			len = sizeof(m->payload);
		memcpy(m->payload, nla_data(tb[ATMQTT_A_PAYLOAD]), len);
		m->payload_len = len;
	}
}

int atmqtt_read(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		struct atmqtt_message *msg)
{
	struct read_ctx ctx = { .msg = msg, .status = -1 };
	struct req r;
	int err;

	memset(msg, 0, sizeof(*msg));
	msg->modem = modem;
	msg->client = client;
	req_client(&r, nl, ATMQTT_CMD_READ, modem, client);
	err = req_send(&r, reply_read, &ctx);
	if (err)
		return err;
	if (ctx.status < 0)
		return -EPROTO;
	return ctx.status ? 1 : 0;
}

/* ---- AT+MQTT<X>=? and raw lines ---- */

struct test_ctx {
	char *line;
	size_t size;
	int seen;
};

static void reply_test(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct test_ctx *ctx = arg;

	(void)nlh;
	if (!tb[ATMQTT_A_LINE])
		return;
	aqi_nla_strcpy(ctx->line, ctx->size, tb[ATMQTT_A_LINE]);
	ctx->seen = 1;
}

int atmqtt_test(struct atmqtt_nl *nl, uint32_t modem, int at, char *line,
		size_t size)
{
	struct test_ctx ctx = { .line = line, .size = size };
	struct req r;
	int err;

	if (size)
		line[0] = '\0';
	req_modem(&r, nl, ATMQTT_CMD_TEST, modem);
	put_u8(&r, ATMQTT_A_AT_CMD, at);
	err = req_send(&r, reply_test, &ctx);
	if (err)
		return err;
	return ctx.seen ? 0 : -EPROTO;
}

struct raw_ctx {
	struct atmqtt_raw_reply *out;
	size_t used;		/* bytes of out->lines */
	int seen;		/* FINAL */
};

static void reply_raw(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct raw_ctx *ctx = arg;
	struct atmqtt_raw_reply *out = ctx->out;
	const char *data, *nul;
	struct nlattr *a;
	size_t n, room;
	int rem;

	for_each_reply_attr(a, nlh, ATMQTT_A_LINE, rem) {
		data = nla_data(a);
		n = nla_len(a);
		nul = memchr(data, '\0', n);
		if (nul)
			n = nul - data;
		/* room for the text and its '\n', keeping the final NUL */
		room = sizeof(out->lines) - 1 - ctx->used;
		if (n + 1 > room) {
			out->truncated = 1;
			if (!room)
				continue;
			n = room - 1;
		}
		memcpy(out->lines + ctx->used, data, n);
		ctx->used += n;
		out->lines[ctx->used++] = '\n';
		out->lines[ctx->used] = '\0';
		out->nlines++;
	}
	if (tb[ATMQTT_A_FINAL]) {
		aqi_nla_strcpy(out->final, sizeof(out->final),
				  tb[ATMQTT_A_FINAL]);
		ctx->seen = 1;
	}
	if (tb[ATMQTT_A_TRUNCATED] && nla_get_u8(tb[ATMQTT_A_TRUNCATED]))
		out->truncated = 1;
}

int atmqtt_raw(struct atmqtt_nl *nl, uint32_t modem, const char *line,
	       uint32_t timeout_ms, struct atmqtt_raw_reply *reply)
{
	struct raw_ctx ctx = { .out = reply };
	struct req r;
	int err;

	memset(reply, 0, sizeof(*reply));
	req_modem(&r, nl, ATMQTT_CMD_RAW, modem);
	put_str(&r, ATMQTT_A_LINE, line);
	if (timeout_ms)
		put_u32(&r, ATMQTT_A_TIMEOUT_MS, timeout_ms);
	err = req_send(&r, reply_raw, &ctx);
	if (err)
		return err;
	return ctx.seen ? 0 : -EPROTO;
}

/* ---- the kernel's view: clients, reconnect policy, subscriptions ---- */

struct client_ctx {
	atmqtt_client_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_client(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct client_ctx *ctx = arg;
	struct atmqtt_client_info c;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM] || !tb[ATMQTT_A_CLIENT])
		return;
	memset(&c, 0, sizeof(c));
	c.modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	c.client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_CLIENT_STATE])
		c.state = nla_get_u8(tb[ATMQTT_A_CLIENT_STATE]);
	if (tb[ATMQTT_A_SUB_COUNT])
		c.sub_count = nla_get_u32(tb[ATMQTT_A_SUB_COUNT]);
	if (tb[ATMQTT_A_RECONNECT])
		c.reconnect = nla_get_u8(tb[ATMQTT_A_RECONNECT]);
	if (tb[ATMQTT_A_RECONNECT_MIN_MS])
		c.reconnect_min_ms = nla_get_u32(tb[ATMQTT_A_RECONNECT_MIN_MS]);
	if (tb[ATMQTT_A_RECONNECT_MAX_MS])
		c.reconnect_max_ms = nla_get_u32(tb[ATMQTT_A_RECONNECT_MAX_MS]);
	if (tb[ATMQTT_A_HOST]) {
		c.has_params = 1;
		aqi_nla_strcpy(c.host, sizeof(c.host), tb[ATMQTT_A_HOST]);
	}
	if (tb[ATMQTT_A_PORT])
		c.port = aqi_nla_uint(tb[ATMQTT_A_PORT]);
	if (tb[ATMQTT_A_CLEAN])
		c.clean = nla_get_u8(tb[ATMQTT_A_CLEAN]);
	if (tb[ATMQTT_A_KEEPALIVE])
		c.keepalive = nla_get_u16(tb[ATMQTT_A_KEEPALIVE]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&c, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_client_list(struct atmqtt_nl *nl, uint32_t modem,
		       atmqtt_client_cb cb, void *arg)
{
	struct client_ctx ctx = { .cb = cb, .arg = arg };
	struct req r;
	int err;

	req_dump(&r, nl, ATMQTT_CMD_GET_CLIENT, modem);
	err = req_send(&r, reply_client, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_client_policy(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
			 int reconnect, uint32_t min_ms, uint32_t max_ms)
{
	struct req r;

	req_client(&r, nl, ATMQTT_CMD_SET_CLIENT, modem, client);
	if (reconnect >= 0)
		put_u8(&r, ATMQTT_A_RECONNECT, reconnect);
	if (min_ms)
		put_u32(&r, ATMQTT_A_RECONNECT_MIN_MS, min_ms);
	if (max_ms)
		put_u32(&r, ATMQTT_A_RECONNECT_MAX_MS, max_ms);
	return req_send(&r, NULL, NULL);
}

struct sub_ctx {
	atmqtt_sub_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_sub(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct sub_ctx *ctx = arg;
	struct atmqtt_sub_info s;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM] || !tb[ATMQTT_A_TOPIC])
		return;
	memset(&s, 0, sizeof(s));
	s.modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_CLIENT])
		s.client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_QOS])
		s.qos = nla_get_u8(tb[ATMQTT_A_QOS]);
	aqi_nla_strcpy(s.topic, sizeof(s.topic), tb[ATMQTT_A_TOPIC]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&s, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_sub_list(struct atmqtt_nl *nl, uint32_t modem, atmqtt_sub_cb cb,
		    void *arg)
{
	struct sub_ctx ctx = { .cb = cb, .arg = arg };
	struct req r;
	int err;

	req_dump(&r, nl, ATMQTT_CMD_GET_SUB, modem);
	err = req_send(&r, reply_sub, &ctx);
	return err < 0 ? err : ctx.count;
}
