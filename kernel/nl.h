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

/* The last of enum atmqtt_at, which has no _MAX. */
#define ATMQTT_AT_LAST	ATMQTT_AT_WILL

extern const struct nla_policy atmqtt_policy[ATMQTT_A_MAX + 1];
extern const struct nla_policy atmqtt_client_nl_policy[ATMQTT_A_CLIENT_MAX + 1];
extern const struct nla_policy atmqtt_user_nl_policy[ATMQTT_A_USER_MAX + 1];
extern const struct nla_policy atmqtt_msg_nl_policy[ATMQTT_A_MSG_MAX + 1];

/*
 * A required attribute is missing: -EINVAL, "<ATTR NAME>: required", and
 * its type and nest (NULL: the top level) in the extended ack.
 */
#define ATMQTT_MISSING(extack, nest, type) ({				\
	struct netlink_ext_ack *__atmqtt_ack = (extack);			\
									\
	NL_SET_ERR_MSG(__atmqtt_ack, #type ": required");			\
	NL_SET_ERR_ATTR_MISS(__atmqtt_ack, nest, type);			\
	-EINVAL;							\
})

bool atmqtt_all_quotable(const u8 *s, int len);
int atmqtt_nla_strlen(const struct nlattr *attr);
u32 atmqtt_get_u32(const struct nlattr *attr, u32 def);
const char *atmqtt_nla_str(const struct nlattr *attr, int *len);
int atmqtt_nl_nest(struct genl_info *info, int type, struct nlattr **tb,
		   int maxtype, const struct nla_policy *policy);
int atmqtt_limit(struct netlink_ext_ack *extack, const struct nlattr *attr,
		 u32 v, u32 lo, u32 hi, const char *msg);
int atmqtt_nl_str(struct netlink_ext_ack *extack, const struct nlattr *attr,
		  u32 lo, u32 hi, const char *msg);

/* The request's modem, referenced (and its CLIENT_ID checked when client):
 * NULL, with *err and the extack set, when a required attribute is missing,
 * there is no such modem or the client is past its count.
 */
int atmqtt_nl_foreign(u8 cmd, struct nlattr **attrs,
		      struct netlink_ext_ack *extack);
int atmqtt_nl_dump_start(struct netlink_callback *cb);
struct atmqtt_modem *atmqtt_nl_begin(struct genl_info *info, bool client,
				     int *err);

/* Adds a reply's attributes after MODEM_ID and CLIENT_ID. */
typedef int (*atmqtt_fill_t)(struct sk_buff *skb, struct genl_info *info,
			     struct atmqtt_modem *m, struct atmqtt_req *c,
			     void *arg);
int atmqtt_nl_answer(struct genl_info *info, struct atmqtt_modem *m,
		     int client, struct atmqtt_req *c, int err, size_t size,
		     atmqtt_fill_t fill, void *arg);

/* query.c */
/* GET_USER, GET_WILL, GET_CONF, GET_OPENABLE, GET_CLOSABLE */
int atmqtt_nl_get(struct sk_buff *skb, struct genl_info *info);
int atmqtt_nl_test(struct sk_buff *skb, struct genl_info *info);
int atmqtt_nl_raw(struct sk_buff *skb, struct genl_info *info);

/* dump.c */
int atmqtt_nl_get_modem(struct sk_buff *skb, struct genl_info *info);
int atmqtt_nl_dump_modems(struct sk_buff *skb, struct netlink_callback *cb);
int atmqtt_nl_dump_client_list(struct sk_buff *skb,
			       struct netlink_callback *cb);
int atmqtt_nl_dump_sub_list(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* ATMQTT_NL_H */
