#!/bin/sh
# Inside the VM: make bench's workloads (bench/atmqtt_bench/); the host
# reads the BENCH and LAT lines from the console.
/bin/atmqtt-bench -n "${BENCH_SAMPLES:-1000}" -m "${BENCH_MODEMS:-16}" \
	${BENCH_WORKLOADS:+-w "$BENCH_WORKLOADS"}
