#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a shell script inside a QEMU guest (TCG) with disk images attached
# as virtio-scsi disks; prints the script's output (stdout and stderr, as
# one stream) and exits with the script's exit status.
#
# usage: run.sh [options] SCRIPT|-          (- reads the script from stdin)
#   --disk IMG[,FLAG|KEY=VAL...]  attach IMG as the next disk K = 0, 1, ...
#         ro            read-only (the guest sees a write-protected disk)
#         snapshot      writes go to a temporary overlay, IMG is untouched
#         scsi-id=N     SCSI target (default K)     lun=L  LUN (default 0)
#         serial=S      unit serial (default ivgdK)  format=F (default raw)
#         cache=, aio=, discard=            passed to -drive
#         any other KEY=VAL (wwn=, vendor=, product=, ...) to -device scsi-hd
#   --timeout SEC      kill the guest after SEC seconds (default 120)
#   --append ARGS      more kernel command line
#   --hostname NAME    the guest's host name (default ivg-vm), which is
#                      its system ID for lvm2 and ivg
#   --qemu-arg ARG     one more QEMU argument (repeatable)
#   --mem MB           guest memory (default 1024)   --smp N (default 1)
#   --bin PATH         project binaries (file or directory, repeatable) put
#                      in the guest's /usr/local/bin, first in PATH; default
#                      $IVG_BIN, else <repo>/build/bin; "--bin none": none
#   --env NAME=VALUE   exported to the script (repeatable)
#   --file SRC[:DST]   copy a host file into the guest (default /root/NAME)
#   --kernel VER       kernel version (default: tests/vm/common.sh picks)
#   --console FILE     keep the guest's whole console log in FILE
#   --timings          print "vm-timings: ..." (seconds) on stderr: initrd
#                      (building it), boot (QEMU start to script start),
#                      to_script (run.sh start to script start), script, total
# In the guest: the script runs as root in /root with
#   PATH=/usr/local/bin:/sbin:/usr/sbin:/bin:/usr/bin, its #! line honoured
#   (/bin/sh is busybox, /bin/bash is there); `ivg-disk K` prints the node
#   of disk K (by SCSI address and serial, whatever the kernel's order),
#   `ivg-disk -l` lists them; $IVG_VM_DISKS is the count. device-mapper
#   (dm-raid, raid1, mirror, snapshot), ext4, vfat and loop are loaded;
#   lvm, dmsetup, e2fsprogs, sfdisk, blkid are the host's own.
#   Busybox runs its applets before $PATH in /bin/sh scripts: call
#   /sbin/mke2fs (or mkfs.ext4) for e2fsprogs' mke2fs.
# Exit status: the script's; 124 if the guest timed out; 125 if the
# harness failed or the guest died before the script finished (message on
# stderr with the end of the console log). No QEMU process outlives run.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$HERE/common.sh"
export PATH="$PATH:/usr/sbin:/sbin"

fail() { echo "vm: $*" >&2; exit 125; }
T0=${EPOCHREALTIME/./}

timeout=${IVG_VM_TIMEOUT:-120}
append="" mem=1024 smp=1 kver="" console_keep="" timings=0
disks=() qargs=() bins=() envs=() files=()
bins_set=0
while [ $# -gt 0 ]; do
	case $1 in
	--timings | -h | --help | --) ;;
	--*) [ $# -ge 2 ] || fail "$1 wants a value" ;;
	esac
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	--disk) disks+=("$2"); shift 2 ;;
	--append) append="$append $2"; shift 2 ;;
	--hostname) append="$append ivg.hostname=$2"; shift 2 ;;
	--qemu-arg) qargs+=("$2"); shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--bin) bins_set=1; [ "$2" = none ] || bins+=("$2"); shift 2 ;;
	--env) envs+=("$2"); shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--kernel) kver=$2; shift 2 ;;
	--console) console_keep=$2; shift 2 ;;
	--timings) timings=1; shift ;;
	-h | --help) sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-?*) fail "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
done
[ $# = 1 ] || fail "usage: run.sh [options] SCRIPT|- (see --help)"
script=$1
case $timeout in '' | *[!0-9]*) fail "--timeout wants whole seconds: $timeout" ;; esac
if [ $bins_set = 0 ]; then
	if [ -n "${IVG_BIN:-}" ]; then bins=("$IVG_BIN"); elif [ -d "$REPO/build/bin" ]; then bins=("$REPO/build/bin"); fi
