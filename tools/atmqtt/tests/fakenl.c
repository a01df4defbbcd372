// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fakenl: a scripted stand-in for the atmqtt kernel family (version 2,
 * <linux/atmqtt.h>), for testing libatmqtt and the CLI on a host without
 * the module.
 *
 * Linked with -Wl,--wrap for genl_ctrl_resolve, genl_ctrl_resolve_grp,
 * genl_connect, nl_socket_add_membership, send, recvfrom and poll, and
 * fopen for the module's files in sysfs (see __wrap_fopen()), ioctl for
 * the line discipline and geteuid (see __wrap_ioctl()).  The
 * sockets are real (genl_connect), the library's message handling is the
 * real one; only the kernel's side is replaced.  A classic BPF socket
 * filter the program attaches (SO_ATTACH_FILTER) is run on each queued
 * datagram, as the kernel runs it on a multicast message (see fs_head()).
 *
 * Names.  Commands are those of enum atmqtt_cmd without ATMQTT_CMD_
 * (GET_MODEM, OPEN, ...), events those of enum atmqtt_evt without
 * ATMQTT_EVT_ (MESSAGE, BREAK, RESULT, MODEM, URC, RECONNECT).  An
 * attribute is named by its path from the top level: the enum's name
 * without its prefix, nests joined by dots:
 *   MODEM_ID  CLIENT_ID  LINE  FINAL  TRUNCATED  ...     (enum atmqtt_a)
 *   CLIENT.HOST  CLIENT.PORT  MSG.TOPIC  MSG.PAYLOAD  USER.NAME
 *   MODEM.TTY  MODEM.STATS.RX_SEQ  MODEM.LIMITS.PAYLOAD  ERROR.CODE
 *   ENTRY.CLIENT_ID  ENTRY.USER.NAME  ENTRY.MSG.TOPIC  RECONNECT.STEP
 * (and, sent by a broken kernel, a string without its NUL: LINE_NONUL,
 * FINAL_NONUL, MSG.TOPIC_NONUL, MODEM.TTY_NONUL).
 *
 * The log.  Every request is decoded and logged, one line, to $FAKENL_LOG:
 *     CMD flags=ack|dump|none [version=N] PATH=value ...
 *   e.g. OPEN flags=none MODEM_ID=1 CLIENT_ID=1 CLIENT.HOST=broker
 *   CLIENT.PORT=1883, in the request's order (version=N only when the
 *   genlmsghdr's is not ATMQTT_GENL_VERSION); integers in decimal, with
 *   "(lenN)" when the size is not the attribute's; strings and binaries
 *   %-encoded (bytes outside 0x21-0x7e and '%' as %XX; a string's
 *   terminating NUL left out, "(nonul)" before one without); a flag as
 *   PATH alone; an empty nest as PATH={}; an unknown attribute as
 *   PATH.?TYPE (?TYPE at the top level).
 *
 * The script.  The answers come from $FAKENL_SCRIPT, lines of
 *   CMD reply [version=N] PATH=value ...   a reply message
 *   CMD ack ERRNO [msg=TEXT] [attr=PATH] [miss=PATH] [pol=PATH:[LO-]HI]
 *   CMD done ERRNO [msg=TEXT]              end of a dump
 *   CMD stale                              an ack of an older request first
 *   event EVT [version=N] PATH=value ...   for the events socket
 *   event overrun                          the read fails with ENOBUFS
 *   event exit                             the process exits (status 0)
 * ('#' starts a comment line.)  The lines of one CMD up to its ack/done
 * answer one request, in order; a dump's replies go in one datagram;
 * lines no request takes are ignored.
 *   Values are %-decoded; integers are read by strtoul (0x.. allowed,
 *   an s32 may be negative); a flag is put whatever its value (write
 *   TRUNCATED=1); a nest's value, when given, must be {} (an empty nest).
 *   Nests: the attributes of consecutive PATHs sharing a nest's prefix go
 *   into one instance of it, in the order written; a PATH leaving it
 *   closes it.  NAME+ in a path starts a new instance of that nest even
 *   when the previous PATH was in one: two GET_USER entries are
 *     ENTRY.CLIENT_ID=1 ENTRY.USER.NAME=bob
 *     ENTRY+.CLIENT_ID=2 ENTRY.USER.NAME=
 *   A repeated top-level scalar (CLIENT_ID of GET_OPENABLE, LINE of RAW)
 *   is just written again: CLIENT_ID=1 CLIENT_ID=2.
 *   version=N: the genlmsghdr's version of that message (default
 *   ATMQTT_GENL_VERSION), to test the library's check of it.
 *   ack: a success is acked only when the request asked, NLM_F_ACK;
 *   without, a reply stands for it (a default one unless the script gave
 *   one), as the kernel replies to every request that reaches the modem.
 *   attr=PATH: NLMSGERR_ATTR_OFFS, the offset of that attribute in the
 *   request (inside its nest for a nested PATH, as the kernel's core
 *   gives it; 0 when the request lacks it).  miss=PATH:
 *   NLMSGERR_ATTR_MISS_TYPE, the last element's type, and for a nested
 *   PATH NLMSGERR_ATTR_MISS_NEST, the offset of the enclosing nest in the
 *   request (left out when the request lacks the nest, as the kernel's
 *   NL_SET_ERR_ATTR_MISS(extack, NULL, type)).  pol=PATH:[LO-]HI:
 *   NLMSGERR_ATTR_POLICY as the core sends it with a range refusal: an
 *   integer's MIN/MAX_VALUE_U, LO-HI; a string's or a binary's
 *   MIN_LENGTH (LO, when given and not 0) and MAX_LENGTH (HI).
 *
 * Defaults, without a script line for the command: GET_MODEM (a dump or a
 * do request) answers one modem (MODEM_ID 1, TTY pts3, STATE ready, MODE
 * 1, DIALECT fibocom, the NL668's LIMITS: clients 2, host 255, topic 255,
 * payload 1024, user_name 128, password 128, client_ident 23, keepalive
 * 300, qos 2, subs 128, binary), or those of $FAKENL_TTYS (see
 * ttys_modems()), restricted to the request's MODEM_ID (a do request for
 * none: -ENODEV); other dumps nothing; SET_CLIENT is acked; other
 * requests get the kernel's bare reply (MODEM_ID, CLIENT_ID as in the
 * request; PUBLISH also MSG.DATASIZE, 1 when asked or when the payload is
 * not quotable).
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
#include <sys/socket.h>
#include <linux/filter.h>
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
#define MSG_SIZE	(1 << 18)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum kind { K_U32 = 1, K_U64, K_S32, K_STR, K_BIN, K_FLAG, K_NEST };

