#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real boots of IVG disks in QEMU (TCG) under SeaBIOS and OVMF, through
# tests/vm/boot.sh: GRUB from the disk's boot records, the kernel and the
# maintenance initramfs from bootlv, and the maintenance environment's
# unattended test action (ivg.action=test) printing its marker.
# Fast path: disk 1 alone under SeaBIOS boots its own leg; with leg 0 on
# disk 0 damaged, disk 0 (first in the boot order) still boots, from leg
# 1, under SeaBIOS. IVG_SLOW=1 adds every disk alone under both firmware
# types, the damaged leg under OVMF, OVMF moving on to disk 1 when disk
# 0's ESP is wiped, and the menu driven through the serial console (the
# shell, and ivgs in it), and the firmware boot list that ivgbootlist
# --firmware sets in maintenance mode, followed by the next boot.
# slow-part: every disk alone under both firmware types, the damaged leg under OVMF, OVMF moving on from a wiped ESP, the menu driven over the serial console, ivgbootlist --firmware in maintenance mode
BOOT=$(cd "$(dirname "$0")/../vm" && pwd)/boot.sh
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-180}

ivgcreate -y --no-boot-image --devices d0.img --size 240m --bootlv-size 96m --bosfs-size 16m --oppfs-size 16m \
	tvg d0.img d1.img >/dev/null
# An OPP, so that the maintenance environment has a TOC to check.
mkdir opp && printf 'Package: mytool\nVersion: 1.2\nArchitecture: amd64\nDescription: a plain OPP\n' >opp/opp.control
echo payload >opp/x && (cd opp && tar cf ../mytool.opp opp.control x)
oppadd --devices d0.img,d1.img tvg mytool.opp >/dev/null || die "oppadd"
t0=$SECONDS
ivgmkboot --devices d0.img,d1.img --append ivg.action=test tvg >/dev/null || die "ivgmkboot"
ok "ivgmkboot with ivg.action=test ($((SECONDS - t0)) s)"

# boot NAME FIRMWARE EXPECTED-LEG DISK[,bootindex=N]...
boot() {
	local name=$1 fw=$2 leg=$3 s=$SECONDS
	shift 3
	local args=()
	for d in "$@"; do args+=(--disk "$d"); done
	"$BOOT" --firmware "$fw" --timeout "$TMO" --console "$name.log" \
		--expect "IVG-MAINT-TEST vg=tvg leg=$leg " --fail "Kernel panic|IVG-MAINT-TEST vg=tvg leg=[^$leg]" \
		"${args[@]}" 2>"$name.err" || die "$name: $(cat "$name.err")"
	ok "$name: reached the maintenance environment from leg $leg ($((SECONDS - s)) s)"
}

# Where leg K of bootlv starts in disk K (lvm2's view of the VG).
leg_offset() {
	local k=$1 l pe_start ext r pe
	l=$(loop_pv "d$k.img")
	lvm_filter "$l"
	pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$l" 2>/dev/null | tr -d ' ')
	ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size tvg 2>/dev/null | tr -d ' ')
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/bootlv_rimage_$k" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	losetup -d "$l"
	echo $(($(part_offset "d$k.img" 3) + pe_start + pe * ext))
}

boot bios-disk1-alone bios 1 d1.img
# oppfs has a leg on each disk: disk 1 alone checks the TOC from its own.
grep -aq 'IVG-MAINT-TOC rc=0: TOC of volume group "tvg" is consistent' bios-disk1-alone.log ||
	die "disk 1 alone: the OPP TOC check: $(grep -a IVG-MAINT bios-disk1-alone.log)"
ok "disk 1 alone: the maintenance environment checks the OPP TOC from oppfs's leg on disk 1"
if [ -n "${IVG_SLOW:-}" ]; then
	boot bios-disk0-alone bios 0 d0.img
	boot uefi-disk0-alone uefi 0 d0.img
	boot uefi-disk1-alone uefi 1 d1.img
fi

# Damage leg 0 on disk 0: one block in the middle of initrd.img.
off=$(leg_offset 0)
size=$((96 << 20))
l=$(loop_file -r -o "$off" --sizelimit "$size" d0.img)
blk=$(debugfs -R "bmap /initrd.img 200" "$l" 2>/dev/null)
losetup -d "$l"
case $blk in '' | *[!0-9]*) die "debugfs bmap: '$blk'" ;; esac
head -c 4096 /dev/urandom | dd of=d0.img bs=4096 seek=$(((off / 4096) + blk)) conv=notrunc 2>/dev/null
[ $((off % 4096)) = 0 ] || die "leg 0 is not 4 KiB aligned"
grub-fstest -c 2 d0.img d1.img cp '(lvm/tvg-bootlv_rimage_0)/initrd.img' initrd0 &&
	grub-fstest -c 2 d0.img d1.img cp '(lvm/tvg-bootlv_rimage_1)/initrd.img' initrd1 ||
	die "grub-fstest cannot read the initramfs"
cmp -s initrd0 initrd1 && die "the damage did not land in leg 0's initrd.img"
ok "leg 0's initrd.img damaged (block $blk)"

boot bios-leg0-damaged bios 1 d0.img,bootindex=0 d1.img,bootindex=1
grep -aq "leg 0 is missing or damaged" bios-leg0-damaged.log || die "GRUB did not report leg 0 as damaged"
ok "GRUB on disk 0 found leg 0 damaged and booted leg 1"
grep -aq 'IVG-MAINT-TOC rc=0: TOC of volume group "tvg" is consistent' bios-leg0-damaged.log ||
	die "the maintenance environment did not check the OPP TOC: $(grep -a IVG-MAINT bios-leg0-damaged.log)"
