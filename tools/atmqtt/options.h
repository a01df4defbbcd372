/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line (options.c).  A command's handler parses its options
 * with opt_next(), or with opt_plain() when it has none of its own: they
 * handle the shared ones, -M MODEM and -c CLIENT (as the command's flags
 * say), -j and -h/--help.  A usage error says what is wrong and the usage,
 * and is EXIT_USAGE.
 */
#ifndef ATMQTT_OPTIONS_H
#define ATMQTT_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

/* What a command takes besides its own options. */
#define F_MODEM		0x1	/* -M MODEM */
#define F_CLIENT	0x2	/* -c CLIENT (and -i, unless the command has its own) */

/* A command of the table in atmqtt.c. */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned int flags;
	const char *usage;
	const char *help;
};

/* The command that runs (set by main()), for its usage and flags. */
extern const struct cmd *opt_cmd;

/* The target of a command: -M (a handle or a tty) and -c. */
struct target {
	const char *modem_arg;
	uint32_t modem;
	uint32_t client;
};

/* The family's bound of ATMQTT_A_CLIENT_ID (1-255): what -c takes; the
 * modem's own limit (atmqtt limits) is the kernel's to check.
 */
#define FAMILY_CLIENT_ID_MAX	255

#define TARGET_INIT	{ .modem_arg = NULL, .modem = 0, .client = 1 }

#define OPT_HELP	0x100	/* long options without a letter: 0x100+ */
#define OPT_STOP	(-2)	/* opt_next(): exit with opt_status */

/* After OPT_STOP: the exit status. */
extern int opt_status;

/* The command's next own option, -1 after the last, or OPT_STOP; its
 * positional arguments from optind on.
 */
int opt_next(int argc, char **argv, const char *own,
	     const struct option *own_long, struct target *t);
/* For a command with no options of its own: -1, or the exit status. */
int opt_plain(int argc, char **argv, struct target *t, int min, int max);

/* Usage errors: the usage of opt_cmd, after "atmqtt CMD: what is wrong"
 * for opt_error(); EXIT_USAGE.
 */
int opt_usage(void);
__attribute__((format(printf, 1, 2)))
int opt_error(const char *fmt, ...);
/* The help of c on stdout: its usage, text and shared options. */
void opt_help(const struct cmd *c);

/* Values: a decimal number up to max; a boolean (on/off, 1/0, ...), 1 or 0,
 * -1 if it is none.
 */
bool opt_ulong(const char *s, unsigned long max, unsigned long *out);
int opt_bool(const char *s);

#endif
