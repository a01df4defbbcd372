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
	err = open_broker(nl, h, 1);
	if (err)
		return 1000 - err;
	err = atmqtt_subscribe(nl, h, 1, topic, 1);
	if (err)
		return 2000 - err;
	/* Every byte value: by <Datasize>, the form returned. */
	err = publish(nl, h, 1, topic, 1, 0, pl, sizeof(pl), 0);
	if (err != ATMQTT_PUB_DATASIZE)
		return 3000 - err;
	if (!ev_wait(ev, &w, 5000, NULL, NULL))
		return 4000;
	err = atmqtt_unsubscribe(nl, h, 1, topic);
	if (err)
		return 5000 - err;
	err = atmqtt_client_close(nl, h, 1);
	return err ? 6000 - err : 0;
}

/* AT+MQTTUSER? entries, copied out of the callback (at most 4). */
struct users {
	int n;
	uint32_t client[4];
	char username[4][160];
	char password[4][160];
	char client_id[4][32];
};

static int users_cb(const struct atmqtt_user *u, void *arg)
{
	struct users *c = arg;

	if (c->n < 4) {
		c->client[c->n] = u->client;
		snprintf(c->username[c->n], 160, "%s", u->username ?: "");
		snprintf(c->password[c->n], 160, "%s",
			 u->password ?: "(none)");
		snprintf(c->client_id[c->n], 32, "%s",
			 u->client_id ?: "(none)");
	}
	c->n++;
	return 0;
}

