// SPDX-License-Identifier: GPL-2.0
/*
 * The events of the atmqtt family, multicast to its group "events": below
 * the clients and the modem, which send them, and the netlink ops, which
 * share the modem's description with the GET_MODEM dump.  Calls run one
 * way: netlink.c -> client.c -> modem.c -> events.c.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "events.h"
#include "modem.h"

/* One group, "events", joined with CAP_NET_ADMIN only (compat.h). */
const struct genl_multicast_group atmqtt_mcgrps[] = {
	ATMQTT_MCGRPS
};

int atmqtt_put_strn(struct sk_buff *skb, int type, const char *s, size_t len)
{
	struct nlattr *attr = nla_reserve(skb, type, len + 1);

	if (!attr)
		return -EMSGSIZE;
	memcpy(nla_data(attr), s, len);
	((char *)nla_data(attr))[len] = '\0';
	return 0;
}

/* ATMQTT_A_MODEM_STATS: the modem's counters. */
static int atmqtt_put_stats(struct sk_buff *skb, struct atmqtt_modem *m)
{
	struct nlattr *nest = nla_nest_start(skb, ATMQTT_A_MODEM_STATS);

	if (!nest ||
	    nla_put_u64_64bit(skb, ATMQTT_A_STATS_RX_SEQ,
			      atomic64_read(&m->rx_seq), ATMQTT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_STATS_RX_DROPS,
			      atomic64_read(&m->rx_drops), ATMQTT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_STATS_RX_STRAY,
			      atomic64_read(&m->rx_stray), ATMQTT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_STATS_RX_MALFORMED,
			      atomic64_read(&m->rx_malformed) +
			      atomic64_read(&m->rx_bad), ATMQTT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_STATS_RX_OVERFLOWS,
			      atomic64_read(&m->rx_overflows),
			      ATMQTT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_STATS_RESYNCS,
			      atomic64_read(&m->resyncs), ATMQTT_A_STATS_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* ATMQTT_A_MODEM_LIMITS: what the modem's dialect takes. */
static int atmqtt_put_limits(struct sk_buff *skb, struct atmqtt_modem *m)
{
	const struct atmqtt_limits *lim = m->limits;
	struct nlattr *nest = nla_nest_start(skb, ATMQTT_A_MODEM_LIMITS);

	if (!nest ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_CLIENTS, lim->clients) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_HOST, lim->host) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_TOPIC, lim->topic) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_PAYLOAD, lim->payload) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_USER_NAME, lim->user_name) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_PASSWORD, lim->password) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_CLIENT_IDENT, lim->client_ident) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_KEEPALIVE, lim->keepalive) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_QOS, lim->qos) ||
	    nla_put_u32(skb, ATMQTT_A_LIMITS_SUBS, lim->subs) ||
	    (lim->binary && nla_put_flag(skb, ATMQTT_A_LIMITS_BINARY)) ||
	    (lim->tls && nla_put_flag(skb, ATMQTT_A_LIMITS_TLS)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One modem as GET_MODEM and ATMQTT_EVT_MODEM describe it: MODEM_ID and
 * MODEM { TTY, TTY_DEV, STATE, MODE (once known), MEM_BYTES, DIALECT,
 * STATS, LIMITS }.
 */
int atmqtt_fill_modem(struct sk_buff *skb, struct atmqtt_modem *m, u32 portid,
		      u32 seq, int flags, u8 cmd)
{
	int mode = READ_ONCE(m->mode);
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &atmqtt_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, ATMQTT_A_MODEM_ID, m->handle))
		goto fail;
	nest = nla_nest_start(skb, ATMQTT_A_MODEM);
	if (!nest ||
	    nla_put_string(skb, ATMQTT_A_MODEM_TTY, m->tty_name) ||
	    nla_put_u32(skb, ATMQTT_A_MODEM_TTY_DEV,
			new_encode_dev(m->tty_dev)) ||
	    nla_put_u32(skb, ATMQTT_A_MODEM_STATE, atmqtt_modem_state(m)) ||
	    (mode >= 0 && nla_put_u32(skb, ATMQTT_A_MODEM_MODE, mode)) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_MODEM_MEM_BYTES,
			      atomic_long_read(&m->mem), ATMQTT_A_MODEM_PAD) ||
	    nla_put_string(skb, ATMQTT_A_MODEM_DIALECT, m->dialect->name) ||
	    atmqtt_put_stats(skb, m) || atmqtt_put_limits(skb, m))
		goto fail;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
fail:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Events go only to listeners with CAP_NET_ADMIN: on a kernel that cannot
 * ask it of those who join, the family has no group (compat.h).
 */
static bool atmqtt_listened(void)
{
	return ATMQTT_N_MCGRPS &&
	       genl_has_listeners(&atmqtt_family, &init_net, 0) > 0;
}

static struct sk_buff *atmqtt_event_new(struct atmqtt_modem *m, u8 cmd,
					size_t size, void **hdr)
{
	struct sk_buff *skb;

	if (!atmqtt_listened())
		return NULL;
	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &atmqtt_family, 0, cmd);
	if (!*hdr || nla_put_u32(skb, ATMQTT_A_MODEM_ID, m->handle)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int atmqtt_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	return genlmsg_multicast(&atmqtt_family, skb, 0, 0, GFP_KERNEL);
}

