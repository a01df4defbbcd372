// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fakenl: a scripted stand-in for the atmqtt kernel family, for testing
 * libatmqtt and the CLI on a host without the module.
 *
 * Linked with -Wl,--wrap for genl_ctrl_resolve, genl_ctrl_resolve_grp,
 * genl_connect, nl_socket_add_membership, send, recvfrom and poll, and
 * fopen for the module's files in sysfs (see __wrap_fopen()), ioctl for
 * the line discipline and geteuid (see __wrap_ioctl()).  The
 * sockets are real (genl_connect), the library's message handling is the
 * real one; only the kernel's side is replaced:
 *   - every request is decoded and logged, one line, to $FAKENL_LOG:
 *       CMD flags=ack|dump|none ATTR=value ...
 *     (integers in decimal, with "(lenN)" when the size is not the
 *     attribute's; strings and binaries %-encoded: bytes outside
 *     0x21-0x7e and '%' as %XX; a string's terminating NUL left out);
 *   - the answer comes from $FAKENL_SCRIPT, lines of
 *       CMD reply ATTR=value ...      a reply message
 *       CMD ack ERRNO [msg=TEXT] [attr=ATTR] [miss=ATTR] [pol=ATTR:[LO-]HI]
 *                                     (pol: the attribute's policy, as
 *                                     the kernel's core sends it with a
 *                                     range refusal: an integer's
 *                                     MIN/MAX_VALUE_U, LO-HI; a string's
 *                                     or a binary's MIN_LENGTH (LO, when
 *                                     given) and MAX_LENGTH (HI))
 *                                     (a success is acked only when the
 *                                     request asked, NLM_F_ACK; without,
 *                                     a bare reply stands for it unless
 *                                     the script gave one, as the kernel
 *                                     replies to every request that
 *                                     reaches the modem)
 *       CMD done ERRNO [msg=TEXT]     end of a dump
 *       CMD stale                     an ack of an older request first
 *       event EVT ATTR=value ...      for the events socket
 *       event overrun                 the read fails with ENOBUFS
 *       event exit                    the process exits (status 0)
 *     The lines of one CMD up to its ack/done answer one request, in
 *     order.  Without a script line: GET_MODEM answers one modem
 *     (MODEM 1, TTY pts3), other dumps nothing, other requests ack 0.
 *     Values are %-decoded; ENTRY=CLIENT:1,USERNAME:bob nests.
 */
#define _GNU_SOURCE		/* ppoll() */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/genl/genl.h>

#include <linux/atmqtt.h>

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

#define FAKE_FAMILY	0x2a
#define FAKE_GROUP	7

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum kind { K_U8 = 1, K_U16, K_U32, K_U64, K_S32, K_STR, K_BIN, K_NEST };

