/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ATMQTT_NETLINK_H
#define ATMQTT_NETLINK_H

#include <linux/netlink.h>

#include "atp.h"

struct atmqtt_modem;

/*
 * NL_SET_ERR_MSG() wants a string literal; atmqtt's messages come from tables
 * of static strings that name the attribute and the rule.
 */
static inline void atmqtt_extack(struct netlink_ext_ack *extack,
				 const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

int atmqtt_genl_init(void);
void atmqtt_genl_exit(void);

void atmqtt_event_modem(struct atmqtt_modem *m);
void atmqtt_event_result(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_event_break(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_event_urc(struct atmqtt_modem *m, const char *line, size_t len);
void atmqtt_event_reconnect(struct atmqtt_modem *m, int client, int step,
			    u32 attempt, int err, const char *topic,
			    size_t topic_len, u32 delay_ms);
/* Returns 0 when at least one listener got the message. */
int atmqtt_event_message(struct atmqtt_modem *m, const struct atp_item *it,
			 u64 seq);

#endif /* ATMQTT_NETLINK_H */
