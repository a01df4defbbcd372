// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * atp: incremental parser for AT responses and URCs.  See atp.h.
 *
 * Bytes are gathered into one line buffer until a CR or LF; each complete
 * line is classified once.  The scan for the line end runs over the whole
 * chunk with memchr-like loops and copies runs with memcpy, so the cost per
 * byte is a compare and a copy.
 *
 * Short chunks (a slow UART hands bytes over one at a time) cost a call
 * each instead.  Most of their bytes only need storing, which atp_feed()
 * does itself as long as fast_end and fast_min allow it (see atp.h).  The
 * code that changes the parser's state in any other way sets them again
 * before atp_feed() returns (atp_set_fast()); atp_reset() clears fast_end.
 */
#include "atp.h"

/* Chunks up to this long are stored by atp_feed() itself, byte by byte. */
#define ATP_SHORT	16

void atp_init(struct atp_parser *p, atp_emit_t emit, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->emit = emit;
	p->ctx = ctx;
}

/* What atp_feed() may store without the general code: see atp.h. */
static void atp_set_fast(struct atp_parser *p)
{
	if (!p->len || p->overflow || p->skip_line ||
	    (p->data_need && !p->data_started)) {
		p->fast_end = 0;
	} else if (p->data_need) {
		/* Stored up to the cap; the last byte ends the data. */
		p->fast_end = p->data_cut ? p->data_need : p->data_need - 1;
		p->fast_min = 0;
	} else {
		p->fast_end = ATP_LINE_MAX;
		p->fast_min = '\r' + 1;
	}
}

void atp_reset(struct atp_parser *p)
{
	p->len = 0;
	p->fast_end = 0;
	p->overflow = false;
	p->skip_line = false;
	p->data_need = 0;
	p->data_drop = 0;
	p->data_cut = false;
	p->data_started = false;
}

bool atp_abort_data(struct atp_parser *p)
{
	if (!p->data_need)
		return false;
	p->stats.malformed++;
	atp_reset(p);
	return true;
}

static void atp_emit(struct atp_parser *p, struct atp_item *it)
{
	p->emit(p->ctx, it);
}

static bool atp_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1-9 decimal digits at *s; advances *s.  Returns false if none. */
static bool atp_int(const char **s, const char *end, int *val)
{
	const char *q = *s;
	int v = 0, n = 0;

	while (q < end && atp_is_digit(*q)) {
		if (++n > 9)
			return false;
		v = v * 10 + (*q - '0');
		q++;
	}
	if (!n)
		return false;
	*s = q;
	*val = v;
	return true;
}

static bool atp_char(const char **s, const char *end, char c)
{
	if (*s < end && **s == c) {
		(*s)++;
		return true;
	}
	return false;
}

/* "<int>,<int>" filling the whole rest of the line. */
static bool atp_pair(const char *s, const char *end, int *a, int *b)
{
	return atp_int(&s, end, a) && atp_char(&s, end, ',') &&
	       atp_int(&s, end, b) && s == end;
}

/* "<int>,<int>,<int>,<int>" filling the whole rest of the line. */
static bool atp_quad(const char *s, const char *end, int v[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i && !atp_char(&s, end, ','))
			return false;
		if (!atp_int(&s, end, &v[i]))
			return false;
	}
	return s == end;
}

static bool atp_prefix(const char *line, size_t len, const char *pfx,
		       size_t plen)
{
	return len >= plen && !memcmp(line, pfx, plen);
}

static const char *atp_skip_spaces(const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	return s;
}

static const struct {
	const char *name;
	size_t len;
	enum atp_result result;
} atp_results[] = {
	{ "+MQTTOPEN:", 10, ATP_R_OPEN },
	{ "+MQTTCLOSE:", 11, ATP_R_CLOSE },
	{ "+MQTTSUB:", 9, ATP_R_SUB },
	{ "+MQTTUNSUB:", 11, ATP_R_UNSUB },
	{ "+MQTTPUB:", 9, ATP_R_PUB },
};

