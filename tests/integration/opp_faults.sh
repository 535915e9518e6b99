#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash oppadd, opprm and opptoc --rebuild at every device write and sync
# (IVG_TEST_FAULT="N:exit|fail", the tests-only hook of the ivg binary),
# and kill oppadd with SIGKILL at random moments, then judge what is left,
# as readers on other machines would see it:
# - no leg of a raid1 LV that its rmeta calls in sync differs from the
#   others (ivgs --check: a leg a crash left behind is marked, never
#   "mismatched");
# - opplist either lists the old repository or the new one, each with the
#   generation the VG metadata records, or (after a crash) says the TOC is
#   stale or torn; it never lists a TOC that does not match the metadata;
#   a command that fails without crashing ("fail") leaves the old or the
#   new repository, never a torn TOC (what it wrote is rolled back);
# - after opptoc --rebuild (when stale) and one completed oppadd, oppck
#   finds every image as its TOC says and no space that no file uses, and
#   e2fsck -fn finds oppfs clean: whatever the crash left (files in
#   staging, bitmaps half flushed) was given back by that write.
# IVG_SLOW=1 walks every point of both modes; otherwise about 12 points
# spread over each command, always including the last ones (the commit).
# slow-part: every crash point in both modes (make check: about 12 points per command)
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v dpkg-deb >/dev/null || { echo "needs dpkg-deb"; exit 77; }
D=d0.img,d1.img
mkdeb() {
	local d=$T/src/$1
	mkdir -p "$d/DEBIAN" "$d/opt/$1"
	head -c $(( ${3:-3000} )) /dev/urandom >"$d/opt/$1/blob"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: %s\n' \
		"$1" "$2" "$1" >"$d/DEBIAN/control"
	dpkg-deb -Znone --build "$d" "$T/$1.deb" >/dev/null
}
mkdeb alpha 1 6000
mkdeb beta 1 9000
mkdeb gamma 1
mkdeb delta 1
mkdir base
(cd base && ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 16m \
	--oppfs-size 16m optvg d0.img d1.img >/dev/null && oppadd --devices $D optvg ../alpha.deb >/dev/null)
# oppfs's leg 0 (on d0.img), the leg a crash never leaves behind.
pe=$(ivgs -a --devices base/d0.img,base/d1.img --reportformat json | jq -r '.report[0].lv[] | select(.lv_name == "[oppfs_rimage_0]") | .devices' | sed 's/.*(\(.*\))/\1/')
OFF=$(( $(part_offset base/d0.img 3) + 1048576 + pe * 4194304 ))

restore() { cp --sparse=always base/d0.img base/d1.img .; }
points() {   # how many write/sync points the command has
	restore
	IVG_TEST_FAULT=1000000:fail "$@" 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p'
}

# The state after a crash, as a reader sees it: "old", "new" or "stale".
judge() {   # OLDLIST NEWLIST
	local out rc list legs
	legs=$(ivgs --devices $D --check --reportformat json optvg 2>/dev/null |
		jq -r '[.report[0].lv[] | select(.copies != "") | .lv_name + "=" + .leg_states] | join(" ")')
	[ -n "$legs" ] && [[ $legs != *mismatched* ]] ||
		die "after a crash a leg in sync differs from the others (or ivgs failed): '$legs'"
	set +e
	out=$(opplist --devices $D --reportformat json optvg 2>judge.err)
	rc=$?
	set -e
	if [ $rc != 0 ]; then
		grep -q "stale or torn" judge.err || die "opplist after a crash failed otherwise: $(cat judge.err)"
		echo stale
		return
	fi
	list=$(echo "$out" | jq -r '[.report[0].opp[].opp_name] | join(" ")')
	case "$list" in
	"$1") echo old ;;
	"$2") echo new ;;
	*) die "opplist shows '$list': neither '$1' nor '$2'" ;;
	esac
}

# Recover as an operator would, then use the repository again.
recover() {
	local l
	[ "$1" = stale ] && { opptoc --rebuild --devices $D optvg >/dev/null 2>&1 || die "rebuild after a crash"; }
	oppadd --devices $D --replace optvg delta.deb >add.out 2>&1 || die "oppadd after a crash ($1): $(cat add.out)"
	# Images named before the crash but not in the TOC are reported; no
	# space may be left that no file uses.
	oppck --devices $D optvg >ck.out 2>&1 || grep -q "not in the TOC" ck.out ||
		die "oppck after a crash and recovery: $(cat ck.out)"
	! grep -q "interrupted command\|no name reaches\|no file holds" ck.out ||
		die "oppck finds space no file uses after a crash and one completed oppadd: $(cat ck.out)"
	fsck_clean "after a crash ($1) and one completed oppadd"
}