static const struct {
	const char *name;
	int type;
	enum kind kind;
} attrs[] = {
	{ "MODEM", ATMQTT_A_MODEM, K_U32 },
	{ "TTY", ATMQTT_A_TTY, K_STR },
	{ "MODEM_STATE", ATMQTT_A_MODEM_STATE, K_U8 },
	{ "CLIENT", ATMQTT_A_CLIENT, K_U8 },
	{ "HOST", ATMQTT_A_HOST, K_STR },
	{ "PORT", ATMQTT_A_PORT, K_U32 },
	{ "CLEAN", ATMQTT_A_CLEAN, K_U8 },
	{ "KEEPALIVE", ATMQTT_A_KEEPALIVE, K_U16 },
	{ "TOPIC", ATMQTT_A_TOPIC, K_STR },
	{ "QOS", ATMQTT_A_QOS, K_U8 },
	{ "RETAIN", ATMQTT_A_RETAIN, K_U8 },
	{ "PAYLOAD", ATMQTT_A_PAYLOAD, K_BIN },
	{ "STATUS", ATMQTT_A_STATUS, K_U8 },
	{ "URC", ATMQTT_A_URC, K_U8 },
	{ "CAUSE", ATMQTT_A_CAUSE, K_U8 },
	{ "RX_SEQ", ATMQTT_A_RX_SEQ, K_U64 },
	{ "RX_DROPS", ATMQTT_A_RX_DROPS, K_U64 },
	{ "USERNAME", ATMQTT_A_USERNAME, K_STR },
	{ "PASSWORD", ATMQTT_A_PASSWORD, K_STR },
	{ "CLIENT_ID", ATMQTT_A_CLIENT_ID, K_STR },
	{ "MODE", ATMQTT_A_MODE, K_U8 },
	{ "CLIENTS", ATMQTT_A_CLIENTS, K_U8 },
	{ "AT_CMD", ATMQTT_A_AT_CMD, K_U8 },
	{ "LINE", ATMQTT_A_LINE, K_STR },
	{ "FINAL", ATMQTT_A_FINAL, K_STR },
	{ "TIMEOUT_MS", ATMQTT_A_TIMEOUT_MS, K_U32 },
	{ "MODEM_ERROR", ATMQTT_A_MODEM_ERROR, K_U32 },
	{ "DATASIZE", ATMQTT_A_DATASIZE, K_U8 },
	{ "ENTRY", ATMQTT_A_ENTRY, K_NEST },
	{ "CLIENT_STATE", ATMQTT_A_CLIENT_STATE, K_U8 },
	{ "RECONNECT", ATMQTT_A_RECONNECT, K_U8 },
	{ "RECONNECT_MIN_MS", ATMQTT_A_RECONNECT_MIN_MS, K_U32 },
	{ "RECONNECT_MAX_MS", ATMQTT_A_RECONNECT_MAX_MS, K_U32 },
	{ "STEP", ATMQTT_A_STEP, K_U8 },
	{ "ATTEMPT", ATMQTT_A_ATTEMPT, K_U32 },
	{ "ERRNO", ATMQTT_A_ERRNO, K_S32 },
	{ "DELAY_MS", ATMQTT_A_DELAY_MS, K_U32 },
	{ "SUB_COUNT", ATMQTT_A_SUB_COUNT, K_U32 },
	{ "RX_STRAY", ATMQTT_A_RX_STRAY, K_U64 },
	{ "RX_MALFORMED", ATMQTT_A_RX_MALFORMED, K_U64 },
	{ "RX_OVERFLOWS", ATMQTT_A_RX_OVERFLOWS, K_U64 },
	{ "TRUNCATED", ATMQTT_A_TRUNCATED, K_U8 },
	{ "MEM_BYTES", ATMQTT_A_MEM_BYTES, K_U32 },
	{ "RESYNCS", ATMQTT_A_RESYNCS, K_U64 },
	{ "TTY_DEV", ATMQTT_A_TTY_DEV, K_U32 },
	/* sent by a broken kernel: a string without its NUL */
	{ "TOPIC_NONUL", ATMQTT_A_TOPIC, K_BIN },
	{ "LINE_NONUL", ATMQTT_A_LINE, K_BIN },
};

static const struct {
	const char *name;
	int cmd;
	int dump;
} cmds[] = {
	{ "GET_MODEM", ATMQTT_CMD_GET_MODEM, 1 },
	{ "OPEN", ATMQTT_CMD_OPEN, 0 },
	{ "CLOSE", ATMQTT_CMD_CLOSE, 0 },
	{ "SUBSCRIBE", ATMQTT_CMD_SUBSCRIBE, 0 },
	{ "PUBLISH", ATMQTT_CMD_PUBLISH, 0 },
	{ "MESSAGE", ATMQTT_EVT_MESSAGE, 0 },
	{ "BREAK", ATMQTT_EVT_BREAK, 0 },
	{ "RESULT", ATMQTT_EVT_RESULT, 0 },
	{ "MODEM", ATMQTT_EVT_MODEM, 0 },
	{ "UNSUBSCRIBE", ATMQTT_CMD_UNSUBSCRIBE, 0 },
	{ "SET_USER", ATMQTT_CMD_SET_USER, 0 },
	{ "GET_USER", ATMQTT_CMD_GET_USER, 0 },
	{ "SET_WILL", ATMQTT_CMD_SET_WILL, 0 },
	{ "GET_WILL", ATMQTT_CMD_GET_WILL, 0 },
	{ "SET_CONF", ATMQTT_CMD_SET_CONF, 0 },
	{ "GET_CONF", ATMQTT_CMD_GET_CONF, 0 },
	{ "GET_OPENABLE", ATMQTT_CMD_GET_OPENABLE, 0 },
	{ "GET_CLOSABLE", ATMQTT_CMD_GET_CLOSABLE, 0 },
	{ "READ", ATMQTT_CMD_READ, 0 },
	{ "TEST", ATMQTT_CMD_TEST, 0 },
	{ "RAW", ATMQTT_CMD_RAW, 0 },
	{ "GET_CLIENT", ATMQTT_CMD_GET_CLIENT, 1 },
	{ "SET_CLIENT", ATMQTT_CMD_SET_CLIENT, 0 },
	{ "GET_SUB", ATMQTT_CMD_GET_SUB, 1 },
	{ "URC", ATMQTT_EVT_URC, 0 },
	{ "RECONNECT", ATMQTT_EVT_RECONNECT, 0 },
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fakenl: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(99);
}

