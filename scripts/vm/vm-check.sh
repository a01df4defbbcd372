#!/bin/sh
# Inside the VM: run every kselftest binary of the image (each prints KTAP),
# then unload the module: after the whole suite nothing may still hold it.
# On a kernel with kmemleak (the debug kernel), everything allocated since
# the suite started and no longer referenced is a failure too, found by an
# explicit scan before the unload.  An image without tests is a failure,
# not a pass.
list=$(cat /selftests.list 2>/dev/null)
if [ -z "$list" ]; then
	echo "vm-check: no test binaries in the image"
	exit 1
fi
km=/sys/kernel/debug/kmemleak
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Forget what boot left behind: only the suite's leaks count.
[ -w $km ] && echo clear >$km
rc=0
for t in $list; do
	t0=$(date +%s)
	/selftests/$t || rc=1
	echo "# $t: $(($(date +%s) - t0)) s"
done
echo "TAP version 13"
if [ -w $km ]; then
	echo "1..2"
	# kmemleak reports objects older than 5 s: let the last test's age.
	sleep 6
	echo scan >$km
	if [ -s $km ]; then
		sed 's/^/# /' $km
		echo "not ok 1 kmemleak_clean"
		rc=1
	else
		echo "ok 1 kmemleak_clean"
	fi
	n=2
else
	echo "1..1"
	n=1
fi
if rmmod atmqtt; then
	echo "ok $n rmmod_after_suite"
else
	echo "not ok $n rmmod_after_suite"
	rc=1
fi
exit $rc