fi
[ -n "$kver" ] || kver=$(vm_kernel_version) || fail "no kernel with dm-raid in /boot (make deps installs it; tests/vm/setup.sh checks)"
[ -r "/boot/vmlinuz-$kver" ] || fail "cannot read /boot/vmlinuz-$kver"
command -v qemu-system-x86_64 >/dev/null || fail "no qemu-system-x86_64 (make deps installs it; tests/vm/setup.sh checks)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ivg-vm-XXXXXX") || fail "mktemp"
qpid=""
# Ends the guest (TERM, then KILL) and removes the run's directory.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	qpid=""
	[ -n "$console_keep" ] && [ -f "$dir/console" ] && cp "$dir/console" "$console_keep" 2>/dev/null
	rm -rf "$dir"
}
trap 'cleanup' EXIT
trap 'echo "vm: interrupted" >&2; exit 130' INT
trap 'echo "vm: terminated" >&2; exit 143' TERM
mkfifo "$dir/tick" || fail "mkfifo"
# A fork-free sleep: read from a FIFO nobody writes to.
exec 7<>"$dir/tick"
nap() { read -r -t "$1" -u 7 || true; }

# ---- the run's own initramfs layer: script, disk table, env, files ----
L=$dir/layer
mkdir -p "$L/etc/ivg-vm" "$L/root"
if [ "$script" = - ]; then cat >"$L/test.sh"; else cp "$script" "$L/test.sh" || fail "cannot read $script"; fi
chmod 755 "$L/test.sh"

read -r nonce </proc/sys/kernel/random/uuid
nonce=${nonce//-/}
qdisk=() K=0
: >"$L/etc/ivg-vm/disks"
for spec in "${disks[@]}"; do
	IFS=, read -r -a parts <<<"$spec"
	img=${parts[0]}
	[ -e "$img" ] || fail "--disk $spec: no such file $img"
	ro=0 snap=0 id=$K lun=0 serial=ivgd$K fmt=raw dopts="" devopts=""
	for p in "${parts[@]:1}"; do
		case $p in
		ro | readonly) ro=1 ;;
		snapshot) snap=1 ;;
		scsi-id=*) id=${p#*=} ;;
		lun=*) lun=${p#*=} ;;
		serial=*) serial=${p#*=} ;;
		format=*) fmt=${p#*=} ;;
		cache=* | aio=* | discard=* | detect-zeroes=*) dopts="$dopts,$p" ;;
		*=*) devopts="$devopts,$p" ;;
		*) fail "--disk $spec: unknown flag $p" ;;
		esac
	done
	case $serial in *[!A-Za-z0-9._-]* | '') fail "--disk $spec: serial must be [A-Za-z0-9._-]" ;; esac
	[ $ro = 1 ] && dopts="$dopts,readonly=on"
	[ $snap = 1 ] && dopts="$dopts,snapshot=on"
	qdisk+=(-drive "if=none,id=d$K,format=$fmt,file=${img//,/,,},file.locking=off$dopts"
		-device "scsi-hd,bus=scsi0.0,drive=d$K,scsi-id=$id,lun=$lun,serial=$serial$devopts")
	echo "$K $serial $id $lun $([ $ro = 1 ] && echo ro || echo rw) $(basename "$img")" >>"$L/etc/ivg-vm/disks"
	K=$((K + 1))
