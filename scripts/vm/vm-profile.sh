#!/bin/sh
# Inside the VM: make bench-profile (Documentation/performance.rst,
# "Profiling").  The latency workload of make bench, three ways:
#  1. both sides interleaved under ftrace (scheduler, system calls, works),
#     each publish marked (atmqtt-bench -t): the host's bench/phases.py
#     splits every sample into its phases;
#  2. each side alone under perf stat -a: CPU time, context switches and
#     system calls of the whole VM;
#  3. each side alone under perf record -a -g: where the CPU time goes.
# Then the exchanges of 1024 bytes at 921600 baud (atmqtt-bench -w
# exchange): the simulator's I/O trace and ftrace's calls of the module's
# receive and transmit, on one clock, for the host's bench/exchanges.py.
# Lines for the host start with PROFILE (summaries), TRACE (ftrace) or
# XTRACE (the exchanges: S the simulator, K the kernel).
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
# An enabled event costs its tracepoint's work even while tracing is off:
# off for the perf runs below.
echo 0 >$T/events/enable
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

echo "PROFILE ==== exchange: 1024 bytes at 921600 baud, traced"
echo >$T/trace
echo mono >$T/trace_clock
if echo atmqtt_modem_receive >$T/set_ftrace_filter &&
   echo atmqtt_tx_push >>$T/set_ftrace_filter; then
	echo function >$T/current_tracer
	echo 1 >$T/tracing_on
	atmqtt-bench -w exchange >/tmp/exchange.out || rc=1
	echo 0 >$T/tracing_on
	sed -n 's/^BENCH tp_/PROFILE exchange tp_/p' /tmp/exchange.out
	sed 's/^/XTRACE S /' /tmp/exchange.trace
	grep -v '^#' $T/trace | sed 's/^/XTRACE K /'
	echo nop >$T/current_tracer	# (this empties the buffer)
else
	echo "PROFILE exchange: the module's functions cannot be traced"
	rc=1
fi
exit $rc
