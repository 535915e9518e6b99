#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Space in oppfs and bosfs that no file uses (issue 17), and giving it back:
# - an oppadd or bosadd stopped halfway (IVG_TEST_FAULT exit) leaves files
#   in the staging directory; oppck reports them as a problem, boslist as
#   a warning, with their size;
# - inodes in use that no name reaches and blocks marked in use that no
#   file holds (made here with debugfs, as an older ivg's crash or another
#   tool leaves them) are reported the same way, as e2fsck finds them;
# - mounted, oppadd gives back only what mounted writes staged; the rest
#   waits for the next write without the mount;
# - oppck --repair and bosrm --orphans give it all back: without a
#   terminal and without -y they refuse, say to use -y and write nothing;
#   with -y oppck and boslist are clean after, and so is e2fsck -fn.
. "$(dirname "$0")/../lib.sh"
cd "$T"
for t in dpkg-deb debugfs e2fsck jq; do command -v $t >/dev/null || { echo "needs $t"; exit 77; }; done
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m \
	wvg d0.img >/dev/null
D=d0.img
mkdir -p src/DEBIAN src/opt/a && head -c 400000 /dev/urandom >src/opt/a/blob &&
	printf 'Package: a\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: a\n' >src/DEBIAN/control &&
	dpkg-deb -Znone --build src a.deb >/dev/null
mkdir -p tree/etc && head -c 300000 /dev/urandom >tree/etc/blob && tar -czf t.tgz -C tree .
oppadd --devices $D wvg a.deb >/dev/null || die "oppadd"
bosadd --devices $D wvg t t.tgz >/dev/null || die "bosadd"

