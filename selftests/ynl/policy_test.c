// SPDX-License-Identifier: GPL-2.0
/*
 * The family's policy, as the kernel dumps it (CTRL_CMD_GETPOLICY with
 * CTRL_ATTR_FAMILY_NAME, NLM_F_DUMP), against the checks of
 * Documentation/netlink/specs/atmqtt.yaml: every attribute a request takes,
 * with its type, its minimum and maximum (integers), its lengths (strings,
 * binaries) or the space it leads to (nests), and no other attribute.
 * The expected table is generated from the spec at build time
 * (scripts/ynl/policy-expect.py, by scripts/ynl/check.sh), so a change of
 * either side alone fails here.
 *
 * Version 2 of the family has nested attribute spaces, which number their
 * attributes from 1 each: the dump gives each policy an index, lists the
 * operations' do and dump policies by index (CTRL_ATTR_OP_POLICY: the top
 * level), and each nest's rule names its nested policy by index
 * (NL_POLICY_TYPE_ATTR_POLICY_IDX).  So the policies are sorted into
 * spaces first, from the top level through the nests the spec expects,
 * and then compared, attribute by attribute, with the spec's rows of that
 * space.  An attribute must say the same in every policy of its space.
 *
 * Run in the VM with the module loaded (ynl_test.sh).  KTAP, one test per
 * attribute of the spec and one for what the spec does not have.
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
	int space;		/* enum policy_space */
	int attr;
	const char *name;
	int type;		/* NL_ATTR_TYPE_* */
	uint64_t min, max;	/* integers */
	uint32_t min_len, max_len;	/* strings, binaries; 0: none */
	int nested;		/* nests: the space it leads to; else -1 */
};

#include "atmqtt-policy-expect.h"

#define MAX_POLICIES	256
#define MAX_TYPE	63

/* One attribute's rule in one policy of the dump. */
struct rule {
	int present;
	int type;
	uint64_t min, max;
	uint32_t min_len, max_len;
	int policy_idx;		/* nests: NL_POLICY_TYPE_ATTR_POLICY_IDX, or -1 */
	int maxtype;
};

static struct rule rules[MAX_POLICIES][MAX_TYPE + 1];
static int policy_seen[MAX_POLICIES];	/* has at least one attribute */
static int top_level[MAX_POLICIES];	/* an operation's do or dump policy */
static int space_of[MAX_POLICIES];	/* enum policy_space, or -1 */
static int bad_index, bad_type, dump_err = 1;

static void one_rule(int idx, struct nlattr *a)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1] = { 0 };
	struct nlattr *x;
	struct rule *r;
	int rem, type = nla_type(a);

	if (idx < 0 || idx >= MAX_POLICIES) {
		bad_index++;
		printf("# policy %d: past this test's table\n", idx);
		return;
	}
	if (type < 0 || type > MAX_TYPE) {
		bad_type++;
		printf("# policy %d, attribute %d: past this test's table\n",
		       idx, type);
		return;
	}
	nla_for_each_nested(x, a, rem)
		if (nla_type(x) <= NL_POLICY_TYPE_ATTR_MAX)
			tb[nla_type(x)] = x;
	r = &rules[idx][type];
	memset(r, 0, sizeof(*r));
	r->present = 1;
	r->policy_idx = -1;
	r->type = tb[NL_POLICY_TYPE_ATTR_TYPE] ?
		  (int)nla_get_u32(tb[NL_POLICY_TYPE_ATTR_TYPE]) : -1;
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U])
		r->min = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
		r->max = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH])
		r->min_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		r->max_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);
	if (tb[NL_POLICY_TYPE_ATTR_POLICY_IDX])
		r->policy_idx = (int)nla_get_u32(tb[NL_POLICY_TYPE_ATTR_POLICY_IDX]);
	if (tb[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE])
		r->maxtype = (int)nla_get_u32(tb[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE]);
	policy_seen[idx] = 1;
}

static void one_op(struct nlattr *op)
{
	struct nlattr *x;
	int rem;

	/* { cmd: { CTRL_ATTR_POLICY_DO: idx, CTRL_ATTR_POLICY_DUMP: idx } } */
	nla_for_each_nested(x, op, rem) {
		int idx;

		if (nla_type(x) != CTRL_ATTR_POLICY_DO &&
		    nla_type(x) != CTRL_ATTR_POLICY_DUMP)
			continue;
		idx = (int)nla_get_u32(x);
		if (idx < 0 || idx >= MAX_POLICIES) {
			bad_index++;
			printf("# command %d: policy %d past this test's table\n",
			       nla_type(op), idx);
			continue;
		}
		top_level[idx] = 1;
	}
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *pol, *attr, *op;
	int rem, rem2;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL))
		return NL_OK;
	if (tb[CTRL_ATTR_OP_POLICY])
		nla_for_each_nested(op, tb[CTRL_ATTR_OP_POLICY], rem)
			one_op(op);
	/* CTRL_ATTR_POLICY: { policy index: { attribute: { rule } } } */
	if (tb[CTRL_ATTR_POLICY])
		nla_for_each_nested(pol, tb[CTRL_ATTR_POLICY], rem)
			nla_for_each_nested(attr, pol, rem2)
				one_rule(nla_type(pol), attr);
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	dump_err = 0;
	return NL_STOP;
}

