// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: the line.  The pty master, paced like a UART (-B), the byte
 * log (-l) and the trace (-T) of what crosses it; out(), through which
 * every byte of a response or URC goes, with the line's faults (split,
 * eol, garbage); and the URCs sent later.
 *
 * out_lock keeps every response and URC in one piece, and one write() to
 * the pty: the main thread and the libmosquitto loop threads send.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "line.h"

#define LATER_MAX	16	/* deferred URCs */

volatile sig_atomic_t stop;
bool verbose;
struct line_faults line_faults = { .eol = "\r\n", .seed = 1 };

static int master = -1, log_fd = -1;
static pthread_mutex_t out_mutex = PTHREAD_MUTEX_INITIALIZER;

/* URCs to send later, in order of insertion among equal deadlines */
static pthread_mutex_t later_lock = PTHREAD_MUTEX_INITIALIZER;
static struct later {
	long long due;			/* CLOCK_MONOTONIC ms */
	char text[48];
} later_q[LATER_MAX];
static int later_n;

void logv(const char *dir, const char *s, size_t n)
{
	if (!verbose)
		return;
	fprintf(stderr, "sim %s ", dir);
	fwrite(s, 1, n, stderr);
	fputc('\n', stderr);
}

/*
 * -T: one line for each move of bytes between the host and the modem, with
 * its CLOCK_MONOTONIC time: "<s.ns> <what> <n> <up to 24 bytes, escaped>".
 * R: read from the pty; W: written to it.  With -B also T: the bytes read
 * are taken, once the line would have carried them; S: the bytes to write
 * start on the line.  bench/exchanges.py reads it (make bench-profile).
 */
static FILE *trace_f;

static void trace_io(char what, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	char text[24 * 4 + 1], *t = text;
	struct timespec ts;
	size_t i;

	if (!trace_f)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < n && i < 24; i++) {
		if (p[i] == '\r' || p[i] == '\n')
			t += sprintf(t, "\\%c", p[i] == '\r' ? 'r' : 'n');
		else if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '\\')
			*t++ = p[i];
		else
			t += sprintf(t, "\\x%02x", p[i]);
	}
	*t = '\0';
	fprintf(trace_f, "%lld.%09ld %c %zu %s\n", (long long)ts.tv_sec,
		ts.tv_nsec, what, n, text);
}

/*
 * -B: a UART at this rate, 8N1 (10 bits a byte), each direction on its own
 * line.  The bytes of a write() arrive once the line would have carried
 * them; those read from the host are taken once they would have arrived.
 * A sleep is taken only when the line is more than PACE_SLACK_NS behind,
 * so that each sleep's overshoot (a millisecond in a TCG VM) does not add
 * up over the many small writes of an exchange: the rate is exact, a byte
 * may arrive up to PACE_SLACK_NS early.
 */
#define PACE_SLACK_NS	2000000LL
static long baud;
static long long tx_line_ns, rx_line_ns;	/* when each line is free */

