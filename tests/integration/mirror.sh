#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every disk carries everything (issue 18), on image files: an IVG of
# three disks holding a BOS (tar), a raw BOS and an OPP, mirrored on each
# (stock lvm2 judges the layout). Each disk alone lists the images,
# installs the BOS with the OPP onto a target whose root VG lvm2 accepts,
# and runs ivgrecover --generic, writing nothing to itself. ivgextend adds
# a fourth disk (lvm2: four legs to every image LV), which alone installs;
# one image is deleted and ivgreduce --removemissing leaves a VG that
# vgck accepts and oppadd writes again. With a leg of bosfs damaged under
# the BOS file, and a leg of the raw BOS's LV, bosinstall installs what a
# clean install installs and names the bad leg; ivgck judges the legs by
# the files and --repair makes them alike. ivgreplace swaps a disk.
# ivgextend and ivgreplace show a progress bar on a terminal; ivgreduce
# refuses to drop the last leg of an LV.
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/integration/rootvg_lib.bash"
cd "$T"
for t in debugfs e2fsck grub-mkimage; do command -v $t >/dev/null || { echo "no $t"; exit 77; }; done
KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$KERNEL" ] || { echo "no kernel in /boot"; exit 77; }
"$HERE/vm/mkbos.sh" bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
kver=$(basename bos/tree/boot/vmlinuz-*); kver=${kver#vmlinuz-}

D=d0.img,d1.img,d2.img
ivgcreate -y --no-boot-image --devices d0.img --size 300m --bootlv-size 48m --bosfs-size 64m --oppfs-size 16m \
	ivg0 d0.img d1.img d2.img >/dev/null || die "ivgcreate"
ivgmkboot --devices $D --kernel "/boot/vmlinuz-$kver" --modules "/lib/modules/$kver" \
	--initrd bos/tree/boot/initrd.img-"$kver" ivg0 >/dev/null || die "ivgmkboot"
bosadd --devices $D ivg0 testbos bos/bos.tar.gz >/dev/null || die "bosadd tar"
truncate -s 40m raw.img && mke2fs -q -F -t ext4 -d bos/tree raw.img || die "mke2fs raw.img"
bosadd --devices $D --format raw ivg0 rawbos raw.img >/dev/null || die "bosadd raw"
mkdir plain && (cd plain && printf 'Package: mytool\nVersion: 1.2\nArchitecture: all\nDescription: an OPP\n' >opp.control &&
	mkdir bin && echo x >bin/mytool && tar czf ../mytool-1.2.opp opp.control bin)
oppadd --devices $D ivg0 mytool-1.2.opp >/dev/null || die "oppadd"
RAWLV=$(boslist --devices $D --reportformat json ivg0 | jq -r '.report[0].bos[] | select(.bos_name == "rawbos") | .bos_lv')

lvm_on() {   # IMG...: lvm2 sees these disks' PVs
	local l acc=""
	for f in "$@"; do l=$(loop_pv "$f"); acc="$acc $l"; done
	# shellcheck disable=SC2086 # one device each
	lvm_filter $acc
}
vgck_ivg() {   # IMG...
	lvm_on "$@"
	lvmq vgck ivg0 >vgck.out 2>&1 || die "vgck: $(cat vgck.out)"
	grep -v "Activation disabled" vgck.out | grep -q WARNING && die "vgck warns: $(cat vgck.out)"
	return 0
}
legs_of() {   # LV: its segment type and leg count, as lvm2 reports them
	lvmq lvs --noheadings -o segtype,devices "ivg0/$1" 2>/dev/null | awk '{print $1, split($2, a, ",")}'
}
vgck_ivg d0.img d1.img d2.img
for lv in bootlv bosfs oppfs "$RAWLV"; do
	[ "$(legs_of "$lv")" = "raid1 3" ] || die "$lv: $(legs_of "$lv")"
done
ok "bootlv, bosfs, oppfs and the raw BOS's LV are raid1 with a leg on each of the three disks (lvm2's lvs); vgck clean"

# ---- each disk alone -------------------------------------------------------
cp -a bos/tree nokernel
rm -rf nokernel/boot nokernel/vmlinuz nokernel/initrd.img
make_rootvg nokernel.img oldvg nokernel
alone() {   # K TARGET: disk K alone lists, installs onto TARGET, recovers
	local k=$1 tgt=$2 before out
	before=$(sums d$k.img)
	out=$(boslist --devices d$k.img ivg0 2>/dev/null)
	grep -q "^  testbos " <<<"$out" && grep -q "^  rawbos " <<<"$out" || die "d$k.img alone: boslist: $out"
	out=$(opplist --devices d$k.img ivg0 2>/dev/null)
	grep -q "^  mytool " <<<"$out" || die "d$k.img alone: opplist: $out"
	truncate -s 1g "$tgt"
	bosinstall -y --devices "d$k.img,$tgt" --ivg ivg0 --bos testbos --opp mytool "$tgt" >inst.out 2>&1 ||
		die "d$k.img alone: bosinstall: $(cat inst.out)"
	vgck_clean "$tgt" rootvg
	ivgrecover -y --generic --devices "d$k.img,nokernel.img" oldvg >rec.out 2>&1 ||
		die "d$k.img alone: ivgrecover --generic: $(cat rec.out)"
	grep -q 'Using the generic boot image of ivg0/bootlv' rec.out || die "d$k.img alone: $(cat rec.out)"
	[ "$(sums d$k.img)" = "$before" ] || die "d$k.img alone: a reading command wrote to it"
}
for k in 0 1 2; do alone $k t$k.img; done
ok "each disk alone lists the BOS images and the OPP, installs the BOS with the OPP (the root VG vgck-clean), and runs ivgrecover --generic; not a byte of it written"

# ---- ivgextend ---------------------------------------------------------------
truncate -s 300m d3.img
# On a terminal (script(1) gives one): the progress bar of the copy.
script -qec "ivgextend --devices $D,d3.img ivg0 d3.img" ext.txt >/dev/null || die "ivgextend: $(cat ext.txt)"
grep -q 'Volume group "ivg0" successfully extended' ext.txt || die "ivgextend said: $(cat ext.txt)"
grep -q 'Copying onto the new legs \[.*100%' ext.txt || die "ivgextend on a terminal showed no progress bar: $(cat ext.txt)"
vgck_ivg d0.img d1.img d2.img d3.img
for lv in bootlv bosfs oppfs "$RAWLV"; do
	[ "$(legs_of "$lv")" = "raid1 4" ] || die "after ivgextend, $lv: $(legs_of "$lv")"
done
ivgck --devices $D,d3.img ivg0 >ck.out 2>&1 || die "ivgck after ivgextend: $(cat ck.out)"
[ "$(ivgs --devices $D,d3.img --reportformat json ivg0 | jq -r '[.report[0].lv[].leg_states] | unique | join(" ")')" = \
	"in-sync,in-sync,in-sync,in-sync" ] || die "ivgs after ivgextend: $(ivgs --devices $D,d3.img ivg0)"
alone 3 t3.img
ok "ivgextend (a progress bar on a terminal): lvm2 shows four legs for every image LV and bootlv, vgck and ivgck clean (boot records of d3 included); d3 alone lists, installs, recovers"

# ---- one disk lost -------------------------------------------------------------
mv d0.img lost.img
D=d1.img,d2.img,d3.img
expect_fail 5 'partial' oppadd --devices $D ivg0 mytool-1.2.opp
out=$(ivgreduce --devices $D --removemissing ivg0 2>&1) || die "ivgreduce --removemissing: $out"
vgck_ivg d1.img d2.img d3.img
for lv in bootlv bosfs oppfs "$RAWLV"; do
	[ "$(legs_of "$lv")" = "raid1 3" ] || die "after ivgreduce, $lv: $(legs_of "$lv")"
done
(cd plain && sed -i 's/1.2/1.3/' opp.control && tar czf ../mytool-1.3.opp opp.control bin)
oppadd --devices $D ivg0 mytool-1.3.opp >/dev/null || die "oppadd after ivgreduce"
ivgck --devices $D ivg0 >ck.out 2>&1 || die "ivgck after ivgreduce: $(cat ck.out)"
ok "d0 deleted: ivgreduce --removemissing leaves a complete VG (vgck clean, three legs each), oppadd works again, ivgck clean"

# ---- a damaged leg under the BOS files ----------------------------------------
leg_off() {   # LV K: byte offset of leg K's image in its disk file
	local r pe img
	img=$(ivgs --devices $D --reportformat json ivg0 | jq -r ".report[0].pv[$2].pv_name")
	lvm_on d1.img d2.img d3.img
	r=$(lvmq lvs -a --noheadings -o seg_pe_ranges "ivg0/${1}_rimage_$2" 2>/dev/null | tr -d ' ')
	pe=${r#*:}; pe=${pe%-*}
	echo "$img $(( $(part_offset "$img" 3) + 1048576 + pe * 4194304 ))"
}
spoil() {   # IMG OFFSET: 4 KiB of random bytes
	head -c 4096 /dev/urandom | dd of="$1" bs=4096 seek="$2" oflag=seek_bytes conv=notrunc status=none
}
read -r img off < <(leg_off bosfs 0)
dd if="$img" of=bosfs0.img bs=1M skip="$off" count=64 iflag=skip_bytes status=none
f=$(debugfs -R "ls -l images" bosfs0.img 2>/dev/null | awk '/testbos/ {print $NF}')
blk=$(debugfs -R "bmap images/$f 1000" bosfs0.img 2>/dev/null)
bs=$(dumpe2fs -h bosfs0.img 2>/dev/null | awk '/^Block size/ {print $3}')
[ -n "$blk" ] && [ -n "$bs" ] || die "where the BOS file lies: '$blk' '$bs'"
spoil "$img" $((off + blk * bs))
read -r rimg roff < <(leg_off "$RAWLV" 0)
spoil "$rimg" $((roff + (8 << 20)))

# Every entry of a tree: type, mode, owner, size, link target, bytes,
# device numbers (not times: the installs are minutes apart).
tree_list() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %U %G %s %p %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 -r sha256sum &&
		find . \( -type c -o -type b \) -print0 | sort -z | xargs -0 -r stat -c '%n %t %T')
}
root_tree() {   # TARGET DIR: rootlv's files, installed.json aside
	local off size l
	read -r off size < <(lv_range "$1" rootvg rootlv)
	l=$(loop_file -r -o "$off" --sizelimit "$size" "$1")
	mkdir -p mnt "$2" && mount -o ro "$l" mnt && cp -a mnt/. "$2" && umount mnt || die "mount $1's rootlv"
	losetup -d "$l"
	mv "$2/etc/ivg/installed.json" "$2.json"
}
for bos in testbos rawbos; do
	truncate -s 1g clean-$bos.img bad-$bos.img
	bosinstall -y --devices d2.img,clean-$bos.img --ivg ivg0 --bos $bos --opp mytool clean-$bos.img >/dev/null 2>&1 ||
		die "a clean install of $bos from d2 alone"
	bosinstall -y --devices $D,bad-$bos.img --ivg ivg0 --bos $bos --opp mytool bad-$bos.img >inst.out 2>&1 ||
		die "bosinstall of $bos with a damaged leg: $(cat inst.out)"
	lv=bosfs; [ $bos = rawbos ] && lv=$RAWLV
	grep -q "WARNING: read again through other legs: the bytes read through leg 0 of ivg0/$lv (PV pv1, d1.img) did not match" inst.out ||
		die "bosinstall of $bos did not name the bad leg: $(cat inst.out)"
	vgck_clean bad-$bos.img rootvg
	root_tree clean-$bos.img c-$bos; root_tree bad-$bos.img b-$bos
	tree_list c-$bos >c.list; tree_list b-$bos >b.list
	cmp -s c.list b.list || die "the installs of $bos differ: $(diff c.list b.list | head)"
	# What was restored hashed, as it streamed, to the SHA-256 of the
	# file given to bosadd: the bytes of the BOS, not of the damaged leg.
	src=bos/bos.tar.gz; [ $bos = rawbos ] && src=raw.img
	[ "$(jq -r .bos.sha256 b-$bos.json)" = "$(sha256sum <$src | cut -d' ' -f1)" ] ||
		die "$bos: the install's record names SHA-256 $(jq -r .bos.sha256 b-$bos.json), not that of $src"
