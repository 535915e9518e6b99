#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Bad input: a clear error naming the device, LVM's exit code, and
# nothing written (checksums of every device before and after).
. "$(dirname "$0")/../lib.sh"
cd "$T"
C="--devices a.img --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m"

truncate -s 160m a.img b.img
truncate -s 70m small.img
before=$(sums a.img b.img small.img)
unchanged() { [ "$(sums a.img b.img small.img)" = "$before" ] || die "devices changed"; }

expect_fail 5 "small.img: .*too small|small.img.*minimum" ivgcreate -y $C tvg a.img small.img
unchanged
expect_fail 5 "b.img.*given twice" ivgcreate -y $C tvg a.img b.img ./b.img
unchanged
ln -s b.img link.img
expect_fail 5 "link.img.*given twice" ivgcreate -y $C tvg b.img link.img
unchanged
expect_fail 3 "invalid VG name" ivgcreate -y $C "bad/name" a.img
expect_fail 3 "invalid VG name" ivgcreate -y $C -- "-x" a.img
unchanged
expect_fail 3 "unknown option|invalid size" ivgcreate -y --bosfs-size 12q tvg a.img
expect_fail 3 "at least one disk" ivgcreate tvg
expect_fail 3 "extent size .* not a power of two" ivgcreate -y $C -s 3k tvg a.img
expect_fail 3 "--boot-pvs: b.img is not one of the disks" ivgcreate -y $C --boot-pvs b.img tvg a.img
expect_fail 3 "is too long" ivgcreate -y $C "$(printf 'v%.0s' $(seq 1 110))" a.img
expect_fail 5 "nothere.img: No such file" ivgcreate -y $C tvg a.img nothere.img
[ -e nothere.img ] && die "nothere.img was created"
unchanged

# More than 64 boot PVs: refused before any image file is made.
disks=""; for i in $(seq 0 64); do disks="$disks m$i.img"; done
expect_fail 3 "65 boot PVs" ivgcreate -y --size 80m $C tvg $disks
ls m*.img 2>/dev/null && die "image files were created"
ok "no image file created for 65 boot PVs"

# A filesystem signature needs -y (no terminal: the answer is no).
mkfs.ext4 -q -F fs.img 100m 2>/dev/null || { truncate -s 100m fs.img; mkfs.ext4 -q -F fs.img; }
truncate -s 160m fs.img
s=$(sums fs.img)
expect_fail 5 "fs.img: ext4 signature found" ivgcreate $C tvg fs.img </dev/null
[ "$(sums fs.img)" = "$s" ] || die "fs.img changed"

# With -y the old signatures are wiped, also where ivg writes nothing
# (an ISO 9660 descriptor at 32 KiB), as pvcreate -y does.
truncate -s 160m iso.img
printf '\001CD001\001' | dd of=iso.img bs=1 seek=32768 conv=notrunc status=none
blkid -p iso.img | grep -q iso9660 || die "test setup: no iso9660 signature"
ivgcreate -y $C tiso iso.img >/dev/null || die "ivgcreate -y on iso.img"
blkid -p iso.img | grep -q iso9660 && die "iso9660 signature left behind"
ok "-y wipes the signatures ivgcreate does not overwrite"

# A PV of another VG needs -f.
L=$(loop_file b.img)
lvm_filter "$L"
lvmq pvcreate "$L" >/dev/null 2>&1 && lvmq vgcreate other "$L" >/dev/null 2>&1 || die "lvm2 vgcreate"
losetup -d "$L"
s=$(sums b.img)
expect_fail 5 "b.img: is a PV of volume group \"other\"; use -f" ivgcreate -y $C tvg b.img
[ "$(sums b.img)" = "$s" ] || die "b.img changed"
ivgcreate -f $C tvg b.img >/dev/null || die "-f did not take over the disk"
ok "-f reuses a PV of another VG"

# A VG name that exists elsewhere.
truncate -s 160m c.img
s=$(sums c.img)
expect_fail 5 "A volume group called tvg already exists" ivgcreate -y $C --devices b.img tvg c.img
[ "$(sums c.img)" = "$s" ] || die "c.img changed"

# A read-only device.
R=$(loop_file -r c.img)
expect_fail 5 "$R: cannot open for writing" ivgcreate -y $C tvg2 "$R"
[ "$(sums c.img)" = "$s" ] || die "c.img changed"

# Commands on VGs that are not there or not install VGs.
expect_fail 5 "Volume group \"nosuch\" not found" ivgimport --devices b.img nosuch
expect_fail 5 "Volume group \"nosuch\" not found" ivgexport --devices b.img nosuch
expect_fail 3 "exactly one VG" ivgimport --devices b.img
expect_fail 3 "unknown format" ivgs --reportformat xml
ok "all bad input refused with nothing written"
