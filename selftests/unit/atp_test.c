// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host unit tests of the AT/URC parser (kernel/atp.c), KTAP output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atp.h"

/* A recorded item, with copies of its strings, for comparisons. */
struct rec {
	int kind, code, result, client, status, cause, qos;
	char line[ATP_LINE_MAX + 1];
	char topic[300];
	char payload[ATP_LINE_MAX + 1];
	size_t payload_len;
	size_t topic_len;
	size_t read_plen;
	int from_read;
	int truncated;
};

struct log {
	struct rec r[64];
	int n;
};

static void record(void *ctx, const struct atp_item *it)
{
	struct log *l = ctx;
	struct rec *r;

	if (l->n == 64)
		return;
	r = &l->r[l->n++];
	memset(r, 0, sizeof(*r));
	r->kind = it->kind;
	r->code = it->code;
	r->result = it->result;
	r->client = it->client;
	r->status = it->status;
	r->cause = it->cause;
	r->qos = it->qos;
	if (it->line)
		memcpy(r->line, it->line, it->line_len);
	if (it->topic)
		memcpy(r->topic, it->topic, it->topic_len);
	if (it->payload)
		memcpy(r->payload, it->payload, it->payload_len);
	r->payload_len = it->payload_len;
	r->topic_len = it->topic_len;
	r->from_read = it->from_read;
	r->truncated = it->truncated;
	r->read_plen = it->read_plen;
}

static struct atp_parser parser;

static void parse_chunks(struct log *l, const char *s, size_t len,
			 const size_t *cuts, int ncuts)
{
	size_t pos = 0;
	int i;

	memset(l, 0, sizeof(*l));
	atp_init(&parser, record, l);
	for (i = 0; i < ncuts; i++) {
		atp_feed(&parser, (const u8 *)s + pos, cuts[i] - pos);
		pos = cuts[i];
	}
	atp_feed(&parser, (const u8 *)s + pos, len - pos);
}

static void parse(struct log *l, const char *s, size_t len)
{
	parse_chunks(l, s, len, NULL, 0);
}

static int same(const struct log *a, const struct log *b)
{
	return a->n == b->n && !memcmp(a->r, b->r, sizeof(a->r[0]) * a->n);
}

/* ---- KTAP ---- */

