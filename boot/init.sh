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
#     report, boslist and opplist, then "IVG-MAINT-TEST-END", and power
#     off (for automation).
#   ivg.diskwait=SEC   how long to wait for the IVG's disks (default 10)
#   ivg.action=recover [ivg.rootvg=NAME] [ivg.generic=y]   rebuild the
#     boot LV of the root VG (ivgrecover -y), print "IVG-RECOVER rc=RC"
#     and power off
#   ivg.action=install ivg.bos=NAME ivg.target=DEV[,DEV...]
#     [ivg.opp=NAME[,NAME...]]   install the BOS, with those OPPs, onto
#     the targets (bosinstall -y), print "IVG-INSTALL rc=RC" and power
#     off; a DEV may be scsi:T:L, the disk at SCSI target T, LUN L, or a
#     SAN LUN by its WWN (wwn-0x...) or iscsi://HOST[:PORT]/IQN/LUN
#   ivg.iscsi=, ivg.initiator=, ivg.ip=, ivg.multipath=   the SAN (san.sh)
#   ivg.machine=no   do not look for this machine's entry (below)
# Without an ivg.action, the machine looks for its own entry in the IVG
# (ivgmachine find: its SMBIOS UUID, NIC addresses or iBFT initiator
# name against each entry's identity; read only) and, when it finds one,
# runs its action unattended ("IVG-MACHINE NAME: ACTION" on the console),
# then does what the entry's --then says (poweroff, reboot; none: the menu).
# A vios partition's boot type (QEMU firmware configuration opt/ivg/vios)
# decides whether the entry runs: install runs an install entry,
# maintenance never runs one, normal runs a recover entry.
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

vg="" vguuid="" devs="" leg="?" action="" diskwait=10 bos="" target="" opp=""
machine="" then=poweroff lookup=1
# shellcheck disable=SC2013 # words, not lines
for a in $(cat /proc/cmdline); do
	case $a in
	ivg.vg=*) vg=${a#*=} ;;
	ivg.vguuid=*) vguuid=${a#*=} ;;
	ivg.leg=*) leg=${a#*=} ;;
	ivg.action=*) action=${a#*=} ;;
	ivg.diskwait=*) diskwait=${a#*=} ;;
	ivg.rootvg=*) rootvg=${a#*=} ;;
	ivg.generic=y*) generic=1 ;;
	ivg.bos=*) bos=${a#*=} ;;
	ivg.target=*) target=${a#*=} ;;
	ivg.opp=*) opp=${a#*=} ;;
	ivg.machine=n*) lookup="" ;;
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
# The firmware's variables, for ivgbootlist --firmware (UEFI only).
[ -d /sys/firmware/efi/efivars ] && mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null

# The SAN: iSCSI logins (the iBFT, ivg.iscsi=, the IVG's iSCSI section)
# and dm-multipath, before the IVG's disks are looked for (boot/san.sh).
[ -r /usr/lib/ivg/san.sh ] && . /usr/lib/ivg/san.sh && san_up

# The disks of the IVG whose UUID the command line names (lvm2 reports
# each PV's VG UUID): another VG of the same name is left alone. PVs not
# attached here ("[unknown]") are not disks to name.
ivg_devs() {
	[ -n "$vguuid" ] || return 0
	lvm pvs --readonly --foreign --noheadings -o pv_name,vg_uuid 2>/dev/null |
		awk -v u="$vguuid" 'BEGIN { gsub("-", "", u) } { g = $2; gsub("-", "", g) } g == u && $1 !~ /^\[/ { printf "%s%s", s, $1; s = "," }'
}

# Import the IVG read-only (writes nothing); retry while disks appear.
import_rc=none
if [ -n "$vg" ]; then
	i=0
	while :; do
		devs=$(ivg_devs)
		if [ -n "$vguuid" ] && [ -z "$devs" ]; then
			echo "No disk of volume group $vg with UUID $vguuid found." >/tmp/import.log
			import_rc=5
		else
			ivgimport --readonly ${devs:+--devices "$devs"} "$vg" >/tmp/import.log 2>&1
			import_rc=$?
		fi
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
	opptoc ${devs:+--devices "$devs"} "$vg" >/tmp/toc.log 2>&1
	toc_rc=$?
fi

# A vios partition's boot type, handed over as QEMU's firmware
# configuration file opt/ivg/vios ("boot_type TYPE"): install runs the
# machine's install entry; maintenance keeps to the menu, whatever its
# entry says; normal (the root disks failed) runs a recover entry only.
vios_type=""
fwcfg=/sys/firmware/qemu_fw_cfg/by_name/opt/ivg/vios/raw
if [ -z "$action" ] && [ -r "$fwcfg" ]; then
	vios_type=$(sed -n 's/^boot_type //p' "$fwcfg")
	echo "IVG-VIOS boot type ${vios_type:-unknown} ($(sed -n 's/^lpar //p' "$fwcfg"))"
	[ "$vios_type" = maintenance ] && action=menu
