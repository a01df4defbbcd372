/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-sim: the line, the pty between the host and the modem.  Every
 * byte that goes out to the host passes here, under out_lock; every byte
 * read from the host too.  It calls nothing else of the simulator.
 */
#ifndef ATMQTT_SIM_LINE_H
#define ATMQTT_SIM_LINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Set by a signal or a hang-up: the main loop ends. */
extern volatile sig_atomic_t stop;
/* -v: every command and response line on stderr. */
extern bool verbose;

/*
 * The way bytes go out, set by the control FIFO's hostile-modem controls
 * (Documentation/simulator.rst, "A hostile modem"); out_lock guards it.
 */
struct line_faults {
	bool split;			/* one byte per write() */
	const char *eol;		/* line end: CR LF by default */
	unsigned int between;		/* 1 in N lines: a junk line first */
	unsigned int inside;		/* 1 in N bytes: a junk byte first */
	unsigned int seed;		/* of every random choice */
};
extern struct line_faults line_faults;

/* Setup (main thread, before the loop); false/-1 with errno set. */
int line_open(void);			/* the pty master, raw both ways */
const char *line_name(void);		/* its slave's path */
int line_fd(void);			/* -1 once hung up */
void line_set_baud(long baud);		/* -B */
bool line_open_log(const char *path);	/* -l */
bool line_open_trace(const char *path);	/* -T */
void line_close(void);

/* Bytes from the host: logged, traced and paced; read()'s result. */
ssize_t line_read(char *buf, size_t n);

/* Output: out_lock() ... out_unlock() keep a response in one write(). */
void out_lock(void);
void out_unlock(void);
void out(const void *buf, size_t n);
void out_eol(void);
void out_junk_line(void);
void send_line_locked(const char *s, size_t n);
void sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void send_raw(const char *s, size_t n);
void logv(const char *dir, const char *s, size_t n);
int line_rand(void);			/* rand_r() on line_faults.seed */
void hang_up(void);

/* Lines sent later, from the main loop (later_tick()). */
long long now_ms(void);
bool later_key(int ms, const char *text, size_t key);
void later(int ms, const char *text);
bool later_tick(void);

#endif
