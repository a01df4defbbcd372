// SPDX-License-Identifier: GPL-2.0
/*
 * Parser cost benchmark: kernel/atp.c fed a fixed 1 MiB modem stream.
 *
 *   atp_bench CHUNK [REPEAT]
 *
 * The stream is generated from a fixed seed, so every run parses the same
 * bytes: command echoes with their OK, result URCs, +MQTTMSG messages with
 * text payloads, +MQTTMSGI/+MQTTREAD pairs with binary data read by length,
 * +MQTTBREAK and lines of random bytes.  It is fed to one parser in CHUNK
 * byte pieces, REPEAT times, by bench_feed(), the only function callgrind
 * counts (--toggle-collect=bench_feed).
 *
 * Outside bench_feed() the stream is parsed again, whole and in CHUNK byte
 * pieces, with a callback that hashes every field of every item: the two
 * digests must agree, and the counts must match what the generator wrote.
 * The output line is therefore the same for every chunk size but "chunk=".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atp.h"

#define STREAM_SIZE	1048576
#define KIND_SLOTS	32

/* xorshift64*: small, fast, and the same on every host. */
static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [lo, hi] for a benchmark. */
static unsigned int rng_range(unsigned int lo, unsigned int hi)
{
	return lo + (unsigned int)((rng() >> 32) % (hi - lo + 1));
}

/* What the generator wrote, to check the parse against. */
struct expect {
	u64 kind[KIND_SLOTS];
	u64 items;
	u64 payload_sum;
};

/* One record of the stream is built here, then appended if it fits. */
struct record {
	u8 buf[4096];
	size_t len;
	struct expect e;
};

