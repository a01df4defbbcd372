#!/bin/sh
# report.sh DIR: make bench's report from the VM logs in DIR (the BENCH and
# LAT lines atmqtt-bench printed) and DIR/parser.csv (bench/Makefile):
# DIR/table.md (printed), DIR/bench.csv, DIR/bench.json, and the plots
# DIR/throughput.svg and DIR/latency-cdf.svg (gnuplot).
#
# The logs: vm.log (x86-64, 2 vCPUs, wall clock: every workload; needed),
# vm-1cpu.log (1 vCPU), vm-icount.log (1 vCPU, instruction-timed) and
# vm-arm64.log (arm64, 1 vCPU, instruction-timed), each used when it ran
# to its end.  The table has a column per architecture: x86-64, and arm64
# for the rows of the instruction-timed run (and memory), "-" where a
# figure has no run.
set -eu
dir=$1
log=$dir/vm.log
[ -r "$log" ] || { echo "report.sh: no $log"; exit 1; }
grep -q '^BENCH done 1' "$log" || { echo "report.sh: the VM run did not finish"; exit 1; }

# key -> value of the BENCH lines
sed -n 's/^BENCH \([^ ]*\) \(.*\)$/\1 \2/p' "$log" >"$dir/bench.kv"

# Latency samples, one file per series, sorted: lat-* from vm.log (2 vCPUs).
lat_files() {	# lat_files LOG PREFIX
	for s in kernel-rx user-rx kernel-pub user-pub; do
		awk -v s="$s" '$1 == "LAT" && $2 == s { print $3 }' "$1" |
			sort -n >"$dir/$2-$s.txt"
	done
}
lat_files "$log" lat
# extra_log LOG PREFIX KV: when make bench's run LOG finished, its latency
# samples as PREFIX-* and its BENCH values in DIR/KV; fails otherwise
# (and leaves an empty KV).
extra_log() {
	: >"$dir/$3"
	[ -r "$1" ] && grep -q '^BENCH done 1' "$1" || return 1
	lat_files "$1" "$2"
	sed -n 's/^BENCH \([^ ]*\) \(.*\)$/\1 \2/p' "$1" >"$dir/$3"
}
# lat1-*: 1 vCPU (vm-1cpu.log); lati-*: 1 vCPU, guest time counted in
# instructions (vm-icount.log); latarm-*: the same on arm64.
log1=$dir/vm-1cpu.log
extra_log "$log1" lat1 bench1.kv || log1=
logi=$dir/vm-icount.log
extra_log "$logi" lati benchi.kv || logi=
loga=$dir/vm-arm64.log
extra_log "$loga" latarm bencharm.kv || loga=
kv() {	# kv FILE KEY
	awk -v k="$2" '$1 == k { print $2; exit }' "$dir/$1"
}
: >"$dir/bench.kv.none"		# (a run that is not there)
val() { kv bench.kv "$1"; }
vali() { kv benchi.kv "$1"; }
pct() {	# pct FILE P [FORMAT]: the P-th percentile (nearest rank)
	[ -s "$1" ] || { echo nan; return; }
	awk -v p="$2" -v f="${3:-%.0f}" '{ v[NR] = $1 } END {
		r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1
		printf f, v[r] }' "$1"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
meets() {	# meets VALUE OP LIMIT: 0 when it does
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
		exit !(op == "le" ? v + 0 <= l : v + 0 >= l) }'
}

