// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the modem, through libatmqtt: finding it and its limits,
 * its client's state, the publishes through it and the watcher thread
 * that ends one when the link breaks (see bridge.h), the notification
 * through it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "bridge.h"

static struct {
	pthread_t main, thread;
	bool started;
	atomic_uint modem;
	atomic_uint client;
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

int watch_start(void)
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

void watch_stop(void)
{
	if (!watch.started)
		return;
	atomic_store(&watch.stop, true);
	pthread_join(watch.thread, NULL);
	watch.started = false;
}

/*
 * atmqtt_publish(), which the watcher ends when the link breaks: 0 and
 * *used (may be NULL) set when it went by <Datasize>, or a negative errno.
 */
int modem_publish(struct bridge *b, const char *topic, int qos, int retain,
		  const void *payload, size_t len, int *used, bool *broke)
{
	struct atmqtt_pub_opts o = ATMQTT_PUB_OPTS_INIT;
	int err;

	o.qos = qos;
	o.retain = retain;
	atomic_store(&watch.modem, b->modem);
	atomic_store(&watch.client, b->c.client);
	atomic_store(&watch.broke, false);
	atomic_store(&watch.publishing, true);
	err = atmqtt_publish(b->nl, b->modem, b->c.client, topic, payload, len,
			     &o);
	atomic_store(&watch.publishing, false);
	*broke = atomic_load(&watch.broke);
	if (err < 0)
		return err;
	if (used)
		*used = !!(err & ATMQTT_PUB_DATASIZE);
	return 0;
}

struct client_state {
	uint32_t client;
	int state;
};

static int client_state_cb(const struct atmqtt_client_info *c, void *arg)
{
	struct client_state *st = arg;

	if (c->client == st->client) {
		st->state = c->state;
		return 1;
	}
	return 0;
}

/* enum atmqtt_client_state of our client, or -1. */
int client_state(struct bridge *b)
{
	struct client_state st = { .client = b->c.client, .state = -1 };

	if (atmqtt_client_list(b->nl, b->modem, client_state_cb, &st) < 0)
		return -1;
	return st.state;
}

static int modem_state_cb(const struct atmqtt_modem_info *m, void *arg)
{
	*(int *)arg = m->state;
	return 0;
}

/*
 * The configured modem's handle, state and limits (b->lim, not read while
 * the modem is in INIT: setup() comes back for them): 0, or -ENODEV (or
 * the error of the request that failed).
 */
int modem_find(struct bridge *b, int *state)
{
	struct atmqtt_limits lim = { .size = sizeof(lim) };
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
	if (*state != ATMQTT_MODEM_INIT) {
		err = atmqtt_modem_limits(b->nl, h, &lim);
		if (err)
			return err;
	}
	if (h != b->modem)
		b->last_seq = 0;	/* a new modem counts from 1 */
	b->modem = h;
	if (*state != ATMQTT_MODEM_INIT)
		b->lim = lim;
	return 0;
}

/* Notifications: the link's state through the modem (and on the local
 * broker: notify_local(), in.c), while its client is open (its will says
 * "0" when the link breaks).
 */
void notify_remote(struct bridge *b, const char *v)
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
