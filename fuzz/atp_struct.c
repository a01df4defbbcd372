// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Structure-aware libFuzzer target: the input is a program that writes a
 * modem stream out of every response and URC of the Fibocom manual, with
 * fields (numbers, quoted strings, lengths that may lie, line ends, echo)
 * taken from the input.  The stream then goes through oracle.h's checks,
 * so mutations explore near-valid lines instead of random bytes.
 */
#include <stdio.h>

#include "oracle.h"

#define OUT_MAX (64 * 1024)

struct gen {
	const uint8_t *in;
	size_t len, pos;
	uint8_t out[OUT_MAX];
	size_t n;
};

static unsigned int take(struct gen *g)
{
	return g->pos < g->len ? g->in[g->pos++] : 0;
}

static void put(struct gen *g, const void *p, size_t n)
{
	if (n > OUT_MAX - g->n)
		n = OUT_MAX - g->n;
	memcpy(g->out + g->n, p, n);
	g->n += n;
}

static void puts_(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

/* A number: mostly in range, sometimes at or past the edges. */
static void num(struct gen *g, unsigned int lo, unsigned int hi)
{
	static const unsigned int odd[] = { 0, 3, 255, 256, 1024, 1025, 99999,
					    999999999, 4294967295U };
	unsigned int r = take(g);
	char buf[16];

	if (r < 200)
		snprintf(buf, sizeof(buf), "%u", lo + r % (hi - lo + 1));
	else
		snprintf(buf, sizeof(buf), "%u", odd[r % 9]);
	puts_(g, buf);
}

/* n bytes from the input, any value. */
static void bytes(struct gen *g, size_t n)
{
	while (n--) {
		uint8_t c = take(g);

		put(g, &c, 1);
	}
}

static void quoted(struct gen *g, size_t max)
{
	puts_(g, "\"");
	bytes(g, take(g) % (max + 1));
	puts_(g, "\"");
}

static void eol(struct gen *g)
{
	static const char *const ends[] = { "\r\n", "\r\n", "\r\n", "\r", "\n",
					    "\n\r", "\r\n\r\n", "" };

	puts_(g, ends[take(g) % 8]);
}

static void result(struct gen *g, const char *name)
{
	puts_(g, name);
	num(g, 1, 2);
	puts_(g, ",");
	num(g, 0, 1);
}

/* +MQTTREAD: header and data; the lengths may lie. */
static void read_msg(struct gen *g)
{
	unsigned int t = 1 + take(g) % 255, p = (take(g) << 2) % 1025;
	unsigned int lie = take(g);
	char buf[64];

	snprintf(buf, sizeof(buf), "+MQTTREAD: %u,%u,%u,%u\r\n",
		 1 + take(g) % 2, take(g) % 3, t, p);
	puts_(g, buf);
	if (lie < 32) {
		t = lie < 16 ? t + lie : (t > lie - 16 ? t - (lie - 16) : 0);
		p = lie < 8 ? p + 1 : p;
	}
	puts_(g, "\"");
	bytes(g, t);
	puts_(g, "\",\"");
	bytes(g, p);
	puts_(g, "\"");
}

static void step(struct gen *g)
{
	switch (take(g) % 24) {
	case 0: puts_(g, "OK"); break;
	case 1: puts_(g, "ERROR"); break;
	case 2: puts_(g, "ERROR: "); num(g, 700, 704); break;
	case 3: puts_(g, "+CME ERROR: "); num(g, 0, 100); break;
	case 4: puts_(g, ">"); break;
	case 5: puts_(g, "AT+MQTTPUB=1,"); quoted(g, 16); puts_(g, ",0,0,");
		quoted(g, 32); break;
	case 6: result(g, "+MQTTOPEN: "); break;
	case 7: result(g, "+MQTTCLOSE: "); break;
	case 8: result(g, "+MQTTSUB: "); break;
	case 9: result(g, "+MQTTUNSUB: "); break;
	case 10: result(g, "+MQTTPUB: "); break;
	case 11: puts_(g, "+MQTTBREAK: "); num(g, 1, 2); puts_(g, ",");
		num(g, 1, 3); break;
	case 12: puts_(g, "+MQTTMSG: "); num(g, 1, 2); puts_(g, ",");
		num(g, 0, 2); puts_(g, ","); quoted(g, 255); puts_(g, ",");
		quoted(g, 255); break;
	case 13: puts_(g, "+MQTTMSGI: "); num(g, 1, 2); puts_(g, ",");
		num(g, 0, 2); puts_(g, ","); num(g, 1, 255); puts_(g, ",");
		num(g, 0, 1024); break;
	case 14: read_msg(g); break;
	case 15: puts_(g, "+MQTTREAD: "); num(g, 1, 2); puts_(g, ",0,0,0"); break;
	case 16: puts_(g, "+MQTTUSER: "); num(g, 1, 2); puts_(g, ",");
		quoted(g, 128); puts_(g, ","); quoted(g, 128); break;
	case 17: puts_(g, "+MPQTTOPEN: (1,2),(255),(1-65535),(0,1),(1-300)");
		break;
	case 18: puts_(g, "+MQTTOPEN: 1,2"); break;
	case 19: puts_(g, "+MIPCALL: 10.2.83.148"); break;
	case 20: bytes(g, take(g) % 64); break;		/* garbage */
	case 21: bytes(g, take(g) * 8); break;		/* long garbage */
	case 22: puts_(g, "+MQTTWILL: 1,"); quoted(g, 255); puts_(g, ",1,1,");
		quoted(g, 255); break;
	default: puts_(g, "+MQTTCONF: "); num(g, 0, 1); break;
	}
	eol(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gen g;

	g.in = data;
	g.len = size;
	g.pos = 0;
	g.n = 0;
	while (g.pos < g.len && g.n < OUT_MAX)
		step(&g);
	/* The input's first bytes double as the cut points. */
	oracle_check(g.out, g.n, data, size < 16 ? size : 16);
	return 0;
}
