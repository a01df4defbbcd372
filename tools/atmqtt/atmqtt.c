// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt: command line tool for the atmqtt line discipline and netlink family.
 * One subcommand, one small handler, one table entry (the style of iw and wg):
 * main() finds the command in cmds[] and runs its handler, declared in
 * cli.h and written in the file of its group (help's is here, beside the
 * table):
 *
 *   attach.c    attach, detach, list, limits (and pidfile.c, attach's pid
 *               files)
 *   client.c    open, close, clients, subs, policy
 *   pubsub.c    sub, unsub, pub, read
 *   settings.c  user, will, conf, openable, closable, test
 *   at.c        at
 *   monitor.c   monitor
 *   version.c   version
 *
 * Shared by the handlers: opt_next() parses the options every command takes
 * (-M MODEM, -c CLIENT, -j, -h/--help) around the command's own ones
 * (options.c); modem_target() connects and picks the modem (modem.c);
 * out_fail() reports a failed request as "atmqtt: <op>: <strerror>:
 * <extack> (modem error <n>)" and the j_*() helpers print one JSON object
 * per line (output.c); attach and sub catch signals with signals.c.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);

/* The commands, in the order of atmqtt help. */
static const struct cmd cmds[] = {
	{ "attach", cmd_attach, 0, "[-f] [-b BAUD] TTY",
	  "Set the atmqtt line discipline on TTY (a path; by-id links resolved)\n"
	  "and hold it open until SIGTERM, SIGINT, SIGHUP or a hangup, then\n"
	  "restore N_TTY.  Daemonizes unless -f, once the modem is attached; the\n"
	  "pid file is /run/atmqtt/<tty name>/attach.pid (root) or\n"
	  "$XDG_RUNTIME_DIR/atmqtt/<tty name>/attach.pid.  One attach per tty.\n"
	  "  -f, --foreground     stay in the foreground\n"
	  "  -b, --baud BAUD      line speed (default 115200)" },
	{ "detach", cmd_detach, 0, "TTY",
	  "Stop the attach process of TTY (checked to be atmqtt attach holding\n"
	  "TTY) and wait until it has restored N_TTY, or, with none, set N_TTY\n"
	  "on TTY directly." },
	{ "list", cmd_list, F_MODEM, "[-M MODEM]",
	  "List the attached modems: state, +MQTTCONF mode and the receive\n"
	  "counters (sequence, drops, stray results, malformed lines, overflows)." },
	{ "limits", cmd_limits, F_MODEM, "[-M MODEM]",
	  "Print each modem's limits, which the kernel enforces: its AT dialect,\n"
	  "clients, the longest host, topic, payload, user name, password and\n"
	  "client identifier (bytes), keepalive (s), QoS, subscriptions tracked\n"
	  "per client, and whether it takes binary payloads and TLS." },
	{ "open", cmd_open, F_MODEM | F_CLIENT,
	  "[-M MODEM] [-c N] -h HOST [-p PORT] [--clean 0|1] [-k SECS]",
	  "Connect a client to a broker (AT+MQTTOPEN); returns on +MQTTOPEN.\n"
	  "  -h, -H, --host HOST  broker host\n"
	  "  -p, --port PORT      broker port (default 1883)\n"
	  "  --clean 0|1          clean session (default 1)\n"
	  "  -k, --keepalive SECS up to the modem's limit (default 60)" },
	{ "close", cmd_close, F_MODEM | F_CLIENT, "[-M MODEM] [-c N]",
	  "Close a client (AT+MQTTCLOSE)." },
	{ "sub", cmd_sub, F_MODEM | F_CLIENT,
	  "[-M MODEM] [-c N] -t TOPIC... [-q QOS] [-C COUNT] [-W SECS] [-v] [-N] [--keep | --no-wait]",
	  "Subscribe (AT+MQTTSUB) and print the messages received on the\n"
	  "topics, like mosquitto_sub: the payload, byte-exact, and a newline.\n"
	  "  -t, --topic TOPIC    topic filter, repeatable (+ and # wildcards)\n"
	  "  -q, --qos QOS        0-2 (default 0)\n"
	  "  -v, --verbose        print \"topic payload\"\n"
	  "  -N, --no-newline     no newline after the payload\n"
	  "  -C, --count N        exit after N messages\n"
	  "  -W, --timeout SECS   fail after SECS seconds\n"
	  "  --keep               stay subscribed when exiting (by default, sub\n"
	  "                       unsubscribes the topics it subscribed on -C, -W,\n"
	  "                       SIGINT, SIGTERM and SIGHUP)\n"
	  "  --no-wait            subscribe and exit (subscribed)" },
	{ "unsub", cmd_unsub, F_MODEM | F_CLIENT, "[-M MODEM] [-c N] -t TOPIC...",
	  "Unsubscribe (AT+MQTTUNSUB).\n"
	  "  -t, --topic TOPIC    topic, repeatable" },
	{ "pub", cmd_pub, F_MODEM | F_CLIENT,
	  "[-M MODEM] [-c N] -t TOPIC (-m MSG | -f FILE | -s | -n) [-q QOS] [-r] [-D]",
	  "Publish a message (AT+MQTTPUB); returns on +MQTTPUB.\n"
	  "  -t, --topic TOPIC    topic\n"
	  "  -m, --message MSG    the payload\n"
	  "  -f, --file FILE      the payload is FILE (binary, up to the modem's limit)\n"
	  "  -s, --stdin-file     the payload is stdin (binary, up to the modem's limit)\n"
	  "  -n, --null-message   an empty payload\n"
	  "  -q, --qos QOS        0-2 (default 0)\n"
	  "  -r, --retain         retain the message\n"
	  "  -D, --datasize       send by <Datasize> even a printable payload\n"
	  "(a payload that is not printable ASCII without '\"' always goes so)" },
	{ "user", cmd_user, F_MODEM | F_CLIENT,
	  "[-M MODEM] [-c N] [-u NAME] [-P PASS] [--id CLIENTID] | [get|--get]",
	  "Set a client's credentials (AT+MQTTUSER, kept by the modem), or\n"
	  "print every client's (AT+MQTTUSER?; passwords need CAP_NET_ADMIN).\n"
	  "  -u, --username NAME  user name (default empty)\n"
	  "  -P, --password PASS  password (default empty)\n"
	  "  --id, --client-id ID MQTT client identifier (default: the IMEI)\n"
	  "  -g, --get, get       query (also without any option)" },
	{ "will", cmd_will, F_MODEM | F_CLIENT,
	  "[-M MODEM] [-c N] -t TOPIC [-m MSG] [-q QOS] [-r] | [get|--get]",
	  "Set a client's will (AT+MQTTWILL), or print every client's.\n"
	  "  -t, --topic TOPIC    will topic\n"
	  "  -m, --message MSG    will payload (printable ASCII without '\"')\n"
	  "  -q, --qos QOS        0-2 (default 0)\n"
	  "  -r, --retain         retain the will\n"
	  "  -g, --get, get       query (also without any option)" },
	{ "conf", cmd_conf, F_MODEM, "[-M MODEM] [0|1]",
	  "Set the modem's +MQTTCONF mode (0: +MQTTMSG, 1: +MQTTMSGI, which the\n"
	  "module reads itself), or print it." },
	{ "openable", cmd_openable, F_MODEM, "[-M MODEM]",
	  "Print the clients that can be opened (AT+MQTTOPEN?), or \"none\"." },
	{ "closable", cmd_closable, F_MODEM, "[-M MODEM]",
	  "Print the clients that can be closed (AT+MQTTCLOSE?), or \"none\"." },
	{ "read", cmd_read, F_MODEM | F_CLIENT, "[-M MODEM] [-c N]",
	  "Read one message kept by the modem (AT+MQTTREAD), or print\n"
	  "\"no message\"." },
	{ "test", cmd_test, F_MODEM,
	  "[-M MODEM] user|open|close|sub|unsub|pub|conf|read|will",
	  "Print the modem's answer to AT+MQTT<X>=? (the supported ranges)." },
	{ "at", cmd_at, F_MODEM, "[-M MODEM] [-T MS] 'AT...'",
	  "Send one raw AT command line (not AT+MQTT...), print the information\n"
	  "lines and the final result; exit 1 unless the final result is OK.\n"
	  "  -T, --timeout MS     final result timeout (default: the module's)" },
	{ "clients", cmd_clients, F_MODEM, "[-M MODEM]",
	  "List the clients as the kernel sees them: state, tracked\n"
	  "subscriptions, reconnect policy and the parameters of the last open." },
	{ "subs", cmd_subs, F_MODEM, "[-M MODEM]",
	  "List the tracked subscriptions (resubscribed on reconnect)." },
	{ "policy", cmd_policy, F_MODEM | F_CLIENT,
	  "[-M MODEM] [-c N] [--reconnect on|off] [--min MS] [--max MS]",
	  "Set a client's reconnect policy: after +MQTTBREAK, reopen and\n"
	  "resubscribe, waiting MIN ms then doubling up to MAX ms.\n"
	  "  --reconnect on|off   turn the policy on or off\n"
	  "  --min MS             first wait, 100-3600000 (default 1000)\n"
	  "  --max MS             longest wait, 100-3600000 (default 60000)" },
	{ "monitor", cmd_monitor, F_MODEM, "[-M MODEM] [-e TYPE[,TYPE...]]",
	  "Print every event, one line each (messages with the payload escaped,\n"
	  "results, breaks, modems, URCs, reconnect steps), and socket overruns.\n"
	  "  -e, --events TYPES   only these: message, break, result, modem, urc,\n"
	  "                       reconnect (the kernel drops the others)" },
	{ "version", cmd_version, 0, "",
	  "Print the version of atmqtt, of the loaded module (or \"not loaded\")\n"
	  "and of the netlink family it speaks." },
	{ "help", cmd_help, 0, "[COMMAND]",
	  "List the commands, or show one's usage." },
};

