#!/bin/sh
# man.sh OUTDIR: the man pages, generated from the RST pages of
# Documentation/ (one source for both): the page's body under a man header.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
mkdir -p "$out"
ver=$(cat "$top/VERSION")
gen() {	# gen NAME SECTION "description" SOURCE.rst
	rst=$out/$1.$2.rst
	{
		printf '%s\n' "$(echo "$1" | sed 's/./=/g')" "$1" "$(echo "$1" | sed 's/./=/g')"
		# Over- and underlined: an adornment no source page uses, so
		# that it becomes the subtitle (the man page's description).
		printf '\n%s\n%s\n%s\n\n' "$(echo "$3" | sed 's/./~/g')" "$3" "$(echo "$3" | sed 's/./~/g')"
		printf ':Manual section: %s\n:Manual group: atmqtt\n:Version: %s\n\n' "$2" "$ver"
		# The source without its own title (the first three lines).
		tail -n +4 "$top/Documentation/$4"
	} >"$rst"
	rst2man --halt=warning --report=warning "$rst" "$out/$1.$2"
}
gen atmqtt 8 "MQTT clients of AT-command cellular modems, through the kernel" cli.rst
gen atmqtt-sim 1 "Fibocom MQTT AT modem simulator on a pty" simulator.rst
gen libatmqtt 3 "C library for the atmqtt generic netlink family" libatmqtt.rst
gen atmqtt-bridge 8 "bridge a local mosquitto to the cloud through a modem's MQTT client" bridge.rst
