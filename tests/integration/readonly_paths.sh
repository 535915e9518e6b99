#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Read-only means read-only: every read-only path runs over the images of
# an IVG, once as image files and once as read-only loop devices (whole
# disks, partitions found through the GPT), and no byte changes. A
# read-write command on the read-only loops fails naming the device and
# writes nothing either.
. "$(dirname "$0")/../lib.sh"
cd "$T"
ivgcreate -y --no-boot-image --devices d0.img,d1.img --size 160m --bootlv-size 16m --bosfs-size 32m --oppfs-size 16m \
	tvg d0.img d1.img >/dev/null
# Some content, so that the mounts below have files to read.
ivgimport -m "$T/m" --devices d0.img,d1.img tvg >/dev/null
echo "a BOS" >"$T/m/bos/bos.tar"
echo "an OPP" >"$T/m/opp/pkg.tar"
ivgexport --devices d0.img,d1.img tvg >/dev/null
before=$(sums d0.img d1.img)
unchanged() { [ "$(sums d0.img d1.img)" = "$before" ] || die "$1 wrote to the images"; }

# The read-only commands; $1 is the --devices list.
read_only_round() {
	D=$1
	ivgs --devices "$D" >/dev/null || die "ivgs ($D)"
	ivgs --devices "$D" --reportformat json -a >/dev/null || die "ivgs json ($D)"
	ivgimport --readonly --devices "$D" tvg >/dev/null || die "ivgimport --readonly ($D)"
	ivgimport --readonly -m "$T/r" --devices "$D" tvg >/dev/null || die "ivgimport --readonly -m ($D)"
	[ "$(cat "$T/r/bos/bos.tar" "$T/r/opp/pkg.tar")" = "a BOS
an OPP" ] || die "read other contents through the read-only mounts ($D)"
	touch "$T/r/bos/x" 2>/dev/null && die "a read-only mount took a write ($D)"
	ivgexport --readonly --devices "$D" tvg >/dev/null || die "ivgexport --readonly ($D)"
	findmnt "$T/r/bos" >/dev/null && die "still mounted ($D)"
	return 0
}

read_only_round d0.img,d1.img
unchanged "a read-only command on image files"
ok "image files: ivgs, ivgimport --readonly (-m), ivgexport --readonly wrote nothing"

L0=$(loop_file -r d0.img)
L1=$(loop_file -r d1.img)
lvm_filter "$L0" "$L1"
read_only_round "$L0,$L1"
unchanged "a read-only command on read-only loop devices"
ok "read-only loop devices: the same commands work and write nothing"

# Read-write commands refuse a read-only device and write nothing.
expect_fail 5 "$L0.*(read-only|cannot open for writing)" ivgimport --devices "$L0,$L1" tvg
expect_fail 5 "$L0.*(read-only|cannot open for writing)" ivgimport -f --devices "$L0,$L1" tvg
unchanged "a refused read-write command"
ok "read-write commands on read-only devices refused, nothing written"

# The PV partitions as read-only loops, as a kernel shows /dev/sdX3: ivg
# and lvm2 read the VG there too.
P0=$(loop_file -r -o "$(part_offset d0.img 3)" --sizelimit "$(part_size d0.img 3)" d0.img)
P1=$(loop_file -r -o "$(part_offset d1.img 3)" --sizelimit "$(part_size d1.img 3)" d1.img)
lvm_filter "$P0" "$P1"
ivgs --devices "$P0,$P1" tvg >/dev/null || die "ivgs on the PV partitions"
ivgimport --readonly --devices "$P0,$P1" tvg >/dev/null || die "ivgimport --readonly on the PV partitions"
# (vgck refuses exported VGs: pvck checks the PVs' labels and metadata.)
out=$(lvmq pvck "$P0" "$P1" 2>&1) || die "lvm2's pvck fails: $out"
echo "$out" | grep -v "Activation disabled" | grep WARNING && die "lvm2's pvck warns"
[ "$(lvmq vgs --noheadings -o vg_exported tvg 2>/dev/null | tr -d ' ')" = exported ] ||
	die "lvm2 cannot read the exported VG from the read-only loops"
unchanged "a read-only command on the PV partitions"
ok "read-only PV partitions: ivgs, ivgimport --readonly, lvm2 pvck and vgs; nothing written"