static int tests, failed;
static int cur_fail;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	cur_fail = 1;
	printf("# FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define TEST(name) static void test_##name(void)
#define RUN(name) do {						\
	cur_fail = 0;						\
	test_##name();						\
	tests++;						\
	failed += cur_fail;					\
	printf("%sok %d %s\n", cur_fail ? "not " : "", tests, #name); \
} while (0)

#define S(x) x, sizeof(x) - 1

static const char transcript[] =
	"AT+COPS?\r\r\n+COPS: 0,0,\"CHN-UNICOM\",7\r\n\r\nOK\r\n"
	"AT+MIPCALL=1\r\r\nOK\r\n\r\n+MIPCALL: 10.2.83.148\r\n"
	"AT+MQTTOPEN?\r\r\n+MQTTOPEN: 1,2\r\n\r\nOK\r\n"
	"AT+MQTTUSER=1,\"username\",\"passwd\",\"ClientIDStr\"\r\r\nOK\r\n"
	"AT+MQTTOPEN=1,\"MQTT BrokerServer\",1883,0,80\r\r\nOK\r\n\r\n+MQTTOPEN: 1,1\r\n"
	"AT+MQTTSUB=1,\"topic1\",0\r\r\nOK\r\n\r\n+MQTTSUB: 1,1\r\n"
	"\r\n+MQTTMSG: 1,0,\"topic1\",\"Test\"\r\n"
	"AT+MQTTPUB=1,\"topic1\",1,0,\"9\"\r\r\nOK\r\n\r\n+MQTTPUB: 1,1\r\n"
	"AT+MQTTUNSUB=1,\"topic1\"\r\r\nOK\r\n\r\n+MQTTUNSUB: 1,1\r\n"
	"AT+MQTTWILL=1,\"topic1\",1,1,\"Tell you, I'm dead.\"\r\r\nOK\r\n"
	"AT+MQTTCLOSE=1\r\r\nOK\r\n\r\n+MQTTCLOSE: 1,1\r\n"
	"\r\n+MQTTBREAK: 1,1\r\n\r\n+MQTTCLOSE: 1,1\r\n"
	"\r\nERROR: 703\r\n\r\n+CME ERROR: 10\r\n\r\nERROR\r\n";

TEST(manual_transcript)
{
	static const int kinds[] = {
		ATP_ECHO, ATP_INFO, ATP_OK, ATP_ECHO, ATP_OK, ATP_INFO,
		ATP_ECHO, ATP_INFO, ATP_OK, ATP_ECHO, ATP_OK,
		ATP_ECHO, ATP_OK, ATP_RESULT, ATP_ECHO, ATP_OK, ATP_RESULT,
		ATP_MSG, ATP_ECHO, ATP_OK, ATP_RESULT, ATP_ECHO, ATP_OK,
		ATP_RESULT, ATP_ECHO, ATP_OK, ATP_ECHO, ATP_OK, ATP_RESULT,
		ATP_BREAK, ATP_RESULT,
		ATP_ERROR_CODE, ATP_CME_ERROR, ATP_ERROR,
	};
	struct log l;
	size_t i;

	parse(&l, S(transcript));
	check(l.n == (int)(sizeof(kinds) / sizeof(kinds[0])), "items %d", l.n);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && (int)i < l.n; i++)
		check(l.r[i].kind == kinds[i], "item %zu kind %d want %d (%s)",
		      i, l.r[i].kind, kinds[i], l.r[i].line);
	check(l.r[13].result == ATP_R_OPEN && l.r[13].client == 1 &&
	      l.r[13].status == 1, "+MQTTOPEN: 1,1");
	check(!strcmp(l.r[17].topic, "topic1") &&
	      !strcmp(l.r[17].payload, "Test"), "+MQTTMSG fields");
	check(l.r[23].result == ATP_R_UNSUB, "+MQTTUNSUB result");
	check(!strcmp(l.r[24].line,
		      "AT+MQTTWILL=1,\"topic1\",1,1,\"Tell you, I'm dead.\""),
	      "the will's echo: %s", l.r[24].line);
	/* 3.3: a close, then an unexpected disconnect: break, close. */
	check(l.r[28].result == ATP_R_CLOSE && l.r[28].status == 1,
	      "+MQTTCLOSE: 1,1");
	check(l.r[29].client == 1 && l.r[29].cause == 1, "+MQTTBREAK fields");
	check(l.r[30].result == ATP_R_CLOSE && l.r[30].client == 1 &&
	      l.r[30].status == 1, "+MQTTCLOSE after +MQTTBREAK");
	check(l.r[31].code == 703, "ERROR: 703 code %d", l.r[31].code);
	check(l.r[32].code == 10, "+CME ERROR code");
	check(parser.stats.malformed == 0 && parser.stats.overflows == 0,
	      "stats");
}

TEST(split_at_every_boundary)
{
	struct log whole, split;
	size_t cut, len = sizeof(transcript) - 1;

	parse(&whole, transcript, len);
	for (cut = 1; cut < len; cut++) {
		parse_chunks(&split, transcript, len, &cut, 1);
		if (!same(&whole, &split)) {
			check(0, "split at %zu differs", cut);
			return;
		}
	}
}

TEST(one_byte_at_a_time_and_random_chunks)
{
	struct log whole, split;
	size_t len = sizeof(transcript) - 1, cuts[sizeof(transcript)];
	int n, round;

	parse(&whole, transcript, len);
	for (n = 0; n < (int)len - 1; n++)
		cuts[n] = n + 1;
	parse_chunks(&split, transcript, len, cuts, n);
	check(same(&whole, &split), "byte at a time differs");

	srand(1);
	for (round = 0; round < 500; round++) {
		size_t pos = 0;

		n = 0;
		while (n < (int)(sizeof(cuts) / sizeof(cuts[0]))) {
			pos += 1 + rand() % 40;
			if (pos >= len)
				break;
			cuts[n++] = pos;
		}
		parse_chunks(&split, transcript, len, cuts, n);
		if (!same(&whole, &split)) {
			check(0, "random chunking round %d differs", round);
			return;
		}
	}
}

