// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: the AT interpreter.  Bytes from the host become command
 * lines (or <Datasize> publish data), each line runs through the command
 * table, and the handlers answer: information lines and a final result,
 * and for the MQTT commands the broker bridge's work and result URC.
 * Documentation/simulator.rst lists every command with its exact output.
 * Main thread only.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sim.h"
#include "line.h"
#include "faults.h"
#include "bridge.h"
#include "at.h"

#define MAXARGS		8
#define USER_MAX	128
#define CID_MAX		23
#define LOCAL_IP	"10.2.83.148"

static bool echo_on = true, muted;
static char imei[16];
static bool ip_up;			/* +MIPCALL */

/* A <Datasize> publish waiting for its bytes */
static struct pending_pub {
	struct client *c;
	char *topic;
	int qos, retain;
	size_t need, len;		/* need 0: not waiting */
	long long prompt_due;		/* "slowprompt": '>' not sent yet */
	char buf[PAYLOAD_MAX];
} pending;

/*
 * "slowfinal": the modem is busy with one command line until slow.due.
 * Whatever the host sends meanwhile waits in the backlog, as in a real
 * modem's UART buffer, and is taken in order once the line is done; so is
 * what follows the data of a "slowprompt" publish that all arrived before
 * its prompt went out.
 */
#define BACKLOG_MAX	(1 << 20)
static struct slow_line {
	long long due;			/* CLOCK_MONOTONIC ms; 0: not busy */
	char line[CMD_MAX + 1];
	size_t len;
	bool too_long;
} slow;
static char *backlog;
static size_t backlog_len, backlog_cap;

void at_init(void)
{
	int i, d, sum = 0;

	snprintf(imei, sizeof(imei), "86%012u", (unsigned int)getpid());
	for (i = 0; i < 14; i++) {	/* Luhn check digit */
		d = (imei[13 - i] - '0') * (i & 1 ? 1 : 2);
		if (d > 9)
			d -= 9;
		sum += d;
	}
	imei[14] = '0' + (10 - sum % 10) % 10;
	imei[15] = '\0';
}

void at_set_echo(bool on)
{
	echo_on = on;
}

void at_set_muted(bool on)
{
	muted = on;
}

/*
 * A command of this kind passed its checks: take the fault injected for it
 * (hold before status0) and arm a "delay" for its result URC.
 */
static int take_fault(struct client *c, int kind)
{
	int ms, f = fault_take(kind, &ms);

	delay_urc(c, kind, ms);
	return f;
}

/* ---- parameters ---- */

struct arg {
	const char *s;
	size_t len;
	bool quoted;
	bool is_num;
	long num;
};

/*
 * Split 'a,"b",3' into fields: a quoted field runs to the next '"' and must
 * be followed by ',' or the end; an unquoted one runs to the next ','.
 * Returns the number of fields, or -1 when the line does not split.
 */
static int split_args(const char *s, struct arg *a, int max)
{
	int n;

	for (n = 0; n < max; n++) {
		const char *e;

		memset(&a[n], 0, sizeof(a[n]));
		if (*s == '"') {
			e = strchr(s + 1, '"');
			if (!e)
				return -1;
			a[n].s = s + 1;
			a[n].len = e - s - 1;
			a[n].quoted = true;
			s = e + 1;
		} else {
			e = s + strcspn(s, ",\"");
			a[n].s = s;
			a[n].len = e - s;
			if (a[n].len && a[n].len < 10 &&
			    strspn(s, "0123456789") == a[n].len) {
				a[n].is_num = true;
				a[n].num = strtol(s, NULL, 10);
			}
			s = e;
		}
		if (!*s)
			return n + 1;
		if (*s != ',')
			return -1;
		s++;
	}
	return -1;
}

/* Printable ASCII; quote: '"' allowed too. */
static bool ascii(const char *s, size_t n, bool quote)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || (s[i] == '"' && !quote))
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
	       ascii(a->s, a->len, false);
}

