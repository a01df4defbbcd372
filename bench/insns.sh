#!/bin/sh
# bench/insns.sh KVER SAMPLES: make bench-insns (mk/bench.mk).
# Three boots of the bench image with nokaslr on 1 vCPU: one prints the
# kernel's text symbols to a second serial port; then each side of the
# publish latency test alone (atmqtt-bench -w latency-kernel, latency-user,
# -t) timed by instructions (-icount), under the insns.so plugin, whose
# windows are the samples (tracing_mark_write() opens and closes them).
# bench/insns.py names the addresses: bench/results/insns.txt.
set -eu
kver=$1
n=$2
top=$(cd "$(dirname "$0")/.." && pwd)
res=$top/bench/results
vm() {
	ATMQTT_KVER=$kver ATMQTT_VM_SMP=1 sh "$top/scripts/vm/run.sh" insns \
		"$top/build/ko-$kver/atmqtt.ko" "$top/tools/sim/atmqtt-sim" \
		"$top/bench/atmqtt-bench" >"$1" 2>&1 || { tail -40 "$1"; exit 1; }
}

echo "==> the guest kernel's symbols (nokaslr)"
rm -f "$res/insns-ksyms.txt"
ATMQTT_VM_QEMU_ARGS="-serial mon:stdio -serial file:$res/insns-ksyms.txt" \
ATMQTT_VM_APPEND="nokaslr atmqtt.insns_step=symbols" \
	vm "$res/insns-symbols.log"
grep -q '^END' "$res/insns-ksyms.txt" || { echo "insns: no symbols"; exit 1; }
mark=$(awk '$3 == "tracing_mark_write" { print $1; exit }' "$res/insns-ksyms.txt")
[ -n "$mark" ] || { echo "insns: no tracing_mark_write"; exit 1; }

for side in kernel user; do
	echo "==> $n publishes of the $side side, counted by insns.so"
	ATMQTT_VM_ICOUNT=0 \
	ATMQTT_VM_QEMU_ARGS="-plugin $top/bench/insns.so,mark=0x$mark,out=$res/insns-$side.txt" \
	ATMQTT_VM_APPEND="nokaslr atmqtt.bench_workloads=latency-$side atmqtt.bench_samples=$n" \
		vm "$res/insns-$side.log"
	grep '^INSNS' "$res/insns-$side.log"
done
python3 "$top/bench/insns.py" "$res/insns-ksyms.txt" \
	"$res/insns-kernel.txt" "$res/insns-kernel.log" \
	"$res/insns-user.txt" "$res/insns-user.log" >"$res/insns.txt"
cat "$res/insns.txt"
