#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# atmqtt-bridge in the VM, between two real mosquitto brokers: a local one
# (127.0.0.1:1884) and the "cloud" (127.0.0.1:1885, persistent), which
# atmqtt-sim connects the modem's client to (-b/-p: the configuration names
# mqtt.cloud.example).  Both directions with prefixes and binary payloads,
# loops and echoes, an outage of the cloud side (the simulator breaks the
# link, the cloud broker stops) during which 1000 QoS 1 messages are
# published locally and the bridge itself restarts, then the cloud broker
# comes back and every message arrives in order; bad configurations.  KTAP.
set -u
B=127.0.0.1
L=1884
C=1885
T=/tmp/bridge.$$
PW=s3cret-Pw-4711
mkdir -p $T/cloud
t_start=$(date +%s)
cases=16
pids=

# result, ktap_plan, ktap_totals, wait_for (scripts/ktap.sh)
. "$(dirname "$0")/ktap.sh"
KTAP_SHOW="$T/out $T/err $T/status"
ktap_on_fail() {
	[ -s $T/bridge.log ] && tail -15 $T/bridge.log | sed 's/^/# log: /'
	return 0
}
ktap_plan $cases
# st KEY: a value of the bridge's status file
st() {
	sed -n "s/^$1=//p" $T/status 2>/dev/null
}
# wait_st KEY VALUE SECONDS: until the status says so
wait_st() {
	i=0
	while [ "$(st "$1")" != "$2" ] && [ $i -lt $(($3 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(st "$1")" = "$2" ]
}
# wait_ge KEY N SECONDS: until the status's KEY is at least N (the status
# file is rewritten at most once a second, and later under load)
wait_ge() {
	i=0
	while [ "$(st "$1")" -lt "$2" ] 2>/dev/null && [ $i -lt $(($3 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(st "$1")" -ge "$2" ] 2>/dev/null
}
# wait_lines FILE N SECONDS: until FILE has N lines
wait_lines() {
	i=0
	while [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -lt "$2" ] &&
	      [ $i -lt $(($3 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(wc -l <"$1")" -ge "$2" ]
}
# broker NAME PORT EXTRA: a mosquitto of our own, up before it returns
broker() {
	{
		echo "listener $2 127.0.0.1"
		echo "allow_anonymous true"
		echo "user root"
		echo "max_queued_messages 5000"
		echo "log_dest file $T/$1.log"
		echo "$3"
	} >$T/$1.conf
	mosquitto -c $T/$1.conf >>$T/$1.out 2>&1 &
	eval "$1=$!"
	i=0
	until mosquitto_pub -h $B -p $2 -t ready -m 1 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
		[ $i -ge 50 ] && return 1
	done
}
bridge_start() {
	atmqtt-bridge run -c $T/vmtest.conf -S $T/status >>$T/bridge.log 2>&1 &
	bridge=$!
}
# sub PORT TOPIC COUNT OUT [ARGS]: mosquitto_sub in the background for
# COUNT messages, returning once its subscription is in: it subscribes to
# a retained "ready" too, which comes once it is.
sub() {
	p=$1 t=$2 c=$3 o=$4
	shift 4
	mosquitto_pub -h $B -p $p -r -t "ready/$p" -m ready
	: >$o
	mosquitto_sub -h $B -p $p -t "$t" -t "ready/$p" -C $((c + 1)) -W 30 \
		"$@" >$o 2>>$T/err &
	subpid=$!
	i=0
	while [ ! -s $o ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# got FILE: what sub() received but its "ready"
got() {
	grep -v "ready$" "$1"
}

broker local $L "persistence false"
broker cloud $C "persistence true
persistence_location $T/cloud/
autosave_interval 1"

atmqtt-sim -c $T/ctl -b $B -p $C >$T/sim.out 2>$T/sim.err &
sim=$!
i=0
until [ -s $T/sim.out ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
tty=$(head -n 1 $T/sim.out)
atmqtt attach -f "$tty" >/dev/null &
att=$!
i=0
until atmqtt list 2>/dev/null | grep -q "pts${tty#/dev/pts/} .*READY" ||
      [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done

cat >$T/vmtest.conf <<EOF
# the bridge of bridge_test.sh
connection vmtest
modem $tty
modem_client 1
address mqtt.cloud.example:1883
keepalive_interval 30
cleansession false
remote_clientid gw42
remote_username gw42
remote_password $PW
restart_timeout 0.5 1
local_address $B:$L
notifications true
notifications_local_only true
topic up/# out 1 lan/ gw42/
topic down/# in 1 lan/ gw42/
topic shared/# both 1 lan/ gw42/
EOF
chmod 600 $T/vmtest.conf
bridge_start

# 1: up, and its status says so
: >$T/out
wait_st state up 30 && wait_st local_out connected 10 &&
	atmqtt-bridge status -S $T/status >$T/out &&
	grep -q "state  *up" $T/out && grep -q "local_out  *connected" $T/out &&
	atmqtt clients | grep -qw open &&
	[ "$(mosquitto_sub -h $B -p $L -t '$SYS/broker/connection/gw42/state' \
		-C 1 -W 5)" = 1 ]
result $? bridge_up

# 2, 3: local -> cloud, with the prefixes, text and binary
sub $C 'gw42/up/#' 1 $T/o1 -v
mosquitto_pub -h $B -p $L -t lan/up/t1 -q 1 -m "hello cloud"
wait $subpid
got $T/o1 >$T/out
[ "$(cat $T/out)" = "gw42/up/t1 hello cloud" ]
result $? local_to_cloud_prefixed

i=0
while [ $i -lt 256 ]; do printf "\\$(printf %03o $i)"; i=$((i + 1)); done >$T/bin
cat $T/bin $T/bin $T/bin $T/bin >$T/bin1024
sub $C gw42/up/bin 1 $T/o2 -N
mosquitto_pub -h $B -p $L -t lan/up/bin -q 1 -f $T/bin1024
wait $subpid
# -N: no newline between the two messages; the payload is the tail
tail -c 1024 $T/o2 >$T/out2
cmp -s $T/bin1024 $T/out2
result $? local_to_cloud_binary_1024

# 4, 5: cloud -> local, with the prefixes, text and binary
sub $L 'lan/down/#' 1 $T/i1 -v
mosquitto_pub -h $B -p $C -t gw42/down/t2 -q 1 -m "hello lan"
wait $subpid
got $T/i1 >$T/out
[ "$(cat $T/out)" = "lan/down/t2 hello lan" ]
result $? cloud_to_local_prefixed

sub $L lan/down/bin 1 $T/i2 -N
mosquitto_pub -h $B -p $C -t gw42/down/bin -q 1 -f $T/bin
wait $subpid
tail -c 256 $T/i2 >$T/out2
cmp -s $T/bin $T/out2
result $? cloud_to_local_binary

# 6: a "both" message from the cloud comes in once and never goes back
: >$T/err
mosquitto_sub -h $B -p $C -t 'gw42/shared/#' -v >$T/cs 2>>$T/err &
cs=$!
mosquitto_sub -h $B -p $L -t 'lan/shared/#' -v >$T/ls 2>>$T/err &
ls=$!
sleep 1
mosquitto_pub -h $B -p $C -t gw42/shared/c1 -q 1 -m from-cloud
wait_lines $T/ls 1 10
sleep 2
cat $T/cs $T/ls >$T/out
[ "$(cat $T/ls)" = "lan/shared/c1 from-cloud" ] &&
	[ "$(cat $T/cs)" = "gw42/shared/c1 from-cloud" ]
result $? both_in_no_loop

# 7: a "both" message from the lan goes out once; its echo is dropped
mosquitto_pub -h $B -p $L -t lan/shared/l1 -q 1 -m from-lan
wait_lines $T/cs 2 10
sleep 2
kill $cs $ls 2>/dev/null
cat $T/cs $T/ls >$T/out
[ "$(grep -c from-lan $T/cs)" = 1 ] && [ "$(grep -c from-lan $T/ls)" = 1 ] &&
	sleep 1 && [ "$(st echoes_dropped)" -ge 1 ]
result $? both_out_once_echo_dropped

# 8: a publish acknowledged too late (the cloud has the message, the
# modem's +MQTTPUB comes after the module's urc timeout) is left to
# mosquitto, which sends it again: one duplicate at the cloud, counted.
urc_old=$(cat /sys/module/atmqtt/parameters/urc_timeout_ms)
echo 1500 >/sys/module/atmqtt/parameters/urc_timeout_ms
sleep 1.2
retried0=$(st retried)
sub $C gw42/up/dup 2 $T/d1 -v
echo "delay pub 2500" >$T/ctl
sleep 0.2
mosquitto_pub -h $B -p $L -t lan/up/dup -q 1 -m "late ack"
wait $subpid
echo "$urc_old" >/sys/module/atmqtt/parameters/urc_timeout_ms
sleep 1.2
got $T/d1 >$T/out
[ "$(grep -c "^gw42/up/dup late ack$" $T/out)" = 2 ] &&
	[ "$(st retried)" = $((retried0 + 1)) ]
result $? late_ack_sent_again_duplicate_counted

# 9-13: the outage.  1..200 are being forwarded when the link breaks,
# one of them in flight (the cloud has it, the modem has not said so);
# 201..1200 (1000 messages) are published during the outage, and five
# QoS 0 ones; the bridge restarts; the cloud comes back.
: >$T/err
mosquitto_sub -h $B -p $C -c -i cloudsub -q 1 -t gw42/up/seq >$T/seq 2>>$T/err &
seqsub=$!
sleep 1
( i=1
  while [ $i -le 1200 ]; do
	echo $i
	if [ $i = 200 ]; then
		while [ ! -e $T/go ]; do sleep 0.1; done
	fi
	i=$((i + 1))
  done ) | mosquitto_pub -h $B -p $L -q 1 -t lan/up/seq -l 2>>$T/err &
pub=$!
wait_lines $T/seq 20 20
# A publish is in flight when the link breaks: the cloud has it, its
# +MQTTPUB is held back (it would keep the bridge waiting 30 s).
echo "delay pub 5000" >$T/ctl
sleep 0.5
echo "break 1 2" >$T/ctl
sleep 0.3
kill $cloud
wait $cloud 2>/dev/null
t0=$(date +%s)
wait_st state down 10 && wait_st monitor on 5
down=$?
touch $T/go
wait $pub
prc=$?
i=1
while [ $i -le 5 ]; do
	mosquitto_pub -h $B -p $L -q 0 -t lan/up/q0 -m "zero $i"
	i=$((i + 1))
done
sleep 1.5
cp $T/status $T/status.outage
[ $down = 0 ] && [ $prc = 0 ] && [ "$(st state)" = down ] &&
	[ "$(mosquitto_sub -h $B -p $L -t '$SYS/broker/connection/gw42/state' \
		-C 1 -W 5)" = 0 ]
result $? link_down_during_outage

# the monitor's counts: what mosquitto keeps, what QoS 0 loses
queued=$(st queued)
dropped=$(st dropped_qos0)
echo "# outage: queued=$queued dropped_qos0=$dropped (want 1000 and 5)"
[ "$queued" = 1000 ] && [ "$dropped" = 5 ]
result $? outage_counted_queued_and_qos0_dropped

# the bridge restarts during the outage
kill $bridge
wait $bridge
brc=$?
[ $brc = 0 ] && [ "$(st state)" = stopped ]
stopped=$?
bridge_start
sleep 2
[ $stopped = 0 ] && kill -0 $bridge && [ "$(st state)" != up ]
result $? bridge_restarts_during_outage

# the cloud comes back: everything, in order
broker cloud $C "persistence true
persistence_location $T/cloud/
autosave_interval 1"
wait_st state up 30
awk_check='
	{ if ($1 == next_) next_++; else if ($1 < next_) dup++; else gap++ }
	END { printf "%d %d %d %d\n", NR, next_ - 1, dup, gap }'
i=0
while [ $i -lt 360 ]; do
	set -- $(awk -v next_=1 "$awk_check" $T/seq)
	[ "$2" -ge 1200 ] && break
	sleep 0.5
	i=$((i + 1))
done
t1=$(date +%s)
set -- $(awk -v next_=1 "$awk_check" $T/seq)
echo "# outage figures: published 1200 (1000 during the outage), received $1, delivered in order $2, duplicates $3, gaps $4; retried by the bridge before its restart $(sed -n 's/^retried=//p' $T/status.outage), after $(st retried); $((t1 - t0)) s from the break to the last"
cp $T/status $T/out
[ "$2" = 1200 ] && [ "$4" = 0 ]
result $? outage_all_delivered_in_order

wait_ge forwarded_out 1000 15 && cp $T/status $T/out &&
	[ "$(st outages)" = 0 ] &&
	[ "$(st lost_in)" = 0 ]
result $? restarted_bridge_drained_the_queue

# 14: nothing secret in the logs, the status, the check output
atmqtt-bridge check -c $T/vmtest.conf >$T/out 2>&1
! grep -q "$PW" $T/bridge.log $T/status $T/status.outage $T/out &&
	grep -q "link up" $T/bridge.log && grep -q "link down" $T/bridge.log &&
	grep -q "remote_password is set" $T/out
result $? logs_say_what_happened_nothing_secret

# 15: bad configurations, refused naming the line, by check and by run
printf '%s\n' "modem $tty" "address x" "topic a/#/b out 1" >$T/bad1.conf
printf '%s\n' "modem $tty" "address x" "topic a" "keepalive_interval 900" \
	>$T/bad2.conf
atmqtt-bridge check -c $T/bad1.conf >$T/out 2>$T/err
r1=$?
atmqtt-bridge run -c $T/bad2.conf -S $T/bad.status >>$T/out 2>>$T/err
r2=$?
[ $r1 = 2 ] && [ $r2 = 2 ] &&
	grep -q "^$T/bad1.conf:3: topic: pattern 'a/#/b'" $T/err &&
	grep -q "^$T/bad2.conf:4: keepalive_interval: 900 is out of range" $T/err &&
	[ ! -e $T/bad.status ]
result $? bad_configurations_refused_with_line

# 16: a stop closes the modem's client and says so
kill $bridge
wait $bridge
brc=$?
[ $brc = 0 ] && [ "$(st state)" = stopped ] && atmqtt clients >$T/out &&
	! grep -qw open $T/out
result $? stop_closes_the_client

sed 's/^/# log: /' $T/bridge.log
kill $seqsub $cloud $local $att 2>/dev/null
wait $att 2>/dev/null
kill $sim 2>/dev/null
wait 2>/dev/null
rm -rf $T
echo "# bridge_test.sh took $(($(date +%s) - t_start)) s"
ktap_totals $cases
