// SPDX-License-Identifier: GPL-2.0
/*
 * The two programs the latency test (latency.c) compares, started as
 *   atmqtt-bench agent-kernel HANDLE TOPIC_PREFIX
 *   atmqtt-bench agent-tty PTY TOPIC_PREFIX
 * and driven the same way through a pipe: "P <n>" publishes n bytes and
 * answers "D <err>"; each message received is printed "M <payload>".
 *
 * agent-tty is the way a modem is used from userspace today: the tty in
 * N_TTY raw mode, a read() loop parsing the same responses and URCs,
 * AT+MQTTREAD after each +MQTTMSGI, one command at a time.
 */
#include "bench.h"

#include <stdarg.h>

/* ---- the kernel agent ------------------------------------------------ */

static const char *agent_topic_in;

static int agent_ev_cb(const struct atmqtt_event *e, void *arg)
{
	(void)arg;
	if (e->type == ATMQTT_EVT_MESSAGE && e->topic &&
	    !strcmp(e->topic, agent_topic_in))
		printf("M %.*s\n", (int)e->payload_len,
		       (const char *)e->payload);
	return 0;
}

int agent_kernel(uint32_t h, const char *prefix)
{
	char in[TOPIC_LEN], out[TOPIC_LEN], line[64], buf[1024];
	struct atmqtt_nl *nl = atmqtt_nl_open();
	struct atmqtt_events *ev = atmqtt_events_open();
	int n;

	snprintf(in, sizeof(in), "%s/in", prefix);
	snprintf(out, sizeof(out), "%s/out", prefix);
	agent_topic_in = in;
	memset(buf, 'x', sizeof(buf));
	/* An application that consumes messages: what a client's life
	 * brings, not the RESULT event of each request it makes (the reply
	 * has it).
	 */
	if (!nl || !ev ||
	    atmqtt_events_filter(ev, ATMQTT_EVENT_BIT(ATMQTT_EVT_MESSAGE) |
				 ATMQTT_EVENT_BIT(ATMQTT_EVT_BREAK) |
				 ATMQTT_EVENT_BIT(ATMQTT_EVT_RECONNECT) |
				 ATMQTT_EVENT_BIT(ATMQTT_EVT_MODEM)) ||
	    bench_open(nl, h, 1) ||
	    atmqtt_subscribe(nl, h, 1, in, 0))
		die("agent-kernel: setup failed");
	printf("READY\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = atmqtt_events_fd(ev), .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents & POLLIN)
			atmqtt_events_dispatch(ev, agent_ev_cb, NULL);
		if (p[0].revents & (POLLIN | POLLHUP)) {
			if (!fgets(line, sizeof(line), stdin))
				return 0;
			if (sscanf(line, "P %d", &n) == 1 && n >= 0 &&
			    n <= (int)sizeof(buf))
				printf("D %d\n", bench_publish(nl, h, out, 0,
								buf, n));
		}
		fflush(stdout);
	}
}

/* ---- the userspace baseline -------------------------------------------- */

struct tty_agent {
	int fd;
	char line[2048];
	size_t len;
	size_t data_need, data_len, tlen;	/* +MQTTREAD data */
	bool busy;			/* a command is waiting for its final */
	bool final_ok;
	bool read_pending;		/* +MQTTMSGI seen: read */
	bool read_got;			/* the READ in flight got data */
	bool reading;			/* the command in flight is a READ */
	int pub_pending;		/* bytes to publish, -1: none */
	int urc_open, urc_sub;		/* setup: status of the result URCs */
	const char *topic_out;
};

static void tty_send(struct tty_agent *a, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;
	int n, w;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	a->busy = true;
	for (w = 0; w < n;) {
		int r = write(a->fd, buf + w, n - w);

		if (r < 0 && errno != EINTR)
			die("agent-tty: write: %s", strerror(errno));
		w += r > 0 ? r : 0;
	}
}

