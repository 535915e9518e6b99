#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The wall time of a whole unattended BOS install in a QEMU guest (issue
# 8, bench item 2): from QEMU's start to "IVG-INSTALL rc=0" on the
# guest's console (SeaBIOS, GRUB, the maintenance kernel and
# initramfs, the IVG imported read-only, bosinstall of the test BOS onto
# an empty disk), then the boot of the installed disk alone to the BOS's
# marker. It runs tests/integration/bos_install_vm.sh, which asserts the
# outcome, and reports its timings; BENCH_RUNS runs (default 1), the
# median. Fails where the test cannot run (QEMU, the kernel: make deps).
# BENCH_QUICK=1 (make check's run) is the same single run.
#   IVG_BIN=$PWD/build/bin bench/bos_install.sh    (or: make bench)
# Measured (2-core VM, QEMU TCG, other work running, 2026-11-29): install
# 45 s from QEMU's start (the test BOS: 15 MB tar.gz, 298 entries; 18 s of
# it in the guest's own clock), boot of the installed disk 29 s; under
# heavier load 77-142 s and 44-112 s.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
IVG_BIN=$(cd "${IVG_BIN:-$here/../build/bin}" && pwd)
export IVG_BIN
runs=${BENCH_RUNS:-1}
out=$(mktemp /tmp/ivg-bench-XXXXXX)
trap 'rm -f "$out"' EXIT

inst=() boot=()
for _ in $(seq "$runs"); do
	IVG_BENCH=1 bash "$here/../tests/integration/bos_install_vm.sh" >"$out" 2>&1
	rc=$?
	[ $rc = 0 ] || { cat "$out"; echo "bos_install: the install test failed ($rc)"; exit 1; }
	line=$(grep '^bench: ' "$out") || { cat "$out"; exit 1; }
	inst+=("$(echo "$line" | sed 's/.*install_wall_s=\([0-9]*\).*/\1/')")
	boot+=("$(echo "$line" | sed 's/.*boot_s=\([0-9]*\).*/\1/')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "unattended install in the guest (QEMU start to IVG-INSTALL rc=0), median of $runs: $(median "${inst[@]}") s"
echo "boot of the installed disk to the BOS marker, median of $runs: $(median "${boot[@]}") s"
