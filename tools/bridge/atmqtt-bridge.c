// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: every MQTT client of a gateway reaches the cloud through
 * the modem's own MQTT client, by way of a local mosquitto
 * (Documentation/bridge.rst).
 *
 *   atmqtt-bridge [run] -c FILE [-S STATUS_FILE] [-v] [--syslog]
 *   atmqtt-bridge check -c FILE
 *   atmqtt-bridge status [NAME...] [-S STATUS_FILE]
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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "atmqtt.h"
#include "bridge.h"

#define RUN_DIR		"/run/atmqtt-bridge"
#define MARKER		"atmqtt-bridge"	/* user property of our publishes */
#define LOCAL_KEEPALIVE	60
#define ECHO_MAX	64		/* out messages an echo may follow */
#define ECHO_WINDOW	30.0		/* s */
#define REFUSED_MAX	3		/* publishes of one message the modem refuses */
#define STATUS_EVERY	1.0		/* s between status file updates */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum link {
	LINK_NOMODEM,	/* the modem is not attached */
	LINK_SETUP,	/* opening the client (again after setup_at) */
	LINK_UP,	/* the client is open and subscribed */
	LINK_DOWN,	/* broke; the kernel's reconnect policy works */
	LINK_STOPPED,
};

static const char *const link_names[] = {
	[LINK_NOMODEM] = "nomodem", [LINK_SETUP] = "setup", [LINK_UP] = "up",
	[LINK_DOWN] = "down", [LINK_STOPPED] = "stopped",
};

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

static volatile sig_atomic_t stop_sig;
static bool use_syslog, use_journal;
static const char *log_name = "";

/* ---- time, logs, systemd ----------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * To syslog, or to stderr: with a "<prio>" prefix under systemd (journald
 * reads it), else "atmqtt-bridge[name]: ".  Nothing secret is ever passed
 * here: no password, no payload.
 */
__attribute__((format(printf, 3, 4)))
static void logm(struct bridge *b, int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && (!b || !b->verbose))
		return;
	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		if (use_journal)
			fprintf(stderr, "<%d>", prio);
		else
			fprintf(stderr, "atmqtt-bridge[%s]: ", log_name);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
	if (b && prio <= LOG_WARNING) {
		va_start(ap, fmt);
		vsnprintf(b->last_error, sizeof(b->last_error), fmt, ap);
		va_end(ap);
		b->dirty = true;
	}
}

/* Per-message warnings: one a second, the rest counted. */
static bool ratelimit(struct bridge *b)
{
	double t = now();

	if (t - b->log_at < 1.0) {
		b->log_skipped++;
		return false;
	}
	if (b->log_skipped)
		logm(b, LOG_WARNING, "(%lu more like the next one in the last second)",
		     b->log_skipped);
	b->log_at = t;
	b->log_skipped = 0;
	return true;
}

/* sd_notify(3)'s protocol, without libsystemd: one datagram. */
static void notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char msg[256];
	va_list ap;
	size_t n;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   offsetof(struct sockaddr_un, sun_path) + n) < 0) {
		/* nothing to do about it */
	}
	close(fd);
}

/* "Connection timed out: <the kernel's extended ack> (modem error 703)" */
static const char *nl_err(struct bridge *b, int err)
{
	static char buf[320];
	const char *ext = atmqtt_ext_error(b->nl);
	uint32_t code = atmqtt_modem_error(b->nl);
	int n;

	n = snprintf(buf, sizeof(buf), "%s", strerror(-err));
	if (ext && *ext && n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, ": %s", ext);
	if (code && n < (int)sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " (modem error %u)", code);
	return buf;
}

static const char *cause_name(uint8_t cause)
{
	static const char *const names[] = {
		"unknown", "broker or ping", "wireless link", "not registered",
	};

	return cause < ARRAY_SIZE(names) ? names[cause] : "unknown";
}

/* ---- status file ------------------------------------------------------- */

