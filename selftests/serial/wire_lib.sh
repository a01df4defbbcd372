# SPDX-License-Identifier: GPL-2.0
# What serial_test.sh and serdev_test.sh share, sourced by both (in the VM
# image beside them, not a test of its own: build-initramfs.sh lists no
# *_lib.sh).  The caller sets T, its scratch directory, first.
#   result, wait_for     scripts/ktap.sh's, showing the tails of $T/out,
#                        $T/err and $T/sim.err on a failure
#   sim_start FAR [RATE] atmqtt-sim, paced at RATE (-B) if given, its pty
#                        relayed to the tty FAR (at RATE, else 115200)
#                        both ways by two cats; sim_stop
# and $T/bin: all 256 byte values, four times (1024 bytes).
# result, wait_for (scripts/ktap.sh, beside the tests in the image)
. "$(dirname "$0")/ktap.sh"
KTAP_SHOW="$T/out $T/err $T/sim.err"

i=0
while [ $i -lt 256 ]; do printf "\\$(printf %03o $i)"; i=$((i + 1)); done >$T/b256
cat $T/b256 $T/b256 $T/b256 $T/b256 >$T/bin

sim= relay_in= relay_out=
# A rate the FAR port's UART cannot take (a PCI 16550's clock gives it
# 115200 at most) leaves it at the one it has: the wire does not care, the
# simulator paces its side at RATE all the same.
sim_start() {
	stty -F /dev/$1 raw -echo -crtscts clocal "${2:-115200}" 2>/dev/null ||
		echo "# $1 cannot run at ${2:-115200} baud: the simulator paces it"
	: >$T/sim.out
	atmqtt-sim ${2:+-B "$2"} -l $T/simlog >$T/sim.out 2>$T/sim.err &
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
