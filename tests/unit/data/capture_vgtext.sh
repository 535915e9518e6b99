#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate the lvm2_*.txt fixtures of test_vgtext.c: the committed
# metadata text exactly as stock lvm2 2.03.16 wrote it into the first
# metadata area of a PV (without the trailing NUL), plus one vgcfgbackup
# file. Run as root; needs losetup and python3. Every loop device made
# here is detached on exit, also on failure. Output goes to $1 (default:
# this directory). IDs and times change on every run, so test_vgtext.c's
# model tests that name them must be updated after regenerating.
#
#   lvm2_linear.txt        three linear LVs on two PVs
#   lvm2_tags_striped.txt  VG/PV/LV tags, 2- and 3-way striped LVs
#   lvm2_multiseg.txt      one LV of four segments over three PVs
#   lvm2_raid1_3legs.txt   raid1 with 3 legs via vgcfgrestore of hand-written
#                          metadata, plus an LV without creation_time
#   lvm2_bootloader.txt    a PV made with --bootloaderareasize 1m
#   lvm2_sysid_empty.txt   system_id (WRITE_LOCKED), no LVs
#   lvm2_extras.txt        allocation policies, read_ahead, major/minor
#   lvm2_missing_pv.txt    a PV that lvm2 could not see (MISSING)
#   lvm2_backup_pair.txt   on-disk text of a VG...
#   lvm2_backup_pair.vg    ...and its vgcfgbackup file (indented, comments)
set -eu

out=$(cd "${1:-$(dirname "$0")}" && pwd)
work=$(mktemp -d)
loops=()

cleanup() {
	for l in "${loops[@]}"; do losetup -d "$l" || true; done
	rm -rf "$work"
}
trap cleanup EXIT

for i in 0 1 2; do
	truncate -s 64M "$work/d$i.img"
	loops+=("$(losetup -f --show "$work/d$i.img")")
done
L0=${loops[0]} L1=${loops[1]} L2=${loops[2]}

# A private lvm.conf admitting only our loop devices.
write_conf() {
	local accept="" l
	for l in "$@"; do accept="$accept\"a|^$l\$|\", "; done
	cat >"$work/lvm.conf" <<EOF
devices {
filter = [ $accept"r|.*|" ]
global_filter = [ $accept"r|.*|" ]
obtain_device_list_from_udev = 0
}
global {
${SYSTEM_ID_SOURCE:+system_id_source = \"$SYSTEM_ID_SOURCE\"}
}
backup {
backup = 0
archive = 0
}
EOF
}
export LVM_SYSTEM_DIR=$work

lvm_() { lvm "$@" --driverloaded n 2>/dev/null >/dev/null; }
lvm_out() { lvm "$@" --driverloaded n 2>/dev/null; }

# The committed text of the first mda (slot 0), without its NUL.
grab() {
	python3 - "$1" "$out/$2" <<'EOF'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    f.seek(4096); h = f.read(512)
    start, size = struct.unpack_from('<QQ', h, 24)
    off, sz = struct.unpack_from('<QQ', h, 40)
    f.seek(start + off)
    if off + sz <= size:
        t = f.read(sz)
    else:
        t = f.read(size - off); f.seek(start + 512); t += f.read(sz - (size - off))
assert t.endswith(b'\0')
open(sys.argv[2], 'wb').write(t[:-1])
EOF
}

# Start the next fixture on blank devices (label and mda zeroed).
reset() {
	local l
	write_conf "${loops[@]}"
	lvm_ vgremove -f tvg || true
	for l in "${loops[@]}"; do
		dd if=/dev/zero of="$l" bs=1M count=2 conv=fsync status=none
	done
}

write_conf "${loops[@]}"

# Linear LVs.
lvm_ pvcreate "$L0" "$L1"
lvm_ vgcreate tvg "$L0" "$L1"
lvm_ lvcreate -an -Zn -L 8M -n root tvg
lvm_ lvcreate -an -Zn -L 4M -n swap tvg
lvm_ lvcreate -an -Zn -L 12M -n home tvg "$L1"
grab "$L0" lvm2_linear.txt
reset

# Tags and stripes.
lvm_ pvcreate "$L0" "$L1" "$L2"
lvm_ vgcreate --addtag vgt1 --addtag vgt2 tvg "$L0" "$L1" "$L2"
lvm_ pvchange --addtag pvtag --addtag pvtag2 "$L1"
lvm_ lvcreate -an -Zn -L 4M -n tagged --addtag t1 --addtag t2 tvg
lvm_ lvcreate -an -Zn -i 2 -I 64 -L 16M -n str tvg "$L1" "$L2"
lvm_ lvcreate -an -Zn -i 3 -L 12M -n str3 tvg
grab "$L0" lvm2_tags_striped.txt
reset

# One LV, four segments.
lvm_ pvcreate "$L0" "$L1" "$L2"
lvm_ vgcreate tvg "$L0" "$L1" "$L2"
lvm_ lvcreate -an -Zn -L 8M -n lin tvg "$L0"
lvm_ lvcreate -an -Zn -L 4M -n other tvg "$L0"
lvm_ lvextend -L 16M tvg/lin "$L2"
lvm_ lvextend -L 24M tvg/lin "$L1"
lvm_ lvextend -L 28M tvg/lin "$L0"
grab "$L0" lvm2_multiseg.txt
reset

# raid1 with three legs: lvm2 cannot create it without device-mapper,
# but restores it from hand-written metadata.
lvm_ pvcreate "$L0" "$L1" "$L2"
uuid() { lvm_out pvs --noheadings -o pv_uuid "$1" | tr -d ' '; }
rnd() { tr -dc A-Za-z0-9 </dev/urandom | head -c 6; }
leg() { # name pv pe extents
	cat <<EOF
$1 {
id = "$(rnd)-aaaa-bbbb-cccc-dddd-eeee-$(rnd)"
status = ["READ", "WRITE"]
flags = []
creation_time = 1795320000
creation_host = "vm"
segment_count = 1
segment1 {
start_extent = 0
extent_count = $4
type = "striped"
stripe_count = 1
stripes = ["$2", $3]
}
}
EOF
}
{
	echo 'tvg {'
	echo 'id = "abcdef-ghij-klmn-opqr-stuv-wxyz-012345"'
	echo 'seqno = 1'
	echo 'format = "lvm2"'
	echo 'status = ["RESIZEABLE", "READ", "WRITE"]'
	echo 'flags = []'
	echo 'extent_size = 8192'
	echo 'max_lv = 0'
	echo 'max_pv = 0'
	echo 'metadata_copies = 0'
	echo 'physical_volumes {'
	for k in 0 1 2; do
		cat <<EOF
pv$k {
id = "$(uuid "${loops[$k]}")"
device = "${loops[$k]}"
status = ["ALLOCATABLE"]
flags = []
dev_size = 131072
pe_start = 2048
pe_count = 15
}
EOF
	done
	echo '}'
	echo 'logical_volumes {'
	cat <<'EOF'
bootlv {
id = "ABCDEF-ghij-klmn-opqr-stuv-wxyz-012345"
status = ["READ", "WRITE", "VISIBLE"]
flags = []
creation_time = 1795320000
creation_host = "vm"
segment_count = 1
segment1 {
start_extent = 0
extent_count = 2
type = "raid1"
device_count = 3
region_size = 4096
raids = ["bootlv_rmeta_0", "bootlv_rimage_0",
	"bootlv_rmeta_1", "bootlv_rimage_1",
	"bootlv_rmeta_2", "bootlv_rimage_2"]
}
}
EOF
	for k in 0 1 2; do
		leg "bootlv_rimage_$k" "pv$k" 1 2
		leg "bootlv_rmeta_$k" "pv$k" 0 1
	done
	cat <<'EOF'
notime {
id = "XBCDEF-ghij-klmn-opqr-stuv-wxyz-012345"
status = ["READ", "WRITE", "VISIBLE"]
flags = []
segment_count = 1
segment1 {
start_extent = 0
extent_count = 1
type = "striped"
stripe_count = 1
stripes = ["pv0", 5]
}
}
}
}
contents = "Text Format Volume Group"
version = 1
description = ""
creation_host = "vm"
creation_time = 1795320000
EOF
} >"$work/raid.vg"
lvm_ vgcfgrestore -f "$work/raid.vg" tvg
grab "$L0" lvm2_raid1_3legs.txt
reset

