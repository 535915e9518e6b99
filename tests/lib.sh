# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the integration tests. Source it first thing.
# Every test gets its own directory, its own LVM_SYSTEM_DIR whose filter
# admits only the loop devices it creates, and a cleanup trap that
# detaches those loops and removes the directory even when it fails.
set -eu
if [ "$(id -u)" != 0 ]; then echo "needs root (loop devices)"; exit 77; fi
export PATH="$IVG_BIN:$PATH:/usr/sbin:/sbin"
T=$(mktemp -d /tmp/ivg-it-XXXXXX)
# Loop devices are recorded in a file: helpers run in $( ) subshells.
: >"$T/loops"
export LVM_SYSTEM_DIR="$T/lvm"
mkdir -p "$LVM_SYSTEM_DIR"
# lvm2's and ivg's VG locks (flock) in the test's own directory, so that
# tests running side by side with the same VG names never wait on
# each other, and a test that kills a holder leaves nothing behind.
LOCK_DIR="$T/lock"
# Work directories of commands a test kills (crash walks) go with $T.
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
printf 'global { locking_dir = "%s" }\n' "$LOCK_DIR" >"$LVM_SYSTEM_DIR/lvm.conf"

cleanup() {
	rc=$?
	# What the commands under test mounted and attached in $T, too.
	for m in $(findmnt -rn -o TARGET | grep "^$T/" | sort -r); do umount "$m" 2>/dev/null || true; done
	for l in $(losetup -nO NAME,BACK-FILE | awk -v t="$T/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	# Loops that ivg attached over the test's own loop devices (LVs of a
	# PV on a loop) hold those open: detach them first.
	for l in $(losetup -nO NAME,BACK-FILE | awk 'NR == FNR { mine[$1] = 1; next } ($2 in mine) {print $1}' "$T/loops" - 2>/dev/null); do
		losetup -d "$l" 2>/dev/null || true
	done
	# A recorded loop that was detached already may be another test's now.
	for l in $(tac "$T/loops" 2>/dev/null); do
		case $(losetup -nO BACK-FILE "$l" 2>/dev/null) in
		"$T"/*) losetup -d "$l" 2>/dev/null || true ;;
		esac
	done
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT INT TERM

die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# lvm.conf admitting only the given devices; lvm2 takes the host's name
# as its system ID, as ivg does, so that it sees the IVGs ivg holds here
# as its own (lvmsystemid(7)).
lvm_filter() {
	acc=""
	for d in "$@"; do acc="$acc\"a|^$d\$|\", "; done
	cat >"$LVM_SYSTEM_DIR/lvm.conf" <<CONF
devices { filter = [ $acc"r|.*|" ] global_filter = [ $acc"r|.*|" ] obtain_device_list_from_udev = 0 write_cache_state = 0 }
global { use_lvmetad = 0 system_id_source = "uname" locking_dir = "$LOCK_DIR" }
activation { udev_sync = 0 udev_rules = 0 }
backup { backup = 0 archive = 0 }
CONF
}

# lvm with device-mapper off; hides the leaked-fd chatter.
lvmq() {
	LVM_SUPPRESS_FD_WARNINGS=1 lvm "$@" --driverloaded n
}

# Byte offset and size of partition N of an image (sfdisk -J).
part_offset() { sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].start * 512"; }
part_size() { sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].size * 512"; }

# Rewrite metadata area N (1 or 2) of the PV label in the LVM partition
# of an IVG image to OFFSET and SIZE, and set the label's CRC right: a
# damaged (or hostile) disk whose label still reads as valid.
pv_label_set_mda() {   # IMG N OFFSET SIZE
	python3 - "$1" "$(part_offset "$1" 3)" "$2" "$3" "$4" <<'PY'
import struct, sys, zlib
img, base, n, off, size = sys.argv[1], *map(int, sys.argv[2:])
with open(img, "r+b") as f:
    f.seek(base + 512)
    s = bytearray(f.read(512))
    # The PV header at 32: UUID, device size, the data area and its
    # terminator, then the metadata areas (label.h).
    struct.pack_into("<QQ", s, 72 + 32 + 16 * (n - 1), off, size)
    crc = ~zlib.crc32(bytes(s[20:]), ~0xF597A6CF & 0xFFFFFFFF) & 0xFFFFFFFF
    struct.pack_into("<I", s, 16, crc)
    f.seek(base + 512)
    f.write(s)
PY
}

# A loop device over the LVM partition (3) of an IVG image.
loop_pv() {
	l=$(losetup -f --show -o "$(part_offset "$1" 3)" --sizelimit "$(part_size "$1" 3)" "$1")
	echo "$l" >>"$T/loops"
	echo "$l"
}

# The byte offset in IMG (the IVG disk layout) of the first segment of
# LV VG/LV, whose PV lvm2 reads through the loop device LOOP (lvm_filter).
lv_offset() {   # IMG LOOP VG/LV
	local r pe ext
	r=$(lvmq lvs --noheadings -o seg_pe_ranges "$3" 2>/dev/null | tr -d ' ')
	pe=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$2" 2>/dev/null | tr -d ' ')
	ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size "${3%/*}" 2>/dev/null | tr -d ' ')
	r=${r#*:}
	echo $(($(part_offset "$1" 3) + pe + ${r%-*} * ext))
}

loop_file() {
	l=$(losetup -f --show "$@")
	echo "$l" >>"$T/loops"
	echo "$l"
}

# Checksums of files, to prove nothing was written.
sums() { sha256sum "$@"; }

# Run a command that must fail with exit code $1 and a message matching $2.
expect_fail() {
	code=$1 pat=$2
	shift 2
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	[ "$rc" = "$code" ] || die "'$*' exited $rc, expected $code: $out"
	echo "$out" | grep -qE -- "$pat" || die "'$*' said '$out', expected /$pat/"
	ok "$* -> $code: $(echo "$out" | grep -E -- "$pat" | head -1 | sed 's/^ *//')"
}

# The QEMU guest harness (tests/vm): check it (tests/vm/setup.sh), or exit
# 77 naming what is missing, which the runner counts as a failure. Sets VM
# to the harness directory.
vm_harness_or_skip() {
	VM=$(cd "$(dirname "${BASH_SOURCE[0]}")/vm" && pwd)
	if ! "$VM/setup.sh" >/dev/null 2>"$T/setup.err"; then
		cat "$T/setup.err"
		echo "QEMU guest harness not available: $(tail -1 "$T/setup.err")"
		exit 77
	fi
}

# The committed metadata text of an IVG image's PV (partition 3, first
# metadata area): "mda_text IMG get" prints it without its NUL; "mda_text
# IMG put FILE" writes FILE in its place with the text and header CRCs
# right, for texts lvm2's own tools would not write (damaged, hostile).
mda_text() {
	python3 - "$(part_offset "$1" 3)" "$@" <<'PY'
import struct, sys, zlib
pv, img, op = int(sys.argv[1]), sys.argv[2], sys.argv[3]
crc = lambda b: ~zlib.crc32(b, ~0xF597A6CF & 0xFFFFFFFF) & 0xFFFFFFFF
with open(img, 'r+b') as f:
    f.seek(pv + 4096)
    h = bytearray(f.read(512))
    if h[4:20] != b' LVM2 x[5A%r0N*>' or crc(bytes(h[4:])) != struct.unpack_from('<I', h)[0]:
        sys.exit(img + ': no valid metadata area header at 4096')
    start, size = struct.unpack_from('<QQ', h, 24)
    off, length, tcrc = struct.unpack_from('<QQI', h, 40)
    f.seek(pv + start + off)
    old = f.read(length)
    if off + length > size or crc(old) != tcrc:
        sys.exit(img + ': committed text wraps or has a bad checksum')
    if op == 'get':
        sys.stdout.buffer.write(old.rstrip(b'\0'))
        sys.exit(0)
    new = open(sys.argv[4], 'rb').read().rstrip(b'\0') + b'\0'
    if off + len(new) > size:
        sys.exit(img + ': the new text does not fit before the end of the area')
    f.seek(pv + start + off)
    f.write(new)
    struct.pack_into('<QI', h, 48, len(new), crc(new))
    struct.pack_into('<I', h, 0, crc(bytes(h[4:])))
    f.seek(pv + 4096)
    f.write(h)
PY
}

# kill_at_random N CMD...: run CMD once to time it, then N times in the
# background, each sent SIGKILL after a random moment within that time;
# prints how many it killed before they completed.
kill_at_random() {
	local n=$1 max i pid rc kills=0 t0
	shift
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	max=$((($(date +%s%N) - t0) / 1000000 + 1))
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep "$(awk -v r="$RANDOM" -v m="$max" 'BEGIN { printf "%.3f", (r % m) / 1000 }')"
		kill -9 "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		[ "$rc" != 137 ] || kills=$((kills + 1))
	done
	echo "$kills"
}
