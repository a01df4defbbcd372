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
 *	(internal) the two programs the latency test compares (agents.c).
 *
 * bench.h lists the files and what each holds.
 */
#include "bench.h"

#define COUNT(a) (sizeof(a) / sizeof(*(a)))
#define TRACE_MARKER "/sys/kernel/tracing/trace_marker"

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

/* The throughput workload: every rate (0: unpaced) and payload size. */
static const long tp_bauds[] = { 115200, 921600, 0 };
static const int tp_sizes[] = { 16, 256, 1024 };
/* "exchange" (make bench-profile): one of them, traced for
 * bench/exchanges.py.
 */
static const long x_bauds[] = { 921600 };
static const int x_sizes[] = { 1024 };
#define EXCHANGE_TRACE "/tmp/exchange.trace"

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

