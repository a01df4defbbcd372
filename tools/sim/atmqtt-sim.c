// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: behaves like a Fibocom NL668's MQTT AT interface on a pty and
 * bridges it to a real broker through libmosquitto.
 *
 * Documentation/simulator.rst lists every command with its exact output,
 * the options, the control FIFO's commands, and each place where the manual
 * is silent and the behaviour chosen here.
 *
 * Threads: the main thread reads the pty and the control FIFO and runs the
 * commands; each open client has a libmosquitto loop thread that runs the
 * callbacks.  out_lock keeps every response and URC in one piece, and one
 * write() to the pty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <mosquitto.h>

#define CMD_MAX		2048	/* longest command line */
#define NCLIENTS	2
#define MAXARGS		8
#define TOPIC_MAX	255
#define PAYLOAD_MAX	1024
#define USER_MAX	128
#define CID_MAX		23
#define QUEUE_MAX	64	/* messages kept per client in +MQTTCONF mode 1 */
#define CONNACK_WAIT	10	/* seconds */
#define LOCAL_IP	"10.2.83.148"
#define LATER_MAX	16	/* deferred URCs */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The commands with a result URC "+MQTT<name>: <id>,<status>". */
enum { K_OPEN, K_CLOSE, K_SUB, K_UNSUB, K_PUB, K_N };
static const char *const kind_names[K_N] = {
	"OPEN", "CLOSE", "SUB", "UNSUB", "PUB",
};

/* A received message kept for +MQTTREAD. */
struct stored {
	int qos;
	size_t tlen, plen;
	char data[];		/* topic, then payload */
};

struct client {
	int id;
	struct mosquitto *mosq;		/* main thread only */
	pthread_mutex_t lock;		/* open, connack, the queue */
	pthread_cond_t cond;
	bool open;
	int connack;			/* CONNACK code; -1 waiting, -2 not */
	int urc_delay[K_N];		/* ms to hold the next result URC */
	struct stored *queue[QUEUE_MAX];	/* oldest at qhead */
	int qhead, qlen;
	unsigned long dropped;
	/* +MQTTUSER and +MQTTWILL, for the next +MQTTOPEN (main thread) */
	bool user_set, will_set;
	char *user, *pass, *cid;	/* cid NULL: the default */
	char *will_topic, *will_payload;
	int will_qos, will_retain;
};

static int master = -1, log_fd = -1, publog_fd = -1;
static bool echo_on = true, verbose, muted;
/* What comes with +MQTTBREAK: the manual's 3.3 by default. */
enum { BC_AFTER, BC_BEFORE, BC_NONE };
static atomic_int break_close = BC_AFTER;	/* main and broker threads */
static const char *const break_closes[] = {
	[BC_AFTER] = "after", [BC_BEFORE] = "before", [BC_NONE] = "none",
};

static int break_close_of(const char *word)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(break_closes); i++)
		if (!strcmp(word, break_closes[i]))
			return i;
	return -1;
}
static const char *broker_host;
static int broker_port;
static atomic_int conf_mode;
static char imei[16];
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static struct client clients[NCLIENTS + 1];
static volatile sig_atomic_t stop;

static bool ip_up;			/* +MIPCALL */

/* URCs to send later, in order of insertion among equal deadlines */
static pthread_mutex_t later_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	long long due;			/* CLOCK_MONOTONIC ms */
	char text[48];
} later_q[LATER_MAX];
static int later_n;

/* Fault injection by the control FIFO, for the next command of a kind */
enum { FAULT_NONE, FAULT_STATUS0, FAULT_HOLD };
static struct {
	bool status0, hold;
	int delay_ms;
} fault[K_N];
static bool inject_error, inject_error_always, inject_cme;
static long inject_error_code, inject_cme_code;

/*
 * A hostile modem (Documentation/simulator.rst, "A hostile modem"): the way
 * bytes go out, and one-shot misbehaviours.  Main thread, except the output
 * settings, which out_lock guards.
 */
enum { LIE_NONE, LIE_LONG, LIE_SHORT, LIE_HUGE, LIE_MSGI, LIE_LOST };
static struct {
	bool split;			/* one byte per write() */
	const char *eol;		/* line end: CR LF by default */
	unsigned int between;		/* 1 in N lines: a junk line first */
	unsigned int inside;		/* 1 in N bytes: a junk byte first */
	bool echo_flip;			/* echo on or off at random */
	bool dup;			/* every result URC twice */
	bool early;			/* result URC before the final result */
	bool mid;			/* a URC inside every query response */
	int lie;			/* next +MQTTREAD/+MQTTMSGI lengths */
	bool nofinal;			/* next command: no final result */
	bool noprompt;			/* next <Datasize>: nothing at all */
	int chatter;			/* 0, 1: lines, 2: bytes, no line end */
	bool readcut;			/* next +MQTTREAD data: half, hang up */
	bool pubcut;			/* next <Datasize> data: hang up */
	unsigned int seed;
} hostile = { .eol = "\r\n", .seed = 1 };
static bool ok_owed[K_N];		/* hostile.early: OK after the URC */

/* A <Datasize> publish waiting for its bytes (main thread) */
static struct {
	struct client *c;
	char *topic;
	int qos, retain;
	size_t need, len;		/* need 0: not waiting */
	long long prompt_due;		/* "slowprompt": '>' not sent yet */
	char buf[PAYLOAD_MAX];
} pending;

/*
 * "slowfinal": the modem is busy with one command line until slow.due.
 * Whatever the host sends meanwhile waits in the backlog, as in a real
 * modem's UART buffer, and is taken in order once the line is done; so is
 * what follows the data of a "slowprompt" publish that all arrived before
 * its prompt went out (main thread).
 */
#define BACKLOG_MAX	(1 << 20)
static int slowfinal_ms, slowprompt_ms;	/* armed by the control FIFO */
static struct {
	long long due;			/* CLOCK_MONOTONIC ms; 0: not busy */
	char line[CMD_MAX + 1];
	size_t len;
	bool too_long;
} slow;
static char *backlog;
static size_t backlog_len, backlog_cap;

/* ---- output ---- */

static void logv(const char *dir, const char *s, size_t n)
{
	if (!verbose)
		return;
	fprintf(stderr, "sim %s ", dir);
	fwrite(s, 1, n, stderr);
	fputc('\n', stderr);
}

/*
 * -T: one line for each move of bytes between the host and the modem, with
 * its CLOCK_MONOTONIC time: "<s.ns> <what> <n> <up to 24 bytes, escaped>".
 * R: read from the pty; W: written to it.  With -B also T: the bytes read
 * are taken, once the line would have carried them; S: the bytes to write
 * start on the line.  bench/exchanges.py reads it (make bench-profile).
 */
static FILE *trace_f;

static void trace_io(char what, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	char text[24 * 4 + 1], *t = text;
	struct timespec ts;
	size_t i;

	if (!trace_f)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < n && i < 24; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			t += sprintf(t, "\\%c", p[i] == '\r' ? 'r' : 'n');
		else if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '\\')
			*t++ = p[i];
		else
			t += sprintf(t, "\\x%02x", p[i]);
	}
	*t = '\0';
	fprintf(trace_f, "%lld.%09ld %c %zu %s\n", (long long)ts.tv_sec,
		ts.tv_nsec, what, n, text);
}

/*
 * -B: a UART at this rate, 8N1 (10 bits a byte), each direction on its own
 * line.  The bytes of a write() arrive once the line would have carried
 * them; those read from the host are taken once they would have arrived.
 * A sleep is taken only when the line is more than PACE_SLACK_NS behind,
 * so that each sleep's overshoot (a millisecond in a TCG VM) does not add
 * up over the many small writes of an exchange: the rate is exact, a byte
 * may arrive up to PACE_SLACK_NS early.
 */
