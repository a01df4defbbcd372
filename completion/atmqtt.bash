# bash completion for atmqtt(8)
_atmqtt()
{
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmds="attach detach list limits open close sub unsub pub user will conf
		openable closable read test at clients subs policy monitor version help"
	local common="-M --modem -c -i --client -j --json -h --help"

	# The command: the first word that is not a global option.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-j|--json) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$cmds -j --json --help" -- "$cur"))
		return
	fi

	case $prev in
	-M|--modem)
		COMPREPLY=($(compgen -W "$(atmqtt list 2>/dev/null |
			awk 'NR > 1 { print $1; print $2 }')" -- "$cur"))
		return ;;
	-f|--file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--reconnect)
		COMPREPLY=($(compgen -W "on off" -- "$cur"))
		return ;;
	-q|--qos)
		COMPREPLY=($(compgen -W "0 1 2" -- "$cur"))
		return ;;
	--clean)
		COMPREPLY=($(compgen -W "0 1" -- "$cur"))
		return ;;
	-c|-i|--client)
		# 1 to the clients limit of the modem -M names (or of the first)
		local m= n
		for ((i = 1; i < COMP_CWORD - 1; i++)); do
			case ${COMP_WORDS[i]} in
			-M|--modem) m=${COMP_WORDS[i+1]} ;;
			esac
		done
		n=$(atmqtt limits ${m:+-M "$m"} 2>/dev/null |
			awk '{ for (f = 1; f < NF; f++) if ($f == "clients") { print $(f + 1); exit } }')
		COMPREPLY=($(compgen -W "$(seq 1 "${n:-2}" 2>/dev/null)" -- "$cur"))
		return ;;
	-e|--events)
		COMPREPLY=($(compgen -W "message break result modem urc reconnect" -- "$cur"))
		return ;;
	esac

	case $cmd in
	attach|detach)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-f -b -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "${cur:-/dev/tty}"))
		fi ;;
	open)
		COMPREPLY=($(compgen -W "$common -h -H --host -p --port --clean -k --keepalive" -- "$cur")) ;;
	sub)
		COMPREPLY=($(compgen -W "$common -t --topic -q --qos -v --verbose -N --no-newline -C --count -W --timeout --keep --no-wait" -- "$cur")) ;;
	unsub)
		COMPREPLY=($(compgen -W "$common -t --topic" -- "$cur")) ;;
	pub)
		COMPREPLY=($(compgen -W "$common -t --topic -m --message -f --file -s --stdin-file -n --null-message -q --qos -r --retain -D --datasize" -- "$cur")) ;;
	user)
		COMPREPLY=($(compgen -W "$common get --get -u --username -P --password --id --client-id" -- "$cur")) ;;
	will)
		COMPREPLY=($(compgen -W "$common get --get -t -m -q -r" -- "$cur")) ;;
	conf)
		COMPREPLY=($(compgen -W "$common 0 1" -- "$cur")) ;;
	test)
		COMPREPLY=($(compgen -W "$common user open close sub unsub pub conf read will" -- "$cur")) ;;
	at)
		COMPREPLY=($(compgen -W "$common -T 'AT+COPS?' 'AT+MIPCALL=1' 'AT+CREG?' AT+CGSN" -- "$cur")) ;;
	policy)
		COMPREPLY=($(compgen -W "$common --reconnect --min --max" -- "$cur")) ;;
	monitor)
		COMPREPLY=($(compgen -W "$common -e --events" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$cmds" -- "$cur")) ;;
	*)
		COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
	esac
}
complete -F _atmqtt atmqtt