struct space;

struct adesc {
	const char *name;
	int type;
	enum kind kind;
	const struct space *nest;	/* K_NEST */
};

struct space {
	const struct adesc *a;
	size_t n;
};

#define SPACE(name, arr) \
	static const struct space name = { arr, ARRAY_SIZE(arr) }

static const struct adesc stats_a[] = {
	{ "PAD", ATMQTT_A_STATS_PAD, K_BIN, NULL },
	{ "RX_SEQ", ATMQTT_A_STATS_RX_SEQ, K_U64, NULL },
	{ "RX_DROPS", ATMQTT_A_STATS_RX_DROPS, K_U64, NULL },
	{ "RX_STRAY", ATMQTT_A_STATS_RX_STRAY, K_U64, NULL },
	{ "RX_MALFORMED", ATMQTT_A_STATS_RX_MALFORMED, K_U64, NULL },
	{ "RX_OVERFLOWS", ATMQTT_A_STATS_RX_OVERFLOWS, K_U64, NULL },
	{ "RESYNCS", ATMQTT_A_STATS_RESYNCS, K_U64, NULL },
};
SPACE(stats_s, stats_a);

static const struct adesc limits_a[] = {
	{ "CLIENTS", ATMQTT_A_LIMITS_CLIENTS, K_U32, NULL },
	{ "HOST", ATMQTT_A_LIMITS_HOST, K_U32, NULL },
	{ "TOPIC", ATMQTT_A_LIMITS_TOPIC, K_U32, NULL },
	{ "PAYLOAD", ATMQTT_A_LIMITS_PAYLOAD, K_U32, NULL },
	{ "USER_NAME", ATMQTT_A_LIMITS_USER_NAME, K_U32, NULL },
	{ "PASSWORD", ATMQTT_A_LIMITS_PASSWORD, K_U32, NULL },
	{ "CLIENT_IDENT", ATMQTT_A_LIMITS_CLIENT_IDENT, K_U32, NULL },
	{ "KEEPALIVE", ATMQTT_A_LIMITS_KEEPALIVE, K_U32, NULL },
	{ "QOS", ATMQTT_A_LIMITS_QOS, K_U32, NULL },
	{ "SUBS", ATMQTT_A_LIMITS_SUBS, K_U32, NULL },
	{ "BINARY", ATMQTT_A_LIMITS_BINARY, K_FLAG, NULL },
	{ "TLS", ATMQTT_A_LIMITS_TLS, K_FLAG, NULL },
};
SPACE(limits_s, limits_a);

static const struct adesc modem_a[] = {
	{ "PAD", ATMQTT_A_MODEM_PAD, K_BIN, NULL },
	{ "TTY", ATMQTT_A_MODEM_TTY, K_STR, NULL },
	{ "TTY_DEV", ATMQTT_A_MODEM_TTY_DEV, K_U32, NULL },
	{ "STATE", ATMQTT_A_MODEM_STATE, K_U32, NULL },
	{ "MODE", ATMQTT_A_MODEM_MODE, K_U32, NULL },
	{ "MEM_BYTES", ATMQTT_A_MODEM_MEM_BYTES, K_U64, NULL },
	{ "DIALECT", ATMQTT_A_MODEM_DIALECT, K_STR, NULL },
	{ "STATS", ATMQTT_A_MODEM_STATS, K_NEST, &stats_s },
	{ "LIMITS", ATMQTT_A_MODEM_LIMITS, K_NEST, &limits_s },
	{ "TTY_NONUL", ATMQTT_A_MODEM_TTY, K_BIN, NULL },
};
SPACE(modem_s, modem_a);

