// SPDX-License-Identifier: GPL-2.0
/*
 * The latency test: atmqtt-bench agent-kernel and agent-tty (agents.c),
 * each on its own simulator, sampled in turn.
 */
#include "bench.h"

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
 * -t: ftrace's trace_marker, around each publish sample for
 * bench/phases.py (make bench-profile) and bench/insns.so (make
 * bench-insns), or with mark-rx around each receive sample instead.
 */
int trace_fd = -1;
bool mark_rx;

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
void bench_latency(struct atmqtt_nl *nl, struct mosquitto *mq,
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
