// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for atmqtt, run in the VM: each test gets its own simulated
 * modem (atmqtt-sim on a pty, bridged to mosquitto on 127.0.0.1:1883) with
 * the line discipline attached, and drives it through libatmqtt.
 */
#include "harness.h"

#include <sched.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* One modem's GET_MODEM entry, its strings and limits copied. */
struct find_ctx {
	uint32_t handle;
	struct atmqtt_modem_info m;
	struct atmqtt_limits lim;
	char tty[64];
	char dialect[32];
	int has_limits;
	int found;
	int calls;
};

static int find_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct find_ctx *f = arg;

	f->calls++;
	if (m->handle == f->handle) {
		LIB_COPY(&f->m, m);
		snprintf(f->tty, sizeof(f->tty), "%s", m->tty ?: "(null)");
		snprintf(f->dialect, sizeof(f->dialect), "%s",
			 m->dialect ?: "(null)");
		f->m.tty = f->tty;
		f->m.dialect = f->dialect;
		f->has_limits = ATMQTT_HAS(m, limits) && m->limits;
		if (f->has_limits)
			LIB_COPY(&f->lim, m->limits);
		f->m.limits = f->has_limits ? &f->lim : NULL;
		f->found++;
	}
	return 0;
}

TEST_F(modem, list)
{
	struct find_ctx f = { .handle = self->sim.handle };
	struct sim second = { .fd = -1 };
	char want[64];

	ASSERT_LE(1, atmqtt_modem_list(self->nl, 0, find_cb, &f));
	ASSERT_EQ(1, f.found);
	/* The count is the number of modems reported. */
	EXPECT_EQ(f.calls, atmqtt_modem_list(self->nl, 0, NULL, NULL));
	snprintf(want, sizeof(want), "pts%s", self->sim.tty + strlen("/dev/pts/"));
	EXPECT_STREQ(want, f.m.tty);
	EXPECT_EQ((uint32_t)ATMQTT_MODEM_READY, f.m.state);

	ASSERT_EQ(0, sim_start(&second, 1));
	ASSERT_EQ(0, sim_attach(&second, self->nl));
	EXPECT_NE(self->sim.handle, second.handle);
	EXPECT_LE(2, atmqtt_modem_list(self->nl, 0, NULL, NULL));
	sim_stop(&second);
}

/*
 * GET_MODEM of the simulated NL668: its limits and dialect, in the dump
 * (modem_info->limits), by atmqtt_modem_limits(), whole and cut to an
 * older structure's size; its tty's device number.
 */
