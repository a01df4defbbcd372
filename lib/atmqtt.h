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
	uint8_t mode;		/* +MQTTCONF mode the module set */
	uint64_t rx_seq;
	uint64_t rx_drops;
	uint64_t rx_stray;
	uint64_t rx_malformed;
	uint64_t rx_overflows;
	uint32_t mem_bytes;	/* kernel memory the modem holds */
	uint32_t tty_dev;	/* the tty's dev_t as the kernel encodes it
				 * (ATMQTT_A_TTY_DEV), 0 when the kernel did
				 * not say: ATMQTT_TTY_MAJOR()/_MINOR() */
	uint64_t resyncs;	/* exchanges the modem left unanswered */
};

/* The major and minor number of an ATMQTT_A_TTY_DEV value (the kernel's
 * new_encode_dev()).
 */
#define ATMQTT_TTY_MAJOR(d)	(((d) & 0xfff00) >> 8)
#define ATMQTT_TTY_MINOR(d)	(((d) & 0xff) | (((d) >> 12) & 0xfff00))

/* Calls cb once per attached modem (handle 0: all modems).  cb returning
 * non-zero stops the walk.  Returns the number of modems reported.
 */
typedef int (*atmqtt_modem_cb)(const struct atmqtt_modem_info *m, void *arg);
int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg);
/* Handle of the modem attached on tty, or a negative errno (-ENODEV when
 * none).  tty is a path ("/dev/ttyUSB2", "/dev/serial/by-id/...", links
 * resolved) or a name under /dev ("ttyUSB2", "pts/3"); it is matched by
 * device number when the kernel reports one (ATMQTT_A_TTY_DEV), else by
 * the kernel's name of the resolved path ("/dev/pts/3" is "pts3").  A
 * name that is no device here ("pts3") is matched by name.
 */
int atmqtt_modem_find(struct atmqtt_nl *nl, const char *tty, uint32_t *handle);

/* The modem's code of the last failed request ("ERROR: <n>" or
 * "+CME ERROR: <n>": ATMQTT_A_MODEM_ERROR), 0 when it gave none.
 */
uint32_t atmqtt_modem_error(const struct atmqtt_nl *nl);

/* AT+MQTTUSER.  client_id may be NULL (the modem then uses its IMEI). */
int atmqtt_user_set(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		    const char *username, const char *password,
		    const char *client_id);
struct atmqtt_user {
	uint8_t client;
	char username[ATMQTT_USERNAME_MAX + 1];
	char password[ATMQTT_PASSWORD_MAX + 1];
	char client_id[ATMQTT_CLIENT_ID_MAX + 1];
	int has_password;	/* 0: the caller lacks CAP_NET_ADMIN */
	int has_client_id;
};
/* AT+MQTTUSER?: fills up to ATMQTT_CLIENT_MAX entries, returns the count. */
int atmqtt_user_get(struct atmqtt_nl *nl, uint32_t modem,
		    struct atmqtt_user out[ATMQTT_CLIENT_MAX]);

/* AT+MQTTWILL.  payload: printable ASCII without '"', may be NULL. */
int atmqtt_will_set(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		    const char *topic, int qos, int retain,
		    const char *payload);
struct atmqtt_will {
	uint8_t client;
	uint8_t qos;
	uint8_t retain;
	char topic[ATMQTT_TOPIC_MAX + 1];
	char payload[ATMQTT_PAYLOAD_MAX + 1];
	int has_payload;	/* 0: the caller lacks CAP_NET_ADMIN */
};
int atmqtt_will_get(struct atmqtt_nl *nl, uint32_t modem,
		    struct atmqtt_will out[ATMQTT_CLIENT_MAX]);

/* AT+MQTTCONF: mode 0 (+MQTTMSG) or 1 (+MQTTMSGI, the module's default).
 * atmqtt_conf_get() returns the mode or a negative errno.
 */
int atmqtt_conf_set(struct atmqtt_nl *nl, uint32_t modem, int mode);
int atmqtt_conf_get(struct atmqtt_nl *nl, uint32_t modem);

/* AT+MQTTOPEN? / AT+MQTTCLOSE?: bitmask of the listed clients (bit n for
 * client n, 0 for "+MQTT...: 0"), or a negative errno.
 */
int atmqtt_openable(struct atmqtt_nl *nl, uint32_t modem);
int atmqtt_closable(struct atmqtt_nl *nl, uint32_t modem);

/* clean: 0, 1, or -1 for the default; keepalive: 1-300, or 0 for default. */
int atmqtt_client_open(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *host, uint32_t port, int clean,
		       int keepalive);
int atmqtt_client_close(struct atmqtt_nl *nl, uint32_t modem, uint8_t client);
int atmqtt_subscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		     const char *topic, int qos);
int atmqtt_unsubscribe(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		       const char *topic);

#define ATMQTT_PUB_DATASIZE	0x1	/* <Datasize> even for printable data */
/* Any bytes; a payload that is not printable ASCII without '"' goes by
 * <Datasize> on its own.  *used_datasize (may be NULL) tells the form the
 * kernel chose.
 */
int atmqtt_publish(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		   const char *topic, int qos, int retain,
		   const void *payload, size_t len, unsigned int flags,
		   int *used_datasize);

