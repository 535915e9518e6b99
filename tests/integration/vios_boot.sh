#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vios boot with real QEMU (TCG) partitions.
# Firmware: SeaBIOS boots the first device of the boot list that the boot
# type (or --mode) picks, through virtio-scsi at the mapping's SCSI ID and
# LUN (bootindex); the disks hold tiny boot sectors that print their name
# on COM1, the partition's console.
# With IVG_SLOW=1 (two guest boots of ~15 s each), also the test guest's
# kernel and initramfs (tests/vm), booted straight: the partition sees
# every mapping as a SCSI disk at its SCSI ID and LUN
# (/sys/class/scsi_device/H:C:T:L), with the VTD's name as serial,
# read-only where mapped read-only. Then the partition moves: it writes a
# marker to its read-write root LUN and keeps running; host B's read-write
# mapping of that LUN is refused naming it; `vios migrate` shuts it down
# on A (QMP), maps the same LUNs with the same SCSI IDs on B, unmaps them
# on A and boots on B, which reads the marker; meanwhile A may not map the
# LUN read-write.
# slow-part: the test guest booted by vios (SCSI IDs, serials, read-only mappings) and vios migrate between hosts
. "$(dirname "$0")/../lib.sh"
vm_harness_or_skip
. "$VM/common.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
cd "$T"
export TMPDIR=$T
A="--state $T/hostA --san $T/san"
B="--state $T/hostB --san $T/san"

# QEMU is a daemon: end every partition this test started, even on failure.
trap vios_cleanup EXIT INT TERM

# ---- firmware boot order (SeaBIOS) from the boot list and boot type ----
# Boot sectors that print "BOOTED-FROM-<name>" on COM1 and halt:
# xor ax,ax; mov ds,ax; cld; mov si,msg; mov dx,0x3f8;
# l: lodsb; test al,al; jz h; out dx,al; jmp l; h: cli; hlt; jmp h; msg: ...
bootsector() {
	truncate -s 8M "$1"
	{
		printf '\x31\xc0\x8e\xd8\xfc\xbe\x17\x7c\xba\xf8\x03\xac\x84\xc0\x74\x03\xee\xeb\xf8\xfa\xf4\xeb\xfc'
		printf 'BOOTED-FROM-%s\r\n\0' "$2"
	} | dd of="$1" conv=notrunc status=none
	printf '\x55\xaa' | dd of="$1" bs=1 seek=510 conv=notrunc status=none
}
mkdir lun
bootsector lun/bootx.img X
bootsector lun/booty.img Y
vios mklpar lpf --memory 128m $A >/dev/null
vios mkvdev --lpar lpf --vdev lun/bootx.img --scsi-id 0 --dev lpf_x $A >/dev/null
vios mkvdev --lpar lpf --vdev lun/booty.img --scsi-id 3 --lun 1 --readonly --dev lpf_y $A >/dev/null
vios chlpar lpf --list normal=lpf_x --list install=3:1 --boot-type install $A
# Boot partition lpf (more options in $@) and wait for a boot sector to speak.
fwboot() {
	vios boot lpf $A "$@" >fw.log 2>&1 || die "boot lpf: $(cat fw.log)"
	for _ in $(seq 300); do
		grep -aq "BOOTED-FROM-" "$T/hostA/run/lpf.console" && break
		sleep 0.1
	done
	vios shutdown lpf --force $A >/dev/null
	grep -ao "BOOTED-FROM-[XY]" "$T/hostA/run/lpf.console" || echo none
}
[ "$(fwboot)" = BOOTED-FROM-Y ] || die "install boot did not start from the install list (3:1): $(cat "$T/hostA/run/lpf.console")"
[ "$(fwboot --mode normal)" = BOOTED-FROM-X ] || die "normal boot did not start from lpf_x"
vios chlpar lpf --list normal=lpf_y,lpf_x --boot-type normal $A
[ "$(fwboot)" = BOOTED-FROM-Y ] || die "normal list reordered: not from lpf_y"
ok "SeaBIOS boots the first device of the boot list the boot type picks (virtio-scsi, bootindex)"

if [ -z "${IVG_SLOW:-}" ]; then
	echo "(the guest kernel and migration part runs with IVG_SLOW=1)"
	exit 0
fi

kver=$(vm_kernel_version) || die "no kernel"
kernel=$(vm_kernel_image "$kver")
"$VM/mkinitramfs.sh" --kernel "$kver" base.cpio || die "mkinitramfs"
nonce=$RANDOM$RANDOM

