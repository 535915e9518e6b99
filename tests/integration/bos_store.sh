#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# BOS images in an IVG (issue 8): bosadd of a tar.gz (owners, modes,
# nanosecond and post-2038 timestamps, hard links, symlinks, device
# nodes, a FIFO, xattrs, a sparse file) and of a raw ext4 image; boslist
# as text and JSON (size and SHA-256 as sha256sum sees the files, the
# kernel version inside); stock lvm2 vgck clean; e2fsck -fn of bosfs;
# restore of each into an LV of a scratch lvm2 VG, compared with the
# source tree through a read-only mount (owners, modes, mtimes, xattrs,
# hard-link counts, symlink targets, device numbers, contents) and
# e2fsck -fn; --replace; bosrm; bad input refused with every image
# byte-identical and the exit code checked; the same through a mounted
# bosfs (ivgimport -m).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/bos_lib.bash"
cd "$T"
for t in mke2fs e2fsck python3 jq; do
	command -v $t >/dev/null || { echo "needs $t"; exit 77; }
done
bos_tool_build "$T/bos_tool" || die "cannot build bos_tool"
ivgcreate -y --no-boot-image --devices d0.img --size 220m --bootlv-size 16m --bosfs-size 48m --oppfs-size 8m \
	bvg d0.img >/dev/null || die "ivgcreate"
D=d0.img

# --- the source tree -------------------------------------------------------
mktree() {
	local t=$1
	mkdir -p "$t"/{boot,etc/deep/er/still,dev,usr/bin,var/tmp,lib/modules/6.1.0-9-amd64,lib/modules/6.1.0-18-amd64}
	echo kernel >"$t/boot/vmlinuz-6.1.0-18-amd64"
	echo "hello" >"$t/etc/hello"
	ln "$t/etc/hello" "$t/etc/hello.2"
	ln "$t/etc/hello" "$t/usr/bin/hello.3"
	ln -s ../etc/hello "$t/boot/rel-link"
	ln -s /etc/hello "$t/boot/abs-link"
	ln -s /nowhere/at/all "$t/boot/dangling"
	head -c 300000 /dev/urandom >"$t/usr/bin/blob"
	chmod 4755 "$t/usr/bin/blob"
	chown 1234:567 "$t/etc/hello"
	chown 100000:200000 "$t/usr/bin/blob"
	chmod 0750 "$t/etc/deep"
	chmod 1777 "$t/var/tmp"
	: >"$t/etc/empty"
	truncate -s 8M "$t/var/sparse" && echo middle | dd of="$t/var/sparse" bs=1 seek=4000000 conv=notrunc status=none
	echo x >"$t/etc/deep/er/still/$(printf 'n%.0s' $(seq 1 250))"
	mknod "$t/dev/null" c 1 3
	mknod "$t/dev/sda" b 8 0
	mknod "$t/dev/big" c 300 70000
	mkfifo "$t/dev/initctl"
	python3 -c "import os,sys; os.setxattr(sys.argv[1], 'user.test', b'value'); os.setxattr(sys.argv[2], 'user.other', b'\x00\x01binary')" \
		"$t/etc/hello" "$t/etc/deep"
	touch -h -d '2040-06-01 12:00:00.123456789' "$t/etc/hello"
	touch -h -d '1999-12-31 23:59:59.5' "$t/boot/rel-link"
	touch -d '2001-02-03 04:05:06.7' "$t/etc/deep/er" "$t"
}
mktree tree
tar --xattrs --xattrs-include='user.*' --sparse --numeric-owner -czf bos.tgz -C tree .
mke2fs -q -F -t ext4 -I 256 -d tree raw.img 24M || die "mke2fs -d"
ok "a source tree with owners, modes, timestamps, hard links, symlinks, devices, a FIFO, xattrs, a sparse file; tar.gz and raw ext4"

