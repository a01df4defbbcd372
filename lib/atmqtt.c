// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: requests to the atmqtt generic netlink family (version 2) over
 * libnl-genl-3.
 *
 * A request is built with aqi_req_init(), the put helpers and one level of
 * nests (aqi_nest_start()/aqi_nest_end()), which keep the first failure
 * (so a request function is a straight list of puts), then sent by
 * aqi_req_send().  It is written straight into the handle's buffer and
 * sent with send(); the answer is read into the handle's receive buffer
 * (aqi_recv()): no message object, no allocation per request.
 * aqi_req_send() waits for the kernel's answer:
 *   - the reply messages of the request's command (genlmsghdr version
 *     ATMQTT_GENL_VERSION, else the request fails with -EPROTO): a reply
 *     carrying ATMQTT_A_ERROR records the modem's error, any other one
 *     goes to the request's parser;
 *   - then the ack (or NLMSG_DONE for a dump), whose error is the result
 *     and whose extended ack TLVs give atmqtt_ext_error() and
 *     atmqtt_ext_error_attr().
 * A request that reaches the modem is sent without NLM_F_ACK: the kernel
 * answers its success with a reply of the request's command (see the UAPI
 * header), which then ends it, and an error with an NLMSG_ERROR all the
 * same.  That spares an ack message and a system call per request.
 * Messages of an earlier request (another sequence number) are skipped.
 *
 * Ranges are the kernel's business.  A value outside a range of the
 * family's policy is refused by the netlink core (-ERANGE) with the
 * attribute's offset and its policy, from which atmqtt_ext_error() is
 * composed ("ATMQTT_A_MSG_QOS: must be 0-2"): the offset is looked up in
 * the attributes of the request sent (the handle records each one's
 * offset and nest as it is put), which names it by its enum name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/*
 * The request buffer starts this big and grows when an attribute needs it:
 * requests are mostly a few dozen bytes.
 */
#define REQ_MSG_SIZE	256

struct atmqtt_nl {
	struct nl_sock *sk;
	int family;
	/* the request in flight */
	int err;		/* 1 while waiting, then the result */
	int bad_version;	/* a reply of another family version */
	uint32_t seq;
	bool reply_ends;	/* no NLM_F_ACK: a success reply is the last */
	aqi_reply_fn reply;
	void *reply_arg;
	struct aqi_rec rec[AQI_REC_MAX];
	unsigned int nrec;
	unsigned char *tx;	/* the request being built */
	size_t tx_size;
	void *rx;		/* AQI_MSG_BUF bytes: the answer's datagram */
	struct aqi_arena arena;
	/* the outcome of the last request */
	const char *bad_attr;
	uint32_t modem_err;
	int modem_err_kind;
	char modem_err_text[128];
	char ext_msg[256];
};

struct aqi_arena *aqi_nl_arena(struct atmqtt_nl *nl)
{
	return &nl->arena;
}

struct atmqtt_nl *atmqtt_nl_open(void)
{
	struct atmqtt_nl *nl = calloc(1, sizeof(*nl));
	int e;

