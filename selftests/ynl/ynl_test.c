// SPDX-License-Identifier: GPL-2.0
/*
 * The atmqtt family, version 2, driven by the C code the kernel's YNL
 * generator makes from Documentation/netlink/specs/atmqtt.yaml
 * (atmqtt-user.c, on tools/net/ynl/lib of linux-source-6.12), not by
 * libatmqtt: it shows that the spec describes the family the module
 * implements, nests included.  Run in the VM with one simulated NL668
 * attached (ynl_test.sh).  KTAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ynl.h>
#include "atmqtt-user.h"
#include <errno.h>

#define TESTS 7

static int n, fails;

static void result(int ok, const char *name, const char *why)
{
	n++;
	if (!ok)
		fails++;
	printf("%sok %d %s%s%s\n", ok ? "" : "not ", n, name,
	       why && !ok ? " # " : "", why && !ok ? why : "");
}

/* The Fibocom NL668's limits, as GET_MODEM reports them in MODEM_LIMITS. */
static int nl668_limits(const struct atmqtt_limits *l)
{
	return l->_present.clients && l->clients == 2 &&
	       l->_present.host && l->host == 255 &&
	       l->_present.topic && l->topic == 255 &&
	       l->_present.payload && l->payload == 1024 &&
	       l->_present.user_name && l->user_name == 128 &&
	       l->_present.password && l->password == 128 &&
	       l->_present.client_ident && l->client_ident == 23 &&
	       l->_present.keepalive && l->keepalive == 300 &&
	       l->_present.qos && l->qos == 2 &&
	       l->_present.subs && l->subs == 128 &&
	       l->_present.binary && !l->_present.tls;
}

/* One malloc()ed client id: the generated setter takes the array. */
static __u32 *one_client_id(__u32 id)
{
	__u32 *p = malloc(sizeof(*p));

	if (p)
		*p = id;
	return p;
}

