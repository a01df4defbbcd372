// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: time, logs, systemd's notifications, the text of an error.
 * Calls nothing of the bridge's.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "bridge.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

bool use_syslog, use_journal;
const char *log_name = "";

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double backoff(uint32_t *delay_ms, uint32_t min_ms, uint32_t max_ms)
{
	*delay_ms = *delay_ms ? *delay_ms * 2 : min_ms;
	if (*delay_ms > max_ms)
		*delay_ms = max_ms;
	return now() + *delay_ms / 1000.0;
}

/*
 * To syslog, or to stderr: with a "<prio>" prefix under systemd (journald
 * reads it), else "atmqtt-bridge[name]: ".  Nothing secret is ever passed
 * here: no password, no payload.
 */
void logm(struct bridge *b, int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && (!b || !b->verbose))
		return;
	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		if (use_journal)
			fprintf(stderr, "<%d>", prio);
		else
			fprintf(stderr, "atmqtt-bridge[%s]: ", log_name);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
	if (b && prio <= LOG_WARNING) {
		va_start(ap, fmt);
		vsnprintf(b->last_error, sizeof(b->last_error), fmt, ap);
		va_end(ap);
		b->dirty = true;
	}
}

/* Per-message warnings: one a second, the rest counted. */
bool ratelimit(struct bridge *b)
{
	double t = now();

	if (t - b->log_at < 1.0) {
		b->log_skipped++;
		return false;
	}
	if (b->log_skipped)
		logm(b, LOG_WARNING, "(%lu more like the next one in the last second)",
		     b->log_skipped);
	b->log_at = t;
	b->log_skipped = 0;
	return true;
}

/* sd_notify(3)'s protocol, without libsystemd: one datagram. */
void notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char msg[256];
	va_list ap;
	size_t n;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   offsetof(struct sockaddr_un, sun_path) + n) < 0) {
		/* nothing to do about it */
	}
	close(fd);
}

/* "Connection timed out: <the kernel's extended ack> (modem error 703)" */
const char *nl_err(struct bridge *b, int err)
{
	static char buf[320];
	const char *ext = atmqtt_ext_error(b->nl);
	uint32_t code = atmqtt_modem_error(b->nl);
	int n;

	n = snprintf(buf, sizeof(buf), "%s", strerror(-err));
	if (ext && *ext && n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, ": %s", ext);
	if (code && n < (int)sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " (modem error %u)", code);
	return buf;
}

const char *cause_name(uint32_t cause)
{
	static const char *const names[] = {
		"unknown", "broker or ping", "wireless link", "not registered",
	};

	return cause < ARRAY_SIZE(names) ? names[cause] : "unknown";
}
