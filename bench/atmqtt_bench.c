// SPDX-License-Identifier: GPL-2.0
/*
 * atmqtt-bench: the VM half of make bench (Documentation/performance.rst).
 *
 *   atmqtt-bench [-n LATENCY_SAMPLES] [-m MODEMS] [-w WORKLOAD,...] [-t]
 *	runs the workloads (all by default): memory per modem, latency
 *	against a userspace baseline (latency; latency-kernel or
 *	latency-user run one side alone, for make bench-profile),
 *	throughput against the line rate, scale, bridge (atmqtt-bridge
 *	against the CLI path and the library, to a cloud subscriber) (and
 *	exchange, only when named: the throughput of 1024 bytes at 921600
 *	baud, the simulator tracing its I/O, for make bench-profile).  -t
 *	marks each sample of the publish latency in ftrace's trace_marker;
 *	with the workload mark-rx named too, each sample of the receive
 *	latency instead (make bench-insns counts the instructions between
 *	the marks).  Prints
 *	"BENCH <key> <value>" and "LAT <series> <us>" lines for
 *	bench/report.sh.
 *   atmqtt-bench agent-kernel HANDLE TOPIC_PREFIX
 *   atmqtt-bench agent-tty PTY TOPIC_PREFIX
 *	(internal) the two programs the latency test compares, driven the
 *	same way through a pipe: "P <n>" publishes n bytes and answers
 *	"D <err>"; each message received is printed "M <payload>".
 *
 * agent-tty is the way a modem is used from userspace today: the tty in
 * N_TTY raw mode, a read() loop parsing the same responses and URCs,
 * AT+MQTTREAD after each +MQTTMSGI, one command at a time.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <termios.h>
#include <sys/stat.h>
#include <mosquitto.h>

#include "../selftests/atmqtt/sim.h"

#define TOPIC_LEN 96
#define COUNT(a) (sizeof(a) / sizeof(*(a)))
#define TRACE_MARKER "/sys/kernel/tracing/trace_marker"

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "atmqtt-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static double now_us(void)
{
	return now() * 1e6;
}

static void fill_binary(unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = i * 7 + 3;
}

/*
 * Start a simulator as sim.h's sim_start_opts() does but without the
 * byte log (-l) and the publish log (-P) that it always asks for: the
 * selftests read them, the benchmark does not, and they cost the
 * simulator a write() to a file per read of the pty and the hex of every
 * message published, which make bench measured as the modem's time.
 * extra: more options, or NULL.
 */
static int bench_sim_start(struct sim *s, const char *const *extra)
{
	const char *argv[16] = { "atmqtt-sim" };

	return sim_exec(s, argv, 1, extra);
}

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

static int agent_kernel(uint32_t h, const char *prefix)
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
	    atmqtt_client_open(nl, h, 1, BROKER, PORT, 1, 60) ||
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
				printf("D %d\n", atmqtt_publish(nl, h, 1, out, 0,
								0, buf, n, 0,
								NULL));
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

/* The tty as the baseline uses it: N_TTY raw mode, a read() per byte run. */
static int tty_raw(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return -1;
	cfmakeraw(&tio);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &tio);
}

static int agent_tty(const char *pty, const char *prefix)
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

/* ---- the latency test ---------------------------------------------------- */

struct agent {
	pid_t pid;
	FILE *in, *out;
};

