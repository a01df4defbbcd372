# KTAP for the project's shell tests, sourced: the host checks
# (scripts/abi/check.sh, selftests/install/run.sh, tools/bridge/tests/
# conf.sh) and the VM's (build-initramfs.sh puts this file beside them as
# /selftests/ktap.sh: cli_test.sh, bridge_test.sh, selftests/serial/).
#   ktap_plan N            the header, N tests
#   result STATUS NAME     "ok N NAME" for STATUS 0, else "not ok N NAME",
#                          then the last 20 lines of each file named in
#                          $KTAP_SHOW that is not empty, and what the test's
#                          ktap_on_fail prints, if it has one; its own
#                          status is STATUS's (0 or 1)
#   ktap_totals [PLANNED]  the "# Totals" line; status 0 when none failed
#                          (and, given PLANNED, when that many ran)
#   wait_for CMD...        retry CMD, its output dropped, for up to 10 s
n=0
fails=0
KTAP_SHOW=${KTAP_SHOW:-}
ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
		return 0
	fi
	echo "not ok $n $2"
	fails=$((fails + 1))
	for f_ in $KTAP_SHOW; do
		[ -s "$f_" ] && sed 's/^/# /' "$f_" | tail -20
	done
	if command -v ktap_on_fail >/dev/null 2>&1; then
		ktap_on_fail
	fi
	return 1
}
ktap_totals() {
	echo "# Totals: pass:$((n - fails)) fail:$fails skip:0"
	[ $fails = 0 ] && [ "${1:-$n}" = $n ]
}
wait_for() {
	i_=0
	until "$@" >/dev/null 2>&1; do
		i_=$((i_ + 1))
		[ $i_ -ge 100 ] && return 1
		sleep 0.1
	done
}