static int cmd_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return i;
	die("unknown command %s", name);
	return -1;
}

static int cmd_index(int cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == cmd)
			return i;
	return -1;
}

static int attr_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (!strcmp(name, attrs[i].name))
			return i;
	die("unknown attribute %s", name);
	return -1;
}

static int attr_index(int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (attrs[i].type == type)
			return i;
	return -1;
}

/* ---- queues of datagrams, per socket ---- */

struct dgram {
	struct dgram *next;
	int special;		/* 1 overrun, 2 exit */
	size_t len;
	unsigned char data[];
};

struct fsock {
	struct nl_sock *sk;
	struct dgram *head, **tail;
	int events;
};

static struct fsock socks[8];

static struct fsock *fs_of(struct nl_sock *sk)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(socks); i++)
		if (socks[i].sk == sk)
			return &socks[i];
	for (i = 0; i < ARRAY_SIZE(socks); i++) {
		if (!socks[i].sk) {
			socks[i].sk = sk;
			socks[i].tail = &socks[i].head;
			return &socks[i];
		}
	}
	die("too many sockets");
	return NULL;
}

static void fs_push(struct fsock *fs, const void *data, size_t len,
		    int special)
{
	struct dgram *d = calloc(1, sizeof(*d) + len);

	if (!d)
		die("out of memory");
	d->special = special;
	d->len = len;
	memcpy(d->data, data, len);
	*fs->tail = d;
	fs->tail = &d->next;
}

/* ---- the script ---- */

struct line {
	struct line *next;
	int cmd;		/* index in cmds[], -1 for events */
	char *text;		/* after the command name */
};

static struct line *script;
static int script_loaded;

static void script_load(void)
{
	const char *path = getenv("FAKENL_SCRIPT");
	struct line **tail = &script, *l;
	static char buf[65536];
	char *p, *name;
	FILE *f;

	script_loaded = 1;
	if (!path || !*path)
		return;
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		p = buf + strspn(buf, " \t");
		if (!*p || *p == '#')
			continue;
		name = strsep(&p, " \t");
		l = calloc(1, sizeof(*l));
		l->cmd = strcmp(name, "event") ? cmd_by_name(name) : -1;
		l->text = strdup(p ? p : "");
		*tail = l;
		tail = &l->next;
	}
	fclose(f);
}

/* Takes the next script line for cmd (-1: events), NULL if none. */
static struct line *script_take(int cmd)
{
	struct line **pp, *l;

	if (!script_loaded)
		script_load();
	for (pp = &script; (l = *pp); pp = &l->next) {
		if (l->cmd == cmd) {
			*pp = l->next;
			return l;
		}
	}
	return NULL;
}

static size_t pct_decode(const char *s, char *out, size_t size)
{
	size_t n = 0;
	unsigned int v;

	for (; *s && n < size; s++) {
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			out[n++] = v;
			s += 2;
		} else {
			out[n++] = *s;
		}
	}
	return n;
}

static void put_attr(struct nl_msg *msg, int idx, const char *val);

static void put_nest(struct nl_msg *msg, int type, char *val)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	char *item, *key;

	while ((item = strsep(&val, ","))) {
		key = strsep(&item, ":");
		put_attr(msg, attr_by_name(key), item ? item : "");
	}
	nla_nest_end(msg, nest);
}

static void put_attr(struct nl_msg *msg, int idx, const char *val)
{
	char buf[4096], *copy;
	int type = attrs[idx].type;
	size_t n;

	switch (attrs[idx].kind) {
	case K_U8: nla_put_u8(msg, type, strtoul(val, NULL, 0)); break;
	case K_U16: nla_put_u16(msg, type, strtoul(val, NULL, 0)); break;
	case K_U32: nla_put_u32(msg, type, strtoul(val, NULL, 0)); break;
	case K_U64: nla_put_u64(msg, type, strtoull(val, NULL, 0)); break;
	case K_S32: nla_put_u32(msg, type, (uint32_t)strtol(val, NULL, 0));
		break;
	case K_STR:
		n = pct_decode(val, buf, sizeof(buf) - 1);
		buf[n] = '\0';
		nla_put(msg, type, n + 1, buf);
		break;
	case K_BIN:
		n = pct_decode(val, buf, sizeof(buf));
		nla_put(msg, type, n, buf);
		break;
	case K_NEST:
		copy = strdup(val);
		put_nest(msg, type, copy);
		free(copy);
		break;
	}
}

