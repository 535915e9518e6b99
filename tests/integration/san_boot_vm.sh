#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A bare machine boots from the SAN (issue 20), under QEMU (TCG), all on
# 127.0.0.1: tgtd (tests/san.bash) serves the IVG's disk as LUN 1 of a
# target on the host's loopback; a machine with no disks and a virtio-net
# NIC runs QEMU's iPXE ROM, which fetches its script from QEMU's built-in
# TFTP server and sanboots LUN 1 through QEMU's user network (10.0.2.2 is
# the host's 127.0.0.1). GRUB and the kernel load from the LUN through the
# firmware; the maintenance environment logs in again by itself, from the
# iBFT iPXE left, finds the IVG among the LUNs, imports it and shows the
# menu with each IVG disk's WWN and SAN address (target IQN and LUN).
# Fast path: that boot under SeaBIOS. IVG_SLOW=1 adds, with a second
# portal on the target (two paths to every LUN):
#  - under OVMF, the maintenance environment over both portals: two paths
#    per LUN, the IVG on the dm-multipath map, and ivg refusing a path
#    (its shell, driven over the serial console);
#  - under SeaBIOS, the unattended install (ivg.action=install) of a test
#    BOS that can boot from iSCSI (tests/vm/mkbos.sh --san) onto LUN 2,
#    named by its WWN (ivg.target=wwn-0x...), which is the multipath map;
#    the IVG's LUN (read-only on the target) stays byte-identical; the
#    installed system gets iscsi_auto, its initiator name and the LUN's
#    WWID;
#  - the same machine sanbooting LUN 2 through both portals into the
#    installed system, whose initramfs logs in from the iBFT, makes the
#    multipath map and mounts its root VG on it;
#  - no iBFT (sanboot --no-describe): the maintenance environment logs in
#    by itself to the targets of the IVG's iSCSI section (ivgmkboot
#    --iscsi), its NIC configured by DHCP.
# slow-part: OVMF over two portals (multipath, a path refused), the unattended install onto LUN 2 by WWN, the installed system sanbooted from LUN 2, the IVG's iSCSI section without an iBFT
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/san.bash"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
[ -r /usr/lib/ipxe/qemu/pxe-virtio.rom ] || { echo "no iPXE ROM (package ipxe-qemu)"; exit 77; }
PATH=$PATH:/usr/sbin:/sbin command -v iscsistart >/dev/null || { echo "no iscsistart (package open-iscsi)"; exit 77; }
PATH=$PATH:/usr/sbin:/sbin command -v multipath >/dev/null || { echo "no multipath (package multipath-tools)"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-400}

# The IVG on one disk; with IVG_SLOW the SAN-capable test BOS in it.
t0=$SECONDS
ivgcreate -y --no-boot-image --devices d0.img --size 400m --bootlv-size 96m \
	--bosfs-size 64m --oppfs-size 16m tvg d0.img >/dev/null || die "ivgcreate"
if [ -n "${IVG_SLOW:-}" ]; then
	"$HERE/vm/mkbos.sh" --san bos >/dev/null 2>bos.err || die "mkbos.sh --san: $(cat bos.err)"
	bosadd --devices d0.img tvg testbos bos/bos.tar.gz >/dev/null || die "bosadd"
	boslist --devices d0.img --reportformat json tvg >boslist.json
fi
ivgmkboot --devices d0.img tvg >/dev/null || die "ivgmkboot"
ok "IVG tvg on d0.img, its maintenance image built ($((SECONDS - t0)) s)"
sha256sum d0.img >ivg.sum

# The SAN: the IVG's disk read-only as LUN 1, an empty LUN 2.
san_start
san_lun "$T/d0.img" ro
truncate -s 1g t.img
san_lun "$T/t.img"
ivg_wwn=${SAN_WWN[1]} t_wwn=${SAN_WWN[2]}
ok "tgtd on 127.0.0.1:$SAN_PORT: $SAN_IQN, LUN 1 $ivg_wwn (the IVG), LUN 2 $t_wwn"

# ipxe LUN PORT...: the script that sanboots LUN through those portals
# (several: one SAN disk by as many paths, in the iBFT).
ipxe() {
	local lun=$1 p uris=""
	shift
	for p in "$@"; do uris="$uris iscsi:10.0.2.2::$p:$lun:$SAN_IQN"; done
	printf '#!ipxe\ndhcp\nsanboot%s\n' "$uris"
}

# sanboot NAME FIRMWARE SCRIPT EXPECT [boot.sh options...]
sanboot() {
	local name=$1 fw=$2 script=$3 expect=$4 s=$SECONDS
	shift 4
	"$HERE/vm/boot.sh" --firmware "$fw" --ipxe "$script" --timeout "$TMO" --console "$name.log" \
		--expect "$expect" --fail 'Kernel panic|IVG-BOS-FAIL|IVG-INSTALL rc=[1-9]' "$@" \
		2>"$name.err" || die "$name: $(cat "$name.err")"
	boot_s=$((SECONDS - s))
}

