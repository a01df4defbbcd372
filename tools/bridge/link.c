// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the link, the modem's client as the bridge sees it:
 * setting it up, the events that take it down and bring it back up, and
 * what its state turns on and off on the local side (the out connection,
 * the monitor, the notifications).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "bridge.h"

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
void link_down(struct bridge *b, enum link l, const char *why)
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
	b->setup_at = backoff(&b->setup_delay_ms, b->c.restart_min_ms,
			      b->c.restart_max_ms);
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
void setup(struct bridge *b)
{
	const struct conf *c = &b->c;
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;
	char msg[512];
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
	/* This modem's limits: a configuration past them is refused as
	 * conf_load() refuses one, and the daemon stops (EXIT_CONFIG).
	 */
	if (!limits_known(&b->lim)) {
		if (b->link != LINK_SETUP || !b->setup_delay_ms)
			logm(b, LOG_WARNING, "modem %u did not report its limits; waiting for them",
			     b->modem);
		link_set(b, LINK_SETUP);
		b->setup_at = backoff(&b->setup_delay_ms, c->restart_min_ms,
				      c->restart_max_ms);
		return;
	}
	if (conf_fit(c, &b->lim, msg, sizeof(msg))) {
		logm(b, LOG_ERR, "%s (modem %u)", msg, b->modem);
		b->misfit = true;
		return;
	}
	link_set(b, LINK_SETUP);
	o.host = c->host;
	o.port = c->port;
	o.clean = c->clean;
	o.keepalive = c->keepalive;
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
	err = atmqtt_client_open(b->nl, b->modem, c->client, &o);
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
void check_client(struct bridge *b)
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

/* ---- events ------------------------------------------------------------ */

int on_event(const struct atmqtt_event *e, void *arg)
{
	struct bridge *b = arg;
	int state;

	if (e->type == ATMQTT_EVT_MODEM) {
		/* its state, as GET_MODEM says it (-1: not said) */
		int mstate = ATMQTT_HAS(e, modem_info) && e->modem_info ?
			     (int)e->modem_info->state : -1;

		if (b->link != LINK_NOMODEM && e->modem == b->modem &&
		    mstate == ATMQTT_MODEM_DEAD) {
			link_down(b, LINK_NOMODEM, "the modem was detached");
			b->setup_at = now() + 5;
		} else if (b->link == LINK_NOMODEM &&
			   mstate == ATMQTT_MODEM_READY &&
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
	if (e->client != (uint32_t)b->c.client)
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
