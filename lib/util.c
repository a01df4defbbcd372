// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the socket both handles use, attribute helpers, the line
 * discipline helpers, the library's version and the name tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct nla_policy aqi_policy[ATMQTT_A_MAX + 1] = {
	[ATMQTT_A_MODEM]		= { .type = NLA_U32 },
	[ATMQTT_A_MODEM_STATE]		= { .type = NLA_U8 },
	[ATMQTT_A_CLIENT]		= { .type = NLA_U8 },
	/* PORT: u32 (u16 before); read with aqi_nla_uint() */
	[ATMQTT_A_CLEAN]		= { .type = NLA_U8 },
	[ATMQTT_A_KEEPALIVE]		= { .type = NLA_U16 },
	[ATMQTT_A_QOS]			= { .type = NLA_U8 },
	[ATMQTT_A_RETAIN]		= { .type = NLA_U8 },
	[ATMQTT_A_STATUS]		= { .type = NLA_U8 },
	[ATMQTT_A_URC]			= { .type = NLA_U8 },
	[ATMQTT_A_CAUSE]		= { .type = NLA_U8 },
	[ATMQTT_A_RX_SEQ]		= { .type = NLA_U64 },
	[ATMQTT_A_RX_DROPS]		= { .type = NLA_U64 },
	[ATMQTT_A_MODE]			= { .type = NLA_U8 },
	[ATMQTT_A_CLIENTS]		= { .type = NLA_U8 },
	[ATMQTT_A_AT_CMD]		= { .type = NLA_U8 },
	[ATMQTT_A_TIMEOUT_MS]		= { .type = NLA_U32 },
	[ATMQTT_A_MODEM_ERROR]		= { .type = NLA_U32 },
	[ATMQTT_A_DATASIZE]		= { .type = NLA_U8 },
	[ATMQTT_A_CLIENT_STATE]		= { .type = NLA_U8 },
	[ATMQTT_A_RECONNECT]		= { .type = NLA_U8 },
	[ATMQTT_A_RECONNECT_MIN_MS]	= { .type = NLA_U32 },
	[ATMQTT_A_RECONNECT_MAX_MS]	= { .type = NLA_U32 },
	[ATMQTT_A_STEP]			= { .type = NLA_U8 },
	[ATMQTT_A_ATTEMPT]		= { .type = NLA_U32 },
	[ATMQTT_A_ERRNO]		= { .type = NLA_U32 },	/* s32 */
	[ATMQTT_A_DELAY_MS]		= { .type = NLA_U32 },
	[ATMQTT_A_SUB_COUNT]		= { .type = NLA_U32 },
	[ATMQTT_A_RX_STRAY]		= { .type = NLA_U64 },
	[ATMQTT_A_RX_MALFORMED]		= { .type = NLA_U64 },
	[ATMQTT_A_RX_OVERFLOWS]		= { .type = NLA_U64 },
	[ATMQTT_A_MEM_BYTES]		= { .type = NLA_U32 },
	[ATMQTT_A_RESYNCS]		= { .type = NLA_U64 },
	[ATMQTT_A_TRUNCATED]		= { .type = NLA_U8 },
	[ATMQTT_A_TTY_DEV]		= { .type = NLA_U32 },
	/* TTY, HOST, TOPIC, USERNAME, PASSWORD, CLIENT_ID, LINE, FINAL
	 * (strings), PAYLOAD (binary) and ENTRY (nested, parsed where it
	 * repeats): NLA_UNSPEC, any length.
	 */
};

struct nl_sock *aqi_sock(int *family, int *group)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, fam, grp;

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
	if (group) {
		grp = genl_ctrl_resolve_grp(sk, ATMQTT_GENL_NAME,
					    ATMQTT_MCGRP_EVENTS);
		if (grp < 0) {
			nl_socket_free(sk);
			errno = ENOENT;
			return NULL;
		}
		*group = grp;
	}
	/* Old kernels lack these; the acks are then plain. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	*family = fam;
	return sk;
}

int aqi_recv(struct nl_sock *sk, void *buf,
	     int (*fn)(struct nlmsghdr *nlh, void *arg), void *arg, int intr)
{
	struct sockaddr_nl peer;
	socklen_t plen = sizeof(peer);
	struct nlmsghdr *nlh;
	ssize_t r;
	int n, ret = 0;

	/* recvfrom(), not recvmsg(): no msghdr and iovec for the kernel to
	 * copy in.  With MSG_TRUNC netlink returns the datagram's whole
	 * length, so a datagram that did not fit shows.
	 */
	do
		r = recvfrom(nl_socket_get_fd(sk), buf, AQI_MSG_BUF, MSG_TRUNC,
			     (struct sockaddr *)&peer, &plen);
	while (r < 0 && errno == EINTR && !intr);
	if (r < 0)
		return -errno;
	if (r > AQI_MSG_BUF)
		return -EMSGSIZE;
	/* The family's messages come from the kernel; another process
	 * may send to this port too, and is not listened to.
	 */
	if (plen != sizeof(peer) || peer.nl_pid)
		return 0;
	n = r;
	for (nlh = buf; !ret && nlmsg_ok(nlh, n); nlh = nlmsg_next(nlh, &n))
		ret = fn(nlh, arg);
	return ret;
}

