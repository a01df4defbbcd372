#!/bin/sh
# Inside the VM: run every kselftest binary of the image; each prints KTAP.
rc=0
for t in $(cat /selftests.list 2>/dev/null); do
	/selftests/$t || rc=1
done
exit $rc