/* "ATTR=value ..." into a genetlink message. */
static struct nl_msg *build_genl(uint32_t port, uint32_t seq, int flags,
				 int cmd, char *text)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536);
	char *tok, *eq;

	if (!msg || !genlmsg_put(msg, port, seq, FAKE_FAMILY, 0, flags, cmd,
				 ATMQTT_GENL_VERSION))
		die("cannot build a message");
	while ((tok = strsep(&text, " \t"))) {
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq)
			die("bad token %s", tok);
		*eq = '\0';
		put_attr(msg, attr_by_name(tok), eq + 1);
	}
	return msg;
}

/* ---- requests ---- */

static void log_value(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '%')
			fputc(p[i], f);
		else
			fprintf(f, "%%%02x", p[i]);
	}
}

static void log_request(struct nlmsghdr *nlh)
{
	static const unsigned int size[] = {
		[K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_U64] = 8, [K_S32] = 4,
	};
	const char *path = getenv("FAKENL_LOG");
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a;
	int rem, ci, ai, len;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		die("%s: %s", path, strerror(errno));
	ci = cmd_index(gh->cmd);
	fprintf(f, "%s flags=%s", ci < 0 ? "?" : cmds[ci].name,
		nlh->nlmsg_flags & NLM_F_DUMP ? "dump" :
		nlh->nlmsg_flags & NLM_F_ACK ? "ack" : "none");
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			  rem) {
		ai = attr_index(nla_type(a));
		len = nla_len(a);
		if (ai < 0) {
			fprintf(f, " ?%d", nla_type(a));
			continue;
		}
		fprintf(f, " %s=", attrs[ai].name);
		switch (attrs[ai].kind) {
		case K_STR:
			if (len && ((char *)nla_data(a))[len - 1] == '\0')
				len--;
			else
				fprintf(f, "(nonul)");
			/* fall through */
		case K_BIN:
		case K_NEST:
			log_value(f, nla_data(a), len);
			break;
		default:
			fprintf(f, "%llu", len == 1 ? nla_get_u8(a) :
				len == 2 ? nla_get_u16(a) :
				len == 4 ? nla_get_u32(a) :
				len == 8 ? (unsigned long long)nla_get_u64(a) : 0);
			if ((unsigned int)len != size[attrs[ai].kind])
				fprintf(f, "(len%d)", len);
		}
	}
	fputc('\n', f);
	fclose(f);
}

/* Offset of the first attribute of type in the request, 0 if none. */
static uint32_t attr_offset(struct nlmsghdr *req, int type)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			  rem)
		if (nla_type(a) == type)
			return (unsigned char *)a - (unsigned char *)req;
	return 0;
}

/* NLMSGERR_ATTR_POLICY for "ATTR:[LO-]HI", as the kernel writes it. */
static void put_policy(struct nl_msg *msg, char *spec)
{
	char *colon = strchr(spec, ':'), *dash;
	unsigned long long lo = 0, hi;
	struct nlattr *nest;
	int i, has_lo;

	if (!colon)
		die("bad pol %s", spec);
	*colon++ = '\0';
	i = attr_by_name(spec);
	dash = strchr(colon, '-');
	has_lo = dash != NULL;
	if (dash)
		lo = strtoull(colon, NULL, 0);
	hi = strtoull(dash ? dash + 1 : colon, NULL, 0);
	nest = nla_nest_start(msg, NLMSGERR_ATTR_POLICY);
	switch (attrs[i].kind) {
	case K_U8:
	case K_U16:
	case K_U32:
	case K_U64:
		nla_put_u32(msg, NL_POLICY_TYPE_ATTR_TYPE,
			    attrs[i].kind == K_U8 ? NL_ATTR_TYPE_U8 :
			    attrs[i].kind == K_U16 ? NL_ATTR_TYPE_U16 :
			    attrs[i].kind == K_U32 ? NL_ATTR_TYPE_U32 :
			    NL_ATTR_TYPE_U64);
		nla_put_u64(msg, NL_POLICY_TYPE_ATTR_MIN_VALUE_U, lo);
		nla_put_u64(msg, NL_POLICY_TYPE_ATTR_MAX_VALUE_U, hi);
		break;
	case K_STR:
	case K_BIN:
		nla_put_u32(msg, NL_POLICY_TYPE_ATTR_TYPE,
			    attrs[i].kind == K_STR ? NL_ATTR_TYPE_STRING :
			    NL_ATTR_TYPE_BINARY);
		if (has_lo && lo)
			nla_put_u32(msg, NL_POLICY_TYPE_ATTR_MIN_LENGTH, lo);
		nla_put_u32(msg, NL_POLICY_TYPE_ATTR_MAX_LENGTH, hi);
		break;
	default:
		die("no policy for %s", spec);
	}
	nla_nest_end(msg, nest);
}

