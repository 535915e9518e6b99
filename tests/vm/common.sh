# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by tests/vm/*.sh (sourced, not run).

vm_die() { echo "vm: $*" >&2; exit 1; }

# The kernel the guests boot: $IVG_VM_KERNEL if set, else the newest
# /boot/vmlinuz-VER whose modules include dm-raid (any compression).
vm_kernel_version() {
	if [ -n "${IVG_VM_KERNEL:-}" ]; then
		echo "$IVG_VM_KERNEL"
		return 0
	fi
	local k v best=""
	for k in /boot/vmlinuz-*; do
		[ -e "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		ls /lib/modules/"$v"/kernel/drivers/md/dm-raid.ko* >/dev/null 2>&1 || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -1)
	done
	[ -n "$best" ] || return 1
	echo "$best"
}

# Where built initramfs layers are kept between runs.
vm_cache_dir() {
	if [ -n "${IVG_VM_CACHE:-}" ]; then
		echo "$IVG_VM_CACHE"
	elif [ -w /var/cache ] || [ -w /var/cache/ivg-vm ]; then
		echo /var/cache/ivg-vm
	else
		echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/vm"
	fi
}

# The kernel image to boot for version $1. Debian's bzImage spends ~3 s of
# TCG time decompressing itself (xz); a kernel built with CONFIG_PVH boots
# just as well from its uncompressed ELF vmlinux through QEMU's PVH entry,
# so that is extracted once into the cache. Falls back to the bzImage
# (also when IVG_VM_PVH=0).
vm_kernel_image() {
	local ver=$1 bz=/boot/vmlinuz-$1 cache out stamp off magic tool
	if [ "${IVG_VM_PVH:-1}" = 0 ] || ! grep -qs '^CONFIG_PVH=y' "/boot/config-$ver"; then
		echo "$bz"
		return 0
	fi
	cache=$(vm_cache_dir)
	out=$cache/vmlinux-$ver
	stamp=$(stat -L -c '%s %Y %i' "$bz") || return 1
	if [ -s "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "$out"
		return 0
	fi
	mkdir -p "$cache"
	for magic in xz zstd gzip; do
		case $magic in
		xz) off=$(grep -abo $'\xfd7zXZ\x00' "$bz" | head -1 | cut -d: -f1); tool="xz -dcq --single-stream" ;;
		zstd) off=$(grep -abo $'\x28\xb5\x2f\xfd' "$bz" | head -1 | cut -d: -f1); tool="zstd -dcq" ;;
		gzip) off=$(grep -abo $'\x1f\x8b\x08' "$bz" | head -1 | cut -d: -f1); tool="gzip -dcq" ;;
		esac
		[ -n "$off" ] || continue
		tail -c +$((off + 1)) "$bz" | $tool >"$out.tmp.$$" 2>/dev/null
		if [ "$(head -c 4 "$out.tmp.$$" | tail -c 3)" = ELF ]; then
			mv -f "$out.tmp.$$" "$out"
			echo "$stamp" >"$out.stamp"
			echo "$out"
			return 0
		fi
	done
	rm -f "$out.tmp.$$"
	echo "$bz"
}

# QEMU's arguments for accelerator $1 (tcg or kvm), one a line.
vm_accel_args() {
	case $1 in
	tcg) printf '%s\n' -accel tcg ;;
	kvm) printf '%s\n' -accel kvm -cpu host ;;
	*) return 1 ;;
	esac
}

# The accelerator for boot.sh: "kvm" when /dev/kvm opens and a guest runs
# under KVM with boot.sh's arguments (a boot sector that prints on COM1
# under SeaBIOS within 5 s; on some hosts QEMU cannot set the host CPU's
# registers, or the guest hangs), else "tcg".
vm_accel() {
	local d rc
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo tcg; return 0; }
	d=$(mktemp -d "${TMPDIR:-/tmp}/ivg-kvm-XXXXXX") || { echo tcg; return 0; }
	# xor ax,ax; mov ds,ax; cld; mov si,msg; mov dx,0x3f8; l: lodsb;
	# test al,al; jz h; out dx,al; jmp l; h: cli; hlt; jmp h; msg: ...
	{
		printf '\x31\xc0\x8e\xd8\xfc\xbe\x17\x7c\xba\xf8\x03\xac\x84\xc0\x74\x03\xee\xeb\xf8\xfa\xf4\xeb\xfc'
		printf 'IVG-KVM-OK\r\n\0'
	} >"$d/boot.img"
	truncate -s 510 "$d/boot.img"
	printf '\x55\xaa' >>"$d/boot.img"
	truncate -s 1M "$d/boot.img"
	# shellcheck disable=SC2046 # one argument a line
	timeout 6 qemu-system-x86_64 $(vm_accel_args kvm) -machine pc -m 32 -nodefaults -no-user-config \
		-display none -serial "file:$d/console" -drive "if=virtio,format=raw,file=$d/boot.img,readonly=on" \
		</dev/null >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 25); do
		grep -q IVG-KVM-OK "$d/console" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	grep -q IVG-KVM-OK "$d/console" 2>/dev/null && rc=kvm || rc=tcg
	kill "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	rm -rf "$d"
	echo "$rc"
}
