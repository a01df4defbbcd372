// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for atmqtt, run in the VM: each test gets its own simulated
 * modem (atmqtt-sim on a pty, bridged to mosquitto on 127.0.0.1:1883) with
 * the line discipline attached, and drives it through libatmqtt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "atmqtt.h"
#include "kselftest_harness.h"

#define BROKER "127.0.0.1"
#define PORT 1883

struct sim {
	pid_t pid;
	int fd;			/* pty slave with the ldisc */
	char tty[128];
	char ctl[64];
	uint32_t handle;
};

static int sim_start(struct sim *s, int n)
{
	int out[2];
	char buf[128];
	ssize_t r;
	size_t len = 0;

	snprintf(s->ctl, sizeof(s->ctl), "/tmp/simctl.%d.%d", getpid(), n);
	if (pipe(out))
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execlp("atmqtt-sim", "atmqtt-sim", "-c", s->ctl, NULL);
		_exit(127);
	}
	close(out[1]);
	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };

		if (poll(&p, 1, 5000) <= 0)
			break;
		r = read(out[0], buf + len, 1);
		if (r <= 0 || buf[len] == '\n')
			break;
		len++;
	}
	close(out[0]);
	buf[len] = '\0';
	if (!len)
		return -1;
	snprintf(s->tty, sizeof(s->tty), "%s", buf);
	s->fd = open(s->tty, O_RDWR | O_NOCTTY);
	return s->fd < 0 ? -1 : 0;
}

static int sim_attach(struct sim *s, struct atmqtt_nl *nl)
{
	int err = atmqtt_ldisc_attach(s->fd);

	return err ? err : atmqtt_modem_find(nl, s->tty, &s->handle);
}

static void sim_ctl(struct sim *s, const char *cmd)
{
	int fd = open(s->ctl, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, cmd, strlen(cmd)) < 0)
			perror("ctl");
		close(fd);
	}
	usleep(100000);
}

