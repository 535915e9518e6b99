#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Interrupted commands: SIGINT or SIGTERM in the middle of a long copy.
# The commands with long copies (oppadd copying an image into oppfs
# through libext2fs, ivgmkboot writing bootlv's legs, ivgcreate writing
# the boot image before the PV labels) catch the signal; the library
# stops at its next safe point (between chunks, before a commit) and
# rolls the change back. The command then fails with exit 5 and says
# "interrupted by a signal" (a second signal ends it at once: 130/143).
# After each interruption:
# - the VG is in its old state: same ivgs report and metadata seqno;
#   stock lvm2's vgck passes with no WARNING;
# - opptoc and oppck find the TOC and the images consistent, and oppfs
#   passes e2fsck -fn (the staged image was dropped, nothing leaked);
# - the same command run again completes.
# Each signal is sent only once the command is seen in its copy: oppadd
# has read the package once (the check) and is reading it again (the
# copy); ivgmkboot and ivgcreate hold a disk open with O_DIRECT (only
# the legs' writer does); ivgck then finds the half-written legs damaged
# (not trusted). IVG_SLOW=1 adds SIGTERM to ivgmkboot, ivgcreate
# interrupted while it builds its initramfs, and a second SIGINT.
# slow-part: SIGTERM to ivgmkboot, ivgcreate interrupted while it builds its initramfs, a second SIGINT
. "$(dirname "$0")/../lib.sh"
cd "$T"
command -v dpkg-deb >/dev/null || { echo "needs dpkg-deb"; exit 77; }
env --default-signal=INT true 2>/dev/null || { echo "needs env --default-signal (coreutils 8.31)"; exit 77; }
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | tail -1)
[ -n "$kernel" ] || { echo "no kernel in /boot"; exit 77; }
D=d0.img,d1.img
# ivgck (checks the legs against their manifests), where this build has it.
ivgck=$(ivg ivgck --help >/dev/null 2>&1 && echo ivgck || true)

# run_until SIG COND ARGS -- COMMAND...: run COMMAND in the background
# (with SIGINT and SIGTERM at their defaults: a non-interactive shell
# ignores SIGINT in background jobs), send SIG once "COND PID ARGS" is
# true, and leave its exit status in $rc and its output in out.
run_until() {
	local sig=$1 cond=$2 pid
	shift 2
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	env --default-signal=INT,TERM "$@" >out 2>&1 &
	pid=$!
	until "$cond" "$pid" "${args[@]}"; do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; die "$* ended before it was seen copying: $(cat out)"; }
		sleep 0.01
	done
	kill -"$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
}
# PID has read more than BYTES (the check pass is behind it).
read_past() {
	local n
	n=$(awk '/^rchar/ {print $2}' "/proc/$1/io" 2>/dev/null) || return 1
	[ -n "$n" ] && [ "$n" -gt "$2" ]
}
# PID holds FILE open with O_DIRECT: the writer of bootlv's legs.
# (One grep finds the descriptors with 040000 in their octal flags.)
direct_fd() {
	local f
	for f in $(grep -lE '^flags:[[:space:]]+[0-7]*[4-7][0-7]{4}$' /proc/"$1"/fdinfo/* 2>/dev/null); do
		[ "$(readlink "/proc/$1/fd/${f##*/}" 2>/dev/null)" = "$2" ] && return 0
	done
	return 1
}
# PID runs a child (ivgcreate building its initramfs).
has_child() { pgrep -P "$1" >/dev/null; }

interrupted() {   # WHAT SIG: exit 5 and the message
	[ "$rc" = 5 ] || die "$1: SIG$2 gave exit $rc, expected 5: $(cat out)"
	grep -q "interrupted by a signal" out || die "$1: SIG$2: $(cat out)"
}

