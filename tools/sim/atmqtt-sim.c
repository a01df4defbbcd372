// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: behaves like a Fibocom NL668's MQTT AT interface on a pty and
 * bridges to a real broker through libmosquitto.
 *
 * Interpretation of the manual where it is silent: +MQTTOPEN answers after
 * the broker's CONNACK (within 10 s): "OK" + "+MQTTOPEN: <id>,1" on success,
 * "OK" + "+MQTTOPEN: <id>,0" when the connection fails, and "ERROR: 70x"
 * instead of OK when the broker refuses with CONNACK code 1-5.  Every
 * response is "\r\n<text>\r\n" and the command is echoed while echo is on.
 *
 * Control channel (-c PATH, a FIFO): one command per line:
 *   break <id> <cause>   send +MQTTBREAK: <id>,<cause> and drop the client
 *   mute | unmute        stop / resume answering (input is then ignored)
 *   say <text>           send "\r\n<text>\r\n" unsolicited
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <mosquitto.h>

#define LINE_MAX_SIM	4096
#define NCLIENTS	2
#define MAXARGS		8

struct client {
	int id;
	struct mosquitto *mosq;
	bool open;
	bool closing;
	int connack;		/* -1 while waiting */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static int master = -1;
static bool echo_on = true, verbose, muted;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static struct client clients[NCLIENTS + 1];
static volatile sig_atomic_t stop;

static void logv(const char *dir, const char *s, size_t n)
{
	if (!verbose)
		return;
	fprintf(stderr, "sim %s ", dir);
	fwrite(s, 1, n, stderr);
	fputc('\n', stderr);
}

static void write_all(const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(master, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			return;
		}
		p += w;
		n -= w;
	}
}

/* One complete "\r\n<text>\r\n"; the caller holds out_lock. */
static void send_line_locked(const char *s, size_t n)
{
	logv(">>", s, n);
	write_all("\r\n", 2);
	write_all(s, n);
	write_all("\r\n", 2);
}

static void sendf(const char *fmt, ...)
{
	char buf[LINE_MAX_SIM];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&out_lock);
	send_line_locked(buf, n);
	pthread_mutex_unlock(&out_lock);
}

/* ---- libmosquitto callbacks (loop thread) ---- */

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	struct client *c = obj;

	(void)m;
	pthread_mutex_lock(&c->lock);
	c->connack = rc;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	struct client *c = obj;

	if (rc == 0 || c->closing)
		return;
	c->open = false;
	c->closing = true;
	sendf("+MQTTBREAK: %d,1", c->id);
	mosquitto_disconnect(m);	/* no automatic reconnect */
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n,
			 const int *granted)
{
	struct client *c = obj;

	(void)m;
	(void)mid;
	sendf("+MQTTSUB: %d,%d", c->id, n > 0 && granted[0] != 0x80);
}

static void on_publish(struct mosquitto *m, void *obj, int mid)
{
	struct client *c = obj;

	(void)m;
	(void)mid;
	sendf("+MQTTPUB: %d,1", c->id);
}

static void on_message(struct mosquitto *m, void *obj,
		       const struct mosquitto_message *msg)
{
	struct client *c = obj;
	char head[400];
	int n;

	(void)m;
	n = snprintf(head, sizeof(head), "+MQTTMSG: %d,%d,\"%s\",\"",
		     c->id, msg->qos, msg->topic);
	pthread_mutex_lock(&out_lock);
	logv(">>", head, n);
	write_all("\r\n", 2);
	write_all(head, n);
	write_all(msg->payload, msg->payloadlen);
	write_all("\"\r\n", 3);
	pthread_mutex_unlock(&out_lock);
}

/* ---- parameters ---- */

struct arg {
	const char *s;
	size_t len;
	bool quoted;
	long num;
	bool is_num;
};