static const struct adesc client_a[] = {
	{ "STATE", ATMQTT_A_CLIENT_STATE, K_U32, NULL },
	{ "SUB_COUNT", ATMQTT_A_CLIENT_SUB_COUNT, K_U32, NULL },
	{ "HOST", ATMQTT_A_CLIENT_HOST, K_STR, NULL },
	{ "PORT", ATMQTT_A_CLIENT_PORT, K_U32, NULL },
	{ "CLEAN", ATMQTT_A_CLIENT_CLEAN, K_U32, NULL },
	{ "KEEPALIVE", ATMQTT_A_CLIENT_KEEPALIVE, K_U32, NULL },
	{ "RECONNECT", ATMQTT_A_CLIENT_RECONNECT, K_U32, NULL },
	{ "RECONNECT_MIN_MS", ATMQTT_A_CLIENT_RECONNECT_MIN_MS, K_U32, NULL },
	{ "RECONNECT_MAX_MS", ATMQTT_A_CLIENT_RECONNECT_MAX_MS, K_U32, NULL },
};
SPACE(client_s, client_a);

static const struct adesc user_a[] = {
	{ "NAME", ATMQTT_A_USER_NAME, K_STR, NULL },
	{ "PASSWORD", ATMQTT_A_USER_PASSWORD, K_STR, NULL },
	{ "CLIENT_ID", ATMQTT_A_USER_CLIENT_ID, K_STR, NULL },
};
SPACE(user_s, user_a);

static const struct adesc msg_a[] = {
	{ "PAD", ATMQTT_A_MSG_PAD, K_BIN, NULL },
	{ "TOPIC", ATMQTT_A_MSG_TOPIC, K_STR, NULL },
	{ "QOS", ATMQTT_A_MSG_QOS, K_U32, NULL },
	{ "RETAIN", ATMQTT_A_MSG_RETAIN, K_U32, NULL },
	{ "PAYLOAD", ATMQTT_A_MSG_PAYLOAD, K_BIN, NULL },
	{ "DATASIZE", ATMQTT_A_MSG_DATASIZE, K_U32, NULL },
	{ "SEQ", ATMQTT_A_MSG_SEQ, K_U64, NULL },
	{ "DROPS", ATMQTT_A_MSG_DROPS, K_U64, NULL },
	{ "TRUNCATED", ATMQTT_A_MSG_TRUNCATED, K_FLAG, NULL },
	{ "TOPIC_NONUL", ATMQTT_A_MSG_TOPIC, K_BIN, NULL },
};
SPACE(msg_s, msg_a);

static const struct adesc entry_a[] = {
	{ "CLIENT_ID", ATMQTT_A_ENTRY_CLIENT_ID, K_U32, NULL },
	{ "USER", ATMQTT_A_ENTRY_USER, K_NEST, &user_s },
	{ "MSG", ATMQTT_A_ENTRY_MSG, K_NEST, &msg_s },
};
SPACE(entry_s, entry_a);

static const struct adesc error_a[] = {
	{ "KIND", ATMQTT_A_ERROR_KIND, K_U32, NULL },
	{ "CODE", ATMQTT_A_ERROR_CODE, K_U32, NULL },
	{ "TEXT", ATMQTT_A_ERROR_TEXT, K_STR, NULL },
};
SPACE(error_s, error_a);

static const struct adesc reconnect_a[] = {
	{ "STEP", ATMQTT_A_RECONNECT_STEP, K_U32, NULL },
	{ "ATTEMPT", ATMQTT_A_RECONNECT_ATTEMPT, K_U32, NULL },
	{ "RESULT", ATMQTT_A_RECONNECT_RESULT, K_S32, NULL },
	{ "TOPIC", ATMQTT_A_RECONNECT_TOPIC, K_STR, NULL },
	{ "DELAY_MS", ATMQTT_A_RECONNECT_DELAY_MS, K_U32, NULL },
};
SPACE(reconnect_s, reconnect_a);

static const struct adesc top_a[] = {
	{ "MODEM_ID", ATMQTT_A_MODEM_ID, K_U32, NULL },
	{ "CLIENT_ID", ATMQTT_A_CLIENT_ID, K_U32, NULL },
	{ "MODEM", ATMQTT_A_MODEM, K_NEST, &modem_s },
	{ "CLIENT", ATMQTT_A_CLIENT, K_NEST, &client_s },
	{ "USER", ATMQTT_A_USER, K_NEST, &user_s },
	{ "MSG", ATMQTT_A_MSG, K_NEST, &msg_s },
	{ "ENTRY", ATMQTT_A_ENTRY, K_NEST, &entry_s },
	{ "ERROR", ATMQTT_A_ERROR, K_NEST, &error_s },
	{ "RECONNECT", ATMQTT_A_RECONNECT, K_NEST, &reconnect_s },
	{ "MODE", ATMQTT_A_MODE, K_U32, NULL },
	{ "AT_CMD", ATMQTT_A_AT_CMD, K_U32, NULL },
	{ "LINE", ATMQTT_A_LINE, K_STR, NULL },
	{ "FINAL", ATMQTT_A_FINAL, K_STR, NULL },
	{ "TIMEOUT_MS", ATMQTT_A_TIMEOUT_MS, K_U32, NULL },
	{ "TRUNCATED", ATMQTT_A_TRUNCATED, K_FLAG, NULL },
	{ "URC", ATMQTT_A_URC, K_U32, NULL },
	{ "STATUS", ATMQTT_A_STATUS, K_U32, NULL },
	{ "CAUSE", ATMQTT_A_CAUSE, K_U32, NULL },
	/* sent by a broken kernel: strings without their NUL */
	{ "LINE_NONUL", ATMQTT_A_LINE, K_BIN, NULL },
	{ "FINAL_NONUL", ATMQTT_A_FINAL, K_BIN, NULL },
};
SPACE(top_s, top_a);