static void pace(long long *line, size_t n)
{
	struct timespec ts;
	long long t, until;

	if (!baud)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (*line < t)
		*line = t;
	*line += (long long)n * 10 * 1000000000LL / baud;
	if (*line - t <= PACE_SLACK_NS)
		return;
	until = *line - PACE_SLACK_NS;
	ts.tv_sec = until / 1000000000LL;
	ts.tv_nsec = until % 1000000000LL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* The caller holds out_lock (or is the only writer). */
static void write_all(const void *buf, size_t n)
{
	const char *p = buf;

	if (baud)
		trace_io('S', buf, n);
	pace(&tx_line_ns, n);
	trace_io('W', buf, n);
	while (n) {
		ssize_t w = write(master, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			return;
		}
		p += w;
		n -= w;
	}
}

int line_rand(void)
{
	return rand_r(&line_faults.seed);
}

/* A random byte that is not a line end; out_lock held. */
static char junk_byte(void)
{
	char b;

	do
		b = line_rand();
	while (b == '\r' || b == '\n');
	return b;
}

/*
 * What out() gathered under out_lock.  A modem's UART sends the bytes of a
 * response back to back: they reach the pty in one write() when out_lock
 * is let go (out_unlock()), not piece by piece.
 */
static char out_buf[4096];
static size_t out_len;

static void out_flush(void)
{
	if (out_len)
		write_all(out_buf, out_len);
	out_len = 0;
}

void out_lock(void)
{
	pthread_mutex_lock(&out_mutex);
}

void out_unlock(void)
{
	out_flush();
	pthread_mutex_unlock(&out_mutex);
}

/*
 * Every byte of a response or URC goes out here, the caller holding
 * out_lock: gathered for one write(); with "split" one byte per write(),
 * with "garbage inside" random bytes among them.
 */
void out(const void *buf, size_t n)
{
	const char *p = buf;
	size_t i;

	if (!line_faults.split && !line_faults.inside) {
		if (out_len + n > sizeof(out_buf))
			out_flush();
		if (n > sizeof(out_buf)) {
			write_all(p, n);
			return;
		}
		memcpy(out_buf + out_len, p, n);
		out_len += n;
		return;
	}
	out_flush();
	for (i = 0; i < n; i++) {
		if (line_faults.inside && !(line_rand() % line_faults.inside)) {
			char b = junk_byte();

			write_all(&b, 1);
		}
		write_all(p + i, 1);
		if (line_faults.split)
			usleep(20);
	}
}

void out_eol(void)
{
	out(line_faults.eol, strlen(line_faults.eol));
}

/* With "garbage between": now and then a line of 1-40 random bytes. */
void out_junk_line(void)
{
	char junk[40];
	int i, n;

	if (!line_faults.between || line_rand() % line_faults.between)
		return;
	n = 1 + line_rand() % sizeof(junk);
	junk[0] = junk_byte();
	if (junk[0] == '>')	/* not a data prompt */
		junk[0] = '?';
	for (i = 1; i < n; i++)
		junk[i] = junk_byte();
	out_eol();
	out(junk, n);
	out_eol();
}

/* One complete "\r\n<text>\r\n"; the caller holds out_lock. */
void send_line_locked(const char *s, size_t n)
{
	logv(">>", s, n);
	out_junk_line();
	out_eol();
	out(s, n);
	out_eol();
}

void sendf(const char *fmt, ...)
{
	char buf[CMD_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	out_lock();
	send_line_locked(buf, n);
	out_unlock();
}

void send_raw(const char *s, size_t n)
{
	out_lock();
	out(s, n);
	out_unlock();
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Send text in ms, and not before a text queued earlier that starts with the
 * same key bytes (0: no key): a result URC held by "delay" holds the later
 * URCs of its client and kind too, as a broker's acknowledgements come in
 * order.  Returns false, sending nothing, when ms is 0 and none is queued.
 */
bool later_key(int ms, const char *text, size_t key)
{
	long long due = now_ms() + ms;
	bool queued = false;
	int i;

	pthread_mutex_lock(&later_lock);
	for (i = 0; key && i < later_n; i++) {
		if (strncmp(later_q[i].text, text, key))
			continue;
		queued = true;
		if (later_q[i].due > due)
			due = later_q[i].due;
	}
	if (!ms && !queued) {
		pthread_mutex_unlock(&later_lock);
		return false;
	}
	if (later_n < LATER_MAX) {
		later_q[later_n].due = due;
		snprintf(later_q[later_n].text, sizeof(later_q[0].text), "%s",
			 text);
		later_n++;
		text = NULL;
	}
	pthread_mutex_unlock(&later_lock);
	if (text)			/* queue full: now */
		sendf("%s", text);
	return true;
}

/* Send the line in ms milliseconds (from the main loop). */
void later(int ms, const char *text)
{
	later_key(ms, text, 0);
}

/* Send the deferred lines that are due; true if some are still waiting. */
bool later_tick(void)
{
	long long now = now_ms();
	bool waiting;
	int i = 0;

	pthread_mutex_lock(&later_lock);
	while (i < later_n) {
		if (later_q[i].due > now) {
			i++;
			continue;
		}
		sendf("%s", later_q[i].text);
		memmove(&later_q[i], &later_q[i + 1],
			(later_n - i - 1) * sizeof(later_q[0]));
		later_n--;
	}
	waiting = later_n;
	pthread_mutex_unlock(&later_lock);
	return waiting;
}

/*
 * Close the pty master: the host's tty hangs up.  The simulator then exits
 * (a real modem that lost its USB link is gone too).
 */
void hang_up(void)
{
	pthread_mutex_lock(&out_mutex);
	if (master >= 0)
		close(master);
	master = -1;
	out_len = 0;			/* the line is gone */
	pthread_mutex_unlock(&out_mutex);
	stop = 1;
}

/* ---- setup, and the bytes from the host ---- */

int line_open(void)
{
	struct termios tio;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	/* Raw both ways: no echo by the tty, no CR/LF translation. */
	if (!tcgetattr(master, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(master, TCSANOW, &tio);
	}
	return master;
}

const char *line_name(void)
{
	return ptsname(master);
}

int line_fd(void)
{
	return master;
}

void line_set_baud(long rate)
{
	baud = rate;
}

bool line_open_log(const char *path)
{
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	return log_fd >= 0;
}

bool line_open_trace(const char *path)
{
	trace_f = fopen(path, "w");
	return trace_f;
}

void line_close(void)
{
	if (trace_f)
		fclose(trace_f);
}

ssize_t line_read(char *buf, size_t n)
{
	ssize_t r = read(master, buf, n);

	if (r <= 0)
		return r;
	if (log_fd >= 0 && write(log_fd, buf, r) != r)
		perror("atmqtt-sim: log");
	trace_io('R', buf, r);
	pace(&rx_line_ns, r);
	if (baud)
		trace_io('T', buf, r);
	return r;
}