fi

# This machine's entry in the IVG, when no ivg.action says what to do:
# its action, BOS, OPPs and targets (as this kernel names the disks,
# waited for), and what follows (the menu, unless its entry says).
if [ -z "$action" ] && [ -n "$lookup" ] && [ "$import_rc" = 0 ] && command -v ivgmachine >/dev/null; then
	then=""
	if ivgmachine find ${devs:+--devices "$devs"} --wait "$diskwait" "$vg" >/tmp/machine.sh 2>/tmp/machine.log; then
		# shellcheck disable=SC1091 # machine, action, bos, opp, target, then: checked values
		. /tmp/machine.sh
		echo "IVG-MACHINE $machine: $action${then:+, then $then}"
		case $vios_type:$action in
		install:install | normal:recover | :*) ;;
		*) echo "IVG-MACHINE $machine: not run: the vios boot type is $vios_type"
		   action=menu then="" ;;
		esac
		[ "$action" = maintenance ] && action=menu
	else
		echo "IVG-MACHINE none: $(tail -1 /tmp/machine.log | sed 's/^ *//')"
	fi
fi
[ -n "$action" ] || action=menu

# Root VGs on this machine's disks that GRUB would not boot (their boot
# LV fails the check GRUB makes: ivgrecover --check, read only): the menu
# offers their recovery first. A machine lands here by itself when GRUB
# on its root disk finds the boot LV damaged (it chainloads an IVG disk).
: >/tmp/broken
if [ "$action" = menu ] && command -v ivgrecover >/dev/null; then
	lvm vgs --readonly --foreign --noheadings -o vg_uuid,vg_name @ivg_rootvg 2>/dev/null |
	while read -r u n; do
		ivgrecover --check --select "vg_uuid=$u" "$n" >/dev/null 2>/tmp/check.log ||
			echo "$n $u $(tail -1 /tmp/check.log | sed 's/^.*cannot boot: //')" >>/tmp/broken
	done
fi

# After an unattended action: power off (ivg.action=), or what the
# machine's entry says (the menu when it says nothing).
finish() {
	sync
	case $then in
	reboot) reboot -f ;;
	poweroff) poweroff -f ;;
	esac
	menu
}

