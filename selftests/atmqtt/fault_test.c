// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile modem: atmqtt-sim's fault modes (Documentation/simulator.rst,
 * "A hostile modem") against the line discipline.  For each fault the
 * kernel must neither crash, leak nor hang (the VM checks the log, kmemleak
 * on the debug kernel, and unloads the module after the suite); a request
 * caught by the fault ends with a clear error within its timeout; and once
 * the fault stops the modem serves the next commands as before.
 */
#include "harness.h"

#define H (self->sim.handle)
#define NL (self->nl)

/* cmd_timeout_ms and urc_timeout_ms during these tests */
#define CMD_MS 1000
#define URC_MS 3000
/* The longest a request may take: prompt, final result, then the URC. */
#define BOUND_S ((2.0 * CMD_MS + URC_MS) / 1000 + 1.5)

static void uniq(char *buf, size_t size, const char *what)
{
	static int n;

	snprintf(buf, size, "atmqtt/fault/%d/%s/%d", getpid(), what, ++n);
}

static void short_timeouts(void)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", CMD_MS);
	set_param("cmd_timeout_ms", v);
	snprintf(v, sizeof(v), "%d", URC_MS);
	set_param("urc_timeout_ms", v);
}

/* sim_info() as a value, for comparisons of counters. */
static struct atmqtt_modem_info info(struct atmqtt_nl *nl, uint32_t h)
{
	struct atmqtt_modem_info mi = {};

	sim_info(nl, h, &mi);
	return mi;
}

/*
 * A whole exchange: open client 1, subscribe, publish 256 bytes of every
 * value by <Datasize> to that subscription and get them back by +MQTTREAD,
 * unsubscribe, close.  Returns 0, or step * 1000 + the errno that failed.
 */
static int exchange(struct atmqtt_nl *nl, struct atmqtt_events *ev,
		    uint32_t h)
{
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	unsigned char pl[256];
	char topic[96];
	int i, err;

	for (i = 0; i < 256; i++)
		pl[i] = i;
	uniq(topic, sizeof(topic), "x");
	w.modem = h;
	w.topic = topic;
	w.payload = (const char *)pl;
	w.payload_len = sizeof(pl);
	err = atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 60);
	if (err)
		return 1000 - err;
	err = atmqtt_subscribe(nl, h, 1, topic, 1);
	if (err)
		return 2000 - err;
	err = atmqtt_publish(nl, h, 1, topic, 1, 0, pl, sizeof(pl), 0, NULL);
	if (err)
		return 3000 - err;
	if (!ev_wait(ev, &w, 5000, NULL, NULL))
		return 4000;
	err = atmqtt_unsubscribe(nl, h, 1, topic);
	if (err)
		return 5000 - err;
	err = atmqtt_client_close(nl, h, 1);
	return err ? 6000 - err : 0;
}

/* Query forms: what the modem answers must come back whole. */
static int queries(struct atmqtt_nl *nl, uint32_t h)
{
	struct atmqtt_user u[ATMQTT_CLIENT_MAX];
	char line[128];
	int err;

	err = atmqtt_user_set(nl, h, 2, "hostile", "pw", "cid-7");
	if (err)
		return 1000 - err;
	err = atmqtt_user_get(nl, h, u);
	if (err != 1 || u[0].client != 2 || strcmp(u[0].username, "hostile") ||
	    strcmp(u[0].client_id, "cid-7"))
		return 2000 - (err < 0 ? err : 0);
	err = atmqtt_conf_get(nl, h);
	if (err != 1)
		return 3000 - (err < 0 ? err : 0);
	err = atmqtt_test(nl, h, ATMQTT_AT_PUB, line, sizeof(line));
	if (err || strcmp(line, "+MQTTPUB: (1,2),255,(0-2),(0,1),1024"))
		return 4000 - err;
	err = atmqtt_openable(nl, h);
	return err == 0x6 ? 0 : 5000 - (err < 0 ? err : 0);
}

/* ---- how bytes arrive ---------------------------------------------------- */

