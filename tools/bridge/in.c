// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: in, modem -> local: the clean session on the local broker
 * that publishes what the modem receives, the monitor of the out patterns
 * while the link is down, the notification on the local broker.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <mqtt_protocol.h>

#include "bridge.h"

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

void monitor_set(struct bridge *b, bool on)
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

void in_connect(struct bridge *b)
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
	b->in_at = backoff(&b->in_delay_ms, LOCAL_RETRY_MIN_MS,
			   LOCAL_RETRY_MAX_MS);
}

void in_forward(struct bridge *b, const struct atmqtt_event *e)
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
	qos = e->qos < (uint32_t)r->qos ? (int)e->qos : r->qos;
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

/* Notifications: the link's state, "1" or "0", retained, on the local
 * broker (and through the modem: notify_remote(), modem.c).
 */
void notify_local(struct bridge *b)
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
