#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Changes stock lvm2 makes to an IVG are read correctly by ivg: an extra
# linear LV in two segments, and vgextend with a new PV.
. "$(dirname "$0")/../lib.sh"
cd "$T"

ivgcreate -y --no-boot-image --devices d0.img --size 200m --bootlv-size 16m --bosfs-size 40m --oppfs-size 24m \
	tvg d0.img d1.img >/dev/null
truncate -s 64m extra.img
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L3=$(loop_file extra.img)
lvm_filter "$L0" "$L1" "$L3"

lvmq lvcreate -an -Zn -y -L 8m -n extra tvg "$L0" >/dev/null 2>&1 || die "lvcreate"
lvmq lvextend -L +8m tvg/extra "$L1" >/dev/null 2>&1 || die "lvextend"
lvmq pvcreate "$L3" >/dev/null 2>&1 || die "pvcreate"
lvmq vgextend tvg "$L3" >/dev/null 2>&1 || die "vgextend"
lvmq lvcreate -an -Zn -y -L 12m -n onnew tvg "$L3" >/dev/null 2>&1 || die "lvcreate on the new PV"
[ "$(lvmq lvs --noheadings -o seg_count tvg/extra 2>/dev/null | tr -d ' ')" = 2 ] || die "extra has not two segments"
ok "lvm2 added a two-segment LV, a new PV and an LV on it"

DEVS="$L0,$L1,$L3"
ivg_json=$(ivgs -a --devices "$DEVS" --reportformat json)
echo "$ivg_json" | jq -c '.report[0].lv[]' | head -20
lvm_json=$(lvmq lvs -a --reportformat json --units b --nosuffix -o lv_name,lv_size,segtype tvg 2>/dev/null)
a=$(echo "$ivg_json" | jq -r '.report[0].lv[] | "\(.lv_name) \(.lv_size) \(.segtype)"' | sort)
# lvs prints a row per segment when asked for segtype: fold them.
b=$(echo "$lvm_json" | jq -r '.report[0].lv[] | "\(.lv_name) \(.lv_size) \(.segtype)"' | sort -u)
[ "$a" = "$b" ] || die "LVs differ: ivgs:
$a
lvs:
$b"
ok "ivgs -a and lvs agree on every LV's name, size and segment type"

devs=$(echo "$ivg_json" | jq -r '.report[0].lv[] | select(.lv_name=="extra") | .devices')
[ "$devs" = "$L0(13),$L1(13)" ] || echo "note: extra on $devs"
echo "$devs" | grep -q "$L0(.*),$L1(" || die "extra devices: $devs"
[ "$(echo "$ivg_json" | jq -r '.report[0].vg[0].pv_count')" = 3 ] || die "pv_count"
[ "$(echo "$ivg_json" | jq -r ".report[0].pv[] | select(.pv_name==\"$L3\") | .pv_boot_leg")" = none ] ||
	die "the new PV should have no boot leg"
pvs_json=$(lvmq pvs --reportformat json --units b --nosuffix -o pv_name,pv_size -S vg_name=tvg 2>/dev/null)
a=$(echo "$ivg_json" | jq -r '.report[0].pv[] | "\(.pv_name) \(.pv_size)"' | sort)
b=$(echo "$pvs_json" | jq -r '.report[0].pv[] | "\(.pv_name) \(.pv_size)"' | sort)
[ "$a" = "$b" ] || die "PVs differ: ivgs:
$a
pvs:
$b"
ok "ivgs and pvs agree on the PVs, the new one without a boot leg"

# ivg writes the VG back; lvm2 still reads all of it.
ivgexport --devices "$DEVS" tvg >/dev/null
ivgimport --devices "$DEVS" tvg >/dev/null
out=$(lvmq vgck tvg 2>&1) || die "vgck after ivg rewrote lvm2's changes: $out"
b2=$(lvmq lvs -a --reportformat json --units b --nosuffix -o lv_name,lv_size,segtype,devices tvg 2>/dev/null | jq -S .)
[ "$(echo "$b2" | jq -r '.report[0].lv | length')" = "$(echo "$lvm_json" | jq -r '.report[0].lv | length')" ] || die "LVs lost"
ok "after ivgexport/ivgimport, lvm2 still sees every LV"

# Without device-mapper an LV in two segments cannot be a loop device:
# ivgchange -a y says so, and calls it what lvs calls it (linear); the
# others are loops (read-only here), which -a n detaches.
if ! grep -q " device-mapper" /proc/misc; then
	expect_fail 5 "LV tvg/extra is linear in 2 segments: without device-mapper only single-segment linear LVs" \
		ivgchange -a y --readonly --devices "$DEVS" tvg
	ivgchange -a n --devices "$DEVS" tvg >/dev/null || die "ivgchange -a n"
fi
