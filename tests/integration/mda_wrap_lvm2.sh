#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Interop of the metadata ring with stock lvm2, both directions, across
# the wrap at the end of the area:
#   A. ivg (tests/unit/mda_tool) commits texts until its copies have
#      wrapped twice; after every commit lvm2 must read the VG (vgs shows
#      the new seqno) and `pvck --dump headers` must print no CHECK: line.
#   B. lvm2 commits (vgchange --addtag) until its committed copy wraps;
#      ivg must read it (CRC checked) and see lvm2's latest tag.
#   C. ivg commits once more on top of lvm2's wrapped copy; lvm2 reads it.
# The PV has two 32 KiB metadata areas (lvm2's minimum) so wraps come
# quickly and both areas are exercised.
#
# Needs root, losetup and lvm2. Exit 0: pass, 1: fail, 77: skipped.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-gcc}
work=$(mktemp -d /tmp/ivg-mda-wrap-XXXXXX)
loop=""

cleanup() {
	if [ -n "$loop" ]; then losetup -d "$loop" 2>/dev/null || true; fi
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
# a signal exits, and exiting runs cleanup once (a plain trap would resume)
trap 'exit 130' INT
trap 'exit 143' TERM

skip() { echo "SKIP: $*"; exit 77; }
die() {
	echo "FAIL: $*" >&2
	# Another test detaching our loop device looks like lvm2 failing.
	if [ -n "$loop" ] && ! losetup "$loop" 2>/dev/null | grep -q "$work/pv.img"; then
		echo "FAIL: $loop is no longer attached to $work/pv.img" >&2
	fi
	exit 1
}

[ "$(id -u)" = 0 ] || skip "needs root"
command -v lvm >/dev/null || skip "no lvm2"
command -v losetup >/dev/null || skip "no losetup"

$CC -std=gnu11 -O1 -g -I"$top/lvm" -o "$work/mda_tool" \
	"$top/lvm/ctx.c" "$top/lvm/crc.c" "$top/lvm/dev.c" \
	"$top/lvm/label.c" "$top/lvm/mda.c" "$top/tests/unit/mda_tool.c" -lz \
	|| die "cannot build mda_tool"
T="$work/mda_tool"

truncate -s 64M "$work/pv.img"
loop=$(losetup -f --show "$work/pv.img")

export LVM_SYSTEM_DIR="$work/etc" LVM_SUPPRESS_FD_WARNINGS=1
mkdir -p "$LVM_SYSTEM_DIR"
cat >"$LVM_SYSTEM_DIR/lvm.conf" <<EOF
devices { filter = [ "a|^$loop\$|", "r|.*|" ] obtain_device_list_from_udev = 0 }
backup { backup = 0 archive = 0 }
EOF

# lvm without device-mapper; stderr kept for failures only
L() { lvm "$@" --driverloaded n 2>"$work/lvm.err"; }

vg=ivgwrap
L pvcreate -q --metadatasize 32k --dataalignment 4k --pvmetadatacopies 2 \
	"$loop" >/dev/null || die "pvcreate: $(cat "$work/lvm.err")"
L vgcreate -q -s 1m $vg "$loop" >/dev/null || die "vgcreate: $(cat "$work/lvm.err")"

# lvm2 warns but exits 0 when one area's text is bad: fail on any warning
# other than device-mapper being off and backups being disabled.
no_warnings() { # WHAT
	if grep -v -e 'Activation disabled' -e 'NOT backed up' "$work/lvm.err" | grep -q .; then
		cat "$work/lvm.err" >&2
		die "$1 complains"
	fi
}

# pvck: headers of both areas, and each area's committed text (CRC).
check_pvck() {
	for args in "headers" "metadata" "metadata --settings mda_num=2"; do
		# shellcheck disable=SC2086
		L pvck --dump $args "$loop" >"$work/pvck.out" 2>&1 ||
			die "pvck --dump $args failed: $(cat "$work/lvm.err")"
		if grep -q 'CHECK:' "$work/pvck.out"; then
			grep 'CHECK:' "$work/pvck.out" >&2
			die "pvck --dump $args reports problems"
		fi
	done
}

check_lvm() { # EXPECTED-SEQNO
	check_pvck
	seq=$(L vgs --noheadings -o vg_seqno $vg | tr -d ' ') ||
		die "vgs failed: $(cat "$work/lvm.err")"
	no_warnings vgs
	[ "$seq" = "$1" ] || die "lvm2 sees seqno $seq, expected $1"
}

# Text that lvm2 accepts: the current one with a new seqno and a
# description of varying length, so copies end at varying offsets.
next_text() { # N -> $work/t.txt, sets $seqno
	"$T" "$loop" dump >"$work/cur.txt" || die "ivg cannot read the VG"
	seqno=$(sed -n 's/^seqno = \([0-9]*\)$/\1/p' "$work/cur.txt")
	seqno=$((seqno + 1))
	pad=$(head -c $(( ($1 * 389) % 1500 )) /dev/zero | tr '\0' x)
	sed -e "s/^seqno = [0-9]*$/seqno = $seqno/" \
	    -e "s/^description = .*/description = \"ivg commit $1 $pad\"/" \
	    "$work/cur.txt" >"$work/t.txt"
}

# A. ivg writes, lvm2 reads.
wraps=0
i=0
while [ $wraps -lt 2 ]; do
	i=$((i + 1))
	[ $i -le 200 ] || die "ivg's copies never wrapped"
	next_text $i
	"$T" "$loop" commit "$work/t.txt" >"$work/commit.out" ||
		die "ivg commit $i failed"
	if grep -q 'mda0 .* wrap [1-9]' "$work/commit.out"; then
		wraps=$((wraps + 1))
	fi
	check_lvm $seqno
done
echo "A: $i ivg commits, $wraps wrapped, lvm2 read each"

# B. lvm2 writes, ivg reads.
j=0
while :; do
	j=$((j + 1))
	[ $j -le 200 ] || die "lvm2's copies never wrapped"
	L vgchange -q --addtag "lvm2tag$j" $vg >/dev/null ||
		die "vgchange: $(cat "$work/lvm.err")"
	"$T" "$loop" hdr >"$work/hdr.out" || die "ivg cannot read headers"
	# shellcheck disable=SC2046 # three numbers, split on purpose
	set -- $(sed -n 's/^mda0 .* size=\([0-9]*\) slot0=\([0-9]*\),\([0-9]*\),.*/\1 \2 \3/p' \
		"$work/hdr.out")
	[ $(($2 + $3)) -gt "$1" ] && break
done
no_warnings vgchange
"$T" "$loop" dump >"$work/lvm2.txt" || die "ivg cannot read lvm2's wrapped text"
grep -q "\"lvm2tag$j\"" "$work/lvm2.txt" || die "ivg misses lvm2's last tag"
echo "B: lvm2 wrapped after $j commits, ivg read it"

# C. ivg on top of lvm2's wrapped copy.
next_text 1000
"$T" "$loop" commit "$work/t.txt" >/dev/null || die "ivg commit after lvm2 failed"
check_lvm $seqno
L vgck $vg || die "vgck: $(cat "$work/lvm.err")"
no_warnings vgck
echo "C: ivg committed after lvm2, lvm2 read it"
echo "PASS"
