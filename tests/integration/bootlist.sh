#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# ivgbootlist on an IVG of three image files (a fourth PV not a boot PV):
# the default order and a new one, shown as text and JSON; kept by stock
# lvm2 (vgck clean, lvm2's own metadata changes keep it); the GRUB image
# of every disk tries its own leg first, then the others in the new order
# (the script embedded in BOOTX64.EFI on each ESP; ivgck finds every
# record as ivgmkboot would write it now); bad input refused with nothing
# written (sha256); --firmware on a machine without UEFI says so. Then a
# crash walk (IVG_TEST_FAULT): after a crash at a write point lvm2 sees
# the old order or the new one, never a mix, and running the command
# again completes it (ivgck healthy). make check crashes at a few telling
# points; IVG_SLOW=1 at every one.
# slow-part: the crash walk at every write point (make check: a few telling points)
. "$(dirname "$0")/../lib.sh"
cd "$T"
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
KERNEL=$(ls /boot/vmlinuz-* | sort -V | tail -1)

IMGS="d0.img d1.img d2.img d3.img"
D="--devices d0.img,d1.img,d2.img,d3.img"
# A small boot image (the kernel and a stand-in initramfs): the GRUB
# images and their order are what this test is about.
head -c 65536 /dev/urandom >initrd.img
ivgcreate -y --no-boot-image --devices d0.img --size 120m --bootlv-size 24m --bosfs-size 4m \
	--oppfs-size 4m --boot-pvs d0.img,d1.img,d2.img tvg $IMGS >/dev/null || die "ivgcreate"
# No boot image yet: ivgbootlist, ivgs and ivgck all say "none".
[ "$(ivgbootlist $D --reportformat json tvg | jq -r '[.report[0].bootlist[].bootable] | join(" ")')" = "none none none" ] ||
	die "ivgbootlist before ivgmkboot: $(ivgbootlist $D tvg)"
[ "$(ivgs $D --reportformat json tvg | jq -r '[.report[0].pv[].pv_boot_leg] | join(" ")')" = "0:none 1:none 2:none none" ] ||
	die "ivgs before ivgmkboot: $(ivgs $D tvg)"
ivgck $D tvg >ck.txt || die "ivgck before ivgmkboot: $(cat ck.txt)"
grep -q 'Volume group "tvg" has no boot image yet' ck.txt || die "ivgck before ivgmkboot: $(cat ck.txt)"
ok "before ivgmkboot the disks show no boot image (none) in ivgbootlist, ivgs and ivgck alike"
ivgmkboot $D --kernel "$KERNEL" --modules /tmp --initrd initrd.img tvg >/dev/null || die "ivgmkboot"
ok "an IVG of 4 disks, 3 of them boot disks, with its boot image"

order() { ivgbootlist $D --reportformat json tvg | jq -r '[.report[0].bootlist[].leg] | join(" ")'; }
# The fallback script in disk K's BOOTX64.EFI (GRUB's memdisk is stored
# uncompressed in the EFI image).
efi_order() {
	rm -f efi.out
	mcopy -n -i "d$1.img@@$(part_offset "d$1.img" 2)" ::/EFI/BOOT/BOOTX64.EFI efi.out
	grep -a -o 'for ivg_leg in [0-9 ]*;' efi.out | sed 's/for ivg_leg in //; s/;$//'
}