banner() {
	echo
	echo "ivg maintenance environment (kernel $(uname -r))"
	if [ -n "$vg" ]; then
		echo "Install volume group $vg${vguuid:+ ($vguuid)}, booted from bootlv leg $leg"
		[ -z "$devs" ] || echo "Its disks: $devs (give ivg commands --devices $devs if another VG is named $vg)"
		command -v san_banner >/dev/null && san_banner "$devs" "$vg"
		[ "$import_rc" = 0 ] || { echo "The volume group was not found or not imported:"; sed 's/^/  /' /tmp/import.log; }
		while read -r n u why; do
			echo "Root volume group $n ($u) cannot boot: $why"
			echo "  Choose 2 to recover it (ivgrecover rebuilds its boot LV; rootlv is only read)."
		done </tmp/broken
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

# The whole disks that hold no PV of the IVG: where a BOS may go.
free_disks() {
	ivgpvs=$(echo "$devs" | tr ',' ' ')
	[ -n "$ivgpvs" ] || ivgpvs=$(lvm pvs --readonly --foreign --noheadings -o pv_name,vg_name 2>/dev/null | awk -v vg="$vg" '$2 == vg { print $1 }')
	for d in $(if command -v san_disks >/dev/null; then san_disks; else ls -d /sys/block/sd* /sys/block/vd* /sys/block/nvme* 2>/dev/null; fi); do
		[ -e "$d" ] || continue
		n=${d##*/} used=""
		[ -r "$d/dm/name" ] && n=mapper/$(cat "$d/dm/name")
		for p in $ivgpvs; do
			case ${p#/dev/} in "$n" | "$n"[0-9]* | "$n"p[0-9]* | "$n"-part[0-9]*) used=1 ;; esac
		done
		[ -n "$used" ] || echo "  /dev/$n  $(($(cat "$d/size") / 2048)) MiB"
	done
}

# bosinstall looks only at the IVG's own disks and the targets, and takes
# the IVG by its UUID: other VGs of the same names (every install's
# root VG is "rootvg") are not its business.
# On UEFI, the firmware's BootOrder gets the new root disk first and the
# IVG's disks after it (bosinstall --firmware): a root disk that cannot
# be loaded falls back to this environment.
bosinstall_here() { # TARGETS(blank-separated) BOSINSTALL-ARGS...
	# shellcheck disable=SC2086,SC2116 # the targets, one word each
	t=$(echo $1)
	shift
	grep -q ' /sys/firmware/efi/efivars efivarfs ' /proc/mounts && set -- --firmware "$@"
	set -- ${vguuid:+--select "vg_uuid=$vguuid"} "$@"
	[ -z "$devs" ] || set -- --devices "$devs,$(echo "$t" | tr ' ' ',')" "$@"
	# shellcheck disable=SC2086 # a list of disks
	bosinstall --ivg "$vg" "$@" $t
}

install_bos() {
	echo
	boslist ${devs:+--devices "$devs"} "$vg" || return
	echo "Disks that are not in $vg:"
	free_disks
	printf 'BOS to install: '
	read -r b || return
	printf 'Target disks (e.g. /dev/sdb,/dev/sdc): '
	read -r t || return
	echo "Optional program products (OPPs) in $vg:"
	opplist ${devs:+--devices "$devs"} "$vg" || return
	printf 'OPPs to install with it (e.g. app,tool=1.2; empty for none): '
	read -r o || return
	bosinstall_here "$(echo "$t" | tr ',' ' ')" -v --bos "$b" ${o:+--opp "$o"}
}

# ivg.target's disks: device paths, or scsi:T:L (SCSI target and LUN, as
# a virtual I/O server maps them; stable where /dev/sdX names are not),
# waited for as the IVG's disks are. One that never appears is passed on
# as given, and bosinstall names it.
scsi_dev() {
	for b in /sys/class/scsi_device/*:*:"$1":"$2"/device/block/*; do
		[ -e "$b" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}
target_devs() {
	for t in $(echo "$1" | tr ',' ' '); do
		case $t in
		scsi:*:*)
			id=${t#scsi:} i=0
			until d=$(scsi_dev "${id%%:*}" "${id#*:}"); do
				i=$((i + 1))
				[ $i -ge $((diskwait * 4)) ] && { d=$t; break; }
				usleep 250000
			done
			echo "$d" ;;
		*) echo "$t" ;;
		esac
	done
}

menu() {
	while :; do
		banner
		echo
		# A root VG that cannot boot: its recovery first.
		if [ -s /tmp/broken ]; then
			echo "  2) Recover root volume group $(cut -d' ' -f1 /tmp/broken | sort -u | tr '\n' ' ')(it cannot boot)"
			echo "  1) Install a base operating system (BOS)"
		else
			echo "  1) Install a base operating system (BOS)"
			echo "  2) Access a root volume group"
		fi
		echo "  3) Shell"
		echo "  4) Reboot"
		echo "  5) Power off"
		printf 'Choice: '
		read -r c || c=3
		case $c in
		1) if command -v bosinstall >/dev/null; then install_bos; else not_yet "Installing a BOS (bosinstall)"; fi ;;
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
	ivgs ${devs:+--devices "$devs"} ${vg:+"$vg"} 2>&1
	# What this disk can install: the images as the menu's entry 1 lists them.
	if [ "$import_rc" = 0 ]; then
		boslist ${devs:+--devices "$devs"} "$vg" 2>&1
		opplist ${devs:+--devices "$devs"} "$vg" 2>&1
	fi
	echo "IVG-MAINT-TEST-END"
	sync
	poweroff -f
	;;
install)
	banner
	targets=$(target_devs "$target")
	bosinstall_here "$targets" -y -v --bos "$bos" ${opp:+--opp "$opp"} ${machine:+--machine "$machine"}
	echo "IVG-INSTALL rc=$?"
	finish
	;;
recover)
	banner
	# The root VG's disks may come up after the IVG's: wait for them.
	i=0
	until lvm vgs --foreign --noheadings -o vg_name "${rootvg:-@ivg_rootvg}" 2>/dev/null | grep -q .; do
		i=$((i + 1))
		[ $i -ge $((diskwait * 4)) ] && break
		usleep 250000
	done
	# A machine entry's targets hold its root VG: only they (and the
	# IVG's disks, for --generic) are looked at.
	ivgrecover -y ${generic:+--generic} ${machine:+${target:+--devices "${devs:+$devs,}$target"}} \
		${rootvg:+"$rootvg"} </dev/null   # never a question
	echo "IVG-RECOVER rc=$?"
	finish
	;;
shell) banner; setsid -c sh -l || sh ;;
reboot) sync; reboot -f ;;
poweroff) sync; poweroff -f ;;
*) menu ;;
esac
# The shell ended: the menu again, never a kernel panic.
menu
