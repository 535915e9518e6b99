#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# ivgexport/ivgimport as lvm2 sees them; damaged and missing PVs at import.
. "$(dirname "$0")/../lib.sh"
cd "$T"
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m \
	tvg d0.img d1.img d2.img >/dev/null
D=d0.img,d1.img,d2.img

ivgexport --devices $D tvg | grep -q 'Volume group "tvg" successfully exported' || die "export"
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L2=$(loop_pv d2.img)
lvm_filter "$L0" "$L1" "$L2"
attr=$(lvmq vgs --noheadings -o vg_attr tvg 2>/dev/null | tr -d ' ')
[ "${attr:2:1}" = x ] || die "lvm2 does not see tvg exported: $attr"
ok "lvm2 sees the VG exported"
expect_fail 5 "already exported" ivgexport --devices $D tvg

# Read-only import writes nothing.
s=$(sums d0.img d1.img d2.img)
ivgimport --readonly --devices $D tvg | grep -q "read-only" || die "readonly import"
[ "$(sums d0.img d1.img d2.img)" = "$s" ] || die "--readonly wrote"
ok "ivgimport --readonly writes nothing"

ivgimport --devices $D tvg | grep -q 'successfully imported' || die "import"
attr=$(lvmq vgs --noheadings -o vg_attr tvg 2>/dev/null | tr -d ' ')
[ "${attr:2:1}" = - ] || die "still exported for lvm2: $attr"
lvmq vgexport tvg >/dev/null 2>&1 || die "lvm2 vgexport"
ivgimport --devices $D tvg | grep -q 'successfully imported' || die "import after lvm2 vgexport"
ok "export/import round trip, also after lvm2's vgexport"

# Damaged metadata area on d1: reported, other copies used, repaired.
ivgexport --devices $D tvg >/dev/null
off=$(( $(part_offset d1.img 3) + 4096 + 100 ))
printf 'garbage' | dd of=d1.img bs=1 seek=$off conv=notrunc status=none
out=$(ivgimport --devices $D tvg 2>&1) || die "import with a damaged mda: $out"
echo "$out"
echo "$out" | grep -q "d1.img.*metadata copy 1 is damaged" || die "damage not reported"
lvmq pvck --dump headers "$L1" 2>&1 | grep -q CHECK && die "not repaired"
ok "a damaged metadata copy is reported, the others used, and it is rewritten"

# Damaged label on d2: reported; the VG is partial and is not changed.
off=$(( $(part_offset d2.img 3) + 512 + 40 ))
printf 'XXXX' | dd of=d2.img bs=1 seek=$off conv=notrunc status=none
s=$(sums d0.img d1.img d2.img)
set +e; out=$(ivgimport --devices $D tvg 2>&1); rc=$?; set -e
echo "$out"
[ $rc = 5 ] || die "partial import exit $rc"
echo "$out" | grep -q "d2.img.*\(CRC\|checksum\)" || die "damaged label not reported"
echo "$out" | grep -q "is missing" || die "missing PV not reported"
echo "$out" | grep -q "Boot leg 2 .*missing" || die "leg 2 not reported missing"
echo "$out" | grep -q "Boot leg 0 .*: none: no boot image yet" || die "leg 0 not reported without a boot image (--no-boot-image)"
[ "$(sums d0.img d1.img d2.img)" = "$s" ] || die "partial import wrote"
out=$(ivgimport --readonly --devices $D tvg 2>&1) || die "readonly partial import failed"
echo "$out" | grep -q "partial" || die "not reported partial"
ok "a damaged label: reported, VG partial, nothing written"

# Missing PV: d2 not given at all.
set +e; out=$(ivgimport --devices d0.img,d1.img tvg 2>&1); rc=$?; set -e
[ $rc = 5 ] && echo "$out" | grep -q "is missing" || die "missing PV: $rc $out"
ivgs --devices d0.img,d1.img --reportformat json | jq -e '.report[0].vg[0].vg_partial == "partial"' >/dev/null ||
	die "ivgs does not say partial"
ok "missing PVs reported; the VG is partial"
