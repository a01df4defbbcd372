// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: the broker bridge.  Each open client of the modem is a
 * libmosquitto client with a loop thread of its own, which runs the
 * callbacks: result URCs, +MQTTBREAK, and received messages, sent at once
 * (+MQTTMSG) or queued for +MQTTREAD (+MQTTCONF mode 1).  The publish log
 * (-P) records what is handed to libmosquitto.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <mosquitto.h>

#include "sim.h"
#include "line.h"
#include "faults.h"
#include "bridge.h"

#define CONNACK_WAIT	10	/* seconds */

const char *const kind_names[K_N] = {
	"OPEN", "CLOSE", "SUB", "UNSUB", "PUB",
};

static struct client clients[NCLIENTS + 1];
static const char *broker_host;
static int broker_port;
static atomic_int conf_mode;
static int publog_fd = -1;

/* ---- client state ---- */

struct client *client_of(int id)
{
	return &clients[id];
}

bool is_open(struct client *c)
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
void client_drop(struct client *c, bool abrupt)
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
void send_break(struct client *c, int cause)
{
	int when = break_close();

	if (when == BC_BEFORE)
		sendf("+MQTTCLOSE: %d,1", c->id);
	sendf("+MQTTBREAK: %d,%d", c->id, cause);
	if (when == BC_AFTER)
		sendf("+MQTTCLOSE: %d,1", c->id);
}

void queue_clear(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->qlen) {
		free(c->queue[c->qhead]);
		c->qhead = (c->qhead + 1) % QUEUE_MAX;
		c->qlen--;
	}
	pthread_mutex_unlock(&c->lock);
}

/* The oldest queued message, taken off the queue; NULL if none. */
struct stored *queue_take(struct client *c)
{
	struct stored *s = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->qlen) {
		s = c->queue[c->qhead];
		c->qhead = (c->qhead + 1) % QUEUE_MAX;
		c->qlen--;
	}
	pthread_mutex_unlock(&c->lock);
	return s;
}

/* Hold the next result URC of this kind ms (a "delay" control). */
void delay_urc(struct client *c, int kind, int ms)
{
	pthread_mutex_lock(&c->lock);
	c->urc_delay[kind] = ms;
	pthread_mutex_unlock(&c->lock);
}

/* "+MQTT<kind>: <id>,<status>", now or after a "delay" control. */
void result_urc(struct client *c, int kind, int status)
{
	char text[32];
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
	send_owed_ok(kind);
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
		out_lock();
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
	out_lock();
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

/* ---- what the interpreter asks of the broker (main thread) ---- */

/*
 * Connect the client as cid to host:port (or -b/-p's), and wait for the
 * CONNACK: its code, -1 when there was none.  +MQTTUSER's and +MQTTWILL's
 * settings go with it.
 */
int client_connect(struct client *c, const char *cid, const char *host,
		   int port, int clean, int keepalive)
{
	struct timespec ts;
	int rc;

	c->mosq = mosquitto_new(cid, clean, c);
	if (!c->mosq)
		return -1;
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
		return -1;
	pthread_mutex_lock(&c->lock);
	c->connack = -1;
	pthread_mutex_unlock(&c->lock);

	rc = mosquitto_connect(c->mosq, broker_host ? broker_host : host,
			       broker_port ? broker_port : port, keepalive);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop_start(c->mosq);
	if (rc != MOSQ_ERR_SUCCESS)
		return -1;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += CONNACK_WAIT;
	pthread_mutex_lock(&c->lock);
	while (c->connack == -1 &&
	       pthread_cond_timedwait(&c->cond, &c->lock, &ts) != ETIMEDOUT)
		;
	rc = c->connack;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

bool client_subscribe(struct client *c, const char *topic, int qos)
{
	return mosquitto_subscribe(c->mosq, NULL, topic, qos) ==
	       MOSQ_ERR_SUCCESS;
}

bool client_unsubscribe(struct client *c, const char *topic)
{
	return mosquitto_unsubscribe(c->mosq, NULL, topic) == MOSQ_ERR_SUCCESS;
}

/* A topic libmosquitto would publish to (no wildcards). */
bool topic_ok(const char *topic)
{
	return mosquitto_pub_topic_check(topic) == MOSQ_ERR_SUCCESS;
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

/*
 * Hand a message to libmosquitto; +MQTTPUB: <id>,1 comes from on_publish.
 * What libmosquitto would refuse gets no publog line.
 */
bool client_publish(struct client *c, const char *topic, int qos,
		    int retain, const void *data, size_t len)
{
	if (!topic_ok(topic))
		return false;
	publog(c, topic, qos, retain, data, len);
	return mosquitto_publish(c->mosq, NULL, topic, len, data, qos,
				 retain) == MOSQ_ERR_SUCCESS;
}

/* ---- setup ---- */

void bridge_set_mode(int mode)
{
	atomic_store(&conf_mode, mode);
}

int bridge_mode(void)
{
	return atomic_load(&conf_mode);
}

void bridge_set_broker(const char *host, int port)
{
	broker_host = host;
	broker_port = port;
}

bool publog_open(const char *path)
{
	publog_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	return publog_fd >= 0;
}

void bridge_init(void)
{
	int i;

	mosquitto_lib_init();
	for (i = 1; i <= NCLIENTS; i++) {
		clients[i].id = i;
		clients[i].connack = -2;
		pthread_mutex_init(&clients[i].lock, NULL);
		pthread_cond_init(&clients[i].cond, NULL);
	}
}

/* Close every client; report what a full queue dropped. */
void bridge_exit(void)
{
	int i;

	for (i = 1; i <= NCLIENTS; i++) {
		client_drop(&clients[i], false);
		if (clients[i].dropped)
			fprintf(stderr, "atmqtt-sim: client %d: queue full, %lu dropped\n",
				i, clients[i].dropped);
	}
	mosquitto_lib_cleanup();
}
