/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reaching the modems (modem.c).  A command connects with modem_target()
 * (the modem -M names, or the only one) or modem_filter() (for a dump: the
 * one -M names, or all; modem_dump_args() for a dump command with no
 * options of its own), and ends with modem_done(), which reports the
 * request's outcome and releases the handle.  attach and detach name a tty
 * instead: tty_resolve().
 */
#ifndef ATMQTT_MODEM_H
#define ATMQTT_MODEM_H

#include <limits.h>
#include <sys/types.h>

struct atmqtt_nl;
struct target;

/* A handle on the netlink family; NULL after saying why. */
struct atmqtt_nl *modem_connect(void);
int modem_done(struct atmqtt_nl *nl, const char *op, int err);
struct atmqtt_nl *modem_target(struct target *t);
struct atmqtt_nl *modem_filter(struct target *t);
struct atmqtt_nl *modem_dump_args(int argc, char **argv, struct target *t,
				  int *status);

/*
 * A tty named on the command line, by identity: the path with its links
 * resolved (/dev/serial/by-id/... is /dev/ttyUSB2), the device number, and
 * the kernel's name of the tty ("ttyUSB2", "pts3"), which names the tty's
 * runtime directory.  A name that is not a path ("ttyUSB2") is under /dev.
 */
struct tty_id {
	const char *arg;
	char path[PATH_MAX];
	char name[64];
	dev_t rdev;
};

/* Fills id for the tty arg names: 0, or EXIT_FAIL after saying why. */
int tty_resolve(const char *arg, struct tty_id *id);

#endif