struct cdesc {
	const char *name;
	int cmd;
	int dump;		/* 0 do, 1 dump, 2 either */
};

static const struct cdesc cmds[] = {
	{ "GET_MODEM", ATMQTT_CMD_GET_MODEM, 2 },
	{ "GET_CLIENT", ATMQTT_CMD_GET_CLIENT, 1 },
	{ "SET_CLIENT", ATMQTT_CMD_SET_CLIENT, 0 },
	{ "GET_SUB", ATMQTT_CMD_GET_SUB, 1 },
	{ "SET_USER", ATMQTT_CMD_SET_USER, 0 },
	{ "GET_USER", ATMQTT_CMD_GET_USER, 0 },
	{ "SET_WILL", ATMQTT_CMD_SET_WILL, 0 },
	{ "GET_WILL", ATMQTT_CMD_GET_WILL, 0 },
	{ "SET_CONF", ATMQTT_CMD_SET_CONF, 0 },
	{ "GET_CONF", ATMQTT_CMD_GET_CONF, 0 },
	{ "OPEN", ATMQTT_CMD_OPEN, 0 },
	{ "GET_OPENABLE", ATMQTT_CMD_GET_OPENABLE, 0 },
	{ "CLOSE", ATMQTT_CMD_CLOSE, 0 },
	{ "GET_CLOSABLE", ATMQTT_CMD_GET_CLOSABLE, 0 },
	{ "SUBSCRIBE", ATMQTT_CMD_SUBSCRIBE, 0 },
	{ "UNSUBSCRIBE", ATMQTT_CMD_UNSUBSCRIBE, 0 },
	{ "PUBLISH", ATMQTT_CMD_PUBLISH, 0 },
	{ "READ", ATMQTT_CMD_READ, 0 },
	{ "TEST", ATMQTT_CMD_TEST, 0 },
	{ "RAW", ATMQTT_CMD_RAW, 0 },
};

static const struct cdesc evts[] = {
	{ "MESSAGE", ATMQTT_EVT_MESSAGE, 0 },
	{ "BREAK", ATMQTT_EVT_BREAK, 0 },
	{ "RESULT", ATMQTT_EVT_RESULT, 0 },
	{ "MODEM", ATMQTT_EVT_MODEM, 0 },
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

static int evt_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(evts); i++)
		if (!strcmp(name, evts[i].name))
			return evts[i].cmd;
	die("unknown event %s", name);
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

static const struct adesc *attr_by_name(const struct space *s,
					const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->a[i].name) == len &&
		    !strncmp(name, s->a[i].name, len))
			return &s->a[i];
	die("unknown attribute %.*s", (int)len, name);
	return NULL;
}

static const struct adesc *attr_by_type(const struct space *s, int type)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->a[i].type == type)
			return &s->a[i];
	return NULL;
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
	int fd;			/* the descriptor genl_connect() gave it */
	struct dgram *head, **tail;
	int events;
};

static struct fsock socks[8];

static void fs_reset(struct fsock *fs)
{
	struct dgram *d;

	while ((d = fs->head)) {
		fs->head = d->next;
		free(d);
	}
	memset(fs, 0, sizeof(*fs));
	fs->tail = &fs->head;
	fs->fd = -1;
}

/*
 * The fake socket of sk, once genl_connect() connected it.  A socket the
 * program freed is not seen go (nl_socket_free() is not wrapped): a slot
 * is taken over by the next socket connected on its descriptor.
 */
static struct fsock *fs_of(struct nl_sock *sk)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(socks); i++)
		if (socks[i].sk == sk && socks[i].fd >= 0)
			return &socks[i];
	die("a socket genl_connect() did not connect");
	return NULL;
}

