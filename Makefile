# atmqtt: the two commands a newcomer runs are `make demo` and `make check`.
# The two kernels atmqtt supports: Debian's 6.1 and 6.12 from bookworm-backports
# (scripts/deps.sh installs both).  KVER is the one `make module` builds for;
# `make check` builds for every kernel in KVERS and runs the VM tests on each.
# A kernel's version from its headers: installed (6.1's) or unpacked into
# the cache (6.12's, whose package would install its image: deps.sh).
ATMQTT_CACHE ?= /var/cache/atmqtt
kver_of = $(lastword $(sort \
	$(patsubst /usr/src/linux-headers-%,%,$(wildcard /usr/src/linux-headers-$(1)-amd64)) \
	$(patsubst $(ATMQTT_CACHE)/linux-headers-%,%,$(wildcard $(ATMQTT_CACHE)/linux-headers-$(1)-amd64))))
KVER_61 := $(call kver_of,6.1.0-*)
KVER_612 := $(call kver_of,6.12.*)
KVER ?= $(KVER_61)
KVERS ?= $(strip $(KVER_61) $(KVER_612))
# scripts/kernel-headers.sh: the build directory of KVER's headers.
KDIR ?= $(or $(shell sh scripts/kernel-headers.sh $(KVER) 2>/dev/null),/lib/modules/$(KVER)/build)
KSRC ?= /usr/src/linux-source-6.1

# Cross-building the user-space code (lib, tools, selftests) for a board:
# CROSS is a Debian cross compiler's prefix (CROSS=aarch64-linux-gnu-,
# CROSS=arm-linux-gnueabihf-), and libnl and libmosquitto are the foreign
# architecture's, installed through multiarch (Documentation/install.rst).
# The module cross-builds with kbuild's own ARCH and CROSS_COMPILE:
#   make module ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...
CROSS ?=
ifneq ($(CROSS),)
export CC := $(CROSS)gcc
export AR := $(CROSS)ar
export PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/$(patsubst %-,%,$(CROSS))/pkgconfig:/usr/share/pkgconfig pkg-config
endif

# The ARM kernels make check also builds for and boots (Debian's 6.1 of the
# same ABI as KVER_61, flavours arm64 and armmp; scripts/deps.sh fetches
# them), each as ARCH:KVER.  ATMQTT_ARM_ARCHS chooses among arm64 and armhf
# (both by default; "" for none).
ATMQTT_ARM_ARCHS ?= arm64 armhf
arm_kver = $(patsubst %-amd64,%-$(if $(filter armhf,$(1)),armmp,arm64),$(KVER_61))
ARM_TARGETS := $(foreach a,$(ATMQTT_ARM_ARCHS),$(a):$(call arm_kver,$(a)))

# What goes into the VM image (all of it built by `all`).
VM_FILES = tools/atmqtt/atmqtt tools/sim/atmqtt-sim tools/bridge/atmqtt-bridge \
	   selftests/atmqtt/atmqtt_test selftests/atmqtt/commands_test \
	   selftests/atmqtt/bounds_test selftests/atmqtt/cli_test.sh \
	   selftests/atmqtt/stress_test selftests/atmqtt/fault_test \
	   selftests/atmqtt/bridge_test.sh \
	   build/ynl/atmqtt-ynl-test build/ynl/atmqtt-policy-test \
	   selftests/ynl/ynl_test.sh \
	   scripts/ktap.sh selftests/serial/wire_lib.sh \
	   selftests/serial/serial_test.sh \
	   selftests/serial/serdev_test.sh

all: module lib tools selftests ynl

deps:
	@echo "==> checking dependencies (scripts/deps.sh)"
	@sh scripts/deps.sh

# The targets that install what is missing first (demo, check, stress,
# bench, bench-profile, bench-insns) run their work as <target>-run in a second make:
# KVER and KVERS come from the kernel headers found, which a fresh machine
# only has once deps ran, and a make expands its variables before that.
# The -run targets skip the dependency check.
after_deps = @$(MAKE) --no-print-directory $@-run

