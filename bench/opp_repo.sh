#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The OPP repository against the peer indexers, in the same run (issue 7):
#   1. add one package to a repository of N entries (default 10,000) with
#      oppadd (libext2fs, no mount: copy, TOC rewrite, VG commit), against
#      regenerating the index of the same N packages with
#      dpkg-scanpackages. Goal: oppadd at least 100x faster.
#   2. a full TOC rebuild over M .deb files (default 2,000) with
#      opptoc --rebuild (images read from oppfs and hashed by worker
#      threads), against apt-ftparchive packages over the same files in a
#      directory. Goal: faster.
# The packages are built here: one with dpkg-deb, the others cloned from
# it with their own control files (checked with dpkg-deb --info), plus a
# few real ones from apt-get download when the network allows. Page cache warm for
# both sides; medians of BENCH_RUNS runs (the slow peer of part 1 runs
# BENCH_SCAN_RUNS times).
#
# Environment: IVG_BIN (default build/bin), BENCH_OPP_N (10000),
# BENCH_OPP_REBUILD_N (2000), BENCH_RUNS (5), BENCH_SCAN_RUNS (1),
# BENCH_STRICT=1 (exit 1 when a goal is missed), BENCH_QUICK=1 (make
# check's run: 50 packages, one run, no real packages downloaded).
# Measured (2-core VM, load average 5-10 from other work, 2026-11-29):
#   add one to 10,003 entries: oppadd 0.53 s, dpkg-scanpackages 1426 s: 2682x
#   add one to 2,003 entries:  oppadd 0.15 s, dpkg-scanpackages  246 s: 1598x
#   rebuild over 2,000 .deb:   opptoc --rebuild 0.42 s, apt-ftparchive 0.63 s: 1.48x
# Reproduce: make bench   or   IVG_BIN=$PWD/build/bin bench/opp_repo.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IVG_BIN=$(cd "${IVG_BIN:-$here/../build/bin}" && pwd)
export PATH="$IVG_BIN:$PATH:/usr/sbin:/sbin"
if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_OPP_N:=50}" "${BENCH_OPP_REBUILD_N:=50}" "${BENCH_RUNS:=1}"
fi
N=${BENCH_OPP_N:-10000}
M=${BENCH_OPP_REBUILD_N:-2000}
RUNS=${BENCH_RUNS:-5}
SCAN_RUNS=${BENCH_SCAN_RUNS:-1}

say() { echo "opp_repo: $*"; }
die() { echo "opp_repo: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
for t in oppadd opptoc dpkg-deb dpkg-scanpackages apt-ftparchive python3 bc; do
	command -v "$t" >/dev/null || die "$t not found (make deps installs it)"
done

T=$(mktemp -d /tmp/ivg-bench-opp-XXXXXX)
export LVM_SYSTEM_DIR="$T/lvm"
mkdir -p "$LVM_SYSTEM_DIR"
trap 'rm -rf "$T"' EXIT
cd "$T"

# Wall-clock seconds of one command (output discarded).
secs() { python3 -c 'import subprocess,sys,time
t=time.perf_counter(); r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE)
d=time.perf_counter()-t
if r.returncode: sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)
print("%.6f"%d)' "$@"; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# --- packages ---------------------------------------------------------------
# dpkg-deb builds one package; every other one is that package with its
# own control file (name, version, description), written out as the same
# ar archive with a new control.tar.gz, so that 10,000 take seconds, not
# an hour of dpkg-deb runs. A sample is checked with dpkg-deb --info.
mkdir -p tmpl/DEBIAN tmpl/usr/share/doc/bench
head -c 2048 /dev/urandom | base64 >tmpl/usr/share/doc/bench/README
printf 'Package: bench\nVersion: 1\nArchitecture: all\nMaintainer: Bench <bench@example.com>\nDescription: t\n' \
	>tmpl/DEBIAN/control
