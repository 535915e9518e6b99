#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# vios without a real QEMU (IVG_QEMU is a stand-in that only daemonizes):
# partitions, mappings by identity (PV UUID, IVG disk, image content;
# blank and vanished devices refused), one-to-one read-write and shared
# read-only, the same SCSI ID in two partitions, lsmap in text and JSON,
# nothing written on refusal, many parallel mkvdev calls with none lost,
# the LUNs found again after a "SAN reconfiguration" (other loop devices,
# other paths), and two hosts on one SAN: a read-write mapping refused
# while the other host's partition runs, allowed once it is shut down.
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }

# A stand-in for qemu-system-x86_64: records its arguments, leaves a
# sleeping "machine" behind with its PID in the -pidfile, as -daemonize does.
cat >fakeqemu <<'FAKE'
#!/bin/bash
pidfile=""
prev=""
for a in "$@"; do
	[ "$prev" = -pidfile ] && pidfile=$a
	prev=$a
done
printf '%s\n' "$@" >"$FAKE_ARGS"
setsid sleep "${FAKE_SLEEP:-300}" </dev/null >/dev/null 2>&1 &
echo $! >"$pidfile"
echo $! >>"$FAKE_PIDS"
FAKE
chmod +x fakeqemu
export IVG_QEMU=$T/fakeqemu FAKE_ARGS=$T/qemu.args FAKE_PIDS=$T/fake.pids
: >"$FAKE_PIDS"
vios_cleanup() {
	rc=$?
	set +e
	for p in $(cat "$T/fake.pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	(exit $rc)
	cleanup
}
trap vios_cleanup EXIT INT TERM

A="--state $T/hostA --san $T/san"
B="--state $T/hostB --san $T/san"
mkdir -p lun
# The LUNs: a whole-disk PV, an IVG disk (PV inside a GPT), data LUNs with
# content, a blank one.
truncate -s 64M lun/pv.img lun/blank.img
lvm_filter "$(losetup -f)"
lpv=$(loop_file lun/pv.img)
lvm_filter "$lpv"
lvmq pvcreate -qq "$lpv" >/dev/null 2>&1 || die "pvcreate $lpv"
uuid=$(lvmq pvs --noheadings -o pv_uuid "$lpv" 2>/dev/null | tr -d ' -')
[ ${#uuid} = 32 ] || die "no PV UUID for $lpv"
# The IVG layout: GPT with BIOS boot, EFI system and LVM partitions, the
# PV in the third (reached through a loop device with an offset).
truncate -s 96M lun/ivg.img
sfdisk -q lun/ivg.img <<'GPT' >/dev/null
label: gpt
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649
start=4096, size=131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
start=135168, type=E6D6D379-F507-44C2-A23C-238F2A3DF928
GPT
lvm_filter "$lpv" "$(losetup -f)"
livg=$(loop_pv lun/ivg.img)
lvm_filter "$lpv" "$livg"
lvmq pvcreate -qq "$livg" >/dev/null 2>&1 || die "pvcreate $livg"
ivguuid=$(lvmq pvs --noheadings -o pv_uuid "$livg" 2>/dev/null | tr -d ' -')
losetup -d "$livg"
for i in 1 2 3; do
	truncate -s 32M lun/data$i.img
	head -c 4096 /dev/urandom | dd of=lun/data$i.img conv=notrunc status=none
done

# ---- command line ----
vios --help | grep -q "vios mkvdev" || die "--help"
expect_fail 3 "unknown command" vios frobnicate
expect_fail 3 "unknown option" vios mklpar --bogus x $A
expect_fail 3 "--lpar NAME is required" vios mkvdev --vdev lun/data1.img $A
expect_fail 3 "does not apply" vios rmlpar x --memory 1g $A
expect_fail 3 "want a number" vios mkvdev --lpar a --vdev x --scsi-id 300 $A
[ ! -e "$T/hostA" ] || die "a refused command line created the state"

# ---- partitions and mappings on host A ----
vios mklpar lp1 --memory 256m --cpus 1 $A >/dev/null
vios mklpar lp2 $A >/dev/null
vios mklpar lp3 $A >/dev/null
expect_fail 5 "partition lp1 already exists" vios mklpar lp1 $A
vios mkvdev --lpar lp1 --vdev "$lpv" --dev lp1_root $A | grep -q "pv:" || die "PV identity"
vios mkvdev --lpar lp1 --vdev lun/ivg.img --readonly --dev lp1_ivg $A >/dev/null
vios mkvdev --lpar lp2 --vdev lun/ivg.img --readonly --dev lp2_ivg $A >/dev/null
ok "one IVG disk mapped read-only to two partitions"
vios mkvdev --lpar lp1 --vdev lun/data1.img --scsi-id 5 --lun 2 --dev lp1_data $A >/dev/null
vios mkvdev --lpar lp2 --vdev lun/data2.img --scsi-id 5 --lun 2 --dev lp2_data $A >/dev/null
ok "SCSI ID 5, LUN 2 in two partitions"

before=$(sums hostA/vios.json san/san.json)
expect_fail 5 "already mapped read-write to partition lp1 as lp1_data" \
	vios mkvdev --lpar lp2 --vdev lun/data1.img $A
expect_fail 5 "already mapped read-write to partition lp1 as lp1_data" \
	vios mkvdev --lpar lp3 --vdev lun/data1.img --readonly $A
expect_fail 5 "already mapped read-only to partition lp1" \
	vios mkvdev --lpar lp3 --vdev lun/ivg.img $A
expect_fail 5 "already has SCSI ID 5, LUN 2" \
	vios mkvdev --lpar lp1 --vdev lun/data3.img --scsi-id 5 --lun 2 $A
expect_fail 5 "already mapped to partition lp1 as lp1_ivg" \
	vios mkvdev --lpar lp1 --vdev lun/ivg.img --readonly $A
expect_fail 5 "blank.img: cannot identify" vios mkvdev --lpar lp3 --vdev lun/blank.img $A
lblank=$(loop_file lun/blank.img)
expect_fail 5 "$lblank: cannot identify" vios mkvdev --lpar lp3 --vdev "$lblank" $A
expect_fail 5 "not a block device or image file" vios mkvdev --lpar lp3 --vdev /dev/null $A
expect_fail 5 "partition nope does not exist" vios mkvdev --lpar nope --vdev lun/data3.img $A
# The same LUN through a loop device is the same LUN.
ld1=$(loop_file lun/data1.img)
expect_fail 5 "already mapped read-write to partition lp1" vios mkvdev --lpar lp3 --vdev "$ld1" $A
[ "$(sums hostA/vios.json san/san.json)" = "$before" ] || die "a refusal wrote the state"
ok "refusals wrote nothing"

vios lsmap --all $A >lsmap.txt
grep -q "^vhost0 " lsmap.txt && grep -q "^VTD  *lp1_root" lsmap.txt || die "lsmap text: $(cat lsmap.txt)"
grep -q "Identity  *pv:" lsmap.txt || die "lsmap shows no PV identity"
vios lsmap --lpar lp1 --reportformat json $A >lsmap.json
jq -e '.lsmap | length == 1' lsmap.json >/dev/null || die "lsmap --lpar lp1: $(cat lsmap.json)"
jq -e --arg u "$uuid" '.lsmap[0].vtds[] | select(.vtd == "lp1_root") | .pv_uuid == $u and .status == "Available" and .mode == "rw"' \
	lsmap.json >/dev/null || die "lp1_root in JSON: $(cat lsmap.json)"
jq -e '.lsmap[0].vtds[] | select(.vtd == "lp1_data") | .scsi_id == 5 and .lun == 2' lsmap.json >/dev/null ||
	die "lp1_data SCSI ID/LUN"
jq -e --arg u "$ivguuid" '.lsmap[0].vtds[] | select(.vtd == "lp1_ivg") | .pv_uuid == $u and .mode == "ro"' \
	lsmap.json >/dev/null || die "the IVG disk is not known by its PV UUID"
ok "lsmap (text, JSON): adapters, SCSI IDs, LUNs, identities"

# ---- many parallel mkvdev calls, none lost ----
N=20
for i in $(seq $N); do
	truncate -s 2M "lun/par$i.img"
	head -c 512 /dev/urandom | dd of="lun/par$i.img" conv=notrunc status=none
done
start=$(date +%s%N)
for i in $(seq $N); do
	vios mkvdev --lpar lp3 --vdev "lun/par$i.img" $A >"par$i.out" 2>&1 &
done
wait
for i in $(seq $N); do grep -q Available "par$i.out" || die "parallel mkvdev $i: $(cat "par$i.out")"; done
vios lsmap --lpar lp3 --reportformat json $A >par.json
[ "$(jq '.lsmap[0].vtds | length' par.json)" = $N ] || die "lost mappings: $(jq '.lsmap[0].vtds | length' par.json) of $N"
[ "$(jq '[.lsmap[0].vtds[].scsi_id] | unique | length' par.json)" = $N ] || die "SCSI IDs given twice"
[ "$(jq '[.lsmap[0].vtds[].vtd] | unique | length' par.json)" = $N ] || die "VTD names given twice"
ok "$N parallel mkvdev: none lost, distinct SCSI IDs and names ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
ls hostA/.vios.json.* 2>/dev/null && die "temporary state files left behind"
vios rmvdev --dev vtscsi0 $A >/dev/null
expect_fail 5 "virtual target device vtscsi0 does not exist" vios rmvdev --dev vtscsi0 $A
vios rmlpar lp3 $A >/dev/null
vios lsmap --all --reportformat json $A | jq -e '[.lsmap[].vtds[].vtd | select(startswith("vtscsi"))] | length == 0' >/dev/null ||
	die "rmlpar left its mappings"
vios mklpar lp3 $A >/dev/null

# ---- boot lists, boot order (stand-in QEMU) ----
vios chlpar lp1 --boot-type install --list install=lp1_ivg,lp1_root --list rootvg=0 $A
expect_fail 5 "partition lp1 has nothing at SCSI ID 9, LUN 0" vios chlpar lp1 --list primary=9:0 $A
vios lslpar lp1 --reportformat json $A | jq -e '.lslpar[0].lists.rootvg == ["lp1_root"]' >/dev/null ||
	die "a list entry by SCSI ID"
expect_fail 5 "no virtual target device lp2_ivg in partition lp1" \
	vios chlpar lp1 --list normal=lp2_ivg $A
vios lslpar lp1 --reportformat json $A | jq -e '.lslpar[0].boot_type == "install" and .lslpar[0].lists.install == ["lp1_ivg","lp1_root"]' >/dev/null ||
	die "lslpar"
vios boot lp1 $A >boot.out || die "boot: $(cat boot.out)"
grep -q "boot order: lp1_ivg@0:0 lp1_root@1:0\|boot order: lp1_ivg@1:0 lp1_root@0:0" boot.out || die "boot order: $(cat boot.out)"
grep -q -- "-accel" qemu.args && grep -qx tcg qemu.args || die "not TCG"
grep -q "drive=vd[0-9],scsi-id=5,lun=2,serial=lp1_data$" qemu.args || die "data LUN: $(grep scsi-hd qemu.args)"
grep -q "scsi-id=[0-9]*,lun=0,serial=lp1_ivg,bootindex=1$" qemu.args || die "boot device: $(grep scsi-hd qemu.args)"
grep -q "serial=lp1_root,bootindex=2$" qemu.args || die "second boot device"
grep -q "file=$T/lun/ivg.img,readonly=on" qemu.args || die "read-only drive: $(grep -- 'if=none' qemu.args)"
[ "$(grep -c '^virtio-scsi-pci,id=vscsi' qemu.args)" = 3 ] || die "one virtio-scsi adapter per mapping"
grep -q "^install lp1_ivg@" hostA/run/lp1.bootinfo || die "bootinfo: $(cat hostA/run/lp1.bootinfo)"
vios lsmap --lpar lp1 $A | grep -q "lp1 (Running)" || die "lp1 not shown running"
expect_fail 5 "partition lp1 is already running" vios boot lp1 $A
expect_fail 5 "partition lp1 is running" vios rmlpar lp1 $A
ok "boot: install list as firmware order, data LUN beside it, one adapter per mapping"
vios dumpxml lp1 $A >lp1.xml || die "dumpxml"
grep -q "<address type='drive' controller='[0-9]' bus='0' target='5' unit='2'/>" lp1.xml || die "dumpxml: $(cat lp1.xml)"
[ "$(grep -c '<readonly/>' lp1.xml)" = 1 ] && grep -q "<boot order='2'/>" lp1.xml || die "dumpxml: $(cat lp1.xml)"
command -v virt-xml-validate >/dev/null || die "no virt-xml-validate (package libvirt-clients: make deps)"
virt-xml-validate lp1.xml domain >/dev/null 2>&1 || die "virt-xml-validate: $(virt-xml-validate lp1.xml domain 2>&1)"
ok "dumpxml: a libvirt domain that virt-xml-validate accepts"

# ---- two hosts on one SAN ----
vios mklpar lp1b $B >/dev/null
before=$(sums san/san.json)
expect_fail 5 "mapped read-write to partition lp1 on host .* and that partition is running" \
	vios mkvdev --lpar lp1b --vdev lun/data1.img $B
expect_fail 5 "mapped read-only to partition lp1 on host .* running" \
	vios mkvdev --lpar lp1b --vdev lun/ivg.img $B
[ "$(sums san/san.json)" = "$before" ] || die "a refusal wrote the SAN registry"
vios mkvdev --lpar lp1b --vdev lun/ivg.img --readonly $B >/dev/null
ok "host B: read-only sharing allowed while host A runs"
vios shutdown lp1 --timeout 1 $A >/dev/null 2>&1 || die "shutdown"
vios lsmap --lpar lp1 $A | grep -q "lp1 (Not Activated)" || die "lp1 still running"
vios mkvdev --lpar lp1b --vdev lun/data1.img --scsi-id 5 --lun 2 --dev lp1b_data $B >/dev/null
ok "host B: read-write mapping allowed once host A's partition is shut down"
vios boot lp1b $B >/dev/null
expect_fail 5 "cannot boot lp1: .* partition lp1b on host .* running" vios boot lp1 $A
vios rmvdev --dev lp1_data $A >/dev/null
expect_fail 5 "partition lp1b on host .* running" vios mkvdev --lpar lp3 --vdev lun/data1.img $A
vios shutdown lp1b --timeout 1 $B >/dev/null 2>&1
vios rmlpar lp1b $B >/dev/null
vios mkvdev --lpar lp3 --vdev lun/data1.img $A >/dev/null
ok "host A: boot refused while host B runs the LUN; allowed again once B's mapping is removed"

# ---- SAN reconfiguration: other loop devices, other paths ----
ld3=$(loop_file lun/data3.img)
vios mkvdev --lpar lp2 --vdev "$ld3" --dev lp2_loop $A >/dev/null
for l in "$lpv" "$ld3" "$ld1" "$lblank"; do losetup -d "$l" 2>/dev/null || true; done
mv lun lun2
spare=$(loop_file lun2/blank.img)   # the next loops get other numbers
n3=$(loop_file lun2/data3.img)
npv=$(loop_file lun2/pv.img)
vios lsmap --all --search "$T/lun2" --reportformat json $A >re.json
jq -e --arg p "$npv" '.lsmap[].vtds[] | select(.vtd == "lp1_root") | .status == "Available" and .backing_device == $p' re.json >/dev/null ||
	die "PV not found again on $npv: $(jq -c '.lsmap[].vtds[] | select(.vtd == "lp1_root")' re.json)"
jq -e --arg p "$n3" '.lsmap[].vtds[] | select(.vtd == "lp2_loop") | .status == "Available" and .backing_device == $p' re.json >/dev/null ||
	die "data3 not found again on $n3"
jq -e --arg p "$T/lun2/ivg.img" '.lsmap[].vtds[] | select(.vtd == "lp1_ivg") | .backing_device == $p' re.json >/dev/null ||
	die "ivg.img not found in lun2"
jq -e '[.lsmap[].vtds[] | select(.status != "Available")] | length == 0' re.json >/dev/null ||
	die "not all found: $(jq -c '[.lsmap[].vtds[] | select(.status != "Available") | .vtd]' re.json)"
ok "after the SAN reconfiguration every LUN is found again ($npv, $n3, lun2/)"
vios lsmap --lpar lp1 $A | grep -q "Status  *Defined" || die "ivg.img outside the search path should be Defined"
vios boot lp1 --search "$T/lun2" $A >/dev/null || die "boot after reconfiguration"
grep -q "file=$npv$" qemu.args || die "boot did not use $npv: $(grep -- 'if=none' qemu.args)"
vios shutdown lp1 --force $A >/dev/null
vios lsmap --lpar lp1 $A | grep -q "Status  *Defined" &&
	die "boot should have recorded where the LUNs are now"
ok "boot finds the LUNs again and records where they are"

# ---- boot --wait returns when the machine ends, and clears its state ----
FAKE_SLEEP=1 vios boot lp2 --wait --search "$T/lun2" $A >wait.out || die "boot --wait: $(cat wait.out)"
grep -q "Partition lp2 stopped" wait.out || die "boot --wait: $(cat wait.out)"
jq -e '.lpars[] | select(.name == "lp2") | .run.pid == 0' hostA/vios.json >/dev/null || die "run record kept"
ok "boot --wait"

# ---- migrate (stand-in QEMU) ----
vios mklpar other --state "$T/hostC" --san "$T/san-elsewhere" >/dev/null
expect_fail 5 "do not share a SAN registry" vios migrate lp2 --to "$T/hostC" --validate --state "$T/hostA"
vios mklpar lp2 $B >/dev/null
expect_fail 5 "has a partition lp2 already" vios migrate lp2 --to "$T/hostB" --validate $A
vios rmlpar lp2 $B >/dev/null
vios boot lp2 --search "$T/lun2" $A >/dev/null
before=$(vios lsmap --lpar lp2 --search "$T/lun2" --reportformat json $A | jq -c '[.lsmap[0].vtds[] | {vtd, scsi_id, lun, mode, identity}]')
vios migrate lp2 --to "$T/hostB" --validate --search "$T/lun2" $A | grep -q "can move" || die "validate"
vios lsmap --lpar lp2 $A | grep -q "lp2 (Running)" || die "validate changed something"
vios migrate lp2 --to "$T/hostB" --timeout 1 --search "$T/lun2" $A >mig.out 2>&1 || die "migrate: $(cat mig.out)"
after=$(vios lsmap --lpar lp2 --search "$T/lun2" --reportformat json $B | jq -c '[.lsmap[0].vtds[] | {vtd, scsi_id, lun, mode, identity}]')
[ "$before" = "$after" ] || die "mappings differ after the move: $before / $after"
vios lsmap --lpar lp2 $B | grep -q "lp2 (Running)" || die "lp2 not booted on B"
expect_fail 5 "partition lp2 does not exist" vios lsmap --lpar lp2 $A
ok "migrate: shut down on A, the same mappings on B, booted there"
vios shutdown lp2 --force $B >/dev/null
