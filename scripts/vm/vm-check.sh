#!/bin/sh
# Inside the VM: run every kselftest binary of the image (each prints KTAP),
# then unload the module: after the whole suite nothing may still hold it.
# An image without tests is a failure, not a pass.
list=$(cat /selftests.list 2>/dev/null)
if [ -z "$list" ]; then
	echo "vm-check: no test binaries in the image"
	exit 1
fi
rc=0
for t in $list; do
	/selftests/$t || rc=1
done
echo "TAP version 13"
echo "1..1"
if rmmod atmqtt; then
	echo "ok 1 rmmod_after_suite"
else
	echo "not ok 1 rmmod_after_suite"
	rc=1
fi
exit $rc