#define PACE_SLACK_NS	2000000LL
static long baud;
static long long tx_line_ns, rx_line_ns;	/* when each line is free */

static void pace(long long *line, size_t n)
{
	struct timespec ts;
	long long t, until;

	if (!baud)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (*line < t)
		*line = t;
	*line += (long long)n * 10 * 1000000000LL / baud;
	if (*line - t <= PACE_SLACK_NS)
		return;
	until = *line - PACE_SLACK_NS;
	ts.tv_sec = until / 1000000000LL;
	ts.tv_nsec = until % 1000000000LL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* The caller holds out_lock (or is the only writer). */
static void write_all(const void *buf, size_t n)
{
	const char *p = buf;

	if (baud)
		trace_io('S', buf, n);
	pace(&tx_line_ns, n);
	trace_io('W', buf, n);
	while (n) {
		ssize_t w = write(master, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			return;
		}
		p += w;
		n -= w;
	}
}

/* A random byte that is not a line end; out_lock held. */
static char junk_byte(void)
{
	char b;

	do
		b = rand_r(&hostile.seed);
	while (b == '\r' || b == '\n');
	return b;
}

/*
 * What out() gathered under out_lock.  A modem's UART sends the bytes of a
 * response back to back: they reach the pty in one write() when out_lock
 * is let go (out_unlock()), not piece by piece.
 */
static char out_buf[4096];
static size_t out_len;

static void out_flush(void)
{
	if (out_len)
		write_all(out_buf, out_len);
	out_len = 0;
}

static void out_unlock(void)
{
	out_flush();
	pthread_mutex_unlock(&out_lock);
}

/*
 * Every byte of a response or URC goes out here, the caller holding
 * out_lock: gathered for one write(); with "split" one byte per write(),
 * with "garbage inside" random bytes among them.
 */
static void out(const void *buf, size_t n)
{
	const char *p = buf;
	size_t i;

	if (!hostile.split && !hostile.inside) {
		if (out_len + n > sizeof(out_buf))
			out_flush();
		if (n > sizeof(out_buf)) {
			write_all(p, n);
			return;
		}
		memcpy(out_buf + out_len, p, n);
		out_len += n;
		return;
	}
	out_flush();
	for (i = 0; i < n; i++) {
		if (hostile.inside && !(rand_r(&hostile.seed) % hostile.inside)) {
			char b = junk_byte();

			write_all(&b, 1);
		}
		write_all(p + i, 1);
		if (hostile.split)
			usleep(20);
	}
}

static void out_eol(void)
{
	out(hostile.eol, strlen(hostile.eol));
}

/* With "garbage between": now and then a line of 1-40 random bytes. */
static void out_junk_line(void)
{
	char junk[40];
	int i, n;

	if (!hostile.between || rand_r(&hostile.seed) % hostile.between)
		return;
	n = 1 + rand_r(&hostile.seed) % sizeof(junk);
	junk[0] = junk_byte();
	if (junk[0] == '>')	/* not a data prompt */
		junk[0] = '?';
	for (i = 1; i < n; i++)
		junk[i] = junk_byte();
	out_eol();
	out(junk, n);
	out_eol();
}

/* One complete "\r\n<text>\r\n"; the caller holds out_lock. */
static void send_line_locked(const char *s, size_t n)
{
	logv(">>", s, n);
	out_junk_line();
	out_eol();
	out(s, n);
	out_eol();
}

static void sendf(const char *fmt, ...)
{
	char buf[CMD_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	pthread_mutex_lock(&out_lock);
	send_line_locked(buf, n);
	out_unlock();
}

static void send_raw(const char *s, size_t n)
{
	pthread_mutex_lock(&out_lock);
	out(s, n);
	out_unlock();
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Send the line in ms milliseconds (from the main loop). */
/*
 * text in ms, and not before a text queued earlier that starts with the
 * same key bytes (0: no key): a result URC held by "delay" holds the later
 * URCs of its client and kind too, as a broker's acknowledgements come in
 * order.  Returns false, sending nothing, when ms is 0 and none is queued.
 */
static bool later_key(int ms, const char *text, size_t key)
{
	long long due = now_ms() + ms;
	bool queued = false;
	int i;

	pthread_mutex_lock(&later_lock);
	for (i = 0; key && i < later_n; i++) {
		if (strncmp(later_q[i].text, text, key))
			continue;
		queued = true;
		if (later_q[i].due > due)
			due = later_q[i].due;
	}
	if (!ms && !queued) {
		pthread_mutex_unlock(&later_lock);
		return false;
	}
	if (later_n < LATER_MAX) {
		later_q[later_n].due = due;
		snprintf(later_q[later_n].text, sizeof(later_q[0].text), "%s",
			 text);
		later_n++;
		text = NULL;
	}
	pthread_mutex_unlock(&later_lock);
	if (text)			/* queue full: now */
		sendf("%s", text);
	return true;
}

static void later(int ms, const char *text)
{
	later_key(ms, text, 0);
}

/* Send the deferred lines that are due; true if some are still waiting. */
static bool later_tick(void)
{
	long long now = now_ms();
	bool waiting;
	int i = 0;

	pthread_mutex_lock(&later_lock);
	while (i < later_n) {
		if (later_q[i].due > now) {
			i++;
			continue;
		}
		sendf("%s", later_q[i].text);
		memmove(&later_q[i], &later_q[i + 1],
			(later_n - i - 1) * sizeof(later_q[0]));
		later_n--;
	}
	waiting = later_n;
	pthread_mutex_unlock(&later_lock);
	return waiting;
}

/*
 * Close the pty master: the host's tty hangs up.  The simulator then exits
 * (a real modem that lost its USB link is gone too).
 */
static void hang_up(void)
{
	pthread_mutex_lock(&out_lock);
	if (master >= 0)
		close(master);
	master = -1;
	out_len = 0;			/* the line is gone */
	pthread_mutex_unlock(&out_lock);
	stop = 1;
}

/* A final result, unless "nofinal" swallows it. */
static void send_final(const char *res)
{
	pthread_mutex_lock(&out_lock);
	if (hostile.nofinal) {
		hostile.nofinal = false;
		res = NULL;
	}
	if (res)
		send_line_locked(res, strlen(res));
	out_unlock();
}

/* The OK of a command with a result URC; with "early" after the URC. */
static void send_ok(int kind)
{
	pthread_mutex_lock(&out_lock);
	if (hostile.early) {
		ok_owed[kind] = true;
		out_unlock();
		return;
	}
	out_unlock();
	send_final("OK");
}

/* ---- client state ---- */

static bool is_open(struct client *c)
{
	bool open;

	pthread_mutex_lock(&c->lock);
	open = c->open;
	pthread_mutex_unlock(&c->lock);
	return open;
}

/* Mark closed; true if it was open. */
static bool set_closed(struct client *c)
{
	bool was;

	pthread_mutex_lock(&c->lock);
	was = c->open;
	c->open = false;
	pthread_mutex_unlock(&c->lock);
	return was;
}

/*
 * Destroy the client's connection.  abrupt: close the socket without an
 * MQTT DISCONNECT, so that the broker publishes the will.
 */
static void client_drop(struct client *c, bool abrupt)
{
	pthread_mutex_lock(&c->lock);
	c->open = false;
	c->connack = -2;	/* a late CONNACK must not reopen it */
	pthread_mutex_unlock(&c->lock);
	if (!c->mosq)
		return;
	if (abrupt && mosquitto_socket(c->mosq) >= 0)
		shutdown(mosquitto_socket(c->mosq), SHUT_RDWR);
	mosquitto_disconnect(c->mosq);
	/* After an abrupt drop the loop thread may sit in its reconnect
	 * delay: do not wait for it (the main loop would stall meanwhile).
	 */
	mosquitto_loop_stop(c->mosq, abrupt);
	mosquitto_destroy(c->mosq);
	c->mosq = NULL;
}

/*
 * An unexpected disconnect, as the manual's 3.3 shows it: "+MQTTBREAK:
 * <id>,<cause>" then "+MQTTCLOSE: <id>,1"; --break-close before or none
 * for the other order, or the break alone.
 */
static void send_break(struct client *c, int cause)
{
	int when = atomic_load(&break_close);

	if (when == BC_BEFORE)
		sendf("+MQTTCLOSE: %d,1", c->id);
	sendf("+MQTTBREAK: %d,%d", c->id, cause);
	if (when == BC_AFTER)
		sendf("+MQTTCLOSE: %d,1", c->id);
}

static void queue_clear(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->qlen) {
		free(c->queue[c->qhead]);
		c->qhead = (c->qhead + 1) % QUEUE_MAX;
		c->qlen--;
	}
	pthread_mutex_unlock(&c->lock);
}

/* "+MQTT<kind>: <id>,<status>", now or after a "delay" control. */
static void result_urc(struct client *c, int kind, int status)
{
	char text[32];
	bool owed;
	int ms, key;

	key = snprintf(text, sizeof(text), "+MQTT%s: %d,", kind_names[kind],
		       c->id);
	snprintf(text + key, sizeof(text) - key, "%d", status);
	pthread_mutex_lock(&c->lock);
	ms = c->urc_delay[kind];
	c->urc_delay[kind] = 0;
	pthread_mutex_unlock(&c->lock);
	/* Held, or behind one that is; else now. */
	if (!later_key(ms, text, key)) {
		sendf("%s", text);
		if (hostile.dup)
			sendf("%s", text);
	}
	pthread_mutex_lock(&out_lock);
	owed = ok_owed[kind];
	ok_owed[kind] = false;
	out_unlock();
	if (owed)
		send_final("OK");
}

/*
 * A command of this kind passed its checks: take the fault injected for it
 * (hold before status0) and arm a "delay" for its result URC.
 */
static int take_fault(struct client *c, int kind)
{
	int f = FAULT_NONE;

	if (fault[kind].hold) {
		fault[kind].hold = false;
		f = FAULT_HOLD;
	} else if (fault[kind].status0) {
		fault[kind].status0 = false;
		f = FAULT_STATUS0;
	}
	pthread_mutex_lock(&c->lock);
	c->urc_delay[kind] = fault[kind].delay_ms;
	pthread_mutex_unlock(&c->lock);
	fault[kind].delay_ms = 0;
	return f;
}

/* ---- libmosquitto callbacks (loop threads) ---- */

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	struct client *c = obj;

	(void)m;
	pthread_mutex_lock(&c->lock);
	if (c->connack == -1) {		/* +MQTTOPEN is waiting for it */
		c->connack = rc;
		c->open = rc == 0;
		pthread_cond_signal(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	struct client *c = obj;

	(void)rc;
	if (!set_closed(c))
		return;		/* closed by us, or never opened */
	mosquitto_disconnect(m);	/* no automatic reconnect */
	send_break(c, 1);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n,
			 const int *granted)
{
	struct client *c = obj;

	(void)m;
	(void)mid;
	result_urc(c, K_SUB, n > 0 && granted[0] <= 2);
}

static void on_unsubscribe(struct mosquitto *m, void *obj, int mid)
{
	struct client *c = obj;

	(void)m;
	(void)mid;
	result_urc(c, K_UNSUB, 1);
}

/* After the PUBLISH is written (qos 0), PUBACK (1) or PUBCOMP (2). */
static void on_publish(struct mosquitto *m, void *obj, int mid)
{
	struct client *c = obj;

	(void)m;
	(void)mid;
	result_urc(c, K_PUB, 1);
}

/*
 * Acknowledge what the broker sent now, not up to 40 ms later.  mosquitto
 * writes to its clients with Nagle's algorithm on (its set_tcp_nodelay is
 * off by default): a message written while an earlier one is not yet
 * acknowledged waits for that ACK, and Linux delays the ACK of a receiver
 * that sends nothing back, as a client does for QoS 0 messages.  A burst
 * of messages then stalled 40 ms after its first one or two, and make
 * bench measured that stall, not the modem's line or atmqtt
 * (Documentation/performance.rst).
 */
static void ack_now(struct mosquitto *m)
{
	int one = 1, fd = mosquitto_socket(m);

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static void on_message(struct mosquitto *m, void *obj,
		       const struct mosquitto_message *msg)
{
	struct client *c = obj;
	size_t tlen = strlen(msg->topic), plen = msg->payloadlen;
	struct stored *s;
	char head[64];
	bool lost;
	int n;

	ack_now(m);
	if (!tlen || tlen > TOPIC_MAX || plen > PAYLOAD_MAX) {
		fprintf(stderr, "atmqtt-sim: client %d: dropped a %zu+%zu byte message\n",
			c->id, tlen, plen);
		return;
	}
	if (atomic_load(&conf_mode) == 0) {
		n = snprintf(head, sizeof(head), "+MQTTMSG: %d,%d,\"",
			     c->id, msg->qos);
		pthread_mutex_lock(&out_lock);
		logv(">>", head, n);
		out_junk_line();
		out_eol();
		out(head, n);
		out(msg->topic, tlen);
		out("\",\"", 3);
		out(msg->payload, plen);
		out("\"", 1);
		out_eol();
		out_unlock();
		return;
	}
	s = malloc(sizeof(*s) + tlen + plen);
	if (!s)
		return;
	s->qos = msg->qos;
	s->tlen = tlen;
	s->plen = plen;
	memcpy(s->data, msg->topic, tlen);
	memcpy(s->data + tlen, msg->payload, plen);
	pthread_mutex_lock(&c->lock);
	if (c->qlen == QUEUE_MAX) {
		free(c->queue[c->qhead]);
		c->qhead = (c->qhead + 1) % QUEUE_MAX;
		c->qlen--;
		c->dropped++;
		if (verbose)
			fprintf(stderr, "sim client %d: queue full, dropped the oldest message\n",
				c->id);
	}
	c->queue[(c->qhead + c->qlen) % QUEUE_MAX] = s;
	c->qlen++;
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock(&out_lock);
	lost = hostile.lie == LIE_LOST;
	if (hostile.lie == LIE_MSGI) {
		hostile.lie = LIE_NONE;
		plen = 99999;
	} else if (lost) {
		hostile.lie = LIE_NONE;
	}
	out_unlock();
	/* A lost announcement: the message is queued all the same. */
	if (!lost)
		sendf("+MQTTMSGI: %d,%d,%zu,%zu", c->id, s->qos, tlen, plen);
}

/* ---- parameters ---- */

struct arg {
	const char *s;
	size_t len;
	bool quoted;
	bool is_num;
	long num;
};

/*
 * Split 'a,"b",3' into fields: a quoted field runs to the next '"' and must
 * be followed by ',' or the end; an unquoted one runs to the next ','.
 * Returns the number of fields, or -1 when the line does not split.
 */
static int split_args(const char *s, struct arg *a, int max)
{
	int n;

	for (n = 0; n < max; n++) {
		const char *e;

		memset(&a[n], 0, sizeof(a[n]));
		if (*s == '"') {
			e = strchr(s + 1, '"');
			if (!e)
				return -1;
			a[n].s = s + 1;
			a[n].len = e - s - 1;
			a[n].quoted = true;
			s = e + 1;
		} else {
			e = s + strcspn(s, ",\"");
			a[n].s = s;
			a[n].len = e - s;
			if (a[n].len && a[n].len < 10 &&
			    strspn(s, "0123456789") == a[n].len) {
				a[n].is_num = true;
				a[n].num = strtol(s, NULL, 10);
			}
			s = e;
		}
		if (!*s)
			return n + 1;
		if (*s != ',')
			return -1;
		s++;
	}
	return -1;
}

/* Printable ASCII; quote: '"' allowed too. */
static bool ascii(const char *s, size_t n, bool quote)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || (s[i] == '"' && !quote))
			return false;
	return true;
}

static bool num_in(const struct arg *a, long lo, long hi)
{
	return a->is_num && a->num >= lo && a->num <= hi;
}

static bool str_in(const struct arg *a, size_t lo, size_t hi)
{
	return a->quoted && a->len >= lo && a->len <= hi &&
	       ascii(a->s, a->len, false);
}

static char *dupn(const struct arg *a)
{
	char *s = strndup(a->s, a->len);

	if (!s) {
		perror("atmqtt-sim");
		exit(1);
	}
	return s;
}

/* ---- MQTT commands: return the final result, or NULL once sent ---- */

static const char *cmd_user(struct arg *a, int n)
{
	struct client *c;

	if ((n != 3 && n != 4) || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 0, USER_MAX) || !str_in(&a[2], 0, USER_MAX) ||
	    (n == 4 && !str_in(&a[3], 1, CID_MAX)))
		return "ERROR";
	c = &clients[a[0].num];
	free(c->user);
	free(c->pass);
	free(c->cid);
	c->user = dupn(&a[1]);
	c->pass = dupn(&a[2]);
	c->cid = n == 4 ? dupn(&a[3]) : NULL;
	c->user_set = true;
	return "OK";
}

static const char *query_user(void)
{
	int i;

	for (i = 1; i <= NCLIENTS; i++) {
		struct client *c = &clients[i];

		if (c->user_set)
			sendf("+MQTTUSER: %d,\"%s\",\"%s\"%s%s%s", i, c->user,
			      c->pass, c->cid ? ",\"" : "",
			      c->cid ? c->cid : "", c->cid ? "\"" : "");
	}
	return "OK";
}

static const char *open_failed(struct client *c)
{
	client_drop(c, false);
	send_ok(K_OPEN);
	result_urc(c, K_OPEN, 0);
	return NULL;
}

static const char *cmd_open(struct arg *a, int n)
{
	static char err[16];
	struct client *c;
	struct timespec ts;
	char *host, id[32];
	int rc;

	if (n != 5 || !num_in(&a[0], 1, NCLIENTS) || !str_in(&a[1], 1, 255) ||
	    !num_in(&a[2], 1, 65535) || !num_in(&a[3], 0, 1) ||
	    !num_in(&a[4], 1, 300))
		return "ERROR";
	c = &clients[a[0].num];
	if (is_open(c))
		return "ERROR";
	client_drop(c, false);		/* what a +MQTTBREAK left */
	switch (take_fault(c, K_OPEN)) {
	case FAULT_HOLD:
		return "OK";
	case FAULT_STATUS0:
		return open_failed(c);
	}

	if (c->cid)
		snprintf(id, sizeof(id), "%s", c->cid);
	else
		snprintf(id, sizeof(id), "%s%d", imei, c->id);
	c->mosq = mosquitto_new(id, a[3].num, c);
	if (!c->mosq)
		return open_failed(c);
	mosquitto_int_option(c->mosq, MOSQ_OPT_PROTOCOL_VERSION,
			     MQTT_PROTOCOL_V311);
	mosquitto_connect_callback_set(c->mosq, on_connect);
	mosquitto_disconnect_callback_set(c->mosq, on_disconnect);
	mosquitto_subscribe_callback_set(c->mosq, on_subscribe);
	mosquitto_unsubscribe_callback_set(c->mosq, on_unsubscribe);
	mosquitto_publish_callback_set(c->mosq, on_publish);
	mosquitto_message_callback_set(c->mosq, on_message);
	if (c->user_set && (*c->user || *c->pass))
		mosquitto_username_pw_set(c->mosq, c->user,
					  *c->pass ? c->pass : NULL);
	if (c->will_set &&
	    mosquitto_will_set(c->mosq, c->will_topic,
			       strlen(c->will_payload), c->will_payload,
			       c->will_qos, c->will_retain) != MOSQ_ERR_SUCCESS)
		return open_failed(c);
	pthread_mutex_lock(&c->lock);
	c->connack = -1;
	pthread_mutex_unlock(&c->lock);

	host = broker_host ? strdup(broker_host) : dupn(&a[1]);
	rc = mosquitto_connect(c->mosq, host, broker_port ? broker_port :
			       a[2].num, a[4].num);
	free(host);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop_start(c->mosq);
	if (rc != MOSQ_ERR_SUCCESS)
		return open_failed(c);

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += CONNACK_WAIT;
	pthread_mutex_lock(&c->lock);
	while (c->connack == -1 &&
	       pthread_cond_timedwait(&c->cond, &c->lock, &ts) != ETIMEDOUT)
		;
	rc = c->connack;
	pthread_mutex_unlock(&c->lock);
	if (rc >= 1 && rc <= 5) {
		client_drop(c, false);
		snprintf(err, sizeof(err), "ERROR: %d", 699 + rc);
		return err;
	}
	if (rc != 0 || !is_open(c))
		return open_failed(c);
	send_ok(K_OPEN);
	result_urc(c, K_OPEN, 1);
	return NULL;
}

/* "+MQTTOPEN: 1,2": the clients that are open (or not), else "0". */
static const char *query_clients(const char *name, bool open)
{
	char buf[16] = "";
	int i;

	for (i = 1; i <= NCLIENTS; i++)
		if (is_open(&clients[i]) == open)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%d", *buf ? "," : "", i);
	sendf("+%s: %s", name, *buf ? buf : "0");
	return "OK";
}

static const char *query_open(void)
{
	return query_clients("MQTTOPEN", false);
}

static const char *cmd_close(struct arg *a, int n)
{
	struct client *c;

	if (n != 1 || !num_in(&a[0], 1, NCLIENTS))
		return "ERROR";
	c = &clients[a[0].num];
	if (!is_open(c))
		return "ERROR";
	switch (take_fault(c, K_CLOSE)) {
	case FAULT_HOLD:
		return "OK";
	case FAULT_STATUS0:
		send_ok(K_CLOSE);
		result_urc(c, K_CLOSE, 0);
		return NULL;
	}
	client_drop(c, false);
	queue_clear(c);
	send_ok(K_CLOSE);
	result_urc(c, K_CLOSE, 1);
	return NULL;
}

static const char *query_close(void)
{
	return query_clients("MQTTCLOSE", true);
}

static const char *sub_unsub(struct arg *a, int n, bool unsub)
{
	int kind = unsub ? K_UNSUB : K_SUB, rc = MOSQ_ERR_UNKNOWN;
	struct client *c;
	char *topic;

	if (n != (unsub ? 2 : 3) || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 1, TOPIC_MAX) || (!unsub && !num_in(&a[2], 0, 2)))
		return "ERROR";
	c = &clients[a[0].num];
	if (!is_open(c))
		return "ERROR";
	/* OK first: the result URC must not overtake it. */
	send_ok(kind);
	switch (take_fault(c, kind)) {
	case FAULT_HOLD:
		return NULL;
	case FAULT_NONE:
		topic = dupn(&a[1]);
		rc = unsub ? mosquitto_unsubscribe(c->mosq, NULL, topic) :
		     mosquitto_subscribe(c->mosq, NULL, topic, a[2].num);
		free(topic);
	}
	if (rc != MOSQ_ERR_SUCCESS)
		result_urc(c, kind, 0);
	return NULL;
}

