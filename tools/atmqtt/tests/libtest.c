// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libtest: libatmqtt 1.0 against the scripted kernel of fakenl.c (family
 * version 2).  Each case is run as "libtest CASE" by run.sh with its own
 * FAKENL_SCRIPT; the checks here are on what the library returns, run.sh
 * checks the requests in FAKENL_LOG.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
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

/* s is the string want (NULL-safe). */
static int streq(const char *s, const char *want)
{
	return s && want && !strcmp(s, want);
}

/* The extended ack's message is absent or empty. */
static int noext(const struct atmqtt_nl *nl)
{
	const char *e = atmqtt_ext_error(nl);

	return !e || !*e;
}

static struct atmqtt_nl *nl_or_die(void)
{
	struct atmqtt_nl *nl = atmqtt_nl_open();

	if (!nl) {
		perror("atmqtt_nl_open");
		exit(1);
	}
	return nl;
}

/*
 * The extended ack: message, blamed attribute (by offset, nested ones by
 * their own name; by MISS_TYPE and MISS_NEST), the ERROR nest (code and
 * kind), all reset by the next request; the policy of a range refusal
 * composed into a message; a dump's error in NLMSG_DONE.
 */
static void t_errors(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;
	const char *e;
	int err;

	o.host = "h";
	o.port = 1883;
	err = atmqtt_client_open(nl, 1, 1, &o);
	CHECK(err == -ECONNREFUSED);
	CHECK(streq(atmqtt_ext_error(nl), "Server unavailable"));
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_CLIENT_HOST"));
	CHECK(atmqtt_modem_error(nl) == 702);
	CHECK(atmqtt_modem_error_kind(nl) == ATMQTT_ERROR_MQTT);

	err = atmqtt_subscribe(nl, 1, 1, "t", 0);
	CHECK(err == -EINVAL);
	CHECK(streq(atmqtt_ext_error(nl), "ATMQTT_A_MSG_TOPIC: required"));
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_MSG_TOPIC"));
	CHECK(atmqtt_modem_error(nl) == 0);
	CHECK(atmqtt_modem_error_kind(nl) == 0);

	/* a top-level attribute missing */
	err = atmqtt_client_close(nl, 1, 1);
	CHECK(err == -EINVAL);
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_MODEM_ID"));

	/* +CME ERROR */
	err = atmqtt_conf_set(nl, 1, 1);
	CHECK(err == -EREMOTEIO);
	CHECK(atmqtt_modem_error(nl) == 3);
	CHECK(atmqtt_modem_error_kind(nl) == ATMQTT_ERROR_CME);
	CHECK(atmqtt_ext_error_attr(nl) == NULL);

	err = atmqtt_client_close(nl, 1, 1);	/* stale ack skipped */
	CHECK(err == 0);
	CHECK(noext(nl));
	CHECK(atmqtt_ext_error_attr(nl) == NULL);
	CHECK(atmqtt_modem_error(nl) == 0);
	CHECK(atmqtt_modem_error_kind(nl) == 0);

	/* a range of the policy, nested: offset and policy, no message
	 * of the kernel's but the core's
	 */
	o.keepalive = 70000;
	err = atmqtt_client_open(nl, 1, 1, &o);
	CHECK(err == -ERANGE);
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_CLIENT_KEEPALIVE"));
	e = atmqtt_ext_error(nl);
	CHECK(e && strstr(e, "ATMQTT_A_CLIENT_KEEPALIVE") != NULL);
	CHECK(e && strstr(e, "1-65535") != NULL);
	/* a modem's limit, nested */
	err = atmqtt_publish(nl, 1, 1, "t", "x", 1, NULL);
	CHECK(err == -ERANGE);
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_MSG_PAYLOAD"));
	CHECK(streq(atmqtt_ext_error(nl),
		    "ATMQTT_A_MSG_PAYLOAD: this modem takes 0-1024 bytes"));
	/* a top-level range */
	err = atmqtt_client_close(nl, 1, 300);
	CHECK(err == -ERANGE);
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_CLIENT_ID"));
	e = atmqtt_ext_error(nl);
	CHECK(e && strstr(e, "1-255") != NULL);

	/* a dump's error in NLMSG_DONE, with its message */
	err = atmqtt_sub_list(nl, 0, NULL, NULL);
	CHECK(err == -EOPNOTSUPP);
	CHECK(streq(atmqtt_ext_error(nl), "dump failed"));
	atmqtt_nl_close(nl);
}

