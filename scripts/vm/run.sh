#!/bin/sh
# run.sh MODE [FILE...]: build the initramfs and boot the VM in MODE (demo,
# check, shell); stream the console, enforce a timeout, exit with the
# status the VM reports.
set -eu
mode=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/vm
mkdir -p "$out"
# ATMQTT_KERNEL: an image; else ATMQTT_KVER: Debian's image of that version,
# unpacked into the cache by scripts/deps.sh (scripts/kernel-image.sh).
if [ -z "${ATMQTT_KERNEL:-}" ]; then
	ATMQTT_KERNEL=$(sh "$top/scripts/kernel-image.sh" "${ATMQTT_KVER:?set ATMQTT_KVER or ATMQTT_KERNEL}")
fi
kernel=$ATMQTT_KERNEL
[ -r "$kernel" ] || { echo "run.sh: no kernel image (set ATMQTT_KERNEL)"; exit 1; }
case "$mode" in
demo) timeout=${ATMQTT_VM_TIMEOUT:-300} ;;
*) timeout=${ATMQTT_VM_TIMEOUT:-900} ;;
esac

# ATMQTT_VM_ICOUNT=SHIFT: guest time counted in instructions, 2^SHIFT ns
# each (qemu -icount, sleep=on: idle time still passes), not read off the
# host's clock: a figure then depends on the instructions run and not on
# the host's load.  qemu runs the vCPUs in turn on one thread then, and the
# 6.1 kernel does not come up on 2 vCPUs that way here: 1 vCPU only.
icount=
if [ -n "${ATMQTT_VM_ICOUNT:-}" ]; then
	[ "${ATMQTT_VM_SMP:-2}" = 1 ] ||
		{ echo "run.sh: ATMQTT_VM_ICOUNT needs ATMQTT_VM_SMP=1"; exit 1; }
	icount="-icount shift=$ATMQTT_VM_ICOUNT,sleep=on"
fi
# ATMQTT_VM_QEMU_ARGS: more arguments for qemu (make bench-insns: its
# plugin and a second serial port), split at spaces.

# ATMQTT_VM_ARCH: the guest's architecture, the host's (x86_64) by default;
# arm64 and armhf boot Debian's arm64 and armmp kernels on QEMU's virt
# board, whose console is the PL011 (ttyAMA0).  build-initramfs.sh takes
# the guest's user land from the cache's sysroot of that architecture.
# pauth-impdef: the cheaper pointer-authentication hash, which TCG runs
# much faster than the architected one (what the guest sees is the same).
# armmp has no LPAE: highmem=off keeps the board's devices below 4 GiB.
case ${ATMQTT_VM_ARCH:=x86_64} in
x86_64)	qemu="qemu-system-x86_64 -machine q35 -cpu ${ATMQTT_VM_CPU:-max}"
	console=ttyS0 ;;
arm64)	qemu="qemu-system-aarch64 -machine virt -cpu ${ATMQTT_VM_CPU:-max,pauth-impdef=on}"
	console=ttyAMA0 ;;
armhf)	qemu="qemu-system-arm -machine virt,highmem=off -cpu ${ATMQTT_VM_CPU:-cortex-a15}"
	console=ttyAMA0 ;;
*)	echo "run.sh: unknown ATMQTT_VM_ARCH $ATMQTT_VM_ARCH"; exit 1 ;;
esac
export ATMQTT_VM_ARCH

sh "$top/scripts/vm/build-initramfs.sh" "$out/initramfs-$mode.cpio.gz" "$@"

echo "==> booting $(basename "$kernel") under ${qemu%% *} (TCG${icount:+, $icount}), mode $mode, timeout ${timeout}s"
start=$(date +%s.%N)
set +e
timeout -k 5 "$timeout" $qemu -smp "${ATMQTT_VM_SMP:-2}" \
	$icount ${ATMQTT_VM_QEMU_ARGS:-} -m 1024 -nographic -no-reboot -kernel "$kernel" \
	-initrd "$out/initramfs-$mode.cpio.gz" \
	-append "console=$console loglevel=4 panic=-1 atmqtt.mode=$mode ${ATMQTT_VM_APPEND:-}" \
	</dev/null 2>&1 | stdbuf -oL tr -d '\r' | while IFS= read -r l; do
		case "$l" in
		*"atmqtt-vm: init started"*)
			echo "$l (boot took $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s)" ;;
		*) printf '%s\n' "$l" ;;
		esac
	done | tee "$out/console-$mode.log"
set -e
end=$(date +%s.%N)
echo "==> VM ran $(echo "$end - $start" | bc | cut -c1-6) s"
rc=$(sed -n 's/^ATMQTT-VM-RESULT: \([0-9]*\).*/\1/p' "$out/console-$mode.log" | tail -n1)
if [ -z "$rc" ]; then
	if [ "$(echo "$end - $start >= $timeout" | bc)" = 1 ]; then
		echo "run.sh: VM timed out after $timeout s"
	else
		echo "run.sh: VM died without a result"
	fi
	exit 1
fi
exit "$rc"