ok "the maintenance environment checks the OPP TOC against the VG metadata"
if [ -n "${IVG_SLOW:-}" ]; then
	boot uefi-leg0-damaged uefi 1 d0.img,bootindex=0 d1.img,bootindex=1
	# OVMF skips a disk whose ESP has no boot loader and moves on.
	esp=$(part_offset d0.img 2)
	dd if=/dev/zero of=d0.img bs=1M seek=$((esp >> 20)) count=4 conv=notrunc 2>/dev/null
	boot uefi-esp0-wiped uefi 1 d0.img,bootindex=0 d1.img,bootindex=1
fi
if [ -n "${IVG_SLOW:-}" ]; then
	# The menu, driven through the serial console: the shell, and ivgs in it.
	grub-fstest -c 2 d0.img d1.img cp '(lvm/tvg-bootlv_rimage_1)/initrd.img' initrd.img
	# Only the image (grub.cfg without ivg.action): disk 0's ESP is wiped.
	ivgmkboot --devices d0.img,d1.img --initrd initrd.img --no-boot-records tvg >/dev/null ||
		die "ivgmkboot --no-boot-records"
	s=$SECONDS
	"$BOOT" --firmware bios --timeout "$TMO" --console menu.log --disk d1.img \
		--send 'Choice:=>3\n' --send '/ # =>ivgs tvg; echo IVG-SHELL-$((6*7))\n' \
		--expect 'IVG-SHELL-42' --fail 'Kernel panic' 2>menu.err || die "menu: $(cat menu.err)"
	grep -aq "Boot-leg" menu.log || die "menu: no ivgs report in the shell: $(tail -20 menu.log)"
	ok "the menu's shell runs ivgs on the console ($((SECONDS - s)) s)"
fi
if [ -n "${IVG_SLOW:-}" ]; then
	# The firmware's boot list. The order in the VG: disk 1 first (disk 0's
	# ESP, wiped above, is repaired first). Booted under OVMF from disk 0
	# (bootindex), the maintenance shell runs ivgbootlist --firmware, which
	# writes Boot#### entries and BootOrder into OVMF's NVRAM (kept in
	# nvram.fd). The next boot has no bootindex, so BootOrder rules: it
	# starts disk 1's entry and boots leg 1. A third disk holds another VG
	# named tvg: the maintenance environment imports its own by the UUID.
	ivgck --devices d0.img,d1.img --repair -y tvg >ck.txt || die "ivgck --repair: $(cat ck.txt)"
	ivgbootlist --devices d0.img,d1.img tvg d1.img d0.img >/dev/null || die "ivgbootlist tvg d1.img d0.img"
	mkdir -p same && (cd same && ivgcreate -y --no-boot-image --devices o.img --size 120m --bootlv-size 8m \
		--bosfs-size 4m --oppfs-size 4m tvg o.img >/dev/null) || die "ivgcreate of another tvg"
	s=$SECONDS
	"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console fw1.log \
		--disk d0.img,bootindex=0 --disk d1.img,bootindex=1 \
		--send 'Choice:=>3\n' --send '/ # =>ivgbootlist --firmware tvg; echo IVG-FW-rc=$?\n' \
		--expect 'IVG-FW-rc=[0-9]' --fail 'Kernel panic' 2>fw1.err || die "firmware boot list: $(cat fw1.err)"
	grep -aq 'IVG-FW-rc=0' fw1.log || die "ivgbootlist --firmware: $(grep -a -B8 'IVG-FW-rc=' fw1.log)"
	grep -aq 'booted from bootlv leg 0' fw1.log || die "the first boot did not start from disk 0"
	entry=$(grep -a '^  1 .*/dev/vdb .*Boot[0-9A-F]\{4\}' fw1.log | grep -o 'Boot[0-9A-F]\{4\}') ||
		die "no firmware entry for disk 1: $(grep -a -A4 'Boot list' fw1.log)"
	ok "maintenance mode, OVMF: ivgbootlist --firmware set $entry (disk 1) first ($((SECONDS - s)) s)"
	s=$SECONDS
	"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console fw2.log \
		--disk d0.img,bootindex=none --disk d1.img,bootindex=none --disk same/o.img,bootindex=none \
		--expect 'Choice:' --fail 'Kernel panic|booted from bootlv leg 0|not found or not imported' \
		2>fw2.err || die "boot by the firmware's boot list: $(cat fw2.err)"
	grep -aq 'booted from bootlv leg 1' fw2.log || die "the next boot did not start from leg 1"
	# OVMF names the entry it starts, with its device path as it decoded it.
	esp=$(sfdisk -J d1.img | jq -r '.partitiontable.partitions[1].uuid')
	grep -aiq "starting $entry \"IVG tvg leg 1\" from HD(2,GPT,$esp,0x1000," fw2.log ||
		die "OVMF did not start $entry on disk 1's ESP ($esp): $(grep -a BdsDxe fw2.log)"
	grep -aq 'Its disks: /dev/vda3,/dev/vdb3 ' fw2.log ||
		die "the maintenance environment took other disks: $(grep -a 'Its disks' fw2.log)"
	ok "the next boot follows BootOrder: OVMF starts $entry, HD() of disk 1's ESP, leg 1; the other tvg is left alone ($((SECONDS - s)) s)"
fi
