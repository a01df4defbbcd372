#!/bin/sh
# The whole test suite: host unit tests, lint (checkpatch, sparse, W=1, gcc
# and clang -Werror, scan-build), the library/CLI host checks, libatmqtt's
# ABI, and the kselftests in the VM on every supported kernel.  Every stage
# prints KTAP; the totals come last as "N passed, N failed".
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$top/build/check.log
mkdir -p build
: >"$log"

# Host unit tests of the parser.
echo "==> host unit tests (selftests/unit)"
make -s -C selftests/unit run 2>&1 | tee -a "$log"

# checkpatch, sparse and W=1 on every kernel, gcc and clang -Werror,
# scan-build (scripts/lint.sh, also `make lint`).
echo "==> lint: checkpatch, sparse, W=1, gcc/clang -Werror, scan-build"
KVERS="${ATMQTT_KVERS:?no kernels: run through make check}" sh scripts/lint.sh \
	2>&1 | tee build/lint.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/lint.out >>"$log"

# The YNL spec against the 6.12 schema and generator (the generated client
# runs in the VM as selftests/ynl/ynl_test.sh).
echo "==> YNL spec (Documentation/netlink/specs/atmqtt.yaml)"
sh scripts/ynl/check.sh 2>&1 | tee build/ynl.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/ynl.out >>"$log"

# Documentation: the pictures are the renderings of their .dot files, and
# every page parses without a warning.
echo "==> Documentation (pictures current, reStructuredText parses)"
sh scripts/docs.sh --check 2>&1 | tee build/docs.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/docs.out >>"$log"

# The device tree binding of the serdev transport, with dt-schema and dtc.
echo "==> device tree binding (Documentation/devicetree/bindings)"
sh scripts/dt/check.sh 2>&1 | tee build/dt.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/dt.out >>"$log"

# make install into a staging tree (files, SONAME, pkg-config, systemd
# unit, man pages, completion, uninstall), and DKMS for every installed
# kernel's headers.
echo "==> install, pkg-config, systemd unit, man pages, completion"
sh selftests/install/run.sh 2>&1 | tee build/install.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/install.out >>"$log"
echo "==> DKMS add/build/install on every installed kernel"
sh scripts/check-dkms.sh 2>&1 | tee build/dkms.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/dkms.out >>"$log"

# libFuzzer on the parser: a short pass per target, and a replay of the seed
# corpus and of every crash ever found (fuzz/crashes/).
echo "==> fuzzing the parser (short pass; make fuzz for a long one)"
make -s -C fuzz smoke 2>&1 | tee build/fuzz.out | grep -E "^(not )?ok |^#"
grep -E "^(not )?ok [0-9]+ " build/fuzz.out >>"$log"

# libatmqtt and the CLI against a scripted kernel (tools/atmqtt/tests).
echo "==> host tests of libatmqtt and the CLI"
if cli_out=$(make -s -C tools/atmqtt check 2>&1); then
	echo "$cli_out" | sed 's/^/# /'
	echo "ok 1 lib_and_cli_host_checks" | tee -a "$log"
else
	echo "$cli_out" | sed 's/^/# /'
	echo "not ok 1 lib_and_cli_host_checks" | tee -a "$log"
fi

# host_ktap OUT NAME CMD...: a host check that prints KTAP, its output in
# build/OUT; its results join the log, and a run that ends without its
# "# Totals" line counts as the failing test NAME.
host_ktap() {
	out=build/$1 name=$2
	shift 2
	"$@" >"$out" 2>&1
	grep -E "^(not )?ok |^# Totals" "$out"
	grep -E "^(not )?ok [0-9]+ " "$out" >>"$log"
	grep -qE "^# Totals: " "$out" ||
		{ tail -5 "$out"; echo "not ok 1 $name" | tee -a "$log"; }
}

# libatmqtt's ABI: the version script, the header's functions and the
# library's exports agree, and abidiff finds no incompatible change from
# lib/abi/libatmqtt.so.1.xml (scripts/abi/check.sh, also make abi-check).
echo "==> libatmqtt's ABI (symbols, abidiff against the baseline)"
host_ktap abi.out abi_check sh scripts/abi/check.sh

# atmqtt-bridge's configuration parser: every refusal names its line
# (tools/bridge/tests/conf.sh, KTAP).
echo "==> host tests of atmqtt-bridge's configuration"
host_ktap bridge-conf.out bridge_conf_host_checks make -s -C tools/bridge check

# atmqtt-sim's own faults on a pty, from the host (tools/sim/tests/faults.py,
# KTAP): what the kselftests rely on the simulator to do.
echo "==> host tests of atmqtt-sim"
host_ktap sim-faults.out sim_host_checks make -s -C tools/sim check

# vm_suite NAME IMAGE KO FILE...: the kselftests in a VM booting IMAGE with
# the module KO; a VM that fails without a failing test counts as one.
# vm_arch: the VM's architecture (scripts/vm/run.sh's ATMQTT_VM_ARCH);
# vm_wires: its serial wires for selftests/serial (ATMQTT_VM_WIRES).
vm_suite() {
	name=$1 image=$2 ko=$3
	shift 3
	out=build/vm-check-$name.out
	if ! ATMQTT_VM_ARCH=${vm_arch:-x86_64} ATMQTT_VM_WIRES=${vm_wires:-} \
		ATMQTT_VM_SERDEV=${vm_serdev:-} ATMQTT_KERNEL=$image \
		sh scripts/vm/run.sh check "$ko" "$@" >"$out" 2>&1; then
		vm_rc=1
	else
		vm_rc=0
	fi
	cat "$out"
	grep -E "^ *(not )?ok [0-9]+ " "$out" >>"$log"
	if [ $vm_rc -ne 0 ] && ! grep -qE "^ *not ok " "$out"; then
		echo "not ok 1 vm_run_completed_$name" | tee -a "$log"
	fi
}