static const char *cmd_sub(struct arg *a, int n)
{
	return sub_unsub(a, n, false);
}

static const char *cmd_unsub(struct arg *a, int n)
{
	return sub_unsub(a, n, true);
}

static char *hex(char *t, const void *buf, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = buf;
	size_t i;

	if (!n)
		*t++ = '-';
	for (i = 0; i < n; i++) {
		*t++ = digits[p[i] >> 4];
		*t++ = digits[p[i] & 15];
	}
	return t;
}

/*
 * -P: "PUB <client> <qos> <retain> <topic hex> <payload hex or ->" for a
 * message about to be handed to libmosquitto, in one write() (main thread).
 */
static void publog(struct client *c, const char *topic, int qos, int retain,
		   const void *data, size_t len)
{
	char buf[32 + 2 * TOPIC_MAX + 2 * PAYLOAD_MAX], *t = buf;
	size_t tlen = strlen(topic);

	if (publog_fd < 0 || tlen > TOPIC_MAX || len > PAYLOAD_MAX)
		return;
	t += sprintf(t, "PUB %d %d %d ", c->id, qos, retain);
	t = hex(t, topic, tlen);
	*t++ = ' ';
	t = hex(t, data, len);
	*t++ = '\n';
	if (write(publog_fd, buf, t - buf) != t - buf)
		perror("atmqtt-sim: publog");
}

