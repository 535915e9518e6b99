#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# One disk under two names (issue #17): an image file and a loop device
# that shows it (whole, or from an offset), either way round, or two loop
# devices over one file, are one disk: ivgcreate refuses to take it twice
# and writes nothing. An image file behind a loop device that is mounted
# or open is refused even with -y and -f, naming the loop device and how
# it is used; an idle loop device is no reason to refuse. The scanner
# reads the two names of one PV as one device.
. "$(dirname "$0")/../lib.sh"
cd "$T"

C="--no-boot-image --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m"
truncate -s 160m s1.img s2.img
L=$(loop_file s1.img)
L2=$(loop_file s1.img)
O=$(loop_file -o 1048576 s1.img)
before=$(sums s1.img s2.img)
expect_fail 5 "^  $L: the same disk as s1\\.img \\($L shows it" ivgcreate -y $C --devices s2.img avg s1.img $L s2.img
expect_fail 5 "^  s1\\.img: the same disk as $L \\($L shows it" ivgcreate -y $C --devices s2.img avg $L s2.img s1.img
expect_fail 5 "^  s1\\.img: the same disk as $O \\($O shows it" ivgcreate -y -f $C --devices s2.img avg $O s1.img
expect_fail 5 "^  $L2: the same disk as $L" ivgcreate -y -f $C --devices s2.img avg $L $L2
[ "$(sums s1.img s2.img)" = "$before" ] || die "a refused ivgcreate wrote an image"
[ -z "$(ivgs --devices s1.img,s2.img 2>/dev/null)" ] || die "a refused ivgcreate left a VG"
ok "an image file and a loop device over it are one disk: refused, nothing written"

# A filesystem mounted through a loop device over fs.img.
truncate -s 160m fs.img
mkfs.ext4 -q -F fs.img
F=$(loop_file fs.img)
mkdir mnt
mount -o ro "$F" mnt	# read-only: the kernel writes nothing to fs.img
before=$(sums fs.img s2.img)
expect_fail 5 "^  fs\\.img: loop device $F shows this disk and is mounted at $T/mnt; not writing it \\(not even with -y or -f\\)" \
	ivgcreate -y -f $C --devices s2.img avg s2.img fs.img
expect_fail 5 "fs\\.img: loop device $F shows this disk and is mounted" ivgcreate $C --devices s2.img avg fs.img
[ "$(sums fs.img s2.img)" = "$before" ] || die "ivgcreate wrote an image behind a mounted loop device"
umount mnt
# Open by a process of its own (not this shell: its $( ) subshells would
# hold the descriptor too); it ends by itself should the test die.
sleep 120 <"$F" &
holder=$!
before=$(sums fs.img)
expect_fail 5 "^  fs\\.img: loop device $F shows this disk and is open in process $holder \\(sleep\\)" \
	ivgcreate -y -f $C --devices s2.img avg fs.img
kill "$holder"
wait "$holder" 2>/dev/null || true
[ "$(sums fs.img)" = "$before" ] || die "ivgcreate wrote an image behind an open loop device"
ok "an image file behind a mounted or open loop device: refused even with -y -f, nothing written"

# An idle loop device over the image is no reason to refuse; the scanner
# then reads the image and the loop device as one device.
ivgcreate -y -f $C --devices s2.img avg s1.img >/dev/null
out=$(ivgs --devices s1.img,$L,$O avg 2>&1)
grep -q "WARNING: $L: the same device as s1\\.img, ignored" <<<"$out" || die "ivgs: $out"
! grep -q duplicate <<<"$out" || die "ivgs saw a duplicate PV: $out"
P=$(loop_pv s1.img)
out=$(ivgs --devices $P,s1.img avg 2>&1)
grep -q "WARNING: s1\\.img: the same device as $P, ignored" <<<"$out" || die "ivgs over the PV's loop: $out"
ivgexport --devices s1.img,$L avg >/dev/null || die "ivgexport refused the VG seen under two names"
ok "an idle loop device is no reason to refuse; its PV is one device to the scanner"
