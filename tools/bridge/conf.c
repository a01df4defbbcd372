// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-bridge's configuration: mosquitto's bridge section, as a mosquitto
 * user writes it, for a bridge whose remote end is a modem's MQTT client.
 *
 * One "key value" a line; '#' at the start of a line (after blanks) makes a
 * comment, as in mosquitto.conf ('#' elsewhere is a topic's wildcard).
 * Unknown keys and bad values are refused with "FILE:LINE: what"; so are
 * mosquitto's bridge options that a modem cannot have (TLS, a second
 * address...), each with the reason.  No modem's limit is compiled in:
 * conf_load() checks what holds for every modem, conf_fit() the limits of
 * the modem found (struct atmqtt_limits), in the same words.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mosquitto.h>

#include "bridge.h"

struct parse {
	struct conf *c;
	FILE *err;
	int line;
	int failed;
	int seen_connection, seen_address, seen_modem;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	if (p->line)
		fprintf(p->err, "%s:%d: ", p->c->file, p->line);
	else
		fprintf(p->err, "%s: ", p->c->file);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
	p->failed = 1;
	return -1;
}

bool modem_quotable(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"')
			return false;
	return true;
}

/* MQTT's matching of a topic against a filter, as the brokers do it. */
bool topic_match(const char *filter, const char *topic)
{
	bool match = false;

	return mosquitto_topic_matches_sub(filter, topic, &match) ==
		MOSQ_ERR_SUCCESS && match;
}

/* A topic filter's wildcards: '#' alone and last, '+' alone in its level. */
static const char *filter_error(const char *f)
{
	const char *level = f, *p;

	for (p = f;; p++) {
		if (*p == '/' || !*p) {
			size_t n = p - level;

			if (memchr(level, '#', n) && (n != 1 || *p))
				return "'#' must be a whole level, and the last";
			if (memchr(level, '+', n) && n != 1)
				return "'+' must be a whole level";
			if (!*p)
				return NULL;
			level = p + 1;
		}
	}
}

static char *dup_or_die(struct parse *p, const char *s)
{
	char *d = strdup(s);

	if (!d)
		bad(p, "out of memory");
	return d;
}

static void set_str(struct parse *p, char **dst, const char *v)
{
	free(*dst);
	*dst = dup_or_die(p, v);
}

static int parse_bool(struct parse *p, const char *key, const char *v)
{
	if (!strcmp(v, "true"))
		return 1;
	if (!strcmp(v, "false"))
		return 0;
	return bad(p, "%s: '%s' is not true or false", key, v);
}

static int parse_int(struct parse *p, const char *key, const char *v,
		     long min, long max, const char *why)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || !isdigit((unsigned char)*v))
		return bad(p, "%s: '%s' is not a number", key, v);
	if (n < min || n > max)
		return bad(p, "%s: %ld is out of range (%ld-%ld%s%s)", key, n,
			   min, max, why ? ", " : "", why ? why : "");
	return (int)n;
}

/* Seconds, with up to three decimals, into milliseconds. */
static int parse_seconds(struct parse *p, const char *key, const char *v,
			 uint32_t *ms)
{
	unsigned long whole = 0, frac = 0, scale = 1000;
	const char *s = v;

	if (!isdigit((unsigned char)*s))
		return bad(p, "%s: '%s' is not a number of seconds", key, v);
	while (isdigit((unsigned char)*s) && whole <= 3600)
		whole = whole * 10 + (*s++ - '0');
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s) && scale > 1) {
			scale /= 10;
			frac += (*s++ - '0') * scale;
		}
	}
	if (*s)
		return bad(p, "%s: '%s' is not a number of seconds", key, v);
	if (whole * 1000 + frac < BRIDGE_RESTART_MS_MIN ||
	    whole * 1000 + frac > BRIDGE_RESTART_MS_MAX)
		return bad(p, "%s: %s s is out of range (0.1-3600)", key, v);
	*ms = whole * 1000 + frac;
	return 0;
}

