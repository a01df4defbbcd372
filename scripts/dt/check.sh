#!/bin/sh
# check.sh: the device tree binding of the serdev transport
# (Documentation/devicetree/bindings/net/wwan/fibocom,nl668.yaml), checked
# with Debian's dt-schema tools: the binding against the meta-schema, then
# its example, the overlay of Documentation/install.rst and a board tree
# through dtc and dt-validate; and trees that break the binding must fail.
# KTAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bindings=$top/Documentation/devicetree/bindings
yaml=$bindings/net/wwan/fibocom,nl668.yaml
out=$top/build/dt
rm -rf "$out"
mkdir -p "$out"
n=0
rc=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); echo "not ok $n $1"; rc=1; }
echo "TAP version 13"
echo "1..7"

if dt-doc-validate -u "$bindings" "$yaml" >"$out/doc.log" 2>&1; then
	ok binding_meta_schema
else
	sed 's/^/# /' "$out/doc.log"
	nok binding_meta_schema
fi
dt-mk-schema -j "$bindings" >"$out/schema.json" 2>"$out/mk.log" ||
	sed 's/^/# /' "$out/mk.log"

# dts SOURCE NAME: compile SOURCE (a tree) and validate it; 0 when valid.
dts() {
	dtc -q -I dts -O dtb -o "$out/$2.dtb" "$1" 2>"$out/$2.dtc.log" &&
	dt-validate -s "$out/schema.json" "$out/$2.dtb" >"$out/$2.log" 2>&1 &&
	! grep -q . "$out/$2.log"
}

# What the root node of any tree needs.
root='	compatible = "atmqtt,test-board"; model = "atmqtt test board";
	#address-cells = <1>; #size-cells = <1>;'

# The binding's own example, in a root node.
{
	echo '/dts-v1/;'
	echo '/ {'
	echo "$root"
	python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["examples"][0])' "$yaml"
	echo '};'
} >"$out/example.dts"
if dts "$out/example.dts" example; then
	ok binding_example_validates
else
	cat "$out/example.dtc.log" "$out/example.log" 2>/dev/null | sed 's/^/# /'
	nok binding_example_validates
fi

# The overlay of Documentation/install.rst, applied to a board tree.
cat >"$out/board.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "atmqtt,test-board";
	model = "atmqtt test board";
	#address-cells = <1>;
	#size-cells = <1>;
	uart1: serial@9000000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x9000000 0x1000>;
	};
};
DTS
sed -n '/^   \/dts-v1\/;/,/^   };$/p' "$top/Documentation/install.rst" |
	sed 's/^   //' >"$out/overlay.dts"
if [ -s "$out/overlay.dts" ] &&
   dtc -q -@ -I dts -O dtb -o "$out/board.dtb" "$out/board.dts" &&
   dtc -q -@ -I dts -O dtb -o "$out/overlay.dtbo" "$out/overlay.dts" &&
   fdtoverlay -i "$out/board.dtb" -o "$out/merged.dtb" "$out/overlay.dtbo" &&
   dtc -q -I dtb -O dts -o "$out/merged.dts" "$out/merged.dtb" &&
   grep -q 'compatible = "fibocom,nl668"' "$out/merged.dts" &&
   dt-validate -s "$out/schema.json" "$out/merged.dtb" >"$out/merged.log" 2>&1 &&
   ! grep -q . "$out/merged.log"; then
	ok install_rst_overlay_applies_and_validates
else
	cat "$out/merged.log" 2>/dev/null | sed 's/^/# /'
	nok install_rst_overlay_applies_and_validates
fi

# Trees that break the binding: each must be refused, for the modem node.
bad() {
	name=$1
	shift
	{
		echo '/dts-v1/;'
		echo "/ { $root"
		echo '  serial { modem {'
		for p in "$@"; do echo "	$p;"; done
		echo '}; }; };'
	} >"$out/$name.dts"
	if ! dts "$out/$name.dts" "$name" &&
	   grep -q "fibocom,nl668.yaml" "$out/$name.log" &&
	   ! grep -q "root-node.yaml" "$out/$name.log"; then
		sed 's/^/# /' "$out/$name.log" | head -4
		ok "refused_$name"
	else
		sed 's/^/# /' "$out/$name.dtc.log" "$out/$name.log"
		nok "refused_$name"
	fi
}
bad two_compatibles 'compatible = "fibocom,nl668", "fibocom,m910"'
bad speed_out_of_range 'compatible = "fibocom,nl668"' 'current-speed = <300>'
bad unknown_property 'compatible = "fibocom,nl668"' 'reset-gpios = <0>'
bad speed_not_a_number 'compatible = "fibocom,m910"' 'current-speed = "fast"'
exit $rc
