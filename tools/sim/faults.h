/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atmqtt-sim: the faults the control FIFO arms (control.c) and the
 * interpreter and the bridge take, and the final results they bend.
 * Calls only the line.
 */
#ifndef ATMQTT_SIM_FAULTS_H
#define ATMQTT_SIM_FAULTS_H

#include <stdbool.h>

/* What a command of a kind takes (fault_take()); hold before status0. */
enum { FAULT_NONE, FAULT_STATUS0, FAULT_HOLD };
/* "lie": the next +MQTTREAD/+MQTTMSGI lengths. */
enum { LIE_NONE, LIE_LONG, LIE_SHORT, LIE_HUGE, LIE_MSGI, LIE_LOST };
/* What comes with +MQTTBREAK: the manual's 3.3 by default. */
enum { BC_AFTER, BC_BEFORE, BC_NONE };

/*
 * A hostile modem (Documentation/simulator.rst, "A hostile modem"): the
 * one-shot misbehaviours and the modes of the interpreter (the line's own
 * are line_faults).  The control FIFO sets them under out_lock, which
 * the readers of lie, nofinal, early and readcut hold too.
 */
struct hostile {
	bool echo_flip;			/* echo on or off at random */
	bool dup;			/* every result URC twice */
	bool early;			/* result URC before the final result */
	bool mid;			/* a URC inside every query response */
	int lie;			/* next +MQTTREAD/+MQTTMSGI lengths */
	bool nofinal;			/* next command: no final result */
	bool noprompt;			/* next <Datasize>: nothing at all */
	int chatter;			/* 0, 1: lines, 2: bytes, no line end */
	bool readcut;			/* next +MQTTREAD data: half, hang up */
	bool pubcut;			/* next <Datasize> data: hang up */
};
extern struct hostile hostile;

/* Arming, from the control FIFO (main thread). */
void fault_arm(int kind, int fault);	/* FAULT_STATUS0 or FAULT_HOLD */
void fault_delay(int kind, int ms);
void fault_error(long code, bool always);
void fault_cme(long code);
void fault_slowfinal(int ms);
void fault_slowprompt(int ms);
int break_close_of(const char *word);	/* -1: not after/before/none */
void set_break_close(int when);
int break_close(void);			/* main and broker threads */

/* Taking: each returns what was armed and disarms it (main thread). */
int fault_take(int kind, int *delay_ms);
bool fault_take_error(long *code);
bool fault_take_cme(long *code);
int fault_take_slowfinal(void);
int fault_take_slowprompt(void);

/* Final results: "nofinal" swallows one, "early" holds an OK. */
void send_final(const char *res);
void send_ok(int kind);
void send_owed_ok(int kind);

bool chatter(void);

#endif