static void status_write(struct bridge *b)
{
	char tmp[PATH_MAX];
	const struct counters *n = &b->n;
	double t = now();
	FILE *f;

	b->status_at = t;
	b->dirty = false;
	if (!b->status_path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", b->status_path);
	f = fopen(tmp, "w");
	if (!f) {
		if (!b->status_failed++)
			logm(b, LOG_WARNING, "status file %s: %s", tmp,
			     strerror(errno));
		return;
	}
	fprintf(f, "name=%s\npid=%d\nstate=%s\nstate_seconds=%.0f\n",
		b->c.name, (int)getpid(), link_names[b->link],
		t - b->link_since);
	if (b->c.modem_tty)
		fprintf(f, "modem=%s\n", b->c.modem_tty);
	else
		fprintf(f, "modem=%u\n", b->c.modem_handle);
	fprintf(f, "modem_handle=%u\nmodem_client=%d\nbroker=%s:%u\n",
		b->link == LINK_NOMODEM ? 0 : b->modem, b->c.client, b->c.host,
		b->c.port);
	fprintf(f, "local=%s:%u\nlocal_out=%s\nlocal_in=%s\nmonitor=%s\n",
		b->c.local_host, b->c.local_port,
		b->out_up ? "connected" : "disconnected",
		b->in_up ? "connected" : "disconnected",
		b->monitor ? "on" : "off");
	fprintf(f, "reconnect_attempts=%u\n", b->attempts);
	fprintf(f, "forwarded_out=%llu\nforwarded_in=%llu\n",
		(unsigned long long)n->forwarded_out,
		(unsigned long long)n->forwarded_in);
	fprintf(f, "dropped_qos0=%llu\ndropped_in=%llu\ndropped_invalid=%llu\ndropped_refused=%llu\n",
		(unsigned long long)n->dropped_qos0,
		(unsigned long long)n->dropped_in,
		(unsigned long long)n->dropped_invalid,
		(unsigned long long)n->dropped_refused);
	fprintf(f, "queued=%llu\nbacklog=%llu\nretried=%llu\n",
		(unsigned long long)n->queued,
		(unsigned long long)n->backlog,
		(unsigned long long)n->retried);
	fprintf(f, "loops_blocked=%llu\nechoes_dropped=%llu\nlost_in=%llu\nignored=%llu\noutages=%llu\n",
		(unsigned long long)n->loops_blocked,
		(unsigned long long)n->echoes_dropped,
		(unsigned long long)n->lost_in,
		(unsigned long long)n->ignored,
		(unsigned long long)n->outages);
	fprintf(f, "last_error=%s\n", b->last_error);
	if (fclose(f) || rename(tmp, b->status_path))
		unlink(tmp);
}

/* ---- topics ------------------------------------------------------------ */

static uint64_t msg_hash(const char *topic, const void *payload, size_t len)
{
	const unsigned char *p = (const unsigned char *)topic;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (i = 0; i < len; i++)
		h = (h ^ ((const unsigned char *)payload)[i]) * 0x100000001b3ULL;
	return h;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * The rule an out message goes by: the first out rule whose local filter
 * matches (and whose prefix starts the topic).  mosquitto sends a copy per
 * matching subscription, each with its subscription identifier (the rule's
 * index + 1): only the copy of the first rule goes out.
 */
static const struct rule *out_rule(struct bridge *b, const char *topic,
				   const mosquitto_property *props)
{
	const mosquitto_property *p;
	uint32_t id;
	bool any = false;
	int i;

	for (i = 0; i < b->c.nrules; i++) {
		const struct rule *r = &b->c.rules[i];

		if ((r->dir & DIR_OUT) && has_prefix(topic, r->local_prefix) &&
		    topic_match(r->local_filter, topic))
			break;
	}
	if (i == b->c.nrules)
		return NULL;
	for (p = mosquitto_property_read_varint(props,
			MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &id, false);
	     p; p = mosquitto_property_read_varint(p,
			MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &id, true)) {
		if (id == (uint32_t)i + 1)
			return &b->c.rules[i];
		any = true;
	}
	return any ? NULL : &b->c.rules[i];
}

static const struct rule *in_rule(struct bridge *b, const char *topic)
{
	int i;

	for (i = 0; i < b->c.nrules; i++) {
		const struct rule *r = &b->c.rules[i];

		if ((r->dir & DIR_IN) && has_prefix(topic, r->remote_prefix) &&
		    topic_match(r->remote_filter, topic))
			return r;
	}
	return NULL;
}

/* Published locally by an atmqtt-bridge of this name: ours. */
static bool ours(struct bridge *b, const mosquitto_property *props)
{
	const mosquitto_property *p;
	char *name = NULL, *value = NULL;
	bool found = false;

	for (p = mosquitto_property_read_string_pair(props,
			MQTT_PROP_USER_PROPERTY, &name, &value, false);
	     p && !found; p = mosquitto_property_read_string_pair(p,
			MQTT_PROP_USER_PROPERTY, &name, &value, true)) {
		found = !strcmp(name, MARKER) && !strcmp(value, b->c.name);
		free(name);
		free(value);
		name = value = NULL;
	}
	return found;
}

/* An out message whose remote topic an in pattern takes comes back. */
static void echo_note(struct bridge *b, const char *rtopic,
		      const void *payload, size_t len)
{
	if (!in_rule(b, rtopic))
		return;
	b->echo[b->echo_next].hash = msg_hash(rtopic, payload, len);
	b->echo[b->echo_next].at = now();
	b->echo_next = (b->echo_next + 1) % ECHO_MAX;
}

static bool echo_take(struct bridge *b, const char *topic,
		      const void *payload, size_t len)
{
	uint64_t h = msg_hash(topic, payload, len);
	double t = now();
	unsigned int i;

	for (i = 0; i < ECHO_MAX; i++) {
		if (b->echo[i].at && b->echo[i].hash == h &&
		    t - b->echo[i].at < ECHO_WINDOW) {
			b->echo[i].at = 0;
			return true;
		}
	}
	return false;
}

/* ---- the watcher -------------------------------------------------------- */

static struct {
	pthread_t main, thread;
	bool started;
	atomic_uint modem;
	atomic_int client;
	atomic_bool publishing;	/* the main thread is in modem_publish() */
	atomic_bool broke;	/* ... and the link broke meanwhile */
	atomic_bool stop;
} watch;

static void on_usr1(int sig)
{
	(void)sig;		/* only to interrupt the module's wait */
}

static int watch_event(const struct atmqtt_event *e, void *arg)
{
	(void)arg;
	if (e->modem != atomic_load(&watch.modem) ||
	    e->client != atomic_load(&watch.client))
		return 0;
	if (e->type == ATMQTT_EVT_BREAK ||
	    (e->type == ATMQTT_EVT_RESULT && e->urc == ATMQTT_URC_CLOSE &&
	     e->status == 1)) {
		if (atomic_load(&watch.publishing)) {
			atomic_store(&watch.broke, true);
			pthread_kill(watch.main, SIGUSR1);
		}
	}
	return 0;
}

static void *watch_run(void *arg)
{
	struct atmqtt_events *ev = arg;
	struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };

	while (!atomic_load(&watch.stop)) {
		if (poll(&p, 1, 100) > 0)
			atmqtt_events_dispatch(ev, watch_event, NULL);
		/* The signal may have come before the module's wait began. */
		if (atomic_load(&watch.broke) && atomic_load(&watch.publishing))
			pthread_kill(watch.main, SIGUSR1);
	}
	atmqtt_events_close(ev);
	return NULL;
}

static int watch_start(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct atmqtt_events *ev = atmqtt_events_open();
	sigset_t set, old;
	int err;

	if (!ev)
		return -errno;
	err = atmqtt_events_filter(ev, ATMQTT_EVENT_BIT(ATMQTT_EVT_BREAK) |
				   ATMQTT_EVENT_BIT(ATMQTT_EVT_RESULT));
	if (err) {
		atmqtt_events_close(ev);
		return err;
	}
	sigaction(SIGUSR1, &sa, NULL);
	watch.main = pthread_self();
	/* The watcher takes no signal: they are the main thread's. */
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	err = -pthread_create(&watch.thread, NULL, watch_run, ev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		atmqtt_events_close(ev);
		return err;
	}
	watch.started = true;
	return 0;
}

static void watch_stop(void)
{
	if (!watch.started)
		return;
	atomic_store(&watch.stop, true);
	pthread_join(watch.thread, NULL);
	watch.started = false;
}

/* atmqtt_publish(), which the watcher ends when the link breaks. */
static int modem_publish(struct bridge *b, const char *topic, int qos,
			 int retain, const void *payload, size_t len,
			 int *used, bool *broke)
{
	int err;

	atomic_store(&watch.modem, b->modem);
	atomic_store(&watch.client, b->c.client);
	atomic_store(&watch.broke, false);
	atomic_store(&watch.publishing, true);
	err = atmqtt_publish(b->nl, b->modem, b->c.client, topic, qos, retain,
			     payload, len, 0, used);
	atomic_store(&watch.publishing, false);
	*broke = atomic_load(&watch.broke);
	return err;
}

/* ---- the modem --------------------------------------------------------- */

static int client_state_cb(const struct atmqtt_client_info *c, void *arg)
{
	int *st = arg;

	if (c->client == st[1]) {
		st[0] = c->state;
		return 1;
	}
	return 0;
}

/* enum atmqtt_client_state of our client, or -1. */
static int client_state(struct bridge *b)
{
	int st[2] = { -1, b->c.client };

	if (atmqtt_client_list(b->nl, b->modem, client_state_cb, st) < 0)
		return -1;
	return st[0];
}

static int modem_state_cb(const struct atmqtt_modem_info *m, void *arg)
{
	*(int *)arg = m->state;
	return 1;
}

/* The configured modem's handle and state: 0, or -ENODEV. */
static int modem_find(struct bridge *b, int *state)
{
	uint32_t h = b->c.modem_handle;
	int err = 0;

	*state = -1;
	if (b->c.modem_tty)
		err = atmqtt_modem_find(b->nl, b->c.modem_tty, &h);
	if (err)
		return err;
	if (atmqtt_modem_list(b->nl, h, modem_state_cb, state) <= 0 ||
	    *state == ATMQTT_MODEM_DEAD)
		return -ENODEV;
	if (h != b->modem)
		b->last_seq = 0;	/* a new modem counts from 1 */
	b->modem = h;
	return 0;
}

static void monitor_set(struct bridge *b, bool on);
static void out_close(struct bridge *b);
static void notify_local(struct bridge *b);
static void notify_remote(struct bridge *b, const char *v);

static void link_set(struct bridge *b, enum link l)
{
	if (b->link == l)
		return;
	b->link = l;
	b->link_since = now();
	b->dirty = true;
	notify("STATUS=link %s", link_names[l]);
	status_write(b);
}

static void link_up(struct bridge *b, const char *how)
{
	if (b->link == LINK_DOWN)
		logm(b, LOG_NOTICE, "link up (%s) after %.1f s down; forwarding what mosquitto kept",
		     how, now() - b->down_since);
	else
		logm(b, LOG_NOTICE, "link up (%s): %s:%u through modem %u, client %d",
		     how, b->c.host, b->c.port, b->modem, b->c.client);
	b->attempts = 0;
	b->setup_delay_ms = 0;
	link_set(b, LINK_UP);
	monitor_set(b, false);
	b->out_at = now();
	b->out_delay_ms = 0;
	notify_local(b);
	notify_remote(b, "1");
}

/* The link went away: stop taking messages, let mosquitto keep them. */
static void link_down(struct bridge *b, enum link l, const char *why)
{
	bool was_up = b->link == LINK_UP;

	if (was_up) {
		b->n.outages++;
		b->down_since = now();
		logm(b, LOG_WARNING, "link down (%s): QoS 1 and 2 messages wait in the local broker, QoS 0 ones are dropped",
		     why);
	}
	out_close(b);
	link_set(b, l);
	monitor_set(b, true);
	if (was_up)
		notify_local(b);
}

static void setup_retry(struct bridge *b, const char *what, int err)
{
	b->setup_delay_ms = b->setup_delay_ms ?
		b->setup_delay_ms * 2 : b->c.restart_min_ms;
	if (b->setup_delay_ms > b->c.restart_max_ms)
		b->setup_delay_ms = b->c.restart_max_ms;
	b->setup_at = now() + b->setup_delay_ms / 1000.0;
	logm(b, LOG_WARNING, "%s: %s; again in %.1f s", what, nl_err(b, err),
	     b->setup_delay_ms / 1000.0);
}

static int subscribe_in(struct bridge *b)
{
	int i, err;

	for (i = 0; i < b->c.nrules; i++) {
		const struct rule *r = &b->c.rules[i];

		if (!(r->dir & DIR_IN))
			continue;
		err = atmqtt_subscribe(b->nl, b->modem, b->c.client,
				       r->remote_filter, r->qos);
		if (err == -ECOMM) {
			/* the broker refused it: say so, bridge the rest */
			logm(b, LOG_ERR, "line %d: the broker refused the subscription to '%s'",
			     r->line, r->remote_filter);
		} else if (err) {
			setup_retry(b, "subscribe", err);
			return err;
		}
	}
	return 0;
}

/*
 * Open the modem's client with the configuration, from whatever state it
 * is in (a bridge that restarts finds it open or reconnecting), subscribe
 * the in patterns and turn the reconnect policy on.
 */
static void setup(struct bridge *b)
{
	const struct conf *c = &b->c;
	int state, err;

	b->setup_at = 0;
	if (modem_find(b, &state)) {
		if (b->link != LINK_NOMODEM)
			logm(b, LOG_WARNING, "modem %s is not attached; waiting for it",
			     c->modem_tty ? c->modem_tty : "(handle)");
		link_set(b, LINK_NOMODEM);
		b->setup_at = now() + 5;
		return;
	}
	if (state == ATMQTT_MODEM_INIT) {
		b->setup_at = now() + 0.2;
		link_set(b, LINK_SETUP);
		return;
	}
	link_set(b, LINK_SETUP);
	/* Stop a reconnect under way, then start from closed. */
	atmqtt_client_policy(b->nl, b->modem, c->client, 0, 0, 0);
	atmqtt_client_close(b->nl, b->modem, c->client);

	err = atmqtt_user_set(b->nl, b->modem, c->client,
			      c->username ? c->username : "",
			      c->password ? c->password : "", c->clientid);
	if (err) {
		setup_retry(b, "setting the client's user", err);
		return;
	}
	if (c->will_topic)
		err = atmqtt_will_set(b->nl, b->modem, c->client, c->will_topic,
				      c->will_qos, c->will_retain,
				      c->will_payload);
	else if (c->notifications && !c->notifications_local_only)
		err = atmqtt_will_set(b->nl, b->modem, c->client,
				      c->notification_topic, 1, 1, "0");
	if (err) {
		setup_retry(b, "setting the client's will", err);
		return;
	}
	/* The breaks and closes before our open's result event are of the
	 * client's past (our own close among them).
	 */
	b->await_open = true;
	err = atmqtt_client_open(b->nl, b->modem, c->client, c->host, c->port,
				 c->clean, c->keepalive);
	if (err) {
		setup_retry(b, "opening the modem's client", err);
		return;
	}
	err = atmqtt_client_policy(b->nl, b->modem, c->client, 1,
				   c->restart_min_ms, c->restart_max_ms);
	if (err) {
		setup_retry(b, "setting the reconnect policy", err);
		return;
	}
	if (subscribe_in(b))
		return;
	link_up(b, "opened");
}

/* A DOWN link the policy does not bring back: open it ourselves. */
static void check_client(struct bridge *b)
{
	int st = client_state(b);

	b->check_at = 0;
	if (st == ATMQTT_CLIENT_RECONNECTING) {
		b->check_at = now() + 10;
	} else if (st == ATMQTT_CLIENT_OPEN) {
		if (subscribe_in(b) == 0)
			link_up(b, "found open");
	} else {
		logm(b, LOG_WARNING, "the client is closed and no reconnect runs: opening it");
		link_set(b, LINK_SETUP);
		b->setup_at = now();
	}
}

/* Notifications: the link's state, "1" or "0", retained, on the local
 * broker ...
 */
static void notify_local(struct bridge *b)
{
	const char *v = b->link == LINK_UP ? "1" : "0";
	mosquitto_property *props = NULL;

	if (!b->c.notifications || !b->in || !b->in_up)
		return;
	mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY,
					   MARKER, b->c.name);
	mosquitto_publish_v5(b->in, NULL, b->c.notification_topic, 1, v, 1,
			     true, props);
	mosquitto_property_free_all(&props);
}

