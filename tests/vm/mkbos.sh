#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the test BOS, a small bootable Linux for bosinstall and ivgrecover:
#   mkbos.sh [--kernel VER] [--name NAME] [--pkgtools] [--san] OUTDIR
# OUTDIR/tree is the root filesystem and OUTDIR/bos.tar.gz the same as a
# tar archive (numeric owners 0:0). The tree holds:
#  - Debian's kernel as /boot/vmlinuz-VER with its initramfs
#    /boot/initrd.img-VER, and the /vmlinuz and /initrd.img links;
#  - a busybox-static userland (/usr/bin/busybox and its applet links);
#  - /sbin/init, which prints on the console
#      IVG-BOS-MARKER name=NAME root=DEV installed=SHA kernel=VER
#    (SHA: the first 16 hex digits of /etc/ivg/installed.json's SHA-256,
#    or "none") and powers the machine off (with /etc/ivg-bos/stay in
#    the tree it prints "IVG-BOS-UP" and keeps running instead);
#  - /etc/ivg-bos/name (NAME, default "testbos"), /dev/console, /dev/null;
#  - with --pkgtools, the host's package managers with their libraries,
#    so that bosinstall installs OPPs with the BOS's own tools (chroot):
#    dpkg (and the programs it wants in PATH: ldconfig and GNU tar;
#    busybox gives the rest) with an empty database, apt-get with its file, copy and
#    store methods, rpm with /usr/lib/rpm and an empty RPM database.
# The initramfs loads dm-mod and the virtio, SCSI and ext4 modules,
# activates the VG of root=/dev/mapper/VG-LV with stock lvm2 (lvm and
# its libraries), mounts it read-only and switch_root's to its /sbin/init;
# when it cannot, it prints "IVG-BOS-FAIL what" and powers off.
# With --san it also boots from a SAN LUN, as a Debian system with
# open-iscsi and multipath-tools does: the tree has /usr/sbin/iscsistart
# and /usr/sbin/multipath (what bosinstall looks for), and with the kernel
# argument iscsi_auto the initramfs loads the iSCSI, network and
# dm-multipath modules, sets up the NIC and logs in as the iBFT says
# (iscsistart -N, -b), then makes a multipath map of any LUN seen through
# two paths (multipath, kpartx) before it activates the root VG.
# The result is cached in $(vm_cache_dir) under a key over the inputs; a
# warm call only copies it. VER defaults as for the test guest.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
export PATH="$PATH:/usr/sbin:/sbin"

ver="" name=testbos pkgtools="" san=""
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) ver=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--pkgtools) pkgtools=1; shift ;;
	--san) san=1; shift ;;
	-h | --help) sed -n '3,33s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) vm_die "mkbos: unknown option $1" ;;
	*) break ;;
	esac
done
[ $# = 1 ] || vm_die "usage: mkbos.sh [--kernel VER] [--name NAME] [--pkgtools] [--san] OUTDIR"
out=$1
case $name in '' | *[!A-Za-z0-9._+-]*) vm_die "mkbos: --name: letters, digits and . _ + - only" ;; esac
[ -n "$ver" ] || ver=$(vm_kernel_version) || vm_die "no kernel with dm-raid in /boot (make deps installs it; tests/vm/setup.sh checks)"
kernel=/boot/vmlinuz-$ver
[ -r "$kernel" ] || vm_die "mkbos: no $kernel"
[ -d "/lib/modules/$ver" ] || vm_die "mkbos: no /lib/modules/$ver"
cache=$(vm_cache_dir)
mkdir -p "$cache"

. "$HERE/plan.sh"

MODULES="dm-mod virtio_pci virtio_blk virtio_scsi sd_mod ext4 crc32c_generic"
SAN_MODULES="virtio_net iscsi_tcp iscsi_ibft dm-multipath dm-round-robin dm-service-time"
[ -z "$san" ] || MODULES="$MODULES $SAN_MODULES"