/* The shortest payload aqi_policy allows for an attribute type. */
static int aqi_minlen(int type)
{
	switch (aqi_policy[type].type) {
	case NLA_U8:	return 1;
	case NLA_U16:	return 2;
	case NLA_U32:	return 4;
	case NLA_U64:	return 8;
	default:	return 0;
	}
}

int aqi_parse(struct nlattr **tb, void *data, int len)
{
	struct nlattr *a = data;
	int type;

	memset(tb, 0, sizeof(*tb) * (ATMQTT_A_MAX + 1));
	while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= len) {
		type = a->nla_type & NLA_TYPE_MASK;
		if (type && type <= ATMQTT_A_MAX) {
			if (a->nla_len - NLA_HDRLEN < aqi_minlen(type))
				return -ERANGE;
			tb[type] = a;
		}
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return 0;
}

int aqi_genl_parse(struct nlattr **tb, struct nlmsghdr *nlh)
{
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (len < 0)
		return -EPROTO;
	return aqi_parse(tb, (char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN, len);
}

void aqi_nla_strcpy(char *dst, size_t size, const struct nlattr *a)
{
	const char *s = nla_data(a);
	size_t n = nla_len(a);
	const char *nul = memchr(s, '\0', n);

	if (!size)
		return;
	if (nul)
		n = nul - s;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

uint64_t aqi_nla_uint(const struct nlattr *a)
{
	switch (nla_len(a)) {
	case 1:
		return nla_get_u8(a);
	case 2:
		return nla_get_u16(a);
	case 4:
		return nla_get_u32(a);
	case 8:
		return nla_get_u64(a);
	default:
		return 0;
	}
}

int aqi_nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:	return 0;
	case NLE_INTR:		return -EINTR;
	case NLE_BAD_SOCK:	return -EBADF;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_EXIST:		return -EEXIST;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_BUSY:		return -EBUSY;
	case NLE_NODEV:		return -ENODEV;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TOOSHORT:	return -EPROTO;
	case NLE_MSG_TRUNC:	return -EMSGSIZE;
	case NLE_MSG_OVERFLOW:	return -EOVERFLOW;
	default:		return -EIO;
	}
}

/* ---- line discipline ---- */

int atmqtt_ldisc_num(void)
{
	FILE *f = fopen("/sys/module/atmqtt/parameters/ldisc", "r");
	int n = -1;

	if (!f)
		return -ENOENT;
	if (fscanf(f, "%d", &n) != 1 || n < 0)
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

const char *atmqtt_version(void)
{
	return LIBATMQTT_VERSION;
}

/* ---- names ---- */

const char *atmqtt_state_name(uint8_t state)
{
	static const char *const names[] = {
		[ATMQTT_MODEM_READY]	= "ready",
		[ATMQTT_MODEM_BUSY]	= "busy",
		[ATMQTT_MODEM_DEAD]	= "dead",
		[ATMQTT_MODEM_INIT]	= "init",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *atmqtt_urc_name(uint8_t urc)
{
	static const char *const names[] = {
		[ATMQTT_URC_OPEN]	= "open",
		[ATMQTT_URC_CLOSE]	= "close",
		[ATMQTT_URC_SUB]	= "sub",
		[ATMQTT_URC_PUB]	= "pub",
		[ATMQTT_URC_UNSUB]	= "unsub",
	};

	return urc < ARRAY_SIZE(names) && names[urc] ? names[urc] : "unknown";
}

const char *atmqtt_client_state_name(uint8_t state)
{
	static const char *const names[] = {
		[ATMQTT_CLIENT_CLOSED]		= "closed",
		[ATMQTT_CLIENT_OPEN]		= "open",
		[ATMQTT_CLIENT_RECONNECTING]	= "reconnecting",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *atmqtt_step_name(uint8_t step)
{
	static const char *const names[] = {
		[ATMQTT_STEP_WAIT]	= "wait",
		[ATMQTT_STEP_OPEN]	= "open",
		[ATMQTT_STEP_SUB]	= "sub",
		[ATMQTT_STEP_DONE]	= "done",
		[ATMQTT_STEP_STOP]	= "stop",
	};

	return step < ARRAY_SIZE(names) && names[step] ? names[step] :
	       "unknown";
}

static const char *const at_names[] = {
	[ATMQTT_AT_USER]	= "user",
	[ATMQTT_AT_OPEN]	= "open",
	[ATMQTT_AT_CLOSE]	= "close",
	[ATMQTT_AT_SUB]		= "sub",
	[ATMQTT_AT_UNSUB]	= "unsub",
	[ATMQTT_AT_PUB]		= "pub",
	[ATMQTT_AT_CONF]	= "conf",
	[ATMQTT_AT_READ]	= "read",
	[ATMQTT_AT_WILL]	= "will",
};

int atmqtt_at_parse(const char *name)
{
	size_t i;

	if (!name)
		return 0;
	for (i = 1; i < ARRAY_SIZE(at_names); i++)
		if (at_names[i] && !strcasecmp(name, at_names[i]))
			return i;
	return 0;
}

const char *atmqtt_at_name(int at)
{
	if (at <= 0 || (size_t)at >= ARRAY_SIZE(at_names))
		return NULL;
	return at_names[at];
}