# The menu's banner: the IVG imported, its disk's WWN and SAN address.
ipxe 1 "$SAN_PORT" >one.ipxe
sanboot bios-menu bios one.ipxe 'Choice:'
grep -aq "ivg-san: logged in (iBFT): $SAN_IQN 10.0.2.2:$SAN_PORT" bios-menu.log ||
	die "no iSCSI login from the iBFT: $(grep -a 'ivg-san' bios-menu.log)"
grep -aq 'not found or not imported' bios-menu.log && die "the IVG was not imported: $(grep -a -A3 'not found' bios-menu.log)"
grep -aqE "^Its disks: /dev/sd[a-z]3 " bios-menu.log || die "the IVG's disk: $(grep -a 'Its disks' bios-menu.log)"
grep -aqE "^      WWN $ivg_wwn, sd[a-z]: iSCSI $SAN_IQN LUN 1 at 10.0.2.2:$SAN_PORT\\s*$" bios-menu.log ||
	die "the menu does not show the IVG disk's WWN and SAN address: $(grep -a -A4 'Its disks' bios-menu.log)"
ok "SeaBIOS, iPXE sanboot of LUN 1: the maintenance menu, the IVG imported from the LUN it logged in to from the iBFT, its WWN and address shown ($boot_s s)"
[ -n "${IVG_SLOW:-}" ] || exit 0

# A second portal: every LUN has two paths now.
P2=$(free_port)
tgtadm -C "$SAN_CTL" --lld iscsi --op new --mode portal --param portal=127.0.0.1:"$P2" ||
	die "tgtd: cannot add the portal 127.0.0.1:$P2"
