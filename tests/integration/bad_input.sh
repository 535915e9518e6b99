#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# What the forced answers to bad input do: -y wipes the signatures that
# ivgcreate would not overwrite, -f reuses a PV of another VG. The
# refusals themselves (a clear error naming the device, LVM's exit code,
# nothing written) are rows of tests/bad_input.table, run by
# bad_input_table.sh.
. "$(dirname "$0")/../lib.sh"
cd "$T"
C="--no-boot-image --devices a.img --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m"

# With -y the old signatures are wiped, also where ivg writes nothing
# (an ISO 9660 descriptor at 32 KiB), as pvcreate -y does.
truncate -s 160m iso.img
printf '\001CD001\001' | dd of=iso.img bs=1 seek=32768 conv=notrunc status=none
blkid -p iso.img | grep -q iso9660 || die "test setup: no iso9660 signature"
ivgcreate -y $C tiso iso.img >/dev/null || die "ivgcreate -y on iso.img"
blkid -p iso.img | grep -q iso9660 && die "iso9660 signature left behind"
ok "-y wipes the signatures ivgcreate does not overwrite"

# A PV of another VG needs -f (refused without it: the table), and with
# it the disk is taken over.
truncate -s 160m b.img
L=$(loop_file b.img)
lvm_filter "$L"
lvmq pvcreate "$L" >/dev/null 2>&1 && lvmq vgcreate other "$L" >/dev/null 2>&1 || die "lvm2 vgcreate"
losetup -d "$L"
: >"$T/loops"	# detached: cleanup must not detach a name someone else has now
ivgcreate -f $C tvg b.img >/dev/null || die "-f did not take over the disk"
[ "$(ivgs --devices b.img --reportformat json tvg | jq -r '.report[0].pv | length')" = 1 ] ||
	die "tvg is not on b.img"
ok "-f reuses a PV of another VG"