TEST(line_endings)
{
	static const char *ends[] = { "\r\n", "\n", "\r", "\n\r", "\r\r\n" };
	char buf[256];
	struct log l;
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		snprintf(buf, sizeof(buf), "OK%s+MQTTSUB: 2,0%sERROR%s",
			 ends[i], ends[i], ends[i]);
		parse(&l, buf, strlen(buf));
		check(l.n == 3 && l.r[0].kind == ATP_OK &&
		      l.r[1].kind == ATP_RESULT && l.r[1].client == 2 &&
		      l.r[1].status == 0 && l.r[2].kind == ATP_ERROR,
		      "line ending %zu: %d items", i, l.n);
	}
}

TEST(garbage_between_lines)
{
	char buf[4096];
	struct log l;
	size_t len = 0;
	int i, round;

	srand(2);
	for (round = 0; round < 200; round++) {
		len = 0;
		for (i = 0; i < 200; i++)
			buf[len++] = (char)(rand() % 256);
		memcpy(buf + len, "\r\n+MQTTPUB: 1,1\r\n", 17);
		len += 17;
		parse(&l, buf, len);
		check(l.n >= 1 && l.r[l.n - 1].kind == ATP_RESULT &&
		      l.r[l.n - 1].result == ATP_R_PUB, "round %d", round);
	}
}

TEST(overlong_lines)
{
	static char buf[2 * ATP_LINE_MAX + 64];
	struct log l;
	size_t len;

	memset(buf, 'x', ATP_LINE_MAX);
	memcpy(buf + ATP_LINE_MAX, "\r\nOK\r\n", 6);
	parse(&l, buf, ATP_LINE_MAX + 6);
	check(l.n == 2 && l.r[0].kind == ATP_INFO &&
	      strlen(l.r[0].line) == ATP_LINE_MAX && l.r[1].kind == ATP_OK,
	      "exactly ATP_LINE_MAX is kept");

	memset(buf, 'y', ATP_LINE_MAX + 1);
	memcpy(buf + ATP_LINE_MAX + 1, "\r\nOK\r\n", 6);
	len = ATP_LINE_MAX + 7;
	parse(&l, buf, len);
	check(l.n == 2 && l.r[0].kind == ATP_OVERFLOW && l.r[1].kind == ATP_OK,
	      "one more is dropped and reported");
	check(parser.stats.overflows == 1, "overflow counted");
}

TEST(prompt)
{
	struct log l;

	parse(&l, S("AT+MQTTPUB=1,\"t\",0,0,4\r\r\n> "));
	check(l.n == 2 && l.r[1].kind == ATP_PROMPT, "prompt without line end");
	parse(&l, S("\r\n>\r\nOK\r\n"));
	check(l.n == 2 && l.r[0].kind == ATP_PROMPT && l.r[1].kind == ATP_OK,
	      "prompt then OK");
}

TEST(msg_payloads)
{
	static char buf[1500], payload[1025], topic[256];
	struct log l;

	parse(&l, S("+MQTTMSG: 2,1,\"a/b\",\"x,\"y\",z\"\r\n"));
	check(l.n == 1 && l.r[0].kind == ATP_MSG && l.r[0].client == 2 &&
	      l.r[0].qos == 1 && !strcmp(l.r[0].topic, "a/b") &&
	      !strcmp(l.r[0].payload, "x,\"y\",z"), "commas and quotes");
	parse(&l, S("+MQTTMSG: 1,0,\"t\",\"\"\r\n"));
	check(l.n == 1 && l.r[0].kind == ATP_MSG && l.r[0].payload_len == 0,
	      "empty payload");

	memset(topic, 't', 255);
	memset(payload, 'p', 1024);
	snprintf(buf, sizeof(buf), "+MQTTMSG: 1,2,\"%s\",\"%s\"\r\n", topic,
		 payload);
	parse(&l, buf, strlen(buf));
	check(l.n == 1 && l.r[0].kind == ATP_MSG &&
	      strlen(l.r[0].topic) == 255 && l.r[0].payload_len == 1024,
	      "255-byte topic, 1024-byte payload");
}

