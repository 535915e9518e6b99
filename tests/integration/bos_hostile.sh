#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Hostile BOS archives (issue 4 item 3), one case each, refused with a
# message naming the entry: "../" entries, absolute paths, symlinks that
# point outside followed by writes through them (and a symlink replaced
# by a file rather than written through), device nodes where none
# belong (a BOS: only under dev/, hard links to them too; an OPP: none,
# nor FIFOs), and size
# bombs (one entry, or a total, larger than the target: refused cleanly,
# quickly, the target's filesystem still clean). bosadd refuses what a
# path alone betrays, with the IVG byte-identical; the restore refuses
# the rest. The archives are written by Python's tarfile, which stores
# any name it is given.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/bos_lib.bash"
cd "$T"
for t in python3 e2fsck; do
	command -v $t >/dev/null || { echo "needs $t"; exit 77; }
done
bos_tool_build "$T/bos_tool" || die "cannot build bos_tool"
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 32m --oppfs-size 8m \
	hvg d0.img >/dev/null || die "ivgcreate"
scratch_vg tgt.img 40M tgtvg root
off=$(lv_offset tgt.img)
D=d0.img,tgt.img

# mktar OUT SPEC...: SPEC is TYPE:NAME[:ARG] with TYPE f (ARG bytes of
# zeros), d, l (symlink to ARG), h (hard link to ARG), c, b (device
# numbers ARG as MAJ,MIN), p (FIFO).
mktar() {
	python3 - "$@" <<'PY'
import io, sys, tarfile
out, specs = sys.argv[1], sys.argv[2:]
mode = "w:gz" if out.endswith("gz") else "w"
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
with tarfile.open(out, mode, format=tarfile.GNU_FORMAT) as t:
    for s in specs:
        typ, name, arg = (s.split(":", 2) + [""])[:3]
        i = tarfile.TarInfo(name)
        i.mode = 0o755 if typ == "d" else 0o644
        i.type = {"f": tarfile.REGTYPE, "d": tarfile.DIRTYPE, "l": tarfile.SYMTYPE,
                  "h": tarfile.LNKTYPE, "c": tarfile.CHRTYPE, "b": tarfile.BLKTYPE,
                  "p": tarfile.FIFOTYPE}[typ]
        data = None
        if typ == "f":
            i.size = int(arg or 0); data = Zeros(i.size)
        elif typ in "lh":
            i.linkname = arg
        elif typ in "cb":
            i.devmajor, i.devminor = map(int, arg.split(","))
        t.addfile(i, data)
PY
}
fsck_target() {
	local l
	l=$(loop_file -r -o "$off" tgt.img)
	e2fsck -fn "$l" >fsck.out 2>&1 || die "$1: e2fsck of the target: $(cat fsck.out)"
	losetup -d "$l"
}
# refused_by_bosadd TAR PATTERN: bosadd says so, the IVG is unchanged.
refused_by_bosadd() {
	sums d0.img >before
	expect_fail 5 "$2" bosadd --devices d0.img hvg hostile "$1"
	sums d0.img | cmp -s - before || die "a refused bosadd of $1 wrote"
}
# refused_by_untar TAR PATTERN [opp]: the restore path refuses it too.
refused_by_untar() {
	expect_fail 5 "$2" ./bos_tool untar $D tgtvg root "$1" ${3:-}
	fsck_target "$1"
}
# refused_by_restore TAR PATTERN: bosadd takes it, the restore refuses.
refused_by_restore() {
	bosadd --devices d0.img --replace hvg hostile "$1" >/dev/null || die "bosadd $1"
	expect_fail 5 "$2" ./bos_tool restore $D hvg hostile tgtvg root
	fsck_target "$1"
}

# --- 1. "../" entries --------------------------------------------------------
mktar dotdot.tar d:etc f:etc/ok:3 f:../escape:5
mktar dotdot2.tar d:a f:a/../../escape:5
mktar dotdot3.tar f:ok:1 h:link:../../etc/passwd
refused_by_bosadd dotdot.tar 'entry "\.\./escape": refused: a "\.\." component'
refused_by_bosadd dotdot2.tar 'entry "a/\.\./\.\./escape": refused: a "\.\." component'
refused_by_bosadd dotdot3.tar 'entry "\.\./\.\./etc/passwd": refused: a "\.\." component'
refused_by_untar dotdot.tar 'entry "\.\./escape": refused'
refused_by_untar dotdot3.tar 'entry "\.\./\.\./etc/passwd": refused'
ok "'../' entries (and a hard link to ../..) refused by bosadd and by the restore, naming the entry"