# initrd with the guest script $1 (from stdin) as /test.sh
initrd() {
	mkdir -p "layer-$1/etc/ivg-vm" "layer-$1/root"
	cat >"layer-$1/test.sh"
	chmod 755 "layer-$1/test.sh"
	echo "IVG_VM_DISKS=$2" >"layer-$1/etc/ivg-vm/env"
	cp base.cpio "initrd-$1"
	(cd "layer-$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 -n) >>"initrd-$1"
}

# Wait (at most $2 s) for a line in out-$1.
await() {
	for _ in $(seq $(($2 * 10))); do
		grep -q "$3" "out-$1" && return 0
		sleep 0.1
	done
	echo "--- out-$1:"; cat "out-$1"; echo "--- console:"; tail -20 "$T"/host*/run/*.console
	die "no '$3' from the guest in $2 s"
}

# Every SCSI disk the guest sees: "TARGET:LUN SERIAL ro|rw".
SCAN='for d in /sys/class/scsi_device/*; do
	hctl=${d##*/}; t=${hctl#*:*:}; blk=$(ls $d/device/block)
	ser=$(tail -c +5 $d/device/vpd_pg80 | tr -d "\000 ")
	ro=rw; [ "$(cat /sys/block/$blk/ro)" = 1 ] && ro=ro
	echo "DISK $t $ser $ro /dev/$blk"
done'


for n in ivg root data; do
	truncate -s 64M lun/$n.img
	printf 'LUN %s\n' $n | dd of=lun/$n.img conv=notrunc status=none
done

vios mklpar lpa --memory 512m $A >/dev/null
vios mkvdev --lpar lpa --vdev lun/ivg.img --readonly --scsi-id 0 --dev lpa_ivg $A >/dev/null
rl=$(loop_file lun/root.img)
vios mkvdev --lpar lpa --vdev "$rl" --scsi-id 3 --dev lpa_root $A >/dev/null
vios mkvdev --lpar lpa --vdev lun/data.img --scsi-id 3 --lun 2 --dev lpa_data $A >/dev/null
vios chlpar lpa --list install=lpa_ivg --list rootvg=lpa_root --list nonessential=lpa_data $A

# One guest script for both hosts: list the disks; on the root LUN (3:0)
# print the marker if there is one, else write it; stay up.
initrd g 3 <<GUEST
#!/bin/sh
$SCAN
root=\$(for d in /sys/class/scsi_device/*:3:0; do ls \$d/device/block; done)
m=\$(dd if=/dev/\$root bs=512 skip=4096 count=1 2>/dev/null | head -1 | tr -d '\000')
case \$m in
"marker from"*) echo "FOUND: \$m" ;;
*) echo "marker from \$(hostname)" | dd of=/dev/\$root bs=512 seek=4096 conv=fsync 2>/dev/null; echo WROTE ;;
esac
echo READY
sleep 120
GUEST
KARGS=(--kernel "$kernel" --initrd "$T/initrd-g" --qemu-arg -no-reboot
	--append "console=ttyS0 quiet panic=-1 cryptomgr.notests ivg.disks=3 ivg.nonce=$nonce ivg.hostname=lpa")

# ---- host A: the partition sees its disks; writes a marker; keeps running ----
t0=$(date +%s)
: >out-a
vios boot lpa $A "${KARGS[@]}" --qemu-arg -serial --qemu-arg "file:$T/out-a" >boot-a.log 2>&1 ||
	die "boot: $(cat boot-a.log)"
await a 90 READY
ok "partition lpa up in $(( $(date +%s) - t0 )) s"
grep -q "^WROTE" out-a || die "lpa wrote no marker: $(cat out-a)"
grep -q "^DISK 0:0 lpa_ivg ro " out-a || die "IVG disk not at 0:0 read-only: $(cat out-a)"
grep -q "^DISK 3:0 lpa_root rw " out-a || die "root LUN not at 3:0: $(cat out-a)"
grep -q "^DISK 3:2 lpa_data rw " out-a || die "data LUN not at 3:2: $(cat out-a)"
[ "$(grep -c '^DISK' out-a)" = 3 ] || die "not three disks: $(cat out-a)"
ok "the guest sees SCSI IDs/LUNs 0:0 (ro), 3:0, 3:2 with the VTD names"
vios lsmap --lpar lpa $A | grep -q "lpa (Running)" || die "lpa not running"

# ---- host B: the read-write LUNs refused while lpa runs on A ----
vios mklpar lpx $B >/dev/null
expect_fail 5 "mapped read-write to partition lpa on host .*running" \
	vios mkvdev --lpar lpx --vdev lun/root.img --scsi-id 3 $B
vios mkvdev --lpar lpx --vdev lun/ivg.img --readonly --scsi-id 0 --dev lpx_ivg $B >/dev/null
ok "read-only IVG disk shared with host B while lpa runs"
vios migrate lpa --to "$T/hostB" --validate $A | grep -q "can move" || die "validation"
ok "migrate --validate: host B sees every LUN, modes agree"

# ---- the move: shut down on A (QMP), map on B, unmap on A, boot on B ----
: >out-b
vios migrate lpa --to "$T/hostB" --timeout 2 $A "${KARGS[@]}" \
	--qemu-arg -serial --qemu-arg "file:$T/out-b" >migrate.log 2>&1 || die "migrate: $(cat migrate.log)"
await b 90 READY
grep -q "^FOUND: marker from lpa" out-b || die "lpa on B does not read its marker: $(cat out-b)"
grep -q "^DISK 3:0 lpa_root rw " out-b || die "root LUN not at 3:0 on B: $(cat out-b)"
grep -q "^DISK 0:0 lpa_ivg ro " out-b || die "IVG disk not at 0:0 on B: $(cat out-b)"
ok "lpa moved to host B, boots there from the same LUN at the same SCSI ID, the marker prints"
vios lsmap --lpar lpa $B | grep -q "lpa (Running)" || die "lpa not running on B"
expect_fail 5 "partition lpa does not exist" vios lsmap --lpar lpa $A
vios mklpar lpz $A >/dev/null
expect_fail 5 "mapped read-write to partition lpa on host .*hostB.*running" \
	vios mkvdev --lpar lpz --vdev lun/root.img $A
ok "host A's read-write mapping of the LUN refused while lpa runs on B"
vios shutdown lpa --timeout 1 $B >/dev/null 2>&1
vios lsmap --lpar lpa $B | grep -q "lpa (Not Activated)" || die "lpa still running"
vios mkvdev --lpar lpz --vdev lun/root.img $A >/dev/null 2>&1 || die "lpa is down: A may map the LUN"
ok "once lpa is shut down on B, A may map the LUN"
