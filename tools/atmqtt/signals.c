// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The signals that end attach and sub (SIGTERM, SIGINT, SIGHUP): caught,
 * and let in only while the program waits.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"
#include "signals.h"

static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };

volatile sig_atomic_t signals_caught;

static void on_signal(int sig)
{
	signals_caught = sig;
}

/*
 * SIGTERM, SIGINT and SIGHUP: caught, and held back (blocked) but while
 * the program waits with ppoll(wait_mask).  Installed first thing, a
 * signal sent while the program sets things up is taken at the wait, not
 * lost and not fatal halfway.
 */
void signals_catch(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t set;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART */
	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &set, wait_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigdelset(wait_mask, sigs[i]);
}

/* Is one of the caught signals waiting? */
bool signals_pending(void)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, SIGTERM) || sigismember(&set, SIGINT) ||
	       sigismember(&set, SIGHUP);
}

/* After the first signal, the default: a second one ends sub at once. */
void signals_default(void)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		signal(sigs[i], SIG_DFL);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}
