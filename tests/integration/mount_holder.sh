#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# On this kernel, which has no device-mapper: ivgimport -m mounts bosfs and
# oppfs through loop devices (read-only with --readonly, writing nothing),
# ivgexport unmounts and detaches them; a raid1 LV is a loop over one leg,
# the others marked out of sync until it goes down. The holder: the VG carries the system ID of the host that uses it
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

# 5. Without device-mapper a raid1 LV is a loop over its first leg in
# sync: read-write, its other legs are marked out of sync while the loop
# is up (lvm/rmeta.h: ivg's mark in their rmeta), and ivgchange -a n
# copies the leg over them and clears the marks. With -m (only bosfs and
# oppfs asked for), a failure to attach leaves nothing.
ivgimport --devices $D tvg >/dev/null
ivgchange -a y --devices $D tvg >out || die "ivgchange -a y: $(cat out)"
grep -q "3 logical volume(s) in volume group \"tvg\" now active" out || die "ivgchange -a y said: $(cat out)"
[ "$(images_loops | wc -l)" = 3 ] || die "bootlv, bosfs and oppfs are not loops: $(images_loops)"
# lvm2's view, to find the legs (through loops of their own).
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img)
lvm_filter "$L0" "$L1"
leg_bytes() {   # LV K: leg K's bytes, from d$K.img through lvm2's map
	local r pe
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/${1}_rimage_$2" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	[ -n "$pe" ] || die "lvs does not see tvg/${1}_rimage_$2"
	dd if=d$2.img bs=1M skip=$(( $(part_offset d$2.img 3) + 1048576 + pe * 4194304 )) \
		count=$((32 << 20)) iflag=skip_bytes,count_bytes status=none | sha256sum
}
rmeta_head() {   # LV K: the first 8 bytes of rmeta K
	local r pe
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "tvg/${1}_rmeta_$2" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	[ -n "$pe" ] || die "lvs does not see tvg/${1}_rmeta_$2"
	dd if=d$2.img bs=8 skip=$(( $(part_offset d$2.img 3) + 1048576 + pe * 4194304 )) \
		count=8 iflag=skip_bytes,count_bytes status=none
}
[ "$(rmeta_head bosfs 1)" = IvgStale ] || die "leg 1 of bosfs is not marked out of sync while its loop is up"
[ -z "$(rmeta_head bosfs 0 | tr -d '\0')" ] || die "leg 0 of bosfs is marked"
# Write a file into bosfs through its loop: leg 1 learns of it at -a n.
r=$(lvmq lvs -a --noheadings -o seg_pe_ranges tvg/bosfs_rimage_0 2>/dev/null | tr -d ' ')
pe=${r#*:}; pe=${pe%-*}
bl=$(losetup -nO NAME,OFFSET -j d0.img | awk -v o=$(( $(part_offset d0.img 3) + 1048576 + pe * 4194304 )) '$2 == o {print $1}')
[ -n "$bl" ] || die "no loop over bosfs's leg 0: $(losetup -j d0.img)"
mkdir -p lm && mount "$bl" lm && echo "through the loop" >lm/note && umount lm || die "mount $bl"
[ "$(leg_bytes bosfs 0)" != "$(leg_bytes bosfs 1)" ] || die "the write through the loop reached leg 1"
ivgchange -a n --devices $D tvg >/dev/null
[ -z "$(images_loops | grep -v "^$L0:\|^$L1:")" ] || die "ivgchange -a n left loops: $(images_loops)"
[ -z "$(rmeta_head bosfs 1 | tr -d '\0')" ] || die "ivgchange -a n left leg 1 of bosfs marked"
[ "$(leg_bytes bosfs 0)" = "$(leg_bytes bosfs 1)" ] || die "the legs of bosfs differ after ivgchange -a n"
ok "ivgchange -a y without device-mapper: every LV a loop (raid1 over its first leg, the others marked); -a n resyncs them and clears the marks"
losetup -d "$L0" "$L1"; : >"$T/loops"
expect_fail 5 "$T/file/mnt: cannot make the directory" ivgimport -m "$T/file/mnt" --devices $D tvg
[ -z "$(images_loops)" ] || die "a failed mount left loops: $(images_loops)"
expect_fail 3 "-m needs a directory" ivgimport -m "" --devices $D tvg
