#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The atmqtt CLI against the real module, atmqtt-sim and mosquitto, in the
# VM: every subcommand once, binary payloads both ways, exit codes.  KTAP.
set -u
B=127.0.0.1
T=/tmp/cli.$$
mkdir -p $T
cases=33
# result, ktap_plan, ktap_totals, wait_for (scripts/ktap.sh)
. "$(dirname "$0")/ktap.sh"
KTAP_SHOW="$T/out $T/err"
ktap_plan $cases
# check NAME CMD...: the command succeeds
check() {
	name=$1
	shift
	"$@" >$T/out 2>$T/err
	result $? "$name"
}

atmqtt-sim -c $T/ctl -l $T/simlog >$T/sim.out 2>$T/sim.err &
sim=$!
i=0
until [ -s $T/sim.out ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
tty=$(head -n 1 $T/sim.out)
atmqtt monitor >$T/monitor 2>&1 &
mon=$!
atmqtt monitor -e message,modem >$T/monitor-e 2>&1 &
mone=$!
atmqtt attach -f "$tty" &
att=$!
i=0
until atmqtt list 2>/dev/null | grep -q "pts" || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done

check attach_and_list sh -c "atmqtt list | grep -q pts${tty#/dev/pts/}"
check list_json sh -c "atmqtt -j list | grep -q '\"tty\":\"pts'"
check conf_mode1_after_attach sh -c "atmqtt conf | grep -qx 'mode 1'"
check open atmqtt open -h $B -p 1883
check openable_closable sh -c \
	"atmqtt openable | grep -qx 2 && atmqtt closable | grep -qx 1"
check user_set_get sh -c \
	"atmqtt user -c 2 -u alice -P pw --id dev1 && atmqtt user get | grep -q alice"
check will_set_get sh -c \
	"atmqtt will -c 2 -t w/t -m bye -q 1 && atmqtt will get | grep -q w/t"
check test_form sh -c \
	"atmqtt test pub | grep -qxF '+MQTTPUB: (1,2),255,(0-2),(0,1),1024'"
check at_passthrough sh -c "atmqtt at 'AT+COPS?' | grep -q '^+COPS: '"

# sub -v receives what mosquitto_pub sends.
atmqtt sub -t cli/in -q 1 -C 1 -W 20 -v >$T/sub.out 2>$T/err &
sub=$!
i=0
while kill -0 $sub 2>/dev/null && [ $i -lt 40 ]; do
	mosquitto_pub -h $B -t cli/in -m "hello cli"
	sleep 0.3
	i=$((i + 1))
done
wait $sub
rc=$?
[ $rc = 0 ] && [ "$(cat $T/sub.out)" = "cli/in hello cli" ]
result $? sub_verbose

# A binary file (all 256 byte values) out with pub -f, in with sub -N.
i=0
while [ $i -lt 256 ]; do printf "\\$(printf %03o $i)"; i=$((i + 1)); done >$T/bin
mosquitto_sub -h $B -t cli/bin -C 1 -W 20 -N >$T/msub.out 2>$T/err &
msub=$!
sleep 0.5
i=0
while kill -0 $msub 2>/dev/null && [ $i -lt 20 ]; do
	atmqtt pub -t cli/bin -q 1 -f $T/bin 2>>$T/err
	sleep 0.3
	i=$((i + 1))
done
wait $msub
cmp -s $T/bin $T/msub.out
result $? pub_binary_file

atmqtt sub -t cli/binin -q 1 -C 1 -W 20 -N >$T/sub.bin 2>$T/err &
sub=$!
i=0
while kill -0 $sub 2>/dev/null && [ $i -lt 40 ]; do
	mosquitto_pub -h $B -t cli/binin -q 1 -f $T/bin
	sleep 0.3
	i=$((i + 1))
done
wait $sub
cmp -s $T/bin $T/sub.bin
result $? sub_binary_no_newline

check pub_stdin sh -c "printf 'a\\0b\"c' | atmqtt pub -t cli/x -s -q 1"
check clients_subs_unsub sh -c \
	"atmqtt sub -t cli/keep --no-wait && atmqtt subs | grep -q cli/keep &&
	 atmqtt unsub -t cli/keep && ! atmqtt subs | grep -q cli/keep &&
	 atmqtt clients | grep -q open"
check policy sh -c \
	"atmqtt policy --reconnect on --min 200 --max 1000 &&
	 atmqtt -j clients | grep -q '\"reconnect\":true'"

# Exit codes: 2 for bad usage, 1 for a refused request.
atmqtt pub -t >/dev/null 2>&1
u=$?
atmqtt sub -t 'bad"topic' --no-wait >$T/out 2>$T/err
r=$?
[ $u = 2 ] && [ $r = 1 ] && grep -q "ATMQTT_A_MSG_TOPIC" $T/err
result $? exit_codes

# A range of the policy: the core's -ERANGE, and the attribute and the rule
# libatmqtt composes from the policy the kernel sends.
atmqtt sub -t cli/range -q 3 --no-wait >$T/out 2>$T/err
r=$?
[ $r = 1 ] &&
	grep -q "^atmqtt: subscribe: Numerical result out of range: ATMQTT_A_MSG_QOS: must be 0-2$" $T/err
result $? range_names_attribute_and_rule

# Inside the family's policy (1-255) but past the NL668's two clients: the
# kernel's -ERANGE and message.
atmqtt sub -c 3 -t cli/three --no-wait >$T/out 2>$T/err
r=$?
[ $r = 1 ] &&
	grep -q "ATMQTT_A_CLIENT_ID: this modem takes 1-2$" $T/err &&
	! grep -q "MQTTSUB=3" $T/simlog
result $? client_past_the_modem_limit

# GET_MODEM's limits of the simulated NL668, and its dialect.
check limits_of_the_nl668 sh -c "atmqtt limits | grep -qE '^modem [0-9]+ dialect fibocom clients 2 host 255 topic 255 payload 1024 user_name 128 password 128 client_ident 23 keepalive 300 qos 2 subs 128 binary yes tls no$'"

check close_detach sh -c "atmqtt close && atmqtt detach '$tty'"
sleep 0.5
kill $mon $mone 2>/dev/null
wait $att 2>/dev/null
grep -q "message" $T/monitor && grep -q "result" $T/monitor
result $? monitor_saw_events
# -e: the messages and the detach (the attach may come before it listens),
# none of the results
cp $T/monitor-e $T/out; : >$T/err
grep -q ": message " $T/monitor-e && grep -q ": modem detached" $T/monitor-e &&
	! grep -v -e ": message " -e ": modem " $T/monitor-e | grep -q .
result $? monitor_events_filtered

# A stable name, as udev makes them: attach, -M and detach by a by-id
# link to the pty, known by its device number (or name) all the same.
n_tty=pts${tty#/dev/pts/}
set -- $(stat -L -c '%t %T' "$tty")
dev=$((0x$1)):$((0x$2))
byid=/dev/serial/by-id/usb-Fibocom_test-if02-port0
mkdir -p /dev/serial/by-id
ln -sf "$tty" $byid
check attach_by_id sh -c "atmqtt attach $byid >$T/out &&
	grep -qx 'atmqtt: $byid attached as modem [0-9]*' $T/out &&
	[ -s /run/atmqtt/$n_tty/attach.pid ]"
check list_shows_the_device_number sh -c \
	"atmqtt list | grep -qE '^[0-9]+ +$n_tty +($dev|-) +ready'"
check modem_by_id sh -c "atmqtt conf -M $byid | grep -qx 'mode 1'"
pid=$(cat /run/atmqtt/$n_tty/attach.pid 2>/dev/null)
atmqtt attach "$tty" >$T/out 2>$T/err
r=$?
[ $r = 1 ] && grep -q "attached already (atmqtt attach, pid $pid)" $T/err &&
	kill -0 "$pid" && atmqtt conf -M $byid >/dev/null
result $? second_attach_refused
check detach_by_id sh -c "atmqtt detach $byid &&
	! atmqtt list | grep -q ' $n_tty ' && [ ! -e /run/atmqtt/$n_tty ]"
check attach_and_detach_at_once sh -c "
	for i in 1 2 3; do
		atmqtt attach $byid >/dev/null && atmqtt detach $byid || exit 1
	done
	! atmqtt list | grep -q ' $n_tty '"
# A failed attach puts N_TTY back: in a network namespace of its own the
# netlink family is out of reach once the line discipline is set.
if unshare -n true 2>/dev/null; then
	unshare -n atmqtt attach -f $byid >$T/out 2>$T/err
	r=$?
	[ $r = 1 ] && grep -q "cannot reach the atmqtt netlink family" $T/err &&
		! atmqtt list | grep -q " $n_tty " && [ ! -e /run/atmqtt/$n_tty ] &&
		atmqtt attach $byid >/dev/null && atmqtt detach $byid
	result $? failed_attach_restores_n_tty
else
	n=$((n + 1))
	echo "ok $n failed_attach_restores_n_tty # SKIP no network namespaces"
fi
# detach signals nothing but the attach of that tty
atmqtt attach $byid >/dev/null
pid=$(cat /run/atmqtt/$n_tty/attach.pid 2>/dev/null)
sleep 300 &
other=$!
echo $other >/run/atmqtt/$n_tty/attach.pid
atmqtt detach $byid >$T/out 2>$T/err
r=$?
echo "$pid" >/run/atmqtt/$n_tty/attach.pid
[ $r = 1 ] && grep -q "names process $other, which is another program" $T/err &&
	kill -0 $other && kill -0 "$pid"
result $? detach_refuses_another_process
kill $other; wait $other 2>/dev/null
check sigterm_detaches sh -c "kill $pid; i=0
	while [ -e /run/atmqtt/$n_tty ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
	! atmqtt list | grep -q ' $n_tty '"
check version_names_the_module sh -c \
	"atmqtt --version | grep -qE '^module (loaded, version unknown|[0-9])'"
# atmqtt runs with the libatmqtt.so.1 of its own build, the image's.
atmqtt --version >$T/out 2>$T/err
v_cli=$(sed -n 's/^atmqtt //p' $T/out) v_lib=$(sed -n 's/^libatmqtt //p' $T/out)
[ -n "$v_cli" ] && [ "$v_lib" = "$v_cli" ]
result $? version_names_the_library

kill $sim 2>/dev/null
wait $sim 2>/dev/null
rm -rf $T
ktap_totals $cases
