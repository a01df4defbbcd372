# KTAP for the host checks, sourced (. scripts/ktap.sh) by
# scripts/abi/check.sh and selftests/install/run.sh:
#   ktap_plan N          the header, N tests
#   result STATUS NAME   "ok N NAME" for STATUS 0, else "not ok N NAME"
#   ktap_totals          the "# Totals" line; its status is 0 when none
#                        failed
n=0
fails=0
ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else
		echo "not ok $n $2"; fails=$((fails + 1)); fi
}
ktap_totals() {
	echo "# Totals: pass:$((n - fails)) fail:$fails skip:0"
	[ $fails = 0 ]
}