# The initramfs's plan: busybox, lvm and its libraries, the modules.
initrd_plan() {
	local bb p n
	bb=$(hostpath busybox) || vm_die "no busybox (make deps installs it; tests/vm/setup.sh checks)"
	add f /usr/bin/busybox "$bb"
	p=$(hostpath lvm) || vm_die "no lvm (make deps installs it; tests/vm/setup.sh checks)"
	add_elf "$p" /usr/sbin/lvm
	for n in $("$bb" --list-full); do
		canon "/$n"
		add l "$C" /usr/bin/busybox
	done
	add l /usr/bin/sh busybox
	[ -z "$san" ] || san_plan
	# shellcheck disable=SC2086 # names
	plan_modules "$ver" $MODULES
}

PKGTOOLS="dpkg dpkg-deb dpkg-split dpkg-query dpkg-trigger dpkg-divert dpkg-statoverride
	dpkg-maintscript-helper apt-get apt-config apt-cache rpm rpmdb tar"

# --pkgtools: the host's package managers and what they load.
pkgtools_plan() {
	local n p
	for n in $PKGTOOLS; do
		p=$(hostpath "$n") || vm_die "mkbos --pkgtools: no $n on this host (make deps installs dpkg, apt and rpm)"
		canon "$p"
		if [ "$(head -c 4 "$p" | tail -c 3)" = ELF ]; then add_elf "$p" "$C"; else add f "$C" "$p"; fi
	done
	add_elf "$(PATH=/usr/sbin:/sbin hostpath ldconfig)" /usr/sbin/ldconfig
	for p in /usr/lib/apt/methods/file /usr/lib/apt/methods/copy /usr/lib/apt/methods/store; do
		add_elf "$p" "$p"
	done
	# rpm's rc and macros; dpkg's architecture tables, which apt reads.
	while read -r p; do add f "$p" "$p"; done < <(find /usr/lib/rpm /usr/share/dpkg -maxdepth 1 -type f)
}

# --pkgtools: their state, empty, in the root tree $1.
pkgtools_state() {
	local root=$1
	mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers,alternatives} "$root"/var/log \
		"$root"/var/lib/apt "$root"/var/cache/apt/archives/partial \
		"$root"/etc/apt/{apt.conf.d,preferences.d,sources.list.d} "$root"/etc/dpkg/dpkg.cfg.d
	echo "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin" >>"$root/etc/passwd"
	: >"$root/var/lib/dpkg/status"
	: >"$root/var/lib/dpkg/available"
	# Debian's rpm keeps its database in ~/.rpmdb (it manages no system):
	# the BOS's is where an RPM system keeps it.
	mkdir -p "$root/etc/rpm" "$root/var/lib/rpm"
	echo "%_dbpath /var/lib/rpm" >"$root/etc/rpm/macros"
	rpm --root "$root" --dbpath /var/lib/rpm --initdb || vm_die "mkbos --pkgtools: rpm --initdb"
}

# --san: iscsistart, multipath, kpartx, dmsetup and multipath's plugins.
san_plan() {
	local n p
	for n in iscsistart multipath kpartx dmsetup; do
		p=$(hostpath "$n") || p=$(PATH=/usr/sbin:/sbin hostpath "$n") ||
			vm_die "mkbos --san: no $n (make deps installs open-iscsi and multipath-tools)"
		add_elf "$p" "/usr/sbin/$n"
	done
	for p in /lib/multipath/*.so; do
		[ -e "$p" ] && add_elf "$p" "/usr/lib/multipath/${p##*/}"
	done
}

# A merged-/usr skeleton in $1.
skeleton() {
	local root=$1
	mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{proc,sys,dev,run,tmp,root,mnt,etc}
	ln -s usr/bin "$root/bin"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	chmod 1777 "$root/tmp"
	mknod "$root/dev/console" c 5 1
	mknod "$root/dev/null" c 1 3
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
}

initrd_init() {
	cat <<'INIT'
#!/bin/sh
# /init of the test BOS's initramfs: the root VG up, then its rootlv.
export PATH=/usr/sbin:/usr/bin DM_DISABLE_UDEV=1 LVM_SUPPRESS_FD_WARNINGS=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mkdir -p /run/lock/lvm /run/lvm /newroot
fail() { echo "IVG-BOS-FAIL $*"; sync; poweroff -f; }
while read -r m; do insmod "$m" 2>/dev/null; done </etc/ivg-bos/modules
[ -e /dev/mapper/control ] || {
	mkdir -p /dev/mapper
	mn=$(sed -n 's/^\([0-9]*\) device-mapper$/\1/p' /proc/misc)
	[ -n "$mn" ] && mknod /dev/mapper/control c 10 "$mn"
}
root="" iscsi_auto=""
for a in $(cat /proc/cmdline); do
	case $a in
	root=*) root=${a#root=} ;;
	iscsi_auto) iscsi_auto=1 ;;
	esac