/* An NLMSG_ERROR (done == 0) or NLMSG_DONE answer, with TLVs. */
static void push_answer(struct fsock *fs, struct nlmsghdr *req, uint32_t seq,
			int done, char *text)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536);
	struct nlmsghdr *nlh;
	char *tok, *eq, buf[1024];
	int err = strtol(strsep(&text, " \t"), NULL, 0), tlvs = 0, flags;
	size_t n;

	flags = done ? NLM_F_MULTI : NLM_F_CAPPED;
	nlh = nlmsg_put(msg, req->nlmsg_pid, seq, done ? NLMSG_DONE :
			NLMSG_ERROR, 0, flags);
	if (done) {
		nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	} else {
		struct nlmsgerr e = { .error = err, .msg = *req };

		nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	}
	while ((tok = strsep(&text, " \t"))) {
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq)
			die("bad token %s", tok);
		*eq++ = '\0';
		tlvs = 1;
		if (!strcmp(tok, "msg")) {
			n = pct_decode(eq, buf, sizeof(buf) - 1);
			buf[n] = '\0';
			nla_put_string(msg, NLMSGERR_ATTR_MSG, buf);
		} else if (!strcmp(tok, "attr")) {
			nla_put_u32(msg, NLMSGERR_ATTR_OFFS,
				    attr_offset(req,
						attrs[attr_by_name(eq)].type));
		} else if (!strcmp(tok, "pol")) {
			put_policy(msg, eq);
		} else if (!strcmp(tok, "miss")) {
			nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE,
				    attrs[attr_by_name(eq)].type);
		} else {
			die("bad ack token %s", tok);
		}
	}
	nlh = nlmsg_hdr(msg);
	if (tlvs)
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	fs_push(fs, nlh, nlh->nlmsg_len, 0);
	nlmsg_free(msg);
}

/*
 * The ack of a do request, as the kernel sends it: an error always; a
 * success only when asked for (NLM_F_ACK), and otherwise the reply that
 * every request reaching the modem gets, here a bare one (MODEM, CLIENT)
 * unless the script gave one.
 */
static void push_ack(struct fsock *fs, struct nlmsghdr *req, int replied,
		     char *text)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	struct nlattr *a;
	struct nl_msg *msg;

	if ((req->nlmsg_flags & NLM_F_ACK) || strtol(text, NULL, 0)) {
		push_answer(fs, req, req->nlmsg_seq, 0, text);
		return;
	}
	if (replied)
		return;
	msg = build_genl(req->nlmsg_pid, req->nlmsg_seq, 0, gh->cmd, NULL);
	a = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
		     ATMQTT_A_MODEM);
	if (a)
		nla_put_u32(msg, ATMQTT_A_MODEM, nla_get_u32(a));
	a = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
		     ATMQTT_A_CLIENT);
	if (a)
		nla_put_u8(msg, ATMQTT_A_CLIENT, nla_get_u8(a));
	fs_push(fs, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, 0);
	nlmsg_free(msg);
}

static void push_modem(struct fsock *fs, struct nlmsghdr *req, char *text)
{
	struct nl_msg *msg;

	msg = build_genl(req->nlmsg_pid, req->nlmsg_seq, NLM_F_MULTI,
			 ATMQTT_CMD_GET_MODEM, text);
	fs_push(fs, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, 0);
	nlmsg_free(msg);
}

static int ttys_modems(struct fsock *fs, struct nlmsghdr *req);

static void push_default(struct fsock *fs, struct nlmsghdr *req, int ci)
{
	char text[] = "MODEM=1 TTY=pts3 MODEM_STATE=0 MODE=1";
	char zero[] = "0";

	if (cmds[ci].cmd == ATMQTT_CMD_GET_MODEM && !ttys_modems(fs, req))
		push_modem(fs, req, text);
	if (cmds[ci].dump)
		push_answer(fs, req, req->nlmsg_seq, 1, zero);
	else
		push_ack(fs, req, 0, zero);
}

