// SPDX-License-Identifier: GPL-2.0
/*
 * The dumps: the modems (GET_MODEM), their clients (GET_CLIENT) and the
 * subscriptions the kernel tracks (GET_SUB).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "compat.h"
#include "events.h"
#include "modem.h"
#include "nl.h"

/* The modem a dump's request names (MODEM_ID), 0 for all. */
static u32 atmqtt_dump_only(struct netlink_callback *cb)
{
	struct nlattr **attrs = atmqtt_dumpit_attrs(cb);

	return attrs[ATMQTT_A_MODEM_ID] ?
	       nla_get_u32(attrs[ATMQTT_A_MODEM_ID]) : 0;
}

/* Every dump's start: nothing its command does not take. */
int atmqtt_nl_dump_start(struct netlink_callback *cb)
{
	const struct genlmsghdr *hdr = nlmsg_data(cb->nlh);

	return atmqtt_nl_foreign(hdr->cmd, atmqtt_dumpit_attrs(cb), cb->extack);
}

/* GET_MODEM's do: MODEM_ID required, the modem as the dump has it. */
int atmqtt_nl_get_modem(struct sk_buff *skb, struct genl_info *info)
{
	struct atmqtt_modem *m;
	struct sk_buff *msg;
	int err;

	m = atmqtt_nl_begin(info, false, &err);
	if (!m)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		atmqtt_modem_put(m);
		return -ENOMEM;
	}
	err = atmqtt_fill_modem(msg, m, info->snd_portid, info->snd_seq, 0,
				ATMQTT_CMD_GET_MODEM);
	atmqtt_modem_put(m);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int atmqtt_nl_dump_modems(struct sk_buff *skb,
			  struct netlink_callback *cb)
{
	u32 only = atmqtt_dump_only(cb);
	unsigned long index = cb->args[0];
	struct atmqtt_modem *m;
	int err = 0;

	while ((m = atmqtt_modem_get_next(&index))) {
		if (!only || m->handle == only)
			err = atmqtt_fill_modem(skb, m,
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, NLM_F_MULTI,
						ATMQTT_CMD_GET_MODEM);
		atmqtt_modem_put(m);
		if (err)
			break;
		index++;
	}
	cb->args[0] = index;
	/* A modem too big for an empty skb cannot exist: report the error. */
	return err && !skb->len ? err : skb->len;
}

static int atmqtt_nl_fill_client(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct atmqtt_modem *m,
				 struct atmqtt_client *cl)
{
	/* Where the client connects is for those who could change it. */
	bool admin = netlink_capable(cb->skb, CAP_NET_ADMIN);
	struct nlattr *nest;
	u32 min, max;
	u8 state, reconnect;
	void *hdr;
	int err;

	spin_lock(&m->lock);
	state = cl->state;
	reconnect = cl->reconnect;
	min = cl->reconnect_min_ms;
	max = cl->reconnect_max_ms;
	spin_unlock(&m->lock);

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &atmqtt_family, NLM_F_MULTI, ATMQTT_CMD_GET_CLIENT);
	if (!hdr)
		return -EMSGSIZE;
	err = nla_put_u32(skb, ATMQTT_A_MODEM_ID, m->handle) ||
	      nla_put_u32(skb, ATMQTT_A_CLIENT_ID, cl->id);
	nest = err ? NULL : nla_nest_start(skb, ATMQTT_A_CLIENT);
	mutex_lock(&m->state_mutex);
	err = !nest ||
	      nla_put_u32(skb, ATMQTT_A_CLIENT_STATE, state) ||
	      nla_put_u32(skb, ATMQTT_A_CLIENT_SUB_COUNT, cl->nsubs) ||
	      nla_put_u32(skb, ATMQTT_A_CLIENT_RECONNECT, reconnect) ||
	      nla_put_u32(skb, ATMQTT_A_CLIENT_RECONNECT_MIN_MS, min) ||
	      nla_put_u32(skb, ATMQTT_A_CLIENT_RECONNECT_MAX_MS, max) ||
	      (admin && cl->has_params &&
	       (nla_put_string(skb, ATMQTT_A_CLIENT_HOST, cl->host) ||
		nla_put_u32(skb, ATMQTT_A_CLIENT_PORT, cl->port) ||
		nla_put_u32(skb, ATMQTT_A_CLIENT_CLEAN, cl->clean) ||
		nla_put_u32(skb, ATMQTT_A_CLIENT_KEEPALIVE, cl->keepalive)));
	mutex_unlock(&m->state_mutex);
	if (!err)
		nla_nest_end(skb, nest);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int atmqtt_nl_fill_sub(struct sk_buff *skb, struct netlink_callback *cb,
			      struct atmqtt_modem *m, int client,
			      const struct atmqtt_sub *sub)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &atmqtt_family, NLM_F_MULTI, ATMQTT_CMD_GET_SUB);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, ATMQTT_A_MODEM_ID, m->handle) ||
	    nla_put_u32(skb, ATMQTT_A_CLIENT_ID, client))
		goto fail;
	nest = nla_nest_start(skb, ATMQTT_A_MSG);
	if (!nest ||
	    atmqtt_put_strn(skb, ATMQTT_A_MSG_TOPIC, sub->topic, sub->len) ||
	    nla_put_u32(skb, ATMQTT_A_MSG_QOS, sub->qos))
		goto fail;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
fail:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * One client's part of a dump from position *pos on: the client itself
 * (GET_CLIENT) or its subscriptions (GET_SUB).  *pos counts what was sent.
 */
static int atmqtt_nl_dump_client(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct atmqtt_modem *m,
				 struct atmqtt_client *cl, bool subs,
				 long *pos)
{
	struct atmqtt_sub *sub;
	long i = 0;
	int err = 0;

	if (!subs) {
		if (*pos)
			return 0;
		err = atmqtt_nl_fill_client(skb, cb, m, cl);
		if (!err)
			(*pos)++;
		return err;
	}
	mutex_lock(&m->state_mutex);
	list_for_each_entry(sub, &cl->subs, node) {
		if (i++ < *pos)
			continue;
		err = atmqtt_nl_fill_sub(skb, cb, m, cl->id, sub);
		if (err)
			break;
		(*pos)++;
	}
	mutex_unlock(&m->state_mutex);
	return err;
}

/* GET_CLIENT and GET_SUB: args[0] modem, args[1] client, args[2] position. */
static int atmqtt_nl_dump_clients(struct sk_buff *skb,
				  struct netlink_callback *cb, bool subs)
{
	u32 only = atmqtt_dump_only(cb);
	unsigned long index = cb->args[0];
	struct atmqtt_modem *m;
	int err = 0;

	while ((m = atmqtt_modem_get_next(&index))) {
		if (only && m->handle != only)
			cb->args[1] = m->limits->clients;
		for (; cb->args[1] < m->limits->clients; cb->args[1]++) {
			err = atmqtt_nl_dump_client(skb, cb, m,
						    &m->clients[cb->args[1]],
						    subs, &cb->args[2]);
			if (err)
				break;
			cb->args[2] = 0;
		}
		atmqtt_modem_put(m);
		if (err)
			break;
		cb->args[1] = 0;
		index++;
	}
	cb->args[0] = index;
	return err && !skb->len ? err : skb->len;
}

int atmqtt_nl_dump_client_list(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return atmqtt_nl_dump_clients(skb, cb, false);
}

int atmqtt_nl_dump_sub_list(struct sk_buff *skb,
			    struct netlink_callback *cb)
{
	return atmqtt_nl_dump_clients(skb, cb, true);
}