[ "$(order)" = "0 1 2" ] || die "default order: $(order)"
for k in 0 1 2; do
	want=$(echo "$k 0 1 2" | tr ' ' '\n' | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//')
	[ "$(efi_order $k)" = "$want" ] || die "disk $k fallback '$(efi_order $k)', want '$want'"
done
ok "default: leg order, each disk's own leg first"

# ---- set -------------------------------------------------------------------
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L2=$(loop_pv d2.img); L3=$(loop_pv d3.img)
LOOPS="$L0 $L1 $L2 $L3"
lvm_filter $LOOPS
lvm2_check() {
	# shellcheck disable=SC2086
	blockdev --flushbufs $LOOPS
	out=$(lvmq vgck tvg 2>&1) || die "lvm2 vgck failed: $out"
	! echo "$out" | grep WARNING | grep -vq "Activation disabled" || die "lvm2 vgck warns: $out"
}
# The order as lvm2 sees it: legs sorted by their PV's ivg_bootorder_N tag.
lvm2_order() {
	# shellcheck disable=SC2086
	blockdev --flushbufs $LOOPS
	lvmq pvs --noheadings --segments -o pv_tags,lv_name 2>/dev/null |
		awk '$2 ~ /^\[bootlv_rimage_/ { leg = $2; gsub(/[^0-9]/, "", leg);
			if (match($1, /ivg_bootorder_[0-9]+/)) print substr($1, RSTART + 14, RLENGTH - 14), leg }' |
		sort -n | awk '{ printf "%s%s", sep, $2; sep = " " }'
}
sha_before=$(sums $IMGS)
out=$(ivgbootlist $D tvg d2.img "$(realpath d0.img)")
echo "$out" | grep -q "^  1 .*d2.img" || die "text report: $out"
[ "$(order)" = "2 0 1" ] || die "order after setting d2 d0: $(order)"
[ "$(sums $IMGS)" != "$sha_before" ] || die "setting the order wrote nothing"
lvm2_check
[ "$(lvm2_order)" = "2 0 1" ] || die "lvm2 sees order '$(lvm2_order)'"
ok "set by path: order 2 0 1, lvm2 vgck clean and reads the same order from the PV tags"
for k in 0 1 2; do
	want=$(echo "$k 2 0 1" | tr ' ' '\n' | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//')
	[ "$(efi_order $k)" = "$want" ] || die "disk $k fallback '$(efi_order $k)', want '$want'"
done
ivgck $D tvg >ck.txt || die "ivgck after ivgbootlist: $(cat ck.txt)"
ok "every disk's GRUB image follows it (own leg, then 2 0 1); ivgck finds every record current"

# lvm2's own metadata changes keep the order.
lvmq vgchange --addtag lvm2tag tvg >/dev/null 2>&1 || die "lvm2 vgchange --addtag"
lvmq pvchange --addtag lvm2pvtag "$L1" >/dev/null 2>&1 || die "lvm2 pvchange --addtag"
lvm2_check
[ "$(order)" = "2 0 1" ] || die "after lvm2's changes: $(order)"
ok "after lvm2 vgchange --addtag and pvchange --addtag, ivgbootlist still shows 2 0 1"

# By PV UUID; the others follow in their old order.
uuid1=$(ivgbootlist $D --reportformat json tvg | jq -r '.report[0].bootlist[] | select(.leg == "1") | .pv_uuid')
ivgbootlist $D tvg "$uuid1" >/dev/null || die "set by UUID"
[ "$(order)" = "1 2 0" ] || die "order after setting $uuid1: $(order)"
lvm2_check
ok "set by PV UUID: 1 2 0"

# By the PV names ivgbootlist itself lists (pv0, pv1, ...).
ivgbootlist $D tvg pv2 pv0 >/dev/null || die "set by PV name"
[ "$(order)" = "2 0 1" ] || die "order after setting pv2 pv0: $(order)"
ivgbootlist $D tvg "$uuid1" >/dev/null || die "set by UUID again"
ok "set by PV name: pv2 pv0 -> 2 0 1"

# ---- bad input: nothing written --------------------------------------------
before=$(sums $IMGS)
expect_fail 5 "nosuch.img: not a boot PV" ivgbootlist $D tvg nosuch.img
expect_fail 5 "d3.img: not a boot PV" ivgbootlist $D tvg d3.img
expect_fail 5 "pv3: not a boot PV" ivgbootlist $D tvg pv3
expect_fail 5 "pv9: not a boot PV" ivgbootlist $D tvg pv9
expect_fail 5 "given twice" ivgbootlist $D tvg d1.img d1.img
expect_fail 5 "given twice" ivgbootlist $D tvg d1.img "$uuid1"
expect_fail 5 "not found" ivgbootlist $D nosuch d1.img
expect_fail 3 "a VG name is needed" ivgbootlist $D
expect_fail 3 "unrecognized option|unknown option" ivgbootlist $D --bogus tvg
expect_fail 5 "did not boot through UEFI|efivarfs is not mounted" ivgbootlist $D --firmware tvg d0.img
[ "$(sums $IMGS)" = "$before" ] || die "a refused ivgbootlist wrote to the disks"
[ "$(order)" = "1 2 0" ] || die "order changed by a refused command: $(order)"
ok "bad input refused, nothing written"

# A VG that another host holds (lvm2's system ID): refused, nothing written.
mkdir -p other/lvm held
echo 'global { system_id_source = "lvmlocal" }' >other/lvm/lvm.conf
echo 'local { system_id = "ivgother" }' >other/lvm/lvmlocal.conf
(cd held && LVM_SYSTEM_DIR="$T/other/lvm" ivgcreate -y --no-boot-image --devices h0.img --size 120m \
	--bootlv-size 8m --bosfs-size 4m --oppfs-size 4m hvg h0.img h1.img >/dev/null) || die "ivgcreate hvg"
before=$(sums held/h0.img held/h1.img)
expect_fail 5 "ivgother" ivgbootlist --devices held/h0.img,held/h1.img hvg held/h1.img
[ "$(sums held/h0.img held/h1.img)" = "$before" ] || die "a refused ivgbootlist wrote to another host's VG"
ivgbootlist --devices held/h0.img,held/h1.img hvg >/dev/null || die "showing another host's order"
ok "another host's VG: shown, not changed"

# ---- crash walk ------------------------------------------------------------
mkdir -p base
for f in $IMGS; do cp --sparse=always "$f" "base/$f"; done
OLD="1 2 0" NEW="0 1 2"
set_new() { ivgbootlist $D tvg d0.img d1.img d2.img >/dev/null; }
total=$( (IVG_TEST_FAULT=1000000:exit ivgbootlist $D tvg d0.img d1.img d2.img >/dev/null) 2>&1 |
	sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p')
[ -n "$total" ] && [ "$total" -gt 4 ] || die "counting the write points: '$total'"
if [ -n "${IVG_SLOW:-}" ]; then
	points=$(seq 1 "$total")
else
	# The first metadata write (old order), the last boot record (new).
	points="1 $total"
fi
olds=0 news=0 n=0
for p in $points; do
	for f in $IMGS; do cp --sparse=always "base/$f" "$f"; done
	set +e
	IVG_TEST_FAULT=$p:exit ivgbootlist $D tvg d0.img d1.img d2.img >crash.out 2>&1
	rc=$?
	set -e
	[ $rc = 99 ] || die "point $p of $total: exit $rc, not the crash: $(cat crash.out)"
	# shellcheck disable=SC2086
	blockdev --flushbufs $LOOPS
	out=$(lvmq vgck tvg 2>&1) || die "point $p: lvm2 vgck failed: $out"
	echo "$out" | grep WARNING | grep -vqE 'Activation disabled|ignoring metadata seqno|Inconsistent metadata found|See vgck --updatemetadata' &&
		die "point $p: lvm2 vgck warns: $out"
	seen=$(lvm2_order)
	case $seen in
	"$OLD") olds=$((olds + 1)) ;;
	"$NEW") news=$((news + 1)) ;;
	*) die "point $p: lvm2 sees the order '$seen', neither old '$OLD' nor new '$NEW'" ;;
	esac
	[ "$(order)" = "$seen" ] || die "point $p: ivg sees '$(order)', lvm2 '$seen'"
	set_new || die "point $p: running ivgbootlist again failed"
	[ "$(lvm2_order)" = "$NEW" ] || die "point $p: not completed: $(lvm2_order)"
	lvm2_check
	n=$((n + 1))
done
ivgck $D tvg >ck.txt || die "ivgck after the last crash and its completion: $(cat ck.txt)"
ok "crash walk: $n of $total crash points covered ($olds old order, $news new, never a mix; each completed by running again; ivgck healthy at the end)"