TEST_F(modem, get_modem_limits)
{
	struct find_ctx f = { .handle = self->sim.handle };
	struct atmqtt_limits l, cut;
	struct stat st;

	ASSERT_LE(1, atmqtt_modem_list(self->nl, self->sim.handle, find_cb,
				       &f));
	ASSERT_EQ(1, f.found);
	EXPECT_STREQ(NL668_DIALECT, f.dialect);
	ASSERT_TRUE(f.has_limits);
	EXPECT_EQ((uint32_t)NL668_CLIENTS, f.lim.clients);
	EXPECT_EQ((uint32_t)NL668_HOST, f.lim.host);
	EXPECT_EQ((uint32_t)NL668_TOPIC, f.lim.topic);
	EXPECT_EQ((uint32_t)NL668_PAYLOAD, f.lim.payload);
	EXPECT_EQ((uint32_t)NL668_USER_NAME, f.lim.user_name);
	EXPECT_EQ((uint32_t)NL668_PASSWORD, f.lim.password);
	EXPECT_EQ((uint32_t)NL668_CLIENT_IDENT, f.lim.client_ident);
	EXPECT_EQ((uint32_t)NL668_KEEPALIVE, f.lim.keepalive);
	EXPECT_EQ((uint32_t)NL668_QOS, f.lim.qos);
	EXPECT_EQ((uint32_t)NL668_SUBS, f.lim.subs);
	EXPECT_EQ(NL668_BINARY, !!f.lim.binary);
	EXPECT_EQ(NL668_TLS, !!f.lim.tls);
	/* The tty's dev_t, as the kernel encodes it. */
	ASSERT_EQ(0, stat(self->sim.tty, &st));
	EXPECT_EQ(major(st.st_rdev), ATMQTT_TTY_MAJOR(f.m.tty_dev));
	EXPECT_EQ(minor(st.st_rdev), ATMQTT_TTY_MINOR(f.m.tty_dev));
	EXPECT_LT(0u, f.m.mem_bytes);

	/* The same by atmqtt_modem_limits(). */
	memset(&l, 0xa5, sizeof(l));
	l.size = sizeof(l);
	ASSERT_EQ(0, atmqtt_modem_limits(self->nl, self->sim.handle, &l));
	EXPECT_EQ(f.lim.clients, l.clients);
	EXPECT_EQ(f.lim.host, l.host);
	EXPECT_EQ(f.lim.topic, l.topic);
	EXPECT_EQ(f.lim.payload, l.payload);
	EXPECT_EQ(f.lim.user_name, l.user_name);
	EXPECT_EQ(f.lim.password, l.password);
	EXPECT_EQ(f.lim.client_ident, l.client_ident);
	EXPECT_EQ(f.lim.keepalive, l.keepalive);
	EXPECT_EQ(f.lim.qos, l.qos);
	EXPECT_EQ(f.lim.subs, l.subs);
	EXPECT_EQ(!!f.lim.binary, !!l.binary);
	EXPECT_EQ(!!f.lim.tls, !!l.tls);

	/* A caller built when the structure ended at topic: the members
	 * past its size are left alone.
	 */
	memset(&cut, 0xa5, sizeof(cut));
	cut.size = offsetof(struct atmqtt_limits, topic) + sizeof(cut.topic);
	ASSERT_EQ(0, atmqtt_modem_limits(self->nl, self->sim.handle, &cut));
	EXPECT_EQ((uint32_t)NL668_CLIENTS, cut.clients);
	EXPECT_EQ((uint32_t)NL668_TOPIC, cut.topic);
	EXPECT_EQ(0xa5a5a5a5u, cut.payload);
	EXPECT_EQ(0xa5a5a5a5u, cut.subs);

	EXPECT_EQ(-ENODEV, atmqtt_modem_limits(self->nl,
					       self->sim.handle + 1000, &l));
}

/*
 * EVT_MODEM carries the modem as GET_MODEM does (modem_info): attached
 * (INIT), ready, and gone (DEAD), each with its tty and limits.
 */
TEST_F(modem, modem_events_carry_modem_info)
{
	struct ev_want init = { .type = ATMQTT_EVT_MODEM,
				.mstate = ATMQTT_MODEM_INIT + 1 };
	struct ev_want ready = { .type = ATMQTT_EVT_MODEM,
				 .mstate = ATMQTT_MODEM_READY + 1 };
	struct ev_want dead = { .type = ATMQTT_EVT_MODEM,
				.mstate = ATMQTT_MODEM_DEAD + 1 };
	struct sim b = { .fd = -1 };
	char want[64];

	ASSERT_EQ(0, sim_start(&b, 1));
	ASSERT_EQ(0, sim_attach(&b, self->nl));
	snprintf(want, sizeof(want), "pts%.40s", b.tty + strlen("/dev/pts/"));
	init.modem = ready.modem = dead.modem = b.handle;
	/* Queued on the fixture's socket while sim_attach() waited. */
	ASSERT_TRUE(ev_wait(self->ev, &init, 2000, NULL, NULL));
	ASSERT_NE(NULL, init.got.modem_info);
	EXPECT_EQ((uint32_t)ATMQTT_MODEM_INIT, init.mi.state);
	EXPECT_EQ(b.handle, init.mi.handle);
	EXPECT_STREQ(want, init.tty_buf);
	ASSERT_NE(NULL, init.mi.limits);
	EXPECT_EQ((uint32_t)NL668_CLIENTS, init.lim.clients);
	EXPECT_EQ((uint32_t)NL668_PAYLOAD, init.lim.payload);
	ASSERT_TRUE(ev_wait(self->ev, &ready, 2000, NULL, NULL));
	ASSERT_NE(NULL, ready.got.modem_info);
	EXPECT_STREQ(want, ready.tty_buf);
	EXPECT_STREQ(NL668_DIALECT, ready.dialect_buf);
	ASSERT_NE(NULL, ready.mi.limits);
	EXPECT_EQ((uint32_t)NL668_TOPIC, ready.lim.topic);
	EXPECT_EQ((uint32_t)NL668_CLIENT_IDENT, ready.lim.client_ident);
	EXPECT_EQ(1u, ready.mi.mode);	/* the module's AT+MQTTCONF=1 */

	ASSERT_EQ(0, atmqtt_ldisc_detach(b.fd));
	ASSERT_TRUE(ev_wait(self->ev, &dead, 2000, NULL, NULL));
	ASSERT_NE(NULL, dead.got.modem_info);
	EXPECT_EQ((uint32_t)ATMQTT_MODEM_DEAD, dead.mi.state);
	EXPECT_STREQ(want, dead.tty_buf);
	sim_stop(&b);
	unlink(b.log);
	unlink(b.publog);
}

