#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# ivgck on an IVG of three image files: healthy -> 0. Then damage, on
# purpose and in several places: a data block of vmlinuz in bootlv leg 1,
# sector 0 of disk 0, core.img of disk 1, BOOTX64.EFI on disk 2's ESP,
# and the FAT of disk 0's ESP. ivgck exits 5 and names each (text and
# JSON), writing nothing. ivgck --repair (on a terminal, with its progress
# bar) makes it healthy again: ivgck -> 0, the legs byte-identical,
# grub-fstest reads the kernel from every leg, e2fsck -fn is clean. An
# ESP without /EFI/BOOT/IVG.TAG (how a root VG's GRUB finds an IVG disk
# to fall back to) is damaged and repaired too.
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v grub-fstest >/dev/null || { echo "no grub-fstest"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
KERNEL=$(ls /boot/vmlinuz-* | sort -V | tail -1)

IMGS="d0.img d1.img d2.img"
D="--devices d0.img,d1.img,d2.img"
head -c 65536 /dev/urandom >initrd.img
ivgcreate -y --no-boot-image --devices d0.img --size 120m --bootlv-size 24m --bosfs-size 4m \
	--oppfs-size 4m tvg $IMGS >/dev/null || die "ivgcreate"
# No boot image yet: no damage, every item "none", and --repair has
# nothing to do.
ivgck $D tvg >ck.txt || die "ivgck without a boot image: $(cat ck.txt)"
grep -q 'Volume group "tvg" has no boot image yet: ivgmkboot writes it' ck.txt || die "$(cat ck.txt)"
[ "$(ivgck $D --reportformat json tvg | jq -r '[.report[0].bootcheck[] | .leg, .sector0, .core_img, .bootx64_efi] | unique | join(" ")')" = none ] ||
	die "ivgck json without a boot image: $(ivgck $D --reportformat json tvg)"
ok "no boot image yet (--no-boot-image): ivgck exits 0, every leg and record none"
ivgmkboot $D --kernel "$KERNEL" --modules /tmp --initrd initrd.img tvg >/dev/null || die "ivgmkboot"

before=$(sums $IMGS)
ivgck $D tvg >ck.txt || die "ivgck on a new IVG: $(cat ck.txt)"
grep -q "every bootlv leg and boot record is healthy" ck.txt || die "$(cat ck.txt)"
[ "$(sums $IMGS)" = "$before" ] || die "ivgck wrote to the disks"
ok "healthy IVG: ivgck exits 0 and writes nothing"

expect_fail 5 "not found" ivgck $D nosuch
expect_fail 3 "exactly one VG" ivgck $D
expect_fail 3 "unrecognized option|unknown option" ivgck $D --bogus tvg

# Where each leg lies, from lvm2's view.
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L2=$(loop_pv d2.img)
lvm_filter "$L0" "$L1" "$L2"
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$L0" 2>/dev/null | tr -d ' ')
ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size tvg 2>/dev/null | tr -d ' ')
size=$(lvmq lvs --noheadings --units b --nosuffix -o lv_size tvg/bootlv 2>/dev/null | tr -d ' ')
leg_off() {
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/bootlv_rimage_$1" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	echo $(($(part_offset "d$1.img" 3) + pe_start + pe * ext))
}
leg_sum() {
	dd if="d$1.img" bs=1M iflag=skip_bytes,count_bytes skip="$(leg_off "$1")" count="$size" 2>/dev/null |
		sha256sum | cut -c1-64
}

