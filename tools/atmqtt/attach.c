// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt attach, detach and list: the line discipline set on a tty and
 * held by a process of its own until detach or a signal, and the modems
 * the kernel made of them.  The pid file of that process is pidfile.c's.
 */
#define _GNU_SOURCE		/* ppoll() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "cli.h"
#include "pidfile.h"
#include "signals.h"

/* Opens the tty for attach or detach: the resolved path, checked to be
 * still the device resolved.  An fd, or -1 after saying why.
 */
static int tty_open(const struct tty_id *id)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: no wait for a carrier the modem may not raise */
	fd = open(id->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		out_fail(id->arg, -errno, NULL);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != id->rdev) {
		fprintf(stderr, "atmqtt: %s changed while it was opened\n",
			id->arg);
		close(fd);
		return -1;
	}
	if (!isatty(fd)) {
		fprintf(stderr, "atmqtt: %s: not a tty\n", id->arg);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* The current line discipline of fd, or a negative errno. */
static int ldisc_get(int fd)
{
	int n;

	return ioctl(fd, TIOCGETD, &n) ? -errno : n;
}

static speed_t baud_of(unsigned long b)
{
	static const struct { unsigned long b; speed_t s; } t[] = {
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
		{ 460800, B460800 }, { 921600, B921600 },
		{ 1000000, B1000000 }, { 3000000, B3000000 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i].b == b)
			return t[i].s;
	return 0;
}

static void tty_raw(int fd, speed_t speed)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return;
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	cfsetispeed(&tio, speed);
	cfsetospeed(&tio, speed);
	tcsetattr(fd, TCSANOW, &tio);
}

/* Tells systemd (Type=notify) that the tty is attached. */
static void notify_ready(void)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = sock ? strlen(sock) : 0;
	int fd;

	if (!n || n >= sizeof(sa.sun_path) || (sock[0] != '/' && sock[0] != '@'))
		return;
	memcpy(sa.sun_path, sock, n);
	if (sock[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       offsetof(struct sockaddr_un, sun_path) + n);
	close(fd);
}

/* Holds the tty until a caught signal or a hangup. */
static void attach_hold(int fd, const char *tty, const sigset_t *wait_mask)
{
	/* A hangup wakes no one (the line discipline has no poll): it is
	 * looked for every second.  A signal ends the wait at once.
	 */
	const struct timespec tick = { .tv_sec = 1 };

	while (!signals_caught) {
		struct pollfd p = { .fd = fd, .events = 0 };

		/* POLLHUP/POLLERR are reported whatever events asks for. */
		if (ppoll(&p, 1, &tick, wait_mask) > 0 &&
		    (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			fprintf(stderr, "atmqtt: %s hung up\n", tty);
			break;
		}
	}
}

/* The modem the kernel made of the tty; 0 or EXIT_FAIL after saying why. */
static int attach_find(const struct tty_id *id, uint32_t *handle)
{
	struct atmqtt_nl *nl = modem_connect();
	int err;

	if (!nl)
		return EXIT_FAIL;
	err = atmqtt_modem_find(nl, id->path, handle);
	if (err == -ENODEV) {
		fprintf(stderr, "atmqtt: no modem attached on %s\n", id->arg);
		atmqtt_nl_close(nl);
		return EXIT_FAIL;
	}
	return modem_done(nl, "attach: list", err);
}

/* Leaves a daemon's process group and terminal, and its stdio. */
static void daemonize(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();
	if (chdir("/"))
		return;
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
}

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "baud", required_argument, NULL, 'b' },
		{ "foreground", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = TARGET_INIT;
	unsigned long baud = 115200;
	struct pidfile pf;
	struct tty_id id;
	sigset_t wait_mask;
	bool fg = false;
	uint32_t handle;
	speed_t speed;
	int c, fd, err;
	pid_t child;

	signals_catch(&wait_mask);
	while ((c = opt_next(argc, argv, "b:f", opts, &t)) >= 0) {
		if (c == 'f')
			fg = true;
		else if (c != 'b' || !opt_ulong(optarg, UINT_MAX, &baud))
			return opt_usage();
	}
	if (c == OPT_STOP)
		return opt_status;
	if (optind != argc - 1)
		return opt_usage();
	speed = baud_of(baud);
	if (!speed) {
		fprintf(stderr, "atmqtt attach: unsupported baud rate %lu\n",
			baud);
		return opt_usage();
	}
	if (tty_resolve(argv[optind], &id))
		return EXIT_FAIL;

	/* One holder per tty: the tty's lock, then its pid file's. */
	fd = tty_open(&id);
	if (fd < 0)
		return EXIT_FAIL;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		c = pidfile_holder(&pf, &id);
		if (c > 0) {
			pidfile_say_attached(&id, c);
			pidfile_close(&pf);
		} else if (!c) {
			fprintf(stderr, "atmqtt: %s is held by another process (no pid file)\n",
				id.arg);
		}
		close(fd);
		return EXIT_FAIL;
	}
	if (pidfile_lock(&pf, &id)) {
		close(fd);
		return EXIT_FAIL;
	}

	tty_raw(fd, speed);
	err = atmqtt_ldisc_attach(fd);
	if (err) {
		pidfile_drop(&pf, &id);
		close(fd);
		return out_fail("attach", err, NULL);
	}
	/* From here on every way out restores N_TTY. */
	err = attach_find(&id, &handle);
	if (err)
		goto undo;
	if (out_json) {
		j_begin();
		j_str("tty", id.arg);
		j_uint("modem", handle);
		j_end();
	} else {
		printf("atmqtt: %s attached as modem %u\n", id.arg, handle);
	}
	fflush(stdout);

	if (!fg) {
		/* a signal for this process would not reach the child */
		if (signals_pending()) {
			fprintf(stderr, "atmqtt: %s: interrupted, detached again\n",
				id.arg);
			err = EXIT_FAIL;
			goto undo;
		}
		child = fork();
		if (child < 0) {
			err = out_fail("attach: fork", -errno, NULL);
			goto undo;
		}
		if (child > 0) {
			/* The pid file names the holder before this returns:
			 * "attach X && detach X" finds it.  The locks stay
			 * with the child.
			 */
			pidfile_set(&pf, child);
			return 0;
		}
		daemonize();
	} else {
		pidfile_set(&pf, getpid());
	}
	notify_ready();
	attach_hold(fd, id.arg, &wait_mask);
	err = 0;
