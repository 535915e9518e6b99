#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Adding a 1 GiB BOS to three legs against adding it to one: bosadd of
# the same image into an IVG whose images are mirrored on three disks and
# into one whose images have one copy (ivgcreate --copies 1), in the same
# run, interleaved, medians compared; once as a tar (a file in bosfs,
# written through libext2fs) and once raw (an LV of its own). ivg writes
# the legs at once (lvm/fanout.h), so three legs should cost little more
# than one: the ratio must be at most 1.3 (exit 1 otherwise).
#
# The disks are image files on tmpfs: each stands for a LUN with a
# bandwidth of its own, so what is measured is ivg's cost of the extra
# legs, not one disk's bandwidth shared by three files.
#
# Environment:
#   IVG_BIN          directory of the ivg binaries (default: build/bin)
#   BENCH_RUNS       runs per case, a warm-up included (default 4)
#   BENCH_MIB        image size in MiB (default 1024)
#   BENCH_DIR        where the images go (default /dev/shm)
#
# Reproduce: make bench   or   IVG_BIN=$PWD/build/bin bench/mirror_write.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IVG_BIN=${IVG_BIN:-$here/../build/bin}
IVG_BIN=$(cd "$IVG_BIN" && pwd)
export PATH="$IVG_BIN:$PATH:/usr/sbin:/sbin"
RUNS=${BENCH_RUNS:-4}
MIB=${BENCH_MIB:-1024}
DIR=${BENCH_DIR:-/dev/shm}
MAX_RATIO=1.3

say() { echo "mirror_write: $*"; }
[ "$(id -u)" = 0 ] || { say "needs root"; exit 77; }
# Six disks of image size + 20%, two sources, and room to spare.
need=$(( (MIB * 6 * 12 / 10 + MIB * 3) * 1024 ))
avail=$(df -k --output=avail "$DIR" | tail -1)
[ "$avail" -gt "$need" ] || { say "$DIR has $((avail >> 10)) MiB free, $((need >> 10)) needed"; exit 77; }

W=$(mktemp -d "$DIR/ivg-bench-mirror-XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
cd "$W"
export LVM_SYSTEM_DIR=$W/lvm
mkdir -p lvm
bosfs=$((MIB * 11 / 10 + 16))
# bosfs and a raw LV of the image on each disk, and the rest.
size=$((bosfs + MIB * 12 / 10 + 140))
ivgcreate -y --no-boot-image --devices a0.img --size "${size}m" --bootlv-size 8m --bosfs-size "${bosfs}m" \
	--oppfs-size 8m three a0.img a1.img a2.img >/dev/null
ivgcreate -y --no-boot-image --devices c0.img --size "${size}m" --bootlv-size 8m --bosfs-size "${bosfs}m" \
	--oppfs-size 8m --copies 1 one c0.img c1.img c2.img >/dev/null
A=a0.img,a1.img,a2.img
C=c0.img,c1.img,c2.img

mkdir src
head -c $((MIB << 20)) /dev/urandom >src/blob
tar cf bos.tar -C src .
# A raw image: an ext4 filesystem holding the same bytes.
truncate -s $(((MIB + MIB / 10 + 16) << 20)) raw.img
mke2fs -q -F -t ext4 -d src raw.img
rm -rf src
say "images: tar $(du -m --apparent-size bos.tar | cut -f1) MiB, raw $(du -m --apparent-size raw.img | cut -f1) MiB; legs: 3 against 1"

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
timed() { local t0; t0=$(now); "$@" >/dev/null; echo "$(now) - $t0" | bc; }

fail=0
for fmt in tar raw; do
	img=bos.tar
	[ $fmt = raw ] && img=raw.img
	: >three.t
	: >one.t
	for r in $(seq 1 "$RUNS"); do
		t3=$(timed bosadd --devices $A --format $fmt three big $img)
		t1=$(timed bosadd --devices $C --format $fmt one big $img)
		bosrm --devices $A three big >/dev/null
		bosrm --devices $C one big >/dev/null
		[ "$r" = 1 ] && continue          # warm-up
		echo "$t3" >>three.t
		echo "$t1" >>one.t
	done
	m3=$(median <three.t)
	m1=$(median <one.t)
	ratio=$(echo "scale=2; $m3 / $m1" | bc)
	say "$fmt: three legs median ${m3}s, one leg ${m1}s over $((RUNS - 1)) runs: ratio ${ratio}x (at most ${MAX_RATIO}x)"
	[ "$(echo "$ratio <= $MAX_RATIO" | bc)" = 1 ] || fail=1
done
exit $fail
