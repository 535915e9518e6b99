#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the maintenance initramfs of an install VG's boot image (ivgmkboot
# runs it; installed as /usr/lib/ivg/mkinitramfs.sh):
#   mkinitramfs.sh [--kernel VER] [--modules-dir DIR] [--init FILE]
#                  [--ivg BINARY] [--iscsi-conf FILE] OUT
# OUT is one compressed (zstd, else gzip) newc cpio with: /init (the maintenance menu, init.sh
# next to this script), busybox-static and its applet links, the ivg
# binary and its command links, stock lvm2 (lvm with its command links,
# dmsetup), e2fsprogs, sfdisk/blkid, every shared library these load, and
# the kernel modules for device-mapper, dm-raid, raid1, ext4, virtio,
# SCSI, AHCI and NVMe with their dependencies (modprobe --show-depends),
# decompressed, with /etc/ivg/modules listing the insmod order.
# The SAN (boot/san.sh, as /usr/lib/ivg/san.sh): open-iscsi's iscsistart
# and the iscsi_tcp and iscsi_ibft modules, dm-multipath with its path
# selectors and multipath-tools (multipath, kpartx, the checker and
# prioritizer plugins, a multipath.conf that makes a map of any LUN seen
# twice), and the drivers of common NICs and FC HBAs (loaded only for
# hardware that is there); --iscsi-conf FILE becomes /etc/ivg/iscsi.conf.
# Modules come from DIR (default /lib/modules/VER); VER defaults to the
# newest /boot/vmlinuz-*. Exit status 0, or 1 with a message on stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

ver="" moddir="" init="$HERE/init.sh" ivg="" iscsiconf=""
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) ver=$2; shift 2 ;;
	--modules-dir) moddir=$2; shift 2 ;;
	--init) init=$2; shift 2 ;;
	--ivg) ivg=$2; shift 2 ;;
	--iscsi-conf) iscsiconf=$2; shift 2 ;;
	-h | --help) sed -n '3,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# = 1 ] || die "usage: mkinitramfs.sh [--kernel VER] [--modules-dir DIR] [--init FILE] [--ivg BINARY] [--iscsi-conf FILE] OUT"
out=$1
if [ -z "$ver" ]; then
	ver=$(find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -1)
	[ -n "$ver" ] || die "no /boot/vmlinuz-* to take the kernel version from"
fi
[ -n "$moddir" ] || moddir=/lib/modules/$ver
[ -d "$moddir/kernel" ] || die "$moddir: no kernel modules there"
case $moddir in */lib/modules/"$ver" | */lib/modules/"$ver"/) ;; *) die "$moddir: the modules directory must end in lib/modules/$ver" ;; esac
[ -r "$init" ] || die "$init: cannot read the /init script"
san=$(dirname "$init")/san.sh
[ -r "$san" ] || san=$HERE/san.sh
[ -r "$san" ] || die "$san: cannot read the SAN functions /init sources"
[ -z "$iscsiconf" ] || [ -r "$iscsiconf" ] || die "$iscsiconf: cannot read the iSCSI section"

MODULES="dm-mod dm-raid raid1 dm-mirror ext4 crc32c_generic virtio_pci virtio_scsi virtio_blk
	sd_mod ahci nvme loop efivarfs
	virtio_net e1000 iscsi_tcp iscsi_ibft dm-multipath dm-round-robin dm-service-time
	dm-queue-length scsi_dh_alua scsi_dh_emc scsi_dh_rdac"
# Loaded by /init only for the hardware that is there (modules.alias):
# Intel, Broadcom, Mellanox, Emulex NICs; QLogic and Emulex FC HBAs.
HWMODULES="e1000e igb ixgbe i40e ice tg3 bnx2x bnxt_en mlx5_core be2net qla2xxx lpfc"
# Loaded by /init when the kernel has them: QEMU's firmware configuration
# files (a vios partition's boot type, opt/ivg/vios).
OPTMODULES="qemu_fw_cfg"

