#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ivgrecover on image files: a root VG made by stock lvm2 (GPT with the
# IVG layout, bootlv, swaplv, rootlv holding the test BOS, tagged
# ivg_rootvg) gets its zeroed bootlv rebuilt from rootlv's kernel and
# initramfs. Judged by lvm2 (vgck), grub-fstest, e2fsck, rootlv's bytes
# (unchanged), and a real boot of the disk alone under SeaBIOS that
# prints the BOS marker (not under IVG_FAST). Bad inputs exit 5 with every image unchanged.
# The IVG's generic boot image is used with --generic when rootlv holds no
# kernel.
# fast
# fast-part: the boot of the recovered disk under QEMU
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/integration/rootvg_lib.bash"
cd "$T"
for t in sfdisk mkfs.vfat grub-mkimage grub-fstest mcopy e2fsck; do
	command -v "$t" >/dev/null || { echo "no $t"; exit 77; }
done
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-180}

"$HERE/vm/mkbos.sh" --name rectest bos 2>/dev/null || die "mkbos.sh"
ok "test BOS built (or taken from the cache)"

make_rootvg disk.img rootvg bos/tree
ok "root VG made by stock lvm2 on disk.img (bootlv, swaplv, rootlv with the test BOS, tag ivg_rootvg)"
root_before=$(lv_sum disk.img rootvg rootlv)

# ---- bad inputs: exit 5, nothing written -------------------------------
cp -a bos/tree nokernel
rm -rf nokernel/boot nokernel/vmlinuz nokernel/initrd.img
make_rootvg nokernel.img oldvg nokernel
truncate -s 64M blank.img
cp --sparse=always disk.img noesp.img
dd if=/dev/zero of=noesp.img bs=1M seek=2 count=1 conv=notrunc status=none
sums *.img >before.sum
expect_fail 5 'No root volume group found.*volume groups seen: none' \
	ivgrecover -y --devices blank.img
expect_fail 5 'Volume group "novg" not found \(volume groups seen: rootvg\)' \
	ivgrecover -y --devices disk.img novg
expect_fail 5 'volume groups are tagged ivg_rootvg: oldvg \(UUID .* on nokernel\.img\), rootvg \(UUID .* on disk\.img\)' \
	ivgrecover -y --devices disk.img,nokernel.img
expect_fail 5 'no kernel: no /boot/vmlinuz-\* and no /vmlinuz' \
	ivgrecover -y --devices nokernel.img oldvg
expect_fail 5 'EFI system partition cannot be read; nothing written: noesp.img' \
	ivgrecover -y --devices noesp.img rootvg
expect_fail 3 'invalid VG name' ivgrecover -y --devices disk.img 'bad"name'
sha256sum -c --quiet before.sum || die "a failed ivgrecover wrote to an image"
ok "bad inputs: exit 5 (3 for a bad name), every image byte-identical"

rm noesp.img

