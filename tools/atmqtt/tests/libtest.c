// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libtest: libatmqtt against the scripted kernel of fakenl.c.  Each case
 * is run as "libtest CASE" by run.sh with its own FAKENL_SCRIPT; the
 * checks here are on what the library returns, run.sh checks the
 * requests in FAKENL_LOG.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atmqtt.h"

static int failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "libtest: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		failures++;						\
	}								\
} while (0)

static struct atmqtt_nl *nl_or_die(void)
{
	struct atmqtt_nl *nl = atmqtt_nl_open();

	if (!nl) {
		perror("atmqtt_nl_open");
		exit(1);
	}
	return nl;
}

/* ext ack: message, blamed attribute (by offset and by MISS_TYPE), the
 * modem's code, all reset by the next request.
 */
static void t_errors(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	int err;

	err = atmqtt_client_open(nl, 1, 1, "h", 1883, -1, 0);
	CHECK(err == -ECONNREFUSED);
	CHECK(!strcmp(atmqtt_ext_error(nl), "Server unavailable"));
	CHECK(atmqtt_ext_error_attr(nl) == ATMQTT_A_HOST);
	CHECK(atmqtt_modem_error(nl) == 702);

	err = atmqtt_subscribe(nl, 1, 1, "t", 0);
	CHECK(err == -EINVAL);
	CHECK(!strcmp(atmqtt_ext_error(nl), "missing"));
	CHECK(atmqtt_ext_error_attr(nl) == ATMQTT_A_TOPIC);
	CHECK(atmqtt_modem_error(nl) == 0);

	err = atmqtt_client_close(nl, 1, 1);	/* stale ack skipped */
	CHECK(err == 0);
	CHECK(!strcmp(atmqtt_ext_error(nl), ""));
	CHECK(atmqtt_ext_error_attr(nl) == 0);

	/* values the type cannot carry: refused without a request */
	err = atmqtt_subscribe(nl, 1, 1, "t", 256);
	CHECK(err == -EINVAL);
	CHECK(atmqtt_ext_error_attr(nl) == ATMQTT_A_QOS);
	CHECK(strstr(atmqtt_ext_error(nl), "ATMQTT_A_QOS") != NULL);
	err = atmqtt_publish(nl, 1, 1, "t", 0, 0, "x", 1, 0x80, NULL);
	CHECK(err == -EINVAL);
	err = atmqtt_client_open(nl, 1, 1, "h", 1883, -1, 70000);
	CHECK(err == -EINVAL);
	CHECK(atmqtt_ext_error_attr(nl) == ATMQTT_A_KEEPALIVE);

	/* a dump's error in NLMSG_DONE, with its message */
	err = atmqtt_sub_list(nl, 0, NULL, NULL);
	CHECK(err == -EOPNOTSUPP);
	CHECK(!strcmp(atmqtt_ext_error(nl), "dump failed"));
	atmqtt_nl_close(nl);
}

static int count_modems(const struct atmqtt_modem_info *m, void *arg)
{
	int *n = arg;

	if (m->handle == 2) {
		CHECK(!strcmp(m->tty, "ttyUSB2"));
		CHECK(m->state == ATMQTT_MODEM_BUSY);
		CHECK(m->mode == 0);
		CHECK(m->rx_seq == 5000000000ULL);
		CHECK(m->rx_drops == 2 && m->rx_stray == 3);
		CHECK(m->rx_malformed == 4 && m->rx_overflows == 5);
	}
	return ++*n == 2;	/* stop after two */
}

static void t_modems(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	uint32_t h = 0;
	int n = 0;

	CHECK(atmqtt_modem_list(nl, 0, count_modems, &n) == 2);
	CHECK(n == 2);
	CHECK(atmqtt_modem_find(nl, "/dev/ttyUSB2", &h) == 0 && h == 2);
	CHECK(atmqtt_modem_find(nl, "/dev/pts/3", &h) == 0 && h == 1);
	CHECK(atmqtt_modem_find(nl, "pts9", &h) == -ENODEV);
	atmqtt_nl_close(nl);
}

static int dev_cb(const struct atmqtt_modem_info *m, void *arg)
{
	uint32_t *dev = arg;

	if (m->handle == 4)
		*dev = m->tty_dev;
	return 0;
}

/*
 * A tty named by a link ($LIBTEST_LINK, made by run.sh, to /dev/null:
 * 1:3) is the modem whose TTY_DEV is its device number, whatever the
 * modem's name; by name only where the kernel gave no TTY_DEV; and the
 * device number wins over a name that matches.
 */