TEST(malformed_and_query_forms)
{
	static const char *malformed[] = {
		"+MQTTMSG: 1,0,\"t\"", "+MQTTMSG: 1,0,\"t\",\"p",
		"+MQTTMSG: x,0,\"t\",\"p\"", "+MQTTBREAK: 1",
		"+MQTTBREAK: 1,2,3", "+MQTTMSG: 1234567890,0,\"t\",\"p\"",
	};
	static const char *info[] = {
		"+MQTTOPEN: 1,2", "+MQTTOPEN: 0", "+MQTTSUB: (1,2),255,(0-2)",
		"+MQTTOPEN", "+MQTTSUBX: 1,1", "+MPQTTOPEN: (1,2)",
		"+MQTTPUB: 1,1,1", "+MQTTCLOSE: 12345678901,1",
		"+MIPCALL: 10.2.83.148",
	};
	char buf[128];
	struct log l;
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(buf, sizeof(buf), "%s\r\n", malformed[i]);
		parse(&l, buf, strlen(buf));
		check(l.n == 1 && l.r[0].kind == ATP_MALFORMED, "'%s' kind %d",
		      malformed[i], l.r[0].kind);
	}
	for (i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		snprintf(buf, sizeof(buf), "%s\r\n", info[i]);
		parse(&l, buf, strlen(buf));
		check(l.n == 1 && l.r[0].kind == ATP_INFO, "'%s' kind %d",
		      info[i], l.r[0].kind);
	}
}

TEST(errors)
{
	struct log l;

	parse(&l, S("+CME ERROR: SIM not inserted\r\nERROR:  704\r\nERROR: x\r\n"));
	check(l.n == 3 && l.r[0].kind == ATP_CME_ERROR && l.r[0].code == -1,
	      "text CME error");
	check(l.r[1].kind == ATP_ERROR_CODE && l.r[1].code == 704,
	      "ERROR with spaces");
	check(l.r[2].kind == ATP_INFO, "ERROR: x is not a final result");
}

TEST(echo_any_case)
{
	struct log l;

	parse(&l, S("at+mqttopen?\rAt\raT+X\r"));
	check(l.n == 3 && l.r[0].kind == ATP_ECHO && l.r[1].kind == ATP_ECHO &&
	      l.r[2].kind == ATP_ECHO, "echo");
}

static void count_only(void *ctx, const struct atp_item *it)
{
	(*(unsigned long *)ctx)++;
	if (it->line_len > ATP_LINE_MAX || it->payload_len > ATP_LINE_MAX ||
	    it->topic_len > ATP_LINE_MAX)
		abort();
}

TEST(random_bytes_robustness)
{
	static unsigned char buf[1 << 16];
	unsigned long items = 0;
	size_t i, pos;
	int round;

	srand(3);
	atp_init(&parser, count_only, &items);
	for (round = 0; round < 32; round++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = rand() % 8 ? (unsigned char)rand() :
				 "\r\n>\"+,"[rand() % 6];
		for (pos = 0; pos < sizeof(buf);) {
			size_t n = 1 + rand() % 3000;

			if (n > sizeof(buf) - pos)
				n = sizeof(buf) - pos;
			atp_feed(&parser, buf + pos, n);
			pos += n;
			check(parser.len <= ATP_LINE_MAX, "len bound");
		}
	}
	check(items > 0, "items seen");
}

