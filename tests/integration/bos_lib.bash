# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the BOS tests (bos_*.sh) and bench/bos_restore.sh: build
# tests/unit/bos_tool.c against the libivg.a next to $IVG_BIN (with the
# sanitizers when that library has them), and make a scratch LVM2 VG
# with stock lvm2 on an image file for a restore target.

BOS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# bos_tool_build OUT: compile the tool into OUT.
bos_tool_build() {
	local top=$BOS_TOP lib san="" pkgs="ext2fs com_err fdisk blkid mount json-c libarchive devmapper uuid zlib libcrypto liburing"
	lib=$(cd "$IVG_BIN/.." && pwd)/libivg.a
	[ -f "$lib" ] || { echo "no $lib"; return 1; }
	nm "$lib" 2>/dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
	# shellcheck disable=SC2046 # pkg-config prints several flags
	${CC:-cc} -std=gnu11 -O1 -g $san -D_FILE_OFFSET_BITS=64 -I"$top/lvm" -I"$top/opp" -I"$top/boot" \
		-I"$top/bosinstall" $(pkg-config --cflags $pkgs) -o "$1" "$top/tests/unit/bos_tool.c" \
		"$lib" $(pkg-config --libs $pkgs) -laio -pthread
}

# scratch_vg IMG SIZE VG LV: a stock lvm2 VG on IMG (a loop device is
# used for lvm2 only, then detached) with one linear LV taking it all.
scratch_vg() {
	local l
	truncate -s "$2" "$1"
	l=$(loop_file "$1")
	lvm_filter "$l"
	lvmq pvcreate -q "$l" >/dev/null 2>&1 || die "pvcreate on $1"
	lvmq vgcreate -q "$3" "$l" >/dev/null 2>&1 || die "vgcreate $3"
	lvmq lvcreate -q -an -Zn -l 100%FREE -n "$4" "$3" >/dev/null 2>&1 || die "lvcreate $3/$4"
	losetup -d "$l"
}

# lv_offset IMG: the byte offset of the first LV's first extent on a
# whole-file PV (pe_start; the LV starts at extent 0).
lv_offset() {
	local l off
	l=$(loop_file -r "$1")
	lvm_filter "$l"
	off=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$l" 2>/dev/null | tr -d ' ')
	losetup -d "$l"
	echo "$off"
}

# tree_compare SRC DST: every entry of SRC is in DST with the same type,
# mode, owner, group, mtime (to the nanosecond), size, link count, symlink
# target, device number, extended attributes and contents, and DST holds
# nothing more (but lost+found). With a third argument "mke2fs", for a
# tree that mke2fs -d made, mtimes are compared to the second (and its
# low 32 bits: mke2fs -d keeps no epoch bits past 2038) and the
# root's not at all (mke2fs -d copies neither). Prints what differs;
# fails if anything does.
tree_compare() {
	python3 - "$1" "$2" "${3:-}" <<'PY'
import hashlib, os, stat, sys
src, dst = sys.argv[1], sys.argv[2]
coarse = sys.argv[3] == "mke2fs"
def walk(top):
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            out[os.path.relpath(p, top)] = p
    return out
def describe(p):
    st = os.lstat(p)
    x = {k: os.getxattr(p, k, follow_symlinks=False)
         for k in os.listxattr(p, follow_symlinks=False) if k.startswith("user.")}
    d = dict(mode=oct(st.st_mode), uid=st.st_uid, gid=st.st_gid,
             mtime=st.st_mtime_ns // 10**9 % 2**32 if coarse else st.st_mtime_ns,
             nlink=st.st_nlink, xattrs=x)
    if stat.S_ISLNK(st.st_mode):
        d["target"] = os.readlink(p)
    elif stat.S_ISREG(st.st_mode):
        d["size"] = st.st_size
        d["sha"] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        d["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
    return d
a, b = walk(src), walk(dst)
b.pop("lost+found", None)
bad = 0
for k in sorted(set(a) | set(b)):
    if k not in b or k not in a:
        print("only in", "source" if k in a else "restored", k); bad += 1; continue
    da, db = describe(a[k]), describe(b[k])
    if os.path.isdir(a[k]) and not os.path.islink(a[k]):
        da.pop("nlink"); db.pop("nlink")   # a directory's count may differ by lost+found
    if da != db:
        print("differs:", k, da, db); bad += 1
r = dict(describe(src)); r2 = dict(describe(dst)); r.pop("nlink"); r2.pop("nlink")
if coarse:
    r.pop("mtime"); r2.pop("mtime")
if r != r2:
    print("root differs", r, r2); bad += 1
print("compared", len(a), "entries,", bad, "differ")
sys.exit(1 if bad else 0)
PY
}
