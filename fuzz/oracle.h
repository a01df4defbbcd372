/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What both fuzz targets check of kernel/atp.c: the parser emits the same
 * items whether a stream is fed at once, one byte at a time, or in chunks
 * cut at points the input chooses; every item stays within the parser's
 * bounds; the parser's own buffer never overflows.  A difference or a bound
 * broken is a crash (abort()) for libFuzzer.
 */
#ifndef ATMQTT_FUZZ_ORACLE_H
#define ATMQTT_FUZZ_ORACLE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atp.h"

/* A digest of the items a feed produced. */
struct digest {
	uint64_t h;
	unsigned long items;
};

static inline void mix(struct digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)		/* FNV-1a */
		d->h = (d->h ^ b[i]) * 0x100000001b3ULL;
}

static inline void oracle_emit(void *ctx, const struct atp_item *it)
{
	struct digest *d = ctx;
	int v[7] = { it->kind, it->code, it->result, it->client, it->status,
		     it->cause, it->qos };

	if (it->line_len > ATP_LINE_MAX || it->topic_len > ATP_LINE_MAX ||
	    it->payload_len > ATP_LINE_MAX)
		abort();
	if (it->kind == ATP_MSG && it->from_read &&
	    (it->topic_len > ATP_TOPIC_MAX || it->payload_len > ATP_PAYLOAD_MAX))
		abort();
	/* The field splitter of the query forms, on every information line. */
	if (it->kind == ATP_INFO) {
		const char *colon = memchr(it->line, ':', it->line_len);
		struct atp_field f[8];
		int n, i;

		if (colon) {
			n = atp_fields(colon + 1, it->line + it->line_len -
				       colon - 1, f, 8);
			for (i = 0; i < n; i++) {
				if (f[i].s < it->line ||
				    f[i].s + f[i].len > it->line + it->line_len)
					abort();
				atp_field_int(&f[i]);
			}
		}
	}
	d->items++;
	mix(d, v, sizeof(v));
	mix(d, &it->from_read, sizeof(it->from_read));
	mix(d, &it->line_len, sizeof(it->line_len));
	if (it->line)
		mix(d, it->line, it->line_len);
	mix(d, &it->topic_len, sizeof(it->topic_len));
	if (it->topic)
		mix(d, it->topic, it->topic_len);
	mix(d, &it->payload_len, sizeof(it->payload_len));
	if (it->payload)
		mix(d, it->payload, it->payload_len);
}

/* aborts: at cuts whose byte has its top bit set, atp_abort_data() too. */
static inline struct digest oracle_feed(const uint8_t *buf, size_t len,
					const uint8_t *cuts, size_t ncuts,
					bool aborts)
{
	static struct atp_parser p;
	struct digest d = { 0xcbf29ce484222325ULL, 0 };
	size_t pos = 0, i = 0;

	atp_init(&p, oracle_emit, &d);
	while (pos < len) {
		/* ncuts == 0: all at once; cuts == NULL: byte by byte. */
		uint8_t cut = cuts ? cuts[i++ % ncuts] : 0;
		size_t n = !ncuts ? len - pos : !cuts ? 1 : 1 + cut % 64;

		if (aborts && (cut & 0x80) && atp_abort_data(&p) &&
		    (p.len || p.data_need))
			abort();
		if (n > len - pos)
			n = len - pos;
		atp_feed(&p, buf + pos, n);
		pos += n;
		if (p.len > ATP_LINE_MAX || p.data_need > ATP_LINE_MAX)
			abort();
	}
	return d;
}

/* The three feeds of one stream must agree. */
static inline void oracle_check(const uint8_t *buf, size_t len,
				const uint8_t *cuts, size_t ncuts)
{
	struct digest a = oracle_feed(buf, len, NULL, 0, false);
	struct digest b = oracle_feed(buf, len, NULL, 1, false);
	struct digest c = oracle_feed(buf, len, cuts, ncuts ? ncuts : 1, false);

	/* Giving up data reads now and then: only the bounds are checked. */
	if (cuts)
		oracle_feed(buf, len, cuts, ncuts, true);

	if (a.h != b.h || a.items != b.items || a.h != c.h ||
	    a.items != c.items)
		abort();
}

#endif /* ATMQTT_FUZZ_ORACLE_H */
