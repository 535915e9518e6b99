#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A machine defined in the IVG installs itself, under QEMU (TCG):
#  1. an IVG (one disk) holding the test BOS (tests/vm/mkbos.sh) and a
#     plain OPP, with the shared maintenance boot image (ivgmkboot, no
#     --append: nothing on its command line says what to do), and two
#     machine entries (ivgmachine add): another machine's, and this
#     one's, by its SMBIOS system UUID, to install the BOS and the OPP
#     onto the disk whose serial number is IVGTGT1, then power off;
#  2. the machine boots from the IVG disk under SeaBIOS (tests/vm/boot.sh)
#     with -smbios type=1,uuid= and the target disk attached with that
#     serial; the IVG disk is read-only to the guest; the maintenance
#     environment finds its entry ("IVG-MACHINE vm1: install, then
#     poweroff"), installs without a keyboard ("IVG-INSTALL rc=0") and
#     powers off; the IVG disk is byte-identical;
#  3. the target holds a root VG that stock lvm2 finds clean, and its
#     installed.json names the BOS, the OPP, /dev/vdb and the entry; the target alone
#     boots and the test BOS prints its marker;
#  4. booted from the IVG again, as a vios partition of boot type install
#     (QEMU firmware configuration opt/ivg/vios), the entry's install is
#     refused (the target is a PV of rootvg; bosinstall without -f):
#     IVG-INSTALL rc=5, the target and the IVG byte-identical;
#  5. (IVG_SLOW) with vios boot type maintenance, the menu comes up and
#     the entry's install does not run.
# slow-part: the boot of vios type maintenance
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "no kernel in /boot"; exit 77; }
TMO=${IVG_BOOT_TIMEOUT:-400}
U=6d2f5e7a-0b4c-4f1e-9a3d-2c8b7e6f5a41

t0=$SECONDS
"$HERE/vm/mkbos.sh" bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
ivgcreate -y --no-boot-image --devices d0.img --size 400m --bootlv-size 96m \
	--bosfs-size 64m --oppfs-size 16m ivg0 d0.img >/dev/null || die "ivgcreate"
bosadd --devices d0.img ivg0 testbos bos/bos.tar.gz >/dev/null || die "bosadd"
mkdir -p opp/opt/mytool && printf 'Package: mytool\nVersion: 1.2\nArchitecture: amd64\nDescription: a plain OPP\n' >opp/opp.control
echo "mytool payload" >opp/opt/mytool/README
(cd opp && tar czf ../mytool.opp opp.control opt)
oppadd --devices d0.img ivg0 mytool.opp >/dev/null || die "oppadd"
ivgmkboot --devices d0.img ivg0 >/dev/null || die "ivgmkboot"
ivgmachine add --devices d0.img ivg0 other --id uuid=11111111-2222-3333-4444-555555555555 \
	--action install --bos testbos --target /dev/vdb --then poweroff >/dev/null || die "ivgmachine add other"
ivgmachine add --devices d0.img ivg0 vm1 --id "uuid=$U" --action install --bos testbos --opp mytool \
	--target serial-IVGTGT1 --then poweroff >/dev/null || die "ivgmachine add vm1"
ok "IVG with the test BOS, an OPP, the shared boot image and two machine entries ($((SECONDS - t0)) s)"
truncate -s 1g t.img
sha256sum d0.img >ivg.sum

t0=$SECONDS
"$HERE/vm/boot.sh" --timeout "$TMO" --console install.log --smbios-uuid "$U" \
	--disk d0.img,readonly --disk t.img,writable,serial=IVGTGT1 \
	--expect 'IVG-INSTALL rc=0' --fail 'IVG-INSTALL rc=[1-9]|IVG-MACHINE none|Kernel panic|Choice: ' 2>install.err ||
	die "the install from the machine entry: $(cat install.err)"
grep -aq "IVG-MACHINE vm1: install, then poweroff" install.log ||
	die "the console does not name the entry: $(grep -a IVG-MACHINE install.log)"
