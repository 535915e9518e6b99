#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vios on libvirt with a SAN and two hosts of the test's own
# (tests/san.bash): tgtd serves image files as iSCSI LUNs with distinct
# WWNs; hosts A and B are libvirtd, virtlogd and virtlockd in mount
# namespaces of their own, sharing one lockspace. The partitions' LUNs
# are tiny boot sectors that print "BOOTED-FROM-<name>" on COM1, then echo
# what the console sends with its case swapped, so that a boot, the
# console and a live migration show in seconds under TCG. Shown:
#  - partitions are persistent libvirt domains: virsh lists them, and
#    their XML has the LUNs at their SCSI ID and LUN, read-only LUNs
#    readonly and shareable, a lease keyed by the WWN for the read-write
#    one, vios's metadata;
#  - LUNs are known by WWN (VPD page 0x83 through libiscsi, as tgtd sets
#    it) and PV UUID (an IVG disk: lvm2 says the same); lsmap in text and
#    JSON (no escaped '/');
#  - SeaBIOS boots the first device of the boot list the boot type (or
#    --mode) picks; lslpar names the console log; vios console talks to
#    the guest;
#  - two partitions run from one read-only LUN at once (one of them
#    started with virsh start);
#  - a read-write LUN: mkvdev on host B refuses it while a partition of
#    host A maps it, running or not; a domain defined with virsh with its
#    lease cannot start on either host while the partition runs;
#  - a LUN renumbered on the target is found again by WWN (lsmap, boot);
#  - cold migration A -> B, live migration B -> A; then host B cannot
#    start the LUN read-write;
#  - parallel mkvdev lose nothing; bad input defines nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../san.bash"
command -v jq >/dev/null || { echo "needs jq"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "needs qemu-system-x86_64"; exit 77; }
cd "$T"
t_all=$SECONDS

# A boot sector: print "BOOTED-FROM-$2" on COM1, then echo every byte
# the serial port receives with bit 5 flipped (case swapped):
#   xor ax,ax; mov ds,ax; cld; mov si,msg; mov dx,0x3f8
#   p: lodsb; test al,al; jz e; out dx,al; jmp p
#   e: mov dx,0x3fd; w: in al,dx; test al,1; jz w
#      mov dx,0x3f8; in al,dx; xor al,0x20; out dx,al; jmp e
bootsector() {
	truncate -s 8M "$1"
	{
		printf '\x31\xc0\x8e\xd8\xfc\xbe\x24\x7c\xba\xf8\x03\xac\x84\xc0\x74\x03\xee\xeb\xf8'
		printf '\xba\xfd\x03\xec\xa8\x01\x74\xfb\xba\xf8\x03\xec\x34\x20\xee\xeb\xef'
		printf 'BOOTED-FROM-%s\r\n\0' "$2"
	} | dd of="$1" conv=notrunc status=none
	printf '\x55\xaa' | dd of="$1" bs=1 seek=510 conv=notrunc status=none
}

A() { vios "$@" -c "$URI_A"; }
B() { vios "$@" -c "$URI_B"; }
conlog() { host_path "$1" "/var/log/libvirt/qemu/$2-console.log"; }
# await HOST LPAR TEXT: the partition's console log shows TEXT (30 s).
await() {
	local log
	log=$(conlog "$1" "$2")
	for _ in $(seq 150); do
		grep -aq -- "$3" "$log" 2>/dev/null && return 0
		sleep 0.2
	done
	die "no '$3' on $2's console on host $1: $(cat "$log" 2>/dev/null)"
}
# A string as an extended regex matching it alone.
re() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|]/\\&/g'; }
running() { virsh -q -c "$1" list --name | grep -x "$2" >/dev/null; }
# boot_order URI NAME SCSI_ID LUN: the boot order of the disk there in
# the persistent definition ("" for none).
boot_order() {
	virsh -c "$1" dumpxml --inactive "$2" | python3 -c '
import sys, xml.etree.ElementTree as E
for d in E.parse(sys.stdin).getroot().iter("disk"):
    a = d.find("address")
    if a is not None and a.get("target") == sys.argv[1] and a.get("unit") == sys.argv[2]:
        b = d.find("boot")
        print(b.get("order") if b is not None else "")' "$3" "$4"
}
CONLOG_DIR=/var/log/libvirt/qemu