	if (!nl)
		return NULL;
	nl->tx_size = REQ_MSG_SIZE;
	nl->tx = malloc(nl->tx_size);
	nl->rx = malloc(AQI_MSG_BUF);
	nl->arena.buf = malloc(AQI_MSG_BUF);
	if (!nl->tx || !nl->rx || !nl->arena.buf) {
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
	free(nl->arena.buf);
	free(nl);
}

const char *atmqtt_ext_error(const struct atmqtt_nl *nl)
{
	return nl->ext_msg;
}

const char *atmqtt_ext_error_attr(const struct atmqtt_nl *nl)
{
	return nl->bad_attr;
}

uint32_t atmqtt_modem_error(const struct atmqtt_nl *nl)
{
	return nl->modem_err;
}

int atmqtt_modem_error_kind(const struct atmqtt_nl *nl)
{
	return nl->modem_err_kind;
}

const char *atmqtt_modem_error_text(const struct atmqtt_nl *nl)
{
	return nl->modem_err_text;
}

/* ---- the answer ---- */

/* The recorded attribute of the request at offset off, or NULL. */
static const struct aqi_rec *rec_at(const struct atmqtt_nl *nl, uint32_t off)
{
	unsigned int i;

	for (i = 0; i < nl->nrec; i++)
		if (nl->rec[i].off == off)
			return &nl->rec[i];
	return NULL;
}

/*
 * The rule a value was refused by in the netlink core: the attribute's
 * policy (NLMSGERR_ATTR_POLICY, the form of a policy dump) with its
 * bounds, put in the message with the attribute's name as the kernel's own
 * messages have it ("ATMQTT_A_MSG_QOS: must be 0-2"); the core's own text
 * ("integer out of range") names neither.
 */
static void atmqtt_policy_msg(struct atmqtt_nl *nl, struct nlattr *pol)
{
	static struct nla_policy p[NL_POLICY_TYPE_ATTR_MAX + 1] = {
		[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]	= { .type = NLA_U64 },
		[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]	= { .type = NLA_U64 },
		[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]	= { .type = NLA_U64 },
		[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]	= { .type = NLA_U64 },
		[NL_POLICY_TYPE_ATTR_MIN_LENGTH]	= { .type = NLA_U32 },
		[NL_POLICY_TYPE_ATTR_MAX_LENGTH]	= { .type = NLA_U32 },
	};
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];
	unsigned long long lo, hi;
	char rule[64];

	if (!nl->bad_attr ||
	    nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, pol, p))
		return;
#define T(x)	tb[NL_POLICY_TYPE_ATTR_##x]
	if (T(MIN_VALUE_U) && T(MAX_VALUE_U)) {
		lo = nla_get_u64(T(MIN_VALUE_U));
		hi = nla_get_u64(T(MAX_VALUE_U));
		snprintf(rule, sizeof(rule), "must be %llu-%llu", lo, hi);
	} else if (T(MIN_VALUE_S) && T(MAX_VALUE_S)) {
		snprintf(rule, sizeof(rule), "must be %lld-%lld",
			 (long long)nla_get_u64(T(MIN_VALUE_S)),
			 (long long)nla_get_u64(T(MAX_VALUE_S)));
	} else if (T(MAX_LENGTH)) {
		lo = T(MIN_LENGTH) ? nla_get_u32(T(MIN_LENGTH)) : 0;
		hi = nla_get_u32(T(MAX_LENGTH));
		if (lo)
			snprintf(rule, sizeof(rule), "must be %llu-%llu bytes",
				 lo, hi);
		else
			snprintf(rule, sizeof(rule),
				 "must be at most %llu bytes", hi);
	} else if (T(MIN_LENGTH)) {
		snprintf(rule, sizeof(rule), "must be at least %u bytes",
			 nla_get_u32(T(MIN_LENGTH)));
	} else {
		return;
	}
#undef T
	snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s: %s", nl->bad_attr,
		 rule);
}

/* Extended ack TLVs (of an NLMSG_ERROR or an NLMSG_DONE). */
static void atmqtt_parse_tlvs(struct atmqtt_nl *nl, void *data, int len)
{
	static struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_OFFS]		= { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_TYPE]	= { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_NEST]	= { .type = NLA_U32 },
		[NLMSGERR_ATTR_POLICY]		= { .type = NLA_NESTED },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const struct aqi_rec *rec;
	int nest = 0;

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, data, len, pol))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%.*s",
			 (int)aqi_strlen(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		rec = rec_at(nl, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
		if (rec)
			nl->bad_attr = aqi_attr_name(rec->nest, rec->type);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] && !nl->bad_attr) {
		if (tb[NLMSGERR_ATTR_MISS_NEST]) {
			rec = rec_at(nl,
				     nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]));
			/* a nest the request has; else an unknown space */
			nest = rec && !rec->nest ? rec->type : -1;
		}
		if (nest >= 0)
			nl->bad_attr = aqi_attr_name(nest,
				nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
		if (nl->bad_attr && !nl->ext_msg[0])
			snprintf(nl->ext_msg, sizeof(nl->ext_msg),
				 "%s: required", nl->bad_attr);
	}
	if (tb[NLMSGERR_ATTR_POLICY] && tb[NLMSGERR_ATTR_OFFS])
		atmqtt_policy_msg(nl, tb[NLMSGERR_ATTR_POLICY]);
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
	if (!nl->err && nl->bad_version)
		nl->err = -EPROTO;
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
	if (!nl->err && nl->bad_version)
		nl->err = -EPROTO;
}

