#!/bin/sh
# Install everything atmqtt needs from Debian packages.  Idempotent: it only
# calls apt-get when a package is missing.  Kernel images are installed with
# INITRD=No (the VM boots its own busybox initramfs).
set -eu

PKGS="build-essential make gcc pkg-config bc kmod cpio gzip
linux-image-amd64 linux-headers-amd64 linux-source-6.1
qemu-system-x86 busybox-static
libnl-3-dev libnl-genl-3-dev
mosquitto mosquitto-clients libmosquitto-dev
sparse clang clang-tools perl flex bison libelf-dev
dkms python3-docutils man-db systemd python3-yaml python3-jsonschema
valgrind gnuplot-nox"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive INITRD=No
	$SUDO apt-get update -qq
	# mosquitto's postinst may try to start the service; harmless either way.
	$SUDO env DEBIAN_FRONTEND=noninteractive INITRD=No \
		apt-get install -y -qq --no-install-recommends $missing
fi

# Kernel 6.12, the second supported kernel, comes from bookworm-backports:
# add that suite on the mirror of the machine's existing Debian entry, then
# install the image, headers and source by exact name (the metapackages'
# candidates stay on 6.1).
backports=/etc/apt/sources.list.d/atmqtt-backports.sources
if [ ! -e "$backports" ]; then
	uri=$(awk '/^URIs:/ { u = $2 }
		   /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print u; exit } }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i < NF; i++)
			if ($i !~ /^\[/ && $(i + 1) == "bookworm") { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null | head -n1)
	[ -n "$uri" ] || uri=http://deb.debian.org/debian
	echo "deps: adding bookworm-backports from $uri"
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" | ${SUDO:-} tee "$backports" >/dev/null
	${SUDO:-} apt-get update -qq
fi
if ! ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 ||
   ! ls /boot/vmlinuz-6.12.*-amd64 >/dev/null 2>&1 ||
   ! ls /usr/src/linux-source-6.12.tar.* >/dev/null 2>&1; then
	img=$(apt-cache show linux-image-amd64 2>/dev/null |
	      awk '/^Depends:/ && /linux-image-6\.12\./ { print $2 }' |
	      sort -V | tail -n1)
	[ -n "$img" ] || { echo "deps: no 6.12 kernel in bookworm-backports"; exit 1; }
	hdr=$(echo "$img" | sed 's/^linux-image-/linux-headers-/')
	echo "deps: installing $img $hdr linux-source-6.12"
	${SUDO:-} env DEBIAN_FRONTEND=noninteractive INITRD=No \
		apt-get install -y -qq --no-install-recommends "$img" "$hdr" \
		linux-source-6.12
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
