/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libatmqtt 1.0: userspace access to the atmqtt generic netlink family,
 * version 2 (<linux/atmqtt.h>, installed as <atmqtt/linux/atmqtt.h>).
 *
 * Conventions:
 * - Functions returning int return 0 (or a count where documented) on
 *   success and a negative errno value on failure.  After a failed request,
 *   atmqtt_ext_error() gives the kernel's extended ack message, composed by
 *   the library from the attribute and policy when the netlink core refused
 *   a range; it stays valid until the next request on the same handle.
 * - A handle (struct atmqtt_nl, struct atmqtt_events) is opaque and not
 *   thread safe: use one per thread.
 * - Every structure the library hands out begins with a size_t size: the
 *   size of the structure as the library loaded knows it.  Members are only
 *   ever added at the end; a program built against a newer header checks
 *   ATMQTT_HAS(p, member) before reading a member a library older than its
 *   header may lack.  Their strings and buffers belong to the library: in a
 *   callback they are valid until the callback returns; in an object the
 *   caller frees (atmqtt_message_free(), atmqtt_raw_free()), until then.
 * - Every options structure the caller passes begins with a size_t size
 *   the caller sets to sizeof(the structure) (the ATMQTT_*_OPTS_INIT
 *   initialisers do); the library reads only that much and takes the
 *   defaults for the rest, so a program built against an older header
 *   keeps working.  A size larger than the library knows is refused
 *   (-E2BIG) unless the bytes past it are zero.
 * - No limit is compiled in: each modem reports its own
 *   (struct atmqtt_limits), and every list says how long it is.
 */
#ifndef LIBATMQTT_H
#define LIBATMQTT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/atmqtt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the library's structure *p has member (see the conventions). */
#define ATMQTT_HAS(p, member) \
	(offsetof(__typeof__(*(p)), member) + sizeof((p)->member) <= (p)->size)

struct atmqtt_nl;

/* Connect to the kernel and resolve the family.  NULL with errno set on
 * failure (ENOENT: module not loaded; EPROTO: the module speaks another
 * version of the family).
 */
struct atmqtt_nl *atmqtt_nl_open(void);
void atmqtt_nl_close(struct atmqtt_nl *nl);
const char *atmqtt_ext_error(const struct atmqtt_nl *nl);
/* The attribute the kernel blamed in its last extended ack, as
 * "ATMQTT_A_MSG_TOPIC" (nested ones by their own name), NULL if none.
 */
const char *atmqtt_ext_error_attr(const struct atmqtt_nl *nl);

/* The modem's answer to the last failed request ("ERROR: <n>" or
 * "+CME ERROR: <n>": ATMQTT_A_ERROR): its code, 0 when it gave none; its
 * kind (enum atmqtt_error_kind, 0 when none).
 */
uint32_t atmqtt_modem_error(const struct atmqtt_nl *nl);
int atmqtt_modem_error_kind(const struct atmqtt_nl *nl);
/* The manual's text for that code when the kernel knows it, else "". */
const char *atmqtt_modem_error_text(const struct atmqtt_nl *nl);

/* What a modem takes (ATMQTT_A_MODEM_LIMITS).  The kernel reports every
 * limit of every modem; all zero means it reported none.
 */
struct atmqtt_limits {
	size_t size;
	uint32_t clients;	/* client ids are 1 to clients */
	uint32_t host;		/* maximum bytes of each string */
	uint32_t topic;
	uint32_t payload;
	uint32_t user_name;
	uint32_t password;
	uint32_t client_ident;
	uint32_t keepalive;	/* maximum seconds */
	uint32_t qos;		/* maximum QoS */
	uint32_t subs;		/* tracked subscriptions per client */
	int binary;		/* payloads of any bytes, by <Datasize> */
	int tls;
};

