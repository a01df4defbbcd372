#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The line discipline on real serial drivers instead of a pty, in the VM.
# scripts/vm/run.sh (ATMQTT_VM_WIRES) wires serial ports of the VM back to
# back in pairs and names them on the kernel command line:
# atmqtt.serial=NEAR:FAR[,NEAR:FAR...].  On each wire atmqtt-sim runs at the
# FAR end (its pty relayed to FAR both ways by two cats) and the line
# discipline is attached to NEAR, whose driver is the one under test: the
# 8250 (a PCI 16550, 16-byte FIFO) on x86, the PL011 on ARM, the FTDI USB
# serial adapter QEMU emulates (ftdi_sio on xhci, its modules loaded by
# /init).  Per wire: bytes both ways on the bare wire, attach at 115200,
# open, 1024 bytes of every value out and in; then for each other rate
# attach -b RATE (the tty's speed checked with stty), open and the same
# exchange, the simulator pacing its side of the line at RATE (-B) as a
# UART would.  A rate the NEAR UART cannot take is a skip.  Then the same
# exchange with /sys/kernel/debug/atmqtt/tx_write_max at 16: the driver
# takes 16 bytes a write, as a 16-byte FIFO with no ring in front, and the
# rest of each command goes out at its write_wakeup (the debugfs counters
# tx_short_writes and tx_wakeups show it).  The real drivers report a
# 4 KiB ring as their write room and never reach that path by themselves.
#
# The VM's control line to the host, atmqtt.serial_ctl=ttySn
# (scripts/vm/wire-ctl.py), then adds per wire:
#   uart (8250 only): the host's relay stops reading the NEAR port in the
#     middle of a publish's data, for longer than cmd_timeout_ms, as a
#     modem deasserting CTS: see pause_test.  QEMU's PL011 cannot be
#     stalled without stalling the VM: a skip.
#   usb: QEMU's monitor unplugs the adapter (device_del) under load and
#     plugs it back (device_add): see unplug_test.
# A VM without wires runs no test.  KTAP.
set -u
B=127.0.0.1
T=/tmp/serial.$$
mkdir -p $T
# result, wait_for, sim_start/sim_stop, $T/bin
. "$(dirname "$0")/wire_lib.sh"
wires=$(sed -n 's/.*atmqtt\.serial=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
ctl=$(sed -n 's/.*atmqtt\.serial_ctl=\([^ ]*\).*/\1/p' /proc/cmdline)
rates="9600 57600 921600"
D=/sys/kernel/debug/atmqtt
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo "TAP version 13"
if [ -z "$wires" ]; then
	echo "1..0 # SKIP no serial wires in this VM"
	exit 0
fi
# Per wire: the wire, attach, open, exchange, the rates, the capped
# exchange; then the pause (2) on a uart wire, the unplug (3) on usb.
plan=0
for w in $wires; do
	plan=$((plan + 5 + $(echo $rates | wc -w)))
	case $w in
	ttyUSB*) plan=$((plan + 3)) ;;
	*) plan=$((plan + 2)) ;;
	esac
done
echo "1..$plan"
driver_of() {
	basename "$(readlink -f /sys/class/tty/$1/device/driver)"
}

# skip NAME WHY
skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# The control line to the host (scripts/vm/wire-ctl.py): ctl_cmd LINE
# sends LINE and succeeds when the host answers "ok".
if [ -n "$ctl" ]; then
	stty -F /dev/$ctl raw -echo -crtscts clocal 115200
	exec 3<>/dev/$ctl
fi
ctl_cmd() {
	[ -n "$ctl" ] || return 1
	echo "$*" >&3
	reply=
	# shellcheck disable=SC3045 # busybox ash has read -t
	read -r -t 30 reply <&3
	echo "# host: $* -> $reply"
	[ "$reply" = ok ]
}

# counter NAME: one of the first modem's counters (atmqtt -j list).
counter() {
	atmqtt -j list | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" | head -n1
}

att=
# attach NEAR RATE
attach() {
	atmqtt attach -f -b "$2" /dev/$1 >$T/att.out 2>$T/err &
	att=$!
	wait_for sh -c "atmqtt list | grep -q '$1'"
}
detach() {
	atmqtt detach /dev/$1 >/dev/null 2>&1
	wait $att 2>/dev/null
	att=
}

