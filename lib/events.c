// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the events multicast group.
 *
 * A socket of its own joins ATMQTT_MCGRP_EVENTS with a large receive
 * buffer.  When listeners do not keep up the kernel drops events and the
 * next read of the socket fails with ENOBUFS: atmqtt_events_dispatch()
 * returns -ENOBUFS for it and counts it.  Message
 * events show the loss themselves as a gap in their MSG_SEQ.  An event of
 * another family version (genlmsghdr version) is not read:
 * atmqtt_events_dispatch() returns -EPROTO.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#define EVENTS_RCVBUF		(4 << 20)
/* Datagrams handled per atmqtt_events_dispatch() call at most. */
#define EVENTS_BATCH		64

struct atmqtt_events {
	struct nl_sock *sk;
	void *rx;		/* AQI_MSG_BUF bytes: one datagram */
	struct aqi_arena arena;
	uint64_t overruns;
	atmqtt_event_cb ucb;
	void *arg;
	int stop;
};

static void event_parse(struct atmqtt_events *ev, struct nlmsghdr *nlh)
{
	struct nlattr *tb[ATMQTT_A_MAX + 1];
	struct nlattr *mtb[ATMQTT_A_MSG_MAX + 1];
	struct nlattr *rtb[ATMQTT_A_RECONNECT_MAX + 1];
	struct aqi_arena *ar = &ev->arena;
	struct atmqtt_modem_info mi;
	struct atmqtt_limits l;
	struct atmqtt_event e;
	int ret;

	if (aqi_genl_parse(tb, nlh))
		return;
	ar->used = 0;
	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.type = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	if (tb[ATMQTT_A_MODEM_ID])
		e.modem = nla_get_u32(tb[ATMQTT_A_MODEM_ID]);
	if (tb[ATMQTT_A_CLIENT_ID])
		e.client = nla_get_u32(tb[ATMQTT_A_CLIENT_ID]);
	if (tb[ATMQTT_A_STATUS])
		e.status = nla_get_u32(tb[ATMQTT_A_STATUS]);
	if (tb[ATMQTT_A_URC])
		e.urc = nla_get_u32(tb[ATMQTT_A_URC]);
	if (tb[ATMQTT_A_CAUSE])
		e.cause = nla_get_u32(tb[ATMQTT_A_CAUSE]);
	if (tb[ATMQTT_A_LINE])
		e.line = aqi_str(ar, tb[ATMQTT_A_LINE]);
	if (tb[ATMQTT_A_MSG] &&
	    !aqi_parse_nest(mtb, &aqi_pol_msg, tb[ATMQTT_A_MSG])) {
		if (mtb[ATMQTT_A_MSG_TOPIC])
			e.topic = aqi_str(ar, mtb[ATMQTT_A_MSG_TOPIC]);
		if (mtb[ATMQTT_A_MSG_QOS])
			e.qos = nla_get_u32(mtb[ATMQTT_A_MSG_QOS]);
		if (mtb[ATMQTT_A_MSG_PAYLOAD]) {
			e.payload = nla_data(mtb[ATMQTT_A_MSG_PAYLOAD]);
			e.payload_len = nla_len(mtb[ATMQTT_A_MSG_PAYLOAD]);
		}
		if (mtb[ATMQTT_A_MSG_SEQ])
			e.seq = nla_get_u64(mtb[ATMQTT_A_MSG_SEQ]);
		if (mtb[ATMQTT_A_MSG_DROPS])
			e.drops = nla_get_u64(mtb[ATMQTT_A_MSG_DROPS]);
		e.truncated = !!mtb[ATMQTT_A_MSG_TRUNCATED];
	}
	if (tb[ATMQTT_A_RECONNECT] &&
	    !aqi_parse_nest(rtb, &aqi_pol_reconnect, tb[ATMQTT_A_RECONNECT])) {
		if (rtb[ATMQTT_A_RECONNECT_STEP])
			e.step = nla_get_u32(rtb[ATMQTT_A_RECONNECT_STEP]);
		if (rtb[ATMQTT_A_RECONNECT_ATTEMPT])
			e.attempt = nla_get_u32(rtb[ATMQTT_A_RECONNECT_ATTEMPT]);
		if (rtb[ATMQTT_A_RECONNECT_RESULT])
			e.err = (int32_t)nla_get_u32(
				rtb[ATMQTT_A_RECONNECT_RESULT]);
		if (rtb[ATMQTT_A_RECONNECT_TOPIC])
			e.topic = aqi_str(ar, rtb[ATMQTT_A_RECONNECT_TOPIC]);
		if (rtb[ATMQTT_A_RECONNECT_DELAY_MS])
			e.delay_ms =
				nla_get_u32(rtb[ATMQTT_A_RECONNECT_DELAY_MS]);
	}
	if (e.type == ATMQTT_EVT_MODEM) {
		aqi_modem_info(ar, e.modem, tb[ATMQTT_A_MODEM], &mi, &l);
		e.modem_info = &mi;
	}
	ret = ev->ucb(&e, ev->arg);
	if (ret)
		ev->stop = ret;
}

struct atmqtt_message *atmqtt_event_message(const struct atmqtt_event *e)
{
	struct atmqtt_message *m;

