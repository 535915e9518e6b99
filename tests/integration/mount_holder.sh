#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# On this kernel, which has no device-mapper: ivgimport -m mounts bosfs and
# oppfs through loop devices (read-only with --readonly, writing nothing),
# ivgexport unmounts and detaches them, raid1 is refused with a clear
# error. The holder: the VG carries the system ID of the host that uses it
# read-write, as lvm2 records it; another host (a second host name, in a
# UTS namespace) is refused, naming the holder, until --force.
. "$(dirname "$0")/../lib.sh"
cd "$T"
me=$(uname -n)
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 32m --oppfs-size 16m \
	tvg d0.img d1.img >out
grep -q "successfully created with system ID $me" out || die "create: $(cat out)"
D=d0.img,d1.img
M=$T/mnt

# Another host, by name: the same binaries in a new UTS namespace.
other() { unshare -u sh -c 'hostname otherhost && exec "$@"' sh "$@"; }
images_loops() { losetup -j d0.img; losetup -j d1.img; }

# 1. The holder, as lvm2 records and reads it.
[ "$(ivgs --devices $D --reportformat json tvg | jq -r '.report[0].vg[0].vg_systemid')" = "$me" ] ||
	die "ivgs does not report the holder"
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img)
lvm_filter "$L0" "$L1"
[ "$(lvmq vgs --noheadings -o systemid,vg_attr tvg 2>/dev/null | xargs)" = "$me wz--n-" ] ||
	die "lvm2 does not see the system ID: $(lvmq vgs -o systemid,vg_attr tvg 2>&1)"
lvmq vgck tvg 2>/dev/null || die "lvm2 vgck fails on a held IVG"
# lvm2 on a host with another system ID sees the VG as foreign.
lvmq vgs --config 'local/system_id="otherhost" global/system_id_source="lvmlocal"' tvg >out 2>&1 &&
	die "lvm2 as another host may use the VG: $(cat out)"
grep -q "Cannot access VG tvg with system ID $me" out || die "lvm2 said: $(cat out)"
losetup -d "$L0" "$L1"; : >"$T/loops"
ok "the VG holds system ID $me, with lvm2's WRITE_LOCKED; lvm2 elsewhere sees it foreign"

# 2. Another host is refused, nothing written; --force takes over.
s=$(sums d0.img d1.img)
for cmd in "ivgimport" "ivgimport -a y" "ivgchange -a y" "ivgexport"; do
	set +e
	out=$(other $cmd --devices $D tvg 2>&1)
	rc=$?
	set -e
	[ $rc = 5 ] || die "$cmd on otherhost exited $rc: $out"
	echo "$out" | grep -q "held read-write by host \"$me\" (this host is \"otherhost\")" ||
		die "$cmd on otherhost said: $out"
done
[ "$(sums d0.img d1.img)" = "$s" ] || die "a refused command wrote"
ok "otherhost: ivgimport, ivgimport -a y, ivgchange -a y, ivgexport refused naming $me; nothing written"
other ivgimport --readonly --devices $D tvg | grep -q "held by $me" || die "read-only on otherhost"
out=$(other ivgimport -f --devices $D tvg 2>&1) || die "takeover: $out"
echo "$out" | grep -q "taking volume group \"tvg\" over from host \"$me\"" || die "no takeover warning: $out"
echo "$out" | grep -q "imported with system ID otherhost" || die "takeover: $out"
expect_fail 5 "held read-write by host \"otherhost\"" ivgimport --devices $D tvg
other ivgexport --devices $D tvg | grep -q "successfully exported" || die "export on otherhost"
ok "ivgimport --force takes the VG over; the old holder is refused in turn"

# 3. Mount read-write through loop devices; exported wherever mounted.
out=$(ivgimport -m "$M" --devices $D tvg) || die "ivgimport -m: $out"
echo "$out" | grep -q "Mounted tvg/bosfs at $M/bos and tvg/oppfs at $M/opp" || die "$out"
[ "$(findmnt -n -o FSTYPE "$M/bos")" = ext4 ] && [ "$(findmnt -n -o FSTYPE "$M/opp")" = ext4 ] ||
	die "not mounted: $(findmnt -R "$M")"
[ "$(images_loops | wc -l)" = 2 ] || die "expected 2 loop devices: $(images_loops)"
echo "base image" >"$M/bos/bos.img"; echo "product" >"$M/opp/opp.img"
ivgimport -m "$M" --devices $D tvg >/dev/null || die "a second ivgimport -m is not a no-op"
[ "$(findmnt -n "$M/bos" | wc -l)" = 1 ] || die "mounted twice"
expect_fail 5 "LV tvg/bosfs \(/dev/loop[0-9]+\) is in use" ivgchange -a n --devices $D tvg
out=$(ivgexport --devices $D tvg) || die "export: $out"
echo "$out" | grep -q '2 filesystem(s) of volume group "tvg" unmounted' || die "$out"
! findmnt "$M/bos" >/dev/null && [ -z "$(images_loops)" ] || die "left: $(findmnt -R "$M"; images_loops)"
ok "ivgimport -m mounts both through loops; ivgexport unmounts and detaches them"

# 4. Read-only: mounted read-only on read-only loops, and not a byte written.
s=$(sums d0.img d1.img)
ivgimport --readonly -m "$M" --devices $D tvg | grep -q "(read-only)" || die "ro mount"
[ "$(cat "$M/bos/bos.img")" = "base image" ] && [ "$(cat "$M/opp/opp.img")" = product ] ||
	die "the files written before are not there"
touch "$M/bos/new" 2>/dev/null && die "wrote to a read-only mount"
for l in $(images_loops | cut -d: -f1); do
	[ "$(blockdev --getro "$l")" = 1 ] || die "$l is writable"
done
ivgexport --readonly --devices $D tvg | grep -q "nothing written" || die "ivgexport --readonly"
[ -z "$(images_loops)" ] && ! findmnt "$M/bos" >/dev/null || die "left after ivgexport --readonly"
[ "$(sums d0.img d1.img)" = "$s" ] || die "the read-only round wrote"
ok "ivgimport --readonly -m and ivgexport --readonly: files read, not a byte written"

# 5. What a loop cannot be: raid1 needs device-mapper. ivgchange -a y
# brings up the others and fails naming it, as vgchange does; with -m
# (only bosfs and oppfs asked for), a failure to attach leaves nothing.
ivgimport --devices $D tvg >/dev/null
expect_fail 5 "LV tvg/bootlv is raid1: without device-mapper only single-segment linear LVs.*the others are active through loop devices" \
	ivgchange -a y --devices $D tvg
[ "$(images_loops | wc -l)" = 2 ] || die "bosfs and oppfs are not loops: $(images_loops)"
ivgchange -a n --devices $D tvg >/dev/null
[ -z "$(images_loops)" ] || die "ivgchange -a n left loops: $(images_loops)"
ok "ivgchange -a y without device-mapper: bosfs and oppfs as loops, raid1 refused by name"
expect_fail 5 "$T/file/mnt: cannot make the directory" ivgimport -m "$T/file/mnt" --devices $D tvg
[ -z "$(images_loops)" ] || die "a failed mount left loops: $(images_loops)"
expect_fail 3 "-m needs a directory" ivgimport -m "" --devices $D tvg
