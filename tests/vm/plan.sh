# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Plans and stages the layers of a guest's initramfs or root tree (sourced
# by mkinitramfs.sh and mkbos.sh, after common.sh; not run).
# The plan of a layer: lines "f DST SRC" (copy), "m DST SRC" (module,
# decompressed), "l DST TARGET" (symlink), tab-separated; DST is the path
# in the guest with /bin, /sbin, /lib, /lib64 folded into /usr (the guest
# is merged-/usr like Debian).
declare -a plan
declare -A planned
canon() { # path -> $C (no subshell: forks are slow here)
	case $1 in
	/bin/* | /sbin/* | /lib/* | /lib64/*) C="/usr$1" ;;
	*) C=$1 ;;
	esac
}
add() { # kind dst src
	[ -n "${planned[$2]:-}" ] && return 0
	planned[$2]=1
	plan+=("$1"$'\t'"$2"$'\t'"$3")
}
# A program and every shared library it loads (ldd, with the loader).
add_elf() { # src dst
	local src=$1 dst=$2 libs lib
	add f "$dst" "$src"
	if libs=$(ldd "$src" 2>/dev/null); then
		while read -r lib; do
			case $lib in
			NOTFOUND:*) vm_die "$src: library ${lib#NOTFOUND:} not found" ;;
			/*) canon "$lib"; add f "$C" "$lib" ;;
			esac
		done < <(echo "$libs" | awk '/=>/ { if ($3 ~ /^\//) print $3; else if ($3 == "not") print "NOTFOUND:" $1; next }
			$1 ~ /^\// { print $1 }')
	fi
}
hostpath() { command -v "$1" 2>/dev/null; }

# Kernel modules NAME... of version VER with their dependencies, in the
# order modprobe would insert them; $modorder gets that order (one
# decompressed guest path a line).
plan_modules() { # ver name...
	local ver=$1 line seen=" " order="" n t
	shift
	for n in "$@"; do
		while read -r line; do
			# shellcheck disable=SC2086 # split "insmod PATH [ARGS]"
			set -- $line
			[ "${1:-}" = insmod ] || continue
			case $seen in *" $2 "*) continue ;; esac
			seen="$seen$2 "
			t=${2%.xz}; t=${t%.zst}; t=${t%.gz}
			canon "$t"
			add m "$C" "$2"
			order="$order$t"$'\n'
		done < <(modprobe -S "$ver" --show-depends "$n" 2>/dev/null || vm_die "no module $n for $ver")
	done
	# shellcheck disable=SC2034 # read by the caller
	modorder=$order
}

stage_plan() { # dir
	local root=$1 k d s
	for l in "${plan[@]}"; do
		IFS=$'\t' read -r k d s <<<"$l"
		mkdir -p "$root$(dirname "$d")"
		case $k in
		f) cp -L --remove-destination --preserve=mode "$s" "$root$d" ;;   # never through a link there
		l) ln -sfn "$s" "$root$d" ;;
		m)
			case $s in
			*.xz) xz -dc "$s" >"$root$d" ;;
			*.zst) zstd -dcq "$s" >"$root$d" ;;
			*.gz) gzip -dc "$s" >"$root$d" ;;
			*) cp "$s" "$root$d" ;;
			esac
			;;
		esac
	done
}

pack() { # dir out
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) >"$2.tmp.$$"
	mv -f "$2.tmp.$$" "$2"
}

# lvm.conf of a guest without udev or daemons: comment line(s) $1, then
# the sections $2 (may be empty), then devices and activation.
guest_lvm_conf() { # comment sections
	local ddf=""
	lvm lvmconfig --typeconfig default devices/use_devicesfile >/dev/null 2>&1 &&
		ddf="use_devicesfile = 0"
	printf '%s\n%s' "$1" "$2"
	cat <<CONF
devices {
	obtain_device_list_from_udev = 0
	external_device_info_source = "none"
	$ddf
}
activation {
	udev_sync = 0
	udev_rules = 0
	verify_udev_operations = 0
	monitoring = 0
}
CONF
}
