/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the family: what policy.c gives every request handler, and the
 * handlers of query.c and dump.c that netlink.c's operations table names.
 */
#ifndef ATMQTT_NL_H
#define ATMQTT_NL_H

#include <net/genetlink.h>

struct atmqtt_modem;
struct atmqtt_req;

/* The rule of every string that goes between quotes, for messages. */
#define ATMQTT_QUOTED " printable ASCII characters without '\"'"

extern const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1];

bool atmqtt_all_quotable(const u8 *s, int len);
int atmqtt_nla_strlen(const struct nlattr *attr);
int atmqtt_require(struct genl_info *info, const u16 *types, int n);
u8 atmqtt_get_u8(struct genl_info *info, int type, u8 def);
const char *atmqtt_nla_str(struct genl_info *info, int type, int *len);

/* The request's modem, referenced: NULL, with *err and the extack set,
 * when a required attribute is missing or there is no such modem.
 */
struct atmqtt_modem *atmqtt_nl_modem(struct genl_info *info);
struct atmqtt_modem *atmqtt_nl_begin(struct genl_info *info,
				     const u16 *req, int n, int *err);

/* Adds a reply's attributes after MODEM and CLIENT. */
typedef int (*atmqtt_fill_t)(struct sk_buff *skb, struct genl_info *info,
			     struct atmqtt_modem *m, struct atmqtt_req *c,
			     void *arg);
int atmqtt_nl_answer(struct genl_info *info, struct atmqtt_modem *m,
		     int client, struct atmqtt_req *c, int err, size_t size,
		     atmqtt_fill_t fill, void *arg);
int atmqtt_fill_status(struct sk_buff *skb, struct genl_info *info,
		       struct atmqtt_modem *m, struct atmqtt_req *c, void *arg);

/* query.c */
/* GET_USER, GET_WILL, GET_CONF, GET_OPENABLE, GET_CLOSABLE */
int atmqtt_nl_get(struct sk_buff *skb, struct genl_info *info);
int atmqtt_nl_test(struct sk_buff *skb, struct genl_info *info);
int atmqtt_nl_raw(struct sk_buff *skb, struct genl_info *info);

/* dump.c */
int atmqtt_nl_dump_modems(struct sk_buff *skb, struct netlink_callback *cb);
int atmqtt_nl_dump_client_list(struct sk_buff *skb,
			       struct netlink_callback *cb);
int atmqtt_nl_dump_sub_list(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* ATMQTT_NL_H */