/* "host", "host:port", "[v6]:port" or a bare IPv6 address. */
static int parse_address(struct parse *p, const char *key, const char *v,
			 char **host, uint32_t *port, bool modem)
{
	char buf[300], *colon = NULL;
	const char *h;
	long n;

	if (strpbrk(v, " \t"))
		return bad(p, "%s: one address only (%s)", key, modem ?
			   "the modem's client connects to one broker" :
			   "the local broker");
	if (strlen(v) >= sizeof(buf))
		return bad(p, "%s: too long", key);
	strcpy(buf, v);
	h = buf;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || (close[1] && close[1] != ':'))
			return bad(p, "%s: '%s' is not [address]:port", key, v);
		*close = '\0';
		h = buf + 1;
		colon = close[1] ? close + 1 : NULL;
	} else if ((colon = strchr(buf, ':')) && strchr(colon + 1, ':')) {
		colon = NULL;		/* a bare IPv6 address */
	}
	if (colon) {
		*colon = '\0';
		n = parse_int(p, key, colon + 1, 1, 65535, NULL);
		if (n < 0)
			return -1;
		*port = n;
	}
	if (!*h)
		return bad(p, "%s: no host in '%s'", key, v);
	if (modem && !modem_quotable(h, BRIDGE_STR_MAX))
		return bad(p, "%s: the host must be 1-%d printable ASCII characters without '\"' (the modem quotes it)",
			   key, BRIDGE_STR_MAX);
	if (modem)
		p->c->at.address = p->line;
	set_str(p, host, h);
	return p->failed ? -1 : 0;
}

/* A string for the modem: printable ASCII without '"', at least min long
 * (the modem's maximum: conf_fit()).  *at: the line it is on.
 */
static int parse_modem_str(struct parse *p, const char *key, const char *v,
			   size_t min, char **dst, int *at)
{
	if (strlen(v) < min || !modem_quotable(v, BRIDGE_STR_MAX))
		return bad(p, "%s: must be %zu-%d printable ASCII characters without '\"' (the modem quotes it)",
			   key, min, BRIDGE_STR_MAX);
	*at = p->line;
	set_str(p, dst, v);
	return p->failed ? -1 : 0;
}

/* ---- topic lines ------------------------------------------------------ */

/* Splits at blanks; "" is an empty token (mosquitto's way to say none). */
static int split(char *s, char **tok, int max)
{
	int n = 0;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	for (int i = 0; i < n; i++)
		if (!strcmp(tok[i], "\"\""))
			tok[i][0] = '\0';
	return n;
}

static char *join(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 1);

	if (s)
		strcat(strcpy(s, a), b);
	return s;
}

static int parse_topic(struct parse *p, char *v)
{
	struct conf *c = p->c;
	struct rule *r;
	char *tok[6];
	const char *e;
	int n = split(v, tok, 5), i;

	if (n < 1)
		return bad(p, "topic: no pattern");
	if (n > 5)
		return bad(p, "topic: too many fields (topic <pattern> [out|in|both [<qos> [<local-prefix> <remote-prefix>]]])");
	if (n == 4)
		return bad(p, "topic: a local prefix needs a remote prefix (\"\" for none)");
	if (c->nrules == (int)(sizeof(c->rules) / sizeof(c->rules[0])))
		return bad(p, "topic: too many topic lines (%zu at most)",
			   sizeof(c->rules) / sizeof(c->rules[0]));
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof(*r));
	r->line = p->line;
	r->dir = DIR_OUT;
	if (n >= 2) {
		if (!strcmp(tok[1], "out"))
			r->dir = DIR_OUT;
		else if (!strcmp(tok[1], "in"))
			r->dir = DIR_IN;
		else if (!strcmp(tok[1], "both"))
			r->dir = DIR_BOTH;
		else
			return bad(p, "topic: direction '%s' is not out, in or both",
				   tok[1]);
	}
	if (n >= 3 && (r->qos = parse_int(p, "topic: qos", tok[2], 0,
					  BRIDGE_QOS_MAX, NULL)) < 0)
		return -1;
	r->pattern = dup_or_die(p, tok[0]);
	r->local_prefix = dup_or_die(p, n == 5 ? tok[3] : "");
	r->remote_prefix = dup_or_die(p, n == 5 ? tok[4] : "");
	c->nrules++;		/* conf_free() frees it from now on */
	if (p->failed)
		return -1;
	if (!*r->pattern && (!*r->local_prefix || !*r->remote_prefix))
		return bad(p, "topic: an empty pattern needs both prefixes (they then name one topic each side)");
	if (*r->pattern && (e = filter_error(r->pattern)))
		return bad(p, "topic: pattern '%s': %s", r->pattern, e);
	if (strpbrk(r->local_prefix, "+#") || strpbrk(r->remote_prefix, "+#"))
		return bad(p, "topic: a prefix cannot hold the wildcards '+' or '#'");
	r->local_filter = join(r->local_prefix, r->pattern);
	r->remote_filter = join(r->remote_prefix, r->pattern);
	if (!r->local_filter || !r->remote_filter)
		return bad(p, "out of memory");
	if (strlen(r->local_filter) > BRIDGE_LOCAL_TOPIC_MAX)
		return bad(p, "topic: the local filter is too long");
	if (!modem_quotable(r->remote_filter, BRIDGE_STR_MAX))
		return bad(p, "topic: the remote side '%s' must be 1-%d printable ASCII characters without '\"' (the modem quotes it)",
			   r->remote_filter, BRIDGE_STR_MAX);
	for (i = 0; i < c->nrules - 1; i++) {
		const struct rule *o = &c->rules[i];

		if ((o->dir & r->dir & DIR_OUT) &&
		    !strcmp(o->local_filter, r->local_filter))
			return bad(p, "topic: '%s' is bridged out already (line %d)",
				   r->local_filter, o->line);
		if ((o->dir & r->dir & DIR_IN) &&
		    !strcmp(o->remote_filter, r->remote_filter))
			return bad(p, "topic: '%s' is bridged in already (line %d)",
				   r->remote_filter, o->line);
	}
	return 0;
}