static void t_modems_dev(void)
{
	const char *link = getenv("LIBTEST_LINK");
	struct atmqtt_nl *nl = nl_or_die();
	uint32_t h = 0, dev = 0;

	CHECK(link != NULL);
	if (!link)
		return;
	/* MODEM=3 TTY=null TTY_DEV=1:4, MODEM=4 TTY=other TTY_DEV=1:3 */
	CHECK(atmqtt_modem_list(nl, 0, dev_cb, &dev) == 2);
	CHECK(dev == 259 && ATMQTT_TTY_MAJOR(dev) == 1 &&
	      ATMQTT_TTY_MINOR(dev) == 3);
	/* new_encode_dev(MKDEV(0x123, 0x12345)) */
	CHECK(ATMQTT_TTY_MAJOR(0x12312345u) == 0x123 &&
	      ATMQTT_TTY_MINOR(0x12312345u) == 0x12345);
	CHECK(atmqtt_modem_find(nl, link, &h) == 0 && h == 4);
	CHECK(atmqtt_modem_find(nl, "/dev/null", &h) == 0 && h == 4);
	CHECK(atmqtt_modem_find(nl, "null", &h) == 0 && h == 4);
	/* no TTY_DEV: the resolved path's name */
	CHECK(atmqtt_modem_find(nl, link, &h) == 0 && h == 5);
	/* a dead modem on the device is no match */
	CHECK(atmqtt_modem_find(nl, link, &h) == -ENODEV);
	atmqtt_nl_close(nl);
}

static void t_user_will_conf(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_user u[ATMQTT_CLIENT_MAX];
	struct atmqtt_will w[ATMQTT_CLIENT_MAX];

	CHECK(atmqtt_user_set(nl, 1, 1, "bob", "pw", "dev1") == 0);
	CHECK(atmqtt_user_set(nl, 1, 2, NULL, NULL, NULL) == 0);
	CHECK(atmqtt_user_get(nl, 1, u) == 2);
	CHECK(u[0].client == 1 && !strcmp(u[0].username, "bob"));
	CHECK(u[0].has_password && !strcmp(u[0].password, "pw"));
	CHECK(u[0].has_client_id && !strcmp(u[0].client_id, "dev1"));
	CHECK(u[1].client == 2 && !strcmp(u[1].username, ""));
	CHECK(!u[1].has_password && !u[1].has_client_id);

	CHECK(atmqtt_will_set(nl, 1, 1, "w/t", 1, 1, "bye") == 0);
	CHECK(atmqtt_will_set(nl, 1, 2, "w/t", 0, 0, NULL) == 0);
	CHECK(atmqtt_will_get(nl, 1, w) == 1);
	CHECK(w[0].client == 2 && !strcmp(w[0].topic, "w/t"));
	CHECK(w[0].qos == 2 && w[0].retain == 1);
	CHECK(w[0].has_payload && !strcmp(w[0].payload, "bye bye"));

	CHECK(atmqtt_conf_set(nl, 1, 0) == 0);
	CHECK(atmqtt_conf_get(nl, 1) == 1);
	CHECK(atmqtt_conf_get(nl, 1) == -EPROTO);	/* no MODE */
	CHECK(atmqtt_openable(nl, 1) == 6);
	CHECK(atmqtt_closable(nl, 1) == 0);
	atmqtt_nl_close(nl);
}

static void t_publish_read(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	static struct atmqtt_message m;
	unsigned char bin[ATMQTT_PAYLOAD_MAX];
	int used = -1, i;

	for (i = 0; i < ATMQTT_PAYLOAD_MAX; i++)
		bin[i] = i * 7;
	CHECK(atmqtt_publish(nl, 1, 1, "t", 1, 1, bin, sizeof(bin), 0,
			     &used) == 0);
	CHECK(used == 1);
	CHECK(atmqtt_publish(nl, 1, 2, "t", 0, 0, "hi", 2,
			     ATMQTT_PUB_DATASIZE, &used) == 0);
	CHECK(used == 1);
	CHECK(atmqtt_publish(nl, 1, 1, "t", 0, 0, NULL, 0, 0, &used) == 0);
	CHECK(used == 0);

	CHECK(atmqtt_read(nl, 1, 1, &m) == 0);
	CHECK(atmqtt_read(nl, 1, 2, &m) == 1);
	CHECK(m.modem == 1 && m.client == 2 && m.qos == 1 && m.seq == 42);
	CHECK(!strcmp(m.topic, "a/b") && m.payload_len == 3);
	CHECK(!memcmp(m.payload, "\0\377\n", 3));
	atmqtt_nl_close(nl);
}