struct atmqtt_modem_info {
	size_t size;
	uint32_t handle;
	const char *tty;
	uint32_t tty_dev;	/* the tty's dev_t as the kernel encodes it,
				 * 0 when the kernel did not say:
				 * ATMQTT_TTY_MAJOR()/_MINOR() */
	uint32_t state;		/* enum atmqtt_modem_state */
	uint32_t mode;		/* +MQTTCONF mode the module set */
	uint64_t mem_bytes;	/* kernel memory the modem holds */
	const char *dialect;	/* "fibocom", "" when not said */
	uint64_t rx_seq;
	uint64_t rx_drops;
	uint64_t rx_stray;
	uint64_t rx_malformed;
	uint64_t rx_overflows;
	uint64_t resyncs;	/* exchanges the modem left unanswered */
	const struct atmqtt_limits *limits;
};

#define ATMQTT_TTY_MAJOR(d)	(((d) & 0xfff00) >> 8)
#define ATMQTT_TTY_MINOR(d)	(((d) & 0xff) | (((d) >> 12) & 0xfff00))

/* Calls cb once per attached modem (handle 0: all modems).  cb returning
 * non-zero stops the walk.  Returns the number of modems passed to cb.
 */
typedef int (*atmqtt_modem_cb)(const struct atmqtt_modem_info *m, void *arg);
int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg);
/* The limits of one modem into *out, whose size the caller sets (members
 * past it are left alone).
 */
int atmqtt_modem_limits(struct atmqtt_nl *nl, uint32_t modem,
			struct atmqtt_limits *out);
/* Handle of the modem attached on tty, or a negative errno (-ENODEV when
 * none).  tty is a path ("/dev/ttyUSB2", "/dev/serial/by-id/...", links
 * resolved) or a name under /dev ("ttyUSB2", "pts/3"); it is matched by
 * device number when the kernel reports one, else by the kernel's name of
 * the resolved path ("/dev/pts/3" is "pts3").
 */
int atmqtt_modem_find(struct atmqtt_nl *nl, const char *tty, uint32_t *handle);

/* AT+MQTTUSER.  username and password may be NULL (empty); client_id may
 * be NULL (the modem then uses its IMEI).
 */
int atmqtt_user_set(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		    const char *username, const char *password,
		    const char *client_id);
struct atmqtt_user {
	size_t size;
	uint32_t client;
	const char *username;	/* "" when not reported */
	const char *password;	/* NULL when not reported */
	const char *client_id;	/* NULL when not reported */
};
/* AT+MQTTUSER?: cb once per client the modem reports; returns the count. */
typedef int (*atmqtt_user_cb)(const struct atmqtt_user *u, void *arg);
int atmqtt_user_get(struct atmqtt_nl *nl, uint32_t modem, atmqtt_user_cb cb,
		    void *arg);

/* AT+MQTTWILL.  payload: printable ASCII without '"', may be NULL. */
int atmqtt_will_set(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		    const char *topic, int qos, int retain,
		    const char *payload);
struct atmqtt_will {
	size_t size;
	uint32_t client;
	uint32_t qos;
	uint32_t retain;
	const char *topic;
	const char *payload;	/* NULL when not reported */
};
typedef int (*atmqtt_will_cb)(const struct atmqtt_will *w, void *arg);
int atmqtt_will_get(struct atmqtt_nl *nl, uint32_t modem, atmqtt_will_cb cb,
		    void *arg);

/* AT+MQTTCONF: mode 0 (+MQTTMSG) or 1 (+MQTTMSGI, the module's default).
 * atmqtt_conf_get() returns the mode or a negative errno.
 */
int atmqtt_conf_set(struct atmqtt_nl *nl, uint32_t modem, int mode);
int atmqtt_conf_get(struct atmqtt_nl *nl, uint32_t modem);

/* AT+MQTTOPEN? / AT+MQTTCLOSE?: the ids of the listed clients into
 * ids[0..n-1]; returns how many the modem listed (which may be more than
 * n: then only n were stored), or a negative errno.
 */
int atmqtt_openable(struct atmqtt_nl *nl, uint32_t modem, uint32_t *ids,
		    size_t n);
int atmqtt_closable(struct atmqtt_nl *nl, uint32_t modem, uint32_t *ids,
		    size_t n);