root=$(mktemp -d "${TMPDIR:-/tmp}/ivg-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{proc,sys,dev,run,tmp,root,mnt,etc/ivg,etc/lvm}
chmod 1777 "$root/tmp"

# Forks are what costs here (tens of ms each on small VMs): files are
# collected into lists and copied, linked, inspected in a few calls.
# Host files keep their paths (cp --parents); /bin, /sbin, /lib, /lib64
# are then merged into /usr and become links to it (merged /usr).
copies=()         # host files, kept at their own paths
declare -A links  # image path -> link target
elfs=()           # programs whose libraries are needed

bb=$(command -v busybox) || die "no busybox (install busybox-static)"
if ldd "$bb" >/dev/null 2>&1; then die "$bb is not static (install busybox-static)"; fi
p=$(command -v lvm) || die "no lvm (install lvm2)"
copies+=("$bb" "$p")
elfs+=("$p")
for n in $(find /usr/sbin /sbin -maxdepth 1 -lname lvm -printf '%f\n' 2>/dev/null) \
	lvs vgs pvs vgchange lvchange vgck pvck vgscan pvscan lvscan vgimport vgexport \
	vgcfgbackup vgcfgrestore vgdisplay lvdisplay pvdisplay lvconvert lvmconfig; do
	links[/usr/sbin/$n]=lvm
done
# grub-mkimage and mtools: bosinstall and ivgrecover write boot records.
# iscsistart, multipath and kpartx: the SAN (san.sh).
for n in dmsetup mke2fs e2fsck dumpe2fs debugfs tune2fs resize2fs e2label sfdisk blkid wipefs \
	grub-mkimage mtools iscsistart multipath kpartx; do
	p=$(type -P "$n") || p=$(PATH=/usr/sbin:/sbin type -P "$n") || continue
	copies+=("$p")
	elfs+=("$p")
done
while read -r n t; do
	links[/usr/sbin/$n]=$t
done < <(find /sbin /usr/sbin -maxdepth 1 \( -lname mke2fs -o -lname e2fsck \) -printf '%f %l\n' 2>/dev/null)
# multipath-tools' checkers and prioritizers (dlopen'ed by name).
mplib=""
for d in /lib/multipath /usr/lib/multipath /usr/lib/x86_64-linux-gnu/multipath; do
	[ -e "$d/libchecktur.so" ] && { mplib=$(readlink -f "$d"); break; }
done
if [ -n "$mplib" ]; then
	for p in "$mplib"/*.so; do copies+=("$p"); elfs+=("$p"); done
fi
if [ -n "$ivg" ]; then
	[ -x "$ivg" ] || die "$ivg: not an executable"
	elfs+=("$ivg")
	for n in $("$ivg" --help | awk '/^  [a-z]/ { print $1 }'); do links[/usr/sbin/$n]=ivg; done
fi

# Every library the programs load, in one ldd run.
while read -r lib; do
	case $lib in
	NOTFOUND:*) die "library ${lib#NOTFOUND:} not found" ;;
	/*) copies+=("$lib") ;;
	esac
done < <(ldd "${elfs[@]}" 2>/dev/null | awk '/=>/ { if ($3 ~ /^\//) print $3; else if ($3 == "not") print "NOTFOUND:" $1; next }
	$1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u)
# Directories resolved (the host's /lib may be a link to /usr/lib), names
# kept (a library's SONAME link is the name the loader asks for).
declare -A realdir
mapfile -t dirs < <(printf '%s\n' "${copies[@]%/*}" | sort -u)
mapfile -t reals < <(readlink -f "${dirs[@]}")
for i in "${!dirs[@]}"; do realdir[${dirs[$i]}]=${reals[$i]}; done
files=()
for f in "${copies[@]}"; do files+=("${realdir[${f%/*}]}/${f##*/}"); done
cp -L --parents "${files[@]}" "$root/" || die "cannot copy the programs"
for d in bin sbin lib lib64; do
	if [ -d "$root/$d" ]; then
		cp -a "$root/$d/." "$root/usr/$d/" && rm -rf "${root:?}/$d" || die "cannot merge /$d into /usr"
	fi
	ln -s "usr/$d" "$root/$d"
done
[ -z "$ivg" ] || cp -L --preserve=mode "$ivg" "$root/usr/sbin/ivg" || die "cannot copy $ivg"
for n in mformat mmd mcopy; do links[/usr/bin/$n]=mtools; done
for d in /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi; do   # GRUB's modules, not its prebuilt images
	[ -d "$d" ] && mkdir -p "$root$d" && find "$d" -maxdepth 1 -type f -exec cp -t "$root$d" {} +
