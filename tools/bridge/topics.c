// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the rule a message goes by, the messages that are our
 * own, the echoes of what went out.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <mqtt_protocol.h>

#include "bridge.h"

#define ECHO_WINDOW	30.0		/* s */

uint64_t msg_hash(const char *topic, const void *payload, size_t len)
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
const struct rule *out_rule(struct bridge *b, const char *topic,
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

const struct rule *in_rule(struct bridge *b, const char *topic)
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
bool ours(struct bridge *b, const mosquitto_property *props)
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
void echo_note(struct bridge *b, const char *rtopic, const void *payload,
	       size_t len)
{
	if (!in_rule(b, rtopic))
		return;
	b->echo[b->echo_next].hash = msg_hash(rtopic, payload, len);
	b->echo[b->echo_next].at = now();
	b->echo_next = (b->echo_next + 1) % ECHO_MAX;
}

bool echo_take(struct bridge *b, const char *topic, const void *payload,
	       size_t len)
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
