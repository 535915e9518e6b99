#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The unattended install of issue 8, end to end under QEMU (TCG):
#  1. an IVG (one disk) holding the test BOS (tests/vm/mkbos.sh
#     --pkgtools: dpkg, apt, rpm in it) and two .deb OPPs, hello-opp
#     depending on hello-lib, whose maintenance boot image (ivgmkboot) carries
#     "ivg.action=install ivg.bos=testbos ivg.opp=hello-opp
#     ivg.target=/dev/vdb" on its kernel command line;
#  2. a machine boots from the IVG disk under SeaBIOS (tests/vm/boot.sh)
#     with an empty target disk attached; the IVG disk is read-only to the
#     guest (bosinstall never writes it), the target is written for real;
#     the maintenance environment installs and prints "IVG-INSTALL rc=0":
#     the BOS's own apt-get, in a chroot of the new rootlv with the IVG's
#     oppfs mounted read-only, installs hello-opp and hello-lib (both in
#     the target's dpkg status, hello-lib recorded as a dependency);
#  3. the target alone boots (tests/vm/boot.sh, SeaBIOS) and the installed
#     test BOS prints its marker, with the SHA-256 of its installed.json.
# IVG_SLOW=1 boots the target under OVMF too, and drives the same
# install through the maintenance menu (entry 1). Two boots by default.
# IVG_BENCH=1 prints "bench: install_wall_s=S boot_s=S" (bench/bos_install.sh).
# slow-part: the boot of the target under OVMF; the same install driven through the maintenance menu
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-400}

"$HERE/vm/mkbos.sh" --pkgtools bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
ivgcreate -y --no-boot-image --devices d0.img --size 400m --bootlv-size 96m \
	--bosfs-size 64m --oppfs-size 16m ivg0 d0.img >/dev/null || die "ivgcreate"
bosadd --devices d0.img ivg0 testbos bos/bos.tar.gz >/dev/null || die "bosadd"
mkdir -p deb/DEBIAN deb/usr/share/hello-opp lib/DEBIAN lib/usr/share/hello-lib
printf 'Package: hello-opp\nVersion: 1.0\nArchitecture: all\nMaintainer: ivg tests <t@example.org>\nDepends: hello-lib\nDescription: a test package\n' >deb/DEBIAN/control
printf 'Package: hello-lib\nVersion: 1.0\nArchitecture: all\nMaintainer: ivg tests <t@example.org>\nDescription: what it needs\n' >lib/DEBIAN/control
echo hello >deb/usr/share/hello-opp/hello
echo lib >lib/usr/share/hello-lib/lib
dpkg-deb --root-owner-group --build deb hello-opp.deb >/dev/null || die "dpkg-deb"
dpkg-deb --root-owner-group --build lib hello-lib.deb >/dev/null || die "dpkg-deb"
oppadd --devices d0.img ivg0 hello-opp.deb hello-lib.deb >/dev/null || die "oppadd"
t0=$SECONDS
ivgmkboot --devices d0.img --append "ivg.action=install ivg.bos=testbos ivg.opp=hello-opp ivg.target=/dev/vdb" ivg0 >/dev/null ||
	die "ivgmkboot"
ok "IVG with the test BOS and an OPP, its boot image set to install unattended ($((SECONDS - t0)) s)"
truncate -s 1g t.img
sha256sum d0.img >ivg.sum

# The install boot: the IVG disk first in the boot order and read-only
# to the guest, the target written for real.
t0=$SECONDS
"$HERE/vm/boot.sh" --timeout "$TMO" --console install.log --disk d0.img,readonly --disk t.img,writable \
	--expect 'IVG-INSTALL rc=0' --fail 'IVG-INSTALL rc=[1-9]|Kernel panic' 2>install.err ||
	die "the unattended install: $(cat install.err)"
install_s=$((SECONDS - t0))
grep -aq 'BOS "testbos" installed on /dev/vdb' install.log || die "bosinstall did not say it installed: $(grep -a -A3 IVG-INSTALL install.log)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
ok "unattended install from the IVG's maintenance environment: IVG-INSTALL rc=0 ($install_s s from QEMU's start)"