done
ok "a leg damaged under the BOS file (bosfs) and under the raw BOS (its LV): bosinstall reads them through another leg and names the bad leg; the bytes it restored hash to the SHA-256 of the file given to bosadd, and the root LV's tree (every file's bytes, modes, owners, links, devices) is a clean install's"

set +e
ivgck --devices $D ivg0 >ck.out 2>&1
rc=$?
set -e
[ $rc = 5 ] || die "ivgck did not find the damaged legs: $(cat ck.out)"
grep -q "LV ivg0/bosfs .*mismatched" ck.out && grep -q "images/$f.*: leg(s) 0 bad, leg(s) 1 2 verify" ck.out ||
	die "ivgck's verdict on bosfs: $(cat ck.out)"
grep -q "in the image: leg(s) 0 bad, leg(s) 1 2 verify" ck.out || die "ivgck's verdict on $RAWLV: $(cat ck.out)"
ivgck --devices $D --repair -y ivg0 >rep.out 2>&1 || die "ivgck --repair: $(cat rep.out)"
ivgck --devices $D ivg0 >ck.out 2>&1 || die "ivgck after --repair: $(cat ck.out)"
[ "$(ivgs --devices $D --check --reportformat json ivg0 | jq -r '[.report[0].lv[].leg_states] | unique | join(" ")')" = \
	"in-sync,in-sync,in-sync" ] || die "ivgs --check after the repair: $(ivgs --devices $D --check ivg0)"
