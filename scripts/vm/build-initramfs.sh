#!/bin/sh
# build-initramfs.sh OUT.cpio.gz FILE...
# A busybox initramfs with /init, the module, the mode scripts, mosquitto and
# every FILE given (executables go to /bin with the shared libraries they
# need, found by ldd; atmqtt.ko goes to /).
#
# ATMQTT_VM_ARCH (x86_64, the host's, by default; arm64; armhf) is the
# VM's architecture.  For an ARM one, busybox, mosquitto and every shared
# library come from $ATMQTT_CACHE/sysroot-ARCH (scripts/deps.sh unpacks the
# packages there): the libraries an executable needs are its ELF NEEDED
# entries and theirs (the cross binutils' readelf), and its interpreter,
# each found in the sysroot's multiarch directories (the tree's own,
# libatmqtt.so.1, in the ELF's RUNPATH).  ATMQTT_VM_MODULES:
# kernel modules (.ko) /init loads in that order before atmqtt.ko.
set -eu
out=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
arch=${ATMQTT_VM_ARCH:-x86_64}
case $arch in
x86_64) sysroot= triplet=x86_64-linux-gnu ;;
arm64) triplet=aarch64-linux-gnu ;;
armhf) triplet=arm-linux-gnueabihf ;;
*) echo "build-initramfs.sh: unknown ATMQTT_VM_ARCH $arch" >&2; exit 1 ;;
esac
if [ "$arch" != x86_64 ]; then
	sysroot=${ATMQTT_CACHE:-/var/cache/atmqtt}/sysroot-$arch
	[ -x "$sysroot/bin/busybox" ] ||
		{ echo "build-initramfs.sh: no $sysroot (run scripts/deps.sh)" >&2; exit 1; }
fi

mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
	 "$root/tmp" "$root/run" "$root/lib64" "$root/scripts" "$root/selftests"
cp "$sysroot/bin/busybox" "$root/bin/busybox"
# The applets of the host's busybox (the same Debian version and
# configuration): a foreign one cannot run here to list its own.
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done

