#!/bin/sh
# build-initramfs.sh OUT.cpio.gz FILE...
# A busybox initramfs with /init, the module, the mode scripts, mosquitto and
# every FILE given (executables go to /bin with the shared libraries they
# need, found by ldd; atmqtt.ko goes to /).
set -eu
out=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
	 "$root/tmp" "$root/run" "$root/lib64" "$root/scripts" "$root/selftests"
cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done

copy_libs() {
	ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

add_bin() {
	cp "$1" "$root/bin/$(basename "$1")"
	copy_libs "$1"
}

for f in /usr/sbin/mosquitto /usr/bin/mosquitto_pub /usr/bin/mosquitto_sub; do
	add_bin "$f"
done
# glibc dlopen()s libgcc_s for pthread_cancel (atmqtt-sim stops a stuck
# libmosquitto thread that way); ldd cannot see it.
for lib in /lib/x86_64-linux-gnu/libgcc_s.so.1; do
	[ -e "$lib" ] && mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
for f in "$@"; do
	case "$f" in
	*.ko) cp "$f" "$root/" ;;
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
MQ

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
