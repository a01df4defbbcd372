/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-bridge: a local mosquitto on one side, one MQTT client of a
 * cellular modem (through the atmqtt module) on the other.  The
 * configuration (conf.c) and what the daemon (atmqtt-bridge.c) shares with
 * it.
 */
#ifndef ATMQTT_BRIDGE_H
#define ATMQTT_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/atmqtt.h>

#define BRIDGE_NAME_MAX		64
#define BRIDGE_TOPICS_MAX	ATMQTT_SUBS_MAX	/* the modem tracks 128 */
#define BRIDGE_LOCAL_TOPIC_MAX	65535		/* MQTT's string limit */

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
	int client;		/* modem_client 1|2 */

	/* The cloud broker, through the modem. */
	char *host;
	uint32_t port;
	int keepalive;		/* keepalive_interval, 1-300 s */
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

	struct rule rules[2 * BRIDGE_TOPICS_MAX];
	int nrules;
};

/*
 * Read and check the file: 0, or EXIT_CONFIG after one "FILE:LINE: what"
 * line (or "FILE: what") on err.
 */
int conf_load(struct conf *c, const char *file, FILE *err);
void conf_free(struct conf *c);
/* The configuration as the daemon understood it, secrets left out. */
void conf_print(const struct conf *c, FILE *f);

/* MQTT matching: topic against filter ('+' one level, '#' the rest). */
bool topic_match(const char *filter, const char *topic);
/* A topic the modem takes between quotes: 1-255 printable ASCII, no '"'. */
bool modem_quotable(const char *s, size_t max);

#endif /* ATMQTT_BRIDGE_H */
