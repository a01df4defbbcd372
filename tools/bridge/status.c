// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the status file (key=value lines, rewritten whole), where
 * it goes, writing it (the daemon) and showing it (atmqtt-bridge status).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bridge.h"

const char *const link_names[] = {
	[LINK_NOMODEM] = "nomodem", [LINK_SETUP] = "setup", [LINK_UP] = "up",
	[LINK_DOWN] = "down", [LINK_STOPPED] = "stopped",
};

void status_write(struct bridge *b)
{
	char tmp[PATH_MAX];
	const struct counters *n = &b->n;
	double t = now();
	FILE *f;

	b->status_at = t;
	b->dirty = false;
	if (!b->status_path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", b->status_path);
	f = fopen(tmp, "w");
	if (!f) {
		if (!b->status_failed++)
			logm(b, LOG_WARNING, "status file %s: %s", tmp,
			     strerror(errno));
		return;
	}
	fprintf(f, "name=%s\npid=%d\nstate=%s\nstate_seconds=%.0f\n",
		b->c.name, (int)getpid(), link_names[b->link],
		t - b->link_since);
	if (b->c.modem_tty)
		fprintf(f, "modem=%s\n", b->c.modem_tty);
	else
		fprintf(f, "modem=%u\n", b->c.modem_handle);
	fprintf(f, "modem_handle=%u\nmodem_client=%d\nbroker=%s:%u\n",
		b->link == LINK_NOMODEM ? 0 : b->modem, b->c.client, b->c.host,
		b->c.port);
	fprintf(f, "local=%s:%u\nlocal_out=%s\nlocal_in=%s\nmonitor=%s\n",
		b->c.local_host, b->c.local_port,
		b->out_up ? "connected" : "disconnected",
		b->in_up ? "connected" : "disconnected",
		b->monitor ? "on" : "off");
	fprintf(f, "reconnect_attempts=%u\n", b->attempts);
	fprintf(f, "forwarded_out=%llu\nforwarded_in=%llu\n",
		(unsigned long long)n->forwarded_out,
		(unsigned long long)n->forwarded_in);
	fprintf(f, "dropped_qos0=%llu\ndropped_in=%llu\ndropped_invalid=%llu\ndropped_refused=%llu\n",
		(unsigned long long)n->dropped_qos0,
		(unsigned long long)n->dropped_in,
		(unsigned long long)n->dropped_invalid,
		(unsigned long long)n->dropped_refused);
	fprintf(f, "queued=%llu\nbacklog=%llu\nretried=%llu\n",
		(unsigned long long)n->queued,
		(unsigned long long)n->backlog,
		(unsigned long long)n->retried);
	fprintf(f, "loops_blocked=%llu\nechoes_dropped=%llu\nlost_in=%llu\nignored=%llu\noutages=%llu\n",
		(unsigned long long)n->loops_blocked,
		(unsigned long long)n->echoes_dropped,
		(unsigned long long)n->lost_in,
		(unsigned long long)n->ignored,
		(unsigned long long)n->outages);
	fprintf(f, "last_error=%s\n", b->last_error);
	if (fclose(f) || rename(tmp, b->status_path))
		unlink(tmp);
}

static int status_show(const char *path)
{
	char line[512], pidbuf[32] = "";
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (!f) {
		fprintf(stderr, "atmqtt-bridge: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pid=%d", &pid) == 1)
			break;
	rewind(f);
	if (pid > 0 && kill(pid, 0) && errno == ESRCH)
		snprintf(pidbuf, sizeof(pidbuf), " (not running)");
	printf("%s%s\n", path, pidbuf);
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = '\0';
		printf("  %-18s %s", line, eq + 1);
	}
	fclose(f);
	return 0;
}

int cmd_status(int argc, char **argv, const char *status_path)
{
	char path[PATH_MAX];
	glob_t g;
	size_t i;
	int rc = 0;

	if (status_path)
		return status_show(status_path);
	if (optind < argc) {
		for (; optind < argc; optind++) {
			if (strchr(argv[optind], '/')) {
				fprintf(stderr, "atmqtt-bridge: status: '%s' is no name\n",
					argv[optind]);
				return 2;
			}
			snprintf(path, sizeof(path), RUN_DIR "/%s/status",
				 argv[optind]);
			rc |= status_show(path);
		}
		return rc;
	}
	if (glob(RUN_DIR "/*/status", 0, NULL, &g)) {
		printf("no bridge has run (nothing in " RUN_DIR ")\n");
		return 0;
	}
	for (i = 0; i < g.gl_pathc; i++)
		rc |= status_show(g.gl_pathv[i]);
	globfree(&g);
	return rc;
}

/* The status file: -S, else systemd's RuntimeDirectory, else RUN_DIR. */
char *status_default(const struct conf *c)
{
	const char *rt = getenv("RUNTIME_DIRECTORY");
	char *path = NULL;

	if (rt && *rt) {
		/* several directories are separated by ':' */
		if (asprintf(&path, "%.*s/status", (int)strcspn(rt, ":"), rt) < 0)
			return NULL;
		return path;
	}
	mkdir(RUN_DIR, 0755);
	if (asprintf(&path, RUN_DIR "/%s", c->name) < 0)
		return NULL;
	mkdir(path, 0755);
	free(path);
	if (asprintf(&path, RUN_DIR "/%s/status", c->name) < 0)
		return NULL;
	return path;
}