/* AT+MQTTOPEN. */
struct atmqtt_open_opts {
	size_t size;		/* sizeof(struct atmqtt_open_opts) */
	const char *host;	/* required */
	uint32_t port;		/* required, 1-65535 */
	int clean;		/* 0 or 1; -1: the default (1) */
	uint32_t keepalive;	/* seconds; 0: the default (60) */
};
#define ATMQTT_OPEN_OPTS_INIT \
	{ .size = sizeof(struct atmqtt_open_opts), .clean = -1 }
int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		       const struct atmqtt_open_opts *opts);
int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint32_t client);
int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		     const char *topic, int qos);
int atmqtt_unsubscribe(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		       const char *topic);

/* AT+MQTTPUB.  The payload is any bytes; one that is not printable ASCII
 * without '"' goes by <Datasize> on its own.
 */
#define ATMQTT_PUB_DATASIZE	0x1	/* <Datasize> even for printable data */
struct atmqtt_pub_opts {
	size_t size;		/* sizeof(struct atmqtt_pub_opts) */
	uint32_t qos;		/* 0-2, default 0 */
	uint32_t retain;	/* 0-1, default 0 */
	unsigned int flags;	/* ATMQTT_PUB_* */
};
#define ATMQTT_PUB_OPTS_INIT	{ .size = sizeof(struct atmqtt_pub_opts) }
/* opts may be NULL (the defaults).  Returns the form the kernel used: 0
 * quoted, ATMQTT_PUB_DATASIZE by <Datasize>; or a negative errno.
 */
int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		   const char *topic, const void *payload, size_t len,
		   const struct atmqtt_pub_opts *opts);

/* A received message, allocated by the library: its topic and payload are
 * whole, whatever their length; truncated is set when the kernel says the
 * modem's message was cut before it reached it.
 */
struct atmqtt_message {
	size_t size;
	uint32_t modem;
	uint32_t client;
	uint32_t qos;
	uint64_t seq;
	char *topic;
	uint8_t *payload;
	size_t payload_len;
	int truncated;
};
/* AT+MQTTREAD=<client>: 1 and *msg set (free it with
 * atmqtt_message_free()), 0 and *msg NULL when the modem had none; *msg is
 * NULL after a failure too.
 */
int atmqtt_read(struct atmqtt_nl *nl, uint32_t modem, uint32_t client,
		struct atmqtt_message **msg);
void atmqtt_message_free(struct atmqtt_message *msg);

/* AT+MQTT<X>=? (at: enum atmqtt_at): the modem's line into line[size]
 * (always NUL-terminated); returns the line's whole length, as snprintf()
 * does, so a return >= size means it was cut.
 */
int atmqtt_test(struct atmqtt_nl *nl, uint32_t modem, int at, char *line,
		size_t size);

/* One raw AT command line (CAP_NET_ADMIN).  timeout_ms 0: the default.
 * *reply is allocated by the library; free it with atmqtt_raw_free().  It
 * is NULL after a failure.
 */
struct atmqtt_raw_reply {
	size_t size;
	size_t nlines;
	const char *const *lines;	/* the information lines */
	const char *final;	/* "OK", "ERROR", "+CME ERROR: 10", ... */
	int truncated;		/* the kernel left lines out */
};
int atmqtt_raw(struct atmqtt_nl *nl, uint32_t modem, const char *line,
	       uint32_t timeout_ms, struct atmqtt_raw_reply **reply);
void atmqtt_raw_free(struct atmqtt_raw_reply *reply);

/* The kernel's view of the clients (ATMQTT_CMD_GET_CLIENT). */
struct atmqtt_client_info {
	size_t size;
	uint32_t modem;
	uint32_t client;
	uint32_t state;		/* enum atmqtt_client_state */
	uint32_t sub_count;
	uint32_t reconnect;
	uint32_t reconnect_min_ms;
	uint32_t reconnect_max_ms;
	int has_params;		/* opened through the module: the next four */
	const char *host;
	uint32_t port;
	uint32_t clean;
	uint32_t keepalive;
};
typedef int (*atmqtt_client_cb)(const struct atmqtt_client_info *c,
				void *arg);
/* Returns the number of clients reported. */
int atmqtt_client_list(struct atmqtt_nl *nl, uint32_t modem,
		       atmqtt_client_cb cb, void *arg);