/* ... and through the modem, while its client is open (its will says
 * "0" when the link breaks).
 */
static void notify_remote(struct bridge *b, const char *v)
{
	bool broke;
	int err;

	if (!b->c.notifications || b->c.notifications_local_only)
		return;
	err = modem_publish(b, b->c.notification_topic, 1, 1, v, 1, NULL,
			    &broke);
	if (err)
		logm(b, LOG_WARNING, "the remote notification: %s",
		     nl_err(b, err));
}

/* ---- out: local -> modem ------------------------------------------------ */

static void out_message(struct mosquitto *m, void *arg,
			const struct mosquitto_message *msg,
			const mosquitto_property *props)
{
	struct bridge *b = arg;
	char rtopic[ATMQTT_TOPIC_MAX + 1];
	const struct rule *r;
	int err, qos, used = 0, n;
	bool broke;
	uint64_t h;

	(void)m;
	b->dirty = true;
	if (b->nack) {
		/* After a failure in this batch: no PUBACK for any of them. */
		if (!msg->qos)
			b->n.dropped_qos0++;
		return;
	}
	if (ours(b, props)) {
		b->n.loops_blocked++;
		return;
	}
	r = out_rule(b, msg->topic, props);
	if (!r) {
		b->n.ignored++;
		return;
	}
	n = snprintf(rtopic, sizeof(rtopic), "%s%s", r->remote_prefix,
		     msg->topic + strlen(r->local_prefix));
	if (n >= (int)sizeof(rtopic) || !modem_quotable(rtopic, ATMQTT_TOPIC_MAX) ||
	    msg->payloadlen > ATMQTT_PAYLOAD_MAX) {
		b->n.dropped_invalid++;
		if (ratelimit(b))
			logm(b, LOG_WARNING, "line %d: a message on '%s' cannot go through the modem (%s): dropped",
			     r->line, msg->topic,
			     msg->payloadlen > ATMQTT_PAYLOAD_MAX ?
			     "payload over 1024 bytes" :
			     "remote topic not 1-255 printable ASCII without '\"'");
		return;
	}
	qos = msg->qos ? r->qos : 0;
	err = modem_publish(b, rtopic, qos, msg->retain, msg->payload,
			    msg->payloadlen, &used, &broke);
	if (!err) {
		b->n.forwarded_out++;
		if (b->n.backlog)
			b->n.backlog--;
		b->fail_count = 0;
		b->dirty = true;
		echo_note(b, rtopic, msg->payload, msg->payloadlen);
		logm(b, LOG_DEBUG, "out %s -> %s qos %d, %d bytes%s", msg->topic,
		     rtopic, qos, msg->payloadlen, used ? " by <Datasize>" : "");
		return;
	}
	if (!msg->qos) {
		b->n.dropped_qos0++;
		if (ratelimit(b))
			logm(b, LOG_WARNING, "publish on '%s' failed: %s; QoS 0: dropped",
			     rtopic, nl_err(b, err));
		return;
	}
	/*
	 * The modem refused this very message while its client is open:
	 * a few more tries, then it is dropped rather than blocking the
	 * queue behind it for good.  Any other failure is the link's.
	 */
	h = msg_hash(msg->topic, msg->payload, msg->payloadlen);
	if (!broke && (err == -EIO || err == -EREMOTEIO || err == -EINVAL) &&
	    client_state(b) == ATMQTT_CLIENT_OPEN) {
		b->fail_count = b->fail_hash == h ? b->fail_count + 1 : 1;
		b->fail_hash = h;
		if (b->fail_count >= REFUSED_MAX) {
			b->n.dropped_refused++;
			b->fail_count = 0;
			logm(b, LOG_ERR, "the modem refused the message on '%s' %d times (%s): dropped",
			     rtopic, REFUSED_MAX, nl_err(b, err));
			return;
		}
	}
	b->nack = true;
	b->n.retried++;
	if (broke)
		logm(b, LOG_WARNING, "the link broke while publishing on '%s': left to mosquitto, which sends it again",
		     rtopic);
	else
		logm(b, LOG_WARNING, "publish on '%s' failed: %s; left to mosquitto, which sends it again",
		     rtopic, nl_err(b, err));
}

