#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vios lsdev on SCSI disks of a kernel, in the QEMU test guest (tests/vm),
# where the host has none:
#  - the WWN vios reads with SG_IO from VPD page 0x83 of a virtio-scsi
#    disk (QEMU's scsi-hd with wwn=) is the one the guest kernel shows in
#    /sys/block/sdX/device/wwid;
#  - an IVG disk is known by its PV UUID too, the one lvm2 reads;
#  - a dm-multipath map made with dmsetup over two paths to one LUN (one
#    image, one WWN, as a SAN shows it on two ports): each path is refused
#    naming the map, as lvm2 refuses a multipath component; the map is
#    known by the LUN's WWN, read with SG_IO that the map hands to a path
#    (its UUID names another WWID here, so that this is what is shown),
#    and recorded as /dev/mapper/NAME;
#  - a partition of a disk is refused.
. "$(dirname "$0")/../lib.sh"
vm_harness_or_skip
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
export TMPDIR=$T
# dm-multipath is not in the guest's base set of modules.
export IVG_VM_MODULES="dm-multipath dm-round-robin"
cd "$T"
ivgcreate -y --no-boot-image --devices ivg.img --size 300m --bootlv-size 32m --bosfs-size 16m \
	--oppfs-size 16m tvg ivg.img >/dev/null || die "ivgcreate"
truncate -s 64m a.img m.img

cat >guest.sh <<'EOF'
#!/bin/bash
a=$(ivg-disk 0) p1=$(ivg-disk 1) p2=$(ivg-disk 2) i=$(ivg-disk 3)
for d in "$a" "$p1" "$p2"; do echo "kernel-wwid ${d#/dev/} $(cat "/sys/block/${d#/dev/}/device/wwid")"; done
echo "kernel-path0 ${a#/dev/}"
echo "lvm2-pv $(lvm pvs --noheadings -o pv_uuid "${i}3" 2>/dev/null | tr -d ' ')"
vios lsdev --reportformat json "$a" "$i" >lsdev.json 2>&1 || echo "lsdev-failed $?"
echo "lsdev-json $(tr -d '\n' <lsdev.json)"
vios lsdev "${i}3" >part.out 2>&1
echo "partition rc=$? $(cat part.out)"
size=$(blockdev --getsz "$p1")
dmsetup create --readonly mpatha --uuid mpath-35000c500000ffff \
	--table "0 $size multipath 0 0 1 1 round-robin 0 2 1 $p1 1000 $p2 1000" || echo "dmsetup-failed"
vios lsdev "$p1" >path.out 2>&1
echo "path rc=$? $(cat path.out)"
vios lsdev --reportformat json /dev/mapper/mpatha >map.json 2>&1 || echo "map-failed $?"
echo "map-json $(tr -d '\n' <map.json)"
dmsetup remove mpatha
EOF

"$VM/run.sh" --timeout 240 --disk a.img,ro,wwn=0x5000c50012345678 \
	--disk m.img,ro,wwn=0x5000c5000000abcd --disk m.img,ro,wwn=0x5000c5000000abcd \
	--disk ivg.img,ro guest.sh >out 2>err || die "guest: $(cat err out)"
a=$(sed -n 's/^kernel-path0 //p' out)
[ "$(sed -n "s/^kernel-wwid $a //p" out)" = naa.5000c50012345678 ] ||
	die "the guest kernel does not show the wwn= as naa.5000c50012345678: $(cat out)"
sed -n 's/^lsdev-json //p' out >lsdev.json
jq -e '.lsdev[0] | .kind == "block" and .wwn == "naa.5000c50012345678" and .size == 67108864' \
	lsdev.json >/dev/null || die "vios lsdev does not read the kernel's WWN with SG_IO: $(cat out)"
pv=$(sed -n 's/^lvm2-pv //p' out)
[ -n "$pv" ] || die "lvm2 sees no PV in the guest: $(cat out)"
jq -e --arg pv "$pv" '.lsdev[1].pv_uuid == $pv' lsdev.json >/dev/null ||
	die "vios lsdev's PV UUID is not lvm2's $pv: $(cat lsdev.json)"
ok "SG_IO: the WWN of a SCSI disk is the kernel's wwid (naa.5000c50012345678); the IVG disk's PV UUID is lvm2's"
grep -q "^partition rc=5 .*is a partition (sd[a-z]3): map the whole LUN" out ||
	die "a partition was not refused: $(grep -A2 '^partition' out)"
grep -q "^path rc=5 .*is one path of multipath device /dev/mapper/mpatha (dm-0): map that instead" out ||
	die "a multipath path was not refused: $(grep -A2 '^path' out)"
grep -q dmsetup-failed out && die "dmsetup could not make the multipath map: $(cat out)"
sed -n 's/^map-json //p' out >map.json
jq -e '.lsdev[0] | .kind == "block" and .wwn == "naa.5000c5000000abcd" and .source == "/dev/mapper/mpatha"' \
	map.json >/dev/null || die "the multipath map is not known by its WWN: $(cat out)"
ok "a path of a multipath map is refused naming the map; the map is known by the LUN's WWN (SG_IO through the map); a partition is refused"