# The VG as ivg and stock lvm2 see it: the report and lvm2's seqno.
vg_state() {   # VG IMAGES...
	local vg=$1 l loops=()
	shift
	for i in "$@"; do loops+=("$(loop_pv "$i")"); done
	lvm_filter "${loops[@]}"
	lvmq vgck "$vg" >vgck.out 2>&1 || die "vgck $vg: $(cat vgck.out)"
	grep WARNING vgck.out | grep -vq "Activation disabled" && die "vgck $vg warns: $(cat vgck.out)"
	lvmq vgs --noheadings -o vg_name,seqno,lv_count,pv_count "$vg" 2>/dev/null | tr -s ' '
	# The VG as its metadata has it: an interrupted ivgmkboot leaves its
	# legs half written, which ivgs's boot-leg state shows (ivgck judges),
	# and those written marked out of sync (the legs' states).
	ivgs --devices "$(IFS=,; echo "$*")" --reportformat json -a "$vg" |
		jq -c 'del(.report[].pv[].pv_boot_leg, .report[].lv[].leg_states)'
	for l in "${loops[@]}"; do losetup -d "$l"; done
}
# oppfs of optvg (its leg 0, on d0.img) passes e2fsck.
fsck_oppfs() {
	local pe off
	pe=$(ivgs -a --devices $D --reportformat json | jq -r '.report[0].lv[] | select(.lv_name == "[oppfs_rimage_0]") | .devices' |
		sed 's/.*(\(.*\))/\1/')
	off=$(($(part_offset d0.img 3) + 1048576 + pe * 4194304))
	e2fsck -fn "d0.img?offset=$off" >fsck.out 2>&1 || die "oppfs after $1: $(cat fsck.out)"
}
opp_clean() {   # WHAT EXPECTED-LIST
	opptoc --devices $D optvg >toc.out 2>&1 || die "opptoc after $1: $(cat toc.out)"
	oppck --devices $D optvg >ck.out 2>&1 || die "oppck after $1: $(cat ck.out)"
	[ "$(opplist --devices $D --reportformat json optvg | jq -r '[.report[0].opp[].opp_name] | join(" ")')" = "$2" ] ||
		die "after $1 opplist shows: $(opplist --devices $D optvg)"
	fsck_oppfs "$1"
}

# --- oppadd: a 64 MiB package, interrupted while it is copied into oppfs
mkdir -p big/DEBIAN big/opt/big
head -c 64M /dev/urandom >big/opt/big/blob
printf 'Package: big\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: big\n' >big/DEBIAN/control
dpkg-deb -Znone --build big big.deb >/dev/null
rm -r big
mkdir -p small/DEBIAN && printf 'Package: small\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: small\n' >small/DEBIAN/control
dpkg-deb --build small small.deb >/dev/null
size=$(stat -c %s big.deb)
ivgcreate -y --no-boot-image --devices $D --size 600m --bootlv-size 16m --bosfs-size 16m --oppfs-size 192m \
	optvg d0.img d1.img >/dev/null
oppadd --devices $D optvg small.deb >/dev/null
before=$(vg_state optvg d0.img d1.img)
for sig in INT TERM; do
	run_until $sig read_past $((size + size / 4)) -- oppadd --devices $D optvg big.deb
	interrupted oppadd $sig
	[ "$(vg_state optvg d0.img d1.img)" = "$before" ] || die "oppadd SIG$sig changed the VG"
	opp_clean "oppadd SIG$sig" small
	ok "oppadd SIG$sig in the copy: exit 5, VG as before (vgck clean), TOC and images consistent, oppfs clean"
done
oppadd --devices $D optvg big.deb >/dev/null || die "oppadd again after the interruptions"
opp_clean "oppadd again" "big small"
ok "oppadd run again completes"

# --- ivgmkboot: a 112 MiB initramfs, interrupted while the legs are written
ivgcreate -y --no-boot-image --devices b0.img,b1.img --size 400m --bootlv-size 160m --bosfs-size 16m \
	--oppfs-size 16m bvg b0.img b1.img >/dev/null
head -c 112M /dev/urandom >initrd.big
before=$(vg_state bvg b0.img b1.img)
sigs=INT
[ -n "${IVG_SLOW:-}" ] && sigs="INT TERM"
for sig in $sigs; do
	run_until $sig direct_fd "$T/b0.img" -- ivgmkboot --devices b0.img,b1.img --kernel "$kernel" --initrd initrd.big bvg
	interrupted ivgmkboot $sig
	[ "$(vg_state bvg b0.img b1.img)" = "$before" ] || die "ivgmkboot SIG$sig changed the VG metadata"
	# The half-written legs are not trusted: their manifests fail.
	if [ -n "$ivgck" ]; then
		set +e; ivgck --devices b0.img,b1.img bvg >ck.out 2>&1; ck=$?; set -e
		[ $ck = 5 ] && grep -q "bootlv leg .*damaged" ck.out || die "ivgck after ivgmkboot SIG$sig: exit $ck: $(cat ck.out)"
	fi
	ok "ivgmkboot SIG$sig while writing the legs: exit 5, VG metadata as before (vgck clean)${ivgck:+, ivgck finds the legs damaged}"