TEST(msgi_and_read_headers)
{
	struct log l;

	parse(&l, S("+MQTTMSGI: 2,1,6,1024\r\n+MQTTREAD: 1,0,0,0\r\n"
		    "+MQTTREAD: (1,2)\r\n+MQTTMSGI: 1,0,256,1\r\n"
		    "+MQTTMSGI: 1,0,1,1025\r\n+MQTTMSGI: 1,0,0,5\r\n"
		    "+MQTTREAD: 1,0,99999,3\r\n+MQTTMSGI: 1,0,1\r\nOK\r\n"));
	check(l.n == 9, "items %d", l.n);
	check(l.r[0].kind == ATP_MSGI && l.r[0].client == 2 && l.r[0].qos == 1 &&
	      l.r[0].topic_len == 6 && l.r[0].payload_len == 1024, "MSGI");
	check(l.r[1].kind == ATP_READ && l.r[1].client == 1 &&
	      l.r[1].topic_len == 0, "empty READ");
	check(l.r[2].kind == ATP_INFO, "READ test form is information");
	check(l.r[3].kind == ATP_MALFORMED, "tlen 256");
	check(l.r[4].kind == ATP_MALFORMED, "plen 1025");
	check(l.r[5].kind == ATP_MALFORMED, "MSGI without topic");
	check(l.r[6].kind == ATP_MALFORMED, "READ tlen 99999");
	check(l.r[7].kind == ATP_MALFORMED, "three fields");
	check(l.r[8].kind == ATP_OK, "back in line mode");
}

/* A +MQTTREAD of a binary payload with all 256 byte values. */
static size_t read_stream(char *buf, int plen)
{
	size_t n;
	int i;

	n = sprintf(buf, "AT+MQTTREAD=1\r\r\n+MQTTREAD: 1,2,5,%d\r\n\"a\"b,c\",\"",
		    plen);
	for (i = 0; i < plen; i++)
		buf[n++] = (char)(i % 256);
	n += sprintf(buf + n, "\"\r\n\r\nOK\r\n+MQTTMSGI: 1,0,1,0\r\n");
	return n;
}

TEST(read_data_by_length)
{
	static char buf[2048];
	struct log l, ref;
	size_t n = read_stream(buf, 1024), cut;
	int i, ok = 1;

	parse(&ref, buf, n);
	check(ref.n == 5, "items %d", ref.n);
	check(ref.r[0].kind == ATP_ECHO && ref.r[1].kind == ATP_READ &&
	      ref.r[2].kind == ATP_MSG && ref.r[3].kind == ATP_OK &&
	      ref.r[4].kind == ATP_MSGI, "kinds");
	check(ref.r[2].from_read && ref.r[2].client == 1 && ref.r[2].qos == 2,
	      "from read");
	check(ref.r[2].topic_len == 5 && !memcmp(ref.r[2].topic, "a\"b,c", 5),
	      "topic with quote and comma");
	check(ref.r[2].payload_len == 1024, "plen %zu", ref.r[2].payload_len);
	for (i = 0; i < 1024; i++)
		ok &= (unsigned char)ref.r[2].payload[i] == i % 256;
	check(ok, "payload byte-exact");
	for (cut = 1; cut < n; cut++) {
		parse_chunks(&l, buf, n, &cut, 1);
		if (!same(&l, &ref)) {
			check(0, "split at %zu differs", cut);
			break;
		}
	}
	n = read_stream(buf, 0);
	parse(&l, buf, n);
	check(l.n == 5 && l.r[2].kind == ATP_MSG && l.r[2].payload_len == 0,
	      "empty payload");
}

TEST(read_data_that_lies)
{
	struct log l;

	/* plen says 9, the data has 3: the frame check fails. */
	parse(&l, S("+MQTTREAD: 1,0,1,9\r\n\"t\",\"abc\"\r\nOK\r\nOK\r\n"));
	check(l.n >= 3 && l.r[1].kind == ATP_MALFORMED, "short data");
	check(l.r[l.n - 1].kind == ATP_OK, "recovers: %d", l.r[l.n - 1].kind);
	check(parser.stats.malformed == 1, "counted");
}

/*
 * A message longer than the module holds: +MQTTREAD data past
 * ATP_PAYLOAD_MAX is read by its length and delivered cut, flagged, the
 * topic whole; whatever the chunks, the same items, and the lines after it
 * parse.
 */
