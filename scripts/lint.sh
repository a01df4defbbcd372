#!/bin/sh
# lint.sh: what kernel reviewers and packagers check, as KTAP tests:
#   checkpatch --strict on kernel/ and include/;
#   sparse (C=2) and W=1 on every supported kernel (KVERS), no output allowed;
#   the userspace parts with gcc and with clang under -Wall -Wextra -Werror;
#   the clang static analyzer (scan-build) on the userspace parts.
# The module builds happen in copies under build/lint/, so the tree's own
# objects are left alone.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KSRC=${KSRC:-/usr/src/linux-source-6.1}
KVERS=${KVERS:?set KVERS (make lint does)}
KSFT=$KSRC/tools/testing/selftests
work=$top/build/lint
rm -rf "$work"
mkdir -p "$work"

n=0
fails=0
ntests=$((3 + $(echo $KVERS | wc -w)))
echo "TAP version 13"
echo "1..$ntests"
# result NAME FILE: the output in FILE must be empty
result() {
	n=$((n + 1))
	if [ -s "$2" ]; then
		sed 's/^/# /' "$2" | head -40
		echo "not ok $n $1"
		fails=$((fails + 1))
	else
		echo "ok $n $1"
	fi
}

perl "$KSRC/scripts/checkpatch.pl" --strict --no-tree --terse -q -f \
	kernel/*.c kernel/*.h include/uapi/linux/atmqtt.h 2>&1 |
	grep -E "ERROR|WARNING|CHECK" >"$work/checkpatch.out"
result checkpatch_strict "$work/checkpatch.out"

for k in $KVERS; do
	d=$work/ko-$k
	mkdir -p "$d"
	cp -r Kbuild VERSION kernel include "$d/"
	# Anything but kbuild's own progress lines is a finding.
	make -s -C "$(sh scripts/kernel-headers.sh "$k")" M="$d" C=2 W=1 modules 2>&1 |
		grep -v "^Skipping BTF generation" >"$d.out"
	[ -f "$d/atmqtt.ko" ] || echo "no atmqtt.ko built" >>"$d.out"
	result "sparse_and_w1_$k" "$d.out"
done

# The userspace parts, in a copy, with one compiler.
userspace() {
	cc=$1
	dir=$2
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r include kernel lib tools selftests bench VERSION "$dir/"
	rm -rf "$dir/bench/results"
	for sub in lib tools/atmqtt tools/sim tools/bridge selftests/unit bench; do
		make -s -C "$dir/$sub" clean >/dev/null 2>&1
	done
	{
		make -s -C "$dir/lib" CC="$cc" &&
		make -s -C "$dir/tools/atmqtt" CC="$cc" atmqtt &&
		make -s -C "$dir/tools/sim" CC="$cc" &&
		make -s -C "$dir/tools/bridge" CC="$cc" &&
		make -s -C "$dir/selftests/unit" CC="$cc" atp_test atp_dump &&
		make -s -C "$dir/bench" CC="$cc" atp_bench atmqtt-bench insns.so &&
		make -s -C "$dir/selftests/atmqtt" CC="$cc" KSFT_DIR="$KSFT"
	} 2>&1
}

for cc in gcc clang; do
	userspace "$cc" "$work/$cc" >"$work/$cc.out" || echo "build failed" >>"$work/$cc.out"
done
cat "$work/gcc.out" "$work/clang.out" >"$work/cc.out"
result userspace_gcc_and_clang_werror "$work/cc.out"

# scan-build exports CC/CXX; --status-bugs makes a finding an error.
SCAN_CC=clang
scan-build --use-cc="$SCAN_CC" --status-bugs -o "$work/scan" \
	sh -c "make -s -C '$work/clang/lib' clean all &&
	       make -s -C '$work/clang/tools/atmqtt' clean atmqtt &&
	       make -s -C '$work/clang/tools/sim' clean atmqtt-sim &&
	       make -s -C '$work/clang/tools/bridge' clean atmqtt-bridge &&
	       make -s -C '$work/clang/bench' clean atp_bench atmqtt-bench insns.so" \
	>"$work/scan.log" 2>&1
if [ $? -ne 0 ]; then
	grep -E "warning:|error:|bugs? found" "$work/scan.log" >"$work/scan.out"
	[ -s "$work/scan.out" ] || tail -5 "$work/scan.log" >"$work/scan.out"
else
	: >"$work/scan.out"
fi
result scan_build_clean "$work/scan.out"

echo "# Totals: pass:$((n - fails)) fail:$fails skip:0"
[ $fails -eq 0 ]
