#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo, run as a test so that it cannot break unseen: tests/demo.sh
# in the test's own directory (IVG_DEMO_DIR), against $IVG_BIN. The demo
# stops at its first failure; here its report must also show the
# maintenance menu, the unattended install with the .deb OPP installed by
# the BOS's own dpkg, the installed target running, and the IVG's disk
# unchanged by the install.
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
cd "$T"
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
s=$SECONDS
IVG_DEMO_DIR=$T/demo "$HERE/demo.sh" "$IVG_BIN" >demo.out 2>&1 || die "make demo: $(tail -40 demo.out)"
for want in '^  \| *1\) Install a base operating system' 'IVG-INSTALL rc=0' \
	'disk0.img is unchanged' 'IVG-BOS-MARKER name=demobos' \
	'^  Status: install ok installed' '^=== Done in'; do
	grep -aEq -- "$want" demo.out || die "the demo's report lacks /$want/: $(tail -40 demo.out)"
done
ok "make demo: maintenance menu, unattended install with the .deb OPP (in the target's dpkg status), the target running ($((SECONDS - s)) s)"