static struct fsock *fs_connect(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(socks); i++)
		if (socks[i].sk && (socks[i].fd == fd || socks[i].sk == sk))
			fs_reset(&socks[i]);
	for (i = 0; i < ARRAY_SIZE(socks); i++) {
		if (!socks[i].sk) {
			fs_reset(&socks[i]);
			socks[i].sk = sk;
			socks[i].fd = fd;
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

static void fs_push_msg(struct fsock *fs, struct nl_msg *msg)
{
	fs_push(fs, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, 0);
	nlmsg_free(msg);
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
	static char buf[MSG_SIZE * 3];
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

/* ---- building messages from PATH=value tokens ---- */

struct builder {
	struct nl_msg *msg;
	int depth;
	struct {
		const struct adesc *d;
		struct nlattr *start;
	} st[8];
};

static void put_leaf(struct nl_msg *msg, const struct adesc *d,
		     const char *val)
{
	static char buf[MSG_SIZE];
	int type = d->type;
	size_t n;

	switch (d->kind) {
	case K_U32: nla_put_u32(msg, type, strtoul(val, NULL, 0)); break;
	case K_U64: nla_put_u64(msg, type, strtoull(val, NULL, 0)); break;
	case K_S32: nla_put_u32(msg, type, (uint32_t)strtol(val, NULL, 0));
		break;
	case K_FLAG: nla_put_flag(msg, type); break;
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
		if (strcmp(val, "{}"))
			die("%s: a nest's value is {}", d->name);
		nla_nest_end(msg, nla_nest_start(msg, type));
		break;
	}
}

static void b_close_to(struct builder *b, int depth)
{
	while (b->depth > depth)
		nla_nest_end(b->msg, b->st[--b->depth].start);
}

/* One PATH=value token (path is modified). */
static void b_put(struct builder *b, char *path, const char *val)
{
	const struct space *s = &top_s;
	const struct adesc *d;
	int level = 0, same = 1, fresh;
	char *el, *dot;
	size_t len;

	for (el = path; (dot = strchr(el, '.')); el = dot + 1, level++) {
		len = dot - el;
		fresh = len && el[len - 1] == '+';
		d = attr_by_name(s, el, len - fresh);
		if (d->kind != K_NEST)
			die("%.*s is no nest", (int)len, el);
		if (level >= (int)ARRAY_SIZE(b->st))
			die("nests too deep");
		if (same && level < b->depth && b->st[level].d == d && !fresh) {
			s = d->nest;
			continue;
		}
		same = 0;
		b_close_to(b, level);
		b->st[level].d = d;
		b->st[level].start = nla_nest_start(b->msg, d->type);
		b->depth = level + 1;
		s = d->nest;
	}
	if (same)
		b_close_to(b, level);
	put_leaf(b->msg, attr_by_name(s, el, strlen(el)), val);
}

/* "[version=N] PATH=value ..." into a genetlink message. */
static struct nl_msg *build_genl(uint32_t port, uint32_t seq, int flags,
				 int cmd, char *text)
{
	struct nl_msg *msg = nlmsg_alloc_size(MSG_SIZE);
	struct builder b = { .msg = msg };
	struct genlmsghdr *gh;
	char *tok, *eq;

	if (!msg || !genlmsg_put(msg, port, seq, FAKE_FAMILY, 0, flags, cmd,
				 ATMQTT_GENL_VERSION))
		die("cannot build a message");
	gh = nlmsg_data(nlmsg_hdr(msg));
	while ((tok = strsep(&text, " \t"))) {
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq)
			die("bad token %s", tok);
		*eq = '\0';
		if (!strcmp(tok, "version")) {
			gh->version = strtoul(eq + 1, NULL, 0);
			continue;
		}
		b_put(&b, tok, eq + 1);
	}
	b_close_to(&b, 0);
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

static void log_attrs(FILE *f, const struct space *s, const char *prefix,
		      struct nlattr *head, int total)
{
	static const unsigned int size[] = {
		[K_U32] = 4, [K_U64] = 8, [K_S32] = 4,
	};
	const struct adesc *d;
	char sub[256];
	struct nlattr *a;
	int rem, len;

	nla_for_each_attr(a, head, total, rem) {
		d = attr_by_type(s, nla_type(a));
		len = nla_len(a);
		if (!d) {
			fprintf(f, " %s?%d", prefix, nla_type(a));
			continue;
		}
		if (d->kind == K_NEST) {
			snprintf(sub, sizeof(sub), "%s%s.", prefix, d->name);
			if (!len)
				fprintf(f, " %s%s={}", prefix, d->name);
			log_attrs(f, d->nest, sub, nla_data(a), len);
			continue;
		}
		if (d->kind == K_FLAG && !len) {
			fprintf(f, " %s%s", prefix, d->name);
			continue;
		}
		fprintf(f, " %s%s=", prefix, d->name);
		switch (d->kind) {
		case K_STR:
			if (len && ((char *)nla_data(a))[len - 1] == '\0')
				len--;
			else
				fprintf(f, "(nonul)");
			/* fall through */
		case K_BIN:
		case K_FLAG:
			log_value(f, nla_data(a), len);
			break;
		default:
			fprintf(f, "%llu", len == 1 ? nla_get_u8(a) :
				len == 2 ? nla_get_u16(a) :
				len == 4 ? (d->kind == K_S32 ?
					    (unsigned long long)(long long)
					    (int32_t)nla_get_u32(a) :
					    nla_get_u32(a)) :
				len == 8 ? (unsigned long long)nla_get_u64(a) : 0);
			if ((unsigned int)len != size[d->kind])
				fprintf(f, "(len%d)", len);
		}
	}
}

static void log_request(struct nlmsghdr *nlh)
{
	const char *path = getenv("FAKENL_LOG");
	struct genlmsghdr *gh = nlmsg_data(nlh);
	int ci;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		die("%s: %s", path, strerror(errno));
	ci = cmd_index(gh->cmd);
	if (ci < 0)
		fprintf(f, "?%d", gh->cmd);
	else
		fputs(cmds[ci].name, f);
	fprintf(f, " flags=%s",
		nlh->nlmsg_flags & NLM_F_DUMP ? "dump" :
		nlh->nlmsg_flags & NLM_F_ACK ? "ack" : "none");
	if (gh->version != ATMQTT_GENL_VERSION)
		fprintf(f, " version=%u", gh->version);
	log_attrs(f, &top_s, "", genlmsg_attrdata(gh, 0),
		  genlmsg_attrlen(gh, 0));
	fputc('\n', f);
	fclose(f);
}

/*
 * The request's attribute at path (modified), NULL if it has none;
 * *leaf its description, *parent the enclosing nest (NULL at the top).
 */
static struct nlattr *req_find(struct nlmsghdr *req, char *path,
			       const struct adesc **leaf,
			       struct nlattr **parent)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	const struct space *s = &top_s;
	struct nlattr *head = genlmsg_attrdata(gh, 0), *a = NULL;
	int total = genlmsg_attrlen(gh, 0);
	const struct adesc *d;
	char *el, *dot;

	*parent = NULL;
	for (el = path; ; el = dot + 1) {
		dot = strchr(el, '.');
		d = attr_by_name(s, el, dot ? (size_t)(dot - el) : strlen(el));
		*leaf = d;
		if (head) {
			a = nla_find(head, total, d->type);
		}
		if (!dot)
			return head ? a : NULL;
		if (d->kind != K_NEST)
			die("%s is no nest", el);
		s = d->nest;
		*parent = a;
		if (a) {
			head = nla_data(a);
			total = nla_len(a);
		} else {
			head = NULL;
		}
	}
}

static uint32_t req_offset(struct nlmsghdr *req, const void *p)
{
	return p ? (const unsigned char *)p - (const unsigned char *)req : 0;
}

/* NLMSGERR_ATTR_POLICY for "PATH:[LO-]HI", as the kernel writes it. */
static void put_policy(struct nl_msg *msg, struct nlmsghdr *req, char *spec)
{
	char *colon = strchr(spec, ':'), *dash;
	unsigned long long lo = 0, hi;
	const struct adesc *d;
	struct nlattr *nest, *parent;
	int has_lo;

	if (!colon)
		die("bad pol %s", spec);
	*colon++ = '\0';
	req_find(req, spec, &d, &parent);
	dash = strchr(colon, '-');
	has_lo = dash != NULL;
	if (dash)
		lo = strtoull(colon, NULL, 0);
	hi = strtoull(dash ? dash + 1 : colon, NULL, 0);
	nest = nla_nest_start(msg, NLMSGERR_ATTR_POLICY);
	switch (d->kind) {
	case K_U32:
	case K_U64:
	case K_S32:
		nla_put_u32(msg, NL_POLICY_TYPE_ATTR_TYPE,
			    d->kind == K_U32 ? NL_ATTR_TYPE_U32 :
			    d->kind == K_S32 ? NL_ATTR_TYPE_S32 :
			    NL_ATTR_TYPE_U64);
		if (d->kind == K_S32) {
			nla_put_u64(msg, NL_POLICY_TYPE_ATTR_MIN_VALUE_S, lo);
			nla_put_u64(msg, NL_POLICY_TYPE_ATTR_MAX_VALUE_S, hi);
		} else {
			nla_put_u64(msg, NL_POLICY_TYPE_ATTR_MIN_VALUE_U, lo);
			nla_put_u64(msg, NL_POLICY_TYPE_ATTR_MAX_VALUE_U, hi);
		}
		break;
	case K_STR:
	case K_BIN:
		nla_put_u32(msg, NL_POLICY_TYPE_ATTR_TYPE,
			    d->kind == K_STR ? NL_ATTR_TYPE_STRING :
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
	struct nl_msg *msg = nlmsg_alloc_size(MSG_SIZE);
	struct nlattr *a, *parent;
	const struct adesc *d;
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
			a = req_find(req, eq, &d, &parent);
			nla_put_u32(msg, NLMSGERR_ATTR_OFFS, req_offset(req, a));
		} else if (!strcmp(tok, "pol")) {
			put_policy(msg, req, eq);
		} else if (!strcmp(tok, "miss")) {
			int nested = strchr(eq, '.') != NULL;

			req_find(req, eq, &d, &parent);
			nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE, d->type);
			if (nested && parent)
				nla_put_u32(msg, NLMSGERR_ATTR_MISS_NEST,
					    req_offset(req, parent));
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

/* Whether the kernel could send the payload between quotes. */
static int quotable(const struct nlattr *a)
{
	const unsigned char *p = nla_data(a);
	int i;

	for (i = 0; i < nla_len(a); i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"')
			return 0;
	return 1;
}

/*
 * The ack of a do request, as the kernel sends it: an error always; a
 * success only when asked for (NLM_F_ACK), and otherwise the reply that
 * every request reaching the modem gets, here a bare one (MODEM_ID,
 * CLIENT_ID; PUBLISH's MSG.DATASIZE) unless the script gave one.
 */
static void push_ack(struct fsock *fs, struct nlmsghdr *req, int replied,
		     char *text)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	struct nlattr *a, *m, *nest;
	struct nl_msg *msg;
	int datasize;

	if ((req->nlmsg_flags & NLM_F_ACK) || strtol(text, NULL, 0)) {
		push_answer(fs, req, req->nlmsg_seq, 0, text);
		return;
	}
	if (replied)
		return;
	msg = build_genl(req->nlmsg_pid, req->nlmsg_seq, 0, gh->cmd, NULL);
	a = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
		     ATMQTT_A_MODEM_ID);
	if (a)
		nla_put_u32(msg, ATMQTT_A_MODEM_ID, nla_get_u32(a));
	a = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
		     ATMQTT_A_CLIENT_ID);
	if (a)
		nla_put_u32(msg, ATMQTT_A_CLIENT_ID, nla_get_u32(a));
	if (gh->cmd == ATMQTT_CMD_PUBLISH) {
		datasize = 0;
		m = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			     ATMQTT_A_MSG);
		if (m) {
			a = nla_find(nla_data(m), nla_len(m),
				     ATMQTT_A_MSG_DATASIZE);
			datasize = a && nla_get_u32(a);
			a = nla_find(nla_data(m), nla_len(m),
				     ATMQTT_A_MSG_PAYLOAD);
			if (a && !quotable(a))
				datasize = 1;
		}
		nest = nla_nest_start(msg, ATMQTT_A_MSG);
		nla_put_u32(msg, ATMQTT_A_MSG_DATASIZE, datasize);
		nla_nest_end(msg, nest);
	}
	fs_push_msg(fs, msg);
}

static void push_modem(struct fsock *fs, struct nlmsghdr *req, char *text)
{
	fs_push_msg(fs, build_genl(req->nlmsg_pid, req->nlmsg_seq,
				   req->nlmsg_flags & NLM_F_DUMP ? NLM_F_MULTI :
				   0, ATMQTT_CMD_GET_MODEM, text));
}

/* The request's top-level MODEM_ID, 0 when it has none. */
static uint32_t req_modem(struct nlmsghdr *req)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	struct nlattr *a = nla_find(genlmsg_attrdata(gh, 0),
				    genlmsg_attrlen(gh, 0), ATMQTT_A_MODEM_ID);

	return a ? nla_get_u32(a) : 0;
}

