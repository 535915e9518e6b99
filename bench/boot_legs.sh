#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Writing the maintenance boot image onto the bootlv legs of an IVG of 8
# PVs: ivg (ivgmkboot --no-boot-records: every leg at once, libaio and
# O_DIRECT, holes punched) against dd writing the same image file to the
# same leg offsets, one disk after another (oflag=direct, conv=fsync, as
# ivg syncs each leg), in the same run, interleaved, medians compared.
# ivg's time also includes building the ext2 image itself, so the ratio
# is on the safe side for ivg.
#
# Environment:
#   IVG_BIN           directory of the ivg binaries (default: build/bin)
#   BENCH_RUNS        runs per tool, a warm-up included (default 4)
#   BENCH_BOOTLV      bootlv size in MiB (default 256)
#   BENCH_INITRD_MIB  size of the stand-in initramfs in MiB (default 96)
#   BENCH_QUICK=1     make check's run: a 32 MiB bootlv, an 8 MiB
#                     initramfs, one timed run after the warm-up
#
# Reproduce: make bench   or   IVG_BIN=$PWD/build/bin bench/boot_legs.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IVG_BIN=${IVG_BIN:-$here/../build/bin}
IVG_BIN=$(cd "$IVG_BIN" && pwd)
export PATH="$IVG_BIN:$PATH:/usr/sbin:/sbin"
if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_RUNS:=2}" "${BENCH_BOOTLV:=32}" "${BENCH_INITRD_MIB:=8}"
fi
RUNS=${BENCH_RUNS:-4}
BOOTLV=${BENCH_BOOTLV:-256}
INITRD=${BENCH_INITRD_MIB:-96}
N=8

say() { echo "boot_legs: $*"; }
[ "$(id -u)" = 0 ] || { say "FAIL: needs root (loop devices for lvm2's view)"; exit 1; }
KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$KERNEL" ] || { say "FAIL: no kernel in /boot (linux-image-amd64: make deps)"; exit 1; }

W=$(mktemp -d /var/tmp/ivg-bench-legs-XXXXXX)
LOOPS=""
cleanup() {
	for l in $LOOPS; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
cd "$W"

imgs="" devs=""
for i in $(seq 0 $((N - 1))); do
	imgs="$imgs d$i.img"
	devs="$devs${devs:+,}d$i.img"
done
# shellcheck disable=SC2086
ivgcreate -y --no-boot-image --devices d0.img --size $((BOOTLV + 120))m --bootlv-size "${BOOTLV}m" \
	--bosfs-size 4m --oppfs-size 4m bvg $imgs >/dev/null
head -c $((INITRD << 20)) /dev/urandom >initrd.img
# The same image for dd (grub.cfg differs only in the VG's name).
ivgmkboot --output boot.img --size "${BOOTLV}m" --kernel "$KERNEL" --modules /tmp \
	--initrd initrd.img >/dev/null
say "image: $(du -m --apparent-size boot.img | cut -f1) MiB, $(du -m boot.img | cut -f1) MiB of data; $N PVs"

# The legs' offsets, from lvm2's view of the PVs.
export LVM_SYSTEM_DIR=$W/lvm
mkdir -p "$LVM_SYSTEM_DIR"
pvoff=$(sfdisk -J d0.img | jq '.partitiontable.partitions[2].start * 512')
pvsize=$(sfdisk -J d0.img | jq '.partitiontable.partitions[2].size * 512')
acc=""
for f in $imgs; do
	l=$(losetup -f --show -r -o "$pvoff" --sizelimit "$pvsize" "$f")
	LOOPS="$LOOPS${LOOPS:+ }$l"
	acc="$acc\"a|^$l\$|\", "
done
cat >"$LVM_SYSTEM_DIR/lvm.conf" <<CONF
devices { filter = [ $acc"r|.*|" ] global_filter = [ $acc"r|.*|" ] obtain_device_list_from_udev = 0 }
global { system_id_source = "uname" }
CONF
lvmq() { LVM_SUPPRESS_FD_WARNINGS=1 lvm "$@" --driverloaded n 2>/dev/null; }
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start ${LOOPS%% *} | tr -d ' ')
ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size bvg | tr -d ' ')
declare -a OFF
for k in $(seq 0 $((N - 1))); do
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "bvg/bootlv_rimage_$k" | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	dev=$(lvmq lvs -a --noheadings -o devices "bvg/bootlv_rimage_$k" | tr -d ' ')
	dev=${dev%%(*}
	for l in $LOOPS; do [ "$l" != "$dev" ] || break; done
	# The image file behind that loop device.
	f=$(losetup -nO BACK-FILE "$dev")
	[ "$(basename "$f")" = "d$k.img" ] || say "leg $k is on $(basename "$f")"
	OFF[$k]=$((pvoff + pe_start + pe * ext))
done
for l in $LOOPS; do losetup -d "$l"; done
LOOPS=""

run_ivg() {
	ivgmkboot --devices "$devs" --no-boot-records --kernel "$KERNEL" --modules /tmp \
		--initrd initrd.img bvg >/dev/null
}
run_dd() {
	for k in $(seq 0 $((N - 1))); do
		dd if=boot.img of="d$k.img" bs=1M seek="${OFF[$k]}" oflag=direct,seek_bytes \
			conv=notrunc,fsync status=none
	done
}
now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >ivg.t
: >dd.t
for r in $(seq 1 "$RUNS"); do
	sync
	t0=$(now); run_ivg; t1=$(now)
	sync
	t2=$(now); run_dd; t3=$(now)
	[ "$r" = 1 ] && continue          # warm-up
	echo "$t1 - $t0" | bc >>ivg.t
	echo "$t3 - $t2" | bc >>dd.t
done
ivg=$(median <ivg.t)
dd=$(median <dd.t)
say "ivg (all $N legs at once, image built too): median ${ivg}s over $((RUNS - 1)) runs"
say "dd (one disk after another):               median ${dd}s"
say "ratio dd/ivg: $(echo "scale=2; $dd / $ivg" | bc)x"
