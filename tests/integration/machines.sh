#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# ivgmachine on image files: machine entries added (by SMBIOS UUID, MAC
# and iSCSI initiator name; install, maintenance, recover), listed
# (basic and JSON, the JSON fields as given), replaced only with
# --replace, removed; bad entries, a missing BOS or OPP refused with the
# IVG byte-identical. ivgmachine find against a fake sysfs tree: the
# entry by SMBIOS UUID or MAC, its targets resolved (WWN, serial); no
# entry, two entries, a target no disk shows refused. Then ivgmachine add --replace and rm stopped at
# every device write and sync (IVG_TEST_FAULT: every point crashed, every
# third failed; every one with IVG_SLOW=1): a reader
# sees the old entry or the new one, whole, never a broken one, and the
# next write completes. Judged by stock lvm2 (vgck clean) and e2fsck -fn
# of bosfs.
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
cd "$T"
D="--devices d0.img"
U1=4c4c4544-0042-3510-8051-b4c04f4d3432
U2=52540012-3456-7890-abcd-ef0123456789

truncate -s 200m d0.img
ivgcreate -y --no-boot-image $D --size 200m --bootlv-size 8m --bosfs-size 16m --oppfs-size 8m \
	ivg0 d0.img >/dev/null || die "ivgcreate"
# A BOS for the install entries: bosadd wants a kernel in the archive.
mkdir -p bos/boot && echo k >bos/boot/vmlinuz-6.1.0-test && echo i >bos/boot/initrd.img-6.1.0-test
tar -C bos -czf bos.tar.gz . && bosadd $D ivg0 tbos bos.tar.gz >/dev/null || die "bosadd"
# Two plain OPPs for the entries' --opp.
for p in mytool:1.2 libopp:1.0; do
	mkdir -p "opp-${p%:*}/opt/${p%:*}" && echo payload >"opp-${p%:*}/opt/${p%:*}/README"
	printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nDescription: a plain OPP\n' "${p%:*}" "${p#*:}" >"opp-${p%:*}/opp.control"
	(cd "opp-${p%:*}" && tar czf "../${p%:*}.opp" opp.control opt)
done
oppadd $D ivg0 mytool.opp libopp.opp >/dev/null || die "oppadd"

# --- add, ls, json ---------------------------------------------------------
ivgmachine add $D ivg0 web1 --id "uuid=${U1^^}" --action install --bos tbos --opp mytool,libopp=1.0 \
	--target wwn-0x600a098038303053453f463045727a6b,iscsi://10.0.0.1:3260/iqn.2020-01.com.example:tgt/3 \
	--then reboot >add.out || die "add web1: $(cat add.out)"
grep -q "Machine web1 (uuid=$U1, install) defined in volume group \"ivg0\"" add.out || die "add web1 said: $(cat add.out)"
ivgmachine add $D ivg0 db2 --id mac=52-54-00-AB-CD-EF --action maintenance >/dev/null || die "add db2"
ivgmachine add $D ivg0 app3 --id iqn=iqn.2020-01.com.example:app3 --action recover \
	--target serial-QM00001,scsi:0:1 --then poweroff >/dev/null || die "add app3"
ivgmachine ls $D ivg0 >ls.out 2>&1 || die "ls: $(cat ls.out)"
[ "$(awk 'NR > 1 {print $1}' ls.out | tr '\n' ' ')" = "app3 db2 web1 " ] || die "ls lists: $(cat ls.out)"
grep -Eq "^  web1 +uuid=$U1 +install +tbos +reboot +mytool,libopp=1.0 +wwn-0x600a" ls.out || die "ls web1: $(cat ls.out)"
ok "ivgmachine add (uuid, mac, iqn) and ls: $(awk 'NR > 1 {printf "%s ", $1}' ls.out)"

