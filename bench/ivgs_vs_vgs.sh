#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ivgs against lvm2's vgs on one install VG of 64 PVs and 500 visible LVs,
# each PV on its own loop device (the LVM partition of a sparse image).
# Goal (the issue): ivgs at least 5x faster than `vgs --driverloaded n`.
#
# Both tools run N times, interleaved, in the same run; the first round is
# a warm-up and is discarded; medians of wall-clock times are compared.
# Measured twice: with the page cache warm for both, and (as root) with
# the caches dropped before every single run. "Warm" means the image
# files are in the page cache: a loop device's own cache is dropped at its
# last close, so every run of either tool reads through the loop driver.
#
# Environment:
#   IVG_BIN        directory of the ivg binaries (default: build/bin)
#   BENCH_RUNS     runs per tool and variant, warm-up included (default 10)
#   BENCH_PVS      PVs (default 64)          BENCH_LVS  visible LVs (default 500)
#   BENCH_COLD=0   skip the dropped-caches variant
#   BENCH_HYPERFINE=0  do not cross-check with hyperfine even if installed
#   BENCH_STRICT=1 exit 1 when the warm-cache ratio misses the goal
#   BENCH_KEEP=1   keep the images and loops (prints where) for profiling
#   BENCH_QUICK=1  make check's run: 4 PVs, 20 LVs, one timed run each
#
# Reproduce: make bench   or   IVG_BIN=$PWD/build/bin bench/ivgs_vs_vgs.sh

# Functions below run through traps and variables (cleanup, $prep, ...).
# shellcheck disable=SC2317
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IVG_BIN=${IVG_BIN:-$here/../build/bin}
IVG_BIN=$(cd "$IVG_BIN" && pwd)
export PATH="$IVG_BIN:$PATH:/usr/sbin:/sbin"
if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_PVS:=4}" "${BENCH_LVS:=20}" "${BENCH_RUNS:=2}"
fi
NPV=${BENCH_PVS:-64}
NLV=${BENCH_LVS:-500}
RUNS=${BENCH_RUNS:-10}
GOAL=5
VG=bvg

say() { echo "ivgs_vs_vgs: $*"; }
die() { echo "ivgs_vs_vgs: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (loop devices)"
for t in ivgs ivgcreate lvm losetup sfdisk jq python3; do
	command -v "$t" >/dev/null || die "$t not found"
done
[ "$RUNS" -ge 2 ] || die "BENCH_RUNS must be at least 2 (one is the warm-up)"

T=$(mktemp -d /tmp/ivg-bench-XXXXXX)
export LVM_SYSTEM_DIR="$T/lvm"
mkdir -p "$LVM_SYSTEM_DIR"
LOOPS=()

# Detach exactly the loops over our own images (also those attached by a
# losetup that was interrupted before we recorded its device).
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -n "${BENCH_KEEP:-}" ] && [ "$rc" = 0 ]; then
		say "kept $T (loops: ${LOOPS[*]}); detach with: losetup -d ${LOOPS[*]}"
		exit 0
	fi
	for img in "$T"/img*; do
		[ -f "$img" ] || continue
		for l in $(losetup -n -O NAME -j "$img" 2>/dev/null); do
			losetup -d "$l" 2>/dev/null || true
		done
	done
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lvmq() { LVM_SUPPRESS_FD_WARNINGS=1 lvm "$@" --driverloaded n; }

cd "$T"

# --- The VG -----------------------------------------------------------------
say "creating VG $VG: $NPV PVs (96 MiB sparse images) ..."
imgs=()
for ((i = 0; i < NPV; i++)); do imgs+=("img$i"); done
# The images on two disks (--copies 2): mirrored on all 64, bosfs and
# oppfs would leave too few extents for 500 LVs. bootlv still has a leg
# on every disk.
ivgcreate -y --no-boot-image --devices img0 -s 1m --size 96m --bootlv-size 4m \
	--bosfs-size 8m --oppfs-size 8m --copies 2 "$VG" "${imgs[@]}" >ivgcreate.log 2>&1 ||
	{ cat ivgcreate.log >&2; die "ivgcreate"; }

