#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# opt-in: real guest boots under TCG, several minutes
# IVG_SLOW only (make check-slow): vios end to end on libvirt and a SAN
# of the test's own (tests/san.bash, issue 19 item 6). tgtd serves an IVG
# disk (holding the test BOS, tests/vm/mkbos.sh) read-only, and a blank
# LUN for lpa's root; hosts A and B are libvirtd in mount namespaces of
# their own, sharing a lockspace.
#  1. partitions lpa and lpb on host A boot at once from the one IVG LUN
#     (read-only, shareable), SeaBIOS -> GRUB -> the maintenance menu;
#  2. on lpa's console (vios console), the menu's install: the BOS onto
#     lpa's own iSCSI LUN (the one free disk the menu lists); power off;
#     lpa boots from that LUN (boot type normal) and the installed BOS
#     comes up;
#  3. lpa migrates cold to host B and boots there from the same LUN, then
#     live back to A, where the running BOS answers on its console;
#  4. host B cannot then start a domain with that LUN read-write;
#  5. the IVG LUN's image is byte-identical at the end.
. "$(dirname "$0")/../lib.sh"
[ -n "${IVG_SLOW:-}" ] || { echo "runs with IVG_SLOW=1 (make check-slow)"; exit 77; }
. "$(dirname "$0")/../san.bash"
vm_harness_or_skip
command -v grub-mkimage >/dev/null || { echo "no grub-mkimage"; exit 77; }
cd "$T"
export TMPDIR=$T
TMO=${IVG_BOOT_TIMEOUT:-600}
t_all=$SECONDS

uri() { local v="URI_$1"; echo "${!v}"; }
conlog() { host_path "$1" "/var/log/libvirt/qemu/$2-console.log"; }
# mark HOST LPAR: later awaits look only at what the console prints after.
declare -A MARK=()
mark() { MARK[$1$2]=$(stat -c %s "$(conlog "$1" "$2")" 2>/dev/null || echo 0); }
since() { tail -c +"$((${MARK[$1$2]:-0} + 1))" "$(conlog "$1" "$2")" 2>/dev/null; }
# await HOST LPAR REGEX [FAIL-REGEX]: a console line since the mark, within TMO s.
await() {
	for _ in $(seq $((TMO * 2))); do
		since "$1" "$2" | grep -aqE -- "$3" && return 0
		[ -n "${4:-}" ] && since "$1" "$2" | grep -aqE -- "$4" && break
		sleep 0.5
	done
	echo "--- console of $2 on host $1:"
	since "$1" "$2" | tail -40
	die "no '$3' on $2's console on host $1"
}
running() { virsh -q -c "$(uri "$1")" list --name | grep -qx "$2"; }
await_down() {
	for _ in $(seq $((TMO * 2))); do
		running "$1" "$2" || return 0
		sleep 0.5
	done
	die "$2 did not power off on host $1"
}
# A console session (vios console) to partition $2 on host $1; fd 7
# types into it, a line at a time, as a terminal's Enter ends it.
con_open() {
	mkfifo "$T/con.in"
	vios console "$2" -c "$(uri "$1")" <"$T/con.in" >"$T/con.out" 2>&1 &
	CON_PID=$!
	exec 7>"$T/con.in"
}
# A console left open by a failure goes with the rest (then san.bash's
# cleanup: domains, daemons, loops, the directory).
trap 'rc=$?; [ -z "${CON_PID:-}" ] || kill "$CON_PID" 2>/dev/null; (exit $rc); san_cleanup' EXIT INT TERM
con_send() { printf '%s\r' "$1" >&7; }
con_close() {
	exec 7>&-
	kill "$CON_PID" 2>/dev/null
	wait "$CON_PID" 2>/dev/null || true
	CON_PID=""
	rm -f "$T/con.in"
}

# ---- the IVG with the test BOS; the SAN; the hosts ------------------------------
t0=$SECONDS
"$VM/mkbos.sh" bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
# The BOS that stays up answers its console: "IVG-BOS-ECHO <line>".
cp -a bos/tree stay && touch stay/etc/ivg-bos/stay
sed -i 's/while :; do sleep 3600; done/while :; do if read -r l; then echo "IVG-BOS-ECHO $l"; else sleep 1; fi; done/' \
	stay/sbin/init
grep -q IVG-BOS-ECHO stay/sbin/init || die "cannot make the test BOS answer its console"
tar -C stay --numeric-owner -czf stay.tar.gz .
mkdir lun
ivgcreate -y --no-boot-image --devices lun/ivg.img --size 400m --bootlv-size 96m \
	--bosfs-size 64m --oppfs-size 16m ivg0 lun/ivg.img >/dev/null || die "ivgcreate"
bosadd --devices lun/ivg.img ivg0 testbos stay.tar.gz >/dev/null || die "bosadd"
ivgmkboot --devices lun/ivg.img ivg0 >/dev/null || die "ivgmkboot"
sha256sum lun/ivg.img >ivg.sum
truncate -s 1g lun/root.img
san_start
san_lun "$T/lun/ivg.img" ro; UI=$SAN_URL
san_lun "$T/lun/root.img"; UR=$SAN_URL
libvirt_host A
libvirt_host B
ok "the IVG (test BOS, maintenance image) and lpa's root LUN on tgtd, hosts A and B up ($((SECONDS - t0)) s)"

