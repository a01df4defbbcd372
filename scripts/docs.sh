#!/bin/sh
# docs.sh [--check]: render Documentation/images/*.dot to SVG with graphviz;
# with --check, only say (KTAP) whether each committed SVG is the rendering
# of its .dot file, and whether every .rst parses without a warning.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
check=${1:-}
rc=0
n=0
[ "$check" = --check ] && echo "TAP version 13"
for dot in "$top"/Documentation/images/*.dot; do
	svg=${dot%.dot}.svg
	name=$(basename "$svg")
	tmp=$(mktemp)
	dot -Tsvg "$dot" >"$tmp" || rc=1
	if [ "$check" = --check ]; then
		n=$((n + 1))
		if cmp -s "$tmp" "$svg"; then
			echo "ok $n ${name}_is_current"
		else
			echo "# $name is not the rendering of $(basename "$dot"): run scripts/docs.sh"
			echo "not ok $n ${name}_is_current"
			rc=1
		fi
		rm -f "$tmp"
	else
		chmod 644 "$tmp"
		mv "$tmp" "$svg"
		echo "docs: $svg"
	fi
done
if [ "$check" = --check ]; then
	for rst in "$top"/Documentation/*.rst; do
		name=$(basename "$rst" .rst)
		# index.rst is Sphinx's (toctree), not plain docutils.
		[ "$name" = index ] && continue
		n=$((n + 1))
		if out=$(cd "$top/Documentation" &&
			 rst2html --halt=warning --report=warning "$rst" 2>&1 >/dev/null); then
			echo "ok $n ${name}_rst_parses"
		else
			echo "$out" | sed 's/^/# /'
			echo "not ok $n ${name}_rst_parses"
			rc=1
		fi
	done
	echo "1..$n"
fi
exit $rc
