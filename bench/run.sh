#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every benchmark (bench/*.sh but this one) against the ivg binaries
# in BIN_DIR:  bench/run.sh BIN_DIR   (what `make bench` does).
# Any non-zero exit is a failure (also 77: nothing is skipped).
# BENCH_QUICK=1 (make check-bench, part of make check): every benchmark
# once, small and quick, no goal enforced, so that none breaks unseen.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: bench/run.sh BIN_DIR" >&2
	exit 2
fi
IVG_BIN=$(cd "$1" && pwd)
export IVG_BIN
export PATH="$IVG_BIN:$PATH"

fail=0
for b in bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	name=$(basename "$b" .sh)
	echo "== $name"
	bash "$b"
	rc=$?
	case $rc in
	0) echo "== $name: done" ;;
	*) echo "== $name: FAILED (exit $rc)"; fail=1 ;;
	esac
done
exit $fail
