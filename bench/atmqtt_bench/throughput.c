// SPDX-License-Identifier: GPL-2.0
/* Throughput against the line rate: publish and receive at each rate. */
#include "bench.h"

static void fill_binary(unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = i * 7 + 3;
}

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

void rx_pump(struct atmqtt_events *ev, struct rx_count *c, int ms)
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

static void *pub_loop_run(void *arg)
{
	static unsigned char buf[1024];
	struct pub_loop *p = arg;
	struct atmqtt_nl *nl = atmqtt_nl_open();

	fill_binary(buf, sizeof(buf));
	while (nl && !p->err && now() < p->until) {
		p->err = bench_publish(nl, p->h, p->topic, 0, buf, p->size);
		p->n += !p->err;
	}
	atmqtt_nl_close(nl);
	return NULL;
}

void pub_loop_start(struct pub_loop *p, uint32_t h, const char *topic,
		    int size, double until)
{
	*p = (struct pub_loop){ .h = h, .size = size, .until = until };
	snprintf(p->topic, sizeof(p->topic), "%s", topic);
	pthread_create(&p->th, NULL, pub_loop_run, p);
}

/*
 * Publish and receive at each rate and payload size; with trace, the paced
 * simulators trace their I/O there (atmqtt-sim -T).
 */
void bench_throughput(struct atmqtt_nl *nl, struct mosquitto *mq,
		      const long *bauds, unsigned int nbauds,
		      const int *sizes, unsigned int nsizes,
		      const char *trace)
{
	static unsigned char buf[1024];
	unsigned int b, s;

	fill_binary(buf, sizeof(buf));
	for (b = 0; b < nbauds; b++) {
		struct atmqtt_events *ev = atmqtt_events_open();
		struct atmqtt_limits lim = { .size = sizeof(lim) };
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
		    bench_open(nl, m.handle, 1) ||
		    atmqtt_subscribe(nl, m.handle, 1, "bench/tp/rx", 0) ||
		    atmqtt_modem_limits(nl, m.handle, &lim))
			die("throughput: setup at %ld baud", bauds[b]);
		for (s = 0; s < nsizes; s++)
			if (sizes[s] < 0 || (size_t)sizes[s] > sizeof(buf) ||
			    (uint32_t)sizes[s] > lim.payload)
				die("throughput: %d bytes: this modem takes 0-%u",
				    sizes[s], lim.payload);
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
			if (bench_publish(nl, m.handle, "bench/tp/pub", 1,
					  buf, 1))
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
