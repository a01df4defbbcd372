// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle under load: while threads hammer two modems with requests and
 * mosquitto floods a subscription, the line discipline is detached and
 * re-attached, and the simulator is killed (the pty hangs up) and restarted,
 * cycle after cycle.  Every request must end with success or one of the
 * errors a vanishing modem explains; nothing may crash, hang or leak (the
 * VM checks the kernel log, kmemleak on the debug kernel, and unloads the
 * module after the suite).  STRESS_CYCLES sets the number of cycles
 * (default 60; `make stress` runs more).
 */
#include "harness.h"

#define NTHREADS 4

struct load {
	struct sim *sims;	/* two */
	volatile int stop;
	unsigned long ops, ok, expected_err;
	unsigned long bad;	/* an errno no vanishing modem explains */
	int last_bad;
	pthread_mutex_t lock;
};

/* What a request may answer while its modem comes and goes. */
static int expected(int err)
{
	switch (err) {
	case 0:
	case -ENODEV:
	case -ETIMEDOUT:
	case -EIO:		/* the simulator's ERROR: client not open */
	case -ECOMM:
	case -EINTR:
	case -EPROTO:		/* a query answered by a half-dead modem */
	case -EREMOTEIO:
		return 1;
	}
	return 0;
}

static void *hammer(void *arg)
{
	struct load *l = arg;
	struct atmqtt_nl *nl = atmqtt_nl_open();
	unsigned int seed = (unsigned int)pthread_self();
	struct atmqtt_raw_reply *raw;
	char line[256];

	if (!nl)
		return NULL;
	while (!l->stop) {
		struct sim *s = &l->sims[rand_r(&seed) % 2];
		uint32_t h = s->handle;
		int err;

		switch (rand_r(&seed) % 7) {
		case 0:
			err = open_broker(nl, h, 1 + rand_r(&seed) % 2);
			break;
		case 1:
			/* Binary: by <Datasize>, and it must say so. */
			err = publish(nl, h, 1, "atmqtt/stress/pub", 1, 0,
				      "\x01\x02\"x", 4, 0);
			err = err == ATMQTT_PUB_DATASIZE ? 0 : err ?: -EBADE;
			break;
		case 2:
			err = atmqtt_subscribe(nl, h, 1, "atmqtt/stress/in", 0);
			break;
		case 3:
			err = atmqtt_conf_get(nl, h);
			err = err > 0 ? 0 : err;
			break;
		case 4:
			raw = NULL;
			err = atmqtt_raw(nl, h, "AT", 0, &raw);
			if (!err && (!raw || !raw->final))
				err = -EBADE;
			if (raw)
				atmqtt_raw_free(raw);
			break;
		case 5:
			/* The line's length on success. */
			err = atmqtt_test(nl, h, ATMQTT_AT_PUB, line,
					  sizeof(line));
			err = err > 0 ? 0 : err ?: -EBADE;
			break;
		default:
			err = atmqtt_client_close(nl, h, 1 + rand_r(&seed) % 2);
			break;
		}
		pthread_mutex_lock(&l->lock);
		l->ops++;
		if (!err)
			l->ok++;
		else if (expected(err))
			l->expected_err++;
		else {
			l->bad++;
			l->last_bad = err;
		}
		pthread_mutex_unlock(&l->lock);
	}
	atmqtt_nl_close(nl);
	return NULL;
}

static pid_t flood_start(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Its own process group: the shell and its mosquitto_pub
		 * end together (busybox in the VM has no pkill).
		 */
		setpgid(0, 0);
		execlp("sh", "sh", "-c",
		       "while :; do seq 1 200 | mosquitto_pub -h 127.0.0.1 "
		       "-t atmqtt/stress/in -l -q 0 2>/dev/null; done", NULL);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* whichever of the two runs first */
	return pid;
}

TEST_F_TIMEOUT(modem, attach_detach_hangup_under_load, 900)
{
	const char *env = getenv("STRESS_CYCLES");
	int cycles = env ? atoi(env) : 60, i, hangups = 0, reattach = 0;
	struct sim sims[2] = { self->sim, { .fd = -1 } };
	struct load l = { .sims = sims };
	pthread_t th[NTHREADS];
	pid_t flood;

	pthread_mutex_init(&l.lock, NULL);
	ASSERT_EQ(0, sim_start(&sims[1], 1));
	ASSERT_EQ(0, sim_attach(&sims[1], self->nl));
	open_broker(self->nl, sims[0].handle, 1);
	atmqtt_subscribe(self->nl, sims[0].handle, 1, "atmqtt/stress/in", 0);
	flood = flood_start();
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hammer, &l));

	/* EXPECT and break, not ASSERT: the load must be stopped either way. */
	for (i = 0; i < cycles; i++) {
		struct sim *s = &sims[i % 2];
		int err;

		usleep(20000 + (i % 5) * 10000);
		if (i % 10 == 9) {
			/* Hang up: the simulator dies with the pty master. */
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			s->pid = 0;
			close(s->fd);
			s->fd = -1;
			unlink(s->log);
			err = sim_start(s, i % 2);
			hangups++;
		} else {
			err = atmqtt_ldisc_detach(s->fd);
			reattach++;
		}
		err = err ?: sim_attach(s, self->nl);
		EXPECT_EQ(0, err) TH_LOG("cycle %d", i);
		if (err)
			break;
		if (i % 2 == 0)
			atmqtt_subscribe(self->nl, s->handle, 1,
					 "atmqtt/stress/in", 0);
	}

	l.stop = 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	/* The group: the shell's loop and the mosquitto_pub it runs. */
	kill(-flood, SIGKILL);
	waitpid(flood, NULL, 0);
	TH_LOG("%d cycles (%d detach/attach, %d hangups): %lu requests, %lu ok, %lu expected errors, %lu others (last %d)",
	       cycles, reattach, hangups, l.ops, l.ok, l.expected_err, l.bad,
	       l.last_bad);
	EXPECT_EQ(0u, l.bad);
	EXPECT_LT(0u, l.ok);

	/* Still a working module: open and publish on each modem. */
	for (i = 0; i < 2; i++) {
		atmqtt_client_close(self->nl, sims[i].handle, 2);
		EXPECT_EQ(0, open_broker(self->nl, sims[i].handle, 2));
		/* Printable: quoted. */
		EXPECT_EQ(0, publish(self->nl, sims[i].handle, 2,
				     "atmqtt/stress/after", 1, 0, "ok", 2, 0));
	}
	self->sim = sims[0];
	sim_stop(&sims[1]);
	unlink(sims[1].log);
}

/* Many threads on two modems that stay: every request gets an answer the
 * modem explains (success, or ERROR for a client in the wrong state).
 */
TEST_F_TIMEOUT(modem, concurrent_requests_two_modems, 300)
{
	struct sim b = { .fd = -1 };
	struct load l = {};
	struct sim sims[2];
	pthread_t th[NTHREADS];
	int i;

	pthread_mutex_init(&l.lock, NULL);
	ASSERT_EQ(0, sim_start(&b, 1));
	ASSERT_EQ(0, sim_attach(&b, self->nl));
	sims[0] = self->sim;
	sims[1] = b;
	l.sims = sims;
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hammer, &l));
	sleep(5);
	l.stop = 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	TH_LOG("%lu requests, %lu ok, %lu expected errors, %lu others (last %d)",
	       l.ops, l.ok, l.expected_err, l.bad, l.last_bad);
	EXPECT_EQ(0u, l.bad);
	EXPECT_LT(100u, l.ok);
	sim_stop(&b);
	unlink(b.log);
}

TEST_HARNESS_MAIN