/* ---- keys ------------------------------------------------------------- */

/* mosquitto bridge options a modem's MQTT client cannot have, and why. */
static const struct {
	const char *key;
	const char *why;
} unsupported[] = {
	{ "bridge_cafile", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_capath", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_certfile", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_keyfile", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_insecure", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_tls_version", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_require_ocsp", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_alpn", "TLS is not in the modem's MQTT AT commands" },
	{ "bridge_identity", "TLS-PSK is not in the modem's MQTT AT commands" },
	{ "bridge_psk", "TLS-PSK is not in the modem's MQTT AT commands" },
	{ "bridge_protocol_version", "the modem's client speaks MQTT 3.1.1" },
	{ "bridge_bind_address", "the modem chooses its own address" },
	{ "bridge_max_packet_size", "the modem's limits are the manual's (1024-byte payloads)" },
	{ "bridge_outgoing_retain", "retain flags go out as they were published" },
	{ "bridge_attempt_unsubscribe", "the modem's client is closed, not unsubscribed, when the bridge stops" },
	{ "bridge_reload_type", "atmqtt-bridge is restarted to read its configuration again" },
	{ "round_robin", "the modem's client connects to one broker" },
	{ "start_type", "atmqtt-bridge connects at once and stays connected" },
	{ "idle_timeout", "atmqtt-bridge connects at once and stays connected" },
	{ "threshold", "atmqtt-bridge connects at once and stays connected" },
	{ "try_private", "loops are prevented on the local broker (MQTT v5 no-local) and echoes from the cloud dropped" },
	{ "local_cleansession", "the local session is always persistent: messages wait there while the link is down" },
	{ "local_bind_address", "the local connection does not bind" },
	{ "remote_clientid_prefix", "use remote_clientid" },
	{ "notification_topic_prefix", "use notification_topic" },
};

static const char *const known[] = {
	"connection", "modem", "modem_client", "address", "addresses",
	"keepalive_interval", "cleansession", "remote_clientid",
	"remote_username", "remote_password", "will_topic", "will_payload",
	"will_qos", "will_retain", "restart_timeout", "local_address",
	"local_clientid", "local_username", "local_password", "notifications",
	"notifications_local_only", "notification_topic", "topic", NULL,
};

static int parse_key(struct parse *p, const char *key, char *v)
{
	struct conf *c = p->c;
	size_t i;
	int n;

	for (i = 0; i < sizeof(unsupported) / sizeof(*unsupported); i++)
		if (!strcmp(key, unsupported[i].key))
			return bad(p, "'%s' is not supported: %s", key,
				   unsupported[i].why);
	for (i = 0; known[i]; i++)
		if (!strcmp(key, known[i]))
			break;
	if (!known[i])
		return bad(p, "unknown key '%s'", key);
	if (!*v)
		return bad(p, "%s: no value", key);
	if (!strcmp(key, "topic"))
		return parse_topic(p, v);
	if (!strcmp(key, "connection")) {
		if (p->seen_connection++)
			return bad(p, "a second connection: one bridge per file (start one atmqtt-bridge@ instance per file)");
		for (i = 0; v[i]; i++)
			if (!isalnum((unsigned char)v[i]) && !strchr("._-", v[i]))
				return bad(p, "connection: the name may hold letters, digits, '.', '_' and '-'");
		if (i > BRIDGE_NAME_MAX)
			return bad(p, "connection: longer than %d characters",
				   BRIDGE_NAME_MAX);
		strcpy(c->name, v);
	} else if (!strcmp(key, "modem")) {
		if (p->seen_modem++)
			return bad(p, "modem: given twice");
		if (strpbrk(v, " \t"))
			return bad(p, "modem: one tty or handle");
		if (isdigit((unsigned char)*v)) {
			n = parse_int(p, key, v, 1, INT32_MAX, NULL);
			if (n < 0)
				return -1;
			c->modem_handle = n;
		} else {
			set_str(p, &c->modem_tty, v);
		}
	} else if (!strcmp(key, "modem_client")) {
		if ((n = parse_int(p, key, v, 1, BRIDGE_CLIENT_MAX,
				   "the family's client ids")) < 0)
			return -1;
		c->client = n;
		c->at.client = p->line;
	} else if (!strcmp(key, "address") || !strcmp(key, "addresses")) {
		if (p->seen_address++)
			return bad(p, "%s: given twice (the modem's client connects to one broker)",
				   key);
		return parse_address(p, key, v, &c->host, &c->port, true);
	} else if (!strcmp(key, "keepalive_interval")) {
		if ((n = parse_int(p, key, v, 1, BRIDGE_KEEPALIVE_MAX,
				   "MQTT's limit")) < 0)
			return -1;
		c->keepalive = n;
		c->at.keepalive = p->line;
	} else if (!strcmp(key, "cleansession")) {
		if ((n = parse_bool(p, key, v)) < 0)
			return -1;
		c->clean = n;
	} else if (!strcmp(key, "remote_clientid")) {
		return parse_modem_str(p, key, v, 1, &c->clientid,
				       &c->at.clientid);
	} else if (!strcmp(key, "remote_username")) {
		return parse_modem_str(p, key, v, 0, &c->username,
				       &c->at.username);
	} else if (!strcmp(key, "remote_password")) {
		return parse_modem_str(p, key, v, 0, &c->password,
				       &c->at.password);
	} else if (!strcmp(key, "will_topic")) {
		if (strpbrk(v, "+#"))
			return bad(p, "will_topic: no wildcards in a will's topic");
		return parse_modem_str(p, key, v, 1, &c->will_topic,
				       &c->at.will_topic);
	} else if (!strcmp(key, "will_payload")) {
		return parse_modem_str(p, key, v, 0, &c->will_payload,
				       &c->at.will_payload);
	} else if (!strcmp(key, "will_qos")) {
		if ((n = parse_int(p, key, v, 0, BRIDGE_QOS_MAX, NULL)) < 0)
			return -1;
		c->will_qos = n;
		c->at.will_qos = p->line;
	} else if (!strcmp(key, "will_retain")) {
		if ((n = parse_bool(p, key, v)) < 0)
			return -1;
		c->will_retain = n;
	} else if (!strcmp(key, "restart_timeout")) {
		char *tok[3];

		n = split(v, tok, 2);
		if (n > 2)
			return bad(p, "restart_timeout: <base> [<cap>], in seconds");
		if (parse_seconds(p, key, tok[0], &c->restart_min_ms))
			return -1;
		c->restart_max_ms = c->restart_min_ms;
		if (n == 2 && parse_seconds(p, key, tok[1], &c->restart_max_ms))
			return -1;
		if (c->restart_max_ms < c->restart_min_ms)
			return bad(p, "restart_timeout: the cap is below the base");
	} else if (!strcmp(key, "local_address")) {
		return parse_address(p, key, v, &c->local_host, &c->local_port,
				     false);
	} else if (!strcmp(key, "local_clientid")) {
		if (strlen(v) > 200 || strpbrk(v, " \t+#/"))
			return bad(p, "local_clientid: at most 200 characters, no blanks, '+', '#' or '/'");
		set_str(p, &c->local_clientid, v);
	} else if (!strcmp(key, "local_username")) {
		set_str(p, &c->local_username, v);
	} else if (!strcmp(key, "local_password")) {
		set_str(p, &c->local_password, v);
	} else if (!strcmp(key, "notifications")) {
		if ((n = parse_bool(p, key, v)) < 0)
			return -1;
		c->notifications = n;
	} else if (!strcmp(key, "notifications_local_only")) {
		if ((n = parse_bool(p, key, v)) < 0)
			return -1;
		c->notifications_local_only = n;
	} else if (!strcmp(key, "notification_topic")) {
		if (filter_error(v) || strpbrk(v, "+#"))
			return bad(p, "notification_topic: no wildcards");
		return parse_modem_str(p, key, v, 1, &c->notification_topic,
				       &c->at.notification_topic);
	}
	return p->failed ? -1 : 0;
}

/* Defaults, then what the whole file says together. */
static int finish(struct parse *p)
{
	struct conf *c = p->c;
	char id[BRIDGE_NAME_MAX + 32];
	int i;

	p->line = 0;
	if (!c->name[0]) {
		/* The file's name without ".conf": the instance's name. */
		const char *b = strrchr(c->file, '/');
		size_t n;

		b = b ? b + 1 : c->file;
		n = strcspn(b, ".");
		if (!n || n > BRIDGE_NAME_MAX)
			return bad(p, "no connection line, and the file's name is no name");
		memcpy(c->name, b, n);
		c->name[n] = '\0';
		for (i = 0; c->name[i]; i++)
			if (!isalnum((unsigned char)c->name[i]) &&
			    !strchr("_-", c->name[i]))
				return bad(p, "no connection line, and the file's name is no name");
	}
	if (!p->seen_modem)
		return bad(p, "no modem line (modem /dev/ttyUSB2, or a modem handle)");
	if (!c->host)
		return bad(p, "no address line (the cloud broker: address host[:port])");
	if (!c->nrules)
		return bad(p, "no topic line: nothing to bridge");
	if (c->password && !c->username)
		return bad(p, "remote_password without remote_username");
	if ((c->will_payload || c->will_qos || c->will_retain) &&
	    !c->will_topic)
		return bad(p, "will_payload, will_qos and will_retain need will_topic");
	if (c->local_password && !c->local_username)
		return bad(p, "local_password without local_username");
	if (c->notifications && !c->notifications_local_only &&
	    c->will_topic)
		return bad(p, "will_topic and remote notifications both want the modem's one will: set notifications_local_only true, or drop the will");
	if (!c->local_host)
		set_str(p, &c->local_host, "127.0.0.1");
	if (!c->local_clientid) {
		snprintf(id, sizeof(id), "atmqtt-bridge.%s", c->name);
		set_str(p, &c->local_clientid, id);
	}
	if (c->notifications && !c->notification_topic) {
		snprintf(id, sizeof(id), "$SYS/broker/connection/%s/state",
			 c->clientid ? c->clientid : c->name);
		set_str(p, &c->notification_topic, id);
	}
	return p->failed ? -1 : 0;
}

int conf_load(struct conf *c, const char *file, FILE *err)
{
	struct parse p = { .c = c, .err = err };
	char *buf = NULL, *s, *v, *e;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->file = file;
	c->client = 1;
	c->port = 1883;
	c->keepalive = 60;
	c->clean = 0;
	c->restart_min_ms = 5000;	/* mosquitto's restart_timeout 5 30 */
	c->restart_max_ms = 30000;
	c->local_port = 1883;

	f = fopen(file, "r");
	if (!f) {
		fprintf(err, "%s: %s\n", file, strerror(errno));
		return EXIT_CONFIG;
	}
	while (!p.failed && (len = getline(&buf, &cap, f)) >= 0) {
		p.line++;
		if (memchr(buf, '\0', len)) {
			bad(&p, "a NUL byte in the line");
			break;
		}
		/* blanks around the line, CR LF */
		e = buf + len;
		while (e > buf && isspace((unsigned char)e[-1]))
			*--e = '\0';
		s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		v = s + strcspn(s, " \t");
		if (*v)
			*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		parse_key(&p, s, v);
	}
	free(buf);
	if (ferror(f) && !p.failed)
		bad(&p, "%s", strerror(errno));
	fclose(f);
	if (!p.failed)
		finish(&p);
	if (p.failed) {
		conf_free(c);
		return EXIT_CONFIG;
	}
	return 0;
}

void conf_free(struct conf *c)
{
	int i;

	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].pattern);
		free(c->rules[i].local_prefix);
		free(c->rules[i].remote_prefix);
		free(c->rules[i].local_filter);
		free(c->rules[i].remote_filter);
	}
	c->nrules = 0;
	free(c->modem_tty);
	free(c->host);
	free(c->clientid);
	free(c->username);
	if (c->password)
		explicit_bzero(c->password, strlen(c->password));
	free(c->password);
	free(c->will_topic);
	free(c->will_payload);
	free(c->local_host);
	free(c->local_clientid);
	free(c->local_username);
	if (c->local_password)
		explicit_bzero(c->local_password, strlen(c->local_password));
	free(c->local_password);
	free(c->notification_topic);
	c->modem_tty = c->host = c->clientid = c->username = c->password = NULL;
	c->will_topic = c->will_payload = c->local_host = NULL;
	c->local_clientid = c->local_username = c->local_password = NULL;
	c->notification_topic = NULL;
}