/* The NL668's LIMITS nest, in script tokens. */
#define NL668_LIMITS \
	" MODEM.LIMITS.CLIENTS=2 MODEM.LIMITS.HOST=255" \
	" MODEM.LIMITS.TOPIC=255 MODEM.LIMITS.PAYLOAD=1024" \
	" MODEM.LIMITS.USER_NAME=128 MODEM.LIMITS.PASSWORD=128" \
	" MODEM.LIMITS.CLIENT_IDENT=23 MODEM.LIMITS.KEEPALIVE=300" \
	" MODEM.LIMITS.QOS=2 MODEM.LIMITS.SUBS=128 MODEM.LIMITS.BINARY=1"

static int ttys_modems(struct fsock *fs, struct nlmsghdr *req);

/*
 * GET_MODEM's modems, restricted to the request's MODEM_ID, as a dump or
 * as a do request (-ENODEV when none matched).
 */
static void push_default(struct fsock *fs, struct nlmsghdr *req, int ci)
{
	char text[] = "MODEM_ID=1 MODEM.TTY=pts3 MODEM.STATE=0 MODEM.MODE=1"
		      " MODEM.DIALECT=fibocom" NL668_LIMITS;
	char zero[] = "0", nodev[] = "-19";
	int dump = !!(req->nlmsg_flags & NLM_F_DUMP), n = 0;

	if (cmds[ci].cmd == ATMQTT_CMD_GET_MODEM) {
		n = ttys_modems(fs, req);
		if (n < 0 && req_modem(req) <= 1) {
			push_modem(fs, req, text);
			n = 1;
		}
		if (!dump) {
			if (n <= 0)
				push_answer(fs, req, req->nlmsg_seq, 0, nodev);
			else if (req->nlmsg_flags & NLM_F_ACK)
				push_answer(fs, req, req->nlmsg_seq, 0, zero);
			return;
		}
	}
	if (dump)
		push_answer(fs, req, req->nlmsg_seq, 1, zero);
	else
		push_ack(fs, req, 0, zero);
}

