#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The boot image on an IVG of three image files, as ivgcreate writes it by
# default and ivgmkboot rewrites it: on every leg (grub-fstest reads each
# leg, legs byte-identical, manifest checks out with sha256sum, e2fsck),
# the maintenance initramfs's contents, the boot records (boot.img with
# the protective MBR kept, core.img's pointers, BOOTX64.EFI on the ESP),
# bad input writing nothing, and --output.
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v grub-fstest >/dev/null || { echo "no grub-fstest"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }

D="--devices d0.img,d1.img,d2.img"
# The protective MBR as ivgcreate writes it, to compare with.
ivgcreate -y --no-boot-image --devices m.img --size 240m --bootlv-size 96m --bosfs-size 16m \
	--oppfs-size 16m mvg m.img >/dev/null
expect_fail 5 "bootlv of 16 MiB is too small for the boot image" \
	ivgcreate -y --devices d0.img --size 200m --bootlv-size 16m tvg d0.img d1.img d2.img
[ ! -e d0.img ] || die "a refused ivgcreate created d0.img"

t0=$SECONDS
ivgcreate -y --devices d0.img --size 240m --bootlv-size 96m --bosfs-size 16m --oppfs-size 16m \
	tvg d0.img d1.img d2.img >/dev/null || die "ivgcreate"
ok "ivgcreate wrote the boot image and the boot records by default ($((SECONDS - t0)) s)"

# Bad input: exit 3 or 5, a message naming the file, nothing written.
before=$(sums d0.img d1.img d2.img)
expect_fail 3 "either a VG" ivgmkboot $D
expect_fail 3 "unrecognized option|unknown option" ivgmkboot $D --bogus tvg
expect_fail 5 "/nonexistent/vmlinuz: " ivgmkboot $D --kernel /nonexistent/vmlinuz tvg
expect_fail 5 "nothere.img: not an initramfs file" ivgmkboot $D --initrd nothere.img tvg
expect_fail 5 "kernel arguments" ivgmkboot $D --initrd /dev/null --append 'a"b' tvg
expect_fail 5 "Volume group \"nosuch\" not found|nosuch.*not found" ivgmkboot $D nosuch
[ "$(sums d0.img d1.img d2.img)" = "$before" ] || die "a refused ivgmkboot wrote to the disks"
ok "bad input is refused and writes nothing"

for k in 0 1 2; do
	ls=$(grub-fstest -c 3 d0.img d1.img d2.img ls "(lvm/tvg-bootlv_rimage_$k)/")
	for f in vmlinuz initrd.img grub/ manifest.sha256; do
		echo " $ls " | grep -q " $f " || die "leg $k: no $f in '$ls'"
	done
done
ok "grub-fstest sees the boot image on every leg"

# Every leg byte for byte: offsets from lvm2's own view.
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L2=$(loop_pv d2.img)
lvm_filter "$L0" "$L1" "$L2"
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$L0" 2>/dev/null | tr -d ' ')
ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size tvg 2>/dev/null | tr -d ' ')
size=$(lvmq lvs --noheadings --units b --nosuffix -o lv_size tvg/bootlv 2>/dev/null | tr -d ' ')
for k in 0 1 2; do
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/bootlv_rimage_$k" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	off=$(($(part_offset d$k.img 3) + pe_start + pe * ext))
	echo "$off" >leg$k.off
	sum=$(dd if=d$k.img bs=1M iflag=skip_bytes,count_bytes skip="$off" count="$size" 2>/dev/null | sha256sum | cut -c1-64)
	echo "$sum" >leg$k.sum
done
[ "$(cat leg0.sum)" = "$(cat leg1.sum)" ] && [ "$(cat leg1.sum)" = "$(cat leg2.sum)" ] ||
	die "legs differ: $(cat leg*.sum)"
ok "the three legs are byte-identical"

mkdir files
for f in vmlinuz initrd.img grub.cfg manifest.sha256; do
	p=$f; [ $f = grub.cfg ] && p=grub/grub.cfg
	grub-fstest -c 3 d0.img d1.img d2.img cp "(lvm/tvg-bootlv_rimage_2)/$p" "files/$f"
done
mkdir -p files/grub && mv files/grub.cfg files/grub/
(cd files && sha256sum -c --quiet manifest.sha256) || die "the manifest does not match the files"
[ "$(wc -l <files/manifest.sha256)" = 3 ] || die "manifest: $(cat files/manifest.sha256)"
cmp -s files/vmlinuz "$(ls /boot/vmlinuz-* | sort -V | tail -1)" || die "vmlinuz is not the newest /boot kernel"
grep -q "ivg.vg=tvg ivg.vguuid=" files/grub/grub.cfg || die "grub.cfg: $(cat files/grub/grub.cfg)"
ok "manifest.sha256 checks out with sha256sum -c; grub.cfg names the VG"

l=$(loop_file -r -o "$(cat leg1.off)" --sizelimit "$size" d1.img)
e2fsck -fn "$l" >fsck.txt 2>&1 || die "e2fsck on leg 1: $(cat fsck.txt)"
[ "$(blkid -o value -s LABEL "$l")" = ivg-boot ] || die "leg 1 label"
ok "e2fsck -fn: leg 1 is a clean ext2 filesystem labelled ivg-boot"

