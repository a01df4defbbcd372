// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runtime state of attach: <dir>/atmqtt/<tty name>/attach.pid, <dir>
 * /run for root and $XDG_RUNTIME_DIR for other users, never /tmp.  The
 * directory per tty is what a systemd unit's RuntimeDirectory= gives each
 * instance (atmqtt/%i); the pid file is created with O_EXCL|O_NOFOLLOW and
 * locked (flock) for as long as its attach process holds the tty.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cli.h"
#include "pidfile.h"

#define PIDFILE		"attach.pid"

/* The runtime directories' parents, the one attach uses first.  Their
 * number, 0 when there is none.
 */
static int run_parents(char parent[2][PATH_MAX])
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n = 0;

	if (geteuid() == 0)
		snprintf(parent[n++], PATH_MAX, "/run");
	if (xdg && xdg[0] == '/')
		snprintf(parent[n++], PATH_MAX, "%s", xdg);
	return n;
}

/*
 * Opens the directory name in at (path: its path, for messages), without
 * following a link, creating it first with mode unless mode is 0.  It must
 * be ours or root's, writable by no one else.  An fd; else -1, after
 * saying why unless it does not exist and was not to be created.
 */
static int dir_open(int at, const char *name, mode_t mode, const char *path)
{
	struct stat st;
	int fd;

	if (mode && mkdirat(at, name, mode) && errno != EEXIST) {
		out_fail(path, -errno, NULL);
		return -1;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || mode)
			out_fail(path, -errno, NULL);
		return -1;
	}
	if (fstat(fd, &st) || (st.st_uid != geteuid() && st.st_uid != 0) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		fprintf(stderr, "atmqtt: %s: not a directory of this user's or root's that only they can write: refused\n",
			path);
		close(fd);
		return -1;
	}
	return fd;
}

void pidfile_close(struct pidfile *pf)
{
	if (pf->fd >= 0)
		close(pf->fd);
	if (pf->dir >= 0)
		close(pf->dir);
	if (pf->base >= 0)
		close(pf->base);
	pf->fd = pf->dir = pf->base = -1;
}

/* Opens <parent>/atmqtt/<tty name>/, created when create; 0 or -1. */
static int pidfile_dirs(struct pidfile *pf, const char *parent,
			const struct tty_id *id, bool create)
{
	char path[PATH_MAX];
	int top;

	pf->fd = pf->dir = pf->base = -1;
	top = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		if (create)
			out_fail(parent, -errno, NULL);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/atmqtt", parent);
	pf->base = dir_open(top, "atmqtt", create ? 0755 : 0, path);
	close(top);
	if (pf->base < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/atmqtt/%s", parent, id->name);
	pf->dir = dir_open(pf->base, id->name, create ? 0755 : 0, path);
	if (pf->dir < 0) {
		pidfile_close(pf);
		return -1;
	}
	snprintf(pf->path, sizeof(pf->path), "%s/" PIDFILE, path);
	return 0;
}

/* Is fd still the pid file at its path, a plain file? */
static bool pidfile_same(const struct pidfile *pf, int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) &&
	       !fstatat(pf->dir, PIDFILE, &b, AT_SYMLINK_NOFOLLOW) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	       S_ISREG(a.st_mode) && a.st_nlink == 1;
}

/* The pid a pid file holds, 0 if none (yet). */
static int pidfile_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return pid > 0 && pid < INT_MAX && *end == '\n' ? (int)pid : 0;
}

void pidfile_set(const struct pidfile *pf, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

	if (ftruncate(pf->fd, 0) || pwrite(pf->fd, buf, n, 0) != n)
		fprintf(stderr, "atmqtt: %s: %s\n", pf->path, strerror(errno));
}

/* The holder leaves: the pid file and the tty's directory go, then the
 * lock.  (An attach that opened the directory meanwhile starts again.)
 */
void pidfile_drop(struct pidfile *pf, const struct tty_id *id)
{
	unlinkat(pf->dir, PIDFILE, 0);
	unlinkat(pf->base, id->name, AT_REMOVEDIR);
	pidfile_close(pf);
}

void pidfile_say_attached(const struct tty_id *id, int pid)
{
	fprintf(stderr, "atmqtt: %s is attached already (atmqtt attach, pid %d): atmqtt detach %s first\n",
		id->arg, pid, id->arg);
}

/*
 * The pid file's lock for attach.  Another attach or a detach that looks
 * for a stale file (pidfile_holder()) holds it a moment, also just after
 * this process created the file: that lock goes at once, a holder's
 * stays.  0, or -1 with errno (EWOULDBLOCK: held for 100 ms).
 */
static int pidfile_flock(int fd)
{
	int i;

	for (i = 0; flock(fd, LOCK_EX | LOCK_NB); i++) {
		if (errno != EWOULDBLOCK || i == 20)
			return -1;
		usleep(5000);
	}
	return 0;
}

/*
 * attach: creates and locks the tty's pid file, or takes over a stale one
 * (no process holds its lock).  0, or EXIT_FAIL after saying why: the tty
 * is attached already, or the pid file's place is not safe (a link, a
 * directory anyone may write to, no runtime directory).
 */