static void rec_bytes(struct record *r, const void *s, size_t n)
{
	if (n > sizeof(r->buf) - r->len) {
		fprintf(stderr, "atp_bench: record too long\n");
		exit(2);
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

__attribute__((format(printf, 2, 3)))
static void rec_printf(struct record *r, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(stderr, "atp_bench: format overflow\n");
		exit(2);
	}
	rec_bytes(r, tmp, n);
}

static void rec_item(struct record *r, enum atp_kind kind, size_t plen)
{
	r->e.kind[kind]++;
	r->e.items++;
	r->e.payload_sum += plen;
}

/* Printable ASCII without '"': publish payloads and topics. */
static void rec_text(struct record *r, size_t n, const char *set)
{
	size_t i, setlen = strlen(set);
	u8 c;

	for (i = 0; i < n; i++) {
		c = setlen ? set[rng() % setlen] : (u8)rng_range(0x20, 0x7e);
		if (!setlen && c == '"')
			c = '\'';
		rec_bytes(r, &c, 1);
	}
}

/* Printable ASCII, '"' and ',' included: +MQTTMSG mode 0 payloads. */
static void rec_printable(struct record *r, size_t n)
{
	size_t i;
	u8 c;

	for (i = 0; i < n; i++) {
		c = (u8)rng_range(0x20, 0x7e);
		rec_bytes(r, &c, 1);
	}
}

static void rec_binary(struct record *r, size_t n)
{
	size_t i;
	u8 c;

	for (i = 0; i < n; i++) {
		c = (u8)rng();
		rec_bytes(r, &c, 1);
	}
}

static const char topic_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789/_-";

/* AT+MQTTPUB echo, OK, then the +MQTTPUB result URC. */
static void gen_publish(struct record *r)
{
	rec_printf(r, "AT+MQTTPUB=1,\"sensors/%u/state\",1,0,\"",
		   rng_range(0, 999));
	rec_text(r, rng_range(0, ATP_PAYLOAD_MAX), "");
	rec_printf(r, "\"\r\r\nOK\r\n\r\n+MQTTPUB: 1,1\r\n");
	rec_item(r, ATP_ECHO, 0);
	rec_item(r, ATP_OK, 0);
	rec_item(r, ATP_RESULT, 0);
}

static void gen_subscribe(struct record *r)
{
	rec_printf(r, "AT+MQTTSUB=2,\"cmd/%u/#\",1\r\r\nOK\r\n",
		   rng_range(0, 999));
	rec_printf(r, "\r\n+MQTTSUB: 2,1\r\n");
	rec_item(r, ATP_ECHO, 0);
	rec_item(r, ATP_OK, 0);
	rec_item(r, ATP_RESULT, 0);
}

/* Mode 0: the message inline, text payload without CR or LF. */
static void gen_msg(struct record *r)
{
	size_t plen = rng_range(0, ATP_PAYLOAD_MAX);

	rec_printf(r, "\r\n+MQTTMSG: 1,0,\"a/b/c\",\"");
	rec_printable(r, plen);
	rec_printf(r, "\"\r\n");
	rec_item(r, ATP_MSG, plen);
}

/* Mode 1: +MQTTMSGI, then AT+MQTTREAD's answer with binary data. */
static void gen_read(struct record *r)
{
	size_t tlen = rng_range(1, ATP_TOPIC_MAX);
	size_t plen = rng_range(0, ATP_PAYLOAD_MAX);

	rec_printf(r, "\r\n+MQTTMSGI: 1,1,%zu,%zu\r\n", tlen, plen);
	rec_printf(r, "\r\n+MQTTREAD: 1,1,%zu,%zu\r\n\"", tlen, plen);
	rec_text(r, tlen, topic_chars);
	rec_printf(r, "\",\"");
	rec_binary(r, plen);
	rec_printf(r, "\"\r\n\r\nOK\r\n");
	rec_item(r, ATP_MSGI, plen);
	rec_item(r, ATP_READ, plen);
	rec_item(r, ATP_MSG, plen);
	rec_item(r, ATP_OK, 0);
}

static void gen_break(struct record *r)
{
	rec_printf(r, "\r\n+MQTTBREAK: 1,1\r\n");
	rec_item(r, ATP_BREAK, 0);
}

/*
 * Line noise: random bytes but CR and LF, so exactly one item (an
 * information line, an echo, or a prompt when it starts with '>').
 */
static void gen_garbage(struct record *r)
{
	size_t i, n = rng_range(1, 200);
	u8 c;

	rec_printf(r, "\r\n");
	for (i = 0; i < n; i++) {
		do
			c = (u8)rng();
		while (c == '\r' || c == '\n');
		rec_bytes(r, &c, 1);
	}
	rec_printf(r, "\r\n");
	r->e.items++;
}

/* Fill @buf with records; the tail that no record fits is LF padding. */
static void gen_stream(u8 *buf, size_t size, struct expect *e)
{
	static struct record r;
	size_t len = 0, i;
	unsigned int pick;

	memset(e, 0, sizeof(*e));
	for (;;) {
		memset(&r.e, 0, sizeof(r.e));
		r.len = 0;
		pick = rng_range(0, 99);
		if (pick < 25)
			gen_publish(&r);
		else if (pick < 30)
			gen_subscribe(&r);
		else if (pick < 60)
			gen_msg(&r);
		else if (pick < 85)
			gen_read(&r);
		else if (pick < 88)
			gen_break(&r);
		else
			gen_garbage(&r);
		if (r.len > size - len)
			break;
		memcpy(buf + len, r.buf, r.len);
		len += r.len;
		for (i = 0; i < KIND_SLOTS; i++)
			e->kind[i] += r.e.kind[i];
		e->items += r.e.items;
		e->payload_sum += r.e.payload_sum;
	}
	memset(buf + len, '\n', size - len);
}

/* The benchmark callback: little work, but none the compiler can drop. */
struct counts {
	u64 kind[KIND_SLOTS];
	u64 items;
};

static volatile u64 payload_sink;

static void count_item(void *ctx, const struct atp_item *it)
{
	struct counts *c = ctx;
	unsigned int k = it->kind;

	c->kind[k < KIND_SLOTS ? k : 0]++;
	c->items++;
	payload_sink += it->payload_len;
}

/*
 * Timed by callgrind.  noclone keeps GCC from replacing it with a renamed
 * copy that --toggle-collect would not find.
 */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((__noinline__, __noclone__))
#else
__attribute__((__noinline__))
#endif
static void bench_feed(struct atp_parser *p, const u8 *buf, size_t len,
		       size_t chunk)
{
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		atp_feed(p, buf + off, n);
	}
}

/* The checking callback: FNV-1a over every field of every item. */
struct digest {
	u64 hash;
	u64 items;
	u64 kind[KIND_SLOTS];
	u64 payload_sum;
};

static void fnv(struct digest *d, const void *s, size_t n)
{
	const u8 *b = s;

	while (n--) {
		d->hash ^= *b++;
		d->hash *= 0x100000001b3ULL;
	}
}

