/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the atmqtt kselftests share: a simulated modem (atmqtt-sim on a pty,
 * bridged to mosquitto on 127.0.0.1:1883) with the line discipline attached,
 * event waits, and the "modem" fixture.
 */
#ifndef ATMQTT_SELFTEST_HARNESS_H
#define ATMQTT_SELFTEST_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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
#include <sys/socket.h>
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
	char log[64];		/* every byte the modem received */
	uint32_t handle;
};

static inline int sim_start(struct sim *s, int n)
{
	int out[2];
	char buf[128];
	ssize_t r;
	size_t len = 0;

	snprintf(s->ctl, sizeof(s->ctl), "/tmp/simctl.%d.%d", getpid(), n);
	snprintf(s->log, sizeof(s->log), "/tmp/simlog.%d.%d", getpid(), n);
	unlink(s->log);
	if (pipe(out))
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execlp("atmqtt-sim", "atmqtt-sim", "-c", s->ctl, "-l", s->log,
		       NULL);
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

static inline int init_cb(const struct atmqtt_modem_info *m, void *arg)
{
	*(int *)arg = m->state;
	return 1;
}

static inline int sim_wait_init(struct atmqtt_nl *nl, uint32_t handle)
{
	int i, state = ATMQTT_MODEM_INIT;

	for (i = 0; i < 200 && state == ATMQTT_MODEM_INIT; i++) {
		if (atmqtt_modem_list(nl, handle, init_cb, &state) < 0)
			return -1;
		if (state == ATMQTT_MODEM_INIT)
			usleep(20000);
	}
	return state == ATMQTT_MODEM_INIT ? -ETIMEDOUT : 0;
}

static inline int sim_attach(struct sim *s, struct atmqtt_nl *nl)
{
	int err = atmqtt_ldisc_attach(s->fd);

	err = err ? err : atmqtt_modem_find(nl, s->tty, &s->handle);
	/* Let the module's own commands after attach (AT+MQTTCONF=1 and
	 * AT+MQTTCLOSE?) finish, so that they take no fault meant for a test.
	 */
	return err ? err : sim_wait_init(nl, s->handle);
}

static inline void sim_ctl(struct sim *s, const char *cmd)
{
	int fd = open(s->ctl, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, cmd, strlen(cmd)) < 0)
			perror("ctl");
		close(fd);
	}
	usleep(100000);
}

static inline void sim_stop(struct sim *s)
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

/* Everything the modem received so far, NUL-terminated; free() it. */
static inline char *sim_log(struct sim *s, size_t *len)
{
	FILE *f = fopen(s->log, "r");
	long size;
	char *buf;

	*len = 0;
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0) {
		if (f)
			fclose(f);
		return strdup("");
	}
	rewind(f);
	buf = malloc(size + 1);
	if (buf)
		*len = fread(buf, 1, size, f);
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf ? buf : strdup("");
}

static inline int sim_log_has(struct sim *s, const void *what, size_t n)
{
	size_t len;
	char *log = sim_log(s, &len);
	int found = memmem(log, len, what, n) != NULL;

	free(log);
	return found;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void set_param(const char *name, const char *val)
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
	int step;		/* EVT_RECONNECT: which step, 0 for any */
	const char *topic;
	const char *payload;
	size_t payload_len;	/* 0: strlen(payload) */
	const char *line;	/* EVT_URC: prefix of the line */
	struct atmqtt_event got;
	char topic_buf[256];
	char payload_buf[1100];
	char line_buf[1600];
	int found;
};

static inline int ev_cb(const struct atmqtt_event *e, void *arg)
{
	struct ev_want *w = arg;

	if (e->type != w->type || e->modem != w->modem)
		return 0;
	if (w->urc && e->urc != w->urc)
		return 0;
	if (w->step && e->step != w->step)
		return 0;
	if (w->topic && (!e->topic || strcmp(e->topic, w->topic)))
		return 0;
	if (w->payload &&
	    (e->payload_len != (w->payload_len ?: strlen(w->payload)) ||
	     memcmp(e->payload, w->payload, e->payload_len)))
		return 0;
	if (w->line && (!e->line || strncmp(e->line, w->line, strlen(w->line))))
		return 0;
	w->got = *e;
	if (e->topic)
		snprintf(w->topic_buf, sizeof(w->topic_buf), "%s", e->topic);
	if (e->line)
		snprintf(w->line_buf, sizeof(w->line_buf), "%s", e->line);
	if (e->payload && e->payload_len <= sizeof(w->payload_buf))
		memcpy(w->payload_buf, e->payload, e->payload_len);
	w->got.topic = w->topic_buf;
	w->got.line = w->line_buf;
	w->got.payload = w->payload_buf;
	w->found = 1;
	return 1;
}

static inline int ev_wait(struct atmqtt_events *ev, struct ev_want *w, int ms,
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

static inline void mosq_pub(void *arg)
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
	set_param("urc_timeout_ms", "30000");
	sim_stop(&self->sim);
	unlink(self->sim.log);
	if (self->ev)
		atmqtt_events_close(self->ev);
	atmqtt_nl_close(self->nl);
}

/* mosquitto_pub of binary data (through a file). */
static inline void mosq_pub_bin(const char *topic, const void *data,
				size_t len)
{
	char path[64];
	FILE *f;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/pub.%d", getpid());
	f = fopen(path, "w");
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
	pid = fork();
	if (pid == 0) {
		execlp("mosquitto_pub", "mosquitto_pub", "-h", BROKER, "-t",
		       topic, "-q", "1", "-f", path, NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	unlink(path);
}

/* mosquitto_sub -C 1 in a thread: one message's payload, binary. */
struct mosq_sub {
	const char *topic;
	unsigned char buf[2048];
	size_t len;
	pthread_t th;
};

static inline void *mosq_sub_run(void *arg)
{
	struct mosq_sub *ms = arg;
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "mosquitto_sub -h %s -t '%s' -C 1 -W 15 -N", BROKER,
		 ms->topic);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	ms->len = fread(ms->buf, 1, sizeof(ms->buf), p);
	pclose(p);
	return NULL;
}

static inline int mosq_sub_start(struct mosq_sub *ms, const char *topic)
{
	memset(ms, 0, sizeof(*ms));
	ms->topic = topic;
	return pthread_create(&ms->th, NULL, mosq_sub_run, ms);
}

/* Drop CAP_NET_ADMIN in this process (for a forked child). */
static inline int drop_net_admin(void)
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


#endif /* ATMQTT_SELFTEST_HARNESS_H */