# exchange NEAR TAG: the 1024-byte payload out (pub -f, mosquitto_sub
# checks it) and in (mosquitto_pub, sub -N checks it).
exchange() {
	mosquitto_sub -h $B -t serial/out/$2 -C 1 -W 30 -N >$T/msub.out 2>$T/err &
	msub=$!
	sleep 0.5
	i=0
	while kill -0 $msub 2>/dev/null && [ $i -lt 10 ]; do
		atmqtt pub -t serial/out/$2 -q 1 -f $T/bin >$T/out 2>>$T/err
		sleep 0.3
		i=$((i + 1))
	done
	wait $msub
	cmp -s $T/bin $T/msub.out || return 1
	atmqtt sub -t serial/in/$2 -q 1 -C 1 -W 30 -N >$T/sub.bin 2>$T/err &
	sub=$!
	i=0
	while kill -0 $sub 2>/dev/null && [ $i -lt 40 ]; do
		mosquitto_pub -h $B -t serial/in/$2 -q 1 -f $T/bin
		sleep 0.5
		i=$((i + 1))
	done
	wait $sub
	cmp -s $T/bin $T/sub.bin
}

# pause_test NEAR FAR: the modem stops reading (CTS) in the middle of a
# publish's data, for longer than the command's timeout.  The host's relay
# stops reading the NEAR port 200 bytes into the command; QEMU's 16550 then
# holds its byte, and the 8250 driver's ring stops draining: with the cap
# no write_wakeup comes until the line moves.  The requester times out
# (exit 1, ETIMEDOUT); the exchange stays the modem's.  The modem's time
# for its final result runs from the last byte the tty took (modem.h): a
# stopped line is not a silent modem, so there is no resync (resyncs
# unchanged); when the line moves the data goes out whole, its result is a
# stray one (its requester left), and the next publish gets its own.  The
# broker sees each payload once, in order.
pause_test() {
	: >$T/out; : >$T/err; : >$T/sim.err
	if [ "$(driver_of $1)" != serial ]; then
		# QEMU's PL011 writes with qemu_chr_fe_write_all(): a relay
		# that stops reading stops the whole VM, not the UART.
		skip "pause_publish_times_out_$1" "$1 ($(driver_of $1)) stalls the VM, not the line"
		skip "pause_exchange_kept_$1" "$1 ($(driver_of $1)) stalls the VM, not the line"
		return
	fi
	if [ -z "$ctl" ] || [ ! -w $D/tx_write_max ]; then
		skip "pause_publish_times_out_$1" "no control line or no $D"
		skip "pause_exchange_kept_$1" "no control line or no $D"
		return
	fi
	to=$(cat /sys/module/atmqtt/parameters/cmd_timeout_ms)
	echo 16 >$D/tx_write_max
	sim_start $2 115200 && attach $1 115200 &&
		atmqtt open -h $B -p 1883 >$T/out 2>>$T/err
	mosquitto_sub -h $B -t serial/pause/$1 -C 3 -W 40 -N >$T/msub.out 2>/dev/null &
	msub=$!
	sleep 0.5
	stray0=$(counter rx_stray) resync0=$(counter resyncs)
	short0=$(cat $D/tx_short_writes)
	# Longer than the request's whole time: cmd_timeout_ms for the '>',
	# once more after it.
	pause_ms=$((2 * to + 2000))
	ctl_cmd pause uart $pause_ms 200
	t0=$(date +%s)
	atmqtt pub -t serial/pause/$1 -q 1 -f $T/bin >$T/out 2>$T/err
	rc=$?
	t1=$(date +%s)
	echo "# publish across a ${pause_ms} ms pause: exit $rc after $((t1 - t0)) s: $(cat $T/err)"
	[ $rc = 1 ] && grep -q "timed out" $T/err
	result $? "pause_publish_times_out_$1"
	# The line moves again; the exchange ends with the modem's OK.
	sleep $((pause_ms / 1000 - (t1 - t0) + 3))
	atmqtt pub -t serial/pause/$1 -q 1 -m after >$T/out 2>$T/err
	rc=$?
	wait $msub
	printf after | cat $T/bin - >$T/expect
	stray=$(counter rx_stray) resync=$(counter resyncs)
	short=$(($(cat $D/tx_short_writes) - short0))
	echo "# after: exit $rc; rx_stray $stray0 -> $stray, resyncs $resync0 -> $resync, $short short writes"
	[ $rc = 0 ] && cmp -s $T/expect $T/msub.out &&
		[ "$stray" -gt "$stray0" ] && [ "$resync" = "$resync0" ]
	result $? "pause_exchange_kept_$1"
	echo 0 >$D/tx_write_max
	atmqtt close >/dev/null 2>&1
	detach $1
	sim_stop
}