/* The agent is this program again, found by /proc (argv[0] may be a name). */
static void agent_start(struct agent *ag, const char *kind,
			const char *arg, const char *prefix)
{
	int to[2], from[2];
	char line[64], self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		die("/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';

	if (pipe(to) || pipe(from))
		die("pipe");
	ag->pid = fork();
	if (ag->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execl(self, "atmqtt-bench", kind, arg, prefix, NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	ag->in = fdopen(to[1], "w");
	ag->out = fdopen(from[0], "r");
	if (!fgets(line, sizeof(line), ag->out) || strcmp(line, "READY\n"))
		die("%s did not start", kind);
}

static void agent_stop(struct agent *ag)
{
	fclose(ag->in);
	fclose(ag->out);
	kill(ag->pid, SIGTERM);
	waitpid(ag->pid, NULL, 0);
}

/* Wait for the agent's line starting with want. */
static int agent_wait(struct agent *ag, const char *want, char *line,
		      size_t size)
{
	while (fgets(line, size, ag->out))
		if (!strncmp(line, want, strlen(want)))
			return 0;
	return -1;
}

/*
 * The benchmark's own client, which publishes what the modems receive.
 * Nagle's algorithm off: with it, a message written while the broker had
 * not yet acknowledged the one before waited for that ACK, which the
 * broker delays up to 40 ms since it answers a QoS 0 message with nothing.
 */
static struct mosquitto *mosq_connect(void)
{
	struct mosquitto *mq = mosquitto_new(NULL, true, NULL);

	if (mq)
		mosquitto_int_option(mq, MOSQ_OPT_TCP_NODELAY, 1);
	if (!mq || mosquitto_connect(mq, BROKER, PORT, 60) ||
	    mosquitto_loop_start(mq))
		die("cannot connect to mosquitto");
	return mq;
}

/* One side of the latency test: an agent, its simulator, its topics. */
struct lat_side {
	const char *name;	/* "kernel" or "user" */
	const char *prefix;	/* its topics: <prefix>/in, <prefix>/out */
	struct sim sim;
	struct agent ag;
	char topic_in[TOPIC_LEN];
	bool on;
};

/*
 * Each latency sample starts after this long with nothing to do, as a
 * gateway's message or publish finds a quiet system: the previous
 * sample's tail (the broker reading its PUBLISH, libmosquitto's thread)
 * is done by then, and is not in this one's time for one side and in the
 * other side's next time by the luck of the scheduler
 * (Documentation/performance.rst, ninth round).
 */
#define LAT_QUIET_US 1000

/*
 * -t: ftrace's trace_marker, around each publish sample for
 * bench/phases.py (make bench-profile) and bench/insns.so (make
 * bench-insns), or with mark-rx around each receive sample instead.
 */
static int trace_fd = -1;
static bool mark_rx;

/* mosquitto -> the agent's "M" line; prints LAT <name>-rx when counted. */
static void lat_rx(struct lat_side *s, struct mosquitto *mq, int i)
{
	char payload[32], want[40], line[1200];
	int n = snprintf(payload, sizeof(payload), "%d", i);
	double t0;

	snprintf(want, sizeof(want), "M %s\n", payload);
	usleep(LAT_QUIET_US);
	if (trace_fd >= 0 && mark_rx)
		dprintf(trace_fd, "RXSTART %s %d", s->name, i);
	t0 = now_us();
	mosquitto_publish(mq, NULL, s->topic_in, n, payload, 0, false);
	do {
		if (agent_wait(&s->ag, "M ", line, sizeof(line)))
			die("%s: agent gone", s->name);
	} while (strcmp(line, want));
	if (trace_fd >= 0 && mark_rx)
		dprintf(trace_fd, "RXDONE %s %d", s->name, i);
	if (i >= 0)
		printf("LAT %s-rx %.1f\n", s->name, now_us() - t0);
}


/* "P 16" -> the agent's "D 0" once +MQTTPUB: 1,1 came. */
static void lat_pub(struct lat_side *s, int i)
{
	char line[64];
	double t0;

	usleep(LAT_QUIET_US);
	if (trace_fd >= 0 && !mark_rx)
		dprintf(trace_fd, "PUBSTART %s %d", s->name, i);
	t0 = now_us();
	fprintf(s->ag.in, "P 16\n");
	fflush(s->ag.in);
	if (agent_wait(&s->ag, "D ", line, sizeof(line)))
		die("%s: agent gone", s->name);
	if (strcmp(line, "D 0\n"))
		die("%s: publish failed: %s", s->name, line);
	if (i >= 0)
		printf("LAT %s-pub %.1f\n", s->name, now_us() - t0);
	if (trace_fd >= 0 && !mark_rx)
		dprintf(trace_fd, "PUBDONE %s %d", s->name, i);
}

/*
 * The kernel path (libatmqtt's events and PUBLISH op) and the baseline (the
 * same simulator, the tty left in N_TTY), each with its own simulator, run
 * at the same time and sampled in turn, the first of each pair alternating:
 * drift in a shared machine's speed then hits both sides alike.
 */
static void bench_latency(struct atmqtt_nl *nl, struct mosquitto *mq,
			  int samples, bool kernel, bool user)
{
	struct lat_side side[2] = {
		{ .name = "kernel", .prefix = "bench/lat/k",
		  .sim = { .fd = -1 }, .on = kernel },
		{ .name = "user", .prefix = "bench/lat/u",
		  .sim = { .fd = -1 }, .on = user },
	};
	char handle[16];
	int i, j;

	for (j = 0; j < 2; j++)
		snprintf(side[j].topic_in, TOPIC_LEN, "%s/in", side[j].prefix);

	if (kernel) {
		if (bench_sim_start(&side[0].sim, NULL) ||
		    sim_attach(&side[0].sim, nl))
			die("latency: kernel modem");
		snprintf(handle, sizeof(handle), "%u", side[0].sim.handle);
		agent_start(&side[0].ag, "agent-kernel", handle,
			    side[0].prefix);
	}
	if (user) {
		if (bench_sim_start(&side[1].sim, NULL))
			die("latency: userspace modem");
		agent_start(&side[1].ag, "agent-tty", side[1].sim.tty,
			    side[1].prefix);
	}
	for (i = -20; i < samples; i++)		/* 20 to warm up */
		for (j = 0; j < 2; j++)
			if (side[(i + j) & 1].on)
				lat_rx(&side[(i + j) & 1], mq, i);
	for (i = -20; i < samples; i++)
		for (j = 0; j < 2; j++)
			if (side[(i + j) & 1].on)
				lat_pub(&side[(i + j) & 1], i);
	fflush(stdout);
	for (j = 0; j < 2; j++) {
		if (!side[j].on)
			continue;
		agent_stop(&side[j].ag);
		sim_stop(&side[j].sim);
	}
}

/* ---- throughput against the line rate ------------------------------------ */

struct rx_count {
	uint32_t modem;		/* 0: any */
	const char *topic;	/* NULL: any */
	unsigned long n;
	unsigned long per_modem[64];
	double first, last;
	/* The receive workload: one more message published for each one
	 * delivered, until the first delivery plus secs; the deliveries
	 * so answered, the time of the last of them, the longest time
	 * between two of them.
	 */
	struct mosquitto *mq;
	const void *payload;
	int size;
	double secs;
	unsigned long published, n_win;
	double t_win, gap;
};

static int rx_cb(const struct atmqtt_event *e, void *arg)
{
	struct rx_count *c = arg;
	double t;

	if (e->type != ATMQTT_EVT_MESSAGE || (c->modem && e->modem != c->modem) ||
	    (c->topic && (!e->topic || strcmp(e->topic, c->topic))))
		return 0;
	t = now();
	if (!c->n++)
		c->first = t;
	else if (t - c->last > c->gap && t < c->first + c->secs)
		c->gap = t - c->last;
	c->last = t;
	if (e->modem < 64)
		c->per_modem[e->modem]++;
	if (c->mq && t < c->first + c->secs) {
		mosquitto_publish(c->mq, NULL, c->topic, c->size, c->payload,
				  0, false);
		c->published++;
		c->n_win = c->n;
		c->t_win = t;
	}
	return 0;
}

static void rx_pump(struct atmqtt_events *ev, struct rx_count *c, int ms)
{
	struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };

	if (poll(&p, 1, ms) > 0)
		atmqtt_events_dispatch(ev, rx_cb, c);
}

/*
 * The bytes one exchange puts on the busier direction of the line: a UART
 * is full duplex, so the line allows at most baud / 10 / these exchanges a
 * second, however well the exchanges overlap.
 */
static int wire_max(int a, int b)
{
	return a > b ? a : b;
}

static int wire_pub(int size)
{
	int cmd = snprintf(NULL, 0, "AT+MQTTPUB=1,\"bench/tp/pub\",0,0,%d\r",
			   size);

	/* out: the command, the data; back: its echo, >\r\n, OK, the URC */
	return wire_max(cmd + size,
			cmd + 3 + 6 + strlen("\r\n+MQTTPUB: 1,1\r\n"));
}

static int wire_rx(int size)
{
	const int tlen = strlen("bench/tp/rx");
	int msgi = snprintf(NULL, 0, "\r\n+MQTTMSGI: 1,0,%d,%d\r\n", tlen,
			    size);

	/* out: AT+MQTTREAD=1\r; back: +MQTTMSGI, the echo, the +MQTTREAD
	 * header (as long as +MQTTMSGI less an 'I'), "topic","data"\r\n, OK
	 */
	return wire_max(14, msgi + 14 + msgi - 1 + tlen + size + 7 + 6);
}

/*
 * Receiving: mosquitto keeps RX_QUEUE messages queued at the modem, one
 * more published for each one delivered, for RX_SECS from the first
 * delivery.  From there on every message delivered puts one whole
 * exchange on the line, its +MQTTMSGI included (those of the first
 * RX_QUEUE went ahead of the first delivery), and a run of two seconds
 * makes the simulator's pacing slack (up to 2 ms early) negligible.
 */
#define RX_QUEUE	8
#define RX_SECS		2.0

/* Publish binary payloads in a loop from a socket of its own until a time;
 * the first error ends it.
 */
struct pub_loop {
	uint32_t h;
	char topic[TOPIC_LEN];
	int size;
	double until;
	unsigned long n;
	int err;
	pthread_t th;
};

static void *pub_loop_run(void *arg)
{
	static unsigned char buf[1024];
	struct pub_loop *p = arg;
	struct atmqtt_nl *nl = atmqtt_nl_open();

	fill_binary(buf, sizeof(buf));
	while (nl && !p->err && now() < p->until) {
		p->err = atmqtt_publish(nl, p->h, 1, p->topic, 0, 0, buf,
					p->size, 0, NULL);
		p->n += !p->err;
	}
	atmqtt_nl_close(nl);
	return NULL;
}

static void pub_loop_start(struct pub_loop *p, uint32_t h, const char *topic,
			   int size, double until)
{
	*p = (struct pub_loop){ .h = h, .size = size, .until = until };
	snprintf(p->topic, sizeof(p->topic), "%s", topic);
	pthread_create(&p->th, NULL, pub_loop_run, p);
}

/* The throughput workload: every rate (0: unpaced) and payload size. */
static const long tp_bauds[] = { 115200, 921600, 0 };
static const int tp_sizes[] = { 16, 256, 1024 };
/* "exchange" (make bench-profile): one of them, traced for
 * bench/exchanges.py.
 */
static const long x_bauds[] = { 921600 };
static const int x_sizes[] = { 1024 };
#define EXCHANGE_TRACE "/tmp/exchange.trace"

/*
 * Publish and receive at each rate and payload size; with trace, the paced
 * simulators trace their I/O there (atmqtt-sim -T).
 */
static void bench_throughput(struct atmqtt_nl *nl, struct mosquitto *mq,
			     const long *bauds, unsigned int nbauds,
			     const int *sizes, unsigned int nsizes,
			     const char *trace)
{
	static unsigned char buf[1024];
	unsigned int b, s;

	fill_binary(buf, sizeof(buf));
	for (b = 0; b < nbauds; b++) {
		struct atmqtt_events *ev = atmqtt_events_open();
		struct sim m = { .fd = -1 };
		char rate[16];
		const char *opts[] = { "-B", rate, trace ? "-T" : NULL, trace,
				       NULL };

		snprintf(rate, sizeof(rate), "%ld", bauds[b]);
		/* Messages only: nothing reads this socket while publishing,
		 * and the RESULT events of 2 s of publishes unpaced can fill
		 * its 4 MiB, after which the messages were dropped (RX_DROPS).
		 */
		if (!ev || atmqtt_events_filter(ev,
				ATMQTT_EVENT_BIT(ATMQTT_EVT_MESSAGE)) ||
		    bench_sim_start(&m, bauds[b] ? opts : NULL) ||
		    sim_attach(&m, nl) ||
		    atmqtt_client_open(nl, m.handle, 1, BROKER, PORT, 1, 60) ||
		    atmqtt_subscribe(nl, m.handle, 1, "bench/tp/rx", 0))
			die("throughput: setup at %ld baud", bauds[b]);
		for (s = 0; s < nsizes; s++) {
			struct rx_count c = { .topic = "bench/tp/rx" };
			int size = sizes[s], i;
			double t0 = now(), end, per;
			struct pub_loop t[2];
			unsigned long n = 0;

			/* Publish for 2 s, two requests in flight: the next
			 * command goes out while the last waits for its URC.
			 */
			for (i = 0; i < 2; i++)
				pub_loop_start(&t[i], m.handle, "bench/tp/pub",
					       size, t0 + 2);
			for (i = 0; i < 2; i++) {
				pthread_join(t[i].th, NULL);
				if (t[i].err)
					die("throughput: publish: %d", t[i].err);
				n += t[i].n;
			}
			printf("BENCH tp_pub_%s_%d_msgs %.2f\n", rate, size,
			       n / (now() - t0));
			printf("BENCH tp_pub_%s_%d_wire %d\n", rate, size,
			       wire_pub(size));

			/* The broker has taken every message published above
			 * once it acknowledged a QoS 1 one sent after them:
			 * the receive below does not wait behind them.
			 */
			if (atmqtt_publish(nl, m.handle, 1, "bench/tp/pub", 1,
					   0, buf, 1, 0, NULL))
				die("throughput: the QoS 1 publish failed");

			/* Receive (see RX_QUEUE): messages/s from the first
			 * delivery to the last that was answered with a
			 * publish; then the last RX_QUEUE arrive.
			 */
			c.modem = m.handle;
			c.mq = mq;
			c.payload = buf;
			c.size = size;
			c.secs = RX_SECS;
			c.published = RX_QUEUE;
			for (i = 0; i < RX_QUEUE; i++)
				mosquitto_publish(mq, NULL, "bench/tp/rx", size,
						  buf, 0, false);
			per = bauds[b] ? wire_rx(size) * 10.0 / bauds[b] : 0;
			end = now() + 5 + RX_SECS + RX_QUEUE * per * 4;
			while ((!c.n || now() < c.first + RX_SECS) &&
			       now() < end)
				rx_pump(ev, &c, 100);
			end = now() + 5 + RX_QUEUE * per * 4;
			while (c.n < c.published && now() < end)
				rx_pump(ev, &c, 100);
			printf("BENCH tp_rx_%s_%d_msgs %.2f\n", rate, size,
			       c.n_win > 1 ? (c.n_win - 1) / (c.t_win - c.first) :
			       0);
			printf("BENCH tp_rx_%s_%d_wire %d\n", rate, size,
			       wire_rx(size));
			printf("BENCH tp_rx_%s_%d_got %lu/%lu\n", rate, size,
			       c.n, c.published);
			printf("BENCH tp_rx_%s_%d_gap_ms %.2f\n", rate, size,
			       c.gap * 1000);
			fflush(stdout);
		}
		atmqtt_events_close(ev);
		sim_stop(&m);
	}
}

/* ---- memory per modem ---------------------------------------------------- */

static void bench_memory(struct atmqtt_nl *nl)
{
	struct atmqtt_modem_info idle = {}, busy = {};
	struct sim m = { .fd = -1 };
	char topic[TOPIC_LEN];
	int i;

	if (bench_sim_start(&m, NULL) || sim_attach(&m, nl))
		die("memory: setup");
	sim_info(nl, m.handle, &idle);
	if (atmqtt_client_open(nl, m.handle, 1, BROKER, PORT, 1, 60) ||
	    atmqtt_client_open(nl, m.handle, 2, BROKER, PORT, 1, 60))
		die("memory: open");
	for (i = 0; i < 100; i++) {
		snprintf(topic, sizeof(topic), "bench/mem/some/topic/%d", i);
		if (atmqtt_subscribe(nl, m.handle, 1 + i % 2, topic, 0))
			die("memory: subscribe");
	}
	sim_info(nl, m.handle, &busy);
	printf("BENCH mem_idle_bytes %u\n", idle.mem_bytes);
	printf("BENCH mem_busy_bytes %u\n", busy.mem_bytes);
	fflush(stdout);
	sim_stop(&m);
}

/* ---- scale: many modems at once ------------------------------------------ */

static double cpu_seconds(void)
{
	unsigned long long v[8] = {};
	FILE *f = fopen("/proc/stat", "r");

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			 &v[7]) != 8)
		die("/proc/stat");
	fclose(f);
	/* user nice system [idle iowait] irq softirq steal */
	return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
	       (double)sysconf(_SC_CLK_TCK);
}

