// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: fault injection.  What the control FIFO armed (control.c)
 * for the next command of a kind, the next line, or every line, until the
 * AT interpreter or the broker bridge takes it; and the final results,
 * which "nofinal" and "early" bend.  Documentation/simulator.rst, "Fault
 * injection" and "A hostile modem", lists them all.
 */
#include <stdatomic.h>
#include <string.h>

#include "sim.h"
#include "line.h"
#include "faults.h"

struct hostile hostile;

/* For the next command of a kind (main thread). */
static struct armed {
	bool status0, hold;
	int delay_ms;
} fault[K_N];
static bool inject_error, inject_error_always, inject_cme;
static long inject_error_code, inject_cme_code;
static int slowfinal_ms, slowprompt_ms;

static atomic_int break_close_when = BC_AFTER;	/* main and broker threads */
static const char *const break_closes[] = {
	[BC_AFTER] = "after", [BC_BEFORE] = "before", [BC_NONE] = "none",
};

static bool ok_owed[K_N];		/* hostile.early: OK after the URC */

int break_close_of(const char *word)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(break_closes); i++)
		if (!strcmp(word, break_closes[i]))
			return i;
	return -1;
}

void set_break_close(int when)
{
	atomic_store(&break_close_when, when);
}

int break_close(void)
{
	return atomic_load(&break_close_when);
}

void fault_arm(int kind, int what)
{
	if (what == FAULT_HOLD)
		fault[kind].hold = true;
	else
		fault[kind].status0 = true;
}

void fault_delay(int kind, int ms)
{
	fault[kind].delay_ms = ms;
}

void fault_error(long code, bool always)
{
	inject_error = code != 0;
	inject_error_always = always;
	inject_error_code = code;
}

void fault_cme(long code)
{
	inject_cme = true;
	inject_cme_code = code;
}

void fault_slowfinal(int ms)
{
	slowfinal_ms = ms;
}

void fault_slowprompt(int ms)
{
	slowprompt_ms = ms;
}

/*
 * A command of this kind passed its checks: the fault injected for it (hold
 * before status0), and the "delay" for its result URC.
 */
int fault_take(int kind, int *delay_ms)
{
	int f = FAULT_NONE;

	if (fault[kind].hold) {
		fault[kind].hold = false;
		f = FAULT_HOLD;
	} else if (fault[kind].status0) {
		fault[kind].status0 = false;
		f = FAULT_STATUS0;
	}
	*delay_ms = fault[kind].delay_ms;
	fault[kind].delay_ms = 0;
	return f;
}

/* "error <n>": ERROR: <n> for the set form of an MQTT command. */
bool fault_take_error(long *code)
{
	if (!inject_error)
		return false;
	inject_error = inject_error_always;
	*code = inject_error_code;
	return true;
}

/* "cme <n>": +CME ERROR: <n> for the next command line. */
bool fault_take_cme(long *code)
{
	if (!inject_cme)
		return false;
	inject_cme = false;
	*code = inject_cme_code;
	return true;
}

int fault_take_slowfinal(void)
{
	int ms = slowfinal_ms;

	slowfinal_ms = 0;
	return ms;
}

int fault_take_slowprompt(void)
{
	int ms = slowprompt_ms;

	slowprompt_ms = 0;
	return ms;
}

/* A final result, unless "nofinal" swallows it. */
void send_final(const char *res)
{
	out_lock();
	if (hostile.nofinal) {
		hostile.nofinal = false;
		res = NULL;
	}
	if (res)
		send_line_locked(res, strlen(res));
	out_unlock();
}

/* The OK of a command with a result URC; with "early" after the URC. */
void send_ok(int kind)
{
	out_lock();
	if (hostile.early) {
		ok_owed[kind] = true;
		out_unlock();
		return;
	}
	out_unlock();
	send_final("OK");
}

/* After a result URC: the OK that "early" held back, if any. */
void send_owed_ok(int kind)
{
	bool owed;

	out_lock();
	owed = ok_owed[kind];
	ok_owed[kind] = false;
	out_unlock();
	if (owed)
		send_final("OK");
}

/*
 * "chatter": a modem that never stops talking; one burst per call (from
 * the main loop).  False, sending nothing, when it is off.
 */
bool chatter(void)
{
	static const char *const lines[] = {
		"+CREG: 0,5", "+CSQ: 20,99", "RING", "+MQTTBREAK: 9,1",
		"+MQTTPUB: 2,1", "NO CARRIER", "+MIPCALL: 0",
	};
	static unsigned int next;
	char buf[512];
	size_t i;

	if (!hostile.chatter)
		return false;
	out_lock();
	if (hostile.chatter == 1) {
		for (i = 0; i < 16; i++) {
			const char *l = lines[next++ % ARRAY_SIZE(lines)];

			send_line_locked(l, strlen(l));
		}
	} else {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = 0x20 + line_rand() % 95;
		out(buf, sizeof(buf));
	}
	out_unlock();
	return true;
}