# A loop over the LVM partition (GPT partition 3) of every image.
for img in "${imgs[@]}"; do
	read -r start size < <(sfdisk -J "$img" |
		jq -r '.partitiontable.partitions[2] | "\(.start * 512) \(.size * 512)"')
	l=$(losetup -f --show -o "$start" --sizelimit "$size" "$img")
	LOOPS+=("$l")
done
DEVS=$(IFS=,; echo "${LOOPS[*]}")

# lvm2 sees only our loops, keeps no backups and writes no shared state.
# Its system ID is the node name, as ivg's: ivgcreate made this host the
# VG's holder, and lvm2 ignores a VG held by another system ID.
acc=""
for l in "${LOOPS[@]}"; do acc="$acc\"a|^$l\$|\", "; done
cat >"$LVM_SYSTEM_DIR/lvm.conf" <<CONF
devices { filter = [ $acc"r|.*|" ] global_filter = [ $acc"r|.*|" ] obtain_device_list_from_udev = 0 write_cache_state = 0 hints = "none" use_devicesfile = 0 }
global { use_lvmetad = 0 system_id_source = "uname" }
activation { udev_sync = 0 udev_rules = 0 }
backup { backup = 0 archive = 0 }
CONF

# --- 500 visible LVs: append small linear LVs to the metadata -----------------
have=$(lvmq vgs --noheadings -o lv_count "$VG" 2>/dev/null | tr -d ' ')
[ -n "$have" ] || die "lvm2 does not see VG $VG on the loops"
add=$((NLV - have))
say "lvm2 sees $have visible LVs; adding $add linear LVs of one extent ..."
if [ "$add" -gt 0 ]; then
	lvmq vgcfgbackup -f vg.txt "$VG" >/dev/null 2>&1 || die "vgcfgbackup"
	# Free extents per PV as "pv_uuid:start:size" (free segments have no LV).
	lvmq pvs --noheadings --segments --separator : \
		-o pv_uuid,pvseg_start,pvseg_size,lv_name 2>/dev/null |
		tr -d ' ' | awk -F: '$4 == "" { print $1 ":" $2 ":" $3 }' >free.txt
	python3 - vg.txt free.txt "$add" <<'PY' || die "adding LVs to the metadata"
import random, re, string, sys

path, free_path, add = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(path).read()
rng = random.Random(0x1f6)

# pvN names by PV UUID, from the physical_volumes section.
pv_by_uuid = {m.group(2): m.group(1) for m in
              re.finditer(r'^\s*(pv\d+) \{\s*\n\s*id = "([^"]+)"', text, re.M)}
# Free extents, one list per PV, then handed out round-robin over the PVs.
free = {}
for line in open(free_path):
    uuid, start, size = line.strip().split(':')
    free.setdefault(pv_by_uuid[uuid], []).extend(range(int(start), int(start) + int(size)))
pvs = sorted(free, key=lambda n: int(n[2:]))
slots = []
while any(free[p] for p in pvs):
    for p in pvs:
        if free[p]:
            slots.append((p, free[p].pop(0)))
if len(slots) < add:
    sys.exit("only %d free extents for %d LVs" % (len(slots), add))

def uuid():
    a = string.ascii_letters + string.digits
    u = ''.join(rng.choice(a) for _ in range(32))
    return '-'.join((u[0:6], u[6:10], u[10:14], u[14:18], u[18:22], u[22:26], u[26:32]))

