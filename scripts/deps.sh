#!/bin/sh
# Install everything atmqtt needs from Debian packages.  Idempotent: it only
# calls apt-get when a package is missing.  Kernel images are installed with
# INITRD=No (the VM boots its own busybox initramfs).
set -eu

PKGS="build-essential make gcc pkg-config bc kmod cpio gzip
linux-image-amd64 linux-headers-amd64 linux-source-6.1
qemu-system-x86 busybox-static
libnl-3-dev libnl-genl-3-dev
mosquitto mosquitto-clients libmosquitto-dev"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive INITRD=No
	$SUDO apt-get update -qq
	# mosquitto's postinst may try to start the service; harmless either way.
	$SUDO env DEBIAN_FRONTEND=noninteractive INITRD=No \
		apt-get install -y -qq --no-install-recommends $missing
fi

# linux-source ships as a tarball; unpack it once for kselftest_harness.h
# and checkpatch.pl.
src=$(ls -d /usr/src/linux-source-6.1 2>/dev/null || true)
if [ -z "$src" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1 || true)
	if [ -n "$tarball" ]; then
		echo "deps: unpacking $tarball"
		tar -C /usr/src -xf "$tarball"
	fi
fi
echo "deps: ok"
