#!/bin/sh
# Inside the VM: make bench-insns (Documentation/performance.rst,
# "Instructions by function"), booted with nokaslr under qemu's insns.so
# plugin.  INSNS_STEP=symbols: the kernel's text symbols to the second
# serial port, for the host to name the plugin's addresses.  Otherwise the
# module's text symbols on the console (KSYM lines), then atmqtt-bench -t
# of BENCH_WORKLOADS: its trace_marker writes open and close the plugin's
# windows, one per publish sample.
if [ "${INSNS_STEP:-}" = symbols ]; then
	echo 0 >/proc/sys/kernel/kptr_restrict
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	{ grep ' [tT] ' /proc/kallsyms; echo END; } >/dev/ttyS1
	exit 0
fi
mount -t tracefs tracefs /sys/kernel/tracing
echo 0 >/proc/sys/kernel/kptr_restrict
grep ' [tT] .*\[atmqtt\]' /proc/kallsyms | sed 's/^/KSYM /'
atmqtt-bench -n "${BENCH_SAMPLES:-300}" -w "${BENCH_WORKLOADS:-latency-kernel}" \
	-t >/tmp/insns.out || exit 1
grep '^LAT .*-pub ' /tmp/insns.out | awk '{ s[$2] += $3; n[$2]++ }
	END { for (k in s) printf "INSNS %s samples %d mean %.1f us\n", k, n[k], s[k] / n[k] }'