csv=$dir/bench.csv
echo "workload,figure,x86_64,x86_64_detail,arm64,arm64_detail,unit,goal,met" >"$csv"
# row WORKLOAD FIGURE UNIT GOAL X86 X86_DETAIL ARM ARM_DETAIL: a value
# is "" where there is none; GOAL is "OP LIMIT" (ge 90, le 1.0) or "".
row() {
	goal= met=
	if [ -n "$4" ]; then
		op=${4% *} lim=${4#* }
		goal="$( [ "$op" = ge ] && echo ">=" || echo "<=") $lim"
		[ "$3" = % ] && goal="$goal %"
		[ "$3" = x ] && goal="${goal}x"
		bad=
		if [ -n "$5" ] && ! meets "$5" "$op" "$lim"; then
			bad="x86-64"
		fi
		if [ -n "$7" ] && ! meets "$7" "$op" "$lim"; then
			bad="${bad:+$bad and }arm64"
		fi
		if [ -z "$5$7" ]; then met=n/a
		elif [ -z "$bad" ]; then met=yes
		elif [ -n "$5" ] && [ -n "$7" ]; then met="no ($bad)"
		else met=no
		fi
	fi
	echo "$1,$2,$5,$6,$7,$8,$3,$goal,$met" >>"$csv"
}

# 1. Parser cost (instructions per byte, callgrind on the host)
if [ -r "$dir/parser.csv" ]; then
	big=$(awk -F, '$1 == 4096 { print $4 }' "$dir/parser.csv")
	for c in 4096 16 1; do
		ipb=$(awk -F, -v c="$c" '$1 == c { print $4 }' "$dir/parser.csv")
		if [ "$c" = 4096 ]; then
			row "parser: 1 MiB stream in 4096-byte chunks (host)" \
				instructions/byte instr/B "le 10" "$ipb" "" "" ""
		else
			r=$(calc "%.2f" "$ipb / $big")
			row "parser: 1 MiB stream in $c-byte chunks (host)" \
				"instructions/byte as a multiple of the 4096-byte figure" x \
				"le 2" "$r" "$ipb instr/B" "" ""
		fi
	done
fi

# 2. Throughput against the line rate (binary payloads: <Datasize> out,
#    +MQTTREAD in).  tp_goal DIRECTION RATE SIZE: the goal in % of the
#    line rate, if any: 1024 B both ways at both rates; receiving at
#    921600 baud, 256 B too, and 16 B at 75 %.
tp_goal() {
	case "$1 $2 $3" in
	"pub "*" 1024"|"rx "*" 1024"|"rx 921600 256") echo "ge 90" ;;
	"rx 921600 16") echo "ge 75" ;;
	esac
}
# tp_cell KV DIRECTION RATE SIZE: "percent msg/s" of that run, or "".
tp_cell() {
	msgs=$(kv "$1" "tp_${2}_${3}_${4}_msgs")
	wire=$(kv "$1" "tp_${2}_${3}_${4}_wire")
	[ -n "$msgs" ] || return 0
	if [ "$3" = 0 ]; then
		echo "$msgs"
	else
		echo "$(calc "%.1f" "$msgs / ($3 / 10 / $wire) * 100") $msgs"
	fi
}
# tp_rows KV_X86 KV_ARM SUFFIX
tp_rows() {
	for rate in 115200 921600 0; do
		for size in 16 256 1024; do
			for dirn in pub rx; do
				x=$(tp_cell "$1" $dirn $rate $size)
				a=
				[ -z "$2" ] || a=$(tp_cell "$2" $dirn $rate $size)
				[ -n "$x$a" ] || continue
				name=$( [ "$dirn" = pub ] && echo publish || echo receive)
				wire=$(kv "$1" "tp_${dirn}_${rate}_${size}_wire")
				[ -n "$wire" ] || [ -z "$2" ] ||
					wire=$(kv "$2" "tp_${dirn}_${rate}_${size}_wire")
				if [ "$rate" = 0 ]; then
					row "$name $size B on an unpaced pty$3" \
						"messages/s (line rate: none)" msg/s "" \
						"$x" "" "$a" ""
					continue
				fi
				row "$name $size B at $rate baud$3" \
					"% of the line rate ($wire B/exchange on the busier direction)" \
					% "$(tp_goal $dirn $rate $size)" \
					"${x%% *}" "${x:+${x#* } msg/s}" \
					"${a%% *}" "${a:+${a#* } msg/s}"
			done
		done
	done
}
tp_rows bench.kv "" ""
if [ -n "$logi$loga" ]; then
	tp_rows "$( [ -n "$logi" ] && echo benchi.kv || echo bench.kv.none)" \
		"$( [ -n "$loga" ] && echo bencharm.kv)" " (instruction-timed)"
	# Unpaced: receiving at least half as fast as publishing.
	for size in 16 256 1024; do
		cell() {	# cell KV: ratio and detail
			rx=$(kv "$1" "tp_rx_0_${size}_msgs")
			pub=$(kv "$1" "tp_pub_0_${size}_msgs")
			[ -n "$rx" ] && [ -n "$pub" ] || return 0
			echo "$(calc "%.2f" "$rx / $pub") $rx / $pub msg/s"
		}
		x=; a=
		[ -z "$logi" ] || x=$(cell benchi.kv)
		[ -z "$loga" ] || a=$(cell bencharm.kv)
		row "receive / publish $size B on an unpaced pty (instruction-timed)" \
			"messages/s received / published" ratio "ge 0.5" \
			"${x%% *}" "${x#* }" "${a%% *}" "${a#* }"
	done
