#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Crash ivgmkboot at its write points (IVG_TEST_FAULT="N:exit|fail|tear":
# every leg's write of every chunk, every zeroing of a hole, every leg's
# fsync, then the boot records) while it replaces boot image A by B on an
# IVG of two disks, and judge what is left: exit 99 (exit) or 5 naming the
# injected fault; stock lvm2 (vgck clean, same seqno) and ivgs read the VG;
# ivgck trusts no leg that was written partly: a leg it calls ok is either
# untouched (byte-identical to A's) or a whole image of one version
# (e2fsck -fn clean, its kernel and initramfs those of A or B); running
# ivgmkboot again completes (ivgck healthy, legs byte-identical, B's
# files). Then the same for ivgck --repair copying leg 0 onto a damaged
# leg 1. make check crashes at a few telling points; IVG_SLOW=1 walks
# every point of both commands (tear and exit).
# slow-part: every crash point of ivgmkboot and ivgck --repair, in tear and exit modes (make check: a few telling points)
. "$(dirname "$0")/../lib.sh"
cd "$T"
for t in debugfs e2fsck mcopy; do command -v $t >/dev/null || { echo "no $t"; exit 77; }; done

IMGS="d0.img d1.img"
D="--devices d0.img,d1.img"
# Stand-ins for the kernel and initramfs (nothing boots here): random
# bytes, so that versions A and B differ in every block. 16 MiB bootlv:
# the copy takes two batches of 8 MiB.
for v in A B; do
	head -c 6000000 /dev/urandom >"kernel$v"
	head -c 4000000 /dev/urandom >"initrd$v"
done
mkboot() { # VERSION [FAULT]: ivgmkboot writing version A or B
	IVG_TEST_FAULT=${2:-} timeout 300 ivgmkboot $D --kernel "kernel$1" --modules /tmp \
		--initrd "initrd$1" tvg
}
ivgcreate -y --no-boot-image --devices d0.img -s 4m --size 120m --bootlv-size 16m \
	--bosfs-size 4m --oppfs-size 4m tvg $IMGS >/dev/null || die "ivgcreate"
mkboot A >/dev/null || die "ivgmkboot A"
mkdir -p base
cp --sparse=always $IMGS base/

# ---- judging ---------------------------------------------------------------
# lvm2 reads the PV partitions through loops over the images; the images
# are reset in place (cp keeps their inodes), so the loops see each reset.
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img)
LOOPS="$L0 $L1"
lvm_filter $LOOPS
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$L0" 2>/dev/null | tr -d ' ')
ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size tvg 2>/dev/null | tr -d ' ')
size=$(lvmq lvs --noheadings --units b --nosuffix -o lv_size tvg/bootlv 2>/dev/null | tr -d ' ')
SEQNO=$(lvmq vgs --noheadings -o vg_seqno tvg 2>/dev/null | tr -d ' ')
[ -n "$SEQNO" ] && [ -n "$size" ] || die "lvm2 does not see tvg"
declare -a OFF
for k in 0 1; do
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/bootlv_rimage_$k" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	OFF[$k]=$(($(part_offset "d$k.img" 3) + pe_start + pe * ext))
done
leg_copy() { # K FILE: leg K's bytes into FILE
	dd if="d$1.img" of="$2" bs=1M iflag=skip_bytes,count_bytes skip="${OFF[$1]}" \
		count="$size" status=none
}
leg_sum() { leg_copy "$1" leg.img && sha256sum <leg.img | cut -c1-64; }
A_SUM=$(leg_sum 0)
[ "$A_SUM" = "$(leg_sum 1)" ] || die "the legs of image A differ"

lvm2_judge() {
	# shellcheck disable=SC2086
	blockdev --flushbufs $LOOPS
	out=$(lvmq vgck tvg 2>&1) || die "$WHAT: lvm2 vgck failed: $out"
	! echo "$out" | grep -E "WARNING|See vgck" | grep -vq "Activation disabled" ||
		die "$WHAT: lvm2 vgck warns: $out"
	s=$(lvmq vgs --noheadings -o vg_seqno tvg 2>/dev/null | tr -d ' ')
	[ "$s" = "$SEQNO" ] || die "$WHAT: lvm2 sees seqno '$s', not $SEQNO"
	json=$(ivgs $D --reportformat json 2>ivgs.err) || die "$WHAT: ivgs: $(cat ivgs.err)"
	[ "$(jq -r '.report[0].vg[0].vg_name' <<<"$json")" = tvg ] || die "$WHAT: ivgs: $json"
}

# Which version's files leg K holds whole (A or B), or "" if neither;
# the leg's filesystem must be e2fsck -fn clean.
leg_version() {
	leg_copy "$1" leg.img
	e2fsck -fn leg.img >fsck.out 2>&1 || { cat fsck.out >&2; return 0; }
	rm -f vmlinuz.out initrd.out
	debugfs -R "dump /vmlinuz vmlinuz.out" leg.img >/dev/null 2>&1
	debugfs -R "dump /initrd.img initrd.out" leg.img >/dev/null 2>&1
	for v in A B; do
		if cmp -s vmlinuz.out "kernel$v" && cmp -s initrd.out "initrd$v"; then
			echo $v
			return 0
		fi
	done
}