/* Split "a,"b",3" into args; quoted strings have no escapes. */
static int split_args(char *s, struct arg *a, int max)
{
	int n = 0;

	while (*s) {
		if (n == max)
			return -1;
		memset(&a[n], 0, sizeof(a[n]));
		if (*s == '"') {
			char *e = strchr(s + 1, '"');

			if (!e)
				return -1;
			a[n].s = s + 1;
			a[n].len = e - s - 1;
			a[n].quoted = true;
			s = e + 1;
		} else {
			char *e = s;

			while (*e && *e != ',')
				e++;
			a[n].s = s;
			a[n].len = e - s;
			if (a[n].len && a[n].len < 10 &&
			    strspn(s, "0123456789") == a[n].len) {
				a[n].is_num = true;
				a[n].num = strtol(s, NULL, 10);
			}
			s = e;
		}
		n++;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

static bool printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"')
			return false;
	return true;
}

static bool num_in(const struct arg *a, long lo, long hi)
{
	return a->is_num && a->num >= lo && a->num <= hi;
}

static bool str_in(const struct arg *a, size_t lo, size_t hi)
{
	return a->quoted && a->len >= lo && a->len <= hi &&
	       printable(a->s, a->len);
}

static char *dupn(const struct arg *a)
{
	return strndup(a->s, a->len);
}

/* ---- commands ---- */

static void client_drop(struct client *c)
{
	if (!c->mosq)
		return;
	c->closing = true;
	mosquitto_disconnect(c->mosq);
	mosquitto_loop_stop(c->mosq, false);
	mosquitto_destroy(c->mosq);
	c->mosq = NULL;
	c->open = false;
}

static const char *cmd_open(struct arg *a, int n)
{
	struct client *c;
	struct timespec ts;
	char *host, id[64];
	int rc;

	if (n != 5 || !num_in(&a[0], 1, 2) || !str_in(&a[1], 1, 255) ||
	    !num_in(&a[2], 1, 65535) || !num_in(&a[3], 0, 1) ||
	    !num_in(&a[4], 1, 300))
		return "ERROR";
	c = &clients[a[0].num];
	if (c->open)
		return "ERROR";
	client_drop(c);
	snprintf(id, sizeof(id), "atmqtt-sim-%d-%d", (int)getpid(), c->id);
	c->mosq = mosquitto_new(id, a[3].num, c);
	if (!c->mosq)
		return "ERROR";
	mosquitto_connect_callback_set(c->mosq, on_connect);
	mosquitto_disconnect_callback_set(c->mosq, on_disconnect);
	mosquitto_subscribe_callback_set(c->mosq, on_subscribe);
	mosquitto_publish_callback_set(c->mosq, on_publish);
	mosquitto_message_callback_set(c->mosq, on_message);
	c->connack = -1;
	c->closing = false;
	host = dupn(&a[1]);
	rc = mosquitto_connect(c->mosq, host, a[2].num, a[4].num);
	free(host);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop_start(c->mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		mosquitto_destroy(c->mosq);
		c->mosq = NULL;
		sendf("OK");
		sendf("+MQTTOPEN: %d,0", c->id);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&c->lock);
	while (c->connack < 0 &&
	       pthread_cond_timedwait(&c->cond, &c->lock, &ts) != ETIMEDOUT)
		;
	rc = c->connack;
	pthread_mutex_unlock(&c->lock);
	if (rc >= 1 && rc <= 5) {
		client_drop(c);
		sendf("ERROR: %d", 699 + rc);
		return NULL;
	}
	if (rc != 0) {
		client_drop(c);
		sendf("OK");
		sendf("+MQTTOPEN: %d,0", c->id);
		return NULL;
	}
	c->open = true;
	sendf("OK");
	sendf("+MQTTOPEN: %d,1", c->id);
	return NULL;
}

static const char *cmd_open_query(void)
{
	char buf[16] = "";
	int i;

	for (i = 1; i <= NCLIENTS; i++)
		if (!clients[i].open)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%d", *buf ? "," : "", i);
	sendf("+MQTTOPEN: %s", *buf ? buf : "0");
	return "OK";
}

static const char *cmd_close(struct arg *a, int n)
{
	struct client *c;
	bool was_open;

	if (n != 1 || !num_in(&a[0], 1, 2))
		return "ERROR";
	c = &clients[a[0].num];
	was_open = c->open;
	client_drop(c);
	sendf("OK");
	sendf("+MQTTCLOSE: %d,%d", c->id, was_open);
	return NULL;
}

static const char *cmd_sub(struct arg *a, int n, bool unsub)
{
	struct client *c;
	char *topic;
	int rc;

	if (n != (unsub ? 2 : 3) || !num_in(&a[0], 1, 2) ||
	    !str_in(&a[1], 1, 255) || (!unsub && !num_in(&a[2], 0, 2)))
		return "ERROR";
	c = &clients[a[0].num];
	topic = dupn(&a[1]);
	/* Hold the output so the URC cannot overtake the OK. */
	pthread_mutex_lock(&out_lock);
	rc = !c->open ? MOSQ_ERR_NO_CONN : unsub ?
	     mosquitto_unsubscribe(c->mosq, NULL, topic) :
	     mosquitto_subscribe(c->mosq, NULL, topic, a[2].num);
	send_line_locked("OK", 2);
	pthread_mutex_unlock(&out_lock);
	free(topic);
	if (rc != MOSQ_ERR_SUCCESS)
		sendf("+MQTT%sSUB: %d,0", unsub ? "UN" : "", c->id);
	return NULL;
}

static const char *cmd_pub(struct arg *a, int n)
{
	struct client *c;
	char *topic;
	int rc;

	if (n != 5 || !num_in(&a[0], 1, 2) || !str_in(&a[1], 1, 255) ||
	    !num_in(&a[2], 0, 2) || !num_in(&a[3], 0, 1) ||
	    !a[4].quoted || a[4].len > 1024 || !printable(a[4].s, a[4].len))
		return "ERROR";
	c = &clients[a[0].num];
	topic = dupn(&a[1]);
	pthread_mutex_lock(&out_lock);
	rc = !c->open ? MOSQ_ERR_NO_CONN :
	     mosquitto_publish(c->mosq, NULL, topic, a[4].len, a[4].s,
			       a[2].num, a[3].num);
	send_line_locked("OK", 2);
	pthread_mutex_unlock(&out_lock);
	free(topic);
	if (rc != MOSQ_ERR_SUCCESS)
		sendf("+MQTTPUB: %d,0", c->id);
	else if (a[2].num == 0)
		sendf("+MQTTPUB: %d,1", c->id);
	return NULL;
}

static void handle_line(char *line)
{
	struct arg a[MAXARGS];
	const char *res = "ERROR";
	char *eq;
	int n;

	logv("<<", line, strlen(line));
	if (!strcasecmp(line, "AT") || !strcasecmp(line, "ATE1") ||
	    !strcasecmp(line, "ATE0")) {
		if (!strcasecmp(line, "ATE0"))
			echo_on = false;
		else if (!strcasecmp(line, "ATE1"))
			echo_on = true;
		res = "OK";
	} else if (!strcmp(line, "AT+MQTTOPEN?")) {
		res = cmd_open_query();
	} else if (!strcmp(line, "AT+MQTTOPEN=?")) {
		sendf("+MPQTTOPEN: (1,2),(\"Remote IP/URL\"),(1-65535),(0,1),(1-300)");
		res = "OK";
	} else if ((eq = strchr(line, '=')) && eq[1] != '?') {
		*eq = '\0';
		n = split_args(eq + 1, a, MAXARGS);
		if (n < 0)
			res = "ERROR";
		else if (!strcmp(line, "AT+MQTTOPEN"))
			res = cmd_open(a, n);
		else if (!strcmp(line, "AT+MQTTCLOSE"))
			res = cmd_close(a, n);
		else if (!strcmp(line, "AT+MQTTSUB"))
			res = cmd_sub(a, n, false);
		else if (!strcmp(line, "AT+MQTTUNSUB"))
			res = cmd_sub(a, n, true);
		else if (!strcmp(line, "AT+MQTTPUB"))
			res = cmd_pub(a, n);
	}
	if (res)
		sendf("%s", res);
}

static void control(char *line)
{
	int id, cause;

	if (sscanf(line, "break %d %d", &id, &cause) == 2 && id >= 1 &&
	    id <= NCLIENTS) {
		clients[id].closing = true;
		sendf("+MQTTBREAK: %d,%d", id, cause);
		client_drop(&clients[id]);
	} else if (!strcmp(line, "mute")) {
		muted = true;
	} else if (!strcmp(line, "unmute")) {
		muted = false;
	} else if (!strncmp(line, "say ", 4)) {
		sendf("%s", line + 4);
	} else {
		fprintf(stderr, "atmqtt-sim: unknown control '%s'\n", line);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: atmqtt-sim [-l LINK] [-c CONTROL_FIFO] [--no-echo] [-v]\n"
		"Simulates a Fibocom NL668 MQTT AT interface on a pty; prints the\n"
		"pty path first.  Control FIFO commands: break <id> <cause>,\n"
		"mute, unmute, say <text>.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "control", required_argument, NULL, 'c' },
		{ "no-echo", no_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "broker", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *link_path = NULL, *ctl_path = NULL;
	char line[LINE_MAX_SIM], ctl[512];
	size_t len = 0, clen = 0;
	bool overlong = false;
	struct termios tio;
	struct sigaction sa;
	int c, ctl_fd = -1, i;

	while ((c = getopt_long(argc, argv, "l:c:vb:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': link_path = optarg; break;
		case 'c': ctl_path = optarg; break;
		case 'E': echo_on = false; break;
		case 'v': verbose = true; break;
		case 'b': case 'p': break;	/* the command names the broker */
		default: usage(); return c == 'h' ? 0 : 2;
		}
	}
	mosquitto_lib_init();
	for (i = 1; i <= NCLIENTS; i++) {
		clients[i].id = i;
		pthread_mutex_init(&clients[i].lock, NULL);
		pthread_cond_init(&clients[i].cond, NULL);
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("atmqtt-sim: pty");
		return 1;
	}
	if (!tcgetattr(master, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(master, TCSANOW, &tio);
	}
	if (link_path) {
		unlink(link_path);
		if (symlink(ptsname(master), link_path))
			perror("atmqtt-sim: symlink");
	}
	if (ctl_path) {
		unlink(ctl_path);
		if (mkfifo(ctl_path, 0600) ||
		    (ctl_fd = open(ctl_path, O_RDWR | O_NONBLOCK)) < 0) {
			perror("atmqtt-sim: control fifo");
			return 1;
		}
	}
	printf("%s\n", ptsname(master));
	fflush(stdout);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	while (!stop) {
		struct pollfd p[2] = {
			{ .fd = master, .events = POLLIN },
			{ .fd = ctl_fd, .events = POLLIN },
		};
		char buf[1024];
		ssize_t r;

		if (poll(p, ctl_fd >= 0 ? 2 : 1, 50) <= 0)
			continue;
		if (ctl_fd >= 0 && (p[1].revents & POLLIN)) {
			r = read(ctl_fd, buf, sizeof(buf));
			for (i = 0; i < r; i++) {
				if (buf[i] == '\n') {
					ctl[clen] = '\0';
					control(ctl);
					clen = 0;
				} else if (clen < sizeof(ctl) - 1) {
					ctl[clen++] = buf[i];
				}
			}
		}
		if (p[0].revents & (POLLHUP | POLLERR)) {
			/* No process holds the slave open: wait for one. */
			usleep(50000);
			continue;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		r = read(master, buf, sizeof(buf));
		if (r <= 0) {
			usleep(50000);
			continue;
		}
		if (muted)
			continue;
		if (echo_on) {
			pthread_mutex_lock(&out_lock);
			write_all(buf, r);
			pthread_mutex_unlock(&out_lock);
		}
		for (i = 0; i < r; i++) {
			if (buf[i] == '\r' || buf[i] == '\n') {
				line[len] = '\0';
				if (overlong)
					sendf("ERROR");
				else if (len)
					handle_line(line);
				len = 0;
				overlong = false;
			} else if (len < sizeof(line) - 1) {
				line[len++] = buf[i];
			} else {
				overlong = true;
			}
		}
	}
	for (i = 1; i <= NCLIENTS; i++)
		client_drop(&clients[i]);
	if (link_path)
		unlink(link_path);
	if (ctl_path)
		unlink(ctl_path);
	mosquitto_lib_cleanup();
	return 0;
}
