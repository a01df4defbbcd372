/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libatmqtt internals shared by atmqtt.c (requests), events.c and util.c.
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

#endif /* LIBATMQTT_INTERNAL_H */
