// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * atp_dump [-c CHUNK] [FILE]: feed a byte stream to the AT parser in chunks
 * and print one line per parsed item.  The host entry point for benchmarks
 * and fuzzers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atp.h"

static const char * const kinds[] = {
	"?", "OK", "ERROR", "ERROR_CODE", "CME_ERROR", "PROMPT", "ECHO",
	"INFO", "RESULT", "MSG", "BREAK", "MALFORMED", "OVERFLOW",
};

static void esc(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
}

static void emit(void *ctx, const struct atp_item *it)
{
	(void)ctx;
	printf("%s", kinds[it->kind]);
	switch (it->kind) {
	case ATP_ERROR_CODE:
	case ATP_CME_ERROR:
		printf(" code=%d", it->code);
		break;
	case ATP_RESULT:
		printf(" result=%d client=%d status=%d", it->result,
		       it->client, it->status);
		break;
	case ATP_BREAK:
		printf(" client=%d cause=%d", it->client, it->cause);
		break;
	case ATP_MSG:
		printf(" client=%d qos=%d topic=\"", it->client, it->qos);
		esc(it->topic, it->topic_len);
		printf("\" payload=\"");
		esc(it->payload, it->payload_len);
		printf("\"");
		break;
	case ATP_ECHO:
	case ATP_INFO:
	case ATP_MALFORMED:
		printf(" \"");
		esc(it->line, it->line_len);
		printf("\"");
		break;
	default:
		break;
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	static struct atp_parser p;
	unsigned long long bytes = 0;
	size_t chunk = 4096;
	unsigned char *buf;
	FILE *f = stdin;
	size_t n;
	int c;

	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c != 'c' || !(chunk = strtoul(optarg, NULL, 0))) {
			fprintf(stderr, "usage: atp_dump [-c CHUNK] [FILE]\n");
			return 2;
		}
	}
	if (optind < argc && !(f = fopen(argv[optind], "rb"))) {
		perror(argv[optind]);
		return 1;
	}
	buf = malloc(chunk);
	if (!buf)
		return 1;
	atp_init(&p, emit, NULL);
	while ((n = fread(buf, 1, chunk, f)) > 0) {
		atp_feed(&p, buf, n);
		bytes += n;
	}
	fprintf(stderr, "bytes=%llu lines=%llu overflows=%llu malformed=%llu\n",
		bytes,
		(unsigned long long)p.stats.lines,
		(unsigned long long)p.stats.overflows,
		(unsigned long long)p.stats.malformed);
	free(buf);
	return 0;
}