/* n modems at 115200 baud, each publishing 256 bytes in a loop into a
 * topic it subscribes to: every message goes out and comes back.
 */
static void scale_run(struct sim *sims, int n, double secs,
		      const char *name)
{
	struct atmqtt_events *ev = atmqtt_events_open();
	struct rx_count c = {};
	struct pub_loop p[64];
	double t0, cpu0, t1;
	unsigned long pubs = 0;
	int i, errors = 0;

	if (!ev)
		die("scale: events");
	cpu0 = cpu_seconds();
	t0 = now();
	for (i = 0; i < n; i++) {
		char topic[TOPIC_LEN];

		snprintf(topic, sizeof(topic), "bench/sc/%u", sims[i].handle);
		pub_loop_start(&p[i], sims[i].handle, topic, 256, t0 + secs);
	}
	while (now() < t0 + secs)
		rx_pump(ev, &c, 50);
	t1 = now();
	for (i = 0; i < n; i++) {
		pthread_join(p[i].th, NULL);
		pubs += p[i].n;
		errors += p[i].err != 0;
	}
	printf("BENCH scale_%s_modems %d\n", name, n);
	printf("BENCH scale_%s_publishers_failed %d\n", name, errors);
	printf("BENCH scale_%s_rx_msgs %.2f\n", name, c.n / (t1 - t0));
	printf("BENCH scale_%s_pub_msgs %.2f\n", name, pubs / (t1 - t0));
	printf("BENCH scale_%s_cpu_ms_per_msg %.3f\n", name,
	       (cpu_seconds() - cpu0) * 1000 / (c.n + pubs ?: 1));
	fflush(stdout);
	atmqtt_events_close(ev);
}