static void t_test_raw(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	static struct atmqtt_raw_reply r;
	char line[16];

	CHECK(atmqtt_test(nl, 1, ATMQTT_AT_SUB, line, sizeof(line)) == 0);
	CHECK(!strcmp(line, "+MQTTSUB: (1,2)"));
	CHECK(atmqtt_test(nl, 1, ATMQTT_AT_PUB, line, 8) == 0);
	CHECK(!strcmp(line, "+MQTTPU"));	/* cut to the buffer */

	CHECK(atmqtt_raw(nl, 1, "AT+COPS?", 0, &r) == 0);
	CHECK(r.nlines == 3 && !r.truncated);
	CHECK(!strcmp(r.lines, "+COPS: 0,0,\"NET\",7\nsecond\n\n"));
	CHECK(!strcmp(r.final, "OK"));
	CHECK(atmqtt_raw(nl, 1, "AT+X", 5000, &r) == 0);
	CHECK(r.nlines == 0 && r.truncated && !strcmp(r.final, "+CME ERROR: 10"));
	CHECK(atmqtt_raw(nl, 1, "AT+Y", 0, &r) == 0);	/* 9 KiB of lines */
	CHECK(r.truncated && strlen(r.lines) == sizeof(r.lines) - 1);
	CHECK(r.lines[sizeof(r.lines) - 2] == '\n');
	atmqtt_nl_close(nl);
}

static int client_cb(const struct atmqtt_client_info *c, void *arg)
{
	struct atmqtt_client_info *out = arg;

	out[c->client - 1] = *c;
	return 0;
}

static int sub_cb(const struct atmqtt_sub_info *s, void *arg)
{
	int *n = arg;

	CHECK(s->modem == 1 && s->client == 1 && s->qos == 2);
	CHECK(!strcmp(s->topic, *n ? "b/#" : "a/+"));
	++*n;
	return 0;
}

static void t_clients(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_client_info c[2];
	int n = 0;

	memset(c, 0, sizeof(c));
	CHECK(atmqtt_client_list(nl, 1, client_cb, c) == 2);
	CHECK(c[0].state == ATMQTT_CLIENT_OPEN && c[0].sub_count == 2);
	CHECK(c[0].reconnect == 1 && c[0].reconnect_min_ms == 1000);
	CHECK(c[0].reconnect_max_ms == 60000 && c[0].has_params);
	CHECK(!strcmp(c[0].host, "broker") && c[0].port == 8883);
	CHECK(c[0].clean == 1 && c[0].keepalive == 60);
	CHECK(c[1].state == ATMQTT_CLIENT_CLOSED && !c[1].has_params);
	CHECK(atmqtt_client_policy(nl, 1, 1, 1, 500, 5000) == 0);
	CHECK(atmqtt_client_policy(nl, 1, 2, 0, 0, 0) == 0);
	CHECK(atmqtt_client_policy(nl, 1, 2, -1, 200, 0) == 0);
	CHECK(atmqtt_sub_list(nl, 1, sub_cb, &n) == 2 && n == 2);
	CHECK(atmqtt_unsubscribe(nl, 1, 1, "a/+") == 0);
	atmqtt_nl_close(nl);
}

struct seen {
	int n;
	int types[16];
};

static int event_cb(const struct atmqtt_event *e, void *arg)
{
	struct seen *s = arg;

	s->types[s->n++] = e->type;
	switch (e->type) {
	case ATMQTT_EVT_MESSAGE:
		CHECK(e->modem == 1 && e->client == 2 && e->qos == 1);
		CHECK(e->seq == 7 && e->drops == 3);
		CHECK(!strcmp(e->topic, "x/y"));
		CHECK(e->payload_len == 4 && !memcmp(e->payload, "a\0b\377", 4));
		break;
	case ATMQTT_EVT_URC:
		CHECK(!strcmp(e->line, "+CREG: 1"));	/* sent without NUL */
		break;
	case ATMQTT_EVT_RECONNECT:
		CHECK(e->client == 1 && e->step == ATMQTT_STEP_SUB);
		CHECK(e->attempt == 3 && e->err == -ETIMEDOUT);
		CHECK(!strcmp(e->topic, "t/1"));
		break;
	case ATMQTT_EVT_MODEM:
		CHECK(!strcmp(e->tty, "pts3"));
		CHECK(e->modem_state == ATMQTT_MODEM_DEAD);
		return 5;	/* stop */
	}
	return 0;
}