grep -aq 'BOS "testbos" installed on /dev/vdb' install.log || die "bosinstall did not say it installed: $(grep -a -A3 IVG-INSTALL install.log)"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
ok "the machine found its entry by its SMBIOS UUID and installed unattended: IVG-INSTALL rc=0 ($((SECONDS - t0)) s); the IVG byte-identical"

l=$(loop_pv t.img)
lvm_filter "$l"
lvmq vgck rootvg >vgck.out 2>&1 || die "vgck: $(cat vgck.out)"
root_off=$(lv_offset t.img "$l" rootvg/rootlv)
losetup -d "$l"
debugfs -R "cat /etc/ivg/installed.json" "t.img?offset=$root_off" 2>/dev/null >installed.json
jq -e '.bos.name == "testbos" and .rootvg.disks == ["/dev/vdb"] and .ivg.vg == "ivg0" and
	[.opps[] | .name] == ["mytool"] and .machine == "vm1"' installed.json >/dev/null || die "installed.json: $(cat installed.json)"
ok "lvm2 vgck clean on the target; installed.json: testbos, mytool, /dev/vdb, machine vm1"

"$HERE/vm/boot.sh" --timeout "$TMO" --console target.log --disk t.img \
	--expect "IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv" \
	--fail 'IVG-BOS-FAIL|Kernel panic' 2>target.err || die "the target's boot: $(cat target.err)"
ok "the installed target boots alone and the BOS prints its marker"

# Booted from the IVG again, as a vios partition of boot type install
# (vios's firmware configuration file), its entry still says install:
# bosinstall (without -f) refuses to overwrite the root VG, and writes
# nothing.
sha256sum t.img >t.sum
printf 'lpar vm1\nboot_type install\ninstall ivg@0:0\n' >vios-install.txt
"$HERE/vm/boot.sh" --timeout "$TMO" --console again.log --smbios-uuid "$U" \
	--fwcfg opt/ivg/vios=vios-install.txt \
	--disk d0.img,readonly --disk t.img,writable,serial=IVGTGT1 \
	--expect 'IVG-INSTALL rc=5' --fail 'IVG-INSTALL rc=0|Kernel panic' 2>again.err ||
	die "the second boot from the IVG: $(cat again.err)"
grep -aq 'is a PV of volume group "rootvg"' again.log || die "no refusal naming rootvg: $(grep -a -B3 IVG-INSTALL again.log)"
sha256sum -c --quiet t.sum || die "the refused reinstall wrote the target"
sha256sum -c --quiet ivg.sum || die "the IVG's disk changed"
grep -aq 'IVG-VIOS boot type install (vm1)' again.log || die "the vios boot type was not read: $(grep -a IVG- again.log | head)"
ok "booted from the IVG again (vios boot type install): the entry runs and the install is refused (the target is rootvg's PV), the target and the IVG byte-identical"

[ -n "${IVG_SLOW:-}" ] || exit 0
# vios boot type maintenance: the menu, although the entry says install.
printf 'lpar vm1\nboot_type maintenance\nmaintenance ivg@0:0\n' >vios-maint.txt
"$HERE/vm/boot.sh" --timeout "$TMO" --console maint.log --smbios-uuid "$U" \
	--fwcfg opt/ivg/vios=vios-maint.txt \
	--disk d0.img,readonly --disk t.img,writable,serial=IVGTGT1 \
	--send 'Choice: =>5\n' --expect 'reboot: Power down' --fail 'IVG-INSTALL|IVG-MACHINE|Kernel panic' 2>maint.err ||
	die "the boot of type maintenance: $(cat maint.err)"
grep -aq 'IVG-VIOS boot type maintenance (vm1)' maint.log && grep -aq 'Choice: ' maint.log ||
	die "boot type maintenance: $(grep -a 'IVG-\|Choice' maint.log | head)"
sha256sum -c --quiet t.sum || die "the maintenance boot wrote the target"
ok "vios boot type maintenance: the menu, the entry's install not run, the target unchanged"
