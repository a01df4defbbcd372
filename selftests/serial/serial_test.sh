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
# UART would.  A rate the NEAR UART cannot take is a skip.  A VM without
# wires runs no test.  KTAP.
#
# Not covered: a write the driver takes only in part (write_wakeup).  Each
# of these drivers reports as its write room the free space of a 4 KiB
# ring in front of the FIFO, and the line discipline has one command of at
# most ATMQTT_TX_MAX bytes in flight, sent once the previous one's final
# result came back: the ring always takes it whole.
set -u
B=127.0.0.1
T=/tmp/serial.$$
mkdir -p $T
wires=$(sed -n 's/.*atmqtt\.serial=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
rates="9600 57600 921600"
echo "TAP version 13"
if [ -z "$wires" ]; then
	echo "1..0 # SKIP no serial wires in this VM"
	exit 0
fi
set -- $wires
per_wire=$((4 + $(echo $rates | wc -w)))
echo "1..$(($# * per_wire))"
n=0
fails=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
		for f in $T/out $T/err $T/sim.err; do
			[ -s $f ] && sed 's/^/# /' $f | tail -20
		done
	fi
}

# wait_for CMD...: retry for up to 10 s.
wait_for() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.1
	done
}

driver_of() {
	basename "$(readlink -f /sys/class/tty/$1/device/driver)"
}

# The payload: all 256 byte values, four times.
i=0
while [ $i -lt 256 ]; do printf "\\$(printf %03o $i)"; i=$((i + 1)); done >$T/b256
cat $T/b256 $T/b256 $T/b256 $T/b256 >$T/bin

sim= relay_in= relay_out= att=
# sim_start FAR RATE: atmqtt-sim paced at RATE, its pty relayed to FAR.
# A rate the FAR port's UART cannot take (a PCI 16550's clock gives it
# 115200 at most) leaves it at the one it has: the wire does not care, the
# simulator paces its side at RATE all the same.
sim_start() {
	stty -F /dev/$1 raw -echo -crtscts clocal "$2" 2>/dev/null ||
		echo "# $1 cannot run at $2 baud: the simulator paces it"
	: >$T/sim.out
	atmqtt-sim -B "$2" -l $T/simlog >$T/sim.out 2>$T/sim.err &
	sim=$!
	wait_for test -s $T/sim.out || return 1
	pty=$(head -n 1 $T/sim.out)
	cat /dev/$1 >"$pty" &
	relay_in=$!
	cat "$pty" >/dev/$1 &
	relay_out=$!
}
sim_stop() {
	kill $relay_in $relay_out $sim 2>/dev/null
	wait $relay_in $relay_out $sim 2>/dev/null
	sim= relay_in= relay_out=
}
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
done
rm -rf $T
[ $fails = 0 ]
