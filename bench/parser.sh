#!/bin/sh
# Parser cost: instructions executed per byte fed to kernel/atp.c, counted by
# callgrind: atp_feed() and what it calls, inside bench_feed(), for each
# chunk size in $CHUNKS.
# Writes results/parser.csv and prints a markdown table.  Run by
# "make -C bench parser" from bench/.
set -eu

CHUNKS=${CHUNKS:-"1 16 4096"}
BASE=${BASE:-4096}		# the chunk size the others are compared to
OUT=results
CSV=$OUT/parser.csv

command -v valgrind >/dev/null 2>&1 || {
	echo "parser.sh: valgrind not found (apt-get install valgrind)" >&2
	exit 1
}
mkdir -p "$OUT"

counts=
echo "chunk,bytes,instructions,instr_per_byte" >"$CSV.tmp"
for c in $CHUNKS; do
	cg=$OUT/callgrind.parser.$c.out
	if ! valgrind --tool=callgrind --toggle-collect=bench_feed \
		--callgrind-out-file="$cg" --log-file="$OUT/parser.$c.log" \
		./atp_bench "$c" >"$OUT/parser.$c.txt"; then
		cat "$OUT/parser.$c.txt" "$OUT/parser.$c.log" >&2
		echo "parser.sh: atp_bench $c failed" >&2
		exit 1
	fi
	line=$(cat "$OUT/parser.$c.txt")
	# Everything after "chunk=N" must be the same for every chunk size.
	rest=${line#chunk=* }
	if [ -z "$counts" ]; then
		counts=$rest
	elif [ "$rest" != "$counts" ]; then
		echo "parser.sh: chunk $c parsed differently:" >&2
		echo "  $counts" >&2
		echo "  $rest" >&2
		exit 1
	fi
	bytes=$(echo "$line" | sed -n 's/.* bytes=\([0-9]*\).*/\1/p')
	# atp_feed() inclusive (the emit callback included), without the
	# benchmark's own loop around it.
	instr=$(callgrind_annotate --inclusive=yes "$cg" 2>/dev/null |
		awk '/atp\.c:atp_feed / { gsub(",", "", $1); print $1; exit }')
	if [ -z "$bytes" ] || [ -z "$instr" ]; then
		echo "parser.sh: no byte or instruction count for chunk $c" >&2
		exit 1
	fi
	awk -v c="$c" -v b="$bytes" -v i="$instr" \
		'BEGIN { printf "%s,%s,%s,%.3f\n", c, b, i, i / b }' \
		>>"$CSV.tmp"
done
mv "$CSV.tmp" "$CSV"

awk -F, -v base="$BASE" '
NR == 1 { next }
{ chunk[++n] = $1; ipb[n] = $4; if ($1 == base) ref = $4 }
END {
	# largest chunks first
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && chunk[j] + 0 > chunk[j - 1] + 0; j--) {
			t = chunk[j]; chunk[j] = chunk[j - 1]; chunk[j - 1] = t
			t = ipb[j]; ipb[j] = ipb[j - 1]; ipb[j - 1] = t
		}
	print "| workload | figure | goal |"
	print "|---|---|---|"
	for (i = 1; i <= n; i++)
		if (chunk[i] == base)
			printf "| parser, %s-byte chunks | %.1f instr/byte | ≤ 10 |\n",
			       base, ipb[i]
	for (i = 1; i <= n; i++) {
		if (chunk[i] == base)
			continue
		fig = sprintf("%.1f instr/byte", ipb[i])
		if (ref > 0)
			fig = fig sprintf(" (ratio %.2f× the %s-byte figure)",
					  ipb[i] / ref, base)
		printf "| parser, %s-byte chunks | %s | %s |\n", chunk[i], fig,
		       chunk[i] == 1 ? "≤ 2×" : "—"
	}
}' "$CSV"
echo
echo "($counts per run; $CSV, callgrind files in $OUT/)"