/*
 * +MQTTMSG: <client>,<qos>,"<topic>","<payload>"
 * The topic cannot contain '"'; the payload runs to the last byte of the
 * line, which must be '"', so payloads with commas and quotes come through.
 * A payload with CR or LF cannot be represented in this form: the line ends
 * there and the message is reported malformed.  cut: the line is the
 * start of one too long for the buffer; the payload runs to its end.
 */
static bool atp_msg(const char *s, const char *end, struct atp_item *it,
		    bool cut)
{
	const char *t;

	if (!atp_int(&s, end, &it->client) || !atp_char(&s, end, ',') ||
	    !atp_int(&s, end, &it->qos) || !atp_char(&s, end, ',') ||
	    !atp_char(&s, end, '"'))
		return false;
	t = s;
	while (s < end && *s != '"')
		s++;
	if (s == end)
		return false;
	it->topic = t;
	it->topic_len = s - t;
	s++;
	if (!atp_char(&s, end, ',') || !atp_char(&s, end, '"'))
		return false;
	if (cut) {
		it->payload = (const u8 *)s;
		it->payload_len = end - s;
		it->truncated = true;
		return true;
	}
	if (s >= end || end[-1] != '"')
		return false;
	it->payload = (const u8 *)s;
	it->payload_len = end - 1 - s;
	return true;
}

/*
 * +MQTTMSGI and +MQTTREAD headers: <client>,<qos>,<tlen>,<plen>.  A READ
 * header with a topic announces the data that follows by length.
 */
static enum atp_kind atp_lengths(struct atp_parser *p, const char *s,
				 const char *end, struct atp_item *it,
				 enum atp_kind kind)
{
	int v[4];

	if (!atp_quad(s, end, v) || v[2] > ATP_TOPIC_MAX ||
	    v[3] > (kind == ATP_READ ? ATP_READ_PLEN_MAX : ATP_PAYLOAD_MAX) ||
	    (kind == ATP_MSGI && !v[2]))
		return ATP_MALFORMED;
	it->client = v[0];
	it->qos = v[1];
	it->topic_len = v[2];
	it->payload_len = v[3];
	if (v[3] > ATP_PAYLOAD_MAX) {
		it->payload_len = ATP_PAYLOAD_MAX;
		it->truncated = true;
	}
	it->read_plen = v[3];
	if (kind == ATP_READ && v[2]) {
		p->data_need = v[2] + v[3] + 5;
		p->data_drop = 0;
		p->data_cut = v[3] > ATP_PAYLOAD_MAX;
		/* Kept: the topic whole, the payload's first ATP_PAYLOAD_MAX;
		 * read and dropped: the rest, its closing quote included.
		 */
		if (p->data_cut) {
			p->data_need = v[2] + 4 + ATP_PAYLOAD_MAX;
			p->data_drop = v[3] - ATP_PAYLOAD_MAX + 1;
		}
		p->data_plen = v[3];
		p->data_tlen = v[2];
		p->data_client = v[0];
		p->data_qos = v[1];
		p->data_started = false;
	}
	return kind;
}

/*
 * The +MQTT lines, told apart by their sixth byte before any prefix is
 * compared: each costs one or two comparisons, not a walk of every name.
 */
