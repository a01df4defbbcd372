// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the loop, one thread, one poll() over the events socket
 * and the two local connections; the start and the end of a run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "bridge.h"

#define STATUS_EVERY	1.0		/* s between status file updates */

static volatile sig_atomic_t stop_sig;

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

int run(struct bridge *b)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char msg[512];
	uint64_t types = ATMQTT_EVENT_BIT(ATMQTT_EVT_MESSAGE) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_BREAK) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_RESULT) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_RECONNECT) |
			 ATMQTT_EVENT_BIT(ATMQTT_EVT_MODEM);
	int err, state;

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
	/* The modem, when it is there: the configuration must fit its
	 * limits before anything starts, refused as conf_load() refuses
	 * (setup() checks a modem found later).
	 */
	if (!modem_find(b, &state) && state != ATMQTT_MODEM_INIT &&
	    limits_known(&b->lim) &&
	    conf_fit(&b->c, &b->lim, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		atmqtt_nl_close(b->nl);
		return EXIT_CONFIG;
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

	while (!stop_sig && !b->misfit) {
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
			b->out_at = backoff(&b->out_delay_ms, LOCAL_RETRY_MIN_MS,
					    LOCAL_RETRY_MAX_MS);
		}
		if (b->in)
			mosq_service(b, b->in, p[2].revents, false);
		if (b->in && b->in_lost) {
			mosquitto_destroy(b->in);
			b->in = NULL;
			b->in_up = false;
			b->monitor = false;
			b->in_at = backoff(&b->in_delay_ms, LOCAL_RETRY_MIN_MS,
					   LOCAL_RETRY_MAX_MS);
		}
	}

	if (b->misfit)
		snprintf(msg, sizeof(msg), "the configuration does not fit modem %u",
			 b->modem);
	else
		snprintf(msg, sizeof(msg), "signal %d", (int)stop_sig);
	logm(b, LOG_NOTICE, "stopping (%s): forwarded %llu out, %llu in; dropped %llu QoS 0, %llu in, %llu invalid, %llu refused; %llu retried; %llu outage(s)",
	     msg, (unsigned long long)b->n.forwarded_out,
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
	if (b->link != LINK_NOMODEM && !b->misfit) {
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
	return b->misfit ? EXIT_CONFIG : 0;
}
