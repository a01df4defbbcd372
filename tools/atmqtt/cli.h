/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The atmqtt CLI's private header, included by each of its files: the
 * exit statuses, the commands, and the headers of the shared files:
 * output.h (JSON and text), options.h (the command line) and modem.h (the
 * netlink handle, the target modem, ttys).
 */
#ifndef ATMQTT_CLI_H
#define ATMQTT_CLI_H

#include "atmqtt.h"
#include "output.h"
#include "options.h"
#include "modem.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The commands of the table in atmqtt.c: each is given its arguments from
 * its name on, and returns the exit status.
 */
/* attach.c */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_limits(int argc, char **argv);
/* client.c */
int cmd_open(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_clients(int argc, char **argv);
int cmd_subs(int argc, char **argv);
int cmd_policy(int argc, char **argv);
/* pubsub.c */
int cmd_sub(int argc, char **argv);
int cmd_unsub(int argc, char **argv);
int cmd_pub(int argc, char **argv);
int cmd_read(int argc, char **argv);
/* settings.c */
int cmd_user(int argc, char **argv);
int cmd_will(int argc, char **argv);
int cmd_conf(int argc, char **argv);
int cmd_openable(int argc, char **argv);
int cmd_closable(int argc, char **argv);
int cmd_test(int argc, char **argv);
/* at.c */
int cmd_at(int argc, char **argv);
/* monitor.c */
int cmd_monitor(int argc, char **argv);
/* version.c */
int cmd_version(int argc, char **argv);

#endif