static void atp_classify_mqtt(struct atp_parser *p, const char *line,
			      size_t len, struct atp_item *it)
{
	const char *end = line + len;
	const char *s;
	size_t i;

	switch (len > 5 ? line[5] : 0) {
	case 'M':
		if (atp_prefix(line, len, "+MQTTMSG:", 9)) {
			s = atp_skip_spaces(line + 9, end);
			it->kind = atp_msg(s, end, it, false) ? ATP_MSG :
				   ATP_MALFORMED;
		} else if (atp_prefix(line, len, "+MQTTMSGI:", 10)) {
			s = atp_skip_spaces(line + 10, end);
			it->kind = atp_lengths(p, s, end, it, ATP_MSGI);
		}
		return;
	case 'R':
		if (atp_prefix(line, len, "+MQTTREAD:", 10)) {
			s = atp_skip_spaces(line + 10, end);
			/* "+MQTTREAD: (1,2)" answers the test form. */
			if (s < end && *s != '(')
				it->kind = atp_lengths(p, s, end, it, ATP_READ);
		}
		return;
	case 'B':
		if (atp_prefix(line, len, "+MQTTBREAK:", 11)) {
			s = atp_skip_spaces(line + 11, end);
			it->kind = atp_pair(s, end, &it->client, &it->cause) ?
				   ATP_BREAK : ATP_MALFORMED;
		}
		return;
	}
	for (i = 0; i < ARRAY_SIZE(atp_results); i++) {
		if (line[5] != atp_results[i].name[5] ||
		    !atp_prefix(line, len, atp_results[i].name,
				atp_results[i].len))
			continue;
		s = atp_skip_spaces(line + atp_results[i].len, end);
		if (atp_pair(s, end, &it->client, &it->status) &&
		    (it->status == 0 || it->status == 1)) {
			it->kind = ATP_RESULT;
			it->result = atp_results[i].result;
		}
		return;
	}
}

/* One line, by its first byte: a final result, an echo, a +MQTT line. */
static void atp_classify(struct atp_parser *p, const char *line, size_t len)
{
	const char *end = line + len;
	struct atp_item it;
	const char *s;

	memset(&it, 0, sizeof(it));
	it.kind = ATP_INFO;
	it.line = line;
	it.line_len = len;

	switch (len ? line[0] : 0) {
	case 'O':
		if (len == 2 && line[1] == 'K')
			it.kind = ATP_OK;
		break;
	case 'E':
		if (len == 5 && !memcmp(line, "ERROR", 5)) {
			it.kind = ATP_ERROR;
		} else if (atp_prefix(line, len, "ERROR:", 6)) {
			s = atp_skip_spaces(line + 6, end);
			if (atp_int(&s, end, &it.code) && s == end)
				it.kind = ATP_ERROR_CODE;
		}
		break;
	case '+':
		if (atp_prefix(line, len, "+MQTT", 5)) {
			atp_classify_mqtt(p, line, len, &it);
		} else if (atp_prefix(line, len, "+CME ERROR:", 11)) {
			s = atp_skip_spaces(line + 11, end);
			it.kind = ATP_CME_ERROR;
			if (!atp_int(&s, end, &it.code) || s != end)
				it.code = -1;
		}
		break;
	case 'A':
	case 'a':
		if (len >= 2 && (line[1] | 0x20) == 't')
			it.kind = ATP_ECHO;
		break;
	}
	if (it.kind == ATP_MALFORMED)
		p->stats.malformed++;
	atp_emit(p, &it);
}

/*
 * A +MQTTMSG line too long for the buffer, which holds its first
 * ATP_LINE_MAX bytes: when its header and topic are whole, the message is
 * delivered with the start of its payload, flagged truncated, rather than
 * dropped as an overflow; a listener learns it came and what it was about,
 * and can tell it is not whole.  Anything else is reported as ATP_OVERFLOW.
 */
static bool atp_msg_cut(struct atp_parser *p, struct atp_item *it)
{
	const char *end = p->line + p->len;
	const char *s;

	if (!atp_prefix(p->line, p->len, "+MQTTMSG:", 9))
		return false;
	s = atp_skip_spaces(p->line + 9, end);
	if (!atp_msg(s, end, it, true))
		return false;
	it->kind = ATP_MSG;
	it->line = p->line;
	it->line_len = p->len;
	return true;
}

/* Report the line that a CR or LF ended: its item, or its overflow. */
static noinline void atp_emit_line(struct atp_parser *p)
{
	struct atp_item it;

	p->stats.lines++;
	if (p->overflow) {
		memset(&it, 0, sizeof(it));
		p->stats.overflows++;
		if (!atp_msg_cut(p, &it)) {
			memset(&it, 0, sizeof(it));
			it.kind = ATP_OVERFLOW;
		}
		atp_emit(p, &it);
	} else {
		atp_classify(p, p->line, p->len);
	}
}