static void bench_scale(struct atmqtt_nl *nl, int modems)
{
	static const char *const opts[] = { "-B", "115200", NULL };
	struct sim sims[64];
	char topic[TOPIC_LEN];
	int i;

	for (i = 0; i < modems; i++) {
		sims[i] = (struct sim){ .fd = -1 };
		if (bench_sim_start(&sims[i], opts) ||
		    sim_attach(&sims[i], nl))
			die("scale: modem %d", i);
		snprintf(topic, sizeof(topic), "bench/sc/%u", sims[i].handle);
		if (atmqtt_client_open(nl, sims[i].handle, 1, BROKER, PORT, 1,
				       60) ||
		    atmqtt_subscribe(nl, sims[i].handle, 1, topic, 0))
			die("scale: setup of modem %d", i);
	}
	scale_run(sims, 1, 5, "one");
	scale_run(sims, modems, 5, "all");
	for (i = 0; i < modems; i++)
		sim_stop(&sims[i]);
}

/* ---- the cost of one round trip, without a modem -------------------- */

#define RT_OPS 2000

/*
 * What a request through the family costs by itself, against the system
 * calls the baseline makes: a PUBLISH the policy refuses (client 3: the
 * generic netlink round trip, an error ack), and one write() and read()
 * through a pipe and through a pty in N_TTY raw mode.  Microseconds per
 * operation; no goal, they explain the latency figures.
 */