done
ivgmkboot --devices b0.img,b1.img --kernel "$kernel" --initrd initrd.big bvg >/dev/null ||
	die "ivgmkboot again after the interruption"
if [ -n "$ivgck" ]; then
	ivgck --devices b0.img,b1.img bvg >ck.out 2>&1 || die "ivgck after the rerun: $(cat ck.out)"
else
	for k in 0 1; do
		grub-fstest -c 2 b0.img b1.img cmp "(lvm/bvg-bootlv_rimage_$k)/initrd.img" initrd.big >cmp.out 2>&1 ||
			die "leg $k does not hold the new initramfs after the rerun: $(cat cmp.out)"
	done
fi
ok "ivgmkboot run again completes: both legs hold the new image ($([ -n "$ivgck" ] && echo "ivgck: healthy" || echo grub-fstest))"

# --- ivgcreate --size: interrupted while it writes the boot image
run_until INT direct_fd "$T/c0.img" -- ivgcreate -y --devices c0.img,c1.img --size 400m --bootlv-size 128m \
	--bosfs-size 16m --oppfs-size 16m cvg c0.img c1.img
interrupted ivgcreate INT
# The files were this run's own (--size): it takes them back.
[ ! -e c0.img ] && [ ! -e c1.img ] || die "ivgcreate --size SIGINT left its image files"
ok "ivgcreate --size SIGINT while writing the boot image: exit 5, its image files removed"
# Onto existing files, it leaves them partitioned, neither PV nor VG.
truncate -s 400m c0.img c1.img
run_until INT direct_fd "$T/c0.img" -- ivgcreate -y --devices c0.img,c1.img --bootlv-size 128m \
	--bosfs-size 16m --oppfs-size 16m cvg c0.img c1.img
interrupted ivgcreate INT
L0=$(loop_pv c0.img); L1=$(loop_pv c1.img)
lvm_filter "$L0" "$L1"
lvmq pvs "$L0" "$L1" >pvs.out 2>&1 && die "ivgcreate SIGINT left PVs: $(cat pvs.out)"
losetup -d "$L0" "$L1"
ivgs --devices c0.img,c1.img cvg >/dev/null 2>&1 && die "ivgcreate SIGINT left a VG cvg"
ok "ivgcreate SIGINT while writing the boot image: exit 5, no PV label, no VG"
rm c0.img c1.img
ivgcreate -y --devices c0.img,c1.img --size 400m --bootlv-size 128m --bosfs-size 16m --oppfs-size 16m \
	cvg c0.img c1.img >/dev/null || die "ivgcreate again after the interruption"
vg_state cvg c0.img c1.img >/dev/null
ok "ivgcreate run again completes (vgck clean)"

if [ -n "${IVG_SLOW:-}" ]; then
	rm c0.img c1.img
	run_until INT has_child -- ivgcreate -y --devices c0.img,c1.img --size 400m --bootlv-size 128m \
		--bosfs-size 16m --oppfs-size 16m cvg c0.img c1.img
	interrupted "ivgcreate (initramfs)" INT
	[ ! -e c0.img ] && [ ! -e c1.img ] || die "ivgcreate interrupted before its first write made files"
	ok "ivgcreate SIGINT while building the initramfs: exit 5, nothing written"
	# A second signal is not caught: the default action, at once.
	env --default-signal=INT oppadd --devices $D --replace optvg big.deb >out 2>&1 &
	pid=$!
	until read_past "$pid" $((size + size / 4)); do
		kill -0 $pid 2>/dev/null || die "oppadd --replace ended before it was seen copying: $(cat out)"
		sleep 0.01
	done
	kill -INT $pid; sleep 0.05; kill -INT $pid 2>/dev/null || true
	set +e; wait $pid; rc=$?; set -e
	# 130: the second came before the roll-back ended (the process
	# died as in a crash); 5: after.
	[ "$rc" = 130 ] || [ "$rc" = 5 ] || die "two SIGINTs: exit $rc"
	opp_clean "two SIGINTs" "big small"
	ok "two SIGINTs: exit $rc; TOC, images and oppfs still consistent"
fi
