#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Crash each metadata-changing command at its device writes and syncs
# (IVG_TEST_FAULT="N:exit|fail|tear", a tests-only hook of the ivg binary)
# and judge what is left: stock lvm2 (vgs, vgck) and ivgs read the VG, in
# its old state or its new one (seqno, exported flag, system ID), never a
# mix; running the command again (or the next one) completes and leaves
# the new state with every metadata copy current. For ivgcreate, the old
# state is "no VG lvm2 can see", and a VG lvm2 sees has its GPTs and
# complete filesystems (e2fsck -fn on bosfs and oppfs, boot legs ok).
# make check crashes each command at a few telling points; IVG_SLOW=1
# (make check-slow) walks every point of every command.
# slow-part: every crash point of every command (make check: a few telling points each)
. "$(dirname "$0")/../lib.sh"
SELF=$(realpath "$0")
cd "$T"

# The full walk runs in IVG_CRASH_JOBS processes (4), each with its own
# images and loop devices, each taking every 4th point (IVG_CRASH_SHARD).
if [ -n "${IVG_SLOW:-}" ] && [ -z "${IVG_CRASH_SHARD:-}" ]; then
	jobs=${IVG_CRASH_JOBS:-4}
	pids=""
	for i in $(seq 0 $((jobs - 1))); do
		IVG_CRASH_SHARD=$i/$jobs bash "$SELF" >"$T/shard$i.log" 2>&1 &
		pids="$pids $!"
	done
	trap 'rc=$?; kill $pids 2>/dev/null || true; wait; (exit $rc); cleanup' EXIT INT TERM
	failed=0
	for p in $pids; do wait "$p" || failed=1; done
	pids=""
	cat "$T"/shard*.log
	[ $failed = 0 ] || die "a process of the walk failed (its output is above)"
	grep -h "^crash points covered:" "$T"/shard*.log | tr ' ' '\n' | grep / |
		awk -F'[:/]' '{ c[$1 "/" $2] += $3; t[$1 "/" $2] = $4 }
			END { for (k in c) printf "%s:%d/%d\n", k, c[k], t[k] }' | sort |
		tr '\n' ' ' | sed 's/^/crash points covered, all processes: /; s/ $/\n/'
	exit 0
fi

VG=tvg
OTHER=ivgother             # the system ID of "another host"
D=d0.img,d1.img,d2.img
IMGS="d0.img d1.img d2.img"
# Small and quick, without the maintenance boot image: it needs a large
# bootlv (boot_faults.sh crashes ivgmkboot's writes of it).
CREATE_ARGS="--no-boot-image -y -s 4m --bootlv-size 4m --bosfs-size 4m --oppfs-size 4m"
EXTENT=4194304

# Warnings the LVM2 format cannot avoid: between the first and the last
# PV's metadata commit some PVs hold the new seqno, some the old one, and
# lvm2 (as ivg) reads the newest. Only the VG's next write repairs them.
MIXED_RE='ignoring metadata seqno|Inconsistent metadata found|See vgck --updatemetadata'
# ivgcreate between writing the PV labels and the VG metadata.
ORPHAN_RE='is marked in use but no VG was found|might need repairing'

