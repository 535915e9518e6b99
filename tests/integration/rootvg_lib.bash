# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by recover.sh and recover_vm.sh (sourced after lib.sh): a root VG
# made by stock lvm2 on an image file, and where its LVs lie.

# make_rootvg IMG VG TREE: a 200 MiB disk with the IVG layout, a root VG
# made by stock lvm2 with bootlv, swaplv and rootlv (TREE in it), tagged.
make_rootvg() {
	local img=$1 vg=$2 tree=$3 pv l off size
	truncate -s 200M "$img"
	sfdisk -q "$img" <<EOF || die "sfdisk $img"
label: gpt
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name="BIOS boot"
start=4096, size=131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System"
start=135168, type=E6D6D379-F507-44C2-A23C-238F2A3DF928, name="ivg-pv"
EOF
	rm -f esp.tmp
	mkfs.vfat -F 32 -C esp.tmp $((64 * 1024)) >/dev/null || die "mkfs.vfat"
	dd if=esp.tmp of="$img" bs=1M seek=2 conv=notrunc status=none
	rm -f esp.tmp
	pv=$(loop_pv "$img")
	lvm_filter "$pv"
	# No system ID, as on an installed system whose initramfs has none.
	sed -i 's/system_id_source = "uname"//' "$LVM_SYSTEM_DIR/lvm.conf"
	lvmq pvcreate -q "$pv" >/dev/null 2>&1 || die "pvcreate"
	lvmq vgcreate -q -s 4m "$vg" "$pv" >/dev/null 2>&1 || die "vgcreate"
	lvmq lvcreate -q -an -Zn -L 40m -n bootlv "$vg" >/dev/null 2>&1 || die "lvcreate bootlv"
	lvmq lvcreate -q -an -Zn -L 8m -n swaplv "$vg" >/dev/null 2>&1 || die "lvcreate swaplv"
	lvmq lvcreate -q -an -Zn -l 100%FREE -n rootlv "$vg" >/dev/null 2>&1 || die "lvcreate rootlv"
	lvmq vgchange -q --addtag ivg_rootvg "$vg" >/dev/null 2>&1 || die "vgchange --addtag"
	read -r off size < <(lv_range "$img" "$vg" rootlv)
	l=$(loop_file -o "$off" --sizelimit "$size" "$img")
	mke2fs -q -F -t ext4 -d "$tree" "$l" >/dev/null || die "mke2fs -d"
	losetup -d "$l"
	losetup -d "$pv"
}

# lv_range IMG VG LV: byte offset and size of a linear LV in the image.
lv_range() {
	local img=$1 vg=$2 lv=$3 pv pe_start ext r pe n
	pv=$(loop_pv "$img")
	lvm_filter "$pv"
	pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$pv" 2>/dev/null | tr -d ' ')
	ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size "$vg" 2>/dev/null | tr -d ' ')
	r=$(lvmq lvs --noheadings -o seg_pe_ranges "$vg/$lv" 2>/dev/null | tr -d ' ')
	losetup -d "$pv"
	pe=${r#*:}; n=$((${pe#*-} - ${pe%-*} + 1)); pe=${pe%-*}
	echo $(($(part_offset "$img" 3) + pe_start + pe * ext)) $((n * ext))
}

lv_sum() { # IMG VG LV
	local off size
	read -r off size < <(lv_range "$@")
	dd if="$1" bs=1M skip=$((off >> 20)) count=$((size >> 20)) status=none | sha256sum | cut -c1-64
}

# lvm2's verdict: vgck exit 0 and no WARNING.
vgck_clean() { # IMG VG
	local pv out
	pv=$(loop_pv "$1")
	lvm_filter "$pv"
	out=$(lvmq vgck "$2" 2>&1) || { losetup -d "$pv"; die "vgck $2: $out"; }
	losetup -d "$pv"
	# --driverloaded n's own warning aside.
	! echo "$out" | grep WARNING | grep -vq "Activation disabled" || die "vgck $2 warns: $out"
}
