#!/bin/sh
# Inside the VM: make bench-profile (Documentation/performance.rst,
# "Profiling").  The latency workload of make bench, three ways:
#  1. both sides interleaved under ftrace (scheduler, system calls, works),
#     each publish marked (atmqtt-bench -t): the host's bench/phases.py
#     splits every sample into its phases;
#  2. each side alone under perf stat -a: CPU time, context switches and
#     system calls of the whole VM;
#  3. each side alone under perf record -a -g: where the CPU time goes.
# Lines for the host start with PROFILE (summaries) or TRACE (ftrace).
n=${BENCH_SAMPLES:-200}
T=/sys/kernel/tracing
mount -t tracefs tracefs $T
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
rc=0

echo 16384 >$T/buffer_size_kb
for e in sched/sched_switch sched/sched_wakeup raw_syscalls/sys_enter \
	 raw_syscalls/sys_exit workqueue/workqueue_execute_start \
	 workqueue/workqueue_execute_end; do
	echo 1 >$T/events/$e/enable
done
echo 1 >$T/tracing_on
atmqtt-bench -n "$n" -w latency -t >/tmp/lat.out || rc=1
echo 0 >$T/tracing_on
sed -n 's/^LAT /PROFILE LAT /p' /tmp/lat.out
sed -n '/PUBSTART/,$p' $T/trace | grep -v '^#' | sed 's/^/TRACE /'
echo >$T/trace

for w in latency-kernel latency-user; do
	echo "PROFILE ==== $w alone: perf stat -a, $n receives and $n publishes"
	perf stat -a -x, -o /tmp/$w.stat -e \
		task-clock,context-switches,cpu-migrations,raw_syscalls:sys_enter \
		-- atmqtt-bench -n "$n" -w "$w" >/dev/null || rc=1
	grep -v '^#' /tmp/$w.stat | grep . | sed 's/^/PROFILE /'
	echo "PROFILE ==== $w alone: perf record -a -g, by process and library"
	perf record -q -a -g -F 1999 -o /tmp/$w.data -- \
		atmqtt-bench -n "$n" -w "$w" >/dev/null 2>&1 || rc=1
	perf report -q -i /tmp/$w.data --stdio --no-children \
		--sort comm,dso -g none --percent-limit 1 2>/dev/null |
		grep . | sed 's/^/PROFILE /'
	echo "PROFILE ==== $w alone: perf record -a -g, by symbol"
	perf report -q -i /tmp/$w.data --stdio --no-children \
		--sort sym -g none --percent-limit 0.5 2>/dev/null |
		grep . | sed 's/^/PROFILE /' | head -40
done
exit $rc