undo:
	atmqtt_ldisc_detach(fd);
	pidfile_drop(&pf, &id);
	close(fd);
	return err;
}

int cmd_detach(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	int pid, fd, err, i, ret = opt_plain(argc, argv, &t, 1, 1);
	struct pidfile pf;
	struct tty_id id;

	if (ret >= 0)
		return ret;
	if (tty_resolve(argv[optind], &id))
		return EXIT_FAIL;
	pid = pidfile_holder(&pf, &id);
	if (pid < 0)
		return EXIT_FAIL;
	if (pid > 0) {
		if (!pidfile_holder_is_attach(pid, &id, pf.path)) {
			pidfile_close(&pf);
			return EXIT_FAIL;
		}
		if (kill(pid, SIGTERM)) {
			pidfile_close(&pf);
			return out_fail("detach", -errno, NULL);
		}
		/* It restores N_TTY, then drops the pid file's lock. */
		for (i = 0; i < 1000 && flock(pf.fd, LOCK_SH | LOCK_NB); i++)
			usleep(10000);
		pidfile_close(&pf);
		if (i < 1000)
			return 0;
		fprintf(stderr, "atmqtt: attach process %d did not exit\n", pid);
		return EXIT_FAIL;
	}

	/* No attach process: N_TTY set here, unless the tty is held. */
	fd = tty_open(&id);
	if (fd < 0)
		return EXIT_FAIL;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "atmqtt: %s is held by a process without a pid file here: not touched\n",
			id.arg);
		close(fd);
		return EXIT_FAIL;
	}
	err = ldisc_get(fd);
	if (!err)
		fprintf(stderr, "atmqtt: %s was not attached\n", id.arg);
	else if (err > 0)
		err = atmqtt_ldisc_detach(fd);
	close(fd);
	return err < 0 ? out_fail("detach", err, NULL) : 0;
}

