# libatmqtt's ABI (included by the top Makefile; Documentation/libatmqtt.rst,
# "ABI"):
#   make abi-check      scripts/abi/check.sh: the version script, the header
#                       and the library's exports are the same functions,
#                       and abidiff finds no incompatible change from the
#                       baseline lib/abi/libatmqtt.so.1.xml (make check runs
#                       it)
#   make abi-baseline   the baseline from the library just built: only for
#                       an intended ABI change, committed with it (an
#                       incompatible one with the SONAME bumped)
abi-check:
	@sh scripts/abi/check.sh

abi-baseline: lib
	@sh scripts/abi/check.sh --baseline

.PHONY: abi-check abi-baseline
