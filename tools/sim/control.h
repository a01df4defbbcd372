/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-sim: the control FIFO (-c), one command a line.  It arms the
 * faults and sets the line, the bridge and the interpreter; nothing calls
 * it but the main loop.
 */
#ifndef ATMQTT_SIM_CONTROL_H
#define ATMQTT_SIM_CONTROL_H

int control_open(const char *path);	/* the FIFO's fd; -1, errno set */
void control_read(int fd);		/* run the lines that came */

#endif
