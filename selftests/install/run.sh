#!/bin/sh
# make install into a staging DESTDIR and what integrators check of it,
# as KTAP: the files and library symlinks, the SONAME, atmqtt linked with
# the shared library and no RUNPATH, pkg-config, a program
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
. scripts/ktap.sh
ktap_plan 18

# Debian's layout: the library under lib/<multiarch tuple>.
ma=$(${CC:-cc} -print-multiarch)
L=$P/lib${ma:+/$ma}
make -s install DESTDIR="$D" PREFIX=$P >"$stage/install.log" 2>&1
result $? make_install || sed 's/^/# /' "$stage/install.log"

# The simulator is a component of its own: not in install, in install-sim.
rc=0
[ -e "$D$P/bin/atmqtt-sim" ] && { echo "# make install installed atmqtt-sim"; rc=1; }
make -s install-sim DESTDIR="$D" PREFIX=$P >>"$stage/install.log" 2>&1 &&
	[ -x "$D$P/bin/atmqtt-sim" ] &&
	[ -f "$D$P/share/man/man1/atmqtt-sim.1" ] || rc=1
result $rc simulator_is_a_component_of_its_own

missing=0
for f in ${L#$P/}/libatmqtt.so.$ver ${L#$P/}/libatmqtt.a \
	 ${L#$P/}/pkgconfig/libatmqtt.pc \
	 include/atmqtt/atmqtt.h include/atmqtt/linux/atmqtt.h sbin/atmqtt \
	 bin/atmqtt-sim \
	 share/man/man8/atmqtt.8 share/man/man1/atmqtt-sim.1 \
	 share/man/man3/libatmqtt.3 lib/systemd/system/atmqtt-attach@.service \
	 share/doc/atmqtt/78-atmqtt.rules \
	 share/bash-completion/completions/atmqtt; do
	[ -f "$D$P/$f" ] || { echo "# missing $P/$f"; missing=1; }
done
[ "$(readlink "$D$L/libatmqtt.so.1")" = "libatmqtt.so.$ver" ] &&
[ "$(readlink "$D$L/libatmqtt.so")" = "libatmqtt.so.1" ] &&
readelf -d "$D$L/libatmqtt.so.$ver" | grep -q 'SONAME.*\[libatmqtt.so.1\]' ||
	{ echo "# library symlinks or SONAME wrong"; missing=1; }
result $missing installed_files_symlinks_soname

# atmqtt links the shared library: the installed one with no RUNPATH or
# RPATH (Debian policy), running on the staged library; the tree's finds
# the tree's through its RUNPATH, with no LD_LIBRARY_PATH.
rc=0
readelf -d "$D$P/sbin/atmqtt" >"$stage/dyn" 2>&1 || rc=1
grep -q '(NEEDED).*\[libatmqtt\.so\.1\]' "$stage/dyn" ||
	{ echo "# the installed atmqtt does not need libatmqtt.so.1"; rc=1; }
grep -E '\((RPATH|RUNPATH)\)' "$stage/dyn" | sed 's/^/# installed atmqtt has /' |
	grep . && rc=1
LD_LIBRARY_PATH=$D$L "$D$P/sbin/atmqtt" --version 2>&1 |
	grep -qx "libatmqtt $ver" ||
	{ echo "# the installed atmqtt does not run on the staged library"; rc=1; }
env -u LD_LIBRARY_PATH tools/atmqtt/atmqtt --version 2>&1 |
	grep -qx "libatmqtt $ver" ||
	{ echo "# tools/atmqtt/atmqtt does not run on lib/'s library"; rc=1; }
result $rc atmqtt_links_libatmqtt_installed_without_runpath

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
# Nothing of the distribution's kernel headers is ours: the UAPI header
# is in include/atmqtt/linux/, and the .pc's paths follow its prefix.
pc=$D$L/pkgconfig/libatmqtt.pc
rc=0
[ -e "$D$P/include/linux/atmqtt.h" ] && { echo "# include/linux/atmqtt.h installed"; rc=1; }
grep -qx "prefix=$P" "$pc" && grep -qx 'exec_prefix=${prefix}' "$pc" &&
	grep -qx "libdir=\${exec_prefix}/lib${ma:+/$ma}" "$pc" &&
	grep -qx 'includedir=${prefix}/include' "$pc" &&
	grep -qx 'Cflags: -I${includedir}/atmqtt' "$pc" || rc=1
[ $rc = 0 ] || sed 's/^/# /' "$pc"
result $rc pkg_config_prefix_relative_own_include_dir

export PKG_CONFIG_PATH=$D$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
flags=$(pkg-config --cflags --libs libatmqtt 2>&1) &&
	[ "$(pkg-config --modversion libatmqtt)" = "$ver" ] &&
	cc -Wall -Werror -o "$stage/prog" "$stage/prog.c" $flags \
		>"$stage/cc.log" 2>&1 &&
	out=$(LD_LIBRARY_PATH=$D$L "$stage/prog") &&
	LD_LIBRARY_PATH=$D$L ldd "$stage/prog" | grep -q "libatmqtt.so.1 => $D$L/"
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
unit=$stage/units/atmqtt-attach@.service
(cd "$stage/units" &&
	systemd-analyze verify --man=no ./atmqtt-attach@ttyUSB2.service &&
	systemd-analyze verify --man=no ./atmqtt-bridge@cloud.service) \
	>"$stage/verify.log" 2>&1 && [ ! -s "$stage/verify.log" ] &&
	"$D$P/sbin/atmqtt-bridge" check -c "$stage/etc/atmqtt/bridge/cloud.conf" \
		>/dev/null 2>>"$stage/verify.log"
rc=$?
sed 's/^/# /' "$stage/verify.log"
result $rc systemd_analyze_verify

# What install.rst says of the unit: bound to its device and started by
# udev, not by boot; state per instance; CAP_NET_ADMIN and nothing else
# (modprobe runs outside the sandbox); hardened, by systemd's own measure.
rc=0
has() { grep -qx -- "$1" "$unit" || { echo "# the unit lacks: $1"; rc=1; }; }
has "BindsTo=dev-%i.device"
has "After=dev-%i.device"
has "Type=notify"
has "ExecStartPre=-+/sbin/modprobe atmqtt"
has "RuntimeDirectory=atmqtt/%i"
has "CapabilityBoundingSet=CAP_NET_ADMIN"
has "NoNewPrivileges=yes"
has "ProtectSystem=strict"
has "DevicePolicy=closed"
has "DeviceAllow=/dev/%I rw"
grep -q "^\[Install\]\|^WantedBy=" "$unit" &&
	{ echo "# the unit has an [Install] section: boot would wait for it"; rc=1; }
grep -q "^AmbientCapabilities=\|^CapabilityBoundingSet=.*CAP_SYS" "$unit" &&
	{ echo "# the unit grants more than CAP_NET_ADMIN"; rc=1; }
exposure=$(cd "$stage/units" && systemd-analyze security --offline=yes \
	./atmqtt-attach@ttyUSB2.service 2>/dev/null |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
echo "# systemd-analyze security: exposure ${exposure:-unknown}"
awk -v e="${exposure:-99}" 'BEGIN { exit !(e < 2.5) }' || rc=1
result $rc unit_bound_per_instance_hardened

# The udev rule: udevadm test (systemd 252 has no udevadm verify), alone
# in a mount namespace with a /run and a /dev of its own, since it writes
# its database and links.  The rule as shipped must parse; a copy made to
# match ptmx shows what it does on each action.
udev_test() {	# udev_test RULES ACTION: udevadm test's output and log
	unshare -m sh -c '
		mount -t tmpfs atmqtt-test /run &&
		mount -t tmpfs atmqtt-test /dev &&
		mount --bind "$1" /etc/udev/rules.d &&
		mount --bind "$2" /usr/lib/udev/rules.d &&
		udevadm test --action="$3" /sys/devices/virtual/tty/ptmx' \
		sh "$1" "$stage/empty" "$2" 2>&1
}
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null &&
   [ -e /sys/devices/virtual/tty/ptmx ]; then
	mkdir -p "$stage/rules" "$stage/ptmx" "$stage/empty"
	cp "$D$P/share/doc/atmqtt/78-atmqtt.rules" "$stage/rules/" 2>/dev/null ||
		cp udev/78-atmqtt.rules "$stage/rules/"
	udev_test "$stage/rules" add >"$stage/udev.log"
	grep "78-atmqtt.rules:[0-9]" "$stage/udev.log" | sed 's/^/# /' |
		grep . && rc=1 || rc=0
	grep -q "Reading rules file: .*78-atmqtt.rules" "$stage/udev.log" || rc=1
	result $rc udev_rule_parses
	sed -e 's/^KERNEL!="ttyUSB\[0-9\]\*"/KERNEL!="ptmx"/' \
	    -e '/^ATTRS{idVendor}=="2cb7", ATTRS{idProduct}=="0001", \\$/d' \
	    -e '/^  ENV{ID_USB_INTERFACE_NUM}=="02", \\$/d' \
	    -e 's/^  ENV{ID_MM_PORT_IGNORE}/ENV{ID_MM_PORT_IGNORE}/' \
	    udev/78-atmqtt.rules >"$stage/ptmx/78-atmqtt.rules"
	rc=0
	[ "$(diff udev/78-atmqtt.rules "$stage/ptmx/78-atmqtt.rules" | grep -c '^[<>]')" = 6 ] ||
		{ echo "# the rule's matches changed: update this test"; rc=1; }
	for action in add change bind; do
		udev_test "$stage/ptmx" $action >"$stage/udev.log"
		for want in ID_MM_PORT_IGNORE=1 \
			    SYSTEMD_WANTS=atmqtt-attach@ptmx.service; do
			grep -qx "$want" "$stage/udev.log" ||
				{ echo "# $action: no $want"; rc=1; }
		done
		grep -q "^CURRENT_TAGS=.*:systemd:" "$stage/udev.log" ||
			{ echo "# $action: not tagged for systemd"; rc=1; }
	done
	udev_test "$stage/ptmx" remove >"$stage/udev.log"
	grep -q "^SYSTEMD_WANTS=\|^ID_MM_PORT_IGNORE=" "$stage/udev.log" &&
		{ echo "# remove: the rule applies"; rc=1; }
	result $rc udev_rule_wants_unit_and_keeps_modemmanager_off
else
	echo "ok $((n + 1)) udev_rule_parses # SKIP needs root and unshare -m"
	echo "ok $((n + 2)) udev_rule_wants_unit_and_keeps_modemmanager_off # SKIP needs root and unshare -m"
	n=$((n + 2))
fi

rc=0
for m in man8/atmqtt.8 man1/atmqtt-sim.1 man3/libatmqtt.3 \
	 man8/atmqtt-bridge.8; do
	MANWIDTH=80 man -l "$D$P/share/man/$m" 2>"$stage/man.err" |
		grep -q "^NAME" && [ ! -s "$stage/man.err" ] ||
		{ echo "# $m does not render"; rc=1; }
done
result $rc man_pages_render

# The sections of a man page, in order (man-pages(7): RETURN VALUE for a
# library), and none of the source tree's business.
rc=0
for m in man8/atmqtt.8 man1/atmqtt-sim.1 man3/libatmqtt.3; do
	case $m in
	man3/*) status="RETURN VALUE" ;;
	*) status="EXIT STATUS" ;;
	esac
	want="NAME SYNOPSIS DESCRIPTION OPTIONS $status EXAMPLES SEE ALSO"
	have=$(MANWIDTH=80 man -l "$D$P/share/man/$m" 2>/dev/null |
		grep -xE "NAME|SYNOPSIS|DESCRIPTION|OPTIONS|EXIT STATUS|RETURN VALUE|EXAMPLES|SEE ALSO" |
		tr '\n' ' ')
	[ "$have" = "$want " ] ||
		{ echo "# $m: sections '$have', not '$want'"; rc=1; }
	MANWIDTH=80 man -l "$D$P/share/man/$m" 2>/dev/null |
		grep -E "^(HOST TESTS|CHANGES FROM)" | sed "s|^|# $m has |" |
		grep . && rc=1
done
result $rc man_pages_sections

# The DKMS recipe of install.rst as it is written, up to dkms itself
# (scripts/check-dkms.sh runs that): into a staging /usr/src.
sed -n '/^With DKMS/,/^(``make check``/p' Documentation/install.rst |
	sed -n 's/^  //p' | grep -v "^dkms " |
	sed "s|/usr/src/|$stage/src/|g" >"$stage/dkms-recipe.sh"
sed 's/^/# /' "$stage/dkms-recipe.sh"
mkdir -p "$stage/src"
sh -e "$stage/dkms-recipe.sh" >"$stage/dkms-recipe.log" 2>&1 &&
	[ -f "$stage/src/atmqtt-$ver/dkms.conf" ] &&
	[ -f "$stage/src/atmqtt-$ver/Kbuild" ] &&
	[ -d "$stage/src/atmqtt-$ver/kernel" ] &&
	sed -n '/^With DKMS/,/^(``make check``/p' Documentation/install.rst |
		grep -q '^  dkms add atmqtt/\$ver$'
rc=$?
sed 's/^/# /' "$stage/dkms-recipe.log"
result $rc dkms_recipe_as_documented

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

ktap_totals
