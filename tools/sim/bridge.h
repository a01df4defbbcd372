/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-sim: the broker bridge, one libmosquitto client for each of the
 * modem's clients.  The AT interpreter opens, uses and closes them; their
 * loop threads send the URCs.  Calls the faults and the line.
 */
#ifndef ATMQTT_SIM_BRIDGE_H
#define ATMQTT_SIM_BRIDGE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim.h"

#define QUEUE_MAX	64	/* messages kept per client in +MQTTCONF mode 1 */

/* A received message kept for +MQTTREAD. */
struct stored {
	int qos;
	size_t tlen, plen;
	char data[];		/* topic, then payload */
};

struct mosquitto;

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

/* "OPEN", "CLOSE"... by K_*. */
extern const char *const kind_names[K_N];

/* Setup and teardown (main thread). */
void bridge_init(void);
void bridge_exit(void);
void bridge_set_broker(const char *host, int port);	/* -b, -p */
bool publog_open(const char *path);			/* -P */

/* +MQTTCONF: 0 push +MQTTMSG, 1 queue and announce +MQTTMSGI. */
void bridge_set_mode(int mode);
int bridge_mode(void);

struct client *client_of(int id);	/* 1..NCLIENTS */
bool is_open(struct client *c);
int client_connect(struct client *c, const char *cid, const char *host,
		   int port, int clean, int keepalive);
void client_drop(struct client *c, bool abrupt);
bool client_subscribe(struct client *c, const char *topic, int qos);
bool client_unsubscribe(struct client *c, const char *topic);
bool topic_ok(const char *topic);
bool client_publish(struct client *c, const char *topic, int qos,
		    int retain, const void *data, size_t len);
struct stored *queue_take(struct client *c);
void queue_clear(struct client *c);

void delay_urc(struct client *c, int kind, int ms);
void result_urc(struct client *c, int kind, int status);
void send_break(struct client *c, int cause);

#endif