dpkg-deb -Zgzip --build tmpl tmpl.deb >/dev/null
mkpkgs() {   # DIR FIRST LAST: benchNNNNN_1.0-N_all.deb
	mkdir -p "$1"
	python3 - "$T/tmpl.deb" "$1" "$2" "$3" <<'PY'
import io, sys, tarfile, time
src, out, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
raw = open(src, "rb").read()
assert raw[:8] == b"!<arch>\n"
members, pos = [], 8
while pos < len(raw):
    h = raw[pos:pos + 60]; size = int(h[48:58]); name = h[:16].decode().strip().rstrip("/")
    members.append((name, raw[pos + 60:pos + 60 + size])); pos += 60 + size + (size & 1)
def arm(name, data):
    h = "%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name, int(time.time()), 0, 0, "100644", len(data))
    return h.encode() + data + (b"\n" if len(data) & 1 else b"")
for i in range(first, last + 1):
    n = "bench%05d" % i
    ctl = ("Package: %s\nVersion: 1.0-%d\nArchitecture: all\nMaintainer: Bench <bench@example.com>\n"
           "Depends: libc6\nDescription: benchmark package %d\n Generated for the OPP repository benchmark.\n" % (n, i, i)).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT) as t:
        ti = tarfile.TarInfo("./control"); ti.size = len(ctl); ti.mode = 0o644; ti.mtime = int(time.time())
        t.addfile(ti, io.BytesIO(ctl))
    parts = [arm("debian-binary", dict(members)["debian-binary"]), arm("control.tar.gz", buf.getvalue())]
    parts += [arm(nm, d) for nm, d in members if nm.startswith("data.tar")]
    open("%s/%s_1.0-%d_all.deb" % (out, n, i), "wb").write(b"!<arch>\n" + b"".join(parts))
PY
	for f in $(ls "$1" | head -3); do
		dpkg-deb --info "$1/$f" control >/dev/null || die "generated package $f is not valid for dpkg-deb"
	done
}
real=0
mkdir -p real && [ -z "${BENCH_QUICK:-}" ] && (cd real && timeout 60 apt-get download -q hello jq libjq1 >/dev/null 2>&1) && real=$(ls real | wc -l) || true
say "building $N packages with dpkg-deb (+$real real ones from apt-get download) ..."
start=$(date +%s)
mkpkgs "$T/pkgs" 1 "$N"
cp real/*.deb pkgs/ 2>/dev/null || true
mkpkgs "$T/extra" $((N + 1)) $((N + RUNS + 1))
say "built in $(( $(date +%s) - start )) s"

# --- 1. add one package to a repository of N ---------------------------------
ivgcreate -y --no-boot-image --devices img0 --size 1g --bootlv-size 16m --bosfs-size 16m \
	--oppfs-size 600m bvg img0 >/dev/null
start=$(date +%s.%N)
oppadd --devices img0 bvg pkgs/*.deb >add.log || { cat add.log; die "populating"; }
say "populated: $(grep -o 'generation.*OPP(s)' add.log) in $(echo "$(date +%s.%N) - $start" | bc) s"
extra=(extra/*.deb)
adds=()
for ((k = 0; k < RUNS; k++)); do
	adds+=("$(secs oppadd --devices img0 bvg "${extra[$k]}")")
done
add=$(printf '%s\n' "${adds[@]}" | median)
scans=()
for ((k = 0; k < SCAN_RUNS; k++)); do
	scans+=("$(secs sh -c 'dpkg-scanpackages -m pkgs /dev/null >Packages 2>/dev/null')")
done
scan=$(printf '%s\n' "${scans[@]}" | median)
ratio1=$(echo "scale=1; $scan / $add" | bc)
say "add one to $(ls pkgs | wc -l) entries: oppadd ${add} s (median of $RUNS), dpkg-scanpackages ${scan} s: ${ratio1}x (goal 100x)"
oppck --devices img0 bvg >/dev/null || die "oppck after the runs"

# --- 2. full rebuild over M .deb files ---------------------------------------
mkdir -p rb
all=(pkgs/*.deb)
cp "${all[@]:0:$M}" rb/
ivgcreate -y --no-boot-image --devices img1 --size 512m --bootlv-size 16m --bosfs-size 16m \
	--oppfs-size 300m rvg img1 >/dev/null
oppadd --devices img1 rvg rb/*.deb >/dev/null || die "populating rvg"
rebuilds=() ftps=()
for ((k = 0; k < RUNS; k++)); do
	rebuilds+=("$(secs opptoc --rebuild --devices img1 rvg)")
	ftps+=("$(secs sh -c 'apt-ftparchive packages rb >Packages.ftp 2>/dev/null')")
done
rebuild=$(printf '%s\n' "${rebuilds[@]}" | median)
ftp=$(printf '%s\n' "${ftps[@]}" | median)
ratio2=$(echo "scale=2; $ftp / $rebuild" | bc)
say "rebuild over $(ls rb | wc -l) .deb: opptoc --rebuild ${rebuild} s, apt-ftparchive ${ftp} s: ${ratio2}x (goal > 1, $(nproc) CPUs)"
oppck --devices img1 rvg >/dev/null || die "oppck after rebuild"

if [ "${BENCH_STRICT:-0}" = 1 ]; then
	[ "$(echo "$ratio1 >= 100" | bc)" = 1 ] || die "add: ${ratio1}x < 100x"
	[ "$(echo "$ratio2 > 1" | bc)" = 1 ] || die "rebuild: ${ratio2}x <= 1x"
fi
