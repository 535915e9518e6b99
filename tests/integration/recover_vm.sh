#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Recovery from maintenance mode, end to end under QEMU (TCG):
#  1. a target disk with a root VG made by stock lvm2 (rootlv holds the
#     test BOS, tests/vm/mkbos.sh) whose bootlv is zeroed and which has no
#     boot records at all: it cannot boot;
#  2. a machine boots from an IVG disk (read-only to it) whose maintenance
#     boot image carries "ivg.action=recover", with the target attached
#     and writable; the maintenance environment runs ivgrecover unattended
#     and prints "IVG-RECOVER rc=0";
#  3. the target alone boots under SeaBIOS and the BOS prints its marker;
#     rootlv's bytes are unchanged, lvm2's vgck is clean, the IVG's disk
#     is unchanged.
# Two boots by default. IVG_SLOW=1 boots the target under OVMF too, and
# recovers a target whose rootlv holds no kernel with ivg.generic=y (the
# IVG's generic boot image): it then boots into the maintenance menu.
# slow-part: the boot of the target under OVMF; a recovery with ivg.generic=y into the maintenance menu
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

qpid=""
kill_vm() {
	[ -n "$qpid" ] || return 0
	kill -KILL "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	qpid=""
}
trap 'rc=$?; kill_vm; (exit $rc); cleanup' EXIT INT TERM

"$HERE/vm/mkbos.sh" --name recvm bos 2>bos.err || die "mkbos.sh: $(cat bos.err)"
make_rootvg t.img rootvg bos/tree
read -r boff bsize < <(lv_range t.img rootvg bootlv)
dd if=/dev/zero of=t.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
root_before=$(lv_sum t.img rootvg rootlv)
ok "target: root VG by stock lvm2, rootlv with the test BOS, bootlv zeroed, no boot records"

t0=$SECONDS
ivgcreate -y --no-boot-image --devices d0.img --size 300m --bootlv-size 96m \
	--bosfs-size 16m --oppfs-size 16m ivg0 d0.img >/dev/null || die "ivgcreate"
ivgmkboot --devices d0.img --append "ivg.action=recover" ivg0 >/dev/null || die "ivgmkboot"
sha256sum d0.img >ivg.sum
ok "IVG whose maintenance boot image recovers unattended ($((SECONDS - t0)) s)"

# recover_boot TARGET: boot the IVG disk (first in the boot order,
# read-only) with TARGET attached and writable (tests/vm/boot.sh keeps
# every disk in an overlay); the maintenance environment must print
# IVG-RECOVER rc=0. The console goes to recover-TARGET.log.
recover_boot() {
	local log=recover-$1.log rc
	: >"$log"
	t0=$SECONDS
	setpriv --pdeathsig KILL -- qemu-system-x86_64 -accel tcg -machine pc -m 1024 \
		-nodefaults -no-user-config -display none -no-reboot -serial "file:$T/$log" \
		-drive "if=none,id=d0,format=raw,file=$T/d0.img,file.locking=off,readonly=on" \
		-device virtio-blk-pci,drive=d0,bootindex=0 \
		-drive "if=none,id=d1,format=raw,file=$T/$1,file.locking=off" \
		-device virtio-blk-pci,drive=d1,bootindex=1 </dev/null >qemu.log 2>&1 &
	qpid=$!
	while kill -0 "$qpid" 2>/dev/null && [ $((SECONDS - t0)) -lt "$TMO" ]; do
		grep -aq 'Kernel panic' "$log" && break
		sleep 1
	done
	kill_vm
	rc=$(grep -a -o 'IVG-RECOVER rc=[0-9]*' "$log" | tail -1 | cut -d= -f2)
	if [ "$rc" != 0 ]; then
		tr -d '\033' <"$log" | tail -n 40 >&2
		cat qemu.log >&2
		die "the unattended recovery of $1: ${rc:+rc=$rc}${rc:-no IVG-RECOVER line after $((SECONDS - t0)) s}"
	fi
}

recover_boot t.img
grep -aq 'Boot LV of root volume group "rootvg" rebuilt from /boot/vmlinuz-' recover-t.img.log ||
	die "ivgrecover did not say what it did: $(grep -a -B5 IVG-RECOVER recover-t.img.log)"
ok "ivg.action=recover in the maintenance environment: IVG-RECOVER rc=0 ($((SECONDS - t0)) s, QEMU start to power-off)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
[ "$(lv_sum t.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean t.img rootvg
ok "rootlv's bytes unchanged, lvm2 vgck clean, the IVG's disk unchanged"

# boot_target FIRMWARE IMG EXPECT: IMG alone boots and shows EXPECT.
boot_target() {
	local fw=$1 s=$SECONDS
	"$HERE/vm/boot.sh" --firmware "$fw" --timeout "$TMO" --console "$fw-$2.log" --disk "$2" \
		--expect "$3" --fail 'IVG-BOS-FAIL|Kernel panic|boot LV of root VG rootvg is missing' \
		2>"$fw.err" || die "$fw boot of $2: $(cat "$fw.err")"
	boot_s=$((SECONDS - s))
}
marker="IVG-BOS-MARKER name=recvm root=/dev/mapper/rootvg-rootlv"
boot_target bios t.img "$marker"
ok "bios: the recovered target boots alone, the BOS prints its marker ($boot_s s)"
[ -n "${IVG_SLOW:-}" ] || exit 0

boot_target uefi t.img "$marker"
ok "uefi: the recovered target boots alone, the BOS prints its marker ($boot_s s)"
# ivg.generic=y: a target whose rootlv holds no kernel gets the IVG's
# generic boot image, and boots into the maintenance environment.
cp -a bos/tree nokernel
rm -rf nokernel/boot nokernel/vmlinuz nokernel/initrd.img
make_rootvg n.img rootvg nokernel
root_before=$(lv_sum n.img rootvg rootlv)
grub-fstest -c 1 d0.img cp '(lvm/ivg0-bootlv_rimage_0)/initrd.img' maint.img || die "grub-fstest cp"
ivgmkboot --devices d0.img --initrd maint.img --append "ivg.action=recover ivg.generic=y" ivg0 >/dev/null ||
	die "ivgmkboot"
sha256sum d0.img >ivg.sum
recover_boot n.img
grep -aq 'Using the generic boot image of ivg0/bootlv leg 0' recover-n.img.log ||
	die "ivgrecover did not take the generic image: $(grep -a -B5 IVG-RECOVER recover-n.img.log)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
[ "$(lv_sum n.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
vgck_clean n.img rootvg
ok "ivg.generic=y: rootlv without a kernel gets the IVG's generic boot image; rootlv and the IVG unchanged"
boot_target bios n.img 'ivg maintenance environment'
ok "bios: that target boots alone into the maintenance environment ($boot_s s)"
exit 0
