#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the integration tests (tests/integration/*.sh) against $IVG_BIN.
# IVG_FAST=1 runs only the tests marked "# fast" (used under ASan).
cd "$(dirname "$0")/.." || exit 1
: "${IVG_BIN:?IVG_BIN must name the directory of the ivg binaries}"
export IVG_BIN
pass=0
fail=0
skip=0
failed=""
for t in tests/integration/*.sh; do
	if [ -n "$IVG_FAST" ] && ! grep -q '^# fast' "$t"; then continue; fi
	name=$(basename "$t" .sh)
	log=$(mktemp /tmp/ivg-test-XXXXXX.log)
	start=$(date +%s)
	timeout 900 bash "$t" >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name ($(( $(date +%s) - start ))s)"
	elif [ $rc = 77 ]; then
		skip=$((skip + 1))
		echo "SKIP $name: $(tail -1 "$log")"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name ($(( $(date +%s) - start ))s); its output:"
		sed 's/^/    /' "$log" | tail -60
	fi
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