# What the machine will find: the record written into rootlv.
l=$(loop_pv t.img)
lvm_filter "$l"
lvmq vgck rootvg >vgck.out 2>&1 || die "vgck: $(cat vgck.out)"
root_off=$(lv_offset t.img "$l" rootvg/rootlv)
losetup -d "$l"
# The record as the host reads it from rootlv: installed.json, its hash.
# Straight from the image file (libext2fs's offset= option), so that no
# loop device's cache can stand between the host and the disk.
read_record() {
	debugfs -R "cat /etc/ivg/installed.json" "t.img?offset=$root_off" 2>/dev/null >"$1"
}
read_record installed.json
jq -e '.bos.name == "testbos" and .rootvg.disks == ["/dev/vdb"] and .ivg.vg == "ivg0" and
	[.opps[] | .name + ":" + .how + ":" + (.dependency | tostring)] == ["hello-opp:apt:false", "hello-lib:apt:true"]' installed.json >/dev/null ||
	die "installed.json (the BOS and ivg.opp's OPP): $(cat installed.json)"
debugfs -R "cat /var/lib/dpkg/status" "t.img?offset=$root_off" 2>/dev/null >status
for p in hello-opp hello-lib; do
	awk -v p="$p" '$1 == "Package:" { n = $2 } n == p && /^Status: install ok installed$/ { f = 1 } END { exit !f }' status ||
		die "the target's dpkg status lacks $p: $(cat status)"
done
[ "$(debugfs -R "cat /usr/share/hello-lib/lib" "t.img?offset=$root_off" 2>/dev/null)" = lib ] || die "hello-lib's files are not in rootlv"
grep -aq 'Setting up hello-lib' install.log || die "the console does not show apt installing hello-lib"
ok "ivg.opp: the BOS's own apt-get installed hello-opp and its dependency hello-lib from the IVG (the target's dpkg status lists both)"
want=$(sha256sum <installed.json | cut -c1-16)

# The marker carries the hash of the record the booted system reads.
boot_target() {
	local fw=$1 s=$SECONDS got
	"$HERE/vm/boot.sh" --firmware "$fw" --timeout "$TMO" --console "$fw.log" --disk t.img \
		--expect "IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv installed=[0-9a-f]{16} kernel=" \
		--fail 'IVG-BOS-FAIL|Kernel panic' 2>"$fw.err" || die "$fw boot: $(cat "$fw.err")"
	boot_s=$((SECONDS - s))
	got=$(grep -ao 'IVG-BOS-MARKER name=testbos .*installed=[0-9a-f]*' "$fw.log" | sed 's/.*installed=//' | head -1)
	if [ "$got" != "$want" ]; then
		read_record again.json
		die "$fw: the booted system's installed.json hashes to $got, the host read $want (again: $(sha256sum <again.json | cut -c1-16)): $(cat installed.json)"
	fi
	ok "$fw: the installed target boots alone, the BOS prints its marker and the record's hash ($boot_s s)"
}
boot_target bios
[ -n "${IVG_BENCH:-}" ] && echo "bench: install_wall_s=$install_s boot_s=$boot_s"
[ -n "${IVG_SLOW:-}" ] || exit 0
boot_target uefi

# The maintenance menu's entry 1 drives the same install (the disks in
# boot.sh's throw-away overlays): it lists the BOS and the free disks.
# Both answers go in at the first question: the second waits in the
# console's input for the next one.
ivgmkboot --devices d0.img ivg0 >/dev/null || die "ivgmkboot (menu)"
truncate -s 0 t.img && truncate -s 1g t.img
"$HERE/vm/boot.sh" --timeout "$TMO" --console menu.log --disk d0.img --disk t.img \
	--send 'Choice: =>1\n' --send 'BOS to install: =>testbos\n/dev/vdb\nhello-opp\n' \
	--expect 'BOS "testbos" installed on /dev/vdb' --fail 'Kernel panic' 2>menu.err ||
	die "the menu: $(cat menu.err)"
grep -aq 'testbos' menu.log && grep -aq '/dev/vdb  1024 MiB' menu.log || die "the menu did not list the BOS and the free disk"
grep -aq '/dev/vda  ' menu.log && die "the menu lists the IVG's disk as free"
grep -aq 'hello-lib' menu.log || die "the menu did not list the OPPs"
grep -aq 'Setting up hello-opp' menu.log || die "the menu's install did not install the OPP chosen"
ok "the maintenance menu's entry 1 lists the BOS, the free disk and the OPPs, and installs with the OPP chosen"
exit 0
