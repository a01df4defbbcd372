#!/bin/sh
# In the VM: attach one simulated modem and drive the family with the C code
# YNL generates from the spec (atmqtt-ynl-test, built by scripts/ynl/check.sh);
# then compare the family's policy dump, nested policies included, with the
# spec's checks (atmqtt-policy-test, the same).
T=/tmp/ynl.$$
mkdir -p $T
atmqtt-sim -c $T/ctl >$T/sim.out 2>$T/sim.err &
sim=$!
i=0
until [ -s $T/sim.out ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
tty=$(head -n 1 $T/sim.out)
atmqtt attach -f "$tty" &
att=$!
i=0
until atmqtt list 2>/dev/null | grep -q ready || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
atmqtt-ynl-test
rc=$?
atmqtt-policy-test || rc=1
atmqtt detach "$tty" >/dev/null 2>&1
wait $att 2>/dev/null
kill $sim 2>/dev/null
wait $sim 2>/dev/null
rm -rf $T
exit $rc