# A library of the tree's own (libatmqtt.so.1, which tools/atmqtt/atmqtt
# finds through its RUNPATH) goes to /lib/TRIPLET in the image, where the
# VM's loader looks; the system's keep their paths.
image_path() {	# image_path LIB: where LIB goes in the image
	case $1 in
	/lib/*|/lib64/*|/usr/lib/*) echo "$1" ;;
	*) echo "/lib/$triplet/$(basename "$1")" ;;
	esac
}

copy_libs() {
	if [ -n "$sysroot" ]; then
		copy_libs_sysroot "$1"
		return
	fi
	ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}' |
	while read -r lib; do
		dest=$(image_path "$lib")
		[ -e "$root$dest" ] && continue
		mkdir -p "$root$(dirname "$dest")"
		cp -L "$lib" "$root$dest"
	done
}

# copy_from_sysroot PATH: the sysroot's PATH (links followed inside the
# sysroot) at PATH in the image.
copy_from_sysroot() {
	[ -e "$root$1" ] && return 0
	mkdir -p "$root$(dirname "$1")"
	cp "$(readlink -f "$sysroot$1")" "$root$1"
}

# copy_libs_sysroot ELF: the interpreter and the NEEDED closure of ELF, from
# the sysroot.  A library the sysroot lacks fails the build: the VM could
# not run the binary.
copy_libs_sysroot() {
	# A script needs no library.
	$triplet-readelf -h "$1" >/dev/null 2>&1 || return 0
	_todo=$1
	while [ -n "$_todo" ]; do
		set -- $_todo
		_f=$1
		shift
		_todo=$*
		_interp=$($triplet-readelf -l "$_f" |
			  sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
		[ -z "$_interp" ] || copy_from_sysroot "$_interp"
		# The ELF's RUNPATH, $ORIGIN its directory: a library of
		# the tree's own (libatmqtt.so.1), to /lib/TRIPLET.
		_runpath=$($triplet-readelf -d "$_f" |
			   sed -n 's/.*(RUNPATH).*\[\(.*\)\]$/\1/p' |
			   sed "s|\\\$ORIGIN|$(dirname "$_f")|g" | tr : ' ')
		for _lib in $($triplet-readelf -d "$_f" |
			      sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			_path=
			for _d in $_runpath; do
				[ -e "$_d/$_lib" ] || continue
				_path=/lib/$triplet/$_lib
				[ -e "$root$_path" ] && break
				mkdir -p "$root/lib/$triplet"
				cp -L "$_d/$_lib" "$root$_path"
				_todo="$_todo $root$_path"
				break
			done
			[ -n "$_path" ] && continue
			for _d in /lib/$triplet /usr/lib/$triplet /lib /usr/lib; do
				[ -e "$sysroot$_d/$_lib" ] && { _path=$_d/$_lib; break; }
			done
			if [ -z "$_path" ]; then
				echo "build-initramfs.sh: $_f needs $_lib, not in $sysroot" >&2
				exit 1
			fi
			[ -e "$root$_path" ] && continue
			copy_from_sysroot "$_path"
			_todo="$_todo $root$_path"
		done
	done
}

add_bin() {
	cp "$1" "$root/bin/$(basename "$1")"
	copy_libs "$1"
}

for f in /usr/sbin/mosquitto /usr/bin/mosquitto_pub /usr/bin/mosquitto_sub; do
	add_bin "$sysroot$f"
done
# glibc dlopen()s libgcc_s for pthread_cancel (atmqtt-sim stops a stuck
# libmosquitto thread that way); ldd cannot see it.
for lib in /lib/$triplet/libgcc_s.so.1; do
	[ -e "$sysroot$lib" ] && mkdir -p "$root$(dirname "$lib")" &&
		cp -L "$sysroot$lib" "$root$lib"
done
# Kernel modules the VM needs and its kernel has as modules: each a .ko
# or a name found in ATMQTT_VM_MODDIR (the booted kernel's /lib/modules/
# KVER), listed after the modules it depends on (modinfo's depends).
mkdir -p "$root/modules"
: >"$root/modules.list"
add_module() {
	case $1 in
	*.ko) set -- "$1" "$1" ;;
	*)	set -- "$1" "$(find "${ATMQTT_VM_MODDIR:?modules by name need ATMQTT_VM_MODDIR}" \
			-name "$(echo "$1" | tr _ -).ko" -o -name "$(echo "$1" | tr - _).ko" |
			head -n1)"
		[ -n "$2" ] || { echo "build-initramfs.sh: no module $1 in $ATMQTT_VM_MODDIR" >&2; exit 1; } ;;
	esac
	grep -qx "$(basename "$2")" "$root/modules.list" && return 0
	for _dep in $(modinfo -F depends "$2" | tr , ' '); do
		add_module "$_dep"
	done
	cp "$2" "$root/modules/"
	basename "$2" >>"$root/modules.list"
}
for m in ${ATMQTT_VM_MODULES:-}; do
	add_module "$m"
done
for f in "$@"; do
	case "$f" in
	*.ko) cp "$f" "$root/" ;;
	# A test's sourced helpers (*_lib.sh, and scripts/ktap.sh) go
	# beside it, not in the list.
	selftests/*_lib.sh|*/selftests/*_lib.sh) cp "$f" "$root/selftests/" ;;
	scripts/ktap.sh|*/scripts/ktap.sh) cp "$f" "$root/selftests/ktap.sh" ;;
	selftests/*|*/selftests/*) cp "$f" "$root/selftests/"; copy_libs "$f"
		       basename "$f" >>"$root/selftests.list" ;;
	*) add_bin "$f" ;;
	esac
done

cp "$top/scripts/vm/init" "$root/init"
cp "$top/scripts/vm/vm-demo.sh" "$top/scripts/vm/vm-check.sh" \
   "$top/scripts/vm/vm-bench.sh" "$top/scripts/vm/vm-profile.sh" \
   "$top/scripts/vm/vm-insns.sh" \
   "$root/scripts/"
chmod +x "$root/init" "$root/scripts/"*.sh

cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
mosquitto:x:100:101:mosquitto:/tmp:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$root/etc/group" <<'GR'
root:x:0:
mosquitto:x:101:
nogroup:x:65534:
GR
cat >"$root/etc/mosquitto.conf" <<'MQ'
listener 1883 127.0.0.1
allow_anonymous true
user root
persistence false
log_dest file /tmp/mosquitto.log
# No message dropped by the broker: the floods count every one of theirs
# (mosquitto queues at most 1000 per client by default, and a simulated
# modem on a loaded VM falls that far behind a mosquitto_pub -l).
max_queued_messages 0
MQ

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