/* A message of the request's command: a reply, or a dump's entry. */
static void atmqtt_family_msg(struct atmqtt_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *tb[ATMQTT_A_MAX + 1], *etb[ATMQTT_A_ERROR_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (aqi_genl_parse(tb, nlh))
		return;
	if (g->version != ATMQTT_GENL_VERSION) {
		/* Not read: its layout is another version's. */
		nl->bad_version = 1;
		if (nl->reply_ends)
			nl->err = -EPROTO;
		return;
	}
	if (tb[ATMQTT_A_ERROR]) {
		/* The error ack follows. */
		if (!aqi_parse_nest(etb, &aqi_pol_error, tb[ATMQTT_A_ERROR])) {
			if (etb[ATMQTT_A_ERROR_CODE])
				nl->modem_err =
					nla_get_u32(etb[ATMQTT_A_ERROR_CODE]);
			if (etb[ATMQTT_A_ERROR_KIND])
				nl->modem_err_kind =
					nla_get_u32(etb[ATMQTT_A_ERROR_KIND]);
			if (etb[ATMQTT_A_ERROR_TEXT])
				snprintf(nl->modem_err_text,
					 sizeof(nl->modem_err_text), "%.*s",
					 (int)strnlen(nla_data(etb[ATMQTT_A_ERROR_TEXT]),
						      nla_len(etb[ATMQTT_A_ERROR_TEXT])),
					 (const char *)nla_data(etb[ATMQTT_A_ERROR_TEXT]));
		}
		return;
	}
	nl->arena.used = 0;
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
		if (nlh->nlmsg_type == nl->family)
			atmqtt_family_msg(nl, nlh);
		break;
	}
	return nl->err <= 0;
}

/* ---- the request ---- */

int aqi_req_refuse(struct aqi_req *r, int type, int err, const char *why)
{
	struct atmqtt_nl *nl = r->nl;
	const char *name;

	if (r->err)
		return r->err;
	name = aqi_attr_name(r->nest_off ? r->nest_type : 0, type);
	snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s: %s",
		 name ? name : "attribute", why);
	nl->bad_attr = name;
	r->err = err;
	return err;
}