vgck_ivg d1.img d2.img d3.img
ok "ivgck names the bad leg of each region by the files' SHA-256, --repair copies the good legs over it; ivgs --check: all legs alike"

# ---- ivgreplace ------------------------------------------------------------------
truncate -s 300m d4.img
script -qec "ivgreplace --devices $D,d4.img ivg0 d2.img d4.img" rep.txt >/dev/null || die "ivgreplace: $(cat rep.txt)"
grep -q '\[.*100%' rep.txt || die "ivgreplace on a terminal showed no progress bar: $(cat rep.txt)"
D=d1.img,d3.img,d4.img
vgck_ivg d1.img d3.img d4.img
[ "$(ivgs --devices $D --reportformat json ivg0 | jq -r '[.report[0].pv[].pv_name] | join(" ")')" = "d1.img d3.img d4.img" ] ||
	die "PVs after ivgreplace: $(ivgs --devices $D ivg0)"
ivgck --devices $D ivg0 >ck.out 2>&1 || die "ivgck after ivgreplace: $(cat ck.out)"
alone 4 t4.img
ok "ivgreplace d2 by d4 (a progress bar on a terminal): vgck and ivgck clean; d4 alone lists, installs, recovers"

# ---- the last leg --------------------------------------------------------------
# The images on two of three disks: dropping d6 takes one leg of each LV;
# then d5 holds the last leg of bosfs and oppfs, which ivgreduce refuses
# to drop, as vgreduce refuses, whether d5 is there or lost, writing
# nothing.
truncate -s 300m d5.img d6.img d7.img
E=d5.img,d6.img,d7.img
ivgcreate -y --no-boot-image --devices $E --size 300m --bootlv-size 48m --bosfs-size 64m --oppfs-size 16m \
	--image-pvs d5.img,d6.img ivg1 d5.img d6.img d7.img >/dev/null || die "ivgcreate --image-pvs"
