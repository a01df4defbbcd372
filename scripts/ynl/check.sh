#!/bin/sh
# check.sh: Documentation/netlink/specs/atmqtt.yaml against the schema and
# generator of linux-source-6.12 (tools/net/ynl), as KTAP:
#   1. the generator accepts the spec (it validates it against
#      Documentation/netlink/genetlink-legacy.yaml with python3-jsonschema);
#   2. the UAPI header it generates has every constant of
#      include/uapi/linux/atmqtt.h with the same value, and no other
#      (scripts/ynl/compare.py);
#   3. the user-space C code it generates builds, with tools/net/ynl/lib,
#      into build/ynl/atmqtt-ynl-test (selftests/ynl/ynl_test.c), which the
#      VM runs (selftests/ynl/ynl_test.sh);
#   4. the policy the spec's checks describe (scripts/ynl/policy-expect.py)
#      builds, with libnl, into build/ynl/atmqtt-policy-test
#      (selftests/ynl/policy_test.c), which compares it with the family's
#      policy dump in the VM (ynl_test.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
src=build/ynl-src/linux-source-6.12
out=build/ynl
PY=/usr/bin/python3
mkdir -p "$out"
echo "TAP version 13"
echo "1..4"
if [ ! -f "$src/tools/net/ynl/ynl-gen-c.py" ]; then
	if [ -z "$tarball" ]; then
		echo "not ok 1 spec_validates # no linux-source-6.12"
		echo "not ok 2 uapi_matches_spec"
		echo "not ok 3 ynl_user_code_builds"
		echo "not ok 4 policy_test_builds"
		exit 1
	fi
	mkdir -p build/ynl-src
	tar -C build/ynl-src -xf "$tarball" --wildcards \
		'linux-source-6.12/tools/net/ynl/*' \
		'linux-source-6.12/Documentation/netlink/*' \
		'linux-source-6.12/include/uapi/linux/netlink.h' \
		'linux-source-6.12/include/uapi/linux/genetlink.h'
fi
# The generator finds the schema next to the spec and the tree's root by
# its MAINTAINERS file.
touch "$src/MAINTAINERS"
cp Documentation/netlink/specs/atmqtt.yaml "$src/Documentation/netlink/specs/"
gen() {
	(cd "$src" && $PY tools/net/ynl/ynl-gen-c.py \
		--spec Documentation/netlink/specs/atmqtt.yaml "$@")
}
fails=0
if $PY -c 'import jsonschema, yaml' 2>/dev/null &&
   gen --mode uapi --header -o "$top/$out/atmqtt.h" >"$out/gen.log" 2>&1; then
	echo "ok 1 spec_validates"
else
	tail -5 "$out/gen.log" 2>/dev/null | sed 's/^/# /'
	echo "not ok 1 spec_validates"
	fails=1
fi
if $PY scripts/ynl/compare.py include/uapi/linux/atmqtt.h "$out/atmqtt.h" \
	>"$out/compare.log" 2>&1; then
	sed 's/^/# /' "$out/compare.log"
	echo "ok 2 uapi_matches_spec"
else
	sed 's/^/# /' "$out/compare.log"
	echo "not ok 2 uapi_matches_spec"
	fails=1
fi
# The generated code and the ynl library are the kernel's: built as they
# are, warnings not ours; ynl_test.c with -Werror.
mkdir -p "$out/inc/linux"
cp "$src/include/uapi/linux/netlink.h" "$src/include/uapi/linux/genetlink.h" \
	include/uapi/linux/atmqtt.h "$out/inc/linux/"
lib=$src/tools/net/ynl/lib
if gen --mode user --header -o "$top/$out/atmqtt-user.h" >>"$out/gen.log" 2>&1 &&
   gen --mode user --source -o "$top/$out/atmqtt-user.c" >>"$out/gen.log" 2>&1 &&
   {
	cc -O2 -w -I"$out/inc" -I"$lib" -I"$out" -c "$out/atmqtt-user.c" -o "$out/atmqtt-user.o" &&
	cc -O2 -w -I"$out/inc" -I"$lib" -c "$lib/ynl.c" -o "$out/ynl.o" &&
	cc -O2 -Wall -Wextra -Werror -I"$out/inc" -I"$lib" -I"$out" \
		-c selftests/ynl/ynl_test.c -o "$out/ynl_test.o" &&
	cc -o "$out/atmqtt-ynl-test" "$out/ynl_test.o" "$out/atmqtt-user.o" "$out/ynl.o"
   } >"$out/cc.log" 2>&1; then
	echo "ok 3 ynl_user_code_builds"
else
	tail -10 "$out/cc.log" "$out/gen.log" 2>/dev/null | sed 's/^/# /'
	echo "not ok 3 ynl_user_code_builds"
	fails=1
fi
if $PY scripts/ynl/policy-expect.py Documentation/netlink/specs/atmqtt.yaml \
	"$out/atmqtt-policy-expect.h" >"$out/policy.log" 2>&1 &&
   cc -O2 -Wall -Wextra -Werror -Iinclude/uapi -I"$out" \
	$(pkg-config --cflags libnl-genl-3.0) selftests/ynl/policy_test.c \
	-o "$out/atmqtt-policy-test" $(pkg-config --libs libnl-genl-3.0) \
	>>"$out/policy.log" 2>&1; then
	echo "ok 4 policy_test_builds"
else
	tail -10 "$out/policy.log" | sed 's/^/# /'
	echo "not ok 4 policy_test_builds"
	fails=1
fi
exit $fails