static void answer(struct fsock *fs, struct nlmsghdr *req)
{
	struct genlmsghdr *gh = nlmsg_data(req);
	int ci = cmd_index(gh->cmd), dump, first = 1, replied = 0;
	static unsigned char multi[MSG_SIZE * 4];
	size_t mlen = 0;
	struct nl_msg *msg;
	struct line *l;
	char *verb, *text;

	if (ci < 0)
		die("request of unknown command %d", gh->cmd);
	dump = !!(req->nlmsg_flags & NLM_F_DUMP);
	if (cmds[ci].dump != 2 && dump != cmds[ci].dump)
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
				if (mlen + nlmsg_hdr(msg)->nlmsg_len >
				    sizeof(multi))
					die("dump too big");
				memcpy(multi + mlen, nlmsg_hdr(msg),
				       nlmsg_hdr(msg)->nlmsg_len);
				mlen += NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
				nlmsg_free(msg);
			} else {
				fs_push_msg(fs, msg);
			}
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

/* The modems of the ttys set to the line discipline (restricted to the
 * request's MODEM_ID): how many, or -1 without $FAKENL_TTYS (the default
 * modem then).
 */
static int ttys_modems(struct fsock *fs, struct nlmsghdr *req)
{
	const char *dir = getenv("FAKENL_TTYS");
	unsigned int maj, min;
	char path[4096], name[64], text[1024];
	int disc, handle;
	struct dirent *d;
	uint32_t want = req_modem(req);
	int n = 0;
	FILE *f;
	DIR *dp;

	if (!dir)
		return -1;
	if (getenv("FAKENL_NOMODEM"))
		return 0;	/* none, rather than the default one */
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
		    disc && (!want || want == (uint32_t)handle)) {
			n++;
			snprintf(text, sizeof(text),
				 "MODEM_ID=%d MODEM.TTY=%s MODEM.STATE=0"
				 " MODEM.MODE=1" NL668_LIMITS, handle, name);
			if (!getenv("FAKENL_NO_TTY_DEV"))
				snprintf(text + strlen(text),
					 sizeof(text) - strlen(text),
					 " MODEM.TTY_DEV=%u", (min & 0xff) |
					 (maj << 8) | ((min & ~0xffu) << 12));
			push_modem(fs, req, text);
		}
		fclose(f);
	}
	if (dp)
		closedir(dp);
	return n;
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
			fs_push_msg(fs, build_genl(0, 0, 0, evt_by_name(verb),
						   text));
		}
	}
	return 0;
}

