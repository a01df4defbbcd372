/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated modem for the kselftests and make bench: atmqtt-sim on a pty,
 * bridged to mosquitto on 127.0.0.1:1883, with the line discipline
 * attached; its control FIFO, byte log and publish log; module parameters.
 */
#ifndef ATMQTT_SELFTEST_SIM_H
#define ATMQTT_SELFTEST_SIM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "atmqtt.h"

#define BROKER "127.0.0.1"
#define PORT 1883

struct sim {
	pid_t pid;
	int fd;			/* pty slave with the ldisc */
	char tty[128];
	char ctl[64];
	char log[64];		/* every byte the modem received */
	char publog[64];	/* every message it published (-P) */
	uint32_t handle;
};

/*
 * Run atmqtt-sim with argv[0..argc) and then extra (more options, or NULL),
 * 15 arguments at the most (argv has room for 16), and open the pty it
 * names on its first line of output.
 */
static inline int sim_exec(struct sim *s, const char *argv[16], int argc,
			   const char *const *extra)
{
	int out[2];
	char buf[128];
	ssize_t r;
	size_t len = 0;

	if (pipe(out))
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		while (extra && *extra && argc < 15)
			argv[argc++] = *extra++;
		argv[argc] = NULL;
		execvp("atmqtt-sim", (char **)argv);
		_exit(127);
	}
	close(out[1]);
	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };

		if (poll(&p, 1, 5000) <= 0)
			break;
		r = read(out[0], buf + len, 1);
		if (r <= 0 || buf[len] == '\n')
			break;
		len++;
	}
	close(out[0]);
	buf[len] = '\0';
	if (!len)
		return -1;
	snprintf(s->tty, sizeof(s->tty), "%s", buf);
	/* Close-on-exec: a forked helper (mosquitto_pub, a flood loop) must
	 * not keep the tty, and with it the module, in use.
	 */
	s->fd = open(s->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return s->fd < 0 ? -1 : 0;
}

/*
 * Start simulator n of this process, with its control FIFO, byte log (-l)
 * and publish log (-P); extra: more options, or NULL.
 */
static inline int sim_start_opts(struct sim *s, int n,
				 const char *const *extra)
{
	const char *argv[16] = { "atmqtt-sim", "-c", s->ctl, "-l", s->log,
				 "-P", s->publog };

	snprintf(s->ctl, sizeof(s->ctl), "/tmp/simctl.%d.%d", getpid(), n);
	snprintf(s->log, sizeof(s->log), "/tmp/simlog.%d.%d", getpid(), n);
	snprintf(s->publog, sizeof(s->publog), "/tmp/simpub.%d.%d", getpid(),
		 n);
	unlink(s->log);
	unlink(s->publog);
	return sim_exec(s, argv, 7, extra);
}

static inline int sim_start(struct sim *s, int n)
{
	return sim_start_opts(s, n, NULL);
}

static inline int sim_info_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct atmqtt_modem_info *mi = arg;
	size_t n = m->size < sizeof(*mi) ? m->size : sizeof(*mi);

	/* As much as the library's structure has; its strings and limits
	 * are the library's, valid in this callback only: not kept.
	 */
	memset(mi, 0, sizeof(*mi));
	memcpy(mi, m, n);
	mi->size = n;
	mi->tty = NULL;
	mi->dialect = NULL;
	mi->limits = NULL;
	return 1;
}

/* The modem's entry of the GET_MODEM dump into *mi (left as it was when
 * the modem is not there): its state and counters, without its strings
 * and limits (NULL).  Returns 1, 0 when not found, or -errno.
 */
static inline int sim_info(struct atmqtt_nl *nl, uint32_t handle,
			   struct atmqtt_modem_info *mi)
{
	return atmqtt_modem_list(nl, handle, sim_info_cb, mi);
}

/*
 * The module's two commands after attach wait their turn behind any other
 * request to the modem: under load (the stress test) that can take a few
 * command timeouts.  Normally it is a few milliseconds.
 */