# ivgck's verdict on every leg after a crash: a leg that is no longer A's
# bytes and that ivgck calls ok must be one version whole. Counts legs
# found damaged (PARTS), written whole (WHOLES) and changed only where no
# file of A lies (OLDS).
ck_judge() {
	set +e
	ivgck $D --reportformat json tvg >ck.json 2>ck.err
	rc=$?
	set -e
	[ $rc = 0 ] || [ $rc = 5 ] || die "$WHAT: ivgck exit $rc: $(cat ck.err)"
	for k in 0 1; do
		st=$(jq -r ".report[0].bootcheck[] | select(.leg_number == \"$k\") | .leg" ck.json)
		if [ "$(leg_sum $k)" = "$A_SUM" ]; then
			[ "$st" = ok ] || die "$WHAT: leg $k untouched (image A) but ivgck says '$st'"
			continue
		fi
		case $st in
		ok) case $(leg_version $k) in
		    A) OLDS=$((OLDS + 1)) ;;    # only bytes no file uses
		    B) WHOLES=$((WHOLES + 1)) ;;
		    *) die "$WHAT: leg $k written partly, yet ivgck says ok" ;;
		    esac ;;
		damaged) PARTS=$((PARTS + 1)) ;;
		*) die "$WHAT: leg $k: ivgck says '$st': $(cat ck.json)" ;;
		esac
	done
	# A leg 1 no longer A's bytes, unless it is a whole image, is marked
	# out of sync in its rmeta (lvm/rmeta.h): dm-raid would rebuild it.
	if [ "$(leg_sum 1)" != "$A_SUM" ] && [ "$(leg_sum 1)" != "$(leg_sum 0)" ]; then
		[ "$(jq -r '.report[0].mirror[] | select(.lv_name == "bootlv") | .legs_out_of_sync' ck.json)" = 1 ] ||
			die "$WHAT: leg 1 differs from leg 0 but is not marked out of sync: $(jq -c .report[0].mirror ck.json)"
		MARKED=$((MARKED + 1))
	fi
}

# After the rerun: everything healthy, both legs holding image B, and
# byte-identical unless $1 is "files" (a leg that ivgck --repair found
# healthy is left as it is).
final_judge() {
	lvm2_judge
	ivgck $D tvg >ck.txt 2>&1 || die "$WHAT: ivgck after the rerun: $(cat ck.txt)"
	grep -q "every bootlv leg and boot record is healthy" ck.txt || die "$WHAT: $(cat ck.txt)"
	[ "${1:-}" = files ] || [ "$(leg_sum 0)" = "$(leg_sum 1)" ] ||
		die "$WHAT: the legs differ after the rerun"
	for k in 0 1; do
		[ "$(leg_version $k)" = B ] || die "$WHAT: leg $k does not hold image B after the rerun"
	done
}

# The injected fault's exit: 99 for exit, else 5 with "injected" said.
check_exit() {
	case $1 in
	exit) [ "$2" = 99 ] || die "$WHAT: exit $2, not the crash's 99: $(cat crash.out)" ;;
	*) [ "$2" = 5 ] || die "$WHAT: exit $2, not 5: $(cat crash.out)"
	   grep -q "injected" crash.out || die "$WHAT: the error does not name the injected fault: $(cat crash.out)" ;;
	esac
}

# The crash's message names the kind of point picked ("torn write",
# "failure of syncing"): a check that the count still finds that point.
expect_point() {
	grep -q "$1" crash.out || die "$WHAT: expected a point of '$1': $(cat crash.out)"
}

count_points() {
	eval "$1" 1000000:exit 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p'
}