static const char *q(const char *s)
{
	return *s ? s : "\"\"";
}

void conf_print(const struct conf *c, FILE *f)
{
	static const char *const dirs[] = { "", "out", "in", "both" };
	int i;

	fprintf(f, "connection %s\n", c->name);
	if (c->modem_tty)
		fprintf(f, "modem %s\n", c->modem_tty);
	else
		fprintf(f, "modem %u\n", c->modem_handle);
	fprintf(f, "modem_client %d\n", c->client);
	fprintf(f, "address %s:%u\n", c->host, c->port);
	fprintf(f, "keepalive_interval %d\n", c->keepalive);
	fprintf(f, "cleansession %s\n", c->clean ? "true" : "false");
	if (c->clientid)
		fprintf(f, "remote_clientid %s\n", c->clientid);
	if (c->username)
		fprintf(f, "remote_username %s\n", c->username);
	if (c->password)
		fprintf(f, "# remote_password is set (not shown)\n");
	if (c->will_topic)
		fprintf(f, "will_topic %s\nwill_payload %s\nwill_qos %d\nwill_retain %s\n",
			c->will_topic, c->will_payload ? c->will_payload : "",
			c->will_qos, c->will_retain ? "true" : "false");
	fprintf(f, "restart_timeout %u.%03u %u.%03u\n",
		c->restart_min_ms / 1000, c->restart_min_ms % 1000,
		c->restart_max_ms / 1000, c->restart_max_ms % 1000);
	fprintf(f, "local_address %s:%u\n", c->local_host, c->local_port);
	fprintf(f, "local_clientid %s\n", c->local_clientid);
	if (c->local_username)
		fprintf(f, "local_username %s\n", c->local_username);
	if (c->local_password)
		fprintf(f, "# local_password is set (not shown)\n");
	fprintf(f, "notifications %s\n", c->notifications ? "true" : "false");
	if (c->notifications)
		fprintf(f, "notifications_local_only %s\nnotification_topic %s\n",
			c->notifications_local_only ? "true" : "false",
			c->notification_topic);
	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];

		fprintf(f, "topic %s %s %d %s %s\n", q(r->pattern), dirs[r->dir],
			r->qos, q(r->local_prefix), q(r->remote_prefix));
	}
}

