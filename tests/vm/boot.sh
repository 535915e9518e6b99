#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots a machine from IVG disks under QEMU (TCG) with real firmware, and
# watches its serial console: a sibling of run.sh for the boot tests.
#
# usage: boot.sh [options] --disk IMG[,bootindex=N] ... --expect REGEX
#   --firmware bios|uefi  SeaBIOS (default) or OVMF (package ovmf)
#   --disk IMG[,bootindex=N][,writable|,readonly][,serial=S]  the next
#                      virtio disk (serial=S: its serial number);
#                      writes go to a throw-away overlay (snapshot=on),
#                      or with writable to IMG itself, or with readonly
#                      nowhere (the guest sees a read-only disk);
#                      bootindex sets the firmware's boot order (default:
#                      the order given)
#   --expect REGEX     success: a console line matching REGEX (grep -E)
#   --fail REGEX       failure as soon as a console line matches REGEX
#                      (and --expect does not: it is looked at first)
#   --send REGEX=>TEXT when the console shows REGEX, type TEXT (\n for
#                      Enter) on it; repeatable, in order (drives menus)
#   --smbios-uuid UUID the machine's SMBIOS system UUID (QEMU's -smbios)
#   --fwcfg NAME=FILE  a QEMU firmware configuration file (-fw_cfg), as
#                      vios hands a partition's boot type over
#   --timeout SEC      kill the machine after SEC seconds (default 90)
#   --console FILE     keep the whole console log in FILE
#   --mem MB           memory (default 1024)
#   --accel tcg|kvm    QEMU's accelerator (default $IVG_VM_ACCEL, else tcg;
#                      common.sh's vm_accel tells whether KVM works)
#   --ipxe SCRIPT      a network card (virtio-net, first in the boot
#                      order) on QEMU's user network, whose iPXE ROM
#                      (package ipxe-qemu) fetches SCRIPT from QEMU's
#                      built-in TFTP server and runs it: a diskless
#                      machine that sanboots (10.0.2.2 is the host's
#                      127.0.0.1); --disk is then optional
#   --nics N           with --ipxe: N network cards (default 1), each on
#                      a user network of its own (the same addresses)
#   --vars FILE        uefi: keep OVMF's variable store (NVRAM) in FILE,
#                      made from OVMF's template when it does not exist,
#                      so that a later boot sees what this one set;
#                      bootindex=none on every disk then leaves the
#                      boot order to the firmware's BootOrder
# Exit status: 0 REGEX seen; 1 the machine stopped, or --fail matched,
# before; 124 timed out; 125 the harness failed. On failure the end of
# the console log goes to stderr. No QEMU outlives boot.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
fail() { echo "boot: $*" >&2; exit 125; }

fw=bios timeout=90 mem=1024 expect="" failre="" keep="" varsfile="" accel=${IVG_VM_ACCEL:-tcg} ipxe="" nics=1
disks=() sends=() smbios=() fwcfg=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--*) [ $# -ge 2 ] || fail "$1 wants a value" ;;
	esac
	case $1 in
	--firmware) fw=$2 ;;
	--disk) disks+=("$2") ;;
	--expect) expect=$2 ;;
	--fail) failre=$2 ;;
	--send) case $2 in *'=>'*) sends+=("$2") ;; *) fail "--send wants REGEX=>TEXT" ;; esac ;;
	--timeout) timeout=$2 ;;
	--console) keep=$2 ;;
	--mem) mem=$2 ;;
	--accel) accel=$2 ;;
	--vars) varsfile=$2 ;;
	--smbios-uuid) smbios=(-smbios "type=1,uuid=$2") ;;
	--fwcfg)
		case $2 in *=*) ;; *) fail "--fwcfg wants NAME=FILE" ;; esac
		[ -r "${2#*=}" ] || fail "--fwcfg $2: no such file"
		fwcfg+=(-fw_cfg "name=${2%%=*},file=${2#*=}") ;;
	--ipxe) ipxe=$2 ;;
	--nics) nics=$2 ;;
	*) fail "unknown option $1 (see --help)" ;;
	esac
	shift 2
done
[ -n "$expect" ] || fail "--expect is needed"
[ ${#disks[@]} -gt 0 ] || [ -n "$ipxe" ] || fail "no --disk (and no --ipxe)"
[ -z "$ipxe" ] || [ -r "$ipxe" ] || fail "--ipxe $ipxe: cannot read it"
case $nics in [1-9]) ;; *) fail "--nics wants 1 to 9" ;; esac
case $timeout in '' | *[!0-9]*) fail "--timeout wants whole seconds" ;; esac
. "$HERE/common.sh"
mapfile -t accelargs < <(vm_accel_args "$accel")
[ ${#accelargs[@]} -gt 0 ] || fail "--accel tcg or kvm, not $accel"
command -v qemu-system-x86_64 >/dev/null || fail "no qemu-system-x86_64 (make deps installs it; tests/vm/setup.sh checks)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ivg-boot-XXXXXX") || fail "mktemp"
qpid=""
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null
		for _ in $(seq 20); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	[ -n "$keep" ] && cp "$dir/console" "$keep" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fwargs=()
case $fw in
bios) ;;
uefi)
	code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	[ -r "$code" ] && [ -r "$vars" ] || fail "no OVMF in /usr/share/OVMF (package ovmf: make deps)"
	if [ -z "$varsfile" ]; then
		varsfile=$dir/vars.fd
		cp "$vars" "$varsfile" || fail "cannot copy $vars"
	elif [ ! -e "$varsfile" ]; then
		cp "$vars" "$varsfile" || fail "cannot copy $vars to $varsfile"
	fi
	fwargs=(-drive "if=pflash,format=raw,unit=0,file=$code,readonly=on"
		-drive "if=pflash,format=raw,unit=1,file=${varsfile//,/,,}")
	;;