/* Query forms: what the modem answers must come back whole. */
static int queries(struct atmqtt_nl *nl, uint32_t h)
{
	static const char pub[] = "+MQTTPUB: (1,2),255,(0-2),(0,1),1024";
	struct users u = {};
	uint32_t ids[4] = { 0 };
	char line[128];
	int err;

	err = atmqtt_user_set(nl, h, 2, "hostile", "pw", "cid-7");
	if (err)
		return 1000 - err;
	err = atmqtt_user_get(nl, h, users_cb, &u);
	if (err != 1 || u.n != 1 || u.client[0] != 2 ||
	    strcmp(u.username[0], "hostile") ||
	    strcmp(u.client_id[0], "cid-7"))
		return 2000 - (err < 0 ? err : 0);
	err = atmqtt_conf_get(nl, h);
	if (err != 1)
		return 3000 - (err < 0 ? err : 0);
	err = atmqtt_test(nl, h, ATMQTT_AT_PUB, line, sizeof(line));
	if (err != (int)strlen(pub) || strcmp(line, pub))
		return 4000 - (err < 0 ? err : 0);
	err = atmqtt_openable(nl, h, ids, 4);
	return err == 2 && ids[0] == 1 && ids[1] == 2 ?
	       0 : 5000 - (err < 0 ? err : 0);
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
			err = open_broker(NL, H, 1);
			break;
		case 1:
			err = atmqtt_subscribe(NL, H, 1, topic, 0);
			break;
		case 2:
			err = publish(NL, H, 1, topic, 0, 0, "\0\r\n\"", 4, 0);
			err = err == ATMQTT_PUB_DATASIZE ? 0 : err ?: -EBADE;
			break;
		case 3:
			err = atmqtt_conf_get(NL, H);
			err = err > 0 ? 0 : err;
			break;
		case 4:
			err = atmqtt_test(NL, H, ATMQTT_AT_USER, line,
					  sizeof(line));
			err = err > 0 ? 0 : err;
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
	ASSERT_EQ((int)limits_of(NL, H).clients,
		  atmqtt_client_list(NL, H, closed_cb, &open));
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
	ASSERT_EQ(0, open_broker(NL, H, 1));
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
	ASSERT_EQ(0, open_broker(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	sim_ctl(&self->sim, "lie msgi\n");
	tm[1] = "first";
	mosq_pub(tm);
	/* "+MQTTMSGI: 1,1,<tlen>,99999" is not believed: a malformed line,
	 * so the module reads until the modem has nothing, and finds it.
	 */
	ASSERT_TRUE(ev_wait(self->ev, &w1, 5000, NULL, NULL));
	EXPECT_LT(before.rx_malformed, info(NL, H).rx_malformed);
	tm[1] = "second";
	mosq_pub(tm);
	ASSERT_TRUE(ev_wait(self->ev, &w2, 5000, NULL, NULL));
	EXPECT_LT(w1.got.seq, w2.got.seq);
}

/* How many AT+MQTTREAD=1 the modem got so far. */
static int reads(struct sim *s)
{
	size_t len;
	char *log = sim_log(s, &len), *p = log;
	int n = 0;

	while ((p = memmem(p, len - (p - log), "AT+MQTTREAD=1\r", 14))) {
		n++;
		p += 14;
	}
	free(log);
	return n;
}

/*
 * One AT+MQTTREAD per announced message: a message alone is not followed
 * by a second read that finds nothing, and a burst costs one read each.
 */
TEST_F(modem, one_read_per_announced_message)
{
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	char topic[96], payload[32];
	const char *tm[2] = { topic, payload };
	int i, before;

	uniq(topic, sizeof(topic), "one");
	w.modem = H;
	w.topic = topic;
	ASSERT_EQ(0, open_broker(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	before = reads(&self->sim);
	for (i = 0; i < 7; i++) {
		snprintf(payload, sizeof(payload), "single %d", i);
		w.payload = payload;
		w.found = 0;
		ASSERT_TRUE(ev_wait(self->ev, &w, 5000, mosq_pub, tm));
		usleep(200000);
	}
	EXPECT_EQ(7, reads(&self->sim) - before);
	/* A burst: announcements come while reads are under way. */
	before = reads(&self->sim);
	for (i = 0; i < 20; i++) {
		snprintf(payload, sizeof(payload), "burst %02d", i);
		mosq_pub(tm);
	}
	w.payload = "burst 19";
	w.found = 0;
	ASSERT_TRUE(ev_wait(self->ev, &w, 10000, NULL, NULL));
	usleep(300000);
	EXPECT_EQ(20, reads(&self->sim) - before);
}

/*
 * A +MQTTMSGI lost on the wire: the next announced message's read brings
 * the older one, which is not what was announced, so the module drains
 * the client; both arrive, in order, and nothing stays unread.
 */
TEST_F(modem, announcement_lost_on_the_wire)
{
	struct ev_want wa = { .type = ATMQTT_EVT_MESSAGE, .payload = "a" };
	struct ev_want wb = { .type = ATMQTT_EVT_MESSAGE,
			      .payload = "bbbbbbbbbb" };
	const char *tm[2];
	char topic[96];
	int before;

	uniq(topic, sizeof(topic), "lost");
	tm[0] = topic;
	wa.modem = wb.modem = H;
	ASSERT_EQ(0, open_broker(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	before = reads(&self->sim);
	sim_ctl(&self->sim, "lie lost\n");
	tm[1] = "a";
	mosq_pub(tm);
	usleep(500000);
	/* Not announced: not read yet. */
	EXPECT_EQ(before, reads(&self->sim));
	tm[1] = "bbbbbbbbbb";
	mosq_pub(tm);
	ASSERT_TRUE(ev_wait(self->ev, &wa, 5000, NULL, NULL));
	ASSERT_TRUE(ev_wait(self->ev, &wb, 5000, NULL, NULL));
	EXPECT_LT(wa.got.seq, wb.got.seq);
	usleep(300000);
	/* a, b, then the read that finds nothing ends the drain. */
	EXPECT_EQ(3, reads(&self->sim) - before);
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
	ASSERT_EQ(0, open_broker(NL, H, 1));
	sim_ctl(&self->sim, "noprompt\n");
	t = now();
	err = publish(NL, H, 1, "atmqtt/fault/np", 1, 0, bin, sizeof(bin), 0);
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
		r->err = publish(nl, r->h, 1, "atmqtt/fault/hup", 1, 0, big,
				 sizeof(big), ATMQTT_PUB_DATASIZE);
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
	ASSERT_EQ(0, open_broker(NL, H, 1));
	hangup_during(_metadata, &self->sim, NL, 1, "hold sub\n");
}

TEST_F(modem, hangup_inside_publish_data)
{
	ASSERT_EQ(0, open_broker(NL, H, 1));
	sim_ctl(&self->sim, "pubcut\n");
	ASSERT_EQ(-ENODEV, publish(NL, H, 1, "atmqtt/fault/cut", 1, 0, "x", 1,
				   ATMQTT_PUB_DATASIZE));
	EXPECT_TRUE(gone(NL, self->sim.tty));
}

TEST_F(modem, hangup_inside_read_data)
{
	struct ev_want w = { .type = ATMQTT_EVT_MODEM };
	uint32_t state = ATMQTT_MODEM_INIT;
	unsigned char pl[1024];
	char topic[96];

	memset(pl, '"', sizeof(pl));
	uniq(topic, sizeof(topic), "cut");
	w.modem = H;
	ASSERT_EQ(0, open_broker(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	sim_ctl(&self->sim, "readcut\n");
	mosq_pub_bin(topic, pl, sizeof(pl));
	EXPECT_TRUE(gone(NL, self->sim.tty));
	/* The modem's last event says it is dead. */
	while (ev_wait(self->ev, &w, 1000, NULL, NULL)) {
		ASSERT_NE(NULL, w.got.modem_info);
		state = w.mi.state;
		if (state == ATMQTT_MODEM_DEAD)
			break;
		w.found = 0;
	}
	EXPECT_EQ((uint32_t)ATMQTT_MODEM_DEAD, state);
}

/* ---- the modem owns its exchange -------------------------------------------
 *
 * A requester that times out, is signalled or killed leaves at once; its
 * command's late '>', final result or result URC must never become another
 * command's bytes or results.  Each case is followed at once by SET_USER
 * with a password and by a <Datasize> publish: the password must reach
 * the modem as a command (the modem then reports it) and never be
 * published, and each publish must go out with its own data.
 */

#define SECRET "SECRETPW2"

/* 40 bytes that go by <Datasize> (a NUL, CR, LF and quote among them). */
static void blob(unsigned char *b, int tag)
{
	int i;

	for (i = 0; i < 40; i++)
		b[i] = (unsigned char)(tag + i * 7);
	b[3] = 0;
	b[9] = '\r';
	b[10] = '\n';
	b[20] = '"';
}

/* SET_USER with the secret, then a <Datasize> publish of blob(tag). */
static void secret_then_publish(struct __test_metadata *_metadata,
				struct atmqtt_nl *nl, uint32_t h,
				const char *topic, int tag)
{
	unsigned char b[40];

	blob(b, tag);
	EXPECT_EQ(0, atmqtt_user_set(nl, h, 1, "bob", SECRET, "dev1"))
		TH_LOG("%s", atmqtt_ext_error(nl) ?: "");
	EXPECT_EQ(ATMQTT_PUB_DATASIZE, publish(nl, h, 1, topic, 1, 0, b,
					       sizeof(b), 0))
		TH_LOG("%s", atmqtt_ext_error(nl) ?: "");
}

/*
 * What the modem published: exactly the payloads blob(tags[i]), never the
 * secret nor a command; and the secret was taken as SET_USER.
 */
static void exchange_clean(struct __test_metadata *_metadata,
			   struct atmqtt_nl *nl, struct sim *s, uint32_t h,
			   const int *tags, int n)
{
	struct users u = {};
	unsigned char b[40];
	int i, k;

	for (i = 0; i < n; i++) {
		blob(b, tags[i]);
		EXPECT_TRUE(sim_publog_has(s, b, sizeof(b)))
			TH_LOG("payload %d not published whole", tags[i]);
	}
	EXPECT_EQ(n, sim_publog_count(s));
	EXPECT_FALSE(sim_publog_has(s, SECRET, strlen(SECRET)));
	EXPECT_FALSE(sim_publog_has(s, "AT+", 3));
	EXPECT_FALSE(sim_publog_has(s, "T+MQTT", 6));
	k = atmqtt_user_get(nl, h, users_cb, &u);
	ASSERT_LE(1, k);
	ASSERT_EQ(k, u.n);
	for (i = 0; i < k && i < 4 && u.client[i] != 1; i++)
		;
	ASSERT_GT(k, i);
	ASSERT_GT(4, i);
	EXPECT_STREQ("bob", u.username[i]);
	EXPECT_STREQ(SECRET, u.password[i]);
	EXPECT_STREQ("dev1", u.client_id[i]);
}

TEST_F(modem, late_prompt_after_the_requester_timed_out)
{
	static const int tags[] = { 'a', 'b' };
	unsigned char a[40];
	char topic[96];
	double t;

	short_timeouts();
	uniq(topic, sizeof(topic), "late");
	blob(a, 'a');
	ASSERT_EQ(0, open_broker(NL, H, 1));
	sim_ctl(&self->sim, "slowprompt 1500\n");
	t = now();
	EXPECT_EQ(-ETIMEDOUT, publish(NL, H, 1, topic, 1, 0, a, sizeof(a), 0));
	/* Left at its timeout, before the '>'. */
	EXPECT_GT(1.45, now() - t);
	secret_then_publish(_metadata, NL, H, topic, 'b');
	exchange_clean(_metadata, NL, &self->sim, H, tags, 2);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * A publisher in a child, caught by a signal before the '>': SIGKILL, or
 * SIGUSR1 with a handler (its request then ends with -ECANCELED).
 */
static void late_prompt_after(struct __test_metadata *_metadata,
			      struct atmqtt_nl *nl, struct sim *s, uint32_t h,
			      int sig)
{
	static const int tags[] = { 'c', 'd' };
	struct sigaction sa = { .sa_handler = on_usr1 };
	char topic[96];
	int status;
	double t;
	pid_t pid;

	short_timeouts();
	uniq(topic, sizeof(topic), "sig");
	ASSERT_EQ(0, open_broker(nl, h, 1));
	sim_ctl(s, "slowprompt 1500\n");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct atmqtt_nl *cnl = atmqtt_nl_open();
		unsigned char c[40];
		int err;

		sigaction(SIGUSR1, &sa, NULL);
		blob(c, 'c');
		err = cnl ? publish(cnl, h, 1, topic, 1, 0, c, sizeof(c), 0) :
			    -ENOMEM;
		_exit(err == -ECANCELED ? 0 : 1);
	}
	usleep(400000);
	t = now();
	kill(pid, sig);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* Gone at once, the exchange still going. */
	EXPECT_GT(0.5, now() - t);
	if (sig == SIGKILL) {
		EXPECT_TRUE(WIFSIGNALED(status));
	} else {
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("no -ECANCELED");
	}
	secret_then_publish(_metadata, nl, h, topic, 'd');
	exchange_clean(_metadata, nl, s, h, tags, 2);
}

TEST_F(modem, late_prompt_after_sigkill)
{
	late_prompt_after(_metadata, NL, &self->sim, H, SIGKILL);
}

TEST_F(modem, late_prompt_after_a_signal)
{
	late_prompt_after(_metadata, NL, &self->sim, H, SIGUSR1);
}

TEST_F(modem, late_final_result_after_the_timeout)
{
	static const int tags[] = { 'e' };
	char topic[96];

	short_timeouts();
	uniq(topic, sizeof(topic), "final");
	ASSERT_EQ(0, open_broker(NL, H, 1));
	ASSERT_EQ(0, atmqtt_conf_set(NL, H, 0));
	sim_ctl(&self->sim, "slowfinal 1500\n");
	/* "+MQTTCONF: 0" and its OK come after the requester left. */
	EXPECT_EQ(-ETIMEDOUT, atmqtt_conf_get(NL, H));
	secret_then_publish(_metadata, NL, H, topic, 'e');
	/* Results did not shift: the next query gets its own answer. */
	ASSERT_EQ(0, atmqtt_conf_set(NL, H, 1));
	EXPECT_EQ(1, atmqtt_conf_get(NL, H));
	exchange_clean(_metadata, NL, &self->sim, H, tags, 1);
}

TEST_F(modem, late_result_urc_after_the_timeout)
{
	struct ev_want w = { .type = ATMQTT_EVT_RESULT, .urc = ATMQTT_URC_PUB };
	static const int tags[] = { 'g' };	/* status 0: f never went */
	unsigned char f[40];
	char topic[96];
	double t;

	short_timeouts();
	uniq(topic, sizeof(topic), "urc");
	blob(f, 'f');
	w.modem = H;
	ASSERT_EQ(0, open_broker(NL, H, 1));
	/* Its "+MQTTPUB: 1,0" comes URC_MS + 1 s after the OK; the next
	 * publish's "+MQTTPUB: 1,1" after it, in order.
	 */
	sim_ctl(&self->sim, "status0 pub\n");
	sim_ctl(&self->sim, "delay pub 4000\n");
	t = now();
	EXPECT_EQ(-ETIMEDOUT, publish(NL, H, 1, topic, 1, 0, f, sizeof(f), 0));
	EXPECT_GT(URC_MS / 1000.0 + 0.8, now() - t);
	EXPECT_NE(NULL, strstr(atmqtt_ext_error(NL) ?: "", "result URC"));
	/* Its status 0 is not taken for this publish's. */
	secret_then_publish(_metadata, NL, H, topic, 'g');
	/* It goes to the group instead. */
	ASSERT_TRUE(ev_wait(self->ev, &w, 3000, NULL, NULL));
	EXPECT_EQ(0u, w.got.status);
	EXPECT_EQ(1u, w.got.client);
	exchange_clean(_metadata, NL, &self->sim, H, tags, 1);
}

TEST_F(modem, silent_modem_is_resynchronised)
{
	struct atmqtt_modem_info before = info(NL, H);
	static const int tags[] = { 'h', 'i' };
	unsigned char h[40];
	char topic[96];

	short_timeouts();
	uniq(topic, sizeof(topic), "silent");
	blob(h, 'h');
	ASSERT_EQ(0, open_broker(NL, H, 1));
	/* A command the modem never answers. */
	sim_ctl(&self->sim, "nofinal\n");
	EXPECT_EQ(-ETIMEDOUT, atmqtt_conf_get(NL, H));
	secret_then_publish(_metadata, NL, H, topic, 'h');
	EXPECT_EQ(before.resyncs + 1, info(NL, H).resyncs);
	/* A <Datasize> publish the modem lost whole: its data never goes. */
	sim_ctl(&self->sim, "noprompt\n");
	blob(h, 'x');
	EXPECT_EQ(-ETIMEDOUT, publish(NL, H, 1, topic, 1, 0, h, sizeof(h), 0));
	secret_then_publish(_metadata, NL, H, topic, 'i');
	EXPECT_EQ(before.resyncs + 2, info(NL, H).resyncs);
	exchange_clean(_metadata, NL, &self->sim, H, tags, 2);
	blob(h, 'x');
	EXPECT_FALSE(sim_log_has(&self->sim, h, sizeof(h)));
}

/*
 * Lines that answer a query and may hold a secret reach no listener when
 * no request claims them: unasked, or after their requester left.
 */
TEST_F(modem, unclaimed_secret_lines_reach_nobody)
{
	struct atmqtt_modem_info before = info(NL, H);
	struct ev_want w = { .type = ATMQTT_EVT_URC, .line = "+MQTTUSER" };
	struct ev_want any = { .type = ATMQTT_EVT_URC, .line = "+CREG" };
	struct users u = {};

	short_timeouts();
	w.modem = H;
	any.modem = H;
	sim_ctl(&self->sim, "urc +MQTTUSER: 1,\"eve\",\"LEAKPW1\"\n");
	/* A URC the module does not know still goes to the group. */
	sim_ctl(&self->sim, "urc +CREG: 1\n");
	ASSERT_TRUE(ev_wait(self->ev, &any, 2000, NULL, NULL));
	EXPECT_FALSE(ev_wait(self->ev, &w, 500, NULL, NULL));
	EXPECT_LT(before.rx_stray, info(NL, H).rx_stray);

	/* A GET_USER whose answer comes after its requester left. */
	ASSERT_EQ(0, atmqtt_user_set(NL, H, 1, "eve", "LEAKPW2", NULL));
	before = info(NL, H);
	sim_ctl(&self->sim, "slowfinal 1500\n");
	EXPECT_EQ(-ETIMEDOUT, atmqtt_user_get(NL, H, users_cb, &u));
	EXPECT_EQ(0, u.n);
	EXPECT_FALSE(ev_wait(self->ev, &w, 2000, NULL, NULL));
	EXPECT_LT(before.rx_stray, info(NL, H).rx_stray);
	EXPECT_NE(0, system("dmesg | grep -q LEAKPW"));
}

/* ---- the reconnect policy stops ------------------------------------------ */

static int client_state_cb(const struct atmqtt_client_info *c, void *arg)
{
	if (c->client == 1)
		*(int *)arg = (int)c->state;
	return 0;
}

static int client_state(struct atmqtt_nl *nl, uint32_t h)
{
	int state = -1;

	atmqtt_client_list(nl, h, client_state_cb, &state);
	return state;
}

TEST_F(modem, close_stops_a_reconnect_in_flight)
{
	struct ev_want w = { .type = ATMQTT_EVT_RECONNECT,
			     .step = ATMQTT_STEP_OPEN };
	double t;

	short_timeouts();
	set_param("urc_timeout_ms", "20000");
	w.modem = H;
	ASSERT_EQ(0, atmqtt_client_policy(NL, H, 1, 1, 100, 100));
	ASSERT_EQ(0, open_broker(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, "atmqtt/fault/rc/#", 0));
	/* The reconnect's OPEN gets its OK and never its URC. */
	sim_ctl(&self->sim, "hold open\n");
	sim_ctl(&self->sim, "break 1 1\n");
	usleep(700000);
	EXPECT_EQ(ATMQTT_CLIENT_RECONNECTING, client_state(NL, H));
	t = now();
	atmqtt_client_close(NL, H, 1);
	t = now() - t;
	TH_LOG("CLOSE returned after %.3f s, the reconnect in its OPEN", t);
	EXPECT_GT(1.0, t);
	EXPECT_EQ(ATMQTT_CLIENT_CLOSED, client_state(NL, H));
	/* A break of a closed client reopens nothing. */
	sim_ctl(&self->sim, "urc +MQTTBREAK: 1,1\n");
	EXPECT_FALSE(ev_wait(self->ev, &w, 1000, NULL, NULL));
	EXPECT_EQ(ATMQTT_CLIENT_CLOSED, client_state(NL, H));
}

TEST_F(modem, policy_off_stops_a_reconnect_in_flight)
{
	double t;

	short_timeouts();
	set_param("urc_timeout_ms", "20000");
	ASSERT_EQ(0, atmqtt_client_policy(NL, H, 1, 1, 100, 100));
	ASSERT_EQ(0, open_broker(NL, H, 1));
	sim_ctl(&self->sim, "hold open\n");
	sim_ctl(&self->sim, "break 1 1\n");
	usleep(700000);
	t = now();
	EXPECT_EQ(0, atmqtt_client_policy(NL, H, 1, 0, 0, 0));
	t = now() - t;
	TH_LOG("policy off returned after %.3f s", t);
	EXPECT_GT(1.0, t);
	EXPECT_EQ(ATMQTT_CLIENT_CLOSED, client_state(NL, H));
}

TEST_HARNESS_MAIN
