/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * atp: incremental parser for the responses and unsolicited result codes
 * (URCs) of an AT-command MQTT modem (Fibocom NL668 manual).
 *
 * Plain C: it depends on nothing but atp_shim.h, so the same source is built
 * into the kernel module and into host unit tests, fuzzers and benchmarks.
 *
 * The caller feeds bytes in chunks of any size, down to one byte at a time;
 * the result never depends on how the stream was split.  Each complete item
 * is passed to the emit callback while atp_feed() runs; the pointers in the
 * item are valid only during that call.  Memory is bounded by struct
 * atp_parser itself: nothing is allocated.
 *
 * Lines end at CR, LF or any mix of them (CRLF, LFCR, CR only, LF only); empty
 * lines are skipped.  A '>' at the start of a line is the data prompt and is
 * reported at once (the modem does not end it with a line break reliably);
 * the rest of that line is ignored.  A line longer than ATP_LINE_MAX bytes is
 * dropped whole and reported as ATP_OVERFLOW when its end is seen.
 *
 * "+MQTTREAD: <client>,<qos>,<tlen>,<plen>" with tlen > 0 is followed by a
 * data line that is read by length, not up to a line end:
 * '"' <tlen bytes> '","' <plen bytes> '"'.  Line ends before its first byte
 * are skipped; the bytes are taken as they are (CR, LF, '"', NUL included)
 * and reported as one ATP_MSG with .from_read set, or as ATP_MALFORMED when
 * the quotes and comma are not where the lengths put them.
 *
 * Truncation.  Two messages can be longer than what the parser keeps; each
 * is delivered as an ATP_MSG with .truncated set and the start of its
 * payload, instead of being dropped, as long as its topic is whole:
 *  - "+MQTTREAD: <client>,<qos>,<tlen>,<plen>" with plen past
 *    ATP_PAYLOAD_MAX (up to ATP_READ_PLEN_MAX): the data is still read by
 *    length, its first ATP_PAYLOAD_MAX payload bytes are kept;
 *  - a +MQTTMSG line longer than ATP_LINE_MAX (mode 0) whose header and
 *    topic are within its first ATP_LINE_MAX bytes: the payload is the rest
 *    of those bytes.  It still counts as an overflow (stats.overflows).
 * A +MQTTMSGI announcing more than ATP_PAYLOAD_MAX is malformed: the reader
 * then drains the client, and the +MQTTREAD brings the message, cut.
 */
#ifndef ATMQTT_ATP_H
#define ATMQTT_ATP_H

#include "atp_shim.h"

/*
 * Longest line the modem sends for the supported commands:
 * +MQTTMSG: 2,2,"<255 bytes>","<1024 bytes>" is 1300 bytes.
 */
#define ATP_LINE_MAX	1536

enum atp_kind {
	ATP_OK = 1,	/* "OK" */
	ATP_ERROR,	/* "ERROR" */
	ATP_ERROR_CODE,	/* "ERROR: <n>", n in .code (MQTT errors 700-704) */
	ATP_CME_ERROR,	/* "+CME ERROR: <n>", n in .code, -1 if not numeric */
	ATP_PROMPT,	/* '>' at the start of a line */
	ATP_ECHO,	/* command echo: a line starting with "AT" (any case) */
	ATP_INFO,	/* any other line: information response, unknown URC */
	ATP_RESULT,	/* +MQTTOPEN/CLOSE/SUB/UNSUB/PUB: <client>,<status> */
	ATP_MSG,	/* +MQTTMSG: <client>,<qos>,"<topic>","<payload>" */
	ATP_BREAK,	/* +MQTTBREAK: <client>,<cause> */
	ATP_MALFORMED,	/* a +MQTT URC or +MQTTREAD data that does not parse */
	ATP_OVERFLOW,	/* a line longer than ATP_LINE_MAX was dropped */
	ATP_MSGI,	/* +MQTTMSGI: <client>,<qos>,<tlen>,<plen> */
	ATP_READ,	/* +MQTTREAD: <client>,<qos>,<tlen>,<plen> */
};

/* Bounds of the lengths in +MQTTMSGI and +MQTTREAD. */
#define ATP_TOPIC_MAX	255
#define ATP_PAYLOAD_MAX	1024
/* What a +MQTTREAD header may announce: MQTT's largest message. */
#define ATP_READ_PLEN_MAX	268435455

/* Which command a result URC (ATP_RESULT) answers. */
enum atp_result {
	ATP_R_OPEN = 1,
	ATP_R_CLOSE,
	ATP_R_SUB,
	ATP_R_PUB,
	ATP_R_UNSUB,
};

