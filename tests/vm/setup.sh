#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what the QEMU guest harness needs (as root, only what is
# missing) and prints the kernel version the guests will boot.
# Exit 0: ready; 1: something is missing and could not be installed.
set -eu
. "$(dirname "$0")/common.sh"

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
have_cmd qemu-system-x86_64 || need+=(qemu-system-x86)
have_cmd qemu-img || need+=(qemu-utils)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' \
	|| need+=(busybox-static)
have_cmd lvm || need+=(lvm2)
have_cmd dmsetup || need+=(dmsetup)
have_cmd mke2fs || need+=(e2fsprogs)
have_cmd modprobe || need+=(kmod)
have_cmd cpio || need+=(cpio)
have_cmd xz || need+=(xz-utils)
have_cmd zstd || need+=(zstd)
vm_kernel_version >/dev/null || need+=(linux-image-amd64)

if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		vm_die "missing packages (need root to install): ${need[*]}"
	fi
	echo "vm setup: installing ${need[*]}" >&2
	# INITRD=No: the kernel's postinst hook skips building an initramfs
	# for the host (the guests bring their own).
	export DEBIAN_FRONTEND=noninteractive INITRD=No
	apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "${need[@]}" >&2; } ||
		vm_die "apt-get install ${need[*]} failed"
fi

ver=$(vm_kernel_version) || vm_die "no /boot/vmlinuz-* with a dm-raid module (install linux-image-amd64)"
[ -r "/boot/vmlinuz-$ver" ] || vm_die "/boot/vmlinuz-$ver is not readable"
[ -f "/lib/modules/$ver/modules.dep" ] || depmod "$ver" ||
	vm_die "no modules.dep for $ver"
echo "$ver"