fi

# 3. Latency: kernel / userspace, p50 and p99; on 2 vCPUs, on 1 (no
#    wake-up crosses CPUs: the ratio is the CPU cost of each path), and
#    instruction-timed, where the host's load does not enter the figures.
lat_cell() {	# lat_cell PREFIX DIRECTION P: "ratio k / u us" or ""
	k=$dir/$1-kernel-$2.txt
	u=$dir/$1-user-$2.txt
	[ -s "$k" ] && [ -s "$u" ] || return 0
	# The ratio of the samples as printed (0.1 us), not of the rounded
	# figures.
	r=$(awk -v k="$(pct "$k" "$3" %.1f)" -v u="$(pct "$u" "$3" %.1f)" \
		'BEGIN { if (u + 0 == 0) print "nan"; else printf "%.2f", k / u }')
	echo "$r $(pct "$k" "$3") / $(pct "$u" "$3") us"
}
lat_rows() {	# lat_rows PREFIX_X86 PREFIX_ARM SUFFIX
	for d in rx pub; do
		name=$( [ "$d" = rx ] && echo "mosquitto_pub -> listener" || echo "publish -> +MQTTPUB done")
		for p in 50 99; do
			x=$( [ -z "$1" ] || lat_cell "$1" $d $p)
			a=$( [ -z "$2" ] || lat_cell "$2" $d $p)
			[ -n "$x$a" ] || continue
			# Receiving, instruction-timed: no worse than the 0.92
			# of the issue "Receive as fast as publish".
			g="le 1.0"
			[ "$3 $d $p" = " (instruction-timed) rx 50" ] && g="le 0.92"
			n=$(wc -l <"$dir/${1:-$2}-kernel-$d.txt")
			row "latency $name p$p$3" "kernel/userspace (n=$n a side)" \
				ratio "$g" "${x%% *}" "${x#* }" "${a%% *}" "${a#* }"
		done
	done
}
lat_rows lat "" ""
[ -z "$log1" ] || lat_rows lat1 "" " (1 vCPU)"
[ -z "$logi$loga" ] || lat_rows "$( [ -n "$logi" ] && echo lati)" \
	"$( [ -n "$loga" ] && echo latarm)" " (instruction-timed)"

# 4. Memory per modem (MEM_BYTES: the modem's allocations, ksize)
mem() {	# mem KV KEY: KiB or ""
	v=$(kv "$1" "$2")
	[ -z "$v" ] || calc "%.2f" "$v / 1024"
}
arm_kv=$( [ -n "$loga" ] && echo bencharm.kv || echo bench.kv.none)
row "memory per modem: idle" "kernel memory (MEM_BYTES)" KiB "le 8" \
	"$(mem bench.kv mem_idle_bytes)" "" "$(mem "$arm_kv" mem_idle_bytes)" ""
row "memory per modem: 2 clients open and 100 subscriptions" \
	"kernel memory (MEM_BYTES)" KiB "" \
	"$(mem bench.kv mem_busy_bytes)" "" "$(mem "$arm_kv" mem_busy_bytes)" ""

