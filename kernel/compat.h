/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels atmqtt supports (6.1 and 6.12) is
 * absorbed here; no other file has a conditional on the kernel.  The
 * ATMQTT_HAVE_* symbols come from feature probes on the target kernel's
 * headers in Kbuild, not from version numbers, so distribution backports
 * are handled too.
 */
#ifndef ATMQTT_COMPAT_H
#define ATMQTT_COMPAT_H

#include <linux/types.h>
#include <net/genetlink.h>

/* tty_ldisc_ops::receive_buf took (uchar *, char *, int) until 6.6. */
#ifdef ATMQTT_HAVE_RX_U8
#define atmqtt_rx_flag_t	u8
#define atmqtt_rx_count_t	size_t
#else
#define atmqtt_rx_flag_t	char
#define atmqtt_rx_count_t	int
#endif

/* serdev_device_ops::receive_buf returned int until 6.8. */
#ifdef ATMQTT_HAVE_SERDEV_RX_SIZE_T
#define atmqtt_serdev_rx_t	size_t
#else
#define atmqtt_serdev_rx_t	int
#endif

/* genl_dumpit_info carries a struct genl_info since 6.2. */
#ifdef ATMQTT_HAVE_DUMPIT_INFO
#define atmqtt_dumpit_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define atmqtt_dumpit_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * Joining a multicast group can require CAP_NET_ADMIN since 6.7, and in
 * the 6.1 stable series since 6.1.66.  The events carry message payloads
 * and topics, which may be private, and older kernels let any local user
 * join: there the family registers no group at all, and has no events.
 */
#ifdef ATMQTT_HAVE_MCAST_CAP
#define ATMQTT_HAVE_EVENTS	1
#define ATMQTT_MCGRPS	{ .name = ATMQTT_MCGRP_EVENTS, \
			  .flags = GENL_MCAST_CAP_NET_ADMIN },
#else
#define ATMQTT_HAVE_EVENTS	0
#define ATMQTT_MCGRPS	{ }
#endif

/* nla_policy::range points to const since 6.2 (a const table is .rodata). */
#ifdef ATMQTT_HAVE_CONST_RANGE
#define atmqtt_range_t	const struct netlink_range_validation
#else
#define atmqtt_range_t	struct netlink_range_validation
#endif

/*
 * An extack message that is not a literal (the modem's error texts, taken
 * from tables): NL_SET_ERR_MSG_FMT(), since 6.2, copies it (80 bytes at
 * most).  6.1 has no helper that takes one: the static string is set as
 * its NL_SET_ERR_MSG() does.  Everything else uses the NL_SET_ERR_MSG*()
 * helpers with literals.
 */
#ifdef ATMQTT_HAVE_ERR_MSG_FMT
#define atmqtt_set_err_msg(extack, msg)	NL_SET_ERR_MSG_FMT(extack, "%s", msg)
#else
#define atmqtt_set_err_msg(extack, msg) do {			\
	struct netlink_ext_ack *__extack = (extack);		\
	const char *__msg = (msg);				\
								\
	do_trace_netlink_extack(__msg);				\
	if (__extack)						\
		__extack->_msg = __msg;				\
} while (0)
#endif

#endif /* ATMQTT_COMPAT_H */