TEST(read_data_cut)
{
	static char buf[4096];
	struct log l, ref;
	size_t n = read_stream(buf, 3000), cut;
	int i, ok = 1;

	parse(&ref, buf, n);
	check(ref.n == 5, "items %d", ref.n);
	check(ref.r[2].kind == ATP_MSG && ref.r[2].from_read, "a message");
	check(ref.r[2].truncated, "flagged truncated");
	check(ref.r[2].read_plen == 3000, "announced %zu", ref.r[2].read_plen);
	check(ref.r[2].topic_len == 5 && !memcmp(ref.r[2].topic, "a\"b,c", 5),
	      "topic whole");
	check(ref.r[2].payload_len == ATP_PAYLOAD_MAX, "plen %zu",
	      ref.r[2].payload_len);
	for (i = 0; i < ATP_PAYLOAD_MAX; i++)
		ok &= (unsigned char)ref.r[2].payload[i] == i % 256;
	check(ok, "the payload's start, byte-exact");
	check(ref.r[3].kind == ATP_OK && ref.r[4].kind == ATP_MSGI,
	      "lines after it");
	check(parser.stats.malformed == 0, "not malformed");
	for (cut = 1; cut < n; cut++) {
		parse_chunks(&l, buf, n, &cut, 1);
		if (!same(&l, &ref)) {
			check(0, "split at %zu differs", cut);
			break;
		}
	}
	/* Exactly ATP_PAYLOAD_MAX is whole, one more is cut. */
	n = read_stream(buf, ATP_PAYLOAD_MAX);
	parse(&l, buf, n);
	check(l.r[2].kind == ATP_MSG && !l.r[2].truncated, "at the limit");
	n = read_stream(buf, ATP_PAYLOAD_MAX + 1);
	parse(&l, buf, n);
	check(l.r[2].kind == ATP_MSG && l.r[2].truncated &&
	      l.r[2].payload_len == ATP_PAYLOAD_MAX, "one past");
	/* A cut frame whose last byte is not the closing quote: malformed. */
	n = read_stream(buf, 3000);
	buf[n - strlen("\r\n\r\nOK\r\n+MQTTMSGI: 1,0,1,0\r\n") - 1] = 'x';
	parse(&l, buf, n);
	check(l.r[2].kind == ATP_MALFORMED, "bad closing quote: %d",
	      l.r[2].kind);
}

/* A +MQTTMSG line past the line buffer: its start, flagged truncated. */
TEST(msg_line_cut)
{
	static char buf[4096];
	struct log l, ref;
	size_t n, cut;
	int i;

	n = sprintf(buf, "\r\n+MQTTMSG: 2,1,\"t/long\",\"");
	for (i = 0; i < 3000; i++)
		buf[n++] = 'a' + i % 26;
	n += sprintf(buf + n, "\"\r\nOK\r\n");
	parse(&ref, buf, n);
	check(ref.n == 2, "items %d", ref.n);
	check(ref.r[0].kind == ATP_MSG && ref.r[0].truncated, "cut message");
	check(ref.r[0].client == 2 && ref.r[0].qos == 1, "header");
	check(ref.r[0].topic_len == 6 && !memcmp(ref.r[0].topic, "t/long", 6),
	      "topic whole");
	check(ref.r[0].payload_len > 0 && ref.r[0].payload_len < 3000 &&
	      ref.r[0].payload[0] == 'a', "the payload's start: %zu",
	      ref.r[0].payload_len);
	check(ref.r[1].kind == ATP_OK, "the next line");
	check(parser.stats.overflows == 1, "counted as an overflow");
	for (cut = 1; cut < n; cut += 7) {
		parse_chunks(&l, buf, n, &cut, 1);
		if (!same(&l, &ref)) {
			check(0, "split at %zu differs", cut);
			break;
		}
	}
	/* Cut inside its topic: no message, an overflow. */
	n = sprintf(buf, "+MQTTMSG: 1,0,\"");
	for (i = 0; i < 3000; i++)
		buf[n++] = 't';
	n += sprintf(buf + n, "\",\"x\"\r\n");
	parse(&l, buf, n);
	check(l.n == 1 && l.r[0].kind == ATP_OVERFLOW, "topic cut: %d",
	      l.r[0].kind);
}

/* The data announced is longer than sent: it would swallow what follows
 * until the caller gives the read up.
 */