struct atmqtt_message {
	uint32_t modem;
	uint8_t client;
	uint8_t qos;
	uint64_t seq;
	char topic[ATMQTT_TOPIC_MAX + 1];
	uint8_t payload[ATMQTT_PAYLOAD_MAX];
	size_t payload_len;
};
/* AT+MQTTREAD=<client>: 1 and *msg filled, 0 when the modem had none. */
int atmqtt_read(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
		struct atmqtt_message *msg);

/* AT+MQTT<X>=? (at: enum atmqtt_at): the modem's line into line[size]
 * (cut to fit, always NUL-terminated).
 */
int atmqtt_test(struct atmqtt_nl *nl, uint32_t modem, int at, char *line,
		size_t size);

/* One raw AT command line (CAP_NET_ADMIN).  timeout_ms 0: the default. */
struct atmqtt_raw_reply {
	char lines[8192];	/* information lines, each ended by '\n' */
	unsigned int nlines;
	char final[128];	/* "OK", "ERROR", "+CME ERROR: 10", ... */
	int truncated;
};
int atmqtt_raw(struct atmqtt_nl *nl, uint32_t modem, const char *line,
	       uint32_t timeout_ms, struct atmqtt_raw_reply *reply);

/* The kernel's view of the clients (ATMQTT_CMD_GET_CLIENT). */
struct atmqtt_client_info {
	uint32_t modem;
	uint8_t client;
	uint8_t state;		/* enum atmqtt_client_state */
	uint32_t sub_count;
	uint8_t reconnect;
	uint32_t reconnect_min_ms;
	uint32_t reconnect_max_ms;
	int has_params;		/* opened through the module: the next four */
	char host[ATMQTT_HOST_MAX + 1];
	uint16_t port;
	uint8_t clean;
	uint16_t keepalive;
};
typedef int (*atmqtt_client_cb)(const struct atmqtt_client_info *c,
				void *arg);
int atmqtt_client_list(struct atmqtt_nl *nl, uint32_t modem,
		       atmqtt_client_cb cb, void *arg);
/* Reconnect policy; reconnect -1, min_ms/max_ms 0: leave as is. */
int atmqtt_client_policy(struct atmqtt_nl *nl, uint32_t modem, uint8_t client,
			 int reconnect, uint32_t min_ms, uint32_t max_ms);

struct atmqtt_sub_info {
	uint32_t modem;
	uint8_t client;
	uint8_t qos;
	char topic[ATMQTT_TOPIC_MAX + 1];
};
typedef int (*atmqtt_sub_cb)(const struct atmqtt_sub_info *s, void *arg);
int atmqtt_sub_list(struct atmqtt_nl *nl, uint32_t modem, atmqtt_sub_cb cb,
		    void *arg);

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
	uint8_t step;		/* EVT_RECONNECT, enum atmqtt_reconnect_step */
	const char *tty;	/* EVT_MODEM, NULL when absent */
	const char *topic;	/* EVT_MESSAGE, EVT_RECONNECT (SUB) */
	const void *payload;	/* EVT_MESSAGE */
	size_t payload_len;
	uint64_t seq;		/* EVT_MESSAGE: ATMQTT_A_RX_SEQ */
	uint64_t drops;		/* EVT_MESSAGE: ATMQTT_A_RX_DROPS */
	const char *line;	/* EVT_URC */
	uint32_t attempt;	/* EVT_RECONNECT */
	int32_t err;		/* EVT_RECONNECT: 0 or a negative errno */
	uint32_t delay_ms;	/* EVT_RECONNECT (WAIT) */
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
 * overflowed and events were lost (the counter below says how often);
 * -EINTR when a signal handler installed without SA_RESTART interrupted
 * the wait, so that the caller can look at what its handler set.
 */
int atmqtt_events_dispatch(struct atmqtt_events *ev, atmqtt_event_cb cb,
			   void *arg);
uint64_t atmqtt_events_overruns(const struct atmqtt_events *ev);

/* Only events of the types in types (ATMQTT_EVENT_BIT(ATMQTT_EVT_*) ORed)
 * reach this socket from now on; 0 lets every type through again.  The
 * kernel drops the others before they are queued (a socket filter, as
 * libudev's monitor uses): no wake-up, no read, no room taken in the
 * receive buffer.  For an application that consumes messages and does not
 * need a RESULT event for each request it makes.  0 or a negative errno.
 * A MESSAGE event that no socket took counts in the modem's RX_DROPS.
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

/* The library's version, "0.3.0" (the package's VERSION): that of the
 * libatmqtt.so.0 loaded, which may be newer than the one the program was
 * built with.
 */
const char *atmqtt_version(void);

const char *atmqtt_state_name(uint8_t state);
const char *atmqtt_urc_name(uint8_t urc);
const char *atmqtt_client_state_name(uint8_t state);
const char *atmqtt_step_name(uint8_t step);
/* "user", "open", ... for enum atmqtt_at; 0 / NULL when unknown. */
int atmqtt_at_parse(const char *name);
const char *atmqtt_at_name(int at);

#ifdef __cplusplus
}
#endif
#endif /* LIBATMQTT_H */