static inline int sim_wait_init(struct atmqtt_nl *nl, uint32_t handle)
{
	struct atmqtt_modem_info mi = { .state = ATMQTT_MODEM_INIT };
	int i;

	for (i = 0; i < 1000 && mi.state == ATMQTT_MODEM_INIT; i++) {
		if (sim_info(nl, handle, &mi) < 0)
			return -1;
		if (mi.state == ATMQTT_MODEM_INIT)
			usleep(20000);
	}
	return mi.state == ATMQTT_MODEM_INIT ? -ETIMEDOUT : 0;
}

static inline int sim_attach(struct sim *s, struct atmqtt_nl *nl)
{
	int err = atmqtt_ldisc_attach(s->fd);

	err = err ? err : atmqtt_modem_find(nl, s->tty, &s->handle);
	/* Let the module's own commands after attach (AT+MQTTCONF=1 and
	 * AT+MQTTCLOSE?) finish, so that they take no fault meant for a test.
	 */
	return err ? err : sim_wait_init(nl, s->handle);
}

static inline void sim_ctl(struct sim *s, const char *cmd)
{
	int fd = open(s->ctl, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, cmd, strlen(cmd)) < 0)
			perror("ctl");
		close(fd);
	}
	usleep(100000);
}

static inline void sim_stop(struct sim *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

/* A whole file, NUL-terminated ("" when missing); free() it. */
static inline char *sim_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	long size;
	char *buf;

	*len = 0;
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0) {
		if (f)
			fclose(f);
		return strdup("");
	}
	rewind(f);
	buf = malloc(size + 1);
	if (buf)
		*len = fread(buf, 1, size, f);
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf ? buf : strdup("");
}

/* Everything the modem received so far, NUL-terminated; free() it. */
static inline char *sim_log(struct sim *s, size_t *len)
{
	return sim_read_file(s->log, len);
}

static inline int sim_log_has(struct sim *s, const void *what, size_t n)
{
	size_t len;
	char *log = sim_log(s, &len);
	int found = memmem(log, len, what, n) != NULL;

	free(log);
	return found;
}

/*
 * The publish log so far, NUL-terminated; free() it.  One line per message
 * the simulator handed to the broker, written before it did:
 * "PUB <client> <qos> <retain> <topic hex> <payload hex, or ->\n".
 */
static inline char *sim_publog(struct sim *s, size_t *len)
{
	return sim_read_file(s->publog, len);
}

/* The number of messages published so far. */
static inline int sim_publog_count(struct sim *s)
{
	size_t len;
	char *log = sim_publog(s, &len), *p = log;
	int n = 0;

	while (p && *p) {
		n += !strncmp(p, "PUB ", 4);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(log);
	return n;
}

/* Whether the hex field [f, e) holds hex (hn digits) at an even offset. */
static inline int sim_hex_field_has(const char *f, const char *e,
				    const char *hex, size_t hn)
{
	const char *p = f;

	while ((size_t)(e - p) >= hn) {
		p = memmem(p, e - p, hex, hn);
		if (!p)
			return 0;
		if (!((p - f) & 1))
			return 1;
		p++;
	}
	return 0;
}

/*
 * 1 if a topic or a payload published so far contains the n bytes (an
 * empty payload, "-", contains only the empty string).
 */
static inline int sim_publog_has(struct sim *s, const void *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = bytes;
	char *hex = malloc(2 * n + 1), *log, *line, *next, *f, *e;
	size_t i, len;
	int field, found = 0;

	if (!hex)
		return 0;
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	log = sim_publog(s, &len);
	for (line = log; !found && line && *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (strncmp(line, "PUB ", 4))
			continue;
		/* Fields 4 and 5 (from 0): topic and payload. */
		for (f = line, field = 0; f < next && !found; field++) {
			e = f + strcspn(f, " \n");
			if (e > next)
				e = next;
			if (field >= 4 && (!n ||
			    (*f != '-' && sim_hex_field_has(f, e, hex, 2 * n))))
				found = 1;
			f = e + 1;
		}
	}
	free(log);
	free(hex);
	return found;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void set_param(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/atmqtt/parameters/%s", name);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

#endif /* ATMQTT_SELFTEST_SIM_H */