done
{
	echo "IVG_VM_DISKS=$K"
	for e in "${envs[@]}"; do
		n=${e%%=*} v=${e#*=}
		case $n in '' | [0-9]* | *[!A-Za-z0-9_]*) fail "--env $e: bad name" ;; esac
		[ "$n" != "$e" ] || fail "--env $e: want NAME=VALUE"
		printf "%s='%s'\n" "$n" "${v//\'/\'\\\'\'}"
	done
} >"$L/etc/ivg-vm/env"
for f in "${files[@]}"; do
	src=${f%%:*} dst=${f#*:}
	[ "$dst" != "$f" ] || dst=/root/$(basename "$src")
	case $dst in /*) ;; *) fail "--file $f: guest path must be absolute" ;; esac
	mkdir -p "$L$(dirname "$dst")"
	cp -a "$src" "$L$dst" || fail "--file $f: cannot copy"
done

"$HERE/mkinitramfs.sh" --kernel "$kver" "$dir/initrd" "${bins[@]}" || fail "building the initramfs failed"
(cd "$L" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 -n) >>"$dir/initrd" ||
	fail "packing the script failed"
kernel=$(vm_kernel_image "$kver") || fail "no kernel image for $kver"
T_INITRD=${EPOCHREALTIME/./}

# ---- the guest ----
: >"$dir/out"
: >"$dir/console"
# setpriv --pdeathsig: QEMU dies with run.sh even if run.sh is SIGKILLed.
pdeath=()
setpriv --pdeathsig KILL true 2>/dev/null && pdeath=(setpriv --pdeathsig KILL --)
"${pdeath[@]}" qemu-system-x86_64 -accel tcg -machine pc -m "$mem" -smp "$smp" \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$kernel" -initrd "$dir/initrd" \
	-append "console=ttyS0 quiet panic=-1 cryptomgr.notests ivg.disks=$K ivg.nonce=$nonce$append" \
	-serial "file:$dir/console" -serial "file:$dir/out" \
	-device virtio-scsi-pci,id=scsi0 "${qdisk[@]}" "${qargs[@]}" \
	</dev/null >"$dir/qemu.log" 2>&1 &
qpid=$!

# Follow the output port line by line (a line may arrive in pieces).
exec 8<"$dir/out"
pend="" state=boot rc="" errmsg="" T_START="" T_EXIT=""
deadline=$((T0 + timeout * 1000000))
follow() {
	local line
	while :; do
		if IFS= read -r -u 8 line; then
			line=$pend$line pend=""
			case $line in
			"IVG-VM-START $nonce") state=script T_START=${EPOCHREALTIME/./} ;;
			"IVG-VM-EXIT $nonce "*) state=finished rc=${line##* } T_EXIT=${EPOCHREALTIME/./} ;;
			"IVG-VM-ERROR $nonce "*) state=error errmsg=${line#"IVG-VM-ERROR $nonce "} T_EXIT=${EPOCHREALTIME/./} ;;
			esac
		else
			pend=$pend$line
			return
		fi
	done
}
timed_out=0
# From here on a signal only sets $stop: bash 5.2 can crash when a trap
# exits while `read -t` waits.
stop=""
trap 'stop=130' INT
trap 'stop=143' TERM
while :; do
	if [ -n "$stop" ]; then
		echo "vm: $([ "$stop" = 130 ] && echo interrupted || echo terminated)" >&2
		exit "$stop"
	fi
	follow
	kill -0 "$qpid" 2>/dev/null || break
	now=${EPOCHREALTIME/./}
	if [ "$state" = finished ] || [ "$state" = error ]; then
		# The guest syncs and powers off by itself; give it a moment.
		[ $((now - T_EXIT)) -lt 10000000 ] || break
	elif [ "$now" -ge "$deadline" ]; then
		timed_out=1
		break
	fi
	nap 0.05
done
follow
qexit=""
if ! kill -0 "$qpid" 2>/dev/null; then
	wait "$qpid"
	qexit=$?
	qpid=""
fi
T_END=${EPOCHREALTIME/./}

# The script's output: between the start marker and the end marker, less
# the newline the guest puts before the end marker.
awk -v s="IVG-VM-START $nonce" -v e="IVG-VM-EXIT $nonce " '
	!on && $0 == s { on = 1; next }
	on && index($0, e) == 1 { if (have) printf "%s", prev; ended = 1; exit }
	on { if (have) print prev; prev = $0; have = 1 }
	END { if (on && !ended && have) print prev }' "$dir/out"

sec() { # microseconds -> seconds with 2 decimals
	local us=$1
	printf '%d.%02d' $((us / 1000000)) $(((us % 1000000) / 10000))
}
if [ $timings = 1 ]; then
	{
		printf 'vm-timings: initrd=%s' "$(sec $((T_INITRD - T0)))"
		[ -n "$T_START" ] && printf ' boot=%s to_script=%s' "$(sec $((T_START - T_INITRD)))" "$(sec $((T_START - T0)))"
		[ -n "$T_START" ] && [ -n "$T_EXIT" ] && printf ' script=%s' "$(sec $((T_EXIT - T_START)))"
		printf ' total=%s\n' "$(sec $((T_END - T0)))"
	} >&2
fi

# The end of the console log, or where a panic or oops starts.
console_tail() {
	local n
	n=$(grep -a -n -m1 -E 'Kernel panic|BUG:|Oops|general protection|sysrq: Trigger a crash' "$dir/console" | cut -d: -f1)
	if [ -n "$n" ]; then
		echo "vm: console from line $n:" >&2
		tail -n +"$n" "$dir/console" | head -n 25 | sed 's/^/vm:   /' >&2
	elif [ -s "$dir/console" ]; then
		echo "vm: last console lines (more with --console FILE --append loglevel=7):" >&2
		tail -n 25 "$dir/console" | sed 's/^/vm:   /' >&2
	else
		echo "vm: the console is empty (see it with --console FILE --append loglevel=7)" >&2
	fi
	[ -s "$dir/qemu.log" ] && sed 's/^/vm: qemu: /' "$dir/qemu.log" >&2
	return 0
}
case $state in
finished)
	case $rc in '' | *[!0-9]*) fail "bad end marker: exit '$rc'" ;; esac
	exit "$rc"
	;;
error)
	echo "vm: guest: $errmsg" >&2
	console_tail
	exit 125
	;;
esac
if [ $timed_out = 1 ]; then
	echo "vm: guest timed out after ${timeout}s ($([ "$state" = script ] && echo "in the script" || echo "before the script started")); killed" >&2
	console_tail
	exit 124
fi
echo "vm: guest stopped (qemu exit ${qexit:-?}) $([ "$state" = script ] && echo "before the script finished" || echo "before the script started") (kernel panic?)" >&2
console_tail
exit 125