static void sim_stop(struct sim *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_param(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/atmqtt/parameters/%s", name);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/* Wait up to ms for an event matching want(); copies it into *out. */
struct ev_want {
	int type;
	uint32_t modem;
	int urc;		/* EVT_RESULT: which URC, 0 for any */
	const char *topic;
	const char *payload;
	struct atmqtt_event got;
	char topic_buf[256];
	char payload_buf[1100];
	int found;
};

static int ev_cb(const struct atmqtt_event *e, void *arg)
{
	struct ev_want *w = arg;

	if (e->type != w->type || e->modem != w->modem)
		return 0;
	if (w->urc && e->urc != w->urc)
		return 0;
	if (w->topic && (!e->topic || strcmp(e->topic, w->topic)))
		return 0;
	if (w->payload && (e->payload_len != strlen(w->payload) ||
			   memcmp(e->payload, w->payload, e->payload_len)))
		return 0;
	w->got = *e;
	if (e->topic)
		snprintf(w->topic_buf, sizeof(w->topic_buf), "%s", e->topic);
	w->found = 1;
	return 1;
}

static int ev_wait(struct atmqtt_events *ev, struct ev_want *w, int ms,
		   void (*kick)(void *), void *arg)
{
	double end = now() + ms / 1000.0, next = 0;

	while (!w->found && now() < end) {
		struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };

		if (kick && now() >= next) {
			kick(arg);
			next = now() + 0.5;
		}
		if (poll(&p, 1, 100) > 0)
			atmqtt_events_dispatch(ev, ev_cb, w);
	}
	return w->found;
}

static void mosq_pub(void *arg)
{
	const char **tm = arg;
	pid_t pid = fork();

	if (pid == 0) {
		execlp("mosquitto_pub", "mosquitto_pub", "-h", BROKER, "-t",
		       tm[0], "-m", tm[1], NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

FIXTURE(modem) {
	struct sim sim;
	struct atmqtt_nl *nl;
	struct atmqtt_events *ev;
};

FIXTURE_SETUP(modem)
{
	memset(&self->sim, 0, sizeof(self->sim));
	self->sim.fd = -1;
	self->nl = atmqtt_nl_open();
	ASSERT_NE(NULL, self->nl);
	self->ev = atmqtt_events_open();
	ASSERT_NE(NULL, self->ev);
	ASSERT_EQ(0, sim_start(&self->sim, 0));
	ASSERT_EQ(0, sim_attach(&self->sim, self->nl));
}

FIXTURE_TEARDOWN(modem)
{
	set_param("cmd_timeout_ms", "5000");
	sim_stop(&self->sim);
	atmqtt_events_close(self->ev);
	atmqtt_nl_close(self->nl);
}

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
	EXPECT_EQ(-EIO, atmqtt_client_open(self->nl, self->sim.handle, 1,
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
					    strlen(payload)));
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

/* Each rejected request must name the attribute; nothing reaches the tty. */
TEST_F(modem, validation)
{
	char big[1100], topic256[257], topic255[256], host256[257];
	struct atmqtt_nl *nl = self->nl;
	uint32_t h = self->sim.handle;
	const char *bad_topics[] = {
		"", topic256, "a\"b", "x\"\r\nAT+MQTTCLOSE=1\r\n", "a\x01",
		"tab\there",
	};
	size_t i;

	memset(big, 'p', sizeof(big));
	memset(topic256, 't', 256);
	topic256[256] = '\0';
	memset(topic255, 't', 255);
	topic255[255] = '\0';
	memset(host256, 'h', 256);
	host256[256] = '\0';

	ASSERT_EQ(0, atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 60));

#define REJECT(call, attr) do {						\
	EXPECT_EQ(-EINVAL, call);					\
	EXPECT_EQ(attr, atmqtt_ext_error_attr(nl));			\
	EXPECT_NE(NULL, strstr(atmqtt_ext_error(nl), #attr));		\
	TH_LOG("%s -> %s", #call, atmqtt_ext_error(nl));		\
} while (0)

	REJECT(atmqtt_subscribe(nl, h, 1, "t", 3), ATMQTT_A_QOS);
	REJECT(atmqtt_publish(nl, h, 1, "t", 3, 0, "x", 1), ATMQTT_A_QOS);
	REJECT(atmqtt_publish(nl, h, 1, "t", 0, 2, "x", 1), ATMQTT_A_RETAIN);
	REJECT(atmqtt_client_open(nl, h, 1, BROKER, 0, 1, 60), ATMQTT_A_PORT);
	REJECT(atmqtt_client_open(nl, h, 3, BROKER, PORT, 1, 60), ATMQTT_A_CLIENT);
	REJECT(atmqtt_client_open(nl, h, 0, BROKER, PORT, 1, 60), ATMQTT_A_CLIENT);
	REJECT(atmqtt_client_open(nl, h, 1, BROKER, PORT, 2, 60), ATMQTT_A_CLEAN);
	REJECT(atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 301), ATMQTT_A_KEEPALIVE);
	REJECT(atmqtt_client_open(nl, h, 1, host256, PORT, 1, 60), ATMQTT_A_HOST);
	REJECT(atmqtt_client_open(nl, h, 1, "a\"b", PORT, 1, 60), ATMQTT_A_HOST);
	for (i = 0; i < sizeof(bad_topics) / sizeof(bad_topics[0]); i++) {
		REJECT(atmqtt_subscribe(nl, h, 1, bad_topics[i], 0), ATMQTT_A_TOPIC);
		REJECT(atmqtt_publish(nl, h, 1, bad_topics[i], 0, 0, "x", 1),
		       ATMQTT_A_TOPIC);
	}
	REJECT(atmqtt_publish(nl, h, 1, "t", 0, 0, big, 1025), ATMQTT_A_PAYLOAD);
	REJECT(atmqtt_publish(nl, h, 1, "t", 0, 0, "a\"b", 3), ATMQTT_A_PAYLOAD);
	REJECT(atmqtt_publish(nl, h, 1, "t", 0, 0, "a\r\nAT", 6), ATMQTT_A_PAYLOAD);
#undef REJECT

	/* Both sides of the bounds are accepted. */
	EXPECT_EQ(0, atmqtt_subscribe(nl, h, 1, topic255, 2));
	EXPECT_EQ(0, atmqtt_publish(nl, h, 1, "t", 0, 0, big, 1024));
	EXPECT_EQ(0, atmqtt_publish(nl, h, 1, "t", 0, 1, "", 0));
	EXPECT_EQ(0, atmqtt_client_open(nl, h, 2, BROKER, PORT, 0, 300));
	EXPECT_EQ(0, atmqtt_client_close(nl, h, 2));
}

static int drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1u << CAP_NET_ADMIN);
	data[0].permitted &= ~(1u << CAP_NET_ADMIN);
	return syscall(SYS_capset, &hdr, data);
}

TEST_F(modem, eperm_without_cap_net_admin)
{
	uint32_t h = self->sim.handle;
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct atmqtt_nl *nl = atmqtt_nl_open();
		int bad = 0;

		if (!nl || drop_net_admin())
			_exit(10);
		bad |= atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 60) != -EPERM;
		bad |= (atmqtt_subscribe(nl, h, 1, "t", 0) != -EPERM) << 1;
		bad |= (atmqtt_publish(nl, h, 1, "t", 0, 0, "x", 1) != -EPERM) << 2;
		bad |= (atmqtt_client_close(nl, h, 1) != -EPERM) << 3;
		bad |= (atmqtt_modem_list(nl, 0, NULL, NULL) < 1) << 4;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
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
