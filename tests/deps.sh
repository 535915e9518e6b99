#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make deps`: install, on Debian 12 as root, every package that `make`,
# `make demo`, `make check`, `make check-slow` and `make bench` need. The
# one place that installs anything: the tests only check, and name the
# package and `make deps` when something is missing.
#   tests/deps.sh           install what is missing (root), else list it
#   tests/deps.sh --check   only list what is missing (exit 1 if any)
#   tests/deps.sh --list    print the package list
set -e

# The build: compilers (clang's sanitizer and libFuzzer runtimes for make
# check-fuzz are only a Recommends of clang) and the libraries' -dev
# packages (pkg-config names in the Makefile's PKGS).
BUILD="build-essential clang libclang-rt-dev pkg-config libext2fs-dev comerr-dev libfdisk-dev
libblkid-dev libmount-dev libaio-dev liburing-dev libarchive-dev libssl-dev libjson-c-dev
uuid-dev zlib1g-dev libdevmapper-dev libcmocka-dev libiscsi-dev libxml2-dev"
# What ivg runs, and what the tests judge its work with: lvm2, sfdisk and
# libfdisk's fdisk, e2fsprogs, mtools and dosfstools (the ESPs), GRUB
# (ivgmkboot's boot records; grub-fstest), the maintenance initramfs'
# parts (busybox, cpio, zstd, xz, kmod).
RUN="lvm2 dmsetup e2fsprogs fdisk mtools dosfstools grub-common grub-pc-bin
grub-efi-amd64-bin busybox-static cpio zstd xz-utils kmod"
# Test and benchmark tools: jq (sfdisk -J, reports), python3, bc,
# hyperfine, dpkg-deb and dpkg-scanpackages (OPPs), apt-ftparchive, pgrep
# (procps), xmllint (libxml2-utils, for libvirt's virt-xml-validate).
TOOLS="jq python3 bc hyperfine dpkg-dev apt-utils procps libxml2-utils"
# QEMU and its firmware (SeaBIOS, OVMF, iPXE's option ROMs), and the
# kernel the guests and the maintenance image boot (linux-image-amd64,
# installed with INITRD=No: no initramfs is built for this host).
VM="qemu-system-x86 qemu-utils qemu-block-extra seabios ovmf ipxe-qemu
linux-image-amd64"
# The packages (make deb, make rpm, make check-deb), and check-slow's
# debootstrapped BOS and fresh root.
PACKAGING="debhelper fakeroot lintian rpm rpmlint debootstrap git"
# SAN disks and the virtual I/O server: an iSCSI target (tgt), initiators
# (open-iscsi, libiscsi's tools, QEMU's iscsi driver in qemu-block-extra),
# multipath, libvirt.
SAN="tgt open-iscsi libiscsi-bin multipath-tools libvirt-daemon-system
libvirt-clients libvirt-dev"

PKGS=$(echo $BUILD $RUN $TOOLS $VM $PACKAGING $SAN)

case ${1:-} in
--list) echo "$PKGS" | tr ' ' '\n'; exit 0 ;;
--check | "") ;;
*) echo "usage: tests/deps.sh [--check|--list]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "${1:-}" = --check ] || [ "$(id -u)" != 0 ]; then
	echo "tests/deps.sh: missing packages:$missing" >&2
	[ "$(id -u)" = 0 ] || echo "tests/deps.sh: run 'make deps' as root to install them" >&2
	exit 1
fi
command -v apt-get >/dev/null || {
	echo "tests/deps.sh: no apt-get: install these (Debian 12 names) by hand:$missing" >&2
	exit 1
}

echo "tests/deps.sh: installing$missing"
log=$(mktemp /tmp/ivg-deps-XXXXXX.log)
# INITRD=No: the kernel's postinst hook builds no initramfs for this host
# (the guests and the maintenance image bring their own). --force-confnew:
# libvirt's packages may find configuration files of an earlier install.
export DEBIAN_FRONTEND=noninteractive INITRD=No
apt="apt-get -q -y -o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
if ! { $apt update && $apt install --no-install-recommends \
	-o Dpkg::Options::=--force-confnew $missing; } >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "tests/deps.sh: apt-get failed (whole log: $log)" >&2
	exit 1
fi
rm -f "$log"
still=""
for p in $missing; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		still="$still $p"
done
if [ -n "$still" ]; then
	echo "tests/deps.sh: still not installed:$still" >&2
	exit 1
fi
echo "tests/deps.sh: done"
