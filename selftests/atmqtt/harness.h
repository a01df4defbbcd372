/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the atmqtt kselftests share: the simulated modem of sim.h, event
 * waits, mosquitto helpers, and the "modem" fixture.
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
#include "sim.h"
#include "kselftest_harness.h"

/*
 * The Fibocom NL668's limits, as atmqtt-sim plays it and as GET_MODEM must
 * report them (ATMQTT_A_MODEM_LIMITS): the tests that are about the NL668
 * itself name them; the others ask the modem (atmqtt_modem_limits()).
 */
#define NL668_CLIENTS		2
#define NL668_HOST		255
#define NL668_TOPIC		255
#define NL668_PAYLOAD		1024
#define NL668_USER_NAME		128
#define NL668_PASSWORD		128
#define NL668_CLIENT_IDENT	23
#define NL668_KEEPALIVE		300
#define NL668_QOS		2
#define NL668_SUBS		128
#define NL668_BINARY		1
#define NL668_TLS		0
#define NL668_DIALECT		"fibocom"

/* AT+MQTTOPEN of client to host:port (libatmqtt 1.0's options). */
static inline int client_open(struct atmqtt_nl *nl, uint32_t h,
			      uint32_t client, const char *host,
			      uint32_t port, int clean, uint32_t keepalive)
{
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;

	o.host = host;
	o.port = port;
	o.clean = clean;
	o.keepalive = keepalive;
	return atmqtt_client_open(nl, h, client, &o);
}

/* Client to the VM's mosquitto, clean, keepalive 60. */
static inline int open_broker(struct atmqtt_nl *nl, uint32_t h,
			      uint32_t client)
{
	return client_open(nl, h, client, BROKER, PORT, 1, 60);
}

/* AT+MQTTPUB: the form the kernel used (0 quoted, ATMQTT_PUB_DATASIZE),
 * or a negative errno.
 */
static inline int publish(struct atmqtt_nl *nl, uint32_t h, uint32_t client,
			  const char *topic, uint32_t qos, uint32_t retain,
			  const void *payload, size_t len, unsigned int flags)
{
	struct atmqtt_pub_opts o = ATMQTT_PUB_OPTS_INIT;

	o.qos = qos;
	o.retain = retain;
	o.flags = flags;
	return atmqtt_publish(nl, h, client, topic, payload, len, &o);
}

/* The modem's limits (atmqtt_modem_limits()); all 0 on failure. */
static inline struct atmqtt_limits limits_of(struct atmqtt_nl *nl, uint32_t h)
{
	struct atmqtt_limits l = { .size = sizeof(l) };

	if (atmqtt_modem_limits(nl, h, &l)) {
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
	}
	return l;
}

/* As much of a library structure as both sides know, into *dst. */
#define LIB_COPY(dst, src) do {						\
	size_t __n = (src)->size < sizeof(*(dst)) ? (src)->size :	\
		     sizeof(*(dst));					\
	memset((dst), 0, sizeof(*(dst)));				\
	memcpy((dst), (src), __n);					\
	(dst)->size = __n;						\
} while (0)

/* Wait up to ms for an event matching want(); copies it into *out. */
struct ev_want {
	int type;		/* enum atmqtt_evt */
	uint32_t modem;
	int urc;		/* EVT_RESULT: which URC, 0 for any */
	int step;		/* EVT_RECONNECT: which step, 0 for any */
	int mstate;		/* EVT_MODEM: ATMQTT_MODEM_* + 1, 0 for any */
	const char *topic;
	const char *payload;
	size_t payload_len;	/* 0: strlen(payload) */
	const char *line;	/* EVT_URC: prefix of the line */
	struct atmqtt_event got;	/* its strings point into the below */
	char topic_buf[256];
	char payload_buf[1100];
	char line_buf[1600];
	/* EVT_MODEM: got.modem_info points to mi, mi.limits to lim */
	struct atmqtt_modem_info mi;
	struct atmqtt_limits lim;
	char tty_buf[64];
	char dialect_buf[32];
	int found;
};

static inline int ev_cb(const struct atmqtt_event *e, void *arg)
{
	struct ev_want *w = arg;

	if (e->type != w->type || e->modem != w->modem)
		return 0;
	if (w->urc && e->urc != (uint32_t)w->urc)
		return 0;
	if (w->step && e->step != (uint32_t)w->step)
		return 0;
	if (w->mstate && (!e->modem_info ||
			  e->modem_info->state != (uint32_t)w->mstate - 1))
		return 0;
	if (w->topic && (!e->topic || strcmp(e->topic, w->topic)))
		return 0;
	if (w->payload &&
	    (e->payload_len != (w->payload_len ?: strlen(w->payload)) ||
	     memcmp(e->payload, w->payload, e->payload_len)))
		return 0;
	if (w->line && (!e->line || strncmp(e->line, w->line, strlen(w->line))))
		return 0;
	LIB_COPY(&w->got, e);
	memset(w->topic_buf, 0, sizeof(w->topic_buf));
	memset(w->line_buf, 0, sizeof(w->line_buf));
	if (e->topic)
		snprintf(w->topic_buf, sizeof(w->topic_buf), "%s", e->topic);
	if (e->line)
		snprintf(w->line_buf, sizeof(w->line_buf), "%s", e->line);
	if (e->payload && e->payload_len <= sizeof(w->payload_buf))
		memcpy(w->payload_buf, e->payload, e->payload_len);
	w->got.topic = e->topic ? w->topic_buf : NULL;
	w->got.line = e->line ? w->line_buf : NULL;
	w->got.payload = w->payload_buf;
	w->got.modem_info = NULL;
	if (e->modem_info) {
		LIB_COPY(&w->mi, e->modem_info);
		snprintf(w->tty_buf, sizeof(w->tty_buf), "%s",
			 e->modem_info->tty ?: "");
		snprintf(w->dialect_buf, sizeof(w->dialect_buf), "%s",
			 e->modem_info->dialect ?: "");
		w->mi.tty = e->modem_info->tty ? w->tty_buf : NULL;
		w->mi.dialect = e->modem_info->dialect ? w->dialect_buf : NULL;
		w->mi.limits = NULL;
		if (e->modem_info->limits) {
			LIB_COPY(&w->lim, e->modem_info->limits);
			w->mi.limits = &w->lim;
		}
		w->got.modem_info = &w->mi;
	}
	w->found = 1;
	return 1;
}

/* Events to cb(e, cbarg) until *done (never, if done is NULL) or ms passed;
 * kick(arg), when not NULL, every half second from the start.
 */
static inline void ev_pump(struct atmqtt_events *ev, atmqtt_event_cb cb,
			   void *cbarg, const int *done, int ms,
			   void (*kick)(void *), void *arg)
{
	double end = now() + ms / 1000.0, next = 0;

	while ((!done || !*done) && now() < end) {
		struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };

		if (kick && now() >= next) {
			kick(arg);
			next = now() + 0.5;
		}
		if (poll(&p, 1, 100) > 0)
			atmqtt_events_dispatch(ev, cb, cbarg);
	}
}

static inline int ev_wait(struct atmqtt_events *ev, struct ev_want *w, int ms,
		   void (*kick)(void *), void *arg)
{
	ev_pump(ev, ev_cb, w, &w->found, ms, kick, arg);
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
	unlink(self->sim.publog);
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