static char *dupn(const struct arg *a)
{
	char *s = strndup(a->s, a->len);

	if (!s) {
		perror("atmqtt-sim");
		exit(1);
	}
	return s;
}

/* ---- MQTT commands: return the final result, or NULL once sent ---- */

static const char *cmd_user(struct arg *a, int n)
{
	struct client *c;

	if ((n != 3 && n != 4) || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 0, USER_MAX) || !str_in(&a[2], 0, USER_MAX) ||
	    (n == 4 && !str_in(&a[3], 1, CID_MAX)))
		return "ERROR";
	c = client_of(a[0].num);
	free(c->user);
	free(c->pass);
	free(c->cid);
	c->user = dupn(&a[1]);
	c->pass = dupn(&a[2]);
	c->cid = n == 4 ? dupn(&a[3]) : NULL;
	c->user_set = true;
	return "OK";
}

static const char *query_user(void)
{
	int i;

	for (i = 1; i <= NCLIENTS; i++) {
		struct client *c = client_of(i);

		if (c->user_set)
			sendf("+MQTTUSER: %d,\"%s\",\"%s\"%s%s%s", i, c->user,
			      c->pass, c->cid ? ",\"" : "",
			      c->cid ? c->cid : "", c->cid ? "\"" : "");
	}
	return "OK";
}

static const char *open_failed(struct client *c)
{
	client_drop(c, false);
	send_ok(K_OPEN);
	result_urc(c, K_OPEN, 0);
	return NULL;
}

static const char *cmd_open(struct arg *a, int n)
{
	static char err[16];
	struct client *c;
	char *host, id[32];
	int rc;

	if (n != 5 || !num_in(&a[0], 1, NCLIENTS) || !str_in(&a[1], 1, 255) ||
	    !num_in(&a[2], 1, 65535) || !num_in(&a[3], 0, 1) ||
	    !num_in(&a[4], 1, 300))
		return "ERROR";
	c = client_of(a[0].num);
	if (is_open(c))
		return "ERROR";
	client_drop(c, false);		/* what a +MQTTBREAK left */
	switch (take_fault(c, K_OPEN)) {
	case FAULT_HOLD:
		return "OK";
	case FAULT_STATUS0:
		return open_failed(c);
	}

	if (c->cid)
		snprintf(id, sizeof(id), "%s", c->cid);
	else
		snprintf(id, sizeof(id), "%s%d", imei, c->id);
	host = dupn(&a[1]);
	rc = client_connect(c, id, host, a[2].num, a[3].num, a[4].num);
	free(host);
	if (rc >= 1 && rc <= 5) {
		client_drop(c, false);
		snprintf(err, sizeof(err), "ERROR: %d", 699 + rc);
		return err;
	}
	if (rc != 0 || !is_open(c))
		return open_failed(c);
	send_ok(K_OPEN);
	result_urc(c, K_OPEN, 1);
	return NULL;
}

/* "+MQTTOPEN: 1,2": the clients that are open (or not), else "0". */
static const char *query_clients(const char *name, bool open)
{
	char buf[16] = "";
	int i;

	for (i = 1; i <= NCLIENTS; i++)
		if (is_open(client_of(i)) == open)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%d", *buf ? "," : "", i);
	sendf("+%s: %s", name, *buf ? buf : "0");
	return "OK";
}

static const char *query_open(void)
{
	return query_clients("MQTTOPEN", false);
}

static const char *cmd_close(struct arg *a, int n)
{
	struct client *c;

	if (n != 1 || !num_in(&a[0], 1, NCLIENTS))
		return "ERROR";
	c = client_of(a[0].num);
	if (!is_open(c))
		return "ERROR";
	switch (take_fault(c, K_CLOSE)) {
	case FAULT_HOLD:
		return "OK";
	case FAULT_STATUS0:
		send_ok(K_CLOSE);
		result_urc(c, K_CLOSE, 0);
		return NULL;
	}
	client_drop(c, false);
	queue_clear(c);
	send_ok(K_CLOSE);
	result_urc(c, K_CLOSE, 1);
	return NULL;
}

