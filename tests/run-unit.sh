#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the cmocka unit test binaries given as arguments, from the repo root.
fail=0
pass=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ]
