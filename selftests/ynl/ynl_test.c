// SPDX-License-Identifier: GPL-2.0
/*
 * The atmqtt family driven by the C code the kernel's YNL generator makes
 * from Documentation/netlink/specs/atmqtt.yaml (atmqtt-user.c, on
 * tools/net/ynl/lib of linux-source-6.12), not by libatmqtt: it shows that
 * the spec describes the family the module implements.  Run in the VM with
 * one simulated modem attached (ynl_test.sh).  KTAP.
 */
#include <stdio.h>
#include <string.h>

#include <ynl.h>
#include "atmqtt-user.h"

static int n, fails;

static void result(int ok, const char *name, const char *why)
{
	n++;
	if (!ok)
		fails++;
	printf("%sok %d %s%s%s\n", ok ? "" : "not ", n, name,
	       why && !ok ? " # " : "", why && !ok ? why : "");
}

int main(void)
{
	struct atmqtt_cmd_get_modem_req_dump *dreq;
	struct atmqtt_cmd_get_modem_rsp_list *modems;
	struct atmqtt_cmd_get_conf_req *creq;
	struct atmqtt_cmd_get_conf_rsp *conf;
	struct atmqtt_cmd_test_req *treq;
	struct atmqtt_cmd_test_rsp *test;
	struct ynl_error yerr;
	struct ynl_sock *ys;
	__u32 handle = 0;
	int count = 0;

	printf("TAP version 13\n1..3\n");
	ys = ynl_sock_create(&ynl_atmqtt_family, &yerr);
	if (!ys) {
		printf("# %s\n", yerr.msg);
		result(0, "ynl_get_modem_dump", "family not found");
		result(0, "ynl_get_conf", "no socket");
		result(0, "ynl_test_sub", "no socket");
		return 1;
	}

	dreq = atmqtt_cmd_get_modem_req_dump_alloc();
	modems = atmqtt_cmd_get_modem_dump(ys, dreq);
	atmqtt_cmd_get_modem_req_dump_free(dreq);
	if (modems) {
		ynl_dump_foreach(modems, m) {
			printf("# modem %u on %s, state %u, mode %u\n",
			       m->modem, m->tty, m->modem_state, m->mode);
			if (!handle)
				handle = m->modem;
			count++;
		}
		atmqtt_cmd_get_modem_rsp_list_free(modems);
	}
	result(count >= 1, "ynl_get_modem_dump", ys->err.msg);

	creq = atmqtt_cmd_get_conf_req_alloc();
	atmqtt_cmd_get_conf_req_set_modem(creq, handle);
	conf = atmqtt_cmd_get_conf(ys, creq);
	atmqtt_cmd_get_conf_req_free(creq);
	result(conf && conf->_present.mode && conf->mode == 1, "ynl_get_conf",
	       ys->err.msg);
	if (conf)
		atmqtt_cmd_get_conf_rsp_free(conf);

	treq = atmqtt_cmd_test_req_alloc();
	atmqtt_cmd_test_req_set_modem(treq, handle);
	atmqtt_cmd_test_req_set_at_cmd(treq, ATMQTT_AT_SUB);
	test = atmqtt_cmd_test(ys, treq);
	atmqtt_cmd_test_req_free(treq);
	if (test && test->line)
		printf("# AT+MQTTSUB=? -> %s\n", test->line);
	result(test && test->line &&
	       !strncmp(test->line, "+MQTTSUB: (1,2),255", 19), "ynl_test_sub",
	       ys->err.msg);
	if (test)
		atmqtt_cmd_test_rsp_free(test);

	ynl_sock_destroy(ys);
	printf("# Totals: pass:%d fail:%d skip:0\n", n - fails, fails);
	return fails ? 1 : 0;
}
