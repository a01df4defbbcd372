#!/bin/bash
# Checks of completion/atmqtt.bash: COMPREPLY for a few command lines.
# Prints one line per failure; exit status 1 on any.
. "$(dirname "$0")/atmqtt.bash"
fails=0
want() {	# want "WORDS..." EXPECTED-WORD
	read -r -a COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_atmqtt
	if [[ " ${COMPREPLY[*]} " != *" $2 "* ]]; then
		echo "completion of '$1' lacks '$2': ${COMPREPLY[*]}"
		fails=1
	fi
}
want "atmqtt su" sub
want "atmqtt -j mon" monitor
want "atmqtt pub --da" --datasize
want "atmqtt test un" unsub
want "atmqtt policy --reconnect " on
want "atmqtt sub -q " 2
want "atmqtt help clo" closable
want "atmqtt monitor --ev" --events
want "atmqtt monitor -e me" message
want "atmqtt user --cl" --client-id
want "atmqtt lim" limits
want "atmqtt help li" limits
want "atmqtt limits -" -M
want "atmqtt close -c " 1
want "atmqtt -j close -M 1 -i " 1
exit $fails
