/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What atmqtt prints (output.c).  With -j, out_json is set and a command
 * prints each result as one JSON object on a line of its own; else text,
 * where what the modem or the broker sent is escaped.
 */
#ifndef ATMQTT_OUTPUT_H
#define ATMQTT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct atmqtt_nl;

/* -j, --json */
extern bool out_json;

/* Escapes: data as a JSON string (always valid JSON, whatever the bytes);
 * in text mode, in quotes with C escapes for what is not printable ASCII.
 */
void json_string(FILE *f, const void *data, size_t len);
void text_string(const void *data, size_t len);
void text_str(const char *s);	/* NULL: "" */

/* A received message as one line of text (read, monitor). */
void text_message(uint32_t client, uint32_t qos, uint64_t seq,
		  uint64_t drops, const char *topic,
		  const void *payload, size_t len, bool truncated);

/* One JSON object: j_begin(), then a j_*() per field, then j_end(). */
void j_begin(void);
void j_key(const char *key);
void j_uint(const char *key, unsigned long long v);
void j_int(const char *key, long long v);
void j_bool(const char *key, bool v);
void j_strn(const char *key, const void *s, size_t len);
void j_str(const char *key, const char *s);	/* NULL: "" */
void j_payload(const void *data, size_t len);
void j_end(void);

/* The name of a +MQTTBREAK cause ("broker", "link", ...). */
const char *out_cause_name(uint32_t cause);

/* Says on stderr that op failed with the negative errno err, with what
 * the kernel and the modem told nl (NULL: nothing more); EXIT_FAIL.
 * The modem's error: "(modem error <n>)" for "ERROR: <n>", "(modem CME
 * error <n>)" for "+CME ERROR: <n>".
 */
int out_fail(const char *op, int err, struct atmqtt_nl *nl);

#endif
