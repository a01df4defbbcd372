# make bench: the performance figures of Documentation/performance.rst.
# The parser's cost on the host (callgrind, bench/Makefile), then one VM run
# of atmqtt-bench (latency against a userspace baseline, throughput against
# the line rate, memory per modem, 16 modems, atmqtt-bridge against the CLI
# path), the latency and round trip workloads once more in a VM with 1
# vCPU, and with the throughput and bridge workloads again on 1 vCPU with
# the guest's time counted in instructions (1 ns each); then that
# instruction-timed run, and memory, on Debian's arm64 kernel
# (bench/arm64.sh: cross-built, qemu's virt board), when arm64 is one of
# ATMQTT_ARM_ARCHS; then bench/report.sh: one markdown table (a column per
# architecture), CSV, JSON and plots under bench/results/.
BENCH_BIN := bench/atmqtt-bench
BENCH_ARM64_KVER := $(call arm_kver,arm64)
# bench_vm LOG: one VM run of the bench image, its console in LOG.
bench_vm = ATMQTT_KVER=$(KVER) sh scripts/vm/run.sh bench \
	build/ko-$(KVER)/atmqtt.ko tools/sim/atmqtt-sim $(BENCH_BIN) \
	tools/atmqtt/atmqtt tools/bridge/atmqtt-bridge \
	>$(1) 2>&1 || { tail -40 $(1); exit 1; }

bench: deps
	$(after_deps)
bench-run:
	@$(MAKE) --no-print-directory all modules KVERS=$(KVER)
	@$(MAKE) --no-print-directory -s -C bench atmqtt-bench
	@mkdir -p bench/results
	@echo "==> parser cost on the host (callgrind)"
	@$(MAKE) --no-print-directory -s -C bench parser >bench/results/parser.out
	@echo "==> atmqtt-bench in the VM, kernel $(KVER)"
	@$(call bench_vm,bench/results/vm.log)
	@echo "==> the latency and round trip workloads again on 1 vCPU"
	@ATMQTT_VM_SMP=1 \
		ATMQTT_VM_APPEND="$${ATMQTT_VM_APPEND:-} atmqtt.bench_workloads=latency,roundtrip" \
		$(call bench_vm,bench/results/vm-1cpu.log)
	@echo "==> latency, round trip, throughput and the bridge on 1 vCPU timed by instruction counts (qemu -icount)"
	@ATMQTT_VM_SMP=1 ATMQTT_VM_ICOUNT=0 \
		ATMQTT_VM_APPEND="$${ATMQTT_VM_APPEND:-} atmqtt.bench_workloads=latency,roundtrip,throughput,bridge" \
		$(call bench_vm,bench/results/vm-icount.log)
	@rm -f bench/results/vm-arm64.log
ifneq ($(filter arm64,$(ATMQTT_ARM_ARCHS)),)
	@echo "==> the instruction-timed run and memory on arm64, kernel $(BENCH_ARM64_KVER)"
	@sh bench/arm64.sh $(BENCH_ARM64_KVER) bench/results/vm-arm64.log
endif
	@sh bench/report.sh bench/results

.PHONY: bench bench-run

# make bench-profile: where the latency test's time goes (ftrace and perf in
# the VM, bench/phases.py on the host) and where the line's time goes at
# 921600 baud (bench/exchanges.py): bench/results/profile.txt.
bench-profile: deps
	$(after_deps)
bench-profile-run:
	@$(MAKE) --no-print-directory all modules KVERS=$(KVER)
	@$(MAKE) --no-print-directory -s -C bench atmqtt-bench
	@mkdir -p bench/results
	@echo "==> atmqtt-bench under ftrace and perf in the VM, kernel $(KVER)"
	@ATMQTT_KVER=$(KVER) sh scripts/vm/run.sh profile \
		build/ko-$(KVER)/atmqtt.ko tools/sim/atmqtt-sim $(BENCH_BIN) \
		/usr/bin/perf >bench/results/profile.log 2>&1 || \
		{ tail -40 bench/results/profile.log; exit 1; }
	@{ python3 bench/phases.py bench/results/profile.log && \
	   sed -n 's/^PROFILE //p' bench/results/profile.log | \
		grep -v '^LAT ' && \
	   python3 bench/exchanges.py bench/results/profile.log; } \
		>bench/results/profile.txt
	@cat bench/results/profile.txt

.PHONY: bench-profile bench-profile-run

# make bench-insns: the instructions of one latency sample, by function, of
# each side of the latency test alone and of both sampled in turn, counted
# by qemu's insns.so plugin (bench/insns.c) in instruction-timed VMs, for
# the publish and the receive samples (INSNS_DIRS="pub rx"):
# bench/results/insns.txt.
INSNS_SAMPLES ?= 300
INSNS_DIRS ?= pub rx
bench-insns: deps
	$(after_deps)
bench-insns-run:
	@$(MAKE) --no-print-directory all modules KVERS=$(KVER)
	@$(MAKE) --no-print-directory -s -C bench atmqtt-bench insns.so
	@mkdir -p bench/results
	@sh bench/insns.sh $(KVER) $(INSNS_SAMPLES) "$(INSNS_DIRS)"

.PHONY: bench-insns bench-insns-run
