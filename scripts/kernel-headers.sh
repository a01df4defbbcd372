#!/bin/sh
# kernel-headers.sh KVER: print the build directory (KDIR) of Debian's
# headers for KVER: the host's installed ones if there are, else the ones
# scripts/deps.sh unpacked into the cache (6.12's and the ARM kernels',
# never installed).
set -eu
cache=${ATMQTT_CACHE:-/var/cache/atmqtt}
for d in /lib/modules/$1/build $cache/linux-headers-$1/usr/src/linux-headers-$1; do
	[ -r "$d/.config" ] && { echo "$d"; exit 0; }
done
echo "kernel-headers.sh: no headers for $1 (run scripts/deps.sh)" >&2
exit 1
