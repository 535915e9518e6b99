#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Activation judged by stock lvm2 and device-mapper in a QEMU guest: the
# host makes an IVG and releases it; in the guest ivg activates it with
# lvm2's names, dm UUIDs and tables (lvm2 activates the same VG into the
# same devices), lvm2's lvs sees ivg's activation, the raid1 LVs
# (bootlv, bosfs, oppfs) get in sync, each tool deactivates what the
# other activated, read-only activation is read-only, and ivgexport
# deactivates.
. "$(dirname "$0")/../lib.sh"
vm_harness_or_skip
export TMPDIR=$T
cd "$T"
ivgcreate -y --no-boot-image --devices d0.img,d1.img --size 160m --bootlv-size 16m --bosfs-size 32m --oppfs-size 16m \
	tvg d0.img d1.img >/dev/null
ivgexport --devices d0.img,d1.img tvg >/dev/null

cat >guest.sh <<'EOF'
#!/bin/sh
set -e
# What device-mapper has of tvg: name, UUID, table (device numbers out:
# they depend on the order of creation).
dm_state() {
	for n in $(dmsetup ls | awk '/^tvg-/ {print $1}' | sort); do
		echo "$n $(dmsetup info -c --noheadings -o uuid "$n") $(dmsetup table "$n" |
			sed 's/[0-9]*:[0-9]*/M:m/g')"
	done
}
dm_count() { dmsetup ls | grep -c '^tvg-' || true; }
wait_sync() {
	for lv in bootlv bosfs oppfs; do
		i=0
		until dmsetup status tvg-$lv | grep -q 'raid1 2 AA'; do
			i=$((i + 1))
			[ $i -lt 300 ] || { dmsetup status tvg-$lv; exit 1; }
			usleep 100000
		done
	done
}

ivgimport -a y tvg
for lv in bootlv bosfs oppfs; do
	[ -b /dev/mapper/tvg-$lv ] && [ -b /dev/tvg/$lv ] || { echo "NO $lv"; ls -lR /dev/mapper /dev/tvg; exit 1; }
done
echo "LVS $(lvs --noheadings -o lv_name,lv_active tvg | tr -s ' \n' '  ')"
wait_sync
for lv in bootlv bosfs oppfs; do
	echo "SYNC $lv $(dmsetup status tvg-$lv | awk '{print $4, $5, $6}')"
done
dm_state >ivg.state
cat ivg.state
mkdir -p /mnt/b
mount -t ext4 /dev/tvg/bosfs /mnt/b
echo "written in the guest" >/mnt/b/hello
umount /mnt/b

ivgchange -a n tvg
echo "IVG-DOWN $(dm_count) $(ls /dev/tvg 2>/dev/null | wc -l)"

vgchange -ay tvg >/dev/null
wait_sync
dm_state >lvm.state
if diff ivg.state lvm.state >state.diff; then echo "SAME-AS-LVM2"; else cat state.diff; fi
echo "LVM2-DEVICES $(dm_count)"
ivgchange -a n tvg
echo "IVG-TOOK-DOWN-LVM2 $(dm_count)"

ivgchange -a y tvg
vgchange -an tvg >/dev/null
echo "LVM2-TOOK-DOWN-IVG $(dm_count)"

ivgchange -a y --readonly tvg
echo "RO $(blockdev --getro /dev/mapper/tvg-bosfs) $(blockdev --getro /dev/mapper/tvg-bootlv) $(dmsetup table tvg-bootlv | awk '{print $3}') $(dmsetup table tvg-bosfs | awk '{print $3}')"
mount -t ext4 -o ro /dev/tvg/bosfs /mnt/b
cat /mnt/b/hello
umount /mnt/b
set +e
ivgchange -a y tvg >rw.out 2>&1
echo "RW-OVER-RO $? $(grep -c 'is active read-only: deactivate it first' rw.out)"
set -e
ivgchange -a n tvg

ivgimport -a y -m /mnt/ivg tvg >/dev/null
echo "MOUNTED $(grep -c ' /mnt/ivg/[bo][op][sp] ext4 rw' /proc/mounts)"
echo "through ivgimport -m" >/mnt/ivg/opp/note
ivgexport tvg
echo "EXPORTED $(dm_count) $(grep -c /mnt/ivg /proc/mounts) $(vgs --noheadings -o vg_exported tvg | tr -d ' ')"
ivgimport --readonly -m /mnt/ivg tvg >/dev/null
cat /mnt/ivg/opp/note
ivgexport --readonly tvg >/dev/null
EOF

"$VM/run.sh" --timeout 240 --disk d0.img --disk d1.img guest.sh >g.out 2>g.err ||
	die "guest failed: $(cat g.out g.err)"
cat g.out
grep -q "^LVS *bootlv *active bosfs *active oppfs *active" g.out ||
	die "lvm2's lvs does not see ivg's activation"
ok "ivgimport -a y: /dev/mapper/tvg-LV and /dev/tvg/LV; lvm2's lvs shows the LVs active"
for lv in bootlv bosfs oppfs; do
	grep -q "^SYNC $lv raid1 2 AA" g.out || die "$lv not in sync"
done
ok "dmsetup status: the raid1 LVs bootlv, bosfs and oppfs are in sync (AA)"
grep -q "^SAME-AS-LVM2" g.out || die "lvm2 activates other names, UUIDs or tables than ivg"
ok "lvm2's vgchange -ay makes the same devices as ivg: names, dm UUIDs, tables"
grep -q "^IVG-DOWN 0 0" g.out || die "ivgchange -a n left devices"
grep -q "^LVM2-DEVICES 15" g.out || die "lvm2 did not activate 15 devices (3 raid1 LVs, 2 legs of 2 sub-LVs each)"
grep -q "^IVG-TOOK-DOWN-LVM2 0" g.out || die "ivg did not deactivate what lvm2 activated"
grep -q "^LVM2-TOOK-DOWN-IVG 0" g.out || die "lvm2 did not deactivate what ivg activated"
ok "each deactivates what the other activated, legs included"
grep -q "^RO 1 1 linear linear" g.out || die "read-only activation is not read-only, or not over one leg"
grep -q "^written in the guest" g.out || die "the file written read-write is not there read-only"
ok "--readonly: read-only devices, each raid1 LV one leg (no raid superblock written)"
grep -q "^RW-OVER-RO 5 1" g.out || die "read-write activation over a read-only one was not refused"
ok "read-write activation over a read-only one is refused: deactivate first"
grep -q "^MOUNTED 2" g.out || die "ivgimport -m did not mount bosfs and oppfs read-write"
grep -q "^EXPORTED 0 0 exported" g.out || die "ivgexport did not unmount, deactivate and export"
grep -q "^through ivgimport -m" g.out || die "the file written through -m is not there"
ok "ivgimport -m mounts DIR/bos and DIR/opp read-write; ivgexport unmounts, deactivates and exports"
vgck --config "$(lvm_filter d0.img d1.img)" tvg 2>&1 | tee vgck.out
grep -q WARNING vgck.out && die "vgck warns"
ok "the host's lvm2 vgck accepts the VG afterwards"
