#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IVG_SLOW only (make check-slow): issue 8's install with a real Debian
# as the BOS. A debootstrap --variant=minbase of bookworm with
# linux-image-amd64, lvm2, initramfs-tools and systemd-sysv (cached as a
# tar.gz in /var/cache/ivg-test, like tests/packaging's chroot), plus a
# systemd unit that prints "IVG-BOS-MARKER name=debian ..." on the serial
# console and powers off, is added to an IVG with bosadd and installed
# with bosinstall onto an image file. The target then boots alone under
# SeaBIOS: GRUB from its boot records, Debian's own kernel and
# initramfs (initramfs-tools' lvm2 hook activates rootvg), systemd from
# rootlv, and the marker prints.
# opt-in: a debootstrapped Debian as the BOS, installed and booted (downloads it once; about 10 minutes)
. "$(dirname "$0")/../lib.sh"
HERE=$(cd "$(dirname "$0")/.." && pwd)
[ -n "${IVG_SLOW:-}" ] || { echo "runs with IVG_SLOW=1 (make check-slow)"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v debootstrap >/dev/null || { echo "no debootstrap (package debootstrap: make deps)"; exit 77; }
cd "$T"
TMO=${IVG_BOOT_TIMEOUT:-600}
suite=${IVG_TEST_SUITE:-bookworm}
cache=${IVG_TEST_CACHE:-/var/cache/ivg-test}
mirror=${IVG_TEST_MIRROR:-http://deb.debian.org/debian}
bos=$cache/$suite-bos-amd64.tar.gz

# ---- the BOS (cached) ------------------------------------------------------
mkdir -p "$cache"
if [ ! -s "$bos" ]; then
	t0=$SECONDS
	debootstrap --variant=minbase --include=linux-image-amd64,lvm2,initramfs-tools,systemd-sysv \
		"$suite" root "$mirror" >debootstrap.log 2>&1 || { tail -20 debootstrap.log; die "debootstrap $suite"; }
	cat >root/etc/systemd/system/ivg-marker.service <<'UNIT'
[Unit]
Description=Print the ivg test marker and power off
After=multi-user.target

[Service]
Type=oneshot
StandardOutput=tty
TTYPath=/dev/ttyS0
ExecStart=/bin/sh -c 'echo "IVG-BOS-MARKER name=debian root=$(findmnt -no SOURCE /) kernel=$(uname -r)"'
ExecStartPost=/bin/systemctl --no-block poweroff

[Install]
WantedBy=multi-user.target
UNIT
	ln -s /etc/systemd/system/ivg-marker.service root/etc/systemd/system/multi-user.target.wants/ivg-marker.service
	echo ivg-debian >root/etc/hostname
	ls root/boot/vmlinuz-* root/boot/initrd.img-* >/dev/null || die "no kernel or initramfs in the debootstrap tree"
	tar -C root --numeric-owner --xattrs -czf bos.tmp . && mv bos.tmp "$bos"
	rm -rf root
	echo "built $bos in $((SECONDS - t0)) s"
fi
ok "BOS: debootstrap minbase $suite with a kernel ($(du -h "$bos" | cut -f1))"

# ---- IVG, bosadd, bosinstall -----------------------------------------------
ivgcreate -y --no-boot-image --devices d0.img --size 2g --bosfs-size 1g \
	--oppfs-size 16m ivg0 d0.img >/dev/null || die "ivgcreate"
t0=$SECONDS
bosadd --devices d0.img ivg0 debian "$bos" >bosadd.log 2>&1 || die "bosadd: $(cat bosadd.log)"
boslist --devices d0.img --reportformat json ivg0 >boslist.json
kver=$(jq -r '.report[0].bos[] | select(.bos_name == "debian") | .bos_kernel' boslist.json)
case $kver in 6.*) ;; *) die "boslist does not give the BOS's kernel: $(cat boslist.json)" ;; esac
ok "bosadd ($((SECONDS - t0)) s), kernel $kver"
truncate -s 4g t.img
sha256sum d0.img >ivg.sum
t0=$SECONDS
bosinstall -y --devices d0.img,t.img --ivg ivg0 --bos debian t.img >install.log 2>&1 ||
	die "bosinstall: $(cat install.log)"
sha256sum -c --quiet ivg.sum || die "the IVG changed"
ok "bosinstall ($((SECONDS - t0)) s): $(tail -1 install.log)"

# ---- the installed Debian boots alone --------------------------------------
t0=$SECONDS
"$HERE/vm/boot.sh" --timeout "$TMO" --console boot.log --disk t.img \
	--expect "IVG-BOS-MARKER name=debian root=/dev/mapper/rootvg-rootlv kernel=$kver" \
	--fail 'Kernel panic|Gave up waiting for root' 2>boot.err || die "boot: $(cat boot.err)"
ok "the installed Debian boots from its disk alone, its initramfs activates rootvg, systemd prints the marker ($((SECONDS - t0)) s)"