# ---- the SAN and the hosts ----------------------------------------------------
t0=$SECONDS
mkdir lun
bootsector lun/x.img X
bootsector lun/y.img Y
ivgcreate -y --no-boot-image --devices lun/ivg.img --size 300m --bootlv-size 32m \
	--bosfs-size 16m --oppfs-size 16m ivg0 lun/ivg.img >/dev/null || die "ivgcreate"
truncate -s 64m lun/z.img
san_start
san_lun "$T/lun/x.img" ro; UX=$SAN_URL
san_lun "$T/lun/y.img"; UY=$SAN_URL
san_lun "$T/lun/ivg.img" ro; UI=$SAN_URL
san_lun "$T/lun/z.img"; UZ=$SAN_URL
libvirt_host A
libvirt_host B
sha256sum lun/x.img lun/ivg.img >ro.sum
ok "tgtd with 4 LUNs, hosts A and B up ($((SECONDS - t0)) s)"

# ---- partitions are libvirt domains; LUNs known by WWN ---------------------
A mklpar lpa --memory 64m >out || die "mklpar: $(cat out)"
grep -q "Partition lpa defined on host $URI_A (ID 1, vhost0, TCG" out || die "mklpar said: $(cat out)"
A mkvdev --lpar lpa --vdev "$UX" --readonly --scsi-id 0 --dev lpa_x >out
grep -q "lpa_x Available (partition lpa, SCSI ID 0, LUN 0, read-only, wwn ${SAN_WWN[1]})" out ||
	die "mkvdev said: $(cat out)"
A mkvdev --lpar lpa --vdev "$UY" --scsi-id 3 --lun 1 --dev lpa_y >/dev/null
A mkvdev --lpar lpa --vdev "$UI" --readonly --dev lpa_ivg >/dev/null
A chlpar lpa --list normal=lpa_y --list install=0 --boot-type install
virsh -c "$URI_A" list --all --name | grep -qx lpa || die "virsh does not list lpa"
virsh -c "$URI_A" dumpxml lpa >lpa.xml
grep -q "<source protocol='iscsi' name='$SAN_IQN/2'>" lpa.xml || die "no iSCSI source: $(cat lpa.xml)"
grep -q "<address type='drive' controller='0' bus='0' target='3' unit='1'/>" lpa.xml ||
	die "lpa_y is not at SCSI ID 3, LUN 1"
[ "$(grep -c '<readonly/>' lpa.xml)" = 2 ] && [ "$(grep -c '<shareable/>' lpa.xml)" = 2 ] ||
	die "not two read-only shareable disks"
grep -q "<key>${SAN_WWN[2]}</key>" lpa.xml && [ "$(grep -c '<lease>' lpa.xml)" = 1 ] ||
	die "no lease keyed by the read-write LUN's WWN: $(grep -A4 '<lease>' lpa.xml)"
[ -f "$T/lockspace/${SAN_WWN[2]}" ] || die "no lease resource file"
grep -q 'xmlns:vios="https://ivg.dev/xmlns/vios/1"' lpa.xml || die "no vios metadata"
ok "lpa is a libvirt domain: iSCSI disks at their SCSI IDs and LUNs, read-only shareable, one lease keyed by WWN"

