#!/bin/sh
# bench/insns.sh KVER SAMPLES: make bench-insns (mk/bench.mk).
# Four boots of the bench image with nokaslr on 1 vCPU: one prints the
# kernel's text symbols to a second serial port; then, timed by
# instructions (-icount) under the insns.so plugin, whose windows are the
# publish samples (atmqtt-bench -t: tracing_mark_write() opens and closes
# them), each side of the latency test alone (-w latency-kernel,
# latency-user) and both sampled in turn as make bench does (-w latency,
# the windows kernel, user, user, kernel over and over).
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

# run WORKLOAD SIDES: one boot, its counts in insns-WORKLOAD.txt
run() {
	echo "==> $n publishes of $1, counted by insns.so"
	ATMQTT_VM_ICOUNT=0 \
	ATMQTT_VM_QEMU_ARGS="-plugin $top/bench/insns.so,mark=0x$mark,out=$res/insns-$1.txt,sides=$2" \
	ATMQTT_VM_APPEND="nokaslr atmqtt.bench_workloads=$1 atmqtt.bench_samples=$n" \
		vm "$res/insns-$1.log"
	grep '^INSNS' "$res/insns-$1.log"
}
run latency-kernel A
run latency-user A
run latency KUUK
r=$res/insns
{
	echo "== Each side alone"
	echo
	python3 "$top/bench/insns.py" "$r-ksyms.txt" \
		"$r-latency-kernel.txt" "$r-latency-kernel.log" \
		"$r-latency-user.txt" "$r-latency-user.log"
	echo
	echo "== Both sides sampled in turn (make bench's latency workload)"
	echo
	python3 "$top/bench/insns.py" "$r-ksyms.txt" \
		"$r-latency.txt:K" "$r-latency.log" \
		"$r-latency.txt:U" "$r-latency.log"
} >"$res/insns.txt"
cat "$res/insns.txt"
