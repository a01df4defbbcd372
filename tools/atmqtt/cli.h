/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The atmqtt CLI's private header, included by each of its files: the
 * exit statuses, and the headers of the shared files: output.h (JSON and
 * text), options.h (the command line), modem.h (the netlink handle, the
 * target modem, ttys).
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

#endif
