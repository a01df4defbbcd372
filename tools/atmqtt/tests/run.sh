#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Host tests of libatmqtt and the atmqtt CLI against the scripted kernel of
# fakenl.c (see its top comment for the script and log formats).  Run by
# `make -C tools/atmqtt check`; needs python3 for the JSON checks.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# As root, attach puts its pid files in /run/atmqtt: the tests run in a
# mount namespace with a /run of their own (attach.sh), leaving the host's
# alone.
if [ "$(id -u)" = 0 ] && [ -z "${ATMQTT_TEST_PRIVATE_RUN:-}" ] &&
   unshare -m sh -c 'mount -t tmpfs atmqtt-test /run' 2>/dev/null; then
	export ATMQTT_TEST_PRIVATE_RUN=1
	exec unshare -m sh -c 'mount -t tmpfs atmqtt-test /run && exec sh "$0"' \
		"$HERE/run.sh"
fi
CLI=$HERE/atmqtt-fake
LIBTEST=$HERE/libtest
T=$(mktemp -d /tmp/atmqtt-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
export FAKENL_SCRIPT=$T/script FAKENL_LOG=$T/log
# the module's sysfs files (fakenl.c): none, the module is not loaded
export FAKENL_SYS=$T/sys
mkdir "$T/sys"

pass=0
fails=0

ok() { pass=$((pass + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }

# script LINES...: the fake kernel's answers for the next case
script() { printf '%s\n' "$@" >"$T/script"; : >"$T/log"; }

# run RC ARGS...: the CLI with stdout in $T/out, stderr in $T/err
run() {
	want=$1
	shift
	"$CLI" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" = "$want" ]; then ok; else
		bad "atmqtt $* exited $rc, not $want"; sed 's/^/    /' "$T/err"
	fi
}

# expect FILE TEXT: FILE is exactly TEXT
expect() {
	printf '%s\n' "$2" >"$T/want"
	if cmp -s "$1" "$T/want"; then ok; else
		bad "$(basename "$1") of: $CASE"
		diff "$T/want" "$1" | sed 's/^/    /'
	fi
}

# empty FILE: FILE is empty
empty() {
	if [ ! -s "$1" ]; then ok; else
		bad "$(basename "$1") of '$CASE' is not empty"
		sed 's/^/    /' "$1"
	fi
}

# has FILE TEXT: a line of FILE is TEXT
has() {
	if grep -qxF -- "$2" "$1"; then ok; else
		bad "$(basename "$1") of '$CASE' lacks: $2"
		sed 's/^/    /' "$1"
	fi
}

# json: every line of out is a JSON object (and out is not empty)
json() {
	if [ -s "$T/out" ] && python3 -c '
import json, sys
for l in open(sys.argv[1], "rb"):
    assert isinstance(json.loads(l), dict)' "$T/out"; then ok; else
		bad "invalid JSON from: $CASE"; sed 's/^/    /' "$T/out"
	fi
}

# jq EXPR: a python expression on the list of objects in out is true
jq() {
	if python3 -c '
import json, sys
o = [json.loads(l) for l in open(sys.argv[1], "rb")]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1"; then ok; else
		bad "$CASE: $1"; sed 's/^/    /' "$T/out"
	fi
}

[ -x "$CLI" ] && [ -x "$LIBTEST" ] || { echo "build first: make check"; exit 1; }

# ---- the library ----------------------------------------------------

CASE="lib errors"
script 'OPEN reply MODEM_ID=1 CLIENT_ID=1 ERROR.KIND=1 ERROR.CODE=702 ERROR.TEXT=Server%20unavailable' \
       'OPEN ack -111 msg=Server%20unavailable attr=CLIENT.HOST' \
       'SUBSCRIBE ack -22 msg=ATMQTT_A_MSG_TOPIC:%20required miss=MSG.TOPIC' \
       'CLOSE ack -22 msg=ATMQTT_A_MODEM_ID:%20required miss=MODEM_ID' \
       'SET_CONF reply MODEM_ID=1 ERROR.KIND=2 ERROR.CODE=3' \
       'SET_CONF ack -121 msg=+CME%20ERROR:%203' \
       'CLOSE stale' 'CLOSE ack 0' \
       'OPEN ack -34 msg=integer%20out%20of%20range attr=CLIENT.KEEPALIVE pol=CLIENT.KEEPALIVE:1-65535' \
       'PUBLISH ack -34 msg=ATMQTT_A_MSG_PAYLOAD:%20this%20modem%20takes%200-1024%20bytes attr=MSG.PAYLOAD' \
       'CLOSE ack -34 msg=integer%20out%20of%20range attr=CLIENT_ID pol=CLIENT_ID:1-255' \
       'GET_SUB done -95 msg=dump%20failed'
"$LIBTEST" errors && ok || bad "$CASE"
expect "$T/log" 'OPEN flags=none MODEM_ID=1 CLIENT_ID=1 CLIENT.HOST=h CLIENT.PORT=1883
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.QOS=0
CLOSE flags=none MODEM_ID=1 CLIENT_ID=1
SET_CONF flags=none MODEM_ID=1 MODE=1
CLOSE flags=none MODEM_ID=1 CLIENT_ID=1
OPEN flags=none MODEM_ID=1 CLIENT_ID=1 CLIENT.HOST=h CLIENT.PORT=1883 CLIENT.KEEPALIVE=70000
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.PAYLOAD=x
CLOSE flags=none MODEM_ID=1 CLIENT_ID=300
GET_SUB flags=dump'

CASE="lib version check"
script 'CLOSE reply version=1 MODEM_ID=1 CLIENT_ID=1' 'CLOSE ack 0' \
       'GET_SUB reply version=3 MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=0' \
       'GET_SUB reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=b MSG.QOS=0' \
       'GET_SUB done 0' \
       'GET_SUB reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=0' \
       'GET_SUB done 0'
"$LIBTEST" version && ok || bad "$CASE"
expect "$T/log" 'CLOSE flags=none MODEM_ID=1 CLIENT_ID=1
CLOSE flags=none MODEM_ID=1 CLIENT_ID=1
GET_SUB flags=dump MODEM_ID=1
CLOSE flags=none MODEM_ID=1 CLIENT_ID=2
GET_SUB flags=dump MODEM_ID=1'

CASE="lib no family"
FAKENL_NOFAMILY=1 "$LIBTEST" nofamily && ok || bad "$CASE"

CASE="lib grow"
script 'PUBLISH ack -22 msg=late attr=MSG.DATASIZE' 'CLOSE ack 0'
"$LIBTEST" grow && ok || bad "$CASE"
python3 - "$T/log" <<'EOF' && ok || bad "$CASE: the request's log"
import sys
l = open(sys.argv[1]).read().split("\n")
assert l[0] == ("PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=" +
                "t" * 255 + " MSG.QOS=1 MSG.PAYLOAD=" +
                "p" * 60000 + " MSG.DATASIZE=1"), l[0][:300]
assert l[1] == "CLOSE flags=none MODEM_ID=1 CLIENT_ID=1", l[1]
assert l[2:] == [""], l[2:]
EOF

CASE="lib modems"
M2='GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2 MODEM.STATE=1 MODEM.MODE=0 MODEM.MEM_BYTES=8192 MODEM.DIALECT=fibocom MODEM.STATS.RX_SEQ=5000000000 MODEM.STATS.RX_DROPS=2 MODEM.STATS.RX_STRAY=3 MODEM.STATS.RX_MALFORMED=4 MODEM.STATS.RX_OVERFLOWS=5 MODEM.STATS.RESYNCS=6 MODEM.LIMITS.CLIENTS=2 MODEM.LIMITS.HOST=255 MODEM.LIMITS.TOPIC=250 MODEM.LIMITS.PAYLOAD=1024 MODEM.LIMITS.USER_NAME=128 MODEM.LIMITS.PASSWORD=127 MODEM.LIMITS.CLIENT_IDENT=23 MODEM.LIMITS.KEEPALIVE=300 MODEM.LIMITS.QOS=2 MODEM.LIMITS.SUBS=128 MODEM.LIMITS.BINARY=1'
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' "$M2" \
       'GET_MODEM reply MODEM_ID=3 MODEM.TTY=ttyUSB5' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' \
       'GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' \
       'GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' \
       'GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2' 'GET_MODEM done 0'
"$LIBTEST" modems && ok || bad "$CASE"

CASE="lib modem limits"
script
"$LIBTEST" limits && ok || bad "$CASE"
python3 - "$T/log" <<'EOF' && ok || bad "$CASE: the requests"
import re, sys
l = open(sys.argv[1]).read().split("\n")[:-1]
assert len(l) == 3, l
for line, m in zip(l, ("1", "1", "7")):
    assert re.fullmatch("GET_MODEM flags=(dump|none|ack) MODEM_ID=" + m, line), line
EOF

CASE="lib modems by device number"
ln -s /dev/null "$T/modem-link"
script 'GET_MODEM reply MODEM_ID=3 MODEM.TTY=null MODEM.TTY_DEV=260' \
       'GET_MODEM reply MODEM_ID=4 MODEM.TTY=other MODEM.TTY_DEV=259' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=3 MODEM.TTY=null MODEM.TTY_DEV=260' \
       'GET_MODEM reply MODEM_ID=4 MODEM.TTY=other MODEM.TTY_DEV=259' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=3 MODEM.TTY=null MODEM.TTY_DEV=260' \
       'GET_MODEM reply MODEM_ID=4 MODEM.TTY=other MODEM.TTY_DEV=259' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=3 MODEM.TTY=null MODEM.TTY_DEV=260' \
       'GET_MODEM reply MODEM_ID=4 MODEM.TTY=other MODEM.TTY_DEV=259' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=5 MODEM.TTY=null' 'GET_MODEM done 0' \
       'GET_MODEM reply MODEM_ID=4 MODEM.TTY=null MODEM.TTY_DEV=259 MODEM.STATE=2' \
       'GET_MODEM done 0'
LIBTEST_LINK=$T/modem-link "$LIBTEST" modems_dev && ok || bad "$CASE"

CASE="lib user will conf"
script 'GET_USER reply MODEM_ID=1 ENTRY.CLIENT_ID=1 ENTRY.USER.NAME=bob ENTRY.USER.PASSWORD=pw ENTRY.USER.CLIENT_ID=dev1 ENTRY+.CLIENT_ID=2 ENTRY.USER.NAME=' \
       'GET_USER ack 0' \
       'GET_WILL reply MODEM_ID=1 ENTRY.CLIENT_ID=2 ENTRY.MSG.TOPIC=w/t ENTRY.MSG.QOS=2 ENTRY.MSG.RETAIN=1 ENTRY.MSG.PAYLOAD=bye%20bye ENTRY+.CLIENT_ID=1 ENTRY.MSG.TOPIC=x ENTRY.MSG.QOS=0 ENTRY.MSG.RETAIN=0' \
       'GET_WILL ack 0' \
       'GET_WILL reply MODEM_ID=1' 'GET_WILL ack 0' \
       'GET_CONF reply MODEM_ID=1 MODE=1' 'GET_CONF ack 0' \
       'GET_CONF reply MODEM_ID=1' 'GET_CONF ack 0'
"$LIBTEST" user_will_conf && ok || bad "$CASE"
expect "$T/log" 'SET_USER flags=none MODEM_ID=1 CLIENT_ID=1 USER.NAME=bob USER.PASSWORD=pw USER.CLIENT_ID=dev1
SET_USER flags=none MODEM_ID=1 CLIENT_ID=2 USER.NAME=
GET_USER flags=none MODEM_ID=1
SET_WILL flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=w/t MSG.QOS=1 MSG.RETAIN=1 MSG.PAYLOAD=bye
SET_WILL flags=none MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=w/t MSG.QOS=0 MSG.RETAIN=0
GET_WILL flags=none MODEM_ID=1
GET_WILL flags=none MODEM_ID=1
SET_CONF flags=none MODEM_ID=1 MODE=0
GET_CONF flags=none MODEM_ID=1
GET_CONF flags=none MODEM_ID=1'

CASE="lib openable closable"
OPENABLE='GET_OPENABLE reply MODEM_ID=1 CLIENT_ID=1 CLIENT_ID=2 CLIENT_ID=5'
script "$OPENABLE" 'GET_OPENABLE ack 0' "$OPENABLE" 'GET_OPENABLE ack 0' \
       "$OPENABLE" 'GET_OPENABLE ack 0' \
       'GET_CLOSABLE reply MODEM_ID=1' 'GET_CLOSABLE ack 0' \
       'GET_CLOSABLE reply MODEM_ID=1 CLIENT_ID=2' 'GET_CLOSABLE ack 0' \
       'GET_CLOSABLE ack -19'
"$LIBTEST" openable && ok || bad "$CASE"
expect "$T/log" 'GET_OPENABLE flags=none MODEM_ID=1
GET_OPENABLE flags=none MODEM_ID=1
GET_OPENABLE flags=none MODEM_ID=1
GET_CLOSABLE flags=none MODEM_ID=1
GET_CLOSABLE flags=none MODEM_ID=1
GET_CLOSABLE flags=none MODEM_ID=1'

CASE="lib options structures"
script
"$LIBTEST" opts && ok || bad "$CASE"
expect "$T/log" 'OPEN flags=none MODEM_ID=1 CLIENT_ID=1 CLIENT.HOST=a CLIENT.PORT=1883
OPEN flags=none MODEM_ID=1 CLIENT_ID=1 CLIENT.HOST=a CLIENT.PORT=1883 CLIENT.CLEAN=0 CLIENT.KEEPALIVE=30
OPEN flags=none MODEM_ID=1 CLIENT_ID=1 CLIENT.HOST=a CLIENT.PORT=1883 CLIENT.CLEAN=0
OPEN flags=none MODEM_ID=1 CLIENT_ID=2 CLIENT.HOST=a CLIENT.PORT=1883 CLIENT.CLEAN=0 CLIENT.KEEPALIVE=45
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.PAYLOAD=x
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.QOS=2 MSG.RETAIN=1 MSG.PAYLOAD=x MSG.DATASIZE=1
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.QOS=2 MSG.RETAIN=1 MSG.PAYLOAD=x
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.QOS=2 MSG.RETAIN=1 MSG.PAYLOAD=y'

CASE="lib publish read"
T255=$(printf '%0255d' 0 | tr 0 t)
P3000=$(i=0; while [ $i -lt 300 ]; do printf 0123456789; i=$((i + 1)); done)
script 'PUBLISH ack 0' 'PUBLISH ack 0' 'PUBLISH ack 0' \
       'PUBLISH reply MODEM_ID=1 CLIENT_ID=1 MSG.DATASIZE=1' 'PUBLISH ack 0' \
       'PUBLISH reply MODEM_ID=1 CLIENT_ID=1' 'PUBLISH ack 0' \
       'READ reply MODEM_ID=1 CLIENT_ID=1' 'READ ack 0' \
       'READ reply MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=a/b MSG.QOS=1 MSG.PAYLOAD=%00%ff%0a MSG.PAD= MSG.SEQ=42' \
       'READ ack 0' \
       "READ reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=$T255 MSG.QOS=2 MSG.PAYLOAD=$P3000 MSG.SEQ=5000000001 MSG.TRUNCATED=1" \
       'READ ack 0'
"$LIBTEST" publish_read && ok || bad "$CASE"
# the 1024 bytes i*7 went as they are
python3 - "$T/log" <<'EOF' && ok || bad "$CASE: binary payload"
import re, sys
line = open(sys.argv[1]).readline()
p = re.search(r" MSG.PAYLOAD=(\S*)", line).group(1)
raw = re.sub(r"%([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), p)
assert raw.encode("latin-1") == bytes((i * 7) & 255 for i in range(1024))
assert " MSG.RETAIN=1 " in line and " MSG.QOS=1 " in line
EOF
sed 1d "$T/log" >"$T/log2"
expect "$T/log2" 'PUBLISH flags=none MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=t MSG.PAYLOAD=hi
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.PAYLOAD=q
PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=t MSG.PAYLOAD=q
READ flags=none MODEM_ID=1 CLIENT_ID=1
READ flags=none MODEM_ID=1 CLIENT_ID=2
READ flags=none MODEM_ID=1 CLIENT_ID=1'

CASE="lib test raw"
{
	echo 'TEST reply MODEM_ID=1 LINE=+MQTTSUB:%20(1,2)'
	echo 'TEST ack 0'
	echo 'TEST reply MODEM_ID=1 LINE=+MQTTPUB:%20(1,2),255'
	echo 'TEST ack 0'
	echo 'TEST ack 0'
	echo 'RAW reply MODEM_ID=1 LINE=+COPS:%200,0,"NET",7 LINE=second LINE= FINAL=OK'
	echo 'RAW ack 0'
	echo 'RAW reply MODEM_ID=1 FINAL=+CME%20ERROR:%2010 TRUNCATED=1'
	echo 'RAW ack 0'
	printf 'RAW reply MODEM_ID=1'
	i=0; while [ $i -lt 18 ]; do
		printf ' LINE=%s' "$(printf '%0500d' 0 | tr 0 $((i % 10)))"
		i=$((i + 1))
	done
	echo ' FINAL=OK'
	echo 'RAW ack 0'
} >"$T/script"
: >"$T/log"
"$LIBTEST" test_raw && ok || bad "$CASE"
expect "$T/log" 'TEST flags=none MODEM_ID=1 AT_CMD=4
TEST flags=none MODEM_ID=1 AT_CMD=6
TEST flags=none MODEM_ID=1 AT_CMD=2
RAW flags=none MODEM_ID=1 LINE=AT+COPS?
RAW flags=none MODEM_ID=1 LINE=AT+X TIMEOUT_MS=5000
RAW flags=none MODEM_ID=1 LINE=AT+Y'

CASE="lib clients subs policy"
script 'GET_CLIENT reply MODEM_ID=1 CLIENT_ID=1 CLIENT.STATE=1 CLIENT.SUB_COUNT=2 CLIENT.RECONNECT=1 CLIENT.RECONNECT_MIN_MS=1000 CLIENT.RECONNECT_MAX_MS=60000 CLIENT.HOST=broker CLIENT.PORT=8883 CLIENT.CLEAN=1 CLIENT.KEEPALIVE=60' \
       'GET_CLIENT reply MODEM_ID=1 CLIENT_ID=2 CLIENT.STATE=2 CLIENT.SUB_COUNT=0 CLIENT.RECONNECT=0 CLIENT.RECONNECT_MIN_MS=1000 CLIENT.RECONNECT_MAX_MS=4000' \
       'GET_CLIENT done 0' \
       'GET_SUB reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/+ MSG.QOS=2' \
       'GET_SUB reply MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=b/# MSG.QOS=1' 'GET_SUB done 0'
"$LIBTEST" clients && ok || bad "$CASE"
expect "$T/log" 'GET_CLIENT flags=dump MODEM_ID=1
SET_CLIENT flags=ack MODEM_ID=1 CLIENT_ID=1 CLIENT.RECONNECT=1 CLIENT.RECONNECT_MIN_MS=500 CLIENT.RECONNECT_MAX_MS=5000
SET_CLIENT flags=ack MODEM_ID=1 CLIENT_ID=2 CLIENT.RECONNECT=0
SET_CLIENT flags=ack MODEM_ID=1 CLIENT_ID=2 CLIENT.RECONNECT_MIN_MS=200
GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=a/+ MSG.QOS=1
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/+
CLOSE flags=none MODEM_ID=1 CLIENT_ID=2'

CASE="lib events"
P1496=$(printf '%01496d' 0 | tr 0 p)
script "event MESSAGE MODEM_ID=1 CLIENT_ID=2 MSG.QOS=1 MSG.TOPIC=x/y MSG.PAYLOAD=a%00b%ff$P1496 MSG.SEQ=7 MSG.DROPS=3 MSG.TRUNCATED=1" \
       'event URC MODEM_ID=1 LINE_NONUL=+CREG:%201' \
       'event BREAK MODEM_ID=1 CLIENT_ID=1 CAUSE=2' \
       'event RESULT MODEM_ID=1 CLIENT_ID=2 URC=3 STATUS=1' \
       'event RECONNECT MODEM_ID=1 CLIENT_ID=1 RECONNECT.STEP=3 RECONNECT.ATTEMPT=3 RECONNECT.RESULT=-110 RECONNECT.TOPIC=t/1' \
       'event overrun' \
       'event MODEM MODEM_ID=1 MODEM.TTY=pts3 MODEM.TTY_DEV=34819 MODEM.STATE=2 MODEM.STATS.RX_SEQ=9 MODEM.LIMITS.CLIENTS=2 MODEM.LIMITS.PAYLOAD=1024'
"$LIBTEST" events && ok || bad "$CASE"

CASE="lib events: the socket filter"
script 'event URC MODEM_ID=1 LINE=x' \
       'event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.PAYLOAD=x MSG.SEQ=1' \
       'event RESULT MODEM_ID=1 CLIENT_ID=1 URC=1 STATUS=0' \
       'event BREAK MODEM_ID=1 CLIENT_ID=1 CAUSE=1' 'event overrun' \
       'event RESULT MODEM_ID=1 CLIENT_ID=1 URC=1 STATUS=1'
"$LIBTEST" events_filter && ok || bad "$CASE"

CASE="lib events: another version of the family"
script 'event MESSAGE version=1 MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.PAYLOAD=x MSG.SEQ=1' \
       'event RESULT MODEM_ID=1 CLIENT_ID=1 URC=1 STATUS=1'
"$LIBTEST" events_version && ok || bad "$CASE"

CASE="lib events: a signal ends the wait"
script
timeout 10 "$LIBTEST" events_eintr && ok || bad "$CASE"

CASE="lib names"
"$LIBTEST" names && ok || bad "$CASE"

CASE="lib ldisc number"
mkdir -p "$T/sys-ldisc/parameters"
echo 29 >"$T/sys-ldisc/parameters/ldisc"
FAKENL_SYS=$T/sys-ldisc "$LIBTEST" ldisc && ok || bad "$CASE"

# ---- the CLI: usage ---------------------------------------------------

CMDS="attach detach list limits open close sub unsub pub user will conf openable
closable read test at clients subs policy monitor version help"
for c in $CMDS; do
	CASE="$c --help"
	run 0 "$c" --help
	grep -q "^usage: atmqtt $c" "$T/out" && ok || bad "$CASE: no usage"
	CASE="$c -h"
	run 0 "$c" -h
	grep -q "^usage: atmqtt $c" "$T/out" && ok || bad "$CASE: no usage"
	CASE="$c --bogus"
	run 2 "$c" --bogus
	grep -q "^usage: atmqtt $c" "$T/err" && ok || bad "$CASE: no usage"
done
# -h followed by a value outside open: never the help and exit 0
for c in $CMDS; do
	[ "$c" = open ] && continue
	CASE="$c -h HOST"; script
	run 2 "$c" -h broker.example.org
	grep -qF "atmqtt $c: -h is the help here and takes no value ('broker.example.org'); a broker host is given to 'atmqtt open -h HOST'" "$T/err" &&
		ok || bad "$CASE: no word of open -h HOST"
	empty "$T/out"
	empty "$T/log"
done
CASE="pub -t a -m x -h HOST"; script; run 2 pub -t a -m x -h broker; empty "$T/log"
CASE="sub -h HOST -t a"; script; run 2 sub -h broker -t a; empty "$T/log"
CASE="pub -t a -m x -h (help)"; script; run 0 pub -t a -m x -h
grep -q "^usage: atmqtt pub" "$T/out" && ok || bad "$CASE: no usage"
empty "$T/log"
CASE="open -h (help)"; run 0 open -h
grep -q "^usage: atmqtt open" "$T/out" && ok || bad "$CASE: no usage"
CASE="open --host without a value"; script; run 2 open --host
has "$T/err" "atmqtt open: option '--host' needs a value"
empty "$T/out"
CASE="open -H without a value"; run 2 open -H
has "$T/err" "atmqtt open: option '-H' needs a value"
CASE="open -h -p 1883"; script; run 2 open -h -p 1883
has "$T/err" "atmqtt open: option '-h' needs a value"
empty "$T/log"
CASE="sub -t without a value"; run 2 sub -t
has "$T/err" "atmqtt sub: option '-t' needs a value"
CASE="pub -t -m x"; script; run 2 pub -t -m x
has "$T/err" "atmqtt pub: option '-t' needs a value"
empty "$T/log"
CASE="pub --topic --message=x"; script; run 2 pub --topic --message=x
has "$T/err" "atmqtt pub: option '--topic' needs a value"
CASE="close -M -c 2"; script; run 2 close -M -c 2
has "$T/err" "atmqtt close: option '-M' needs a value"
empty "$T/log"
CASE="pub -m without a value"; run 2 pub -t a -m
has "$T/err" "atmqtt pub: option '-m' needs a value"
CASE="help"; run 0 help; grep -q "^  policy" "$T/out" && ok || bad "$CASE"
# the man page's synopsis is the commands' usage
for c in $CMDS; do
	CASE="cli.rst synopsis of $c"
	"$CLI" help "$c" | sed -n '1s/^usage: /  /p' >"$T/usage"
	grep -qxF -f "$T/usage" "$HERE/../../../Documentation/cli.rst" && ok ||
		bad "$CASE: not '$(cat "$T/usage")'"
done
CASE="--help"; run 0 --help
CASE="-h pub"; run 0 -h pub; grep -q "^usage: atmqtt pub" "$T/out" && ok || bad "$CASE"
CASE="-h HOST pub"; script; run 2 -h broker pub -t a -m x
has "$T/err" "atmqtt: -h takes no value but a command name (a broker host is given to 'atmqtt open -h HOST')"
empty "$T/log"
CASE="-h pub -t a"; script; run 2 -h pub -t a -m x; empty "$T/log"
CASE="help pub"; run 0 help pub; has "$T/out" "  -D, --datasize       send by <Datasize> even a printable payload"
CASE="no command"; run 2
CASE="unknown"; run 2 frobnicate
CASE="open without host"; run 2 open
CASE="open -h HOST is the host"; script; run 0 open -h x
CASE="pub two sources"; run 2 pub -t a -m x -n
CASE="pub no source"; run 2 pub -t a
CASE="sub without topic"; run 2 sub
CASE="policy nothing"; run 2 policy
CASE="policy bad"; run 2 policy --reconnect maybe
CASE="conf bad"; run 2 conf 0 1
CASE="test unknown"; run 2 test frob
CASE="at two lines"; run 2 at AT AT
CASE="bad client"; run 2 close -c x
VERSION=$(cat "$HERE/../../../VERSION")
CASE="version, module not loaded"; run 0 version
expect "$T/out" "atmqtt $VERSION
libatmqtt $VERSION
module not loaded
netlink family atmqtt version 2"
CASE="version -j, module not loaded"; run 0 -j version; json
jq 'o == [{"version":"'"$VERSION"'","library_version":"'"$VERSION"'","module_loaded":False,"family":"atmqtt","family_version":2}]'
mkdir -p "$T/sys/parameters"
echo 29 >"$T/sys/parameters/ldisc"
CASE="--version, module without a version"; run 0 --version
expect "$T/out" "atmqtt $VERSION
libatmqtt $VERSION
module loaded, version unknown
netlink family atmqtt version 2"
echo 9.8.7 >"$T/sys/version"
CASE="-V, module loaded"; run 0 -V
expect "$T/out" "atmqtt $VERSION
libatmqtt $VERSION
module 9.8.7
netlink family atmqtt version 2"
CASE="version -j, module loaded"; run 0 -j version
jq 'o == [{"version":"'"$VERSION"'","library_version":"'"$VERSION"'","module_loaded":True,"module_version":"9.8.7","family":"atmqtt","family_version":2}]'
rm -r "$T/sys"; mkdir "$T/sys"
CASE="no module"
FAKENL_NOFAMILY=1 "$CLI" list >"$T/out" 2>"$T/err"; [ $? = 1 ] && ok || bad "$CASE"
has "$T/err" "atmqtt: cannot reach the atmqtt netlink family: No such file or directory (is the atmqtt module loaded?)"

# ---- the CLI: requests -------------------------------------------------

CASE="list"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3 MODEM.TTY_DEV=34819 MODEM.STATE=0 MODEM.MODE=1 MODEM.STATS.RX_SEQ=10 MODEM.STATS.RX_DROPS=1 MODEM.STATS.RX_STRAY=2 MODEM.STATS.RX_MALFORMED=3 MODEM.STATS.RX_OVERFLOWS=4' \
       'GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2 MODEM.STATE=2 MODEM.MODE=0' \
       'GET_MODEM reply MODEM_ID=3 MODEM.TTY=ttyX MODEM.TTY_DEV=305210181 MODEM.STATE=0' \
       'GET_MODEM done 0'
run 0 list
expect "$T/out" 'MODEM  TTY          DEV       STATE MODE     RX_SEQ   RX_DROPS   RX_STRAY  MALFORMED  OVERFLOWS
1      pts3         136:3     ready    1         10          1          2          3          4
2      ttyUSB2      -         dead     0          0          0          0          0          0
3      ttyX         291:74565 ready    0          0          0          0          0          0'
CASE="list -j -M 1"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3 MODEM.TTY_DEV=34819 MODEM.MODE=1 MODEM.MEM_BYTES=8192 MODEM.STATS.RX_SEQ=10 MODEM.STATS.RESYNCS=7' \
       'GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2' 'GET_MODEM done 0'
run 0 -j list -M 1
json
jq 'o[0] == {"modem":1,"tty":"pts3","dev":"136:3","state":"ready","mode":1,"rx_seq":10,"rx_drops":0,"rx_stray":0,"rx_malformed":0,"rx_overflows":0,"mem_bytes":8192,"resyncs":7} and "dev" not in o[1]'
expect "$T/log" "GET_MODEM flags=dump MODEM_ID=1"
CASE="list -j (after the command)"; script; run 0 list -j; json

CASE="limits (the default modem: the NL668's)"; script; run 0 limits
expect "$T/out" "modem 1 dialect fibocom clients 2 host 255 topic 255 payload 1024 user_name 128 password 128 client_ident 23 keepalive 300 qos 2 subs 128 binary yes tls no"
expect "$T/log" "GET_MODEM flags=dump"
CASE="limits -j"; script; run 0 -j limits; json
jq 'o == [{"modem":1,"dialect":"fibocom","clients":2,"host":255,"topic":255,"payload":1024,"user_name":128,"password":128,"client_ident":23,"keepalive":300,"qos":2,"subs":128,"binary":True,"tls":False}]'
CASE="limits: unknown, another modem's"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' \
       'GET_MODEM reply MODEM_ID=2 MODEM.TTY=pts4 MODEM.LIMITS.CLIENTS=6 MODEM.LIMITS.HOST=100 MODEM.LIMITS.TOPIC=200 MODEM.LIMITS.PAYLOAD=4096 MODEM.LIMITS.USER_NAME=1 MODEM.LIMITS.PASSWORD=2 MODEM.LIMITS.CLIENT_IDENT=3 MODEM.LIMITS.KEEPALIVE=4 MODEM.LIMITS.QOS=1 MODEM.LIMITS.SUBS=5 MODEM.LIMITS.TLS=1' \
       'GET_MODEM done 0'
run 0 limits
expect "$T/out" "modem 1 limits unknown
modem 2 clients 6 host 100 topic 200 payload 4096 user_name 1 password 2 client_ident 3 keepalive 4 qos 1 subs 5 binary no tls yes"
CASE="limits -M 2"; script; run 0 limits -M 2; empty "$T/out"
expect "$T/log" "GET_MODEM flags=dump MODEM_ID=2"

CASE="two modems, no -M"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' 'GET_MODEM reply MODEM_ID=2 MODEM.TTY=pts4' 'GET_MODEM done 0'
run 1 close
has "$T/err" "atmqtt: 2 modems attached: choose one with -M"
CASE="no modem"; script 'GET_MODEM done 0'; run 1 close
has "$T/err" "atmqtt: no modem attached (atmqtt attach TTY)"
CASE="-M by tty"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' 'GET_MODEM reply MODEM_ID=2 MODEM.TTY=ttyUSB2' 'GET_MODEM done 0'
run 0 close -M /dev/ttyUSB2 -c 2
expect "$T/log" 'GET_MODEM flags=dump
CLOSE flags=none MODEM_ID=2 CLIENT_ID=2'
CASE="-M by a link to the tty (its device number)"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3 MODEM.TTY_DEV=34819' \
       'GET_MODEM reply MODEM_ID=7 MODEM.TTY=ttyUSB2 MODEM.TTY_DEV=259' 'GET_MODEM done 0'
run 0 close -M "$T/modem-link"
expect "$T/log" 'GET_MODEM flags=dump
CLOSE flags=none MODEM_ID=7 CLIENT_ID=1'
CASE="-M by a link, the kernel without TTY_DEV (the name)"
script 'GET_MODEM reply MODEM_ID=1 MODEM.TTY=pts3' \
       'GET_MODEM reply MODEM_ID=8 MODEM.TTY=null' 'GET_MODEM done 0'
run 0 close -M "$T/modem-link"
expect "$T/log" 'GET_MODEM flags=dump
CLOSE flags=none MODEM_ID=8 CLIENT_ID=1'
CASE="-M unknown tty"; script; run 1 close -M ttyACM0
has "$T/err" "atmqtt: no modem attached on ttyACM0"

CASE="open"
script; run 0 open -M 3 -c 2 -h broker.example.org -p 8883 --clean 0 -k 30
expect "$T/log" "OPEN flags=none MODEM_ID=3 CLIENT_ID=2 CLIENT.HOST=broker.example.org CLIENT.PORT=8883 CLIENT.CLEAN=0 CLIENT.KEEPALIVE=30"
CASE="open --host, -i and defaults"; script; run 0 open -M 1 -i 2 --host b
expect "$T/log" "OPEN flags=none MODEM_ID=1 CLIENT_ID=2 CLIENT.HOST=b CLIENT.PORT=1883 CLIENT.CLEAN=1"
CASE="open fails"
script 'OPEN reply MODEM_ID=1 CLIENT_ID=1 ERROR.KIND=1 ERROR.CODE=702 ERROR.TEXT=Server%20unavailable' \
       'OPEN ack -111 msg=Server%20unavailable attr=CLIENT.HOST'
run 1 open -M 1 -h b
expect "$T/err" "atmqtt: open: Connection refused: Server unavailable (modem error 702)"
CASE="fails without extack"; script 'CLOSE ack -19'; run 1 close -M 1
expect "$T/err" "atmqtt: close: No such device"
CASE="stale ack"; script 'CLOSE stale' 'CLOSE ack 0'; run 0 close -M 1
CASE="kernel rule message"
script 'OPEN ack -22 msg=ATMQTT_A_CLIENT_HOST:%20must%20be%201-255%20printable%20ASCII%20characters%20without%20%27%22%27 attr=CLIENT.HOST'
run 1 open -M 1 -h 'b"'
expect "$T/err" "atmqtt: open: Invalid argument: ATMQTT_A_CLIENT_HOST: must be 1-255 printable ASCII characters without '\"'"
# A range of the policy: the core's text, the offset and the policy; the
# message names the attribute and the rule all the same.
CASE="kernel range, from the policy"
script 'OPEN ack -34 msg=integer%20out%20of%20range attr=CLIENT.KEEPALIVE pol=CLIENT.KEEPALIVE:1-65535'
run 1 open -M 1 -h b -k 70000
expect "$T/err" "atmqtt: open: Numerical result out of range: ATMQTT_A_CLIENT_KEEPALIVE: must be 1-65535"
CASE="kernel range of a nested u32, from the policy"
script 'SUBSCRIBE ack -34 msg=integer%20out%20of%20range attr=MSG.QOS pol=MSG.QOS:0-2'
run 1 sub -M 1 -t a -q 3
expect "$T/err" "atmqtt: subscribe: Numerical result out of range: ATMQTT_A_MSG_QOS: must be 0-2"
CASE="kernel string length, from the policy"
script 'OPEN ack -34 msg=Attribute%20failed%20policy%20validation attr=CLIENT.HOST pol=CLIENT.HOST:255'
run 1 open -M 1 -h b
expect "$T/err" "atmqtt: open: Numerical result out of range: ATMQTT_A_CLIENT_HOST: must be at most 255 bytes"
CASE="kernel payload length, from the policy"
script 'PUBLISH ack -34 msg=Attribute%20failed%20policy%20validation attr=MSG.PAYLOAD pol=MSG.PAYLOAD:65535'
run 1 pub -M 1 -t a -m x
expect "$T/err" "atmqtt: publish: Numerical result out of range: ATMQTT_A_MSG_PAYLOAD: must be at most 65535 bytes"
CASE="the modem's limit"
script 'PUBLISH ack -34 msg=ATMQTT_A_MSG_TOPIC:%20this%20modem%20takes%201-255%20bytes attr=MSG.TOPIC'
run 1 pub -M 1 -t a -m x
expect "$T/err" "atmqtt: publish: Numerical result out of range: ATMQTT_A_MSG_TOPIC: this modem takes 1-255 bytes"
CASE="policy without the offset: the kernel's text"
script 'OPEN ack -34 msg=integer%20out%20of%20range pol=CLIENT.KEEPALIVE:1-65535'
run 1 open -M 1 -h b -k 70000
expect "$T/err" "atmqtt: open: Numerical result out of range: integer out of range"
CASE="kernel range of a u32 the library passes on"
script 'PUBLISH ack -34 msg=integer%20out%20of%20range attr=MSG.QOS pol=MSG.QOS:0-2'
run 1 pub -M 1 -t a -m x -q 300
expect "$T/err" "atmqtt: publish: Numerical result out of range: ATMQTT_A_MSG_QOS: must be 0-2"
expect "$T/log" "PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=300 MSG.PAYLOAD=x"

CASE="sub --no-wait"; script
run 0 sub -M 1 -c 2 -t a/# -t b -q 1 --no-wait
expect "$T/log" 'SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=a/# MSG.QOS=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=b MSG.QOS=1'
CASE="sub fails"; script 'SUBSCRIBE ack -28 msg=128%20topics'
run 1 sub -M 1 -t a --no-wait
expect "$T/err" "atmqtt: subscribe: No space left on device: 128 topics"
CASE="unsub"; script; run 0 unsub -M 1 -t a -t b/+
expect "$T/log" 'UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=b/+'

CASE="pub -m"; script; run 0 pub -M 1 -t a/b -m 'hello world' -q 1 -r
expect "$T/log" "PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/b MSG.QOS=1 MSG.RETAIN=1 MSG.PAYLOAD=hello%20world"
CASE="pub -n -D"; script; run 0 pub -M 1 -t a -n -D
expect "$T/log" "PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.DATASIZE=1"
CASE="pub -j"
script 'PUBLISH reply MODEM_ID=1 CLIENT_ID=1 MSG.DATASIZE=1' 'PUBLISH ack 0'
run 0 -j pub -M 1 -t a -m 'x"y'
json
jq 'o == [{"modem":1,"client":1,"topic":"a","payload_len":3,"datasize":True}]'
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4)' >"$T/bin1024"
CASE="pub -f 1024 binary bytes"; script; run 0 pub -M 1 -t a -f "$T/bin1024"
python3 - "$T/log" <<'EOF' && ok || bad "$CASE: not byte-exact"
import re, sys
p = re.search(r" MSG.PAYLOAD=(\S*)", open(sys.argv[1]).read()).group(1)
raw = re.sub(r"%([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), p)
assert raw.encode("latin-1") == bytes(range(256)) * 4
EOF
CASE="pub -s"; script
printf 'a\000b\n' | "$CLI" pub -M 1 -t a -s >"$T/out" 2>"$T/err" && ok || bad "$CASE"
expect "$T/log" "PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.PAYLOAD=a%00b%0a"
CASE="pub -f 1025 bytes: the modem's limit is the kernel's"
script 'PUBLISH ack -34 msg=ATMQTT_A_MSG_PAYLOAD:%20this%20modem%20takes%200-1024%20bytes attr=MSG.PAYLOAD'
{ cat "$T/bin1024"; printf x; } >"$T/bin1025"
run 1 pub -M 1 -t a -f "$T/bin1025"
expect "$T/err" "atmqtt: publish: Numerical result out of range: ATMQTT_A_MSG_PAYLOAD: this modem takes 0-1024 bytes"
CASE="pub -f 65536 bytes"; script
head -c 65536 /dev/zero >"$T/bin65536"
run 1 pub -M 1 -t a -f "$T/bin65536"
expect "$T/err" "atmqtt: pub: $T/bin65536: payload longer than 65535 bytes"
empty "$T/log"
CASE="pub -s 65536 bytes"; script
"$CLI" pub -M 1 -t a -s <"$T/bin65536" >"$T/out" 2>"$T/err"; [ $? = 1 ] && ok || bad "$CASE"
has "$T/err" "atmqtt: pub: stdin: payload longer than 65535 bytes"
empty "$T/log"
CASE="pub -f missing"; script; run 1 pub -M 1 -t a -f "$T/nope"
expect "$T/err" "atmqtt: $T/nope: No such file or directory"
CASE="pub -f empty"; script; : >"$T/empty"; run 0 pub -M 1 -t a -f "$T/empty"
expect "$T/log" "PUBLISH flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a"

CASE="user set"; script
run 0 user -M 1 -c 2 -u bob -P 'p w' --id dev1
expect "$T/log" "SET_USER flags=none MODEM_ID=1 CLIENT_ID=2 USER.NAME=bob USER.PASSWORD=p%20w USER.CLIENT_ID=dev1"
CASE="user -i is the client, --client-id the identifier"; script
run 0 user -M 1 -i 2 --client-id=dev2
expect "$T/log" "SET_USER flags=none MODEM_ID=1 CLIENT_ID=2 USER.CLIENT_ID=dev2"
CASE="user -i CLIENTID"; script; run 2 user -M 1 -i dev1
has "$T/err" "atmqtt user: bad client 'dev1'"
empty "$T/log"
CASE="user set (defaults)"; script; run 0 user set -M 1
expect "$T/log" "SET_USER flags=none MODEM_ID=1 CLIENT_ID=1"
USERS='GET_USER reply MODEM_ID=1 ENTRY.CLIENT_ID=1 ENTRY.USER.NAME=bob ENTRY.USER.PASSWORD=p%22w ENTRY.USER.CLIENT_ID=dev1 ENTRY+.CLIENT_ID=2 ENTRY.USER.NAME='
for form in "user" "user get" "user --get" "user -g"; do
	CASE="$form"; script "$USERS" 'GET_USER ack 0'
	# shellcheck disable=SC2086
	run 0 $form -M 1
	expect "$T/out" 'client 1 username "bob" client_id "dev1" password "p\"w"
client 2 username ""'
done
CASE="user -j"; script "$USERS" 'GET_USER ack 0'; run 0 -j user get -M 1
json
jq 'o == [{"modem":1,"client":1,"username":"bob","client_id":"dev1","password":"p\"w"},{"modem":1,"client":2,"username":""}]'
CASE="user get and set"; run 2 user get -u x

CASE="will set"; script; run 0 will -M 1 -c 1 -t w/t -m bye -q 2 -r
expect "$T/log" "SET_WILL flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=w/t MSG.QOS=2 MSG.RETAIN=1 MSG.PAYLOAD=bye"
CASE="will set without topic"; run 2 will -m x
CASE="will get"
script 'GET_WILL reply MODEM_ID=1 ENTRY.CLIENT_ID=1 ENTRY.MSG.TOPIC=w/t ENTRY.MSG.QOS=1 ENTRY.MSG.RETAIN=0 ENTRY.MSG.PAYLOAD=bye' 'GET_WILL ack 0'
run 0 will get -M 1
expect "$T/out" 'client 1 topic "w/t" qos 1 retain 0 payload "bye"'
CASE="will get -j"
script 'GET_WILL reply MODEM_ID=1 ENTRY.CLIENT_ID=1 ENTRY.MSG.TOPIC=w/t ENTRY.MSG.QOS=1 ENTRY.MSG.RETAIN=0 ENTRY.MSG.PAYLOAD=bye' 'GET_WILL ack 0'
run 0 -j will -M 1
jq 'o == [{"modem":1,"client":1,"topic":"w/t","qos":1,"retain":False,"payload_len":3,"payload_hex":"627965","payload":"bye"}]'

CASE="conf set"; script; run 0 conf -M 1 0
expect "$T/log" "SET_CONF flags=none MODEM_ID=1 MODE=0"
CASE="conf get"; script 'GET_CONF reply MODEM_ID=1 MODE=1' 'GET_CONF ack 0'; run 0 conf -M 1
expect "$T/out" "mode 1"
CASE="conf -j"; script 'GET_CONF reply MODEM_ID=1 MODE=0' 'GET_CONF ack 0'; run 0 conf -j -M 1
jq 'o == [{"modem":1,"mode":0}]'
CASE="conf modem error"
script 'SET_CONF reply MODEM_ID=1 ERROR.KIND=2 ERROR.CODE=3' 'SET_CONF ack -121 msg=+CME%20ERROR:%203'
run 1 conf -M 1 1
expect "$T/err" "atmqtt: conf: Remote I/O error: +CME ERROR: 3 (modem CME error 3)"

CASE="openable"; script 'GET_OPENABLE reply MODEM_ID=1 CLIENT_ID=1 CLIENT_ID=2' 'GET_OPENABLE ack 0'
run 0 openable -M 1; expect "$T/out" "1 2"
CASE="closable"; script 'GET_CLOSABLE reply MODEM_ID=1' 'GET_CLOSABLE ack 0'
run 0 closable -M 1; expect "$T/out" "none"
CASE="openable -j"; script 'GET_OPENABLE reply MODEM_ID=1 CLIENT_ID=2' 'GET_OPENABLE ack 0'
run 0 -j openable -M 1; jq 'o == [{"modem":1,"mask":4,"clients":[2]}]'

CASE="read none"; script 'READ reply MODEM_ID=1 CLIENT_ID=2' 'READ ack 0'
run 0 read -M 1 -c 2; expect "$T/out" "no message"
expect "$T/log" "READ flags=none MODEM_ID=1 CLIENT_ID=2"
CASE="read"
script 'READ reply MODEM_ID=1 CLIENT_ID=1 MSG.QOS=1 MSG.TOPIC=a/b MSG.PAYLOAD=hi%00%ff"%5c MSG.SEQ=9' 'READ ack 0'
run 0 read -M 1
expect "$T/out" 'client 1 qos 1 seq 9 drops 0 topic "a/b" payload 6 bytes "hi\x00\xff\"\\"'
CASE="read -j"
script 'READ reply MODEM_ID=1 CLIENT_ID=1 MSG.QOS=1 MSG.TOPIC=a/b MSG.PAYLOAD=hi%00%ff MSG.SEQ=9' 'READ ack 0'
run 0 -j read -M 1
jq 'o == [{"modem":1,"client":1,"message":True,"qos":1,"seq":9,"topic":"a/b","payload_len":4,"payload_hex":"686900ff"}]'

CASE="test"; script 'TEST reply MODEM_ID=1 LINE=+MQTTSUB:%20(1,2),255,(0-2)' 'TEST ack 0'
run 0 test -M 1 sub
expect "$T/out" "+MQTTSUB: (1,2),255,(0-2)"
expect "$T/log" "TEST flags=none MODEM_ID=1 AT_CMD=4"
CASE="test -j"; script 'TEST reply MODEM_ID=1 LINE=+MQTTOPEN:%20(1,2)' 'TEST ack 0'
run 0 -j test -M 1 OPEN; jq 'o == [{"modem":1,"at":"open","line":"+MQTTOPEN: (1,2)"}]'

CASE="at OK"
script 'RAW reply MODEM_ID=1 LINE=+COPS:%200,0,"NET",7 LINE=x FINAL=OK' 'RAW ack 0'
run 0 at -M 1 'AT+COPS?' -T 2000
expect "$T/out" '+COPS: 0,0,"NET",7
x
OK'
expect "$T/log" "RAW flags=none MODEM_ID=1 LINE=AT+COPS? TIMEOUT_MS=2000"
CASE="at ERROR"; script 'RAW reply MODEM_ID=1 FINAL=+CME%20ERROR:%2010' 'RAW ack 0'
run 1 at -M 1 'AT+CPIN?'; expect "$T/out" "+CME ERROR: 10"
CASE="at -j"
script 'RAW reply MODEM_ID=1 LINE=a%09b LINE= FINAL=ERROR TRUNCATED=1' 'RAW ack 0'
run 1 -j at -M 1 AT
jq 'o == [{"modem":1,"lines":["a\tb",""],"final":"ERROR","ok":False,"truncated":True}]'
CASE="at refused"; script 'RAW ack -22 msg=ATMQTT_A_LINE:%20not%20AT+MQTT attr=LINE'
run 1 at -M 1 AT+MQTTOPEN?
expect "$T/err" "atmqtt: at: Invalid argument: ATMQTT_A_LINE: not AT+MQTT"

CLIENTS='GET_CLIENT reply MODEM_ID=1 CLIENT_ID=1 CLIENT.STATE=1 CLIENT.SUB_COUNT=2 CLIENT.RECONNECT=1 CLIENT.RECONNECT_MIN_MS=1000 CLIENT.RECONNECT_MAX_MS=60000 CLIENT.HOST=broker CLIENT.PORT=1883 CLIENT.CLEAN=1 CLIENT.KEEPALIVE=60'
CLIENTS2='GET_CLIENT reply MODEM_ID=1 CLIENT_ID=2 CLIENT.STATE=2 CLIENT.SUB_COUNT=0 CLIENT.RECONNECT=0 CLIENT.RECONNECT_MIN_MS=1000 CLIENT.RECONNECT_MAX_MS=60000'
CASE="clients"; script "$CLIENTS" "$CLIENTS2" 'GET_CLIENT done 0'; run 0 clients
expect "$T/out" 'MODEM  CLIENT STATE        SUBS RECONNECT   MIN_MS   MAX_MS BROKER
1      1      open            2 on            1000    60000 broker:1883 clean 1 keepalive 60
1      2      reconnecting    0 off           1000    60000 -'
expect "$T/log" "GET_CLIENT flags=dump"
CASE="clients -j -M 1"; script "$CLIENTS" "$CLIENTS2" 'GET_CLIENT done 0'
run 0 -j clients -M 1
jq 'o[0] == {"modem":1,"client":1,"state":"open","sub_count":2,"reconnect":True,"reconnect_min_ms":1000,"reconnect_max_ms":60000,"host":"broker","port":1883,"clean":1,"keepalive":60} and "host" not in o[1]'
expect "$T/log" "GET_CLIENT flags=dump MODEM_ID=1"
CASE="subs"
script 'GET_SUB reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/+ MSG.QOS=1' 'GET_SUB reply MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=b MSG.QOS=0' 'GET_SUB done 0'
run 0 subs
expect "$T/out" 'MODEM  CLIENT QOS TOPIC
1      1      1   a/+
1      2      0   b'
CASE="subs -j"; script 'GET_SUB reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/+ MSG.QOS=1' 'GET_SUB done 0'
run 0 -j subs; jq 'o == [{"modem":1,"client":1,"qos":1,"topic":"a/+"}]'
CASE="subs dump error"; script 'GET_SUB done -1 msg=not%20now'; run 1 subs
expect "$T/err" "atmqtt: subs: Operation not permitted: not now"

CASE="policy"; script; run 0 policy -M 1 -c 2 --reconnect on --min 500 --max 8000
expect "$T/log" "SET_CLIENT flags=ack MODEM_ID=1 CLIENT_ID=2 CLIENT.RECONNECT=1 CLIENT.RECONNECT_MIN_MS=500 CLIENT.RECONNECT_MAX_MS=8000"
CASE="policy off"; script; run 0 policy -M 1 --reconnect off
expect "$T/log" "SET_CLIENT flags=ack MODEM_ID=1 CLIENT_ID=1 CLIENT.RECONNECT=0"

# ---- attach and detach --------------------------------------------------

. "$HERE/attach.sh"

# ---- events: monitor and sub ------------------------------------------

EVENTS='event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.QOS=1 MSG.TOPIC=a/b MSG.PAYLOAD=hi%0a%00%ff%e2%82%ac MSG.SEQ=1 MSG.DROPS=0
event BREAK MODEM_ID=1 CLIENT_ID=2 CAUSE=2
event RESULT MODEM_ID=1 URC=3 CLIENT_ID=1 STATUS=1
event MODEM MODEM_ID=2 MODEM.TTY=pts4 MODEM.STATE=0
event URC MODEM_ID=1 LINE=+CREG:%201%01"%5c
event RECONNECT MODEM_ID=1 CLIENT_ID=1 RECONNECT.STEP=1 RECONNECT.ATTEMPT=2 RECONNECT.DELAY_MS=2000
event RECONNECT MODEM_ID=1 CLIENT_ID=1 RECONNECT.STEP=3 RECONNECT.ATTEMPT=2 RECONNECT.RESULT=-110 RECONNECT.TOPIC=t/%ff
event overrun
event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.QOS=0 MSG.TOPIC=%c3%a9%ff%7f MSG.PAYLOAD=%e2%82%ac MSG.SEQ=5 MSG.DROPS=3
event MODEM MODEM_ID=2 MODEM.TTY=pts4 MODEM.STATE=2
event exit'
CASE="monitor"; printf '%s\n' "$EVENTS" >"$T/script"; run 0 monitor
expect "$T/out" 'modem 1: message client 1 qos 1 seq 1 drops 0 topic "a/b" payload 8 bytes "hi\n\x00\xff\xe2\x82\xac"
modem 1: break client 2 cause 2 (link)
modem 1: result sub client 1 status 1
modem 2: modem attached tty pts4 state ready
modem 1: urc "+CREG: 1\x01\"\\"
modem 1: reconnect client 1 step wait attempt 2 errno 0 delay_ms 2000
modem 1: reconnect client 1 step sub attempt 2 errno -110 (Connection timed out) delay_ms 0 topic "t/\xff"
overrun: events were lost (socket overrun 1)
modem 1: message client 1 qos 0 seq 5 drops 3 topic "\xc3\xa9\xff\x7f" payload 3 bytes "\xe2\x82\xac"
modem 2: modem detached tty pts4 state dead'
CASE="monitor -M 2"; printf '%s\n' "$EVENTS" >"$T/script"; run 0 monitor -M 2
expect "$T/out" 'modem 2: modem attached tty pts4 state ready
overrun: events were lost (socket overrun 1)
modem 2: modem detached tty pts4 state dead'
CASE="monitor -e message,break"; printf '%s\n' "$EVENTS" >"$T/script"
run 0 monitor -e message,break
expect "$T/out" 'modem 1: message client 1 qos 1 seq 1 drops 0 topic "a/b" payload 8 bytes "hi\n\x00\xff\xe2\x82\xac"
modem 1: break client 2 cause 2 (link)
overrun: events were lost (socket overrun 1)
modem 1: message client 1 qos 0 seq 5 drops 3 topic "\xc3\xa9\xff\x7f" payload 3 bytes "\xe2\x82\xac"'
CASE="monitor --events=modem -M 2"; printf '%s\n' "$EVENTS" >"$T/script"
run 0 monitor --events=modem -M 2
expect "$T/out" 'modem 2: modem attached tty pts4 state ready
overrun: events were lost (socket overrun 1)
modem 2: modem detached tty pts4 state dead'
for bad in bogus message, ,message message,,urc ''; do
	CASE="monitor -e '$bad'"; script; run 2 monitor -e "$bad"
	expect "$T/err" "atmqtt monitor: bad event types '$bad' (message, break, result, modem, urc, reconnect)
usage: atmqtt monitor [-M MODEM] [-e TYPE[,TYPE...]]
(atmqtt monitor --help for more)"
done
CASE="monitor -j"; printf '%s\n' "$EVENTS" >"$T/script"; run 0 -j monitor
json
jq 'len(o) == 10 and o[0] == {"event":"message","modem":1,"client":1,"qos":1,"seq":1,"drops":0,"topic":"a/b","payload_len":8,"payload_hex":"68690a00ffe282ac"}'
jq 'o[1] == {"event":"break","modem":1,"client":2,"cause":2,"cause_name":"link"} and o[2] == {"event":"result","modem":1,"urc":"sub","client":1,"status":1}'
jq 'o[3] == {"event":"modem","modem":2,"tty":"pts4","state":"ready","attached":True} and o[4] == {"event":"urc","modem":1,"line":"+CREG: 1\x01\"\\"}'
jq 'o[5] == {"event":"reconnect","modem":1,"client":1,"step":"wait","attempt":2,"errno":0,"delay_ms":2000}'
jq 'o[6]["step"] == "sub" and o[6]["errno"] == -110 and o[6]["topic"] == "t/\xff" and o[7] == {"event":"overrun","overruns":1}'
jq 'o[8]["topic"] == "\xe9\xff\x7f" and o[8]["payload"] == "\u20ac" and o[8]["payload_hex"] == "e282ac"'
grep -q '\\u007f' "$T/out" && grep -q '\\u0001' "$T/out" && ok || bad "$CASE: control bytes not escaped"

SUBEV='event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.QOS=0 MSG.TOPIC=a/x MSG.PAYLOAD=one MSG.SEQ=1
event MESSAGE MODEM_ID=1 CLIENT_ID=2 MSG.QOS=0 MSG.TOPIC=a/x MSG.PAYLOAD=other%20client MSG.SEQ=2
event MESSAGE MODEM_ID=2 CLIENT_ID=1 MSG.QOS=0 MSG.TOPIC=a/x MSG.PAYLOAD=other%20modem MSG.SEQ=1
event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.QOS=0 MSG.TOPIC=b/x MSG.PAYLOAD=not%20matched MSG.SEQ=3
event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.QOS=1 MSG.TOPIC=a/y/z MSG.PAYLOAD=%00two%ff%0a MSG.SEQ=6
event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.QOS=0 MSG.TOPIC=c MSG.PAYLOAD=three MSG.SEQ=7
event exit'
CASE="sub"; printf '%s\n' "$SUBEV" >"$T/script"; : >"$T/log"
run 0 sub -M 1 -t a/# -t c -C 3
printf 'one\n\000two\377\n\nthree\n' >"$T/want.bin"
cmp -s "$T/out" "$T/want.bin" && ok || { bad "$CASE: not byte-exact"; od -c "$T/out"; }
expect "$T/err" "atmqtt: sub: 2 message(s) lost"
# what the client had, the subscriptions, and on -C their undoing
expect "$T/log" 'GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/# MSG.QOS=0
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=c MSG.QOS=0
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/#
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=c'
CASE="sub --keep"; printf '%s\n' "$SUBEV" >"$T/script"; : >"$T/log"
run 0 sub -M 1 -t a/# -C 1 --keep
expect "$T/log" 'SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/# MSG.QOS=0'
CASE="sub leaves subscribed what the client had, and a topic once"
{ printf '%s\n' "$SUBEV"
  echo 'GET_SUB reply MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/# MSG.QOS=1'
  echo 'GET_SUB reply MODEM_ID=1 CLIENT_ID=2 MSG.TOPIC=c MSG.QOS=0'
  echo 'GET_SUB done 0'; } >"$T/script"; : >"$T/log"
run 0 sub -M 1 -t a/# -t c -t c -C 1
expect "$T/log" 'GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a/# MSG.QOS=0
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=c MSG.QOS=0
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=c MSG.QOS=0
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=c'
CASE="sub: the second subscription fails, the first is undone"
script 'SUBSCRIBE ack 0' 'SUBSCRIBE ack -28 msg=128%20topics'
run 1 sub -M 1 -t a -t b
expect "$T/err" "atmqtt: subscribe: No space left on device: 128 topics"
expect "$T/log" 'GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=0
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=b MSG.QOS=0
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a'
CASE="sub: an unsubscription that fails is said, the status kept"
{ printf '%s\n' "$SUBEV"; echo 'UNSUBSCRIBE ack -19 msg=gone'; } >"$T/script"
run 0 sub -M 1 -t a/# -C 1
expect "$T/err" "atmqtt: sub: unsubscribe a/#: No such device: gone"
for sig in INT TERM HUP; do
	CASE="sub, then SIG$sig"; script; : >"$T/log"
	"$CLI" sub -M 1 -t a -t b >"$T/out" 2>"$T/err" &
	a=$!
	i=0
	until [ "$(grep -c SUBSCRIBE "$T/log")" = 2 ] || [ $i -ge 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill -$sig $a
	wait $a
	rc=$?
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	[ $rc = $want ] && ok || bad "$CASE: exit $rc, not $want"
	expect "$T/log" 'GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=0
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=b MSG.QOS=0
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=b'
done
CASE="sub -v -N"; printf '%s\n' "$SUBEV" >"$T/script"; run 0 sub -M 1 -t a/+ -v -N -C 1
printf 'a/x one' >"$T/want.bin"
cmp -s "$T/out" "$T/want.bin" && ok || bad "$CASE"
CASE="sub -j"; printf '%s\n' "$SUBEV" >"$T/script"; run 0 -j sub -M 1 -t '#' -C 3
json
jq 'len(o) == 3 and o[1] == {"modem":1,"client":1,"qos":0,"seq":3,"drops":0,"topic":"b/x","payload_len":11,"payload_hex":"6e6f74206d617463686564","payload":"not matched"}'
jq 'o[2]["payload_hex"] == "0074776fff0a" and "payload" not in o[2]'
CASE="sub -W"; printf 'event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=z MSG.PAYLOAD=x MSG.SEQ=1\n' >"$T/script"; : >"$T/log"
run 1 sub -M 1 -t a -W 1
expect "$T/err" "atmqtt: sub: timeout"
expect "$T/log" 'GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=0
UNSUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a'
CASE="sub break"; printf 'event BREAK MODEM_ID=1 CLIENT_ID=1 CAUSE=1\n' >"$T/script"
run 1 sub -M 1 -t a
expect "$T/err" "atmqtt: sub: the connection broke (cause 1, broker)"
CASE="sub break with the policy on"
printf '%s\n' 'event BREAK MODEM_ID=1 CLIENT_ID=1 CAUSE=1' \
	'event RECONNECT MODEM_ID=1 CLIENT_ID=1 RECONNECT.STEP=4 RECONNECT.ATTEMPT=1' \
	'event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.PAYLOAD=back MSG.SEQ=1' \
	'event RECONNECT MODEM_ID=1 CLIENT_ID=1 RECONNECT.STEP=5 RECONNECT.ATTEMPT=1' \
	"$CLIENTS" 'GET_CLIENT done 0' >"$T/script"
run 1 sub -M 1 -t a
expect "$T/out" "back"
expect "$T/err" "atmqtt: sub: the connection broke (cause 1, broker); the reconnect policy reopens it
atmqtt: sub: the reconnect policy gave up"
CASE="sub modem gone"; printf 'event MODEM MODEM_ID=1 MODEM.TTY=pts3 MODEM.STATE=2\n' >"$T/script"
: >"$T/log"
run 1 sub -M 1 -t a
expect "$T/err" "atmqtt: sub: the modem went away"
expect "$T/log" 'GET_SUB flags=dump MODEM_ID=1
SUBSCRIBE flags=none MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.QOS=0'
CASE="sub closed"; printf 'event RESULT MODEM_ID=1 URC=2 CLIENT_ID=1 STATUS=1\n' >"$T/script"
run 1 sub -M 1 -t a
expect "$T/err" "atmqtt: sub: the client was closed"
CASE="sub overrun"
printf '%s\n' 'event overrun' 'event MESSAGE MODEM_ID=1 CLIENT_ID=1 MSG.TOPIC=a MSG.PAYLOAD=x MSG.SEQ=4' >"$T/script"
run 0 sub -M 1 -t a -C 1
expect "$T/err" "atmqtt: sub: events lost (socket overrun)"

echo "$pass passed, $fails failed"
[ "$fails" = 0 ]
