#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A machine defined in the IVG recovers its root VG by itself, under QEMU
# (TCG):
#  1. a target disk with a root VG made by stock lvm2 (rootlv holds the
#     test BOS) whose bootlv is zeroed: it cannot boot;
#  2. an IVG with the shared maintenance boot image (nothing on its
#     command line) and the machine's entry: by its SMBIOS UUID, action
#     recover, target the disk whose serial number is RECTGT, then power
#     off;
#  3. the machine boots from the IVG disk (read-only to it) with the
#     target attached (writable, that serial): "IVG-MACHINE rec1: recover,
#     then poweroff", ivgrecover rebuilds bootlv ("IVG-RECOVER rc=0");
#     rootlv's bytes unchanged, lvm2 vgck clean, the IVG unchanged; the
#     target alone boots and the BOS prints its marker.
# IVG_SLOW=1 then zeroes bootlv again and boots under SeaBIOS with the
# root disk first and the IVG's second: GRUB on the root disk finds the
# boot LV damaged and chainloads the IVG disk's sector 0 by itself, and
# the entry recovers the root VG; the target then boots alone under OVMF
# (fallback_vm.sh does the same under OVMF). Last, with bootlv zeroed again and
# no entry for the machine, the maintenance menu says the root VG cannot
# boot, lists its recovery first, and entry 2 recovers it.
# slow-part: the fall-back from the root disk to the IVG under SeaBIOS; the menu offering recovery first
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/integration/rootvg_lib.bash"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
for t in sfdisk mkfs.vfat grub-mkimage mcopy; do
	command -v "$t" >/dev/null || { echo "no $t"; exit 77; }
done
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-400}
U=0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0

"$HERE/vm/mkbos.sh" --name recvm bos 2>bos.err || die "mkbos.sh: $(cat bos.err)"
make_rootvg t.img rootvg bos/tree
read -r boff bsize < <(lv_range t.img rootvg bootlv)
dd if=/dev/zero of=t.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
root_before=$(lv_sum t.img rootvg rootlv)
ivgcreate -y --no-boot-image --devices d0.img --size 300m --bootlv-size 96m \
	--bosfs-size 16m --oppfs-size 16m ivg0 d0.img >/dev/null || die "ivgcreate"
ivgmkboot --devices d0.img ivg0 >/dev/null || die "ivgmkboot"
ivgmachine add --devices d0.img ivg0 rec1 --id "uuid=$U" --action recover --target serial-RECTGT \
	--then poweroff >/dev/null || die "ivgmachine add"
sha256sum d0.img >ivg.sum
ok "target with bootlv zeroed; IVG with the shared boot image and the machine's recover entry"

t0=$SECONDS
"$HERE/vm/boot.sh" --timeout "$TMO" --console recover.log --smbios-uuid "$U" \
	--disk d0.img,readonly --disk t.img,writable,serial=RECTGT \
	--expect 'IVG-RECOVER rc=0' --fail 'IVG-RECOVER rc=[1-9]|IVG-MACHINE none|Kernel panic|Choice: ' 2>recover.err ||
	die "the recovery from the machine entry: $(cat recover.err)"
grep -aq "IVG-MACHINE rec1: recover, then poweroff" recover.log ||
	die "the console does not name the entry: $(grep -a IVG-MACHINE recover.log)"
grep -aq 'Boot LV of root volume group "rootvg" rebuilt from /boot/vmlinuz-' recover.log ||
	die "ivgrecover did not say what it did: $(grep -a -B5 IVG-RECOVER recover.log)"