TEST_F(modem, open_close)
{
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 1));
	/* Nothing listens on port 1: the modem reports +MQTTOPEN: 1,0. */
	EXPECT_EQ(-ECOMM, client_open(self->nl, self->sim.handle, 1,
				      BROKER, 1, 1, 60));
	TH_LOG("refused open: %s", atmqtt_ext_error(self->nl));
}

/*
 * The options structure's size: a caller built against a header whose
 * atmqtt_open_opts ended before keepalive gets the default (60), whatever
 * lies past its size; the defaults of clean (-1: 1) and keepalive (0: 60).
 */
TEST_F(modem, open_opts_sizes_and_defaults)
{
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;
	struct atmqtt_open_opts old = ATMQTT_OPEN_OPTS_INIT;
	struct {
		struct atmqtt_open_opts o;
		uint64_t more;
	} big = { .o = ATMQTT_OPEN_OPTS_INIT };
	char line[128];

	o.host = BROKER;
	o.port = PORT;
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, &o));
	snprintf(line, sizeof(line), "AT+MQTTOPEN=1,\"%s\",%d,1,60\r", BROKER,
		 PORT);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	ASSERT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 1));

	old.size = offsetof(struct atmqtt_open_opts, keepalive);
	old.host = BROKER;
	old.port = PORT;
	old.clean = 0;
	old.keepalive = 77;	/* past the caller's size: not read */
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 2, &old));
	snprintf(line, sizeof(line), "AT+MQTTOPEN=2,\"%s\",%d,0,60\r", BROKER,
		 PORT);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	EXPECT_FALSE(sim_log_has(&self->sim, ",77\r", 4));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 2));

	/* Larger than the library knows: refused unless the rest is 0. */
	big.o.size = sizeof(big);
	big.o.host = BROKER;
	big.o.port = PORT;
	big.o.keepalive = 99;
	big.more = 1;
	EXPECT_EQ(-E2BIG, atmqtt_client_open(self->nl, self->sim.handle, 1,
					     &big.o));
	EXPECT_FALSE(sim_log_has(&self->sim, ",99\r", 4));
	big.more = 0;
	EXPECT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, &big.o));
	snprintf(line, sizeof(line), "AT+MQTTOPEN=1,\"%s\",%d,1,99\r", BROKER,
		 PORT);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 1));
}

TEST_F(modem, sub_receive)
{
	char topic[64], payload[64];
	const char *tm[2] = { topic, payload };
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	struct ev_want r = { .type = ATMQTT_EVT_RESULT, .urc = ATMQTT_URC_SUB };

	snprintf(topic, sizeof(topic), "atmqtt/test/%d/rx", getpid());
	snprintf(payload, sizeof(payload), "hello, \"%d\"", getpid());
	w.modem = r.modem = self->sim.handle;
	w.topic = topic;
	w.payload = payload;
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	ASSERT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 1, topic, 0));
	ASSERT_TRUE(ev_wait(self->ev, &r, 2000, NULL, NULL));
	EXPECT_EQ((uint32_t)ATMQTT_URC_SUB, r.got.urc);
	EXPECT_EQ(1u, r.got.status);
	EXPECT_EQ(1u, r.got.client);
	ASSERT_TRUE(ev_wait(self->ev, &w, 10000, mosq_pub, tm));
	EXPECT_EQ(ATMQTT_EVT_MESSAGE, w.got.type);
	EXPECT_EQ(1u, w.got.client);
	EXPECT_EQ(0u, w.got.qos);
	EXPECT_LT(0u, w.got.seq);
	EXPECT_FALSE(w.got.truncated);
	EXPECT_EQ(NULL, w.got.modem_info);
}