/* Reconnect policy; reconnect -1, min_ms/max_ms 0: leave as is. */
int atmqtt_client_policy(struct atmqtt_nl *nl, uint32_t modem,
			 uint32_t client, int reconnect, uint32_t min_ms,
			 uint32_t max_ms);

struct atmqtt_sub_info {
	size_t size;
	uint32_t modem;
	uint32_t client;
	uint32_t qos;
	const char *topic;
};
typedef int (*atmqtt_sub_cb)(const struct atmqtt_sub_info *s, void *arg);
/* Returns the number of subscriptions reported. */
int atmqtt_sub_list(struct atmqtt_nl *nl, uint32_t modem, atmqtt_sub_cb cb,
		    void *arg);

/* Events (multicast group "events"). */
struct atmqtt_event {
	size_t size;
	int type;		/* enum atmqtt_evt */
	uint32_t modem;
	uint32_t client;	/* 0 when absent */
	uint32_t qos;		/* EVT_MESSAGE */
	uint32_t status;	/* EVT_RESULT */
	uint32_t urc;		/* EVT_RESULT, enum atmqtt_urc */
	uint32_t cause;		/* EVT_BREAK */
	uint32_t step;		/* EVT_RECONNECT, enum atmqtt_reconnect_step */
	const char *topic;	/* EVT_MESSAGE, EVT_RECONNECT (SUB) */
	const void *payload;	/* EVT_MESSAGE */
	size_t payload_len;
	uint64_t seq;		/* EVT_MESSAGE: its SEQ */
	uint64_t drops;		/* EVT_MESSAGE: the modem's DROPS */
	int truncated;		/* EVT_MESSAGE: the payload was cut */
	const char *line;	/* EVT_URC */
	uint32_t attempt;	/* EVT_RECONNECT */
	int32_t err;		/* EVT_RECONNECT: 0 or a negative errno */
	uint32_t delay_ms;	/* EVT_RECONNECT (WAIT) */
	const struct atmqtt_modem_info *modem_info; /* EVT_MODEM, else NULL */
};

/* A copy of an EVT_MESSAGE event's message, to keep past the callback;
 * NULL with errno set on failure.  Free it with atmqtt_message_free().
 */
struct atmqtt_message *atmqtt_event_message(const struct atmqtt_event *e);

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
 * overflowed and events were lost (atmqtt_events_overruns() counts how
 * often); -EINTR when a signal handler installed without SA_RESTART
 * interrupted the wait.
 */
int atmqtt_events_dispatch(struct atmqtt_events *ev, atmqtt_event_cb cb,
			   void *arg);
uint64_t atmqtt_events_overruns(const struct atmqtt_events *ev);

/* Only events of the types in types (ATMQTT_EVENT_BIT(ATMQTT_EVT_*) ORed)
 * reach this socket from now on; 0 lets every type through again.  The
 * kernel drops the others before they are queued (a socket filter).
 */
#define ATMQTT_EVENT_BIT(type)	((uint64_t)1 << (type))
int atmqtt_events_filter(struct atmqtt_events *ev, uint64_t types);

/* Line discipline helpers (no netlink): the ldisc number the module
 * registered (from /sys/module/atmqtt/parameters/ldisc), and attaching it
 * to an open tty fd with TIOCSETD.
 */
int atmqtt_ldisc_num(void);
int atmqtt_ldisc_attach(int fd);
int atmqtt_ldisc_detach(int fd);	/* back to N_TTY */

/* The library's version ("1.0.0"): that of the libatmqtt.so.1 loaded. */
const char *atmqtt_version(void);

const char *atmqtt_state_name(uint32_t state);
const char *atmqtt_urc_name(uint32_t urc);
const char *atmqtt_client_state_name(uint32_t state);
const char *atmqtt_step_name(uint32_t step);
const char *atmqtt_error_kind_name(int kind);
/* "user", "open", ... for enum atmqtt_at; 0 / NULL when unknown. */
int atmqtt_at_parse(const char *name);
const char *atmqtt_at_name(int at);

#ifdef __cplusplus
}
#endif
#endif /* LIBATMQTT_H */
