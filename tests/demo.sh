#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the main job of ivg, end to end, on image files under demo/:
#  1. an install VG on three sparse images, with the maintenance boot image
#     and the boot records on every disk (ivgcreate);
#  2. a real .deb OPP, built here with dpkg-deb, added to oppfs (oppadd);
#  3. a small BOS (tests/vm/mkbos.sh --pkgtools: Debian's kernel, busybox,
#     dpkg and apt, an init
#     that says who it is) added to bosfs (bosadd);
#  4. both listed (opplist, boslist);
#  5. disk 0 of the IVG boots alone in QEMU (SeaBIOS, GRUB from its boot
#     records) into the maintenance menu on the serial console;
#  6. the same disk boots the unattended install (ivgmkboot --append
#     "ivg.action=install ivg.bos=... ivg.opp=... ivg.target=/dev/vdb"):
#     bosinstall puts the BOS and the OPP onto an empty target image;
#  7. the target boots alone and the installed system says it runs.
# Every step is timed; the console logs stay in demo/. KVM when /dev/kvm
# works, else TCG. Needs root and about 8 GB of sparse disk space.
#   tests/demo.sh BIN_DIR     (make demo)
set -euo pipefail
BIN=$(cd "${1:?usage: tests/demo.sh BIN_DIR}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
VM=$top/tests/vm
export PATH="$BIN:$PATH:/usr/sbin:/sbin" IVG_BIN=$BIN
DEMO=${IVG_DEMO_DIR:-$top/demo}   # IVG_DEMO_DIR: elsewhere (tests/integration/demo.sh)
VG=ivgdemo
OPP=ivg-demo-hello
BOS=demobos
TMO=${IVG_BOOT_TIMEOUT:-600}

die() { echo "demo: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (run make demo as root)"
"$VM/setup.sh" >/dev/null || die "the QEMU harness is not ready (make deps installs what it needs)"
. "$VM/common.sh"

T0=$SECONDS
STEP=0 S0=0
declare -a TIMES=()
step() {
	STEP=$((STEP + 1)) S0=$SECONDS
	echo
	echo "=== $STEP. $*"
}
done_step() {
	TIMES+=("$STEP. $1: $((SECONDS - S0)) s")
	echo "--- step $STEP took $((SECONDS - S0)) s"
}
# Run a command, showing it first.
show() {
	echo "# $*" | sed "s|$BIN/||g; s|$top/||g"
	"$@"
}
# The console lines of a boot worth showing, without escape sequences.
console() {
	sed -E 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[()][0-9A-Za-z]//g' "$1" | tr -d '\r\033' |
		grep -a -E "$2" | sed 's/^/  | /'
}

rm -rf "$DEMO"
mkdir -p "$DEMO"
cd "$DEMO"
DISKS="disk0.img disk1.img disk2.img"
DEVS=disk0.img,disk1.img,disk2.img
DEVSP=demo/disk0.img,demo/disk1.img,demo/disk2.img
ACCEL=$(vm_accel)
echo "demo: in $DEMO; QEMU accelerator: $ACCEL$([ "$ACCEL" = tcg ] && echo " (no working KVM: the boots take a few minutes)")"

# ---------------------------------------------------------------------------
step "Create the install VG $VG on three sparse 2 GiB images, with the maintenance boot image"
# bosfs and oppfs fit on disk0, so that disk0 alone can install.
# shellcheck disable=SC2086
show ivgcreate -y --size 2g --bosfs-size 1g --oppfs-size 256m --devices "$DEVS" "$VG" $DISKS
show ivgs --devices "$DEVS" -a "$VG"
done_step "ivgcreate (boot image built and written to 3 legs)"

# ---------------------------------------------------------------------------
step "Build a .deb with dpkg-deb and add it to oppfs as an OPP"
mkdir -p deb/DEBIAN deb/usr/bin deb/usr/share/doc/$OPP
cat >deb/DEBIAN/control <<CTL
Package: $OPP
Version: 1.0
Architecture: all
Maintainer: ivg demo <demo@example.org>
Description: a small optional product package for the ivg demo
 Installs /usr/bin/$OPP, which greets.
CTL
printf '#!/bin/sh\necho "hello from the %s OPP"\n' "$OPP" >deb/usr/bin/$OPP
chmod 755 deb/usr/bin/$OPP
echo "Built by make demo." >deb/usr/share/doc/$OPP/README
show dpkg-deb --root-owner-group --build deb "${OPP}_1.0_all.deb"
show oppadd --devices "$DEVS" "$VG" "${OPP}_1.0_all.deb"
done_step "dpkg-deb and oppadd"

# ---------------------------------------------------------------------------
step "Build a small BOS (Debian's kernel, busybox, dpkg and apt, an init) and add it to bosfs"
show "$VM/mkbos.sh" --pkgtools --name "$BOS" bos
echo "  bos/bos.tar.gz: $(du -h bos/bos.tar.gz | cut -f1), kernel $(ls bos/tree/boot | sed -n 's/^vmlinuz-//p')"
show bosadd --devices "$DEVS" "$VG" "$BOS" bos/bos.tar.gz
done_step "mkbos.sh and bosadd"

# ---------------------------------------------------------------------------
step "List the OPPs and the BOS images"
show opplist --devices "$DEVS" "$VG"
show boslist --devices "$DEVS" "$VG"
done_step "opplist and boslist"

# ---------------------------------------------------------------------------
step "Boot disk0.img alone in QEMU: the maintenance menu on the serial console"
echo "# tests/vm/boot.sh --disk demo/disk0.img,readonly --expect 'Choice:'   (then: 5, power off)"
"$VM/boot.sh" --accel "$ACCEL" --timeout "$TMO" --console menu.log --disk disk0.img,readonly \
	--send 'Choice: =>5\n' --expect 'Choice: ' --fail 'Kernel panic' 2>menu.err ||
	die "the maintenance boot: $(cat menu.err)"
console menu.log 'ivg: (checking|booting)|OK$|ivg maintenance|Install volume group|Its disks|OPP table|^ *[1-5]\) |Choice'
done_step "boot to the maintenance menu"

# ---------------------------------------------------------------------------
step "Boot disk0.img alone again, for the unattended install of $BOS with $OPP onto target.img"
args="ivg.action=install ivg.bos=$BOS ivg.opp=$OPP ivg.target=/dev/vdb"
show ivgmkboot --devices "$DEVS" --append "$args" "$VG"
truncate -s 1g target.img
sha256sum disk0.img >disk0.sum
echo "# tests/vm/boot.sh --disk demo/disk0.img,readonly --disk demo/target.img,writable --expect 'IVG-INSTALL rc=0'"
"$VM/boot.sh" --accel "$ACCEL" --timeout "$TMO" --console install.log \
	--disk disk0.img,readonly --disk target.img,writable \
	--expect 'IVG-INSTALL rc=0' --fail 'IVG-INSTALL rc=[1-9]|Kernel panic' 2>install.err ||
	die "the unattended install: $(cat install.err)"
console install.log 'ivg maintenance|Install volume group|bosinstall|BOS "|OPP|installed|IVG-INSTALL'
sha256sum -c --quiet disk0.sum || die "the IVG's disk changed"
echo "  (disk0.img is unchanged: the maintenance environment reads the IVG read-only)"
done_step "unattended install in QEMU"

# ---------------------------------------------------------------------------
step "Boot target.img alone: the installed system runs"
echo "# tests/vm/boot.sh --disk demo/target.img --expect IVG-BOS-MARKER"
"$VM/boot.sh" --accel "$ACCEL" --timeout "$TMO" --console target.log --disk target.img \
	--expect "IVG-BOS-MARKER name=$BOS root=/dev/mapper/rootvg-rootlv installed=[0-9a-f]{16} kernel=" \
	--fail 'IVG-BOS-FAIL|Kernel panic' 2>target.err || die "the target's boot: $(cat target.err)"
console target.log 'Linux version|IVG-BOS-MARKER'
done_step "boot of the installed target"

# ---------------------------------------------------------------------------
step "Put the maintenance menu back on the IVG's boot image (no more unattended install)"
show ivgmkboot --devices "$DEVS" "$VG"
done_step "ivgmkboot"

# What the installed system records: the record in its rootlv, read
# straight from the image where lvm2 says rootlv is.
pvoff=$(sfdisk -J target.img | jq '.partitiontable.partitions[2].start * 512')
pvsize=$(sfdisk -J target.img | jq '.partitiontable.partitions[2].size * 512')
loop=$(losetup -f --show -r -o "$pvoff" --sizelimit "$pvsize" target.img)
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
export LVM_SYSTEM_DIR=$DEMO/lvm
mkdir -p "$LVM_SYSTEM_DIR"
cat >"$LVM_SYSTEM_DIR/lvm.conf" <<CONF
devices { filter = [ "a|^$loop\$|", "r|.*|" ] global_filter = [ "a|^$loop\$|", "r|.*|" ] obtain_device_list_from_udev = 0 }
global { system_id_source = "uname" }
CONF
lvmq() { LVM_SUPPRESS_FD_WARNINGS=1 lvm "$@" --driverloaded n --noheadings 2>/dev/null | tr -d ' '; }
r=$(lvmq lvs -o seg_pe_ranges rootvg/rootlv)
pe_start=$(lvmq pvs --units b --nosuffix -o pe_start "$loop")
ext=$(lvmq vgs --units b --nosuffix -o vg_extent_size rootvg)
losetup -d "$loop"
trap - EXIT
rm -rf "$LVM_SYSTEM_DIR"
unset LVM_SYSTEM_DIR
[ -n "$r" ] && [ -n "$pe_start" ] && [ -n "$ext" ] || die "lvm2 does not see rootvg/rootlv on target.img"
r=${r#*:}
debugfs -R "cat /etc/ivg/installed.json" "target.img?offset=$((pvoff + pe_start + ${r%-*} * ext))" 2>/dev/null >installed.json
want=$(sha256sum <installed.json | cut -c1-16)
got=$(tr -d '\r' <target.log | grep -ao 'installed=[0-9a-f]*' | head -1 | cut -d= -f2)
[ "$got" = "$want" ] || die "the booted system's installed.json hashes to $got, the image's to $want"
echo
echo "The installed system's /etc/ivg/installed.json (SHA-256 $want..., as it printed):"
jq '{bos: .bos.name, ivg: .ivg.vg, rootvg: .rootvg.name, disks: .rootvg.disks, opps: [.opps[] | {name, version, how}]}' installed.json | sed 's/^/  /'
# The OPP went in through the BOS's own dpkg: its package database says so.
debugfs -R "cat /var/lib/dpkg/status" "target.img?offset=$((pvoff + pe_start + ${r%-*} * ext))" 2>/dev/null >status
awk -v p="$OPP" '$1 == "Package:" { n = $2 } n == p && /^Status: install ok installed$/ { f = 1 } END { exit !f }' status ||
	die "the target's dpkg status does not have $OPP installed"
echo "The installed system's dpkg status (/var/lib/dpkg/status):"
awk -v p="$OPP" '$1 == "Package:" { n = $2 } n == p && /^(Package|Status|Version):/' status | sed 's/^/  /'

echo
echo "=== Done in $((SECONDS - T0)) s (QEMU: $ACCEL)"
printf '  %s\n' "${TIMES[@]}"
echo
echo "The images, sparse ($(du -sh --apparent-size . | cut -f1) apparent, $(du -sh . | cut -f1) used), in $DEMO:"
echo "  disk0.img disk1.img disk2.img   the install VG $VG (every one boots: BIOS and UEFI)"
echo "  target.img                      the installed machine (root VG rootvg)"
echo "  menu.log install.log target.log the serial consoles of the three boots"
echo
echo "Try next (as root, from $top):"
echo "  build/bin/ivgs --devices $DEVSP -a $VG"
echo "      # the IVG: its disks, boot legs, LVs and holder"
echo "  truncate -s 1g demo/t2.img && build/bin/bosinstall --devices $DEVSP --ivg $VG --bos $BOS --opp $OPP demo/t2.img"
echo "      # the same install, run on this host onto another image"
echo "  tests/vm/boot.sh --timeout 600 --disk demo/disk2.img,readonly --expect 'Choice:' --console demo/disk2.log; cat demo/disk2.log"
echo "      # disk2 alone boots too, into the maintenance menu"
