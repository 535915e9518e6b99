#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A machine whose root VG cannot boot ends up at the IVG and recovers by
# itself, under QEMU (TCG):
#  1. a target disk with a root VG made by stock lvm2 (rootlv holds the
#     test BOS), given ivg's boot records by ivgrecover on the host, then
#     its bootlv zeroed: it cannot boot;
#  2. an IVG with the shared maintenance boot image (nothing on its
#     command line) and the machine's entry: by its SMBIOS UUID, action
#     recover, target the disk whose serial number is RECTGT, then power
#     off;
#  3. the machine boots under SeaBIOS with the target first and the IVG
#     disk second (read-only): GRUB on the target finds the boot LV
#     damaged, finds the IVG disk by its ESP's tag and chainloads its
#     sector 0; the maintenance environment finds the entry ("IVG-MACHINE
#     rec1: recover, then poweroff") and ivgrecover rebuilds bootlv
#     ("IVG-RECOVER rc=0"); rootlv's bytes unchanged, lvm2 vgck clean, the
#     IVG unchanged; the target alone boots and the BOS prints its marker.
# IVG_SLOW=1 boots the recovered target under OVMF too (fallback_vm.sh
# does the fall-back under OVMF), then, with bootlv zeroed again and no
# entry for the machine, the maintenance menu says the root VG cannot
# boot, lists its recovery first, and entry 2 recovers it.
# slow-part: the recovered target under OVMF; the menu offering recovery first
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
ivgrecover -y --devices t.img rootvg >host-recover.out 2>&1 || die "ivgrecover on the host: $(cat host-recover.out)"
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
"$HERE/vm/boot.sh" --firmware bios --timeout "$TMO" --console recover.log --smbios-uuid "$U" \
	--disk t.img,writable,serial=RECTGT,bootindex=0 --disk d0.img,readonly,bootindex=1 \
	--expect 'IVG-RECOVER rc=0' --fail 'IVG-RECOVER rc=[1-9]|IVG-MACHINE none|Kernel panic|Choice: ' 2>recover.err ||
	die "the fall-back to the IVG and the recovery: $(cat recover.err)"
grep -aq "ivg: the boot LV of root VG rootvg is missing or damaged" recover.log &&
	grep -aEq "ivg: starting install VG disk hd[0-9]+,gpt2 to recover rootvg" recover.log ||
	die "GRUB on the root disk did not start the IVG's disk: $(grep -a 'ivg:' recover.log)"
grep -aq "IVG-MACHINE rec1: recover, then poweroff" recover.log ||
	die "the console does not name the entry: $(grep -a IVG-MACHINE recover.log)"
grep -aq 'Boot LV of root volume group "rootvg" rebuilt from /boot/vmlinuz-' recover.log ||
	die "ivgrecover did not say what it did: $(grep -a -B5 IVG-RECOVER recover.log)"
ok "SeaBIOS, root disk first: its GRUB found bootlv damaged and chainloaded the IVG's disk, which found the machine's entry and recovered unattended: IVG-RECOVER rc=0 ($((SECONDS - t0)) s)"
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

"$HERE/vm/boot.sh" --firmware uefi --timeout "$TMO" --console target-uefi.log --disk t.img \
	--expect "IVG-BOS-MARKER name=recvm root=/dev/mapper/rootvg-rootlv" \
	--fail 'IVG-BOS-FAIL|Kernel panic|boot LV of root VG rootvg is missing' 2>target-uefi.err ||
	die "the recovered target's boot under OVMF: $(cat target-uefi.err)"
ok "the recovered target boots alone under OVMF"

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