	if (!e || e->type != ATMQTT_EVT_MESSAGE) {
		errno = EINVAL;
		return NULL;
	}
	m = aqi_message_new(e->topic ? e->topic : "",
			    e->topic ? strlen(e->topic) : 0,
			    e->payload, e->payload ? e->payload_len : 0);
	if (!m)
		return NULL;
	m->modem = e->modem;
	m->client = e->client;
	m->qos = e->qos;
	m->seq = e->seq;
	m->truncated = e->truncated;
	return m;
}

/*
 * A message of an events datagram (aqi_recv()): 1 once the callback asked
 * to stop.  Multicast events carry no sequence number of ours.
 */
static int events_msg(struct nlmsghdr *nlh, void *arg)
{
	struct atmqtt_events *ev = arg;

	if (nlh->nlmsg_type == NLMSG_OVERRUN)
		return -EOVERFLOW;
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return ev->stop != 0;
	if (nlmsg_datalen(nlh) < (int)GENL_HDRLEN)
		return 0;
	/* Another version's layout: not read, the caller told. */
	if (((struct genlmsghdr *)nlmsg_data(nlh))->version !=
	    ATMQTT_GENL_VERSION)
		return -EPROTO;
	event_parse(ev, nlh);
	return ev->stop != 0;
}

struct atmqtt_events *atmqtt_events_open(void)
{
	struct atmqtt_events *ev = calloc(1, sizeof(*ev));
	int family, grp, bufsize = EVENTS_RCVBUF, e;

	if (!ev)
		return NULL;
	ev->rx = malloc(AQI_MSG_BUF);
	ev->arena.buf = malloc(AQI_MSG_BUF);
	if (!ev->rx || !ev->arena.buf) {
		errno = ENOMEM;
		goto fail;
	}
	ev->sk = aqi_sock(&family, &grp);
	if (!ev->sk)
		goto fail;
	/* Past net.core.rmem_max with CAP_NET_ADMIN, else up to it. */
	if (setsockopt(nl_socket_get_fd(ev->sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &bufsize, sizeof(bufsize)))
		nl_socket_set_buffer_size(ev->sk, EVENTS_RCVBUF, 0);
	e = nl_socket_add_membership(ev->sk, grp);
	if (e < 0) {
		errno = -aqi_nlerr(e);
		goto fail;
	}
	return ev;
fail:
	e = errno;
	atmqtt_events_close(ev);
	errno = e;
	return NULL;
}

void atmqtt_events_close(struct atmqtt_events *ev)
{
	if (!ev)
		return;
	if (ev->sk)
		nl_socket_free(ev->sk);
	free(ev->arena.buf);
	free(ev->rx);
	free(ev);
}

int atmqtt_events_fd(const struct atmqtt_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

/*
 * A classic BPF program on the socket: the event's type is the generic
 * netlink command byte; one comparison per type wanted, then drop (0) or
 * take the whole datagram.  The kernel runs it in netlink_broadcast()
 * before queueing, so a dropped event wakes no one and is not counted
 * against the receive buffer.
 */
int atmqtt_events_filter(struct atmqtt_events *ev, uint64_t types)
{
	struct sock_filter code[1 + 64 + 2];
	struct sock_fprog prog = { .filter = code };
	int fd = nl_socket_get_fd(ev->sk);
	unsigned int n = 0, wanted = __builtin_popcountll(types), t;
	int unused = 0;

	if (!types) {
		/* (the value is not read, but it must be an int's size) */
		if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &unused,
			       sizeof(unused)) &&
		    errno != ENOENT)
			return -errno;
		return 0;
	}
	code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
		NLMSG_HDRLEN + offsetof(struct genlmsghdr, cmd));
	for (t = 0; t < 64; t++) {
		if (!(types >> t & 1))
			continue;
		/* the n-th instruction jumps over the rest and the drop */
		code[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						       t, wanted + 1 - n, 0);
		n++;
	}
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	prog.len = n;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -errno;
	return 0;
}

uint64_t atmqtt_events_overruns(const struct atmqtt_events *ev)
{
	return ev->overruns;
}

int atmqtt_events_dispatch(struct atmqtt_events *ev, atmqtt_event_cb cb,
			   void *arg)
{
	struct pollfd p = { .fd = nl_socket_get_fd(ev->sk), .events = POLLIN };
	int i, ret;

	ev->ucb = cb;
	ev->arg = arg;
	ev->stop = 0;
	for (i = 0; i < EVENTS_BATCH; i++) {
		/* One datagram (one event) per call: the first may block,
		 * and a signal ends the wait (-EINTR), so that a program
		 * with a SIGTERM handler can leave without another event.
		 */
		ret = aqi_recv(ev->sk, ev->rx, events_msg, ev, 1);
		if (ev->stop)
			return ev->stop;
		if (ret == -ENOBUFS) {
			/* the read failed with ENOBUFS: events were lost */
			ev->overruns++;
			return -ENOBUFS;
		}
		if (ret == -EAGAIN || (ret == -EINTR && i))
			return 0;
		if (ret < 0)
			return ret;
		/* Go on with what is already queued, without blocking. */
		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLERR)))
			break;
	}
	return 0;
}