pl=$(loop_pv lun/ivg.img)
lvm_filter "$pl"
pv=$(lvmq pvs --noheadings -o pv_uuid "$pl" 2>/dev/null | tr -d ' ')
[ -n "$pv" ] || die "lvm2 sees no PV on the IVG disk"
A lsmap --lpar lpa >map.txt
for n in 1 2 3; do grep -q "^WWN *${SAN_WWN[$n]}$" map.txt || die "lsmap lacks WWN ${SAN_WWN[$n]}"; done
grep -q "^PV UUID *$pv$" map.txt || die "lsmap lacks PV UUID $pv: $(cat map.txt)"
A lsmap --lpar lpa --reportformat json >map.json
grep -q '\\/' map.json && die "escaped slashes in the JSON"
jq -e --arg w "${SAN_WWN[3]}" --arg pv "$pv" --arg u "$UI" '.lsmap[0].vtds[] |
	select(.vtd == "lpa_ivg") | .wwn == $w and .pv_uuid == $pv and .backing_device == $u and
	.status == "Available" and .mode == "ro"' map.json >/dev/null || die "lsmap JSON: $(cat map.json)"
jq -e '[.lsmap[0].vtds[].vtd] == ["lpa_x", "lpa_ivg", "lpa_y"]' map.json >/dev/null ||
	die "lsmap JSON not in SCSI ID order"
ok "lsmap shows every LUN's WWN (as tgtd set it) and the IVG disk's PV UUID (as lvm2 says), text and JSON"

# ---- boot, boot list, console --------------------------------------------------
t0=$SECONDS
A boot lpa >out || die "boot: $(cat out)"
grep -q "booted (install, 3 disks, boot order: lpa_x@0:0)" out || die "boot said: $(cat out)"
await A lpa BOOTED-FROM-X
A lslpar lpa | grep -q "^Console log *$CONLOG_DIR/lpa-console.log$" ||
	die "lslpar does not name the console log"
A lslpar --reportformat json | jq -e '.lslpar[0] | .state == "Running" and .boot_type == "install"' \
	>/dev/null || die "lslpar JSON"
# The SMBIOS UUID an IVG machine entry names: the domain's own UUID.
u=$(virsh -c "$URI_A" domuuid lpa | head -1)
[ -n "$u" ] && A lslpar lpa | grep -q "^SMBIOS UUID *$u$" &&
	[ "$(A lslpar --reportformat json | jq -r '.lslpar[] | select(.name == "lpa") | .smbios_uuid')" = "$u" ] ||
	die "lslpar's SMBIOS UUID is not the domain's ($u): $(A lslpar lpa | grep SMBIOS)"
(sleep 1; printf 'ping'; sleep 2) | timeout 8 vios console lpa -c "$URI_A" >con.out || true
grep -aq PING con.out || die "vios console: no echo from the guest: $(od -c con.out | head)"
ok "install boot from the install list (lpa_x), console log named by lslpar, vios console talks to the guest ($((SECONDS - t0)) s)"
A shutdown lpa --force >/dev/null
: >"$(conlog A lpa)"
A boot lpa --mode normal >/dev/null
await A lpa BOOTED-FROM-Y
[ "$(boot_order "$URI_A" lpa 0 0)" = 1 ] && [ -z "$(boot_order "$URI_A" lpa 3 1)" ] ||
	die "the persistent definition lost the install boot order"
ok "--mode normal boots the normal list (lpa_y) once; the definition keeps the install order"

# ---- two partitions from one read-only LUN -------------------------------------
A mklpar lpb --memory 64m >/dev/null
A mkvdev --lpar lpb --vdev "$UX" --readonly --dev lpb_x >/dev/null
A chlpar lpb --list normal=lpb_x
virsh -q -c "$URI_A" start lpb >/dev/null || die "virsh start lpb"
await A lpb BOOTED-FROM-X
running "$URI_A" lpa && running "$URI_A" lpb || die "lpa and lpb do not both run"
ok "lpa and lpb run at once, lpb (started with virsh start) from the read-only LUN lpa maps too"

# ---- read-write exclusivity ----------------------------------------------------
B mklpar lpz --memory 64m >/dev/null
expect_fail 5 "${SAN_WWN[2]} is mapped read-write to partition lpa on host $(re "$URI_A") \\(lpa_y\\)" \
	B mkvdev --lpar lpz --vdev "$UY" --peer "$URI_A"
