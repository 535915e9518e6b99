#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# BOS restore throughput (issue 8): restoring a BOS tar image from an
# IVG into a target root LV (restore.h: ivg_mkfs ext4, then every entry
# through libarchive into libext2fs, SHA-256 checked while it streams)
# against mke2fs -d of the same tree into a file of the same size, as a
# ratio printed in the same run (mke2fs time / restore time: above 1,
# the restore is faster).
#
# The tree: a debootstrap minbase tarball when one is cached (tests/
# packaging keeps one in /var/cache/ivg-test), else BENCH_BOS_TARBALL,
# else a tree copied from this machine's /usr (bin, sbin, lib, share/doc
# and share/man). The restore reads the tar.gz from bosfs (decompressing
# and hashing it; gzip takes about 40% of its time), and the same tar
# uncompressed; mke2fs -d reads the unpacked tree from the page cache.
# Both make a 4 KiB-block ext4 of BENCH_BOS_TARGET (default 1 GiB).
# Medians of BENCH_RUNS (3) runs, page cache warm.
#
# Environment: IVG_BIN (default build/bin), BENCH_BOS_TARBALL,
# BENCH_BOS_TARGET (1g), BENCH_RUNS (3), BENCH_QUICK=1 (make check's run:
# /usr/sbin as the tree, a 256 MiB target, one run).
# Measured (2-core VM, 2026-11-30, bookworm minbase: 7,434 entries,
# 178 MB of file data, a 64.5 MB tar.gz; medians of 5, one other agent):
#   restore of the tar.gz 1.37 s (130 MB/s), mke2fs -d 1.11 s: ratio 0.81
#   restore of the plain tar 0.81 s (221 MB/s): ratio 1.37
#   (before oppfs_e2 kept an extent handle per file, same run: the
#   tar.gz 1.46 s, the plain tar 1.36 s, ratio 0.71; on 2026-11-29 under
#   heavier load: 4.09 s, ratio 0.67.) gzip is now most of the gap.
# Reproduce: make bench   or   IVG_BIN=$PWD/build/bin bench/bos_restore.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IVG_BIN=$(cd "${IVG_BIN:-$here/../build/bin}" && pwd)
export IVG_BIN PATH="$IVG_BIN:$PATH:/usr/sbin:/sbin"
if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_RUNS:=1}" "${BENCH_BOS_TARGET:=256m}"
fi
RUNS=${BENCH_RUNS:-3}
TARGET=${BENCH_BOS_TARGET:-1g}

say() { echo "bos_restore: $*"; }
if [ "$(id -u)" != 0 ]; then say "FAIL: needs root"; exit 1; fi
for t in bosadd mke2fs python3 bc; do
	command -v $t >/dev/null || { say "FAIL: needs $t (make deps installs it)"; exit 1; }
done
# The test helpers: a test directory $T with its cleanup, loop devices,
# stock lvm2 with its own configuration, bos_tool.
. "$here/../tests/lib.sh"
. "$here/../tests/integration/bos_lib.bash"
cd "$T"

tarball=${BENCH_BOS_TARBALL:-}
[ -z "$tarball" ] && [ -z "${BENCH_QUICK:-}" ] && [ -f /var/cache/ivg-test/bookworm-minbase-amd64.tar.gz ] &&
	tarball=/var/cache/ivg-test/bookworm-minbase-amd64.tar.gz
mkdir tree
if [ -n "$tarball" ]; then
	tar -xzf "$tarball" -C tree
	cp "$tarball" bos.tgz
else
	dirs="bin sbin lib/x86_64-linux-gnu share/doc share/man"
	[ -n "${BENCH_QUICK:-}" ] && dirs=sbin
	for d in $dirs; do
		[ -d "/usr/$d" ] && mkdir -p "tree/usr/$d" && cp -a "/usr/$d/." "tree/usr/$d/" 2>/dev/null || true
	done
	tar --xattrs -czf bos.tgz -C tree .
fi
entries=$(find tree | wc -l)
bytes=$(find tree -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
say "tree: $entries entries, $bytes bytes of file data; image $(stat -c %s bos.tgz) bytes (${tarball:-/usr})"

# The same archive uncompressed: the restore without gzip's share.
gzip -dc bos.tgz >bos.tar
size=$(( $(stat -c %s bos.tgz) + $(stat -c %s bos.tar) + (64 << 20) ))
ivgcreate -y --no-boot-image --devices d0.img --size $(( size + (128 << 20) ))b --bootlv-size 8m \
	--bosfs-size "${size}b" --oppfs-size 8m bvg d0.img >/dev/null || die "ivgcreate"
bosadd --devices d0.img bvg bench bos.tgz >/dev/null || die "bosadd"
bosadd --devices d0.img bvg plain bos.tar >/dev/null || die "bosadd"
bos_tool_build "$T/bos_tool" || die "cannot build bos_tool"
scratch_vg tgt.img "$TARGET" tgtvg root
lvbytes=$(( $(stat -c %s tgt.img) - $(lv_offset tgt.img) ))
truncate -s "$lvbytes" plain.img

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
secs() {   # COMMAND...: its wall time in seconds
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null || die "$*"
	e=$(date +%s.%N)
	echo "$e - $s" | bc -l
}
ours=() plain=() theirs=()
for ((i = 0; i < RUNS; i++)); do
	plain+=("$(secs ./bos_tool restore d0.img,tgt.img bvg plain tgtvg root)")
	theirs+=("$(secs mke2fs -q -F -t ext4 -b 4096 -d tree plain.img)")
	ours+=("$(secs ./bos_tool restore d0.img,tgt.img bvg bench tgtvg root)")
done
r=$(printf '%s\n' "${ours[@]}" | median)
p=$(printf '%s\n' "${plain[@]}" | median)
m=$(printf '%s\n' "${theirs[@]}" | median)

# The restored tree is the source tree.
l=$(loop_file -r -o "$(lv_offset tgt.img)" tgt.img)
mkdir mnt && mount -o ro "$l" mnt
tree_compare tree mnt >cmp.out || { umount mnt; die "restored tree differs: $(tail -5 cmp.out)"; }
umount mnt
losetup -d "$l"

rate() { printf '%.2f s (%.1f MB/s, %.0f entries/s)' "$1" "$(echo "$bytes / $1 / 1000000" | bc -l)" "$(echo "$entries / $1" | bc -l)"; }
say "restore of the tar.gz $(rate "$r"), mke2fs -d $(rate "$m"): ratio $(printf %.2f "$(echo "$m / $r" | bc -l)") (median of $RUNS; $(tail -1 cmp.out))"
say "restore of the same tar uncompressed $(rate "$p"): ratio $(printf %.2f "$(echo "$m / $p" | bc -l)") against mke2fs -d"
