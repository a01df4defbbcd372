// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: behaves like a Fibocom NL668's MQTT AT interface on a pty and
 * bridges it to a real broker through libmosquitto.
 *
 * Documentation/simulator.rst lists every command with its exact output,
 * the options, the control FIFO's commands, and each place where the manual
 * is silent and the behaviour chosen here; its "Source layout" says which
 * file does what.
 *
 * Threads: the main thread reads the pty and the control FIFO and runs the
 * commands; each open client has a libmosquitto loop thread that runs the
 * callbacks.  out_lock (line.c) keeps every response and URC in one piece,
 * and one write() to the pty.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "line.h"
#include "faults.h"
#include "bridge.h"
#include "at.h"
#include "control.h"

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char synopsis[] =
	"usage: atmqtt-sim [-c CONTROL_FIFO] [-l LOG] [-P PUBLOG] [-L LINK] [-E]\n"
	"                  [-k WHEN] [-b HOST] [-p PORT] [-B BAUD] [-T TRACE] [-v]\n";

/* A usage error: the synopsis on stderr (exit 2). */
static void usage(void)
{
	fprintf(stderr, "%sTry 'atmqtt-sim --help'.\n", synopsis);
}

/* --help: every option, on stdout (exit 0). */
static void help(void)
{
	printf("%s\n"
	       "Simulates a Fibocom NL668's MQTT AT interface on a pty, bridged to\n"
	       "an MQTT broker with libmosquitto.  Prints the pty's slave path as\n"
	       "its first line on stdout; runs until SIGTERM or SIGINT.\n"
	       "\n"
	       "  -c, --control FIFO   create FIFO, the control FIFO (removed at exit):\n"
	       "                       fault injection commands, one per line\n"
	       "  -l, --log FILE       append every byte received from the host to\n"
	       "                       FILE, unmodified (muted input included)\n"
	       "  -P, --publog FILE    append one line per message published to the\n"
	       "                       broker, before handing it over:\n"
	       "                       PUB <client> <qos> <retain> <topic hex> <payload hex or ->\n"
	       "  -L, --link PATH      make PATH a symlink to the pty's slave (removed\n"
	       "                       at exit)\n"
	       "  -E, --no-echo        start with echo off (ATE0); the default is on\n"
	       "  -k, --break-close=WHEN\n"
	       "                       where +MQTTCLOSE: <id>,1 goes with every\n"
	       "                       +MQTTBREAK: after (the default, as the manual's\n"
	       "                       3.3 shows), before, or none\n"
	       "  -b, --broker HOST    connect every AT+MQTTOPEN to HOST instead of the\n"
	       "                       host in the command\n"
	       "  -p, --port PORT      likewise for the port (1-65535)\n"
	       "  -B, --baud BAUD      pace both directions like a UART at BAUD bit/s,\n"
	       "                       8N1 (300-100000000); default: as fast as the pty\n"
	       "  -T, --trace FILE     write a timestamped line to FILE for each move of\n"
	       "                       bytes between host and simulator\n"
	       "  -v, --verbose        log every command and response line on stderr\n"
	       "  -h, --help           show this help and exit\n"
	       "\n"
	       "Exit status: 0 after a signal or --help, 1 on a setup failure, 2 on\n"
	       "a usage error.  See Documentation/simulator.rst or atmqtt-sim(1).\n",
	       synopsis);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "publog", required_argument, NULL, 'P' },
		{ "link", required_argument, NULL, 'L' },
		{ "no-echo", no_argument, NULL, 'E' },
		{ "break-close", required_argument, NULL, 'k' },
		{ "broker", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "baud", required_argument, NULL, 'B' },
		{ "trace", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *link_path = NULL, *ctl_path = NULL, *log_path = NULL;
	const char *trace_path = NULL, *publog_path = NULL;
	const char *broker_host = NULL;
	struct sigaction sa;
	int c, ctl_fd = -1, i, broker_port = 0;
	long baud;

	while ((c = getopt_long(argc, argv, "c:l:P:L:Ek:b:p:B:T:vh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			ctl_path = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'P':
			publog_path = optarg;
			break;
		case 'L':
			link_path = optarg;
			break;
		case 'E':
			at_set_echo(false);
			break;
		case 'k':
			i = break_close_of(optarg);
			if (i < 0) {
				usage();
				return 2;
			}
			set_break_close(i);
			break;
		case 'b':
			broker_host = optarg;
			break;
		case 'p':
			broker_port = atoi(optarg);
			if (broker_port < 1 || broker_port > 65535) {
				usage();
				return 2;
			}
			break;
		case 'B':
			baud = atol(optarg);
			if (baud < 300 || baud > 100000000) {
				usage();
				return 2;
			}
			line_set_baud(baud);
			break;
		case 'T':
			trace_path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc) {
		usage();
		return 2;
	}
	bridge_set_broker(broker_host, broker_port);
	at_init();
	bridge_init();
	if (trace_path && !line_open_trace(trace_path)) {
		perror(trace_path);
		return 1;
	}
	if (log_path && !line_open_log(log_path)) {
		perror("atmqtt-sim: log");
		return 1;
	}
	if (publog_path && !publog_open(publog_path)) {
		perror("atmqtt-sim: publog");
		return 1;
	}
	if (line_open() < 0) {
		perror("atmqtt-sim: pty");
		return 1;
	}
	if (link_path) {
		unlink(link_path);
		if (symlink(line_name(), link_path))
			perror("atmqtt-sim: symlink");
	}
	if (ctl_path) {
		ctl_fd = control_open(ctl_path);
		if (ctl_fd < 0) {
			perror("atmqtt-sim: control fifo");
			return 1;
		}
	}
	printf("%s\n", line_name());
	fflush(stdout);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	while (!stop) {
		struct pollfd p[2] = {
			{ .fd = line_fd(), .events = POLLIN },
			{ .fd = ctl_fd, .events = POLLIN },
		};
		bool waiting = later_tick(), chattering;
		char buf[4096];
		ssize_t r;

		if (at_tick())
			waiting = true;
		chattering = chatter();
		if (poll(p, ctl_fd >= 0 ? 2 : 1,
			 chattering ? 0 : waiting ? 5 : 50) <= 0)
			continue;
		if (ctl_fd >= 0 && (p[1].revents & POLLIN))
			control_read(ctl_fd);
		if (p[0].revents & (POLLHUP | POLLERR)) {
			/* No process holds the slave open: wait for one. */
			usleep(50000);
			continue;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		r = line_read(buf, sizeof(buf));
		if (r <= 0) {
			usleep(50000);
			continue;
		}
		at_input(buf, r);
	}
	bridge_exit();
	if (link_path)
		unlink(link_path);
	if (ctl_path)
		unlink(ctl_path);
	line_close();
	return 0;
}