static void bench_roundtrip(struct atmqtt_nl *nl)
{
	char buf[64] = "AT+MQTTPUB=1,\"t\",0,0,\"xxxxxxxxxxxxxxxx\"\r";
	int pfd[2], master, slave, i;
	double t0;

	t0 = now_us();
	for (i = 0; i < RT_OPS; i++)
		if (atmqtt_publish(nl, 1, 3, "t", 0, 0, "x", 1, 0, NULL) != -EINVAL)
			die("roundtrip: the refused PUBLISH was not refused");
	printf("BENCH rt_genl_us %.1f\n", (now_us() - t0) / RT_OPS);

	if (pipe(pfd))
		die("pipe");
	t0 = now_us();
	for (i = 0; i < RT_OPS; i++)
		if (write(pfd[1], buf, 40) != 40 || read(pfd[0], buf, 40) != 40)
			die("roundtrip: pipe");
	printf("BENCH rt_pipe_us %.1f\n", (now_us() - t0) / RT_OPS);
	close(pfd[0]);
	close(pfd[1]);

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		die("roundtrip: pty");
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tty_raw(slave))
		die("roundtrip: pty slave: %s", strerror(errno));
	t0 = now_us();
	for (i = 0; i < RT_OPS; i++) {
		ssize_t got = 0, r;

		if (write(master, buf, 40) != 40)
			die("roundtrip: pty write");
		while (got < 40 && (r = read(slave, buf + got, 40 - got)) > 0)
			got += r;
		if (got < 40)
			die("roundtrip: pty read");
	}
	printf("BENCH rt_pty_us %.1f\n", (now_us() - t0) / RT_OPS);
	close(slave);
	close(master);
}