/* OK, then publish; +MQTTPUB: <id>,1 comes from on_publish. */
static void publish(struct client *c, const char *topic, int qos, int retain,
		    const void *data, size_t len)
{
	int rc = MOSQ_ERR_NO_CONN;

	send_ok(K_PUB);
	switch (take_fault(c, K_PUB)) {
	case FAULT_HOLD:
		return;
	case FAULT_NONE:
		if (!is_open(c))
			break;
		/* What libmosquitto would refuse gets no publog line. */
		rc = mosquitto_pub_topic_check(topic);
		if (rc != MOSQ_ERR_SUCCESS)
			break;
		publog(c, topic, qos, retain, data, len);
		rc = mosquitto_publish(c->mosq, NULL, topic, len, data, qos,
				       retain);
	}
	if (rc != MOSQ_ERR_SUCCESS)
		result_urc(c, K_PUB, 0);
}

static void send_prompt(void)
{
	logv(">>", ">", 1);
	send_raw(">\r\n", 3);
}

static const char *cmd_pub(struct arg *a, int n)
{
	struct client *c;
	char *topic;

	if (n != 5 || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 1, TOPIC_MAX) || !num_in(&a[2], 0, 2) ||
	    !num_in(&a[3], 0, 1) ||
	    (a[4].quoted ? !str_in(&a[4], 0, PAYLOAD_MAX) :
	     !num_in(&a[4], 1, PAYLOAD_MAX)))
		return "ERROR";
	c = &clients[a[0].num];
	if (!is_open(c))
		return "ERROR";
	topic = dupn(&a[1]);
	if (a[4].quoted) {
		publish(c, topic, a[2].num, a[3].num, a[4].s, a[4].len);
		free(topic);
		return NULL;
	}
	if (hostile.noprompt) {		/* the command is lost */
		hostile.noprompt = false;
		free(topic);
		return NULL;
	}
	/* <Datasize>: the next bytes from the host are the payload. */
	pending.c = c;
	pending.topic = topic;
	pending.qos = a[2].num;
	pending.retain = a[3].num;
	pending.need = a[4].num;
	pending.len = 0;
	if (slowprompt_ms) {	/* in data mode now, '>' later */
		pending.prompt_due = now_ms() + slowprompt_ms;
		slowprompt_ms = 0;
	} else {
		send_prompt();
	}
	return NULL;
}