# ---- 1. two partitions at the maintenance menu from one read-only LUN --------
vios mklpar lpa --memory 768m -c "$URI_A" >/dev/null
vios mkvdev --lpar lpa --vdev "$UI" --readonly --scsi-id 0 --dev lpa_ivg -c "$URI_A" >/dev/null
vios mkvdev --lpar lpa --vdev "$UR" --scsi-id 3 --dev lpa_root -c "$URI_A" >/dev/null
vios chlpar lpa --list install=lpa_ivg --list normal=lpa_root --boot-type install -c "$URI_A"
vios mklpar lpb --memory 768m -c "$URI_A" >/dev/null
vios mkvdev --lpar lpb --vdev "$UI" --readonly --dev lpb_ivg -c "$URI_A" >/dev/null
vios chlpar lpb --list install=lpb_ivg --boot-type install -c "$URI_A"
t0=$SECONDS
vios boot lpa -c "$URI_A" >/dev/null
vios boot lpb -c "$URI_A" >/dev/null
await A lpa 'Choice: ' 'Kernel panic'
await A lpb 'Choice: ' 'Kernel panic'
running A lpa && running A lpb || die "lpa and lpb do not both run"
ok "lpa and lpb at the maintenance menu at once, both from the read-only IVG LUN ($((SECONDS - t0)) s)"
vios shutdown lpb --force -c "$URI_A" >/dev/null

# ---- 2. install from the menu, on the console; boot the installed BOS --------
t0=$SECONDS
mark A lpa
con_open A lpa
con_send 1
await A lpa 'BOS to install'
disk=$(since A lpa | tr -d '\r' | sed -n 's|^  \(/dev/sd[a-z]*\)  1024 MiB$|\1|p' | head -1)
[ -n "$disk" ] || die "the menu lists no 1 GiB free disk: $(since A lpa | tail -20)"
con_send testbos
await A lpa 'Target disks'
con_send "$disk"
await A lpa 'OPPs to install with it'
con_send ""
await A lpa "BOS \"testbos\" installed on $disk" 'rc=[1-9]|rror|Kernel panic'
mark A lpa
con_send 5
con_close
await_down A lpa
sha256sum -c --quiet ivg.sum || die "the IVG LUN changed"
ok "install from the menu over vios console: the BOS onto $disk (lpa's root LUN), then power off ($((SECONDS - t0)) s)"
t0=$SECONDS
vios chlpar lpa --boot-type normal -c "$URI_A"
mark A lpa
vios boot lpa -c "$URI_A" >/dev/null
await A lpa 'IVG-BOS-UP' 'IVG-BOS-FAIL|Kernel panic'
since A lpa | grep -aq 'IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv' ||
	die "no marker of the installed BOS"
ok "lpa boots from its root LUN, the installed BOS is up ($((SECONDS - t0)) s)"

# ---- 3. cold to B, live back to A ------------------------------------------------
t0=$SECONDS
vios migrate lpa --to "$URI_B" --validate -c "$URI_A" | grep -q "can move" || die "migrate --validate"
vios migrate lpa --to "$URI_B" --timeout 5 --force -c "$URI_A" >migrate.log 2>&1 ||
	die "migrate: $(cat migrate.log)"
await B lpa 'IVG-BOS-UP' 'IVG-BOS-FAIL|Kernel panic'
since B lpa | grep -aq 'IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv' ||
	die "no marker on host B"
running A lpa && die "lpa still runs on A"
ok "cold migration: lpa boots on host B from the same LUN ($((SECONDS - t0)) s)"
t0=$SECONDS
vios migrate lpa --to "$URI_A" --live -c "$URI_B" >migrate.log 2>&1 || die "migrate --live: $(cat migrate.log)"
running A lpa && ! running B lpa || die "lpa is not on A alone after the live migration"
mark A lpa
con_open A lpa
con_send "alive-after-migration"
await A lpa 'IVG-BOS-ECHO alive-after-migration'
con_close
ok "live migration back to A: the running BOS answers on A ($((SECONDS - t0)) s)"

# ---- 4. the LUN's lease; 5. the IVG LUN unchanged ---------------------------------
cat >intruder.xml <<XML
<domain type='qemu'><name>intruder</name><memory unit='MiB'>32</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<controller type='scsi' index='0' model='virtio-scsi'/>
<disk type='network' device='disk'><driver name='qemu' type='raw'/>
<source protocol='iscsi' name='$SAN_IQN/2'><host name='127.0.0.1' port='$SAN_PORT'/></source>
<target dev='sda' bus='scsi'/></disk>
<lease><lockspace>lockspace</lockspace><key>${SAN_WWN[2]}</key><target path='$T'/></lease>
</devices></domain>
XML
virsh -q -c "$URI_B" define intruder.xml >/dev/null
expect_fail 1 "resource busy: Lockspace resource '${SAN_WWN[2]}' is locked" \
	virsh -q -c "$URI_B" start intruder
vios mklpar lpz -c "$URI_B" >/dev/null
expect_fail 5 "is mapped read-write to partition lpa" vios mkvdev --lpar lpz --vdev "$UR" -c "$URI_B" --peer "$URI_A"
vios shutdown lpa --force -c "$URI_A" >/dev/null
sha256sum -c --quiet ivg.sum || die "the IVG LUN changed"
ok "host B cannot start the LUN read-write; the IVG LUN is byte-identical"
echo "total $((SECONDS - t_all)) s"
