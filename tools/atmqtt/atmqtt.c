// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt: command line tool for the atmqtt line discipline and netlink family.
 * One subcommand, one small handler, one table (the style of iw and wg).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "atmqtt.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct cmd *cur_cmd;

static int usage(void)
{
	fprintf(stderr, "usage: atmqtt %s %s\n", cur_cmd->name, cur_cmd->usage);
	return EXIT_USAGE;
}

static int fail(const char *what, int err, struct atmqtt_nl *nl)
{
	const char *ext = nl ? atmqtt_ext_error(nl) : "";

	if (ext && *ext)
		fprintf(stderr, "atmqtt: %s: %s (%s)\n", what, strerror(-err), ext);
	else
		fprintf(stderr, "atmqtt: %s: %s\n", what, strerror(-err));
	return EXIT_FAIL;
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static struct atmqtt_nl *nl_open(void)
{
	struct atmqtt_nl *nl = atmqtt_nl_open();

	if (!nl)
		fprintf(stderr, "atmqtt: cannot reach the atmqtt netlink family: %s%s\n",
			strerror(errno),
			errno == ENOENT ? " (is the atmqtt module loaded?)" : "");
	return nl;
}

/* Common -M/-i handling. */
struct target {
	uint32_t modem;
	uint8_t client;
	bool modem_set;
};

static int count_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct target *t = arg;

	t->modem = m->handle;
	return 0;
}

static int resolve_modem(struct atmqtt_nl *nl, struct target *t)
{
	int n;

	if (t->modem_set)
		return 0;
	n = atmqtt_modem_list(nl, 0, count_cb, t);
	if (n < 0)
		return fail("list", n, nl);
	if (n == 0) {
		fprintf(stderr, "atmqtt: no modem attached (atmqtt attach TTY)\n");
		return EXIT_FAIL;
	}
	if (n > 1) {
		fprintf(stderr, "atmqtt: %d modems attached: choose one with -M\n", n);
		return EXIT_FAIL;
	}
	return 0;
}

/* Connects and picks the target modem; NULL after saying why. */
static struct atmqtt_nl *nl_target(struct target *t)
{
	struct atmqtt_nl *nl = nl_open();

	if (nl && resolve_modem(nl, t)) {
		atmqtt_nl_close(nl);
		return NULL;
	}
	return nl;
}

/* Reports an operation's outcome and releases the handle. */
static int op_done(struct atmqtt_nl *nl, const char *what, int err)
{
	int ret = err ? fail(what, err, nl) : 0;

	atmqtt_nl_close(nl);
	return ret;
}

static bool target_opt(int c, struct target *t)
{
	unsigned long v;

	if (c == 'M') {
		if (!parse_ulong(optarg, UINT32_MAX, &v))
			return false;
		t->modem = v;
		t->modem_set = true;
		return true;
	}
	if (c == 'i') {
		if (!parse_ulong(optarg, 255, &v))
			return false;
		t->client = v;
		return true;
	}
	return false;
}

/* ---- attach / detach ---- */