module:
	@echo "==> building atmqtt.ko against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# One module per supported kernel, each built in a copy of the sources under
# build/ko-<kver>/ (kbuild writes its output next to the sources).
modules:
	@for k in $(KVERS); do \
		echo "==> building atmqtt.ko against $$k"; \
		mkdir -p build/ko-$$k && \
		cp -r Kbuild VERSION kernel include build/ko-$$k/ && \
		kdir=$$(sh scripts/kernel-headers.sh $$k) && \
		$(MAKE) -s -C $$kdir M=$(CURDIR)/build/ko-$$k \
			modules || exit 1; \
	done

lib:
	@echo "==> building libatmqtt"
	$(MAKE) -C lib

tools: lib
	@echo "==> building the atmqtt CLI, atmqtt-sim and atmqtt-bridge"
	$(MAKE) -C tools/atmqtt
	$(MAKE) -C tools/sim
	$(MAKE) -C tools/bridge

selftests: lib
	@echo "==> building the kselftests"
	$(MAKE) -C selftests/atmqtt KSFT_DIR=$(KSRC)/tools/testing/selftests

# The YNL spec: checked against linux-source-6.12's schema and generator,
# and the generated C client built for the VM (scripts/ynl/check.sh).
ynl:
	@echo "==> checking the YNL spec, building its generated C client"
	@mkdir -p build
	@sh scripts/ynl/check.sh >build/ynl-check.out 2>&1 || \
		{ cat build/ynl-check.out; exit 1; }

unit:
	$(MAKE) -s -C selftests/unit run

demo: deps
	$(after_deps)
demo-run: all
	@echo "==> running the demo in the VM"
	ATMQTT_KVER=$(KVER) sh scripts/vm/run.sh demo atmqtt.ko $(VM_FILES)

check: deps
	$(after_deps)
check-run: all modules
	@ATMQTT_KVERS="$(KVERS)" ATMQTT_ARM_TARGETS="$(ARM_TARGETS)" \
		sh selftests/run.sh $(VM_FILES)

# Everything the VM runs, cross-built for each ARM target into build/ARCH/
# (scripts/cross-build.sh; the YNL client from the code make ynl generated);
# make check does this itself.
cross:
	@for t in $(ARM_TARGETS); do \
		sh scripts/cross-build.sh $${t%%:*} $${t#*:} $(VM_FILES) || exit 1; \
	done

# libFuzzer on the parser: FUZZ_SECONDS per target (default 300), then the
# coverage the corpus reaches.  make check runs a short pass (fuzz smoke).
fuzz:
	$(MAKE) -C fuzz run

# The lifecycle stress test alone, longer: STRESS_CYCLES attach/detach and
# hangup cycles under load (make check runs 60).
STRESS_CYCLES ?= 500
stress: deps
	$(after_deps)
stress-run: all modules
	ATMQTT_VM_APPEND="atmqtt.stress_cycles=$(STRESS_CYCLES)" \
	ATMQTT_KVER=$(KVER) sh scripts/vm/run.sh check \
		build/ko-$(KVER)/atmqtt.ko tools/atmqtt/atmqtt \
		tools/sim/atmqtt-sim selftests/atmqtt/stress_test

lint:
	@KVERS="$(KVERS)" sh scripts/lint.sh

checkpatch:
	perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse -f \
		kernel/*.c kernel/*.h include/uapi/linux/atmqtt.h

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C lib clean
	$(MAKE) -C tools/atmqtt clean
	$(MAKE) -C tools/sim clean
	$(MAKE) -C tools/bridge clean
	-$(MAKE) -C selftests/atmqtt clean
	-$(MAKE) -C selftests/unit clean
	rm -rf build

-include mk/install.mk
-include mk/abi.mk
-include mk/bench.mk

.PHONY: all deps module modules cross fuzz stress stress-run lint ynl lib tools selftests unit demo demo-run check check-run checkpatch clean
