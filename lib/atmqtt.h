/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libatmqtt: userspace access to the atmqtt generic netlink family.
 *
 * All functions returning int return 0 (or a count where documented) on
 * success and a negative errno value on failure.  After a failed request,
 * atmqtt_ext_error() returns the kernel's extended ack message for it (or
 * "" when the kernel gave none); it stays valid until the next request on the
 * same handle.  A handle is not thread safe: use one per thread.
 */
#ifndef LIBATMQTT_H
#define LIBATMQTT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/atmqtt.h>

#ifdef __cplusplus
extern "C" {
#endif

struct atmqtt_nl;

/* Connect to the kernel and resolve the family.  NULL with errno set on
 * failure (ENOENT: module not loaded).
 */
struct atmqtt_nl *atmqtt_nl_open(void);
void atmqtt_nl_close(struct atmqtt_nl *nl);
const char *atmqtt_ext_error(const struct atmqtt_nl *nl);
/* Attribute type the kernel blamed in its last extended ack, 0 if none. */
int atmqtt_ext_error_attr(const struct atmqtt_nl *nl);

struct atmqtt_modem_info {
	uint32_t handle;
	char tty[64];
	uint8_t state;		/* enum atmqtt_modem_state */
	uint64_t rx_seq;
	uint64_t rx_drops;
};

/* Calls cb once per attached modem (handle 0: all modems).  cb returning
 * non-zero stops the walk.  Returns the number of modems reported.
 */
typedef int (*atmqtt_modem_cb)(const struct atmqtt_modem_info *m, void *arg);
int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg);
/* Handle of the modem attached on tty (a path like "/dev/pts/3" or a name
 * like "pts/3"), or a negative errno (-ENODEV when none).
 */
int atmqtt_modem_find(struct atmqtt_nl *nl, const char *tty, uint32_t *handle);

/* clean: 0, 1, or -1 for the default; keepalive: 1-300, or 0 for default. */
int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *host, uint16_t port, int clean,
		       int keepalive);
int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint8_t client);
int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		     const char *topic, int qos);
int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		   const char *topic, int qos, int retain,
		   const void *payload, size_t len);

/* Events (multicast group "events"). */
struct atmqtt_event {
	int type;		/* ATMQTT_EVT_* */
	uint32_t modem;
	uint8_t client;		/* 0 when absent */
	uint8_t qos;
	uint8_t status;
	uint8_t urc;		/* enum atmqtt_urc, EVT_RESULT */
	uint8_t cause;		/* EVT_BREAK */
	uint8_t modem_state;	/* EVT_MODEM */
	const char *tty;	/* EVT_MODEM, NULL when absent */
	const char *topic;	/* EVT_MESSAGE, NUL-terminated */
	const void *payload;	/* EVT_MESSAGE */
	size_t payload_len;
	uint64_t seq;		/* EVT_MESSAGE: ATMQTT_A_RX_SEQ */
};

struct atmqtt_events;

/* A separate socket joined to the events group. */
struct atmqtt_events *atmqtt_events_open(void);
void atmqtt_events_close(struct atmqtt_events *ev);
/* File descriptor to poll() for POLLIN. */
int atmqtt_events_fd(const struct atmqtt_events *ev);

/* Called per event; a non-zero return stops dispatching and is returned by
 * atmqtt_events_dispatch().
 */
typedef int (*atmqtt_event_cb)(const struct atmqtt_event *e, void *arg);
/* Receive what is pending (blocking until at least one message arrives
 * unless the fd is non-blocking) and call cb for each event.  Returns 0, the
 * callback's non-zero value, or a negative errno; -ENOBUFS means the socket
 * overflowed and events were lost (the counter below says how often).
 */
int atmqtt_events_dispatch(struct atmqtt_events *ev, atmqtt_event_cb cb,
			   void *arg);
uint64_t atmqtt_events_overruns(const struct atmqtt_events *ev);

/* Line discipline helpers (no netlink): the ldisc number the module
 * registered (from /sys/module/atmqtt/parameters/ldisc), and attaching it
 * to an open tty fd with TIOCSETD.
 */
int atmqtt_ldisc_num(void);
int atmqtt_ldisc_attach(int fd);
int atmqtt_ldisc_detach(int fd);	/* back to N_TTY */

const char *atmqtt_state_name(uint8_t state);
const char *atmqtt_urc_name(uint8_t urc);

#ifdef __cplusplus
}
#endif
#endif /* LIBATMQTT_H */
