// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the socket both handles use, attribute helpers, the line
 * discipline helpers, the library's version and the name tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
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

/* ---- the family's attributes as the library reads them ---- */

struct aqi_policy {
	int max;
	const uint8_t *minlen;
};

#define POLICY(name, max, ...)						\
	static const uint8_t name##_minlen[(max) + 1] = { __VA_ARGS__ }; \
	const struct aqi_policy aqi_pol_##name = { (max), name##_minlen }

/* Strings, binaries, flags and nests: 0, any length. */
POLICY(top, ATMQTT_A_MAX,
	[ATMQTT_A_MODEM_ID]		= 4,
	[ATMQTT_A_CLIENT_ID]		= 4,
	[ATMQTT_A_MODE]			= 4,
	[ATMQTT_A_AT_CMD]		= 4,
	[ATMQTT_A_TIMEOUT_MS]		= 4,
	[ATMQTT_A_URC]			= 4,
	[ATMQTT_A_STATUS]		= 4,
	[ATMQTT_A_CAUSE]		= 4);
POLICY(modem, ATMQTT_A_MODEM_MAX,
	[ATMQTT_A_MODEM_TTY_DEV]	= 4,
	[ATMQTT_A_MODEM_STATE]		= 4,
	[ATMQTT_A_MODEM_MODE]		= 4,
	[ATMQTT_A_MODEM_MEM_BYTES]	= 8);
POLICY(stats, ATMQTT_A_STATS_MAX,
	[ATMQTT_A_STATS_RX_SEQ]		= 8,
	[ATMQTT_A_STATS_RX_DROPS]	= 8,
	[ATMQTT_A_STATS_RX_STRAY]	= 8,
	[ATMQTT_A_STATS_RX_MALFORMED]	= 8,
	[ATMQTT_A_STATS_RX_OVERFLOWS]	= 8,
	[ATMQTT_A_STATS_RESYNCS]	= 8);
POLICY(limits, ATMQTT_A_LIMITS_MAX,
	[ATMQTT_A_LIMITS_CLIENTS]	= 4,
	[ATMQTT_A_LIMITS_HOST]		= 4,
	[ATMQTT_A_LIMITS_TOPIC]		= 4,
	[ATMQTT_A_LIMITS_PAYLOAD]	= 4,
	[ATMQTT_A_LIMITS_USER_NAME]	= 4,
	[ATMQTT_A_LIMITS_PASSWORD]	= 4,
	[ATMQTT_A_LIMITS_CLIENT_IDENT]	= 4,
	[ATMQTT_A_LIMITS_KEEPALIVE]	= 4,
	[ATMQTT_A_LIMITS_QOS]		= 4,
	[ATMQTT_A_LIMITS_SUBS]		= 4);
POLICY(client, ATMQTT_A_CLIENT_MAX,
	[ATMQTT_A_CLIENT_STATE]		= 4,
	[ATMQTT_A_CLIENT_SUB_COUNT]	= 4,
	[ATMQTT_A_CLIENT_PORT]		= 4,
	[ATMQTT_A_CLIENT_CLEAN]		= 4,
	[ATMQTT_A_CLIENT_KEEPALIVE]	= 4,
	[ATMQTT_A_CLIENT_RECONNECT]	= 4,
	[ATMQTT_A_CLIENT_RECONNECT_MIN_MS] = 4,
	[ATMQTT_A_CLIENT_RECONNECT_MAX_MS] = 4);
POLICY(user, ATMQTT_A_USER_MAX, 0);
POLICY(msg, ATMQTT_A_MSG_MAX,
	[ATMQTT_A_MSG_QOS]		= 4,
	[ATMQTT_A_MSG_RETAIN]		= 4,
	[ATMQTT_A_MSG_DATASIZE]		= 4,
	[ATMQTT_A_MSG_SEQ]		= 8,
	[ATMQTT_A_MSG_DROPS]		= 8);
POLICY(entry, ATMQTT_A_ENTRY_MAX,
	[ATMQTT_A_ENTRY_CLIENT_ID]	= 4);
POLICY(error, ATMQTT_A_ERROR_MAX,
	[ATMQTT_A_ERROR_KIND]		= 4,
	[ATMQTT_A_ERROR_CODE]		= 4);
POLICY(reconnect, ATMQTT_A_RECONNECT_MAX,
	[ATMQTT_A_RECONNECT_STEP]	= 4,
	[ATMQTT_A_RECONNECT_ATTEMPT]	= 4,
	[ATMQTT_A_RECONNECT_RESULT]	= 4,
	[ATMQTT_A_RECONNECT_DELAY_MS]	= 4);