ivgmachine ls $D --reportformat json ivg0 >ls.json || die "ls json"
jq -e --arg u "uuid=$U1" '.report[0].machine | length == 3 and
	(.[2] | .vg_name == "ivg0" and .machine_name == "web1" and .machine_id == $u
	 and .machine_action == "install" and .machine_bos == "tbos"
	 and .machine_opps == "mytool,libopp=1.0"
	 and .machine_targets == "wwn-0x600a098038303053453f463045727a6b,iscsi://10.0.0.1:3260/iqn.2020-01.com.example:tgt/3"
	 and .machine_then == "reboot" and (.machine_added | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z$")))
	and (.[1] | .machine_id == "mac=52:54:00:ab:cd:ef" and .machine_action == "maintenance"
	 and .machine_then == "" and .machine_targets == "")
	and (.[0] | .machine_id == "iqn=iqn.2020-01.com.example:app3" and .machine_action == "recover"
	 and .machine_targets == "serial-QM00001,scsi:0:1" and .machine_then == "poweroff")' ls.json >/dev/null ||
	die "ls json: $(cat ls.json)"
ok "ivgmachine ls --reportformat json: every field as given (UUID and MAC normalised to lower case)"

# --- refusals: nothing written -----------------------------------------------
sums d0.img >before.sum
expect_fail 5 'machine web1 is defined already in volume group "ivg0" \(--replace changes it\)' \
	ivgmachine add $D ivg0 web1 --id mac=52:54:00:00:00:01 --action maintenance
expect_fail 5 'machine m9: BOS "nosuch" not found in volume group "ivg0"' \
	ivgmachine add $D ivg0 m9 --id "uuid=$U2" --action install --bos nosuch --target wwn-0x5000c5
expect_fail 5 'machine m9: OPP libopp=2.0 is not in install volume group "ivg0"' \
	ivgmachine add $D ivg0 m9 --id "uuid=$U2" --action install --bos tbos --opp mytool,libopp=2.0 --target wwn-0x5000c5
expect_fail 3 'target "sdb"' ivgmachine add $D ivg0 m9 --id "uuid=$U2" --action install --bos tbos --target sdb
expect_fail 3 'identity "uuid=1234"' ivgmachine add $D ivg0 m9 --id uuid=1234 --action maintenance
expect_fail 3 'action "reinstall"' ivgmachine add $D ivg0 m9 --id "uuid=$U2" --action reinstall
expect_fail 3 'machine m9: --bos and --opp go with --action install' \
	ivgmachine add $D ivg0 m9 --id "uuid=$U2" --action maintenance --opp mytool
expect_fail 5 'machine m9 is not defined in volume group "ivg0"' ivgmachine rm $D ivg0 m9
sums -c --quiet before.sum || die "a refused ivgmachine wrote"
ok "refused entries and a missing one: the IVG byte-identical"

ivgmachine add $D ivg0 db2 --id mac=52:54:00:ab:cd:ef --action recover --target serial-X1 --replace >/dev/null ||
	die "add --replace"
[ "$(ivgmachine ls $D --reportformat json ivg0 | jq -r '.report[0].machine[1] | .machine_action + " " + .machine_targets')" = "recover serial-X1" ] ||
	die "db2 not replaced: $(ivgmachine ls $D ivg0)"
ivgmachine rm $D ivg0 app3 >rm.out || die "rm: $(cat rm.out)"
grep -q 'Machine app3 removed from volume group "ivg0"' rm.out || die "rm said: $(cat rm.out)"
[ "$(ivgmachine ls $D --reportformat json ivg0 | jq -r '[.report[0].machine[].machine_name] | join(" ")')" = "db2 web1" ] ||
	die "after rm: $(ivgmachine ls $D ivg0)"
ok "--replace changes an entry; rm removes one"

# --- find: this machine's entry, from a fake sysfs ----------------------------
mkdir -p sys/class/dmi/id sys/class/net/eth0 sys/class/block/vdb sys/class/block/vdc sys/class/block/sdc/device
echo X1 >sys/class/block/vdc/serial
echo "${U1^^}" >sys/class/dmi/id/product_uuid
echo 52:54:00:00:00:77 >sys/class/net/eth0/address
echo QM00001 >sys/class/block/vdb/serial
expect_fail 5 'machine web1: wwn-0x600a098038303053453f463045727a6b: no disk with that WWN on this machine' \
	ivgmachine find $D --sysfs sys ivg0
echo naa.600A098038303053453F463045727A6B >sys/class/block/sdc/device/wwid
expect_fail 5 'machine web1: iscsi://10\.0\.0\.1:3260/iqn\.2020-01\.com\.example:tgt/3: this machine has no iSCSI session to iqn\.2020-01\.com\.example:tgt at 10\.0\.0\.1:3260' \
	ivgmachine find $D --sysfs sys ivg0
ivgmachine add $D ivg0 web1 --id "uuid=$U1" --action install --bos tbos --opp mytool \
	--target wwn-0x600a098038303053453f463045727a6b,serial-QM00001 --then reboot --replace >/dev/null || die "add web1 again"
ivgmachine find $D --sysfs sys ivg0 >find.out || die "find: $(cat find.out)"
[ "$(cat find.out)" = "machine='web1'
action='install'
bos='tbos'
opp='mytool'
target='/dev/sdc,/dev/vdb'
then='reboot'" ] || die "find said: $(cat find.out)"
echo 00000000-0000-0000-0000-000000000000 >sys/class/dmi/id/product_uuid
echo 52:54:00:AB:CD:EF >sys/class/net/eth0/address
ivgmachine find $D --sysfs sys ivg0 >find.out || die "find by MAC: $(cat find.out)"
grep -qx "machine='db2'" find.out && grep -qx "action='recover'" find.out && grep -qx "target='/dev/vdc'" find.out || die "find by MAC said: $(cat find.out)"
echo 52:54:00:00:00:78 >sys/class/net/eth0/address
expect_fail 5 'no machine of volume group "ivg0" is this one \(uuid=00000000-0000-0000-0000-000000000000, mac=52:54:00:00:00:78\)' \
	ivgmachine find $D --sysfs sys ivg0
ivgmachine add $D ivg0 twin --id mac=52:54:00:00:00:78 --action maintenance >/dev/null || die "add twin"
ivgmachine add $D ivg0 twin2 --id mac=52:54:00:00:00:78 --action maintenance >/dev/null || die "add twin2"
expect_fail 5 'machines twin, twin2 of volume group "ivg0" all are this one .*not guessing' ivgmachine find $D --sysfs sys ivg0
ivgmachine rm $D ivg0 twin >/dev/null && ivgmachine rm $D ivg0 twin2 >/dev/null || die "rm twins"
ok "ivgmachine find: the entry by SMBIOS UUID (targets as this kernel names the disks) or MAC; none, two, or a target no disk shows refused"

# --- lvm2 and e2fsck ---------------------------------------------------------
L=$(loop_pv d0.img)
lvm_filter "$L"
bosfs_loop() {   # a read-only loop device over leg 0 of ivg0/bosfs (raid1)
	local r first last pe_start ext
	r=$(lvmq lvs -a --noheadings -o lv_name,seg_pe_ranges ivg0 2>/dev/null |
		awk '$1 == "[bosfs_rimage_0]" { print $2 }')
	r=${r#*:} first=${r%-*} last=${r#*-}
	pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$L" 2>/dev/null | tr -d ' ')
	ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size ivg0 2>/dev/null | tr -d ' ')
	loop_file -r -o $(($(part_offset d0.img 3) + pe_start + first * ext)) \
		--sizelimit $(((last - first + 1) * ext)) d0.img
}
judge_disk() {   # WHAT
	local out b
	out=$(lvmq vgck ivg0 2>&1) || die "$1: lvm2 vgck failed: $out"
	! echo "$out" | grep WARNING | grep -vq "Activation disabled" || die "$1: lvm2 vgck warns: $out"
	b=$(bosfs_loop)
	e2fsck -fn "$b" >fsck.out 2>&1 || { losetup -d "$b"; die "$1: e2fsck -fn bosfs: $(cat fsck.out)"; }
	losetup -d "$b"
}
judge_disk "after add, replace and rm"
b=$(bosfs_loop)
debugfs -R "ls -l machines" "$b" 2>/dev/null | awk '{print $NF}' | grep json | sort | tr '\n' ' ' >files.out
debugfs -R "cat machines/web1.json" "$b" 2>/dev/null >web1.json
losetup -d "$b"
[ "$(cat files.out)" = "db2.json web1.json " ] || die "bosfs machines/ holds: $(cat files.out)"
[ "$(tail -c1 web1.json | od -An -c | tr -d ' ')" = '\n' ] || die "web1.json does not end in a newline"
jq -e --arg u "uuid=$U1" '.name == "web1" and .id == $u and .action == "install" and .bos == "tbos"
	and .opps == ["mytool"] and .targets == ["wwn-0x600a098038303053453f463045727a6b", "serial-QM00001"] and .then == "reboot"' web1.json >/dev/null ||
	die "machines/web1.json: $(cat web1.json)"
ok "lvm2 vgck clean, e2fsck -fn bosfs clean; bosfs holds machines/db2.json and web1.json, JSON as given"

# --- crashes at every write point ---------------------------------------------
cp --sparse=always d0.img base.img
restore() { cp --sparse=always base.img d0.img; }
points() {
	restore
	IVG_TEST_FAULT=1000000:fail "$@" 2>&1 >/dev/null | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p'
}
# db2 as a reader sees it: "old", "new", "gone", or anything else (broken).
state() {
	local j
	j=$(ivgmachine ls $D --reportformat json ivg0 2>state.err) || { echo "ls-failed: $(cat state.err)"; return; }
	[ -s state.err ] && { echo "warned: $(cat state.err)"; return; }
	j=$(jq -c '[.report[0].machine[] | select(.machine_name == "db2") | [.machine_id, .machine_action, .machine_targets, .machine_then]]' <<<"$j")
	case $j in
	'[["mac=52:54:00:ab:cd:ef","recover","serial-X1",""]]') echo old ;;
	'[["uuid='"$U2"'","install","wwn-0x5000c5,serial-Y2","poweroff"]]') echo new ;;
	'[]') echo gone ;;
	*) echo "broken: $j" ;;
	esac
}
crash_walk() {   # MODE STEP ALLOWED COMMAND...
	local mode=$1 step=$2 allowed=$3 n k s seen="" walked=0
	shift 3
	n=$(points "$@")
	[ -n "$n" ] && [ "$n" -ge 2 ] || die "$*: no write points counted ($n)"
	for ((k = 1; k <= n; k += step)); do
		walked=$((walked + 1))
		restore
		set +e
		IVG_TEST_FAULT=$k:$mode "$@" >/dev/null 2>&1
		set -e
		s=$(state)
		[[ " $allowed " == *" $s "* ]] || die "$* stopped ($mode) at point $k of $n: db2 is $s"
		seen="$seen $s"
		# The next write completes and leaves the disk clean.
		ivgmachine add $D ivg0 z9 --id mac=52:54:00:00:00:09 --action maintenance >next.out 2>&1 ||
			die "after point $k ($mode): the next ivgmachine add failed: $(cat next.out)"
		[ "$(state)" = "$s" ] || die "after point $k ($mode): db2 changed from $s to $(state)"
		judge_disk "$* stopped ($mode) at point $k"
	done
	ok "$1 $2 ... stopped ($mode) at $walked of $n points: db2 seen$(echo "$seen" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -c | awk '{printf " %s %s", $2, $1}'); the next write completes, vgck and e2fsck clean"
}
# Every point crashed; every third failed (all with IVG_SLOW=1).
for mode in exit fail; do
	step=1
	[ $mode = fail ] && [ -z "${IVG_SLOW:-}" ] && step=3
	crash_walk $mode $step "old new" ivgmachine add $D ivg0 db2 --id "uuid=$U2" --action install --bos tbos \
		--target wwn-0x5000c5,serial-Y2 --then poweroff --replace
	crash_walk $mode $step "old gone" ivgmachine rm $D ivg0 db2
done
restore
exit 0