# 5. Scale (2 vCPUs)
n=$(val scale_all_modems)
one=$(val scale_one_rx_msgs)
all=$(val scale_all_rx_msgs)
row "$n modems at 115200 baud: 256 B out and back" \
	"aggregate / ($n x one modem)" ratio "ge 0.9" \
	"$(calc "%.2f" "$all / ($n * $one)")" \
	"$all vs $one msg/s; $(val scale_all_publishers_failed) publishers failed" "" ""
row "$n modems: VM CPU time" "ms per message (out or in)" ms "" \
	"$(val scale_all_cpu_ms_per_msg)" "" "" ""
row "1 modem: VM CPU time" "ms per message (out or in)" ms "" \
	"$(val scale_one_cpu_ms_per_msg)" "" "" ""

# 6. What one round trip costs by itself, no modem (explains section 3)
rt_rows() {	# rt_rows KV_X86 KV_ARM SUFFIX
	row "round trip$3: a request the policy refuses (genetlink and libnl)" \
		"us per request" us "" "$(kv "$1" rt_genl_us)" "" \
		"$( [ -z "$2" ] || kv "$2" rt_genl_us)" ""
	row "round trip$3: write() and read() of 40 bytes through a pipe" \
		"us per pair" us "" "$(kv "$1" rt_pipe_us)" "" \
		"$( [ -z "$2" ] || kv "$2" rt_pipe_us)" ""
	row "round trip$3: the same through a pty in N_TTY raw mode" \
		"us per pair" us "" "$(kv "$1" rt_pty_us)" "" \
		"$( [ -z "$2" ] || kv "$2" rt_pty_us)" ""
}
rt_rows bench.kv "" ""
[ -z "$log1" ] || rt_rows bench1.kv "" " (1 vCPU)"
[ -z "$logi$loga" ] || rt_rows "$( [ -n "$logi" ] && echo benchi.kv || echo bench.kv.none)" \
	"$( [ -n "$loga" ] && echo bencharm.kv)" " (instruction-timed)"

# 7. atmqtt-bridge against the CLI path: QoS 1, to the cloud's subscriber
#    (local mosquitto -> bridge -> modem -> cloud; atmqtt pub per message;
#    atmqtt_publish() in the program), the same run, sampled in turn; on 2
#    vCPUs, and on 1 vCPU instruction-timed.  br_rows LOG PREFIX VAL SUFFIX
br_rows() {
	for s in bridge cli lib; do
		awk -v s="br-$s" '$1 == "LAT" && $2 == s { print $3 }' "$1" |
			sort -n >"$dir/$2-br-$s.txt"
	done
	[ -s "$dir/$2-br-bridge.txt" ] || return 0
	for p in 50 99; do
		b=$(pct "$dir/$2-br-bridge.txt" $p)
		c=$(pct "$dir/$2-br-cli.txt" $p)
		l=$(pct "$dir/$2-br-lib.txt" $p)
		r=$(awk -v b="$b" -v c="$c" 'BEGIN { if (c + 0 == 0) print "nan"; else printf "%.2f", b / c }')
		row "bridge: latency to the cloud subscriber p$p (QoS 1)$4" \
			"bridge / CLI" ratio "" "$r" \
			"$b us through local mosquitto and atmqtt-bridge / $c us by atmqtt pub; libatmqtt alone $l us; n=$(wc -l <"$dir/$2-br-bridge.txt")" \
			"" ""
	done
	b=$($3 br_tp_bridge_msgs)
	c=$($3 br_tp_cli_msgs)
	l=$($3 br_tp_lib_msgs)
	r=$(calc "%.2f" "$b / $c")
	row "bridge: messages/s to the cloud subscriber (QoS 1)$4" \
		"bridge / CLI" ratio "" "$r" \
		"$b msg/s: $($3 br_tp_bridge_n) published at once locally; $($3 br_tp_bridge_got) received; in order: $($3 br_tp_bridge_in_order) / $c msg/s: $($3 br_tp_cli_n) atmqtt pub in a row; libatmqtt alone $l msg/s" \
		"" ""
	row "bridge: CPU time per message forwarded$4" \
		"atmqtt-bridge's process" us "" "$($3 br_tp_bridge_cpu_us)" \
		"the kernel's work for its requests and its TCP included; libatmqtt alone: $($3 br_tp_lib_cpu_us) us; the local mosquitto: $($3 br_tp_local_broker_cpu_us) us" \
		"" ""
}
br_rows "$log" lat val ""
[ -z "$logi" ] || br_rows "$logi" lati vali " (1 vCPU instruction-timed)"

