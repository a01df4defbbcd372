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

#endif /* ATMQTT_COMPAT_H */