ok "the machine found its entry and recovered unattended: IVG-RECOVER rc=0 ($((SECONDS - t0)) s)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
[ "$(lv_sum t.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean t.img rootvg
ok "rootlv's bytes unchanged, lvm2 vgck clean, the IVG's disk unchanged"

"$HERE/vm/boot.sh" --timeout "$TMO" --console target.log --disk t.img \
	--expect "IVG-BOS-MARKER name=recvm root=/dev/mapper/rootvg-rootlv" \
	--fail 'IVG-BOS-FAIL|Kernel panic|boot LV of root VG rootvg is missing' 2>target.err ||
	die "the recovered target's boot: $(cat target.err)"
ok "the recovered target boots alone and the BOS prints its marker"
[ -n "${IVG_SLOW:-}" ] || exit 0

# ---- the root disk's GRUB goes on to the IVG by itself (SeaBIOS) ----------------
# bootlv zeroed again; the root VG's disk first in the boot order, the
# IVG's second. GRUB on the root disk finds no boot LV that passes its
# check, finds the IVG's disk by its ESP's tag and chainloads its sector
# 0: the machine's entry recovers the root VG, unattended.
dd if=/dev/zero of=t.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
t0=$SECONDS
"$HERE/vm/boot.sh" --firmware bios --timeout "$TMO" --console fallthrough.log --smbios-uuid "$U" \
	--disk t.img,writable,serial=RECTGT,bootindex=0 --disk d0.img,readonly,bootindex=1 \
	--expect 'IVG-RECOVER rc=0' --fail 'IVG-RECOVER rc=[1-9]|IVG-MACHINE none|Kernel panic|Choice: ' 2>fallthrough.err ||
	die "the fall-back to the IVG under SeaBIOS: $(cat fallthrough.err)"
grep -aq "ivg: the boot LV of root VG rootvg is missing or damaged" fallthrough.log &&
	grep -aEq "ivg: starting install VG disk hd[0-9]+,gpt2 to recover rootvg" fallthrough.log ||
	die "GRUB on the root disk did not start the IVG's disk: $(grep -a 'ivg:' fallthrough.log)"
grep -aq "IVG-MACHINE rec1: recover, then poweroff" fallthrough.log ||
	die "the console does not name the entry: $(grep -a IVG-MACHINE fallthrough.log)"
ok "SeaBIOS, root disk first: its GRUB found bootlv damaged and chainloaded the IVG's disk; the machine's entry recovered the root VG ($((SECONDS - t0)) s)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
[ "$(lv_sum t.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean t.img rootvg
"$HERE/vm/boot.sh" --firmware uefi --timeout "$TMO" --console target-uefi.log --disk t.img \
	--expect "IVG-BOS-MARKER name=recvm root=/dev/mapper/rootvg-rootlv" \
	--fail 'IVG-BOS-FAIL|Kernel panic|boot LV of root VG rootvg is missing' 2>target-uefi.err ||
	die "the recovered target's boot under OVMF: $(cat target-uefi.err)"
ok "rootlv unchanged, vgck clean, the IVG unchanged; the recovered target boots alone under OVMF"

# ---- no entry: the menu offers the recovery first ------------------------------
# bootlv zeroed again; a machine the IVG has no entry for boots the IVG's
# disk: the maintenance environment finds the root VG that cannot boot
# (ivgrecover --check), says so, and lists its recovery first; entry 2
# recovers it, asking first.
dd if=/dev/zero of=t.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
t0=$SECONDS
"$HERE/vm/boot.sh" --timeout "$TMO" --console menu.log --disk d0.img,readonly --disk t.img,writable \
	--send 'Choice: =>2\n' --send '\[y/n\]: =>y\n' --send 'Choice: =>5\n' \
	--expect 'reboot: Power down' --fail 'Kernel panic' 2>menu.err ||
	die "the menu's recovery: $(cat menu.err)"
grep -aq "Root volume group rootvg (.*) cannot boot: .*rootvg/bootlv" menu.log ||
	die "the menu did not say that rootvg cannot boot: $(grep -a 'Root volume group' menu.log)"
[ "$(grep -a -m1 -E '^  [1-5]\) ' menu.log | tr -d '\r')" = "  2) Recover root volume group rootvg (it cannot boot)" ] ||
	die "the menu does not offer the recovery first: $(grep -a -E '^  [1-5]\) ' menu.log | head -5)"
grep -aq 'Boot LV of root volume group "rootvg" rebuilt' menu.log || die "entry 2 did not recover rootvg: $(tail -20 menu.log)"
[ "$(lv_sum t.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean t.img rootvg
ok "no entry: the maintenance menu says rootvg cannot boot, lists its recovery first, and entry 2 recovers it; rootlv unchanged, vgck clean ($((SECONDS - t0)) s)"
