#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Compare what two builds of ivg print, command by command (issue 22: the
# command layer changes no output but on purpose). A fixed scenario runs
# every command, its --help, bad command lines, error paths and normal
# work, once with each build on fresh image files; each run's transcript
# (command line, exit status, stdout, stderr) is normalised (UUIDs, dates,
# SHA-256 digests, temporary paths, timings) and the two are diffed.
#
# Usage: tests/compare_output.sh OLD_BIN_DIR NEW_BIN_DIR [OUT_DIR]
# Prints the diff (empty when the builds print the same); exit 0 either way
# unless the scenario itself cannot run. Needs root (loop devices).
set -u
OLD=${1:?usage: compare_output.sh OLD_BIN NEW_BIN [OUT]}
NEW=${2:?usage: compare_output.sh OLD_BIN NEW_BIN [OUT]}
OUT=${3:-$(mktemp -d /tmp/ivg-compare-XXXXXX)}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"

scenario() {   # BIN_DIR TRANSCRIPT
	local bin=$1 tr=$2 w
	w=$(mktemp -d /tmp/ivg-cmp-run-XXXXXX)
	(
		cd "$w" || exit 1
		export PATH="$bin:$PATH" LVM_SYSTEM_DIR="$w/lvm"
		mkdir -p lvm && printf 'global { locking_dir = "%s/lock" }\n' "$w" >lvm/lvm.conf
		run() {
			local rc
			{
				echo "\$ $*"
				"$@" >out 2>err </dev/null
				rc=$?
				sed 's/^/  out| /' out
				sed 's/^/  err| /' err
				echo "  rc=$rc"
			} >>"$tr"
		}
		truncate -s 300m d0.img d1.img
		cp "$OUT/bos.tgz" "$OUT/tool.opp" .
		D=d0.img,d1.img
		for c in ivgcreate ivgimport ivgexport ivgs ivgchange oppadd opplist oppck opprm opptoc \
			ivgmkboot ivgbootlist ivgck bosadd boslist bosrm bosinstall ivgrecover; do
			run "$c" --help
			run "$c" --bogus
			run "$c" 'bad name!'
		done
		run ivg --version
		run ivgcreate -y --no-boot-image --bootlv-size 8m --bosfs-size 60m --oppfs-size 40m --devices $D tvg d0.img d1.img
		run ivgcreate -y --no-boot-image --devices $D tvg d0.img
		run ivgs --devices $D
		run ivgs --devices $D --reportformat json
		run ivgs --devices $D -a tvg
		run ivgs --devices $D nosuch
		run oppadd --devices $D tvg tool.opp
		run oppadd --devices $D tvg tool.opp
		run oppadd --devices $D tvg nosuch.opp
		run opplist --devices $D tvg
		run opplist --devices $D --reportformat json tvg
		run oppck --devices $D tvg
		run opptoc --devices $D tvg
		run opptoc --devices $D --rebuild tvg
		run bosadd --devices $D tvg b1 bos.tgz
		run bosadd --devices $D tvg b1 bos.tgz
		run bosadd --devices $D --format nope tvg b2 bos.tgz
		run boslist --devices $D tvg
		run boslist --devices $D --reportformat json tvg
		run ivgbootlist --devices $D tvg
		run ivgck --devices $D tvg
		run ivgck --devices $D --reportformat json tvg
		run ivgexport --devices $D tvg
		run ivgexport --devices $D tvg
		run oppadd --devices $D --replace tvg tool.opp
		run ivgs --devices $D tvg
		run ivgimport --devices $D tvg
		run ivgimport --devices $D tvg
		run ivgimport --devices d0.img tvg
		run ivgimport --devices d0.img --readonly tvg
		run ivgchange --devices $D -a x tvg
		run ivgchange --devices $D tvg
		run opprm --devices $D tvg tool
		run opprm --devices $D tvg tool
		run bosrm --devices $D tvg b1
		run bosrm --devices $D tvg b1
		run bosinstall --devices $D --ivg tvg t.img
		run bosinstall --devices $D --ivg tvg --bos nosuch t.img
		run ivgrecover --devices $D -y
		run ivgmkboot --devices $D --size 2m --output x.img
		run ivgmkboot --devices $D tvg extra
		run ivgcreate -s 3k tvg2 d9.img
	)
	rm -rf "$w"
}

normalise() {
	sed -E -e 's/[A-Za-z0-9]{6}(-[A-Za-z0-9]{4}){5}-[A-Za-z0-9]{6}/UUID/g' \
		-e 's/\b[0-9a-f]{64}\b/SHA256/g' \
		-e 's#/tmp/ivg-cmp-run-[A-Za-z0-9]+#WORK#g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}Z?/DATE/g' \
		-e 's/(seqno|generation) [0-9]+/\1 N/g' \
		-e 's#images/([A-Za-z0-9._-]+)\.[A-Za-z0-9]{8}#images/\1.RANDOM#g' \
		-e 's#(\./)?(build[a-z-]*|/tmp/oldbin/src/build)/bin/#BIN/#g' "$1"
}

# The same input files for both runs, byte for byte.
(
	cd "$OUT" || exit 1
	mkdir -p tree/boot p
	echo k >tree/boot/vmlinuz-6.1.0-x && echo i >tree/boot/initrd.img-6.1.0-x
	tar --mtime=@0 --owner=0 --group=0 -cf - -C tree . | gzip -n >bos.tgz
	printf 'Package: tool\nVersion: 1.0\nArchitecture: all\nDescription: a tool\n' >p/opp.control
	echo x >p/data
	tar --mtime=@0 --owner=0 --group=0 -cf - -C p opp.control data | gzip -n >tool.opp
) || exit 1
rm -f "$OUT/old.txt" "$OUT/new.txt"
scenario "$OLD" "$OUT/old.txt" || exit 1
scenario "$NEW" "$OUT/new.txt" || exit 1
normalise "$OUT/old.txt" >"$OUT/old.norm"
normalise "$OUT/new.txt" >"$OUT/new.norm"
diff -u "$OUT/old.norm" "$OUT/new.norm" >"$OUT/diff.txt"
cat "$OUT/diff.txt"
echo "compare_output: $(grep -c '^\$ ' "$OUT/new.norm") commands; $(grep -c '^[-+]  ' "$OUT/diff.txt") lines differ (transcripts in $OUT)" >&2