static void t_events(void)
{
	struct atmqtt_events *ev = atmqtt_events_open();
	struct seen s = { 0 };
	int ret;

	if (!ev) {
		perror("atmqtt_events_open");
		exit(1);
	}
	CHECK(atmqtt_events_fd(ev) >= 0);
	/* the three events before the overrun come in one call */
	ret = atmqtt_events_dispatch(ev, event_cb, &s);
	CHECK(ret == -ENOBUFS);
	CHECK(s.n == 3 && atmqtt_events_overruns(ev) == 1);
	ret = atmqtt_events_dispatch(ev, event_cb, &s);
	CHECK(ret == 5 && s.n == 4);
	CHECK(s.types[0] == ATMQTT_EVT_MESSAGE && s.types[1] == ATMQTT_EVT_URC);
	CHECK(s.types[2] == ATMQTT_EVT_RECONNECT);
	CHECK(s.types[3] == ATMQTT_EVT_MODEM);
	atmqtt_events_close(ev);
}

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	alarmed = sig;
}

static int never_cb(const struct atmqtt_event *e, void *arg)
{
	(void)e;
	(void)arg;
	CHECK(!"an event");
	return 0;
}

/*
 * A signal handler (without SA_RESTART) that runs while dispatch waits for
 * an event ends the wait: -EINTR, at once, not at the next event.
 */
static void t_events_eintr(void)
{
	struct atmqtt_events *ev = atmqtt_events_open();
	struct sigaction sa;

	if (!ev) {
		perror("atmqtt_events_open");
		exit(1);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	CHECK(atmqtt_events_dispatch(ev, never_cb, NULL) == -EINTR);
	CHECK(alarmed == SIGALRM);
	atmqtt_events_close(ev);
}

static void t_names(void)
{
	int at;

	for (at = 1; at <= ATMQTT_AT_MAX; at++)
		CHECK(atmqtt_at_parse(atmqtt_at_name(at)) == at);
	CHECK(atmqtt_at_parse("SUB") == ATMQTT_AT_SUB);
	CHECK(atmqtt_at_parse("nope") == 0 && atmqtt_at_parse(NULL) == 0);
	CHECK(atmqtt_at_name(0) == NULL && atmqtt_at_name(10) == NULL);
	CHECK(!strcmp(atmqtt_client_state_name(2), "reconnecting"));
	CHECK(!strcmp(atmqtt_client_state_name(9), "unknown"));
	CHECK(!strcmp(atmqtt_step_name(ATMQTT_STEP_STOP), "stop"));
	CHECK(!strcmp(atmqtt_step_name(0), "unknown"));
	CHECK(!strcmp(atmqtt_urc_name(ATMQTT_URC_UNSUB), "unsub"));
	CHECK(!strcmp(atmqtt_state_name(ATMQTT_MODEM_DEAD), "dead"));
}

/*
 * A request bigger than the library's first allocation: the message grows
 * (the longest topic, the longest payload), every attribute arrives whole
 * (run.sh checks the log), and an attribute after the growth is still
 * blamed by its offset.
 */
static void t_grow(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	char topic[ATMQTT_TOPIC_MAX + 1];
	unsigned char bin[ATMQTT_PAYLOAD_MAX];

	memset(topic, 't', ATMQTT_TOPIC_MAX);
	topic[ATMQTT_TOPIC_MAX] = '\0';
	memset(bin, 'p', sizeof(bin));
	CHECK(atmqtt_publish(nl, 1, 1, topic, 1, 0, bin, sizeof(bin),
			     ATMQTT_PUB_DATASIZE, NULL) == -EINVAL);
	CHECK(atmqtt_ext_error_attr(nl) == ATMQTT_A_DATASIZE);
	CHECK(!strcmp(atmqtt_ext_error(nl), "late"));
	/* and the next request starts small again */
	CHECK(atmqtt_client_close(nl, 1, 1) == 0);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "errors", t_errors },
		{ "modems", t_modems },
		{ "modems_dev", t_modems_dev },
		{ "user_will_conf", t_user_will_conf },
		{ "publish_read", t_publish_read },
		{ "test_raw", t_test_raw },
		{ "clients", t_clients },
		{ "events", t_events },
		{ "events_eintr", t_events_eintr },
		{ "names", t_names },
		{ "grow", t_grow },
	};
	size_t i;

	for (i = 0; argc == 2 && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		cases[i].fn();
		return failures ? 1 : 0;
	}
	fprintf(stderr, "usage: libtest CASE\n");
	return 2;
}
