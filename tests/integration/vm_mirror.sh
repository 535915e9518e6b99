#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The image LVs' mirrors under device-mapper (a QEMU guest), judged by
# stock lvm2 and dm-raid: the legs of bosfs and oppfs that a crashed ivg
# write left behind are marked in their rmeta (lvm/rmeta.h), and dm-raid
# takes them so: activated by lvm2 (vgchange -ay) or ivg (ivgchange -a y),
# the LV reads as its leg 0 at once and every leg ends in sync ("AAA")
# holding leg 0's bytes. Twice: first with no dm-raid superblock yet (ivg's
# own mark: dm-raid resyncs a new array from leg 0), then, after dm-raid
# wrote its superblocks, with disk_recovery_offset 0 (dm-raid recovers the
# marked legs). The crashes are real: IVG_TEST_FAULT stops bosadd on the
# host, then bosrm in the guest, between its marks and its clearing.
. "$(dirname "$0")/../lib.sh"
vm_harness_or_skip
export TMPDIR=$T
cd "$T"
IMGS="d0.img d1.img d2.img"
D=d0.img,d1.img,d2.img
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 8m --bosfs-size 32m --oppfs-size 16m \
	tvg $IMGS >/dev/null
mkdir -p src/etc && head -c 3M /dev/urandom >src/etc/blob && tar czf a.tgz -C src .
head -c 2M /dev/urandom >src/etc/blob2 && tar czf b.tgz -C src .
bosadd --devices $D tvg first a.tgz >/dev/null || die "bosadd"
bosadd --devices $D tvg third a.tgz >/dev/null || die "bosadd"

# bosadd of a second image, stopped between the marks and their clearing
# at leg 1's share of its first write that changes bosfs: the first write
# point that leaves leg 0 (never marked) with new bytes. Earlier points
# write bytes the legs already hold, so the point is found by crashing at
# each in turn on copies of the disks.
for i in 0 1 2; do cp --sparse=always d$i.img s$i.img; done
n=0
while :; do
	n=$((n + 1))
	[ $n -le 300 ] || die "no crash point of bosadd changed leg 0 of bosfs"
	for i in 0 1 2; do cp --sparse=always s$i.img d$i.img; done
	set +e
	IVG_TEST_FAULT=$n:exit bosadd --devices $D tvg second b.tgz >crash.out 2>&1
	rc=$?
	set -e
	[ $rc = 99 ] || die "bosadd did not stop at the injected crash at point $n: $rc $(cat crash.out)"
	cmp -s d0.img s0.img || break
done
rm -f s0.img s1.img s2.img
states() { ivgs --devices $D --reportformat json tvg 2>/dev/null | jq -r ".report[0].lv[] | select(.lv_name == \"$1\") | .leg_states"; }
[ "$(states bosfs)" = "in-sync,resyncing,resyncing" ] || die "after the crash, bosfs legs: $(states bosfs)"
ok "a crashed bosadd leaves bosfs's legs 1 and 2 marked out of sync (ivg's mark: no dm-raid superblock yet)"

# What leg 0 holds: the LV dm-raid must end up with.
leg_sum() {   # LV K
	local l r pe
	l=$(loop_pv d$2.img)
	lvm_filter "$l"
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/${1}_rimage_$2" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	dd if=d$2.img bs=1M skip=$(( $(part_offset d$2.img 3) + 1048576 + pe * 4194304 )) \
		count=$((32 << 20)) iflag=skip_bytes,count_bytes status=none | md5sum | cut -d' ' -f1
	losetup -d "$l"
}
LEG0=$(leg_sum bosfs 0)
[ "$LEG0" != "$(leg_sum bosfs 1)" ] || die "the crash left leg 1 like leg 0: nothing to resync"
ivgexport --devices $D tvg >/dev/null

