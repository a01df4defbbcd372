// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The modems atmqtt talks to: the netlink handle, the modem that -M names
 * (a handle or a tty) or the only one, and a tty named on the command
 * line, by identity.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

struct atmqtt_nl *modem_connect(void)
{
	struct atmqtt_nl *nl = atmqtt_nl_open();

	if (!nl)
		fprintf(stderr, "atmqtt: cannot reach the atmqtt netlink family: %s%s\n",
			strerror(errno),
			errno == ENOENT ? " (is the atmqtt module loaded?)" :
			errno == EPROTO ? " (the loaded module speaks another version of the family)" :
			"");
	return nl;
}

/* Reports an operation's outcome and releases the handle. */
int modem_done(struct atmqtt_nl *nl, const char *op, int err)
{
	int ret = err < 0 ? out_fail(op, err, nl) : 0;

	atmqtt_nl_close(nl);
	return ret;
}

static int count_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct target *t = arg;

	t->modem = m->handle;
	return 0;
}

/* -M as a handle or a tty; without -M the only modem when need_one, else
 * 0 (all modems).  0 or, after saying why, EXIT_FAIL.
 */
static int resolve_modem(struct atmqtt_nl *nl, struct target *t,
			 bool need_one)
{
	unsigned long v;
	int n;

	if (t->modem_arg) {
		if (opt_ulong(t->modem_arg, UINT32_MAX, &v) && v) {
			t->modem = v;
			return 0;
		}
		n = atmqtt_modem_find(nl, t->modem_arg, &t->modem);
		if (n == -ENODEV) {
			fprintf(stderr, "atmqtt: no modem attached on %s\n",
				t->modem_arg);
			return EXIT_FAIL;
		}
		return n ? out_fail("list", n, nl) : 0;
	}
	t->modem = 0;
	if (!need_one)
		return 0;
	n = atmqtt_modem_list(nl, 0, count_cb, t);
	if (n < 0)
		return out_fail("list", n, nl);
	if (n == 0) {
		fprintf(stderr, "atmqtt: no modem attached (atmqtt attach TTY)\n");
		return EXIT_FAIL;
	}
	if (n > 1) {
		fprintf(stderr, "atmqtt: %d modems attached: choose one with -M\n",
			n);
		return EXIT_FAIL;
	}
	return 0;
}

static struct atmqtt_nl *nl_resolve(struct target *t, bool need_one)
{
	struct atmqtt_nl *nl = modem_connect();

	if (nl && resolve_modem(nl, t, need_one)) {
		atmqtt_nl_close(nl);
		return NULL;
	}
	return nl;
}

/* Connects and picks the target modem; NULL after saying why. */
struct atmqtt_nl *modem_target(struct target *t)
{
	return nl_resolve(t, true);
}

/* Connects for a dump: -M restricts it, else every modem. */
struct atmqtt_nl *modem_filter(struct target *t)
{
	return nl_resolve(t, false);
}

/*
 * A dump command with no options of its own (list, clients, subs, limits):
 * its options (opt_plain()), then modem_filter().  NULL with *status the
 * exit status when it ends here (help, usage, or EXIT_FAIL after saying
 * why).
 */
struct atmqtt_nl *modem_dump_args(int argc, char **argv, struct target *t,
				  int *status)
{
	struct atmqtt_nl *nl;

	*status = opt_plain(argc, argv, t, 0, 0);
	if (*status >= 0)
		return NULL;
	nl = modem_filter(t);
	if (!nl)
		*status = EXIT_FAIL;
	return nl;
}

/* 0, or EXIT_FAIL after saying why. */
int tty_resolve(const char *arg, struct tty_id *id)
{
	char buf[PATH_MAX];
	const char *p;
	struct stat st;
	size_t j = 0;

	id->arg = arg;
	if (arg[0] == '/' || !strncmp(arg, "./", 2) || !strncmp(arg, "../", 3))
		snprintf(buf, sizeof(buf), "%s", arg);
	else
		snprintf(buf, sizeof(buf), "/dev/%s", arg);
	if (!realpath(buf, id->path) || stat(id->path, &st))
		return out_fail(arg, -errno, NULL);
	if (!S_ISCHR(st.st_mode)) {
		fprintf(stderr, "atmqtt: %s: not a tty\n", arg);
		return EXIT_FAIL;
	}
	id->rdev = st.st_rdev;
	/* the kernel's naming: /dev/pts/3 is pts3 */
	p = id->path;
	if (!strncmp(p, "/dev/", 5))
		p += 5;
	else
		p = strrchr(p, '/') + 1;
	for (; *p && j + 1 < sizeof(id->name); p++)
		if (*p != '/')
			id->name[j++] = *p;
	id->name[j] = '\0';
	if (!j || id->name[0] == '.') {
		fprintf(stderr, "atmqtt: %s: not a tty\n", arg);
		return EXIT_FAIL;
	}
	return 0;
}