# ---- base images: imported (held here), exported, held by another host ---
mkdir -p base/held base/exported base/other
(cd base/held && truncate -s 160m $IMGS && ivgcreate --devices d0.img $CREATE_ARGS $VG $IMGS >/dev/null)
ME=$(ivgs --devices base/held/d0.img,base/held/d1.img,base/held/d2.img --reportformat json | jq -r '.report[0].vg[0].vg_systemid')
[ -n "$ME" ] && [ "$ME" != null ] || die "no system ID on the new VG"
cp --sparse=always base/held/*.img base/exported/
(cd base/exported && ivgexport --devices $D $VG >/dev/null)
mkdir -p other
cat >other/lvm.conf <<CONF
global { system_id_source = "lvmlocal" }
CONF
echo "local { system_id = \"$OTHER\" }" >other/lvmlocal.conf
(cd base/other && truncate -s 160m $IMGS && LVM_SYSTEM_DIR="$T/other" ivgcreate --devices d0.img $CREATE_ARGS $VG $IMGS >/dev/null)
PVOFF=$(part_offset base/held/d0.img 3)
PVSIZE=$(part_size base/held/d0.img 3)
ok "base VGs: held by $ME, exported, held by $OTHER"

# ---- judging ---------------------------------------------------------------
# Loop devices over the PV partitions of d0-d2.img, for the whole test:
# the images keep their inodes (reset_images rewrites them in place), so
# the loops see every new content. lvm2 sees only them, and takes the VGs
# of $OTHER as its own (extra_system_ids).
LOOPS=""
declare -A IMG_OF LOOP_OF
for f in $IMGS; do truncate -s 160m "$f"; done

# Before lvm2 reads: (re)attach the loops (other tests' cleanups may
# detach a loop number they once had), and drop their caches. The
# helpers below avoid forks: a loaded machine makes each one costly.
attach() {
	changed=""
	have=$(losetup -n --raw -O NAME,BACK-FILE,OFFSET)
	for f in $IMGS; do
		l=${LOOP_OF[$f]:-}
		if [ -z "$l" ] || [[ $'\n'"$have"$'\n' != *$'\n'"$l $T/$f $PVOFF"$'\n'* ]]; then
			l=$(loop_file -o "$PVOFF" --sizelimit "$PVSIZE" "$f")
			LOOP_OF[$f]=$l
			changed=1
		fi
	done
	if [ -n "$changed" ]; then
		LOOPS="${LOOP_OF[d0.img]} ${LOOP_OF[d1.img]} ${LOOP_OF[d2.img]}"
		IMG_OF=()
		for f in $IMGS; do IMG_OF[${LOOP_OF[$f]}]=$f; done
		# shellcheck disable=SC2086
		lvm_filter $LOOPS
		echo "local { extra_system_ids = [ \"$OTHER\" ] }" >>"$LVM_SYSTEM_DIR/lvm.conf"
	fi
	# shellcheck disable=SC2086
	blockdev --flushbufs $LOOPS
}

# After lvm2 missed a PV: true if a loop device had gone (and is back).
lost_loop() {
	attach
	[ -n "$changed" ] && echo "  (a loop device of the test was detached by someone; reattached)"
}

# Split lvm2 output $2: BAD = warnings not matching $1 ('' allows none),
# DATA = the report lines, LMIXED=1 if copies of two seqnos were seen.
split_lvm_out() {
	BAD="" DATA="" LMIXED=0
	while IFS= read -r line; do
		case $line in
		*"Activation disabled"*) ;;
		*WARNING*|*"See vgck"*)
			[[ $line =~ $MIXED_RE ]] && LMIXED=1
			if [ -z "$1" ] || ! [[ $line =~ $1 ]]; then BAD="$BAD$line"$'\n'; fi ;;
		*) DATA="$DATA$line"$'\n' ;;
		esac
	done <<<"$2"
}

# What lvm2 sees, as "SEQNO EXPORTED SYSID" or "none", in LSTATE; LMIXED=1
# if it warned about copies of different seqnos. Other warnings (than $1)
# fail the test; vgck must pass (an exported VG: "is exported", exit 5).
lvm2_view() {
	allow=$1
	set +e
	out=$(lvmq vgs --noheadings -o vg_name,vg_seqno,vg_attr,vg_systemid 2>&1)
	rc=$?
	set -e
	[ $rc = 0 ] || die "$WHAT: vgs exit $rc: $out"
	split_lvm_out "$allow" "$out"
	if [ -n "$BAD" ] && lost_loop; then lvm2_view "$allow"; return; fi
	[ -z "$BAD" ] || die "$WHAT: vgs warned: $out"
	mixed=$LMIXED
	read -r name seqno attr sysid <<<"$DATA" || true
	if [ -z "${name:-}" ]; then
		LSTATE=none
		return 0
	fi
	[ "$name" = $VG ] && [ "$(echo -n "$DATA" | wc -l)" = 1 ] || die "$WHAT: vgs sees other VGs: $out"
	exported=-
	[ "${attr:2:1}" = x ] && exported=exported
	LSTATE="$seqno $exported ${sysid:--}"
	set +e
	out=$(lvmq vgck $VG 2>&1)
	rc=$?
	set -e
	split_lvm_out "$allow" "$out"
	if [ -n "$BAD" ] && lost_loop; then lvm2_view "$allow"; return; fi
	[ -z "$BAD" ] || die "$WHAT: vgck warned: $out"
	LMIXED=$((LMIXED | mixed))
	if [ $exported = exported ]; then
		[ $rc = 5 ] && [[ $out == *"Volume group $VG is exported"* ]] ||
			die "$WHAT: vgck on the exported VG: exit $rc: $out"
	else
		[ $rc = 0 ] || die "$WHAT: vgck exit $rc: $out"
	fi
}

# lvm2_view with the loops checked before and after: when another test's
# cleanup detached one meanwhile (its number may even serve another
# file by now), judge again on fresh loops.
lvm2_judge() {
	for try in 1 2 3; do
		attach
		lvm2_view "$1"
		attach
		[ -n "$changed" ] || return 0
		echo "  (a loop device of the test changed under lvm2; judging again)"
	done
	die "$WHAT: the test's loop devices keep going away"
}

# What ivgs sees, in ISTATE (as LSTATE); ISTALE=1 if it reported a stale
# or damaged copy; ILEGS: the boot legs' states.
ivg_view() {
	ISTATE=none ISTALE=0 ILEGS=""
	set +e
	json=$(ivgs --devices $D --reportformat json 2>"$T/ivgs.err")
	rc=$?
	set -e
	IERR=$(<"$T/ivgs.err")
	[ $rc = 0 ] || die "$WHAT: ivgs exit $rc: $IERR"
	[[ $IERR =~ metadata\ copy\ [0-9]+\ is\ (stale|damaged) ]] && ISTALE=1
	v=$(jq -r '.report[0] | if (.vg | length) == 0 then "none" else
		(.vg[0] | "\(.vg_seqno) \(if .vg_exported == "exported" then "exported" else "-" end) \(if .vg_systemid == "" then "-" else .vg_systemid end)")
		+ "|" + ([.pv[].pv_boot_leg] | join(" ")) end' <<<"$json")
	ISTATE=${v%%|*}
	[ "$ISTATE" = none ] || ILEGS=${v#*|}
}

# e2fsck -fn on bosfs and oppfs, read from the images through lvm2's map:
# their leg 0, the one a crash never leaves behind (lvm/rmeta.h).
check_fs() {
	for lv in bosfs oppfs; do
		segs=$(lvmq lvs -a --noheadings --separator : -o devices,seg_size --units b --nosuffix $VG/${lv}_rimage_0 2>/dev/null | tr -d ' ')
		[ "$(echo "$segs" | wc -l)" = 1 ] || die "$WHAT: $lv has several segments: $segs"
		dev=${segs%%:*} size=${segs##*:}
		pv=${dev%%(*} pe=${dev##*(}
		pe=${pe%)}
		img=${IMG_OF[$pv]}
		dd if="$img" of="$T/fs.img" bs=1M skip=$((PVOFF + 1048576 + pe * EXTENT)) \
			count="$size" iflag=skip_bytes,count_bytes status=none
		e2fsck -fn "$T/fs.img" >"$T/fsck.out" 2>&1 || { cat "$T/fsck.out"; die "$WHAT: e2fsck $lv"; }
	done
	for f in $IMGS; do
		t=$(sfdisk -J "$f" | jq -r '[.partitiontable.partitions[].type] | join(",")')
		[ "$t" = "21686148-6449-6E6F-744E-656564454649,C12A7328-F81F-11D2-BA4B-00A0C93EC93B,E6D6D379-F507-44C2-A23C-238F2A3DF928" ] ||
			die "$WHAT: $f partition types: $t"
	done
}

# The VGs here have no boot image (--no-boot-image): a readable leg is
# "none"; "unreadable" or "damaged" is a leg the crash broke.
legs_ok() {
	for leg in $ILEGS; do [[ $leg == *:none ]] || return 1; done
	[ -n "$ILEGS" ]
}

# Judge the images after a crash: sets STATE (old|new), MIXED.
# $1 old state ("none" for ivgcreate), $2 new state, $3 allowed warnings.
judge_crash() {
	old=$1 new=$2 allow=$3
	lvm2_judge "$allow"
	ivg_view
	[ "$LSTATE" = "$ISTATE" ] || die "$WHAT: lvm2 sees '$LSTATE', ivgs '$ISTATE'"
	if [ "$LSTATE" = "$old" ]; then
		STATE=old
	elif [ "$LSTATE" = "$new" ]; then
		STATE=new
	else
		die "$WHAT: state '$LSTATE' is neither the old '$old' nor the new '$new'"
	fi
	# Copies of two seqnos: lvm2 and ivg both read the newest, the new state.
	if [ $LMIXED = 1 ]; then
		[ $STATE = new ] && [ $ISTALE = 1 ] || die "$WHAT: lvm2 saw mixed copies, ivg stale=$ISTALE, state $STATE"
	fi
	[ "$LSTATE" = none ] || legs_ok || die "$WHAT: boot legs $ILEGS"
	if [ "$LSTATE" != none ] && [ "$CMD" = create ]; then check_fs; fi
	MIXED=$ISTALE
}

# The final state: $1 exported flag and system ID wanted, seqno at least
# $2; no warnings at all, every copy current.
judge_final() {
	want=$1 minseq=$2
	lvm2_judge ''
	ivg_view
	[ $ISTALE = 0 ] || die "$WHAT: stale copies left: $IERR"
	[ "$LSTATE" = "$ISTATE" ] || die "$WHAT: lvm2 sees '$LSTATE', ivgs '$ISTATE'"
	[ "${LSTATE#* }" = "$want" ] && [ "${LSTATE%% *}" -ge "$minseq" ] ||
		die "$WHAT: final state '$LSTATE', wanted '$want' with seqno >= $minseq"
	legs_ok || die "$WHAT: boot legs $ILEGS"
	[ "$CMD" != create ] || check_fs
}

# ---- the walk ----------------------------------------------------------------
# run_cmd: the command under test, in $T, with IVG_TEST_FAULT from $1.
run_cmd() {
	case $CMD in
	create) IVG_TEST_FAULT=$1 ivgcreate --devices d0.img $CREATE_ARGS $VG $IMGS ;;
	export) IVG_TEST_FAULT=$1 ivgexport --devices $D $VG ;;
	import) IVG_TEST_FAULT=$1 ivgimport --devices $D $VG ;;
	takeover) IVG_TEST_FAULT=$1 ivgimport -f --devices $D $VG ;;
	esac
}

# The images before the command, written in place (same inodes).
reset_images() {
	case $CMD in
	create) truncate -s 0 $IMGS && truncate -s 160m $IMGS ;;
	export) cp --sparse=always base/held/*.img . ;;
	import) cp --sparse=always base/exported/*.img . ;;
	takeover) cp --sparse=always base/other/*.img . ;;
	esac
}

# The states before and after, and what a second run leaves.
set_states() {
	case $CMD in
	create) OLD=none NEW="1 - $ME" FINAL="- $ME" SEQ=1 ;;
	export) OLD="1 - $ME" NEW="2 exported -" FINAL="exported -" SEQ=2 ;;
	import) OLD="2 exported -" NEW="3 - $ME" FINAL="- $ME" SEQ=3 ;;
	takeover) OLD="1 - $OTHER" NEW="2 - $ME" FINAL="- $ME" SEQ=2 ;;
	esac
}

# Count the command's write and sync points (a fault it never reaches).
count_points() {
	reset_images
	run_cmd 1000000:exit 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p'
}

REFUSED=0

# After a crash: run the command again; it must complete, or refuse as
# its change is done (ivgcreate: the VG exists; ivgexport: it is exported),
# and then the next command, ivgimport, completes and leaves every copy
# current.
rerun() {
	set +e
	out=$(run_cmd "" 2>&1)
	rc=$?
	set -e
	if [ $rc = 0 ]; then
		judge_final "$FINAL" $SEQ
		return 0
	fi
	if [ $CMD = create ] && [ "$STATE" = new ] && [ $rc = 5 ] &&
	   echo "$out" | grep -q "is a PV of volume group \"$VG\""; then
		# The VG exists: ivgcreate refuses; ivgimport rolls it forward.
		REFUSED=$((REFUSED + 1))
		out=$(ivgimport --devices $D $VG 2>&1) || die "$WHAT: ivgimport after the crash: $out"
		judge_final "$FINAL" $SEQ
		return 0
	fi
	if [ $CMD = export ] && [ "$STATE" = new ] && [ $rc = 5 ] &&
	   echo "$out" | grep -q "already exported"; then
		REFUSED=$((REFUSED + 1))
		out=$(ivgimport --devices $D $VG 2>&1) || die "$WHAT: ivgimport after the crash: $out"
		judge_final "- $ME" $((SEQ + 1))
		return 0
	fi
	die "$WHAT: running it again: exit $rc: $out"
}

# crash_at N MODE: run the command with a fault at N; 1 when it completed.
crash_at() {
	n=$1 mode=$2
	WHAT="$CMD, $mode at $n"
	reset_images
	set +e
	out=$(run_cmd "$n:$mode" 2>&1)
	rc=$?
	set -e
	if [ $rc = 0 ] && [[ $out == *"IVG_TEST_FAULT: "*" points"* ]]; then
		return 1        # done before point n
	fi
	if [ $rc = 0 ]; then
		# An error the command got over: libext2fs writes zeroes
		# block by block where a zeroout failed. The result must be
		# the new state, whole.
		[ $mode != exit ] || die "$WHAT: exit 0 after the crash point: $out"
		RECOVERED=$((RECOVERED + 1))
		judge_final "$FINAL" $SEQ
		return 0
	fi
	case $mode in
	exit) [ $rc = 99 ] || die "$WHAT: exit $rc, not the crash's 99: $out" ;;
	*) [ $rc = 5 ] || die "$WHAT: exit $rc, not 5: $out"
	   echo "$out" | grep -q "injected" || die "$WHAT: the error does not name the injected fault: $out" ;;
	esac
	allow=$MIXED_RE
	[ $CMD = create ] && allow="$MIXED_RE|$ORPHAN_RE"
	judge_crash "$OLD" "$NEW" "$allow"
	[ $STATE = old ] && OLDS=$((OLDS + 1)) || NEWS=$((NEWS + 1))
	[ "$MIXED" = 0 ] || MIXEDS=$((MIXEDS + 1))
	rerun
	return 0
}

# walk CMD MODE POINT...: crash at each point: N, "end-K" (the Kth last
# write or sync; a commit's last 5 per PV are its metadata commit), or
# "all" (1, 2, ... until the command completes without reaching N).
# IVG_CRASH_SHARD=i/n (0 <= i < n) takes every nth point from the ith, to
# split a slow walk over n runs.
declare -A TOTAL
shard=${IVG_CRASH_SHARD:-0/1}
shards=${shard#*/}
shard=${shard%/*}
walk() {
	CMD=$1 mode=$2
	shift 2
	# IVG_CRASH_CMDS="create ...": walk only these commands (to split a run).
	[[ " ${IVG_CRASH_CMDS:-$CMD} " == *" $CMD "* ]] || return 0
	set_states
	OLDS=0 NEWS=0 MIXEDS=0 REFUSED=0 RECOVERED=0 covered=0
	[ -n "${TOTAL[$CMD]:-}" ] || TOTAL[$CMD]=$(count_points)
	total=${TOTAL[$CMD]}
	[ -n "$total" ] && [ "$total" -gt 0 ] || die "$CMD: no write points counted"
	start=$(date +%s)
	if [ "$1" = all ]; then
		set -- $(seq 1 "$total")
		# ... and past the last point, the command completes.
		[ "$shard" != 0 ] || ! crash_at $((total + 1)) "$mode" ||
			die "$CMD: point $((total + 1)) reached, but counted $total"
	fi
	k=0
	for n in "$@"; do
		k=$((k + 1))
		[ $(((k - 1) % shards)) = "$shard" ] || continue
		case $n in end-*) n=$((total - ${n#end-})) ;; esac
		crash_at "$n" "$mode" || die "$CMD: point $n of $total not reached"
		covered=$((covered + 1))
	done
	ok "$CMD ($mode): $covered of $total crash points covered ($OLDS old state, $NEWS new, $MIXEDS with stale or empty copies, $REFUSED rolled forward by ivgimport, $RECOVERED errors got over) in $(( $(date +%s) - start ))s"
	COVERED="$COVERED $CMD/$mode:$covered/$total"
}

# ALL: 1 .. the number of points of command $1.
every() {
	CMD=$1 ALL=""
	[[ " ${IVG_CRASH_CMDS:-$CMD} " == *" $CMD "* ]] || return 0
	[ -n "${TOTAL[$CMD]:-}" ] || TOTAL[$CMD]=$(count_points)
	ALL=$(seq 1 "${TOTAL[$CMD]}")
}

COVERED=""
if [ -n "${IVG_SLOW:-}" ]; then
	for c in export import takeover; do
		walk $c exit all
		every $c
		walk $c tear $ALL
		walk $c fail $ALL
	done
	walk create tear 1 2 3 100 $(seq -f end-%g 0 16)
	walk create fail 1 2 3 100 end-16 end-14 end-9 end-5 end-4 end-3
	walk create exit all
else
	# The representative: the telling points of each commit (before
	# any write; precommitted everywhere; one PV committed; done),
	# ivgcreate's PV labels without metadata, a torn and a failed write.
	walk export exit 1 end-5 end-4 end-0
	walk create exit 1 end-16 end-4
	# d0.img's primary GPT torn (points 1-2: the backup table, 4: the
	# sync), then a torn write into its new ESP (libfdisk and mformat
	# write a scratch copy; the sectors that differ come through here).
	walk create tear 3 6
	walk import exit end-4
	walk takeover exit end-4
	walk export tear end-5
	walk import fail end-3
fi
echo "crash points covered:$COVERED"