TEST(abort_long_data)
{
	struct log l;

	parse(&l, S("+MQTTREAD: 1,0,1,60\r\n\"t\",\"abc\"\r\n\r\nOK\r\n"));
	check(l.n == 1 && l.r[0].kind == ATP_READ, "only the header: %d", l.n);
	check(parser.data_need, "still reading data");
	check(atp_abort_data(&parser), "aborted");
	check(!atp_abort_data(&parser), "nothing left to abort");
	check(parser.stats.malformed == 1, "counted");
	atp_feed(&parser, (const u8 *)"\r\nOK\r\n", 6);
	check(l.n == 2 && l.r[1].kind == ATP_OK, "lines again");
}

/* Fed in pieces of @step bytes. */
static void parse_step(struct log *l, const char *s, size_t len, size_t step)
{
	size_t pos, n;

	memset(l, 0, sizeof(*l));
	atp_init(&parser, record, l);
	for (pos = 0; pos < len; pos += n) {
		n = len - pos < step ? len - pos : step;
		atp_feed(&parser, (const u8 *)s + pos, n);
	}
}

/* Every piece size of the short-chunk paths, and more, against the whole. */
static void check_steps(const char *what, const char *s, size_t len, int items)
{
	static const size_t steps[] = { 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 64 };
	struct log whole, split;
	size_t i;

	parse(&whole, s, len);
	check(whole.n == items, "%s: %d items, want %d", what, whole.n, items);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		parse_step(&split, s, len, steps[i]);
		if (!same(&whole, &split)) {
			check(0, "%s: pieces of %zu differ", what, steps[i]);
			return;
		}
	}
}

/*
 * The edges of what atp_feed() stores without the general code: a line of
 * exactly ATP_LINE_MAX bytes and one more, control bytes inside a line,
 * prompts, and +MQTTREAD data whose bytes are line ends and NULs, up to its
 * last byte.
 */
TEST(short_chunk_edges)
{
	static const char *const ends[] = { "\r", "\n", "\r\n", "\0\r" };
	static char buf[4 * ATP_LINE_MAX];
	static struct log l;
	char data[16], stream[128];
	size_t n, e;
	int i;

	/* ATP_LINE_MAX bytes, one more, one less and a control byte. */
	memset(buf, 'x', ATP_LINE_MAX);
	n = ATP_LINE_MAX;
	n += sprintf(buf + n, "\r\n");
	memset(buf + n, 'y', ATP_LINE_MAX + 1);
	buf[n + 100] = '\t';
	buf[n + 1000] = '\0';
	n += ATP_LINE_MAX + 1;
	n += sprintf(buf + n, "z\r\nOK\r\n");
	memset(buf + n, 'w', ATP_LINE_MAX - 1);
	n += ATP_LINE_MAX - 1;
	buf[n++] = 1;
	n += sprintf(buf + n, "\n");
	check_steps("line lengths", buf, n, 4);
	parse(&l, buf, n);
	check(l.r[0].kind == ATP_INFO &&
	      strlen(l.r[0].line) == ATP_LINE_MAX &&
	      l.r[1].kind == ATP_OVERFLOW &&
	      l.r[2].kind == ATP_OK &&
	      l.r[3].kind == ATP_INFO, "line lengths: kinds");

	check_steps("prompts",
		    S(">\r\n> abc\r\n>>x\r>OK\n\r\nOK\r\n\r\n> \x01\t\r\nOK\r\n"),
		    7);
	check_steps("control bytes",
		    S("A\x01" "B\x00" "C\x0c\x0e\r\n\x01OK\r\n\x00\r\nOK\r\n"),
		    4);

	/* tlen 1, plen 0: six bytes of data, the shortest. */
	check_steps("shortest data",
		    S("+MQTTREAD: 1,0,1,0\r\n\r\n\r\"t\",\"\"\r\nOK\r\n"), 3);
	/* Line ends and NULs at either end of the payload. */
	for (i = 0; i < 4; i++) {
		e = i == 3 ? 2 : strlen(ends[i]);
		memcpy(data, ends[i], e);
		memcpy(data + e, "ab", 2);
		memcpy(data + e + 2, ends[i], e);
		n = sprintf(stream, "+MQTTREAD: 1,0,2,%zu\r\n\"t\r\",\"",
			    2 * e + 2);
		memcpy(stream + n, data, 2 * e + 2);
		n += 2 * e + 2;
		n += sprintf(stream + n, "\"\r\nOK\r\n");
		check_steps("data with line ends", stream, n, 3);
		parse(&l, stream, n);
		check(l.r[1].kind == ATP_MSG &&
		      l.r[1].payload_len == 2 * e + 2 &&
		      !memcmp(l.r[1].payload, data, 2 * e + 2),
		      "data with line ends %d", i);
	}
	/* Data that ends early: its frame fails where its length ends. */
	check_steps("short data",
		    S("+MQTTREAD: 1,0,1,3\r\n\"t\",\"\"\r\nOK\r\nOK\r\n"), 4);
}