*) fail "--firmware bios or uefi, not $fw" ;;
esac

# The network cards: QEMU's user network (the guest is 10.0.2.15, the
# host's loopback is 10.0.2.2) with its TFTP server holding the script.
# iPXE's ROM for virtio-net comes with ipxe-qemu (pxe-virtio.rom, and
# efi-virtio.rom, which OVMF has built in).
qnics=()
if [ -n "$ipxe" ]; then
	[ -r /usr/lib/ipxe/qemu/pxe-virtio.rom ] || fail "no iPXE ROM /usr/lib/ipxe/qemu/pxe-virtio.rom (package ipxe-qemu: make deps)"
	mkdir -p "$dir/tftp" && cp "$ipxe" "$dir/tftp/boot.ipxe" || fail "cannot copy $ipxe"
	for k in $(seq 0 $((nics - 1))); do
		qnics+=(-netdev "user,id=n$k,tftp=$dir/tftp,bootfile=boot.ipxe"
			-device "virtio-net-pci,netdev=n$k,mac=52:54:00:12:34:$((56 + k))$([ "$k" = 0 ] && echo ,bootindex=0)")
	done
fi

qdisks=() k=0
for spec in "${disks[@]}"; do
	img=${spec%%,*} bi=$k mode=snapshot=on
	case $spec in *,bootindex=*) bi=${spec##*,bootindex=}; bi=${bi%%,*} ;; esac
	case $spec in *,writable | *,writable,*) mode=snapshot=off ;; esac
	case $spec in *,readonly | *,readonly,*) mode=readonly=on ;; esac
	[ -e "$img" ] || fail "--disk $spec: no such file"
	dev=virtio-blk-pci,drive=d$k
	[ "$bi" = none ] || dev=$dev,bootindex=$bi
	case $spec in *,serial=*) sn=${spec##*,serial=}; dev=$dev,serial=${sn%%,*} ;; esac
	qdisks+=(-drive "if=none,id=d$k,format=raw,file=${img//,/,,},file.locking=off,$mode"
		-device "$dev")
	k=$((k + 1))
done

: >"$dir/console"
# The console: a log file, and with --send a pipe to type into as well.
serial=(-serial "file:$dir/console")
if [ ${#sends[@]} -gt 0 ]; then
	mkfifo "$dir/ser.in" "$dir/ser.out" || fail "mkfifo"
	serial=(-chardev "pipe,id=ser0,path=$dir/ser,logfile=$dir/console" -serial chardev:ser0)
fi
pdeath=()
setpriv --pdeathsig KILL true 2>/dev/null && pdeath=(setpriv --pdeathsig KILL --)
"${pdeath[@]}" qemu-system-x86_64 "${accelargs[@]}" -machine pc -m "$mem" \
	-nodefaults -no-user-config -display none -no-reboot \
	"${fwargs[@]}" "${smbios[@]}" "${fwcfg[@]}" "${serial[@]}" "${qnics[@]}" "${qdisks[@]}" \
	</dev/null >"$dir/qemu.log" 2>&1 &
qpid=$!
if [ ${#sends[@]} -gt 0 ]; then
	cat "$dir/ser.out" >/dev/null &     # QEMU writes here too: drain it
	exec 9<>"$dir/ser.in"
fi
step=0 seen=0

T0=$SECONDS rc=""
while :; do
	if [ $step -lt ${#sends[@]} ]; then
		s=${sends[$step]}
		# Count matches so that a prompt shown again is answered again.
		n=$(grep -a -c -E -- "${s%%=>*}" "$dir/console")
		if [ "$n" -gt "$seen" ]; then
			printf '%b' "${s#*=>}" >&9
			step=$((step + 1))
			seen=0
			[ $step -lt ${#sends[@]} ] && seen=$(grep -a -c -E -- "${sends[$step]%%=>*}" "$dir/console")
		fi
	fi
	# --expect and --fail are judged on one copy of the console: QEMU
	# keeps writing to it, and a --fail that also matches the expected
	# line (a marker with the wrong value, say) must not see the line
	# arrive between the two looks (seen on a loaded machine).
	cp "$dir/console" "$dir/seen"
	if grep -a -q -E -- "$expect" "$dir/seen"; then rc=0; break; fi
	if [ -n "$failre" ] && grep -a -q -E -- "$failre" "$dir/seen"; then rc=1; break; fi
	if ! kill -0 "$qpid" 2>/dev/null; then
		wait "$qpid" 2>/dev/null
		qpid=""
		grep -a -q -E -- "$expect" "$dir/console" && rc=0 || rc=1
		break
	fi
	[ $((SECONDS - T0)) -ge "$timeout" ] && { rc=124; break; }
	sleep 0.2
done
echo "boot: $fw ($accel), ${#disks[@]} disk(s)${ipxe:+, iPXE}: $([ $rc = 0 ] && echo "reached /$expect/" || echo "failed ($rc)") after $((SECONDS - T0)) s" >&2
if [ "$rc" != 0 ]; then
	echo "boot: last console lines:" >&2
	tr -d '\033' <"$dir/console" | tail -n 25 | sed 's/^/boot:   /' >&2
	[ -s "$dir/qemu.log" ] && sed 's/^/boot: qemu: /' "$dir/qemu.log" >&2
fi
exit "$rc"
