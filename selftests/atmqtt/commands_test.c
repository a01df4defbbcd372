// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests of every command and form of the Fibocom MQTT manual, through
 * the kernel against atmqtt-sim and mosquitto: set, query and test forms,
 * the modem's error codes, binary payloads both ways, +MQTTBREAK causes,
 * raw AT, tracking, the reconnect policy, two modems and the drop counter.
 */
#include "harness.h"

#define H (self->sim.handle)
#define NL (self->nl)

static void uniq(char *buf, size_t size, const char *what)
{
	static int n;

	snprintf(buf, size, "atmqtt/cmd/%d/%s/%d", getpid(), what, ++n);
}

static int open1(struct atmqtt_nl *nl, uint32_t h, uint32_t client)
{
	return open_broker(nl, h, client);
}

/* ---- +MQTTUSER ---------------------------------------------------------- */

/* AT+MQTTUSER? entries, copied out of the callbacks. */
struct users_ctx {
	int n;
	struct {
		uint32_t client;
		char username[160];
		char password[160];
		char client_id[32];
		int has_password, has_client_id;
	} u[4];
};

static int users_cb(const struct atmqtt_user *u, void *arg)
{
	struct users_ctx *c = arg;

	if (c->n < 4) {
		c->u[c->n].client = u->client;
		snprintf(c->u[c->n].username, 160, "%s", u->username ?: "");
		c->u[c->n].has_password = u->password != NULL;
		snprintf(c->u[c->n].password, 160, "%s", u->password ?: "");
		c->u[c->n].has_client_id = u->client_id != NULL;
		snprintf(c->u[c->n].client_id, 32, "%s", u->client_id ?: "");
	}
	c->n++;
	return 0;
}

TEST_F(modem, user_set_query)
{
	struct users_ctx u = {};
	int n, status;
	pid_t pid;

	ASSERT_EQ(0, atmqtt_user_set(NL, H, 1, "alice", "s3cret,\'x", "dev-1"));
	ASSERT_EQ(0, atmqtt_user_set(NL, H, 2, "bob", "", NULL));
	n = atmqtt_user_get(NL, H, users_cb, &u);
	ASSERT_EQ(2, n);
	ASSERT_EQ(2, u.n);
	EXPECT_EQ(1u, u.u[0].client);
	EXPECT_STREQ("alice", u.u[0].username);
	EXPECT_TRUE(u.u[0].has_password);
	EXPECT_STREQ("s3cret,'x", u.u[0].password);
	EXPECT_TRUE(u.u[0].has_client_id);
	EXPECT_STREQ("dev-1", u.u[0].client_id);
	EXPECT_EQ(2u, u.u[1].client);
	EXPECT_STREQ("bob", u.u[1].username);
	EXPECT_TRUE(u.u[1].has_password);
	EXPECT_STREQ("", u.u[1].password);
	EXPECT_FALSE(u.u[1].has_client_id);
	/* The count without a callback. */
	EXPECT_EQ(2, atmqtt_user_get(NL, H, NULL, NULL));

	/* Without CAP_NET_ADMIN: no query reaches the modem. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct atmqtt_nl *nl = atmqtt_nl_open();
		struct users_ctx v = {};

		if (!nl || drop_net_admin())
			_exit(1);
		_exit(atmqtt_user_get(nl, H, users_cb, &v) != -EPERM || v.n ?
		      2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* The password never reaches the kernel log. */
	EXPECT_NE(0, system("dmesg | grep -q s3cret"));
}

TEST_F(modem, user_credentials_reach_the_broker)
{
	/* mosquitto in the VM allows anonymous clients and does not check
	 * passwords; what it sees is the client id: a duplicate client id
	 * kicks the first connection off, which the modem reports as a
	 * +MQTTBREAK of client 1.
	 */
	struct ev_want w = { .type = ATMQTT_EVT_BREAK };
	char id[24];

	w.modem = H;
	snprintf(id, sizeof(id), "atmqtt-%d", getpid());
	ASSERT_EQ(0, atmqtt_user_set(NL, H, 1, "u", "p", id));
	ASSERT_EQ(0, atmqtt_user_set(NL, H, 2, "u", "p", id));
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, open1(NL, H, 2));
	ASSERT_TRUE(ev_wait(self->ev, &w, 5000, NULL, NULL));
	EXPECT_EQ(1u, w.got.client);
	EXPECT_EQ(1u, w.got.cause);
}

/* ---- +MQTTOPEN / +MQTTCLOSE query forms ---------------------------------- */

/*
 * The ids a list call stored, as "1,2" ("" for none); a sentinel past
 * them must be intact.  n: the room given.
 */
static int ids_of(int (*list)(struct atmqtt_nl *, uint32_t, uint32_t *,
			      size_t),
		  struct atmqtt_nl *nl, uint32_t h, size_t n, char *out,
		  size_t size)
{
	uint32_t ids[8];
	size_t i, len = 0;
	int cnt;

	for (i = 0; i < 8; i++)
		ids[i] = 0xdead;
	*out = '\0';
	cnt = list(nl, h, ids, n);
	for (i = 0; cnt > 0 && i < (size_t)cnt && i < n; i++)
		len += snprintf(out + len, size - len, "%s%u", i ? "," : "",
				ids[i]);
	for (i = cnt <= 0 ? 0 : (size_t)cnt < n ? (size_t)cnt : n; i < 8; i++)
		if (ids[i] != 0xdead)
			return -1000;	/* stored past what it said */
	return cnt;
}