static void out_connected(struct mosquitto *m, void *arg, int rc, int flags,
			  const mosquitto_property *props)
{
	struct bridge *b = arg;
	int i;

	(void)props;
	if (rc) {
		logm(b, LOG_ERR, "local broker %s:%u refused the out connection: %s",
		     b->c.local_host, b->c.local_port, mosquitto_reason_string(rc));
		b->out_lost = true;
		return;
	}
	b->out_up = true;
	b->out_delay_ms = 0;
	b->dirty = true;
	logm(b, LOG_INFO, "local broker: out session %s (%s)", b->c.local_clientid,
	     flags & 1 ? "resumed" : "new");
	for (i = 0; i < b->c.nrules; i++) {
		const struct rule *r = &b->c.rules[i];
		mosquitto_property *sp = NULL;

		if (!(r->dir & DIR_OUT))
			continue;
		mosquitto_property_add_varint(&sp,
			MQTT_PROP_SUBSCRIPTION_IDENTIFIER, i + 1);
		/*
		 * QoS 2 is taken as 1 here: libmosquitto takes a QoS 2
		 * message over from the broker before the application sees
		 * it, so it could not be left queued.
		 */
		mosquitto_subscribe_v5(m, NULL, r->local_filter,
				       r->qos > 1 ? 1 : r->qos,
				       MQTT_SUB_OPT_NO_LOCAL |
				       MQTT_SUB_OPT_RETAIN_AS_PUBLISHED |
				       MQTT_SUB_OPT_SEND_RETAIN_NEW, sp);
		mosquitto_property_free_all(&sp);
	}
}