static void *mosq_sub_thread(void *arg)
{
	char **io = arg;	/* io[0] topic, io[1] output buffer */
	char cmd[256];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "mosquitto_sub -h %s -t '%s' -C 1 -W 15", BROKER, io[0]);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	n = fread(io[1], 1, 1023, p);
	io[1][n] = '\0';
	pclose(p);
	return NULL;
}

static void publish_until(struct __test_metadata *_metadata,
			  struct atmqtt_nl *nl, uint32_t h, int qos)
{
	char topic[64], payload[64], out[1024] = "";
	char *io[2] = { topic, out };
	pthread_t th;
	int i;

	snprintf(topic, sizeof(topic), "atmqtt/test/%d/tx%d", getpid(), qos);
	snprintf(payload, sizeof(payload), "world %d qos %d", getpid(), qos);
	ASSERT_EQ(0, pthread_create(&th, NULL, mosq_sub_thread, io));
	/* Publish until mosquitto_sub (connecting meanwhile) got it. */
	for (i = 0; i < 20 && !out[0]; i++) {
		/* Printable: quoted, the form publish() returns. */
		ASSERT_EQ(0, publish(nl, h, 1, topic, qos, 0, payload,
				     strlen(payload), 0));
		usleep(300000);
	}
	pthread_join(th, NULL);
	EXPECT_EQ(0, strncmp(out, payload, strlen(payload)));
}

TEST_F(modem, publish_qos012)
{
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	publish_until(_metadata, self->nl, self->sim.handle, 0);
	publish_until(_metadata, self->nl, self->sim.handle, 1);
	publish_until(_metadata, self->nl, self->sim.handle, 2);
}

TEST_F(modem, two_clients)
{
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 2));
	EXPECT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 2,
				      "atmqtt/test/two", 1));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 1));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 2));
}

/*
 * The client after the modem's last (3 on the NL668) is inside the family's
 * policy (1-255) but past the modem's limit: -ERANGE, the kernel's message
 * with the modem's range, and no AT command.  0 and 256 are past the
 * policy: the library names the attribute and the policy's range.
 */
