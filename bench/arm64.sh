#!/bin/sh
# bench/arm64.sh KVER LOG: make bench's arm64 run (mk/bench.mk).  The
# module, the simulator and atmqtt-bench cross-built for arm64 against
# Debian's KVER (scripts/cross-build.sh, then bench/ in build/arm64/), and
# one VM of Debian's arm64 image on qemu's virt board, 1 vCPU,
# instruction-timed, running the workloads the x86-64 instruction-timed
# run runs and memory: its console in LOG, for bench/report.sh's arm64
# column.  What is missing for it (the cross compiler, the arm64 libraries,
# headers or image, qemu-system-aarch64) makes it a skip, said on stdout
# and in LOG, exit 0: the column then reads "-".  A build or VM that fails
# exits 1.
set -eu
kver=$1 log=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cross=aarch64-linux-gnu-
pc="PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config"

skip() {
	echo "arm64: skipped: $*" | tee "$log"
	exit 0
}
command -v ${cross}gcc >/dev/null || skip "no ${cross}gcc (scripts/deps.sh)"
command -v qemu-system-aarch64 >/dev/null || skip "no qemu-system-aarch64"
[ -f scripts/cross-build.sh ] || skip "no scripts/cross-build.sh"
env $pc pkg-config --exists libnl-genl-3.0 libmosquitto 2>/dev/null ||
	skip "no arm64 libnl or libmosquitto (multiarch, scripts/deps.sh)"
sh scripts/kernel-headers.sh "$kver" >/dev/null 2>&1 ||
	skip "no headers of $kver (scripts/deps.sh)"
sh scripts/kernel-image.sh "$kver" >/dev/null 2>&1 ||
	skip "no image of $kver (scripts/deps.sh)"

# The module, libatmqtt and the simulator (and what else make check's VM
# runs: cross-build.sh builds it all), then atmqtt-bench beside them.
sh scripts/cross-build.sh arm64 "$kver" tools/sim/atmqtt-sim >"$log.build" 2>&1 ||
	{ tail -20 "$log.build"; echo "arm64: cross-build.sh failed"; exit 1; }
rm -rf build/arm64/bench
mkdir -p build/arm64/bench
cp -r bench/Makefile bench/atmqtt_bench build/arm64/bench/
make -s -C build/arm64/bench atmqtt-bench CC=${cross}gcc PKG_CONFIG="$pc" \
	>>"$log.build" 2>&1 ||
	{ tail -20 "$log.build"; echo "arm64: atmqtt-bench failed to build"; exit 1; }

ATMQTT_VM_ARCH=arm64 ATMQTT_KVER=$kver ATMQTT_VM_SMP=1 ATMQTT_VM_ICOUNT=0 \
ATMQTT_VM_APPEND="${ATMQTT_VM_APPEND:-} atmqtt.bench_workloads=memory,latency,roundtrip,throughput" \
	sh scripts/vm/run.sh bench build/arm64/atmqtt.ko \
	build/arm64/tools/sim/atmqtt-sim build/arm64/bench/atmqtt-bench \
	>"$log" 2>&1 || { tail -40 "$log"; exit 1; }