static void out_disconnected(struct mosquitto *m, void *arg, int rc,
			     const mosquitto_property *props)
{
	struct bridge *b = arg;

	(void)m;
	(void)props;
	if (b->out_up && rc)
		logm(b, LOG_WARNING, "local broker: the out connection was lost: %s",
		     mosquitto_strerror(rc));
	b->out_up = false;
	b->out_lost = true;
}

static void out_connect(struct bridge *b)
{
	mosquitto_property *props = NULL;
	struct mosquitto *m;
	int rc;

	b->out_at = 0;
	b->out_lost = false;
	m = mosquitto_new(b->c.local_clientid, false, b);
	if (!m) {
		logm(b, LOG_ERR, "mosquitto_new: %s", strerror(errno));
		goto retry;
	}
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	/* Nothing is written before mosquitto_loop_write(): the PUBACKs
	 * wait for the modem (see the top of the file).
	 */
	mosquitto_threaded_set(m, true);
	if (b->c.local_username)
		mosquitto_username_pw_set(m, b->c.local_username,
					  b->c.local_password);
	mosquitto_connect_v5_callback_set(m, out_connected);
	mosquitto_message_v5_callback_set(m, out_message);
	mosquitto_disconnect_v5_callback_set(m, out_disconnected);
	/* The session outlives the connection: mosquitto keeps queuing. */
	mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
				     UINT32_MAX);
	rc = mosquitto_connect_bind_v5(m, b->c.local_host, b->c.local_port,
				       LOCAL_KEEPALIVE, NULL, props);
	mosquitto_property_free_all(&props);
	if (rc == MOSQ_ERR_SUCCESS) {
		b->out = m;
		return;
	}
	if (!b->out_delay_ms)
		logm(b, LOG_WARNING, "local broker %s:%u: %s", b->c.local_host,
		     b->c.local_port, rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		     mosquitto_strerror(rc));
	mosquitto_destroy(m);
retry:
	b->out_delay_ms = b->out_delay_ms ? b->out_delay_ms * 2 : 500;
	if (b->out_delay_ms > 10000)
		b->out_delay_ms = 10000;
	b->out_at = now() + b->out_delay_ms / 1000.0;
}

/* Cut without writing: the PUBACKs still queued never leave. */
static void out_abort(struct bridge *b)
{
	if (!b->out)
		return;
	if (mosquitto_socket(b->out) >= 0)
		shutdown(mosquitto_socket(b->out), SHUT_RDWR);
	mosquitto_destroy(b->out);
	b->out = NULL;
	b->out_up = false;
	b->dirty = true;
}

/* Write what is queued (for up to a second) and poll for it. */
static void flush_writes(struct mosquitto *m)
{
	double end = now() + 1;

	while (mosquitto_socket(m) >= 0 && mosquitto_want_write(m) &&
	       now() < end) {
		struct pollfd p = { .fd = mosquitto_socket(m), .events = POLLOUT };

		if (poll(&p, 1, 100) > 0 && mosquitto_loop_write(m, 1))
			break;
	}
}

/* A clean end: the PUBACKs of what went out, then DISCONNECT (the session
 * stays: its expiry is never).
 */
static void out_close(struct bridge *b)
{
	if (!b->out)
		return;
	if (b->out_up) {
		flush_writes(b->out);
		mosquitto_disconnect_v5(b->out, 0, NULL);
		flush_writes(b->out);
	}
	mosquitto_destroy(b->out);
	b->out = NULL;
	b->out_up = false;
	b->dirty = true;
}

/* ---- in: modem -> local ------------------------------------------------- */

/* The monitor: what is published on the out patterns while the link is
 * down (mosquitto queues QoS 1 and 2 for the out session; QoS 0 is lost).
 */
static void in_message(struct mosquitto *m, void *arg,
		       const struct mosquitto_message *msg,
		       const mosquitto_property *props)
{
	struct bridge *b = arg;
	const struct rule *r;

	(void)m;
	b->dirty = true;
	if (b->link == LINK_UP || ours(b, props))
		return;
	r = out_rule(b, msg->topic, props);
	if (!r)
		return;
	/* The out session takes a QoS 0 topic line's messages at QoS 0. */
	if (msg->qos && r->qos) {
		b->n.queued++;
		b->n.backlog++;
	} else {
		b->n.dropped_qos0++;
	}
	b->dirty = true;
}

static void monitor_set(struct bridge *b, bool on)
{
	int i;

	if (!b->in || !b->in_up || b->monitor == on)
		return;
	for (i = 0; i < b->c.nrules; i++) {
		const struct rule *r = &b->c.rules[i];
		mosquitto_property *sp = NULL;

		if (!(r->dir & DIR_OUT))
			continue;
		if (!on) {
			mosquitto_unsubscribe(b->in, NULL, r->local_filter);
			continue;
		}
		mosquitto_property_add_varint(&sp,
			MQTT_PROP_SUBSCRIPTION_IDENTIFIER, i + 1);
		mosquitto_subscribe_v5(b->in, NULL, r->local_filter, 1,
				       MQTT_SUB_OPT_NO_LOCAL |
				       MQTT_SUB_OPT_SEND_RETAIN_NEVER, sp);
		mosquitto_property_free_all(&sp);
	}
	b->monitor = on;
	b->dirty = true;
}

