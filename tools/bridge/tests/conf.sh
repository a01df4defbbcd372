#!/bin/sh
# conf.sh ATMQTT_BRIDGE: atmqtt-bridge check on good and bad configurations.
# Every bad one is refused with exit status 2 and one line
# "FILE:LINE: what" (or "FILE: what" for what the whole file lacks) naming
# the right line; the good ones print what they configure, never a
# password.  What a modem takes is checked with -L, the limits a Fibocom
# NL668 reports (GET_MODEM's MODEM_LIMITS), as check and run check them
# against the modem attached.  KTAP.
set -u
bin=${1:?usage: conf.sh ATMQTT_BRIDGE}
dir=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/bridge-conf.XXXXXX)
trap 'rm -rf "$T"' EXIT
# result, ktap_totals (scripts/ktap.sh)
. "$dir/../../../scripts/ktap.sh"
KTAP_SHOW="$T/out $T/err"

# base: a valid configuration; bad NAME LINE MESSAGE KEYLINE...: base plus
# the lines given, refused at LINE with MESSAGE (a grep -F pattern).
base='modem /dev/ttyUSB2
address broker.example.org:1883
topic sensors/# out 1'
bad() {
	name=$1 line=$2 msg=$3
	shift 3
	f=$T/$name.conf
	printf '%s\n' "$base" "$@" >"$f"
	"$bin" check -c "$f" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$line" = 0 ]; then want="$f: "; else want="$f:$line: "; fi
	[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -qF "$want" "$T/err" && grep -qF -- "$msg" "$T/err" &&
		[ ! -s "$T/out" ]
	result $? "refused_$name"
}
# fit NAME LINE MESSAGE KEYLINE...: as bad, against the NL668's limits
nl668=clients=2,host=255,topic=255,payload=1024,user_name=128,password=128
nl668=$nl668,client_ident=23,keepalive=300,qos=2,subs=128
fit() {
	name=$1 line=$2 msg=$3
	shift 3
	f=$T/$name.conf
	printf '%s\n' "$base" "$@" >"$f"
	"$bin" check -c "$f" -L "${LIMITS:-$nl668}" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$line" = 0 ]; then want="$f: "; else want="$f:$line: "; fi
	[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -qF "$want" "$T/err" && grep -qF -- "$msg" "$T/err" &&
		[ ! -s "$T/out" ]
	result $? "modem_refuses_$name"
}
# whole: the file is exactly the lines given
whole() {
	name=$1 line=$2 msg=$3
	shift 3
	f=$T/$name.conf
	printf '%s\n' "$@" >"$f"
	"$bin" check -c "$f" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$line" = 0 ]; then want="$f: "; else want="$f:$line: "; fi
	[ $rc = 2 ] && grep -qF "$want" "$T/err" && grep -qF -- "$msg" "$T/err"
	result $? "refused_$name"
}

echo "TAP version 13"
echo "1..48"

"$bin" check -c "$dir/../example.conf" >"$T/out" 2>"$T/err"
[ $? = 0 ] && grep -qx "connection cloud" "$T/out" &&
	grep -qx 'topic cmd/# in 1 "" gateways/0042/' "$T/out" &&
	grep -qx "restart_timeout 2.000 60.000" "$T/out" &&
	! grep -q "change-me" "$T/out" "$T/err"
result $? example_conf_accepted_password_not_shown

printf '%s\n' "$base" >"$T/defaults.conf"
"$bin" check -c "$T/defaults.conf" >"$T/out" 2>"$T/err"
[ $? = 0 ] && grep -qx "connection defaults" "$T/out" &&
	grep -qx "modem_client 1" "$T/out" &&
	grep -qx "keepalive_interval 60" "$T/out" &&
	grep -qx "cleansession false" "$T/out" &&
	grep -qx "local_address 127.0.0.1:1883" "$T/out" &&
	grep -qx "local_clientid atmqtt-bridge.defaults" "$T/out" &&
	grep -qx "restart_timeout 5.000 30.000" "$T/out"
result $? defaults_name_from_file

printf '%s\n' "  # a comment" "" "connection c" "modem 3" \
	"address [::1]:1884" "topic \"\" both 0 local/one remote/one" \
	"topic a/+/c in 2" "restart_timeout 0.5" >"$T/forms.conf"
"$bin" check -c "$T/forms.conf" >"$T/out" 2>"$T/err"
[ $? = 0 ] && grep -qx "modem 3" "$T/out" &&
	grep -qx "address ::1:1884" "$T/out" &&
	grep -qx 'topic "" both 0 local/one remote/one' "$T/out" &&
	grep -qx 'topic a/+/c in 2 "" ""' "$T/out" &&
	grep -qx "restart_timeout 0.500 0.500" "$T/out"
result $? comments_handle_ipv6_exact_topic_decimals

bad unknown_key 4 "unknown key 'bridge_foo'" "bridge_foo 1"
bad tls_unsupported 4 "'bridge_cafile' is not supported: TLS" \
	"bridge_cafile /etc/ssl/ca.pem"
bad try_private 4 "'try_private' is not supported" "try_private true"
bad second_connection 5 "a second connection" "connection a" "connection b"
bad bad_name 4 "connection: the name may hold" "connection a/b"
bad bad_client 4 "modem_client: 256 is out of range (1-255" "modem_client 256"
bad two_addresses 4 "address: given twice" "address other:1883"
whole address_list 2 "address: one address only" "modem 1" \
	"address a:1883 b:1883" "topic t"
whole bad_port 2 "address: 70000 is out of range (1-65535" "modem 1" \
	"address x:70000" "topic t"
bad keepalive 4 "keepalive_interval: 65536 is out of range (1-65535, MQTT's limit)" \
	"keepalive_interval 65536"
bad not_a_number 4 "keepalive_interval: '6O' is not a number" \
	"keepalive_interval 6O"
bad cleansession 4 "cleansession: 'yes' is not true or false" \
	"cleansession yes"
bad quote_in_user 4 "remote_username: must be 0-65535 printable" \
	'remote_username a"b'
bad password_alone 0 "remote_password without remote_username" \
	"remote_password secret"
bad will_wildcard 4 "will_topic: no wildcards" "will_topic a/#"
bad will_payload_alone 0 "need will_topic" "will_payload bye"
bad restart_order 4 "restart_timeout: the cap is below the base" \
	"restart_timeout 10 5"
bad restart_small 4 "restart_timeout: 0.05 s is out of range" \
	"restart_timeout 0.05"
bad topic_direction 4 "direction 'up' is not out, in or both" "topic a up 1"
bad topic_qos 4 "topic: qos: 3 is out of range (0-2)" "topic a out 3"
bad topic_hash 4 "'#' must be a whole level, and the last" "topic a/#/b out 1"
bad topic_plus 4 "'+' must be a whole level" "topic a/b+ out 1"
bad topic_four 4 "a local prefix needs a remote prefix" "topic a out 1 x/"
bad topic_prefix_wild 4 "a prefix cannot hold the wildcards" \
	"topic a out 1 x/+/ y/"
bad topic_empty_pattern 4 "an empty pattern needs both prefixes" \
	'topic "" out 1 x ""'
bad topic_remote_quote 4 "the remote side" 'topic a"b in 1'
bad topic_dup 4 "'sensors/#' is bridged out already (line 3)" \
	"topic sensors/# both 0"
bad no_value 4 "keepalive_interval: no value" "keepalive_interval"
whole no_modem 0 "no modem line" "address x" "topic t"
whole no_address 0 "no address line" "modem 1" "topic t"
whole no_topic 0 "no topic line" "modem 1" "address x"
bad will_and_notifications 0 "both want the modem's one will" \
	"will_topic gw/online" "notifications true"

# What the NL668 does not take, as the bridge finds it attached.
long=$(printf '%0256d' 0)
fit client 4 "modem_client: 3 is out of range (1-2, the modem's clients)" \
	"modem_client 3"
fit keepalive 4 "keepalive_interval: 301 is out of range (1-300, the modem's limit)" \
	"keepalive_interval 301"
fit clientid_long 4 "remote_clientid: must be 1-23 printable" \
	"remote_clientid abcdefghijklmnopqrstuvwxyz"
fit user_long 4 "remote_username: must be 0-128 printable" \
	"remote_username ${long%??????????????????????????????}"
fit remote_topic_long 4 "topic: the remote side '$long' must be 1-255 printable" \
	"topic $long in 1"
saved=$base
base="modem /dev/ttyUSB2
address $long:1883
topic t"
fit host_long 2 "address: the host must be 1-255 printable"
base=$saved
LIMITS=$nl668,qos=1
fit topic_qos 4 "topic: qos: 2 is out of range (0-1, the modem's limit)" \
	"topic a out 2"
LIMITS=$nl668,subs=1
fit subscriptions 5 "topic: more than 1 in and both topics (the modem's client tracks 1 subscriptions)" \
	"topic a in 1" "topic b both 1"
LIMITS=
fit first_line 4 "keepalive_interval: 900" "keepalive_interval 900" \
	"remote_clientid abcdefghijklmnopqrstuvwxyz"

"$bin" check -c "$dir/../example.conf" -L "$nl668" >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ ! -s "$T/err" ] && grep -qx "connection cloud" "$T/out"
result $? example_conf_fits_the_nl668

"$bin" check -c "$T/defaults.conf" -L clients=2,bogus=1 >"$T/out" 2>"$T/err"
[ $? = 2 ] && grep -qF -- "-L 'clients=2,bogus=1'" "$T/err" && [ ! -s "$T/out" ]
result $? bad_limits_refused

"$bin" run -c "$T/defaults.conf" -L clients=2 >"$T/out" 2>"$T/err"
[ $? = 2 ] && grep -q "^usage" "$T/err"
result $? limits_only_for_check

"$bin" check -c "$T/missing.conf" >"$T/out" 2>"$T/err"
[ $? = 2 ] && grep -qF "$T/missing.conf: No such file" "$T/err"
result $? missing_file

ktap_totals