bosadd --devices $E ivg1 testbos bos/bos.tar.gz >/dev/null || die "bosadd ivg1"
ivgreduce --devices $E ivg1 d6.img >red.out 2>&1 || die "ivgreduce d6: $(cat red.out)"
E=d5.img,d7.img
before=$(sums d5.img d7.img)
expect_fail 5 'LV ivg1/(bosfs|oppfs) would lose its last leg: not dropped' ivgreduce --devices $E ivg1 d5.img
[ "$(sums d5.img d7.img)" = "$before" ] || die "a refused ivgreduce wrote"
mv d5.img gone.img
before=$(sums d7.img)
expect_fail 5 'LV ivg1/(bosfs|oppfs) would lose its last leg' ivgreduce --devices d7.img --removemissing ivg1
[ "$(sums d7.img)" = "$before" ] || die "a refused ivgreduce --removemissing wrote"
mv gone.img d5.img
lvm_on d5.img d7.img
lvmq vgck ivg1 >/dev/null 2>&1 || die "vgck ivg1 after the refusals"
boslist --devices $E ivg1 | grep -q "^  testbos " || die "ivg1 after the refusals: $(boslist --devices $E ivg1 2>&1)"
ok "ivgreduce refuses to drop the last leg of bosfs and oppfs (the disk there, or lost and --removemissing): exit 5, nothing written, the VG as it was"
