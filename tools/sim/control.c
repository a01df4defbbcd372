// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt-sim: the control FIFO.  Each line is a command: a URC to send
 * ("say"), a client to break, a fault to arm for the next command of a
 * kind, a hostile mode of the line or the interpreter.  Documentation/
 * simulator.rst, "Fault injection", lists them.  Main thread.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sim.h"
#include "line.h"
#include "faults.h"
#include "bridge.h"
#include "at.h"
#include "control.h"

static int kind_of(const char *name)
{
	int k;

	for (k = 0; k < K_N; k++)
		if (!strcasecmp(name, kind_names[k]))
			return k;
	return -1;
}

static bool on_off(const char *word, bool *flag)
{
	if (strcmp(word, "on") && strcmp(word, "off"))
		return false;
	*flag = word[1] == 'n';
	return true;
}

/* The hostile modem's controls; false if cmd is none of them. */
static bool hostile_control(int n, const char *verb, const char *word,
			    const char *arg)
{
	static const char *const lies[] = {
		[LIE_NONE] = "off", [LIE_LONG] = "long", [LIE_SHORT] = "short",
		[LIE_HUGE] = "huge", [LIE_MSGI] = "msgi", [LIE_LOST] = "lost",
	};
	static const char *const eols[][2] = {
		{ "crlf", "\r\n" }, { "cr", "\r" }, { "lf", "\n" },
		{ "lfcr", "\n\r" },
	};
	static const char *const chatters[] = { "off", "lines", "bytes" };
	bool ok = false, on;
	unsigned int i;
	long v;

	out_lock();
	if (n == 1) {
		bool *flag = !strcmp(verb, "nofinal") ? &hostile.nofinal :
			     !strcmp(verb, "noprompt") ? &hostile.noprompt :
			     !strcmp(verb, "readcut") ? &hostile.readcut :
			     !strcmp(verb, "pubcut") ? &hostile.pubcut : NULL;

		if (flag)
			*flag = ok = true;
		ok = ok || !strcmp(verb, "hangup");
	} else if (n == 2 && !strcmp(verb, "split")) {
		ok = on_off(word, &line_faults.split);
	} else if (n == 2 && !strcmp(verb, "dup")) {
		ok = on_off(word, &hostile.dup);
	} else if (n == 2 && !strcmp(verb, "early")) {
		ok = on_off(word, &hostile.early);
	} else if (n == 2 && !strcmp(verb, "mid")) {
		ok = on_off(word, &hostile.mid);
	} else if (n == 2 && !strcmp(verb, "echo")) {
		hostile.echo_flip = !strcmp(word, "flip");
		ok = hostile.echo_flip || on_off(word, &on);
		if (ok && !hostile.echo_flip)
			at_set_echo(on);
	} else if (n == 2 && !strcmp(verb, "eol")) {
		for (i = 0; i < ARRAY_SIZE(eols); i++)
			if (!strcmp(word, eols[i][0])) {
				line_faults.eol = eols[i][1];
				ok = true;
			}
	} else if (n == 2 && !strcmp(verb, "lie")) {
		for (i = 0; i < ARRAY_SIZE(lies); i++)
			if (!strcmp(word, lies[i])) {
				hostile.lie = i;
				ok = true;
			}
	} else if (n == 2 && !strcmp(verb, "chatter")) {
		for (i = 0; i < ARRAY_SIZE(chatters); i++)
			if (!strcmp(word, chatters[i])) {
				hostile.chatter = i;
				ok = true;
			}
	} else if (n >= 2 && !strcmp(verb, "garbage")) {
		v = n == 3 ? strtol(arg, NULL, 10) : 0;
		if (n == 2 && !strcmp(word, "off")) {
			line_faults.between = line_faults.inside = 0;
			ok = true;
		} else if (n == 3 && v >= 1 && v <= 1000000 &&
			   (!strcmp(word, "between") || !strcmp(word, "inside"))) {
			*(word[0] == 'b' ? &line_faults.between :
			  &line_faults.inside) = v;
			ok = true;
		}
	} else if (n == 2 && !strcmp(verb, "seed")) {
		line_faults.seed = strtoul(word, NULL, 10);
		ok = true;
	}
	out_unlock();
	if (ok && !strcmp(verb, "hangup"))
		hang_up();
	return ok;
}

/* 0-99999999 ms, digits only */
static bool is_ms(const char *s)
{
	size_t n = strlen(s);

	return n && n < 9 && strspn(s, "0123456789") == n;
}

static void control(char *cmd)
{
	char verb[16], word[16], arg[16], c;
	int id, cause, n, k;
	long v;

	cmd[strcspn(cmd, "\r")] = '\0';
	if (!strncmp(cmd, "say ", 4) || !strncmp(cmd, "urc ", 4)) {
		sendf("%s", cmd + 4);
		return;
	}
	if (sscanf(cmd, "break %d %d %c", &id, &cause, &c) == 2 && id >= 1 &&
	    id <= NCLIENTS && cause >= 1 && cause <= 3) {
		send_break(client_of(id), cause);
		client_drop(client_of(id), true);
		return;
	}
	n = sscanf(cmd, "error %ld %15s %c", &v, word, &c);
	if (n == 1 || (n == 2 && !strcmp(word, "always"))) {
		fault_error(v, n == 2);
		return;
	}
	if (sscanf(cmd, "cme %ld %c", &v, &c) == 1) {
		fault_cme(v);
		return;
	}
	n = sscanf(cmd, "%15s %15s %15s %c", verb, word, arg, &c);
	if (n == 2 && !strcmp(verb, "breakclose") && break_close_of(word) >= 0) {
		set_break_close(break_close_of(word));
		return;
	}
	if (hostile_control(n, verb, word, arg))
		return;
	k = n >= 2 ? kind_of(word) : -1;
	if (!strcmp(cmd, "mute") || !strcmp(cmd, "unmute"))
		at_set_muted(cmd[0] == 'm');
	else if (k >= 0 && n == 2 && !strcmp(verb, "status0"))
		fault_arm(k, FAULT_STATUS0);
	else if (k >= 0 && n == 2 && !strcmp(verb, "hold"))
		fault_arm(k, FAULT_HOLD);
	else if (k >= 0 && n == 3 && !strcmp(verb, "delay") &&
		 strspn(arg, "0123456789") == strlen(arg) && strlen(arg) < 9)
		fault_delay(k, atoi(arg));
	else if (n == 2 && !strcmp(verb, "slowfinal") && is_ms(word))
		fault_slowfinal(atoi(word));
	else if (n == 2 && !strcmp(verb, "slowprompt") && is_ms(word))
		fault_slowprompt(atoi(word));
	else if (*cmd)
		fprintf(stderr, "atmqtt-sim: unknown control '%s'\n", cmd);
}

int control_open(const char *path)
{
	unlink(path);
	if (mkfifo(path, 0600))
		return -1;
	return open(path, O_RDWR | O_NONBLOCK);
}

/* What came on the FIFO: each line up to its LF is a command. */
void control_read(int fd)
{
	static char ctl[512];
	static size_t clen;
	char buf[4096];
	ssize_t r, i;

	r = read(fd, buf, sizeof(buf));
	for (i = 0; i < r; i++) {
		if (buf[i] == '\n') {
			ctl[clen] = '\0';
			control(ctl);
			clen = 0;
		} else if (clen < sizeof(ctl) - 1) {
			ctl[clen++] = buf[i];
		}
	}
}