# ---- ivgmkboot ---------------------------------------------------------------
reset() { for f in $IMGS; do cp --sparse=always "base/$f" "$f"; done; }
reset
TOTAL=$(count_points "mkboot B")
LEGPTS=$(IVG_TEST_FAULT=1000000:exit ivgmkboot $D --kernel kernelB --modules /tmp \
	--initrd initrdB --no-boot-records tvg 2>&1 >/dev/null |
	sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p')
[ -n "$TOTAL" ] && [ -n "$LEGPTS" ] && [ "$LEGPTS" -gt 10 ] && [ "$TOTAL" -gt "$LEGPTS" ] ||
	die "counting the write points: '$TOTAL' in all, '$LEGPTS' of the legs"

# crash_mkboot MODE N [PATTERN]: crash, judge, run again, judge.
crash_mkboot() {
	WHAT="ivgmkboot, $1 at $2 of $TOTAL"
	reset
	set +e
	mkboot B "$2:$1" >crash.out 2>&1
	rc=$?
	set -e
	check_exit "$1" $rc
	[ -z "${3:-}" ] || expect_point "$3"
	lvm2_judge
	ck_judge
	mkboot B >crash.out 2>&1 || die "$WHAT: running ivgmkboot again: $(cat crash.out)"
	final_judge
	COVERED=$((COVERED + 1))
}

COVERED=0 PARTS=0 WHOLES=0 OLDS=0 MARKED=0
start=$(date +%s)
mid=$((LEGPTS / 2))
if [ -n "${IVG_SLOW:-}" ]; then
	for mode in ${IVG_CRASH_MODES:-tear exit}; do
		for n in $(seq 1 "$TOTAL"); do crash_mkboot "$mode" "$n"; done
	done
	# Past the last point: done, no fault reached.
	reset
	mkboot B "$((TOTAL + 1)):exit" >crash.out 2>&1 || die "point $((TOTAL + 1)): $(cat crash.out)"
else
	# The first point (leg 1's out-of-sync mark, lvm/rmeta.h); a torn
	# write in the middle of the copy; a failed fsync of the last leg
	# (its data written, unsynced: the last two points of the legs clear
	# the mark); the mark's clearing; the last point (the boot records).
	crash_mkboot exit 1
	crash_mkboot tear "$mid" "injected torn write"
	crash_mkboot fail "$((LEGPTS - 2))" "injected failure of syncing"
	crash_mkboot fail "$LEGPTS" "injected sync failure"
	crash_mkboot exit "$TOTAL"
fi
[ $PARTS -gt 0 ] || die "no crash left a leg written partly: the walk tests nothing"
ok "ivgmkboot: $COVERED crashes of $TOTAL points ($LEGPTS on the legs) in $(($(date +%s) - start)) s; $PARTS partly written legs all found damaged, $WHOLES written whole, $OLDS still A's files, $MARKED times leg 1 left behind and marked out of sync; each completed by running again"
MK_COVERED=$COVERED MK_TOTAL=$TOTAL

# ---- ivgck --repair ------------------------------------------------------------
# Image B healthy on both legs, then all of leg 1 overwritten with random
# bytes (so that a copy left partway differs from leg 0): repair copies
# leg 0 onto it.
reset
mkboot B >/dev/null || die "ivgmkboot B"
head -c "$size" /dev/urandom | dd of=d1.img bs=1M seek="${OFF[1]}" oflag=seek_bytes conv=notrunc status=none
cp --sparse=always $IMGS base/
B_SUM=$(leg_sum 0)
set +e
ivgck $D tvg >ck.txt 2>&1
rc=$?
set -e
[ $rc = 5 ] && grep -A2 "Disk d1.img" ck.txt | grep -q "bootlv leg *damaged" || die "leg 1 not damaged: $(cat ck.txt)"
repair() { IVG_TEST_FAULT=${1:-} timeout 300 ivgck $D --repair -y tvg; }
RTOTAL=$(count_points repair)
[ -n "$RTOTAL" ] && [ "$RTOTAL" -gt 3 ] || die "counting the write points of ivgck --repair: '$RTOTAL'"

crash_repair() {
	WHAT="ivgck --repair, $1 at $2 of $RTOTAL"
	reset
	set +e
	repair "$2:$1" >crash.out 2>&1
	rc=$?
	set -e
	check_exit "$1" $rc
	[ -z "${3:-}" ] || expect_point "$3"
	lvm2_judge
	[ "$(leg_sum 0)" = "$B_SUM" ] || die "$WHAT: repair wrote to its source, leg 0"
	set +e
	ivgck $D --reportformat json tvg >ck.json 2>ck.err
	set -e
	st=$(jq -r '.report[0].bootcheck[] | select(.leg_number == "1") | .leg' ck.json)
	case $st in
	damaged) RPARTS=$((RPARTS + 1)) same=bytes ;;
	# All of leg 0's files there: only its holes may be left unzeroed.
	ok) [ "$(leg_version 1)" = B ] || die "$WHAT: leg 1 copied partly, yet ivgck says ok"
	    RWHOLES=$((RWHOLES + 1)) same=files ;;
	*) die "$WHAT: leg 1: ivgck says '$st'" ;;
	esac
	repair >crash.out 2>&1 || die "$WHAT: ivgck --repair again: $(cat crash.out)"
	final_judge $same
	COVERED=$((COVERED + 1))
}

COVERED=0 RPARTS=0 RWHOLES=0
start=$(date +%s)
if [ -n "${IVG_SLOW:-}" ]; then
	for mode in ${IVG_CRASH_MODES:-tear exit}; do
		for n in $(seq 1 "$RTOTAL"); do crash_repair "$mode" "$n"; done
	done
else
	# A torn write in the middle of the copy; the last point.
	crash_repair tear $((RTOTAL / 2)) "injected torn write"
	crash_repair exit "$RTOTAL"
fi
[ $RPARTS -gt 0 ] || die "no crash of the repair left leg 1 written partly"
ok "ivgck --repair: $COVERED crashes of $RTOTAL points in $(($(date +%s) - start)) s; leg 0 never written; leg 1 left partly $RPARTS times, found damaged, and $RWHOLES times with all files copied; each repaired by running again"
echo "crash points covered: ivgmkboot:$MK_COVERED/$MK_TOTAL ivgck-repair:$COVERED/$RTOTAL"
