#!/bin/sh
# make install into a staging DESTDIR and what integrators check of it,
# as KTAP: the files and library symlinks, the SONAME, pkg-config, a program
# built against the installed header and library, the systemd unit
# (systemd-analyze verify), the man pages, bash completion, uninstall.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
stage=$(mktemp -d /tmp/atmqtt-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
P=/usr
D=$stage/root
ver=$(cat VERSION)
n=0
fails=0
echo "TAP version 13"
echo "1..10"
result() {	# result STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else
		echo "not ok $n $2"; fails=$((fails + 1)); fi
}

make -s install DESTDIR="$D" PREFIX=$P >"$stage/install.log" 2>&1
result $? make_install || sed 's/^/# /' "$stage/install.log"

missing=0
for f in lib/libatmqtt.so.$ver lib/libatmqtt.a lib/pkgconfig/libatmqtt.pc \
	 include/atmqtt.h include/linux/atmqtt.h sbin/atmqtt bin/atmqtt-sim \
	 share/man/man8/atmqtt.8 share/man/man1/atmqtt-sim.1 \
	 share/man/man3/libatmqtt.3 lib/systemd/system/atmqtt-attach@.service \
	 share/doc/atmqtt/90-atmqtt.rules \
	 share/bash-completion/completions/atmqtt; do
	[ -f "$D$P/$f" ] || { echo "# missing $P/$f"; missing=1; }
done
[ "$(readlink "$D$P/lib/libatmqtt.so.0")" = "libatmqtt.so.$ver" ] &&
[ "$(readlink "$D$P/lib/libatmqtt.so")" = "libatmqtt.so.0" ] &&
readelf -d "$D$P/lib/libatmqtt.so.$ver" | grep -q 'SONAME.*\[libatmqtt.so.0\]' ||
	{ echo "# library symlinks or SONAME wrong"; missing=1; }
result $missing installed_files_symlinks_soname

# pkg-config from the staged tree, and a program built with its flags.
cat >"$stage/prog.c" <<'C'
#include <stdio.h>
#include <atmqtt.h>
int main(void)
{
	printf("%s %s\n", atmqtt_state_name(ATMQTT_MODEM_READY),
	       atmqtt_at_name(ATMQTT_AT_SUB));
	return 0;
}
C
export PKG_CONFIG_PATH=$D$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
flags=$(pkg-config --cflags --libs libatmqtt 2>&1) &&
	[ "$(pkg-config --modversion libatmqtt)" = "$ver" ] &&
	cc -Wall -Werror -o "$stage/prog" "$stage/prog.c" $flags \
		>"$stage/cc.log" 2>&1 &&
	out=$(LD_LIBRARY_PATH=$D$P/lib "$stage/prog") &&
	ldd "$stage/prog" | grep -q "libatmqtt.so.0 => $D$P/lib" 2>/dev/null ||
	LD_LIBRARY_PATH=$D$P/lib ldd "$stage/prog" | grep -q "libatmqtt.so.0 => $D"
rc=$?
[ $rc = 0 ] && echo "# program says: $out" || sed 's/^/# /' "$stage/cc.log"
result $rc pkg_config_build_and_link
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# The units, pointed at the staged binaries (verify checks that they
# exist); the bridge's with the staged example as its configuration.
mkdir -p "$stage/units" "$stage/etc/atmqtt/bridge"
cp tools/bridge/example.conf "$stage/etc/atmqtt/bridge/cloud.conf"
for u in atmqtt-attach@ atmqtt-bridge@; do
	sed -e "s|@SBINDIR@|$D$P/sbin|" -e "s|@SYSCONFDIR@|$stage/etc|" \
		systemd/$u.service >"$stage/units/$u.service"
done
(cd "$stage/units" &&
	systemd-analyze verify --man=no ./atmqtt-attach@ttyUSB2.service &&
	systemd-analyze verify --man=no ./atmqtt-bridge@cloud.service) \
	>"$stage/verify.log" 2>&1 && [ ! -s "$stage/verify.log" ] &&
	"$D$P/sbin/atmqtt-bridge" check -c "$stage/etc/atmqtt/bridge/cloud.conf" \
		>/dev/null 2>>"$stage/verify.log"
rc=$?
sed 's/^/# /' "$stage/verify.log"
result $rc systemd_analyze_verify

rc=0
for m in man8/atmqtt.8 man1/atmqtt-sim.1 man3/libatmqtt.3 \
	 man8/atmqtt-bridge.8; do
	MANWIDTH=80 man -l "$D$P/share/man/$m" 2>"$stage/man.err" |
		grep -q "^NAME" && [ ! -s "$stage/man.err" ] ||
		{ echo "# $m does not render"; rc=1; }
done
result $rc man_pages_render

bash completion/test.sh | sed 's/^/# /'
result "$(bash completion/test.sh >/dev/null 2>&1; echo $?)" bash_completion

bash -n "$D$P/share/bash-completion/completions/atmqtt"
result $? installed_completion_parses

make -s uninstall DESTDIR="$D" PREFIX=$P >/dev/null 2>&1
left=$(find "$D" -type f -o -type l | sed "s|^$D||")
[ -z "$left" ] || echo "$left" | sed 's/^/# left behind: /'
result "$([ -z "$left" ]; echo $?)" uninstall_removes_everything

make -s modules_install INSTALL_MOD_PATH="$stage/mods" >"$stage/mi.log" 2>&1 &&
	ls "$stage"/mods/lib/modules/*/extra/atmqtt.ko >/dev/null 2>&1 &&
	grep -q "extra/atmqtt.ko:" "$stage"/mods/lib/modules/*/modules.dep
rc=$?
[ $rc = 0 ] || tail -5 "$stage/mi.log" | sed 's/^/# /'
result $rc modules_install_and_depmod

grep -q "^PACKAGE_VERSION=\"$ver\"$" dkms.conf
result $? dkms_conf_version_matches

echo "# Totals: pass:$((n - fails)) fail:$fails skip:0"
[ $fails = 0 ]