static int sub_count_cb(const struct atmqtt_sub_info *s, void *arg)
{
	(void)s;
	++*(int *)arg;
	return 0;
}

/*
 * A reply of another version of the family: -EPROTO, and the handle still
 * works for the next request (a dump's remaining messages skipped).
 */
static void t_version(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	int n = 0;

	CHECK(atmqtt_client_close(nl, 1, 1) == -EPROTO);
	CHECK(atmqtt_client_close(nl, 1, 1) == 0);
	CHECK(atmqtt_sub_list(nl, 1, sub_count_cb, &n) == -EPROTO);
	CHECK(atmqtt_client_close(nl, 1, 2) == 0);
	n = 0;
	CHECK(atmqtt_sub_list(nl, 1, sub_count_cb, &n) == 1 && n == 1);
	CHECK(streq(atmqtt_version(), "1.0.0"));
	atmqtt_nl_close(nl);
}

/* The family not registered: ENOENT. */
static void t_nofamily(void)
{
	errno = 0;
	CHECK(atmqtt_nl_open() == NULL);
	CHECK(errno == ENOENT);
}

static int count_modems(const struct atmqtt_modem_info *m, void *arg)
{
	int *n = arg;

	CHECK(m->size >= sizeof(*m));
	CHECK(ATMQTT_HAS(m, limits));
	if (m->handle == 2) {
		CHECK(streq(m->tty, "ttyUSB2"));
		CHECK(m->state == ATMQTT_MODEM_BUSY);
		CHECK(m->mode == 0);
		CHECK(m->mem_bytes == 8192);
		CHECK(streq(m->dialect, "fibocom"));
		CHECK(m->rx_seq == 5000000000ULL);
		CHECK(m->rx_drops == 2 && m->rx_stray == 3);
		CHECK(m->rx_malformed == 4 && m->rx_overflows == 5);
		CHECK(m->resyncs == 6);
		CHECK(m->limits != NULL);
		if (m->limits) {
			CHECK(m->limits->size >= sizeof(*m->limits));
			CHECK(m->limits->clients == 2);
			CHECK(m->limits->host == 255);
			CHECK(m->limits->topic == 250);
			CHECK(m->limits->payload == 1024);
			CHECK(m->limits->user_name == 128);
			CHECK(m->limits->password == 127);
			CHECK(m->limits->client_ident == 23);
			CHECK(m->limits->keepalive == 300);
			CHECK(m->limits->qos == 2);
			CHECK(m->limits->subs == 128);
			CHECK(m->limits->binary && !m->limits->tls);
		}
	} else {
		CHECK(m->handle == 1);
		CHECK(streq(m->tty, "pts3"));
		CHECK(streq(m->dialect, ""));
		CHECK(m->tty_dev == 0 && m->mem_bytes == 0);
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

/*
 * atmqtt_modem_limits(): the default modem (the NL668's), into a whole
 * structure and into one whose size stops mid-struct (an older program's:
 * the members past it left alone); an unknown modem.
 */
static void t_limits(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_limits l;

	memset(&l, 0xa5, sizeof(l));
	l.size = sizeof(l);
	CHECK(atmqtt_modem_limits(nl, 1, &l) == 0);
	CHECK(l.clients == 2 && l.host == 255 && l.topic == 255);
	CHECK(l.payload == 1024 && l.user_name == 128 && l.password == 128);
	CHECK(l.client_ident == 23 && l.keepalive == 300 && l.qos == 2);
	CHECK(l.subs == 128 && l.binary && !l.tls);

	memset(&l, 0xa5, sizeof(l));
	l.size = offsetof(struct atmqtt_limits, qos);
	CHECK(ATMQTT_HAS(&l, keepalive) && !ATMQTT_HAS(&l, qos));
	CHECK(atmqtt_modem_limits(nl, 1, &l) == 0);
	CHECK(l.size == offsetof(struct atmqtt_limits, qos));
	CHECK(l.clients == 2 && l.keepalive == 300);
	CHECK(l.qos == 0xa5a5a5a5u && l.subs == 0xa5a5a5a5u);
	CHECK(l.binary == (int)0xa5a5a5a5u && l.tls == (int)0xa5a5a5a5u);

	l.size = sizeof(l);
	CHECK(atmqtt_modem_limits(nl, 7, &l) == -ENODEV);
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
	/* MODEM 3 TTY null TTY_DEV 1:4, MODEM 4 TTY other TTY_DEV 1:3 */
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

struct users {
	int n;
	struct {
		uint32_t client;
		char name[32], password[32], client_id[32];
		int has_password, has_client_id;
	} u[4];
	int stop_at;
};

static int user_cb(const struct atmqtt_user *u, void *arg)
{
	struct users *s = arg;

	CHECK(u->size >= sizeof(*u));
	if (s->n < 4) {
		s->u[s->n].client = u->client;
		snprintf(s->u[s->n].name, 32, "%s", u->username ? u->username :
			 "(null)");
		s->u[s->n].has_password = u->password != NULL;
		s->u[s->n].has_client_id = u->client_id != NULL;
		if (u->password)
			snprintf(s->u[s->n].password, 32, "%s", u->password);
		if (u->client_id)
			snprintf(s->u[s->n].client_id, 32, "%s", u->client_id);
	}
	s->n++;
	return 0;
}

struct wills {
	int n;
	uint32_t client[4], qos[4], retain[4];
	char topic[4][32], payload[4][32];
	int has_payload[4];
};

static int will_cb(const struct atmqtt_will *w, void *arg)
{
	struct wills *s = arg;
	int i = s->n++;

	CHECK(w->size >= sizeof(*w));
	if (i >= 4)
		return 0;
	s->client[i] = w->client;
	s->qos[i] = w->qos;
	s->retain[i] = w->retain;
	snprintf(s->topic[i], 32, "%s", w->topic ? w->topic : "(null)");
	s->has_payload[i] = w->payload != NULL;
	if (w->payload)
		snprintf(s->payload[i], 32, "%s", w->payload);
	return 0;
}

static void t_user_will_conf(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct users us = { 0 };
	struct wills ws = { 0 };

	CHECK(atmqtt_user_set(nl, 1, 1, "bob", "pw", "dev1") == 0);
	CHECK(atmqtt_user_set(nl, 1, 2, "", NULL, NULL) == 0);
	CHECK(atmqtt_user_get(nl, 1, user_cb, &us) == 2);
	CHECK(us.n == 2);
	CHECK(us.u[0].client == 1 && streq(us.u[0].name, "bob"));
	CHECK(us.u[0].has_password && streq(us.u[0].password, "pw"));
	CHECK(us.u[0].has_client_id && streq(us.u[0].client_id, "dev1"));
	CHECK(us.u[1].client == 2 && streq(us.u[1].name, ""));
	CHECK(!us.u[1].has_password && !us.u[1].has_client_id);

	CHECK(atmqtt_will_set(nl, 1, 1, "w/t", 1, 1, "bye") == 0);
	CHECK(atmqtt_will_set(nl, 1, 2, "w/t", 0, 0, NULL) == 0);
	CHECK(atmqtt_will_get(nl, 1, will_cb, &ws) == 2);
	CHECK(ws.n == 2);
	CHECK(ws.client[0] == 2 && streq(ws.topic[0], "w/t"));
	CHECK(ws.qos[0] == 2 && ws.retain[0] == 1);
	CHECK(ws.has_payload[0] && streq(ws.payload[0], "bye bye"));
	CHECK(ws.client[1] == 1 && streq(ws.topic[1], "x"));
	CHECK(ws.qos[1] == 0 && ws.retain[1] == 0 && !ws.has_payload[1]);
	/* none reported */
	ws.n = 0;
	CHECK(atmqtt_will_get(nl, 1, will_cb, &ws) == 0 && ws.n == 0);

	CHECK(atmqtt_conf_set(nl, 1, 0) == 0);
	CHECK(atmqtt_conf_get(nl, 1) == 1);
	CHECK(atmqtt_conf_get(nl, 1) == -EPROTO);	/* no MODE */
	atmqtt_nl_close(nl);
}

/* GET_OPENABLE / GET_CLOSABLE: the count listed, only n ids stored. */
static void t_openable(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	uint32_t ids[4] = { 99, 99, 99, 99 };

	CHECK(atmqtt_openable(nl, 1, ids, 2) == 3);
	CHECK(ids[0] == 1 && ids[1] == 2 && ids[2] == 99);
	CHECK(atmqtt_openable(nl, 1, ids, 4) == 3);
	CHECK(ids[0] == 1 && ids[1] == 2 && ids[2] == 5 && ids[3] == 99);
	CHECK(atmqtt_openable(nl, 1, NULL, 0) == 3);
	ids[0] = 99;
	CHECK(atmqtt_closable(nl, 1, ids, 4) == 0);
	CHECK(ids[0] == 99);
	CHECK(atmqtt_closable(nl, 1, ids, 4) == 1 && ids[0] == 2);
	CHECK(atmqtt_closable(nl, 1, ids, 4) == -ENODEV);
	atmqtt_nl_close(nl);
}

/*
 * The options structures: the initialisers' defaults; a shorter size (a
 * program built against an older header) gets the defaults for the rest
 * whatever the bytes there; a larger size is refused (-E2BIG, no request)
 * unless the bytes past the library's structure are zero.
 */
static void t_opts(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;
	struct atmqtt_pub_opts p = ATMQTT_PUB_OPTS_INIT;
	struct {
		struct atmqtt_open_opts o;
		uint64_t more[2];
	} bo;
	struct {
		struct atmqtt_pub_opts p;
		uint64_t more[2];
	} bp;

	CHECK(o.size == sizeof(o) && o.clean == -1 && o.keepalive == 0);
	CHECK(p.size == sizeof(p) && p.qos == 0 && p.flags == 0);
	o.host = "a";
	o.port = 1883;
	CHECK(atmqtt_client_open(nl, 1, 1, &o) == 0);	/* defaults */
	o.clean = 0;
	o.keepalive = 30;
	CHECK(atmqtt_client_open(nl, 1, 1, &o) == 0);
	/* an older program's structure: without keepalive */
	o.size = offsetof(struct atmqtt_open_opts, keepalive);
	CHECK(atmqtt_client_open(nl, 1, 1, &o) == 0);
	/* a newer program's */
	memset(&bo, 0, sizeof(bo));
	bo.o = o;
	bo.o.size = sizeof(bo);
	bo.o.keepalive = 45;
	CHECK(atmqtt_client_open(nl, 1, 2, &bo.o) == 0);
	bo.more[1] = 1;
	CHECK(atmqtt_client_open(nl, 1, 2, &bo.o) == -E2BIG);

	CHECK(atmqtt_publish(nl, 1, 1, "t", "x", 1, NULL) == 0);
	p.qos = 2;
	p.retain = 1;
	p.flags = ATMQTT_PUB_DATASIZE;
	CHECK(atmqtt_publish(nl, 1, 1, "t", "x", 1, &p) ==
	      ATMQTT_PUB_DATASIZE);
	p.size = offsetof(struct atmqtt_pub_opts, flags);
	CHECK(atmqtt_publish(nl, 1, 1, "t", "x", 1, &p) == 0);
	memset(&bp, 0, sizeof(bp));
	bp.p = p;
	bp.p.size = sizeof(bp);
	bp.p.flags = 0;
	CHECK(atmqtt_publish(nl, 1, 1, "t", "y", 1, &bp.p) == 0);
	bp.more[0] = 1;
	CHECK(atmqtt_publish(nl, 1, 1, "t", "y", 1, &bp.p) == -E2BIG);
	atmqtt_nl_close(nl);
}

static void t_publish_read(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_pub_opts p = ATMQTT_PUB_OPTS_INIT;
	struct atmqtt_message *m = (void *)1;
	unsigned char bin[1024];
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = i * 7;
	p.qos = 1;
	p.retain = 1;
	/* the kernel says which form it used */
	CHECK(atmqtt_publish(nl, 1, 1, "t", bin, sizeof(bin), &p) ==
	      ATMQTT_PUB_DATASIZE);
	CHECK(atmqtt_publish(nl, 1, 2, "t", "hi", 2, NULL) == 0);
	CHECK(atmqtt_publish(nl, 1, 1, "t", NULL, 0, NULL) == 0);
	CHECK(atmqtt_publish(nl, 1, 1, "t", "q", 1, NULL) ==
	      ATMQTT_PUB_DATASIZE);
	/* a reply without MSG { DATASIZE }: not the family's */
	CHECK(atmqtt_publish(nl, 1, 1, "t", "q", 1, NULL) == -EPROTO);

	CHECK(atmqtt_read(nl, 1, 1, &m) == 0);
	CHECK(m == NULL);
	m = NULL;
	CHECK(atmqtt_read(nl, 1, 2, &m) == 1);
	CHECK(m != NULL);
	if (m) {
		CHECK(m->size >= sizeof(*m));
		CHECK(m->modem == 1 && m->client == 2 && m->qos == 1);
		CHECK(m->seq == 42 && !m->truncated);
		CHECK(streq(m->topic, "a/b") && m->payload_len == 3);
		CHECK(m->payload && !memcmp(m->payload, "\0\377\n", 3));
		atmqtt_message_free(m);
	}
	/* a payload past 1024 bytes, whole, and the truncated flag */
	m = NULL;
	CHECK(atmqtt_read(nl, 1, 1, &m) == 1);
	CHECK(m != NULL);
	if (m) {
		CHECK(m->client == 1 && m->qos == 2 && m->seq == 5000000001ULL);
		CHECK(m->payload_len == 3000 && m->truncated);
		for (i = 0; m->payload && i < 3000; i++)
			if (m->payload[i] != "0123456789"[i % 10])
				break;
		CHECK(i == 3000);
		CHECK(m->topic && strlen(m->topic) == 255);
		atmqtt_message_free(m);
	}
	atmqtt_message_free(NULL);
	atmqtt_nl_close(nl);
}

static void t_test_raw(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_raw_reply *r = NULL;
	char line[16];
	size_t i;

	memset(line, 'z', sizeof(line));
	CHECK(atmqtt_test(nl, 1, ATMQTT_AT_SUB, line, sizeof(line)) == 15);
	CHECK(streq(line, "+MQTTSUB: (1,2)"));
	memset(line, 'z', sizeof(line));
	CHECK(atmqtt_test(nl, 1, ATMQTT_AT_PUB, line, 8) == 19);
	CHECK(streq(line, "+MQTTPU"));	/* cut to the buffer */
	CHECK(line[8] == 'z');
	CHECK(atmqtt_test(nl, 1, ATMQTT_AT_OPEN, line, sizeof(line)) ==
	      -EPROTO);		/* no LINE */

	CHECK(atmqtt_raw(nl, 1, "AT+COPS?", 0, &r) == 0);
	CHECK(r != NULL);
	if (r) {
		CHECK(r->size >= sizeof(*r));
		CHECK(r->nlines == 3 && !r->truncated);
		if (r->nlines == 3) {
			CHECK(streq(r->lines[0], "+COPS: 0,0,\"NET\",7"));
			CHECK(streq(r->lines[1], "second"));
			CHECK(streq(r->lines[2], ""));
		}
		CHECK(streq(r->final, "OK"));
		atmqtt_raw_free(r);
	}
	r = NULL;
	CHECK(atmqtt_raw(nl, 1, "AT+X", 5000, &r) == 0);
	CHECK(r && r->nlines == 0 && r->truncated &&
	      streq(r->final, "+CME ERROR: 10"));
	atmqtt_raw_free(r);
	r = NULL;
	/* 9 KiB of lines, all whole */
	CHECK(atmqtt_raw(nl, 1, "AT+Y", 0, &r) == 0);
	CHECK(r && r->nlines == 18 && !r->truncated && streq(r->final, "OK"));
	for (i = 0; r && i < r->nlines; i++)
		CHECK(r->lines[i] && strlen(r->lines[i]) == 500 &&
		      r->lines[i][0] == '0' + (int)(i % 10));
	atmqtt_raw_free(r);
	atmqtt_nl_close(nl);
}

static int client_cb(const struct atmqtt_client_info *c, void *arg)
{
	struct atmqtt_client_info *out = arg;

	CHECK(c->size >= sizeof(*c));
	if (c->client >= 1 && c->client <= 2) {
		out[c->client - 1] = *c;
		out[c->client - 1].host = c->host && streq(c->host, "broker") ?
					  "broker" : NULL;
	}
	return 0;
}

static int sub_cb(const struct atmqtt_sub_info *s, void *arg)
{
	int *n = arg;

	CHECK(s->size >= sizeof(*s));
	CHECK(s->modem == 1 && s->client == (uint32_t)(1 + *n) &&
	      s->qos == (uint32_t)(2 - *n));
	CHECK(streq(s->topic, *n ? "b/#" : "a/+"));
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
	CHECK(c[0].modem == 1 && c[0].client == 1);
	CHECK(c[0].state == ATMQTT_CLIENT_OPEN && c[0].sub_count == 2);
	CHECK(c[0].reconnect == 1 && c[0].reconnect_min_ms == 1000);
	CHECK(c[0].reconnect_max_ms == 60000 && c[0].has_params);
	CHECK(streq(c[0].host, "broker") && c[0].port == 8883);
	CHECK(c[0].clean == 1 && c[0].keepalive == 60);
	CHECK(c[1].client == 2 && c[1].state == ATMQTT_CLIENT_RECONNECTING);
	CHECK(!c[1].has_params && c[1].reconnect_max_ms == 4000);
	CHECK(atmqtt_client_policy(nl, 1, 1, 1, 500, 5000) == 0);
	CHECK(atmqtt_client_policy(nl, 1, 2, 0, 0, 0) == 0);
	CHECK(atmqtt_client_policy(nl, 1, 2, -1, 200, 0) == 0);
	CHECK(atmqtt_sub_list(nl, 1, sub_cb, &n) == 2 && n == 2);
	CHECK(atmqtt_subscribe(nl, 1, 2, "a/+", 1) == 0);
	CHECK(atmqtt_unsubscribe(nl, 1, 1, "a/+") == 0);
	CHECK(atmqtt_client_close(nl, 1, 2) == 0);
	atmqtt_nl_close(nl);
}

struct seen {
	int n;
	int types[16];
	struct atmqtt_message *kept;
	int nomsg;		/* atmqtt_event_message() of others: NULL */
};

static int event_cb(const struct atmqtt_event *e, void *arg)
{
	struct seen *s = arg;
	const struct atmqtt_modem_info *mi;
	struct atmqtt_message *m;
	size_t i;

	CHECK(e->size >= sizeof(*e));
	if (s->n < 16)
		s->types[s->n] = e->type;
	s->n++;
	if (e->type != ATMQTT_EVT_MODEM)
		CHECK(e->modem_info == NULL);
	if (e->type != ATMQTT_EVT_MESSAGE) {
		m = atmqtt_event_message(e);
		if (!m)
			s->nomsg++;
		atmqtt_message_free(m);
	}
	switch (e->type) {
	case ATMQTT_EVT_MESSAGE:
		CHECK(e->modem == 1 && e->client == 2 && e->qos == 1);
		CHECK(e->seq == 7 && e->drops == 3 && e->truncated);
		CHECK(streq(e->topic, "x/y"));
		CHECK(e->payload_len == 1500);
		for (i = 0; e->payload && i < 4; i++)
			CHECK(((const unsigned char *)e->payload)[i] ==
			      (unsigned char)"a\0b\377"[i]);
		m = atmqtt_event_message(e);
		CHECK(m != NULL);
		s->kept = m;
		break;
	case ATMQTT_EVT_URC:
		CHECK(streq(e->line, "+CREG: 1"));	/* sent without NUL */
		break;
	case ATMQTT_EVT_BREAK:
		CHECK(e->client == 1 && e->cause == 2);
		break;
	case ATMQTT_EVT_RESULT:
		CHECK(e->client == 2 && e->urc == ATMQTT_URC_SUB &&
		      e->status == 1);
		break;
	case ATMQTT_EVT_RECONNECT:
		CHECK(e->client == 1 && e->step == ATMQTT_STEP_SUB);
		CHECK(e->attempt == 3 && e->err == -ETIMEDOUT);
		CHECK(streq(e->topic, "t/1"));
		break;
	case ATMQTT_EVT_MODEM:
		mi = e->modem_info;
		CHECK(e->modem == 1 && mi != NULL);
		if (!mi)
			return 5;
		CHECK(mi->handle == 1 && streq(mi->tty, "pts3"));
		CHECK(mi->state == ATMQTT_MODEM_DEAD && mi->tty_dev == 34819);
		CHECK(mi->rx_seq == 9);
		CHECK(mi->limits && mi->limits->clients == 2 &&
		      mi->limits->payload == 1024);
		return 5;	/* stop */
	}
	return 0;
}

static void t_events(void)
{
	struct atmqtt_events *ev = atmqtt_events_open();
	struct seen s = { 0 };
	struct atmqtt_message *m;
	size_t i;
	int ret;

	if (!ev) {
		perror("atmqtt_events_open");
		exit(1);
	}
	CHECK(atmqtt_events_fd(ev) >= 0);
	CHECK(atmqtt_events_overruns(ev) == 0);
	/* the five events before the overrun come in one call */
	ret = atmqtt_events_dispatch(ev, event_cb, &s);
	CHECK(ret == -ENOBUFS);
	CHECK(s.n == 5 && atmqtt_events_overruns(ev) == 1);
	ret = atmqtt_events_dispatch(ev, event_cb, &s);
	CHECK(ret == 5 && s.n == 6);
	CHECK(s.types[0] == ATMQTT_EVT_MESSAGE && s.types[1] == ATMQTT_EVT_URC);
	CHECK(s.types[2] == ATMQTT_EVT_BREAK &&
	      s.types[3] == ATMQTT_EVT_RESULT);
	CHECK(s.types[4] == ATMQTT_EVT_RECONNECT);
	CHECK(s.types[5] == ATMQTT_EVT_MODEM);
	CHECK(s.nomsg == 5);
	/* the copy outlives the callback */
	m = s.kept;
	CHECK(m != NULL);
	if (m) {
		CHECK(m->size >= sizeof(*m));
		CHECK(m->modem == 1 && m->client == 2 && m->qos == 1);
		CHECK(m->seq == 7 && m->truncated && streq(m->topic, "x/y"));
		CHECK(m->payload_len == 1500 && m->payload &&
		      !memcmp(m->payload, "a\0b\377", 4));
		for (i = 4; m->payload && i < 1500; i++)
			if (m->payload[i] != 'p')
				break;
		CHECK(i == 1500);
		atmqtt_message_free(m);
	}
	atmqtt_events_close(ev);
}

static int filter_cb(const struct atmqtt_event *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->types[s->n] = e->type;
	s->n++;
	return e->type == ATMQTT_EVT_RESULT ? 7 : 0;
}

/*
 * atmqtt_events_filter(): the types not asked for never reach the socket
 * (fakenl runs the socket filter the library attached); 0 lets every type
 * through again.
 */
static void t_events_filter(void)
{
	struct atmqtt_events *ev = atmqtt_events_open();
	struct seen s = { 0 };

	if (!ev) {
		perror("atmqtt_events_open");
		exit(1);
	}
	CHECK(atmqtt_events_filter(ev, ATMQTT_EVENT_BIT(ATMQTT_EVT_MESSAGE) |
				   ATMQTT_EVENT_BIT(ATMQTT_EVT_BREAK)) == 0);
	CHECK(atmqtt_events_dispatch(ev, filter_cb, &s) == -ENOBUFS);
	CHECK(s.n == 2 && s.types[0] == ATMQTT_EVT_MESSAGE &&
	      s.types[1] == ATMQTT_EVT_BREAK);
	CHECK(atmqtt_events_filter(ev, 0) == 0);
	CHECK(atmqtt_events_dispatch(ev, filter_cb, &s) == 7);
	CHECK(s.n == 3 && s.types[2] == ATMQTT_EVT_RESULT);
	atmqtt_events_close(ev);
}

/* An event of another version of the family: -EPROTO, not read; the
 * next one is.
 */
static void t_events_version(void)
{
	struct atmqtt_events *ev = atmqtt_events_open();
	struct seen s = { 0 };

	if (!ev) {
		perror("atmqtt_events_open");
		exit(1);
	}
	CHECK(atmqtt_events_dispatch(ev, filter_cb, &s) == -EPROTO);
	CHECK(s.n == 0);
	CHECK(atmqtt_events_dispatch(ev, filter_cb, &s) == 7);
	CHECK(s.n == 1 && s.types[0] == ATMQTT_EVT_RESULT);
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

	for (at = ATMQTT_AT_USER; at <= ATMQTT_AT_WILL; at++)
		CHECK(atmqtt_at_parse(atmqtt_at_name(at)) == at);
	CHECK(streq(atmqtt_at_name(ATMQTT_AT_SUB), "sub"));
	CHECK(atmqtt_at_parse("SUB") == ATMQTT_AT_SUB);
	CHECK(atmqtt_at_parse("nope") == 0 && atmqtt_at_parse(NULL) == 0);
	CHECK(atmqtt_at_name(0) == NULL && atmqtt_at_name(10) == NULL);
	CHECK(streq(atmqtt_client_state_name(2), "reconnecting"));
	CHECK(streq(atmqtt_client_state_name(9), "unknown"));
	CHECK(streq(atmqtt_step_name(ATMQTT_STEP_STOP), "stop"));
	CHECK(streq(atmqtt_step_name(0), "unknown"));
	CHECK(streq(atmqtt_urc_name(ATMQTT_URC_UNSUB), "unsub"));
	CHECK(streq(atmqtt_state_name(ATMQTT_MODEM_DEAD), "dead"));
	CHECK(streq(atmqtt_state_name(ATMQTT_MODEM_INIT), "init"));
	CHECK(atmqtt_error_kind_name(ATMQTT_ERROR_MQTT) != NULL);
	CHECK(atmqtt_error_kind_name(ATMQTT_ERROR_CME) != NULL);
	CHECK(!streq(atmqtt_error_kind_name(ATMQTT_ERROR_MQTT),
		     atmqtt_error_kind_name(ATMQTT_ERROR_CME)));
	CHECK(streq(atmqtt_version(), "1.0.0"));
}

/* The ldisc number from the module's sysfs file ($FAKENL_SYS, run.sh). */
static void t_ldisc(void)
{
	CHECK(atmqtt_ldisc_num() == 29);
}

/*
 * A request bigger than the library's first allocation: the message grows
 * (a 255-byte topic, a 60000-byte payload), every attribute arrives whole
 * (run.sh checks the log), and an attribute after the growth is still
 * blamed by its offset, inside its nest.  A payload no attribute can carry
 * (65535 bytes and a header) is refused without a request.
 */
static void t_grow(void)
{
	struct atmqtt_nl *nl = nl_or_die();
	struct atmqtt_pub_opts p = ATMQTT_PUB_OPTS_INIT;
	static unsigned char bin[65535];
	char topic[256];

	memset(topic, 't', 255);
	topic[255] = '\0';
	memset(bin, 'p', sizeof(bin));
	p.qos = 1;
	p.flags = ATMQTT_PUB_DATASIZE;
	CHECK(atmqtt_publish(nl, 1, 1, topic, bin, 60000, &p) == -EINVAL);
	CHECK(streq(atmqtt_ext_error_attr(nl), "ATMQTT_A_MSG_DATASIZE"));
	CHECK(streq(atmqtt_ext_error(nl), "late"));
	/* and the next request starts small again */
	CHECK(atmqtt_client_close(nl, 1, 1) == 0);
	CHECK(atmqtt_publish(nl, 1, 1, "t", bin, sizeof(bin), &p) < 0);
	atmqtt_nl_close(nl);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "errors", t_errors },
		{ "version", t_version },
		{ "nofamily", t_nofamily },
		{ "modems", t_modems },
		{ "limits", t_limits },
		{ "modems_dev", t_modems_dev },
		{ "user_will_conf", t_user_will_conf },
		{ "openable", t_openable },
		{ "opts", t_opts },
		{ "publish_read", t_publish_read },
		{ "test_raw", t_test_raw },
		{ "clients", t_clients },
		{ "events", t_events },
		{ "events_filter", t_events_filter },
		{ "events_version", t_events_version },
		{ "events_eintr", t_events_eintr },
		{ "names", t_names },
		{ "ldisc", t_ldisc },
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
