# atmqtt: the two commands a newcomer runs are `make demo` and `make check`.
KVER ?= $(patsubst /usr/src/linux-headers-%,%,$(lastword $(sort $(wildcard /usr/src/linux-headers-6.1*-amd64))))
KDIR ?= /lib/modules/$(KVER)/build
KSRC ?= /usr/src/linux-source-6.1

# What goes into the VM image (all of it built by `all`).
VM_FILES = atmqtt.ko tools/atmqtt/atmqtt tools/sim/atmqtt-sim \
	   selftests/atmqtt/atmqtt_test selftests/atmqtt/commands_test \
	   selftests/atmqtt/bounds_test selftests/atmqtt/cli_test.sh

all: module lib tools selftests

deps:
	@echo "==> checking dependencies (scripts/deps.sh)"
	@sh scripts/deps.sh

# Variables are evaluated after deps ran, hence the recursive make.
module:
	@echo "==> building atmqtt.ko against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib:
	@echo "==> building libatmqtt"
	$(MAKE) -C lib

tools: lib
	@echo "==> building the atmqtt CLI and atmqtt-sim"
	$(MAKE) -C tools/atmqtt
	$(MAKE) -C tools/sim

selftests: lib
	@echo "==> building the kselftests"
	$(MAKE) -C selftests/atmqtt KSFT_DIR=$(KSRC)/tools/testing/selftests

unit:
	$(MAKE) -s -C selftests/unit run

demo: deps
	@$(MAKE) --no-print-directory all
	@echo "==> running the demo in the VM"
	sh scripts/vm/run.sh demo $(VM_FILES)

check: deps
	@$(MAKE) --no-print-directory all
	@sh selftests/run.sh $(VM_FILES)

checkpatch:
	perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse -f \
		kernel/*.c kernel/*.h include/uapi/linux/atmqtt.h

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C lib clean
	$(MAKE) -C tools/atmqtt clean
	$(MAKE) -C tools/sim clean
	-$(MAKE) -C selftests/atmqtt clean
	-$(MAKE) -C selftests/unit clean
	rm -rf build

.PHONY: all deps module lib tools selftests unit demo check checkpatch clean
