// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the atmqtt generic netlink family over libnl-genl-3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "atmqtt.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct atmqtt_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* last ack's error, negative errno */
	int bad_attr;
	char ext_msg[256];
	/* offsets of the attributes of the request in flight */
	unsigned int attr_off[ATMQTT_A_MAX + 1];
	struct nlmsghdr *req;
};

struct atmqtt_events {
	struct nl_sock *sk;
	uint64_t overruns;
	atmqtt_event_cb cb;
	void *arg;
	int stop;
};

static struct nl_sock *atmqtt_sock(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, fam;

	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	fam = genl_ctrl_resolve(sk, ATMQTT_GENL_NAME);
	if (fam < 0) {
		nl_socket_free(sk);
		errno = ENOENT;
		return NULL;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	*family = fam;
	return sk;
}

struct atmqtt_nl *atmqtt_nl_open(void)
{
	struct atmqtt_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->sk = atmqtt_sock(&nl->family);
	if (!nl->sk) {
		int e = errno;

		free(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

void atmqtt_nl_close(struct atmqtt_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
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

/* Parse the TLVs after struct nlmsgerr (NLM_F_ACK_TLVS). */
static void atmqtt_parse_ack(struct atmqtt_nl *nl, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	unsigned int hlen = sizeof(*e);
	int off, i;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += nlmsg_datalen(&e->msg);
	if (nlmsg_datalen(nlh) < (int)hlen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + hlen),
		      nlmsg_datalen(nlh) - hlen, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		for (i = 1; i <= ATMQTT_A_MAX; i++)
			if (nl->attr_off[i] && (int)nl->attr_off[i] == off)
				nl->bad_attr = i;
	}
#ifdef NLMSGERR_ATTR_MISS_TYPE
	if (tb[NLMSGERR_ATTR_MISS_TYPE] && !nl->bad_attr)
		nl->bad_attr = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
#endif
}

static int atmqtt_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *err,
			 void *arg)
{
	struct atmqtt_nl *nl = arg;

	(void)nla;
	nl->err = err->error;
	atmqtt_parse_ack(nl, (struct nlmsghdr *)err - 1);
	return NL_STOP;
}

static int atmqtt_ack_cb(struct nl_msg *msg, void *arg)
{
	struct atmqtt_nl *nl = arg;

	nl->err = 0;
	atmqtt_parse_ack(nl, nlmsg_hdr(msg));
	return NL_STOP;
}

static int atmqtt_finish_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct atmqtt_nl *)arg)->err = 0;
	return NL_STOP;
}

struct atmqtt_req {
	struct atmqtt_nl *nl;
	struct nl_msg *msg;
};

static struct nl_msg *atmqtt_msg(struct atmqtt_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, ATMQTT_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	memset(nl->attr_off, 0, sizeof(nl->attr_off));
	nl->ext_msg[0] = '\0';
	nl->bad_attr = 0;
	return msg;
}

/* Remember where each attribute starts, to map the ack's offset back. */
static void atmqtt_mark(struct atmqtt_nl *nl, struct nl_msg *msg, int type)
{
	nl->attr_off[type] = nlmsg_hdr(msg)->nlmsg_len;
}

#define PUT(nl, msg, type, fn, ...) do {		\
	atmqtt_mark(nl, msg, type);			\
	if (fn(msg, type, __VA_ARGS__) < 0)		\
		goto nomem;				\
} while (0)

static int atmqtt_send(struct atmqtt_nl *nl, struct nl_msg *msg,
		       nl_recvmsg_msg_cb_t valid, void *arg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl->err = 1;
	nl_cb_err(cb, NL_CB_CUSTOM, atmqtt_err_cb, nl);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, atmqtt_ack_cb, nl);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, atmqtt_finish_cb, nl);
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (nl->err > 0) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && nl->err > 0) {
			nl->err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return nl->err;
}

/* ---- modems ---- */

struct atmqtt_list_ctx {
	atmqtt_modem_cb cb;
	void *arg;
	int count;
	int stop;
};

static int atmqtt_modem_parse(struct nl_msg *msg, void *arg)
{
	struct atmqtt_list_ctx *ctx = arg;
	struct nlattr *tb[ATMQTT_A_MAX + 1];
	struct atmqtt_modem_info m;

	if (ctx->stop)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ATMQTT_A_MAX, NULL))
		return NL_SKIP;
	memset(&m, 0, sizeof(m));
	if (tb[ATMQTT_A_MODEM])
		m.handle = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_TTY])
		snprintf(m.tty, sizeof(m.tty), "%s",
			 (char *)nla_data(tb[ATMQTT_A_TTY]));
	if (tb[ATMQTT_A_MODEM_STATE])
		m.state = nla_get_u8(tb[ATMQTT_A_MODEM_STATE]);
	if (tb[ATMQTT_A_RX_SEQ])
		m.rx_seq = nla_get_u64(tb[ATMQTT_A_RX_SEQ]);
	if (tb[ATMQTT_A_RX_DROPS])
		m.rx_drops = nla_get_u64(tb[ATMQTT_A_RX_DROPS]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&m, ctx->arg))
		ctx->stop = 1;
	return NL_OK;
}

