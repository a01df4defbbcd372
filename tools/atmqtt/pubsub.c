// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt sub, unsub, pub and read: messages.  sub subscribes and prints
 * what comes on its topics until a count, a timeout or a signal, then
 * unsubscribes what it subscribed; pub publishes one message; read takes
 * one the modem kept.
 */
#define _GNU_SOURCE		/* ppoll(), asprintf() */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "signals.h"

/* long options without a letter (above options.h's OPT_HELP) */
#define OPT_NO_WAIT	0x102
#define OPT_KEEP	0x107

/* MQTT topic filter matching: '+' one level, '#' this level and below
 * ("a/#" matches "a"); wildcards at the start do not match "$" topics.
 */
static bool topic_match(const char *f, const char *t)
{
	if ((*f == '+' || *f == '#') && *t == '$')
		return false;
	for (;;) {
		if (*f == '#')
			return true;
		if (*f == '+') {
			while (*t && *t != '/')
				t++;
			f++;
		} else {
			for (; *f && *f != '/'; f++, t++)
				if (*f != *t)
					return false;
			if (*t && *t != '/')
				return false;
		}
		/* both at a '/' or at the end */
		if (!*f)
			return !*t;
		if (!*t)
			return !strcmp(f, "/#");
		f++;
		t++;
	}
}

/* The payload of pub -f and -s: up to the family's bound of
 * ATMQTT_A_MSG_PAYLOAD; the modem's own limit (atmqtt limits) is the
 * kernel's to check.
 */
#define FAMILY_PAYLOAD_MAX	65535

struct sub_ctx {
	struct atmqtt_nl *nl;
	uint32_t modem;
	uint32_t client;
	const char **topics;	/* -t: one per word of argv at most */
	int ntopics;
	bool verbose, no_nl;
	unsigned long want, got;
	uint64_t last_seq;
	bool policy_on;		/* reconnects(): the client's policy is on */
	int result;		/* -1 while running, then the exit status */
	bool *had;		/* subscribed already before sub ran */
	int nsubscribed;	/* topics[] subscribed so far */
	bool gone;		/* the client's subscriptions are gone */
};

static int policy_cb(const struct atmqtt_client_info *c, void *arg)
{
	struct sub_ctx *s = arg;

	if (c->client == s->client && (c->reconnect ||
	    c->state == ATMQTT_CLIENT_RECONNECTING))
		s->policy_on = true;
	return 0;
}

/* After a break: does the reconnect policy reopen the client? */
static bool reconnects(struct sub_ctx *s)
{
	s->policy_on = false;
	atmqtt_client_list(s->nl, s->modem, policy_cb, s);
	return s->policy_on;
}

/* The client or the modem went: nothing to unsubscribe from. */
static int sub_stop(struct sub_ctx *s, const char *why, uint32_t cause)
{
	fprintf(stderr, "atmqtt: sub: %s", why);
	if (cause)
		fprintf(stderr, " (cause %u, %s)", cause,
			out_cause_name(cause));
	fputc('\n', stderr);
	s->result = EXIT_FAIL;
	s->gone = true;
	return 1;
}

static int had_cb(const struct atmqtt_sub_info *si, void *arg)
{
	struct sub_ctx *s = arg;
	int i;

	for (i = 0; i < s->ntopics; i++)
		if (si->client == s->client && !strcmp(si->topic, s->topics[i]))
			s->had[i] = true;
	return 0;
}

/*
 * What sub subscribed, unsubscribed again as it leaves: the topics it
 * added to the client's subscriptions (not those the kernel tracked
 * before it ran, nor a topic given twice).  The subscriptions are the
 * modem client's, shared by every program that uses it: left behind, they
 * pile up towards the modem's limit (atmqtt limits: subs).
 */
static void sub_undo(struct sub_ctx *s)
{
	char *op;
	int i, k, err;

	for (i = 0; i < s->nsubscribed; i++) {
		for (k = 0; k < i && strcmp(s->topics[k], s->topics[i]); k++)
			;
		if (s->had[i] || k < i)
			continue;
		err = atmqtt_unsubscribe(s->nl, s->modem, s->client,
					 s->topics[i]);
		if (err) {
			/* the op names the topic, whatever its length */
			if (asprintf(&op, "sub: unsubscribe %s",
				     s->topics[i]) < 0)
				op = NULL;
			out_fail(op ? op : "sub: unsubscribe", err, s->nl);
			free(op);
		}
	}
}