static void fnv_u64(struct digest *d, u64 v)
{
	fnv(d, &v, sizeof(v));
}

static void hash_item(void *ctx, const struct atp_item *it)
{
	struct digest *d = ctx;
	unsigned int k = it->kind;

	d->kind[k < KIND_SLOTS ? k : 0]++;
	d->items++;
	d->payload_sum += it->payload_len;
	fnv_u64(d, it->kind);
	fnv_u64(d, it->code);
	fnv_u64(d, it->result);
	fnv_u64(d, it->client);
	fnv_u64(d, it->status);
	fnv_u64(d, it->cause);
	fnv_u64(d, it->qos);
	fnv_u64(d, it->from_read);
	fnv_u64(d, it->line_len);
	fnv_u64(d, it->topic_len);
	fnv_u64(d, it->payload_len);
	if (it->line)
		fnv(d, it->line, it->line_len);
	if (it->kind == ATP_MSG) {
		fnv(d, it->topic, it->topic_len);
		fnv(d, it->payload, it->payload_len);
	}
}

static void digest_run(struct digest *d, const u8 *buf, size_t len,
		       size_t chunk)
{
	static struct atp_parser p;
	size_t off, n;

	memset(d, 0, sizeof(*d));
	d->hash = 0xcbf29ce484222325ULL;
	atp_init(&p, hash_item, d);
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		atp_feed(&p, buf + off, n);
	}
	fnv_u64(d, p.stats.lines);
	fnv_u64(d, p.stats.overflows);
	fnv_u64(d, p.stats.malformed);
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "atp_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static size_t parse_size(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || !v || v > STREAM_SIZE)
		fail("bad %s '%s' (1..%d)", what, s, STREAM_SIZE);
	return v;
}

int main(int argc, char **argv)
{
	static u8 stream[STREAM_SIZE];
	static struct atp_parser p;
	struct digest whole, split;
	struct counts c;
	struct expect e;
	size_t chunk, repeat = 1, i;
	unsigned int k;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s CHUNK [REPEAT]\n", argv[0]);
		return 2;
	}
	chunk = parse_size(argv[1], "CHUNK");
	if (argc == 3)
		repeat = parse_size(argv[2], "REPEAT");

	gen_stream(stream, sizeof(stream), &e);

	memset(&c, 0, sizeof(c));
	atp_init(&p, count_item, &c);
	for (i = 0; i < repeat; i++)
		bench_feed(&p, stream, sizeof(stream), chunk);

	/* Same parse whatever the split, and the parse the generator meant. */
	digest_run(&whole, stream, sizeof(stream), sizeof(stream));
	digest_run(&split, stream, sizeof(stream), chunk);
	if (whole.hash != split.hash || whole.items != split.items)
		fail("chunk %zu: items differ from the whole-stream parse (%llu vs %llu items)",
		     chunk, (unsigned long long)split.items,
		     (unsigned long long)whole.items);
	if (whole.items != e.items || whole.payload_sum != e.payload_sum)
		fail("parse does not match the generated stream (%llu items, %llu expected)",
		     (unsigned long long)whole.items,
		     (unsigned long long)e.items);
	for (k = 0; k < KIND_SLOTS; k++) {
		if (e.kind[k] && whole.kind[k] != e.kind[k])
			fail("kind %u: %llu items, %llu expected", k,
			     (unsigned long long)whole.kind[k],
			     (unsigned long long)e.kind[k]);
		if (c.kind[k] != whole.kind[k] * repeat)
			fail("kind %u: benchmark pass counted %llu, check pass %llu x %zu",
			     k, (unsigned long long)c.kind[k],
			     (unsigned long long)whole.kind[k], repeat);
	}
	if (p.stats.malformed || p.stats.overflows)
		fail("%llu malformed, %llu overflowed lines in a clean stream",
		     (unsigned long long)p.stats.malformed,
		     (unsigned long long)p.stats.overflows);

	printf("chunk=%zu bytes=%llu items=%llu msgs=%llu malformed=%llu\n",
	       chunk, (unsigned long long)sizeof(stream) * repeat,
	       (unsigned long long)c.items,
	       (unsigned long long)c.kind[ATP_MSG],
	       (unsigned long long)c.kind[ATP_MALFORMED]);
	return 0;
}
