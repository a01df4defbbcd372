/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The family's events (events.c), sent by the modem and the clients, and
 * the description of a modem they share with the GET_MODEM dump.
 */
#ifndef ATMQTT_EVENTS_H
#define ATMQTT_EVENTS_H

#include <linux/types.h>
#include <net/genetlink.h>

#include "atp.h"
#include "compat.h"

struct atmqtt_modem;

/* Defined with its ops in netlink.c; its group in events.c. */
extern struct genl_family atmqtt_family;
extern const struct genl_multicast_group atmqtt_mcgrps[];
#define ATMQTT_N_MCGRPS	ATMQTT_HAVE_EVENTS

int atmqtt_fill_modem(struct sk_buff *skb, struct atmqtt_modem *m, u32 portid,
		      u32 seq, int flags, u8 cmd);
/* A string of len bytes (no NUL) as a NUL-terminated attribute. */
int atmqtt_put_strn(struct sk_buff *skb, int type, const char *s, size_t len);

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

#endif /* ATMQTT_EVENTS_H */