int pidfile_lock(struct pidfile *pf, const struct tty_id *id)
{
	char parent[2][PATH_MAX];
	int tries;

	if (!run_parents(parent)) {
		fprintf(stderr, "atmqtt: no runtime directory for the pid file (XDG_RUNTIME_DIR is not set)\n");
		return EXIT_FAIL;
	}
	for (tries = 0; tries < 10; tries++) {
		if (pidfile_dirs(pf, parent[0], id, true))
			return EXIT_FAIL;
		pf->fd = openat(pf->dir, PIDFILE, O_RDWR | O_CREAT | O_EXCL |
				O_NOFOLLOW | O_CLOEXEC, 0644);
		if (pf->fd < 0 && errno == EEXIST)
			pf->fd = openat(pf->dir, PIDFILE,
					O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (pf->fd < 0) {
			/* the holder removed the directory meanwhile */
			if (errno == ENOENT) {
				pidfile_close(pf);
				continue;
			}
			out_fail(pf->path, -errno, NULL);
			pidfile_close(pf);
			return EXIT_FAIL;
		}
		if (pidfile_flock(pf->fd)) {
			if (errno == EWOULDBLOCK)
				pidfile_say_attached(id, pidfile_pid(pf->fd));
			else
				out_fail(pf->path, -errno, NULL);
			pidfile_close(pf);
			return EXIT_FAIL;
		}
		/* Locked: unless it was removed or replaced since it was
		 * opened, the file is ours (a stale one taken over).
		 */
		if (!pidfile_same(pf, pf->fd)) {
			pidfile_close(pf);
			continue;
		}
		if (ftruncate(pf->fd, 0)) {
			out_fail(pf->path, -errno, NULL);
			pidfile_close(pf);
			return EXIT_FAIL;
		}
		return 0;
	}
	fprintf(stderr, "atmqtt: %s: could not be created and locked\n",
		pf->path);
	return EXIT_FAIL;
}

/*
 * detach: the attach process of the tty, from a pid file whose lock is
 * held: its pid, with pf open (pf->fd to wait on the lock); 0 when there
 * is none (a stale pid file is removed); -1 after saying why it could not
 * tell.
 */
int pidfile_holder(struct pidfile *pf, const struct tty_id *id)
{
	char parent[2][PATH_MAX];
	int n = run_parents(parent), i, tries, pid;

	for (i = 0; i < n; i++) {
		if (pidfile_dirs(pf, parent[i], id, false))
			continue;
		pf->fd = openat(pf->dir, PIDFILE, O_RDONLY | O_NOFOLLOW |
				O_CLOEXEC);
		if (pf->fd < 0) {
			if (errno == ENOENT) {
				pidfile_close(pf);
				continue;
			}
			/* a link planted there, ...: nothing is done */
			out_fail(pf->path, -errno, NULL);
			pidfile_close(pf);
			return -1;
		}
		if (!flock(pf->fd, LOCK_EX | LOCK_NB)) {
			/* no holder: a stale file, removed */
			if (pidfile_same(pf, pf->fd))
				pidfile_drop(pf, id);
			pidfile_close(pf);
			continue;
		}
		if (errno != EWOULDBLOCK) {
			out_fail(pf->path, -errno, NULL);
			pidfile_close(pf);
			return -1;
		}
		/* An attach holds it; the pid comes once it has forked. */
		for (tries = 0; !(pid = pidfile_pid(pf->fd)) && tries < 200;
		     tries++)
			usleep(10000);
		if (pid)
			return pid;
		fprintf(stderr, "atmqtt: %s: locked, but no pid in it\n",
			pf->path);
		pidfile_close(pf);
		return -1;
	}
	return 0;
}

/* The name of the program a /proc/<pid>/exe link leads to. */
static bool exe_name(const char *pid, char *buf, size_t size)
{
	char link[64], path[PATH_MAX], *p;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%s/exe", pid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	/* an upgraded program is the same one */
	p = strstr(path, " (deleted)");
	if (p && !p[10])
		*p = '\0';
	p = strrchr(path, '/');
	snprintf(buf, size, "%s", p ? p + 1 : path);
	return true;
}

/*
 * Is pid this program's "attach" holding the tty?  The pid file says so;
 * the process must agree: the same program (by name: an upgraded binary
 * is still it, atmqtt-sim is not), "attach" among its arguments, and the
 * tty among its open files.  Else it is not signalled.
 */
bool pidfile_holder_is_attach(int pid, const struct tty_id *id,
			      const char *pidfile)
{
	char p[16], path[64], mine[PATH_MAX], its[PATH_MAX], args[4096];
	const char *why = NULL;
	struct dirent *d;
	struct stat st;
	bool holds = false;
	ssize_t n = 0;
	size_t off;
	DIR *fds;
	int fd;

	snprintf(p, sizeof(p), "%d", pid);
	if (!exe_name("self", mine, sizeof(mine)) ||
	    !exe_name(p, its, sizeof(its)))
		why = "cannot be looked at";
	else if (strcmp(mine, its))
		why = "is another program";
	if (!why) {
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, args, sizeof(args) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n < 0)
			n = 0;
		args[n] = '\0';
		/* the arguments after the program's name */
		for (off = strlen(args) + 1; off < (size_t)n;
		     off += strlen(args + off) + 1)
			if (!strcmp(args + off, "attach"))
				break;
		if (off >= (size_t)n)
			why = "is no attach";
	}
	if (!why) {
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		while (fds && !holds && (d = readdir(fds))) {
			snprintf(args, sizeof(args), "%s/%s", path, d->d_name);
			holds = d->d_name[0] != '.' && !stat(args, &st) &&
				S_ISCHR(st.st_mode) && st.st_rdev == id->rdev;
		}
		if (fds)
			closedir(fds);
		if (!holds)
			why = "does not hold the tty";
	}
	if (why)
		fprintf(stderr, "atmqtt: %s names process %d, which %s (not atmqtt attach of %s): not signalled\n",
			pidfile, pid, why, id->arg);
	return !why;
}