static void in_connected(struct mosquitto *m, void *arg, int rc, int flags,
			 const mosquitto_property *props)
{
	struct bridge *b = arg;

	(void)m;
	(void)flags;
	(void)props;
	if (rc) {
		logm(b, LOG_ERR, "local broker %s:%u refused the in connection: %s",
		     b->c.local_host, b->c.local_port, mosquitto_reason_string(rc));
		b->in_lost = true;
		return;
	}
	b->in_up = true;
	b->in_delay_ms = 0;
	b->monitor = false;
	b->dirty = true;
	logm(b, LOG_INFO, "local broker %s:%u: connected", b->c.local_host,
	     b->c.local_port);
	if (b->link != LINK_UP)
		monitor_set(b, true);
	notify_local(b);
}

static void in_disconnected(struct mosquitto *m, void *arg, int rc,
			    const mosquitto_property *props)
{
	struct bridge *b = arg;

	(void)m;
	(void)props;
	if (b->in_up && rc)
		logm(b, LOG_WARNING, "local broker: the in connection was lost: %s",
		     mosquitto_strerror(rc));
	b->in_up = false;
	b->in_lost = true;
	b->monitor = false;
}

static void in_connect(struct bridge *b)
{
	char id[256];
	struct mosquitto *m;
	int rc;

	b->in_at = 0;
	b->in_lost = false;
	snprintf(id, sizeof(id), "%s.in", b->c.local_clientid);
	m = mosquitto_new(id, true, b);
	if (!m) {
		logm(b, LOG_ERR, "mosquitto_new: %s", strerror(errno));
		goto retry;
	}
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	if (b->c.local_username)
		mosquitto_username_pw_set(m, b->c.local_username,
					  b->c.local_password);
	mosquitto_connect_v5_callback_set(m, in_connected);
	mosquitto_message_v5_callback_set(m, in_message);
	mosquitto_disconnect_v5_callback_set(m, in_disconnected);
	rc = mosquitto_connect_bind_v5(m, b->c.local_host, b->c.local_port,
				       LOCAL_KEEPALIVE, NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS) {
		b->in = m;
		return;
	}
	if (!b->in_delay_ms)
		logm(b, LOG_WARNING, "local broker %s:%u: %s", b->c.local_host,
		     b->c.local_port, rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		     mosquitto_strerror(rc));
	mosquitto_destroy(m);
retry:
	b->in_delay_ms = b->in_delay_ms ? b->in_delay_ms * 2 : 500;
	if (b->in_delay_ms > 10000)
		b->in_delay_ms = 10000;
	b->in_at = now() + b->in_delay_ms / 1000.0;
}

static void in_forward(struct bridge *b, const struct atmqtt_event *e)
{
	mosquitto_property *props = NULL;
	const struct rule *r = in_rule(b, e->topic);
	char *ltopic;
	int qos, rc;

	b->dirty = true;
	if (!r) {
		b->n.ignored++;
		return;
	}
	if (echo_take(b, e->topic, e->payload, e->payload_len)) {
		b->n.echoes_dropped++;
		logm(b, LOG_DEBUG, "in %s: our own message, back from the cloud: dropped",
		     e->topic);
		return;
	}
	if (!b->in || !b->in_up) {
		b->n.dropped_in++;
		if (ratelimit(b))
			logm(b, LOG_WARNING, "a message on '%s' from the modem: the local broker is away: dropped",
			     e->topic);
		return;
	}
	if (asprintf(&ltopic, "%s%s", r->local_prefix,
		     e->topic + strlen(r->remote_prefix)) < 0) {
		b->n.dropped_in++;
		return;
	}
	qos = e->qos < r->qos ? e->qos : r->qos;
	mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY,
					   MARKER, b->c.name);
	rc = mosquitto_publish_v5(b->in, NULL, ltopic, e->payload_len,
				  e->payload, qos, false, props);
	mosquitto_property_free_all(&props);
	if (rc) {
		b->n.dropped_in++;
		if (ratelimit(b))
			logm(b, LOG_WARNING, "publishing '%s' locally: %s: dropped",
			     ltopic, mosquitto_strerror(rc));
	} else {
		b->n.forwarded_in++;
		logm(b, LOG_DEBUG, "in %s -> %s qos %d, %zu bytes", e->topic,
		     ltopic, qos, e->payload_len);
	}
	b->dirty = true;
	free(ltopic);
}

/* ---- events ------------------------------------------------------------ */

static int on_event(const struct atmqtt_event *e, void *arg)
{
	struct bridge *b = arg;
	int state;

	if (e->type == ATMQTT_EVT_MODEM) {
		if (b->link != LINK_NOMODEM && e->modem == b->modem &&
		    e->modem_state == ATMQTT_MODEM_DEAD) {
			link_down(b, LINK_NOMODEM, "the modem was detached");
			b->setup_at = now() + 5;
		} else if (b->link == LINK_NOMODEM &&
			   e->modem_state == ATMQTT_MODEM_READY &&
			   modem_find(b, &state) == 0) {
			logm(b, LOG_INFO, "modem %u attached", b->modem);
			link_set(b, LINK_SETUP);
			b->setup_at = now();
		}
		return 0;
	}
	if (b->link == LINK_NOMODEM || e->modem != b->modem)
		return 0;
	if (e->type == ATMQTT_EVT_MESSAGE) {
		/* RX_SEQ counts the modem's messages, whichever client */
		if (b->last_seq && e->seq > b->last_seq + 1) {
			b->n.lost_in += e->seq - b->last_seq - 1;
			logm(b, LOG_WARNING, "%llu message(s) from the modem lost (events socket overrun)",
			     (unsigned long long)(e->seq - b->last_seq - 1));
		}
		if (e->seq)
			b->last_seq = e->seq;
	}
	if (e->client != b->c.client)
		return 0;
	if (b->await_open) {
		if (e->type == ATMQTT_EVT_RESULT && e->urc == ATMQTT_URC_OPEN)
			b->await_open = false;
		if (e->type != ATMQTT_EVT_MESSAGE)
			return 0;
	}
	switch (e->type) {
	case ATMQTT_EVT_MESSAGE:
		if (e->topic)
			in_forward(b, e);
		break;
	case ATMQTT_EVT_BREAK: {
		char why[64];

		snprintf(why, sizeof(why), "+MQTTBREAK, cause %u: %s",
			 e->cause, cause_name(e->cause));
		link_down(b, LINK_DOWN, why);
		b->check_at = now() + 2;
		break;
	}
	case ATMQTT_EVT_RESULT:
		/* A +MQTTCLOSE nobody asked for is a break too. */
		if (e->urc == ATMQTT_URC_CLOSE && e->status == 1 &&
		    b->link == LINK_UP) {
			link_down(b, LINK_DOWN, "+MQTTCLOSE");
			b->check_at = now() + 2;
		}
		break;
	case ATMQTT_EVT_RECONNECT:
		switch (e->step) {
		case ATMQTT_STEP_WAIT:
			b->attempts = e->attempt;
			b->dirty = true;
			if (e->attempt == 1)
				b->rc_sub_failed = 0;
			logm(b, e->attempt == 1 ? LOG_INFO : LOG_DEBUG,
			     "reconnect: attempt %u in %.1f s", e->attempt,
			     e->delay_ms / 1000.0);
			break;
		case ATMQTT_STEP_OPEN:
			if (e->err)
				logm(b, LOG_INFO, "reconnect: attempt %u failed: %s",
				     e->attempt, strerror(-e->err));
			break;
		case ATMQTT_STEP_SUB:
			if (e->err) {
				b->rc_sub_failed++;
				logm(b, LOG_WARNING, "reconnect: subscribing '%s' again failed: %s",
				     e->topic ? e->topic : "", strerror(-e->err));
			}
			break;
		case ATMQTT_STEP_DONE:
			if (b->link != LINK_DOWN)
				break;
			/* What the policy could not subscribe, once more. */
			if (b->rc_sub_failed && subscribe_in(b)) {
				link_set(b, LINK_SETUP);
				break;
			}
			link_up(b, "the reconnect policy reopened the client");
			break;
		case ATMQTT_STEP_STOP:
			if (b->link == LINK_DOWN) {
				logm(b, LOG_WARNING, "the reconnect policy stopped: opening the client again");
				link_set(b, LINK_SETUP);
				b->setup_at = now() + b->c.restart_min_ms / 1000.0;
			}
			break;
		}
		break;
	}
	return 0;
}