# The kselftests, once per supported kernel (ATMQTT_KVERS, set by the
# Makefile), each with the module built for it in build/ko-<kver>/.
# selftests/serial (the line discipline on the 8250 and on a USB serial
# adapter, the simulator at the far end of the wire) runs on the first,
# Debian's 6.1; the drivers are the kernel's, the line discipline is the
# same on 6.12.
first=1
for kver in ${ATMQTT_KVERS:?no kernels: run through make check}; do
	echo "==> kselftests in the VM, kernel $kver"
	if image=$(sh scripts/kernel-image.sh "$kver"); then
		[ $first = 1 ] && vm_wires="uart usb"
		vm_suite "$kver" "$image" "build/ko-$kver/atmqtt.ko" "$@"
		vm_wires= first=0
	else
		echo "not ok 1 vm_kernel_image_$kver" | tee -a "$log"
	fi
done

# The ARM kernels (ATMQTT_ARM_TARGETS: ARCH:KVER, set by the Makefile, e.g.
# arm64:6.1.0-57-arm64 armhf:6.1.0-57-armmp): the module and every file the
# VM runs cross-built into build/ARCH/ (scripts/cross-build.sh, with -Werror
# on the user-space code), then the same kselftests in qemu-system-aarch64
# or qemu-system-arm booting Debian's image of KVER.
for t in ${ATMQTT_ARM_TARGETS:-}; do
	arch=${t%%:*} kver=${t#*:}
	echo "==> cross-building for $arch, kernel $kver"
	if sh scripts/cross-build.sh "$arch" "$kver" "$@" \
		>"build/cross-$arch.log" 2>&1 &&
	   image=$(sh scripts/kernel-image.sh "$kver" 2>>"build/cross-$arch.log"); then
		echo "ok 1 cross_build_$arch" | tee -a "$log"
		# armhf leaves out stress_test (80 s of its 4 minutes on a loaded
		# 2-core machine): the lifecycle races it looks for are about the
		# memory model, weakly ordered on arm64 as on armhf, and arm64
		# and both x86 kernels run it.  ATMQTT_ARMHF_ALL=1 runs it too.
		files=
		for f in "$@"; do
			case $arch:$f in
			armhf:selftests/atmqtt/stress_test)
				[ "${ATMQTT_ARMHF_ALL:-0}" = 1 ] || continue ;;
			esac
			files="$files build/$arch/$f"
		done
		echo "==> kselftests in the $arch VM, kernel $kver"
		# Serial: the PL011 on both, the USB adapter on arm64.
		vm_arch=$arch vm_wires=uart
		[ "$arch" = arm64 ] && vm_wires="uart usb"
		# shellcheck disable=SC2086
		vm_suite "$arch" "$image" "build/$arch/atmqtt.ko" $files
		# The serdev transport: a modem in the board's device tree,
		# below the PL011, bound at insmod (arm64: the boards).
		if [ "$arch" = arm64 ]; then
			echo "==> serdev: a modem in the $arch VM's device tree"
			vm_serdev=1 vm_wires=uart
			vm_suite "$arch-serdev" "$image" "build/$arch/atmqtt.ko" \
				"build/$arch/tools/atmqtt/atmqtt" \
				"build/$arch/tools/sim/atmqtt-sim" \
				"build/$arch/scripts/ktap.sh" \
				"build/$arch/selftests/serial/wire_lib.sh" \
				"build/$arch/selftests/serial/serdev_test.sh"
			vm_serdev=
		fi
		vm_arch= vm_wires=
	else
		sed 's/^/# /' "build/cross-$arch.log" | tail -20
		echo "not ok 1 cross_build_$arch" | tee -a "$log"
	fi
done

# Once more on a debug kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# UBSAN, DEBUG_LIST, DEBUG_OBJECTS) built from linux-source-6.1 and cached;
# ATMQTT_DEBUG_KERNEL=0 skips it.
if [ "${ATMQTT_DEBUG_KERNEL:-1}" != 0 ]; then
	echo "==> kselftests in the VM, debug kernel"
	ko=build/ko-debug
	if dk=$(sh scripts/debug-kernel/build.sh) &&
	   rm -rf $ko && mkdir -p $ko && cp -r Kbuild VERSION kernel include $ko/ &&
	   make -s -C "$dk" M="$top/$ko" modules >build/ko-debug.log 2>&1; then
		# With the serial wires: an unplugged USB modem's requests,
		# and the short writes of a 16-byte FIFO, under KASAN and
		# kmemleak too.
		vm_wires="uart usb" ATMQTT_VM_TIMEOUT=${ATMQTT_VM_TIMEOUT:-1500} \
			vm_suite debug "$dk/arch/x86/boot/bzImage" "$ko/atmqtt.ko" "$@"
		vm_wires=
	else
		sed 's/^/# /' build/ko-debug.log 2>/dev/null | tail -20
		echo "not ok 1 debug_kernel_build" | tee -a "$log"
	fi
fi

# Count test results: top-level and nested KTAP "ok N"/"not ok N" lines,
# without the summary line of each kselftest binary (unindented "ok N name"
# lines that close a nested suite are not printed by the harness).
pass=$(grep -E "^ *ok [0-9]+ " "$log" | grep -cv "# SKIP")
skip=$(grep -E "^ *ok [0-9]+ .*# SKIP" "$log" | wc -l)
fail=$(grep -cE "^ *not ok [0-9]+ " "$log")
line="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && line="$line, $skip skipped"
echo "$line"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