TEST_F(modem, open_close_queries)
{
	char ids[64];

	EXPECT_EQ(2, ids_of(atmqtt_openable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("1,2", ids);
	EXPECT_EQ(0, ids_of(atmqtt_closable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("", ids);
	ASSERT_EQ(0, open1(NL, H, 1));
	EXPECT_EQ(1, ids_of(atmqtt_openable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("2", ids);
	EXPECT_EQ(1, ids_of(atmqtt_closable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("1", ids);
	ASSERT_EQ(0, open1(NL, H, 2));
	/* "+MQTTOPEN: 0": no CLIENT_ID at all. */
	EXPECT_EQ(0, ids_of(atmqtt_openable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("", ids);
	EXPECT_EQ(2, ids_of(atmqtt_closable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("1,2", ids);
	/* Room for one: the count is still the modem's, one id stored. */
	EXPECT_EQ(2, ids_of(atmqtt_closable, NL, H, 1, ids, sizeof(ids)));
	EXPECT_STREQ("1", ids);
	EXPECT_EQ(2, ids_of(atmqtt_closable, NL, H, 0, ids, sizeof(ids)));
	EXPECT_STREQ("", ids);
	ASSERT_EQ(0, atmqtt_client_close(NL, H, 1));
	EXPECT_EQ(1, ids_of(atmqtt_openable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("1", ids);
	EXPECT_EQ(1, ids_of(atmqtt_closable, NL, H, 4, ids, sizeof(ids)));
	EXPECT_STREQ("2", ids);
}

/* ---- test forms ---------------------------------------------------------- */

TEST_F(modem, test_forms)
{
	static const struct {
		int at;
		const char *want;
	} t[] = {
		{ ATMQTT_AT_USER, "+MQTTUSER: (1,2),128,128,23" },
		{ ATMQTT_AT_OPEN, "+MPQTTOPEN: (1,2)," },
		{ ATMQTT_AT_CLOSE, "+MQTTCLOSE: (1,2)" },
		{ ATMQTT_AT_SUB, "+MQTTSUB: (1,2),255,(0-2)" },
		{ ATMQTT_AT_UNSUB, "+MQTTUNSUB: (1,2),255" },
		{ ATMQTT_AT_PUB, "+MQTTPUB: (1,2),255,(0-2),(0,1),1024" },
		{ ATMQTT_AT_CONF, "+MQTTCONF: (0,1)" },
		{ ATMQTT_AT_READ, "+MQTTREAD: (1,2)" },
		{ ATMQTT_AT_WILL, "+MQTTWILL: (1,2),255,(0-2),(0,1),1024" },
	};
	char line[256], small[8];
	size_t i;
	int n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = atmqtt_test(NL, H, t[i].at, line, sizeof(line));
		/* The line's length, as snprintf() returns it. */
		ASSERT_EQ((int)strlen(line), n);
		EXPECT_EQ(0, strncmp(line, t[i].want, strlen(t[i].want)));
		TH_LOG("AT+MQTT%s=? -> %s", atmqtt_at_name(t[i].at), line);
	}
	/* Cut to fit, NUL-terminated; the whole length returned. */
	n = atmqtt_test(NL, H, ATMQTT_AT_PUB, small, sizeof(small));
	EXPECT_EQ((int)strlen("+MQTTPUB: (1,2),255,(0-2),(0,1),1024"), n);
	EXPECT_STREQ("+MQTTPU", small);
}

/* ---- errors -------------------------------------------------------------- */

TEST_F(modem, mqtt_error_codes)
{
	static const struct {
		int code;
		int err;
		const char *text;
	} t[] = {
		{ 700, -ECONNREFUSED, "Unacceptable protocol version" },
		{ 701, -ECONNREFUSED, "Identifier rejected" },
		{ 702, -ECONNREFUSED, "Server unavailable" },
		{ 703, -ECONNREFUSED, "Bad user name or password" },
		{ 704, -ECONNREFUSED, "Not authorized" },
	};
	char cmd[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(cmd, sizeof(cmd), "error %d\n", t[i].code);
		sim_ctl(&self->sim, cmd);
		EXPECT_EQ(t[i].err, open1(NL, H, 1));
		/* ATMQTT_A_ERROR: the exact code, its kind. */
		EXPECT_EQ((uint32_t)t[i].code, atmqtt_modem_error(NL));
		EXPECT_EQ(ATMQTT_ERROR_MQTT, atmqtt_modem_error_kind(NL));
		TH_LOG("%d (%s): %s (the manual: %s)", t[i].code,
		       atmqtt_error_kind_name(atmqtt_modem_error_kind(NL)),
		       atmqtt_ext_error(NL), t[i].text);
	}
	/* The next request carries no stale code. */
	EXPECT_EQ(0, open1(NL, H, 1));
	EXPECT_EQ(0u, atmqtt_modem_error(NL));
	EXPECT_EQ(0, atmqtt_modem_error_kind(NL));
}

TEST_F(modem, other_errors_are_distinct)
{
	char topic[128];

	uniq(topic, sizeof(topic), "err");
	sim_ctl(&self->sim, "cme 10\n");
	EXPECT_EQ(-EREMOTEIO, open1(NL, H, 1));
	EXPECT_EQ(10u, atmqtt_modem_error(NL));
	EXPECT_EQ(ATMQTT_ERROR_CME, atmqtt_modem_error_kind(NL));

	/* "+CME ERROR: <n>" answers a query as well. */
	sim_ctl(&self->sim, "cme 3\n");
	EXPECT_EQ(-EREMOTEIO, atmqtt_conf_get(NL, H));
	EXPECT_EQ(3u, atmqtt_modem_error(NL));
	EXPECT_EQ(ATMQTT_ERROR_CME, atmqtt_modem_error_kind(NL));

	sim_ctl(&self->sim, "error 42\n");
	EXPECT_EQ(-EREMOTEIO, open1(NL, H, 1));
	EXPECT_EQ(42u, atmqtt_modem_error(NL));
	EXPECT_EQ(ATMQTT_ERROR_MQTT, atmqtt_modem_error_kind(NL));

	/* Plain ERROR: the client is not open; no code, no kind. */
	EXPECT_EQ(-EIO, atmqtt_subscribe(NL, H, 2, topic, 0));
	EXPECT_EQ(0u, atmqtt_modem_error(NL));
	EXPECT_EQ(0, atmqtt_modem_error_kind(NL));

	ASSERT_EQ(0, open1(NL, H, 1));
	EXPECT_EQ(0u, atmqtt_modem_error(NL));
	EXPECT_EQ(0, atmqtt_modem_error_kind(NL));
	sim_ctl(&self->sim, "status0 sub\n");
	EXPECT_EQ(-ECOMM, atmqtt_subscribe(NL, H, 1, topic, 0));
	sim_ctl(&self->sim, "status0 pub\n");
	EXPECT_EQ(-ECOMM, publish(NL, H, 1, topic, 0, 0, "x", 1, 0));
	sim_ctl(&self->sim, "status0 unsub\n");
	EXPECT_EQ(-ECOMM, atmqtt_unsubscribe(NL, H, 1, topic));
	sim_ctl(&self->sim, "status0 close\n");
	EXPECT_EQ(-ECOMM, atmqtt_client_close(NL, H, 1));
	TH_LOG("status 0: %s", atmqtt_ext_error(NL));

	/* A result URC that never comes. */
	set_param("urc_timeout_ms", "500");
	sim_ctl(&self->sim, "status0 open\n");
	EXPECT_EQ(-ECOMM, open1(NL, H, 2));
}

TEST_F(modem, result_urc_timeout)
{
	double t;

	set_param("urc_timeout_ms", "500");
	/* Port 9 of a blackholed address: the TCP connect hangs, so the
	 * modem never sends +MQTTOPEN.
	 */
	sim_ctl(&self->sim, "hold open\n");
	t = now();
	EXPECT_EQ(-ETIMEDOUT, open1(NL, H, 1));
	t = now() - t;
	EXPECT_NE(NULL, strstr(atmqtt_ext_error(NL), "urc_timeout_ms"));
	/* From the OK, though its requester sleeps past it to the URC: not
	 * at cmd_timeout_ms (5 s).
	 */
	EXPECT_GT(2.0, t);
	EXPECT_LT(0.4, t);
}

/* ---- subscribe, unsubscribe, tracking ----------------------------------- */

struct subs_ctx {
	int n;
	char topic[4][256];
	int qos[4];
};

static int subs_cb(const struct atmqtt_sub_info *s, void *arg)
{
	struct subs_ctx *c = arg;

	if (c->n < 4) {
		snprintf(c->topic[c->n], 256, "%s", s->topic);
		c->qos[c->n] = s->qos;
	}
	c->n++;
	return 0;
}

struct clients_ctx {
	struct atmqtt_client_info c[2];
	char host[2][256];
	int n;
};

static int clients_cb(const struct atmqtt_client_info *c, void *arg)
{
	struct clients_ctx *x = arg;

	if (x->n < 2) {
		LIB_COPY(&x->c[x->n], c);
		snprintf(x->host[x->n], 256, "%s", c->host ?: "");
		x->c[x->n].host = c->host ? x->host[x->n] : NULL;
	}
	x->n++;
	return 0;
}

TEST_F(modem, subscriptions_tracked)
{
	struct clients_ctx cl = {};
	struct subs_ctx s = {};
	char a[128], b[128];

	uniq(a, sizeof(a), "a");
	uniq(b, sizeof(b), "b");
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, a, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, b, 2));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, a, 0));	/* updates */
	/* The count is the number reported. */
	ASSERT_EQ(2, atmqtt_sub_list(NL, H, subs_cb, &s));
	ASSERT_EQ(2, s.n);
	EXPECT_STREQ(a, s.topic[0]);
	EXPECT_EQ(0, s.qos[0]);
	EXPECT_STREQ(b, s.topic[1]);
	EXPECT_EQ(2, s.qos[1]);

	ASSERT_EQ(0, atmqtt_unsubscribe(NL, H, 1, a));
	memset(&s, 0, sizeof(s));
	atmqtt_sub_list(NL, H, subs_cb, &s);
	ASSERT_EQ(1, s.n);
	EXPECT_STREQ(b, s.topic[0]);

	/* One per client of the modem: its limit. */
	ASSERT_EQ((int)limits_of(NL, H).clients,
		  atmqtt_client_list(NL, H, clients_cb, &cl));
	ASSERT_EQ(2, cl.n);
	EXPECT_EQ(1u, cl.c[0].client);
	EXPECT_EQ((uint32_t)ATMQTT_CLIENT_OPEN, cl.c[0].state);
	EXPECT_EQ(1u, cl.c[0].sub_count);
	EXPECT_TRUE(cl.c[0].has_params);
	EXPECT_STREQ(BROKER, cl.c[0].host);
	EXPECT_EQ((uint32_t)PORT, cl.c[0].port);
	EXPECT_EQ(1u, cl.c[0].clean);
	EXPECT_EQ(60u, cl.c[0].keepalive);
	EXPECT_EQ(2u, cl.c[1].client);
	EXPECT_EQ((uint32_t)ATMQTT_CLIENT_CLOSED, cl.c[1].state);

	ASSERT_EQ(0, atmqtt_client_close(NL, H, 1));
	memset(&s, 0, sizeof(s));
	EXPECT_EQ(0, atmqtt_sub_list(NL, H, subs_cb, &s));
	EXPECT_EQ(0, s.n);
}

/*
 * A client tracks as many topics as the modem's limit says: the next one
 * is refused with -ENOSPC before it reaches the modem; re-subscribing a
 * tracked topic (a QoS update) still goes.
 */
TEST_F(modem, subscriptions_up_to_the_modem_limit)
{
	struct atmqtt_limits l = limits_of(NL, H);
	char topic[128], first[128];
	uint32_t i;

	ASSERT_LT(0u, l.subs);
	ASSERT_EQ(0, open1(NL, H, 1));
	for (i = 0; i < l.subs; i++) {
		uniq(topic, sizeof(topic), "many");
		if (!i)
			snprintf(first, sizeof(first), "%s", topic);
		ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 0))
			TH_LOG("topic %u: %s", i, atmqtt_ext_error(NL));
	}
	EXPECT_EQ((int)l.subs, atmqtt_sub_list(NL, H, NULL, NULL));
	uniq(topic, sizeof(topic), "one-too-many");
	EXPECT_EQ(-ENOSPC, atmqtt_subscribe(NL, H, 1, topic, 0));
	EXPECT_FALSE(sim_log_has(&self->sim, topic, strlen(topic)));
	EXPECT_EQ(0, atmqtt_subscribe(NL, H, 1, first, 1));
	EXPECT_EQ((int)l.subs, atmqtt_sub_list(NL, H, NULL, NULL));
	ASSERT_EQ(0, atmqtt_client_close(NL, H, 1));
	EXPECT_EQ(0, atmqtt_sub_list(NL, H, NULL, NULL));
}

/* ---- publish: quoted and <Datasize> ------------------------------------- */

TEST_F(modem, publish_binary_all_bytes)
{
	unsigned char data[1024];
	struct mosq_sub ms;
	char topic[128];
	int i;

	for (i = 0; i < 1024; i++)
		data[i] = i % 256;
	uniq(topic, sizeof(topic), "bin");
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, mosq_sub_start(&ms, topic));
	usleep(500000);
	/* Retained: a subscriber that is slow to subscribe (a loaded host,
	 * the debug kernel) still gets it.
	 */
	/* Not printable: by <Datasize>, the form returned. */
	ASSERT_EQ(ATMQTT_PUB_DATASIZE, publish(NL, H, 1, topic, 1, 1, data,
					       1024, 0));
	pthread_join(ms.th, NULL);
	ASSERT_EQ(1024u, ms.len);
	EXPECT_EQ(0, memcmp(ms.buf, data, 1024));
	/* Sent by <Datasize>: the command line carries the size, and the
	 * quoted form never carried a byte of it.
	 */
	EXPECT_TRUE(sim_log_has(&self->sim, ",1,1,1024\r", 10));
	/* An empty retained message clears it. */
	ASSERT_EQ(0, publish(NL, H, 1, topic, 0, 1, "", 0, 0));
}

TEST_F(modem, publish_forms)
{
	struct mosq_sub ms;
	char topic[128], line[256];

	uniq(topic, sizeof(topic), "forms");
	ASSERT_EQ(0, open1(NL, H, 1));

	/* Printable: quoted (0 returned). */
	ASSERT_EQ(0, publish(NL, H, 1, topic, 0, 0, "plain, text", 11, 0));
	/* Each form's whole command line, as the manual spells it. */
	snprintf(line, sizeof(line), "AT+MQTTPUB=1,\"%s\",0,0,\"plain, text\"\r",
		 topic);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	/* Printable but asked raw. */
	ASSERT_EQ(ATMQTT_PUB_DATASIZE, publish(NL, H, 1, topic, 0, 0, "raw", 3,
					       ATMQTT_PUB_DATASIZE));
	snprintf(line, sizeof(line), "AT+MQTTPUB=1,\"%s\",0,0,3\r", topic);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	/* A quote, CR/LF: raw on their own, one byte and 1024 bytes. */
	ASSERT_EQ(0, mosq_sub_start(&ms, topic));
	usleep(500000);
	ASSERT_EQ(ATMQTT_PUB_DATASIZE, publish(NL, H, 1, topic, 2, 1, "\"", 1,
					       0));
	snprintf(line, sizeof(line), "AT+MQTTPUB=1,\"%s\",2,1,1\r", topic);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	pthread_join(ms.th, NULL);
	ASSERT_EQ(1u, ms.len);
	EXPECT_EQ('"', ms.buf[0]);
	/* Empty payload: quoted (Datasize is 1-1024), even when asked raw;
	 * retained empty message clears the retained one.
	 */
	ASSERT_EQ(0, publish(NL, H, 1, topic, 0, 1, "", 0,
			     ATMQTT_PUB_DATASIZE));
	snprintf(line, sizeof(line), "AT+MQTTPUB=1,\"%s\",0,1,\"\"\r", topic);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	/* No options: QoS 0, not retained, the form the payload needs. */
	ASSERT_EQ(0, atmqtt_publish(NL, H, 1, topic, "defaults", 8, NULL));
	snprintf(line, sizeof(line), "AT+MQTTPUB=1,\"%s\",0,0,\"defaults\"\r",
		 topic);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
	ASSERT_EQ(ATMQTT_PUB_DATASIZE, atmqtt_publish(NL, H, 1, topic, "a\rb",
						      3, NULL));
	snprintf(line, sizeof(line), "AT+MQTTPUB=1,\"%s\",0,0,3\r", topic);
	EXPECT_TRUE(sim_log_has(&self->sim, line, strlen(line)));
}

/* ---- receiving: mode 1 (default) and mode 0 ----------------------------- */

TEST_F(modem, receive_binary_mode1)
{
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	unsigned char data[1024];
	char topic[128];
	int i;

	for (i = 0; i < 1024; i++)
		data[i] = 255 - i % 256;
	uniq(topic, sizeof(topic), "rxbin");
	EXPECT_EQ(1, atmqtt_conf_get(NL, H));
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	w.modem = H;
	w.topic = topic;
	mosq_pub_bin(topic, data, sizeof(data));
	ASSERT_TRUE(ev_wait(self->ev, &w, 10000, NULL, NULL));
	ASSERT_EQ(1024u, w.got.payload_len);
	EXPECT_EQ(0, memcmp(w.got.payload, data, 1024));
	EXPECT_EQ(1u, w.got.client);
	EXPECT_EQ(1u, w.got.qos);
	EXPECT_LT(0u, w.got.seq);
	EXPECT_FALSE(w.got.truncated);
	/* It came by +MQTTMSGI and the module's own AT+MQTTREAD. */
	EXPECT_TRUE(sim_log_has(&self->sim, "AT+MQTTREAD=1\r", 14));
}

TEST_F(modem, receive_mode0_commas_and_quotes)
{
	static const char payload[] = "a,\"b\",c \"quoted\", end";
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	char topic[128];
	const char *tm[2] = { topic, payload };

	uniq(topic, sizeof(topic), "mode0");
	ASSERT_EQ(0, atmqtt_conf_set(NL, H, 0));
	EXPECT_EQ(0, atmqtt_conf_get(NL, H));
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 0));
	w.modem = H;
	w.topic = topic;
	w.payload = payload;
	ASSERT_TRUE(ev_wait(self->ev, &w, 10000, mosq_pub, tm));
	ASSERT_EQ(0, atmqtt_conf_set(NL, H, 1));
	EXPECT_EQ(1, atmqtt_conf_get(NL, H));
}

TEST_F(modem, read_op)
{
	struct atmqtt_message *msg = (struct atmqtt_message *)&msg;

	/* The module reads by itself after +MQTTMSGI: nothing is left. */
	EXPECT_EQ(0, atmqtt_read(NL, H, 1, &msg));
	EXPECT_EQ(NULL, msg);
	msg = (struct atmqtt_message *)&msg;
	EXPECT_EQ(0, atmqtt_read(NL, H, 2, &msg));
	EXPECT_EQ(NULL, msg);
	EXPECT_TRUE(sim_log_has(&self->sim, "AT+MQTTREAD=2\r", 14));
}

/*
 * A message the modem holds unannounced (its +MQTTMSGI lost on the wire):
 * READ brings it, allocated by the library, whole; the same message goes
 * to the group with the same SEQ; then the modem has none.
 */
TEST_F(modem, read_op_brings_a_message)
{
	static const char payload[] = "read \"me\", whole";
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	struct atmqtt_message *msg = NULL;
	const char *tm[2];
	char topic[128];
	int r = 0, i;

	uniq(topic, sizeof(topic), "read");
	tm[0] = topic;
	tm[1] = payload;
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	sim_ctl(&self->sim, "lie lost\n");
	mosq_pub(tm);
	for (i = 0; i < 50 && r == 0; i++) {
		r = atmqtt_read(NL, H, 1, &msg);
		if (r == 0) {
			EXPECT_EQ(NULL, msg);
			usleep(100000);
		}
	}
	ASSERT_EQ(1, r) TH_LOG("%s", atmqtt_ext_error(NL));
	ASSERT_NE(NULL, msg);
	EXPECT_LE(sizeof(*msg), msg->size);
	EXPECT_EQ(H, msg->modem);
	EXPECT_EQ(1u, msg->client);
	EXPECT_EQ(0u, msg->qos);	/* mosquitto_pub publishes at QoS 0 */
	EXPECT_LT(0u, msg->seq);
	EXPECT_FALSE(msg->truncated);
	ASSERT_NE(NULL, msg->topic);
	EXPECT_STREQ(topic, msg->topic);
	ASSERT_EQ(strlen(payload), msg->payload_len);
	EXPECT_EQ(0, memcmp(msg->payload, payload, msg->payload_len));
	/* Multicast too, with the same sequence number. */
	w.modem = H;
	w.topic = topic;
	w.payload = payload;
	ASSERT_TRUE(ev_wait(self->ev, &w, 3000, NULL, NULL));
	EXPECT_EQ(msg->seq, w.got.seq);
	atmqtt_message_free(msg);
	msg = NULL;
	EXPECT_EQ(0, atmqtt_read(NL, H, 1, &msg));
	EXPECT_EQ(NULL, msg);
}

/* ---- +MQTTWILL ----------------------------------------------------------- */

struct wills_ctx {
	int n;
	uint32_t client, qos, retain;
	char topic[256];
	char payload[1100];
	int has_payload;
};

static int wills_cb(const struct atmqtt_will *w, void *arg)
{
	struct wills_ctx *c = arg;

	if (!c->n++) {
		c->client = w->client;
		c->qos = w->qos;
		c->retain = w->retain;
		snprintf(c->topic, sizeof(c->topic), "%s", w->topic ?: "");
		c->has_payload = w->payload != NULL;
		snprintf(c->payload, sizeof(c->payload), "%s",
			 w->payload ?: "");
	}
	return 0;
}

TEST_F(modem, will_set_query)
{
	struct wills_ctx wl = {};
	int status;
	pid_t pid;

	ASSERT_EQ(0, atmqtt_will_set(NL, H, 1, "will/topic", 1, 1,
				     "Tell you, I'm dead."));
	ASSERT_EQ(1, atmqtt_will_get(NL, H, wills_cb, &wl));
	ASSERT_EQ(1, wl.n);
	EXPECT_EQ(1u, wl.client);
	EXPECT_STREQ("will/topic", wl.topic);
	EXPECT_EQ(1u, wl.qos);
	EXPECT_EQ(1u, wl.retain);
	EXPECT_TRUE(wl.has_payload);
	EXPECT_STREQ("Tell you, I'm dead.", wl.payload);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct atmqtt_nl *nl = atmqtt_nl_open();
		struct wills_ctx v = {};

		if (!nl || drop_net_admin())
			_exit(1);
		_exit(atmqtt_will_get(nl, H, wills_cb, &v) != -EPERM || v.n ?
		      2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_NE(0, system("dmesg | grep -q \"I'm dead\""));
}

/* ---- +MQTTBREAK ---------------------------------------------------------- */

TEST_F(modem, break_causes)
{
	struct clients_ctx cl;
	char cmd[32];
	int cause;

	for (cause = 1; cause <= 3; cause++) {
		struct ev_want w = { .type = ATMQTT_EVT_BREAK };

		w.modem = H;
		ASSERT_EQ(0, open1(NL, H, 2));
		snprintf(cmd, sizeof(cmd), "break 2 %d\n", cause);
		sim_ctl(&self->sim, cmd);
		ASSERT_TRUE(ev_wait(self->ev, &w, 5000, NULL, NULL));
		EXPECT_EQ(2u, w.got.client);
		EXPECT_EQ((uint32_t)cause, w.got.cause);
		memset(&cl, 0, sizeof(cl));
		atmqtt_client_list(NL, H, clients_cb, &cl);
		EXPECT_EQ((uint32_t)ATMQTT_CLIENT_CLOSED, cl.c[1].state);
	}
}

TEST_F(modem, reconnect_and_resubscribe)
{
	struct ev_want brk = { .type = ATMQTT_EVT_BREAK };
	struct ev_want sub = { .type = ATMQTT_EVT_RECONNECT,
			       .step = ATMQTT_STEP_SUB };
	struct ev_want done = { .type = ATMQTT_EVT_RECONNECT,
				.step = ATMQTT_STEP_DONE };
	struct ev_want msg = { .type = ATMQTT_EVT_MESSAGE };
	struct clients_ctx cl = {};
	char topic[128];
	const char *tm[2] = { topic, "after the break" };

	uniq(topic, sizeof(topic), "reconnect");
	brk.modem = sub.modem = done.modem = msg.modem = H;
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 1));
	ASSERT_EQ(0, atmqtt_client_policy(NL, H, 1, 1, 200, 1000));
	sim_ctl(&self->sim, "break 1 2\n");
	ASSERT_TRUE(ev_wait(self->ev, &brk, 5000, NULL, NULL));
	ASSERT_TRUE(ev_wait(self->ev, &sub, 10000, NULL, NULL));
	EXPECT_EQ(0, sub.got.err);
	EXPECT_STREQ(topic, sub.got.topic);
	ASSERT_TRUE(ev_wait(self->ev, &done, 10000, NULL, NULL));
	atmqtt_client_list(NL, H, clients_cb, &cl);
	EXPECT_EQ((uint32_t)ATMQTT_CLIENT_OPEN, cl.c[0].state);
	EXPECT_EQ(1u, cl.c[0].sub_count);
	EXPECT_EQ(1u, cl.c[0].reconnect);
	EXPECT_EQ(200u, cl.c[0].reconnect_min_ms);
	EXPECT_EQ(1000u, cl.c[0].reconnect_max_ms);
	msg.topic = topic;
	ASSERT_TRUE(ev_wait(self->ev, &msg, 10000, mosq_pub, tm));
}

TEST_F(modem, reconnect_backoff_then_close_stops)
{
	struct ev_want wait2 = { .type = ATMQTT_EVT_RECONNECT,
				 .step = ATMQTT_STEP_WAIT };
	struct ev_want stop = { .type = ATMQTT_EVT_RECONNECT,
				.step = ATMQTT_STEP_STOP };
	struct ev_want open_fail = { .type = ATMQTT_EVT_RECONNECT,
				     .step = ATMQTT_STEP_OPEN };

	wait2.modem = stop.modem = open_fail.modem = H;
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_client_policy(NL, H, 1, 1, 100, 400));
	/* Every reopen fails: the broker "refuses" it. */
	sim_ctl(&self->sim, "error 702 always\n");
	sim_ctl(&self->sim, "break 1 1\n");
	ASSERT_TRUE(ev_wait(self->ev, &open_fail, 5000, NULL, NULL));
	EXPECT_EQ(-ECONNREFUSED, open_fail.got.err);
	/* The waits double up to the maximum. */
	do {
		wait2.found = 0;
		ASSERT_TRUE(ev_wait(self->ev, &wait2, 5000, NULL, NULL));
	} while (wait2.got.delay_ms < 400);
	EXPECT_EQ(400u, wait2.got.delay_ms);
	atmqtt_client_close(NL, H, 1);
	ASSERT_TRUE(ev_wait(self->ev, &stop, 5000, NULL, NULL));
	sim_ctl(&self->sim, "error 0\n");
}

/*
 * The manual's usage example (chapter 3), replayed through the module: each
 * command line must reach the modem byte for byte as the manual prints it,
 * and each answer it prints must come back.  A second simulator, started
 * with -b, takes the manual's "MQTT BrokerServer" to the VM's mosquitto.
 */
static int log_has_line(struct sim *s, const char *line)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s\r", line);
	return sim_log_has(s, buf, strlen(buf));
}

TEST_F(modem, manual_chapter3_replayed)
{
	static const char *const sim_opts[] = { "-b", BROKER, NULL };
	static const char *const lines[] = {
		"AT+COPS?",
		"AT+MIPCALL=1",
		"AT+MQTTOPEN?",
		"AT+MQTTUSER=1,\"username\",\"passwd\",\"ClientIDStr\"",
		"AT+MQTTOPEN=1,\"MQTT BrokerServer\",1883,0,80",
		"AT+MQTTSUB=1,\"topic1\",0",
		"AT+MQTTPUB=1,\"topic1\",1,0,\"9\"",
		"AT+MQTTUNSUB=1,\"topic1\"",
		"AT+MQTTWILL=1,\"topic1\",1,1,\"Tell you, I'm dead.\"",
		"AT+MQTTCLOSE=1",
	};
	struct ev_want mip = { .type = ATMQTT_EVT_URC, .line = "+MIPCALL: " };
	struct ev_want msg = { .type = ATMQTT_EVT_MESSAGE, .topic = "topic1",
			       .payload = "Test" };
	struct ev_want own = { .type = ATMQTT_EVT_MESSAGE, .topic = "topic1",
			       .payload = "9" };
	struct ev_want brk = { .type = ATMQTT_EVT_BREAK };
	struct ev_want done = { .type = ATMQTT_EVT_RECONNECT,
				.step = ATMQTT_STEP_DONE };
	const char *tm[2] = { "topic1", "Test" };
	struct atmqtt_raw_reply *raw = NULL;
	struct clients_ctx cl = {};
	struct sim m = { .fd = -1 };
	unsigned int i;
	uint32_t h;
	char ids[16];

	ASSERT_EQ(0, sim_start_opts(&m, 1, sim_opts));
	ASSERT_EQ(0, sim_attach(&m, NL));
	h = m.handle;
	mip.modem = msg.modem = own.modem = brk.modem = done.modem = h;
	/* The manual shows +MQTTMSG: mode 0. */
	ASSERT_EQ(0, atmqtt_conf_set(NL, h, 0));

	/* 3.1 MQTT Connection Established */
	ASSERT_EQ(0, atmqtt_raw(NL, h, "AT+COPS?", 0, &raw));
	ASSERT_NE(NULL, raw);
	EXPECT_STREQ("OK", raw->final);
	ASSERT_EQ(1u, raw->nlines);
	EXPECT_EQ(0, strncmp(raw->lines[0], "+COPS: 0,0,", 11));
	atmqtt_raw_free(raw);
	raw = NULL;
	ASSERT_EQ(0, atmqtt_raw(NL, h, "AT+MIPCALL=1", 0, &raw));
	ASSERT_NE(NULL, raw);
	EXPECT_STREQ("OK", raw->final);
	atmqtt_raw_free(raw);
	EXPECT_TRUE(ev_wait(self->ev, &mip, 3000, NULL, NULL));
	/* "+MQTTOPEN: 1,2" */
	EXPECT_EQ(2, ids_of(atmqtt_openable, NL, h, 4, ids, sizeof(ids)));
	EXPECT_STREQ("1,2", ids);
	ASSERT_EQ(0, atmqtt_user_set(NL, h, 1, "username", "passwd",
				     "ClientIDStr"));
	ASSERT_EQ(0, client_open(NL, h, 1, "MQTT BrokerServer", 1883, 0, 80));

	/* 3.2 MQTT Message Process */
	ASSERT_EQ(0, atmqtt_subscribe(NL, h, 1, "topic1", 0));
	EXPECT_TRUE(ev_wait(self->ev, &msg, 10000, mosq_pub, tm));
	EXPECT_EQ(0u, msg.got.qos);
	ASSERT_EQ(0, publish(NL, h, 1, "topic1", 1, 0, "9", 1, 0));
	EXPECT_TRUE(ev_wait(self->ev, &own, 5000, NULL, NULL));
	ASSERT_EQ(0, atmqtt_unsubscribe(NL, h, 1, "topic1"));
	ASSERT_EQ(0, atmqtt_will_set(NL, h, 1, "topic1", 1, 1,
				     "Tell you, I'm dead."));

	/* 3.3 MQTT Disconnect */
	ASSERT_EQ(0, atmqtt_client_close(NL, h, 1));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		EXPECT_TRUE(log_has_line(&m, lines[i])) TH_LOG("%s", lines[i]);

	/* The unexpected disconnect: "+MQTTBREAK: 1,1" then "+MQTTCLOSE:
	 * 1,1", the simulator's default.  The policy reopens all the same.
	 */
	ASSERT_EQ(0, atmqtt_will_set(NL, h, 1, "topic1", 0, 0, ""));
	ASSERT_EQ(0, atmqtt_client_policy(NL, h, 1, 1, 100, 1000));
	ASSERT_EQ(0, client_open(NL, h, 1, "MQTT BrokerServer", 1883, 1, 80));
	ASSERT_EQ(0, atmqtt_subscribe(NL, h, 1, "topic1", 0));
	sim_ctl(&m, "break 1 1\n");
	ASSERT_TRUE(ev_wait(self->ev, &brk, 5000, NULL, NULL));
	ASSERT_TRUE(ev_wait(self->ev, &done, 10000, NULL, NULL));
	atmqtt_client_list(NL, h, clients_cb, &cl);
	EXPECT_EQ((uint32_t)ATMQTT_CLIENT_OPEN, cl.c[0].state);
	EXPECT_EQ(1u, cl.c[0].sub_count);
	EXPECT_EQ(0, atmqtt_client_close(NL, h, 1));
	ASSERT_EQ(0, atmqtt_user_set(NL, h, 1, "", "", NULL));
	sim_stop(&m);
	unlink(m.log);
	unlink(m.publog);
}

/* The other order of the two lines, and the CLOSE line while the
 * reconnect's own OPEN is in flight.
 */
static void reconnect_after(struct __test_metadata *_metadata,
			    struct atmqtt_nl *nl, struct atmqtt_events *ev,
			    struct sim *s, uint32_t h, const char *order,
			    int late_close)
{
	struct ev_want done = { .type = ATMQTT_EVT_RECONNECT,
				.step = ATMQTT_STEP_DONE, .modem = h };
	struct ev_want opening = { .type = ATMQTT_EVT_RECONNECT,
				   .step = ATMQTT_STEP_WAIT, .modem = h };
	struct clients_ctx cl = {};
	char ctl[64];

	ASSERT_EQ(0, open1(nl, h, 1));
	ASSERT_EQ(0, atmqtt_subscribe(nl, h, 1, "atmqtt/order/#", 0));
	ASSERT_EQ(0, atmqtt_client_policy(nl, h, 1, 1, 100, 1000));
	snprintf(ctl, sizeof(ctl), "breakclose %s\n", order);
	sim_ctl(s, ctl);
	if (late_close)
		sim_ctl(s, "delay open 1500\n");
	sim_ctl(s, "break 1 1\n");
	if (late_close) {
		/* The reconnect's OPEN has its OK; its URC is 1.5 s away. */
		ASSERT_TRUE(ev_wait(ev, &opening, 3000, NULL, NULL));
		usleep(500000);
		sim_ctl(s, "urc +MQTTCLOSE: 1,1\n");
	}
	ASSERT_TRUE(ev_wait(ev, &done, 10000, NULL, NULL));
	EXPECT_EQ(0, done.got.err);
	atmqtt_client_list(nl, h, clients_cb, &cl);
	EXPECT_EQ((uint32_t)ATMQTT_CLIENT_OPEN, cl.c[0].state);
	EXPECT_EQ(1u, cl.c[0].sub_count);
	sim_ctl(s, "breakclose after\n");
	EXPECT_EQ(0, atmqtt_client_close(nl, h, 1));
}

TEST_F(modem, reconnect_close_line_before_the_break)
{
	reconnect_after(_metadata, NL, self->ev, &self->sim, H, "before", 0);
}

TEST_F(modem, reconnect_break_alone)
{
	reconnect_after(_metadata, NL, self->ev, &self->sim, H, "none", 0);
}

TEST_F(modem, reconnect_close_line_during_its_open)
{
	reconnect_after(_metadata, NL, self->ev, &self->sim, H, "none", 1);
}

/* ---- raw AT --------------------------------------------------------------- */

TEST_F(modem, raw_at)
{
	struct ev_want urc = { .type = ATMQTT_EVT_URC, .line = "+MIPCALL: " };
	struct atmqtt_raw_reply *r = NULL;

	urc.modem = H;
	ASSERT_EQ(0, atmqtt_raw(NL, H, "AT+COPS?", 0, &r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(1u, r->nlines);
	ASSERT_NE(NULL, r->lines);
	EXPECT_EQ(0, strncmp(r->lines[0], "+COPS: 0,0,\"", 12));
	EXPECT_STREQ("OK", r->final);
	EXPECT_FALSE(r->truncated);
	atmqtt_raw_free(r);

	r = NULL;
	ASSERT_EQ(0, atmqtt_raw(NL, H, "AT+MIPCALL=1", 2000, &r));
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("OK", r->final);
	atmqtt_raw_free(r);
	ASSERT_TRUE(ev_wait(self->ev, &urc, 3000, NULL, NULL));
	EXPECT_STREQ("+MIPCALL: 10.2.83.148", urc.got.line);

	/* An error is an answer, not a failure. */
	r = NULL;
	ASSERT_EQ(0, atmqtt_raw(NL, H, "AT+NOSUCH", 0, &r));
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("ERROR", r->final);
	EXPECT_EQ(0u, r->nlines);
	atmqtt_raw_free(r);
	r = NULL;
	sim_ctl(&self->sim, "cme 10\n");
	ASSERT_EQ(0, atmqtt_raw(NL, H, "AT+CPIN?", 0, &r));
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("+CME ERROR: 10", r->final);
	atmqtt_raw_free(r);
	r = NULL;
	ASSERT_EQ(0, atmqtt_raw(NL, H, "at+cgsn", 0, &r));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1u, r->nlines);
	atmqtt_raw_free(r);
}

TEST_F(modem, raw_at_refused)
{
	struct atmqtt_raw_reply *r;
	static const char * const bad[] = {
		"AT+MQTTOPEN?", "at+mqttclose=1", "AT+COPS?;+MqttClose=1",
		"A", "+++", "ATE0\r\nAT+MQTTCLOSE=1", "AT\x1b", "",
		"AT+COPS?\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = NULL;
		EXPECT_EQ(-EINVAL, atmqtt_raw(NL, H, bad[i], 0, &r));
		if (r)
			atmqtt_raw_free(r);
		ASSERT_NE(NULL, atmqtt_ext_error_attr(NL));
		EXPECT_STREQ("ATMQTT_A_LINE", atmqtt_ext_error_attr(NL));
		EXPECT_NE(NULL, strstr(atmqtt_ext_error(NL), "ATMQTT_A_LINE"));
	}
	EXPECT_FALSE(sim_log_has(&self->sim, "MQTTCLOSE=1", 11));
	EXPECT_FALSE(sim_log_has(&self->sim, "\x1b", 1));
}

/*
 * The two layers of every bound, through the library.  A value outside the
 * family's policy is refused by the netlink core, whose text names neither
 * the attribute nor the rule: libatmqtt composes them from the offset and
 * the policy (NLMSGERR_ATTR_POLICY) the kernel sends.  A value inside the
 * policy but past the modem's limit is refused by the kernel with its own
 * message.  None reaches the modem.
 */
TEST_F(modem, policy_range_named)
{
	struct atmqtt_limits l = limits_of(NL, H);
	struct atmqtt_pub_opts po = ATMQTT_PUB_OPTS_INIT;
	char host[258], want[96];

	ASSERT_EQ(2u, l.qos);
	/* The family's policy. */
	EXPECT_EQ(-ERANGE, atmqtt_subscribe(NL, H, 1, "policy", 3));
	EXPECT_STREQ("ATMQTT_A_MSG_QOS", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ("ATMQTT_A_MSG_QOS: must be 0-2", atmqtt_ext_error(NL));
	po.qos = 3;
	EXPECT_EQ(-ERANGE, atmqtt_publish(NL, H, 1, "policy", "x", 1, &po));
	EXPECT_STREQ("ATMQTT_A_MSG_QOS: must be 0-2", atmqtt_ext_error(NL));
	po.qos = 0;
	po.retain = 2;
	EXPECT_EQ(-ERANGE, atmqtt_publish(NL, H, 1, "policy", "x", 1, &po));
	EXPECT_STREQ("ATMQTT_A_MSG_RETAIN", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ("ATMQTT_A_MSG_RETAIN: must be 0-1", atmqtt_ext_error(NL));
	EXPECT_EQ(-ERANGE, client_open(NL, H, 1, "b", 1883, 1, 65536));
	EXPECT_STREQ("ATMQTT_A_CLIENT_KEEPALIVE", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ("ATMQTT_A_CLIENT_KEEPALIVE: must be 1-65535",
		     atmqtt_ext_error(NL));
	EXPECT_EQ(-ERANGE, client_open(NL, H, 1, "b", 65536, 1, 60));
	EXPECT_STREQ("ATMQTT_A_CLIENT_PORT", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ("ATMQTT_A_CLIENT_PORT: must be 1-65535",
		     atmqtt_ext_error(NL));
	EXPECT_EQ(-ERANGE, atmqtt_conf_set(NL, H, 2));
	EXPECT_STREQ("ATMQTT_A_MODE", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ("ATMQTT_A_MODE: must be 0-1", atmqtt_ext_error(NL));
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';		/* 257 bytes */
	EXPECT_EQ(-ERANGE, client_open(NL, H, 1, host, 1883, 1, 60));
	EXPECT_STREQ("ATMQTT_A_CLIENT_HOST", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ("ATMQTT_A_CLIENT_HOST: must be at most 255 bytes",
		     atmqtt_ext_error(NL));

	/* The modem's limits, inside the policy. */
	snprintf(want, sizeof(want),
		 "ATMQTT_A_CLIENT_KEEPALIVE: this modem takes 1-%u",
		 l.keepalive);
	EXPECT_EQ(-ERANGE, client_open(NL, H, 1, "b", 1883, 1,
				       l.keepalive + 1));
	EXPECT_STREQ("ATMQTT_A_CLIENT_KEEPALIVE", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ(want, atmqtt_ext_error(NL));
	EXPECT_EQ(-ERANGE, client_open(NL, H, 1, "b", 1883, 1, 65535));
	EXPECT_STREQ(want, atmqtt_ext_error(NL));

	/* A rule of the family's own keeps its message, with the modem's
	 * range.
	 */
	snprintf(want, sizeof(want),
		 "ATMQTT_A_CLIENT_HOST: must be 1-%u printable ASCII characters without '\"'",
		 l.host);
	EXPECT_EQ(-EINVAL, client_open(NL, H, 1, "b\"", 1883, 1, 60));
	EXPECT_STREQ("ATMQTT_A_CLIENT_HOST", atmqtt_ext_error_attr(NL));
	EXPECT_STREQ(want, atmqtt_ext_error(NL));
	EXPECT_FALSE(sim_log_has(&self->sim, "policy", 6));
	EXPECT_FALSE(sim_log_has(&self->sim, "hhhh", 4));
	EXPECT_FALSE(sim_log_has(&self->sim, "\"b", 2));
}

/* ---- several modems and clients ------------------------------------------ */

TEST_F(modem, two_modems_talk)
{
	struct ev_want w = { .type = ATMQTT_EVT_MESSAGE };
	struct sim b = { .fd = -1 };
	char topic[128];

	uniq(topic, sizeof(topic), "two");
	ASSERT_EQ(0, sim_start(&b, 1));
	ASSERT_EQ(0, sim_attach(&b, NL));
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, open1(NL, b.handle, 2));
	ASSERT_EQ(0, atmqtt_subscribe(NL, b.handle, 2, topic, 1));
	w.modem = b.handle;
	w.topic = topic;
	w.payload = "\x01\x02\x03";
	ASSERT_EQ(ATMQTT_PUB_DATASIZE, publish(NL, H, 1, topic, 1, 0,
					       "\x01\x02\x03", 3, 0));
	ASSERT_TRUE(ev_wait(self->ev, &w, 10000, NULL, NULL));
	EXPECT_EQ(2u, w.got.client);
	sim_stop(&b);
	unlink(b.log);
}

struct slow_open {
	struct atmqtt_nl *nl;
	uint32_t h;
	int ret;
};

static void *slow_open_run(void *arg)
{
	struct slow_open *o = arg;

	o->ret = open1(o->nl, o->h, 1);
	return NULL;
}

TEST_F(modem, client2_does_not_wait_for_client1)
{
	struct slow_open o = { .h = H };
	char topic[128];
	pthread_t th;
	double t;

	uniq(topic, sizeof(topic), "indep");
	ASSERT_EQ(0, open1(NL, H, 2));
	o.nl = atmqtt_nl_open();
	ASSERT_NE(NULL, o.nl);
	/* Client 1's broker is slow: +MQTTOPEN: 1,1 comes 3 s after OK. */
	sim_ctl(&self->sim, "delay open 3000\n");
	ASSERT_EQ(0, pthread_create(&th, NULL, slow_open_run, &o));
	usleep(300000);
	t = now();
	EXPECT_EQ(0, publish(NL, H, 2, topic, 1, 0, "x", 1, 0));
	EXPECT_EQ(0, atmqtt_subscribe(NL, H, 2, topic, 0));
	t = now() - t;
	EXPECT_GT(1.5, t);
	pthread_join(th, NULL);
	EXPECT_EQ(0, o.ret);
	atmqtt_nl_close(o.nl);
}

struct queued_pub {
	struct atmqtt_nl *nl;
	uint32_t h;
	const char *topic;
	int ret;
	volatile bool done;
};

static void *queued_pub_run(void *arg)
{
	struct queued_pub *q = arg;

	q->ret = publish(q->nl, q->h, 2, q->topic, 1, 0, "x", 1, 0);
	q->done = true;
	return NULL;
}

/*
 * The other order: client 2 queues for the modem before client 1's OK.
 * Client 1's requester sleeps past an OK to its URC unless another waits
 * for the command mutex (kernel/modem.c, atmqtt_cmd_queue()): this OK must
 * wake it, or client 2 waits for client 1's URC timeout (3 s here).
 */
TEST_F(modem, client2_queued_before_client1_ok)
{
	struct slow_open o = { .h = H };
	struct queued_pub q = { .h = H };
	pthread_t to, tq;
	char topic[128];
	double t;

	uniq(topic, sizeof(topic), "queued");
	q.topic = topic;
	ASSERT_EQ(0, open1(NL, H, 2));
	set_param("urc_timeout_ms", "3000");
	o.nl = atmqtt_nl_open();
	q.nl = atmqtt_nl_open();
	ASSERT_NE(NULL, o.nl);
	ASSERT_NE(NULL, q.nl);
	/* Client 1's open: no OK until "say OK", then no +MQTTOPEN. */
	sim_ctl(&self->sim, "hold open\n");
	sim_ctl(&self->sim, "nofinal\n");
	ASSERT_EQ(0, pthread_create(&to, NULL, slow_open_run, &o));
	usleep(300000);
	ASSERT_EQ(0, pthread_create(&tq, NULL, queued_pub_run, &q));
	usleep(300000);
	EXPECT_FALSE(q.done);		/* behind client 1's command */
	t = now();
	sim_ctl(&self->sim, "say OK\n");
	pthread_join(tq, NULL);
	t = now() - t;
	EXPECT_EQ(0, q.ret);
	EXPECT_GT(1.5, t);
	pthread_join(to, NULL);
	EXPECT_EQ(-ETIMEDOUT, o.ret);
	atmqtt_nl_close(o.nl);
	atmqtt_nl_close(q.nl);
}

/* ---- nothing lost unaccounted --------------------------------------------- */

struct count_ctx {
	uint32_t modem;
	uint64_t n, last, dups;
	uint64_t first;
};

static int count_cb(const struct atmqtt_event *e, void *arg)
{
	struct count_ctx *c = arg;

	if (e->type != ATMQTT_EVT_MESSAGE || e->modem != c->modem)
		return 0;
	if (e->seq <= c->last)
		c->dups++;
	if (!c->first)
		c->first = e->seq;
	c->last = e->seq;
	c->n++;
	return 0;
}

/* The harness's alarm is above the test's own deadlines (the publishing,
 * then 30 s for the modem to pass the messages on): a slow machine, the
 * debug kernel's VM on a busy host, fails on an assertion with its counts
 * or passes, and is not killed halfway.
 */
TEST_F_TIMEOUT(modem, flood_drops_counted, 120)
{
	struct atmqtt_modem_info before = {}, after = {};
	struct count_ctx c = { .modem = H };
	int small = 16384, i, sent = 2000;
	char topic[128], cmd[512];
	double end;

	uniq(topic, sizeof(topic), "flood");
	/* The only listener, with a small buffer, and slow. */
	atmqtt_events_close(self->ev);
	self->ev = atmqtt_events_open();
	ASSERT_NE(NULL, self->ev);
	ASSERT_EQ(0, setsockopt(atmqtt_events_fd(self->ev), SOL_SOCKET,
				SO_RCVBUF, &small, sizeof(small)));
	ASSERT_EQ(0, atmqtt_conf_set(NL, H, 0));
	ASSERT_EQ(0, open1(NL, H, 1));
	ASSERT_EQ(0, atmqtt_subscribe(NL, H, 1, topic, 0));
	sim_info(NL, H, &before);

	snprintf(cmd, sizeof(cmd),
		 "seq 1 %d | mosquitto_pub -h %s -t '%s' -q 1 -l", sent,
		 BROKER, topic);
	ASSERT_EQ(0, system(cmd));
	/* Wait until the modem has passed on all of them. */
	end = now() + 30;
	do {
		usleep(200000);
		sim_info(NL, H, &after);
	} while (after.rx_seq - before.rx_seq < (uint64_t)sent && now() < end);
	ASSERT_EQ((uint64_t)sent, after.rx_seq - before.rx_seq);

	fcntl(atmqtt_events_fd(self->ev), F_SETFL, O_NONBLOCK);
	for (i = 0; i < 100000; i++) {
		int r = atmqtt_events_dispatch(self->ev, count_cb, &c);

		if (r < 0 && r != -ENOBUFS)
			break;
	}
	TH_LOG("sent %d delivered %llu dropped %llu overruns %llu", sent,
	       (unsigned long long)c.n,
	       (unsigned long long)(after.rx_drops - before.rx_drops),
	       (unsigned long long)atmqtt_events_overruns(self->ev));
	EXPECT_EQ(0u, c.dups);
	EXPECT_LT(0u, after.rx_drops - before.rx_drops);
	EXPECT_EQ((uint64_t)sent, c.n + after.rx_drops - before.rx_drops);
	EXPECT_LT(0u, atmqtt_events_overruns(self->ev));
}

/* Issue-sized flood: 10 000 messages into one subscription on each of two
 * modems, while the only listener reads slowly (a pause per event).  For each
 * modem: sequence numbers strictly increase, and delivered + dropped == sent.
 */
struct slow_reader {
	struct atmqtt_events *ev;
	struct count_ctx c[2];
	volatile int stop;
};

static int slow_cb(const struct atmqtt_event *e, void *arg)
{
	struct slow_reader *r = arg;

	count_cb(e, &r->c[0]);
	count_cb(e, &r->c[1]);
	usleep(1000);
	return 0;
}

static void *slow_run(void *arg)
{
	struct slow_reader *r = arg;
	int idle = 0;

	while (idle < 20) {
		struct pollfd p = { .fd = atmqtt_events_fd(r->ev),
				    .events = POLLIN };

		if (poll(&p, 1, 100) > 0) {
			atmqtt_events_dispatch(r->ev, slow_cb, r);
			idle = 0;
		} else if (r->stop) {
			idle++;
		}
	}
	return NULL;
}

/* As above: the publishing, then 180 s for the modems, then the reader. */
TEST_F_TIMEOUT(modem, flood_10k_two_modems_accounted, 600)
{
	struct atmqtt_modem_info before[2] = {}, after[2] = {};
	struct slow_reader r = {};
	struct sim b = { .fd = -1 };
	int small = 16384, sent = 10000, i;
	uint32_t h[2];
	char topic[128], cmd[512];
	pthread_t th;
	double end;

	uniq(topic, sizeof(topic), "flood10k");
	ASSERT_EQ(0, sim_start(&b, 1));
	ASSERT_EQ(0, sim_attach(&b, NL));
	h[0] = H;
	h[1] = b.handle;
	atmqtt_events_close(self->ev);
	self->ev = NULL;
	r.ev = atmqtt_events_open();
	ASSERT_NE(NULL, r.ev);
	ASSERT_EQ(0, setsockopt(atmqtt_events_fd(r.ev), SOL_SOCKET, SO_RCVBUF,
				&small, sizeof(small)));
	fcntl(atmqtt_events_fd(r.ev), F_SETFL, O_NONBLOCK);
	for (i = 0; i < 2; i++) {
		r.c[i].modem = h[i];
		ASSERT_EQ(0, atmqtt_conf_set(NL, h[i], 0));
		ASSERT_EQ(0, open1(NL, h[i], 1));
		ASSERT_EQ(0, atmqtt_subscribe(NL, h[i], 1, topic, 1));
		sim_info(NL, h[i], &before[i]);
	}
	ASSERT_EQ(0, pthread_create(&th, NULL, slow_run, &r));
	snprintf(cmd, sizeof(cmd),
		 "seq 1 %d | mosquitto_pub -h %s -t '%s' -q 1 -l", sent,
		 BROKER, topic);
	ASSERT_EQ(0, system(cmd));
	end = now() + 180;
	for (i = 0; i < 2; i++) {
		do {
			usleep(200000);
			sim_info(NL, h[i], &after[i]);
		} while (after[i].rx_seq - before[i].rx_seq < (uint64_t)sent &&
			 now() < end);
	}
	r.stop = 1;
	pthread_join(th, NULL);
	for (i = 0; i < 2; i++) {
		uint64_t got = after[i].rx_seq - before[i].rx_seq;
		uint64_t dropped = after[i].rx_drops - before[i].rx_drops;

		TH_LOG("modem %u: sent %d received %llu delivered %llu dropped %llu",
		       h[i], sent, (unsigned long long)got,
		       (unsigned long long)r.c[i].n,
		       (unsigned long long)dropped);
		EXPECT_EQ((uint64_t)sent, got);
		EXPECT_EQ(0u, r.c[i].dups);
		EXPECT_EQ((uint64_t)sent, r.c[i].n + dropped);
	}
	atmqtt_events_close(r.ev);
	sim_stop(&b);
	unlink(b.log);
}

TEST_HARNESS_MAIN