int aqi_parse(struct nlattr **tb, const struct aqi_policy *pol,
	      const void *data, int len)
{
	const struct nlattr *a = data;
	int type;

	memset(tb, 0, sizeof(*tb) * (pol->max + 1));
	while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= len) {
		type = a->nla_type & NLA_TYPE_MASK;
		if (type && type <= pol->max) {
			if (a->nla_len - NLA_HDRLEN < pol->minlen[type])
				return -ERANGE;
			tb[type] = (struct nlattr *)a;
		}
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGN(a->nla_len));
	}
	return 0;
}

int aqi_parse_nest(struct nlattr **tb, const struct aqi_policy *pol,
		   const struct nlattr *nest)
{
	return aqi_parse(tb, pol, nla_data(nest), nla_len(nest));
}

int aqi_genl_parse(struct nlattr **tb, struct nlmsghdr *nlh)
{
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (len < 0)
		return -EPROTO;
	return aqi_parse(tb, &aqi_pol_top,
			 (char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN, len);
}

size_t aqi_strlen(const struct nlattr *a)
{
	const char *s = nla_data(a);
	const char *nul = memchr(s, '\0', nla_len(a));

	return nul ? (size_t)(nul - s) : (size_t)nla_len(a);
}

const char *aqi_str(struct aqi_arena *ar, const struct nlattr *a)
{
	const char *s = nla_data(a);
	size_t n = nla_len(a);
	char *p;

	if (n && memchr(s, '\0', n))
		return s;
	if (ar->used + n + 1 > AQI_MSG_BUF)
		return "";	/* cannot happen: see internal.h */
	p = ar->buf + ar->used;
	memcpy(p, s, n);
	p[n] = '\0';
	ar->used += n + 1;
	return p;
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

/* ---- names of the request attributes, for the extended acks ---- */

#define N(x)	[x] = #x
static const char *const top_names[ATMQTT_A_MAX + 1] = {
	N(ATMQTT_A_MODEM_ID), N(ATMQTT_A_CLIENT_ID), N(ATMQTT_A_MODEM),
	N(ATMQTT_A_CLIENT), N(ATMQTT_A_USER), N(ATMQTT_A_MSG),
	N(ATMQTT_A_ENTRY), N(ATMQTT_A_ERROR), N(ATMQTT_A_RECONNECT),
	N(ATMQTT_A_MODE), N(ATMQTT_A_AT_CMD), N(ATMQTT_A_LINE),
	N(ATMQTT_A_FINAL), N(ATMQTT_A_TIMEOUT_MS), N(ATMQTT_A_TRUNCATED),
	N(ATMQTT_A_URC), N(ATMQTT_A_STATUS), N(ATMQTT_A_CAUSE),
};
static const char *const client_names[ATMQTT_A_CLIENT_MAX + 1] = {
	N(ATMQTT_A_CLIENT_STATE), N(ATMQTT_A_CLIENT_SUB_COUNT),
	N(ATMQTT_A_CLIENT_HOST), N(ATMQTT_A_CLIENT_PORT),
	N(ATMQTT_A_CLIENT_CLEAN), N(ATMQTT_A_CLIENT_KEEPALIVE),
	N(ATMQTT_A_CLIENT_RECONNECT), N(ATMQTT_A_CLIENT_RECONNECT_MIN_MS),
	N(ATMQTT_A_CLIENT_RECONNECT_MAX_MS),
};
static const char *const user_names[ATMQTT_A_USER_MAX + 1] = {
	N(ATMQTT_A_USER_NAME), N(ATMQTT_A_USER_PASSWORD),
	N(ATMQTT_A_USER_CLIENT_ID),
};
static const char *const msg_names[ATMQTT_A_MSG_MAX + 1] = {
	N(ATMQTT_A_MSG_PAD), N(ATMQTT_A_MSG_TOPIC), N(ATMQTT_A_MSG_QOS),
	N(ATMQTT_A_MSG_RETAIN), N(ATMQTT_A_MSG_PAYLOAD),
	N(ATMQTT_A_MSG_DATASIZE), N(ATMQTT_A_MSG_SEQ), N(ATMQTT_A_MSG_DROPS),
	N(ATMQTT_A_MSG_TRUNCATED),
};
#undef N

const char *aqi_attr_name(int nest_type, int type)
{
	const char *const *names;
	int max;

	switch (nest_type) {
	case 0:
		names = top_names;
		max = ATMQTT_A_MAX;
		break;
	case ATMQTT_A_CLIENT:
		names = client_names;
		max = ATMQTT_A_CLIENT_MAX;
		break;
	case ATMQTT_A_USER:
		names = user_names;
		max = ATMQTT_A_USER_MAX;
		break;
	case ATMQTT_A_MSG:
		names = msg_names;
		max = ATMQTT_A_MSG_MAX;
		break;
	default:
		return NULL;
	}
	return type > 0 && type <= max ? names[type] : NULL;
}

/* ---- options structures and messages ---- */

int aqi_opts(void *dst, size_t dst_size, const void *src, size_t min)
{
	size_t size, i;

	memcpy(&size, src, sizeof(size));
	if (size < min || size < sizeof(size_t))
		return -EINVAL;
	if (size > dst_size) {
		for (i = dst_size; i < size; i++)
			if (((const unsigned char *)src)[i])
				return -E2BIG;
		size = dst_size;
	}
	memcpy(dst, src, size);
	memcpy(dst, &dst_size, sizeof(dst_size));
	return 0;
}

struct atmqtt_message *aqi_message_new(const char *topic, size_t topic_len,
				       const void *payload, size_t len)
{
	struct atmqtt_message *m;
	char *p;

	if (topic_len > SIZE_MAX / 2 || len > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	m = calloc(1, sizeof(*m) + topic_len + 1 + len + 1);
	if (!m)
		return NULL;
	m->size = sizeof(*m);
	p = (char *)(m + 1);
	m->topic = p;
	if (topic_len)
		memcpy(p, topic, topic_len);
	p[topic_len] = '\0';
	m->payload = (uint8_t *)p + topic_len + 1;
	if (len)
		memcpy(m->payload, payload, len);
	m->payload[len] = '\0';
	m->payload_len = len;
	return m;
}

void atmqtt_message_free(struct atmqtt_message *msg)
{
	free(msg);
}

/* ---- the socket ---- */

struct version_ctx {
	int version;		/* -1 until seen */
};

static int version_cb(struct nl_msg *msg, void *arg)
{
	struct version_ctx *v = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_VERSION] || nla_len(tb[CTRL_ATTR_VERSION]) < 4)
		return NL_SKIP;
	v->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return NL_OK;
}

/*
 * The family's version as the kernel's controller reports it, -1 when it
 * does not (no such family there: the family was resolved otherwise, as
 * the host tests' stand-in does), or a negative errno.  With libnl's own
 * messages (sendmsg(), recvmsg()) on a socket of its own, that the
 * handle's sequence numbers stay its own.
 */
static int family_version(void)
{
	struct version_ctx v = { .version = -1 };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_GENERIC);
	if (err < 0)
		goto out;
	msg = nlmsg_alloc();
	if (!msg) {
		err = -NLE_NOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, ATMQTT_GENL_NAME)) {
		err = -NLE_NOMEM;
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, version_cb, &v);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	if (err < 0 && v.version < 0)
		return err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR ||
		       err == -NLE_NODEV || err == -NLE_FAILURE ? -1 :
		       aqi_nlerr(err);
	return v.version;
}

struct nl_sock *aqi_sock(int *family, int *group)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, fam, grp, ver;

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
	ver = family_version();
	if (ver >= 0 && ver != ATMQTT_GENL_VERSION) {
		nl_socket_free(sk);
		errno = EPROTO;
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

const char *atmqtt_state_name(uint32_t state)
{
	static const char *const names[] = {
		[ATMQTT_MODEM_READY]	= "ready",
		[ATMQTT_MODEM_BUSY]	= "busy",
		[ATMQTT_MODEM_DEAD]	= "dead",
		[ATMQTT_MODEM_INIT]	= "init",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *atmqtt_urc_name(uint32_t urc)
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

const char *atmqtt_client_state_name(uint32_t state)
{
	static const char *const names[] = {
		[ATMQTT_CLIENT_CLOSED]		= "closed",
		[ATMQTT_CLIENT_OPEN]		= "open",
		[ATMQTT_CLIENT_RECONNECTING]	= "reconnecting",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *atmqtt_step_name(uint32_t step)
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

const char *atmqtt_error_kind_name(int kind)
{
	switch (kind) {
	case ATMQTT_ERROR_MQTT:
		return "mqtt";
	case ATMQTT_ERROR_CME:
		return "cme";
	default:
		return "unknown";
	}
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
