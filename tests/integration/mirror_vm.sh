#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every disk carries everything (issue 18), booted for real: an IVG of
# three disks holding a BOS and an OPP, each image LV mirrored on every
# disk. A machine with only one of the disks (tests/vm/boot.sh, SeaBIOS)
# boots it to the maintenance environment, which imports the IVG
# read-only from that disk, checks the OPP TOC and lists the BOS and the
# OPP (the unattended test action). After ivgextend adds a fourth disk,
# that disk alone boots, its menu's entry 1 lists the BOS, the free disk
# and the OPP, and installs them onto an empty target; the target alone
# then boots the BOS, and the host's lvm2 accepts its root VG. Each
# boot's disk is the disk's own leg of bootlv ("leg=K").
# Fast path: disk 1 alone, then the fourth disk. IVG_SLOW=1 adds disks
# 0 and 2 alone.
# slow-part: disks 0 and 2 alone to the maintenance environment
HERE=$(cd "$(dirname "$0")/.." && pwd)
BOOT=$HERE/vm/boot.sh
. "$HERE/lib.sh"
. "$HERE/integration/rootvg_lib.bash"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-400}

"$HERE/vm/mkbos.sh" bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
D=d0.img,d1.img,d2.img
ivgcreate -y --no-boot-image --devices d0.img --size 300m --bootlv-size 96m --bosfs-size 64m --oppfs-size 16m \
	ivg0 d0.img d1.img d2.img >/dev/null || die "ivgcreate"
bosadd --devices $D ivg0 testbos bos/bos.tar.gz >/dev/null || die "bosadd"
mkdir plain && (cd plain && printf 'Package: mytool\nVersion: 1.2\nArchitecture: all\nDescription: an OPP\n' >opp.control &&
	mkdir bin && echo x >bin/mytool && tar czf ../mytool-1.2.opp opp.control bin)
oppadd --devices $D ivg0 mytool-1.2.opp >/dev/null || die "oppadd"
ivgmkboot --devices $D --append ivg.action=test ivg0 >/dev/null || die "ivgmkboot"

# DISK K: DISK alone (a throw-away overlay) boots to the test action.
alone_test() {
	local img=$1 k=$2 s=$SECONDS
	"$BOOT" --timeout "$TMO" --console "alone$k.log" --disk "$img" \
		--expect "IVG-MAINT-TEST-END" --fail "Kernel panic" 2>"alone$k.err" ||
		die "$img alone: $(cat "alone$k.err")"
	grep -aq "IVG-MAINT-TEST vg=ivg0 leg=$k import=0" "alone$k.log" ||
		die "$img alone: the import: $(grep -a 'IVG-MAINT' "alone$k.log")"
	grep -aq "IVG-MAINT-TOC rc=0: .*consistent" "alone$k.log" ||
		die "$img alone: the TOC check: $(grep -a 'IVG-MAINT-TOC' "alone$k.log")"
	grep -aq "^  testbos " "alone$k.log" && grep -aq "^  mytool " "alone$k.log" ||
		die "$img alone: the images listed: $(sed -n '/IVG-MAINT-TEST /,/IVG-MAINT-TEST-END/p' "alone$k.log")"
	ok "$img alone boots its own bootlv leg ($k) to the maintenance environment: IVG imported, TOC consistent, the BOS and the OPP listed ($((SECONDS - s)) s)"
}
alone_test d1.img 1
if [ -n "${IVG_SLOW:-}" ]; then
	alone_test d0.img 0
	alone_test d2.img 2
fi

# ---- a fourth disk ---------------------------------------------------------
truncate -s 300m d3.img
ivgextend --devices $D,d3.img ivg0 d3.img >ext.out 2>&1 || die "ivgextend: $(cat ext.out)"
D=$D,d3.img
ivgmkboot --devices $D ivg0 >/dev/null || die "ivgmkboot (the menu)"
truncate -s 1g t.img
s=$SECONDS
# Both answers after the BOS go in at its question: each waits in the
# console's input for the next one.
"$BOOT" --timeout "$TMO" --console menu.log --disk d3.img --disk t.img,writable \
	--send 'Choice: =>1\n' --send 'BOS to install: =>testbos\n/dev/vdb\nmytool\n' \
	--expect 'BOS "testbos" installed on /dev/vdb' --fail 'Kernel panic' 2>menu.err ||
	die "d3.img alone, the menu: $(cat menu.err)"
grep -aq "booted from bootlv leg 3" menu.log || die "d3.img alone: not its own leg: $(grep -a 'booted from' menu.log)"
grep -aq "OPP table of contents: .*consistent" menu.log || die "d3.img alone: the TOC check: $(grep -a 'table of contents' menu.log)"
grep -aq '^  testbos ' menu.log && grep -aq '^  mytool ' menu.log || die "d3.img alone: the menu did not list the BOS and the OPP"
grep -aq '/dev/vdb  1024 MiB' menu.log || die "d3.img alone: the menu did not offer the free disk"
grep -aq '/dev/vda  ' menu.log && die "d3.img alone: the menu offers the IVG's disk as free"
ok "the fourth disk (ivgextend) alone boots its own leg, checks the TOC, and its menu lists the BOS, the free disk and the OPP, and installs them ($((SECONDS - s)) s)"

vgck_clean t.img rootvg
s=$SECONDS
"$BOOT" --timeout "$TMO" --console target.log --disk t.img \
	--expect "IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv installed=[0-9a-f]{16} kernel=" \
	--fail 'IVG-BOS-FAIL|Kernel panic' 2>target.err || die "the target: $(cat target.err)"
ok "the target installed from the fourth disk alone: lvm2's vgck accepts its root VG, and it boots the BOS alone ($((SECONDS - s)) s)"
