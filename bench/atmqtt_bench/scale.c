// SPDX-License-Identifier: GPL-2.0
/* Memory per modem, many modems at once, the cost of one round trip. */
#include "bench.h"

/* ---- memory per modem ---------------------------------------------------- */

static int mem_bytes_cb(const struct atmqtt_modem_info *m, void *arg)
{
	*(uint64_t *)arg = m->mem_bytes;
	return 0;
}

/* ATMQTT_A_MODEM_MEM_BYTES of modem h. */
static uint64_t mem_bytes(struct atmqtt_nl *nl, uint32_t h)
{
	uint64_t n = 0;

	if (atmqtt_modem_list(nl, h, mem_bytes_cb, &n) < 1)
		die("memory: the modem's dump");
	return n;
}

void bench_memory(struct atmqtt_nl *nl)
{
	struct sim m = { .fd = -1 };
	char topic[TOPIC_LEN];
	uint64_t idle, busy;
	int i;

	if (bench_sim_start(&m, NULL) || sim_attach(&m, nl))
		die("memory: setup");
	idle = mem_bytes(nl, m.handle);
	if (bench_open(nl, m.handle, 1) || bench_open(nl, m.handle, 2))
		die("memory: open");
	for (i = 0; i < 100; i++) {
		snprintf(topic, sizeof(topic), "bench/mem/some/topic/%d", i);
		if (atmqtt_subscribe(nl, m.handle, 1 + i % 2, topic, 0))
			die("memory: subscribe");
	}
	busy = mem_bytes(nl, m.handle);
	printf("BENCH mem_idle_bytes %llu\n", (unsigned long long)idle);
	printf("BENCH mem_busy_bytes %llu\n", (unsigned long long)busy);
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

void bench_scale(struct atmqtt_nl *nl, int modems)
{
	static const char *const opts[] = { "-B", "115200", NULL };
	struct sim sims[64] = {};
	char topic[TOPIC_LEN];
	int i;

	for (i = 0; i < modems; i++) {
		sims[i] = (struct sim){ .fd = -1 };
		if (bench_sim_start(&sims[i], opts) ||
		    sim_attach(&sims[i], nl))
			die("scale: modem %d", i);
		snprintf(topic, sizeof(topic), "bench/sc/%u", sims[i].handle);
		if (bench_open(nl, sims[i].handle, 1) ||
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
 * calls the baseline makes: a PUBLISH the policy refuses (client 256,
 * past the family's 1-255: the netlink core answers -ERANGE before any
 * modem is looked at; the generic netlink round trip, an error ack), and
 * one write() and read() through a pipe and through a pty in N_TTY raw
 * mode.  Microseconds per operation; no goal, they explain the latency
 * figures.
 */
void bench_roundtrip(struct atmqtt_nl *nl)
{
	char buf[64] = "AT+MQTTPUB=1,\"t\",0,0,\"xxxxxxxxxxxxxxxx\"\r";
	int pfd[2], master, slave, i;
	double t0;

	t0 = now_us();
	for (i = 0; i < RT_OPS; i++)
		if (atmqtt_publish(nl, 1, 256, "t", "x", 1, NULL) != -ERANGE)
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