/* CR or LF outside +MQTTREAD data: empty lines (CRLF pairs) end nothing. */
static void atp_end_line(struct atp_parser *p)
{
	if (p->len || p->overflow)
		atp_emit_line(p);
	p->len = 0;
	p->overflow = false;
	p->skip_line = false;
}

/* The data prompt is reported at once; the rest of its line is skipped. */
static noinline void atp_prompt(struct atp_parser *p)
{
	struct atp_item it;

	memset(&it, 0, sizeof(it));
	it.kind = ATP_PROMPT;
	atp_emit(p, &it);
	p->skip_line = true;
}

/*
 * The data line of +MQTTREAD is complete: in line[], or, for a payload
 * longer than ATP_PAYLOAD_MAX, its first data_need bytes in line[] (the
 * quoted topic whole and the payload's start) and its last in data_last.
 * Check its frame.  A cut payload is delivered with what was kept of it,
 * flagged truncated: its topic is whole, and the bytes that follow it were
 * read by length, so nothing of it is parsed as lines.
 */
static void atp_end_data(struct atp_parser *p)
{
	size_t t = p->data_tlen, n = p->len;
	bool cut = p->data_cut;
	const char *d = p->line;
	struct atp_item it;
	char last;

	last = cut ? p->data_last : d[n - 1];
	memset(&it, 0, sizeof(it));
	it.line = d;
	it.line_len = n;
	if (d[0] == '"' && d[t + 1] == '"' && d[t + 2] == ',' &&
	    d[t + 3] == '"' && last == '"') {
		it.kind = ATP_MSG;
		it.from_read = true;
		it.client = p->data_client;
		it.qos = p->data_qos;
		it.topic = d + 1;
		it.topic_len = t;
		it.payload = (const u8 *)d + t + 4;
		it.payload_len = cut ? n - t - 4 : n - t - 5;
		it.truncated = cut;
		it.read_plen = p->data_plen;
	} else {
		it.kind = ATP_MALFORMED;
		p->stats.malformed++;
	}
	p->stats.lines++;
	p->len = 0;
	p->data_need = 0;
	p->data_cut = false;
	p->data_started = false;
	atp_emit(p, &it);
}

/* Take +MQTTREAD data bytes by length; returns the bytes consumed. */
static size_t atp_feed_data(struct atp_parser *p, const u8 *buf, size_t len)
{
	size_t used = 0, run;

	if (!p->data_started) {
		while (used < len && (buf[used] == '\r' || buf[used] == '\n'))
			used++;
		if (used == len)
			return used;
		p->data_started = true;
	}
	run = len - used;
	if (run > p->data_need - p->len)
		run = p->data_need - p->len;
	memcpy(p->line + p->len, buf + used, run);
	p->len += run;
	used += run;
	/* Past what is kept of a cut payload: read, and the last byte kept. */
	run = len - used;
	if (run > p->data_drop)
		run = p->data_drop;
	if (run) {
		p->data_drop -= run;
		used += run;
		p->data_last = buf[used - 1];
	}
	if (p->len == p->data_need && !p->data_drop)
		atp_end_data(p);
	return used;
}

/* The general loop: line ends, prompts, +MQTTREAD data, overflow. */
static noinline void atp_feed_lines(struct atp_parser *p, const u8 *buf,
				    size_t len)
{
	const u8 *end = buf + len;

	while (buf < end) {
		const u8 *q = buf;
		size_t run;

		if (p->data_need) {
			buf += atp_feed_data(p, buf, end - buf);
			continue;
		}

		if (!p->len && !p->overflow && !p->skip_line && *buf == '>') {
			atp_prompt(p);
			buf++;
			continue;
		}

		while (q < end && *q != '\r' && *q != '\n')
			q++;
		run = q - buf;
		if (run && !p->skip_line && !p->overflow) {
			if (run > ATP_LINE_MAX - p->len) {
				/* The start is kept: see atp_msg_cut(). */
				memcpy(p->line + p->len, buf,
				       ATP_LINE_MAX - p->len);
				p->len = ATP_LINE_MAX;
				p->overflow = true;
			} else if (run == 1) {
				p->line[p->len++] = *buf;
			} else {
				memcpy(p->line + p->len, buf, run);
				p->len += run;
			}
		}
		buf = q;
		if (buf < end) {
			atp_end_line(p);
			buf++;
		}
	}
	atp_set_fast(p);
}