static void pending_done(void)
{
	publish(pending.c, pending.topic, pending.qos, pending.retain,
		pending.buf, pending.len);
	free(pending.topic);
	pending.topic = NULL;
	pending.need = 0;
}

static const char *cmd_conf(struct arg *a, int n)
{
	if (n != 1 || !num_in(&a[0], 0, 1))
		return "ERROR";
	atomic_store(&conf_mode, a[0].num);
	return "OK";
}

static const char *query_conf(void)
{
	sendf("+MQTTCONF: %d", atomic_load(&conf_mode));
	return "OK";
}

static const char *cmd_read(struct arg *a, int n)
{
	struct client *c;
	struct stored *s = NULL;
	char head[64];
	size_t plen;
	int len;

	if (n != 1 || !num_in(&a[0], 1, NCLIENTS))
		return "ERROR";
	c = &clients[a[0].num];
	pthread_mutex_lock(&c->lock);
	if (c->qlen) {
		s = c->queue[c->qhead];
		c->qhead = (c->qhead + 1) % QUEUE_MAX;
		c->qlen--;
	}
	pthread_mutex_unlock(&c->lock);
	if (!s) {
		sendf("+MQTTREAD: %d,0,0,0", c->id);
		return "OK";
	}
	pthread_mutex_lock(&out_lock);
	plen = s->plen;
	switch (hostile.lie) {
	case LIE_LONG:
		plen += 40;
		break;
	case LIE_SHORT:
		plen = plen > 3 ? plen - 3 : 0;
		break;
	case LIE_HUGE:
		plen = 99999;
		break;
	}
	if (hostile.lie != LIE_MSGI)
		hostile.lie = LIE_NONE;
	len = snprintf(head, sizeof(head), "+MQTTREAD: %d,%d,%zu,%zu",
		       c->id, s->qos, s->tlen, plen);
	send_line_locked(head, len);
	logv(">>", s->data, s->tlen + s->plen);
	if (hostile.readcut) {		/* half of the data, then hang up */
		hostile.readcut = false;
		out("\"", 1);
		out(s->data, (s->tlen + s->plen) / 2);
		out_unlock();
		free(s);
		hang_up();
		return NULL;
	}
	out("\"", 1);
	out(s->data, s->tlen);
	out("\",\"", 3);
	out(s->data + s->tlen, s->plen);
	out("\"", 1);
	out_eol();
	out_unlock();
	free(s);
	return "OK";
}

static const char *cmd_will(struct arg *a, int n)
{
	struct client *c;
	char *topic;

	if (n != 5 || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 1, TOPIC_MAX) || !num_in(&a[2], 0, 2) ||
	    !num_in(&a[3], 0, 1) || !str_in(&a[4], 0, PAYLOAD_MAX))
		return "ERROR";
	topic = dupn(&a[1]);
	if (mosquitto_pub_topic_check(topic) != MOSQ_ERR_SUCCESS) {
		free(topic);
		return "ERROR";
	}
	c = &clients[a[0].num];
	free(c->will_topic);
	free(c->will_payload);
	c->will_topic = topic;
	c->will_payload = dupn(&a[4]);
	c->will_qos = a[2].num;
	c->will_retain = a[3].num;
	c->will_set = true;
	return "OK";
}

static const char *query_will(void)
{
	int i;

	for (i = 1; i <= NCLIENTS; i++) {
		struct client *c = &clients[i];

		if (c->will_set)
			sendf("+MQTTWILL: %d,\"%s\",%d,%d,\"%s\"", i,
			      c->will_topic, c->will_qos, c->will_retain,
			      c->will_payload);
	}
	return "OK";
}

/* ---- the other commands of the manual's usage example ---- */

static const char *query_cops(void)
{
	sendf("+COPS: 0,0,\"SIM-NET\",7");
	return "OK";
}

static const char *query_creg(void)
{
	sendf("+CREG: 0,1");
	return "OK";
}

static const char *exec_cgsn(void)
{
	sendf("%s", imei);
	return "OK";
}

static const char *cmd_mipcall(struct arg *a, int n)
{
	if (n != 1 || !num_in(&a[0], 0, 1))
		return "ERROR";
	ip_up = a[0].num;
	if (ip_up)
		later(50, "+MIPCALL: " LOCAL_IP);
	return "OK";
}

static const char *query_mipcall(void)
{
	if (ip_up)
		sendf("+MIPCALL: 1,\"%s\"", LOCAL_IP);
	else
		sendf("+MIPCALL: 0");
	return "OK";
}

/* ---- dispatch ---- */

