#!/bin/sh
# Install what atmqtt builds with from Debian packages, and fetch the kernel
# images its VMs boot into a cache.  Idempotent: apt-get runs only for what
# is missing.
#
# Nothing here changes how the host boots: no kernel image is installed.
# The images the VMs boot are fetched with `apt-get download` and unpacked
# with `dpkg-deb -x` into $ATMQTT_CACHE (default /var/cache/atmqtt), beside
# the host's packages, never into /boot.  Installed: build tools, qemu, the
# libraries, mosquitto, and Debian's 6.1 kernel headers.  6.12's come from
# bookworm-backports (whose apt source this script adds), where
# linux-headers-6.12.* depends on its linux-image: installing them would
# install a kernel the host's boot loader then offers first.  So they are
# fetched and unpacked into the cache like the ARM ones, with only their
# linux-kbuild (which depends on no image) installed.
# scripts/kernel-image.sh KVER prints an unpacked image,
# scripts/kernel-headers.sh KVER the headers of KVER, installed or unpacked.
#
# The ARM targets (arm64, and armhf: 32-bit ARM) are cross-built here and
# run in qemu-system-aarch64/-arm: installed are the cross compilers, qemu,
# and through multiarch the foreign architectures' development libraries
# the user-space code links with.  Fetched into the cache, never installed:
# Debian's arm64 and armmp 6.1 kernel images and headers (the headers build
# with the host's linux-kbuild-6.1, which is Multi-Arch: foreign), and each
# VM's user land (busybox, mosquitto and every library they and the tests
# load) unpacked into $ATMQTT_CACHE/sysroot-ARCH.  ATMQTT_ARM_ARCHS
# ("arm64 armhf" by default, "" for none) chooses the ARM targets.
set -eu

PKGS="build-essential make gcc pkg-config bc kmod cpio gzip abigail-tools
linux-headers-amd64 linux-source-6.1
qemu-system-x86 busybox-static
libnl-3-dev libnl-genl-3-dev
mosquitto mosquitto-clients libmosquitto-dev
sparse clang clang-tools perl flex bison libelf-dev libssl-dev
dkms python3-docutils man-db systemd python3-yaml python3-jsonschema
valgrind gnuplot-nox dt-schema device-tree-compiler graphviz
gcc-aarch64-linux-gnu gcc-12-aarch64-linux-gnu
gcc-arm-linux-gnueabihf gcc-12-arm-linux-gnueabihf qemu-system-arm"

# Installed for each ARM architecture (multiarch, beside the host's own):
# what the user-space code links with.
ARM_DEV_PKGS="libc6-dev libnl-3-dev libnl-genl-3-dev libmosquitto-dev"
# Fetched for each ARM architecture into $cache/sysroot-ARCH: the VM's user
# land, every shared library the binaries need (readelf's NEEDED, closed).
ARM_VM_PKGS="busybox-static mosquitto mosquitto-clients
libc6 libgcc-s1 libmosquitto1 libcjson1 libssl3 libnl-3-200 libnl-genl-3-200
libwrap0 libnsl2 libtirpc3 libgssapi-krb5-2 libkrb5-3 libk5crypto3
libcom-err2 libkrb5support0 libkeyutils1 libsystemd0 libcap2 libgcrypt20
libgpg-error0 liblz4-1 liblzma5 libzstd1 libdlt2"
arm_archs=${ATMQTT_ARM_ARCHS-arm64 armhf}

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

updated=0
# The foreign architectures: known to dpkg before apt can see their
# packages.
for a in $arm_archs; do
	dpkg --print-foreign-architectures | grep -qx "$a" && continue
	echo "deps: adding the $a architecture to dpkg (multiarch)"
	$SUDO dpkg --add-architecture "$a"
	$SUDO apt-get update -qq
	updated=1
done

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
for a in $arm_archs; do
	for p in $ARM_DEV_PKGS; do
		installed "$p:$a" || missing="$missing $p:$a"
	done