# ---- damage ----------------------------------------------------------------
# A data block in the middle of vmlinuz on leg 1 (debugfs finds it).
off1=$(leg_off 1)
dd if=d1.img of=leg1.img bs=1M iflag=skip_bytes,count_bytes skip="$off1" count="$size" 2>/dev/null
blk=$(debugfs -R "bmap /vmlinuz 200" leg1.img 2>/dev/null)
[ -n "$blk" ] && [ "$blk" -gt 0 ] || die "debugfs bmap: '$blk'"
head -c 4096 /dev/urandom | dd of=d1.img bs=4096 seek=$(((off1 / 4096) + blk)) conv=notrunc 2>/dev/null
[ $((off1 % 4096)) = 0 ] || die "leg 1 not 4 KiB aligned"
# Sector 0's boot code on disk 0 (the partition table stays).
head -c 256 /dev/urandom | dd of=d0.img bs=1 seek=16 conv=notrunc 2>/dev/null
# core.img on disk 1: a sector in its middle.
head -c 512 /dev/urandom | dd of=d1.img bs=512 seek=$((2048 + 20)) conv=notrunc 2>/dev/null
# BOOTX64.EFI on disk 2: replaced by other bytes.
head -c 100000 /dev/urandom >junk.efi
mcopy -o -i "d2.img@@$(part_offset d2.img 2)" junk.efi ::/EFI/BOOT/BOOTX64.EFI
# Disk 0's ESP: its FAT wiped.
dd if=/dev/zero of=d0.img bs=1M seek=$(($(part_offset d0.img 2) / 1048576)) count=1 conv=notrunc 2>/dev/null
ok "damaged: leg 1 (vmlinuz), sector 0 of d0, core.img of d1, BOOTX64.EFI of d2, the ESP of d0"

before=$(sums $IMGS)
set +e
ivgck $D tvg >ck.txt 2>&1
rc=$?
set -e
[ $rc = 5 ] || die "ivgck on damaged disks exited $rc: $(cat ck.txt)"
cat ck.txt
need() { grep -A4 "Disk $1 " ck.txt | grep -q "$2" || die "ivgck did not report '$2' on $1"; }
need d1.img "bootlv leg .*damaged: bootlv leg 1: vmlinuz does not match the manifest"
need d0.img "sector 0 (boot.img) *damaged"
need d1.img "core.img (BIOS boot partition) *damaged"
need d2.img "BOOTX64.EFI (ESP) *damaged"
need d0.img "BOOTX64.EFI (ESP) *damaged"
need d0.img "bootlv leg *ok"
need d2.img "core.img (BIOS boot partition) *ok"
# The same damage seen as a mirror: leg 1 differs, and its vmlinuz does
# not verify where the other legs' copies do.
grep -q "mismatch at [0-9]* (+[0-9]* bytes) in .*vmlinuz.*: leg(s) 1 bad, leg(s) 0 2 verify" ck.txt ||
	die "ivgck did not judge the mirror of bootlv: $(cat ck.txt)"
[ "$(sums $IMGS)" = "$before" ] || die "ivgck without --repair wrote to the disks"
set +e
ivgck $D --reportformat json tvg >ck.json
rc=$?
set -e
[ $rc = 5 ] || die "ivgck --reportformat json exited $rc"
st() { jq -r ".report[0].bootcheck[] | select(.leg_number == \"$1\") | .$2" ck.json; }
[ "$(st 1 leg)" = damaged ] && [ "$(st 0 leg)" = ok ] && [ "$(st 0 sector0)" = damaged ] &&
	[ "$(st 1 core_img)" = damaged ] && [ "$(st 2 bootx64_efi)" = damaged ] &&
	[ "$(st 0 bootx64_efi)" = damaged ] && [ "$(st 2 sector0)" = ok ] ||
	die "JSON report: $(cat ck.json)"
# Five boot problems and bootlv's mismatched region.
[ "$(jq -r .problems ck.json)" = 6 ] || die "JSON problems: $(jq -r .problems ck.json)"
[ "$(jq -r '.report[0].mirror[] | select(.lv_name == "bootlv") | .legs_bad' ck.json)" = 1 ] ||
	die "JSON mirror report: $(jq -c .report[0].mirror ck.json)"
ok "ivgck exits 5 naming each damage (text and JSON), and writes nothing"

# --repair without -y and without a terminal: refused, saying how.
before=$(sums $IMGS)
expect_fail 5 'Volume group "tvg" not repaired: not asked without a terminal \(use -y to answer yes\)' ivgck $D --repair tvg </dev/null
[ "$(sums $IMGS)" = "$before" ] || die "ivgck --repair without -y wrote"
ok "--repair with nobody to ask: refused, naming -y, nothing written"

