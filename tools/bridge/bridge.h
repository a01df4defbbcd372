/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-bridge: every MQTT client of a gateway reaches the cloud through
 * the modem's own MQTT client, by way of a local mosquitto
 * (Documentation/bridge.rst).
 *
 * Three connections, one thread, one poll() loop:
 *
 *   out   libmosquitto, MQTT v5, to the local broker: a persistent session
 *         (clean start off, no session expiry, a fixed client id)
 *         subscribed to the out patterns.  It is connected only while the
 *         modem's client is up, so mosquitto queues for it (bounded by its
 *         max_queued_messages) while the link is down.  It is in
 *         libmosquitto's threaded mode without a thread: no packet leaves
 *         before this program calls mosquitto_loop_write(), so the PUBACK
 *         of a message goes only once the modem has published it (for QoS
 *         1, once the cloud acknowledged it); when the modem could not,
 *         the connection is cut with the PUBACK unsent and mosquitto sends
 *         the message again.  At least once, in order.
 *   in    libmosquitto, MQTT v5, clean: publishes what the modem receives
 *         on the in patterns, with the user property
 *         "atmqtt-bridge" = <connection name>, which the out connection
 *         takes as its own and never sends back out; while the link is
 *         down it also subscribes (no-local) to the out patterns, to count
 *         what is left queued (QoS 1, 2) or dropped (QoS 0).
 *   modem libatmqtt: one of the modem's clients, opened with the cloud's
 *         parameters and the kernel's reconnect policy on; its events say
 *         when the link breaks and when the policy has it back.
 *
 * A publish through the modem blocks this thread until the modem's
 * +MQTTPUB; one in flight when the link breaks would wait for the module's
 * urc_timeout_ms (30 s), since a +MQTTBREAK does not end it.  A second
 * thread (the watcher) reads the BREAK events on a socket of its own and
 * interrupts such a publish with SIGUSR1: the module returns -ECANCELED
 * at once (it finishes the exchange itself) and the message is left to
 * mosquitto like any other failed one.
 *
 * A file a concern; calls go down this list only (libmosquitto calls
 * out.c's and in.c's callbacks, libatmqtt link.c's on_event(), from the
 * loop):
 *
 *   main.c    the commands: run, check, status    -> loop modem status log
 *                                                    conf
 *   loop.c    run(): the poll() loop, its timers, -> link out in modem
 *             the start and the end                  status log conf
 *   link.c    the link (the modem's client): set  -> out in modem status
 *             up, down, up again (the events)        log conf
 *   out.c     out: local -> modem                 -> modem topics log conf
 *   in.c      in: modem -> local, the monitor,    -> topics log
 *             the local notification
 *   modem.c   the modem and its limits, its       -> log
 *             client's state, a publish, the
 *             watcher, the remote notification
 *   topics.c  a message's rule, our own messages, -> log conf
 *             echoes
 *   status.c  the status file: write, show        -> log
 *   log.c     time, logs, systemd, error texts
 *   conf.c    the configuration file, and whether
 *             it fits a modem's limits
 *
 * This header declares what crosses from one file to another, under the
 * file that defines it.
 */
#ifndef ATMQTT_BRIDGE_H
#define ATMQTT_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>

#include <linux/atmqtt.h>
#include <mosquitto.h>

#include "atmqtt.h"

#define BRIDGE_NAME_MAX		64
#define BRIDGE_RULES_MAX	256		/* topic lines in a file */
#define BRIDGE_LOCAL_TOPIC_MAX	65535		/* MQTT's string limit */

/*
 * What a file can say without a modem: MQTT's own bounds and the family's
 * policy (the same for every modem).  What a modem takes (struct
 * atmqtt_limits: its clients, string lengths, keepalive, QoS, tracked
 * subscriptions) is checked against the modem itself, by conf_fit(), when
 * the bridge (or check) finds it.
 */
#define BRIDGE_STR_MAX		65535		/* MQTT's string limit */
#define BRIDGE_KEEPALIVE_MAX	65535		/* MQTT's 16-bit keepalive */
#define BRIDGE_QOS_MAX		2
#define BRIDGE_CLIENT_MAX	255		/* the family's client ids */
#define BRIDGE_RESTART_MS_MIN	100		/* the family's reconnect */
#define BRIDGE_RESTART_MS_MAX	3600000		/* policy bounds */

/* Exit status of a configuration the daemon refuses (the unit does not
 * restart on it: RestartPreventExitStatus).
 */
#define EXIT_CONFIG		2

enum dir {
	DIR_OUT = 1,		/* local -> modem -> cloud */
	DIR_IN = 2,		/* cloud -> modem -> local */
	DIR_BOTH = DIR_OUT | DIR_IN,
};

/* One "topic <pattern> [out|in|both [<qos> [<local> <remote>]]]" line. */
struct rule {
	char *pattern;		/* "" when the prefixes name one topic */
	enum dir dir;
	int qos;
	char *local_prefix;	/* "" when none */
	char *remote_prefix;
	char *local_filter;	/* local_prefix + pattern */
	char *remote_filter;	/* remote_prefix + pattern */
	int line;
};

struct conf {
	const char *file;
	char name[BRIDGE_NAME_MAX + 1];	/* "connection", else the file's */

	/* The modem and its client. */
	char *modem_tty;	/* "modem /dev/ttyUSB2" */
	uint32_t modem_handle;	/* "modem 3" (tty NULL) */
	int client;		/* modem_client, 1 to the modem's clients */

	/* The cloud broker, through the modem. */
	char *host;
	uint32_t port;
	int keepalive;		/* keepalive_interval, 1 to the modem's s */
	int clean;		/* cleansession */
	char *clientid;		/* remote_clientid, NULL: the modem's IMEI */
	char *username;		/* remote_username */
	char *password;		/* remote_password: never printed */
	char *will_topic;
	char *will_payload;
	int will_qos;
	int will_retain;
	uint32_t restart_min_ms;	/* restart_timeout <base> [<cap>] */
	uint32_t restart_max_ms;

	/* The local broker. */
	char *local_host;
	uint32_t local_port;
	char *local_clientid;
	char *local_username;
	char *local_password;	/* never printed */

	/* "notifications": the bridge's state, retained, on the local
	 * broker (and on the remote one unless notifications_local_only).
	 */
	bool notifications;
	bool notifications_local_only;
	char *notification_topic;

	struct rule rules[BRIDGE_RULES_MAX];
	int nrules;

	/* The line of each key the modem's limits bound (0: not given). */
	struct {
		int client, address, keepalive, clientid, username, password;
		int will_topic, will_payload, will_qos, notification_topic;
	} at;
};

/* ---- conf.c ----------------------------------------------------------- */

/*
 * Read and check the file: 0, or EXIT_CONFIG after one "FILE:LINE: what"
 * line (or "FILE: what") on err.
 */
int conf_load(struct conf *c, const char *file, FILE *err);
void conf_free(struct conf *c);
/* The configuration as the daemon understood it, secrets left out. */
void conf_print(const struct conf *c, FILE *f);
/*
 * Whether a modem with these limits can carry the configuration: 0, or
 * EXIT_CONFIG with "FILE:LINE: what" (the first line that does not fit)
 * in msg.
 */
int conf_fit(const struct conf *c, const struct atmqtt_limits *l, char *msg,
	     size_t size);
/* "clients=2,topic=255,...": the limits check -L takes instead of a
 * modem's (members not named: no limit).  0 or -EINVAL.
 */
int limits_parse(const char *spec, struct atmqtt_limits *l);

/* MQTT matching: topic against filter ('+' one level, '#' the rest). */
bool topic_match(const char *filter, const char *topic);
/* A string the modem takes between quotes: at most max printable ASCII
 * characters, no '"'.
 */
bool modem_quotable(const char *s, size_t max);

/* ---- the daemon's state ------------------------------------------------- */

#define RUN_DIR		"/run/atmqtt-bridge"
#define MARKER		"atmqtt-bridge"	/* user property of our publishes */
#define LOCAL_KEEPALIVE	60
#define ECHO_MAX	64		/* out messages an echo may follow */
#define LOCAL_RETRY_MIN_MS 500		/* reconnecting to the local broker */
#define LOCAL_RETRY_MAX_MS 10000

enum link {
	LINK_NOMODEM,	/* the modem is not attached */
	LINK_SETUP,	/* opening the client (again after setup_at) */
	LINK_UP,	/* the client is open and subscribed */
	LINK_DOWN,	/* broke; the kernel's reconnect policy works */
	LINK_STOPPED,
};

extern const char *const link_names[];	/* status.c */

struct counters {
	uint64_t forwarded_out;	/* published by the modem */
	uint64_t forwarded_in;	/* published to the local broker */
	uint64_t dropped_qos0;	/* QoS 0 out: link down, or publish failed */
	uint64_t dropped_in;	/* from the modem, the local broker away */
	uint64_t dropped_invalid; /* no modem can carry it (size, topic) */
	uint64_t dropped_refused; /* the modem refused it REFUSED_MAX times */
	uint64_t retried;	/* left to mosquitto after a failed publish */
	uint64_t queued;	/* QoS 1, 2 out, published while the link was down */
	uint64_t backlog;	/* of those, not forwarded yet (an estimate) */
	uint64_t loops_blocked;	/* our own local publishes, not sent back */
	uint64_t echoes_dropped; /* what the cloud sent back of ours */
	uint64_t lost_in;	/* the modem's messages the events socket lost */
	uint64_t ignored;	/* out messages of no configured pattern */
	uint64_t outages;
};

struct echo {
	uint64_t hash;
	double at;
};

struct bridge {
	struct conf c;
	const char *status_path;
	bool verbose;

	struct atmqtt_nl *nl;
	struct atmqtt_events *ev;
	uint32_t modem;
	struct atmqtt_limits lim;	/* the modem's, read by modem_find() */
	bool misfit;		/* the configuration does not fit the modem */
	enum link link;
	double link_since, down_since;
	double setup_at;	/* SETUP, NOMODEM: the next attempt */
	uint32_t setup_delay_ms;
	double check_at;	/* DOWN: look at the client's state then */
	int rc_sub_failed;	/* the reconnect run's failed subscriptions */
	bool await_open;	/* setup's +MQTTOPEN result event not seen yet */
	uint32_t attempts;	/* of the reconnect under way */
	char last_error[256];

	struct mosquitto *out;
	bool out_up, out_lost;
	double out_at;
	uint32_t out_delay_ms;
	bool nack;		/* the batch failed: cut, no PUBACK */
	uint64_t fail_hash;
	int fail_count;

	struct mosquitto *in;
	bool in_up, in_lost;
	double in_at;
	uint32_t in_delay_ms;
	bool monitor;		/* in is subscribed to the out patterns */

	uint64_t last_seq;
	struct echo echo[ECHO_MAX];
	unsigned int echo_next;
	struct counters n;
	bool dirty;
	double status_at;
	unsigned int status_failed;
	double log_at;		/* per-message warnings: one a second */
	unsigned long log_skipped;
};

/* ---- log.c -------------------------------------------------------------- */

extern bool use_syslog, use_journal;
extern const char *log_name;

double now(void);
/* The next wait of a doubling backoff: min_ms first, then twice the last,
 * at most max_ms; *delay_ms holds the last (0: none yet).  Returns when the
 * wait ends, on now()'s clock.
 */
double backoff(uint32_t *delay_ms, uint32_t min_ms, uint32_t max_ms);
__attribute__((format(printf, 3, 4)))
void logm(struct bridge *b, int prio, const char *fmt, ...);
bool ratelimit(struct bridge *b);
void notify(const char *fmt, ...);
const char *nl_err(struct bridge *b, int err);
const char *cause_name(uint32_t cause);

/* ---- status.c ----------------------------------------------------------- */

void status_write(struct bridge *b);
int cmd_status(int argc, char **argv, const char *status_path);
char *status_default(const struct conf *c);

/* ---- topics.c ----------------------------------------------------------- */

uint64_t msg_hash(const char *topic, const void *payload, size_t len);
const struct rule *out_rule(struct bridge *b, const char *topic,
			    const mosquitto_property *props);
const struct rule *in_rule(struct bridge *b, const char *topic);
bool ours(struct bridge *b, const mosquitto_property *props);
void echo_note(struct bridge *b, const char *rtopic, const void *payload,
	       size_t len);
bool echo_take(struct bridge *b, const char *topic, const void *payload,
	       size_t len);

/* ---- modem.c ------------------------------------------------------------ */

int watch_start(void);
void watch_stop(void);
int modem_publish(struct bridge *b, const char *topic, int qos, int retain,
		  const void *payload, size_t len, int *used, bool *broke);
int client_state(struct bridge *b);
int modem_find(struct bridge *b, int *state);
/* Whether the modem reported its limits (a modem has 1 client at least;
 * the library leaves a limit the kernel did not give at 0).
 */
static inline bool limits_known(const struct atmqtt_limits *l)
{
	return l->clients > 0;
}
void notify_remote(struct bridge *b, const char *v);

/* ---- in.c --------------------------------------------------------------- */

void in_connect(struct bridge *b);
void monitor_set(struct bridge *b, bool on);
void in_forward(struct bridge *b, const struct atmqtt_event *e);
void notify_local(struct bridge *b);

/* ---- out.c -------------------------------------------------------------- */

void out_connect(struct bridge *b);
void out_abort(struct bridge *b);
void flush_writes(struct mosquitto *m);
void out_close(struct bridge *b);

/* ---- link.c ------------------------------------------------------------- */

void link_down(struct bridge *b, enum link l, const char *why);
void setup(struct bridge *b);
void check_client(struct bridge *b);
int on_event(const struct atmqtt_event *e, void *arg);

/* ---- loop.c ------------------------------------------------------------- */

int run(struct bridge *b);

#endif /* ATMQTT_BRIDGE_H */
