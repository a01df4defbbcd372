// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for atmqtt, run in the VM: each test gets its own simulated
 * modem (atmqtt-sim on a pty, bridged to mosquitto on 127.0.0.1:1883) with
 * the line discipline attached, and drives it through libatmqtt.
 */
#include "harness.h"

#include <sched.h>

struct find_ctx {
	uint32_t handle;
	struct atmqtt_modem_info m;
	int found;
};

static int find_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct find_ctx *f = arg;

	if (m->handle == f->handle) {
		f->m = *m;
		f->found = 1;
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
	snprintf(want, sizeof(want), "pts%s", self->sim.tty + strlen("/dev/pts/"));
	EXPECT_STREQ(want, f.m.tty);
	EXPECT_EQ(ATMQTT_MODEM_READY, f.m.state);

	ASSERT_EQ(0, sim_start(&second, 1));
	ASSERT_EQ(0, sim_attach(&second, self->nl));
	EXPECT_NE(self->sim.handle, second.handle);
	EXPECT_LE(2, atmqtt_modem_list(self->nl, 0, NULL, NULL));
	sim_stop(&second);
}

TEST_F(modem, open_close)
{
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 1));
	/* Nothing listens on port 1: the modem reports +MQTTOPEN: 1,0. */
	EXPECT_EQ(-ECOMM, atmqtt_client_open(self->nl, self->sim.handle, 1,
					   BROKER, 1, 1, 60));
	TH_LOG("refused open: %s", atmqtt_ext_error(self->nl));
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
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	ASSERT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 1, topic, 0));
	ASSERT_TRUE(ev_wait(self->ev, &r, 2000, NULL, NULL));
	EXPECT_EQ(ATMQTT_URC_SUB, r.got.urc);
	EXPECT_EQ(1, r.got.status);
	ASSERT_TRUE(ev_wait(self->ev, &w, 10000, mosq_pub, tm));
	EXPECT_EQ(1, w.got.client);
	EXPECT_LT(0, w.got.seq);
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
		ASSERT_EQ(0, atmqtt_publish(nl, h, 1, topic, qos, 0, payload,
					    strlen(payload), 0, NULL));
		usleep(300000);
	}
	pthread_join(th, NULL);
	EXPECT_EQ(0, strncmp(out, payload, strlen(payload)));
}

TEST_F(modem, publish_qos012)
{
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	publish_until(_metadata, self->nl, self->sim.handle, 0);
	publish_until(_metadata, self->nl, self->sim.handle, 1);
	publish_until(_metadata, self->nl, self->sim.handle, 2);
}

TEST_F(modem, two_clients)
{
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 2, BROKER,
					PORT, 1, 60));
	EXPECT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 2,
				      "atmqtt/test/two", 1));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 1));
	EXPECT_EQ(0, atmqtt_client_close(self->nl, self->sim.handle, 2));
}

TEST_F(modem, break_event)
{
	struct ev_want w = { .type = ATMQTT_EVT_BREAK };

	w.modem = self->sim.handle;
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	sim_ctl(&self->sim, "break 1 2\n");
	ASSERT_TRUE(ev_wait(self->ev, &w, 5000, NULL, NULL));
	EXPECT_EQ(1, w.got.client);
	EXPECT_EQ(2, w.got.cause);
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
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	ASSERT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 1, topic, 0));
	/* the unfiltered socket has the RESULT; the filtered one nothing */
	ASSERT_TRUE(ev_wait(self->ev, &r, 2000, NULL, NULL));
	counted_wait(f, &c, NULL, 300, NULL, NULL);
	for (t = 0; t < 64; t++)
		EXPECT_EQ(0, c.types[t]);
	ASSERT_TRUE(counted_wait(f, &c, &w, 10000, mosq_pub, tm));
	EXPECT_EQ(1, w.got.client);
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
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
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
	ASSERT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, atmqtt_publish(self->nl, self->sim.handle, 1,
					    topic, i, 0, "x", 1, 0, NULL));
	ASSERT_EQ(0, atmqtt_subscribe(self->nl, self->sim.handle, 1, topic, 0));
	ev_pump(self->ev, results_cb, &r, &sub.found, 2000, NULL, NULL);
	ASSERT_TRUE(sub.found);
	EXPECT_EQ(0, r.urc[ATMQTT_URC_PUB]);
	EXPECT_EQ(1, r.urc[ATMQTT_URC_SUB]);

	set_param("urc_timeout_ms", "300");
	sim_ctl(&self->sim, "delay pub 1000\n");
	EXPECT_EQ(-ETIMEDOUT, atmqtt_publish(self->nl, self->sim.handle, 1,
					     topic, 0, 0, "late", 4, 0, NULL));
	ASSERT_TRUE(ev_wait(self->ev, &pub, 3000, NULL, NULL));
	EXPECT_EQ(1, pub.got.client);
	EXPECT_EQ(1, pub.got.status);
}