lvs = []
for i in range(add):
    pv, pe = slots[i]
    lvs.append('\n\t\tblv%04d {\n\t\t\tid = "%s"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n'
               '\t\t\tflags = []\n\t\t\tsegment_count = 1\n\n\t\t\tsegment1 {\n'
               '\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 1\n\n'
               '\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\n'
               '\t\t\t\tstripes = [\n\t\t\t\t\t"%s", %d\n\t\t\t\t]\n\t\t\t}\n\t\t}\n'
               % (i, uuid(), pv, pe))
# After the existing LVs, as LVs created later would be: find the brace
# that closes logical_volumes (skipping quoted strings).
m = re.search(r'^\s*logical_volumes \{', text, re.M)
if not m:
    sys.exit("no logical_volumes section")
depth, i, quoted = 1, m.end(), False
while depth:
    c = text[i]
    if quoted:
        if c == '\\':
            i += 1
        elif c == '"':
            quoted = False
    elif c == '"':
        quoted = True
    elif c == '{':
        depth += 1
    elif c == '}':
        depth -= 1
    i += 1
end = text.rindex('\n', 0, i) + 1
open(path, 'w').write(text[:end] + ''.join(lvs) + text[end:])
PY
	lvmq vgcfgrestore -f vg.txt "$VG" >restore.log 2>&1 ||
		{ cat restore.log >&2; die "vgcfgrestore"; }
fi

# --- Both tools must see the same VG: NLV visible LVs -------------------------
n_lvm=$(lvmq vgs --noheadings -o lv_count "$VG" 2>/dev/null | tr -d ' ')
n_lvs=$(lvmq lvs --noheadings -o lv_name "$VG" 2>/dev/null | wc -l)
n_all=$(lvmq lvs -a --noheadings -o lv_name "$VG" 2>/dev/null | wc -l)
n_pv=$(lvmq vgs --noheadings -o pv_count "$VG" 2>/dev/null | tr -d ' ')
if [ "$n_lvm" != "$NLV" ] || [ "$n_lvs" != "$NLV" ]; then
	die "lvm2 sees $n_lvm/$n_lvs visible LVs, expected $NLV"
fi
[ "$n_pv" = "$NPV" ] || die "lvm2 sees $n_pv PVs, expected $NPV"
json=$(ivgs --devices "$DEVS" --reportformat json "$VG" 2>ivgs.err) ||
	{ cat ivgs.err >&2; die "ivgs failed"; }
[ -s ivgs.err ] && { say "ivgs warned:"; cat ivgs.err; }
n_ivg=$(jq -r '.report[0].vg[0].lv_count' <<<"$json")
n_ivgpv=$(jq -r '.report[0].vg[0].pv_count' <<<"$json")
legs_ok=$(jq -r '[.report[0].pv[] | select(.pv_boot_leg | endswith(":ok"))] | length' <<<"$json")
[ "$n_ivg" = "$NLV" ] || die "ivgs sees $n_ivg visible LVs, expected $NLV"
[ "$n_ivgpv" = "$NPV" ] || die "ivgs sees $n_ivgpv PVs, expected $NPV"
mda=$(lvmq pvck --dump headers "${LOOPS[0]}" 2>&1 |
	sed -n 's/.*raw_locn\[0\]\.size \([0-9]*\).*/\1/p' | head -1)
say "VG $VG: $NPV PVs, $NLV visible LVs ($n_all with hidden raid legs), metadata ${mda:-?} bytes, $legs_ok boot legs ok"

# --- Timing -------------------------------------------------------------------
run_ivgs() { ivgs --devices "$DEVS" "$VG" >/dev/null 2>&1; }
run_vgs() { LVM_SUPPRESS_FD_WARNINGS=1 lvm vgs --driverloaded n "$VG" >/dev/null 2>&1; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

# Wall-clock nanoseconds of one run; the run must succeed.
time_one() {
	local t0 t1
	t0=$(date +%s%N)
	"$1" || die "$1 failed"
	t1=$(date +%s%N)
	echo $((t1 - t0))
}

median_ms() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f", m / 1e6 }'
}

