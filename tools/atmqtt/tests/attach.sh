# SPDX-License-Identifier: GPL-2.0-or-later
#
# attach and detach on the host, sourced by run.sh (its helpers, its
# counts).  The ttys are real ptys (python3 holds their masters); the line
# discipline is fakenl.c's (TIOCSETD and TIOCGETD wrapped: each tty's in
# $FAKENL_TTYS, every TIOCSETD logged in $FAKENL_TTYS/log), and its
# GET_MODEM reports a modem per tty set to it, with TTY_DEV.  Everything
# else is the CLI's own code: the daemon, its pid file and locks, its
# signals, detach.  As root, run.sh gave the tests a /run of their own.

export FAKENL_TTYS=$T/ttys
mkdir -p "$T/ttys" "$T/sys/parameters"
echo 29 >"$T/sys/parameters/ldisc"
: >"$T/ttys/log"
HOLDERS=
trap 'for p in $HOLDERS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# newpty VAR: VAR is the slave of a new pty, whose master python holds
# (VAR_pid: that python; killing it hangs the slave up)
newpty() {
	rm -f "$T/pty.$1"
	python3 -c 'import os, sys, time
m, s = os.openpty()
print(os.ttyname(s), flush=True)
time.sleep(3600)' >"$T/pty.$1" &
	eval "${1}_pid=$!"
	HOLDERS="$HOLDERS $!"
	i=0
	until [ -s "$T/pty.$1" ] || [ $i -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	eval "$1=\$(cat \"\$T/pty.$1\")"
}

# locker FILE TEXT: a python process that creates FILE, locks it (flock),
# writes TEXT in it (unless empty) and holds the lock; its pid in LOCKER
locker() {
	rm -f "$T/locked"
	python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
if sys.argv[2]:
    os.ftruncate(fd, 0)
    os.write(fd, sys.argv[2].encode())
open(sys.argv[3], "w").close()
time.sleep(3600)' "$1" "$2" "$T/locked" &
	LOCKER=$!
	HOLDERS="$HOLDERS $!"
	i=0
	until [ -e "$T/locked" ] || [ $i -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

devno() {	# devno PATH: MAJOR:MINOR of the device PATH leads to
	set -- $(stat -L -c '%t %T' "$1")
	echo "$((0x$1)):$((0x$2))"
}
ptsname() { echo "pts${1#/dev/pts/}"; }	# /dev/pts/3 -> pts3

# ldisc PTY: the fake line discipline of PTY
ldisc() {
	f=$T/ttys/$(devno "$1")
	if [ -f "$f" ]; then cut -d' ' -f1 "$f"; else echo 0; fi
}
# setds PTY: its TIOCSETD calls so far, "29 0 ..."
setds() {
	grep "^SETD $(devno "$1") " "$T/ttys/log" | cut -d' ' -f3 | tr '\n' ' '
}

# alive PID: running (a zombie, which no one reaps here, is not)
alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}
# fakes: the live processes of the CLI under test
fakes() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$CLI" ] &&
			alive "${p#/proc/}" && echo "${p#/proc/}"
	done
}

# is COND DESCRIPTION: a check of the current case
is() {
	if eval "$1"; then ok; else
		bad "$CASE: $2"
		sed 's/^/    /' "$T/err" 2>/dev/null
	fi
}

# settle: every attach process of the tests gone
settle() {
	for p in $(fakes); do kill "$p" 2>/dev/null; done
	i=0
	while [ -n "$(fakes)" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# waitfor COND: up to 5 s
waitfor() {
	i=0
	until eval "$1" || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
}

newpty P1
newpty P2
N1=$(ptsname "$P1")
N2=$(ptsname "$P2")
mkdir -p "$T/serial/by-id"
BYID=$T/serial/by-id/usb-Fibocom_test-if02-port0
ln -s "$P1" "$BYID"

attach_tests() {	# attach_tests RUNDIR: the checks, pid files in RUNDIR
	R=$1
	PF1=$R/atmqtt/$N1/attach.pid
	PF2=$R/atmqtt/$N2/attach.pid

	CASE="attach by a by-id link ($R)"; script
	run 0 attach "$BYID"
	expect "$T/out" "atmqtt: $BYID attached as modem $(($(cat "$T/ttys/next") - 1))"
	is '[ -f "$PF1" ]' "no pid file $PF1"
	pid=$(cat "$PF1" 2>/dev/null)
	is 'alive "$pid" && [ "$(readlink /proc/$pid/exe)" = "$CLI" ]' \
		"the pid file does not name the daemon"
	is '[ "$(ldisc "$P1")" = 29 ]' "line discipline not set"
	handle=$(($(cat "$T/ttys/next") - 1))

	CASE="list shows the tty and its device number"; script
	run 0 list
	has "$T/out" "$(printf '%-6u %-12s %-9s %-5s %4u %10u %10u %10u %10u %10u' \
		"$handle" "$N1" "$(devno "$P1")" ready 1 0 0 0 0 0)"
	CASE="-M by the by-id link"; script
	run 0 close -M "$BYID"
	expect "$T/log" "GET_MODEM flags=dump
CLOSE flags=none MODEM_ID=$handle CLIENT_ID=1"
	CASE="-M by the link, a kernel without TTY_DEV (the name)"; script
	FAKENL_NO_TTY_DEV=1 run 0 close -M "$BYID"
	expect "$T/log" "GET_MODEM flags=dump
CLOSE flags=none MODEM_ID=$handle CLIENT_ID=1"

	CASE="a second attach of the same tty (by its path)"
	: >"$T/ttys/log"
	run 1 attach "$P1"
	expect "$T/err" "atmqtt: $P1 is attached already (atmqtt attach, pid $pid): atmqtt detach $P1 first"
	is '[ "$(cat "$PF1")" = "$pid" ] && alive "$pid"' \
		"the first holder or its pid file were touched"
	is '[ -z "$(setds "$P1")" ]' "TIOCSETD called: $(setds "$P1")"
	CASE="a second attach in the foreground"; run 1 attach -f "$BYID"
	is '[ -z "$(setds "$P1")" ] && [ "$(ldisc "$P1")" = 29 ]' \
		"the line discipline was touched"

	CASE="detach by the by-id link"
	run 0 detach "$BYID"
	is '! alive "$pid"' "the daemon $pid is still running"
	is '[ "$(ldisc "$P1")" = 0 ] && [ "$(setds "$P1")" = "0 " ]' \
		"N_TTY not restored: $(setds "$P1")"
	is '[ ! -e "$PF1" ] && [ ! -e "$R/atmqtt/$N1" ]' "the pid file is left"

	CASE="attach && detach, at once, five times"
	: >"$T/ttys/log"
	n=0
	while [ $n -lt 5 ]; do
		"$CLI" attach "$P1" >/dev/null 2>"$T/err" &&
			"$CLI" detach "$P1" 2>>"$T/err" || bad "$CASE: round $n failed"
		n=$((n + 1))
	done
	is '[ "$(setds "$P1")" = "29 0 29 0 29 0 29 0 29 0 " ]' \
		"TIOCSETD calls: $(setds "$P1")"
	is '[ -z "$(fakes)" ] && [ ! -e "$PF1" ]' "a holder or its pid file is left"

	CASE="two attaches of one tty at the same time, five times"
	n=0
	while [ $n -lt 5 ]; do
		: >"$T/ttys/log"
		"$CLI" attach "$P1" >/dev/null 2>"$T/err.a" &
		a=$!
		"$CLI" attach "$BYID" >/dev/null 2>"$T/err.b" &
		b=$!
		wait $a; ra=$?
		wait $b; rb=$?
		[ $((ra + rb)) = 1 ] || bad "$CASE: exits $ra and $rb"
		[ "$(setds "$P1")" = "29 " ] ||
			bad "$CASE: TIOCSETD calls: $(setds "$P1")"
		[ "$(fakes | wc -l)" = 1 ] || bad "$CASE: $(fakes | wc -l) holders"
		"$CLI" detach "$P1" || bad "$CASE: detach failed"
		n=$((n + 1))
	done
	is '[ -z "$(fakes)" ] && [ "$(ldisc "$P1")" = 0 ]' "left attached"

	CASE="attach -f, then SIGTERM, SIGINT, SIGHUP"
	for sig in TERM INT HUP; do
		: >"$T/ttys/log"
		"$CLI" attach -f "$P1" >"$T/out" 2>"$T/err" &
		a=$!
		waitfor '[ -s "$PF1" ]'
		is '[ "$(cat "$PF1")" = "$a" ]' "the pid file does not name $a"
		kill -$sig $a
		wait $a
		is '[ $? = 0 ] && [ "$(setds "$P1")" = "29 0 " ] && [ ! -e "$PF1" ]' \
			"SIG$sig: not a clean exit: $(setds "$P1")"
	done

	CASE="SIGTERM while the line discipline is being set (-f)"
	: >"$T/ttys/log"
	FAKENL_KILL_AT_SETD=1 run 0 attach -f "$P1"
	expect "$T/out" "atmqtt: $P1 attached as modem $(($(cat "$T/ttys/next") - 1))"
	is '[ "$(setds "$P1")" = "29 0 " ] && [ ! -e "$PF1" ]' \
		"not undone: $(setds "$P1")"
	CASE="SIGTERM while the line discipline is being set (daemon)"
	: >"$T/ttys/log"
	FAKENL_KILL_AT_SETD=1 run 1 attach "$P1"
	has "$T/err" "atmqtt: $P1: interrupted, detached again"
	is '[ "$(setds "$P1")" = "29 0 " ] && [ ! -e "$PF1" ] && [ -z "$(fakes)" ]' \
		"not undone: $(setds "$P1")"

	CASE="a failed attach restores N_TTY: no modem"
	: >"$T/ttys/log"
	FAKENL_NOMODEM=1 run 1 attach "$BYID"
	expect "$T/err" "atmqtt: no modem attached on $BYID"
	is '[ "$(setds "$P1")" = "29 0 " ] && [ ! -e "$PF1" ]' \
		"not undone: $(setds "$P1")"
	CASE="a failed attach restores N_TTY: no netlink family"
	: >"$T/ttys/log"
	FAKENL_NOFAMILY=1 run 1 attach -f "$BYID"
	is '[ "$(setds "$P1")" = "29 0 " ] && [ ! -e "$PF1" ]' \
		"not undone: $(setds "$P1")"
	CASE="a failed attach: the module not loaded"
	: >"$T/ttys/log"
	mv "$T/sys/parameters/ldisc" "$T/ldisc.off"
	run 1 attach "$P1"
	mv "$T/ldisc.off" "$T/sys/parameters/ldisc"
	is '[ -z "$(setds "$P1")" ] && [ ! -e "$PF1" ]' "touched: $(setds "$P1")"
	CASE="attach of what is no tty"; run 1 attach /dev/null
	expect "$T/err" "atmqtt: /dev/null: not a tty"
	is '[ ! -e "$R/atmqtt/null" ]' "a runtime directory for /dev/null is left"
	CASE="attach of a file"; : >"$T/file"; run 1 attach "$T/file"
	expect "$T/err" "atmqtt: $T/file: not a tty"
	CASE="attach of nothing"; run 1 attach "$T/serial/by-id/nothing"
	expect "$T/err" "atmqtt: $T/serial/by-id/nothing: No such file or directory"

	CASE="the tty held by a hangup"
	newpty P3
	: >"$T/ttys/log"
	"$CLI" attach -f "$P3" >"$T/out" 2>"$T/err" &
	a=$!
	waitfor '[ -s "$R/atmqtt/$(ptsname "$P3")/attach.pid" ]'
	kill "$P3_pid"
	wait $a
	is '[ $? = 0 ] && [ ! -e "$R/atmqtt/$(ptsname "$P3")" ]' "not a clean exit"
	has "$T/err" "atmqtt: $P3 hung up"

	CASE="a stale pid file is taken over"
	mkdir -p "$R/atmqtt/$N1"
	echo 999999 >"$PF1"
	run 0 attach "$P1"
	pid=$(cat "$PF1")
	is 'alive "$pid" && [ "$pid" != 999999 ]' "not taken over"
	run 0 detach "$P1"
	CASE="detach removes a stale pid file"
	mkdir -p "$R/atmqtt/$N1"
	echo 999999 >"$PF1"
	: >"$T/ttys/log"
	run 0 detach "$P1"
	expect "$T/err" "atmqtt: $P1 was not attached"
	is '[ ! -e "$PF1" ] && [ -z "$(setds "$P1")" ]' "stale file left or tty touched"
	CASE="detach of a tty set by someone else, without pid file"
	printf '29 99 %s\n' "$N1" >"$T/ttys/$(devno "$P1")"
	: >"$T/ttys/log"
	run 0 detach "$P1"
	is '[ "$(ldisc "$P1")" = 0 ] && [ "$(setds "$P1")" = "0 " ]' "N_TTY not set"

	# detach signals only an attach of this program holding that tty
	mkdir -p "$R/atmqtt/$N1"
	CASE="detach: the pid file names another program"
	locker "$PF1" "$$
"
	: >"$T/ttys/log"
	run 1 detach "$P1"
	expect "$T/err" "atmqtt: $PF1 names process $$, which is another program (not atmqtt attach of $P1): not signalled"
	kill "$LOCKER"; wait "$LOCKER" 2>/dev/null
	CASE="detach: the pid file names atmqtt-sim"
	cp "$(command -v sleep)" "$T/atmqtt-sim"
	"$T/atmqtt-sim" 300 &
	sim=$!
	locker "$PF1" "$sim
"
	run 1 detach "$P1"
	expect "$T/err" "atmqtt: $PF1 names process $sim, which is another program (not atmqtt attach of $P1): not signalled"
	is 'alive $sim' "atmqtt-sim was signalled"
	kill "$LOCKER" "$sim"; wait "$LOCKER" "$sim" 2>/dev/null
	CASE="detach: the pid file names this program, not attaching"
	printf 'event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.PAYLOAD=x MSG.SEQ=1\n' >"$T/script"
	"$CLI" monitor >/dev/null 2>&1 &
	mon=$!
	locker "$PF1" "$mon
"
	run 1 detach "$P1"
	expect "$T/err" "atmqtt: $PF1 names process $mon, which is no attach (not atmqtt attach of $P1): not signalled"
	is 'alive $mon' "the monitor was signalled"
	kill "$LOCKER" "$mon"; wait "$LOCKER" "$mon" 2>/dev/null
	CASE="detach: the pid file names the attach of another tty"
	script
	run 0 attach "$P2"
	other=$(cat "$PF2")
	locker "$PF1" "$other
"
	run 1 detach "$P1"
	expect "$T/err" "atmqtt: $PF1 names process $other, which does not hold the tty (not atmqtt attach of $P1): not signalled"
	is 'alive $other && [ -z "$(setds "$P1")" ]' "the other attach was signalled"
	kill "$LOCKER"; wait "$LOCKER" 2>/dev/null
	run 0 detach "$P2"
	is '! alive $other' "the attach of $P2 is still running"

	CASE="the tty locked by another process, no pid file"
	rm -rf "$R/atmqtt/$N1"
	locker "$P1" ""
	: >"$T/ttys/log"
	run 1 detach "$P1"
	expect "$T/err" "atmqtt: $P1 is held by a process without a pid file here: not touched"
	run 1 attach "$P1"
	expect "$T/err" "atmqtt: $P1 is held by another process (no pid file)"
	is '[ -z "$(setds "$P1")" ]' "the tty was touched"
	kill "$LOCKER"; wait "$LOCKER" 2>/dev/null

	CASE="a symlink planted at the pid file"
	mkdir -p "$R/atmqtt/$N1"
	ln -s "$T/victim" "$PF1"
	: >"$T/ttys/log"
	run 1 attach "$P1"
	expect "$T/err" "atmqtt: $PF1: Too many levels of symbolic links"
	is '[ ! -e "$T/victim" ] && [ -z "$(setds "$P1")" ]' "followed, or the tty touched"
	run 1 detach "$P1"
	expect "$T/err" "atmqtt: $PF1: Too many levels of symbolic links"
	is '[ ! -e "$T/victim" ] && [ -L "$PF1" ] && [ -z "$(setds "$P1")" ]' \
		"detach followed or removed the link, or touched the tty"
	rm -rf "$R/atmqtt/$N1"
	CASE="a symlink planted at the tty's directory"
	mkdir -p "$T/evil"
	ln -s "$T/evil" "$R/atmqtt/$N1"
	run 1 attach "$P1"
	is '[ ! -e "$T/evil/attach.pid" ] && [ -z "$(setds "$P1")" ]' "followed"
	rm -f "$R/atmqtt/$N1"
	CASE="a tty directory others may write to"
	mkdir -m 777 "$R/atmqtt/$N1"
	chmod 777 "$R/atmqtt/$N1"
	run 1 attach "$P1"
	expect "$T/err" "atmqtt: $R/atmqtt/$N1: not a directory of this user's or root's that only they can write: refused"
	is '[ ! -e "$PF1" ] && [ -z "$(setds "$P1")" ]' "used it"
	rmdir "$R/atmqtt/$N1"
	settle
}

# root: /run/atmqtt (a /run of the tests' own, from run.sh)
if [ -n "${ATMQTT_TEST_PRIVATE_RUN:-}" ]; then
	attach_tests /run
	CASE="root, /run read-only: no fallback to /tmp"
	ls -A /tmp/atmqtt >"$T/tmp.before" 2>/dev/null
	rm -rf /run/atmqtt
	mount -o remount,ro /run
	: >"$T/ttys/log"
	run 1 attach "$P1"
	expect "$T/err" "atmqtt: /run/atmqtt: Read-only file system"
	mount -o remount,rw /run
	ls -A /tmp/atmqtt >"$T/tmp.after" 2>/dev/null
	is 'cmp -s "$T/tmp.before" "$T/tmp.after" && [ -z "$(setds "$P1")" ]' \
		"/tmp/atmqtt was used, or the tty touched"
else
	echo "# SKIP attach as root: no /run of the tests' own (not root, or no unshare -m)"
fi

# another user: $XDG_RUNTIME_DIR/atmqtt (as root, fakenl says another)
mkdir -m 700 "$T/xdg"
export XDG_RUNTIME_DIR=$T/xdg
[ "$(id -u)" = 0 ] && export FAKENL_EUID=4242
attach_tests "$T/xdg"
CASE="another user without XDG_RUNTIME_DIR: no fallback to /tmp"
ls -A /tmp/atmqtt >"$T/tmp.before" 2>/dev/null
: >"$T/ttys/log"
XDG_RUNTIME_DIR= run 1 attach "$P1"
expect "$T/err" "atmqtt: no runtime directory for the pid file (XDG_RUNTIME_DIR is not set)"
ls -A /tmp/atmqtt >"$T/tmp.after" 2>/dev/null
is 'cmp -s "$T/tmp.before" "$T/tmp.after" && [ -z "$(setds "$P1")" ]' \
	"/tmp/atmqtt was used, or the tty touched"
unset FAKENL_EUID XDG_RUNTIME_DIR FAKENL_TTYS 2>/dev/null

settle
for p in $HOLDERS; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