static const struct command {
	const char *name;		/* after "AT+" */
	bool mqtt;			/* "error <n>" applies to its set form */
	const char *(*set)(struct arg *a, int n);	/* AT+X=... */
	const char *(*query)(void);			/* AT+X? */
	const char *(*exec)(void);			/* AT+X */
	const char *test;				/* AT+X=? */
} commands[] = {
	{ "MQTTUSER", true, cmd_user, query_user, NULL,
	  "+MQTTUSER: (1,2),128,128,23" },
	{ "MQTTOPEN", true, cmd_open, query_open, NULL,
	  "+MPQTTOPEN: (1,2),(255),(1-65535),(0,1),(1-300)" },
	{ "MQTTCLOSE", true, cmd_close, query_close, NULL,
	  "+MQTTCLOSE: (1,2)" },
	{ "MQTTSUB", true, cmd_sub, NULL, NULL, "+MQTTSUB: (1,2),255,(0-2)" },
	{ "MQTTUNSUB", true, cmd_unsub, NULL, NULL, "+MQTTUNSUB: (1,2),255" },
	{ "MQTTPUB", true, cmd_pub, NULL, NULL,
	  "+MQTTPUB: (1,2),255,(0-2),(0,1),1024" },
	{ "MQTTCONF", true, cmd_conf, query_conf, NULL, "+MQTTCONF: (0,1)" },
	{ "MQTTREAD", true, cmd_read, NULL, NULL, "+MQTTREAD: (1,2)" },
	{ "MQTTWILL", true, cmd_will, query_will, NULL,
	  "+MQTTWILL: (1,2),255,(0-2),(0,1),1024" },
	{ "COPS", false, NULL, query_cops, NULL, NULL },
	{ "CREG", false, NULL, query_creg, NULL, NULL },
	{ "CGSN", false, NULL, NULL, exec_cgsn, NULL },
	{ "MIPCALL", false, cmd_mipcall, query_mipcall, NULL, NULL },
};

/* With "mid": an unsolicited line inside a query or test response. */
static void mid_urc(void)
{
	if (hostile.mid)
		sendf("+CREG: 0,5");
}

static const char *query(const struct command *cmd)
{
	const char *res;

	mid_urc();
	res = cmd->query();
	mid_urc();
	return res;
}

/* "AT+<rest>": run the command named by rest. */
static const char *dispatch(const char *rest)
{
	static char err[32];
	const struct command *cmd = NULL;
	size_t len = strcspn(rest, "=?");
	struct arg a[MAXARGS];
	const char *p = rest + len;
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strlen(commands[i].name) == len &&
		    !strncasecmp(commands[i].name, rest, len))
			cmd = &commands[i];
	if (!cmd)
		return "ERROR";
	if (!*p)
		return cmd->exec ? cmd->exec() : "ERROR";
	if (!strcmp(p, "?"))
		return cmd->query ? query(cmd) : "ERROR";
	if (!strcmp(p, "=?")) {
		if (!cmd->test)
			return "ERROR";
		mid_urc();
		sendf("%s", cmd->test);
		mid_urc();
		return "OK";
	}
	if (*p != '=' || !cmd->set)
		return "ERROR";
	if (cmd->mqtt && inject_error) {
		inject_error = inject_error_always;
		snprintf(err, sizeof(err), "ERROR: %ld", inject_error_code);
		return err;
	}
	n = split_args(p + 1, a, MAXARGS);
	return n < 0 ? "ERROR" : cmd->set(a, n);
}

static void handle_line(const char *line, size_t len)
{
	const char *res;
	char cme[32];

	logv("<<", line, len);
	if (inject_cme) {
		inject_cme = false;
		snprintf(cme, sizeof(cme), "+CME ERROR: %ld", inject_cme_code);
		send_final(cme);
		return;
	}
	if (!ascii(line, len, true) || strncasecmp(line, "AT", 2)) {
		res = "ERROR";
	} else if (!line[2]) {
		res = "OK";
	} else if (!strcasecmp(line + 2, "E0") || !strcasecmp(line + 2, "E1")) {
		echo_on = line[3] == '1';
		res = "OK";
	} else if (line[2] == '+') {
		res = dispatch(line + 3);
	} else {
		res = "ERROR";
	}
	if (res)
		send_final(res);
}

/* ---- input from the host ---- */

static char line[CMD_MAX + 1];
static size_t line_len;
static bool line_long;

static void echo(const char *s, size_t n)
{
	if (echo_on && n)
		send_raw(s, n);
}

/* A command line, or one too long (ERROR). */
static void run_line(const char *line, size_t len, bool too_long)
{
	if (too_long)
		sendf("ERROR");
	else
		handle_line(line, len);
}

/*
 * Busy with a "slowfinal" line, or a "slowprompt" publish's prompt is
 * still to come after all of its data.
 */
static bool busy(void)
{
	return slow.due ||
	       (pending.prompt_due && pending.need &&
		pending.len == pending.need);
}

/* Keep bytes that arrived while busy, up to BACKLOG_MAX. */
static void backlog_add(const char *buf, size_t n)
{
	size_t cap;
	char *p;

	if (n > BACKLOG_MAX - backlog_len) {
		fprintf(stderr, "atmqtt-sim: busy, %zu input bytes lost\n",
			n - (BACKLOG_MAX - backlog_len));
		n = BACKLOG_MAX - backlog_len;
	}
	if (backlog_len + n > backlog_cap) {
		cap = backlog_cap ? backlog_cap : 4096;
		while (cap < backlog_len + n)
			cap *= 2;
		p = realloc(backlog, cap);
		if (!p) {
			perror("atmqtt-sim");
			exit(1);
		}
		backlog = p;
		backlog_cap = cap;
	}
	memcpy(backlog + backlog_len, buf, n);
	backlog_len += n;
}

/* Bytes from the host: commands up to CR, or <Datasize> publish data. */
static void feed(const char *buf, size_t n)
{
	size_t i = 0, from = 0, k;
	char b;

	while (i < n) {
		if (busy()) {		/* the rest waits, unechoed */
			echo(buf + from, i - from);
			backlog_add(buf + i, n - i);
			return;
		}
		if (pending.need) {	/* raw data: no echo, no parsing */
			echo(buf + from, i - from);
			k = pending.need - pending.len;
			if (k > n - i)
				k = n - i;
			memcpy(pending.buf + pending.len, buf + i, k);
			pending.len += k;
			i += k;
			from = i;
			if (hostile.pubcut) {	/* hang up inside the data */
				hostile.pubcut = false;
				hang_up();
				return;
			}
			/* With "slowprompt", not before the prompt. */
			if (pending.len == pending.need && !pending.prompt_due)
				pending_done();
			continue;
		}
		b = buf[i++];
		if (b == '\r') {
			if (hostile.echo_flip)
				echo_on = rand_r(&hostile.seed) & 1;
			echo(buf + from, i - from);
			from = i;
			line[line_len] = '\0';
			if ((line_long || line_len) && slowfinal_ms) {
				memcpy(slow.line, line, line_len + 1);
				slow.len = line_len;
				slow.too_long = line_long;
				slow.due = now_ms() + slowfinal_ms;
				slowfinal_ms = 0;
			} else if (line_long || line_len) {
				run_line(line, line_len, line_long);
			}
			line_len = 0;
			line_long = false;
		} else if (b == '\n' && !line_len && !line_long) {
			continue;	/* the LF of CRLF, or a stray one */
		} else if (line_len < CMD_MAX) {
			line[line_len++] = b;
		} else {
			line_long = true;
		}
	}
	echo(buf + from, i - from);
}

/*
 * Send the prompt of a "slowprompt" publish, run a "slowfinal" line, when
 * due; then the input that waited.  True while one of them waits.
 */
