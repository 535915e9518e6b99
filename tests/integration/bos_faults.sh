#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash bosadd (tar, raw, --replace) and bosrm at every device write and
# sync (IVG_TEST_FAULT="N:exit|fail", the tests-only hook of the ivg
# binary) and judge what is left:
# - stock lvm2 vgck passes with no WARNING;
# - no leg of a raid1 LV (bosfs, the raw BOS's LV: mirrored on the two
#   disks) that its rmeta calls in sync differs from the others
#   (ivgs --check: a leg a crash left behind is marked, never
#   "mismatched");
# - boslist lists the old images or the new ones, each with the SHA-256
#   of the file it was added from, never a mix and never a manifest for
#   data that is not all there: every BOS it lists restores (bos_tool)
#   with its SHA-256 checked;
# - e2fsck finds no block of bosfs used twice;
# - the next bosadd completes, and removes what the crash left behind:
#   boslist warns of no orphan and no space that no file uses after it,
#   and e2fsck -fn finds bosfs clean.
# Then bosadd is killed (SIGKILL) at random moments, many times, and one
# completed bosadd must leave bosfs as clean.
# IVG_SLOW=1 walks every point of both modes; otherwise about 6 points
# spread over each command, always the first and the last, of "exit".
# (In "fail" mode a failed write of an inode inside libext2fs's extent
# code is not reported by libext2fs; the inode is written again later,
# so the command completes with the new state, which the judge checks.)
# slow-part: every crash point in both modes (make check: about 6 points per command, exit mode)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/bos_lib.bash"
cd "$T"
bos_tool_build "$T/bos_tool" || die "cannot build bos_tool"
mktar() { mkdir -p "src/$1/etc" && head -c "$2" /dev/urandom >"src/$1/etc/blob" && tar -czf "$1.tgz" -C "src/$1" .; }
mktar one 20000
mktar two 300000
mktar three 5000
mkdir -p src/raw && echo raw >src/raw/file
mke2fs -q -F -t ext4 -d src/raw raw.img 8M
sha() { sha256sum "$1" | cut -d' ' -f1; }
mkdir base
(cd base && ivgcreate -y --no-boot-image --devices d0.img --size 140m --bootlv-size 8m --bosfs-size 16m \
	--oppfs-size 8m bvg d0.img d1.img >/dev/null && bosadd --devices d0.img,d1.img bvg old ../one.tgz >/dev/null) ||
	die "base IVG"
scratch_vg tgt.img 24M tgtvg root
D=d0.img,d1.img