TEST_F(modem, client_past_the_modem_limit)
{
	struct atmqtt_limits l = limits_of(self->nl, self->sim.handle);
	uint32_t next = l.clients + 1, h = self->sim.handle;
	char want[96], line[64];

	ASSERT_LT(0u, l.clients);
	snprintf(want, sizeof(want), "ATMQTT_A_CLIENT_ID: this modem takes 1-%u",
		 l.clients);
	EXPECT_EQ(0, open_broker(self->nl, h, l.clients));
	EXPECT_EQ(-ERANGE, open_broker(self->nl, h, next));
	EXPECT_STREQ(want, atmqtt_ext_error(self->nl));
	ASSERT_NE(NULL, atmqtt_ext_error_attr(self->nl));
	EXPECT_STREQ("ATMQTT_A_CLIENT_ID", atmqtt_ext_error_attr(self->nl));
	EXPECT_EQ(-ERANGE, atmqtt_subscribe(self->nl, h, next, "t", 0));
	EXPECT_STREQ(want, atmqtt_ext_error(self->nl));
	EXPECT_EQ(-ERANGE, publish(self->nl, h, next, "t", 0, 0, "x", 1, 0));
	EXPECT_STREQ(want, atmqtt_ext_error(self->nl));
	EXPECT_EQ(-ERANGE, atmqtt_client_close(self->nl, h, next));
	EXPECT_STREQ(want, atmqtt_ext_error(self->nl));
	EXPECT_EQ(-ERANGE, open_broker(self->nl, h, 255));
	EXPECT_STREQ(want, atmqtt_ext_error(self->nl));
	/* The family's policy. */
	EXPECT_EQ(-ERANGE, open_broker(self->nl, h, 0));
	EXPECT_STREQ("ATMQTT_A_CLIENT_ID: must be 1-255",
		     atmqtt_ext_error(self->nl));
	EXPECT_STREQ("ATMQTT_A_CLIENT_ID", atmqtt_ext_error_attr(self->nl));
	EXPECT_EQ(-ERANGE, open_broker(self->nl, h, 256));
	EXPECT_STREQ("ATMQTT_A_CLIENT_ID: must be 1-255",
		     atmqtt_ext_error(self->nl));
	/* None of them reached the modem. */
	snprintf(line, sizeof(line), "AT+MQTTOPEN=%u,", next);
	EXPECT_FALSE(sim_log_has(&self->sim, line, strlen(line)));
	snprintf(line, sizeof(line), "AT+MQTTCLOSE=%u\r", next);
	EXPECT_FALSE(sim_log_has(&self->sim, line, strlen(line)));
	EXPECT_FALSE(sim_log_has(&self->sim, "AT+MQTTOPEN=0,", 14));
	EXPECT_FALSE(sim_log_has(&self->sim, "AT+MQTTOPEN=255,", 16));
	EXPECT_FALSE(sim_log_has(&self->sim, "AT+MQTTOPEN=256,", 16));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, h, l.clients));
}

TEST_F(modem, break_event)
{
	struct ev_want w = { .type = ATMQTT_EVT_BREAK };

	w.modem = self->sim.handle;
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	sim_ctl(&self->sim, "break 1 2\n");
	ASSERT_TRUE(ev_wait(self->ev, &w, 5000, NULL, NULL));
	EXPECT_EQ(1u, w.got.client);
	EXPECT_EQ(2u, w.got.cause);
}

/* ev_wait() that also counts every event by type, matched or not. */
struct counted {
	struct ev_want *w;
	int types[64];
};

static int counted_cb(const struct atmqtt_event *e, void *arg)
{
	struct counted *c = arg;

	c->types[e->type & 63]++;
	return c->w ? ev_cb(e, c->w) : 0;
}

static int counted_wait(struct atmqtt_events *ev, struct counted *c,
			struct ev_want *w, int ms, void (*kick)(void *),
			void *arg)
{
	c->w = w;
	ev_pump(ev, counted_cb, c, w ? &w->found : NULL, ms, kick, arg);
	return w && w->found;
}

/*
 * atmqtt_events_filter(): a socket that takes MESSAGE and BREAK events
 * gets those and nothing of the RESULT and MODEM traffic of the open, the
 * subscription and the break, which an unfiltered socket sees; with the
 * filter taken off it sees RESULT events again.
 */