# --- helpers -------------------------------------------------------------
L0=$(loop_pv d0.img)
# lvm2 on the IVG (scratch_vg points the filter elsewhere).
lvmb() { lvm_filter "$L0"; lvmq "$@"; }
lvm2_ok() {
	lvmb vgck bvg >vgck.out 2>&1 || die "lvm2 vgck: $(cat vgck.out)"
	grep -v "Activation disabled" vgck.out | grep -q WARNING && die "lvm2 vgck warns: $(cat vgck.out)"
	return 0
}
pe_start=$(lvmb pvs --noheadings --units b --nosuffix -o pe_start "$L0" 2>/dev/null | tr -d ' ')
lv_bytes_at() {   # LV: its first extent's byte offset in d0.img
	local r pe
	r=$(lvmb lvs -a --noheadings -o seg_pe_ranges "bvg/$1" 2>/dev/null | tr -d ' ')
	[ -n "$r" ] || die "lvs does not see bvg/$1"
	pe=${r#*:}; pe=${pe%-*}
	echo $(( $(part_offset d0.img 3) + pe_start + pe * 4194304 ))
}
# bosfs never moves (and lvs refuses an exported VG): found once. Its
# legs are alike; leg 0 is on d0.
BOSFS_OFF=$(lv_bytes_at bosfs_rimage_0)
fsck_bosfs() {
	local l
	l=$(loop_file -r -o "$BOSFS_OFF" --sizelimit $((48 << 20)) d0.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || die "e2fsck on bosfs: $(cat fsck.out)"
	losetup -d "$l"
}
json() { boslist --devices $D --reportformat json bvg; }
field() { json | jq -r ".report[0].bos[] | select(.bos_name == \"$1\") | .$2"; }

# --- 1. bosadd, boslist ----------------------------------------------------
out=$(bosadd --devices $D bvg debian-12.tar bos.tgz) || die "bosadd tar: $out"
echo "$out" | grep -q 'BOS "debian-12.tar" added to volume group "bvg": tar' || die "bosadd said: $out"
out=$(bosadd --devices $D bvg raw-1 raw.img) || die "bosadd raw: $out"
echo "$out" | grep -q 'added to volume group "bvg": raw' || die "bosadd said: $out"
for n in debian-12.tar:bos.tgz:tar:gzip raw-1:raw.img:raw:; do
	IFS=: read -r name file fmt comp <<<"$n"
	[ "$(field "$name" bos_format)" = "$fmt" ] || die "$name: format $(field "$name" bos_format)"
	[ "$(field "$name" bos_size)" = "$(stat -c %s "$file")" ] || die "$name: size"
	[ "$(field "$name" bos_sha256)" = "$(sha256sum "$file" | cut -d' ' -f1)" ] || die "$name: sha256"
	[ "$(field "$name" bos_kernel)" = "6.1.0-18-amd64" ] || die "$name: kernel $(field "$name" bos_kernel)"
	[ "$(field "$name" bos_source)" = "$file" ] || die "$name: source"
	[ "$(field "$name" bos_compression)" = "$comp" ] || die "$name: compression"
	[[ "$(field "$name" bos_added)" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]\ [0-9:]{8}Z$ ]] || die "$name: date"
done
rawlv=$(field raw-1 bos_lv)
[[ $rawlv == bos_raw-1_* ]] || die "raw LV name $rawlv"
text=$(boslist --devices $D bvg)
echo "$text" | grep -Eq '^  debian-12\.tar +tar +[0-9]+ 6\.1\.0-18-amd64' || die "boslist: $text"
echo "$text" | grep -Eq '^  raw-1 +raw +25165824 6\.1\.0-18-amd64' || die "boslist: $text"
ok "bosadd of a tar.gz and a raw ext4 image; boslist text and JSON: format, size, SHA-256, kernel 6.1.0-18-amd64 (version order), date"

lvm2_ok
[ "$(lvmb lvs --noheadings -o lv_tags "bvg/$rawlv" 2>/dev/null | tr -d ' ')" = ivg_bos ] || die "raw LV tag"
[ "$(lvmb lvs --noheadings --units b --nosuffix -o lv_size "bvg/$rawlv" 2>/dev/null | tr -d ' ')" = $((24 << 20)) ] ||
	die "raw LV size"
fsck_bosfs
l=$(loop_file -r -o "$(lv_bytes_at "${rawlv}_rimage_0")" --sizelimit $((24 << 20)) d0.img)
cmp -n $((24 << 20)) "$l" raw.img || die "the raw LV does not hold the image"
losetup -d "$l"
ok "lvm2 vgck clean, the raw image's LV ($rawlv, tagged ivg_bos) holds the image byte for byte; e2fsck -fn of bosfs clean"

# --- 2. restore into a scratch lvm2 VG ---------------------------------------
scratch_vg tgt.img 96M tgtvg root
off=$(lv_offset tgt.img)
mkdir mnt
check_restored() {   # WHAT [mke2fs]: mount the target read-only, compare, fsck
	local l
	l=$(loop_file -r -o "$off" tgt.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || die "$1: e2fsck: $(cat fsck.out)"
	mount -o ro "$l" mnt || die "$1: mount"
	tree_compare tree mnt "${2:-}" >cmp.out 2>&1 || { umount mnt; die "$1: $(cat cmp.out)"; }
	umount mnt
	losetup -d "$l"
}
sums d0.img >before.ro
out=$(./bos_tool restore $D,tgt.img bvg debian-12.tar tgtvg root) || die "restore tar: $out"
grep -qx 'kernel 6.1.0-18-amd64' <<<"$out" || die "restore said: $out"
grep -qx "sha256 $(sha256sum bos.tgz | cut -d' ' -f1)" <<<"$out" || die "restore said: $out"
n=$(tar tzf bos.tgz | wc -l)
grep -qx "files $n" <<<"$out" || die "restore of $n entries said: $out"
check_restored "tar restore"
ok "tar BOS restored into tgtvg/root: $(tail -1 cmp.out) from the source tree; e2fsck -fn clean"
out=$(./bos_tool restore $D,tgt.img bvg raw-1 tgtvg root) || die "restore raw: $out"
grep -qx 'format raw' <<<"$out" && grep -qx 'kernel 6.1.0-18-amd64' <<<"$out" || die "restore said: $out"
check_restored "raw restore" mke2fs
boslist --devices $D bvg >/dev/null && boslist --devices $D --reportformat json bvg >/dev/null
sums d0.img | cmp -s - before.ro || die "a restore or boslist wrote to the IVG"
ok "raw BOS restored: $(tail -1 cmp.out); e2fsck -fn clean; restores and boslist left the IVG byte-identical"

# A damaged image is found by its SHA-256 while it streams (the VG has one
# disk: its one leg).
l=$(loop_file -o "$(lv_bytes_at "${rawlv}_rimage_0")" d0.img)
printf 'X' | dd of="$l" bs=1 seek=$((20 << 20)) conv=notrunc status=none
losetup -d "$l"
expect_fail 5 "BOS \"raw-1\" of volume group \"bvg\" is damaged: its manifest records SHA-256" \
	./bos_tool restore $D,tgt.img bvg raw-1 tgtvg root
out=$(bosadd --devices $D --replace bvg raw-1 raw.img) || die "bosadd --replace: $out"
newlv=$(field raw-1 bos_lv)
[ "$newlv" != "$rawlv" ] || die "--replace kept the LV name"
lvmb lvs "bvg/$rawlv" >/dev/null 2>&1 && die "the replaced LV $rawlv is still there"
lvm2_ok
ok "a damaged raw image fails its restore naming both digests; bosadd --replace writes a new LV and removes the old one"

# --- 3. bad input: refused, nothing written --------------------------------
head -c 100000 /dev/urandom >junk.bin
head -c 300 bos.tgz >cut.tgz
head -c 200000 bos.tgz >cut2.tgz
truncate -s 40M big.img && mke2fs -q -F -t ext4 big.img && truncate -s 400M big.img
mkdir bigtree && head -c 50M /dev/zero >bigtree/zeros && tar -cf big.tar -C bigtree .
mkdir evil && echo x >evil/x && tar -cf evil.tar -C evil --transform 's|^\./x|../x|' ./x
sums d0.img >before
expect_fail 3 'BOS name "a\\x22b" is not valid' bosadd --devices $D bvg 'a"b' bos.tgz
expect_fail 3 'BOS name "a\\x0ab" is not valid' bosadd --devices $D bvg $'a\nb' bos.tgz
expect_fail 3 'BOS name "x{64}\.\.\." is not valid' bosadd --devices $D bvg "$(printf 'x%.0s' $(seq 1 65))" bos.tgz
expect_fail 3 'BOS name "-x" is not valid' bosadd --devices $D bvg -- -x bos.tgz
expect_fail 3 'BOS name ".x" is not valid' bosadd --devices $D bvg .x bos.tgz
expect_fail 3 'it holds "_rimage", which lvm2 reserves' bosadd --devices $D bvg a_rimage_0 bos.tgz
expect_fail 3 'not a BOS format' bosadd --devices $D --format zip bvg x bos.tgz
expect_fail 3 'a VG name, a BOS NAME and an IMAGE are needed' bosadd --devices $D bvg x
expect_fail 5 'BOS "raw-1" exists already in volume group "bvg": use --replace' bosadd --devices $D bvg raw-1 raw.img
expect_fail 5 'nothere.tgz: No such file' bosadd --devices $D bvg x nothere.tgz
expect_fail 5 'junk.bin: neither a tar archive nor an ext2/3/4 filesystem image' bosadd --devices $D bvg x junk.bin
expect_fail 5 'cut.tgz: .*truncated gzip input' bosadd --devices $D bvg x cut.tgz
expect_fail 5 'cut2.tgz: not a readable tar archive after [0-9]+ entries' bosadd --devices $D bvg x cut2.tgz
expect_fail 5 'bos.tgz: not an ext2/3/4 filesystem image' bosadd --devices $D --format raw bvg x bos.tgz
expect_fail 5 'big.tar: [0-9]+ bytes do not fit in bvg/bosfs' bosadd --devices $D bvg x big.tar
expect_fail 5 'big.img: [0-9]+ bytes do not fit in volume group "bvg"' bosadd --devices $D bvg x big.img
expect_fail 5 'entry "\.\./x": refused: a ".." component' bosadd --devices $D bvg x evil.tar
expect_fail 5 'Volume group "novg" not found' bosadd --devices $D novg x bos.tgz
expect_fail 5 'BOS "nothere" not found in volume group "bvg"' bosrm --devices $D bvg raw-1 nothere
expect_fail 3 'a VG name and at least one BOS NAME' bosrm --devices $D bvg
sums d0.img | cmp -s - before || die "a refused command wrote to d0.img"
ok "bad names, formats, files, sizes, hostile paths, VGs and BOS names refused with exit 3 or 5; d0.img byte-identical"

# Held by another host: refused before anything is written.
me=$(uname -n)
elsewhere() { unshare -u sh -c 'hostname otherhost && exec "$@"' sh "$@"; }
sums d0.img >before
expect_fail 5 "held read-write by host \"$me\" \(this host is \"otherhost\"\)" elsewhere bosadd --devices $D bvg x bos.tgz
expect_fail 5 "held read-write by host \"$me\"" elsewhere bosrm --devices $D bvg raw-1
elsewhere boslist --devices $D bvg >/dev/null || die "boslist of a VG held elsewhere (read-only) fails"
sums d0.img | cmp -s - before || die "a refused command wrote to a VG held elsewhere"
ok "a VG held by another host: bosadd and bosrm refused with nothing written, boslist reads"

# --- 4. --replace of a tar, bosrm ------------------------------------------
old=$(field debian-12.tar bos_file)
bosadd --devices $D --replace bvg debian-12.tar bos.tgz >/dev/null || die "bosadd --replace tar"
new=$(field debian-12.tar bos_file)
[ "$old" != "$new" ] || die "--replace kept the file name"
fsck_bosfs
out=$(bosrm --devices $D bvg debian-12.tar raw-1) || die "bosrm: $out"
echo "$out" | grep -q '2 BOS image(s) removed' || die "bosrm said: $out"
[ "$(json | jq '.report[0].bos | length')" = 0 ] || die "boslist after bosrm: $(json)"
[ -z "$(boslist --devices $D bvg 2>&1 >/dev/null)" ] || die "boslist warns after bosrm"
lvmb lvs "bvg/$newlv" >/dev/null 2>&1 && die "bosrm left the raw LV"
lvm2_ok
fsck_bosfs
ok "--replace of a tar writes a new file; bosrm removes both (manifests, the file, the LV); vgck and e2fsck clean"

# --- 5. bosfs mounted on this host (ivgimport -m: loop devices) ------------
M=$T/m
out=$(ivgimport -m "$M" --devices $D bvg) || die "ivgimport -m: $out"
out=$(bosadd --devices $D bvg mounted bos.tgz 2>&1) || die "bosadd on the mount: $out"
f=$(field mounted bos_file)
[ -f "$M/bos/$f" ] && [ -f "$M/bos/manifests/mounted.json" ] ||
	die "not written into the mounted bosfs: $(ls -laR "$M/bos" 2>&1)"
ls -a "$M/bos/images" "$M/bos/manifests" | grep -q "opp-tmp" && die "temporary files left in the mount"
cmp "$M/bos/$f" bos.tgz || die "the image in the mounted bosfs differs from bos.tgz"
[ "$(jq -r .sha256 "$M/bos/manifests/mounted.json")" = "$(sha256sum bos.tgz | cut -d' ' -f1)" ] ||
	die "manifest: $(cat "$M/bos/manifests/mounted.json")"
out=$(./bos_tool restore $D,tgt.img bvg mounted tgtvg root) || die "restore from the mounted bosfs: $out"
check_restored "restore from the mounted bosfs"
bosrm --devices $D bvg mounted >/dev/null || die "bosrm on the mount"
[ -z "$(ls -A "$M/bos/images")" ] && [ -z "$(ls -A "$M/bos/manifests")" ] || die "bosrm left files in the mount"
ivgexport --devices $D bvg >/dev/null || die "ivgexport"
[ "$(json | jq '.report[0].bos | length')" = 0 ] || die "boslist after export: $(json)"
fsck_bosfs
ok "bosfs mounted (ivgimport -m): bosadd writes into the mount (no temporary files left), the restore reads it there, bosrm removes it; e2fsck clean after ivgexport"