expect_fail 5 "is mapped read-only to partition lp[ab] on host $(re "$URI_A") .*must be its only one" \
	B mkvdev --lpar lpz --vdev "$UX" --peer "$URI_A"
# A domain of virsh's with lpa_y's LUN (now LUN $1) and its lease. (The
# lease is taken when QEMU is up: the LUN must be there.)
intruder() {
	cat >intruder.xml <<-XML
	<domain type='qemu'><name>intruder</name><uuid>$INTRUDER_UUID</uuid><memory unit='MiB'>32</memory>
	<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
	<controller type='scsi' index='0' model='virtio-scsi'/>
	<disk type='network' device='disk'><driver name='qemu' type='raw'/>
	<source protocol='iscsi' name='$SAN_IQN/$1'><host name='127.0.0.1' port='$SAN_PORT'/></source>
	<target dev='sda' bus='scsi'/></disk>
	<lease><lockspace>lockspace</lockspace><key>${SAN_WWN[2]}</key><target path='$T'/></lease>
	</devices></domain>
	XML
	virsh -q -c "$URI_B" define intruder.xml >/dev/null
	virsh -q -c "$URI_A" define intruder.xml >/dev/null
}
INTRUDER_UUID=$(cat /proc/sys/kernel/random/uuid)
intruder 2
for h in "$URI_B" "$URI_A"; do
	expect_fail 1 "resource busy: Lockspace resource '${SAN_WWN[2]}' is locked" \
		virsh -q -c "$h" start intruder
done
ok "host B's read-write mapping of lpa's LUN is refused; a virsh domain with its lease cannot start on A or B"

# ---- a SAN reconfiguration: the LUN renumbered ----------------------------------
A shutdown lpa --force >/dev/null
A shutdown lpb --force >/dev/null
expect_fail 5 "${SAN_WWN[2]} is mapped read-write to partition lpa on host $(re "$URI_A")" \
	B mkvdev --lpar lpz --vdev "$UY" --peer "$URI_A"
san_renumber 2 7
intruder 7
A lsmap --lpar lpa >map.txt
grep -q "^Backing device *iscsi://127.0.0.1:$SAN_PORT/$SAN_IQN/7 (recorded at $UY)$" map.txt ||
	die "lsmap does not find the renumbered LUN: $(cat map.txt)"
: >"$(conlog A lpa)"
A chlpar lpa --boot-type normal
A boot lpa >out || die "boot after renumbering: $(cat out)"
grep -q "lpa_y: the LUN is at iscsi://127.0.0.1:$SAN_PORT/$SAN_IQN/7 now" out || die "boot said: $(cat out)"
await A lpa BOOTED-FROM-Y
virsh -c "$URI_A" dumpxml lpa | grep -q "name='$SAN_IQN/7'" || die "the definition does not follow the LUN"
ok "the read-write LUN renumbered on the target (2 -> 7): lsmap and boot find it by WWN, the definition follows"

# ---- cold migration A -> B, live migration B -> A --------------------------------
t0=$SECONDS
A migrate lpa --to "$URI_B" --validate | grep -q "can move to host $URI_B" || die "migrate --validate"
A migrate lpa --to "$URI_B" --timeout 2 --force >out || die "migrate: $(cat out)"
running "$URI_B" lpa || die "lpa does not run on B"
virsh -q -c "$URI_A" list --all --name | grep -qx lpa && die "lpa is still defined on A"
await B lpa BOOTED-FROM-Y
ok "cold migration: lpa defined on B, shut down on A, booted on B from the same LUNs ($((SECONDS - t0)) s)"
expect_fail 1 "resource busy: Lockspace resource '${SAN_WWN[2]}' is locked" \
	virsh -q -c "$URI_A" start intruder