# Where an LV's leg 0 lies in d0.img (bosfs and oppfs are raid1, with one
# leg here; the leg is linear, one segment).
lv_off() {
	local pe
	pe=$(ivgs -a --devices $D --reportformat json |
		jq -r ".report[0].lv[] | select(.lv_name == \"[$1_rimage_0]\") | .devices" |
		sed 's/.*(\(.*\))/\1/')
	echo $(($(part_offset d0.img 3) + 1048576 + pe * 4194304))
}
OPPFS=$(lv_off oppfs) BOSFS=$(lv_off bosfs)
fsck_lv() {   # OFFSET: e2fsck -fn, output in fsck.out
	local l rc=0
	l=$(loop_file -r -o "$1" --sizelimit $((16 << 20)) d0.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || rc=$?
	losetup -d "$l"
	return $rc
}
# An inode no name reaches (a file written and its name removed, as
# debugfs's unlink leaves it) and ten blocks marked in use by no one.
waste() {   # OFFSET
	local l
	l=$(loop_file -o "$1" --sizelimit $((16 << 20)) d0.img)
	debugfs -w -R "write tree/etc/blob lost" "$l" >/dev/null 2>&1
	debugfs -w -R "unlink lost" "$l" >/dev/null 2>&1
	debugfs -w -R "setb 12000 10" "$l" >/dev/null 2>&1
	LEAK=$((10 * $(dumpe2fs -h "$l" 2>/dev/null | awk '/^Block size:/ { print $3 }') / 1024))
	losetup -d "$l"
	! fsck_lv "$1" || die "debugfs made no waste"
}

# A command stopped two thirds into its writes leaves files in staging.
half() {   # COMMAND...
	local n
	cp --sparse=always d0.img keep.img
	n=$(IVG_TEST_FAULT=1000000:fail "$@" 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p')
	cp --sparse=always keep.img d0.img
	[ -n "$n" ] || die "no fault points counted for $*"
	IVG_TEST_FAULT=$((n * 2 / 3)):exit "$@" >/dev/null 2>&1 && die "$* was not stopped"
	return 0
}
mkdir -p src/opt/a && head -c 400000 /dev/urandom >src/opt/a/blob && dpkg-deb -Znone --build src a2.deb >/dev/null
# How many files a stop leaves depends on where it falls (the TOC, the
# package, a leg mark): at least one.
half oppadd --devices $D --replace wvg a2.deb
expect_fail 5 "wvg/oppfs/\\.ivg-staging: [1-9][0-9]* file\\(s\\), [0-9]+ KiB, left by an interrupted command" oppck --devices $D wvg
ok "an oppadd stopped halfway: oppck reports what it left in staging"
# A stop between the new TOC and the commit leaves it stale: the operator
# rebuilds it first (opp_faults.sh recovers the same way).
if oppck --devices $D wvg 2>&1 | grep -q "stale or torn"; then
	opptoc --rebuild --devices $D wvg >/dev/null || die "opptoc --rebuild after the stop"
fi
oppadd --devices $D --replace wvg a.deb >/dev/null || die "oppadd after the stop"
oppck --devices $D wvg >/dev/null || die "oppck after the next oppadd: $(oppck --devices $D wvg 2>&1)"
fsck_lv "$OPPFS" || die "e2fsck of oppfs after the next oppadd: $(cat fsck.out)"
ok "the next oppadd gives it back: oppck and e2fsck -fn clean"

# Mounted, the kernel's side gives back only what a mounted write staged
# ('k' names): a name a write through libext2fs left ('e') may point at an
# inode whose count or blocks the kernel must not act on, and waits for
# the next write without the mount.
M=$T/mnt
ivgimport -m "$M" --devices $D wvg >/dev/null || die "ivgimport -m"
echo left >"$M/opp/.ivg-staging/e1-0.new"
echo left >"$M/opp/.ivg-staging/k1-0.new"
oppadd --devices $D --replace wvg a.deb >/dev/null || die "oppadd on the mount"
[ "$(ls "$M/opp/.ivg-staging")" = e1-0.new ] || die "staging after a mounted oppadd: $(ls -la "$M/opp/.ivg-staging")"
expect_fail 5 "\\.ivg-staging: 1 file\\(s\\)" oppck --devices $D wvg
ivgexport --devices $D wvg >/dev/null || die "ivgexport"
oppadd --devices $D --replace wvg a.deb >/dev/null || die "oppadd after the export"
oppck --devices $D wvg >/dev/null || die "oppck: $(oppck --devices $D wvg 2>&1)"
fsck_lv "$OPPFS" || die "e2fsck of oppfs: $(cat fsck.out)"
ok "a mounted oppadd gives back only what mounted writes staged; the next write without the mount gives back the rest; e2fsck -fn clean"

waste "$OPPFS"
expect_fail 5 'wvg/oppfs: 1 inode\(s\) in use that no name reaches, 29[0-9] KiB' oppck --devices $D wvg
expect_fail 5 "wvg/oppfs: $LEAK KiB of blocks marked in use that no file holds" oppck --devices $D wvg
sums d0.img >before.sum
expect_fail 5 'oppck --repair: not done: not asked without a terminal \(use -y to answer yes\)' oppck --repair --devices $D wvg </dev/null
sums -c --quiet before.sum || die "oppck --repair without -y wrote"
out=$(oppck --repair -y --devices $D wvg 2>&1) || die "oppck --repair -y: $out"
echo "$out" | grep -q "KiB given back (1 inode(s) no name reached, $LEAK KiB of blocks no file held)" ||
	die "oppck --repair -y said: $out"
oppck --devices $D wvg >/dev/null 2>&1 || die "oppck after --repair: $(oppck --devices $D wvg 2>&1)"
fsck_lv "$OPPFS" || die "e2fsck of oppfs after oppck --repair: $(cat fsck.out)"
opplist --devices $D wvg | grep -q "^ *a  " || die "opplist after the repair: $(opplist --devices $D wvg 2>&1)"
ok "oppck reports an inode no name reaches and blocks no file holds; --repair needs -y here and gives them back; e2fsck -fn clean"

# bosfs: the same through boslist and bosrm --orphans (the waste made
# first: debugfs does not give back what staging holds before it writes).
waste "$BOSFS"
half bosadd --devices $D --replace wvg t t.tgz
boslist --devices $D wvg 2>list.err >/dev/null || die "boslist: $(cat list.err)"
# Where the stop falls decides what is left: a file in staging, or an
# image written that no manifest names yet.
grep -Eq "wvg/bosfs: 1 file\(s\), [0-9]* KiB, left in .ivg-staging by an interrupted command|wvg/bosfs: images/t\.[A-Za-z0-9]+ is named by no manifest \(an orphan left by an interrupted command" list.err ||
	die "boslist after a bosadd stopped halfway: $(cat list.err)"
ok "a bosadd stopped halfway: boslist warns of what it left (in staging, or an image no manifest names)"
grep -q "wvg/bosfs: 1 inode(s) in use that no name reaches" list.err &&
	grep -q "wvg/bosfs: $LEAK KiB of blocks marked in use that no file holds" list.err ||
	die "boslist does not report the waste: $(cat list.err)"
sums d0.img >before.sum
expect_fail 5 'bosrm --orphans: not done: not asked without a terminal \(use -y to answer yes\)' bosrm --orphans --devices $D wvg </dev/null
sums -c --quiet before.sum || die "bosrm --orphans without -y wrote"
out=$(bosrm --orphans -y --devices $D wvg 2>&1) || die "bosrm --orphans -y: $out"
echo "$out" | grep -q "KiB given back (1 inode(s) no name reached)" || die "bosrm --orphans -y said: $out"
boslist --devices $D wvg 2>list.err >/dev/null || die "boslist after bosrm --orphans"
[ ! -s list.err ] || die "boslist warns after bosrm --orphans: $(cat list.err)"
fsck_lv "$BOSFS" || die "e2fsck of bosfs after bosrm --orphans: $(cat fsck.out)"
out=$(bosrm --orphans --devices $D wvg 2>&1) || die "bosrm --orphans with nothing to do: $out"
echo "$out" | grep -q 'Nothing to give back' || die "bosrm --orphans with nothing to do said: $out"
ok "boslist warns of staging, an inode no name reaches and blocks no file holds; bosrm --orphans needs -y here, gives them back; e2fsck -fn clean"