static void pidfile_path(const char *tty, char *buf, size_t n)
{
	const char *dir = access("/run", W_OK) ? "/tmp/atmqtt" : "/run/atmqtt";
	char name[256];
	size_t i, j = 0;

	if (!strncmp(tty, "/dev/", 5))
		tty += 5;
	for (i = 0; tty[i] && j + 1 < sizeof(name); i++)
		name[j++] = tty[i] == '/' ? '_' : tty[i];
	name[j] = '\0';
	mkdir(dir, 0755);
	snprintf(buf, n, "%s/%s.pid", dir, name);
}

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static speed_t baud_of(unsigned long b)
{
	static const struct { unsigned long b; speed_t s; } t[] = {
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
		{ 460800, B460800 }, { 921600, B921600 },
		{ 1000000, B1000000 }, { 3000000, B3000000 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].b == b)
			return t[i].s;
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "baud", required_argument, NULL, 'b' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long baud = 115200;
	bool fg = false;
	struct atmqtt_nl *nl;
	struct termios tio;
	struct sigaction sa;
	char pidfile[PATH_MAX];
	uint32_t handle;
	speed_t speed;
	FILE *pf;
	int c, fd, err;

	while ((c = getopt_long(argc, argv, "b:f", opts, NULL)) != -1) {
		if (c == 'f')
			fg = true;
		else if (c == 'b' && parse_ulong(optarg, UINT_MAX, &baud))
			;
		else
			return usage();
	}
	if (optind != argc - 1)
		return usage();
	speed = baud_of(baud);
	if (!speed) {
		fprintf(stderr, "atmqtt: unsupported baud rate %lu\n", baud);
		return EXIT_USAGE;
	}

	fd = open(argv[optind], O_RDWR | O_NOCTTY);
	if (fd < 0)
		return fail(argv[optind], -errno, NULL);
	if (!tcgetattr(fd, &tio)) {
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL | CREAD;
		cfsetispeed(&tio, speed);
		cfsetospeed(&tio, speed);
		tcsetattr(fd, TCSANOW, &tio);
	}
	err = atmqtt_ldisc_attach(fd);
	if (err)
		return fail("attach", err, NULL);

	nl = nl_open();
	if (!nl)
		return EXIT_FAIL;
	err = atmqtt_modem_find(nl, argv[optind], &handle);
	atmqtt_nl_close(nl);
	if (err)
		return fail("attach: modem not found", err, NULL);
	printf("atmqtt: %s attached as modem %u\n", argv[optind], handle);
	fflush(stdout);

	if (!fg && daemon(0, 0))
		return fail("daemon", -errno, NULL);

	pidfile_path(argv[optind], pidfile, sizeof(pidfile));
	pf = fopen(pidfile, "w");
	if (pf) {
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	while (!stop_sig) {
		struct pollfd p = { .fd = fd, .events = 0 };

		/* POLLHUP/POLLERR are reported whatever events asks for. */
		if (poll(&p, 1, 1000) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			fprintf(stderr, "atmqtt: %s hung up\n", argv[optind]);
			break;
		}
	}
	atmqtt_ldisc_detach(fd);
	close(fd);
	unlink(pidfile);
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	char pidfile[PATH_MAX];
	FILE *pf;
	int pid = 0, fd, err, i;

	if (argc != 2 || argv[1][0] == '-')
		return usage();
	pidfile_path(argv[1], pidfile, sizeof(pidfile));
	pf = fopen(pidfile, "r");
	if (pf) {
		if (fscanf(pf, "%d", &pid) != 1)
			pid = 0;
		fclose(pf);
	}
	if (pid > 0 && !kill(pid, SIGTERM)) {
		for (i = 0; i < 50 && !kill(pid, 0); i++)
			usleep(100000);
		if (kill(pid, 0))
			return 0;
		fprintf(stderr, "atmqtt: attach process %d did not exit\n", pid);
		return EXIT_FAIL;
	}
	fd = open(argv[1], O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail(argv[1], -errno, NULL);
	err = atmqtt_ldisc_detach(fd);
	close(fd);
	return err ? fail("detach", err, NULL) : 0;
}

/* ---- list ---- */

static int list_cb(const struct atmqtt_modem_info *m, void *arg)
{
	bool *json_first = arg;

	if (!json_first) {
		printf("%-6u %-16s %-6s %10llu %10llu\n", m->handle, m->tty,
		       atmqtt_state_name(m->state),
		       (unsigned long long)m->rx_seq,
		       (unsigned long long)m->rx_drops);
		return 0;
	}
	printf("%s{\"modem\":%u,\"tty\":\"%s\",\"state\":\"%s\",\"rx_seq\":%llu,\"rx_drops\":%llu}",
	       *json_first ? "" : ",", m->handle, m->tty,
	       atmqtt_state_name(m->state), (unsigned long long)m->rx_seq,
	       (unsigned long long)m->rx_drops);
	*json_first = false;
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct atmqtt_nl *nl;
	bool json = argc == 2 && !strcmp(argv[1], "-j"), first = true;
	int n;

	if (argc > 2 || (argc == 2 && !json))
		return usage();
	nl = nl_open();
	if (!nl)
		return EXIT_FAIL;
	if (json)
		printf("[");
	else
		printf("%-6s %-16s %-6s %10s %10s\n", "MODEM", "TTY", "STATE",
		       "RX_SEQ", "RX_DROPS");
	n = atmqtt_modem_list(nl, 0, list_cb, json ? &first : NULL);
	if (json)
		printf("]\n");
	if (n < 0)
		return fail("list", n, nl);
	atmqtt_nl_close(nl);
	return 0;
}

/* ---- open / close ---- */

static int cmd_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "modem", required_argument, NULL, 'M' },
		{ "client", required_argument, NULL, 'i' },
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "clean", required_argument, NULL, 'c' },
		{ "keepalive", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = { .client = 1 };
	const char *host = NULL;
	unsigned long port = 1883, clean = 1, ka = 0;
	struct atmqtt_nl *nl;
	int c;

	while ((c = getopt_long(argc, argv, "M:i:h:H:p:c:k:", opts, NULL)) != -1) {
		if (target_opt(c, &t))
			continue;
		if (c == 'h' || (c == 'H' && optarg))
			host = optarg;
		else if (c == 'p' && parse_ulong(optarg, 65535, &port))
			;
		else if (c == 'c' && parse_ulong(optarg, 255, &clean))
			;
		else if (c == 'k' && parse_ulong(optarg, 65535, &ka))
			;
		else
			return usage();
	}
	if (!host || optind != argc)
		return usage();
	nl = nl_target(&t);
	if (!nl)
		return EXIT_FAIL;
	return op_done(nl, "open",
		       atmqtt_client_open(nl, t.modem, t.client, host, port, clean, ka));
}

