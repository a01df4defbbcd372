/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-sim: the AT interpreter, which the main loop feeds and the
 * control FIFO sets.  Calls the broker bridge, the faults and the line.
 */
#ifndef ATMQTT_SIM_AT_H
#define ATMQTT_SIM_AT_H

#include <stdbool.h>
#include <stddef.h>

void at_init(void);			/* the IMEI */
void at_set_echo(bool on);		/* -E, "echo on|off" */
void at_set_muted(bool on);		/* "mute", "unmute" */
void at_input(const char *buf, size_t n);	/* bytes from the host */
bool at_tick(void);			/* "slowprompt", "slowfinal" */

#endif