# ---- two root VGs called rootvg: no guessing ------------------------------
# Every install names its root VG rootvg: on a SAN a machine sees others'.
make_rootvg twin.img rootvg bos/tree
vg_uuid() { # IMG: the UUID of the VG on it, as lvm2 prints it
	local l u
	l=$(loop_pv "$1") && lvm_filter "$l"
	u=$(lvmq pvs --noheadings -o vg_uuid "$l" 2>/dev/null | tr -d ' ')
	losetup -d "$l"
	echo "$u"
}
ua=$(vg_uuid disk.img) ub=$(vg_uuid twin.img)
[ ${#ua} = 38 ] && [ ${#ub} = 38 ] && [ "$ua" != "$ub" ] || die "UUIDs: '$ua' '$ub'"
sums disk.img twin.img >twins.sum
expect_fail 5 "2 volume groups are tagged ivg_rootvg: rootvg \\(UUID ($ua on disk\\.img; UUID $ub on twin\\.img|$ub on twin\\.img; UUID $ua on disk\\.img)\\)" \
	ivgrecover -y --devices disk.img,twin.img
expect_fail 5 "2 VGs are called \"rootvg\" \\(UUID .* on (disk|twin)\\.img; UUID .* on (disk|twin)\\.img\\); not guessing.*--select vg_uuid=UUID" \
	ivgrecover -y --devices disk.img,twin.img rootvg
expect_fail 5 "No volume group with UUID $ua found" ivgrecover -y --devices twin.img --select "vg_uuid=$ua"
expect_fail 3 'only vg_uuid=UUID is understood' ivgrecover -y --devices disk.img --select vg_name=rootvg
sha256sum -c --quiet twins.sum || die "a refused ivgrecover wrote to a root VG"
ok "two root VGs called rootvg: refused (exit 5) naming each UUID and disk, both images byte-identical"
tw_root=$(lv_sum twin.img rootvg rootlv) tw_boot=$(lv_sum twin.img rootvg bootlv)
ivgrecover -y --devices disk.img,twin.img --select "vg_uuid=$ub" >sel.out 2>&1 || die "ivgrecover --select: $(cat sel.out)"
grep -q "Root volume group \"rootvg\" (UUID $ub) found" sel.out || die "ivgrecover --select: $(cat sel.out)"
sha256sum -c --quiet <(grep disk.img twins.sum) || die "ivgrecover --select vg_uuid=B wrote to A's disk"
[ "$(lv_sum twin.img rootvg rootlv)" = "$tw_root" ] || die "rootlv of twin.img changed"
[ "$(lv_sum twin.img rootvg bootlv)" != "$tw_boot" ] || die "bootlv of twin.img was not rebuilt"
ok "--select vg_uuid=B recovers twin.img's rootvg only: disk.img byte-identical"
sums disk.img twin.img >twins.sum
ivgrecover -y --devices disk.img,twin.img "$ub" >uuid.out 2>&1 || die "ivgrecover UUID: $(cat uuid.out)"
grep -q "(UUID $ub) found" uuid.out || die "ivgrecover UUID: $(cat uuid.out)"
sha256sum -c --quiet <(grep disk.img twins.sum) || die "ivgrecover UUID-B wrote to A's disk"
ok "the UUID in place of the name picks the same VG; the other disk byte-identical"
# GRUB finds bootlv by the VGs' and LVs' UUIDs, so that a disk boots its
# own boot LV with the other rootvg in sight.
mcopy -n -i "twin.img@@$(part_offset twin.img 2)" ::/EFI/BOOT/BOOTX64.EFI twin.efi || die "mcopy BOOTX64.EFI"
grep -aq "lvmid/$ub/" twin.efi || die "twin.img's BOOTX64.EFI does not name bootlv by lvmid/$ub/"
grub-fstest -c 2 disk.img twin.img ls "(lvmid/$ub/$(grep -ao "lvmid/$ub/[-A-Za-z0-9]\{38\}" twin.efi | head -1 | cut -d/ -f3))/" 2>&1 |
	grep -qw manifest.sha256 || die "grub-fstest does not find twin.img's bootlv by its lvmid name"
ok "GRUB's images name bootlv by lvmid/VGUUID/LVUUID: grub-fstest with both disks finds twin.img's own"
rm -f twin.img twins.sum twin.efi

# ---- recover: bootlv zeroed ----------------------------------------------
read -r boff bsize < <(lv_range disk.img rootvg bootlv)
dd if=/dev/zero of=disk.img bs=1M seek=$((boff >> 20)) count=$((bsize >> 20)) conv=notrunc status=none
grub-fstest -c 1 disk.img ls '(lvm/rootvg-bootlv)/' 2>&1 | grep -q vmlinuz &&
	die "grub-fstest still finds files in the zeroed bootlv"
# --check judges bootlv as GRUB does, writing nothing.
sha256sum disk.img >zeroed.sum
expect_fail 5 'Root volume group "rootvg" cannot boot: rootvg/bootlv: ' ivgrecover --check --devices disk.img rootvg
expect_fail 3 'generic does not go with it' ivgrecover --check --generic --devices disk.img rootvg
sha256sum -c --quiet zeroed.sum || die "ivgrecover --check wrote"
t0=$SECONDS
ivgrecover -y --devices disk.img rootvg >recover.out 2>&1 || die "ivgrecover: $(cat recover.out)"
grep -q 'rebuilt from /boot/vmlinuz-.* and /boot/initrd.img-' recover.out ||
	die "ivgrecover did not say what it used: $(cat recover.out)"
ok "ivgrecover rebuilt bootlv from rootlv's kernel ($((SECONDS - t0)) s)"
[ "$(lv_sum disk.img rootvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
ok "rootlv's bytes unchanged (sha256 of its extents)"
vgck_clean disk.img rootvg
ok "lvm2 vgck: clean"
ls=$(grub-fstest -c 1 disk.img ls '(lvm/rootvg-bootlv)/' 2>&1) || die "grub-fstest ls: $ls"
for f in vmlinuz initrd.img grub/ manifest.sha256; do
	echo "$ls" | grep -qw -- "${f%/}" || die "grub-fstest: no $f in bootlv: $ls"
done
grub-fstest -c 1 disk.img cat '(lvm/rootvg-bootlv)/grub/grub.cfg' >grub.cfg 2>&1 || die "grub-fstest cat grub.cfg"
grep -q 'root=/dev/mapper/rootvg-rootlv ro' grub.cfg || die "grub.cfg: $(cat grub.cfg)"
grub-fstest -c 1 disk.img cp '(lvm/rootvg-bootlv)/vmlinuz' k.out 2>/dev/null || die "grub-fstest cp vmlinuz"
cmp -s k.out bos/tree/boot/vmlinuz-* || die "bootlv's vmlinuz is not rootlv's kernel"
ok "grub-fstest: bootlv holds vmlinuz (rootlv's), initrd.img, grub/grub.cfg (root=/dev/mapper/rootvg-rootlv), the manifest"
mdir -b -i "disk.img@@$(part_offset disk.img 2)" ::/EFI/BOOT/IVG.TAG >/dev/null 2>&1 &&
	die "the root disk's ESP carries the IVG tag: its own GRUB would take it for an install VG disk"
ok "the root disk's ESP has no IVG.TAG (only install VG disks do)"
l=$(loop_file -r -o "$boff" --sizelimit "$bsize" disk.img)
e2fsck -fn "$l" >fsck.out 2>&1 || die "e2fsck -fn bootlv: $(cat fsck.out)"
losetup -d "$l"
ok "e2fsck -fn of bootlv: clean"
ivgrecover --check --devices disk.img rootvg >check.out 2>&1 || die "ivgrecover --check after the recovery: $(cat check.out)"
grep -q 'Boot LV of root volume group "rootvg" passes its check' check.out || die "ivgrecover --check: $(cat check.out)"
# One byte of the kernel changed: the manifest no longer matches.
kblk=$(debugfs -R "bmap /vmlinuz 0" "disk.img?offset=$boff" 2>/dev/null)
kbs=$(dumpe2fs -h "disk.img?offset=$boff" 2>/dev/null | awk '/^Block size/ {print $3}')
[ -n "$kblk" ] && [ -n "$kbs" ] || die "where bootlv's vmlinuz lies: '$kblk' '$kbs'"
cp disk.img spoilt.img
printf 'X' | dd of=spoilt.img bs=1 seek=$((boff + kblk * kbs + 100)) conv=notrunc status=none
expect_fail 5 'rootvg/bootlv: vmlinuz does not match the manifest' ivgrecover --check --devices spoilt.img rootvg
rm -f spoilt.img
ok "ivgrecover --check: a recovered bootlv passes; one byte of its kernel changed fails, naming the file; nothing written"

# The ASan run (IVG_FAST) checks the C paths; the boot is the normal run's.
if [ -z "${IVG_FAST:-}" ]; then
	s=$SECONDS
	"$HERE/vm/boot.sh" --firmware bios --timeout "$TMO" --console boot.log --disk disk.img \
		--expect 'IVG-BOS-MARKER name=rectest root=/dev/mapper/rootvg-rootlv' \
		--fail 'Kernel panic|IVG-BOS-FAIL|boot LV of root VG rootvg is missing' 2>boot.err ||
		die "boot: $(cat boot.err)"
	grep -aq 'ivg: checking the boot LV of root VG rootvg' boot.log || die "GRUB did not check the manifest"
	ok "the disk alone boots under SeaBIOS: GRUB checks bootlv, the BOS prints its marker ($((SECONDS - s)) s)"
fi

# ---- --generic: the IVG's generic boot image -----------------------------
ivgcreate -y --no-boot-image --devices ivg0.img --size 160m --bootlv-size 48m --bosfs-size 8m \
	--oppfs-size 8m tivg ivg0.img >/dev/null || die "ivgcreate"
kver=$(basename bos/tree/boot/vmlinuz-*); kver=${kver#vmlinuz-}
ivgmkboot --devices ivg0.img --kernel "/boot/vmlinuz-$kver" --modules "/lib/modules/$kver" \
	--initrd bos/tree/boot/initrd.img-"$kver" --no-boot-records tivg >/dev/null || die "ivgmkboot"
sums *.img >before.sum
expect_fail 5 'no usable kernel in rootlv; nothing written \(--generic' \
	ivgrecover -y --devices ivg0.img,nokernel.img oldvg
expect_fail 5 'is an install volume group, not a root volume group' \
	ivgrecover -y --devices ivg0.img tivg
sha256sum -c --quiet before.sum || die "a failed ivgrecover wrote to an image"
root_before=$(lv_sum nokernel.img oldvg rootlv)
ivgrecover -y --generic --devices ivg0.img,nokernel.img oldvg >gen.out 2>&1 || die "ivgrecover --generic: $(cat gen.out)"
grep -q 'Using the generic boot image of tivg/bootlv' gen.out || die "$(cat gen.out)"
grep -q 'holds no kernel' gen.out || die "ivgrecover did not say rootlv has no kernel: $(cat gen.out)"
[ "$(lv_sum nokernel.img oldvg rootlv)" = "$root_before" ] || die "rootlv's bytes changed"
grub-fstest -c 2 ivg0.img nokernel.img cp '(lvm/oldvg-bootlv)/vmlinuz' g.out 2>/dev/null || die "grub-fstest cp"
cmp -s g.out "/boot/vmlinuz-$kver" || die "bootlv's vmlinuz is not the generic image's"
vgck_clean nokernel.img oldvg
sha256sum -c --quiet <(grep ivg0.img before.sum) || die "ivgrecover --generic wrote to the IVG"
ok "--generic: rootlv without a kernel gets the IVG's generic boot image; rootlv and the IVG unchanged, vgck clean"
