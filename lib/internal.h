/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libatmqtt internals shared by atmqtt.c (the handle and its requests),
 * modem.c, client.c and settings.c (the operations), events.c and util.c.
 * Their prefix aqi_ keeps them out of the shared library (libatmqtt.map
 * exports the functions of atmqtt.h by name, everything else is local).
 */
#ifndef LIBATMQTT_INTERNAL_H
#define LIBATMQTT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "atmqtt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every datagram the family sends fits: 32 KiB, the kernel's cap for a
 * dump's datagrams (the largest), and room to spare.  Each handle has a
 * receive buffer of this size, allocated once.
 */
#define AQI_MSG_BUF	(64 * 1024)

/*
 * Strings handed out point into the received message when the kernel
 * terminated them (it does: nla_put_string()); one that is not is copied
 * into the handle's arena, AQI_MSG_BUF bytes allocated once and reset per
 * message: a copy (n + 1 bytes) is never larger than its attribute
 * (4 + n), so a message's strings always fit.
 */
struct aqi_arena {
	char *buf;
	size_t used;
};

const char *aqi_str(struct aqi_arena *ar, const struct nlattr *a);
/* The bytes of a string attribute up to its first NUL. */
size_t aqi_strlen(const struct nlattr *a);

/*
 * Parsing what the kernel sends: a nested policy is the minimum payload
 * length of each attribute type (4 for a u32, 8 for a u64, 0 for strings,
 * flags and nests), indexed by type, max + 1 entries.  A repeated type
 * keeps its last instance, unknown types are skipped, an integer shorter
 * than its type is -ERANGE.  Without libnl's calls per attribute.
 */
struct aqi_policy;	/* util.c's, out of the ABI's view */

#define AQI_HIDDEN __attribute__((visibility("hidden")))
extern const struct aqi_policy aqi_pol_top AQI_HIDDEN, aqi_pol_modem AQI_HIDDEN,
	aqi_pol_stats AQI_HIDDEN, aqi_pol_limits AQI_HIDDEN,
	aqi_pol_client AQI_HIDDEN, aqi_pol_user AQI_HIDDEN,
	aqi_pol_msg AQI_HIDDEN, aqi_pol_entry AQI_HIDDEN,
	aqi_pol_error AQI_HIDDEN, aqi_pol_reconnect AQI_HIDDEN;

/* tb must have pol->max + 1 entries. */
int aqi_parse(struct nlattr **tb, const struct aqi_policy *pol,
	      const void *data, int len);
int aqi_parse_nest(struct nlattr **tb, const struct aqi_policy *pol,
		   const struct nlattr *nest);
/* A family message's top level (after checking its length: -EPROTO). */
int aqi_genl_parse(struct nlattr **tb, struct nlmsghdr *nlh);

/* An unsigned attribute of 1, 2, 4 or 8 bytes (0 for another length). */
uint64_t aqi_nla_uint(const struct nlattr *a);

/* libnl error (negative NLE_*) to a negative errno. */
int aqi_nlerr(int nlerr);

/* A generic netlink socket with the family (and, when group is not NULL,
 * the events group) resolved and extended acks requested.  NULL with errno
 * set on failure (EPROTO: the family is of another version).
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

/* The name of a request's attribute: type in the space of the top-level
 * nest nest_type (0: the top level), "ATMQTT_A_MSG_QOS"; NULL if unknown.
 */
const char *aqi_attr_name(int nest_type, int type);

/* The modem of a GET_MODEM reply or an EVT_MODEM event (its MODEM nest),
 * into *m and *l (m->limits = l).
 */
void aqi_modem_info(struct aqi_arena *ar, uint32_t handle,
		    const struct nlattr *modem, struct atmqtt_modem_info *m,
		    struct atmqtt_limits *l);
void aqi_limits(const struct nlattr *nest, struct atmqtt_limits *l);

/* A message in one block: the structure, the topic and the payload
 * (followed by a NUL, not counted).  NULL with errno set.
 */
struct atmqtt_message *aqi_message_new(const char *topic, size_t topic_len,
				       const void *payload, size_t len);

/*
 * An options structure of the caller's (*src, its first member its size)
 * into dst (dst_size bytes, already holding the defaults): only the bytes
 * the caller's size says; -E2BIG when it is larger than dst_size and a
 * byte past dst_size is not zero, -EINVAL when it is smaller than min.
 * dst's size is then dst_size.
 */
int aqi_opts(void *dst, size_t dst_size, const void *src, size_t min);

/* ---- the handle and its requests (atmqtt.c) ---- */

typedef void (*aqi_reply_fn)(struct nlmsghdr *nlh, struct nlattr **tb,
			     void *arg);

/* The attributes of the request in flight, to name the one an extended
 * ack points at: offset from the request's nlmsghdr, type, and the
 * top-level nest it is in (0: none).
 */
#define AQI_REC_MAX	32
struct aqi_rec {
	uint32_t off;
	uint16_t type;
	uint16_t nest;
};

/* The handle's receive arena (its definition is atmqtt.c's: the
 * library's ABI shows struct atmqtt_nl opaque).
 */
struct aqi_arena *aqi_nl_arena(struct atmqtt_nl *nl);

/* A request is a straight list of puts that keep the first failure, then
 * aqi_req_send(), whose reply function gets each reply's attributes.
 */
struct aqi_req {
	struct atmqtt_nl *nl;
	size_t len;		/* bytes of nl->tx written */
	size_t nest_off;	/* the open nest's offset, 0 when none */
	int nest_type;
	int err;		/* first failure while building */
};

void aqi_req_init(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		  int flags);
/* A refusal made here, reported like the kernel's ("NAME: why"). */
int aqi_req_refuse(struct aqi_req *r, int type, int err, const char *why);
void aqi_req_put(struct aqi_req *r, int type, const void *data, size_t len);
void aqi_put_u32(struct aqi_req *r, int type, uint32_t v);
void aqi_put_str(struct aqi_req *r, int type, const char *s);
void aqi_put_bin(struct aqi_req *r, int type, const void *data, size_t len);
/* One level of nesting, as the family's requests have. */
void aqi_nest_start(struct aqi_req *r, int type);
void aqi_nest_end(struct aqi_req *r);
int aqi_req_send(struct aqi_req *r, aqi_reply_fn reply, void *arg);
/* A do request for a modem (with NLM_F_ACK when it does not reach the
 * modem: GET_MODEM, SET_CLIENT), for one of its clients, or a dump
 * (modem 0: all).
 */
void aqi_req_modem(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		   uint32_t modem);
void aqi_req_client(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		    uint32_t modem, uint32_t client);
void aqi_req_dump(struct aqi_req *r, struct atmqtt_nl *nl, uint8_t cmd,
		  uint32_t modem);

/* The top-level attributes of one type in a reply, in order (CLIENT_ID,
 * LINE and ENTRY repeat, so aqi_genl_parse() keeps only the last one).
 */
#define for_each_reply_attr(pos, nlh, type, rem)			\
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),	\
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)	\
		if (nla_type(pos) == (type))

#endif /* LIBATMQTT_INTERNAL_H */