/*
 * Between lines, a CR or LF changes nothing (the LF of CRLF, empty lines,
 * line ends before +MQTTREAD data): half the bytes that atp_feed() cannot
 * store, so they are worth a test of their own.
 */
static bool atp_idle_end(struct atp_parser *p, u8 c)
{
	return !p->len && !p->overflow && !p->skip_line &&
	       (c == '\r' || c == '\n');
}

/*
 * One byte that atp_feed() cannot just store: what atp_feed_lines() does with
 * a chunk of one byte, without its loop.
 */
static noinline void atp_feed_byte(struct atp_parser *p, u8 c)
{
	if (p->data_need) {
		if (!p->data_started && (c == '\r' || c == '\n'))
			return;		/* before the data: skipped */
		p->data_started = true;
		if (p->len < p->data_need) {
			p->line[p->len++] = c;
		} else {
			p->data_drop--;
			p->data_last = c;
		}
		if (p->len == p->data_need && !p->data_drop)
			atp_end_data(p);
	} else if (c == '\r' || c == '\n') {
		atp_end_line(p);
	} else if (p->overflow || p->skip_line) {
		return;		/* dropped: nothing changes */
	} else if (!p->len && c == '>') {
		atp_prompt(p);
	} else if (p->len == ATP_LINE_MAX) {
		p->overflow = true;
	} else {
		p->line[p->len++] = c;
	}
	atp_set_fast(p);
}

/*
 * Short pieces (a slow UART hands bytes over one at a time) mostly fall
 * inside a line or inside +MQTTREAD data, where a byte only needs storing:
 * fast_end and fast_min say when (see atp.h).  Anything else goes to
 * atp_feed_byte() for a single byte, to the general loop for the rest of a
 * longer chunk.
 */
static noinline void atp_feed_chunk(struct atp_parser *p, const u8 *buf,
				    size_t len)
{
	size_t n, i, lim;

	if (len <= ATP_SHORT) {
		n = p->len;
		lim = n < p->fast_end ? p->fast_end - n : 0;
		if (lim > len)
			lim = len;
		for (i = 0; i < lim && buf[i] >= p->fast_min; i++)
			p->line[n + i] = buf[i];
		p->len = n + i;
		if (i == len)
			return;
		buf += i;
		len -= i;
	}
	atp_feed_lines(p, buf, len);
}

/* A byte at a time is the common case of a slow UART: it stays inline. */
void atp_feed(struct atp_parser *p, const u8 *buf, size_t len)
{
	if (len == 1) {
		if (p->len < p->fast_end && *buf >= p->fast_min)
			p->line[p->len++] = *buf;
		else if (!atp_idle_end(p, *buf))
			atp_feed_byte(p, *buf);
		return;
	}
	atp_feed_chunk(p, buf, len);
}

int atp_fields(const char *s, size_t len, struct atp_field *f, int max)
{
	const char *end = s + len;
	int n = 0;

	s = atp_skip_spaces(s, end);
	for (;;) {
		const char *start;

		if (n == max)
			return -1;
		if (s < end && *s == '"') {
			start = ++s;
			while (s < end && *s != '"')
				s++;
			if (s == end)
				return -1;
			f[n].s = start;
			f[n].len = s - start;
			f[n].quoted = true;
			s++;
			if (s < end && *s != ',')
				return -1;
		} else {
			start = s;
			while (s < end && *s != ',')
				s++;
			f[n].s = start;
			f[n].len = s - start;
			f[n].quoted = false;
		}
		n++;
		if (s == end)
			return n;
		s++;	/* the comma */
	}
}

/* The value of an unquoted field of 1-9 decimal digits, or -1. */
int atp_field_int(const struct atp_field *f)
{
	const char *s = f->s;
	int v;

	if (f->quoted || !atp_int(&s, f->s + f->len, &v) || s != f->s + f->len)
		return -1;
	return v;
}
