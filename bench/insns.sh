#!/bin/sh
# bench/insns.sh KVER SAMPLES [DIRECTIONS]: make bench-insns (mk/bench.mk).
# Boots of the bench image with nokaslr on 1 vCPU: one prints the kernel's
# text symbols to a second serial port; then, timed by instructions
# (-icount) under the insns.so plugin, whose windows are the latency
# samples of one direction (atmqtt-bench -t: tracing_mark_write() opens
# and closes them; pub: the publish samples, rx: with -w mark-rx the
# receive samples), each side of the latency test alone (-w
# latency-kernel, latency-user) and both sampled in turn as make bench
# does (-w latency, the windows kernel, user, user, kernel over and over),
# for each direction in DIRECTIONS ("pub rx" by default).
# bench/insns.py names the addresses: bench/results/insns.txt.
set -eu
kver=$1
n=$2
dirs=${3:-pub rx}
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

# run WORKLOAD SIDES DIRECTION: one boot, its counts in
# insns-WORKLOAD[-rx].txt
run() {
	sfx= w=$1
	[ "$3" = rx ] && sfx=-rx w=$1,mark-rx
	echo "==> $n $3 samples of $1, counted by insns.so"
	ATMQTT_VM_ICOUNT=0 \
	ATMQTT_VM_QEMU_ARGS="-plugin $top/bench/insns.so,mark=0x$mark,out=$res/insns-$1$sfx.txt,sides=$2" \
	ATMQTT_VM_APPEND="nokaslr atmqtt.bench_workloads=$w atmqtt.bench_samples=$n" \
		vm "$res/insns-$1$sfx.log"
	# (the VM prints the publish samples' mean latency)
	[ "$3" = rx ] || grep '^INSNS' "$res/insns-$1$sfx.log"
}
r=$res/insns
: >"$r.txt"
for d in $dirs; do
	sfx=
	[ "$d" = rx ] && sfx=-rx
	name=$( [ "$d" = rx ] && echo receive || echo publish)
	run latency-kernel A "$d"
	run latency-user A "$d"
	run latency KUUK "$d"
	{
		echo "==== The $name samples"
		echo
		echo "== Each side alone"
		echo
		python3 "$top/bench/insns.py" "$r-ksyms.txt" \
			"$r-latency-kernel$sfx.txt" "$r-latency-kernel$sfx.log" \
			"$r-latency-user$sfx.txt" "$r-latency-user$sfx.log"
		echo
		echo "== Both sides sampled in turn (make bench's latency workload)"
		echo
		python3 "$top/bench/insns.py" "$r-ksyms.txt" \
			"$r-latency$sfx.txt:K" "$r-latency$sfx.log" \
			"$r-latency$sfx.txt:U" "$r-latency$sfx.log"
		echo
	} >>"$r.txt"
done
cat "$r.txt"