static const char *query_close(void)
{
	return query_clients("MQTTCLOSE", true);
}

static const char *sub_unsub(struct arg *a, int n, bool unsub)
{
	int kind = unsub ? K_UNSUB : K_SUB;
	struct client *c;
	bool ok = false;
	char *topic;

	if (n != (unsub ? 2 : 3) || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 1, TOPIC_MAX) || (!unsub && !num_in(&a[2], 0, 2)))
		return "ERROR";
	c = client_of(a[0].num);
	if (!is_open(c))
		return "ERROR";
	/* OK first: the result URC must not overtake it. */
	send_ok(kind);
	switch (take_fault(c, kind)) {
	case FAULT_HOLD:
		return NULL;
	case FAULT_NONE:
		topic = dupn(&a[1]);
		ok = unsub ? client_unsubscribe(c, topic) :
		     client_subscribe(c, topic, a[2].num);
		free(topic);
	}
	if (!ok)
		result_urc(c, kind, 0);
	return NULL;
}

static const char *cmd_sub(struct arg *a, int n)
{
	return sub_unsub(a, n, false);
}

static const char *cmd_unsub(struct arg *a, int n)
{
	return sub_unsub(a, n, true);
}


/* OK, then publish; +MQTTPUB: <id>,1 comes from the bridge. */
static void publish(struct client *c, const char *topic, int qos, int retain,
		    const void *data, size_t len)
{
	bool ok = false;

	send_ok(K_PUB);
	switch (take_fault(c, K_PUB)) {
	case FAULT_HOLD:
		return;
	case FAULT_NONE:
		if (is_open(c))
			ok = client_publish(c, topic, qos, retain, data, len);
	}
	if (!ok)
		result_urc(c, K_PUB, 0);
}

static void send_prompt(void)
{
	logv(">>", ">", 1);
	send_raw(">\r\n", 3);
}

static const char *cmd_pub(struct arg *a, int n)
{
	struct client *c;
	char *topic;
	int ms;

	if (n != 5 || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 1, TOPIC_MAX) || !num_in(&a[2], 0, 2) ||
	    !num_in(&a[3], 0, 1) ||
	    (a[4].quoted ? !str_in(&a[4], 0, PAYLOAD_MAX) :
	     !num_in(&a[4], 1, PAYLOAD_MAX)))
		return "ERROR";
	c = client_of(a[0].num);
	if (!is_open(c))
		return "ERROR";
	topic = dupn(&a[1]);
	if (a[4].quoted) {
		publish(c, topic, a[2].num, a[3].num, a[4].s, a[4].len);
		free(topic);
		return NULL;
	}
	if (hostile.noprompt) {		/* the command is lost */
		hostile.noprompt = false;
		free(topic);
		return NULL;
	}
	/* <Datasize>: the next bytes from the host are the payload. */
	pending.c = c;
	pending.topic = topic;
	pending.qos = a[2].num;
	pending.retain = a[3].num;
	pending.need = a[4].num;
	pending.len = 0;
	ms = fault_take_slowprompt();
	if (ms) {		/* in data mode now, '>' later */
		pending.prompt_due = now_ms() + ms;
	} else {
		send_prompt();
	}
	return NULL;
}

static void pending_done(void)
{
	publish(pending.c, pending.topic, pending.qos, pending.retain,
		pending.buf, pending.len);
	free(pending.topic);
	pending.topic = NULL;
	pending.need = 0;
}

static const char *cmd_conf(struct arg *a, int n)
{
	if (n != 1 || !num_in(&a[0], 0, 1))
		return "ERROR";
	bridge_set_mode(a[0].num);
	return "OK";
}

static const char *query_conf(void)
{
	sendf("+MQTTCONF: %d", bridge_mode());
	return "OK";
}