int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg)
{
	struct atmqtt_list_ctx ctx = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int err;

	msg = atmqtt_msg(nl, ATMQTT_CMD_GET_MODEM, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	if (handle)
		PUT(nl, msg, ATMQTT_A_MODEM, nla_put_u32, handle);
	err = atmqtt_send(nl, msg, atmqtt_modem_parse, &ctx);
	return err < 0 ? err : ctx.count;
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

/* "/dev/pts/3", "pts/3" and the kernel's "pts3" are the same tty. */
static void atmqtt_tty_norm(const char *in, char *out, size_t n)
{
	size_t j = 0;

	if (!strncmp(in, "/dev/", 5))
		in += 5;
	for (; *in && j + 1 < n; in++)
		if (*in != '/')
			out[j++] = *in;
	out[j] = '\0';
}

struct atmqtt_find_ctx {
	char want[64];
	uint32_t handle;
	int found;
};

static int atmqtt_find_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct atmqtt_find_ctx *f = arg;
	char have[64];

	atmqtt_tty_norm(m->tty, have, sizeof(have));
	if (!strcmp(have, f->want) && m->state != ATMQTT_MODEM_DEAD) {
		f->handle = m->handle;
		f->found = 1;
		return 1;
	}
	return 0;
}

int atmqtt_modem_find(struct atmqtt_nl *nl, const char *tty, uint32_t *handle)
{
	struct atmqtt_find_ctx f = { .found = 0 };
	int err;

	atmqtt_tty_norm(tty, f.want, sizeof(f.want));
	err = atmqtt_modem_list(nl, 0, atmqtt_find_cb, &f);
	if (err < 0)
		return err;
	if (!f.found)
		return -ENODEV;
	*handle = f.handle;
	return 0;
}

/* ---- client operations ---- */

int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *host, uint16_t port, int clean,
		       int keepalive)
{
	struct nl_msg *msg = atmqtt_msg(nl, ATMQTT_CMD_OPEN, NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	PUT(nl, msg, ATMQTT_A_MODEM, nla_put_u32, modem);
	PUT(nl, msg, ATMQTT_A_CLIENT, nla_put_u8, client);
	PUT(nl, msg, ATMQTT_A_HOST, nla_put_string, host);
	PUT(nl, msg, ATMQTT_A_PORT, nla_put_u16, port);
	if (clean >= 0)
		PUT(nl, msg, ATMQTT_A_CLEAN, nla_put_u8, (uint8_t)clean);
	if (keepalive)
		PUT(nl, msg, ATMQTT_A_KEEPALIVE, nla_put_u16,
		    (uint16_t)keepalive);
	return atmqtt_send(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint8_t client)
{
	struct nl_msg *msg = atmqtt_msg(nl, ATMQTT_CMD_CLOSE, NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	PUT(nl, msg, ATMQTT_A_MODEM, nla_put_u32, modem);
	PUT(nl, msg, ATMQTT_A_CLIENT, nla_put_u8, client);
	return atmqtt_send(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		     const char *topic, int qos)
{
	struct nl_msg *msg = atmqtt_msg(nl, ATMQTT_CMD_SUBSCRIBE, NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	PUT(nl, msg, ATMQTT_A_MODEM, nla_put_u32, modem);
	PUT(nl, msg, ATMQTT_A_CLIENT, nla_put_u8, client);
	PUT(nl, msg, ATMQTT_A_TOPIC, nla_put_string, topic);
	PUT(nl, msg, ATMQTT_A_QOS, nla_put_u8, (uint8_t)qos);
	return atmqtt_send(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		   const char *topic, int qos, int retain,
		   const void *payload, size_t len)
{
	struct nl_msg *msg = atmqtt_msg(nl, ATMQTT_CMD_PUBLISH, NLM_F_ACK);

	if (!msg)
		return -ENOMEM;
	PUT(nl, msg, ATMQTT_A_MODEM, nla_put_u32, modem);
	PUT(nl, msg, ATMQTT_A_CLIENT, nla_put_u8, client);
	PUT(nl, msg, ATMQTT_A_TOPIC, nla_put_string, topic);
	PUT(nl, msg, ATMQTT_A_QOS, nla_put_u8, (uint8_t)qos);
	PUT(nl, msg, ATMQTT_A_RETAIN, nla_put_u8, (uint8_t)retain);
	PUT(nl, msg, ATMQTT_A_PAYLOAD, nla_put, (int)len, payload);
	return atmqtt_send(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

/* ---- events ---- */

struct atmqtt_events *atmqtt_events_open(void)
{
	struct atmqtt_events *ev = calloc(1, sizeof(*ev));
	int family, grp, e;

	if (!ev)
		return NULL;
	ev->sk = atmqtt_sock(&family);
	if (!ev->sk)
		goto fail;
	grp = genl_ctrl_resolve_grp(ev->sk, ATMQTT_GENL_NAME,
				    ATMQTT_MCGRP_EVENTS);
	if (grp < 0) {
		errno = ENOENT;
		goto fail_sk;
	}
	nl_socket_disable_seq_check(ev->sk);
	nl_socket_set_buffer_size(ev->sk, 4 << 20, 0);
	if (nl_socket_add_membership(ev->sk, grp)) {
		errno = EPERM;
		goto fail_sk;
	}
	return ev;
fail_sk:
	e = errno;
	nl_socket_free(ev->sk);
	errno = e;
fail:
	e = errno;
	free(ev);
	errno = e;
	return NULL;
}

void atmqtt_events_close(struct atmqtt_events *ev)
{
	if (!ev)
		return;
	nl_socket_free(ev->sk);
	free(ev);
}

int atmqtt_events_fd(const struct atmqtt_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

uint64_t atmqtt_events_overruns(const struct atmqtt_events *ev)
{
	return ev->overruns;
}

static int atmqtt_event_parse(struct nl_msg *msg, void *arg)
{
	struct atmqtt_events *ev = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[ATMQTT_A_MAX + 1];
	struct atmqtt_event e;
	int ret;

	if (ev->stop)
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, ATMQTT_A_MAX, NULL))
		return NL_SKIP;
	memset(&e, 0, sizeof(e));
	e.type = gh->cmd;
	if (tb[ATMQTT_A_MODEM])
		e.modem = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_CLIENT])
		e.client = nla_get_u8(tb[ATMQTT_A_CLIENT]);
	if (tb[ATMQTT_A_QOS])
		e.qos = nla_get_u8(tb[ATMQTT_A_QOS]);
	if (tb[ATMQTT_A_STATUS])
		e.status = nla_get_u8(tb[ATMQTT_A_STATUS]);
	if (tb[ATMQTT_A_URC])
		e.urc = nla_get_u8(tb[ATMQTT_A_URC]);
	if (tb[ATMQTT_A_CAUSE])
		e.cause = nla_get_u8(tb[ATMQTT_A_CAUSE]);
	if (tb[ATMQTT_A_MODEM_STATE])
		e.modem_state = nla_get_u8(tb[ATMQTT_A_MODEM_STATE]);
	if (tb[ATMQTT_A_TTY])
		e.tty = nla_data(tb[ATMQTT_A_TTY]);
	if (tb[ATMQTT_A_TOPIC])
		e.topic = nla_data(tb[ATMQTT_A_TOPIC]);
	if (tb[ATMQTT_A_PAYLOAD]) {
		e.payload = nla_data(tb[ATMQTT_A_PAYLOAD]);
		e.payload_len = nla_len(tb[ATMQTT_A_PAYLOAD]);
	}
	if (tb[ATMQTT_A_RX_SEQ])
		e.seq = nla_get_u64(tb[ATMQTT_A_RX_SEQ]);
	ret = ev->cb(&e, ev->arg);
	if (ret)
		ev->stop = ret;
	return NL_OK;
}

int atmqtt_events_dispatch(struct atmqtt_events *ev, atmqtt_event_cb cb,
			   void *arg)
{
	/* A clone keeps the socket's disabled sequence check. */
	struct nl_cb *nlcb = nl_cb_clone(nl_socket_get_cb(ev->sk));
	int ret;

	if (!nlcb)
		return -ENOMEM;
	nl_cb_put(nl_socket_get_cb(ev->sk));	/* get took a reference */
	ev->cb = cb;
	ev->arg = arg;
	ev->stop = 0;
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, atmqtt_event_parse, ev);
	ret = nl_recvmsgs(ev->sk, nlcb);
	nl_cb_put(nlcb);
	if (ev->stop)
		return ev->stop;
	if (ret == -NLE_NOMEM) {
		/* libnl reports a socket overrun (ENOBUFS) as NLE_NOMEM */
		ev->overruns++;
		return -ENOBUFS;
	}
	if (ret == -NLE_AGAIN)
		return 0;
	return ret < 0 ? -EIO : 0;
}

/* ---- line discipline ---- */

int atmqtt_ldisc_num(void)
{
	FILE *f = fopen("/sys/module/atmqtt/parameters/ldisc", "r");
	int n = -1;

	if (!f)
		return -ENOENT;
	if (fscanf(f, "%d", &n) != 1)
		n = -EINVAL;
	fclose(f);
	return n;
}

int atmqtt_ldisc_attach(int fd)
{
	int n = atmqtt_ldisc_num();

	if (n < 0)
		return n;
	return ioctl(fd, TIOCSETD, &n) ? -errno : 0;
}

int atmqtt_ldisc_detach(int fd)
{
	int n = 0;	/* N_TTY */

	return ioctl(fd, TIOCSETD, &n) ? -errno : 0;
}

const char *atmqtt_state_name(uint8_t state)
{
	static const char * const names[] = { "ready", "busy", "dead" };

	return state < 3 ? names[state] : "unknown";
}

const char *atmqtt_urc_name(uint8_t urc)
{
	static const char * const names[] = {
		"?", "open", "close", "sub", "pub", "unsub",
	};

	return urc < 6 ? names[urc] : "unknown";
}