# The table, and JSON of the same rows.
{
	echo "| workload | figure | x86-64 | arm64 | goal | met |"
	echo "|---|---|---|---|---|---|"
	tail -n +2 "$csv" | awk -F, '
	function cell(v, d, u) {
		if (v == "") return "-"
		return v (u == "x" ? "x" : " " u) (d == "" ? "" : " (" d ")")
	}
	{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2,
		cell($3, $4, $7), cell($5, $6, $7), $8, $9 }'
} >"$dir/table.md"
awk -F, 'NR == 1 { next }
	function num(v) { return (v == "" || v == "nan") ? "null" : v }
	{ printf "%s{\"workload\":\"%s\",\"figure\":\"%s\",\"x86_64\":%s,\"x86_64_detail\":\"%s\",\"arm64\":%s,\"arm64_detail\":\"%s\",\"unit\":\"%s\",\"goal\":\"%s\",\"met\":\"%s\"}",
		NR == 2 ? "[" : ",", $1, $2, num($3), $4, num($5), $6, $7, $8, $9 }
	END { print "]" }' "$csv" >"$dir/bench.json"

# Plots: payload throughput vs size, and the latency CDFs (x86-64, 2 vCPUs).
if command -v gnuplot >/dev/null; then
	for rate in 115200 921600 0; do
		for size in 16 256 1024; do
			echo "$size $(val "tp_pub_${rate}_${size}_msgs") $(val "tp_rx_${rate}_${size}_msgs")"
		done >"$dir/tp-$rate.dat"
	done
	for s in kernel-rx user-rx kernel-pub user-pub; do
		awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' \
			"$dir/lat-$s.txt" >"$dir/cdf-$s.dat"
	done
	gnuplot <<EOF
set terminal svg size 800,500
set output "$dir/throughput.svg"
set title "atmqtt payload throughput (binary: <Datasize> out, +MQTTREAD in)"
set xlabel "payload (bytes)"
set ylabel "payload bytes/s"
set logscale xy
set key left top
plot "$dir/tp-115200.dat" using 1:(\$1*\$2) with linespoints title "publish, 115200 baud", \
     "$dir/tp-115200.dat" using 1:(\$1*\$3) with linespoints title "receive, 115200 baud", \
     "$dir/tp-921600.dat" using 1:(\$1*\$2) with linespoints title "publish, 921600 baud", \
     "$dir/tp-921600.dat" using 1:(\$1*\$3) with linespoints title "receive, 921600 baud", \
     "$dir/tp-0.dat" using 1:(\$1*\$2) with linespoints title "publish, unpaced", \
     "$dir/tp-0.dat" using 1:(\$1*\$3) with linespoints title "receive, unpaced"
set output "$dir/latency-cdf.svg"
set title "latency CDF: kernel line discipline vs userspace N_TTY program"
set xlabel "latency (us)"
set ylabel "fraction"
unset logscale
set logscale x
set key right bottom
plot "$dir/cdf-kernel-rx.dat" with lines title "receive, kernel", \
     "$dir/cdf-user-rx.dat" with lines title "receive, userspace", \
     "$dir/cdf-kernel-pub.dat" with lines title "publish, kernel", \
     "$dir/cdf-user-pub.dat" with lines title "publish, userspace"
EOF
fi
cat "$dir/table.md"