static bool slow_tick(void)
{
	long long now = now_ms();
	size_t n;
	char *b;

	if (pending.prompt_due && now >= pending.prompt_due) {
		pending.prompt_due = 0;
		send_prompt();
		if (pending.need && pending.len == pending.need)
			pending_done();
	}
	if (slow.due && now >= slow.due) {
		slow.due = 0;
		run_line(slow.line, slow.len, slow.too_long);
	}
	if (!busy() && backlog_len && !stop) {
		b = backlog;
		n = backlog_len;
		backlog = NULL;
		backlog_len = backlog_cap = 0;
		feed(b, n);	/* may keep a rest in a new backlog */
		free(b);
	}
	return slow.due || pending.prompt_due;
}

/* ---- control FIFO ---- */

static int kind_of(const char *name)
{
	int k;

	for (k = 0; k < K_N; k++)
		if (!strcasecmp(name, kind_names[k]))
			return k;
	return -1;
}

static bool on_off(const char *word, bool *flag)
{
	if (strcmp(word, "on") && strcmp(word, "off"))
		return false;
	*flag = word[1] == 'n';
	return true;
}

/* The hostile modem's controls; false if cmd is none of them. */
static bool hostile_control(int n, const char *verb, const char *word,
			    const char *arg)
{
	static const char *const lies[] = {
		[LIE_NONE] = "off", [LIE_LONG] = "long", [LIE_SHORT] = "short",
		[LIE_HUGE] = "huge", [LIE_MSGI] = "msgi", [LIE_LOST] = "lost",
	};
	static const char *const eols[][2] = {
		{ "crlf", "\r\n" }, { "cr", "\r" }, { "lf", "\n" },
		{ "lfcr", "\n\r" },
	};
	static const char *const chatters[] = { "off", "lines", "bytes" };
	bool ok = false;
	unsigned int i;
	long v;

	pthread_mutex_lock(&out_lock);
	if (n == 1) {
		bool *flag = !strcmp(verb, "nofinal") ? &hostile.nofinal :
			     !strcmp(verb, "noprompt") ? &hostile.noprompt :
			     !strcmp(verb, "readcut") ? &hostile.readcut :
			     !strcmp(verb, "pubcut") ? &hostile.pubcut : NULL;

		if (flag)
			*flag = ok = true;
		ok = ok || !strcmp(verb, "hangup");
	} else if (n == 2 && !strcmp(verb, "split")) {
		ok = on_off(word, &hostile.split);
	} else if (n == 2 && !strcmp(verb, "dup")) {
		ok = on_off(word, &hostile.dup);
	} else if (n == 2 && !strcmp(verb, "early")) {
		ok = on_off(word, &hostile.early);
	} else if (n == 2 && !strcmp(verb, "mid")) {
		ok = on_off(word, &hostile.mid);
	} else if (n == 2 && !strcmp(verb, "echo")) {
		ok = !strcmp(word, "flip") || on_off(word, &echo_on);
		hostile.echo_flip = !strcmp(word, "flip");
	} else if (n == 2 && !strcmp(verb, "eol")) {
		for (i = 0; i < ARRAY_SIZE(eols); i++)
			if (!strcmp(word, eols[i][0])) {
				hostile.eol = eols[i][1];
				ok = true;
			}
	} else if (n == 2 && !strcmp(verb, "lie")) {
		for (i = 0; i < ARRAY_SIZE(lies); i++)
			if (!strcmp(word, lies[i])) {
				hostile.lie = i;
				ok = true;
			}
	} else if (n == 2 && !strcmp(verb, "chatter")) {
		for (i = 0; i < ARRAY_SIZE(chatters); i++)
			if (!strcmp(word, chatters[i])) {
				hostile.chatter = i;
				ok = true;
			}
	} else if (n >= 2 && !strcmp(verb, "garbage")) {
		v = n == 3 ? strtol(arg, NULL, 10) : 0;
		if (n == 2 && !strcmp(word, "off")) {
			hostile.between = hostile.inside = 0;
			ok = true;
		} else if (n == 3 && v >= 1 && v <= 1000000 &&
			   (!strcmp(word, "between") || !strcmp(word, "inside"))) {
			*(word[0] == 'b' ? &hostile.between : &hostile.inside) = v;
			ok = true;
		}
	} else if (n == 2 && !strcmp(verb, "seed")) {
		hostile.seed = strtoul(word, NULL, 10);
		ok = true;
	}
	out_unlock();
	if (ok && !strcmp(verb, "hangup"))
		hang_up();
	return ok;
}

/* "chatter": a modem that never stops talking; one burst per call. */
static void chatter(void)
{
	static const char *const lines[] = {
		"+CREG: 0,5", "+CSQ: 20,99", "RING", "+MQTTBREAK: 9,1",
		"+MQTTPUB: 2,1", "NO CARRIER", "+MIPCALL: 0",
	};
	static unsigned int next;
	char buf[512];
	size_t i;

	pthread_mutex_lock(&out_lock);
	if (hostile.chatter == 1) {
		for (i = 0; i < 16; i++) {
			const char *l = lines[next++ % ARRAY_SIZE(lines)];

			send_line_locked(l, strlen(l));
		}
	} else {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = 0x20 + rand_r(&hostile.seed) % 95;
		out(buf, sizeof(buf));
	}
	out_unlock();
}

/* 0-99999999 ms, digits only */
static bool is_ms(const char *s)
{
	size_t n = strlen(s);

	return n && n < 9 && strspn(s, "0123456789") == n;
}

static void control(char *cmd)
{
	char verb[16], word[16], arg[16], c;
	int id, cause, n, k;
	long v;

	cmd[strcspn(cmd, "\r")] = '\0';
	if (!strncmp(cmd, "say ", 4) || !strncmp(cmd, "urc ", 4)) {
		sendf("%s", cmd + 4);
		return;
	}
	if (sscanf(cmd, "break %d %d %c", &id, &cause, &c) == 2 && id >= 1 &&
	    id <= NCLIENTS && cause >= 1 && cause <= 3) {
		send_break(&clients[id], cause);
		client_drop(&clients[id], true);
		return;
	}
	n = sscanf(cmd, "error %ld %15s %c", &v, word, &c);
	if (n == 1 || (n == 2 && !strcmp(word, "always"))) {
		inject_error = v != 0;
		inject_error_always = n == 2;
		inject_error_code = v;
		return;
	}
	if (sscanf(cmd, "cme %ld %c", &v, &c) == 1) {
		inject_cme = true;
		inject_cme_code = v;
		return;
	}
	n = sscanf(cmd, "%15s %15s %15s %c", verb, word, arg, &c);
	if (n == 2 && !strcmp(verb, "breakclose") && break_close_of(word) >= 0) {
		atomic_store(&break_close, break_close_of(word));
		return;
	}
	if (hostile_control(n, verb, word, arg))
		return;
	k = n >= 2 ? kind_of(word) : -1;
	if (!strcmp(cmd, "mute") || !strcmp(cmd, "unmute"))
		muted = cmd[0] == 'm';
	else if (k >= 0 && n == 2 && !strcmp(verb, "status0"))
		fault[k].status0 = true;
	else if (k >= 0 && n == 2 && !strcmp(verb, "hold"))
		fault[k].hold = true;
	else if (k >= 0 && n == 3 && !strcmp(verb, "delay") &&
		 strspn(arg, "0123456789") == strlen(arg) && strlen(arg) < 9)
		fault[k].delay_ms = atoi(arg);
	else if (n == 2 && !strcmp(verb, "slowfinal") && is_ms(word))
		slowfinal_ms = atoi(word);
	else if (n == 2 && !strcmp(verb, "slowprompt") && is_ms(word))
		slowprompt_ms = atoi(word);
	else if (*cmd)
		fprintf(stderr, "atmqtt-sim: unknown control '%s'\n", cmd);
}

/* ---- main ---- */