static void main_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: atmqtt [-j] COMMAND [ARGS]\n\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-9s%s\n", cmds[i].name, cmds[i].usage);
	fprintf(f, "\n-j prints one JSON object per line; "
		"atmqtt COMMAND --help shows a command's options.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	const struct cmd *c;
	int ret = opt_plain(argc, argv, &t, 0, 1);

	if (ret >= 0)
		return ret;
	if (optind == argc) {
		main_usage(stdout);
		return 0;
	}
	c = find_cmd(argv[optind]);
	if (!c)
		return opt_error("unknown command '%s'", argv[optind]);
	opt_help(c);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			out_json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			/* "atmqtt -h" or "atmqtt -h COMMAND", nothing more */
			if (i + 1 == argc) {
				main_usage(stdout);
				return 0;
			}
			opt_cmd = find_cmd(argv[i + 1]);
			if (opt_cmd && i + 2 == argc) {
				opt_help(opt_cmd);
				return 0;
			}
			fprintf(stderr, "atmqtt: %s takes no value but a command name (a broker host is given to 'atmqtt open -h HOST')\n",
				argv[i]);
			main_usage(stderr);
			return EXIT_USAGE;
		} else if (!strcmp(argv[i], "-V") ||
			   !strcmp(argv[i], "--version")) {
			argv[i] = "version";
			break;
		} else {
			fprintf(stderr, "atmqtt: unknown option '%s'\n", argv[i]);
			main_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	opt_cmd = find_cmd(argv[i]);
	if (!opt_cmd) {
		fprintf(stderr, "atmqtt: unknown command '%s' (atmqtt help)\n",
			argv[i]);
		return EXIT_USAGE;
	}
	return opt_cmd->fn(argc - i, argv + i);
}
