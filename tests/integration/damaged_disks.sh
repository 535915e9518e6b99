#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Damaged disks are skipped, not fatal (issue #17). A PV label whose
# metadata area lies where no area can be (past the end of the device,
# wrapping around 2^64, on the label, over the data) but whose CRC is
# right: every command on another VG goes on, names the damaged disk in
# one warning, and leaves it byte-identical; a writer writes only its own
# VG. Two VGs of one name: ivgs shows both and warns as lvm2 does, the
# other commands refuse to guess.
. "$(dirname "$0")/../lib.sh"
cd "$T"

C="--no-boot-image --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m"
ivgcreate -y --devices a0.img --size 160m $C avg a0.img >/dev/null
ivgcreate -y --devices b0.img --size 160m $C bvg b0.img >/dev/null
cp --sparse=always b0.img b0.good
mkdir -p deb/DEBIAN
printf 'Package: hello\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: hello\n' >deb/DEBIAN/control
dpkg-deb --root-owner-group -Znone --build deb hello.deb >/dev/null

# run EXPECTED-EXIT PHRASE COMMAND...: the command exits as expected, and
# one line of its output ($out) names b0.img and says PHRASE.
run() {
	local lines
	expect_fail "$1" "b0\.img.*$2" "${@:3}" >/dev/null
	lines=$(grep -c 'b0\.img' <<<"$out" || true)
	[ "$lines" = 1 ] || die "'${*:3}' named b0.img on $lines lines, not once: $out"
}

D=a0.img,b0.img
# Area 1 of bvg's only PV: offset and size, and what is wrong with them.
# The area lvm2 and ivg write is at 4096, 1044480 bytes; data at 1 MiB.
while IFS=: read -r off size phrase; do
	cp --sparse=always b0.good b0.img
	pv_label_set_mda b0.img 1 "$off" "$size"
	before=$(sums b0.img)
	run 0 "$phrase" ivgs --devices $D avg
	grep -q '^  VG avg$' <<<"$out" || die "ivgs avg did not report avg: $out"
	run 0 "$phrase" ivgs --devices $D
	grep -q '^  VG avg$' <<<"$out" || die "ivgs did not report avg: $out"
	run 0 "$phrase" ivgs --reportformat json --devices $D
	[ "$(sed -n '/^{/,$p' <<<"$out" | jq -r '.report[0].vg[].vg_name')" = avg ] ||
		die "ivgs --reportformat json: $out"
	run 0 "$phrase" opplist --devices $D avg
	run 5 "$phrase" ivgimport --devices $D bvg
	grep -q 'Volume group "bvg" not found' <<<"$out" || die "ivgimport bvg: $out"
	[ "$(sums b0.img)" = "$before" ] || die "b0.img was written ($phrase)"
	ok "area 1 at $off (+$size bytes): $phrase; avg reported, b0.img named once, not written"
done <<EOF
1099511627776:1044480:runs past the end of the device
18446744073709547520:1044480:runs past the end of the device
4096:1099511627776:runs past the end of the device
512:1044480:overlaps the label sectors
4096:0:is too small
4096:2097152:overlaps the data area
EOF

# A writer: oppadd to avg with the damaged disk in the list.
run 0 "overlaps the data area" oppadd --devices $D avg hello.deb
[ "$(sums b0.img)" = "$before" ] || die "oppadd wrote b0.img"
opplist --devices a0.img avg | grep -q hello || die "oppadd did not add hello to avg"
ok "oppadd to avg past the damaged b0.img: added, b0.img named once, not written"

# lvm2 sees the damage as well, and goes on too.
lvm_filter "$(loop_pv a0.img)" "$(loop_pv b0.img)"
set +e
out=$(lvmq vgs -o vg_name 2>&1)
rc=$?
set -e
[ "$rc" = 0 ] && grep -q ' avg$' <<<"$out" || die "lvm2 vgs: $out"
ok "lvm2 vgs also lists avg past the damaged disk"

# Two VGs called avg: ivgs shows both, with lvm2's warning naming both UUIDs.
ivgcreate -y --devices c0.img --size 160m $C avg c0.img >/dev/null
before=$(sums a0.img c0.img)
for args in "" avg; do
	out=$(ivgs --devices a0.img,c0.img $args 2>&1)
	[ "$(grep -c '^  VG avg$' <<<"$out")" = 2 ] || die "ivgs $args did not show both VGs: $out"
	[ "$(grep -c 'WARNING: VG name avg is used by 2 VGs' <<<"$out")" = 1 ] ||
		die "ivgs $args: no warning about the name, or more than one: $out"
	for u in $(grep '^    UUID' <<<"$out" | awk '{print $2}'); do
		grep -q "WARNING: VG name avg is used by 2 VGs: .*$u" <<<"$out" || die "the warning lacks $u: $out"
	done
done
ok "ivgs shows both VGs called avg and names both UUIDs in one warning"
expect_fail 5 'Multiple VGs found with the same name: 2 VGs are called "avg"' opplist --devices a0.img,c0.img avg
expect_fail 5 'Multiple VGs found with the same name' oppadd --devices a0.img,c0.img avg hello.deb
[ "$(sums a0.img c0.img)" = "$before" ] || die "a command wrote a VG called avg"
ok "same-named VGs: nothing written"
