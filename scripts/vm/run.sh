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

# ATMQTT_VM_WIRES: "uart", "usb" or both: serial ports of the VM wired back
# to back in pairs, each pair through two QEMU socket chardevs joined by
# scripts/vm/wire-relay.py (which says why not directly), for
# selftests/serial: the line discipline on the NEAR port's real driver,
# atmqtt-sim on the FAR one.
# The pairs reach the VM as atmqtt.serial=NEAR:FAR,...  uart: a PCI 16550
# (8250) on x86, the virt board's PL011 on ARM, whose console then moves to
# a PCI 16550 (ttyS0); usb: the FTDI adapter QEMU emulates (usb-serial on
# qemu-xhci), whose modules /init loads from the kernel image's
# /lib/modules.  The FAR ends are PCI 16550s.
# One more PCI 16550, named as atmqtt.serial_ctl=ttySn, is the VM's control
# line to the host (scripts/vm/wire-ctl.py): pause a wire (its relay stops
# reading the NEAR port), unplug and plug back the usb-serial device (id
# wusb) through QEMU's monitor, whose socket is wire.PID.hmp.
display=-nographic
wires=
serial=
ctlargs=
if [ -n "${ATMQTT_VM_WIRES:-}" ]; then
	sock=$out/wire.$$
	relays=
	# listening LOG NAME: wait for a helper's "listening" line.
	listening() {
		i_=0
		until grep -q listening "$1" 2>/dev/null; do
			i_=$((i_ + 1))
			[ $i_ -lt 100 ] || { echo "run.sh: $2 did not start"; exit 1; }
			sleep 0.05
		done
	}
	# wire ID: the chardevs wID-near and wID-far, and their relay.
	wire() {
		python3 "$top/scripts/vm/wire-relay.py" "$sock.$1.near" \
			"$sock.$1.far" "$sock.$1.ctl" >"$sock.$1.log" 2>&1 &
		relays="$relays $!"
		listening "$sock.$1.log" wire-relay.py
		wires="$wires -chardev socket,id=w$1-near,path=$sock.$1.near"
		wires="$wires -chardev socket,id=w$1-far,path=$sock.$1.far"
	}
	case $ATMQTT_VM_ARCH in
	x86_64)
		# ttyS0 is the console.  The kernel keeps ttyS1 to ttyS3 for
		# the PC's other legacy ports, absent here, which PCI 16550s
		# take over only when no other port is free: with 8 ports (the
		# control line makes 5), the PCI 16550s are ttyS4 on.
		i=4
		for w in $ATMQTT_VM_WIRES; do
			wire "$w"
			case $w in
			uart)	wires="$wires -device pci-serial-2x,chardev1=w$w-near,chardev2=w$w-far"
				serial="$serial,ttyS$i:ttyS$((i + 1))"
				i=$((i + 2)) ;;
			usb)	wires="$wires -device qemu-xhci -device usb-serial,id=wusb,chardev=w$w-near -device pci-serial,chardev=w$w-far"
				serial="$serial,ttyUSB0:ttyS$i"
				i=$((i + 1)) ;;
			esac
		done ;;
	*)
		# The console on a PCI 16550, ttyS0; the FAR ends ttyS1, ttyS2.
		display="-display none -monitor none"
		wires="-chardev stdio,id=con,signal=off -device pci-serial,chardev=con"
		console=ttyS0
		i=1
		for w in $ATMQTT_VM_WIRES; do
			wire "$w"
			case $w in
			uart)	wires="$wires -serial chardev:w$w-near -device pci-serial,chardev=w$w-far"
				serial="$serial,ttyAMA0:ttyS$i" ;;
			usb)	wires="$wires -device qemu-xhci -device usb-serial,id=wusb,chardev=w$w-near -device pci-serial,chardev=w$w-far"
				serial="$serial,ttyUSB0:ttyS$i" ;;
			esac
			i=$((i + 1))
		done
		# No PL011 wire: the board's PL011 stays unused.
		case " $ATMQTT_VM_WIRES " in
		*" uart "*) ;;
		*) wires="$wires -serial none" ;;
		esac ;;
	esac
	# The control line, after the wires' 16550s: ttyS$i.  The kernels
	# register 4 8250 ports unless told more (8250.nr_uarts).
	python3 "$top/scripts/vm/wire-ctl.py" "$sock.ctl" "$sock" "$sock.hmp" \
		usb=usb-serial,id=wusb,chardev=wusb-near >"$sock.ctl.log" 2>&1 &
	relays="$relays $!"
	listening "$sock.ctl.log" wire-ctl.py
	wires="$wires -chardev socket,id=wctl,path=$sock.ctl -device pci-serial,chardev=wctl"
	wires="$wires -chardev socket,id=hmp,path=$sock.hmp,server=on,wait=off -mon chardev=hmp,mode=readline"
	ctlargs="8250.nr_uarts=8 atmqtt.serial_ctl=ttyS$i"
	case " $ATMQTT_VM_WIRES " in
	*" usb "*)
		# The modules of the kernel booted: its image's /lib/modules.
		# A kernel built here (the debug kernel) has them built in
		# and no such directory.
		kimg=$(basename "$kernel")
		moddir=${ATMQTT_VM_MODDIR:-$(dirname "$kernel")/../lib/modules/${kimg#vmlinuz-}}
		if [ -d "$moddir" ]; then
			export ATMQTT_VM_MODDIR="$moddir"
			export ATMQTT_VM_MODULES="${ATMQTT_VM_MODULES:-} xhci-pci ftdi_sio"
		fi ;;
	esac
	serial="atmqtt.serial=${serial#,}"
fi

# ATMQTT_VM_SERDEV=1 (ARM, with the uart wire): the board's device tree as
# QEMU builds it (dumpdtb, same memory and CPUs), with a modem node below
# the PL011, so that atmqtt.ko's serdev driver binds the PL011 when it
# loads: the PL011 is then no tty, and the FAR end (ttyS1) carries the
# simulator.  The VM learns it as atmqtt.serdev=FAR.
dtb=
if [ -n "${ATMQTT_VM_SERDEV:-}" ]; then
	case "$ATMQTT_VM_ARCH:$serial" in
	x86_64:*|*:) echo "run.sh: ATMQTT_VM_SERDEV needs an ARM guest with the uart wire"
		exit 1 ;;
	esac
	$qemu -smp "${ATMQTT_VM_SMP:-2}" -m 1024 -machine dumpdtb="$out/board.dtb" \
		-display none -serial null >"$out/dumpdtb.log" 2>&1 ||
		{ cat "$out/dumpdtb.log"; exit 1; }
	pl011=$(dtc -q -I dtb -O dts "$out/board.dtb" |
		sed -n 's/^\t\(pl011@[0-9a-f]*\) {$/\1/p' | head -n1)
	[ -n "$pl011" ] || { echo "run.sh: no PL011 in the board's tree"; exit 1; }
	{
		dtc -q -I dtb -O dts "$out/board.dtb"
		printf '&{/chosen} {\n\t/delete-property/ stdout-path;\n};\n'
		printf '&{/%s} {\n\tmodem {\n' "$pl011"
		printf '\t\tcompatible = "fibocom,nl668";\n'
		printf '\t\tcurrent-speed = <115200>;\n\t};\n};\n'
	} >"$out/board-modem.dts"
	dtc -q -I dts -O dtb -o "$out/board-modem.dtb" "$out/board-modem.dts" ||
		exit 1
	dtb="-dtb $out/board-modem.dtb"
	serial="atmqtt.serdev=${serial#*ttyAMA0:}"
	serial=${serial%%,*}
fi

sh "$top/scripts/vm/build-initramfs.sh" "$out/initramfs-$mode.cpio.gz" "$@"

echo "==> booting $(basename "$kernel") under ${qemu%% *} (TCG${icount:+, $icount}), mode $mode, timeout ${timeout}s"
start=$(date +%s.%N)
set +e
timeout -k 5 "$timeout" $qemu -smp "${ATMQTT_VM_SMP:-2}" \
	$icount ${ATMQTT_VM_QEMU_ARGS:-} -m 1024 $display $wires $dtb -no-reboot -kernel "$kernel" \
	-initrd "$out/initramfs-$mode.cpio.gz" \
	-append "console=$console loglevel=4 panic=-1 atmqtt.mode=$mode $serial $ctlargs ${ATMQTT_VM_APPEND:-}" \
	</dev/null 2>&1 | stdbuf -oL tr -d '\r' | while IFS= read -r l; do
		case "$l" in
		*"atmqtt-vm: init started"*)
			echo "$l (boot took $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s)" ;;
		*) printf '%s\n' "$l" ;;
		esac
	done | tee "$out/console-$mode.log"
set -e
end=$(date +%s.%N)
if [ -n "${sock:-}" ]; then
	# The relays end with QEMU's connections; these are ours in any case.
	# shellcheck disable=SC2086
	[ -z "$relays" ] || kill $relays 2>/dev/null || true
	[ ! -s "$sock.ctl.log" ] || sed 's/^/wire-ctl: /' "$sock.ctl.log"
	rm -f "$sock".*
fi
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