/* ---- the bridge against the CLI path --------------------------------- */

/*
 * Three ways a gateway's application gets a QoS 1 message to the cloud
 * through the modem, each timed to the cloud broker's subscriber (the
 * VM's mosquitto on 127.0.0.1:1883 is the cloud here):
 *   bridge: mosquitto_publish() to a local mosquitto (127.0.0.1:1884),
 *           atmqtt-bridge forwards it through its own modem;
 *   cli:    atmqtt pub -q 1, one process per message, on another modem;
 *   lib:    atmqtt_publish() in this process, on that other modem.
 * Latency: sampled in turn, one sample at a time after 1 ms of quiet, the
 * first of each round rotating.  Throughput: BR_TP messages one after
 * the other (the bridge's all published at once: mosquitto queues them),
 * from the first publish to the last message at the subscriber.
 */
#define BR_LOCAL_PORT	1884
#define BR_TP		300
#define BR_TP_CLI	100
#define BR_CONF		"/tmp/bench-bridge.conf"
#define BR_STATUS	"/tmp/bench-bridge.status"

struct cloud_sub {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char want_topic[TOPIC_LEN];
	long want;		/* the payload awaited, as a number */
	bool got;
	unsigned long n;	/* on want_topic */
	long last;
	bool in_order;
	double at;
};

static void cloud_msg(struct mosquitto *m, void *arg,
		      const struct mosquitto_message *msg)
{
	struct cloud_sub *c = arg;
	char buf[32];
	long v;

	(void)m;
	if (msg->payloadlen <= 0 || msg->payloadlen >= (int)sizeof(buf))
		return;
	memcpy(buf, msg->payload, msg->payloadlen);
	buf[msg->payloadlen] = '\0';
	v = strtol(buf, NULL, 10);
	pthread_mutex_lock(&c->lock);
	if (!strcmp(msg->topic, c->want_topic)) {
		if (c->n++ && v != c->last + 1)
			c->in_order = false;
		c->last = v;
		if (v == c->want) {
			c->got = true;
			c->at = now_us();
			pthread_cond_signal(&c->cond);
		}
	}
	pthread_mutex_unlock(&c->lock);
}

/* Await payload want on topic (set before the publish by cloud_expect). */
static void cloud_expect(struct cloud_sub *c, const char *topic, long want)
{
	pthread_mutex_lock(&c->lock);
	snprintf(c->want_topic, sizeof(c->want_topic), "%s", topic);
	c->want = want;
	c->got = false;
	pthread_mutex_unlock(&c->lock);
}

static void cloud_reset(struct cloud_sub *c, const char *topic)
{
	cloud_expect(c, topic, -1);
	pthread_mutex_lock(&c->lock);
	c->n = 0;
	c->last = -1;
	c->in_order = true;
	pthread_mutex_unlock(&c->lock);
}

/* The time of the arrival, in us, or 0 after 30 s. */
static double cloud_wait(struct cloud_sub *c)
{
	struct timespec ts;
	double at = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	pthread_mutex_lock(&c->lock);
	while (!c->got &&
	       pthread_cond_timedwait(&c->cond, &c->lock, &ts) != ETIMEDOUT)
		;
	if (c->got)
		at = c->at;
	pthread_mutex_unlock(&c->lock);
	return at;
}

static pid_t spawn(const char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	return pid;
}

static bool file_has(const char *path, const char *line)
{
	size_t len;
	char *s = sim_read_file(path, &len);
	bool found = strstr(s, line) != NULL;

	free(s);
	return found;
}

/* CPU seconds (user and system) a process used so far, to the
 * nanosecond (schedstat: the tick-based /proc/<pid>/stat is too coarse for
 * the instruction-timed run).
 */
static double proc_cpu(pid_t pid)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns / 1e9;
}

