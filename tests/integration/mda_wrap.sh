#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Metadata text that wraps around the end of the circular buffer is read
# by ivg and by lvm2, whichever side wrote it.
. "$(dirname "$0")/../lib.sh"
cd "$T"

ivgcreate -y --devices d0.img -s 256k --size 160m --bootlv-size 8m --bosfs-size 8m --oppfs-size 8m \
	tvg d0.img d1.img >/dev/null
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img)
lvm_filter "$L0" "$L1"
DEVS="$L0,$L1"

# Grow the text to ~70 KiB: many small LVs through vgcfgrestore.
lvmq vgcfgbackup -f "$T/vg.txt" tvg >/dev/null 2>&1
python3 - "$T/vg.txt" <<'PY'
import sys, random, string
p = sys.argv[1]; s = open(p).read()
def uid():
    a = string.ascii_letters + string.digits
    u = ''.join(random.choice(a) for _ in range(32))
    return '-'.join([u[0:6], u[6:10], u[10:14], u[14:18], u[18:22], u[22:26], u[26:32]])
lvs = ''.join('lv%03d {\nid = "%s"\nstatus = ["READ", "WRITE", "VISIBLE"]\nflags = []\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 1\ntype = "striped"\nstripe_count = 1\nstripes = [\n"pv1", %d\n]\n}\n}\n' % (i, uid(), 40 + i) for i in range(0, 220))
i = s.index('logical_volumes {') + len('logical_volumes {\n')
open(p, 'w').write(s[:i] + lvs + s[i:])
PY
lvmq vgcfgrestore -f "$T/vg.txt" tvg >/dev/null 2>&1 || die "vgcfgrestore"
size=$(lvmq pvck --dump headers "$L0" 2>/dev/null | sed -n 's/.*raw_locn\[0\].size \([0-9]*\)/\1/p' | head -1)
[ "$size" -gt 40000 ] || die "metadata only $size bytes"
ok "metadata text is $size bytes"

wraps=0
check_both() {
	out=$(lvmq pvck --dump headers "$L0" 2>&1)
	echo "$out" | grep -q CHECK && die "pvck after $1: $out"
	off=$(echo "$out" | sed -n 's/.*raw_locn\[0\].offset \([0-9]*\)/\1/p' | head -1)
	sz=$(echo "$out" | sed -n 's/.*raw_locn\[0\].size \([0-9]*\)/\1/p' | head -1)
	[ $((off + sz)) -gt 1044480 ] && wraps=$((wraps + 1)) && echo "  wrapped after $1 (offset $off size $sz)"
	lvmq vgck tvg >/dev/null 2>&1 || die "vgck after $1"
	n=$(ivgs -a --devices "$DEVS" --reportformat json | jq '.report[0].lv | length')
	[ "$n" = 227 ] || die "ivgs sees $n LVs after $1"
}
for i in $(seq 1 16); do
	if [ $((i % 2)) = 0 ]; then
		lvmq vgchange --addtag t$i tvg >/dev/null 2>&1 || die "lvm2 commit $i"
		check_both "lvm2 commit $i"
	else
		ivgexport --devices "$DEVS" tvg >/dev/null || die "ivgexport $i"
		ivgimport --devices "$DEVS" tvg >/dev/null || die "ivgimport $i"
		check_both "ivg commits $i"
	fi
done
[ "$wraps" -ge 2 ] || die "the text wrapped only $wraps times"
ok "texts wrapped $wraps times; lvm2 and ivg read each other's copies every time"
