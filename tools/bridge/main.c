// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge: the commands (run, check, status); how the bridge works
 * and how its files call one another: bridge.h.
 *
 *   atmqtt-bridge [run] -c FILE [-S STATUS_FILE] [-v] [--syslog]
 *   atmqtt-bridge check -c FILE
 *   atmqtt-bridge status [NAME...] [-S STATUS_FILE]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bridge.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atmqtt-bridge [run] -c FILE [-S STATUS_FILE] [-v] [--syslog]\n"
		"       atmqtt-bridge check -c FILE\n"
		"       atmqtt-bridge status [NAME...] [-S STATUS_FILE]\n"
		"\n"
		"  run      bridge a local mosquitto and a modem's MQTT client (the default)\n"
		"  check    read FILE, print what it configures (secrets left out)\n"
		"  status   the state and counters of running bridges (all when no NAME)\n"
		"\n"
		"  -c, --config FILE        the bridge's configuration (atmqtt-bridge(8))\n"
		"  -S, --status-file FILE   where the state and counters go (default\n"
		"                           $RUNTIME_DIRECTORY/status, else\n"
		"                           " RUN_DIR "/<connection>/status)\n"
		"  -v, --verbose            log every message forwarded\n"
		"      --syslog             log to syslog instead of stderr\n"
		"  -h, --help               this help\n");
}

/* Warn when the file holds a password and others may read it. */
static void check_mode(struct bridge *b)
{
	struct stat st;

	if ((b->c.password || b->c.local_password) &&
	    !stat(b->c.file, &st) && (st.st_mode & (S_IRGRP | S_IROTH)))
		logm(b, LOG_WARNING, "%s holds a password and others may read it (chmod 600)",
		     b->c.file);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "status-file", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bridge b;
	const char *cmd = "run", *file = NULL, *status_path = NULL;
	char *def_status = NULL;
	int c, rc;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "c:S:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': file = optarg; break;
		case 'S': status_path = optarg; break;
		case 'v': b.verbose = true; break;
		case 'L': use_syslog = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv, status_path);
	if ((strcmp(cmd, "run") && strcmp(cmd, "check")) || !file ||
	    optind != argc) {
		usage(stderr);
		return 2;
	}
	rc = conf_load(&b.c, file, stderr);
	if (rc)
		return rc;
	if (!strcmp(cmd, "check")) {
		conf_print(&b.c, stdout);
		conf_free(&b.c);
		return 0;
	}
	log_name = b.c.name;
	use_journal = !use_syslog && getenv("JOURNAL_STREAM");
	if (use_syslog)
		openlog("atmqtt-bridge", LOG_PID, LOG_DAEMON);
	check_mode(&b);
	b.last_error[0] = '\0';
	if (!status_path)
		status_path = def_status = status_default(&b.c);
	b.status_path = status_path;
	rc = run(&b);
	conf_free(&b.c);
	free(def_status);
	return rc;
}
