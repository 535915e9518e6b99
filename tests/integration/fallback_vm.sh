#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A root VG that cannot boot falls back to the IVG by itself (issue 21),
# under OVMF with its variable store kept between boots (NVRAM):
#  1. the IVG's disk boots the unattended install onto an empty target;
#     under UEFI the maintenance environment gives bosinstall --firmware,
#     which puts the target first in BootOrder and the IVG's disk second;
#  2. with no boot order from QEMU (bootindex=none), the firmware's
#     BootOrder boots the target: the BOS prints its marker;
#  3. the target's bootlv zeroed, the same machine boots again: GRUB on
#     the target finds no boot LV that passes its check and chainloads the
#     IVG disk's BOOTX64.EFI (found by its ESP's tag); the maintenance
#     menu says the root VG cannot boot, lists its recovery first, and
#     entry 2 recovers it (rootlv's bytes unchanged, lvm2's vgck clean);
#  3b. again with the machine's entry in the IVG (SMBIOS UUID, action
#     recover, then reboot): recovered unattended, and the machine
#     reboots;
#  4. the next boot, by BootOrder again, is the target's BOS;
#  5. the target's ESP wiped: the firmware cannot load its entry and goes
#     on to the IVG's, the second in BootOrder (the menu shows up).
# (GRUB does not "exit" to the firmware for 3: GRUB 2.06's exit returns
# EFI_SUCCESS, and OVMF then shows its boot manager menu, as measured.
# machine_recover_vm does 3 under SeaBIOS.)
# opt-in: six OVMF boots (about five minutes under TCG); machine_recover_vm and recover_vm boot the recovery in make check
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
ivgcreate -y --no-boot-image --devices d0.img --size 300m --bootlv-size 96m --bosfs-size 64m --oppfs-size 16m \
	ivg0 d0.img >/dev/null || die "ivgcreate"
bosadd --devices d0.img ivg0 testbos bos/bos.tar.gz >/dev/null || die "bosadd"
ivgmkboot --devices d0.img --append "ivg.action=install ivg.bos=testbos ivg.target=/dev/vdb" ivg0 >/dev/null ||
	die "ivgmkboot (install)"
truncate -s 1g t.img

# ---- 1. the install sets BootOrder ----------------------------------------------
s=$SECONDS
"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console install.log \
	--disk d0.img,readonly,bootindex=0 --disk t.img,writable,bootindex=1 \
	--expect 'IVG-INSTALL rc=0' --fail 'IVG-INSTALL rc=[1-9]|Kernel panic' 2>install.err ||
	die "the install under OVMF: $(cat install.err)"
order=$(grep -a 'Firmware boot order:' install.log | tr -d '\r') || die "bosinstall did not set the firmware's boot order"
grep -Eq 'Firmware boot order: Boot[0-9A-F]{4} \(ivg root VG rootvg\), Boot[0-9A-F]{4} \(IVG ivg0 leg 0\), then' <<<"$order" ||
	die "the boot order set: $order"
ok "OVMF: the unattended install set the firmware's boot order, the target first, the IVG second: $order ($((SECONDS - s)) s)"

# ---- 2. BootOrder boots the target ----------------------------------------------
s=$SECONDS
"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console boot1.log \
	--disk d0.img,readonly,bootindex=none --disk t.img,bootindex=none \
	--expect "IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv" \
	--fail 'IVG-BOS-FAIL|Kernel panic|ivg maintenance environment' 2>boot1.err ||
	die "the boot by BootOrder: $(cat boot1.err)"
ok "the next boot, by the firmware's BootOrder alone, is the installed BOS ($((SECONDS - s)) s)"

# ---- 3. bootlv zeroed: on to the IVG, recovered from its menu -------------------
ivgmkboot --devices d0.img ivg0 >/dev/null || die "ivgmkboot (the menu)"
read -r boff bsize < <(lv_range t.img rootvg bootlv)
dd if=/dev/zero of=t.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
root_before=$(lv_sum t.img rootvg rootlv)
sha256sum d0.img >ivg.sum
s=$SECONDS
"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console fallback.log \
	--disk d0.img,readonly,bootindex=none --disk t.img,writable,bootindex=none \
	--send 'Choice: =>2\n' --send '\[y/n\]: =>y\n' --send 'Choice: =>5\n' \
	--expect 'reboot: Power down' --fail 'Kernel panic|IVG-BOS-MARKER' 2>fallback.err ||
	die "the fall-back to the IVG: $(cat fallback.err)"