void atmqtt_event_modem(struct atmqtt_modem *m)
{
	struct sk_buff *skb;

	if (!atmqtt_listened())
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (atmqtt_fill_modem(skb, m, 0, 0, 0, ATMQTT_EVT_MODEM)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&atmqtt_family, skb, 0, 0, GFP_KERNEL);
}

static const u8 atmqtt_urc_of[] = {
	[ATP_R_OPEN] = ATMQTT_URC_OPEN,
	[ATP_R_CLOSE] = ATMQTT_URC_CLOSE,
	[ATP_R_SUB] = ATMQTT_URC_SUB,
	[ATP_R_PUB] = ATMQTT_URC_PUB,
	[ATP_R_UNSUB] = ATMQTT_URC_UNSUB,
};

void atmqtt_event_result(struct atmqtt_modem *m, const struct atp_item *it)
{
	struct sk_buff *skb;
	void *hdr;

	/* Sized to fit: netlink_broadcast() would copy a mostly empty skb
	 * into a smaller one (netlink_trim()) on every result URC.
	 */
	skb = atmqtt_event_new(m, ATMQTT_EVT_RESULT,
			       4 * nla_total_size(sizeof(u32)), &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, ATMQTT_A_CLIENT_ID, it->client) ||
	    nla_put_u32(skb, ATMQTT_A_URC, atmqtt_urc_of[it->result]) ||
	    nla_put_u32(skb, ATMQTT_A_STATUS, it->status)) {
		nlmsg_free(skb);
		return;
	}
	atmqtt_event_send(skb, hdr);
}

void atmqtt_event_break(struct atmqtt_modem *m, const struct atp_item *it)
{
	struct sk_buff *skb;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_BREAK,
			       3 * nla_total_size(sizeof(u32)), &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, ATMQTT_A_CLIENT_ID, it->client) ||
	    nla_put_u32(skb, ATMQTT_A_CAUSE, it->cause)) {
		nlmsg_free(skb);
		return;
	}
	atmqtt_event_send(skb, hdr);
}

void atmqtt_event_urc(struct atmqtt_modem *m, const char *line, size_t len)
{
	struct sk_buff *skb;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_URC, len + 64, &hdr);
	if (!skb)
		return;
	if (atmqtt_put_strn(skb, ATMQTT_A_LINE, line, len)) {
		nlmsg_free(skb);
		return;
	}
	atmqtt_event_send(skb, hdr);
}

/*
 * CLIENT_ID, RECONNECT { STEP, ATTEMPT, RESULT (OPEN, SUB, and a STOP for a
 * reason), TOPIC (SUB), DELAY_MS (WAIT) }.
 */
void atmqtt_event_reconnect(struct atmqtt_modem *m, int client, int step,
			    u32 attempt, int err, const char *topic,
			    size_t topic_len, u32 delay_ms)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_RECONNECT, topic_len + 128, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, ATMQTT_A_CLIENT_ID, client))
		goto fail;
	nest = nla_nest_start(skb, ATMQTT_A_RECONNECT);
	if (!nest ||
	    nla_put_u32(skb, ATMQTT_A_RECONNECT_STEP, step) ||
	    nla_put_u32(skb, ATMQTT_A_RECONNECT_ATTEMPT, attempt) ||
	    ((step == ATMQTT_STEP_OPEN || step == ATMQTT_STEP_SUB || err) &&
	     nla_put_s32(skb, ATMQTT_A_RECONNECT_RESULT, err)) ||
	    (topic && atmqtt_put_strn(skb, ATMQTT_A_RECONNECT_TOPIC, topic,
				      topic_len)) ||
	    (step == ATMQTT_STEP_WAIT &&
	     nla_put_u32(skb, ATMQTT_A_RECONNECT_DELAY_MS, delay_ms)))
		goto fail;
	nla_nest_end(skb, nest);
	atmqtt_event_send(skb, hdr);
	return;
fail:
	nlmsg_free(skb);
}

/*
 * CLIENT_ID, MSG { TOPIC, QOS, PAYLOAD, SEQ, DROPS[, TRUNCATED] }.
 * Returns 0 when at least one listener got it.
 */
int atmqtt_event_message(struct atmqtt_modem *m, const struct atp_item *it,
			 u64 seq)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_MESSAGE,
			       it->topic_len + it->payload_len + 128, &hdr);
	if (!skb)
		return -ENOBUFS;
	if (nla_put_u32(skb, ATMQTT_A_CLIENT_ID, it->client))
		goto fail;
	nest = nla_nest_start(skb, ATMQTT_A_MSG);
	if (!nest ||
	    atmqtt_put_strn(skb, ATMQTT_A_MSG_TOPIC, it->topic,
			    it->topic_len) ||
	    nla_put_u32(skb, ATMQTT_A_MSG_QOS, it->qos) ||
	    nla_put(skb, ATMQTT_A_MSG_PAYLOAD, it->payload_len, it->payload) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_MSG_SEQ, seq, ATMQTT_A_MSG_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_MSG_DROPS,
			      atomic64_read(&m->rx_drops), ATMQTT_A_MSG_PAD) ||
	    (it->truncated && nla_put_flag(skb, ATMQTT_A_MSG_TRUNCATED)))
		goto fail;
	nla_nest_end(skb, nest);
	return atmqtt_event_send(skb, hdr);
fail:
	nlmsg_free(skb);
	return -EMSGSIZE;
}