TEST_F(modem, split_at_every_byte)
{
	sim_ctl(&self->sim, "split on\n");
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	ASSERT_EQ(0, queries(NL, H));
}

TEST_F(modem, cr_only_lf_only_lfcr_line_ends)
{
	static const char *const eol[] = { "cr", "lf", "lfcr", "crlf" };
	char cmd[32];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		snprintf(cmd, sizeof(cmd), "eol %s\n", eol[i]);
		sim_ctl(&self->sim, cmd);
		EXPECT_EQ(0, exchange(NL, self->ev, H)) TH_LOG("eol %s", eol[i]);
		EXPECT_EQ(0, queries(NL, H)) TH_LOG("eol %s", eol[i]);
	}
}

TEST_F(modem, garbage_between_lines)
{
	struct atmqtt_modem_info before = info(NL, H);

	sim_ctl(&self->sim, "seed 7\n");
	sim_ctl(&self->sim, "garbage between 2\n");
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	ASSERT_EQ(0, queries(NL, H));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	/* No junk line was taken for a message. */
	EXPECT_EQ(before.rx_seq + 2, info(NL, H).rx_seq);
}

/* What a request may answer when its bytes were mangled. */
static int mangled_ok(int err)
{
	switch (err) {
	case 0:
	case -ETIMEDOUT:	/* its final result or URC was mangled */
	case -EIO:		/* ERROR: the modem got a mangled command? */
	case -ECOMM:
	case -EREMOTEIO:
	case -EPROTO:		/* a mangled information line */
		return 1;
	}
	return 0;
}

TEST_F(modem, garbage_inside_lines)
{
	char topic[96], line[128];
	int i, err;
	double t;

	short_timeouts();
	uniq(topic, sizeof(topic), "in");
	sim_ctl(&self->sim, "seed 11\n");
	sim_ctl(&self->sim, "garbage inside 100\n");
	for (i = 0; i < 24; i++) {
		t = now();
		switch (i % 6) {
		case 0:
			err = atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60);
			break;
		case 1:
			err = atmqtt_subscribe(NL, H, 1, topic, 0);
			break;
		case 2:
			err = atmqtt_publish(NL, H, 1, topic, 0, 0, "\0\r\n\"", 4,
					     0, NULL);
			break;
		case 3:
			err = atmqtt_conf_get(NL, H);
			err = err > 0 ? 0 : err;
			break;
		case 4:
			err = atmqtt_test(NL, H, ATMQTT_AT_USER, line,
					  sizeof(line));
			break;
		default:
			err = atmqtt_client_close(NL, H, 1);
			break;
		}
		EXPECT_TRUE(mangled_ok(err)) TH_LOG("request %d: %d", i, err);
		EXPECT_GT(BOUND_S, now() - t) TH_LOG("request %d", i);
	}
	sim_ctl(&self->sim, "garbage off\n");
	/* Back to a known state, whatever the modem did with the junk. */
	atmqtt_client_close(NL, H, 1);
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	ASSERT_EQ(0, queries(NL, H));
}

TEST_F(modem, echo_flips)
{
	sim_ctl(&self->sim, "seed 3\n");
	sim_ctl(&self->sim, "echo flip\n");
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	ASSERT_EQ(0, queries(NL, H));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	sim_ctl(&self->sim, "echo off\n");
	ASSERT_EQ(0, queries(NL, H));
	sim_ctl(&self->sim, "echo on\n");
	ASSERT_EQ(0, queries(NL, H));
}

/* ---- URCs where they should not be ---------------------------------------- */

TEST_F(modem, duplicate_result_urcs)
{
	struct atmqtt_modem_info before = info(NL, H);

	sim_ctl(&self->sim, "dup on\n");
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	/* Every message was delivered once: no seq went to a duplicate. */
	EXPECT_EQ(before.rx_seq + 2, info(NL, H).rx_seq);
}

TEST_F(modem, result_urc_before_final_result)
{
	sim_ctl(&self->sim, "early on\n");
	ASSERT_EQ(0, exchange(NL, self->ev, H));
	ASSERT_EQ(0, queries(NL, H));
}