static const char *cmd_read(struct arg *a, int n)
{
	struct client *c;
	struct stored *s;
	char head[64];
	size_t plen;
	int len;

	if (n != 1 || !num_in(&a[0], 1, NCLIENTS))
		return "ERROR";
	c = client_of(a[0].num);
	s = queue_take(c);
	if (!s) {
		sendf("+MQTTREAD: %d,0,0,0", c->id);
		return "OK";
	}
	out_lock();
	plen = s->plen;
	switch (hostile.lie) {
	case LIE_LONG:
		plen += 40;
		break;
	case LIE_SHORT:
		plen = plen > 3 ? plen - 3 : 0;
		break;
	case LIE_HUGE:
		plen = 99999;
		break;
	}
	if (hostile.lie != LIE_MSGI)
		hostile.lie = LIE_NONE;
	len = snprintf(head, sizeof(head), "+MQTTREAD: %d,%d,%zu,%zu",
		       c->id, s->qos, s->tlen, plen);
	send_line_locked(head, len);
	logv(">>", s->data, s->tlen + s->plen);
	if (hostile.readcut) {		/* half of the data, then hang up */
		hostile.readcut = false;
		out("\"", 1);
		out(s->data, (s->tlen + s->plen) / 2);
		out_unlock();
		free(s);
		hang_up();
		return NULL;
	}
	out("\"", 1);
	out(s->data, s->tlen);
	out("\",\"", 3);
	out(s->data + s->tlen, s->plen);
	out("\"", 1);
	out_eol();
	out_unlock();
	free(s);
	return "OK";
}

static const char *cmd_will(struct arg *a, int n)
{
	struct client *c;
	char *topic;

	if (n != 5 || !num_in(&a[0], 1, NCLIENTS) ||
	    !str_in(&a[1], 1, TOPIC_MAX) || !num_in(&a[2], 0, 2) ||
	    !num_in(&a[3], 0, 1) || !str_in(&a[4], 0, PAYLOAD_MAX))
		return "ERROR";
	topic = dupn(&a[1]);
	if (!topic_ok(topic)) {
		free(topic);
		return "ERROR";
	}
	c = client_of(a[0].num);
	free(c->will_topic);
	free(c->will_payload);
	c->will_topic = topic;
	c->will_payload = dupn(&a[4]);
	c->will_qos = a[2].num;
	c->will_retain = a[3].num;
	c->will_set = true;
	return "OK";
}

static const char *query_will(void)
{
	int i;

	for (i = 1; i <= NCLIENTS; i++) {
		struct client *c = client_of(i);

		if (c->will_set)
			sendf("+MQTTWILL: %d,\"%s\",%d,%d,\"%s\"", i,
			      c->will_topic, c->will_qos, c->will_retain,
			      c->will_payload);
	}
	return "OK";
}

/* ---- the other commands of the manual's usage example ---- */

static const char *query_cops(void)
{
	sendf("+COPS: 0,0,\"SIM-NET\",7");
	return "OK";
}

static const char *query_creg(void)
{
	sendf("+CREG: 0,1");
	return "OK";
}

static const char *exec_cgsn(void)
{
	sendf("%s", imei);
	return "OK";
}

static const char *cmd_mipcall(struct arg *a, int n)
{
	if (n != 1 || !num_in(&a[0], 0, 1))
		return "ERROR";
	ip_up = a[0].num;
	if (ip_up)
		later(50, "+MIPCALL: " LOCAL_IP);
	return "OK";
}

static const char *query_mipcall(void)
{
	if (ip_up)
		sendf("+MIPCALL: 1,\"%s\"", LOCAL_IP);
	else
		sendf("+MIPCALL: 0");
	return "OK";
}

/* ---- dispatch ---- */