grep -aEq "ivg: starting install VG disk hd[0-9]+,gpt2 to recover rootvg" fallback.log ||
	die "GRUB on the target did not start the IVG's disk: $(grep -a 'ivg:' fallback.log)"
grep -aq "Root volume group rootvg (.*) cannot boot" fallback.log ||
	die "the maintenance environment did not say that rootvg cannot boot: $(grep -a -A3 'Install volume group' fallback.log)"
[ "$(grep -a -m1 -E '^  [1-5]\) ' fallback.log | tr -d '\r')" = "  2) Recover root volume group rootvg (it cannot boot)" ] ||
	die "the menu does not offer the recovery first: $(grep -a -E '^  [1-5]\) ' fallback.log | head -5)"
grep -aq 'Boot LV of root volume group "rootvg" rebuilt' fallback.log || die "entry 2 did not recover rootvg: $(tail -20 fallback.log)"
ok "bootlv zeroed: the target's GRUB chainloaded the IVG's disk, whose menu offered the recovery first and recovered rootvg ($((SECONDS - s)) s)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
[ "$(lv_sum t.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean t.img rootvg
ok "rootlv's bytes unchanged, lvm2's vgck clean, the IVG's disk unchanged"

# ---- 3b. again, and the machine's entry recovers it unattended ------------------
U=3b9d7c1e-5f2a-4c8d-9e6b-0a1f2e3d4c5b
ivgmachine add --devices d0.img ivg0 fb1 --id "uuid=$U" --action recover --target serial-FBTGT \
	--then reboot >/dev/null || die "ivgmachine add"
sha256sum d0.img >ivg.sum
dd if=/dev/zero of=t.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
s=$SECONDS
"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console entry.log --smbios-uuid "$U" \
	--disk d0.img,readonly,bootindex=none --disk t.img,writable,bootindex=none,serial=FBTGT \
	--expect 'reboot: Restarting system' --fail 'Kernel panic|IVG-BOS-MARKER|IVG-RECOVER rc=[1-9]|Choice: ' 2>entry.err ||
	die "the unattended fall-back: $(cat entry.err)"
grep -aEq "ivg: starting install VG disk hd[0-9]+,gpt2 to recover rootvg" entry.log &&
	grep -aq "IVG-MACHINE fb1: recover, then reboot" entry.log && grep -aq "IVG-RECOVER rc=0" entry.log ||
	die "the unattended fall-back: $(grep -a 'ivg:\|IVG-' entry.log)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
[ "$(lv_sum t.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean t.img rootvg
ok "bootlv zeroed again, the machine's recover entry in the IVG: by itself, the IVG recovered rootvg and rebooted ($((SECONDS - s)) s); rootlv, the IVG unchanged, vgck clean"

# ---- 4. and boots again -----------------------------------------------------------
s=$SECONDS
"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console boot2.log \
	--disk d0.img,readonly,bootindex=none --disk t.img,bootindex=none \
	--expect "IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv" \
	--fail 'IVG-BOS-FAIL|Kernel panic|ivg maintenance environment' 2>boot2.err ||
	die "the boot after the recovery: $(cat boot2.err)"
ok "the recovered machine boots its BOS again, by BootOrder ($((SECONDS - s)) s)"

# ---- 5. the target's ESP wiped: the firmware goes on to the IVG ----------------
esp_off=$(part_offset t.img 2)
dd if=/dev/zero of=t.img bs=1M seek=$((esp_off >> 20)) count=1 conv=notrunc status=none
s=$SECONDS
"$BOOT" --firmware uefi --vars nvram.fd --timeout "$TMO" --console noesp.log \
	--disk d0.img,readonly,bootindex=none --disk t.img,bootindex=none \
	--send 'Choice: =>5\n' --expect 'reboot: Power down' --fail 'Kernel panic|IVG-BOS-MARKER' 2>noesp.err ||
	die "the boot with the target's ESP wiped: $(cat noesp.err)"
grep -aq "Install volume group ivg0" noesp.log || die "the firmware did not go on to the IVG: $(tail -5 noesp.log)"
ok "the target's ESP wiped: the firmware went on to the IVG's entry, second in BootOrder ($((SECONDS - s)) s)"