static int cmd_close(int argc, char **argv)
{
	struct target t = { .client = 1 };
	struct atmqtt_nl *nl;
	int c;

	while ((c = getopt(argc, argv, "M:i:")) != -1)
		if (!target_opt(c, &t))
			return usage();
	if (optind != argc)
		return usage();
	nl = nl_target(&t);
	if (!nl)
		return EXIT_FAIL;
	return op_done(nl, "close",
		       atmqtt_client_close(nl, t.modem, t.client));
}

/* ---- pub ---- */

static int read_all(FILE *f, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0, r;
	char *b = malloc(cap);

	if (!b)
		return -ENOMEM;
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, cap *= 2);

			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
	}
	*buf = b;
	*len = n;
	return 0;
}

static int cmd_pub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "modem", required_argument, NULL, 'M' },
		{ "client", required_argument, NULL, 'i' },
		{ "topic", required_argument, NULL, 't' },
		{ "message", required_argument, NULL, 'm' },
		{ "qos", required_argument, NULL, 'q' },
		{ "retain", no_argument, NULL, 'r' },
		{ "file", required_argument, NULL, 'f' },
		{ "stdin-file", no_argument, NULL, 's' },
		{ "null-message", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = { .client = 1 };
	const char *topic = NULL, *file = NULL;
	char *payload = NULL, *owned = NULL;
	size_t len = 0;
	unsigned long qos = 0;
	bool retain = false, have = false, from_stdin = false;
	struct atmqtt_nl *nl;
	int c, err;

	while ((c = getopt_long(argc, argv, "M:i:t:m:q:rf:sn", opts, NULL)) != -1) {
		if (target_opt(c, &t))
			continue;
		switch (c) {
		case 't': topic = optarg; break;
		case 'm': payload = optarg; len = strlen(optarg); have = true; break;
		case 'n': payload = ""; len = 0; have = true; break;
		case 'f': file = optarg; have = true; break;
		case 's': from_stdin = true; have = true; break;
		case 'r': retain = true; break;
		case 'q':
			if (!parse_ulong(optarg, 255, &qos))
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (!topic || !have || optind != argc)
		return usage();
	if (file || from_stdin) {
		FILE *f = from_stdin ? stdin : fopen(file, "rb");

		if (!f)
			return fail(file, -errno, NULL);
		err = read_all(f, &owned, &len);
		if (!from_stdin)
			fclose(f);
		if (err)
			return fail("read", err, NULL);
		payload = owned;
	}
	nl = nl_target(&t);
	if (!nl)
		return EXIT_FAIL;
	err = atmqtt_publish(nl, t.modem, t.client, topic, qos, retain,
			     payload, len);
	free(owned);
	return op_done(nl, "publish", err);
}

/* ---- sub / monitor ---- */

/* MQTT topic filter matching: '+' one level, '#' the rest. */
static bool topic_match(const char *filter, const char *topic)
{
	while (*filter) {
		if (*filter == '#')
			return true;
		if (*filter == '+') {
			while (*topic && *topic != '/')
				topic++;
			filter++;
			continue;
		}
		if (*filter != *topic)
			return false;
		filter++;
		topic++;
	}
	return !*topic;
}

struct sub_ctx {
	uint32_t modem;
	uint8_t client;
	const char *filter;
	bool verbose, no_nl;
	unsigned long want, got;
	uint64_t last_seq;
	int result;
};

static int sub_cb(const struct atmqtt_event *e, void *arg)
{
	struct sub_ctx *s = arg;

	if (e->modem != s->modem)
		return 0;
	if (e->type == ATMQTT_EVT_MODEM && e->modem_state == ATMQTT_MODEM_DEAD) {
		fprintf(stderr, "atmqtt: modem %u detached\n", e->modem);
		s->result = EXIT_FAIL;
		return 1;
	}
	if (e->client != s->client)
		return 0;
	if (e->type == ATMQTT_EVT_BREAK) {
		fprintf(stderr, "atmqtt: connection broke (cause %u)\n", e->cause);
		s->result = EXIT_FAIL;
		return 1;
	}
	if (e->type != ATMQTT_EVT_MESSAGE || !e->topic)
		return 0;
	if (s->last_seq && e->seq > s->last_seq + 1)
		fprintf(stderr, "atmqtt: %llu message(s) dropped by the kernel\n",
			(unsigned long long)(e->seq - s->last_seq - 1));
	s->last_seq = e->seq;
	if (!topic_match(s->filter, e->topic))
		return 0;
	if (s->verbose)
		printf("%s ", e->topic);
	fwrite(e->payload, 1, e->payload_len, stdout);
	if (!s->no_nl)
		putchar('\n');
	fflush(stdout);
	if (s->want && ++s->got >= s->want) {
		s->result = 0;
		return 1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_sub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "modem", required_argument, NULL, 'M' },
		{ "client", required_argument, NULL, 'i' },
		{ "topic", required_argument, NULL, 't' },
		{ "qos", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = { .client = 1 };
	struct sub_ctx s = { .result = -1 };
	unsigned long qos = 0, timeout = 0;
	struct atmqtt_events *ev;
	struct atmqtt_nl *nl;
	double deadline = 0;
	int c, err;

	while ((c = getopt_long(argc, argv, "M:i:t:q:C:W:vN", opts, NULL)) != -1) {
		if (target_opt(c, &t))
			continue;
		switch (c) {
		case 't': s.filter = optarg; break;
		case 'v': s.verbose = true; break;
		case 'N': s.no_nl = true; break;
		case 'q':
			if (!parse_ulong(optarg, 255, &qos))
				return usage();
			break;
		case 'C':
			if (!parse_ulong(optarg, ULONG_MAX, &s.want))
				return usage();
			break;
		case 'W':
			if (!parse_ulong(optarg, 86400, &timeout))
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (!s.filter || optind != argc)
		return usage();
	nl = nl_target(&t);
	if (!nl)
		return EXIT_FAIL;
	/* Listen before subscribing: nothing that follows the SUBACK is lost. */
	ev = atmqtt_events_open();
	if (!ev)
		return fail("events", -errno, NULL);
	err = atmqtt_subscribe(nl, t.modem, t.client, s.filter, qos);
	if (err)
		return fail("subscribe", err, nl);
	s.modem = t.modem;
	s.client = t.client;
	if (timeout)
		deadline = now_s() + timeout;

	while (s.result < 0) {
		struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };
		int ms = -1;

		if (deadline) {
			ms = (int)((deadline - now_s()) * 1000);
			if (ms <= 0) {
				fprintf(stderr, "atmqtt: timeout\n");
				return EXIT_FAIL;
			}
		}
		if (poll(&p, 1, ms) <= 0)
			continue;
		err = atmqtt_events_dispatch(ev, sub_cb, &s);
		if (err == -ENOBUFS)
			fprintf(stderr, "atmqtt: events lost (socket overrun)\n");
		else if (err < 0)
			return fail("events", err, NULL);
	}
	atmqtt_events_close(ev);
	atmqtt_nl_close(nl);
	return s.result;
}

static void print_escaped(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
}

static int monitor_cb(const struct atmqtt_event *e, void *arg)
{
	bool json = *(bool *)arg;

	switch (e->type) {
	case ATMQTT_EVT_MESSAGE:
		if (json)
			printf("{\"modem\":%u,\"event\":\"message\",\"client\":%u,\"qos\":%u,\"seq\":%llu,\"topic\":\"",
			       e->modem, e->client, e->qos, (unsigned long long)e->seq);
		else
			printf("modem %u: message client %u qos %u seq %llu topic \"",
			       e->modem, e->client, e->qos, (unsigned long long)e->seq);
		print_escaped(e->topic, e->topic ? strlen(e->topic) : 0);
		if (json)
			printf("\",\"payload\":\"");
		else
			printf("\" payload %zu bytes \"", e->payload_len);
		print_escaped(e->payload, e->payload_len);
		printf(json ? "\"}\n" : "\"\n");
		break;
	case ATMQTT_EVT_RESULT:
		printf(json ? "{\"modem\":%u,\"event\":\"result\",\"urc\":\"%s\",\"client\":%u,\"status\":%u}\n"
			    : "modem %u: result %s client %u status %u\n",
		       e->modem, atmqtt_urc_name(e->urc), e->client, e->status);
		break;
	case ATMQTT_EVT_BREAK:
		printf(json ? "{\"modem\":%u,\"event\":\"break\",\"client\":%u,\"cause\":%u}\n"
			    : "modem %u: break client %u cause %u\n",
		       e->modem, e->client, e->cause);
		break;
	case ATMQTT_EVT_MODEM:
		printf(json ? "{\"modem\":%u,\"event\":\"%s\",\"tty\":\"%s\"}\n"
			    : "modem %u: %s %s\n", e->modem,
		       e->modem_state == ATMQTT_MODEM_DEAD ? "detached" : "attached",
		       e->tty ? e->tty : "");
		break;
	default:
		printf(json ? "{\"modem\":%u,\"event\":%d}\n" : "modem %u: event %d\n",
		       e->modem, e->type);
	}
	fflush(stdout);
	return 0;
}

static int cmd_monitor(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "-j");
	struct atmqtt_events *ev;
	int err;

	if (argc > 2 || (argc == 2 && !json))
		return usage();
	ev = atmqtt_events_open();
	if (!ev)
		return fail("events", -errno, NULL);
	for (;;) {
		err = atmqtt_events_dispatch(ev, monitor_cb, &json);
		if (err == -ENOBUFS)
			fprintf(stderr, "atmqtt: events lost (socket overrun)\n");
		else if (err < 0)
			return fail("events", err, NULL);
	}
}

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("atmqtt netlink family version %d\n", ATMQTT_GENL_VERSION);
	return 0;
}

static const struct cmd cmds[] = {
	{ "attach", cmd_attach, "[-f] [-b BAUD] TTY",
	  "set the atmqtt line discipline on TTY and hold it (daemonizes unless -f)" },
	{ "detach", cmd_detach, "TTY", "remove the line discipline from TTY" },
	{ "list", cmd_list, "[-j]", "list attached modems" },
	{ "open", cmd_open, "[-M MODEM] [-i CLIENT] -h HOST [-p PORT] [-c 0|1] [-k SECS]",
	  "connect an MQTT client of the modem to a broker (AT+MQTTOPEN)" },
	{ "close", cmd_close, "[-M MODEM] [-i CLIENT]", "close an MQTT client (AT+MQTTCLOSE)" },
	{ "sub", cmd_sub, "[-M MODEM] [-i CLIENT] -t TOPIC [-q QOS] [-C COUNT] [-W SECS] [-v] [-N]",
	  "subscribe and print received messages (AT+MQTTSUB)" },
	{ "pub", cmd_pub, "[-M MODEM] [-i CLIENT] -t TOPIC (-m MSG | -n | -f FILE | -s) [-q QOS] [-r]",
	  "publish a message (AT+MQTTPUB)" },
	{ "monitor", cmd_monitor, "[-j]", "print every event" },
	{ "version", cmd_version, "", "print the version" },
	{ "help", cmd_help, "", "this help" },
};

static int cmd_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	printf("usage: atmqtt COMMAND [ARGS]\n\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		printf("  %-8s %s\n           %s\n", cmds[i].name, cmds[i].usage,
		       cmds[i].help);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;
	int j;

	if (argc < 2)
		return cmd_help(0, NULL), EXIT_USAGE;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		cur_cmd = &cmds[i];
		for (j = 2; j < argc; j++) {
			if (!strcmp(argv[j], "--help")) {
				printf("usage: atmqtt %s %s\n  %s\n", cmds[i].name,
				       cmds[i].usage, cmds[i].help);
				return 0;
			}
		}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "atmqtt: unknown command '%s' (atmqtt help)\n", argv[1]);
	return EXIT_USAGE;
}
