/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libatmqtt internals shared by atmqtt.c (the handle and its requests),
 * modem.c, client.c and settings.c (the operations), events.c and util.c.
 * Their prefix aqi_ keeps them out of the shared library (libatmqtt.map
 * exports atmqtt_*).
 */
#ifndef LIBATMQTT_INTERNAL_H
#define LIBATMQTT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "atmqtt.h"

/* Attribute types for parsing what the kernel sends: the integer types are
 * length-checked by libnl; strings are NLA_UNSPEC and copied with
 * aqi_nla_strcpy(), which does not rely on a terminating NUL.
 */
extern const struct nla_policy aqi_policy[ATMQTT_A_MAX + 1];

/* Every datagram the family sends fits: 32 KiB, the kernel's cap for a
 * dump's datagrams (the largest), and room to spare.  Each handle has a
 * receive buffer of this size, allocated once.
 */
#define AQI_MSG_BUF	(64 * 1024)

/* A generic netlink socket with the family (and, when group is not NULL,
 * the events group) resolved and extended acks requested.  NULL with errno
 * set on failure.
 */
struct nl_sock *aqi_sock(int *family, int *group);

/* One datagram of such a socket: one recvfrom() into buf (AQI_MSG_BUF
 * bytes, the handle's), then its messages to fn(nlh, arg) in turn, until fn
 * returns non-zero.  A negative errno if recvfrom() failed or the datagram
 * did not fit (-EMSGSIZE), 0 for a datagram that is not the kernel's
 * (skipped), else what fn returned last.  A recvfrom() interrupted by a
 * signal is retried, unless intr: then -EINTR.
 */
int aqi_recv(struct nl_sock *sk, void *buf,
	     int (*fn)(struct nlmsghdr *nlh, void *arg), void *arg, int intr);

/* Attributes of the family, from an attribute stream of len bytes (a
 * message's or a nest's) or from a generic netlink message, into
 * tb[ATMQTT_A_MAX + 1], as genlmsg_parse() with aqi_policy would: a
 * repeated type keeps its last instance, unknown types are skipped, an
 * integer shorter than its type is -ERANGE; -EPROTO for a message shorter
 * than its headers.  Without libnl's calls per attribute.
 */
int aqi_parse(struct nlattr **tb, void *data, int len);
int aqi_genl_parse(struct nlattr **tb, struct nlmsghdr *nlh);

/* Copies a string attribute into dst[size], stopping at the first NUL or
 * at the attribute's end, always NUL-terminated.
 */
void aqi_nla_strcpy(char *dst, size_t size, const struct nlattr *a);

/* An unsigned attribute of 1, 2, 4 or 8 bytes (0 for another length). */
uint64_t aqi_nla_uint(const struct nlattr *a);

/* libnl error (negative NLE_*) to a negative errno. */
int aqi_nlerr(int nlerr);


/* ---- requests (atmqtt.c), for the operations (modem.c, client.c,
 * settings.c): a request is a straight list of puts that keep the first
 * failure, then aqi_req_send(), whose reply function gets each reply's
 * attributes.
 */
typedef void (*aqi_reply_fn)(struct nlmsghdr *nlh, struct nlattr **tb,
			 void *arg);

struct aqi_req {
	struct atmqtt_nl *nl;
	size_t len;		/* bytes of nl->tx written */
	int err;		/* first failure while building */
};

int aqi_req_refuse(struct aqi_req *r, int type, int err, const char *why);
void aqi_req_init(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		  int flags);
void aqi_req_put(struct aqi_req *r, int type, const void *data, size_t len);
void aqi_put_u8(struct aqi_req *r, int type, long v);
void aqi_put_u8_opt(struct aqi_req *r, int type, long v, long def);
void aqi_put_u16(struct aqi_req *r, int type, long v);
void aqi_put_u32(struct aqi_req *r, int type, uint32_t v);
void aqi_put_str(struct aqi_req *r, int type, const char *s);
void aqi_put_bin(struct aqi_req *r, int type, const void *data, size_t len);
int aqi_req_send(struct aqi_req *r, aqi_reply_fn reply, void *arg);
/* A request for a modem, for one of its clients, or a dump (modem 0: all). */
void aqi_req_modem(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		   uint32_t modem);
void aqi_req_client(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		    uint32_t modem, uint8_t client);
void aqi_req_dump(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		  uint32_t modem);
/* The reply of a request that returns one u8 attribute. */
struct aqi_u8_reply {
	int type;
	int value;		/* -1 until seen */
};

/* A reply's u8 attribute (arg: a struct aqi_u8_reply). */
void aqi_reply_u8(struct nlmsghdr *nlh, struct nlattr **tb, void *arg);
int aqi_req_send_u8(struct aqi_req *r, int type);

/* The top-level attributes of one type in a reply, in order (LINE and
 * ENTRY repeat, so aqi_genl_parse() would keep only the last one).
 */
#define for_each_reply_attr(pos, nlh, type, rem)			\
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),	\
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)	\
		if (nla_type(pos) == (type))

#endif /* LIBATMQTT_INTERNAL_H */
