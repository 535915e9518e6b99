#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of ivg's maintenance initramfs (busybox sh). Loads the modules,
# waits for the disks, imports the install VG it was booted from
# read-only, and shows the maintenance menu on the console.
# Kernel command line (grub.cfg of the boot image sets the first three):
#   ivg.vg=VG ivg.vguuid=UUID ivg.leg=K   the IVG and the bootlv leg used
#   ivg.action=menu|shell|test|reboot|poweroff   (default menu)
#     test: print the OPP TOC check ("IVG-MAINT-TOC rc=RC: what opptoc
#     said"), "IVG-MAINT-TEST vg=VG leg=K import=RC", the ivgs
#     report, then "IVG-MAINT-TEST-END", and power off (for automation).
#   ivg.diskwait=SEC   how long to wait for the IVG's disks (default 10)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock/lvm /run/lvm /tmp /root
exec </dev/console >/dev/console 2>&1
export DM_DISABLE_UDEV=1 LVM_SUPPRESS_FD_WARNINGS=1

vg="" vguuid="" leg="?" action=menu diskwait=10
# shellcheck disable=SC2013 # words, not lines
for a in $(cat /proc/cmdline); do
	case $a in
	ivg.vg=*) vg=${a#*=} ;;
	ivg.vguuid=*) vguuid=${a#*=} ;;
	ivg.leg=*) leg=${a#*=} ;;
	ivg.action=*) action=${a#*=} ;;
	ivg.diskwait=*) diskwait=${a#*=} ;;
	esac
done
hostname ivg-maint

# Modules in dependency order; built-in or unusable ones fail harmlessly.
while read -r m; do insmod "$m" 2>/dev/null; done </etc/ivg/modules
[ -e /dev/mapper/control ] || {
	mkdir -p /dev/mapper
	mn=$(sed -n 's/^\([0-9]*\) device-mapper$/\1/p' /proc/misc)
	[ -n "$mn" ] && mknod /dev/mapper/control c 10 "$mn"
}

# Import the IVG read-only (writes nothing); retry while disks appear.
import_rc=none
if [ -n "$vg" ]; then
	i=0
	while :; do
		ivgimport --readonly "$vg" >/tmp/import.log 2>&1
		import_rc=$?
		[ $import_rc = 0 ] && break
		i=$((i + 1))
		[ $i -ge $((diskwait * 4)) ] && break
		usleep 250000
	done
fi

# The OPP table of contents against what the VG metadata says (read-only):
# a stale or torn TOC is said, never used.
toc_rc=none
if [ "$import_rc" = 0 ]; then
	opptoc "$vg" >/tmp/toc.log 2>&1
	toc_rc=$?
fi

banner() {
	echo
	echo "ivg maintenance environment (kernel $(uname -r))"
	if [ -n "$vg" ]; then
		echo "Install volume group $vg${vguuid:+ ($vguuid)}, booted from bootlv leg $leg"
		[ "$import_rc" = 0 ] || { echo "The volume group was not found or not imported:"; sed 's/^/  /' /tmp/import.log; }
		case $toc_rc in
		0) echo "OPP table of contents: $(tail -1 /tmp/toc.log | sed 's/^ *//')" ;;
		none) ;;
		*) echo "OPP table of contents NOT usable (stale or torn; run opptoc --rebuild on a host that holds the VG):"
		   sed 's/^/  /' /tmp/toc.log ;;
		esac
	fi
}

not_yet() {
	echo
	echo "$1 is not available yet in this version of ivg."
	echo "Use the shell (3): lvm2 (vgscan, vgchange -ay VG, lvs), e2fsprogs and the ivg commands are there."
}

menu() {
	while :; do
		banner
		echo
		echo "  1) Install a base operating system (BOS)"
		echo "  2) Access a root volume group"
		echo "  3) Shell"
		echo "  4) Reboot"
		echo "  5) Power off"
		printf 'Choice: '
		read -r c || c=3
		case $c in
		1) if command -v bosinstall >/dev/null; then bosinstall; else not_yet "Installing a BOS (bosinstall)"; fi ;;
		2) if command -v ivgrecover >/dev/null; then ivgrecover; else not_yet "Accessing a root volume group (ivgrecover)"; fi ;;
		3) echo "Type exit to come back to the menu."; setsid -c sh -l || sh ;;
		4) sync; reboot -f ;;
		5) sync; poweroff -f ;;
		*) echo "Choose 1 to 5." ;;
		esac
	done
}

case $action in
test)
	echo "IVG-MAINT-TOC rc=$toc_rc: $(tail -1 /tmp/toc.log 2>/dev/null | sed 's/^ *//')"
	echo "IVG-MAINT-TEST vg=$vg leg=$leg import=$import_rc"
	ivgs ${vg:+"$vg"} 2>&1
	echo "IVG-MAINT-TEST-END"
	sync
	poweroff -f
	;;
shell) banner; setsid -c sh -l || sh ;;
reboot) sync; reboot -f ;;
poweroff) sync; poweroff -f ;;
*) menu ;;
esac
# The shell ended: the menu again, never a kernel panic.
menu
