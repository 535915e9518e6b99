#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what ivg needs to build and test, on Debian, when run as root.
set -e
PKGS="build-essential clang pkg-config libext2fs-dev comerr-dev libfdisk-dev
libblkid-dev libaio-dev liburing-dev libarchive-dev libssl-dev libjson-c-dev uuid-dev
zlib1g-dev libdevmapper-dev libcmocka-dev lvm2 e2fsprogs fdisk mtools
dosfstools grub-common grub-pc-bin grub-efi-amd64-bin jq hyperfine
rpm dpkg-dev apt-utils
libvirt-clients libiscsi-dev libxml2-dev
ovmf busybox-static zstd cpio kmod"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "tests/deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "tests/deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
