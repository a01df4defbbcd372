// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: out, local -> modem: the persistent session on the local
 * broker whose PUBACKs wait for the modem (see bridge.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mqtt_protocol.h>

#include "bridge.h"

#define REFUSED_MAX	3		/* publishes of one message the modem refuses */

/* Printable ASCII without '"': what a modem without <Datasize> takes. */
static bool quotable(const void *payload, int len)
{
	const unsigned char *p = payload;
	int i;

	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"')
			return false;
	return true;
}

/*
 * Why the modem cannot carry this message, by its limits (read when it was
 * found: modem_find()), into why[size]; false when it can.
 */
static bool unfit(const struct bridge *b, const char *rtopic,
		  const struct mosquitto_message *msg, char *why, size_t size)
{
	const struct atmqtt_limits *l = &b->lim;

	if (!*rtopic || strlen(rtopic) > l->topic ||
	    !modem_quotable(rtopic, l->topic))
		snprintf(why, size, "remote topic not 1-%u printable ASCII without '\"'",
			 l->topic);
	else if (msg->payloadlen < 0 || (uint32_t)msg->payloadlen > l->payload)
		snprintf(why, size, "payload over %u bytes", l->payload);
	else if (!l->binary && !quotable(msg->payload, msg->payloadlen))
		snprintf(why, size, "payload not printable ASCII without '\"', and the modem takes no binary payloads");
	else
		return false;
	return true;
}

/* What became of the publish of msg as rtopic through the modem. */
static void out_result(struct bridge *b, const struct mosquitto_message *msg,
		       const char *rtopic, int qos, int err, int used,
		       bool broke)
{
	uint64_t h;

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
	 * queue behind it for good (-ERANGE: a value past the modem's
	 * limits, which the kernel names, as -EINVAL a value it refuses).
	 * Any other failure is the link's.
	 */
	h = msg_hash(msg->topic, msg->payload, msg->payloadlen);
	if (!broke && (err == -EIO || err == -EREMOTEIO || err == -EINVAL ||
		       err == -ERANGE) &&
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

static void out_message(struct mosquitto *m, void *arg,
			const struct mosquitto_message *msg,
			const mosquitto_property *props)
{
	struct bridge *b = arg;
	char *rtopic, why[128];
	const struct rule *r;
	int err, qos, used = 0;
	bool broke;

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
	if (asprintf(&rtopic, "%s%s", r->remote_prefix,
		     msg->topic + strlen(r->local_prefix)) < 0) {
		/* as a failed publish: mosquitto sends it again */
		if (!msg->qos)
			b->n.dropped_qos0++;
		else
			b->n.retried++;
		b->nack = !!msg->qos;
		logm(b, LOG_ERR, "out of memory");
		return;
	}
	if (unfit(b, rtopic, msg, why, sizeof(why))) {
		b->n.dropped_invalid++;
		if (ratelimit(b))
			logm(b, LOG_WARNING, "line %d: a message on '%s' cannot go through the modem (%s): dropped",
			     r->line, msg->topic, why);
		free(rtopic);
		return;
	}
	qos = msg->qos ? r->qos : 0;
	err = modem_publish(b, rtopic, qos, msg->retain, msg->payload,
			    msg->payloadlen, &used, &broke);
	out_result(b, msg, rtopic, qos, err, used, broke);
	free(rtopic);
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

void out_connect(struct bridge *b)
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
	 * wait for the modem (see bridge.h).
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
	b->out_at = backoff(&b->out_delay_ms, LOCAL_RETRY_MIN_MS,
			    LOCAL_RETRY_MAX_MS);
}

/* Cut without writing: the PUBACKs still queued never leave. */
void out_abort(struct bridge *b)
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
void flush_writes(struct mosquitto *m)
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
void out_close(struct bridge *b)
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