cat >guest.sh <<'EOF'
#!/bin/sh
set -e
st() { dmsetup status tvg-$1 | awk '{print $6}'; }
wait_sync() {
	i=0
	until [ "$(st $1)" = AAA ] && dmsetup status tvg-$1 | grep -q ' idle '; do
		i=$((i + 1))
		[ $i -lt 600 ] || { dmsetup status tvg-$1; exit 1; }
		usleep 100000
	done
}
legs() { ivgs tvg 2>/dev/null | awk -v lv="$1" '$1 == lv {print $5}'; }
sums() { for k in 0 1 2; do echo "$(md5sum </dev/mapper/tvg-$1_rimage_$k | cut -d' ' -f1)"; done | sort -u | tr '\n' ' '; }
ivgimport tvg >/dev/null
# 1. No dm-raid superblock yet; legs 1 and 2 carry ivg's mark.
vgchange -ay tvg >/dev/null
echo "LVM2-FIRST $(md5sum </dev/mapper/tvg-bosfs | cut -d' ' -f1)"
wait_sync bosfs
wait_sync oppfs
echo "LVM2-SYNCED $(st bosfs) $(sums bosfs)"
vgchange -an tvg >/dev/null
echo "STATES $(legs bootlv) $(legs bosfs) $(legs oppfs)"
# 2. dm-raid's superblocks now; bosrm stops between its marks and their
# clearing (its 6th write point: after the marks of legs 1 and 2).
set +e
IVG_TEST_FAULT=6:exit bosrm tvg first >/dev/null 2>&1
echo "BOSRM-EXIT $?"
set -e
echo "MARKED $(legs bosfs)"
lvchange -ay tvg/bosfs >/dev/null 2>&1 || vgchange -ay tvg >/dev/null
echo "LVM2-AFTER-CRASH $(st bosfs) $(dmsetup table tvg-bosfs | awk '{print $4, $5, $6, $7, $8}')"
wait_sync bosfs
echo "LVM2-RECOVERED $(st bosfs) $(sums bosfs) $(md5sum </dev/mapper/tvg-bosfs | cut -d' ' -f1)"
vgchange -an tvg >/dev/null
echo "AFTER $(legs bootlv) $(legs bosfs) $(legs oppfs)"
# 3. The same through ivg's activation, after another crash.
set +e
IVG_TEST_FAULT=6:exit bosrm tvg third >/dev/null 2>&1
set -e
echo "MARKED2 $(legs bosfs)"
ivgchange -a y tvg >/dev/null
wait_sync bosfs
echo "IVG-RECOVERED $(st bosfs) $(sums bosfs)"
ivgchange -a n tvg >/dev/null
ivgck tvg >ck.out 2>&1 && echo "IVGCK-CLEAN" || cat ck.out
ivgexport tvg >/dev/null
EOF

"$VM/run.sh" --timeout 400 --disk d0.img --disk d1.img --disk d2.img guest.sh >g.out 2>g.err ||
	die "guest failed: $(cat g.out g.err)"
cat g.out
first=$(sed -n 's/^LVM2-FIRST //p' g.out)
# bosfs as leg 0 holds it (the first 32 MiB of the LV are all of it).
[ "$first" = "$LEG0" ] || die "lvm2's bosfs does not read as leg 0 at once: $first, leg 0 $LEG0"
grep -q "^LVM2-SYNCED AAA [0-9a-f]* $" g.out || die "the legs did not end alike in sync"
grep -q "^STATES in-sync,in-sync,in-sync in-sync,in-sync,in-sync in-sync,in-sync,in-sync$" g.out ||
	die "ivgs after dm-raid's resync: $(grep STATES g.out)"
ok "no superblocks, legs 1 and 2 marked by ivg: lvm2 activates, reads leg 0, resyncs to AAA with leg 0's bytes; ivgs then reads dm-raid's superblocks: all in sync"
grep -q "^BOSRM-EXIT 99$" g.out || die "bosrm did not crash in the guest"
grep -q "^MARKED in-sync,resyncing,resyncing$" g.out || die "the crashed bosrm left: $(grep MARKED g.out)"
grep -Eq "^LVM2-RECOVERED AAA ([0-9a-f]+) +\1$" g.out || die "dm-raid did not recover the marked legs"
ok "with dm-raid's superblocks, a crashed write marks legs 1 and 2 (disk_recovery_offset 0): dm-raid recovers them (AAA, legs alike)"
grep -q "^AFTER in-sync,in-sync,in-sync" g.out || die "ivgs after dm-raid's recovery: $(grep AFTER g.out)"
grep -q "^MARKED2 in-sync,resyncing,resyncing$" g.out || die "the second crashed bosrm left: $(grep MARKED2 g.out)"
grep -q "^IVG-RECOVERED AAA [0-9a-f]* $" g.out || die "ivg's activation did not recover the marked legs"
grep -q "^IVGCK-CLEAN" g.out || die "ivgck after all that: $(sed -n '/IVG-RECOVERED/,$p' g.out)"
ok "ivgchange -a y does the same; ivgck finds every mirror in sync afterwards"
ivgimport --devices $D tvg >/dev/null || die "ivgimport on the host"
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img); L2=$(loop_pv d2.img)
lvm_filter "$L0" "$L1" "$L2"
lvmq vgck tvg >vgck.out 2>&1 || die "vgck: $(cat vgck.out)"
grep -v "Activation disabled" vgck.out | grep -q WARNING && die "vgck warns: $(cat vgck.out)"
ok "the host's lvm2 vgck accepts the VG afterwards"