# unplug_test NEAR FAR: the USB adapter goes (QEMU's device_del, as when a
# USB modem resets) while publishes go out in a loop and a sub waits for
# the messages the broker sends in.  What waited ends with ENODEV (exit 1),
# the modem leaves the list, no process stays; device_add brings ttyUSB0
# back, and it attaches and works again.
unplug_test() {
	: >$T/out; : >$T/err; : >$T/sim.err
	if [ -z "$ctl" ]; then
		skip "unplug_requests_end_enodev_$1" "no control line"
		skip "unplug_modem_gone_nothing_hangs_$1" "no control line"
		skip "replug_attach_exchange_$1" "no control line"
		return
	fi
	sim_start $2 115200 && attach $1 115200 &&
		atmqtt open -h $B -p 1883 >$T/out 2>>$T/err
	: >$T/pub.err; : >$T/pub.rc
	atmqtt sub -t serial/unplug/in -q 1 -W 120 >/dev/null 2>$T/sub.err &
	sub=$!
	( k=0; while [ -e /dev/$1 ] && [ $k -lt 300 ]; do
		k=$((k + 1))
		mosquitto_pub -h $B -t serial/unplug/in -q 1 -m in 2>/dev/null
		sleep 0.2
	done ) &
	flood=$!
	# Until one fails: the unplug may fall between two publishes, and
	# the next one then finds no modem.
	( k=0; while [ $k -lt 300 ]; do
		k=$((k + 1))
		atmqtt pub -t serial/unplug/out -q 1 -f $T/bin 2>>$T/pub.err
		rc=$?
		echo $rc >>$T/pub.rc
		[ $rc = 0 ] || break
	done ) &
	pubs=$!
	sleep 3
	ctl_cmd device_del usb
	# Everything that used the modem ends within 15 s.
	i=0
	while [ $i -lt 150 ]; do
		hung=
		for p in $sub $pubs $att; do
			kill -0 $p 2>/dev/null && hung="$hung $p"
		done
		[ -z "$hung" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "# gone after $((i / 10)).$((i % 10)) s"
	wait $sub
	src=$?
	kill $flood $hung 2>/dev/null
	wait $flood $pubs $att 2>/dev/null
	att=
	echo "# sub: exit $src: $(cat $T/sub.err)"
	echo "# publishes: $(wc -l <$T/pub.rc), exits $(sort $T/pub.rc | uniq -c | tr '\n' ' ')"
	echo "# publish errors: $(sort $T/pub.err | uniq -c | tr '\n' ' ')"
	# The sub waited: it ends with the modem.  A publish in flight ends
	# with ENODEV, a later one finds no modem; none times out.
	grep -q "the modem went away" $T/sub.err && [ $src = 1 ] &&
		[ "$(tail -n 1 $T/pub.rc)" = 1 ] &&
		! grep -v -e "No such device" -e "no modem attached" $T/pub.err |
		grep -q .
	result $? "unplug_requests_end_enodev_$1"
	[ -z "$hung" ] && ! atmqtt list | grep -q "$1" && [ ! -e /dev/$1 ]
	result $? "unplug_modem_gone_nothing_hangs_$1"
	[ -z "$hung" ] || echo "# still running after 15 s:$hung"
	# The simulator, the modem, kept its client open through the
	# unplug (the attach learns it): close, then open.
	ctl_cmd device_add usb &&
		wait_for test -c /dev/$1 &&
		attach $1 115200 &&
		{ atmqtt close >/dev/null 2>&1; true; } &&
		atmqtt open -h $B -p 1883 >$T/out 2>>$T/err &&
		exchange $1 replug
	rc=$?
	[ $rc = 0 ] || { tail -n 5 $T/err 2>/dev/null | sed 's/^/# /'; }
	result $rc "replug_attach_exchange_$1"
	atmqtt close >/dev/null 2>&1
	detach $1
	sim_stop
}

for w in $wires; do
	near=${w%%:*} far=${w#*:}
	drv=$(driver_of $near)
	: >$T/out; : >$T/err; : >$T/sim.err

	# The wire: bytes each way between the two drivers.
	stty -F /dev/$near raw -echo -crtscts clocal 115200 2>$T/err &&
	stty -F /dev/$far raw -echo -crtscts clocal 115200 2>>$T/err
	cat /dev/$far >$T/wire.far &
	c1=$!
	cat /dev/$near >$T/wire.near &
	c2=$!
	sleep 0.3
	echo "ping $near" >/dev/$near
	echo "pong $far" >/dev/$far
	sleep 1
	kill $c1 $c2 2>/dev/null
	wait $c1 $c2 2>/dev/null
	grep -q "ping $near" $T/wire.far && grep -q "pong $far" $T/wire.near
	result $? "wire_${near}_${drv}_to_$far"

	sim_start $far 115200
	attach $near 115200
	[ "$(atmqtt list | grep -c "$near")" = 1 ] &&
		stty -F /dev/$near | grep -q "speed 115200 baud"
	result $? "attach_${near}_115200"
	atmqtt open -h $B -p 1883 >$T/out 2>$T/err
	result $? "open_${near}"
	exchange $near 115200
	result $? "exchange_1024_bytes_${near}_115200"
	atmqtt close >/dev/null 2>&1
	detach $near
	sim_stop
	# attach -b: the line at another rate, both ends.
	for r in $rates; do
		: >$T/out; : >$T/err; : >$T/sim.err
		# A 16550 at QEMU's 1.8432 MHz clock stops at 115200.
		if ! stty -F /dev/$near "$r" 2>/dev/null; then
			n=$((n + 1))
			echo "ok $n attach_b_${r}_exchange_${near} # SKIP $near ($drv) cannot run at $r baud"
			continue
		fi
		sim_start $far $r &&
			attach $near $r &&
			stty -F /dev/$near | grep -q "speed $r baud" &&
			atmqtt open -h $B -p 1883 >$T/out 2>>$T/err &&
			exchange $near $r
		result $? "attach_b_${r}_exchange_${near}"
		atmqtt close >/dev/null 2>&1
		detach $near
		sim_stop
	done

	# A driver that takes 16 bytes per write (tx_write_max): the rest of
	# each command goes out at its write_wakeup.
	: >$T/out; : >$T/err; : >$T/sim.err
	if [ -w $D/tx_write_max ]; then
		short0=$(cat $D/tx_short_writes) wake0=$(cat $D/tx_wakeups)
		echo 16 >$D/tx_write_max
		sim_start $far 115200 &&
			attach $near 115200 &&
			atmqtt open -h $B -p 1883 >$T/out 2>>$T/err &&
			exchange $near capped
		rc=$?
		short=$(($(cat $D/tx_short_writes) - short0))
		wake=$(($(cat $D/tx_wakeups) - wake0))
		echo "# $near, 16 bytes a write: $short short writes, $wake resumed at write_wakeup"
		[ $rc = 0 ] && [ $short -ge 64 ] && [ $wake -ge 64 ]
		result $? "capped_16_exchange_1024_bytes_${near}"
		atmqtt close >/dev/null 2>&1
		detach $near
		sim_stop
		echo 0 >$D/tx_write_max
	else
		skip "capped_16_exchange_1024_bytes_${near}" "no $D/tx_write_max"
	fi

	case $near in
	ttyUSB*) unplug_test $near $far ;;
	*) pause_test $near $far ;;
	esac
done
exec 3>&-
rm -rf $T
[ $fails = 0 ]