static void answer(struct fsock *fs, struct nlmsghdr *req)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	int ci = cmd_index(gh->cmd), dump, first = 1, replied = 0;
	unsigned char multi[65536];
	size_t mlen = 0;
	struct nl_msg *msg;
	struct line *l;
	char *verb, *text;

	if (ci < 0)
		die("request of unknown command %d", gh->cmd);
	dump = !!(req->nlmsg_flags & NLM_F_DUMP);
	if (dump != cmds[ci].dump)
		die("%s sent %s", cmds[ci].name, dump ? "as a dump" : "not as a dump");
	/* The one do request the kernel does not answer with a reply. */
	if (gh->cmd == ATMQTT_CMD_SET_CLIENT && !(req->nlmsg_flags & NLM_F_ACK))
		die("%s sent without NLM_F_ACK", cmds[ci].name);
	for (;;) {
		l = script_take(ci);
		if (!l) {
			if (first) {
				push_default(fs, req, ci);
				return;
			}
			die("%s: script group without ack/done", cmds[ci].name);
		}
		first = 0;
		text = l->text;
		verb = strsep(&text, " \t");
		if (!strcmp(verb, "stale")) {
			char err[] = "-5";

			push_answer(fs, req, req->nlmsg_seq - 1, 0, err);
		} else if (!strcmp(verb, "reply")) {
			replied = 1;
			msg = build_genl(req->nlmsg_pid, req->nlmsg_seq,
					 dump ? NLM_F_MULTI : 0, gh->cmd,
					 text);
			/* a dump's messages share one datagram */
			if (dump) {
				memcpy(multi + mlen, nlmsg_hdr(msg),
				       nlmsg_hdr(msg)->nlmsg_len);
				mlen += NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
			} else {
				fs_push(fs, nlmsg_hdr(msg),
					nlmsg_hdr(msg)->nlmsg_len, 0);
			}
			nlmsg_free(msg);
		} else if (!strcmp(verb, "ack") && !dump) {
			push_ack(fs, req, replied, text);
			return;
		} else if (!strcmp(verb, "ack") || !strcmp(verb, "done")) {
			if (mlen)
				fs_push(fs, multi, mlen, 0);
			push_answer(fs, req, req->nlmsg_seq,
				    !strcmp(verb, "done"), text);
			return;
		} else {
			die("bad verb %s", verb);
		}
	}
}

/* ---- the line discipline ---- */

/*
 * With $FAKENL_TTYS set, TIOCSETD and TIOCGETD on a tty keep its line
 * discipline in $FAKENL_TTYS/<major>:<minor> ("LDISC HANDLE NAME"),
 * shared by the processes of a test, and log each TIOCSETD to
 * $FAKENL_TTYS/log ("SETD <major>:<minor> LDISC").  The number the module
 * registered is $FAKENL_SYS/parameters/ldisc; setting it makes the tty a
 * modem, which GET_MODEM then reports by default (TTY, and TTY_DEV unless
 * $FAKENL_NO_TTY_DEV; none at all with $FAKENL_NOMODEM).  With
 * $FAKENL_KILL_AT_SETD the process sends itself SIGTERM once it set it.
 */
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

static int read_int(const char *path, int def)
{
	FILE *f = __real_fopen(path, "r");
	int v = def;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = def;
		fclose(f);
	}
	return v;
}

static void tty_kname(int fd, char *out, size_t n)
{
	char link[64], path[256];
	const char *p = path;
	ssize_t len;
	size_t j = 0;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	path[len > 0 ? len : 0] = '\0';
	if (!strncmp(p, "/dev/", 5))
		p += 5;
	for (; *p && j + 1 < n; p++)
		if (*p != '/')
			out[j++] = *p;
	out[j] = '\0';
}