done
case $root in /dev/mapper/?*) ;; *) fail "root=$root: not /dev/mapper/VG-LV" ;; esac
# The root on an iSCSI LUN: log in as the iBFT says (open-iscsi's
# initramfs-tools script does the same with ISCSI_AUTO), then multipath
# over LUNs seen twice (multipath-tools-boot's), as udev would feed it.
if [ -n "$iscsi_auto" ]; then
	[ -x /usr/sbin/iscsistart ] || fail "iscsi_auto: no iscsistart in this initramfs"
	[ -d /sys/firmware/ibft ] || fail "iscsi_auto: no iBFT"
	iscsistart -N >/tmp/iscsi.log 2>&1
	iscsistart -b >>/tmp/iscsi.log 2>&1 || { cat /tmp/iscsi.log; fail "iscsi_auto: no login from the iBFT"; }
	echo "IVG-BOS-ISCSI $(cat /sys/class/iscsi_session/session*/targetname | tr '\n' ' ')"
	i=0
	until ls /sys/class/iscsi_session/session*/device/target*/*/block/* >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -ge 40 ] && break; usleep 250000
	done
	sleep 1
	if [ -x /usr/sbin/multipath ]; then
		mkdir -p /run/udev/data /etc/multipath
		for d in /sys/block/sd*; do
			w=$(cat "$d/device/wwid" 2>/dev/null) || continue
			case $w in naa.*) ;; *) continue ;; esac
			printf 'I:1\nE:ID_SERIAL=3%s\nE:ID_WWN=0x%s\n' "${w#naa.}" "${w#naa.}" >"/run/udev/data/b$(cat "$d/dev")"
		done
		multipath -v0 2>/dev/null
		for m in $(dmsetup ls --target multipath 2>/dev/null | awk '$1 != "No" { print $1 }'); do
			kpartx -a -p -part "/dev/mapper/$m"
			echo "IVG-BOS-MPATH $m"
		done
	fi
fi
# VG-LV with each - inside a name doubled.
vg=$(echo "${root#/dev/mapper/}" | sed 's/--/#/g; s/-.*//; s/#/-/g')
i=0
until [ -b "$root" ]; do
	lvm vgchange -ay "$vg" >/tmp/lvm.log 2>&1
	[ -b "$root" ] && break
	i=$((i + 1))
	[ $i -ge 80 ] && { cat /tmp/lvm.log; fail "volume group $vg: no $root"; }
	usleep 250000
done
mount -t ext4 -o ro "$root" /newroot || fail "cannot mount $root"
[ -x /newroot/sbin/init ] || fail "$root has no /sbin/init"
mount --move /dev /newroot/dev
umount /sys /proc
exec switch_root /newroot /sbin/init
INIT
}

root_init() {
	cat <<'INIT'
#!/bin/sh
# /sbin/init of the test BOS: say who we are, then power off.
export PATH=/usr/sbin:/usr/bin
mount -t proc proc /proc 2>/dev/null
exec </dev/console >/dev/console 2>&1
root=""
for a in $(cat /proc/cmdline); do
	case $a in root=*) root=${a#root=} ;; esac
done
installed=none
[ -f /etc/ivg/installed.json ] && installed=$(sha256sum /etc/ivg/installed.json | cut -c1-16)
echo "IVG-BOS-MARKER name=$(cat /etc/ivg-bos/name) root=$root installed=$installed kernel=$(uname -r)"
sync
# A BOS with /etc/ivg-bos/stay keeps running (a partition that moves).
if [ -e /etc/ivg-bos/stay ]; then
	echo "IVG-BOS-UP"
	while :; do sleep 3600; done
fi
poweroff -f
INIT
}