done
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	[ "$updated" = 1 ] || $SUDO apt-get update -qq
	updated=1
	# shellcheck disable=SC2086
	apt_install $missing
fi

# fetch_unpack DIR PKG...: apt-get download each PKG (exact names, with
# :ARCH for a foreign one) and unpack them all into DIR, built aside and
# renamed into place so that an interrupted run leaves no half tree.
fetch_unpack() {
	dir=$1
	shift
	[ "$updated" = 1 ] || $SUDO apt-get update -qq
	updated=1
	echo "deps: fetching into $dir (not installed):" "$@"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "$@" >/dev/null 2>"$tmp/err") ||
		{ cat "$tmp/err"; rm -rf "$tmp"; return 1; }
	$SUDO rm -rf "$dir.tmp"
	$SUDO mkdir -p "$dir.tmp"
	for deb in "$tmp"/*.deb; do
		$SUDO dpkg-deb -x "$deb" "$dir.tmp"
	done
	rm -rf "$tmp"
}

# unpack_headers KVER PKG COMMON KBUILD: Debian's headers PKG of KVER, and
# their common half COMMON, fetched and unpacked (never installed) into
# $cache/linux-headers-KVER, their build directory at usr/src/
# linux-headers-KVER in it (scripts/kernel-headers.sh KVER).  Debian's
# headers name their common half and kbuild by absolute or /usr-relative
# paths: those lead to the unpacked common half and to the host's
# installed kbuild KBUILD (/usr/lib/linux-kbuild-*, Multi-Arch: foreign).
unpack_headers() {
	hdir=$cache/linux-headers-$1
	[ -r "$hdir/usr/src/linux-headers-$1/.config" ] && return 0
	fetch_unpack "$hdir" "$2" "$3"
	$SUDO sed -i "s|^include /usr/src/|include $hdir/usr/src/|" \
		"$hdir.tmp/usr/src/linux-headers-$1/Makefile"
	$SUDO mkdir -p "$hdir.tmp/usr/lib"
	$SUDO ln -sfn "$4" "$hdir.tmp$4"
	[ -x "$4/scripts/basic/fixdep" ] ||
		{ echo "deps: no $4 on the host"; exit 1; }
	$SUDO rm -rf "$hdir"
	$SUDO mv "$hdir.tmp" "$hdir"
}

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
# Installed: its kbuild and linux-source-6.12 (YNL's generator); its
# headers unpacked into the cache (see the top).
kver612=$(ls -d "$cache"/linux-headers-6.12.*-amd64 2>/dev/null | sort -V |
	  tail -n1 | sed 's|.*/linux-headers-||')
if [ -z "$kver612" ] || ! installed "linux-kbuild-${kver612%-amd64}" ||
   ! ls /usr/src/linux-source-6.12.tar.* >/dev/null 2>&1; then
	[ "$updated" = 1 ] || $SUDO apt-get update -qq
	updated=1
	kver612=$(apt-cache show linux-image-amd64 2>/dev/null |
		  sed -n 's/^Depends:.*linux-image-\(6\.12\.[0-9.+~a-z-]*-amd64\).*/\1/p' |
		  sort -V | tail -n1)
	[ -n "$kver612" ] || { echo "deps: no 6.12 kernel in bookworm-backports"; exit 1; }
	echo "deps: installing linux-kbuild-${kver612%-amd64} linux-source-6.12"
	apt_install "linux-kbuild-${kver612%-amd64}" linux-source-6.12
fi
unpack_headers "$kver612" "linux-headers-$kver612" \
	"linux-headers-${kver612%-amd64}-common" \
	"/usr/lib/linux-kbuild-${kver612%-amd64}"

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

