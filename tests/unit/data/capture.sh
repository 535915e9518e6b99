#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate the lvm2-made fixtures in this directory with stock lvm2
# (run as root; needs losetup). Every loop device made here is detached
# on exit, also on failure.
#
#   label_plain.bin   sector 1 after `pvcreate`
#   label_ba.bin      sector 1 after `pvcreate --bootloaderareasize 1m`
#   label_mda2.bin    sector 1 after `pvcreate --pvmetadatacopies 2`
#   mda_wrapped.bin   the 32 KiB metadata area (at 4096) of a PV made with
#                     `pvcreate --metadatasize 32k --dataalignment 4k`,
#                     `vgcreate -s 1m tvg`, then `vgchange --addtag tN`
#                     until the committed copy wraps past the area's end
#
# Each image is 16 MiB.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
loops=""

cleanup() {
	for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
# a signal exits, and exiting runs cleanup once (a plain trap would resume)
trap 'exit 130' INT
trap 'exit 143' TERM

attach() { # IMG -> prints the loop device
	l=$(losetup -f --show "$1")
	loops="$loops $l"
	echo "$l"
}

detach() {
	losetup -d "$1"
	loops=$(echo "$loops" | sed "s|$1||")
}

lvmconf() { # DEV
	export LVM_SYSTEM_DIR="$work/etc"
	mkdir -p "$LVM_SYSTEM_DIR"
	cat >"$LVM_SYSTEM_DIR/lvm.conf" <<EOC
devices { filter = [ "a|^$1\$|", "r|.*|" ] obtain_device_list_from_udev = 0 }
backup { backup = 0 archive = 0 }
EOC
}

L() { lvm "$@" --driverloaded n >/dev/null 2>&1; }

label() { # NAME PVCREATE-ARGS...
	name=$1; shift
	truncate -s 16M "$work/$name.img"
	dev=$(attach "$work/$name.img")
	lvmconf "$dev"
	L pvcreate "$@" "$dev"
	detach "$dev"
	dd if="$work/$name.img" of="$here/label_$name.bin" bs=512 skip=1 count=1 status=none
}

# u64 little-endian at byte OFF of FILE
u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }

wrapped() {
	img="$work/wrap.img"
	truncate -s 16M "$img"
	dev=$(attach "$img")
	lvmconf "$dev"
	L pvcreate --metadatasize 32k --dataalignment 4k "$dev"
	L vgcreate -s 1m tvg "$dev"
	i=0
	while :; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "no wrap after 100 commits" >&2; exit 1; }
		L vgchange --addtag "t$i" tvg
		off=$(u64 "$img" $((4096 + 40)))
		size=$(u64 "$img" $((4096 + 48)))
		[ $((off + size)) -gt 32768 ] && break
	done
	detach "$dev"
	dd if="$img" of="$here/mda_wrapped.bin" bs=4096 skip=1 count=8 status=none
}

label plain
label ba --bootloaderareasize 1m
label mda2 --pvmetadatacopies 2
wrapped
echo "fixtures written to $here"