static const struct command {
	const char *name;		/* after "AT+" */
	bool mqtt;			/* "error <n>" applies to its set form */
	const char *(*set)(struct arg *a, int n);	/* AT+X=... */
	const char *(*query)(void);			/* AT+X? */
	const char *(*exec)(void);			/* AT+X */
	const char *test;				/* AT+X=? */
} commands[] = {
	{ "MQTTUSER", true, cmd_user, query_user, NULL,
	  "+MQTTUSER: (1,2),128,128,23" },
	{ "MQTTOPEN", true, cmd_open, query_open, NULL,
	  "+MPQTTOPEN: (1,2),(255),(1-65535),(0,1),(1-300)" },
	{ "MQTTCLOSE", true, cmd_close, query_close, NULL,
	  "+MQTTCLOSE: (1,2)" },
	{ "MQTTSUB", true, cmd_sub, NULL, NULL, "+MQTTSUB: (1,2),255,(0-2)" },
	{ "MQTTUNSUB", true, cmd_unsub, NULL, NULL, "+MQTTUNSUB: (1,2),255" },
	{ "MQTTPUB", true, cmd_pub, NULL, NULL,
	  "+MQTTPUB: (1,2),255,(0-2),(0,1),1024" },
	{ "MQTTCONF", true, cmd_conf, query_conf, NULL, "+MQTTCONF: (0,1)" },
	{ "MQTTREAD", true, cmd_read, NULL, NULL, "+MQTTREAD: (1,2)" },
	{ "MQTTWILL", true, cmd_will, query_will, NULL,
	  "+MQTTWILL: (1,2),255,(0-2),(0,1),1024" },
	{ "COPS", false, NULL, query_cops, NULL, NULL },
	{ "CREG", false, NULL, query_creg, NULL, NULL },
	{ "CGSN", false, NULL, NULL, exec_cgsn, NULL },
	{ "MIPCALL", false, cmd_mipcall, query_mipcall, NULL, NULL },
};

/* With "mid": an unsolicited line inside a query or test response. */
static void mid_urc(void)
{
	if (hostile.mid)
		sendf("+CREG: 0,5");
}

static const char *query(const struct command *cmd)
{
	const char *res;

	mid_urc();
	res = cmd->query();
	mid_urc();
	return res;
}

/* "AT+<rest>": run the command named by rest. */
static const char *dispatch(const char *rest)
{
	static char err[32];
	const struct command *cmd = NULL;
	long code;
	size_t len = strcspn(rest, "=?");
	struct arg a[MAXARGS];
	const char *p = rest + len;
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strlen(commands[i].name) == len &&
		    !strncasecmp(commands[i].name, rest, len))
			cmd = &commands[i];
	if (!cmd)
		return "ERROR";
	if (!*p)
		return cmd->exec ? cmd->exec() : "ERROR";
	if (!strcmp(p, "?"))
		return cmd->query ? query(cmd) : "ERROR";
	if (!strcmp(p, "=?")) {
		if (!cmd->test)
			return "ERROR";
		mid_urc();
		sendf("%s", cmd->test);
		mid_urc();
		return "OK";
	}
	if (*p != '=' || !cmd->set)
		return "ERROR";
	if (cmd->mqtt && fault_take_error(&code)) {
		snprintf(err, sizeof(err), "ERROR: %ld", code);
		return err;
	}
	n = split_args(p + 1, a, MAXARGS);
	return n < 0 ? "ERROR" : cmd->set(a, n);
}

static void handle_line(const char *line, size_t len)
{
	const char *res;
	char cme[32];
	long code;

	logv("<<", line, len);
	if (fault_take_cme(&code)) {
		snprintf(cme, sizeof(cme), "+CME ERROR: %ld", code);
		send_final(cme);
		return;
	}
	if (!ascii(line, len, true) || strncasecmp(line, "AT", 2)) {
		res = "ERROR";
	} else if (!line[2]) {
		res = "OK";
	} else if (!strcasecmp(line + 2, "E0") || !strcasecmp(line + 2, "E1")) {
		echo_on = line[3] == '1';
		res = "OK";
	} else if (line[2] == '+') {
		res = dispatch(line + 3);
	} else {
		res = "ERROR";
	}
	if (res)
		send_final(res);
}

/* ---- input from the host ---- */

static char line[CMD_MAX + 1];
static size_t line_len;
static bool line_long;

static void echo(const char *s, size_t n)
{
	if (echo_on && n)
		send_raw(s, n);
}

/* A command line, or one too long (ERROR). */
static void run_line(const char *line, size_t len, bool too_long)
{
	if (too_long)
		sendf("ERROR");
	else
		handle_line(line, len);
}