/* ---- the loop ---------------------------------------------------------- */

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void mosq_service(struct bridge *b, struct mosquitto *m, short revents,
			 bool is_out)
{
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		b->nack = false;
		mosquitto_loop_read(m, 1);
		if (is_out && b->nack) {
			/* Cut with the batch's PUBACKs unsent: mosquitto
			 * sends those messages again, in order.
			 */
			b->nack = false;
			out_abort(b);
			b->out_at = now() + 0.2;
			return;
		}
	}
	if (mosquitto_socket(m) >= 0 && mosquitto_want_write(m))
		mosquitto_loop_write(m, 1);
	mosquitto_loop_misc(m);
}

static int run(struct bridge *b)
{
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t types = ATMQTT_EVENT_BIT(ATMQTT_EVT_MESSAGE) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_BREAK) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_RESULT) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_RECONNECT) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_MODEM);
	int err;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	b->nl = atmqtt_nl_open();
	if (!b->nl) {
		logm(b, LOG_ERR, "the atmqtt family: %s (is the module loaded?)",
		     strerror(errno));
		return 1;
	}
	/* Listen before opening: no break goes unseen. */
	b->ev = atmqtt_events_open();
	if (!b->ev || (err = atmqtt_events_filter(b->ev, types))) {
		logm(b, LOG_ERR, "the atmqtt events: %s (they need CAP_NET_ADMIN, and a kernel that can ask it of a group's members: 6.1.66, 6.7 or later)",
		     strerror(b->ev ? -err : errno));
		return 1;
	}
	err = watch_start();
	if (err) {
		logm(b, LOG_ERR, "the watcher: %s", strerror(-err));
		return 1;
	}
	mosquitto_lib_init();
	b->link = LINK_SETUP;
	b->link_since = now();
	b->setup_at = now();
	logm(b, LOG_NOTICE, "starting: modem %s client %d -> %s:%u, local %s:%u, %d topic line(s)",
	     b->c.modem_tty ? b->c.modem_tty : "(handle)", b->c.client,
	     b->c.host, b->c.port, b->c.local_host, b->c.local_port,
	     b->c.nrules);
	in_connect(b);
	notify("READY=1\nSTATUS=starting");
	status_write(b);

	while (!stop_sig) {
		struct pollfd p[3] = {
			{ .fd = atmqtt_events_fd(b->ev), .events = POLLIN },
			{ .fd = -1 }, { .fd = -1 },
		};
		double t = now();

		if ((b->link == LINK_SETUP || b->link == LINK_NOMODEM) &&
		    b->setup_at && t >= b->setup_at)
			setup(b);
		if (b->link == LINK_DOWN && b->check_at && t >= b->check_at)
			check_client(b);
		t = now();
		if (!b->in && t >= b->in_at)
			in_connect(b);
		if (b->link == LINK_UP && !b->out && t >= b->out_at)
			out_connect(b);
		if (b->dirty && t - b->status_at >= STATUS_EVERY)
			status_write(b);

		if (b->out && mosquitto_socket(b->out) >= 0) {
			p[1].fd = mosquitto_socket(b->out);
			p[1].events = POLLIN |
				(mosquitto_want_write(b->out) ? POLLOUT : 0);
		}
		if (b->in && mosquitto_socket(b->in) >= 0) {
			p[2].fd = mosquitto_socket(b->in);
			p[2].events = POLLIN |
				(mosquitto_want_write(b->in) ? POLLOUT : 0);
		}
		if (poll(p, 3, 200) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			err = atmqtt_events_dispatch(b->ev, on_event, b);
			if (err == -ENOBUFS) {
				logm(b, LOG_WARNING, "events lost (socket overrun): checking the client");
				b->await_open = false;
				if (b->link == LINK_UP || b->link == LINK_DOWN)
					b->check_at = now();
				if (b->link == LINK_UP && client_state(b) !=
				    ATMQTT_CLIENT_OPEN)
					link_down(b, LINK_DOWN, "found closed");
			}
		}
		if (b->out)
			mosq_service(b, b->out, p[1].revents, true);
		if (b->out && b->out_lost) {
			out_abort(b);
			b->out_delay_ms = b->out_delay_ms ?
				b->out_delay_ms * 2 : 500;
			if (b->out_delay_ms > 10000)
				b->out_delay_ms = 10000;
			b->out_at = now() + b->out_delay_ms / 1000.0;
		}
		if (b->in)
			mosq_service(b, b->in, p[2].revents, false);
		if (b->in && b->in_lost) {
			mosquitto_destroy(b->in);
			b->in = NULL;
			b->in_up = false;
			b->monitor = false;
			b->in_delay_ms = b->in_delay_ms ? b->in_delay_ms * 2 : 500;
			if (b->in_delay_ms > 10000)
				b->in_delay_ms = 10000;
			b->in_at = now() + b->in_delay_ms / 1000.0;
		}
	}

	logm(b, LOG_NOTICE, "stopping (signal %d): forwarded %llu out, %llu in; dropped %llu QoS 0, %llu in, %llu invalid, %llu refused; %llu retried; %llu outage(s)",
	     (int)stop_sig, (unsigned long long)b->n.forwarded_out,
	     (unsigned long long)b->n.forwarded_in,
	     (unsigned long long)b->n.dropped_qos0,
	     (unsigned long long)b->n.dropped_in,
	     (unsigned long long)b->n.dropped_invalid,
	     (unsigned long long)b->n.dropped_refused,
	     (unsigned long long)b->n.retried,
	     (unsigned long long)b->n.outages);
	notify("STOPPING=1");
	out_close(b);
	if (b->link == LINK_UP)
		notify_remote(b, "0");
	if (b->link != LINK_NOMODEM) {
		atmqtt_client_policy(b->nl, b->modem, b->c.client, 0, 0, 0);
		atmqtt_client_close(b->nl, b->modem, b->c.client);
	}
	b->link = LINK_STOPPED;
	b->link_since = now();
	notify_local(b);
	if (b->in) {
		flush_writes(b->in);
		mosquitto_disconnect(b->in);
		flush_writes(b->in);
		mosquitto_destroy(b->in);
		b->in = NULL;
		b->in_up = false;
	}
	b->monitor = false;
	status_write(b);
	mosquitto_lib_cleanup();
	watch_stop();
	atmqtt_events_close(b->ev);
	atmqtt_nl_close(b->nl);
	return 0;
}