ipxe 1 "$SAN_PORT" "$P2" >two.ipxe
wwid=3${ivg_wwn#naa.}

# OVMF over both portals: the map and its two paths; a path refused.
sanboot uefi-mpath uefi two.ipxe 'IVG-PATH-rc=[0-9]' \
	--send 'Choice:=>3\n' \
	--send '/ # =>for d in /sys/block/sd*; do ls $d/holders | grep -q dm && p=/dev/${d##*/}3 && break; done; ivgs --devices $p tvg; echo IVG-PATH-rc=$?\n'
grep -aq "ivg-san: multipath $wwid over sd[a-z] sd[a-z]" uefi-mpath.log ||
	die "no multipath map over two paths: $(grep -a 'ivg-san' uefi-mpath.log)"
grep -aq "^Its disks: /dev/mapper/$wwid-part3 " uefi-mpath.log ||
	die "the IVG is not on the multipath map: $(grep -a 'Its disks' uefi-mpath.log)"
grep -aq "^      WWN $ivg_wwn, multipath $wwid, 2 paths:" uefi-mpath.log ||
	die "the menu does not show the map: $(grep -a -A4 'Its disks' uefi-mpath.log)"
for p in "$SAN_PORT" "$P2"; do
	grep -aqE "^        sd[a-z] +iSCSI $SAN_IQN LUN 1 at 10.0.2.2:$p  running" uefi-mpath.log ||
		die "no path through 10.0.2.2:$p: $(grep -a -A4 'Its disks' uefi-mpath.log)"
done
grep -aq 'IVG-PATH-rc=5' uefi-mpath.log && grep -aq "is one path of multipath device /dev/mapper/$wwid" uefi-mpath.log ||
	die "a path was not refused: $(grep -a -B3 'IVG-PATH-rc' uefi-mpath.log)"
ok "OVMF, two portals: the IVG on multipath map $wwid, two paths shown with their portals, a path refused naming the map ($boot_s s)"

# The unattended install onto LUN 2 by its WWN: the map again.
t0=$SECONDS
ivgmkboot --devices d0.img --append "ivg.action=install ivg.bos=testbos ivg.target=wwn-0x${t_wwn#naa.}" tvg >/dev/null ||
	die "ivgmkboot --append"
sha256sum d0.img >ivg.sum
sanboot install bios two.ipxe 'IVG-INSTALL rc=0'
t_wwid=3${t_wwn#naa.}
grep -aq "BOS \"testbos\" installed on /dev/mapper/$t_wwid:" install.log ||
	die "bosinstall did not install onto LUN 2's map: $(grep -a -B5 'IVG-INSTALL' install.log)"
grep -aq "^Its disks: /dev/mapper/$wwid-part3 " install.log || die "the install's IVG: $(grep -a 'Its disks' install.log)"
sha256sum -c --quiet ivg.sum || die "the IVG's LUN changed"
ok "unattended install of testbos onto LUN 2 named wwn-0x${t_wwn#naa.}, which is multipath map $t_wwid; the IVG's LUN unchanged ($boot_s s)"

# What the installed system got: iscsi_auto on its kernel command line,
# its initiator name (the one the install logged in as: the iBFT's),
# ISCSI_AUTO and the LUN's WWID.
initiator=$(tr -d '\r' <install.log | grep -ao 'ivg-san: iBFT: initiator [^ ]*' | head -1 | sed 's/.* //')
[ -n "$initiator" ] || die "the install's console does not name the iBFT's initiator"
l=$(loop_pv t.img)
lvm_filter "$l"
lvmq vgck rootvg >vgck.out 2>&1 || die "vgck rootvg: $(cat vgck.out)"
off() { # LV: its first byte in t.img
	local r pe_start ext
	r=$(lvmq lvs --noheadings -o seg_pe_ranges "rootvg/$1" 2>/dev/null | tr -d ' ')
	pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$l" 2>/dev/null | tr -d ' ')
	ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size rootvg 2>/dev/null | tr -d ' ')
	r=${r#*:}
	echo $(($(part_offset t.img 3) + pe_start + ${r%-*} * ext))
}
root_off=$(off rootlv) boot_off=$(off bootlv)
losetup -d "$l"
cat_root() { debugfs -R "cat $1" "t.img?offset=$root_off" 2>/dev/null; }
cat_root /etc/iscsi/initiatorname.iscsi | grep -qx "InitiatorName=$initiator" ||
	die "initiatorname.iscsi: $(cat_root /etc/iscsi/initiatorname.iscsi)"
cat_root /etc/iscsi/iscsi.initramfs | grep -qx 'ISCSI_AUTO=true' || die "iscsi.initramfs: $(cat_root /etc/iscsi/iscsi.initramfs)"
cat_root /etc/multipath/wwids | grep -qx "/$t_wwid/" || die "wwids: $(cat_root /etc/multipath/wwids)"
debugfs -R "cat /grub/grub.cfg" "t.img?offset=$boot_off" 2>/dev/null | grep -q 'linux .* iscsi_auto' ||
	die "the installed system's grub.cfg has no iscsi_auto: $(debugfs -R 'cat /grub/grub.cfg' "t.img?offset=$boot_off" 2>&1 | grep linux)"
ok "the installed system: iscsi_auto, initiator $initiator, ISCSI_AUTO=true, the LUN's WWID for multipath"

# The same machine sanboots LUN 2 into the installed system.
ipxe 2 "$SAN_PORT" "$P2" >lun2.ipxe
sanboot installed bios lun2.ipxe 'IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv '
grep -aq "IVG-BOS-ISCSI $SAN_IQN" installed.log || die "the installed system did not log in: $(grep -a IVG-BOS installed.log)"
grep -aq "IVG-BOS-MPATH $t_wwid" installed.log || die "the installed system made no multipath map: $(grep -a IVG-BOS installed.log)"
ok "iPXE sanboot of LUN 2: the installed system logs in from the iBFT, makes map $t_wwid and boots its root VG ($boot_s s)"

# No iBFT (iPXE's sanboot --no-describe): the maintenance environment
# takes the IVG's iSCSI section (ivgmkboot --iscsi), gets its address by
# DHCP and logs in as its own initiator.
ivgmkboot --devices d0.img --iscsi "iscsi://10.0.2.2:$SAN_PORT/$SAN_IQN/1" tvg >/dev/null ||
	die "ivgmkboot --iscsi"
printf '#!ipxe\ndhcp\nsanboot --no-describe iscsi:10.0.2.2::%s:1:%s\n' "$SAN_PORT" "$SAN_IQN" >nodescribe.ipxe
sanboot conf bios nodescribe.ipxe 'Choice:'
grep -aq 'ivg-san: iBFT' conf.log && die "an iBFT after sanboot --no-describe: $(grep -a ivg-san conf.log)"
grep -aqE 'ivg-san: eth0: 10\.0\.2\.15/24 \(DHCP\)' conf.log || die "no DHCP address: $(grep -a ivg-san conf.log)"
grep -aq "ivg-san: logged in: $SAN_IQN at 10.0.2.2:$SAN_PORT (initiator iqn.2026-12.org.ivg:maint-" conf.log ||
	die "no login from the IVG's iSCSI section: $(grep -a ivg-san conf.log)"
grep -aqE "^      WWN $ivg_wwn, sd[a-z]: iSCSI $SAN_IQN LUN 1 at 10.0.2.2:$SAN_PORT\\s*$" conf.log ||
	die "the IVG was not found on the LUN: $(grep -a -A4 'Its disks\|not found' conf.log)"
ok "no iBFT: the IVG's iSCSI section (ivgmkboot --iscsi), DHCP, a login of its own, the IVG imported ($boot_s s)"