# A bootloader area on the first PV.
lvm_ pvcreate --bootloaderareasize 1m "$L0"
lvm_ pvcreate "$L1"
lvm_ vgcreate tvg "$L0" "$L1"
lvm_ lvcreate -an -Zn -L 8M -n lv1 tvg
grab "$L0" lvm2_bootloader.txt
reset

# system_id from uname; then policies, read_ahead, a fixed minor.
SYSTEM_ID_SOURCE=uname write_conf "${loops[@]}"
lvm_ pvcreate "$L0" "$L1"
lvm_ vgcreate tvg "$L0" "$L1"
grab "$L0" lvm2_sysid_empty.txt
lvm_ vgchange --alloc contiguous tvg
lvm_ lvcreate -an -Zn -L 4M -n a1 -r 256 --alloc anywhere tvg "$L0"
lvm_ lvcreate -an -Zn -L 4M -n a2 -r none tvg "$L0"
lvm_ lvchange -My --major 253 --minor 7 tvg/a2
lvm_ lvcreate -an -Zn -L 4M -n a3 tvg "$L1"
grab "$L0" lvm2_extras.txt
lvm_ vgremove -f tvg
reset

# A PV that lvm2 does not see any more (filtered out): MISSING.
lvm_ pvcreate "$L0" "$L1"
lvm_ vgcreate tvg "$L0" "$L1"
lvm_ lvcreate -an -Zn -L 4M -n a1 tvg "$L0"
lvm_ lvcreate -an -Zn -L 4M -n a3 tvg "$L1"
write_conf "$L0"
lvm_ lvchange --addtag foo tvg/a1
lvm_ vgchange --addtag foo tvg
lvm_ vgreduce --removemissing tvg || true
grab "$L0" lvm2_missing_pv.txt
lvm_ vgreduce --removemissing --force tvg || true
reset

# The same VG on disk and in a backup file.
lvm_ pvcreate "$L0" "$L1"
lvm_ vgcreate --addtag site_a tvg "$L0" "$L1"
lvm_ lvcreate -an -Zn -L 8M -n root --addtag os tvg
lvm_ lvcreate -an -Zn -i 2 -L 16M -n data tvg
grab "$L0" lvm2_backup_pair.txt
lvm_ vgcfgbackup -f "$out/lvm2_backup_pair.vg" tvg
chmod 644 "$out/lvm2_backup_pair.vg"
reset

echo "fixtures written to $out"