static void tty_line(struct tty_agent *a, const char *l, size_t n)
{
	int id, q, t, p, st;

	if ((n == 2 && !memcmp(l, "OK", 2)) ||
	    (n >= 5 && !memcmp(l, "ERROR", 5)) || !strncmp(l, "+CME ERROR", 10)) {
		a->final_ok = l[0] == 'O';
		a->busy = false;
		if (a->reading) {
			a->reading = false;
			a->read_pending |= a->read_got;
		}
	} else if (sscanf(l, "+MQTTMSGI: %d,%d,%d,%d", &id, &q, &t, &p) == 4) {
		a->read_pending = true;
	} else if (sscanf(l, "+MQTTREAD: %d,%d,%d,%d", &id, &q, &t, &p) == 4) {
		a->read_got = t > 0;
		if (t > 0 && t <= 255 && p >= 0 && p <= 1024) {
			a->data_need = t + p + 5;
			a->data_len = 0;
			a->tlen = t;
		}
	} else if (sscanf(l, "+MQTTPUB: %d,%d", &id, &st) == 2) {
		printf("D %d\n", st == 1 ? 0 : -ECOMM);
	} else if (sscanf(l, "+MQTTOPEN: %d,%d", &id, &st) == 2) {
		a->urc_open = st;
	} else if (sscanf(l, "+MQTTSUB: %d,%d", &id, &st) == 2) {
		a->urc_sub = st;
	}
}

/* Bytes from the modem: lines, and +MQTTREAD data by length. */
static void tty_input(struct tty_agent *a, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (a->data_need) {
			if (!a->data_len && (c == '\r' || c == '\n'))
				continue;
			a->line[a->data_len++] = c;
			if (a->data_len == a->data_need) {
				printf("M %.*s\n", (int)(a->data_len - a->tlen - 5),
				       a->line + a->tlen + 4);
				a->data_need = 0;
			}
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (a->len)
				tty_line(a, a->line, a->len);
			a->len = 0;
		} else if (a->len < sizeof(a->line) - 1) {
			a->line[a->len++] = c;
			a->line[a->len] = '\0';
		}
	}
}

static void tty_pump(struct tty_agent *a, int ms)
{
	struct pollfd p = { .fd = a->fd, .events = POLLIN };
	char buf[4096];
	ssize_t r;

	if (poll(&p, 1, ms) <= 0)
		return;
	r = read(a->fd, buf, sizeof(buf));
	if (r <= 0)
		die("agent-tty: the tty went away");
	tty_input(a, buf, r);
}

/* Setup: one command, its final, and optionally its result URC. */
static void tty_cmd(struct tty_agent *a, int *urc, const char *fmt,
		    const char *arg)
{
	double end = now() + 15;

	if (urc)
		*urc = -1;
	tty_send(a, fmt, arg);
	while ((a->busy || (urc && *urc < 0)) && now() < end)
		tty_pump(a, 100);
	if (a->busy || !a->final_ok || (urc && *urc != 1))
		die("agent-tty: setup command failed: %s", fmt);
}

/* Idle: start what is pending, a READ before a publish. */
static void tty_next(struct tty_agent *a)
{
	static char payload[1025];

	if (a->busy)
		return;
	if (a->read_pending) {
		a->read_pending = false;
		a->read_got = false;
		a->reading = true;
		tty_send(a, "AT+MQTTREAD=1\r");
	} else if (a->pub_pending >= 0) {
		memset(payload, 'x', a->pub_pending);
		payload[a->pub_pending] = '\0';
		tty_send(a, "AT+MQTTPUB=1,\"%s\",0,0,\"%s\"\r", a->topic_out,
			 payload);
		a->pub_pending = -1;
	}
}

int agent_tty(const char *pty, const char *prefix)
{
	static struct tty_agent a = { .pub_pending = -1 };
	char in[TOPIC_LEN], out[TOPIC_LEN], line[64];
	int n;

	snprintf(in, sizeof(in), "%s/in", prefix);
	snprintf(out, sizeof(out), "%s/out", prefix);
	a.topic_out = out;
	a.fd = open(pty, O_RDWR | O_NOCTTY);
	if (a.fd < 0 || tty_raw(a.fd))
		die("agent-tty: %s: %s", pty, strerror(errno));
	tty_cmd(&a, NULL, "AT+MQTTCONF=1\r", NULL);
	tty_cmd(&a, &a.urc_open, "AT+MQTTOPEN=1,\"%s\",1883,1,60\r", BROKER);
	tty_cmd(&a, &a.urc_sub, "AT+MQTTSUB=1,\"%s\",0\r", in);
	printf("READY\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = a.fd, .events = POLLIN },
		};
		char buf[4096];
		ssize_t r;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents & POLLIN) {
			r = read(a.fd, buf, sizeof(buf));
			if (r <= 0)
				return 1;
			tty_input(&a, buf, r);
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			if (!fgets(line, sizeof(line), stdin))
				return 0;
			if (sscanf(line, "P %d", &n) == 1 && n >= 0 && n <= 1024)
				a.pub_pending = n;
		}
		tty_next(&a);
		fflush(stdout);
	}
}
