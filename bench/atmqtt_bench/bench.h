/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atmqtt-bench's shared declarations (main.c describes the program):
 *   common.c	die(), the simulator without its logs, the raw tty,
 *		opening a client and publishing through libatmqtt
 *   agents.c	the latency test's two agents: kernel and userspace
 *   latency.c	the latency test
 *   throughput.c	throughput against the line rate; the receive counter
 *		and the publish loop scale.c uses too
 *   scale.c	memory per modem, many modems at once, one round trip
 *   bridge.c	atmqtt-bridge against the CLI path and the library
 *   main.c	options and the workloads, in order
 */
#ifndef ATMQTT_BENCH_H
#define ATMQTT_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdbool.h>
#include <mosquitto.h>

#include "../../selftests/atmqtt/sim.h"

#define TOPIC_LEN 96

static inline double now_us(void)
{
	return now() * 1e6;
}

/*
 * Each latency sample starts after this long with nothing to do, as a
 * gateway's message or publish finds a quiet system: the previous
 * sample's tail (the broker reading its PUBLISH, libmosquitto's thread)
 * is done by then, and is not in this one's time for one side and in the
 * other side's next time by the luck of the scheduler
 * (Documentation/performance.rst, ninth round).
 */
#define LAT_QUIET_US 1000

/* common.c */
void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...);
int bench_sim_start(struct sim *s, const char *const *extra);
int tty_raw(int fd);
int bench_open(struct atmqtt_nl *nl, uint32_t h, uint32_t client);
int bench_publish(struct atmqtt_nl *nl, uint32_t h, const char *topic,
		  int qos, const void *payload, size_t len);

/* agents.c: atmqtt-bench agent-kernel and agent-tty */
int agent_kernel(uint32_t h, const char *prefix);
int agent_tty(const char *pty, const char *prefix);

/* latency.c: -t's trace_marker (-1: none) and mark-rx, which main.c sets */
extern int trace_fd;
extern bool mark_rx;
void bench_latency(struct atmqtt_nl *nl, struct mosquitto *mq,
		   int samples, bool kernel, bool user);

/* throughput.c */
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

void rx_pump(struct atmqtt_events *ev, struct rx_count *c, int ms);
void pub_loop_start(struct pub_loop *p, uint32_t h, const char *topic,
		    int size, double until);
void bench_throughput(struct atmqtt_nl *nl, struct mosquitto *mq,
		      const long *bauds, unsigned int nbauds,
		      const int *sizes, unsigned int nsizes,
		      const char *trace);

/* scale.c */
void bench_memory(struct atmqtt_nl *nl);
void bench_scale(struct atmqtt_nl *nl, int modems);
void bench_roundtrip(struct atmqtt_nl *nl);

/* bridge.c */
void bench_bridge(struct atmqtt_nl *nl, int samples);

#endif /* ATMQTT_BENCH_H */
