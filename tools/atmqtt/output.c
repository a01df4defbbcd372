// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt's output: JSON and text escaping, the j_*() helpers that print
 * one JSON object per line, and the message of a failed request.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

bool out_json;

/* Length of the valid UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static bool utf8_valid(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = utf8_len(p + i, len - i);
		if (!n)
			return false;
	}
	return true;
}

/* A JSON string (RFC 8259): '"', '\\' and the control characters escaped,
 * UTF-8 kept; a byte that is not part of valid UTF-8 is written as the
 * code point of the same value (\u0080-\u00ff), so the output is always
 * valid JSON.
 */
void json_string(FILE *f, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0, n;

	fputc('"', f);
	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default: fprintf(f, "\\u%04x", c); break;
			}
			i++;
		} else if (c < 0x80) {
			fputc(c, f);
			i++;
		} else if ((n = utf8_len(p + i, len - i))) {
			fwrite(p + i, 1, n, f);
			i += n;
		} else {
			fprintf(f, "\\u%04x", c);
			i++;
		}
	}
	fputc('"', f);
}

/* Text mode: printable ASCII as is, the rest as C escapes, in quotes. */
void text_string(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		switch (p[i]) {
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default:
			if (p[i] >= 0x20 && p[i] < 0x7f)
				putchar(p[i]);
			else
				printf("\\x%02x", p[i]);
		}
	}
	putchar('"');
}

/* The library's strings may be NULL where the kernel said nothing: "". */
void text_str(const char *s)
{
	text_string(s ? s : "", s ? strlen(s) : 0);
}

/* One JSON object per line: j_begin(), fields, j_end(). */
static bool j_first;

void j_begin(void)
{
	putchar('{');
	j_first = true;
}

void j_key(const char *key)
{
	printf("%s\"%s\":", j_first ? "" : ",", key);
	j_first = false;
}

void j_uint(const char *key, unsigned long long v)
{
	j_key(key);
	printf("%llu", v);
}

void j_int(const char *key, long long v)
{
	j_key(key);
	printf("%lld", v);
}

void j_bool(const char *key, bool v)
{
	j_key(key);
	fputs(v ? "true" : "false", stdout);
}

void j_strn(const char *key, const void *s, size_t len)
{
	j_key(key);
	json_string(stdout, s, len);
}

void j_str(const char *key, const char *s)
{
	j_strn(key, s ? s : "", s ? strlen(s) : 0);
}

/* Payloads: payload_len, payload_hex (always, byte-exact) and payload
 * (a string, only when the bytes are valid UTF-8).
 */
void j_payload(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	j_uint("payload_len", len);
	j_key("payload_hex");
	putchar('"');
	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
	putchar('"');
	if (utf8_valid(data, len))
		j_strn("payload", data, len);
}

void j_end(void)
{
	puts("}");
	fflush(stdout);
}

/* A message in text mode: fields, then the escaped topic and payload. */
void text_message(uint32_t client, uint32_t qos, uint64_t seq,
		  uint64_t drops, const char *topic,
		  const void *payload, size_t len, bool truncated)
{
	printf("client %u qos %u seq %llu drops %llu topic ", client, qos,
	       (unsigned long long)seq, (unsigned long long)drops);
	text_str(topic ? topic : "");
	printf(" payload %zu bytes ", len);
	text_string(payload, len);
	/* the modem's message was cut before it reached the kernel */
	if (truncated)
		fputs(" truncated", stdout);
	putchar('\n');
}

/* The name of a +MQTTBREAK cause, "unknown" for one not known here. */
const char *out_cause_name(uint32_t cause)
{
	static const char *const names[] = {
		"unknown", "broker", "link", "unregistered",
	};

	return cause < ARRAY_SIZE(names) ? names[cause] : "unknown";
}

/* A failed request: the errno text, the kernel's extended ack message and
 * the modem's error code when there is one.
 */
int out_fail(const char *op, int err, struct atmqtt_nl *nl)
{
	const char *ext = nl ? atmqtt_ext_error(nl) : "";
	uint32_t code = nl ? atmqtt_modem_error(nl) : 0;
	int kind = nl ? atmqtt_modem_error_kind(nl) : 0;

	fprintf(stderr, "atmqtt: %s: %s", op, strerror(-err));
	if (ext && *ext)
		fprintf(stderr, ": %s", ext);
	if (code || kind)
		fprintf(stderr, " (modem %serror %u)",
			kind == ATMQTT_ERROR_CME ? "CME " : "", code);
	fputc('\n', stderr);
	return EXIT_FAIL;
}
