#!/bin/sh
# scripts/abi/check.sh: libatmqtt's ABI against what it promises, as KTAP
# (make abi-check; make check runs it):
#   1. lib/libatmqtt.map lists by name exactly the functions lib/atmqtt.h
#      declares (the compiler's own list of them: gcc -aux-info), no glob;
#   2. lib/libatmqtt.so exports exactly those, each at version LIBATMQTT_1.0,
#      and nothing else (nm -D --defined-only);
#   3. abidiff finds no change from the saved baseline
#      lib/abi/libatmqtt.so.1.xml but added functions: a removed or changed
#      function or variable, or a changed type they use, fails.
# Each set empty or a tool missing fails too: nothing passes unchecked.
# check.sh --baseline (make abi-baseline) writes the baseline instead.
#
# Both sides of abidiff are abidw's XML, written with the same flags: the
# types of atmqtt.h included and the private ones left out, without the
# paths of the build or of the tree (the same XML from any checkout), of
# x86-64, where make check runs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d /tmp/atmqtt-abi.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
so=lib/libatmqtt.so.$(cat VERSION)
node=LIBATMQTT_1.0
node_re=$(printf %s "$node" | sed 's/\./\\./g')
baseline=lib/abi/libatmqtt.so.1.xml
abidw() {	# abidw OUT: the ABI of $so as XML
	command abidw --headers-dir lib --header-file lib/atmqtt.h \
		--drop-private-types --drop-undefined-syms --no-corpus-path \
		--no-comp-dir-path --short-locs --out-file "$1" "$so"
}
if [ "${1:-}" = --baseline ]; then
	mkdir -p "$(dirname "$baseline")" && abidw "$baseline" &&
		echo "wrote $baseline"
	exit
fi
. scripts/ktap.sh
ktap_plan 3
# same A B WHAT: the sorted name lists A and B are equal and not empty.
same() {
	if [ ! -s "$1" ]; then
		echo "# no $3 found"
		return 1
	fi
	diff -u "$1" "$2" >"$tmp/diff" && return 0
	sed 1,2d "$tmp/diff" | grep '^[-+]' | sed "s/^/# $3: /"
	return 1
}

make -s -C lib >"$tmp/build.log" 2>&1 ||
	{ sed 's/^/# /' "$tmp/build.log"; echo "# lib does not build"; }

# The header's functions, as gcc sees them: -aux-info writes a prototype
# for every function declared in the translation unit, with its file.
echo '#include "atmqtt.h"' >"$tmp/h.c"
gcc -fsyntax-only -Ilib -Iinclude/uapi -aux-info "$tmp/aux" "$tmp/h.c" \
	2>"$tmp/aux.err" || sed 's/^/# /' "$tmp/aux.err"
grep "^/\* [^ ]*lib/atmqtt\.h:" "$tmp/aux" 2>/dev/null |
	sed 's|^/\*[^*]*\*/ ||; s/ (.*//; s/.*[^A-Za-z0-9_]//' |
	sort >"$tmp/header"

# The map's global names: comments out, then the names between global:
# and local: (one "name;" each).  A glob, or a second node, fails.
sed 's|/\*.*\*/||; /\/\*/,/\*\//d' lib/libatmqtt.map >"$tmp/map.src"
rc=0
grep -q "^$node_re {" "$tmp/map.src" ||
	{ echo "# lib/libatmqtt.map has no node $node"; rc=1; }
[ "$(grep -c '{' "$tmp/map.src")" = 1 ] ||
	{ echo "# lib/libatmqtt.map: one node expected (update this check)"; rc=1; }
sed -n '/global:/,/local:/p' "$tmp/map.src" | sed '1d;$d' |
	tr -d ' \t' | grep . >"$tmp/map.raw"
grep -v '^[A-Za-z_][A-Za-z0-9_]*;$' "$tmp/map.raw" | sed 's/^/# not a name in the map: /' |
	grep . && rc=1
sed 's/;$//' "$tmp/map.raw" | sort >"$tmp/map"
same "$tmp/header" "$tmp/map" "header (-) vs. map (+)" || rc=1
result $rc map_lists_the_header_functions

# The library's dynamic symbols: defined, with their version.
rc=0
nm -D --defined-only "$so" >"$tmp/nm" 2>"$tmp/nm.err" ||
	{ sed 's/^/# /' "$tmp/nm.err"; rc=1; }
awk '$3 != "'$node'" { print $3 }' "$tmp/nm" >"$tmp/dyn"
grep -v "@@$node_re\$" "$tmp/dyn" | sed "s/^/# not at version $node: /" | grep . && rc=1
sed 's/@.*//' "$tmp/dyn" | sort >"$tmp/exports"
same "$tmp/map" "$tmp/exports" "map (-) vs. $so (+)" || rc=1
result $rc library_exports_the_map

# The ABI, types included, against the baseline.
rc=0
if ! command -v abidiff >/dev/null; then
	echo "# no abidiff (abigail-tools, scripts/deps.sh)"
	rc=1
elif [ ! -s "$baseline" ]; then
	echo "# no $baseline (make abi-baseline)"
	rc=1
else
	abidw "$tmp/new.xml" >"$tmp/abidiff" 2>&1 &&
		abidiff "$baseline" "$tmp/new.xml" >>"$tmp/abidiff" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/abidiff"
	echo "# abidiff exit status $rc"
	# abidiff's exit status: bit 2 (4) a change, bit 3 (8) one it
	# knows to be incompatible (a removed function); a changed struct
	# is 4.  4 passes when all that changed is added functions.
	[ $rc = 4 ] && grep -q "^Functions changes summary:" "$tmp/abidiff" &&
		! grep -qE "[1-9][0-9]* (Removed|Changed)" "$tmp/abidiff" &&
		{ echo "# only additions: compatible"; rc=0; }
fi
result $rc abidiff_against_baseline

ktap_totals
