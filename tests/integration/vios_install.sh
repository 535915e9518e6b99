#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The virtual I/O server end to end (issue 3, item 6), real QEMU (TCG)
# partitions booted by their firmware (SeaBIOS) from virtio-scsi LUNs:
#  1. an IVG disk holding the test BOS, its maintenance boot image set to
#     install unattended onto "scsi:3:0" (the partition's SCSI target 3,
#     LUN 0), is mapped READ-ONLY to partition lpa at SCSI ID 0; an empty
#     LUN is mapped read-write at SCSI ID 3 as the partition's rootvg;
#  2. lpa boots in install mode (boot list "install": the IVG disk):
#     GRUB from the IVG disk, the maintenance environment, bosinstall onto
#     its rootvg LUN, power off; the IVG disk is byte-identical;
#  3. lpa boots in normal mode (boot list "normal": the rootvg LUN) and
#     the installed BOS prints its marker and keeps running;
#  4. vios migrate moves it to host B (same LUNs, same SCSI IDs), where it
#     boots from the same LUN and the marker prints again; while it runs
#     there, host A's read-write mapping of that LUN is refused.
. "$(dirname "$0")/../lib.sh"
vm_harness_or_skip
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
cd "$T"
export TMPDIR=$T
A="--state $T/hostA --san $T/san"
B="--state $T/hostB --san $T/san"
TMO=${IVG_BOOT_TIMEOUT:-400}

# QEMU is a daemon: end every partition this test started, even on failure.
trap vios_cleanup EXIT INT TERM

# await HOST REGEX [FAIL-REGEX]: a console line of lpa on HOST, within TMO s.
await() {
	local con="$T/host$1/run/lpa.console"
	for _ in $(seq $((TMO * 2))); do
		if [ -f "$con" ]; then
			grep -aqE "$2" "$con" && return 0
			[ -n "${3:-}" ] && grep -aqE "$3" "$con" && break
		fi
		sleep 0.5
	done
	echo "--- console of lpa on host $1:"; tail -40 "$con" 2>/dev/null
	die "no '$2' on lpa's console on host $1"
}
# Until lpa's QEMU on host A is gone (the guest powered off).
await_down() {
	for _ in $(seq $((TMO * 2))); do
		vios lsmap --lpar lpa $A | grep -q "lpa (Not Activated)" && return 0
		sleep 0.5
	done
	die "lpa did not power off"
}

# ---- the IVG: the test BOS (that stays up), the unattended install ----
"$VM/mkbos.sh" bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
cp -a bos/tree stay && touch stay/etc/ivg-bos/stay
tar -C stay --numeric-owner -czf stay.tar.gz .
mkdir lun
ivgcreate -y --no-boot-image --devices lun/ivg.img --size 400m --bootlv-size 96m \
	--bosfs-size 64m --oppfs-size 16m ivg0 lun/ivg.img >/dev/null || die "ivgcreate"
bosadd --devices lun/ivg.img ivg0 testbos stay.tar.gz >/dev/null || die "bosadd"
ivgmkboot --devices lun/ivg.img --append "ivg.action=install ivg.bos=testbos ivg.target=scsi:3:0" \
	ivg0 >/dev/null || die "ivgmkboot"
sha256sum lun/ivg.img >ivg.sum
# A new LUN: an image file is known by its inode and its first MiB, which
# must not be blank (a SAN LUN would have its WWN).
truncate -s 1g lun/root.img
echo "LUN root" | dd of=lun/root.img conv=notrunc status=none
ok "IVG disk with the test BOS, set to install onto SCSI 3:0"

vios mklpar lpa --memory 1024m $A >/dev/null
vios mkvdev --lpar lpa --vdev lun/ivg.img --readonly --scsi-id 0 --dev lpa_ivg $A >/dev/null
vios mkvdev --lpar lpa --vdev lun/root.img --scsi-id 3 --dev lpa_root $A >/dev/null
vios chlpar lpa --list install=lpa_ivg --list normal=lpa_root --boot-type normal $A

# ---- install: firmware boots the read-only IVG disk, installs on 3:0 ----
t0=$SECONDS
vios boot lpa --mode install $A >boot.log 2>&1 || die "vios boot --mode install: $(cat boot.log)"
await A 'IVG-INSTALL rc=0' 'IVG-INSTALL rc=[1-9]|Kernel panic'
await_down
grep -aq 'BOS "testbos" installed on /dev/sd' "$T/hostA/run/lpa.console" ||
	die "bosinstall did not say where it installed: $(grep -a -B5 IVG-INSTALL "$T/hostA/run/lpa.console")"
sha256sum -c --quiet ivg.sum || die "the IVG disk changed"
ok "install mode: lpa booted the read-only IVG disk and installed the BOS onto its rootvg LUN ($((SECONDS - t0)) s); the IVG disk is unchanged"

# ---- normal boot from the rootvg LUN ----
t0=$SECONDS
mv "$T/hostA/run/lpa.console" install.console
vios boot lpa $A >boot.log 2>&1 || die "vios boot: $(cat boot.log)"
await A 'IVG-BOS-UP' 'IVG-BOS-FAIL|Kernel panic'
grep -aq 'IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv' "$T/hostA/run/lpa.console" ||
	die "no marker: $(tail -5 "$T/hostA/run/lpa.console")"
ok "normal mode: lpa boots from its rootvg LUN, the installed BOS prints its marker ($((SECONDS - t0)) s)"

# ---- migrate to host B ----
vios migrate lpa --to "$T/hostB" --validate $A | grep -q "can move" || die "migrate --validate"
t0=$SECONDS
vios migrate lpa --to "$T/hostB" --timeout 2 $A >migrate.log 2>&1 || die "migrate: $(cat migrate.log)"
await B 'IVG-BOS-UP' 'IVG-BOS-FAIL|Kernel panic'
grep -aq 'IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv' "$T/hostB/run/lpa.console" ||
	die "no marker on host B"
vios lsmap --lpar lpa $B | grep -q "lpa (Running)" || die "lpa not running on host B"
ok "lpa moved to host B and boots there from the same LUN, the marker prints ($((SECONDS - t0)) s)"

vios mklpar lpz $A >/dev/null
expect_fail 5 "mapped read-write to partition lpa on host .*hostB.*running" \
	vios mkvdev --lpar lpz --vdev lun/root.img $A
ok "while lpa runs on host B, host A's read-write mapping of its LUN is refused"
vios shutdown lpa --force $B >/dev/null 2>&1
sha256sum -c --quiet ivg.sum || die "the IVG disk changed"
exit 0
