#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the integration tests (tests/integration/*.sh) against $IVG_BIN.
#
# Nothing is skipped: a test that cannot run (exit 77: a tool, the kernel,
# root or QEMU missing) FAILS, with its reason. What is left out is left
# out by choice, declared in the test's header, and listed in the summary:
#   # opt-in: WHY        the whole test runs only with IVG_SLOW=1
#                        (make check-slow)
#   # slow-part: WHAT    WHAT runs only with IVG_SLOW=1
#   # fast               the test runs under ASan too (IVG_FAST=1, make
#                        check-asan); the others run only in
#                        check-integration
#   # fast-part: WHAT    under IVG_FAST, WHAT is left out (check-integration
#                        runs it)
# IVG_TESTS="name ..." runs only the named tests.
cd "$(dirname "$0")/.." || exit 1
: "${IVG_BIN:?IVG_BIN must name the directory of the ivg binaries}"
export IVG_BIN
pass=0
fail=0
failed=""
out=$(mktemp /tmp/ivg-test-out-XXXXXX)
notrun=0
for t in tests/integration/*.sh; do
	name=$(basename "$t" .sh)
	if [ -n "${IVG_TESTS:-}" ]; then
		case " $IVG_TESTS " in *" $name "*) ;; *) continue ;; esac
	fi
	if [ -n "${IVG_FAST:-}" ] && ! grep -q '^# fast$' "$t"; then
		notrun=$((notrun + 1))
		continue
	fi
	why=$(sed -n 's/^# opt-in: //p' "$t" | head -1)
	if [ -n "$why" ] && [ -z "${IVG_SLOW:-}" ]; then
		echo "  $name, the whole test: $why (opt-in: IVG_SLOW=1, make check-slow)" >>"$out"
		continue
	fi
	if [ -z "${IVG_SLOW:-}" ]; then
		sed -n "s/^# slow-part: \(.*\)/  $name: \1 (opt-in: IVG_SLOW=1, make check-slow)/p" "$t" >>"$out"
	fi
	if [ -n "${IVG_FAST:-}" ]; then
		sed -n "s/^# fast-part: \(.*\)/  $name: \1 (not under ASan: check-integration runs it)/p" "$t" >>"$out"
	fi
	log=$(mktemp /tmp/ivg-test-XXXXXX.log)
	start=$(date +%s)
	timeout 900 bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name (${secs}s)"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		if [ $rc = 77 ]; then
			echo "FAIL $name: cannot run: $(tail -1 "$log") (make deps installs what the tests need)"
		else
			echo "FAIL $name (exit $rc, ${secs}s); its output:"
		fi
		sed 's/^/    /' "$log" | tail -60
	fi
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed${failed:+ ($failed )}"
if [ -n "${IVG_FAST:-}" ]; then
	echo "  (ASan run: the tests marked '# fast'; the other $notrun ran without ASan in check-integration)"
fi
if [ -s "$out" ]; then
	echo "Left out by choice:"
	cat "$out"
fi
rm -f "$out"
[ "$fail" = 0 ]