# e2fsck of oppfs (read-only, through a loop over its extents) finds nothing.
fsck_clean() {
	local l rc=0
	l=$(loop_file -r -o $OFF --sizelimit $((16 << 20)) d0.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || rc=$?
	losetup -d "$l"
	[ $rc = 0 ] || die "e2fsck finds oppfs damaged $1: $(cat fsck.out)"
}

walk() {   # MODE OLDLIST NEWLIST COMMAND...
	local mode=$1 old=$2 new=$3 k n step seen=""
	shift 3
	n=$(points "$@")
	[ -n "$n" ] && [ "$n" -gt 5 ] || die "no fault points counted for $*"
	step=$(( n / 12 > 1 ? n / 12 : 1 ))
	[ -n "${IVG_SLOW:-}" ] && step=1
	for ((k = n; k >= 1; k -= step)); do
		restore
		set +e
		IVG_TEST_FAULT=$k:$mode "$@" >/dev/null 2>&1
		set -e
		s=$(judge "$old" "$new")
		[ "$mode" = exit ] || [ "$s" != stale ] ||
			die "$* failed (a write failed at point $k) and left the TOC torn"
		seen="${seen:+$seen }$s"
		recover "$s"
	done
	ok "$* crashed ($mode) at $(( (n + step - 1) / step )) of $n points: readers saw$(echo "$seen" | tr ' ' '\n' | sort | uniq -c | awk '{printf " %s %s", $2, $1}'); recovered every time"
}

for mode in exit fail; do
	walk $mode "alpha" "alpha beta" oppadd --devices $D optvg beta.deb
	walk $mode "alpha" "alpha gamma" oppadd --devices $D --replace optvg gamma.deb
	walk $mode "alpha" "" opprm --devices $D optvg alpha
	walk $mode "alpha" "alpha" opptoc --rebuild --devices $D optvg
done

# SIGKILL at random moments: whatever is left, the next write gives back.
mkdeb big 1 4000000
restore
kills=$(kill_at_random 30 oppadd --devices $D --replace optvg big.deb)
[ $kills -ge 10 ] || die "only $kills of 30 oppadd runs were killed before they completed"
s=$(judge "alpha" "alpha big")
recover "$s"
ok "oppadd killed (SIGKILL) $kills times at random moments, then one oppadd: oppck finds no space left behind, e2fsck finds oppfs clean"

# The disk image's own filesystem full (ENOSPC) halfway through an oppadd:
# refused, the repository as it was (never a torn TOC), nothing left in
# oppfs; once there is room, the same oppadd completes.
mkdir full && mount -t tmpfs -o size=24m tmpfs full
(cd full && ivgcreate -y --no-boot-image --devices e.img --size 160m --bootlv-size 16m --bosfs-size 16m \
	--oppfs-size 16m evg e.img >/dev/null && oppadd --devices e.img evg ../alpha.deb >/dev/null) || die "IVG on the tmpfs"
fallocate -l $(($(df --output=avail -B1 full | tail -1) - 1500000)) full/filler
expect_fail 5 'evg/oppfs: pool/big_1_all\.deb: cannot write: .*e\.img: write at [0-9]+ failed: No space left on device' \
	oppadd --devices full/e.img evg big.deb
[ "$(opplist --devices full/e.img --reportformat json evg | jq -r '[.report[0].opp[].opp_name] | join(" ")')" = alpha ] ||
	die "opplist after ENOSPC: $(opplist --devices full/e.img evg 2>&1)"
oppck --devices full/e.img evg >ck.out 2>&1 || die "oppck after ENOSPC: $(cat ck.out)"
rm full/filler
oppadd --devices full/e.img evg big.deb >/dev/null || die "oppadd once there is room"
oppck --devices full/e.img evg >ck.out 2>&1 || die "oppck: $(cat ck.out)"
ok "ENOSPC on the disk image during oppadd: refused, the old TOC and images stand, oppck clean; with room it completes"
