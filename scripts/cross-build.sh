#!/bin/sh
# cross-build.sh ARCH KVER [FILE...]: cross-build, for the ARM architecture
# ARCH (arm64, armhf), atmqtt.ko against Debian's headers of KVER (unpacked
# into the cache by scripts/deps.sh) and everything the VM runs, in a copy of
# the sources at build/ARCH/ with the same commands a user types:
#   make module ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...
#   make lib tools selftests CROSS=aarch64-linux-gnu-
# plus the YNL client (make ynl generated its code in build/ynl).  Each FILE
# (the VM's files, as make check names them) must then exist under
# build/ARCH/.  Userspace builds with -Werror there too.
set -eu
arch=$1 kver=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
case $arch in
arm64) karch=arm64 cross=aarch64-linux-gnu- ;;
armhf) karch=arm cross=arm-linux-gnueabihf- ;;
*) echo "cross-build.sh: unknown architecture $arch" >&2; exit 1 ;;
esac
kdir=$(sh scripts/kernel-headers.sh "$kver")
out=build/$arch
rm -rf "$out"
mkdir -p "$out"
# The sources, without what a native build left in them.
cp -r Makefile Kbuild VERSION kernel include lib tools selftests mk "$out/"
mkdir -p "$out/scripts" && cp scripts/ktap.sh "$out/scripts/"
(cd "$out" && rm -f kernel/*.o kernel/.*.cmd kernel/*.ko *.ko *.mod* \
	modules.order Module.symvers .*.cmd)
make -s -C "$out/lib" clean >/dev/null
make -s -C "$out/tools/atmqtt" clean >/dev/null
make -s -C "$out/tools/sim" clean >/dev/null
make -s -C "$out/tools/bridge" clean >/dev/null
make -s -C "$out/selftests/atmqtt" clean >/dev/null

echo "==> $arch: atmqtt.ko against $kdir"
nice make -s -C "$out" module ARCH="$karch" CROSS_COMPILE="$cross" \
	KDIR="$kdir" 2>&1 | grep -v "^Skipping BTF generation" || true
[ -f "$out/atmqtt.ko" ] || { echo "cross-build.sh: no $out/atmqtt.ko" >&2; exit 1; }
modinfo -F vermagic "$out/atmqtt.ko" | grep -q "^$kver " ||
	{ echo "cross-build.sh: $out/atmqtt.ko is not for $kver" >&2; exit 1; }

echo "==> $arch: libatmqtt, the CLI, the simulator, the kselftests (CROSS=$cross)"
nice make -s -C "$out" lib tools selftests CROSS="$cross" >/dev/null

echo "==> $arch: the YNL client"
ynl=build/ynl
lib=build/ynl-src/linux-source-6.12/tools/net/ynl/lib
[ -f "$ynl/atmqtt-user.c" ] && [ -f "$lib/ynl.c" ] ||
	{ echo "cross-build.sh: no generated YNL code (make ynl)" >&2; exit 1; }
mkdir -p "$out/build/ynl"
cc=${cross}gcc
$cc -O2 -w -I"$ynl/inc" -I"$lib" -I"$ynl" -c "$ynl/atmqtt-user.c" -o "$out/build/ynl/atmqtt-user.o"
$cc -O2 -w -I"$ynl/inc" -I"$lib" -c "$lib/ynl.c" -o "$out/build/ynl/ynl.o"
$cc -O2 -Wall -Wextra -Werror -I"$ynl/inc" -I"$lib" -I"$ynl" \
	-c selftests/ynl/ynl_test.c -o "$out/build/ynl/ynl_test.o"
$cc -o "$out/build/ynl/atmqtt-ynl-test" "$out/build/ynl/ynl_test.o" \
	"$out/build/ynl/atmqtt-user.o" "$out/build/ynl/ynl.o"
pc="env PKG_CONFIG_LIBDIR=/usr/lib/${cross%-}/pkgconfig:/usr/share/pkgconfig pkg-config"
$cc -O2 -Wall -Wextra -Werror -Iinclude/uapi -I"$ynl" \
	$($pc --cflags libnl-genl-3.0) selftests/ynl/policy_test.c \
	-o "$out/build/ynl/atmqtt-policy-test" $($pc --libs libnl-genl-3.0)

for f in "$@"; do
	[ -e "$out/$f" ] || { echo "cross-build.sh: no $out/$f" >&2; exit 1; }
done
echo "==> $arch: built in $out"
