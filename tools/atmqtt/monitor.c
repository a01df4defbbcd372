// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt monitor: every event of the atmqtt family, or of the types asked
 * for, one line each, until it is killed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *event_name(int type)
{
	switch (type) {
	case ATMQTT_EVT_MESSAGE: return "message";
	case ATMQTT_EVT_BREAK: return "break";
	case ATMQTT_EVT_RESULT: return "result";
	case ATMQTT_EVT_MODEM: return "modem";
	case ATMQTT_EVT_URC: return "urc";
	case ATMQTT_EVT_RECONNECT: return "reconnect";
	default: return "unknown";
	}
}

/* EVT_MODEM: the modem's tty (NULL when not said) and state. */
static const char *event_tty(const struct atmqtt_event *e)
{
	return e->modem_info ? e->modem_info->tty : NULL;
}

static uint32_t event_state(const struct atmqtt_event *e)
{
	return e->modem_info ? e->modem_info->state : ATMQTT_MODEM_READY;
}

static void monitor_json(const struct atmqtt_event *e)
{
	const char *tty = event_tty(e);
	uint32_t state = event_state(e);

	j_begin();
	j_str("event", event_name(e->type));
	j_uint("modem", e->modem);
	switch (e->type) {
	case ATMQTT_EVT_MESSAGE:
		j_uint("client", e->client);
		j_uint("qos", e->qos);
		j_uint("seq", e->seq);
		j_uint("drops", e->drops);
		j_str("topic", e->topic ? e->topic : "");
		j_payload(e->payload, e->payload_len);
		if (e->truncated)
			j_bool("truncated", true);
		break;
	case ATMQTT_EVT_BREAK:
		j_uint("client", e->client);
		j_uint("cause", e->cause);
		j_str("cause_name", out_cause_name(e->cause));
		break;
	case ATMQTT_EVT_RESULT:
		j_str("urc", atmqtt_urc_name(e->urc));
		j_uint("client", e->client);
		j_uint("status", e->status);
		break;
	case ATMQTT_EVT_MODEM:
		j_str("tty", tty ? tty : "");
		j_str("state", atmqtt_state_name(state));
		j_bool("attached", state != ATMQTT_MODEM_DEAD);
		break;
	case ATMQTT_EVT_URC:
		j_str("line", e->line ? e->line : "");
		break;
	case ATMQTT_EVT_RECONNECT:
		j_uint("client", e->client);
		j_str("step", atmqtt_step_name(e->step));
		j_uint("attempt", e->attempt);
		j_int("errno", e->err);
		j_uint("delay_ms", e->delay_ms);
		if (e->topic)
			j_str("topic", e->topic);
		break;
	default:
		j_int("type", e->type);
	}
	j_end();
}

static void monitor_text(const struct atmqtt_event *e)
{
	const char *tty = event_tty(e);
	uint32_t state = event_state(e);

	printf("modem %u: %s ", e->modem, event_name(e->type));
	switch (e->type) {
	case ATMQTT_EVT_MESSAGE:
		text_message(e->client, e->qos, e->seq, e->drops, e->topic,
			     e->payload, e->payload_len, e->truncated);
		break;
	case ATMQTT_EVT_BREAK:
		printf("client %u cause %u (%s)\n", e->client, e->cause,
		       out_cause_name(e->cause));
		break;
	case ATMQTT_EVT_RESULT:
		printf("%s client %u status %u\n", atmqtt_urc_name(e->urc),
		       e->client, e->status);
		break;
	case ATMQTT_EVT_MODEM:
		printf("%s tty %s state %s\n",
		       state == ATMQTT_MODEM_DEAD ? "detached" : "attached",
		       tty ? tty : "?", atmqtt_state_name(state));
		break;
	case ATMQTT_EVT_URC:
		text_str(e->line ? e->line : "");
		putchar('\n');
		break;
	case ATMQTT_EVT_RECONNECT:
		printf("client %u step %s attempt %u errno %d", e->client,
		       atmqtt_step_name(e->step), e->attempt, e->err);
		if (e->err)
			printf(" (%s)", strerror(-e->err));
		printf(" delay_ms %u", e->delay_ms);
		if (e->topic) {
			printf(" topic ");
			text_str(e->topic);
		}
		putchar('\n');
		break;
	default:
		printf("type %d\n", e->type);
	}
	fflush(stdout);
}

/* "message,break": the bits of the event types named; 0 if one is not. */
static uint64_t event_types(const char *list)
{
	static const int types[] = {
		ATMQTT_EVT_MESSAGE, ATMQTT_EVT_BREAK, ATMQTT_EVT_RESULT,
		ATMQTT_EVT_MODEM, ATMQTT_EVT_URC, ATMQTT_EVT_RECONNECT,
	};
	uint64_t bits = 0;
	size_t i, n;

	for (;;) {
		n = strcspn(list, ",");
		for (i = 0; i < ARRAY_SIZE(types); i++)
			if (strlen(event_name(types[i])) == n &&
			    !strncmp(list, event_name(types[i]), n))
				break;
		if (i == ARRAY_SIZE(types))
			return 0;
		bits |= ATMQTT_EVENT_BIT(types[i]);
		if (!list[n])
			return bits;
		list += n + 1;
	}
}

struct monitor_ctx {
	uint32_t modem;		/* 0: every modem */
	uint64_t types;		/* 0: every type */
};

static int monitor_cb(const struct atmqtt_event *e, void *arg)
{
	const struct monitor_ctx *m = arg;

	if (m->modem && e->modem != m->modem)
		return 0;
	/* The socket filter dropped the others already; this keeps the
	 * output right where none ran (the host tests' scripted kernel).
	 */
	if (m->types && !(m->types & ATMQTT_EVENT_BIT(e->type & 63)))
		return 0;
	if (out_json)
		monitor_json(e);
	else
		monitor_text(e);
	return 0;
}

static void monitor_overrun(const struct atmqtt_events *ev)
{
	unsigned long long n = atmqtt_events_overruns(ev);

	if (out_json) {
		j_begin();
		j_str("event", "overrun");
		j_uint("overruns", n);
		j_end();
	} else {
		printf("overrun: events were lost (socket overrun %llu)\n", n);
		fflush(stdout);
	}
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "events", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = TARGET_INIT;
	struct monitor_ctx m = { 0 };
	struct atmqtt_events *ev;
	struct atmqtt_nl *nl;
	int c, err;

	while ((c = opt_next(argc, argv, "e:", opts, &t)) >= 0) {
		if (c != 'e')
			return opt_usage();
		m.types = event_types(optarg);
		if (!m.types)
			return opt_error("bad event types '%s' (message, break, result, modem, urc, reconnect)",
					 optarg);
	}
	if (c == OPT_STOP)
		return opt_status;
	if (optind != argc)
		return opt_usage();
	if (t.modem_arg) {
		nl = modem_filter(&t);
		if (!nl)
			return EXIT_FAIL;
		atmqtt_nl_close(nl);
	}
	m.modem = t.modem;
	ev = atmqtt_events_open();
	if (!ev)
		return out_fail("events", -errno, NULL);
	err = m.types ? atmqtt_events_filter(ev, m.types) : 0;
	if (err) {
		atmqtt_events_close(ev);
		return out_fail("events", err, NULL);
	}
	for (;;) {
		err = atmqtt_events_dispatch(ev, monitor_cb, &m);
		if (err == -ENOBUFS) {
			monitor_overrun(ev);
		} else if (err < 0 && err != -EINTR) {
			atmqtt_events_close(ev);
			return out_fail("events", err, NULL);
		}
	}
}