struct atp_item {
	enum atp_kind kind;
	/* The whole line without its terminator (all kinds but ATP_PROMPT and
	 * ATP_OVERFLOW, for which it is empty).
	 */
	const char *line;
	size_t line_len;

	int code;		/* ATP_ERROR_CODE, ATP_CME_ERROR */
	enum atp_result result;	/* ATP_RESULT */
	int client;		/* RESULT, MSG, BREAK, MSGI, READ */
	int status;		/* ATP_RESULT: 0 or 1 */
	int cause;		/* ATP_BREAK */
	int qos;		/* ATP_MSG, ATP_MSGI, ATP_READ */
	const char *topic;	/* ATP_MSG */
	size_t topic_len;	/* ATP_MSG; ATP_MSGI/READ: <tlen> */
	const u8 *payload;	/* ATP_MSG */
	/* ATP_MSG; ATP_MSGI/READ: <plen>, at most ATP_PAYLOAD_MAX (a READ's
	 * larger one is in read_plen, with truncated set)
	 */
	size_t payload_len;
	bool from_read;		/* ATP_MSG: the data of a +MQTTREAD */
	/* ATP_MSG: the modem's payload was longer than what payload points
	 * to, which is its start (see "Truncation" above).  ATP_READ: its
	 * <plen> is past ATP_PAYLOAD_MAX.
	 */
	bool truncated;
	size_t read_plen;	/* ATP_MSG from_read, ATP_READ: <plen> */
};

/* One comma-separated field of an information line (atp_fields()). */
struct atp_field {
	const char *s;		/* without the quotes of a quoted field */
	size_t len;
	bool quoted;
};

typedef void (*atp_emit_t)(void *ctx, const struct atp_item *item);

/*
 * What the parser counts as it goes.  Not the bytes fed: the caller knows
 * those, and a count here would cost every one-byte call an instruction.
 */
struct atp_stats {
	u64 lines;		/* non-empty lines seen, overflowed ones included */
	u64 overflows;		/* lines dropped for length */
	u64 malformed;		/* ATP_MALFORMED items */
};

struct atp_parser {
	atp_emit_t emit;
	void *ctx;
	size_t len;		/* bytes in line[] */
	/*
	 * For the short-chunk path of atp_feed(): while len < fast_end, a
	 * byte >= fast_min fed next only goes to line[len++].  In a line:
	 * ATP_LINE_MAX and '\r' + 1 (CR, LF and the other control bytes
	 * take the general code).  In +MQTTREAD data: data_need - 1 (the
	 * last byte ends the data), or data_need when the payload is cut (the
	 * rest is read, not kept: data_drop), and 0.  fast_end is 0 at the start of a
	 * line (a '>' there is the prompt), while a line is dropped or
	 * skipped, and before the first data byte.
	 */
	size_t fast_end;
	u8 fast_min;
	bool overflow;		/* current line is being dropped */
	bool skip_line;		/* rest of line after a '>' prompt */
	bool data_started;	/* reading +MQTTREAD data: first byte seen */
	size_t data_need;	/* bytes of +MQTTREAD data line[] keeps */
	size_t data_drop;	/* bytes after those still to read, not kept */
	bool data_cut;		/* the payload is longer than what is kept */
	size_t data_plen;	/* the header's <plen> */
	u8 data_last;		/* the last byte dropped */
	size_t data_tlen;
	int data_client;
	int data_qos;
	struct atp_stats stats;
	char line[ATP_LINE_MAX];
};

void atp_init(struct atp_parser *p, atp_emit_t emit, void *ctx);
/* Forget any partial line (after a reset of the link); stats are kept. */
void atp_reset(struct atp_parser *p);
/*
 * Give up the +MQTTREAD data being read by length, if any (the modem lied
 * about the length and the command timed out): it counts as malformed, and
 * what follows is parsed as lines again.  Returns true if there was some.
 */
bool atp_abort_data(struct atp_parser *p);
void atp_feed(struct atp_parser *p, const u8 *buf, size_t len);

/*
 * Split the fields after "+NAME: " of an information line (@s, @len is the
 * part after the colon) at commas; a field that starts with '"' runs to the
 * next '"'.  Returns the number of fields (at most @max), or -1 when the line
 * does not split cleanly (unterminated quote, junk after a quote, too many
 * fields).
 */
int atp_fields(const char *s, size_t len, struct atp_field *f, int max);
/* The value of an unquoted field of 1-9 decimal digits, or -1. */
int atp_field_int(const struct atp_field *f);

#endif /* ATMQTT_ATP_H */
