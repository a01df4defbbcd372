/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The signals that end attach and sub (signals.c): SIGTERM, SIGINT and
 * SIGHUP.  signals_catch() is called first thing; the program then waits
 * with ppoll(wait_mask), which lets them in, and signals_caught says
 * which one came.
 */
#ifndef ATMQTT_SIGNALS_H
#define ATMQTT_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* The signal caught, 0 until one is. */
extern volatile sig_atomic_t signals_caught;

void signals_catch(sigset_t *wait_mask);
/* Has one of them come while blocked? */
bool signals_pending(void);
/* Their default actions again, unblocked. */
void signals_default(void);

#endif