TEST_F(modem, enodev_after_detach)
{
	uint32_t h = self->sim.handle;
	struct find_ctx f = { .handle = h };

	ASSERT_EQ(0, atmqtt_ldisc_detach(self->sim.fd));
	EXPECT_EQ(-ENODEV, atmqtt_client_open(self->nl, h, 1, BROKER, PORT, 1,
					      60));
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

	op->ret = atmqtt_client_open(op->nl, op->h, 1, BROKER, PORT, 1, 60);
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
	EXPECT_EQ(0, atmqtt_client_open(self->nl, self->sim.handle, 1, BROKER,
					PORT, 1, 60));
}

static int host_seen_cb(const struct atmqtt_client_info *c, void *arg)
{
	*(int *)arg |= c->has_params || c->host[0];
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
	static struct atmqtt_raw_reply raw;
	static struct atmqtt_message msg;
	struct atmqtt_user u[ATMQTT_CLIENT_MAX];
	struct atmqtt_will w[ATMQTT_CLIENT_MAX];
	struct atmqtt_nl *nl;
	char line[128];
	int bad = 0, host = 0;

	if (drop())
		return 10;
	nl = atmqtt_nl_open();
	if (!nl)
		return 11;
	bad |= atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 60) != -EPERM;
	bad |= (atmqtt_subscribe(nl, h, 1, "t", 0) != -EPERM) << 1;
	bad |= (atmqtt_publish(nl, h, 1, "t", 0, 0, "x", 1, 0, NULL) != -EPERM) << 2;
	bad |= (atmqtt_client_close(nl, h, 1) != -EPERM) << 3;
	bad |= (atmqtt_modem_list(nl, 0, NULL, NULL) < 1) << 4;
	bad |= (atmqtt_unsubscribe(nl, h, 1, "t") != -EPERM) << 5;
	bad |= (atmqtt_user_set(nl, h, 1, "u", "p", NULL) != -EPERM) << 6;
	bad |= (atmqtt_will_set(nl, h, 1, "t", 0, 0, "") != -EPERM) << 7;
	bad |= (atmqtt_conf_set(nl, h, 1) != -EPERM) << 8;
	bad |= (atmqtt_read(nl, h, 1, &msg) != -EPERM) << 9;
	bad |= (atmqtt_raw(nl, h, "AT", 0, &raw) != -EPERM) << 10;
	bad |= (atmqtt_client_policy(nl, h, 1, 1, 0, 0) != -EPERM) << 11;
	/* No query reaches the modem: each holds the command path, and
	 * some answers hold secrets.
	 */
	bad |= (atmqtt_conf_get(nl, h) != -EPERM) << 12;
	bad |= (atmqtt_openable(nl, h) != -EPERM) << 13;
	bad |= (atmqtt_closable(nl, h) != -EPERM) << 16;
	bad |= (atmqtt_user_get(nl, h, u) != -EPERM) << 17;
	bad |= (atmqtt_will_get(nl, h, w) != -EPERM) << 18;
	bad |= (atmqtt_test(nl, h, ATMQTT_AT_PUB, line, sizeof(line)) !=
		-EPERM) << 19;
	/* Subscribed topics are private; the client list is not, but where
	 * a client connects is.
	 */
	bad |= (atmqtt_sub_list(nl, h, NULL, NULL) != -EPERM) << 20;
	bad |= (atmqtt_client_list(nl, h, host_seen_cb, &host) != 2 || host)
		<< 14;
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

	ASSERT_EQ(0, atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 60));
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
