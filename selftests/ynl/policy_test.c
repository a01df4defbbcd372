// SPDX-License-Identifier: GPL-2.0
/*
 * The family's policy, as the kernel dumps it (CTRL_CMD_GETPOLICY with
 * CTRL_ATTR_FAMILY_NAME, NLM_F_DUMP), against the checks of
 * Documentation/netlink/specs/atmqtt.yaml: every attribute a request takes,
 * with its type, its minimum and maximum (integers) and its lengths
 * (strings, binaries), and no other attribute.  The expected table is
 * generated from the spec at build time (scripts/ynl/policy-expect.py,
 * by scripts/ynl/check.sh), so a change of either side alone fails here.
 * Run in the VM with the module loaded (ynl_test.sh).  KTAP, one test per
 * attribute of the spec and one for the attributes the spec does not have.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/atmqtt.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

struct policy_expect {
	int attr;
	const char *name;
	int type;		/* NL_ATTR_TYPE_* */
	uint64_t min, max;	/* integers */
	uint32_t min_len, max_len;	/* strings, binaries; 0: none */
};

#include "atmqtt-policy-expect.h"

/* What the dump says of one attribute (the same in every policy). */
static struct seen {
	int n;			/* policies that have it */
	int type;
	uint64_t min, max;
	uint32_t min_len, max_len;
	int conflict;
} seen[ATMQTT_A_MAX + 1];
static int unknown, dump_err = 1;

static void one_attr(struct nlattr *a)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1] = { 0 };
	struct seen s = { 0 }, *p;
	struct nlattr *x;
	int rem, type = nla_type(a);

	nla_for_each_nested(x, a, rem)
		if (nla_type(x) <= NL_POLICY_TYPE_ATTR_MAX)
			tb[nla_type(x)] = x;
	if (type <= 0 || type > ATMQTT_A_MAX) {
		unknown++;
		printf("# attribute %d: not the family's\n", type);
		return;
	}
	s.type = tb[NL_POLICY_TYPE_ATTR_TYPE] ?
		 (int)nla_get_u32(tb[NL_POLICY_TYPE_ATTR_TYPE]) : -1;
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U])
		s.min = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
		s.max = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH])
		s.min_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		s.max_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);
	p = &seen[type];
	if (p->n && (p->type != s.type || p->min != s.min ||
		     p->max != s.max || p->min_len != s.min_len ||
		     p->max_len != s.max_len))
		p->conflict = 1;
	s.n = p->n + 1;
	s.conflict = p->conflict;
	*p = s;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *pol, *attr;
	int rem, rem2;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_POLICY])
		return NL_OK;
	/* CTRL_ATTR_POLICY: { policy index: { attribute: { rule } } } */
	nla_for_each_nested(pol, tb[CTRL_ATTR_POLICY], rem)
		nla_for_each_nested(attr, pol, rem2)
			one_attr(attr);
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	dump_err = 0;
	return NL_STOP;
}

static int n, fails;

static void result(int ok, const char *name)
{
	n++;
	fails += !ok;
	printf("%sok %d %s\n", ok ? "" : "not ", n, name);
}

int main(void)
{
	size_t ne = sizeof(policy_expect) / sizeof(policy_expect[0]), i;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = nlmsg_alloc();
	int in_spec[ATMQTT_A_MAX + 1] = { 0 };
	int err = -1, extra = 0, t;

	printf("TAP version 13\n1..%zu\n", ne + 1);
	if (sk && msg && !genl_connect(sk) &&
	    genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			NLM_F_DUMP, CTRL_CMD_GETPOLICY, 1) &&
	    !nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, ATMQTT_GENL_NAME)) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
		nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_done,
				    NULL);
		err = nl_send_auto(sk, msg);
		if (err >= 0)
			err = nl_recvmsgs_default(sk);
	}
	if (err < 0 || dump_err)
		printf("# the policy dump failed: %s\n",
		       err < 0 ? nl_geterror(err) : "no NLMSG_DONE");
	for (i = 0; i < ne; i++) {
		const struct policy_expect *e = &policy_expect[i];
		const struct seen *s = &seen[e->attr];
		int ok = s->n && !s->conflict && s->type == e->type &&
			 s->min == e->min && s->max == e->max &&
			 s->min_len == e->min_len && s->max_len == e->max_len;

		in_spec[e->attr] = 1;
		if (!ok) {
			printf("# %s: spec type %d min %llu max %llu len %u-%u\n",
			       e->name, e->type, (unsigned long long)e->min,
			       (unsigned long long)e->max, e->min_len,
			       e->max_len);
			printf("# %s: kernel%s type %d min %llu max %llu len %u-%u\n",
			       e->name, !s->n ? " (absent)" :
			       s->conflict ? " (differs between policies)" : "",
			       s->type, (unsigned long long)s->min,
			       (unsigned long long)s->max, s->min_len,
			       s->max_len);
		}
		result(ok, e->name);
	}
	for (t = 1; t <= ATMQTT_A_MAX; t++) {
		if (seen[t].n && !in_spec[t]) {
			printf("# attribute %d: in the policy, taken by no request of the spec\n",
			       t);
			extra++;
		}
	}
	result(!extra && !unknown && !err && !dump_err,
	       "no_attribute_outside_the_spec");
	printf("# Totals: pass:%d fail:%d skip:0\n", n - fails, fails);
	nlmsg_free(msg);
	nl_socket_free(sk);
	return fails ? 1 : 0;
}
