#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# ivgcreate on three image files; stock lvm2, GRUB and e2fsck judge it.
. "$(dirname "$0")/../lib.sh"
cd "$T"

ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 40m --oppfs-size 24m \
	tvg d0.img d1.img d2.img
ok "ivgcreate made three disks"

# GPT layout: BIOS boot, ESP, LVM.
for i in 0 1 2; do
	t=$(sfdisk -J d$i.img | jq -r '[.partitiontable.partitions[].type] | join(",")')
	[ "$t" = "21686148-6449-6E6F-744E-656564454649,C12A7328-F81F-11D2-BA4B-00A0C93EC93B,E6D6D379-F507-44C2-A23C-238F2A3DF928" ] ||
		die "d$i.img partition types: $t"
	mdir -i "d$i.img@@$(part_offset d$i.img 2)" ::/ >/dev/null || die "d$i.img: ESP is not FAT"
done
ok "every disk has the IVG partition layout and a FAT ESP"

L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L2=$(loop_pv d2.img)
lvm_filter "$L0" "$L1" "$L2"

for l in $L0 $L1 $L2; do
	out=$(lvmq pvck --dump headers "$l" 2>&1)
	echo "$out" | grep -q "CHECK" && die "pvck on $l: $out"
	echo "$out" | grep -q "mda_header_1.raw_locn\[0\].size" || die "pvck on $l found no mda: $out"
done
ok "pvck --dump headers: no CHECK lines"

out=$(lvmq vgck tvg 2>&1) || die "vgck failed: $out"
echo "$out" | grep -v "Activation disabled" | grep -q WARNING && die "vgck warned: $out"
ok "vgck exits 0 without warnings"

lvs=$(lvmq lvs -a --noheadings --separator : -o lv_name,segtype,devices,lv_size --units m --nosuffix tvg 2>/dev/null | tr -d ' ')
echo "$lvs"
echo "$lvs" | grep -q "^bootlv:raid1:bootlv_rimage_0(0),bootlv_rimage_1(0),bootlv_rimage_2(0):16.00$" || die "bootlv layout"
for k in 0 1 2; do
	l=$(eval echo \$L$k)
	echo "$lvs" | grep -q "^\[bootlv_rmeta_$k\]:linear:$l(0):4.00$" || die "rmeta_$k not at extent 0 of $l"
	echo "$lvs" | grep -q "^\[bootlv_rimage_$k\]:linear:$l(1):16.00$" || die "rimage_$k not right after rmeta on $l"
done
for lv in bosfs:40 oppfs:24; do
	n=${lv%:*} s=${lv#*:}
	echo "$lvs" | grep -q "^$n:raid1:${n}_rimage_0(0),${n}_rimage_1(0),${n}_rimage_2(0):$s.00$" || die "$n layout"
	for k in 0 1 2; do
		l=$(eval echo \$L$k)
		echo "$lvs" | grep -q "^\[${n}_rmeta_$k\]:linear:$l([0-9]*):4.00$" || die "${n}_rmeta_$k not on $l"
		echo "$lvs" | grep -q "^\[${n}_rimage_$k\]:linear:$l([0-9]*):$s.00$" || die "${n}_rimage_$k not on $l"
	done
done
ok "lvs shows raid1 bootlv, bosfs and oppfs, each with one leg per PV"

vgs=$(lvmq vgs --noheadings -o vg_tags tvg 2>/dev/null | tr -d ' ')
[ "$vgs" = "ivg" ] || die "VG tag: $vgs"
ok "the VG carries the ivg tag"

for k in 0 1 2; do
	out=$(grub-fstest -c 1 d$k.img ls "(lvm/tvg-bootlv_rimage_$k)/" 2>&1) || die "grub-fstest leg $k: $out"
	echo "$out" | grep -q "lost+found" || die "grub-fstest leg $k: $out"
	out=$(grub-fstest -c 1 d$k.img ls "(lvm/tvg-bootlv)/" 2>&1) || die "grub-fstest bootlv on d$k: $out"
	echo "$out" | grep -q "lost+found" || die "grub-fstest bootlv on d$k: $out"
done
ok "GRUB reads every leg, and bootlv, from each single disk"

# e2fsck on bosfs and oppfs through loops at their PV offsets.
for lv in bosfs oppfs; do
	for k in 0 1 2; do
		dev=$(echo "$lvs" | grep "^\[${lv}_rimage_$k\]:" | cut -d: -f3)
		pv=${dev%%(*}; pe=${dev##*(}; pe=${pe%)}
		[ "$(echo "$dev" | tr -cd ',' | wc -c)" = 0 ] || die "${lv}_rimage_$k has several segments"
		l=$(loop_file -o $((1048576 + pe * 4194304)) --sizelimit "$(lvmq lvs --noheadings --units b --nosuffix -o lv_size tvg/$lv 2>/dev/null | tr -d ' ')" "$pv")
		e2fsck -fn "$l" >"$T/fsck.out" 2>&1 || { cat "$T/fsck.out"; die "e2fsck $lv leg $k"; }
		dumpe2fs -h "$l" 2>/dev/null | grep "features" | grep -q extent || die "$lv is not ext4"
		sha256sum <"$l" | cut -d' ' -f1 >>"$T/$lv.legs"
	done
	[ "$(sort -u "$T/$lv.legs" | wc -l)" = 1 ] || die "the legs of $lv differ"
done
ok "e2fsck -fn passes on every leg of bosfs and oppfs (ext4); the legs are byte-identical"

ivgs --devices d0.img,d1.img,d2.img
ivgs --devices d0.img,d1.img,d2.img --reportformat json | jq -e '.report[0].vg[0].vg_name == "tvg" and (.report[0].pv | length) == 3' >/dev/null ||
	die "ivgs json"
# --no-boot-image: every leg holds an empty filesystem, no boot image yet.
[ "$(ivgs --devices d0.img,d1.img,d2.img --reportformat json | jq -r '[.report[0].pv[].pv_boot_leg] | join(" ")')" = "0:none 1:none 2:none" ] ||
	die "ivgs boot legs"
ok "ivgs reports the VG, its PVs with boot legs (none written yet)"