static int fake_setd(const char *dir, int fd, struct stat *st, int disc)
{
	char path[4000], tmp[4096], name[64], sys[4096];
	const char *sysdir = getenv("FAKENL_SYS");
	int num, handle;
	FILE *f;

	snprintf(sys, sizeof(sys), "%s/parameters/ldisc", sysdir ? sysdir : "");
	num = read_int(sys, -1);
	if (disc != 0 && disc != num) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/log", dir);
	f = __real_fopen(path, "a");
	if (f) {
		fprintf(f, "SETD %u:%u %d\n", major(st->st_rdev),
			minor(st->st_rdev), disc);
		fclose(f);
	}
	/* a handle per attach, as the kernel's are */
	snprintf(path, sizeof(path), "%s/next", dir);
	handle = read_int(path, 1);
	f = disc ? __real_fopen(path, "w") : NULL;
	if (f) {
		fprintf(f, "%d\n", handle + 1);
		fclose(f);
	}
	tty_kname(fd, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%u:%u", dir, major(st->st_rdev),
		 minor(st->st_rdev));
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	f = __real_fopen(tmp, "w");
	if (!f)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f, "%d %d %s\n", disc, handle, name);
	fclose(f);
	if (rename(tmp, path))
		die("%s: %s", path, strerror(errno));
	if (disc && getenv("FAKENL_KILL_AT_SETD"))
		kill(getpid(), SIGTERM);
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	const char *dir = getenv("FAKENL_TTYS");
	char path[4096];
	struct stat st;
	va_list ap;
	int *arg;

	va_start(ap, req);
	arg = va_arg(ap, int *);
	va_end(ap);
	if (!dir || (req != TIOCSETD && req != TIOCGETD))
		return __real_ioctl(fd, req, arg);
	if (fstat(fd, &st))
		return -1;
	if (!S_ISCHR(st.st_mode) || !isatty(fd)) {
		errno = ENOTTY;
		return -1;
	}
	if (req == TIOCSETD)
		return fake_setd(dir, fd, &st, *arg);
	snprintf(path, sizeof(path), "%s/%u:%u", dir, major(st.st_rdev),
		 minor(st.st_rdev));
	*arg = read_int(path, 0);
	return 0;
}

/* The modems of the ttys set to the line discipline: 1, or 0 without
 * $FAKENL_TTYS (the default modem then).
 */
static int ttys_modems(struct fsock *fs, struct nlmsghdr *req)
{
	const char *dir = getenv("FAKENL_TTYS");
	unsigned int maj, min;
	char path[4096], name[64], text[256];
	int disc, handle;
	struct dirent *d;
	FILE *f;
	DIR *dp;

	if (!dir)
		return 0;
	if (getenv("FAKENL_NOMODEM"))
		return 1;	/* none, rather than the default one */
	dp = opendir(dir);
	while (dp && (d = readdir(dp))) {
		if (sscanf(d->d_name, "%u:%u", &maj, &min) != 2 ||
		    strchr(d->d_name, '.'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		f = __real_fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d %d %63s", &disc, &handle, name) == 3 &&
		    disc) {
			snprintf(text, sizeof(text),
				 "MODEM=%d TTY=%s MODEM_STATE=0 MODE=1", handle,
				 name);
			if (!getenv("FAKENL_NO_TTY_DEV"))
				snprintf(text + strlen(text),
					 sizeof(text) - strlen(text),
					 " TTY_DEV=%u", (min & 0xff) |
					 (maj << 8) | ((min & ~0xffu) << 12));
			push_modem(fs, req, text);
		}
		fclose(f);
	}
	if (dp)
		closedir(dp);
	return 1;
}

/* Another uid than the real one ($FAKENL_EUID), for the runtime
 * directories of users other than root.
 */
uid_t __real_geteuid(void);
uid_t __wrap_geteuid(void)
{
	const char *e = getenv("FAKENL_EUID");

	return e ? (uid_t)strtoul(e, NULL, 10) : __real_geteuid();
}

/* ---- the module's sysfs files ---- */

/*
 * /sys/module/atmqtt/... is $FAKENL_SYS/..., where set: "parameters/ldisc"
 * there says the module is loaded (and its number), "version" its
 * MODULE_VERSION.
 */
FILE *__wrap_fopen(const char *path, const char *mode)
{
	static const char sys[] = "/sys/module/atmqtt/";
	const char *dir = getenv("FAKENL_SYS");
	char buf[4096];

	if (!dir || strncmp(path, sys, sizeof(sys) - 1))
		return __real_fopen(path, mode);
	snprintf(buf, sizeof(buf), "%s/%s", dir, path + sizeof(sys) - 1);
	return __real_fopen(buf, mode);
}

/* ---- the wrapped libnl calls ---- */

int __real_poll(struct pollfd *fds, nfds_t n, int timeout);

int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	(void)sk;
	if (getenv("FAKENL_NOFAMILY"))
		return -NLE_OBJ_NOTFOUND;
	return strcmp(name, ATMQTT_GENL_NAME) ? -NLE_OBJ_NOTFOUND :
	       FAKE_FAMILY;
}

int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *family,
				 const char *grp)
{
	(void)sk;
	return strcmp(family, ATMQTT_GENL_NAME) ||
	       strcmp(grp, ATMQTT_MCGRP_EVENTS) ? -NLE_OBJ_NOTFOUND :
	       FAKE_GROUP;
}