static void make_imei(void)
{
	int i, d, sum = 0;

	snprintf(imei, sizeof(imei), "86%012u", (unsigned int)getpid());
	for (i = 0; i < 14; i++) {	/* Luhn check digit */
		d = (imei[13 - i] - '0') * (i & 1 ? 1 : 2);
		if (d > 9)
			d -= 9;
		sum += d;
	}
	imei[14] = '0' + (10 - sum % 10) % 10;
	imei[15] = '\0';
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char synopsis[] =
	"usage: atmqtt-sim [-c CONTROL_FIFO] [-l LOG] [-P PUBLOG] [-L LINK] [-E]\n"
	"                  [-k WHEN] [-b HOST] [-p PORT] [-B BAUD] [-T TRACE] [-v]\n";

/* A usage error: the synopsis on stderr (exit 2). */
static void usage(void)
{
	fprintf(stderr, "%sTry 'atmqtt-sim --help'.\n", synopsis);
}

/* --help: every option, on stdout (exit 0). */
static void help(void)
{
	printf("%s\n"
	       "Simulates a Fibocom NL668's MQTT AT interface on a pty, bridged to\n"
	       "an MQTT broker with libmosquitto.  Prints the pty's slave path as\n"
	       "its first line on stdout; runs until SIGTERM or SIGINT.\n"
	       "\n"
	       "  -c, --control FIFO   create FIFO, the control FIFO (removed at exit):\n"
	       "                       fault injection commands, one per line\n"
	       "  -l, --log FILE       append every byte received from the host to\n"
	       "                       FILE, unmodified (muted input included)\n"
	       "  -P, --publog FILE    append one line per message published to the\n"
	       "                       broker, before handing it over:\n"
	       "                       PUB <client> <qos> <retain> <topic hex> <payload hex or ->\n"
	       "  -L, --link PATH      make PATH a symlink to the pty's slave (removed\n"
	       "                       at exit)\n"
	       "  -E, --no-echo        start with echo off (ATE0); the default is on\n"
	       "  -k, --break-close=WHEN\n"
	       "                       where +MQTTCLOSE: <id>,1 goes with every\n"
	       "                       +MQTTBREAK: after (the default, as the manual's\n"
	       "                       3.3 shows), before, or none\n"
	       "  -b, --broker HOST    connect every AT+MQTTOPEN to HOST instead of the\n"
	       "                       host in the command\n"
	       "  -p, --port PORT      likewise for the port (1-65535)\n"
	       "  -B, --baud BAUD      pace both directions like a UART at BAUD bit/s,\n"
	       "                       8N1 (300-100000000); default: as fast as the pty\n"
	       "  -T, --trace FILE     write a timestamped line to FILE for each move of\n"
	       "                       bytes between host and simulator\n"
	       "  -v, --verbose        log every command and response line on stderr\n"
	       "  -h, --help           show this help and exit\n"
	       "\n"
	       "Exit status: 0 after a signal or --help, 1 on a setup failure, 2 on\n"
	       "a usage error.  See Documentation/simulator.rst or atmqtt-sim(1).\n",
	       synopsis);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "publog", required_argument, NULL, 'P' },
		{ "link", required_argument, NULL, 'L' },
		{ "no-echo", no_argument, NULL, 'E' },
		{ "break-close", required_argument, NULL, 'k' },
		{ "broker", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "baud", required_argument, NULL, 'B' },
		{ "trace", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *link_path = NULL, *ctl_path = NULL, *log_path = NULL;
	const char *trace_path = NULL, *publog_path = NULL;
	char ctl[512];
	size_t clen = 0;
	struct termios tio;
	struct sigaction sa;
	int c, ctl_fd = -1, i;

	while ((c = getopt_long(argc, argv, "c:l:P:L:Ek:b:p:B:T:vh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			ctl_path = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'P':
			publog_path = optarg;
			break;
		case 'L':
			link_path = optarg;
			break;
		case 'E':
			echo_on = false;
			break;
		case 'k':
			i = break_close_of(optarg);
			if (i < 0) {
				usage();
				return 2;
			}
			atomic_store(&break_close, i);
			break;
		case 'b':
			broker_host = optarg;
			break;
		case 'p':
			broker_port = atoi(optarg);
			if (broker_port < 1 || broker_port > 65535) {
				usage();
				return 2;
			}
			break;
		case 'B':
			baud = atol(optarg);
			if (baud < 300 || baud > 100000000) {
				usage();
				return 2;
			}
			break;
		case 'T':
			trace_path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc) {
		usage();
		return 2;
	}
	make_imei();
	mosquitto_lib_init();
	for (i = 1; i <= NCLIENTS; i++) {
		clients[i].id = i;
		clients[i].connack = -2;
		pthread_mutex_init(&clients[i].lock, NULL);
		pthread_cond_init(&clients[i].cond, NULL);
	}
	if (trace_path) {
		trace_f = fopen(trace_path, "w");
		if (!trace_f) {
			perror(trace_path);
			return 1;
		}
	}
	if (log_path) {
		log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (log_fd < 0) {
			perror("atmqtt-sim: log");
			return 1;
		}
	}
	if (publog_path) {
		publog_fd = open(publog_path, O_WRONLY | O_CREAT | O_APPEND,
				 0644);
		if (publog_fd < 0) {
			perror("atmqtt-sim: publog");
			return 1;
		}
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("atmqtt-sim: pty");
		return 1;
	}
	/* Raw both ways: no echo by the tty, no CR/LF translation. */
	if (!tcgetattr(master, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(master, TCSANOW, &tio);
	}
	if (link_path) {
		unlink(link_path);
		if (symlink(ptsname(master), link_path))
			perror("atmqtt-sim: symlink");
	}
	if (ctl_path) {
		unlink(ctl_path);
		if (!mkfifo(ctl_path, 0600))
			ctl_fd = open(ctl_path, O_RDWR | O_NONBLOCK);
		if (ctl_fd < 0) {
			perror("atmqtt-sim: control fifo");
			return 1;
		}
	}
	printf("%s\n", ptsname(master));
	fflush(stdout);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	while (!stop) {
		struct pollfd p[2] = {
			{ .fd = master, .events = POLLIN },
			{ .fd = ctl_fd, .events = POLLIN },
		};
		bool waiting = later_tick();
		char buf[4096];
		ssize_t r;

		if (slow_tick())
			waiting = true;
		if (hostile.chatter)
			chatter();
		if (poll(p, ctl_fd >= 0 ? 2 : 1,
			 hostile.chatter ? 0 : waiting ? 5 : 50) <= 0)
			continue;
		if (ctl_fd >= 0 && (p[1].revents & POLLIN)) {
			r = read(ctl_fd, buf, sizeof(buf));
			for (i = 0; i < r; i++) {
				if (buf[i] == '\n') {
					ctl[clen] = '\0';
					control(ctl);
					clen = 0;
				} else if (clen < sizeof(ctl) - 1) {
					ctl[clen++] = buf[i];
				}
			}
		}
		if (p[0].revents & (POLLHUP | POLLERR)) {
			/* No process holds the slave open: wait for one. */
			usleep(50000);
			continue;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		r = read(master, buf, sizeof(buf));
		if (r <= 0) {
			usleep(50000);
			continue;
		}
		if (log_fd >= 0 && write(log_fd, buf, r) != r)
			perror("atmqtt-sim: log");
		trace_io('R', buf, r);
		pace(&rx_line_ns, r);
		if (baud)
			trace_io('T', buf, r);
		if (!muted)
			feed(buf, r);
	}
	for (i = 1; i <= NCLIENTS; i++) {
		client_drop(&clients[i], false);
		if (clients[i].dropped)
			fprintf(stderr, "atmqtt-sim: client %d: queue full, %lu dropped\n",
				i, clients[i].dropped);
	}
	if (link_path)
		unlink(link_path);
	if (ctl_path)
		unlink(ctl_path);
	mosquitto_lib_cleanup();
	if (trace_f)
		fclose(trace_f);
	return 0;
}
