#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# ivgcreate on disks, and a machine, that do not fit its defaults:
# - disks too small for the default bosfs (2 GiB) and oppfs (1 GiB): both
#   shrink, 2:1, to what bootlv leaves free on each disk (they are
#   mirrored: a leg, and its rmeta extent, on every disk), and ivgcreate
#   prints the sizes; stock lvm2 finds exactly those sizes and no extent
#   left over (but rounding); with oppfs given, bosfs takes the rest;
# - an explicit size that does not fit is refused naming the space that
#   is really free (lvm2's pv_free of the same disks made with fitting
#   sizes), and the image files are not left behind;
# - no kernel in /boot (a private mount namespace hides it): the message
#   names --kernel and --no-boot-image, options that exist, and nothing
#   is written; --kernel FILE --initrd FILE put exactly those files on
#   every bootlv leg (grub-fstest reads them back).
. "$(dirname "$0")/../lib.sh"
cd "$T"

# lvm2's view of an IVG made here: LV sizes and the VG's free space in MiB.
lvm2_view() {
	local loops="" f
	for f in "$@"; do loops="$loops $(loop_pv "$f")"; done
	# shellcheck disable=SC2086
	lvm_filter $loops
	lvmq vgck tvg >vgck.out 2>&1 || die "vgck: $(cat vgck.out)"
	for lv in bosfs oppfs; do
		echo "$lv $(lvmq lvs --noheadings --units m --nosuffix -o lv_size tvg/$lv 2>/dev/null | tr -d ' ')"
	done
	echo "free $(lvmq vgs --noheadings --units m --nosuffix -o vg_free tvg 2>/dev/null | tr -d ' ')"
	echo "extent $(lvmq vgs --noheadings --units m --nosuffix -o vg_extent_size tvg 2>/dev/null | tr -d ' ')"
	for f in $loops; do losetup -d "$f"; done
}
mib() { awk -v v="$1" 'BEGIN { printf "%d", v }'; }

# ---- defaults scaled down ----------------------------------------------------
ivgcreate -y --no-boot-image --devices a0.img --size 1g tvg a0.img a1.img >out.txt 2>&1 ||
	die "ivgcreate on two 1 GiB disks: $(cat out.txt)"
line=$(grep 'too little for the defaults' out.txt) || die "no sizes printed: $(cat out.txt)"
read -r free bos opp < <(echo "$line" | sed -E 's/.* have ([0-9]+) MiB free each after bootlv.* bosfs ([0-9]+) MiB .* oppfs ([0-9]+) MiB .*/\1 \2 \3/')
lvm2_view a0.img a1.img >view.txt
[ "$(mib "$(awk '$1 == "bosfs" {print $2}' view.txt)")" = "$bos" ] &&
	[ "$(mib "$(awk '$1 == "oppfs" {print $2}' view.txt)")" = "$opp" ] ||
	die "printed bosfs $bos, oppfs $opp MiB; lvm2 sees $(cat view.txt)"
ext=$(mib "$(awk '$1 == "extent" {print $2}' view.txt)")
# Per disk: a leg of each and its rmeta extent, and what is left over.
left=$(( $(mib "$(awk '$1 == "free" {print $2}' view.txt)") / 2 ))
[ $((bos + opp + 2 * ext + left)) = "$free" ] && [ "$left" -lt $((2 * ext)) ] ||
	die "bosfs $bos + oppfs $opp + 2 rmeta extents + $left MiB left over is not the $free MiB free on each disk after bootlv"
[ $((bos - 2 * opp)) -le $((2 * ext)) ] && [ $((2 * opp - bos)) -le $((2 * ext)) ] ||
	die "bosfs $bos MiB and oppfs $opp MiB are not 2:1"
ok "two 1 GiB disks: $free MiB free on each after bootlv, bosfs $bos MiB and oppfs $opp MiB (2:1) mirrored on both, as lvm2 sees them"

ivgcreate -y --no-boot-image --devices b0.img --size 1g --oppfs-size 100m tvg b0.img >out.txt 2>&1 ||
	die "ivgcreate --oppfs-size 100m: $(cat out.txt)"
grep -q 'oppfs 100 MiB (as given)' out.txt || die "$(cat out.txt)"
lvm2_view b0.img >view.txt
[ "$(mib "$(awk '$1 == "oppfs" {print $2}' view.txt)")" = 100 ] &&
	[ "$(mib "$(awk '$1 == "free" {print $2}' view.txt)")" = 0 ] ||
	die "with --oppfs-size 100m lvm2 sees $(cat view.txt)"
