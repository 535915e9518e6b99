#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the initramfs of the test guest:
#   mkinitramfs.sh [--kernel VER] [--modules "M..."] OUT [EXTRA_BIN|DIR...]
# OUT gets two concatenated cpio archives, uncompressed (unpacking 26 MB
# of gzip costs the guest ~0.6 s of TCG time; copying is free):
#  - the base: busybox-static (with its applet links), stock lvm (with its
#    command links), dmsetup, e2fsprogs, bash, sfdisk/blkid/wipefs, every
#    shared library these load, the kernel modules (decompressed, with a
#    modules.dep for busybox modprobe and /etc/ivg-vm/modules, the insmod
#    order from `modprobe -S VER --show-depends`), lvm.conf, /init and
#    /usr/bin/ivg-disk;
#  - the project layer: EXTRA_BIN (files, or directories whose entries are
#    taken) in /usr/local/bin, symlinks among them kept, plus their libraries.
# Both are cached in $(vm_cache_dir) under a key over every input's
# checksum, so a warm call only concatenates them. Callers append their
# own small archive (test script, ...): the kernel unpacks them all in turn.
# Extra modules for the base: --modules or $IVG_VM_MODULES (names).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export PATH="$PATH:/usr/sbin:/sbin"

ver=""
modules_extra=${IVG_VM_MODULES:-}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) ver=$2; shift 2 ;;
	--modules) modules_extra="$modules_extra $2"; shift 2 ;;
	-h | --help) sed -n '3,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) vm_die "mkinitramfs: unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || vm_die "usage: mkinitramfs.sh [--kernel VER] [--modules \"M...\"] OUT [EXTRA_BIN...]"
out=$1
shift
[ -n "$ver" ] || ver=$(vm_kernel_version) || vm_die "no kernel with dm-raid in /boot (make deps installs it; tests/vm/setup.sh checks)"
[ -d "/lib/modules/$ver" ] || vm_die "no /lib/modules/$ver"
cache=$(vm_cache_dir)
mkdir -p "$cache"

MODULES="virtio_pci virtio_scsi sd_mod loop dm-mod dm-raid raid1 raid10 raid0 dm-mirror dm-snapshot
	ext4 crc32c_generic vfat nls_cp437 nls_utf8 nls_iso8859-1 $modules_extra"

# The plan of a layer and its helpers: plan.sh.
. "$HERE/plan.sh"

# ---- base layer -------------------------------------------------------
base_plan() {
	local p t n
	bb=$(hostpath busybox) || vm_die "no busybox (make deps installs it; tests/vm/setup.sh checks)"
	add f /usr/bin/busybox "$bb"
	add f /init "$HERE/guest/init"
	add f /usr/bin/ivg-disk "$HERE/guest/ivg-disk"
	# Real tools first: the busybox applet links are added after them and
	# so never replace a tool of the same name.
	p=$(hostpath lvm) || vm_die "no lvm (make deps installs it; tests/vm/setup.sh checks)"
	add_elf "$p" /usr/sbin/lvm
	# shellcheck disable=SC2044 # command names have no blanks
	for n in $(find /usr/sbin /sbin -maxdepth 1 -lname lvm -printf '%f\n' 2>/dev/null) \
		lvs vgs pvs vgchange lvchange vgck pvck lvcreate vgcreate pvcreate lvremove vgremove \
		pvremove vgextend vgreduce vgcfgbackup vgcfgrestore vgscan pvscan lvscan vgexport vgimport \
		vgdisplay lvdisplay pvdisplay lvconvert lvextend lvresize vgrename lvrename lvmconfig; do
		add l "/usr/sbin/$n" lvm
	done
	for n in dmsetup mke2fs e2fsck dumpe2fs debugfs tune2fs resize2fs bash sfdisk blkid wipefs; do
		p=$(hostpath "$n") || continue
		case $n in bash) add_elf "$p" /usr/bin/bash ;; *) add_elf "$p" "/usr/sbin/$n" ;; esac
	done
	for t in mke2fs e2fsck tune2fs; do
		while read -r n; do
			add l "/usr/sbin/$n" "$t"
		done < <(find /sbin /usr/sbin -maxdepth 1 -lname "$t" -printf '%f\n' 2>/dev/null)
	done
	add l /usr/sbin/dmstats dmsetup
	add l /usr/bin/sh busybox
	for n in $("$bb" --list-full); do
		canon "/$n"
		add l "$C" /usr/bin/busybox
	done
	# shellcheck disable=SC2086 # names
	plan_modules "$ver" $MODULES
}

# ---- project layer ----------------------------------------------------
bins_plan() {
	local a f t
	declare -A inset
	local files=()
	for a in "$@"; do
		if [ -d "$a" ]; then
			for f in "${a%/}"/*; do [ -f "$f" ] && [ -x "$f" ] && files+=("$f"); done
		elif [ -e "$a" ]; then
			files+=("$a")
		else
			vm_die "no such binary: $a"
		fi
	done
	for f in "${files[@]}"; do inset[$(basename "$f")]=1; done
	for f in "${files[@]}"; do
		t=$(readlink "$f" || true)
		if [ -n "$t" ] && [ "${t#*/}" = "$t" ] && [ -n "${inset[$t]:-}" ]; then
			add l "/usr/local/bin/$(basename "$f")" "$t"
		elif [ "$(head -c 4 "$f" | tail -c 3)" = ELF ]; then
			add_elf "$f" "/usr/local/bin/$(basename "$f")"
		else
			add f "/usr/local/bin/$(basename "$f")" "$f"
		fi
	done
}