# ---- repair ----------------------------------------------------------------
# On a terminal (script(1) gives one): the progress bar of the leg copy.
script -qec "ivgck $D --repair -y tvg" repair.txt >/dev/null || die "ivgck --repair: $(cat repair.txt)"
grep -q "Writing bootlv \[" repair.txt || die "no progress bar on a terminal: $(cat repair.txt)"
grep -q "After the repair" repair.txt || die "$(cat repair.txt)"
ivgck $D tvg >ck.txt || die "ivgck after the repair: $(cat ck.txt)"
ok "ivgck --repair -> healthy again (ivgck exits 0)"

[ "$(leg_sum 0)" = "$(leg_sum 1)" ] && [ "$(leg_sum 1)" = "$(leg_sum 2)" ] || die "legs differ after the repair"
for k in 0 1 2; do
	rm -f k.out
	grub-fstest -c 3 $IMGS cp "(lvm/tvg-bootlv_rimage_$k)/vmlinuz" k.out || die "grub-fstest leg $k"
	cmp -s k.out "$KERNEL" || die "leg $k: vmlinuz differs from $KERNEL"
done
l=$(loop_file -r -o "$(leg_off 1)" --sizelimit "$size" d1.img)
e2fsck -fn "$l" >fsck.txt 2>&1 || die "e2fsck on leg 1: $(cat fsck.txt)"
ok "legs byte-identical; grub-fstest reads vmlinuz from every leg; e2fsck -fn clean on the repaired leg"

# Every IVG disk's ESP carries the tag by which a root VG's GRUB finds an
# IVG disk to fall back to; one without it is damaged, and repaired.
for k in 0 1 2; do
	mdir -b -i "d$k.img@@$(part_offset d$k.img 2)" ::/EFI/BOOT/IVG.TAG >/dev/null 2>&1 || die "d$k.img's ESP has no IVG.TAG"
done
mdel -i "d1.img@@$(part_offset d1.img 2)" ::/EFI/BOOT/IVG.TAG || die "mdel IVG.TAG"
set +e
ivgck $D tvg >tag.txt 2>&1
rc=$?
set -e
[ $rc = 5 ] && grep -A4 "Disk d1.img " tag.txt | grep -q "BOOTX64.EFI (ESP) *damaged: no /EFI/BOOT/IVG.TAG" ||
	die "ivgck on an ESP without its tag: $rc $(cat tag.txt)"
ivgck $D --repair -y tvg >tagrep.txt 2>&1 || die "ivgck --repair (the tag): $(cat tagrep.txt)"
mdir -b -i "d1.img@@$(part_offset d1.img 2)" ::/EFI/BOOT/IVG.TAG >/dev/null 2>&1 || die "--repair did not put IVG.TAG back"
ivgck $D tvg >/dev/null 2>&1 || die "ivgck after the tag's repair"
ok "every IVG ESP has /EFI/BOOT/IVG.TAG; without it ivgck says the ESP is damaged, --repair puts it back"

# A leg that holds an empty filesystem while the others hold the image:
# damaged for ivgs and ivgck alike, and repaired from a healthy leg.
l=$(loop_file -o "$(leg_off 2)" --sizelimit "$size" d2.img)
mke2fs -q -F -t ext2 "$l" >/dev/null
losetup -d "$l"
[ "$(ivgs $D --reportformat json tvg | jq -r '[.report[0].pv[].pv_boot_leg] | join(" ")')" = "0:ok 1:ok 2:damaged" ] ||
	die "ivgs with an empty leg 2: $(ivgs $D tvg 2>&1)"
set +e; ivgck $D tvg >ck.txt; rc=$?; set -e
[ $rc = 5 ] && grep -q "bootlv leg .*damaged: bootlv leg 2: .*manifest" ck.txt || die "ivgck with an empty leg 2 ($rc): $(cat ck.txt)"
ivgck $D --repair -y tvg >repair.txt || die "ivgck --repair of an empty leg: $(cat repair.txt)"
[ "$(leg_sum 2)" = "$(leg_sum 0)" ] || die "leg 2 not repaired"
ok "an empty leg beside healthy ones: damaged in ivgs (2:damaged) and ivgck, repaired from leg 0"