TEST_F(modem, events_filter)
{
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	struct ev_want r = { .type = ATMQTT_EVT_RESULT, .urc = ATMQTT_URC_SUB };
	struct ev_want b = { .type = ATMQTT_EVT_BREAK };
	char topic[64], payload[64];
	const char *tm[2] = { topic, payload };
	struct atmqtt_events *f = atmqtt_events_open();
	struct counted c = { 0 };
	int t, others = 0;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, atmqtt_events_filter(f,
			ATMQTT_EVENT_BIT(ATMQTT_EVT_MESSAGE) |
			ATMQTT_EVENT_BIT(ATMQTT_EVT_BREAK)));
	snprintf(topic, sizeof(topic), "atmqtt/test/%d/filter", getpid());
	snprintf(payload, sizeof(payload), "filtered %d", getpid());
	w.modem = r.modem = b.modem = self->sim.handle;
	w.topic = topic;
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	ASSERT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 1, topic, 0));
	/* the unfiltered socket has the RESULT; the filtered one nothing */
	ASSERT_TRUE(ev_wait(self->ev, &r, 2000, NULL, NULL));
	counted_wait(f, &c, NULL, 300, NULL, NULL);
	for (t = 0; t < 64; t++)
		EXPECT_EQ(0, c.types[t]);
	ASSERT_TRUE(counted_wait(f, &c, &w, 10000, mosq_pub, tm));
	EXPECT_EQ(1u, w.got.client);
	sim_ctl(&self->sim, "break 1 1\n");
	ASSERT_TRUE(counted_wait(f, &c, &b, 5000, NULL, NULL));
	counted_wait(f, &c, NULL, 300, NULL, NULL);
	for (t = 0; t < 64; t++)
		if (t != ATMQTT_EVT_MESSAGE && t != ATMQTT_EVT_BREAK)
			others += c.types[t];
	EXPECT_EQ(0, others);
	EXPECT_LE(1, c.types[ATMQTT_EVT_MESSAGE]);
	EXPECT_EQ(1, c.types[ATMQTT_EVT_BREAK]);

	/* off again: the next open's RESULT reaches this socket too */
	ASSERT_EQ(0, atmqtt_events_filter(f, 0));
	r.urc = ATMQTT_URC_OPEN;
	r.found = 0;
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	EXPECT_TRUE(ev_wait(f, &r, 2000, NULL, NULL));
	EXPECT_EQ(0, atmqtt_events_filter(f, 0));	/* none to take off */
	atmqtt_events_close(f);
}

/* RESULT events by URC, until want's event (the marker) or ms passed. */
struct results {
	struct ev_want *w;
	int urc[16];
};

static int results_cb(const struct atmqtt_event *e, void *arg)
{
	struct results *r = arg;

	if (e->type == ATMQTT_EVT_RESULT && e->modem == r->w->modem)
		r->urc[e->urc & 15]++;
	return ev_cb(e, r->w);
}

/*
 * The result of a PUBLISH op goes to its requester, in the reply, not to
 * the group: none for the publishes that were answered, while the SUB
 * after them (the marker) is multicast.  A +MQTTPUB that no request waits
 * for any more (its request timed out) is.
 */
TEST_F(modem, publish_result_to_requester)
{
	struct ev_want sub = { .type = ATMQTT_EVT_RESULT,
			       .urc = ATMQTT_URC_SUB };
	struct ev_want pub = { .type = ATMQTT_EVT_RESULT,
			       .urc = ATMQTT_URC_PUB };
	struct results r = { .w = &sub };
	char topic[64];
	int i;

	snprintf(topic, sizeof(topic), "atmqtt/test/%d/pubres", getpid());
	sub.modem = pub.modem = self->sim.handle;
	ASSERT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, publish(self->nl, self->sim.handle, 1, topic,
				     i, 0, "x", 1, 0));
	ASSERT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 1, topic, 0));
	ev_pump(self->ev, results_cb, &r, &sub.found, 2000, NULL, NULL);
	ASSERT_TRUE(sub.found);
	EXPECT_EQ(0, r.urc[ATMQTT_URC_PUB]);
	EXPECT_EQ(1, r.urc[ATMQTT_URC_SUB]);

	set_param("urc_timeout_ms", "300");
	sim_ctl(&self->sim, "delay pub 1000\n");
	EXPECT_EQ(-ETIMEDOUT, publish(self->nl, self->sim.handle, 1, topic,
				      0, 0, "late", 4, 0));
	ASSERT_TRUE(ev_wait(self->ev, &pub, 3000, NULL, NULL));
	EXPECT_EQ(1u, pub.got.client);
	EXPECT_EQ(1u, pub.got.status);
}

TEST_F(modem, enodev_after_detach)
{
	uint32_t h = self->sim.handle;
	struct find_ctx f = { .handle = h };

	ASSERT_EQ(0, atmqtt_ldisc_detach(self->sim.fd));
	EXPECT_EQ(-ENODEV, open_broker(self->nl, h, 1));
	atmqtt_modem_list(self->nl, 0, find_cb, &f);
	EXPECT_EQ(0, f.found);
}

/*
 * A handle is not given again at once: a tool still holding the handle of
 * a modem that went away must not reach the one attached next.
 */
