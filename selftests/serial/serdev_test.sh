#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The serdev transport in the VM: a modem the device tree describes below
# the board's PL011 (scripts/vm/run.sh, ATMQTT_VM_SERDEV=1, which names the
# far end of the wire as atmqtt.serdev=FAR), bound by atmqtt.ko with no
# process holding a tty.  atmqtt-sim runs on a pty relayed to FAR.
# The module was loaded by /init before the simulator ran: it is loaded
# again once the simulator is up (which also checks rmmod with the modem
# bound).  Then: the modem is listed at once under the serdev device's
# name, with mode 1 from its first commands; open, 1024 bytes of every
# value out and in, a user with its password; an unbind under load (the
# publisher's requests end, nothing leaks), a rebind (a new handle, which
# works), and rmmod with the modem bound.  KTAP.
set -u
B=127.0.0.1
T=/tmp/serdev.$$
mkdir -p $T
far=$(sed -n 's/.*atmqtt\.serdev=\([^ ]*\).*/\1/p' /proc/cmdline)
drv=/sys/bus/serial/drivers/atmqtt
ko=${ATMQTT_KO:-/atmqtt.ko}
# result, wait_for, sim_start/sim_stop, $T/bin
. "$(dirname "$0")/wire_lib.sh"
echo "TAP version 13"
if [ -z "$far" ]; then
	echo "1..0 # SKIP no modem in this VM's device tree"
	exit 0
fi
echo "1..9"
# The simulator on FAR, through a pty and two cats.
sim_start $far || echo "# the simulator did not start"

# The serdev device of the modem node, and the modem it is.
dev=$(ls $drv 2>/dev/null | grep -- '-[0-9]*$' | head -n1)
modem_line() { atmqtt list 2>/dev/null | awk -v d="$dev" '$2 == d'; }
handle() { modem_line | awk '{ print $1 }'; }

# Loaded by /init with nobody on the wire: load it again.
rmmod atmqtt >$T/out 2>$T/err && ! modem_line | grep -q . &&
	insmod $ko >>$T/out 2>>$T/err
result $? "rmmod_with_the_modem_bound_then_insmod"

dev=$(ls $drv 2>/dev/null | grep -- '-[0-9]*$' | head -n1)
[ -n "$dev" ] && wait_for sh -c "atmqtt list | awk '\$2 == \"$dev\" && \$4 == \"ready\" && \$5 == 1' | grep -q ."
result $? "bound_at_insmod_${dev:-none}_listed_ready_mode_1"
h=$(handle)

atmqtt open -M "$h" -h $B -p 1883 >$T/out 2>$T/err
result $? "open"

mosquitto_sub -h $B -t serdev/out -C 1 -W 30 -N >$T/msub.out 2>$T/err &
msub=$!
sleep 0.5
atmqtt pub -M "$h" -t serdev/out -q 1 -r -f $T/bin >$T/out 2>>$T/err
wait $msub
cmp -s $T/bin $T/msub.out
result $? "publish_1024_bytes_of_every_value"
mosquitto_pub -h $B -t serdev/out -r -n

atmqtt sub -M "$h" -t serdev/in -q 1 -C 1 -W 30 -N >$T/sub.bin 2>$T/err &
sub=$!
i=0
while kill -0 $sub 2>/dev/null && [ $i -lt 40 ]; do
	mosquitto_pub -h $B -t serdev/in -q 1 -f $T/bin
	sleep 0.5
	i=$((i + 1))
done
wait $sub
cmp -s $T/bin $T/sub.bin
result $? "receive_1024_bytes_of_every_value"

atmqtt user -M "$h" -c 2 -u serdev -P pw-serdev >$T/out 2>$T/err &&
	atmqtt user -M "$h" get | grep -q 'client 2 username "serdev".*password "pw-serdev"'
result $? "user_with_password"

# Unbind while a publisher runs: its requests end, the modem goes, no
# kernel warning (/init checks the log after the suite).
(
	while atmqtt pub -M "$h" -t serdev/load -m x >/dev/null 2>&1; do :; done
	echo done >$T/load.end
) &
load=$!
sleep 1
echo "$dev" >$drv/unbind 2>$T/err &&
	wait_for test -s $T/load.end &&
	! modem_line | grep -q . &&
	! atmqtt pub -M "$h" -t serdev/load -m y >$T/out 2>&1
result $? "unbind_under_load"
wait $load 2>/dev/null

# Bound again: a new handle, not the old one, which works.  The modem kept
# client 1 open meanwhile: the new modem learns it from AT+MQTTCLOSE?.
echo "$dev" >$drv/bind 2>$T/err &&
	wait_for sh -c "atmqtt list | awk '\$2 == \"$dev\" && \$4 == \"ready\"' | grep -q ." &&
	h2=$(handle) && [ "$h2" != "$h" ] &&
	atmqtt clients -M "$h2" | awk '$2 == 1 && $3 == "open"' | grep -q . &&
	atmqtt pub -M "$h2" -t serdev/again -m back >>$T/out 2>>$T/err
result $? "rebind_new_handle_works"

# rmmod with the modem bound and a client open, then back.
rmmod atmqtt >$T/out 2>$T/err && insmod $ko >>$T/out 2>>$T/err &&
	wait_for sh -c "atmqtt list | awk '\$2 == \"$dev\" && \$4 == \"ready\"' | grep -q ."
result $? "rmmod_with_a_client_open_then_insmod"

sim_stop
rm -rf $T
[ $fails = 0 ]