# bench VARIANT PREP: RUNS interleaved rounds (ivgs, then vgs; the order
# alternates per round), the first discarded. Sets R_IVGS, R_VGS, RATIO.
bench() {
	local variant=$1 prep=$2 i ti tv ivgs_ns=() vgs_ns=()
	for ((i = 0; i < RUNS; i++)); do
		if ((i % 2)); then
			$prep; tv=$(time_one run_vgs)
			$prep; ti=$(time_one run_ivgs)
		else
			$prep; ti=$(time_one run_ivgs)
			$prep; tv=$(time_one run_vgs)
		fi
		((i == 0)) && continue
		ivgs_ns+=("$ti")
		vgs_ns+=("$tv")
	done
	R_IVGS=$(printf '%s\n' "${ivgs_ns[@]}" | median_ms)
	R_VGS=$(printf '%s\n' "${vgs_ns[@]}" | median_ms)
	RATIO=$(awk -v a="$R_VGS" -v b="$R_IVGS" 'BEGIN { printf "%.1f", a / b }')
	say "$variant: median of $((RUNS - 1)) runs: ivgs ${R_IVGS} ms, vgs ${R_VGS} ms: $(ratio_words "$RATIO")"
	say "$variant: ivgs runs (ms): $(printf '%s\n' "${ivgs_ns[@]}" | awk '{ printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1e6 }')"
	say "$variant: vgs runs (ms):  $(printf '%s\n' "${vgs_ns[@]}" | awk '{ printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1e6 }')"
}

true_prep() { :; }

# "ivgs is X.Yx faster than vgs", and the inverse spelled out below 1.
ratio_words() {
	awk -v r="$1" 'BEGIN { printf "ivgs is %sx faster than vgs", r
		if (r + 0 < 1 && r + 0 > 0) printf " (i.e. %.1fx slower)", 1 / r }'
}

say "timing $RUNS interleaved runs of each (first one discarded) ..."
bench "warm cache" true_prep
WARM=$RATIO

COLD=""
if [ "${BENCH_COLD:-1}" != 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
	bench "caches dropped" drop_caches
	COLD=$RATIO
else
	say "caches dropped: skipped (needs a writable /proc/sys/vm/drop_caches)"
fi

# hyperfine, when it is there, runs the commands without a shell (-N):
# the timings above include a subshell and two `date` processes per run,
# some 7 ms that inflate the faster tool's time more. Its figure is the
# headline; it is not interleaved (all runs of one command, then the other).
HF=""
if [ "${BENCH_HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 1 --runs "$((RUNS - 1))" --export-json hf.json \
		--style none "ivgs --devices $DEVS $VG" \
		"env LVM_SUPPRESS_FD_WARNINGS=1 lvm vgs --driverloaded n $VG" \
		>/dev/null 2>&1 || die "hyperfine"
	read -r hi hv < <(jq -r '[.results[].median * 1000] | "\(.[0]) \(.[1])"' hf.json)
	HF=$(awk -v a="$hv" -v b="$hi" 'BEGIN { printf "%.1f", a / b }')
	say "hyperfine (warm cache): median ivgs $(printf '%.1f' "$hi") ms, vgs $(printf '%.1f' "$hv") ms: ${HF}x"
	say "shell-timed warm ratio ${WARM}x; the headline below is hyperfine's"
	WARM=$HF
fi

goal_met=$(awk -v r="$WARM" -v g="$GOAL" 'BEGIN { print (r >= g) ? "met" : "NOT met" }')
say "goal ${GOAL}x: $goal_met (warm cache ${WARM}x${COLD:+, caches dropped ${COLD}x})"
if [ -n "$COLD" ]; then
	echo "$(ratio_words "$COLD") (caches dropped)"
fi
ratio_words "$WARM"
echo
if [ -n "${BENCH_STRICT:-}" ] && [ "$goal_met" != met ]; then
	exit 1
fi
exit 0