TEST_F(modem, handles_not_reused_at_once)
{
	uint32_t old = self->sim.handle;

	ASSERT_EQ(0, atmqtt_ldisc_detach(self->sim.fd));
	ASSERT_EQ(0, sim_attach(&self->sim, self->nl));
	EXPECT_LT(old, self->sim.handle);
	EXPECT_EQ(-ENODEV, atmqtt_conf_set(self->nl, old, 1));
	EXPECT_EQ(0, atmqtt_conf_set(self->nl, self->sim.handle, 1));
}

struct bg_op {
	struct atmqtt_nl *nl;
	uint32_t h;
	int ret;
	double took;
};

static void *bg_open(void *arg)
{
	struct bg_op *op = arg;
	double t = now();

	op->ret = open_broker(op->nl, op->h, 1);
	op->took = now() - t;
	return NULL;
}

TEST_F(modem, hangup_inflight)
{
	struct bg_op op = { .h = self->sim.handle };
	pthread_t th;

	op.nl = atmqtt_nl_open();
	ASSERT_NE(NULL, op.nl);
	sim_ctl(&self->sim, "mute\n");
	ASSERT_EQ(0, pthread_create(&th, NULL, bg_open, &op));
	usleep(300000);
	/* Killing the simulator closes the pty master: the slave hangs up. */
	kill(self->sim.pid, SIGKILL);
	waitpid(self->sim.pid, NULL, 0);
	self->sim.pid = 0;
	pthread_join(th, NULL);
	EXPECT_EQ(-ENODEV, op.ret);
	EXPECT_GT(3.0, op.took);
	atmqtt_nl_close(op.nl);
}

TEST_F(modem, timeout_and_recovery)
{
	double t;

	set_param("cmd_timeout_ms", "500");
	sim_ctl(&self->sim, "mute\n");
	t = now();
	EXPECT_EQ(-ETIMEDOUT, atmqtt_client_close(self->nl, self->sim.handle, 1));
	t = now() - t;
	EXPECT_LT(0.4, t);
	EXPECT_GT(3.0, t);
	sim_ctl(&self->sim, "unmute\n");
	set_param("cmd_timeout_ms", "5000");
	EXPECT_EQ(0, open_broker(self->nl, self->sim.handle, 1));
}

static int host_seen_cb(const struct atmqtt_client_info *c, void *arg)
{
	*(int *)arg |= c->has_params || (c->host && c->host[0]);
	return 0;
}

/* Callbacks that must not be called. */
static int no_user_cb(const struct atmqtt_user *u, void *arg)
{
	(void)u;
	(*(int *)arg)++;
	return 0;
}

static int no_will_cb(const struct atmqtt_will *w, void *arg)
{
	(void)w;
	(*(int *)arg)++;
	return 0;
}

/*
 * In a child: every op that sends an AT command, and the tracked topics,
 * answer -EPERM; the modem and client lists still work, without where a
 * client connects.  drop: how the child loses CAP_NET_ADMIN in the
 * initial user namespace.
 */