/* CPU seconds (user and system) this thread used so far. */
static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* atmqtt pub -M h -c 1 -t topic -q 1 -m payload, and its exit. */
static int cli_pub(uint32_t h, const char *topic, const char *payload)
{
	char modem[16];
	const char *argv[] = { "atmqtt", "pub", "-M", modem, "-t", topic,
			       "-q", "1", "-m", payload, NULL };
	int status;
	pid_t pid;

	snprintf(modem, sizeof(modem), "%u", h);
	pid = spawn(argv);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *const br_sides[] = { "bridge", "cli", "lib" };

static void bench_bridge(struct atmqtt_nl *nl, int samples)
{
	static const char local_conf[] =
		"listener 1884 127.0.0.1\nallow_anonymous true\nuser root\n"
		"persistence false\nmax_queued_messages 10000\n"
		"log_dest file /tmp/bench-local.log\n";
	struct cloud_sub c = { .lock = PTHREAD_MUTEX_INITIALIZER,
			       .cond = PTHREAD_COND_INITIALIZER };
	struct sim sb = { .fd = -1 }, sc = { .fd = -1 };
	const char *mq_argv[] = { "mosquitto", "-c", "/tmp/bench-local.conf",
				  NULL };
	const char *br_argv[] = { "atmqtt-bridge", "run", "-c", BR_CONF, "-S",
				  BR_STATUS, NULL };
	struct mosquitto *cloud, *local = NULL;
	pid_t mq_pid, br_pid;
	static const char *const lat_topic[] = {
		"bench/br/lat", "bench/cli/lat", "bench/lib/lat",
	};
	static const char *const tp_topic[] = {
		"bench/br/tp", "bench/cli/tp", "bench/lib/tp",
	};
	const char *const *topic;
	const char *ltopic;
	char payload[32];
	double t0, t1, tp[3], cpu_br, cpu_mq, cpu_self;
	FILE *f;
	int i, j, k, n;

	/* The local broker, the bridge's modem and the bridge. */
	f = fopen("/tmp/bench-local.conf", "w");
	if (!f || fputs(local_conf, f) < 0 || fclose(f))
		die("bridge: local broker's configuration");
	mq_pid = spawn(mq_argv);
	for (i = 0; i < 100 && !local; i++) {
		local = mosquitto_new(NULL, true, NULL);
		if (local && (mosquitto_connect(local, BROKER, BR_LOCAL_PORT, 60) ||
			      mosquitto_loop_start(local))) {
			mosquitto_destroy(local);
			local = NULL;
			usleep(50000);
		}
	}
	if (!local)
		die("bridge: the local broker did not start");
	if (sim_start(&sb, 500) || sim_attach(&sb, nl) ||
	    sim_start(&sc, 501) || sim_attach(&sc, nl) ||
	    atmqtt_client_open(nl, sc.handle, 1, BROKER, PORT, 1, 60))
		die("bridge: modems");
	f = fopen(BR_CONF, "w");
	if (!f || fprintf(f, "connection bench\nmodem %s\naddress %s:%d\n"
			  "local_address %s:%d\nrestart_timeout 1\n"
			  "topic bench/br/# out 1 lan/ \"\"\n",
			  sb.tty, BROKER, PORT, BROKER, BR_LOCAL_PORT) < 0 ||
	    fclose(f))
		die("bridge: its configuration");
	unlink(BR_STATUS);
	br_pid = spawn(br_argv);
	for (i = 0; i < 300 && !(file_has(BR_STATUS, "state=up\n") &&
				 file_has(BR_STATUS, "local_out=connected\n")); i++)
		usleep(100000);
	if (i == 300)
		die("bridge: atmqtt-bridge did not come up");

	cloud = mosquitto_new(NULL, true, &c);
	if (!cloud)
		die("bridge: cloud subscriber");
	mosquitto_message_callback_set(cloud, cloud_msg);
	if (mosquitto_connect(cloud, BROKER, PORT, 60) ||
	    mosquitto_subscribe(cloud, NULL, "bench/+/+", 1) ||
	    mosquitto_loop_start(cloud))
		die("bridge: cloud subscriber");
	usleep(300000);

	/* Latency, in turn. */
	topic = lat_topic;
	ltopic = "lan/bench/br/lat";
	for (i = -10; i < samples; i++) {
		for (k = 0; k < 3; k++) {
			j = (i + 30 + k) % 3;
			n = snprintf(payload, sizeof(payload), "%d", i + 10);
			cloud_expect(&c, topic[j], i + 10);
			usleep(LAT_QUIET_US);
			t0 = now_us();
			if (j == 0)
				mosquitto_publish(local, NULL, ltopic, n,
						  payload, 1, false);
			else if (j == 1)
				cli_pub(sc.handle, topic[1], payload);
			else
				atmqtt_publish(nl, sc.handle, 1, topic[2], 1,
					       0, payload, n, 0, NULL);
			t1 = cloud_wait(&c);
			if (!t1)
				die("bridge: %s sample %d never arrived",
				    br_sides[j], i);
			if (i >= 0)
				printf("LAT br-%s %.1f\n", br_sides[j], t1 - t0);
		}
	}
	fflush(stdout);

	/* Throughput: one after the other, to the last arrival. */
	topic = tp_topic;
	ltopic = "lan/bench/br/tp";
	for (j = 0; j < 3; j++) {
		int count = j == 1 ? BR_TP_CLI : BR_TP;

		cloud_reset(&c, topic[j]);
		cloud_expect(&c, topic[j], count - 1);
		cpu_br = proc_cpu(br_pid);
		cpu_mq = proc_cpu(mq_pid);
		cpu_self = thread_cpu();
		t0 = now_us();
		for (i = 0; i < count; i++) {
			n = snprintf(payload, sizeof(payload), "%d", i);
			if (j == 0)
				mosquitto_publish(local, NULL, ltopic, n,
						  payload, 1, false);
			else if (j == 1)
				cli_pub(sc.handle, topic[1], payload);
			else
				atmqtt_publish(nl, sc.handle, 1, topic[2], 1,
					       0, payload, n, 0, NULL);
		}
		t1 = cloud_wait(&c);
		if (!t1)
			die("bridge: %s throughput: the last never arrived",
			    br_sides[j]);
		tp[j] = count / ((t1 - t0) / 1e6);
		if (j == 0) {
			/* What the bridge and the local broker cost per
			 * message (the kernel's work for the bridge's
			 * requests counts as its system time).
			 */
			printf("BENCH br_tp_bridge_cpu_us %.1f\n",
			       (proc_cpu(br_pid) - cpu_br) * 1e6 / count);
			printf("BENCH br_tp_local_broker_cpu_us %.1f\n",
			       (proc_cpu(mq_pid) - cpu_mq) * 1e6 / count);
		} else if (j == 2) {
			/* The same requests made by this thread. */
			printf("BENCH br_tp_lib_cpu_us %.1f\n",
			       (thread_cpu() - cpu_self) * 1e6 / count);
		}
		pthread_mutex_lock(&c.lock);
		printf("BENCH br_tp_%s_msgs %.2f\n", br_sides[j], tp[j]);
		printf("BENCH br_tp_%s_n %d\n", br_sides[j], count);
		printf("BENCH br_tp_%s_got %lu\n", br_sides[j], c.n);
		printf("BENCH br_tp_%s_in_order %d\n", br_sides[j], c.in_order);
		pthread_mutex_unlock(&c.lock);
		fflush(stdout);
	}

	mosquitto_loop_stop(cloud, true);
	mosquitto_destroy(cloud);
	mosquitto_loop_stop(local, true);
	mosquitto_destroy(local);
	kill(br_pid, SIGTERM);
	waitpid(br_pid, NULL, 0);
	kill(mq_pid, SIGTERM);
	waitpid(mq_pid, NULL, 0);
	sim_stop(&sb);
	sim_stop(&sc);
}

/* -w: the workloads to run, comma-separated; all of them by default. */
static const char *const workloads[] = {
	"memory", "latency", "latency-kernel", "latency-user", "throughput",
	"scale", "roundtrip", "exchange", "bridge", "mark-rx",
};

static bool wanted(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	if (!list)
		return true;
	for (p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
	return false;
}

static void usage(void)
{
	die("usage: atmqtt-bench [-n SAMPLES] [-m MODEMS] [-w WORKLOAD,...] [-t]\n"
	    "  workloads: memory latency throughput scale roundtrip bridge;\n"
	    "  latency-kernel and latency-user run one side of the latency\n"
	    "  test alone; exchange (only when named) traces 1024 bytes at\n"
	    "  921600 baud for make bench-profile; mark-rx: -t marks the\n"
	    "  receive samples, not the publish samples");
}

int main(int argc, char **argv)
{
	struct atmqtt_nl *nl;
	struct mosquitto *mq;
	const char *only = NULL;
	int samples = 1000, modems = 16, c;
	bool lat_k, lat_u;
	size_t i;

	if (argc == 4 && !strcmp(argv[1], "agent-kernel"))
		return agent_kernel(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "agent-tty"))
		return agent_tty(argv[2], argv[3]);
	while ((c = getopt(argc, argv, "n:m:w:t")) != -1) {
		switch (c) {
		case 'n':
			samples = atoi(optarg);
			break;
		case 'm':
			modems = atoi(optarg);
			break;
		case 'w':
			only = optarg;
			break;
		case 't':
			trace_fd = open(TRACE_MARKER, O_WRONLY);
			if (trace_fd < 0)
				die("%s: %s", TRACE_MARKER, strerror(errno));
			break;
		default:
			usage();
		}
	}
	if (samples < 1 || modems < 1 || modems > 64)
		usage();
	if (only) {
		char copy[128], *tok, *save;
		bool known;

		snprintf(copy, sizeof(copy), "%s", only);
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			known = false;
			for (i = 0; i < COUNT(workloads); i++)
				known |= !strcmp(tok, workloads[i]);
			if (!known)
				usage();
		}
	}
	mark_rx = only && wanted(only, "mark-rx");
	signal(SIGPIPE, SIG_IGN);
	mosquitto_lib_init();
	nl = atmqtt_nl_open();
	if (!nl)
		die("the atmqtt family is not there");
	mq = mosq_connect();
	printf("BENCH start 1\n");
	if (wanted(only, "memory"))
		bench_memory(nl);
	lat_k = wanted(only, "latency") || wanted(only, "latency-kernel");
	lat_u = wanted(only, "latency") || wanted(only, "latency-user");
	if (lat_k || lat_u)
		bench_latency(nl, mq, samples, lat_k, lat_u);
	if (wanted(only, "throughput"))
		bench_throughput(nl, mq, tp_bauds, COUNT(tp_bauds), tp_sizes,
				 COUNT(tp_sizes), NULL);
	if (only && wanted(only, "exchange"))
		bench_throughput(nl, mq, x_bauds, COUNT(x_bauds), x_sizes,
				 COUNT(x_sizes), EXCHANGE_TRACE);
	if (wanted(only, "scale"))
		bench_scale(nl, modems);
	if (wanted(only, "roundtrip"))
		bench_roundtrip(nl);
	if (wanted(only, "bridge"))
		bench_bridge(nl, samples < 200 ? samples : 200);
	printf("BENCH done 1\n");
	mosquitto_loop_stop(mq, true);
	mosquitto_destroy(mq);
	atmqtt_nl_close(nl);
	return 0;
}