done
g=/usr/lib/x86_64-linux-gnu/gconv   # mtools's FAT names go through iconv (code page 850)
[ -e "$g/IBM850.so" ] && mkdir -p "$root$g" && cp -a "$g"/gconv-modules* "$g/IBM850.so" "$root$g/"
# Busybox applets where no real tool is.
while read -r n; do
	case $n in /bin/* | /sbin/* | /lib/*) n=/usr$n ;; esac
	[ -n "${links[$n]:-}" ] || links[$n]=/usr/bin/busybox
done < <("$bb" --list-full | sed 's|^|/|')
links[/usr/bin/sh]=busybox
cp -L --preserve=mode "$init" "$root/init" && chmod 755 "$root/init" || die "cannot copy $init"
mkdir -p "$root/usr/lib/ivg" "$root/etc/multipath"
cp -L "$san" "$root/usr/lib/ivg/san.sh" || die "cannot copy $san"
[ -z "$iscsiconf" ] || cp -L "$iscsiconf" "$root/etc/ivg/iscsi.conf" || die "cannot copy $iscsiconf"
# busybox udhcpc's hook (san.sh's DHCP): the address and the route.
cat >"$root/usr/lib/ivg/udhcpc.sh" <<'HOOK'
#!/bin/sh
case $1 in
bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -z "$router" ] || ip route add default via "${router%% *}" dev "$interface"
	;;
esac
exit 0
HOOK
chmod 755 "$root/usr/lib/ivg/udhcpc.sh"
# Any LUN seen through two paths becomes a map named by its WWID, which
# every machine sees alike (no bindings file to keep).
cat >"$root/etc/multipath.conf" <<'CONF'
defaults {
	user_friendly_names no
	find_multipaths yes
}
CONF

# Kernel modules in insmod order (modprobe --show-depends), decompressed.
mods=()
: >"$root/etc/ivg/modules"
# shellcheck disable=SC2086 # names
deps=$(modprobe -d "$(dirname "$(dirname "$(dirname "$moddir")")")" -S "$ver" --show-depends -a $MODULES) ||
	die "some of the kernel modules ($MODULES) are missing for $ver in $moddir"
for m in $OPTMODULES; do
	d=$(modprobe -d "$(dirname "$(dirname "$(dirname "$moddir")")")" -S "$ver" --show-depends "$m" 2>/dev/null) &&
		deps="$deps"$'\n'"$d"
done
# The hardware drivers go in when the kernel has them, but not into the
# insmod list.
hw=""
for m in $HWMODULES; do
	# shellcheck disable=SC2086 # names
	d=$(modprobe -d "$(dirname "$(dirname "$(dirname "$moddir")")")" -S "$ver" --show-depends $m 2>/dev/null) &&
		hw="$hw$d"$'\n'
done
declare -A seen
# take LIST [ORDERFILE]: the modules of modprobe's LIST, each once; their
# insmod order into ORDERFILE when given.
take() {
	local kind path dst
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		path=/${path#"${path%%[!/]*}"}
		[ -n "${seen[$path]:-}" ] && continue
		seen[$path]=1
		mods+=("$path")
		[ -n "${2:-}" ] || continue
		dst=${path%.xz}; dst=${dst%.zst}; dst=${dst%.gz}
		echo "/usr/lib/modules/$ver/${dst#*/lib/modules/"$ver"/}" >>"$2"
	done <<<"$1"
}
take "$deps" "$root/etc/ivg/modules"
take "$hw"
mkdir -p "$root/usr/lib/modules/$ver"
(cd "$moddir" && cp --parents "${mods[@]#*/lib/modules/"$ver"/}" "$root/usr/lib/modules/$ver/") ||
	die "cannot copy the kernel modules"
for z in xz zst gz; do
	mapfile -t zs < <(find "$root/usr/lib/modules" -name "*.ko.$z")
	[ ${#zs[@]} = 0 ] && continue
	case $z in xz) xz -d "${zs[@]}" ;; zst) zstd -dq --rm "${zs[@]}" ;; gz) gzip -d "${zs[@]}" ;; esac ||
		die "cannot decompress the kernel modules"
done
for f in modules.builtin modules.builtin.modinfo modules.order modules.builtin.alias.bin; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$root/usr/lib/modules/$ver/"
done
depmod -b "$root" "$ver" 2>/dev/null || true
echo /usr/lib/x86_64-linux-gnu >"$root/etc/ld.so.conf"
ldconfig -r "$root" 2>/dev/null || true
# All links in one process.
for l in "${!links[@]}"; do printf '%s\0%s\0' "$root$l" "${links[$l]}"; done |
	perl -0 -ne 'chomp; if (defined $d) { symlink($_, $d) or $!{EEXIST} or die "$d: $!\n"; undef $d } else { $d = $_ }' ||
	die "cannot make the links"

cat >"$root/etc/lvm/lvm.conf" <<'CONF'
# ivg maintenance environment: no udev, no daemons; the host name is the
# system ID, as for ivg (lvmsystemid(7)).
global {
	system_id_source = "uname"
}
devices {
	obtain_device_list_from_udev = 0
	external_device_info_source = "none"
	use_devicesfile = 0
}
activation {
	udev_sync = 0
	udev_rules = 0
	verify_udev_operations = 0
	monitoring = 0
}
CONF
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "$ver" >"$root/etc/ivg/kernel"

# zstd where there is one (the kernel unpacks it fastest), else gzip.
if command -v zstd >/dev/null; then z="zstd -q -T0 -6"; else z="gzip -6 -n"; fi
(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet | $z) >"$out.tmp.$$" || die "cannot write $out"
mv -f "$out.tmp.$$" "$out"
