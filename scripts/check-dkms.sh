#!/bin/sh
# check-dkms.sh: dkms add, build and install of atmqtt for every installed
# kernel header set (/usr/src/linux-headers-*-amd64), then remove; KTAP.
# It installs into /usr/src, /var/lib/dkms and /lib/modules/<kver>/updates
# and removes all of it again, also on failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(cat "$top/VERSION")
src=/usr/src/atmqtt-$ver
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
kvers=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
	sed 's|/usr/src/linux-headers-||' | grep -v common)
cleanup() {
	$SUDO dkms remove "atmqtt/$ver" --all >/dev/null 2>&1
	$SUDO rm -rf "$src"
}
trap cleanup EXIT
cleanup
echo "TAP version 13"
echo "1..$(($(echo $kvers | wc -w) + 1))"
n=1
$SUDO mkdir -p "$src"
$SUDO cp -r "$top/Kbuild" "$top/kernel" "$top/include" "$top/dkms.conf" \
	"$top/VERSION" "$src/"
if $SUDO dkms add "atmqtt/$ver" >/tmp/dkms-add.log 2>&1; then
	echo "ok $n dkms_add"
else
	sed 's/^/# /' /tmp/dkms-add.log
	echo "not ok $n dkms_add"
	exit 1
fi
rc=0
for k in $kvers; do
	n=$((n + 1))
	log=/tmp/dkms-$k.log
	if $SUDO dkms build "atmqtt/$ver" -k "$k" >"$log" 2>&1 &&
	   $SUDO dkms install "atmqtt/$ver" -k "$k" >>"$log" 2>&1 &&
	   ko=$(find "/lib/modules/$k/updates/dkms" -name 'atmqtt.ko*' | head -n1) &&
	   [ -n "$ko" ] &&
	   modinfo -F vermagic "$ko" | grep -q "^$k "; then
		echo "# $ko"
		echo "ok $n dkms_build_install_$k"
	else
		tail -20 "$log" | sed 's/^/# /'
		echo "not ok $n dkms_build_install_$k"
		rc=1
	fi
done
exit $rc