TEST_F(modem, urc_inside_a_response)
{
	struct ev_want w = { .type = ATMQTT_EVT_URC, .line = "+CREG: 0,5" };

	w.modem = H;
	sim_ctl(&self->sim, "mid on\n");
	ASSERT_EQ(0, queries(NL, H));
	/* Not taken as part of the response: forwarded as a URC. */
	ASSERT_TRUE(ev_wait(self->ev, &w, 2000, NULL, NULL));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

static int closed_cb(const struct atmqtt_client_info *c, void *arg)
{
	if (c->state != ATMQTT_CLIENT_CLOSED)
		(*(int *)arg)++;
	return 0;
}

TEST_F(modem, urcs_for_clients_that_do_not_exist)
{
	static const char *const urcs[] = {
		"urc +MQTTBREAK: 3,1\n", "urc +MQTTOPEN: 0,1\n",
		"urc +MQTTCLOSE: 9,1\n", "urc +MQTTMSGI: 7,0,1,1\n",
		"urc +MQTTMSG: 9,0,\"t\",\"p\"\n",
		"urc +MQTTREAD: 5,0,1,1\n", "urc \"t\",\"p\"\n",
		"urc +MQTTSUB: 4294967297,1\n", "urc +MQTTBREAK: 1,4\n",
	};
	struct atmqtt_modem_info before = info(NL, H), after;
	unsigned int i;
	int open = 0;

	for (i = 0; i < sizeof(urcs) / sizeof(urcs[0]); i++)
		sim_ctl(&self->sim, urcs[i]);
	after = info(NL, H);
	/* BREAK 3, OPEN 0, CLOSE 9, MSGI 7, MSG 9, READ 5: bad clients. */
	EXPECT_LE(before.rx_malformed + 6, after.rx_malformed);
	EXPECT_EQ(before.rx_seq, after.rx_seq);
	ASSERT_EQ(2, atmqtt_client_list(NL, H, closed_cb, &open));
	EXPECT_EQ(0, open);
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

/* ---- lengths that lie ------------------------------------------------------ */

TEST_F(modem, read_lengths_that_lie)
{
	static const char *const lies[] = { "long", "short", "huge" };
	char topic[96];
	unsigned int i;

	short_timeouts();
	uniq(topic, sizeof(topic), "lie");
	ASSERT_EQ(0, atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	for (i = 0; i < 3; i++) {
		struct atmqtt_modem_info before = info(NL, H);
		struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
		const char *tm[2] = { topic, NULL };
		char cmd[32], bad[32], good[32];

		snprintf(cmd, sizeof(cmd), "lie %s\n", lies[i]);
		snprintf(bad, sizeof(bad), "lied-%s", lies[i]);
		snprintf(good, sizeof(good), "good-after-%s", lies[i]);
		sim_ctl(&self->sim, cmd);
		tm[1] = bad;
		mosq_pub(tm);
		/* Let a READ caught by the long lie time out. */
		usleep((CMD_MS + 500) * 1000);
		tm[1] = good;
		w.modem = H;
		w.topic = topic;
		w.payload = good;
		mosq_pub(tm);
		EXPECT_TRUE(ev_wait(self->ev, &w, 5000, NULL, NULL))
			TH_LOG("lie %s", lies[i]);
		EXPECT_LT(before.rx_malformed, info(NL, H).rx_malformed)
			TH_LOG("lie %s", lies[i]);
	}
	ASSERT_EQ(0, atmqtt_client_close(NL, H, 1));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

TEST_F(modem, msgi_length_that_lies)
{
	struct atmqtt_modem_info before = info(NL, H);
	struct ev_want w1 = { .type = ATMQTT_EVT_MESSAGE, .payload = "first" };
	struct ev_want w2 = { .type = ATMQTT_EVT_MESSAGE, .payload = "second" };
	const char *tm[2];
	char topic[96];

	uniq(topic, sizeof(topic), "msgi");
	tm[0] = topic;
	w1.modem = w2.modem = H;
	ASSERT_EQ(0, atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	sim_ctl(&self->sim, "lie msgi\n");
	tm[1] = "first";
	mosq_pub(tm);
	usleep(500000);
	/* "+MQTTMSGI: 1,1,<tlen>,99999" is not believed, so nothing was
	 * read; the next +MQTTMSGI reads both, in order.
	 */
	EXPECT_LT(before.rx_malformed, info(NL, H).rx_malformed);
	EXPECT_EQ(before.rx_seq, info(NL, H).rx_seq);
	tm[1] = "second";
	mosq_pub(tm);
	ASSERT_TRUE(ev_wait(self->ev, &w1, 5000, NULL, NULL));
	ASSERT_TRUE(ev_wait(self->ev, &w2, 5000, NULL, NULL));
	EXPECT_LT(w1.got.seq, w2.got.seq);
}

/* ---- answers that never come ----------------------------------------------- */

TEST_F(modem, final_result_never_comes)
{
	double t;
	int err;

	short_timeouts();
	sim_ctl(&self->sim, "nofinal\n");
	t = now();
	err = atmqtt_conf_get(NL, H);
	EXPECT_EQ(-ETIMEDOUT, err);
	EXPECT_GT(BOUND_S, now() - t);
	EXPECT_NE(NULL, strstr(atmqtt_ext_error(NL) ?: "", "no final result"));
	/* The next command is answered as usual. */
	ASSERT_EQ(1, atmqtt_conf_get(NL, H));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

TEST_F(modem, prompt_never_comes)
{
	static const unsigned char bin[] = { 0, 1, '\r', '\n', '"', 0xff };
	double t;
	int err;

	short_timeouts();
	ASSERT_EQ(0, atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60));
	sim_ctl(&self->sim, "noprompt\n");
	t = now();
	err = atmqtt_publish(NL, H, 1, "atmqtt/fault/np", 1, 0, bin,
			     sizeof(bin), 0, NULL);
	EXPECT_EQ(-ETIMEDOUT, err);
	EXPECT_GT(BOUND_S, now() - t);
	EXPECT_NE(NULL, strstr(atmqtt_ext_error(NL) ?: "", "prompt"));
	/* The data was not sent without its prompt. */
	EXPECT_FALSE(sim_log_has(&self->sim, bin, sizeof(bin)));
	ASSERT_EQ(0, atmqtt_client_close(NL, H, 1));
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

/* ---- a modem that never stops talking -------------------------------------- */

static void talker(struct __test_metadata *_metadata, struct atmqtt_nl *nl,
		   uint32_t h)
{
	double end = now() + 3, t;
	int err, n = 0;

	while (now() < end) {
		t = now();
		err = atmqtt_conf_get(nl, h);
		EXPECT_TRUE(err == 1 || err == -ETIMEDOUT) TH_LOG("%d", err);
		EXPECT_GT(BOUND_S, now() - t);
		n++;
	}
	EXPECT_LT(0, n);
}

static int ignore_cb(const struct atmqtt_event *e, void *arg)
{
	(void)e;
	(void)arg;
	return 0;
}

/* Read what the talker left in our event socket (a slow listener's loss
 * is counted, not ours to test here).
 */
static void ev_drain(struct atmqtt_events *ev)
{
	struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };

	while (poll(&p, 1, 300) > 0)
		atmqtt_events_dispatch(ev, ignore_cb, NULL);
}

TEST_F(modem, endless_lines)
{
	struct atmqtt_modem_info before = info(NL, H);

	short_timeouts();
	sim_ctl(&self->sim, "chatter lines\n");
	talker(_metadata, NL, H);
	sim_ctl(&self->sim, "chatter off\n");
	ev_drain(self->ev);
	/* "+MQTTBREAK: 9,1" among them */
	EXPECT_LT(before.rx_malformed, info(NL, H).rx_malformed);
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

TEST_F(modem, endless_line)
{
	struct atmqtt_modem_info before = info(NL, H);

	short_timeouts();
	sim_ctl(&self->sim, "chatter bytes\n");
	talker(_metadata, NL, H);
	sim_ctl(&self->sim, "chatter off\n");
	ev_drain(self->ev);
	/* One line with no end: dropped whole once it ends, bounded. */
	ASSERT_EQ(1, atmqtt_conf_get(NL, H));
	EXPECT_LT(before.rx_overflows, info(NL, H).rx_overflows);
	ASSERT_EQ(0, exchange(NL, self->ev, H));
}

/* ---- hangups ------------------------------------------------------------------ */

struct bg_req {
	uint32_t h;
	int what;		/* 0: conf_get, 1: subscribe, 2: binary pub */
	int err;
	double took;
	pthread_t th;
};

static void *bg_run(void *arg)
{
	static unsigned char big[1024];
	struct bg_req *r = arg;
	struct atmqtt_nl *nl = atmqtt_nl_open();
	double t = now();

	if (!nl) {
		r->err = 1;
		return NULL;
	}
	memset(big, 0xa5, sizeof(big));
	switch (r->what) {
	case 0:
		r->err = atmqtt_conf_get(nl, r->h);
		break;
	case 1:
		r->err = atmqtt_subscribe(nl, r->h, 1, "atmqtt/fault/hup", 0);
		break;
	default:
		r->err = atmqtt_publish(nl, r->h, 1, "atmqtt/fault/hup", 1, 0,
					big, sizeof(big),
					ATMQTT_PUB_DATASIZE, NULL);
		break;
	}
	r->took = now() - t;
	atmqtt_nl_close(nl);
	return NULL;
}

static int gone(struct atmqtt_nl *nl, const char *tty)
{
	uint32_t h;
	int i;

	for (i = 0; i < 50; i++) {
		if (atmqtt_modem_find(nl, tty, &h) == -ENODEV)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* Start a request, hang up after 0.5 s: it ends with -ENODEV at once. */
static void hangup_during(struct __test_metadata *_metadata, struct sim *s,
			  struct atmqtt_nl *nl, int what, const char *fault)
{
	struct bg_req r = { .h = s->handle, .what = what };
	double t;

	sim_ctl(s, fault);
	ASSERT_EQ(0, pthread_create(&r.th, NULL, bg_run, &r));
	usleep(500000);
	t = now();
	sim_ctl(s, "hangup\n");
	pthread_join(r.th, NULL);
	EXPECT_EQ(-ENODEV, r.err);
	EXPECT_GT(2.0, now() - t);
	EXPECT_TRUE(gone(nl, s->tty));
}

TEST_F(modem, hangup_before_the_final_result)
{
	hangup_during(_metadata, &self->sim, NL, 0, "nofinal\n");
}

TEST_F(modem, hangup_before_the_result_urc)
{
	ASSERT_EQ(0, atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60));
	hangup_during(_metadata, &self->sim, NL, 1, "hold sub\n");
}

TEST_F(modem, hangup_inside_publish_data)
{
	ASSERT_EQ(0, atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60));
	sim_ctl(&self->sim, "pubcut\n");
	ASSERT_EQ(-ENODEV, atmqtt_publish(NL, H, 1, "atmqtt/fault/cut", 1, 0,
					  "x", 1, ATMQTT_PUB_DATASIZE, NULL));
	EXPECT_TRUE(gone(NL, self->sim.tty));
}

TEST_F(modem, hangup_inside_read_data)
{
	struct ev_want w = { .type = ATMQTT_EVT_MODEM };
	unsigned char pl[1024];
	char topic[96];

	memset(pl, '"', sizeof(pl));
	uniq(topic, sizeof(topic), "cut");
	w.modem = H;
	ASSERT_EQ(0, atmqtt_client_open(NL, H, 1, BROKER, PORT, 1, 60));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	sim_ctl(&self->sim, "readcut\n");
	mosq_pub_bin(topic, pl, sizeof(pl));
	EXPECT_TRUE(gone(NL, self->sim.tty));
	/* The modem's last event says it is dead. */
	while (ev_wait(self->ev, &w, 1000, NULL, NULL) &&
	       w.got.modem_state != ATMQTT_MODEM_DEAD)
		w.found = 0;
	EXPECT_EQ(ATMQTT_MODEM_DEAD, w.got.modem_state);
}

TEST_HARNESS_MAIN