void aqi_req_init(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		  int flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->tx;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	r->nl = nl;
	r->err = 0;
	r->nest_off = 0;
	r->nest_type = 0;
	nl->nrec = 0;
	nl->ext_msg[0] = '\0';
	nl->bad_attr = NULL;
	nl->bad_version = 0;
	nl->modem_err = 0;
	nl->modem_err_kind = 0;
	nl->modem_err_text[0] = '\0';
	/* Acks only when asked for (NLM_F_ACK); seq and port at sending. */
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g->cmd = cmd;
	g->version = ATMQTT_GENL_VERSION;
	g->reserved = 0;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Room for total more bytes of request. */
static int req_room(struct aqi_req *r, size_t total)
{
	struct atmqtt_nl *nl = r->nl;
	unsigned char *p;

	if (r->len + total <= nl->tx_size)
		return 0;
	p = realloc(nl->tx, r->len + total + REQ_MSG_SIZE);
	if (!p) {
		r->err = -ENOMEM;
		return -ENOMEM;
	}
	nl->tx = p;
	nl->tx_size = r->len + total + REQ_MSG_SIZE;
	return 0;
}

/* Remembers where an attribute starts, to map the ack's offset back. */
static void req_record(struct aqi_req *r, int type)
{
	struct atmqtt_nl *nl = r->nl;
	struct aqi_rec *rec;

	if (nl->nrec >= AQI_REC_MAX)
		return;
	rec = &nl->rec[nl->nrec++];
	rec->off = r->len;
	rec->type = type;
	rec->nest = r->nest_off ? r->nest_type : 0;
}

/* Appends an attribute of len bytes (and its padding, zeroed). */
void aqi_req_put(struct aqi_req *r, int type, const void *data, size_t len)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;
	unsigned char *p;
	size_t i;

	if (r->err)
		return;
	if (NLA_HDRLEN + len > UINT16_MAX) {
		aqi_req_refuse(r, type, -EMSGSIZE,
			       "longer than an attribute can be");
		return;
	}
	if (req_room(r, total))
		return;
	a = (struct nlattr *)(r->nl->tx + r->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	p = (unsigned char *)a + NLA_HDRLEN;
	if (len)
		memcpy(p, data, len);
	for (i = len; i < total - NLA_HDRLEN; i++)	/* 0-3 bytes */
		p[i] = 0;
	req_record(r, type);
	r->len += total;
}

void aqi_put_u32(struct aqi_req *r, int type, uint32_t v)
{
	aqi_req_put(r, type, &v, sizeof(v));
}

void aqi_put_str(struct aqi_req *r, int type, const char *s)
{
	if (!s) {
		aqi_req_refuse(r, type, -EINVAL, "required");
		return;
	}
	aqi_req_put(r, type, s, strlen(s) + 1);
}

void aqi_put_bin(struct aqi_req *r, int type, const void *data, size_t len)
{
	if (len && !data) {
		aqi_req_refuse(r, type, -EINVAL, "required");
		return;
	}
	aqi_req_put(r, type, data, len);
}

void aqi_nest_start(struct aqi_req *r, int type)
{
	struct nlattr *a;

	if (r->err || req_room(r, NLA_HDRLEN))
		return;
	a = (struct nlattr *)(r->nl->tx + r->len);
	a->nla_type = type | NLA_F_NESTED;
	a->nla_len = NLA_HDRLEN;
	req_record(r, type);
	r->nest_off = r->len;
	r->nest_type = type;
	r->len += NLA_HDRLEN;
}

/* Closes the open nest; an empty one is taken back. */
void aqi_nest_end(struct aqi_req *r)
{
	struct nlattr *a;
	size_t len;
	int type = r->nest_type;

	if (!r->nest_off)
		return;
	a = (struct nlattr *)(r->nl->tx + r->nest_off);
	len = r->len - r->nest_off;
	if (len == NLA_HDRLEN && !r->err) {
		/* Nothing in it (every member the kernel's default): left
		 * out, as its record.
		 */
		r->len = r->nest_off;
		r->nl->nrec--;
	}
	r->nest_off = 0;
	r->nest_type = 0;
	if (r->err || len == NLA_HDRLEN)
		return;
	if (len > UINT16_MAX) {
		aqi_req_refuse(r, type, -EMSGSIZE,
			       "longer than an attribute can be");
		return;
	}
	a->nla_len = len;
}

int aqi_req_send(struct aqi_req *r, aqi_reply_fn reply, void *arg)
{
	struct atmqtt_nl *nl = r->nl;
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->tx;
	int ret;

	aqi_nest_end(r);
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
 * A do request: MODEM_ID, then the caller's attributes.  Every do command
 * but GET_MODEM and SET_CLIENT reaches the modem and is answered by a
 * reply: no ack.
 */
void aqi_req_modem(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		   uint32_t modem)
{
	aqi_req_init(r, nl, cmd, cmd == ATMQTT_CMD_SET_CLIENT ||
		     cmd == ATMQTT_CMD_GET_MODEM ? NLM_F_ACK : 0);
	aqi_put_u32(r, ATMQTT_A_MODEM_ID, modem);
}

void aqi_req_client(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		    uint32_t modem, uint32_t client)
{
	aqi_req_modem(r, nl, cmd, modem);
	aqi_put_u32(r, ATMQTT_A_CLIENT_ID, client);
}

/* A dump, optionally restricted to one modem. */
void aqi_req_dump(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		  uint32_t modem)
{
	aqi_req_init(r, nl, cmd, NLM_F_DUMP);
	if (modem)
		aqi_put_u32(r, ATMQTT_A_MODEM_ID, modem);
}
