// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libatmqtt: the modems: their list, and a modem found by its tty
 * (links resolved, matched by device number).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* ---- modems ---- */

void aqi_limits(const struct nlattr *nest, struct atmqtt_limits *l)
{
	struct nlattr *tb[ATMQTT_A_LIMITS_MAX + 1];

	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	if (!nest || aqi_parse_nest(tb, &aqi_pol_limits, nest))
		return;
#define U(m, A)	if (tb[ATMQTT_A_LIMITS_##A]) \
			l->m = nla_get_u32(tb[ATMQTT_A_LIMITS_##A])
	U(clients, CLIENTS);
	U(host, HOST);
	U(topic, TOPIC);
	U(payload, PAYLOAD);
	U(user_name, USER_NAME);
	U(password, PASSWORD);
	U(client_ident, CLIENT_IDENT);
	U(keepalive, KEEPALIVE);
	U(qos, QOS);
	U(subs, SUBS);
#undef U
	l->binary = !!tb[ATMQTT_A_LIMITS_BINARY];
	l->tls = !!tb[ATMQTT_A_LIMITS_TLS];
}

void aqi_modem_info(struct aqi_arena *ar, uint32_t handle,
		    const struct nlattr *modem, struct atmqtt_modem_info *m,
		    struct atmqtt_limits *l)
{
	struct nlattr *tb[ATMQTT_A_MODEM_MAX + 1];
	struct nlattr *st[ATMQTT_A_STATS_MAX + 1];

	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->handle = handle;
	m->tty = "";
	m->dialect = "";
	m->limits = l;
	if (!modem || aqi_parse_nest(tb, &aqi_pol_modem, modem)) {
		aqi_limits(NULL, l);
		return;
	}
	if (tb[ATMQTT_A_MODEM_TTY])
		m->tty = aqi_str(ar, tb[ATMQTT_A_MODEM_TTY]);
	if (tb[ATMQTT_A_MODEM_TTY_DEV])
		m->tty_dev = nla_get_u32(tb[ATMQTT_A_MODEM_TTY_DEV]);
	if (tb[ATMQTT_A_MODEM_STATE])
		m->state = nla_get_u32(tb[ATMQTT_A_MODEM_STATE]);
	if (tb[ATMQTT_A_MODEM_MODE])
		m->mode = nla_get_u32(tb[ATMQTT_A_MODEM_MODE]);
	if (tb[ATMQTT_A_MODEM_MEM_BYTES])
		m->mem_bytes = nla_get_u64(tb[ATMQTT_A_MODEM_MEM_BYTES]);
	if (tb[ATMQTT_A_MODEM_DIALECT])
		m->dialect = aqi_str(ar, tb[ATMQTT_A_MODEM_DIALECT]);
	if (tb[ATMQTT_A_MODEM_STATS] &&
	    !aqi_parse_nest(st, &aqi_pol_stats, tb[ATMQTT_A_MODEM_STATS])) {
#define S(m_, A) if (st[ATMQTT_A_STATS_##A]) \
			m->m_ = nla_get_u64(st[ATMQTT_A_STATS_##A])
		S(rx_seq, RX_SEQ);
		S(rx_drops, RX_DROPS);
		S(rx_stray, RX_STRAY);
		S(rx_malformed, RX_MALFORMED);
		S(rx_overflows, RX_OVERFLOWS);
		S(resyncs, RESYNCS);
#undef S
	}
	aqi_limits(tb[ATMQTT_A_MODEM_LIMITS], l);
}

struct modem_ctx {
	struct atmqtt_nl *nl;
	atmqtt_modem_cb cb;
	void *arg;
	int count;
	int stop;
	struct atmqtt_limits *limits;	/* atmqtt_modem_limits() */
	int seen;
};

static void reply_modem(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct modem_ctx *ctx = arg;
	struct atmqtt_modem_info m;
	struct atmqtt_limits l;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM_ID])
		return;
	aqi_modem_info(aqi_nl_arena(ctx->nl), nla_get_u32(tb[ATMQTT_A_MODEM_ID]),
		       tb[ATMQTT_A_MODEM], &m, &l);
	if (ctx->limits) {
		*ctx->limits = l;
		ctx->seen = 1;
		return;
	}
	ctx->count++;
	if (ctx->cb && ctx->cb(&m, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg)
{
	struct modem_ctx ctx = { .nl = nl, .cb = cb, .arg = arg };
	struct aqi_req r;
	int err;

	aqi_req_dump(&r, nl, ATMQTT_CMD_GET_MODEM, handle);
	err = aqi_req_send(&r, reply_modem, &ctx);
	return err < 0 ? err : ctx.count;
}

int atmqtt_modem_limits(struct atmqtt_nl *nl, uint32_t modem,
			struct atmqtt_limits *out)
{
	struct atmqtt_limits l;
	struct modem_ctx ctx = { .nl = nl, .limits = &l };
	struct aqi_req r;
	size_t size, n;
	int err;

	if (!out || out->size < sizeof(out->size))
		return -EINVAL;
	aqi_req_modem(&r, nl, ATMQTT_CMD_GET_MODEM, modem);
	err = aqi_req_send(&r, reply_modem, &ctx);
	if (err)
		return err;
	if (!ctx.seen)
		return -EPROTO;
	size = out->size;
	n = size < sizeof(l) ? size : sizeof(l);
	memcpy(out, &l, n);
	out->size = size;
	return 0;
}

/*
 * The kernel's name of the tty at path: "/dev/pts/3" is "pts3" (the path
 * under /dev without its slashes), a node elsewhere its last component.
 */
static void atmqtt_tty_kname(const char *path, char *out, size_t n)
{
	const char *slash;
	size_t j = 0;

	if (!strncmp(path, "/dev/", 5))
		path += 5;
	else if (path[0] == '/' && (slash = strrchr(path, '/')))
		path = slash + 1;
	for (; *path && j + 1 < n; path++)
		if (*path != '/')
			out[j++] = *path;
	out[j] = '\0';
}

struct find_ctx {
	char want[64];		/* the kernel's name of the tty */
	int has_dev;
	unsigned int major, minor;
	uint32_t handle;
	int found;
};

/*
 * What identifies the tty the caller named: its device number, when tty
 * leads (links resolved) to a character device, and its kernel name.  A
 * path is taken as it is; a bare name ("ttyUSB2", "pts/3") is under /dev.
 */
static void atmqtt_tty_identify(const char *tty, struct find_ctx *f)
{
	char path[PATH_MAX], *real = NULL;
	struct stat st;

	if (tty[0] == '/' || !strncmp(tty, "./", 2) || !strncmp(tty, "../", 3))
		snprintf(path, sizeof(path), "%s", tty);
	else
		snprintf(path, sizeof(path), "/dev/%s", tty);
	real = realpath(path, NULL);
	if (real && !stat(real, &st) && S_ISCHR(st.st_mode)) {
		f->has_dev = 1;
		f->major = major(st.st_rdev);
		f->minor = minor(st.st_rdev);
	}
	atmqtt_tty_kname(real ? real : tty, f->want, sizeof(f->want));
	free(real);
}

static int find_cb(const struct atmqtt_modem_info *m, void *arg)
{
	struct find_ctx *f = arg;
	char have[64];
	int same;

	if (m->state == ATMQTT_MODEM_DEAD)
		return 0;
	if (f->has_dev && m->tty_dev) {
		same = ATMQTT_TTY_MAJOR(m->tty_dev) == f->major &&
		       ATMQTT_TTY_MINOR(m->tty_dev) == f->minor;
	} else {
		atmqtt_tty_kname(m->tty ? m->tty : "", have, sizeof(have));
		same = !strcmp(have, f->want);
	}
	if (!same)
		return 0;
	f->handle = m->handle;
	f->found = 1;
	return 1;
}

int atmqtt_modem_find(struct atmqtt_nl *nl, const char *tty, uint32_t *handle)
{
	struct find_ctx f = { .found = 0 };
	int err;

	atmqtt_tty_identify(tty, &f);
	err = atmqtt_modem_list(nl, 0, find_cb, &f);
	if (err < 0)
		return err;
	if (!f.found)
		return -ENODEV;
	*handle = f.handle;
	return 0;
}