ok "--oppfs-size 100m on one 1 GiB disk: oppfs as given, bosfs takes the rest"

ivgcreate -y --no-boot-image --devices c0.img --size 4g tvg c0.img >out.txt 2>&1 || die "$(cat out.txt)"
grep -q 'too little' out.txt && die "a 4 GiB disk fits the defaults, yet: $(cat out.txt)"
lvm2_view c0.img >view.txt
[ "$(mib "$(awk '$1 == "bosfs" {print $2}' view.txt)")" = 2048 ] &&
	[ "$(mib "$(awk '$1 == "oppfs" {print $2}' view.txt)")" = 1024 ] || die "4 GiB disk: $(cat view.txt)"
ok "a 4 GiB disk keeps the defaults, and says nothing about them"

# ---- explicit sizes that do not fit: the real free space -------------------------
# The same two disks with sizes that fit: lvm2's free space on each disk,
# with the legs of bosfs and oppfs (and their rmeta extents) back.
ivgcreate -y --no-boot-image --devices r0.img --size 1g --bosfs-size 16m --oppfs-size 16m \
	tvg r0.img r1.img >/dev/null || die "ivgcreate with small sizes"
lvm2_view r0.img r1.img >view.txt
real=$(( $(mib "$(awk '$1 == "free" {print $2}' view.txt)") / 2 + 2 * (16 + ext) ))
expect_fail 5 "VG tvg: bosfs of 10240 MiB does not fit: its leg on n0.img needs 2561 extents with its metadata, the disk has $real MiB \\($((real / ext)) extents\\) free" \
	ivgcreate -y --no-boot-image --devices n0.img --size 1g --bosfs-size 10g tvg n0.img n1.img
expect_fail 5 "VG tvg: oppfs of 10240 MiB does not fit: its leg on n0.img .* the disk has $((real - 16 - ext)) MiB .* free" \
	ivgcreate -y --no-boot-image --devices n0.img --size 1g --bosfs-size 16m --oppfs-size 10g tvg n0.img n1.img
[ ! -e n0.img ] && [ ! -e n1.img ] || die "a refused ivgcreate left its image files"
ok "explicit sizes that do not fit: refused with lvm2's free space ($real MiB), no files left"

# ---- no kernel in /boot; --kernel and --initrd ---------------------------------
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || die "no kernel in /boot (linux-image-amd64: make deps)"
truncate -s 1g k0.img
before=$(sums k0.img)
set +e
unshare -m sh -c 'mount -t tmpfs none /boot && exec "$@"' sh \
	ivgcreate -y --devices k0.img --bootlv-size 96m tvg k0.img >nok.txt 2>&1
rc=$?
set -e
[ $rc = 5 ] && grep -q '/boot has no vmlinuz-\*: give --kernel FILE (and --initrd FILE), or --no-boot-image' nok.txt ||
	die "no kernel in /boot: exit $rc, $(cat nok.txt)"
[ "$(sums k0.img)" = "$before" ] || die "ivgcreate without a kernel wrote to k0.img"
ivgcreate --help | grep -q -- '--kernel FILE' && ivgcreate --help | grep -q -- '--no-boot-image' ||
	die "ivgcreate --help lacks the options its message names"
ok "no kernel in /boot: exit 5 naming --kernel and --no-boot-image, nothing written"

cp "$kernel" mykernel
head -c 3000000 /dev/urandom >myinitrd
unshare -m sh -c 'mount -t tmpfs none /boot && exec "$@"' sh \
	ivgcreate -y --devices k0.img --bootlv-size 96m --kernel mykernel --initrd myinitrd tvg k0.img >out.txt 2>&1 ||
	die "ivgcreate --kernel --initrd without /boot: $(cat out.txt)"
grub-fstest -c 1 k0.img cp "(lvm/tvg-bootlv_rimage_0)/vmlinuz" got.vmlinuz || die "grub-fstest vmlinuz"
grub-fstest -c 1 k0.img cp "(lvm/tvg-bootlv_rimage_0)/initrd.img" got.initrd || die "grub-fstest initrd.img"
cmp -s got.vmlinuz mykernel && cmp -s got.initrd myinitrd || die "the boot image holds other files than --kernel and --initrd gave"
ivgck --devices k0.img tvg >ck.txt 2>&1 || die "ivgck: $(cat ck.txt)"
ok "--kernel FILE --initrd FILE with /boot empty: those files on bootlv, ivgck healthy"