/*
 * Busy with a "slowfinal" line, or a "slowprompt" publish's prompt is
 * still to come after all of its data.
 */
static bool busy(void)
{
	return slow.due ||
	       (pending.prompt_due && pending.need &&
		pending.len == pending.need);
}

/* Keep bytes that arrived while busy, up to BACKLOG_MAX. */
static void backlog_add(const char *buf, size_t n)
{
	size_t cap;
	char *p;

	if (n > BACKLOG_MAX - backlog_len) {
		fprintf(stderr, "atmqtt-sim: busy, %zu input bytes lost\n",
			n - (BACKLOG_MAX - backlog_len));
		n = BACKLOG_MAX - backlog_len;
	}
	if (backlog_len + n > backlog_cap) {
		cap = backlog_cap ? backlog_cap : 4096;
		while (cap < backlog_len + n)
			cap *= 2;
		p = realloc(backlog, cap);
		if (!p) {
			perror("atmqtt-sim");
			exit(1);
		}
		backlog = p;
		backlog_cap = cap;
	}
	memcpy(backlog + backlog_len, buf, n);
	backlog_len += n;
}

/* Bytes from the host: commands up to CR, or <Datasize> publish data. */
static void feed(const char *buf, size_t n)
{
	size_t i = 0, from = 0, k;
	char b;
	int ms;

	while (i < n) {
		if (busy()) {		/* the rest waits, unechoed */
			echo(buf + from, i - from);
			backlog_add(buf + i, n - i);
			return;
		}
		if (pending.need) {	/* raw data: no echo, no parsing */
			echo(buf + from, i - from);
			k = pending.need - pending.len;
			if (k > n - i)
				k = n - i;
			memcpy(pending.buf + pending.len, buf + i, k);
			pending.len += k;
			i += k;
			from = i;
			if (hostile.pubcut) {	/* hang up inside the data */
				hostile.pubcut = false;
				hang_up();
				return;
			}
			/* With "slowprompt", not before the prompt. */
			if (pending.len == pending.need && !pending.prompt_due)
				pending_done();
			continue;
		}
		b = buf[i++];
		if (b == '\r') {
			if (hostile.echo_flip)
				echo_on = line_rand() & 1;
			echo(buf + from, i - from);
			from = i;
			line[line_len] = '\0';
			ms = line_long || line_len ? fault_take_slowfinal() : 0;
			if (ms) {
				memcpy(slow.line, line, line_len + 1);
				slow.len = line_len;
				slow.too_long = line_long;
				slow.due = now_ms() + ms;
			} else if (line_long || line_len) {
				run_line(line, line_len, line_long);
			}
			line_len = 0;
			line_long = false;
		} else if (b == '\n' && !line_len && !line_long) {
			continue;	/* the LF of CRLF, or a stray one */
		} else if (line_len < CMD_MAX) {
			line[line_len++] = b;
		} else {
			line_long = true;
		}
	}
	echo(buf + from, i - from);
}

/*
 * Send the prompt of a "slowprompt" publish, run a "slowfinal" line, when
 * due; then the input that waited.  True while one of them waits.
 */
bool at_tick(void)
{
	long long now = now_ms();
	size_t n;
	char *b;

	if (pending.prompt_due && now >= pending.prompt_due) {
		pending.prompt_due = 0;
		send_prompt();
		if (pending.need && pending.len == pending.need)
			pending_done();
	}
	if (slow.due && now >= slow.due) {
		slow.due = 0;
		run_line(slow.line, slow.len, slow.too_long);
	}
	if (!busy() && backlog_len && !stop) {
		b = backlog;
		n = backlog_len;
		backlog = NULL;
		backlog_len = backlog_cap = 0;
		feed(b, n);	/* may keep a rest in a new backlog */
		free(b);
	}
	return slow.due || pending.prompt_due;
}

/* Bytes from the host, unless "mute" drops them. */
void at_input(const char *buf, size_t n)
{
	if (!muted)
		feed(buf, n);
}
