#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Crash the disk lifecycle commands at their device writes and syncs
# (IVG_TEST_FAULT="N:exit|tear|fail"): ivgextend adding a fourth disk,
# ivgreduce dropping it, ivgreduce --removemissing dropping it lost,
# ivgreplace swapping a disk for a new one, present and lost. After each
# crash stock lvm2 reads the VG (vgs, vgck: no warning but those a commit
# over several PVs, an outdated dropped PV or an unfinished new PV label
# leave), in one of the command's states (its PVs before, after, or for
# ivgreplace in between); ivgs sees the PVs lvm2 sees; every leg of every
# raid1 LV is in sync or marked to be filled (never unreadable), one at
# least in sync, whose bosfs and oppfs pass e2fsck. Running the command
# again finishes it (or says its change is done), leaving no lvm2 warning,
# every leg in sync, the OPP readable and ivgck healthy.
# make check crashes each command at a few telling points; IVG_SLOW=1
# walks every point of every command.
# slow-part: every crash point of every command (make check: a few telling points each)
. "$(dirname "$0")/../lib.sh"
cd "$T"

VG=tvg
CREATE="--no-boot-image -y -s 4m --bootlv-size 4m --bosfs-size 8m --oppfs-size 8m"
EXTENT=4194304
ALL=d0.img,d1.img,d2.img,d3.img
# A commit over several PVs; a dropped disk whose metadata is the VG's
# older copy (lvm2: outdated PV); a new disk's label before the commit
# that takes it in (as ivgcreate leaves one); a PV lost (--removemissing).
MIXED_RE='ignoring metadata seqno|Inconsistent metadata found|See vgck --updatemetadata|outdated PV'
ORPHAN_RE='is marked in use but no VG was found|might need repairing'
MISSING_RE="Couldn't find device with uuid|VG $VG is missing PV|is missing PV|missing [0-9]+ physical volume|Cannot process volume group .* with missing PVs"

# ---- base images ------------------------------------------------------------
mkdir -p base3 base4 opp
(cd opp && printf 'Package: mytool\nVersion: 1.0\nArchitecture: all\nDescription: an OPP\n' >opp.control &&
	mkdir bin && head -c 1500000 /dev/urandom >bin/mytool && tar czf ../mytool-1.0.opp opp.control bin)
(cd base3 && truncate -s 160m d0.img d1.img d2.img d3.img &&
	ivgcreate --devices d0.img $CREATE $VG d0.img d1.img d2.img >/dev/null &&
	oppadd --devices d0.img,d1.img,d2.img $VG ../mytool-1.0.opp >/dev/null) || die "base VG"
cp --sparse=always base3/*.img base4/
(cd base4 && ivgextend -y --devices $ALL $VG d3.img >/dev/null) || die "base4: ivgextend"
declare -A NAME_OF
uuids=$(ivgs --devices base4/d0.img,base4/d1.img,base4/d2.img,base4/d3.img --reportformat json |
	jq -r '.report[0].pv[] | "\(.pv_name) \(.pv_uuid)"')
while read -r img uuid; do
	NAME_OF[$uuid]=${img##*/}
	NAME_OF[$uuid]=${NAME_OF[$uuid]%.img}
done <<<"$uuids"
D2_UUID=$(awk '$1 ~ /d2.img$/ {print $2}' <<<"$uuids")
# d3 of base4 is "d3"; a d3 the command under test made afresh is "new".
ok "base VGs: three disks with an OPP, and the same extended by a fourth"