/* ---- the modem's limits ------------------------------------------------ */

struct fit {
	const struct conf *c;
	char *msg;
	size_t size;
	int line;		/* of the message kept; INT_MAX: none yet */
};

/* Keeps the message of the first line that does not fit (line 0, what the
 * file lacks or a default, after them all).
 */
__attribute__((format(printf, 3, 4)))
static void misfit(struct fit *f, int line, const char *fmt, ...)
{
	int key = line ? line : INT_MAX - 1, n;
	va_list ap;

	if (key >= f->line)
		return;
	f->line = key;
	if (line)
		n = snprintf(f->msg, f->size, "%s:%d: ", f->c->file, line);
	else
		n = snprintf(f->msg, f->size, "%s: ", f->c->file);
	if (n < 0 || (size_t)n >= f->size)
		return;
	va_start(ap, fmt);
	vsnprintf(f->msg + n, f->size - n, fmt, ap);
	va_end(ap);
}

static void fit_str(struct fit *f, int line, const char *key, const char *v,
		    size_t min, uint32_t max)
{
	if (v && strlen(v) > max)
		misfit(f, line, "%s: must be %zu-%u printable ASCII characters without '\"' (the modem quotes it)",
		       key, min, max);
}

int conf_fit(const struct conf *c, const struct atmqtt_limits *l, char *msg,
	     size_t size)
{
	struct fit f = { .c = c, .msg = msg, .size = size, .line = INT_MAX };
	uint32_t nin = 0;
	int i;

	if (size)
		msg[0] = '\0';
	if (c->client < 1 || (uint32_t)c->client > l->clients)
		misfit(&f, c->at.client, "modem_client: %d is out of range (1-%u, the modem's clients)",
		       c->client, l->clients);
	if (c->host && strlen(c->host) > l->host)
		misfit(&f, c->at.address, "address: the host must be 1-%u printable ASCII characters without '\"' (the modem quotes it)",
		       l->host);
	if (c->keepalive < 1 || (uint32_t)c->keepalive > l->keepalive)
		misfit(&f, c->at.keepalive, "keepalive_interval: %d is out of range (1-%u, the modem's limit)",
		       c->keepalive, l->keepalive);
	fit_str(&f, c->at.clientid, "remote_clientid", c->clientid, 1,
		l->client_ident);
	fit_str(&f, c->at.username, "remote_username", c->username, 0,
		l->user_name);
	fit_str(&f, c->at.password, "remote_password", c->password, 0,
		l->password);
	fit_str(&f, c->at.will_topic, "will_topic", c->will_topic, 1,
		l->topic);
	fit_str(&f, c->at.will_payload, "will_payload", c->will_payload, 0,
		l->payload);
	if (c->will_topic && (uint32_t)c->will_qos > l->qos)
		misfit(&f, c->at.will_qos, "will_qos: %d is out of range (0-%u, the modem's limit)",
		       c->will_qos, l->qos);
	if (c->notifications)
		fit_str(&f, c->at.notification_topic, "notification_topic",
			c->notification_topic, 1, l->topic);
	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];

		if (strlen(r->remote_filter) > l->topic)
			misfit(&f, r->line, "topic: the remote side '%s' must be 1-%u printable ASCII characters without '\"' (the modem quotes it)",
			       r->remote_filter, l->topic);
		if ((uint32_t)r->qos > l->qos)
			misfit(&f, r->line, "topic: qos: %d is out of range (0-%u, the modem's limit)",
			       r->qos, l->qos);
		if ((r->dir & DIR_IN) && ++nin > l->subs)
			misfit(&f, r->line, "topic: more than %u in and both topics (the modem's client tracks %u subscriptions)",
			       l->subs, l->subs);
	}
	return f.line == INT_MAX ? 0 : EXIT_CONFIG;
}

int limits_parse(const char *spec, struct atmqtt_limits *l)
{
	static const struct {
		const char *name;
		size_t off;
	} keys[] = {
#define K(m) { #m, offsetof(struct atmqtt_limits, m) }
		K(clients), K(host), K(topic), K(payload), K(user_name),
		K(password), K(client_ident), K(keepalive), K(qos), K(subs),
#undef K
	};
	const char *s = spec;
	size_t i;

	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		*(uint32_t *)((char *)l + keys[i].off) = UINT32_MAX;
	l->binary = 1;
	while (*s) {
		size_t n = strcspn(s, "=,");
		unsigned long v;
		char *end;

		for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			if (strlen(keys[i].name) == n &&
			    !strncmp(s, keys[i].name, n))
				break;
		if (i == sizeof(keys) / sizeof(*keys) || s[n] != '=' ||
		    !isdigit((unsigned char)s[n + 1]))
			return -EINVAL;
		errno = 0;
		v = strtoul(s + n + 1, &end, 10);
		if (errno || v > UINT32_MAX || (*end && *end != ','))
			return -EINVAL;
		*(uint32_t *)((char *)l + keys[i].off) = v;
		s = *end ? end + 1 : end;
	}
	return 0;
}
