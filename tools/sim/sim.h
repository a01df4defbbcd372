/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-sim: the modem's limits and the kinds of result URC, which every
 * part of the simulator shares.  Source layout: Documentation/simulator.rst.
 */
#ifndef ATMQTT_SIM_H
#define ATMQTT_SIM_H

#define CMD_MAX		2048	/* longest command line */
#define NCLIENTS	2
#define TOPIC_MAX	255
#define PAYLOAD_MAX	1024
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The commands with a result URC "+MQTT<name>: <id>,<status>". */
enum { K_OPEN, K_CLOSE, K_SUB, K_UNSUB, K_PUB, K_N };

#endif
