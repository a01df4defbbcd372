#!/bin/sh
# The demo, inside the VM: the simulator on a pty, the line discipline
# attached to it, and a publish/subscribe round trip through the kernel in
# both directions against the mosquitto broker on the VM's loopback.
set -u

step() { echo "==> $*"; }
fail() { echo "demo: FAILED: $*"; exit 1; }

# wait_for CMD... : retry a command for up to 10 s.
wait_for() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.1
	done
}

step "atmqtt.ko is loaded: line discipline $(cat /sys/module/atmqtt/parameters/ldisc)"

step "starting the modem simulator, bridged to mosquitto on 127.0.0.1:1883"
atmqtt-sim >/tmp/sim.out 2>/tmp/sim.log &
sim=$!
wait_for test -s /tmp/sim.out || fail "the simulator printed no pty"
tty=$(head -n 1 /tmp/sim.out)
echo "    simulated modem on $tty"

step "atmqtt attach $tty"
atmqtt attach -f "$tty" &
attach=$!
wait_for atmqtt list || fail "no modem after attach"
atmqtt list

step "atmqtt open -h 127.0.0.1 -p 1883   (AT+MQTTOPEN, waits for +MQTTOPEN: 1,1)"
atmqtt open -h 127.0.0.1 -p 1883 || fail "open"

step "atmqtt sub -t demo/in -C 1 -v, and mosquitto_pub -t demo/in"
atmqtt sub -t demo/in -C 1 -W 20 -v >/tmp/sub.out &
sub=$!
# The subscription is made by the sub command itself; publish until the
# message comes through (a publish before the SUBACK reaches no one).
i=0
while kill -0 $sub 2>/dev/null && [ $i -lt 20 ]; do
	mosquitto_pub -h 127.0.0.1 -t demo/in -m "hello from mosquitto_pub"
	sleep 0.5
	i=$((i + 1))
done
wait $sub || fail "atmqtt sub"
echo "    atmqtt sub printed: $(cat /tmp/sub.out)"
[ "$(cat /tmp/sub.out)" = "demo/in hello from mosquitto_pub" ] ||
	fail "atmqtt sub printed the wrong message"

step "mosquitto_sub -t demo/out -C 1, and atmqtt pub -t demo/out -q 1"
mosquitto_sub -h 127.0.0.1 -t demo/out -C 1 -W 20 >/tmp/msub.out &
msub=$!
i=0
while kill -0 $msub 2>/dev/null && [ $i -lt 20 ]; do
	atmqtt pub -t demo/out -q 1 -m "hello from atmqtt pub" || fail "pub"
	sleep 0.5
	i=$((i + 1))
done
wait $msub || fail "mosquitto_sub"
echo "    mosquitto_sub printed: $(cat /tmp/msub.out)"
[ "$(cat /tmp/msub.out)" = "hello from atmqtt pub" ] ||
	fail "mosquitto_sub printed the wrong message"

step "atmqtt close; atmqtt detach $tty"
atmqtt close || fail "close"
atmqtt detach "$tty" || fail "detach"
wait $attach
kill $sim
wait $sim 2>/dev/null

step "demo passed: both directions went through the kernel"