/*
 * The socket filter a program attached (SO_ATTACH_FILTER, read back with
 * SO_GET_FILTER), run on each queued datagram as the kernel runs it before
 * queueing a multicast message: a classic BPF program of loads (absolute,
 * immediate), AND, jumps and returns; 0 drops the datagram.
 */
static unsigned int bpf_run(const struct sock_filter *f, int n,
			    const unsigned char *p, size_t len)
{
	uint32_t a = 0, x = 0;
	int pc;

	for (pc = 0; pc >= 0 && pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k + 4 > len)
				return 0;
			a = (uint32_t)p[k] << 24 | p[k + 1] << 16 |
			    p[k + 2] << 8 | p[k + 3];
			break;
		case BPF_LD | BPF_H | BPF_ABS:
			if (k + 2 > len)
				return 0;
			a = p[k] << 8 | p[k + 1];
			break;
		case BPF_LD | BPF_B | BPF_ABS:
			if (k + 1 > len)
				return 0;
			a = p[k];
			break;
		case BPF_LD | BPF_IMM: a = k; break;
		case BPF_LDX | BPF_IMM: x = k; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= k; break;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += a & k ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return k;
		case BPF_RET | BPF_A: return a;
		default:
			die("socket filter: opcode %#x not emulated", i->code);
		}
	}
	(void)x;
	die("socket filter: runs off its end");
	return 0;
}

/* The first datagram the socket's filter lets through, NULL if none. */
static struct dgram *fs_head(struct fsock *fs)
{
	struct sock_filter f[BPF_MAXINSNS];
	socklen_t n = 0;
	struct dgram *d;

	if (getsockopt(fs->fd, SOL_SOCKET, SO_GET_FILTER, NULL, &n) || !n)
		return fs->head;
	if (n > BPF_MAXINSNS)
		die("socket filter of %u instructions", n);
	if (getsockopt(fs->fd, SOL_SOCKET, SO_GET_FILTER, f, &n))
		die("SO_GET_FILTER: %s", strerror(errno));
	while ((d = fs->head) && !d->special &&
	       !bpf_run(f, n, d->data, d->len)) {
		fs->head = d->next;
		if (!fs->head)
			fs->tail = &fs->head;
		free(d);
	}
	return fs->head;
}

/* The fake socket of a descriptor: one that genl_connect() connected. */
static struct fsock *fs_of_fd(int fd, const char *call)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(socks); i++)
		if (socks[i].sk && socks[i].fd == fd)
			return &socks[i];
	die("%s() on a socket genl_connect() did not connect", call);
	return NULL;
}

int __real_genl_connect(struct nl_sock *sk);

int __wrap_genl_connect(struct nl_sock *sk)
{
	int err = __real_genl_connect(sk);

	if (!err)
		fs_connect(sk);
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
	d = fs_head(fs);
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
			if (socks[j].sk && socks[j].fd == fds[i].fd &&
			    fs_head(&socks[j]))
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
