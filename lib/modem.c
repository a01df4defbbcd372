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

struct modem_ctx {
	atmqtt_modem_cb cb;
	void *arg;
	int count;
	int stop;
};

static void reply_modem(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct modem_ctx *ctx = arg;
	struct atmqtt_modem_info m;

	(void)nlh;
	if (ctx->stop || !tb[ATMQTT_A_MODEM])
		return;
	memset(&m, 0, sizeof(m));
	m.handle = nla_get_u32(tb[ATMQTT_A_MODEM]);
	if (tb[ATMQTT_A_TTY])
		aqi_nla_strcpy(m.tty, sizeof(m.tty), tb[ATMQTT_A_TTY]);
	if (tb[ATMQTT_A_MODEM_STATE])
		m.state = nla_get_u8(tb[ATMQTT_A_MODEM_STATE]);
	if (tb[ATMQTT_A_MODE])
		m.mode = nla_get_u8(tb[ATMQTT_A_MODE]);
	if (tb[ATMQTT_A_RX_SEQ])
		m.rx_seq = nla_get_u64(tb[ATMQTT_A_RX_SEQ]);
	if (tb[ATMQTT_A_RX_DROPS])
		m.rx_drops = nla_get_u64(tb[ATMQTT_A_RX_DROPS]);
	if (tb[ATMQTT_A_RX_STRAY])
		m.rx_stray = nla_get_u64(tb[ATMQTT_A_RX_STRAY]);
	if (tb[ATMQTT_A_RX_MALFORMED])
		m.rx_malformed = nla_get_u64(tb[ATMQTT_A_RX_MALFORMED]);
	if (tb[ATMQTT_A_RX_OVERFLOWS])
		m.rx_overflows = nla_get_u64(tb[ATMQTT_A_RX_OVERFLOWS]);
	if (tb[ATMQTT_A_MEM_BYTES])
		m.mem_bytes = nla_get_u32(tb[ATMQTT_A_MEM_BYTES]);
	if (tb[ATMQTT_A_RESYNCS])
		m.resyncs = nla_get_u64(tb[ATMQTT_A_RESYNCS]);
	if (tb[ATMQTT_A_TTY_DEV])
		m.tty_dev = nla_get_u32(tb[ATMQTT_A_TTY_DEV]);
	ctx->count++;
	if (ctx->cb && ctx->cb(&m, ctx->arg))
		ctx->stop = 1;
}

int atmqtt_modem_list(struct atmqtt_nl *nl, uint32_t handle,
		      atmqtt_modem_cb cb, void *arg)
{
	struct modem_ctx ctx = { .cb = cb, .arg = arg };
	struct aqi_req r;
	int err;

	aqi_req_dump(&r, nl, ATMQTT_CMD_GET_MODEM, handle);
	err = aqi_req_send(&r, reply_modem, &ctx);
	return err < 0 ? err : ctx.count;
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
		atmqtt_tty_kname(m->tty, have, sizeof(have));
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