static void sub_print(struct sub_ctx *s, const struct atmqtt_event *e)
{
	if (out_json) {
		j_begin();
		j_uint("modem", e->modem);
		j_uint("client", e->client);
		j_uint("qos", e->qos);
		j_uint("seq", e->seq);
		j_uint("drops", e->drops);
		j_str("topic", e->topic);
		j_payload(e->payload, e->payload_len);
		if (e->truncated)
			j_bool("truncated", true);
		j_end();
		return;
	}
	if (s->verbose)
		printf("%s ", e->topic);
	fwrite(e->payload, 1, e->payload_len, stdout);
	if (!s->no_nl)
		putchar('\n');
	fflush(stdout);
}

static int sub_cb(const struct atmqtt_event *e, void *arg)
{
	struct sub_ctx *s = arg;
	int i;

	if (e->modem != s->modem)
		return 0;
	if (e->type == ATMQTT_EVT_MODEM && e->modem_info &&
	    e->modem_info->state == ATMQTT_MODEM_DEAD)
		return sub_stop(s, "the modem went away", 0);
	if (e->type == ATMQTT_EVT_MESSAGE) {
		/* RX_SEQ counts the modem's messages, whichever client */
		if (s->last_seq && e->seq > s->last_seq + 1)
			fprintf(stderr, "atmqtt: sub: %llu message(s) lost\n",
				(unsigned long long)(e->seq - s->last_seq - 1));
		if (e->seq)
			s->last_seq = e->seq;
	}
	if (e->client != s->client)
		return 0;
	switch (e->type) {
	case ATMQTT_EVT_BREAK:
		if (!reconnects(s))
			return sub_stop(s, "the connection broke", e->cause);
		fprintf(stderr, "atmqtt: sub: the connection broke (cause %u, %s); the reconnect policy reopens it\n",
			e->cause, out_cause_name(e->cause));
		return 0;
	case ATMQTT_EVT_RECONNECT:
		if (e->step == ATMQTT_STEP_STOP)
			return sub_stop(s, "the reconnect policy gave up", 0);
		return 0;
	case ATMQTT_EVT_RESULT:
		if (e->urc == ATMQTT_URC_CLOSE && e->status)
			return sub_stop(s, "the client was closed", 0);
		return 0;
	case ATMQTT_EVT_MESSAGE:
		break;
	default:
		return 0;
	}
	if (!e->topic)
		return 0;
	for (i = 0; i < s->ntopics; i++)
		if (topic_match(s->topics[i], e->topic))
			break;
	if (i == s->ntopics)
		return 0;
	sub_print(s, e);
	if (s->want && ++s->got >= s->want) {
		s->result = 0;
		return 1;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits for events until the callback sets s->result, the deadline or a
 * caught signal (ppoll() lets them in).
 */
static int sub_loop(struct atmqtt_events *ev, struct sub_ctx *s,
		    unsigned long timeout_s, const sigset_t *wait_mask)
{
	long long deadline = timeout_s ? now_ms() + timeout_s * 1000LL : 0;
	int err;

	while (s->result < 0) {
		struct pollfd p = { .fd = atmqtt_events_fd(ev), .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		long long ms;

		if (deadline) {
			ms = deadline - now_ms();
			if (ms <= 0) {
				fprintf(stderr, "atmqtt: sub: timeout\n");
				return EXIT_FAIL;
			}
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = ms % 1000 * 1000000;
			tsp = &ts;
		}
		if (ppoll(&p, 1, tsp, wait_mask) <= 0) {
			if (signals_caught)
				return 128 + signals_caught;
			continue;
		}
		err = atmqtt_events_dispatch(ev, sub_cb, s);
		if (err == -ENOBUFS)
			fprintf(stderr, "atmqtt: sub: events lost (socket overrun)\n");
		else if (err < 0 && err != -EINTR)
			return out_fail("events", err, NULL);
	}
	return s->result;
}

int cmd_sub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topic", required_argument, NULL, 't' },
		{ "qos", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-newline", no_argument, NULL, 'N' },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ NULL, 0, NULL, 0 },
	};
	static struct sub_ctx s = { .result = -1 };
	struct target t = TARGET_INIT;
	unsigned long qos = 0, timeout = 0;
	struct atmqtt_events *ev = NULL;
	bool no_wait = false, keep = false, ok = true;
	sigset_t wait_mask;
	int c, err;

	/* As many -t as given: the kernel refuses a subscription past the
	 * modem's limit (-ENOSPC, atmqtt limits: subs).
	 */
	s.topics = calloc(argc, sizeof(*s.topics));
	s.had = calloc(argc, sizeof(*s.had));
	if (!s.topics || !s.had)
		return out_fail("sub", -ENOMEM, NULL);
	/* Caught from the start: an interrupted sub unsubscribes too. */
	signals_catch(&wait_mask);
	while ((c = opt_next(argc, argv, "t:q:C:W:vN", opts, &t)) >= 0) {
		switch (c) {
		case 't': s.topics[s.ntopics++] = optarg; break;
		case 'v': s.verbose = true; break;
		case 'N': s.no_nl = true; break;
		case OPT_NO_WAIT: no_wait = true; break;
		case OPT_KEEP: keep = true; break;
		case 'q': ok = opt_ulong(optarg, INT_MAX, &qos); break;
		case 'C': ok = opt_ulong(optarg, ULONG_MAX, &s.want); break;
		case 'W': ok = opt_ulong(optarg, 1000000, &timeout); break;
		}
		if (!ok)
			return opt_error("bad value '%s'", optarg);
	}
	if (c == OPT_STOP)
		return opt_status;
	if (!s.ntopics || optind != argc)
		return opt_usage();
	/* --no-wait subscribes for others to read: nothing to undo */
	keep |= no_wait;
	s.nl = modem_target(&t);
	if (!s.nl)
		return EXIT_FAIL;
	s.modem = t.modem;
	s.client = t.client;
	/* Listen before subscribing: nothing after the SUBACK is lost. */
	if (!no_wait) {
		ev = atmqtt_events_open();
		if (!ev) {
			err = out_fail("events", -errno, NULL);
			atmqtt_nl_close(s.nl);
			return err;
		}
	}
	/* What the client had: left subscribed at the end. */
	if (!keep)
		atmqtt_sub_list(s.nl, s.modem, had_cb, &s);
	err = 0;
	for (; s.nsubscribed < s.ntopics && !err; s.nsubscribed++) {
		err = atmqtt_subscribe(s.nl, s.modem, s.client,
				       s.topics[s.nsubscribed], qos);
		if (err) {
			err = out_fail("subscribe", err, s.nl);
			break;
		}
	}
	if (!err && !no_wait)
		err = sub_loop(ev, &s, timeout, &wait_mask);
	atmqtt_events_close(ev);
	signals_default();
	if (!keep && !s.gone)
		sub_undo(&s);
	atmqtt_nl_close(s.nl);
	free(s.topics);
	free(s.had);
	return err;
}

int cmd_unsub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topic", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char **topics = calloc(argc, sizeof(*topics));
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int c, i, n = 0, err = 0;

	if (!topics)
		return out_fail("unsub", -ENOMEM, NULL);
	while ((c = opt_next(argc, argv, "t:", opts, &t)) >= 0)
		topics[n++] = optarg;
	if (c == OPT_STOP || !n || optind != argc) {
		free(topics);
		return c == OPT_STOP ? opt_status : opt_usage();
	}
	nl = modem_target(&t);
	if (!nl) {
		free(topics);
		return EXIT_FAIL;
	}
	for (i = 0; i < n && !err; i++)
		err = atmqtt_unsubscribe(nl, t.modem, t.client, topics[i]);
	free(topics);
	return modem_done(nl, "unsubscribe", err);
}

/* Reads the whole of f, binary-exact, into buf[FAMILY_PAYLOAD_MAX]:
 * the length, or -EFBIG when there is more, or a negative errno.
 */
static long read_payload(FILE *f, unsigned char *buf)
{
	size_t n = 0, r;
	int extra;

	while (n < FAMILY_PAYLOAD_MAX) {
		r = fread(buf + n, 1, FAMILY_PAYLOAD_MAX - n, f);
		if (!r)
			break;
		n += r;
	}
	if (ferror(f))
		return -EIO;
	if (n == FAMILY_PAYLOAD_MAX) {
		extra = fgetc(f);
		if (ferror(f))
			return -EIO;
		if (extra != EOF)
			return -EFBIG;
	}
	return n;
}

static int load_payload(const char *file, unsigned char *buf, size_t *len)
{
	FILE *f = file ? fopen(file, "rb") : stdin;
	const char *name = file ? file : "stdin";
	long n;

	if (!f)
		return out_fail(name, -errno, NULL);
	n = read_payload(f, buf);
	if (file)
		fclose(f);
	if (n == -EFBIG) {
		fprintf(stderr, "atmqtt: pub: %s: payload longer than %d bytes\n",
			name, FAMILY_PAYLOAD_MAX);
		return EXIT_FAIL;
	}
	if (n < 0)
		return out_fail(name, n, NULL);
	*len = n;
	return 0;
}

int cmd_pub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topic", required_argument, NULL, 't' },
		{ "message", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' },
		{ "stdin-file", no_argument, NULL, 's' },
		{ "null-message", no_argument, NULL, 'n' },
		{ "qos", required_argument, NULL, 'q' },
		{ "retain", no_argument, NULL, 'r' },
		{ "datasize", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned char buf[FAMILY_PAYLOAD_MAX];
	struct atmqtt_pub_opts o = ATMQTT_PUB_OPTS_INIT;
	struct target t = TARGET_INIT;
	const char *topic = NULL, *file = NULL, *msg = NULL;
	unsigned long qos = 0;
	int c, sources = 0, err;
	bool from_stdin = false;
	const void *payload = buf;
	struct atmqtt_nl *nl;
	size_t len = 0;

	while ((c = opt_next(argc, argv, "t:m:f:snq:rD", opts, &t)) >= 0) {
		switch (c) {
		case 't': topic = optarg; break;
		case 'm': msg = optarg; sources++; break;
		case 'f': file = optarg; sources++; break;
		case 's': from_stdin = true; sources++; break;
		case 'n': sources++; break;
		case 'r': o.retain = 1; break;
		case 'D': o.flags |= ATMQTT_PUB_DATASIZE; break;
		case 'q':
			if (!opt_ulong(optarg, INT_MAX, &qos))
				return opt_error("bad qos '%s'", optarg);
			o.qos = qos;
			break;
		}
	}
	if (c == OPT_STOP)
		return opt_status;
	if (!topic || optind != argc)
		return opt_usage();
	if (sources != 1)
		return opt_error("give exactly one of -m, -f, -s, -n");
	if (msg) {
		payload = msg;
		len = strlen(msg);
	} else if (file || from_stdin) {
		err = load_payload(file, buf, &len);
		if (err)
			return err;
	}
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	/* the form the kernel used: 0 quoted, ATMQTT_PUB_DATASIZE */
	err = atmqtt_publish(nl, t.modem, t.client, topic, payload, len, &o);
	if (err >= 0 && out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_uint("client", t.client);
		j_str("topic", topic);
		j_uint("payload_len", len);
		j_bool("datasize", err & ATMQTT_PUB_DATASIZE);
		j_end();
	}
	return modem_done(nl, "publish", err < 0 ? err : 0);
}

int cmd_read(int argc, char **argv)
{
	struct atmqtt_message *m = NULL;
	struct target t = TARGET_INIT;
	struct atmqtt_nl *nl;
	int ret = opt_plain(argc, argv, &t, 0, 0);

	if (ret >= 0)
		return ret;
	nl = modem_target(&t);
	if (!nl)
		return EXIT_FAIL;
	ret = atmqtt_read(nl, t.modem, t.client, &m);
	if (ret > 0 && !m)
		ret = -EPROTO;	/* a library that broke its word */
	if (ret >= 0 && out_json) {
		j_begin();
		j_uint("modem", t.modem);
		j_uint("client", t.client);
		j_bool("message", ret);
		if (ret) {
			j_uint("qos", m->qos);
			j_uint("seq", m->seq);
			j_str("topic", m->topic ? m->topic : "");
			j_payload(m->payload, m->payload_len);
			if (m->truncated)
				j_bool("truncated", true);
		}
		j_end();
	} else if (ret > 0) {
		text_message(m->client, m->qos, m->seq, 0, m->topic,
			     m->payload, m->payload_len, m->truncated);
	} else if (!ret) {
		puts("no message");
	}
	atmqtt_message_free(m);
	return modem_done(nl, "read", ret < 0 ? ret : 0);
}