/* Feed one byte at a time, as a slow UART does. */
static void feed_bytes(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		atp_feed(&parser, (const u8 *)s + i, 1);
}

/* atp_reset() and atp_abort_data() between bytes of a line or of data. */
TEST(reset_between_bytes)
{
	struct log l;

	memset(&l, 0, sizeof(l));
	atp_init(&parser, record, &l);
	feed_bytes(S("+MQTTSUB: 1"));
	atp_reset(&parser);
	feed_bytes(S(">\r\nOK\r\n"));
	check(l.n == 2 && l.r[0].kind == ATP_PROMPT && l.r[1].kind == ATP_OK,
	      "prompt after a reset: %d items", l.n);

	memset(&l, 0, sizeof(l));
	atp_init(&parser, record, &l);
	feed_bytes(S("+MQTTREAD: 1,0,1,60\r\n\"t\",\"ab"));
	check(atp_abort_data(&parser), "aborted");
	feed_bytes(S("\r\nOK\r\n>"));
	check(l.n == 3 && l.r[0].kind == ATP_READ && l.r[1].kind == ATP_OK &&
	      l.r[2].kind == ATP_PROMPT, "lines after an abort: %d items",
	      l.n);
	check(parser.stats.lines == 2 && parser.stats.malformed == 1,
	      "lines %llu, malformed %llu",
	      (unsigned long long)parser.stats.lines,
	      (unsigned long long)parser.stats.malformed);
}

TEST(fields)
{
	struct atp_field f[6];
	const char *s;

	s = " 1,\"user\",\"p,w\",\"id\"";
	check(atp_fields(s, strlen(s), f, 6) == 4, "four fields");
	check(atp_field_int(&f[0]) == 1 && f[1].quoted && f[1].len == 4 &&
	      f[2].len == 3 && !memcmp(f[2].s, "p,w", 3), "values");
	s = "2,\"t\",1,0,\"\"";
	check(atp_fields(s, strlen(s), f, 6) == 5 && f[4].len == 0 &&
	      f[4].quoted, "empty quoted");
	s = "1,\"open";
	check(atp_fields(s, strlen(s), f, 6) == -1, "unterminated");
	s = "1,\"a\"b";
	check(atp_fields(s, strlen(s), f, 6) == -1, "junk after quote");
	s = "1,2,3";
	check(atp_fields(s, strlen(s), f, 2) == -1, "too many");
	s = "x1";
	check(atp_fields(s, strlen(s), f, 2) == 1 && atp_field_int(&f[0]) == -1,
	      "not a number");
}

int main(void)
{
	printf("TAP version 13\n1..21\n");
	RUN(manual_transcript);
	RUN(split_at_every_boundary);
	RUN(one_byte_at_a_time_and_random_chunks);
	RUN(line_endings);
	RUN(garbage_between_lines);
	RUN(overlong_lines);
	RUN(prompt);
	RUN(msg_payloads);
	RUN(malformed_and_query_forms);
	RUN(errors);
	RUN(echo_any_case);
	RUN(random_bytes_robustness);
	RUN(msgi_and_read_headers);
	RUN(read_data_by_length);
	RUN(read_data_that_lies);
	RUN(abort_long_data);
	RUN(read_data_cut);
	RUN(msg_line_cut);
	RUN(short_chunk_edges);
	RUN(reset_between_bytes);
	RUN(fields);
	printf("# Totals: pass:%d fail:%d skip:0\n", tests - failed, failed);
	return failed ? 1 : 0;
}