/* ---- commands ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atmqtt-bridge [run] -c FILE [-S STATUS_FILE] [-v] [--syslog]\n"
		"       atmqtt-bridge check -c FILE\n"
		"       atmqtt-bridge status [NAME...] [-S STATUS_FILE]\n"
		"\n"
		"  run      bridge a local mosquitto and a modem's MQTT client (the default)\n"
		"  check    read FILE, print what it configures (secrets left out)\n"
		"  status   the state and counters of running bridges (all when no NAME)\n"
		"\n"
		"  -c, --config FILE        the bridge's configuration (atmqtt-bridge(8))\n"
		"  -S, --status-file FILE   where the state and counters go (default\n"
		"                           $RUNTIME_DIRECTORY/status, else\n"
		"                           " RUN_DIR "/<connection>/status)\n"
		"  -v, --verbose            log every message forwarded\n"
		"      --syslog             log to syslog instead of stderr\n"
		"  -h, --help               this help\n");
}

/* Warn when the file holds a password and others may read it. */
static void check_mode(struct bridge *b)
{
	struct stat st;

	if ((b->c.password || b->c.local_password) &&
	    !stat(b->c.file, &st) && (st.st_mode & (S_IRGRP | S_IROTH)))
		logm(b, LOG_WARNING, "%s holds a password and others may read it (chmod 600)",
		     b->c.file);
}

static int status_show(const char *path)
{
	char line[512], pidbuf[32] = "";
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (!f) {
		fprintf(stderr, "atmqtt-bridge: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pid=%d", &pid) == 1)
			break;
	rewind(f);
	if (pid > 0 && kill(pid, 0) && errno == ESRCH)
		snprintf(pidbuf, sizeof(pidbuf), " (not running)");
	printf("%s%s\n", path, pidbuf);
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = '\0';
		printf("  %-18s %s", line, eq + 1);
	}
	fclose(f);
	return 0;
}

static int cmd_status(int argc, char **argv, const char *status_path)
{
	char path[PATH_MAX];
	glob_t g;
	size_t i;
	int rc = 0;

	if (status_path)
		return status_show(status_path);
	if (optind < argc) {
		for (; optind < argc; optind++) {
			if (strchr(argv[optind], '/')) {
				fprintf(stderr, "atmqtt-bridge: status: '%s' is no name\n",
					argv[optind]);
				return 2;
			}
			snprintf(path, sizeof(path), RUN_DIR "/%s/status",
				 argv[optind]);
			rc |= status_show(path);
		}
		return rc;
	}
	if (glob(RUN_DIR "/*/status", 0, NULL, &g)) {
		printf("no bridge has run (nothing in " RUN_DIR ")\n");
		return 0;
	}
	for (i = 0; i < g.gl_pathc; i++)
		rc |= status_show(g.gl_pathv[i]);
	globfree(&g);
	return rc;
}

/* The status file: -S, else systemd's RuntimeDirectory, else RUN_DIR. */
static char *status_default(const struct conf *c)
{
	const char *rt = getenv("RUNTIME_DIRECTORY");
	char *path = NULL;

	if (rt && *rt) {
		/* several directories are separated by ':' */
		if (asprintf(&path, "%.*s/status", (int)strcspn(rt, ":"), rt) < 0)
			return NULL;
		return path;
	}
	mkdir(RUN_DIR, 0755);
	if (asprintf(&path, RUN_DIR "/%s", c->name) < 0)
		return NULL;
	mkdir(path, 0755);
	free(path);
	if (asprintf(&path, RUN_DIR "/%s/status", c->name) < 0)
		return NULL;
	return path;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "status-file", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bridge b;
	const char *cmd = "run", *file = NULL, *status_path = NULL;
	char *def_status = NULL;
	int c, rc;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "c:S:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': file = optarg; break;
		case 'S': status_path = optarg; break;
		case 'v': b.verbose = true; break;
		case 'L': use_syslog = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv, status_path);
	if ((strcmp(cmd, "run") && strcmp(cmd, "check")) || !file ||
	    optind != argc) {
		usage(stderr);
		return 2;
	}
	rc = conf_load(&b.c, file, stderr);
	if (rc)
		return rc;
	if (!strcmp(cmd, "check")) {
		conf_print(&b.c, stdout);
		conf_free(&b.c);
		return 0;
	}
	log_name = b.c.name;
	use_journal = !use_syslog && getenv("JOURNAL_STREAM");
	if (use_syslog)
		openlog("atmqtt-bridge", LOG_PID, LOG_DAEMON);
	check_mode(&b);
	b.last_error[0] = '\0';
	if (!status_path)
		status_path = def_status = status_default(&b.c);
	b.status_path = status_path;
	rc = run(&b);
	conf_free(&b.c);
	free(def_status);
	return rc;
}
