/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach's pid file, one per tty, and its lock (pidfile.c): attach takes
 * it with pidfile_lock() and names itself in it with pidfile_set();
 * detach finds the attach process holding the tty with pidfile_holder()
 * and checks it with pidfile_holder_is_attach() before signalling it.
 */
#ifndef ATMQTT_PIDFILE_H
#define ATMQTT_PIDFILE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct tty_id;

struct pidfile {
	int base;		/* <dir>/atmqtt */
	int dir;		/* <dir>/atmqtt/<tty name> */
	int fd;			/* the pid file */
	char path[PATH_MAX + 16];	/* its path, for messages */
};

/* Locks the tty's pid file for attach: 0, or EXIT_FAIL after saying why. */
int pidfile_lock(struct pidfile *pf, const struct tty_id *id);
/* Writes the holder's pid into the locked file. */
void pidfile_set(const struct pidfile *pf, pid_t pid);
/* The holder leaves: removes the file and its directory, unlocks. */
void pidfile_drop(struct pidfile *pf, const struct tty_id *id);
void pidfile_close(struct pidfile *pf);

/* The pid of the attach process holding the tty (pf left open), 0 if
 * none, -1 after saying why it cannot tell.
 */
int pidfile_holder(struct pidfile *pf, const struct tty_id *id);
/* Is pid, which pidfile names, an atmqtt attach holding the tty? */
bool pidfile_holder_is_attach(int pid, const struct tty_id *id,
			      const char *pidfile);
/* "TTY is attached already (atmqtt attach, pid N)" on stderr. */
void pidfile_say_attached(const struct tty_id *id, int pid);

#endif
