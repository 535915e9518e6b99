#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Read-only means read-only, for a real maintenance-mode boot: an IVG's
# disks boot under SeaBIOS (tests/vm/boot.sh) into the maintenance
# environment's unattended test action (ivg.action=test: it imports the
# IVG read-only, checks the OPP TOC, runs ivgs, powers off), and the
# SHA-256 of every disk image is the same before and after:
# - once with the images attached writable (no snapshot overlay): the
#   maintenance environment itself must write nothing;
# - once with the images attached read-only (the guest sees read-only
#   disks): it must still import the IVG and check the TOC.
# Each boot runs to the guest's power-off, so that whatever the guest
# had cached was flushed (or would have been) before the images are
# compared. IVG_SLOW=1 repeats both under OVMF.
# slow-part: both boots again under OVMF
BOOT=$(cd "$(dirname "$0")/../vm" && pwd)/boot.sh
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-240}
D=d0.img,d1.img

ivgcreate -y --no-boot-image --devices $D --size 240m --bootlv-size 96m --bosfs-size 16m --oppfs-size 16m \
	tvg d0.img d1.img >/dev/null
# An OPP, so that the maintenance environment has a TOC to check.
mkdir opp && printf 'Package: mytool\nVersion: 1.2\nArchitecture: amd64\nDescription: a plain OPP\n' >opp/opp.control
echo payload >opp/x && (cd opp && tar cf ../mytool.opp opp.control x)
oppadd --devices $D tvg mytool.opp >/dev/null || die "oppadd"
ivgmkboot --devices $D --append ivg.action=test tvg >/dev/null || die "ivgmkboot"
before=$(sums d0.img d1.img)

# boot NAME FIRMWARE MODE: both disks attached MODE (writable|readonly),
# run to the power-off; the import and the TOC check must have worked.
boot() {
	local name=$1 fw=$2 mode=$3 s=$SECONDS
	"$BOOT" --firmware "$fw" --timeout "$TMO" --console "$name.log" \
		--disk "d0.img,$mode" --disk "d1.img,$mode" \
		--expect "reboot: Power down" --fail "Kernel panic" 2>"$name.err" ||
		die "$name: $(cat "$name.err")"
	grep -aq "IVG-MAINT-TEST vg=tvg leg=0 import=0" "$name.log" ||
		die "$name: the read-only import: $(grep -a 'IVG-MAINT' "$name.log")"
	grep -aq "IVG-MAINT-TOC rc=0: .*consistent" "$name.log" ||
		die "$name: the TOC check: $(grep -a 'IVG-MAINT-TOC' "$name.log")"
	grep -aq "IVG-MAINT-TEST-END" "$name.log" || die "$name: the test action did not finish"
	[ "$(sums d0.img d1.img)" = "$before" ] ||
		die "$name: the maintenance boot changed the disks: $(diff <(echo "$before") <(sums d0.img d1.img))"
	ok "$name: maintenance boot ($fw, disks $mode) imported the IVG read-only, checked the TOC, powered off; every image's SHA-256 unchanged ($((SECONDS - s)) s)"
}

boot bios-writable bios writable
boot bios-readonly bios readonly
if [ -n "${IVG_SLOW:-}" ]; then
	boot uefi-writable uefi writable
	boot uefi-readonly uefi readonly
fi