static int list_cb(const struct atmqtt_modem_info *m, void *arg)
{
	char dev[24] = "-";

	(void)arg;
	if (m->tty_dev)
		snprintf(dev, sizeof(dev), "%u:%u", ATMQTT_TTY_MAJOR(m->tty_dev),
			 ATMQTT_TTY_MINOR(m->tty_dev));
	if (!out_json) {
		printf("%-6u %-12s %-9s %-5s %4u %10llu %10llu %10llu %10llu %10llu\n",
		       m->handle, m->tty ? m->tty : "-", dev,
		       atmqtt_state_name(m->state),
		       m->mode, (unsigned long long)m->rx_seq,
		       (unsigned long long)m->rx_drops,
		       (unsigned long long)m->rx_stray,
		       (unsigned long long)m->rx_malformed,
		       (unsigned long long)m->rx_overflows);
		return 0;
	}
	j_begin();
	j_uint("modem", m->handle);
	j_str("tty", m->tty);
	if (m->tty_dev)
		j_str("dev", dev);
	j_str("state", atmqtt_state_name(m->state));
	j_uint("mode", m->mode);
	j_uint("rx_seq", m->rx_seq);
	j_uint("rx_drops", m->rx_drops);
	j_uint("rx_stray", m->rx_stray);
	j_uint("rx_malformed", m->rx_malformed);
	j_uint("rx_overflows", m->rx_overflows);
	j_uint("mem_bytes", m->mem_bytes);
	j_uint("resyncs", m->resyncs);
	j_end();
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret;

	nl = modem_dump_args(argc, argv, &t, &ret);
	if (!nl)
		return ret;
	if (!out_json)
		printf("%-6s %-12s %-9s %-5s %4s %10s %10s %10s %10s %10s\n",
		       "MODEM", "TTY", "DEV", "STATE", "MODE", "RX_SEQ",
		       "RX_DROPS", "RX_STRAY", "MALFORMED", "OVERFLOWS");
	ret = atmqtt_modem_list(nl, t.modem, list_cb, NULL);
	fflush(stdout);
	return modem_done(nl, "list", ret < 0 ? ret : 0);
}

/*
 * atmqtt limits: what each modem takes (ATMQTT_A_MODEM_LIMITS, the kernel's
 * word for its dialect), one line per modem in the style of user and will:
 *   modem 1 dialect fibocom clients 2 host 255 topic 255 payload 1024
 *   user_name 128 password 128 client_ident 23 keepalive 300 qos 2 subs 128
 *   binary yes tls no
 * (on one line).  The kernel checks every request against these.  A
 * modem has one client at least: clients 0 (or no limits at all) is a
 * kernel that did not report them.
 */
static int limits_cb(const struct atmqtt_modem_info *m, void *arg)
{
	const struct atmqtt_limits *l =
		m->limits && m->limits->clients ? m->limits : NULL;
	const char *dialect = m->dialect && *m->dialect ? m->dialect : NULL;

	(void)arg;
	if (out_json) {
		j_begin();
		j_uint("modem", m->handle);
		if (dialect)
			j_str("dialect", dialect);
		if (l) {
			j_uint("clients", l->clients);
			j_uint("host", l->host);
			j_uint("topic", l->topic);
			j_uint("payload", l->payload);
			j_uint("user_name", l->user_name);
			j_uint("password", l->password);
			j_uint("client_ident", l->client_ident);
			j_uint("keepalive", l->keepalive);
			j_uint("qos", l->qos);
			j_uint("subs", l->subs);
			j_bool("binary", l->binary);
			j_bool("tls", l->tls);
		}
		j_end();
		return 0;
	}
	printf("modem %u", m->handle);
	if (dialect)
		printf(" dialect %s", dialect);
	if (!l) {
		puts(" limits unknown");
		return 0;
	}
	printf(" clients %u host %u topic %u payload %u user_name %u password %u client_ident %u keepalive %u qos %u subs %u binary %s tls %s\n",
	       l->clients, l->host, l->topic, l->payload, l->user_name,
	       l->password, l->client_ident, l->keepalive, l->qos, l->subs,
	       l->binary ? "yes" : "no", l->tls ? "yes" : "no");
	return 0;
}

int cmd_limits(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret;

	nl = modem_dump_args(argc, argv, &t, &ret);
	if (!nl)
		return ret;
	ret = atmqtt_modem_list(nl, t.modem, limits_cb, NULL);
	fflush(stdout);
	return modem_done(nl, "limits", ret < 0 ? ret : 0);
}