static int eperm_child(uint32_t h, int (*drop)(void))
{
	struct atmqtt_raw_reply *raw = NULL;
	struct atmqtt_message *msg = NULL;
	struct atmqtt_limits lim = { .size = sizeof(lim) };
	struct atmqtt_nl *nl;
	uint32_t ids[4];
	char line[128];
	int bad = 0, host = 0, calls = 0;

	if (drop())
		return 10;
	nl = atmqtt_nl_open();
	if (!nl)
		return 11;
	bad |= open_broker(nl, h, 1) != -EPERM;
	bad |= (atmqtt_subscribe(nl, h, 1, "t", 0) != -EPERM) << 1;
	bad |= (atmqtt_publish(nl, h, 1, "t", "x", 1, NULL) != -EPERM) << 2;
	bad |= (atmqtt_client_close(nl, h, 1) != -EPERM) << 3;
	bad |= (atmqtt_modem_list(nl, 0, NULL, NULL) < 1) << 4;
	bad |= (atmqtt_unsubscribe(nl, h, 1, "t") != -EPERM) << 5;
	bad |= (atmqtt_user_set(nl, h, 1, "u", "p", NULL) != -EPERM) << 6;
	bad |= (atmqtt_will_set(nl, h, 1, "t", 0, 0, "") != -EPERM) << 7;
	bad |= (atmqtt_conf_set(nl, h, 1) != -EPERM) << 8;
	bad |= (atmqtt_read(nl, h, 1, &msg) != -EPERM || msg) << 9;
	bad |= (atmqtt_raw(nl, h, "AT", 0, &raw) != -EPERM || raw) << 10;
	bad |= (atmqtt_client_policy(nl, h, 1, 1, 0, 0) != -EPERM) << 11;
	/* No query reaches the modem: each holds the command path, and
	 * some answers hold secrets.
	 */
	bad |= (atmqtt_conf_get(nl, h) != -EPERM) << 12;
	bad |= (atmqtt_openable(nl, h, ids, 4) != -EPERM) << 13;
	bad |= (atmqtt_closable(nl, h, ids, 4) != -EPERM) << 16;
	bad |= (atmqtt_user_get(nl, h, no_user_cb, &calls) != -EPERM ||
		calls) << 17;
	bad |= (atmqtt_will_get(nl, h, no_will_cb, &calls) != -EPERM ||
		calls) << 18;
	bad |= (atmqtt_test(nl, h, ATMQTT_AT_PUB, line, sizeof(line)) !=
		-EPERM) << 19;
	/* Subscribed topics are private; the client list is not, but where
	 * a client connects is.
	 */
	bad |= (atmqtt_sub_list(nl, h, NULL, NULL) != -EPERM) << 20;
	bad |= (atmqtt_client_list(nl, h, host_seen_cb, &host) !=
		NL668_CLIENTS || host) << 14;
	/* GET_MODEM is for everyone: the limits too. */
	bad |= (atmqtt_modem_limits(nl, h, &lim) ||
		lim.clients != NL668_CLIENTS) << 21;
	/* Message payloads may be private: no events either. */
	errno = 0;
	bad |= (atmqtt_events_open() != NULL || errno != EPERM) << 15;
	if (bad)
		fprintf(stderr, "# eperm: failing checks 0x%x\n", bad);
	return bad ? 1 : 0;
}

/* With client 1 open (so that there is a host to hide) and subscribed. */
static void eperm_check(struct __test_metadata *_metadata,
			struct atmqtt_nl *nl, uint32_t h, int (*drop)(void))
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, open_broker(nl, h, 1));
	ASSERT_EQ(0, atmqtt_subscribe(nl, h, 1, "atmqtt/private/#", 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(eperm_child(h, drop));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, atmqtt_client_close(nl, h, 1));
}

TEST_F(modem, eperm_without_cap_net_admin)
{
	eperm_check(_metadata, self->nl, self->sim.handle, drop_net_admin);
}

/*
 * A new user namespace gives every capability, in that namespace only: the
 * family lives in the initial network namespace, whose owner is the initial
 * user namespace, so nothing changes.
 */
static int new_userns(void)
{
	return unshare(CLONE_NEWUSER);
}

TEST_F(modem, eperm_in_a_user_namespace)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(new_userns() ? errno : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WEXITSTATUS(status) == EINVAL)
		SKIP(return, "kernel without CONFIG_USER_NS");
	ASSERT_EQ(0, WEXITSTATUS(status));
	eperm_check(_metadata, self->nl, self->sim.handle, new_userns);
}

/* Unload and reload the module with nothing attached (vm-check.sh also
 * unloads it once the whole suite has run).
 */
TEST(rmmod_and_reload)
{
	const char *ko = getenv("ATMQTT_KO") ? getenv("ATMQTT_KO") : "/atmqtt.ko";
	struct atmqtt_nl *nl;
	char cmd[256];

	ASSERT_EQ(0, system("rmmod atmqtt"));
	nl = atmqtt_nl_open();
	EXPECT_EQ(NULL, nl);
	EXPECT_EQ(ENOENT, errno);
	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	ASSERT_EQ(0, system(cmd));
	nl = atmqtt_nl_open();
	ASSERT_NE(NULL, nl);
	atmqtt_nl_close(nl);
}

TEST_HARNESS_MAIN