static const struct policy_expect *expected(int space, int attr)
{
	size_t i;

	for (i = 0; i < sizeof(policy_expect) / sizeof(policy_expect[0]); i++)
		if (policy_expect[i].space == space &&
		    policy_expect[i].attr == attr)
			return &policy_expect[i];
	return NULL;
}

/*
 * Give every policy its space: the top level's are the operations'; a
 * policy a nest leads to is the space the spec's row of that nest says.
 * Returns the number of policies that two nests (or a nest and an
 * operation) give different spaces.
 */
static int sort_policies(void)
{
	int idx, t, changed, conflicts = 0, any_top = 0;

	for (idx = 0; idx < MAX_POLICIES; idx++) {
		space_of[idx] = top_level[idx] ? SPACE_ATTRS : -1;
		any_top |= top_level[idx];
	}
	/* A kernel that lists no operation: policy 0 is the family's. */
	if (!any_top && policy_seen[0])
		space_of[0] = SPACE_ATTRS;
	do {
		changed = 0;
		for (idx = 0; idx < MAX_POLICIES; idx++) {
			if (space_of[idx] < 0)
				continue;
			for (t = 0; t <= MAX_TYPE; t++) {
				const struct rule *r = &rules[idx][t];
				const struct policy_expect *e;
				int to = r->policy_idx;

				e = expected(space_of[idx], t);
				if (!r->present || to < 0 || !e || e->nested < 0)
					continue;
				if (to >= MAX_POLICIES) {
					bad_index++;
					continue;
				}
				if (space_of[to] < 0) {
					space_of[to] = e->nested;
					changed = 1;
				} else if (space_of[to] != e->nested) {
					printf("# policy %d: space %s by %s, and %s\n",
					       to, space_name[e->nested], e->name,
					       space_name[space_of[to]]);
					conflicts++;
				}
			}
		}
	} while (changed);
	return conflicts;
}

/* What the dump says of one attribute of a space, in all its policies. */
struct seen {
	int n;			/* policies that have it */
	int conflict;		/* they differ */
	struct rule r;		/* the last one */
	int nested;		/* nests: the space its policy has, or -1 */
};

static struct seen seen_in(int space, int attr)
{
	struct seen s = { .nested = -1 };
	int idx;

	for (idx = 0; idx < MAX_POLICIES; idx++) {
		const struct rule *r = &rules[idx][attr];
		int nested;

		if (space_of[idx] != space || !r->present)
			continue;
		nested = r->policy_idx >= 0 && r->policy_idx < MAX_POLICIES ?
			 space_of[r->policy_idx] : -1;
		if (s.n && (s.r.type != r->type || s.r.min != r->min ||
			    s.r.max != r->max || s.r.min_len != r->min_len ||
			    s.r.max_len != r->max_len || s.nested != nested))
			s.conflict = 1;
		s.n++;
		s.r = *r;
		s.nested = nested;
	}
	return s;
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
	int err = -1, extra = 0, conflicts, idx, t;

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
	conflicts = sort_policies();
	for (idx = 0; idx < MAX_POLICIES; idx++)
		if (policy_seen[idx] || top_level[idx])
			printf("# policy %d: %s\n", idx, space_of[idx] < 0 ?
			       "reached from no attribute of the spec" :
			       space_name[space_of[idx]]);

	for (i = 0; i < ne; i++) {
		const struct policy_expect *e = &policy_expect[i];
		struct seen s = seen_in(e->space, e->attr);
		int ok = s.n && !s.conflict && s.r.type == e->type &&
			 s.r.min == e->min && s.r.max == e->max &&
			 s.r.min_len == e->min_len &&
			 s.r.max_len == e->max_len && s.nested == e->nested;

		if (!ok) {
			printf("# %s: spec type %d min %llu max %llu len %u-%u nest %s\n",
			       e->name, e->type, (unsigned long long)e->min,
			       (unsigned long long)e->max, e->min_len,
			       e->max_len,
			       e->nested < 0 ? "-" : space_name[e->nested]);
			printf("# %s: kernel%s type %d min %llu max %llu len %u-%u nest %s\n",
			       e->name, !s.n ? " (absent)" :
			       s.conflict ? " (differs between policies)" : "",
			       s.r.type, (unsigned long long)s.r.min,
			       (unsigned long long)s.r.max, s.r.min_len,
			       s.r.max_len,
			       s.nested < 0 ? "-" : space_name[s.nested]);
		}
		result(ok, e->name);
	}

	for (idx = 0; idx < MAX_POLICIES; idx++) {
		int sp = space_of[idx];

		if (!policy_seen[idx])
			continue;
		if (sp < 0) {
			extra++;
			continue;
		}
		for (t = 0; t <= MAX_TYPE; t++) {
			if (!rules[idx][t].present || expected(sp, t))
				continue;
			printf("# policy %d (%s), attribute %d%s: taken by no request of the spec\n",
			       idx, space_name[sp], t,
			       t > space_max[sp] ? ", past the space's maximum" : "");
			extra++;
		}
	}
	result(!extra && !conflicts && !bad_index && !bad_type && !err &&
	       !dump_err, "no_attribute_outside_the_spec");
	printf("# Totals: pass:%d fail:%d skip:0\n", n - fails, fails);
	nlmsg_free(msg);
	nl_socket_free(sk);
	return fails ? 1 : 0;
}