t0=$SECONDS
# The migration stream on loopback, named: the host name need not resolve.
B migrate lpa --to "$URI_A" --live --migrate-uri "tcp://127.0.0.1:$(free_port)" >out || die "migrate --live: $(cat out)"
running "$URI_A" lpa && ! running "$URI_B" lpa || die "lpa is not on A alone after the live migration"
(sleep 1; printf 'live'; sleep 2) | timeout 8 vios console lpa -c "$URI_A" >con.out || true
grep -aq LIVE con.out || die "the migrated guest does not answer on A: $(od -c con.out | head)"
expect_fail 1 "resource busy: Lockspace resource '${SAN_WWN[2]}' is locked" \
	virsh -q -c "$URI_B" start intruder
ok "live migration B -> A: the same guest answers on A; host B cannot start the LUN read-write ($((SECONDS - t0)) s)"

# ---- parallel mappings, bad input ------------------------------------------------
A mklpar lpq --memory 64m >/dev/null
for i in 1 2 3 4 5 6; do bootsector "lun/p$i.img" "P$i"; done
pids=""
for i in 1 2 3 4 5 6; do
	A mkvdev --lpar lpq --vdev "lun/p$i.img" --dev "lpq_$i" >"p$i.out" 2>&1 &
	pids="$pids $!"
done
# (Not a bare wait: the hosts' daemons are this shell's jobs too.)
for p in $pids; do wait "$p" || die "mkvdev: $(cat p*.out)"; done
[ "$(A lsmap --lpar lpq --reportformat json | jq '.lsmap[0].vtds | length')" = 6 ] ||
	die "parallel mkvdev lost mappings: $(cat p*.out)"
ok "six mkvdev at once: six mappings"

virsh -c "$URI_A" list --all --name | sort >before
expect_fail 3 "invalid partition name" A mklpar bad/name
expect_fail 5 "host $(re "$URI_A") has a domain lpa already" A mklpar lpa
expect_fail 3 "--scsi-id: want a number from 0 to 255" A mkvdev --lpar lpq --vdev "$UZ" --scsi-id 256
expect_fail 3 "the LUN is not a number from 0 to 16383" A mkvdev --lpar lpq --vdev "iscsi://127.0.0.1/$SAN_IQN/x"
expect_fail 5 "target $SAN_IQN has no LUN 99" A mkvdev --lpar lpq --vdev "iscsi://127.0.0.1:$SAN_PORT/$SAN_IQN/99"
expect_fail 5 "cannot log in" A mkvdev --lpar lpq --vdev "iscsi://127.0.0.1:$SAN_PORT/iqn.2026-12.org.nowhere:none/1"
expect_fail 5 "partition nosuch does not exist on host" A mkvdev --lpar nosuch --vdev "$UZ"
expect_fail 5 "SCSI ID 3, LUN 1 already" A mkvdev --lpar lpa --vdev "$UZ" --scsi-id 3 --lun 1
expect_fail 5 "maps wwn ${SAN_WWN[1]} already, as lpa_x" A mkvdev --lpar lpa --vdev "$UX" --readonly --scsi-id 9
expect_fail 5 "partition lpa is running on host $(re "$URI_A"): shut it down first" A rmlpar lpa
expect_fail 5 "lpa_y: partition lpa is running" A rmvdev --dev lpa_y
expect_fail 5 "partition lpa is running on host $(re "$URI_A") already" A boot lpa
expect_fail 5 "is host $(re "$URI_A") itself" A migrate lpa --to "$URI_A"
expect_fail 5 "domain intruder on host $(re "$URI_A") is not a vios partition" A lslpar intruder
expect_fail 3 "unknown subcommand" vios frobnicate
virsh -c "$URI_A" list --all --name | sort | cmp -s - before || die "bad input changed the domains"
sha256sum -c --quiet ro.sum || die "a read-only LUN changed"
ok "bad input: exit 3 or 5 naming what is wrong, no domain defined or removed, the read-only LUNs unchanged"
echo "total $((SECONDS - t_all)) s"