build() { # dir
	local dir=$1 ird iroot z bb n
	ird=$dir/initrd
	iroot=$dir/tree
	mkdir -p "$ird" "$iroot"
	skeleton "$ird"
	mkdir -p "$ird/etc/ivg-bos" "$ird/etc/lvm" "$ird/newroot"
	stage_plan "$ird"
	initrd_init >"$ird/init"
	chmod 755 "$ird/init"
	# shellcheck disable=SC2154 # set by plan_modules
	printf '%s' "$modorder" | sed 's|^/usr/lib/|/lib/|' >"$ird/etc/ivg-bos/modules"
	guest_lvm_conf "# Test BOS initramfs: no udev, no daemons." "" >"$ird/etc/lvm/lvm.conf"
	if [ -n "$san" ]; then
		printf 'defaults {\n\tuser_friendly_names no\n\tfind_multipaths yes\n}\n' >"$ird/etc/multipath.conf"
	fi
	echo /usr/lib/x86_64-linux-gnu >"$ird/etc/ld.so.conf"
	ldconfig -r "$ird" 2>/dev/null || true
	# The root tree: kernel, initramfs, busybox, init.
	skeleton "$iroot"
	mkdir -p "$iroot/boot" "$iroot/etc/ivg-bos"
	cp "$kernel" "$iroot/boot/vmlinuz-$ver"
	if command -v zstd >/dev/null; then z="zstd -q -T0 -6"; else z="gzip -6 -n"; fi
	(cd "$ird" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet | $z) >"$iroot/boot/initrd.img-$ver"
	rm -rf "$ird"
	ln -s "boot/vmlinuz-$ver" "$iroot/vmlinuz"
	ln -s "boot/initrd.img-$ver" "$iroot/initrd.img"
	bb=$(hostpath busybox)
	cp "$bb" "$iroot/usr/bin/busybox"
	for n in $("$bb" --list-full); do
		canon "/$n"
		[ -e "$iroot$C" ] || ln -s /usr/bin/busybox "$iroot$C"
	done
	ln -sfn busybox "$iroot/usr/bin/sh"
	rm -f "$iroot/usr/sbin/init"
	root_init >"$iroot/usr/sbin/init"
	chmod 755 "$iroot/usr/sbin/init"
	echo "$name" >"$iroot/etc/ivg-bos/name"
	if [ -n "$pkgtools" ]; then
		# shellcheck disable=SC2034 # plan.sh's state
		plan=() planned=()
		pkgtools_plan
		stage_plan "$iroot"
		pkgtools_state "$iroot"
	fi
	# --san: what a system with open-iscsi and multipath-tools has (the
	# programs; bosinstall checks for them).
	if [ -n "$san" ]; then
		cp "$(PATH=$PATH:/usr/sbin:/sbin hostpath iscsistart)" "$iroot/usr/sbin/iscsistart"
		cp "$(PATH=$PATH:/usr/sbin:/sbin hostpath multipath)" "$iroot/usr/sbin/multipath"
	fi
	tar -C "$iroot" --numeric-owner --owner=0 --group=0 -czf "$dir/bos.tar.gz" .
}

statsum() { stat -L -c '%n %s %Y %i' "$@" | sha256sum | cut -c1-24; }
key=$( { echo "$ver $name $MODULES ${pkgtools:+pkgtools} san=$san"; statsum "$0" "$HERE/common.sh" "$HERE/plan.sh" "$kernel" \
	"$(hostpath busybox)" "$(hostpath lvm)" "/lib/modules/$ver/modules.dep"
	[ -z "$pkgtools" ] || statsum "$(hostpath dpkg)" "$(hostpath apt-get)" "$(hostpath rpm)"; } | sha256sum | cut -c1-24)
bos=$cache/bos-$ver-$key

exec 8>"$cache/.bos.lock"
flock 8
if [ ! -s "$bos/bos.tar.gz" ]; then
	echo "vm: building the test BOS $bos" >&2
	rm -rf "$bos"
	stage=$(mktemp -d "$cache/bos-stage.XXXXXX")
	# shellcheck disable=SC2034 # plan.sh's state
	plan=() planned=()
	initrd_plan
	build "$stage"
	mv "$stage" "$bos"
	# Keep the newest few.
	# shellcheck disable=SC2012 # our own names
	ls -dt "$cache"/bos-*-* 2>/dev/null | tail -n +5 | xargs -r rm -rf || true
fi
touch "$bos"
flock -u 8
mkdir -p "$out"
rm -rf "$out/tree"
cp -a "$bos/tree" "$out/tree"
cp "$bos/bos.tar.gz" "$out/bos.tar.gz"
