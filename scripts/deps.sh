#!/bin/sh
# Install what atmqtt builds with from Debian packages, and fetch the kernel
# images its VMs boot into a cache.  Idempotent: apt-get runs only for what
# is missing.
#
# Nothing here changes how the host boots: no kernel image is installed.
# The images the VMs boot are fetched with `apt-get download` and unpacked
# with `dpkg-deb -x` into $ATMQTT_CACHE (default /var/cache/atmqtt), beside
# the host's packages, never into /boot.  Installed: build tools, qemu, the
# libraries, mosquitto, and the kernel *headers* the module builds against
# (Debian's 6.1, and 6.12 from bookworm-backports, whose apt source this
# script adds).  scripts/kernel-image.sh KVER prints an unpacked image.
set -eu

PKGS="build-essential make gcc pkg-config bc kmod cpio gzip
linux-headers-amd64 linux-source-6.1
qemu-system-x86 busybox-static
libnl-3-dev libnl-genl-3-dev
mosquitto mosquitto-clients libmosquitto-dev
sparse clang clang-tools perl flex bison libelf-dev libssl-dev
dkms python3-docutils man-db systemd python3-yaml python3-jsonschema
valgrind gnuplot-nox dt-schema device-tree-compiler graphviz"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
cache=${ATMQTT_CACHE:-/var/cache/atmqtt}

installed() {
	case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" in
	*"install ok installed"*) return 0 ;;
	esac
	return 1
}

apt_install() {
	# mosquitto's postinst may try to start the service; harmless either way.
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@"
}

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
updated=0
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	$SUDO apt-get update -qq
	updated=1
	# shellcheck disable=SC2086
	apt_install $missing
fi

# Kernel 6.12, the second supported kernel, comes from bookworm-backports:
# add that suite on the mirror of the machine's existing Debian entry.  Its
# packages are taken by exact name only (the metapackages' candidates stay
# on 6.1), so nothing on the host moves to it.
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
		"$uri" | $SUDO tee "$backports" >/dev/null
	$SUDO apt-get update -qq
	updated=1
fi

# The 6.1 kernel: the one linux-headers-amd64 pulled in.
kver61=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
	 sed -n 's/.*linux-headers-\(6\.1\.[0-9.-]*-amd64\).*/\1/p' | head -n1)
[ -n "$kver61" ] || { echo "deps: cannot tell the 6.1 kernel version"; exit 1; }

# The 6.12 kernel: the newest one linux-image-amd64 names in backports.
kver612=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V |
	  tail -n1 | sed 's|/usr/src/linux-headers-||')
if [ -z "$kver612" ] || ! ls /usr/src/linux-source-6.12.tar.* >/dev/null 2>&1; then
	[ "$updated" = 1 ] || $SUDO apt-get update -qq
	updated=1
	kver612=$(apt-cache show linux-image-amd64 2>/dev/null |
		  sed -n 's/^Depends:.*linux-image-\(6\.12\.[0-9.+~a-z-]*-amd64\).*/\1/p' |
		  sort -V | tail -n1)
	[ -n "$kver612" ] || { echo "deps: no 6.12 kernel in bookworm-backports"; exit 1; }
	echo "deps: installing linux-headers-$kver612 linux-source-6.12"
	apt_install "linux-headers-$kver612" linux-source-6.12
fi

# The VMs' kernel images, unpacked (not installed) into the cache:
# $cache/linux-image-KVER/boot/vmlinuz-KVER.
$SUDO mkdir -p "$cache"
for k in $kver61 $kver612; do
	dir=$cache/linux-image-$k
	[ -r "$dir/boot/vmlinuz-$k" ] && continue
	[ "$updated" = 1 ] || $SUDO apt-get update -qq
	updated=1
	echo "deps: fetching linux-image-$k into $cache (not installed)"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "linux-image-$k" >/dev/null)
	rm -rf "$dir.tmp"
	$SUDO dpkg-deb -x "$tmp"/linux-image-"$k"_*.deb "$dir.tmp"
	rm -rf "$tmp"
	[ -r "$dir.tmp/boot/vmlinuz-$k" ] ||
		{ echo "deps: linux-image-$k has no /boot/vmlinuz-$k"; exit 1; }
	$SUDO rm -rf "$dir"
	$SUDO mv "$dir.tmp" "$dir"
done

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
