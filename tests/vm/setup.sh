#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks that the QEMU guest harness has what it needs, and prints the
# kernel version the guests will boot. Installs nothing: `make deps` (as
# root, tests/deps.sh) does.
# Exit 0: ready; 1: something is missing (named, with its package).
set -eu
. "$(dirname "$0")/common.sh"

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
have_cmd qemu-system-x86_64 || need+=("qemu-system-x86_64 (qemu-system-x86)")
have_cmd qemu-img || need+=("qemu-img (qemu-utils)")
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' \
	|| need+=("a static /bin/busybox (busybox-static)")
have_cmd lvm || need+=("lvm (lvm2)")
have_cmd dmsetup || need+=("dmsetup (dmsetup)")
have_cmd mke2fs || need+=("mke2fs (e2fsprogs)")
have_cmd modprobe || need+=("modprobe (kmod)")
have_cmd cpio || need+=("cpio (cpio)")
have_cmd xz || need+=("xz (xz-utils)")
have_cmd zstd || need+=("zstd (zstd)")
vm_kernel_version >/dev/null || need+=("a /boot/vmlinuz-* with a dm-raid module (linux-image-amd64)")
if [ ${#need[@]} -gt 0 ]; then
	vm_die "missing: $(IFS=,; echo "${need[*]}" | sed 's/,/, /g'); run 'make deps' as root"
fi

ver=$(vm_kernel_version) || vm_die "no /boot/vmlinuz-* with a dm-raid module (linux-image-amd64: make deps)"
[ -r "/boot/vmlinuz-$ver" ] || vm_die "/boot/vmlinuz-$ver is not readable"
[ -f "/lib/modules/$ver/modules.dep" ] || depmod "$ver" ||
	vm_die "no modules.dep for $ver"
echo "$ver"
