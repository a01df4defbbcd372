// SPDX-License-Identifier: GPL-2.0
/* atmqtt-bench's helpers: bench.h lists who uses them. */
#include "bench.h"

#include <stdarg.h>
#include <termios.h>

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "atmqtt-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/*
 * Start a simulator as sim.h's sim_start_opts() does but without the
 * byte log (-l) and the publish log (-P) that it always asks for: the
 * selftests read them, the benchmark does not, and they cost the
 * simulator a write() to a file per read of the pty and the hex of every
 * message published, which make bench measured as the modem's time.
 * extra: more options, or NULL.
 */
int bench_sim_start(struct sim *s, const char *const *extra)
{
	const char *argv[16] = { "atmqtt-sim" };

	return sim_exec(s, argv, 1, extra);
}

/* A client of modem h, opened to the VM's mosquitto: a clean session,
 * keepalive 60 s.  0 or a negative errno.
 */
int bench_open(struct atmqtt_nl *nl, uint32_t h, uint32_t client)
{
	struct atmqtt_open_opts o = ATMQTT_OPEN_OPTS_INIT;

	o.host = BROKER;
	o.port = PORT;
	o.clean = 1;
	o.keepalive = 60;
	return atmqtt_client_open(nl, h, client, &o);
}

/*
 * A publish on client 1 of modem h, not retained, in whichever form the
 * payload needs: 0 or a negative errno (atmqtt_publish() returns the form
 * it used, which the benchmark does not need).
 */
int bench_publish(struct atmqtt_nl *nl, uint32_t h, const char *topic,
		  int qos, const void *payload, size_t len)
{
	struct atmqtt_pub_opts o = ATMQTT_PUB_OPTS_INIT;
	int err;

	o.qos = qos;
	err = atmqtt_publish(nl, h, 1, topic, payload, len, &o);
	return err < 0 ? err : 0;
}

/* The tty as the baseline uses it: N_TTY raw mode, a read() per byte run. */
int tty_raw(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return -1;
	cfmakeraw(&tio);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &tio);
}