# ---- judging ------------------------------------------------------------------
# The PVs of the VG as lvm2 sees them ("d0 d1 new"), in LSTATE, with
# lvm2 looking at the images $SEEN only. Warnings other than $1 fail.
LOOPS=""
lvm2_on() {
	local l
	LOOPS="" LOOPS_IMG=""
	for f in ${SEEN//,/ }; do
		# A new disk before its partition table: nothing for lvm2.
		[ "$(sfdisk -J "$f" 2>/dev/null | jq '.partitiontable.partitions | length')" = 3 ] || continue
		l=$(loop_pv "$f")
		LOOPS="$LOOPS $l" LOOPS_IMG="$LOOPS_IMG $l=$f"
	done
	# shellcheck disable=SC2086 # one device each
	lvm_filter $LOOPS
}
lvm2_off() {
	for l in $LOOPS; do losetup -d "$l" 2>/dev/null || true; done
	LOOPS=""
}
warnings_beyond() {   # ALLOWED TEXT: the warning lines not allowed
	grep -E 'WARNING|See vgck|Couldn.t' <<<"$2" | grep -v 'Activation disabled' |
		{ if [ -n "$1" ]; then grep -Ev "$1"; else cat; fi; } || true
}
state_of_uuids() {   # UUID... -> "d0 d1 new", sorted
	for u in "$@"; do echo "${NAME_OF[$u]:-new}"; done | sort | tr '\n' ' ' | sed 's/ $//'
}
lvm2_view() {
	local out rc bad
	lvm2_on
	set +e
	out=$(lvmq pvs --noheadings -o pv_uuid,vg_name 2>&1)
	rc=$?
	set -e
	bad=$(warnings_beyond "$1" "$out")
	[ -z "$bad" ] || { lvm2_off; die "$WHAT: pvs warned: $out"; }
	# shellcheck disable=SC2046 # one UUID each
	LSTATE=$(state_of_uuids $(awk -v vg=$VG '$2 == vg {print $1}' <<<"$out"))
	set +e
	out=$(lvmq vgck $VG 2>&1)
	rc=$?
	set -e
	lvm2_off
	bad=$(warnings_beyond "$1" "$out")
	[ -z "$bad" ] || die "$WHAT: vgck warned: $out"
	[ $rc = 0 ] || [[ $1 == *Couldn* ]] || die "$WHAT: vgck exit $rc: $out"
}

# ivgs: the same PVs; the legs in sync or to be filled, one in sync; then
# e2fsck on bosfs and oppfs read from their first leg in sync.
ivg_view() {
	local json legs lv
	json=$(ivgs --devices "$SEEN" --reportformat json 2>ivgs.err) ||
		die "$WHAT: ivgs: $(cat ivgs.err)"
	# shellcheck disable=SC2046 # one UUID each
	ISTATE=$(state_of_uuids $(jq -r '.report[0].pv[].pv_uuid' <<<"$json"))
	while read -r lv legs; do
		[[ ,$legs, == *,in-sync,* ]] || die "$WHAT: $lv has no leg in sync: $legs"
		for s in ${legs//,/ }; do
			case $s in in-sync|resyncing|missing) ;;
			*) die "$WHAT: $lv legs $legs" ;; esac
		done
		case $lv in bosfs|oppfs) check_fs "$lv" "$legs" ;; esac
	done < <(jq -r '.report[0].lv[] | "\(.lv_name) \(.leg_states)"' <<<"$json")
}
check_fs() {   # LV LEG-STATES: e2fsck of its first leg in sync
	local k=0 s segs dev pv pe img
	for s in ${2//,/ }; do [ "$s" = in-sync ] && break; k=$((k + 1)); done
	lvm2_on
	segs=$(lvmq lvs -a --noheadings --separator : -o devices $VG/${1}_rimage_$k 2>/dev/null | tr -d ' ')
	dev=${segs%%(*} pe=${segs##*(}
	pe=${pe%)}
	img=""
	for l in $LOOPS_IMG; do [ "${l%%=*}" = "$dev" ] && img=${l#*=}; done
	lvm2_off
	[ -n "$img" ] || die "$WHAT: $1 leg $k: lvm2 says $segs"
	dd if="$img" of=fs.img bs=1M skip=$(($(part_offset "$img" 3) + 1048576 + pe * EXTENT)) \
		count=8 iflag=skip_bytes status=none
	e2fsck -fn fs.img >fsck.out 2>&1 || die "$WHAT: e2fsck $1 leg $k: $(cat fsck.out)"
}

# ---- the commands ---------------------------------------------------------------
# Per command: the images before (reset), what the command sees, the
# states allowed after a crash and the state after a second run.
reset() {
	rm -f d*.img
	case $CMD in
	extend|replace|replace-lost) cp --sparse=always base3/*.img . ;;
	reduce|removemissing) cp --sparse=always base4/*.img . ;;
	esac
	[ $CMD != removemissing ] || rm d3.img
	[ $CMD != replace-lost ] || rm d2.img
}
run_cmd() {   # FAULT
	case $CMD in
	extend) IVG_TEST_FAULT=$1 ivgextend -y --devices $ALL $VG d3.img ;;
	reduce) IVG_TEST_FAULT=$1 ivgreduce --devices $ALL $VG d3.img ;;
	removemissing) IVG_TEST_FAULT=$1 ivgreduce --removemissing --devices d0.img,d1.img,d2.img $VG ;;
	replace) IVG_TEST_FAULT=$1 ivgreplace -y --devices $ALL $VG d2.img d3.img ;;
	replace-lost) IVG_TEST_FAULT=$1 ivgreplace -y --devices d0.img,d1.img,d3.img $VG "$D2_UUID" d3.img ;;
	esac
}
set_states() {
	case $CMD in
	extend) SEEN=$ALL STATES="d0 d1 d2|d0 d1 d2 new" FINAL="d0 d1 d2 new" ALLOW="$MIXED_RE|$ORPHAN_RE" ;;
	reduce) SEEN=$ALL STATES="d0 d1 d2 d3|d0 d1 d2" FINAL="d0 d1 d2" ALLOW="$MIXED_RE" ;;
	removemissing) SEEN=d0.img,d1.img,d2.img STATES="d0 d1 d2 d3|d0 d1 d2" FINAL="d0 d1 d2" ALLOW="$MIXED_RE|$MISSING_RE" ;;
	replace) SEEN=$ALL STATES="d0 d1 d2|d0 d1 d2 new|d0 d1 new" FINAL="d0 d1 new" ALLOW="$MIXED_RE|$ORPHAN_RE" ;;
	replace-lost) SEEN=d0.img,d1.img,d3.img STATES="d0 d1 d2|d0 d1|d0 d1 new" FINAL="d0 d1 new" ALLOW="$MIXED_RE|$ORPHAN_RE|$MISSING_RE" ;;
	esac
}

judge_crash() {
	lvm2_view "$ALLOW"
	ivg_view
	# ivgs lists a missing PV lvm2 does not show as a PV of the VG.
	[ "$LSTATE" = "$ISTATE" ] || [[ $ALLOW == *Couldn* ]] ||
		die "$WHAT: lvm2 sees PVs '$LSTATE', ivgs '$ISTATE'"
	[[ "|$STATES|" == *"|$ISTATE|"* ]] || die "$WHAT: PVs '$ISTATE', not one of '$STATES'"
}
judge_final() {
	lvm2_view ''
	ivg_view
	[ "$LSTATE" = "$FINAL" ] && [ "$ISTATE" = "$FINAL" ] ||
		die "$WHAT: after the second run: lvm2 sees '$LSTATE', ivgs '$ISTATE', not '$FINAL'"
	ivgs --devices "$SEEN" --reportformat json | jq -r '.report[0].lv[].leg_states' | grep -qv '^in-sync\(,in-sync\)*$' &&
		die "$WHAT: legs not all in sync after the second run: $(ivgs --devices "$SEEN" 2>&1)"
	ivgck --devices "$SEEN" $VG >ck.out 2>&1 || die "$WHAT: ivgck after the second run: $(cat ck.out)"
	opplist --devices "$SEEN" $VG 2>/dev/null | grep -q '^  mytool ' || die "$WHAT: the OPP is not listed"
}

REFUSED=0 FINISHED=0
rerun() {
	local out rc
	set +e
	out=$(run_cmd "" 2>&1)
	rc=$?
	set -e
	if [ $rc != 0 ] && [[ $out == *'no PV of volume group'* ]] && [ "$ISTATE" = "$FINAL" ]; then
		REFUSED=$((REFUSED + 1))      # the change was done: nothing to drop
	elif [ $rc != 0 ] && [ $CMD = replace-lost ] && [[ $out == *'ivgextend'*' adds the new disk'* ]]; then
		REFUSED=$((REFUSED + 1))      # the lost disk left; the new one joins
		ivgextend -y --devices $SEEN $VG d3.img >ext.out 2>&1 || die "$WHAT: ivgextend after: $(cat ext.out)"
	else
		[ $rc = 0 ] || die "$WHAT: running it again: exit $rc: $out"
		[[ $out == *'filled'* || $out == *'made an orphan'* || $out == *'already consistent'* ]] &&
			FINISHED=$((FINISHED + 1))
	fi
	judge_final
}

crash_at() {   # N MODE; 1 if the command ended before point N
	local out rc
	WHAT="$CMD, $2 at $1"
	reset
	set +e
	out=$(run_cmd "$1:$2" 2>&1)
	rc=$?
	set -e
	[ $rc = 0 ] && [[ $out == *"IVG_TEST_FAULT: "*" points"* ]] && return 1
	case $2 in
	exit) [ $rc = 99 ] || die "$WHAT: exit $rc, not the crash's 99: $out" ;;
	*) [ $rc = 5 ] || [ $rc = 0 ] || die "$WHAT: exit $rc: $out" ;;
	esac
	judge_crash
	rerun
	return 0
}

count_points() {
	reset
	run_cmd 1000000:exit 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p'
}

# walk CMD MODE POINT...: N, end-K (the Kth last), or all.
walk() {
	local total covered=0 start n
	CMD=$1 MODE=$2
	shift 2
	[[ " ${IVG_CRASH_CMDS:-$CMD} " == *" $CMD "* ]] || return 0
	set_states
	REFUSED=0 FINISHED=0
	total=$(count_points)
	[ -n "$total" ] && [ "$total" -gt 0 ] || die "$CMD: no write points counted"
	start=$(date +%s)
	[ "$1" != all ] || set -- $(seq 1 "$total")
	for n in "$@"; do
		case $n in end-*) n=$((total - ${n#end-})) ;; esac
		crash_at "$n" "$MODE" || die "$CMD: point $n of $total not reached"
		covered=$((covered + 1))
	done
	ok "$CMD ($MODE): $covered of $total crash points ($FINISHED finished by the second run, $REFUSED said done) in $(( $(date +%s) - start ))s"
}

if [ -n "${IVG_SLOW:-}" ]; then
	for c in extend reduce removemissing replace replace-lost; do
		walk $c exit all
	done
	walk extend tear 1 5 10 20 40 end-12 end-6 end-3
	walk replace fail 1 20 end-20 end-8 end-3
else
	# Before anything; the new disk labelled; the commit taking it in,
	# half and whole; a leg half filled; the dropped disk outdated.
	walk extend exit 1 end-40 end-12 end-6 end-2
	walk reduce exit end-10 end-4 end-1
	walk removemissing exit end-4
	walk replace exit end-30 end-23 end-8
	walk replace-lost exit 10 end-20
fi
