#!/bin/sh
# build.sh: print the directory of a debug kernel (KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, DEBUG_LIST, DEBUG_OBJECTS) built from
# linux-source-6.1 on tinyconfig plus atmqtt.config, building it first if
# needed.  Builds are cached by a hash of the kernel source version and the
# config fragment, under ATMQTT_CACHE (default /var/cache/atmqtt), so the
# second run reuses the first (about 5 minutes on 2 cores).  The directory
# holds arch/x86/boot/bzImage and is ready for out-of-tree modules
# (modules_prepare).  Progress goes to stderr.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${KSRC:-/usr/src/linux-source-6.1}
cache=${ATMQTT_CACHE:-/var/cache/atmqtt}
hash=$( (make -s -C "$src" kernelversion; cat "$here/atmqtt.config") |
	sha256sum | cut -c1-16)
out=$cache/debug-kernel-$hash
if [ -f "$out/.atmqtt-built" ]; then
	echo "debug kernel: cached in $out" >&2
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
echo "debug kernel: building in $out (about 5 minutes on 2 cores)" >&2
start=$(date +%s)
make -s -C "$src" O="$out" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$here/atmqtt.config" >/dev/null
make -s -C "$src" O="$out" olddefconfig >/dev/null
# Every option of the fragment must have survived olddefconfig.
grep -E '^CONFIG_[A-Z0-9_]+=y' "$here/atmqtt.config" | while read -r opt; do
	grep -qx "$opt" "$out/.config" || { echo "debug kernel: $opt did not stick" >&2; exit 1; }
done
jobs=$(($(nproc) + 1))
make -s -C "$src" O="$out" -j"$jobs" bzImage modules modules_prepare >&2
touch "$out/.atmqtt-built"
echo "debug kernel: built in $(($(date +%s) - start)) s" >&2
echo "$out"