restore_base() { cp --sparse=always base/d0.img base/d1.img .; }
points() {   # how many write/sync points the command has
	restore_base
	IVG_TEST_FAULT=1000000:fail "$@" 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p'
}
lvm2_ok() {
	local l
	local l0 l1 legs
	l0=$(loop_pv d0.img)
	l1=$(loop_pv d1.img)
	lvm_filter "$l0" "$l1"
	lvmq vgck bvg >vgck.out 2>&1 || die "lvm2 vgck after a crash: $(cat vgck.out)"
	grep -v "Activation disabled" vgck.out | grep -q WARNING && die "lvm2 vgck warns after a crash: $(cat vgck.out)"
	losetup -d "$l0" "$l1"
	legs=$(ivgs --devices $D --check --reportformat json bvg 2>/dev/null |
		jq -r '[.report[0].lv[] | select(.copies != "") | .lv_name + "=" + .leg_states] | join(" ")')
	[ -n "$legs" ] && [[ $legs != *mismatched* ]] ||
		die "after a crash a leg in sync differs from the others (or ivgs failed): '$legs'"
}
# Where bosfs lies in d0.img (it never moves).
restore_base
l=$(loop_pv d0.img)
l1=$(loop_pv d1.img)
lvm_filter "$l" "$l1"
BOSFS_OFF=$(( $(part_offset d0.img 3) + $(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$l" 2>/dev/null | tr -d ' ') +
	$(lvmq lvs -a --noheadings -o seg_pe_ranges bvg/bosfs_rimage_0 2>/dev/null | sed 's/.*:\([0-9]*\)-.*/\1/') * 4194304 ))
losetup -d "$l" "$l1"

listing() {   # "name=sha ..." as boslist sees it
	boslist --devices $D --reportformat json bvg 2>/dev/null |
		jq -r '[.report[0].bos[] | .bos_name + "=" + .bos_sha256] | join(" ")'
}
judge() {   # OLD NEW: prints old or new
	local now
	lvm2_ok
	boslist --devices $D bvg >/dev/null 2>&1 || die "boslist after a crash: $(boslist --devices $D bvg 2>&1)"
	now=$(listing)
	for n in $now; do
		./bos_tool restore $D,tgt.img bvg "${n%%=*}" tgtvg root >/dev/null 2>restore.err ||
			die "boslist lists ${n%%=*} after a crash, but it does not restore: $(cat restore.err)"
	done
	case "$now" in
	"$1") echo old ;;
	"$2") echo new ;;
	*) die "boslist shows '$now': neither '$1' nor '$2'" ;;
	esac
}
recover() {
	local l
	l=$(loop_file -r -o "$BOSFS_OFF" --sizelimit $((16 << 20)) d0.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || true
	losetup -d "$l"
	grep -qi "multiply-claimed\|duplicate.*block" fsck.out && die "blocks used twice after a crash: $(cat fsck.out)"
	bosadd --devices $D --replace bvg extra three.tgz >add.out 2>&1 || die "bosadd after a crash: $(cat add.out)"
	boslist --devices $D bvg 2>list.err >/dev/null || die "boslist after recovery"
	[ ! -s list.err ] || die "boslist warns after the next bosadd: $(cat list.err)"
	fsck_clean "after a crash and one completed bosadd"
}

# e2fsck of bosfs (read-only, through a loop over its extent) finds nothing.
fsck_clean() {
	local l rc=0
	l=$(loop_file -r -o "$BOSFS_OFF" --sizelimit $((16 << 20)) d0.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || rc=$?
	losetup -d "$l"
	[ $rc = 0 ] || die "e2fsck finds bosfs damaged $1: $(cat fsck.out)"
}

walk() {   # MODE OLD NEW COMMAND...
	local mode=$1 old=$2 new=$3 k n step seen=""
	shift 3
	n=$(points "$@")
	[ -n "$n" ] && [ "$n" -gt 3 ] || die "no fault points counted for $*"
	step=$(( n / 6 > 1 ? n / 6 : 1 ))
	[ -n "${IVG_SLOW:-}" ] && step=1
	for k in $( (seq "$n" -"$step" 1; echo 1) | sort -rnu); do
		restore_base
		set +e
		IVG_TEST_FAULT=$k:$mode "$@" >/dev/null 2>&1
		set -e
		s=$(judge "$old" "$new")
		seen="${seen:+$seen }$s"
		recover
	done
	ok "$* crashed ($mode) at $(echo "$seen" | wc -w) of $n points (the first and the last among them): boslist saw$(echo "$seen" | tr ' ' '\n' | sort | uniq -c | awk '{printf " %s %s", $2, $1}'); lvm2 vgck clean, every listed BOS restores, the next bosadd completes"
}

old="old=$(sha one.tgz)"
modes=exit
[ -n "${IVG_SLOW:-}" ] && modes="exit fail"
for mode in $modes; do
	walk $mode "$old" "new=$(sha two.tgz) $old" bosadd --devices $D bvg new two.tgz
	walk $mode "$old" "$old raw=$(sha raw.img)" bosadd --devices $D bvg raw raw.img
	walk $mode "$old" "old=$(sha two.tgz)" bosadd --devices $D --replace bvg old two.tgz
	walk $mode "$old" "" bosrm --devices $D bvg old
done

# SIGKILL at random moments: whatever is left, the next write gives back.
restore_base
mktar big 4000000
kills=$(kill_at_random 30 bosadd --devices $D --replace bvg big big.tgz)
[ $kills -ge 10 ] || die "only $kills of 30 bosadd runs were killed before they completed"
lvm2_ok
recover
ok "bosadd killed (SIGKILL) $kills times at random moments, then one bosadd: boslist warns of nothing, e2fsck finds bosfs clean"