# The ARM kernels: Debian's 6.1 of the same ABI as the amd64 one, flavour
# arm64 and (armhf) armmp.  Images as for x86; the headers, with the
# common headers beside them, at $cache/linux-headers-KVER/usr/src/
# linux-headers-KVER (scripts/kernel-headers.sh KVER), where the links to
# linux-kbuild-6.1 lead to the host's installed one.
abi=${kver61%-amd64}
kbuild=/usr/lib/linux-kbuild-${abi%.*-*}
for a in $arm_archs; do
	case $a in
	arm64) flavour=arm64 ;;
	armhf) flavour=armmp ;;
	*) echo "deps: unknown ARM architecture $a"; exit 1 ;;
	esac
	k=$abi-$flavour
	dir=$cache/linux-image-$k
	if [ ! -r "$dir/boot/vmlinuz-$k" ]; then
		fetch_unpack "$dir" "linux-image-$k:$a"
		[ -r "$dir.tmp/boot/vmlinuz-$k" ] ||
			{ echo "deps: linux-image-$k has no /boot/vmlinuz-$k"; exit 1; }
		$SUDO rm -rf "$dir"
		$SUDO mv "$dir.tmp" "$dir"
	fi
	# The host's kbuild: the x86 binaries of the same version, which
	# linux-headers-$abi-amd64 installed.
	unpack_headers "$k" "linux-headers-$k:$a" "linux-headers-$abi-common" \
		"$kbuild"
	# The VM's user land; the list of packages it holds is kept in it, and
	# a different list fetches it anew.
	dir=$cache/sysroot-$a
	want=$(echo $ARM_VM_PKGS)
	if [ "$(cat "$dir/.atmqtt-packages" 2>/dev/null)" != "$want" ]; then
		# shellcheck disable=SC2046
		fetch_unpack "$dir" $(for p in $want; do echo "$p:$a"; done)
		echo "$want" | $SUDO tee "$dir.tmp/.atmqtt-packages" >/dev/null
		$SUDO rm -rf "$dir"
		$SUDO mv "$dir.tmp" "$dir"
	fi
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
# Debian's kbuild (amd64's) reads the device tables of a module
# (MODULE_DEVICE_TABLE) with amd64's structure sizes: modpost refuses a
# 32-bit module that has one (struct of_device_id is 200 bytes there, 196
# on armhf).  The armmp headers get a kbuild of their own: links to the
# host's, but scripts/mod/modpost built from linux-source-6.1 with armhf's
# device table offsets and ELF class, as a native kernel build makes it
# (the headers' own kbuild rules do the work).  arm64's sizes are amd64's.
for a in $arm_archs; do
	[ "$a" = armhf ] || continue
	k=$abi-armmp
	dir=$cache/linux-headers-$k
	[ -e "$dir/.atmqtt-modpost" ] && continue
	[ -d /usr/src/linux-source-6.1/scripts/mod ] ||
		{ echo "deps: no /usr/src/linux-source-6.1 for armhf's modpost"; exit 1; }
	echo "deps: building modpost for $k"
	w=$(mktemp -d)
	mkdir -p "$w/scripts/mod"
	ln -s /usr/src/linux-source-6.1/include "$w/include"
	cp /usr/src/linux-source-6.1/scripts/mod/* "$w/scripts/mod/"
	if ! make -s -C "$dir/usr/src/linux-headers-$k" ARCH=arm \
		CROSS_COMPILE=arm-linux-gnueabihf- M="$w/scripts/mod" \
		>"$w/log" 2>&1 || [ ! -x "$w/scripts/mod/modpost" ]; then
		cat "$w/log"
		rm -rf "$w"
		echo "deps: cannot build modpost for $k"
		exit 1
	fi
	kb=$dir$kbuild
	$SUDO rm -rf "$kb"
	$SUDO mkdir -p "$kb/scripts/mod"
	for e in "$kbuild"/*; do
		[ "${e##*/}" = scripts ] || $SUDO ln -s "$e" "$kb/"
	done
	for e in "$kbuild"/scripts/*; do
		[ "${e##*/}" = mod ] || $SUDO ln -s "$e" "$kb/scripts/"
	done
	$SUDO cp "$w/scripts/mod/modpost" "$kb/scripts/mod/modpost"
	rm -rf "$w"
	$SUDO touch "$dir/.atmqtt-modpost"
done
echo "deps: ok"