case $(head -c 4 files/initrd.img | od -An -tx1 | tr -d ' ') in
28b52ffd) dec="zstd -dc" ;;
1f8b*) dec="gzip -dc" ;;
*) die "initrd.img is neither zstd nor gzip" ;;
esac
$dec files/initrd.img | cpio -t --quiet >initrd.list
for f in init usr/bin/busybox usr/sbin/ivg usr/sbin/ivgs usr/sbin/ivgimport usr/sbin/lvm usr/sbin/vgchange \
	usr/sbin/dmsetup usr/sbin/mke2fs usr/sbin/e2fsck etc/ivg/modules etc/lvm/lvm.conf; do
	grep -qx "$f" initrd.list || die "initrd.img has no $f"
done
for m in dm-mod dm-raid raid1 ext4 virtio_blk virtio_scsi virtio_pci sd_mod ahci nvme; do
	grep -q "/$m\.ko$" initrd.list || die "initrd.img has no module $m"
done
grep -q 'libdevmapper' initrd.list || die "initrd.img lacks lvm's libraries"
ok "the initramfs has busybox, ivg and its links, lvm2, e2fsprogs and the modules"

# ivgmkboot again, with the same initramfs and more kernel arguments.
t0=$SECONDS
ivgmkboot $D --initrd files/initrd.img --append "ivg.action=shell" tvg >out.txt ||
	die "ivgmkboot failed: $(cat out.txt)"
grep -q 'Boot image of volume group "tvg" written' out.txt || die "ivgmkboot said: $(cat out.txt)"
grub-fstest -c 3 d0.img d1.img d2.img cat '(lvm/tvg-bootlv_rimage_1)/grub/grub.cfg' | grep -q "ivg.action=shell" ||
	die "grub.cfg of leg 1 lacks --append"
for k in 0 1 2; do
	dd if=d$k.img bs=1M iflag=skip_bytes,count_bytes skip="$(cat leg$k.off)" count="$size" 2>/dev/null |
		sha256sum | cut -c1-64 >leg$k.sum
done
[ "$(cat leg0.sum)" = "$(cat leg1.sum)" ] && [ "$(cat leg1.sum)" = "$(cat leg2.sum)" ] ||
	die "legs differ after ivgmkboot: $(cat leg*.sum)"
ok "ivgmkboot rewrote the image, legs byte-identical again ($((SECONDS - t0)) s)"

# Boot records.
for k in 0 1 2; do
	dd if=d$k.img bs=512 count=1 2>/dev/null >s0
	[ "$(tail -c 2 s0 | od -An -tx1 | tr -d ' ')" = 55aa ] || die "d$k.img: no boot signature"
	[ "$(od -An -t u8 -j $((0x5C)) -N 8 s0 | tr -d ' ')" = 2048 ] || die "d$k.img: boot.img does not point at LBA 2048"
	[ "$(od -An -tx1 -j $((0x1C2)) -N 1 s0 | tr -d ' ')" = ee ] || die "d$k.img: protective MBR entry lost"
	dd if=d$k.img bs=512 skip=2048 count=1 2>/dev/null >core0
	[ "$(od -An -t u8 -j $((0x1F4)) -N 8 core0 | tr -d ' ')" = 2049 ] || die "d$k.img: core.img blocklist"
	[ "$(od -An -t u2 -j $((0x1FE)) -N 2 core0 | tr -d ' ')" = $((0x820)) ] || die "d$k.img: core.img load segment"
	mdir -i "d$k.img@@$(part_offset d$k.img 2)" ::/EFI/BOOT/BOOTX64.EFI >/dev/null 2>&1 ||
		die "d$k.img: no \\EFI\\BOOT\\BOOTX64.EFI"
done
# Bytes 0x1B8-0x1FF: ivgcreate's protective MBR but for the disk signature.
cmp -s <(dd if=d0.img bs=1 skip=$((0x1BE)) count=66 2>/dev/null) <(dd if=m.img bs=1 skip=$((0x1BE)) count=66 2>/dev/null) ||
	die "d0.img: the protective MBR's table changed"
ok "boot.img in sector 0 (MBR table kept), core.img at LBA 2048 patched, BOOTX64.EFI on every ESP"

lvm_filter "$L0" "$L1" "$L2"
out=$(lvmq vgck tvg 2>&1) || die "vgck after ivgmkboot: $out $(losetup -a) $(cat $LVM_SYSTEM_DIR/lvm.conf)"
ivgs $D tvg >/dev/null || die "ivgs after ivgmkboot"
ok "the VG is unchanged for lvm2 and ivg"

# The image alone, into a file, reusing the initramfs.
ivgmkboot --output boot.img --size 64m --initrd files/initrd.img >/dev/null || die "--output"
e2fsck -fn boot.img >/dev/null 2>&1 || die "e2fsck on --output image"
expect_fail 5 "boot image of at least" ivgmkboot --output small.img --size 8m --initrd files/initrd.img
ok "--output writes a clean image file; too small a size is refused"