# Key of a plan: the plan itself, every source's checksum, this script.
plan_key() {
	local srcs=() l k d s
	for l in "${plan[@]}"; do
		IFS=$'\t' read -r k d s <<<"$l"
		[ "$k" = l ] || srcs+=("$s")
	done
	{
		echo "$ver ${basekey:-}"
		printf '%s\n' "${plan[@]}"
		sha256sum "$0" "$HERE/common.sh" "$HERE/plan.sh" "${srcs[@]}" | cut -c1-64
		echo "${modorder:-}"
	} | sha256sum | cut -c1-24
}

build_base() { # out
	local root
	root=$(mktemp -d "$cache/stage.XXXXXX")
	mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{proc,sys,dev,run,tmp,root,mnt,etc/ivg-vm,etc/lvm}
	ln -s usr/bin "$root/bin"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	chmod 1777 "$root/tmp"
	mknod "$root/dev/console" c 5 1 2>/dev/null || true
	stage_plan "$root"
	chmod 755 "$root/init" "$root/usr/bin/ivg-disk"
	printf '%s' "$modorder" | sed 's|^/usr/lib/|/lib/|' >"$root/etc/ivg-vm/modules"
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "/lib/modules/$ver/$f" ] && cp "/lib/modules/$ver/$f" "$root/usr/lib/modules/$ver/"
	done
	depmod -b "$root" "$ver" 2>/dev/null || true
	echo /usr/lib/x86_64-linux-gnu >"$root/etc/ld.so.conf"
	ldconfig -r "$root" 2>/dev/null || true
	guest_lvm_conf "# Test guest: no udev, no lvmetad, no dmeventd; every /dev/sd* is scanned.
# The host name is the system ID, as for ivg (lvmsystemid(7))." 'global {
	system_id_source = "uname"
}
' >"$root/etc/lvm/lvm.conf"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	cat >"$root/etc/ivg-vm/env.base" <<'ENV'
DM_DISABLE_UDEV=1
LVM_SUPPRESS_FD_WARNINGS=1
IVG_BIN=/usr/local/bin
ENV
	pack "$root" "$1"
	rm -rf "$root"
}

build_bins() { # out
	local root
	root=$(mktemp -d "$cache/stage.XXXXXX")
	mkdir -p "$root/usr/local/bin"
	stage_plan "$root"
	pack "$root" "$1"
	rm -rf "$root"
}

# Keep the newest few of each kind.
# shellcheck disable=SC2012 # our own file names
prune() { # prefix keep
	ls -t "$cache/$1"-*.cpio 2>/dev/null | tail -n +$(($2 + 1)) | xargs -r rm -f || true
	ls -t "$cache"/*.ref 2>/dev/null | tail -n +11 | xargs -r rm -f || true
}

exec 9>"$cache/.lock"
flock 9

# Fast path: planning the base runs ldd a dozen times (~2 s here). A
# .ref file remembers, under a key over the stat data of the tools and of
# these scripts, which base they gave and the stat data of all its sources.
statsum() { stat -L -c '%n %s %Y %i' "$@" | sha256sum | cut -c1-24; }
tools=()
for n in busybox lvm dmsetup mke2fs e2fsck dumpe2fs debugfs tune2fs resize2fs bash sfdisk blkid wipefs; do
	p=$(hostpath "$n") && tools+=("$p")
done
skey=$( { echo "$ver $MODULES"; statsum "$0" "$HERE/common.sh" "$HERE/plan.sh" "$HERE"/guest/* "${tools[@]}" \
	"/lib/modules/$ver/modules.dep"; } | sha256sum | cut -c1-24)
ref="$cache/base-$ver-$skey.ref"
base=""
if [ -f "$ref" ]; then
	{ read -r rbase; read -r rsum; read -r rkey; mapfile -t rlines; } <"$ref"
	rsrcs=() rdsts=()
	for l in "${rlines[@]}"; do
		case $l in S\ *) rsrcs+=("${l#S }") ;; D\ *) rdsts+=("${l#D }") ;; esac
	done
	if [ -s "$rbase" ] && [ "$(statsum "${rsrcs[@]}" 2>/dev/null)" = "$rsum" ]; then
		base=$rbase key=$rkey
		plan=() planned=()
		for d in "${rdsts[@]}"; do planned[$d]=1; done
	fi
fi
if [ -z "$base" ]; then
	plan=() planned=()
	base_plan
	key=$(plan_key)
	base="$cache/base-$ver-$key.cpio"
	if [ ! -s "$base" ]; then
		echo "vm: building $base" >&2
		build_base "$base"
		prune base 3
	fi
	srcs=()
	for l in "${plan[@]}"; do
		IFS=$'\t' read -r k d s <<<"$l"
		[ "$k" = l ] || srcs+=("$s")
	done
	{
		echo "$base"
		statsum "${srcs[@]}"
		echo "$key"
		printf 'S %s\n' "${srcs[@]}"
		printf 'D %s\n' "${!planned[@]}"
	} >"$ref.tmp.$$"
	mv -f "$ref.tmp.$$" "$ref"
fi
touch "$base"
layers=("$base")

if [ $# -gt 0 ]; then
	# What the base already holds (its libraries) is left out: add()
	# skips a path it has planned.
	basekey=$key plan=() modorder=""
	bins_plan "$@"
	key=$(plan_key)
	bins="$cache/bins-$key.cpio"
	if [ ! -s "$bins" ]; then
		build_bins "$bins"
		prune bins 20
	fi
	touch "$bins"
	layers+=("$bins")
fi
cat "${layers[@]}" >"$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
