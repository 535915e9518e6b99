#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one fuzz target: replay its regression inputs, then fuzz for SECS
# seconds over a working copy of its seed corpus. Prints one summary
# line (executions, coverage, corpus) for tests/fuzz/README.
# Usage: run.sh NAME SECS BINARY
set -e
name=$1 secs=$2 bin=$3
cd "$(dirname "$0")"
work=../../build-fuzz/corpus/$name
crash=../../build-fuzz/crash/$name
mkdir -p "$work" "$crash"
cp -n corpus/"$name"/* "$work"/ 2>/dev/null || true
regress=$(find regress/"$name" -type f ! -name .keep)
if [ -n "$regress" ]; then
	# shellcheck disable=SC2086 # one argument per file
	"$bin" $regress >"$crash/regress.log" 2>&1 ||
		{ tail -40 "$crash/regress.log"; echo "fuzz $name: a regression input fails"; exit 1; }
fi
log=$crash/fuzz.log
if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$crash/" -print_final_stats=1 "$work" corpus/"$name" >"$log" 2>&1; then
	tail -60 "$log"
	echo "fuzz $name: FAILED; the input is in build-fuzz/crash/$name: fix the bug, then keep the input in tests/fuzz/regress/$name"
	exit 1
fi
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
echo "fuzz $name: ${secs}s, $execs executions, cov $cov, ft $ft, corpus $corp, no crash"