int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group)
{
	struct fsock *fs = fs_of(sk);
	struct nl_msg *msg;
	struct line *l;
	char *verb, *text;

	if (group != FAKE_GROUP)
		die("membership of group %d", group);
	fs->events = 1;
	while ((l = script_take(-1))) {
		text = l->text;
		verb = strsep(&text, " \t");
		if (!strcmp(verb, "overrun")) {
			fs_push(fs, "", 0, 1);
		} else if (!strcmp(verb, "exit")) {
			fs_push(fs, "", 0, 2);
		} else {
			msg = build_genl(0, 0, 0, cmds[cmd_by_name(verb)].cmd,
					 text);
			fs_push(fs, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len,
				0);
			nlmsg_free(msg);
		}
	}
	return 0;
}

/* The fake socket of a descriptor: one that genl_connect() connected. */
static struct fsock *fs_of_fd(int fd, const char *call)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(socks); i++)
		if (socks[i].sk && nl_socket_get_fd(socks[i].sk) == fd)
			return &socks[i];
	die("%s() on a socket genl_connect() did not connect", call);
	return NULL;
}

int __real_genl_connect(struct nl_sock *sk);

int __wrap_genl_connect(struct nl_sock *sk)
{
	int err = __real_genl_connect(sk);

	if (!err)
		fs_of(sk);
	return err;
}

ssize_t __wrap_send(int fd, const void *buf, size_t size, int flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct fsock *fs = fs_of_fd(fd, "send");

	if (flags)
		die("send() with flags %#x", flags);
	if (size < sizeof(*nlh) || nlh->nlmsg_len != size)
		die("a request of %zu bytes, %u in its header", size,
		    size >= sizeof(*nlh) ? nlh->nlmsg_len : 0);
	if (nlh->nlmsg_type != FAKE_FAMILY)
		die("message to family %d", nlh->nlmsg_type);
	if (!(nlh->nlmsg_flags & NLM_F_REQUEST))
		die("a request without NLM_F_REQUEST");
	log_request(nlh);
	answer(fs, nlh);
	return size;
}

/*
 * The answer's datagrams, in turn, as recvfrom() reads them (with
 * MSG_TRUNC: the datagram's whole length), from the kernel.  With none
 * queued, a request's socket has lost its answer; the events socket blocks
 * like the real one.
 */
ssize_t __wrap_recvfrom(int fd, void *buf, size_t size, int flags,
			struct sockaddr *addr, socklen_t *alen)
{
	struct sockaddr_nl *nla = (struct sockaddr_nl *)addr;
	struct fsock *fs = fs_of_fd(fd, "recvfrom");
	struct dgram *d;
	size_t len;
	if (flags != MSG_TRUNC || !nla || !alen || *alen < sizeof(*nla))
		die("recvfrom() without MSG_TRUNC or an address");
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	*alen = sizeof(*nla);
	d = fs->head;
	if (!d) {
		if (!fs->events)
			die("a request waits for an answer that never comes");
		/* blocks until a signal, whose handler interrupts the
		 * call (one installed without SA_RESTART)
		 */
		pause();
		errno = EINTR;
		return -1;
	}
	fs->head = d->next;
	if (!fs->head)
		fs->tail = &fs->head;
	if (d->special == 2) {
		fflush(stdout);
		exit(0);
	}
	if (d->special == 1) {
		free(d);
		errno = ENOBUFS;
		return -1;
	}
	len = d->len;
	memcpy(buf, d->data, len < size ? len : size);
	free(d);
	return len;
}

int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	size_t i, j;
	int ready = 0;

	for (i = 0; i < n; i++) {
		fds[i].revents = 0;
		for (j = 0; j < ARRAY_SIZE(socks); j++)
			if (socks[j].sk && socks[j].head &&
			    nl_socket_get_fd(socks[j].sk) == fds[i].fd)
				fds[i].revents = fds[i].events & POLLIN;
		if (fds[i].revents)
			ready++;
	}
	return ready ? ready : __real_poll(fds, n, timeout);
}

int __real_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		 const sigset_t *mask);

int __wrap_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		 const sigset_t *mask)
{
	struct timespec zero = { 0, 0 };
	int ready = __wrap_poll(fds, n, 0);

	/* what is queued, and the signals the mask lets through */
	if (ready > 0)
		return __real_ppoll(fds, 0, &zero, mask) < 0 && errno == EINTR ?
		       -1 : ready;
	return __real_ppoll(fds, n, ts, mask);
}
