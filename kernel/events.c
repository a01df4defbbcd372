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

/*
 * One modem as GET_MODEM and ATMQTT_EVT_MODEM describe it: its handle, tty
 * and state, and its counters.
 */
int atmqtt_fill_modem(struct sk_buff *skb, struct atmqtt_modem *m, u32 portid,
		      u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &atmqtt_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, ATMQTT_A_MODEM, m->handle) ||
	    nla_put_string(skb, ATMQTT_A_TTY, m->tty_name) ||
	    nla_put_u32(skb, ATMQTT_A_TTY_DEV, new_encode_dev(m->tty_dev)) ||
	    nla_put_u8(skb, ATMQTT_A_MODEM_STATE, atmqtt_modem_state(m)) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_SEQ,
			      atomic64_read(&m->rx_seq), ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_DROPS,
			      atomic64_read(&m->rx_drops), ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_STRAY,
			      atomic64_read(&m->rx_stray), ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_MALFORMED,
			      atomic64_read(&m->rx_malformed) +
			      atomic64_read(&m->rx_bad), ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_OVERFLOWS,
			      atomic64_read(&m->rx_overflows),
			      ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RESYNCS,
			      atomic64_read(&m->resyncs), ATMQTT_A_PAD) ||
	    nla_put_u32(skb, ATMQTT_A_MEM_BYTES, atomic_long_read(&m->mem)) ||
	    (READ_ONCE(m->mode) >= 0 &&
	     nla_put_u8(skb, ATMQTT_A_MODE, READ_ONCE(m->mode)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
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
	if (!*hdr || nla_put_u32(skb, ATMQTT_A_MODEM, m->handle)) {
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
			       nla_total_size(sizeof(u32)) +
			       3 * nla_total_size(sizeof(u8)), &hdr);
	if (!skb)
		return;
	if (nla_put_u8(skb, ATMQTT_A_URC, atmqtt_urc_of[it->result]) ||
	    nla_put_u8(skb, ATMQTT_A_CLIENT, it->client) ||
	    nla_put_u8(skb, ATMQTT_A_STATUS, it->status)) {
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
			       nla_total_size(sizeof(u32)) +
			       2 * nla_total_size(sizeof(u8)), &hdr);
	if (!skb)
		return;
	if (nla_put_u8(skb, ATMQTT_A_CLIENT, it->client) ||
	    nla_put_u8(skb, ATMQTT_A_CAUSE, it->cause)) {
		nlmsg_free(skb);
		return;
	}
	atmqtt_event_send(skb, hdr);
}

void atmqtt_event_urc(struct atmqtt_modem *m, const char *line, size_t len)
{
	struct nlattr *attr;
	struct sk_buff *skb;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_URC, len + 64, &hdr);
	if (!skb)
		return;
	attr = nla_reserve(skb, ATMQTT_A_LINE, len + 1);
	if (!attr) {
		nlmsg_free(skb);
		return;
	}
	memcpy(nla_data(attr), line, len);
	((char *)nla_data(attr))[len] = '\0';
	atmqtt_event_send(skb, hdr);
}

void atmqtt_event_reconnect(struct atmqtt_modem *m, int client, int step,
			    u32 attempt, int err, const char *topic,
			    size_t topic_len, u32 delay_ms)
{
	struct nlattr *attr;
	struct sk_buff *skb;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_RECONNECT, topic_len + 128, &hdr);
	if (!skb)
		return;
	if (nla_put_u8(skb, ATMQTT_A_CLIENT, client) ||
	    nla_put_u8(skb, ATMQTT_A_STEP, step) ||
	    nla_put_u32(skb, ATMQTT_A_ATTEMPT, attempt) ||
	    nla_put_s32(skb, ATMQTT_A_ERRNO, err) ||
	    (step == ATMQTT_STEP_WAIT &&
	     nla_put_u32(skb, ATMQTT_A_DELAY_MS, delay_ms)))
		goto fail;
	if (topic) {
		attr = nla_reserve(skb, ATMQTT_A_TOPIC, topic_len + 1);
		if (!attr)
			goto fail;
		memcpy(nla_data(attr), topic, topic_len);
		((char *)nla_data(attr))[topic_len] = '\0';
	}
	atmqtt_event_send(skb, hdr);
	return;
fail:
	nlmsg_free(skb);
}

int atmqtt_event_message(struct atmqtt_modem *m, const struct atp_item *it,
			 u64 seq)
{
	struct sk_buff *skb;
	struct nlattr *topic;
	void *hdr;

	skb = atmqtt_event_new(m, ATMQTT_EVT_MESSAGE,
			       it->topic_len + it->payload_len + 128, &hdr);
	if (!skb)
		return -ENOBUFS;
	topic = nla_reserve(skb, ATMQTT_A_TOPIC, it->topic_len + 1);
	if (!topic ||
	    nla_put_u8(skb, ATMQTT_A_CLIENT, it->client) ||
	    nla_put_u8(skb, ATMQTT_A_QOS, it->qos) ||
	    nla_put(skb, ATMQTT_A_PAYLOAD, it->payload_len, it->payload) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_SEQ, seq, ATMQTT_A_PAD) ||
	    nla_put_u64_64bit(skb, ATMQTT_A_RX_DROPS,
			      atomic64_read(&m->rx_drops), ATMQTT_A_PAD)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	memcpy(nla_data(topic), it->topic, it->topic_len);
	((char *)nla_data(topic))[it->topic_len] = '\0';
	return atmqtt_event_send(skb, hdr);
}