int main(void)
{
	struct atmqtt_get_modem_req_dump *dreq;
	struct atmqtt_get_modem_list *modems;
	struct atmqtt_get_modem_req *mreq;
	struct atmqtt_get_modem_rsp *modem;
	struct atmqtt_get_conf_req *creq;
	struct atmqtt_get_conf_rsp *conf;
	struct atmqtt_test_req *treq;
	struct atmqtt_test_rsp *test;
	struct atmqtt_close_req *clreq;
	struct atmqtt_close_rsp *closed;
	struct ynl_error yerr;
	struct ynl_sock *ys;
	int count = 0, limits_ok = 0, nested_ok = 0;
	__u32 id = 0, *cid;

	printf("TAP version 13\n1..%d\n", TESTS);
	ys = ynl_sock_create(&ynl_atmqtt_family, &yerr);
	if (!ys) {
		printf("# %s\n", yerr.msg);
		while (n < TESTS)
			result(0, "ynl_sock_create", "family not found");
		return 1;
	}

	/* GET_MODEM dump: MODEM_ID, MODEM { ..., STATS {}, LIMITS {} } */
	dreq = atmqtt_get_modem_req_dump_alloc();
	modems = atmqtt_get_modem_dump(ys, dreq);
	atmqtt_get_modem_req_dump_free(dreq);
	if (modems) {
		ynl_dump_foreach(modems, m) {
			const struct atmqtt_modem *md = &m->modem;

			printf("# modem %u on %s (%s), state %u, mode %u, limits: clients %u topic %u payload %u\n",
			       m->modem_id, md->tty ? md->tty : "?",
			       md->dialect ? md->dialect : "?", md->state,
			       md->mode, md->limits.clients, md->limits.topic,
			       md->limits.payload);
			if (!count) {
				id = m->modem_id;
				nested_ok = m->_present.modem_id &&
					    m->_present.modem &&
					    md->tty && md->_present.tty_dev &&
					    md->_present.state &&
					    md->_present.stats &&
					    md->stats._present.rx_seq &&
					    md->_present.limits;
				limits_ok = md->_present.limits &&
					    nl668_limits(&md->limits) &&
					    md->dialect &&
					    !strcmp(md->dialect, "fibocom");
			}
			count++;
		}
		atmqtt_get_modem_list_free(modems);
	}
	result(count >= 1 && nested_ok, "ynl_get_modem_dump", ys->err.msg);
	result(limits_ok, "ynl_get_modem_limits_nl668",
	       "MODEM_LIMITS or MODEM_DIALECT are not the NL668's");

	/* GET_MODEM do, MODEM_ID required. */
	mreq = atmqtt_get_modem_req_alloc();
	atmqtt_get_modem_req_set_modem_id(mreq, id);
	modem = atmqtt_get_modem(ys, mreq);
	atmqtt_get_modem_req_free(mreq);
	result(modem && modem->_present.modem_id && modem->modem_id == id &&
	       modem->_present.modem && modem->modem._present.limits &&
	       nl668_limits(&modem->modem.limits), "ynl_get_modem_do",
	       ys->err.msg);
	if (modem)
		atmqtt_get_modem_rsp_free(modem);

	creq = atmqtt_get_conf_req_alloc();
	atmqtt_get_conf_req_set_modem_id(creq, id);
	conf = atmqtt_get_conf(ys, creq);
	atmqtt_get_conf_req_free(creq);
	result(conf && conf->_present.mode && conf->mode == 1, "ynl_get_conf",
	       ys->err.msg);
	if (conf)
		atmqtt_get_conf_rsp_free(conf);

	treq = atmqtt_test_req_alloc();
	atmqtt_test_req_set_modem_id(treq, id);
	atmqtt_test_req_set_at_cmd(treq, ATMQTT_AT_SUB);
	test = atmqtt_test(ys, treq);
	atmqtt_test_req_free(treq);
	if (test && test->line)
		printf("# AT+MQTTSUB=? -> %s\n", test->line);
	result(test && test->line &&
	       !strncmp(test->line, "+MQTTSUB: (1,2),255", 19), "ynl_test_sub",
	       ys->err.msg);
	if (test)
		atmqtt_test_rsp_free(test);

	/*
	 * A refusal by the modem's limit: client 3 is inside the policy
	 * (1-255) but past the NL668's LIMITS_CLIENTS, so -ERANGE with the
	 * family's message, before any AT command.
	 */
	clreq = atmqtt_close_req_alloc();
	atmqtt_close_req_set_modem_id(clreq, id);
	cid = one_client_id(3);
	if (cid)
		__atmqtt_close_req_set_client_id(clreq, cid, 1);
	closed = atmqtt_close(ys, clreq);
	atmqtt_close_req_free(clreq);
	printf("# close client 3: %s\n", closed ? "answered" : ys->err.msg);
	result(!closed && (int)ys->err.code == ERANGE &&
	       strstr(ys->err.msg, "ATMQTT_A_CLIENT_ID: this modem takes 1-2"),
	       "ynl_refuse_client_past_limit", "not -ERANGE with the limit");
	if (closed)
		atmqtt_close_rsp_free(closed);

	/* A modem that is not there: -ENODEV. */
	mreq = atmqtt_get_modem_req_alloc();
	atmqtt_get_modem_req_set_modem_id(mreq, 0xffffffff);
	modem = atmqtt_get_modem(ys, mreq);
	atmqtt_get_modem_req_free(mreq);
	printf("# get-modem 4294967295: %s\n",
	       modem ? "answered" : ys->err.msg);
	result(!modem && (int)ys->err.code == ENODEV, "ynl_refuse_no_modem",
	       "not -ENODEV");
	if (modem)
		atmqtt_get_modem_rsp_free(modem);

	ynl_sock_destroy(ys);
	printf("# Totals: pass:%d fail:%d skip:0\n", n - fails, fails);
	return fails ? 1 : 0;
}
