#!/bin/sh
# kernel-image.sh KVER: print the path of Debian's kernel image KVER as
# scripts/deps.sh unpacked it into the cache (never installed in /boot).
set -eu
cache=${ATMQTT_CACHE:-/var/cache/atmqtt}
img=$cache/linux-image-$1/boot/vmlinuz-$1
[ -r "$img" ] || { echo "kernel-image.sh: no $img (run scripts/deps.sh)" >&2; exit 1; }
echo "$img"
