// SPDX-License-Identifier: GPL-2.0
/* atmqtt-bridge against the CLI path and the library. */
#include "bench.h"

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

/*
 * Side j's QoS 1 publish of payload (n bytes) to topic: to the local broker
 * for the bridge, atmqtt pub or atmqtt_publish() on modem h.
 */
static void br_publish(struct atmqtt_nl *nl, struct mosquitto *local,
		       uint32_t h, int j, const char *topic,
		       const char *payload, int n)
{
	if (j == 0)
		mosquitto_publish(local, NULL, topic, n, payload, 1, false);
	else if (j == 1)
		cli_pub(h, topic, payload);
	else
		bench_publish(nl, h, topic, 1, payload, n);
}

void bench_bridge(struct atmqtt_nl *nl, int samples)
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
	    bench_open(nl, sc.handle, 1))
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
			br_publish(nl, local, sc.handle, j,
				   j ? topic[j] : ltopic, payload, n);
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
			br_publish(nl, local, sc.handle, j,
				   j ? topic[j] : ltopic, payload, n);
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
