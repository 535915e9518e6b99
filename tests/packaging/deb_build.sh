#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/packaging/deb_build.sh - build the ivg .deb (`make deb`).
#
# Copies the source tree (tracked and untracked files git does not ignore;
# no build directories) to $B/deb-src/ivg-VERSION (B defaults to build),
# copies packaging/debian/ there as debian/, runs
# `dpkg-buildpackage -us -uc -b` in that copy and moves the results to
# $B/packages/. Then builds the native source package next to the staging
# copy, runs lintian on both and fails on any lintian error. No debian/
# directory is made in the tree.
#
# It needs dpkg-dev, debhelper, fakeroot, lintian and the Build-Depends
# of packaging/debian/control (`make deps` installs them all): what is
# missing is named, nothing is installed here.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

die() { echo "deb_build.sh: $*" >&2; exit 1; }

out=${B:-build}
case $out in /*) ;; *) out=$top/$out ;; esac
# Nothing from the calling make (B, command-line variables in MAKEFLAGS, its
# jobserver) may reach the make that the package build runs.
unset B MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
version=$(cat VERSION)
[ -n "$version" ] || die "VERSION is empty"

# --- build tools --------------------------------------------------------
missing=""
for p in dpkg-dev debhelper fakeroot lintian; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] || die "missing packages:$missing (make deps installs them)"

# The package version is the project's VERSION (native package, no
# Debian revision). A VERSION bump needs a debian/changelog entry too.
chver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
[ "$chver" = "$version" ] ||
	die "packaging/debian/changelog is at $chver but VERSION is $version; add a changelog entry (dch -c packaging/debian/changelog -v $version)"

# --- staging copy -------------------------------------------------------
src=$out/deb-src
stage=$src/ivg-$version
rm -rf "$src"
mkdir -p "$stage"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# The working tree as it is, without ignored files (build dirs),
	# deleted files, packaging/ and the output directory.
	rel=${out#"$top"/}
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			case $f in
			packaging/* | debian | debian/* | "$rel"/*) continue ;;
			esac
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done |
		tar --null -T - -cf - | tar -C "$stage" -xf -
else
	tar --exclude=./build --exclude='./build-*' --exclude=./demo \
		--exclude=./.git --exclude=./packaging --exclude=./debian \
		-cf - . | tar -C "$stage" -xf -
fi
cp -a packaging/debian "$stage/debian"

# --- build dependencies -------------------------------------------------
if ! (cd "$stage" && dpkg-checkbuilddeps) >"$src/builddeps.log" 2>&1; then
	cat "$src/builddeps.log" >&2
	die "unmet build dependencies (make deps installs them)"
fi

# --- build --------------------------------------------------------------
log=$src/build.log
# The native source package first, from the clean copy, for lintian's
# source checks.
(cd "$src" && dpkg-source -b "ivg-$version") >"$log" 2>&1 ||
	die "dpkg-source -b failed; see $src/build.log"
echo "deb_build.sh: dpkg-buildpackage -us -uc -b in $stage (log: $src/build.log)"
if ! (cd "$stage" && dpkg-buildpackage -us -uc -b -Jauto) >>"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "dpkg-buildpackage failed; see $src/build.log"
fi

mkdir -p "$out/packages"
rm -f "$out"/packages/ivg_*.deb "$out"/packages/ivg-dbgsym_*.deb \
	"$out"/packages/ivg_*.buildinfo "$out"/packages/ivg_*.changes
arch=$(dpkg --print-architecture)
changes=ivg_${version}_$arch.changes
[ -f "$src/$changes" ] || die "no $src/$changes"
# Everything the .changes lists, and the .changes itself.
files=$(sed -n '/^Files:/,/^[^ ]/{/^ /p}' "$src/$changes" | awk '{print $5}')
for f in $files $changes; do
	mv "$src/$f" "$out/packages/"
done
ls -l "$out"/packages/ivg_"$version"_*.deb

# --- lintian ------------------------------------------------------------
echo "deb_build.sh: lintian $out/packages/$changes $src/ivg_$version.dsc"
lintian --fail-on error --display-info \
	"$out/packages/$changes" "$src/ivg_$version.dsc" ||
	die "lintian reports errors"
echo "deb_build.sh: ok $out/packages/ivg_${version}_$arch.deb"
