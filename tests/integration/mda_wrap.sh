#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Metadata text that wraps around the end of the circular buffer is read
# by ivg and by lvm2, whichever side wrote it.
. "$(dirname "$0")/../lib.sh"
cd "$T"

ivgcreate -y --no-boot-image --devices d0.img -s 256k --size 160m --bootlv-size 8m --bosfs-size 8m --oppfs-size 8m \
	tvg d0.img d1.img >/dev/null
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img)
lvm_filter "$L0" "$L1"
DEVS="$L0,$L1"

# Grow the text to ~90 KiB: many small LVs through vgcfgrestore.
lvmq vgcfgbackup -f "$T/vg.txt" tvg >/dev/null 2>&1
python3 - "$T/vg.txt" <<'PY'
import sys, random, string
p = sys.argv[1]; s = open(p).read()
def uid():
    a = string.ascii_letters + string.digits
    u = ''.join(random.choice(a) for _ in range(32))
    return '-'.join([u[0:6], u[6:10], u[10:14], u[14:18], u[18:22], u[22:26], u[26:32]])
def lv(i):
    pv, pe = ("pv1", 100 + i) if i < 200 else ("pv0", 100 + i - 200)
    return ('lv%03d {\nid = "%s"\nstatus = ["READ", "WRITE", "VISIBLE"]\nflags = []\n'
            'segment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 1\n'
            'type = "striped"\nstripe_count = 1\nstripes = [\n"%s", %d\n]\n}\n}\n') % (i, uid(), pv, pe)
i = s.index('logical_volumes {') + len('logical_volumes {\n')
open(p, 'w').write(s[:i] + ''.join(lv(i) for i in range(400)) + s[i:])
PY
lvmq vgcfgrestore -f "$T/vg.txt" tvg >/dev/null 2>&1 || die "vgcfgrestore"
NLV=415    # 400 and bootlv, bosfs, oppfs with two legs each (rimage, rmeta)
AREA=1044480

# Committed copy of the first PV: offset and size.
locn() { lvmq pvck --dump headers "$L0" 2>&1 | sed -n "s/.*raw_locn\[0\].$1 \([0-9]*\)/\1/p" | head -1; }
size=$(locn size)
[ "$size" -gt 80000 ] || die "metadata only $size bytes"
ok "metadata text is $size bytes"

exported() { lvmq vgs --noheadings -o vg_attr tvg 2>/dev/null | tr -d ' ' | cut -c3 | grep -q x; }
check_both() {
	out=$(lvmq pvck --dump headers "$L0" 2>&1)
	echo "$out" | grep -q CHECK && die "pvck after $1: $out"
	# vgck and lvs refuse exported VGs; vgs reads them.
	if exported; then
		lvmq vgs tvg >/dev/null 2>&1 || die "vgs after $1"
	else
		lvmq vgck tvg >/dev/null 2>&1 || die "vgck after $1"
	fi
	n=$(ivgs -a --devices "$DEVS" --reportformat json | jq '.report[0].lv | length')
	[ "$n" = $NLV ] || die "ivgs sees $n LVs after $1"
}
ivg_commit() {
	if exported; then ivgimport --devices "$DEVS" tvg >/dev/null; else ivgexport --devices "$DEVS" tvg >/dev/null; fi
}
lvm_commit() {
	if exported; then lvmq vgimport tvg >/dev/null 2>&1; else lvmq vgchange --addtag "t$1" tvg >/dev/null 2>&1; fi
}

# Commit until each side has written a copy that wraps, choosing the
# writer of the next (predicted) wrapping copy, and alternating otherwise.
ivg_wraps=0 lvm_wraps=0 turn=0
for i in $(seq 1 60); do
	off=$(locn offset); sz=$(locn size)
	next=$(( (off + sz + 511) / 512 * 512 ))
	wraps_next=0
	[ $((next + sz + 600)) -gt $AREA ] && [ $next -lt $((AREA - 512)) ] && wraps_next=1
	if [ $wraps_next = 1 ]; then
		[ $ivg_wraps = 0 ] && who=ivg || who=lvm
	else
		turn=$((1 - turn)); [ $turn = 1 ] && who=ivg || who=lvm
	fi
	if [ $who = ivg ]; then ivg_commit || die "ivg commit $i"; else lvm_commit "$i" || die "lvm2 commit $i"; fi
	off=$(locn offset); sz=$(locn size)
	if [ $((off + sz)) -gt $AREA ]; then
		echo "  $who wrote a wrapping copy: offset $off size $sz"
		[ $who = ivg ] && ivg_wraps=$((ivg_wraps + 1)) || lvm_wraps=$((lvm_wraps + 1))
	fi
	check_both "$who commit $i"
	[ $ivg_wraps -ge 1 ] && [ $lvm_wraps -ge 1 ] && break
done
[ $ivg_wraps -ge 1 ] || die "ivg never wrote a wrapping copy"
[ $lvm_wraps -ge 1 ] || die "lvm2 never wrote a wrapping copy"
ok "wrapped copies by ivg ($ivg_wraps) and by lvm2 ($lvm_wraps) are read by both"