# --- 2. absolute paths -------------------------------------------------------
mktar abs.tar d:etc f:/etc/evil:4
mktar abs2.tar f:ok:1 h:hl:/etc/shadow
refused_by_bosadd abs.tar 'entry "/etc/evil": refused: an absolute path'
refused_by_bosadd abs2.tar 'entry "/etc/shadow": refused: an absolute path'
refused_by_untar abs.tar 'entry "/etc/evil": refused: an absolute path'
ok "absolute paths (and a hard link to one) refused, naming the entry"

# --- 3. symlinks pointing outside, written through ----------------------------
mktar sym.tar d:etc l:etc/evil:/etc f:etc/evil/passwd:10
mktar sym2.tar l:up:.. f:up/up/escape:10
mktar sym3.tar d:etc l:etc/evil:/etc/shadow h:etc/x:etc/evil/shadow
mktar sym4.tar d:etc l:etc/shadow:/etc/shadow f:etc/shadow:7
refused_by_restore sym.tar 'entry "etc/evil/passwd": refused: a symbolic link is not followed: "etc/evil"'
refused_by_restore sym2.tar 'entry "up/up/escape": refused: a symbolic link is not followed: "up"'
refused_by_restore sym3.tar 'entry "etc/x": refused: a symbolic link is not followed: "etc/evil"'
out=$(./bos_tool untar $D tgtvg root sym4.tar) || die "untar sym4.tar: $out"
l=$(loop_file -r -o "$off" tgt.img)
mkdir -p mnt && mount -o ro "$l" mnt
kind=$(stat -c %F mnt/etc/shadow); size=$(stat -c %s mnt/etc/shadow)
umount mnt; losetup -d "$l"
[ "$kind" = "regular empty file" ] || [ "$kind" = "regular file" ] || die "etc/shadow is a $kind"
[ "$size" = 7 ] || die "etc/shadow has $size bytes"
ok "symlinks pointing outside are never followed: writes and hard links through them refused naming the entry; a file replaces a symlink of its name instead of writing through it"

# --- 4. device nodes where none belong -----------------------------------------
mktar dev.tar d:etc b:etc/sda:8,0
mktar devok.tar d:dev c:dev/null:1,3 b:dev/sda:8,0 p:dev/initctl
mktar fifo.tar d:run p:run/fifo
mktar devlink.tar d:dev c:dev/null:1,3 d:etc h:etc/null:dev/null
refused_by_bosadd dev.tar 'entry "etc/sda": refused: device nodes are allowed only under dev/'
refused_by_untar dev.tar 'entry "etc/sda": refused: device nodes are allowed only under dev/'
./bos_tool untar $D tgtvg root devok.tar >/dev/null || die "a BOS's dev/ nodes refused"
refused_by_restore devlink.tar 'a hard link to "dev/null": entry "etc/null": refused: device nodes are allowed only under dev/'
refused_by_untar devok.tar 'entry "dev/null": refused: device nodes are not allowed in this archive' opp
refused_by_untar fifo.tar 'entry "run/fifo": refused: FIFOs and sockets are not allowed in this archive' opp
ok "device nodes: a BOS may hold them only under dev/ (a hard link is judged as its target), an OPP archive none (nor FIFOs); refused naming the entry"

# --- 5. size bombs ------------------------------------------------------------
mktar bomb.tar.gz d:big f:big/zeros:$((400 << 20))
mktar bombs.tar.gz d:many $(for i in $(seq 1 12); do echo "f:many/z$i:$((4 << 20))"; done)
[ "$(stat -c %s bomb.tar.gz)" -lt $((2 << 20)) ] || die "the bomb is not small"
start=$(date +%s)
refused_by_restore bomb.tar.gz 'entry "big/zeros": 419430400 bytes do not fit in the target filesystem \([0-9]+ bytes free\)'
[ $(( $(date +%s) - start )) -lt 60 ] || die "the bomb took $(( $(date +%s) - start )) s"
refused_by_restore bombs.tar.gz 'entry "many/z[0-9]+": (4194304 bytes do not fit|.*no space left in the target filesystem)'
ok "size bombs: a 400 MiB entry in a $(stat -c %s bomb.tar.gz)-byte archive refused before it is written, twelve 4 MiB entries fail at the one that does not fit; quickly, the target clean"
