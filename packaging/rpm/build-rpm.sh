#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the binary RPM of the tree: `make rpm` runs this from the repo root.
#
# A source tarball of the working tree (what git would track: tracked and
# untracked-but-not-ignored files, so the build dirs are left out) goes into
# a private rpmbuild _topdir, $B/rpm; rpmbuild -bb builds from it, the
# package is copied to $B/packages/, and rpmlint checks the package and the
# generated spec (settings in packaging/rpm/rpmlint.toml): errors fail the
# build, warnings are only shown.
#
# On Debian rpmbuild cannot check BuildRequires (Fedora names, and no rpm
# database lists the installed Debian packages), so it runs with --nodeps;
# the real build dependencies are the Debian packages of tests/deps.sh.
set -euo pipefail

cd "$(dirname "$0")/../.."
BDIR=${B:-build}
mkdir -p "$BDIR"
BDIR=$(cd "$BDIR" && pwd)
TOP=$BDIR/rpm
OUT=$BDIR/packages
# The package is built from the tarball alone: nothing of the calling make
# (B=, command-line variables in MAKEFLAGS, the jobserver) reaches the
# spec's make, which would otherwise install the tree's own build/bin/ivg.
unset B MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL DESTDIR PREFIX SAN
SPEC_IN=packaging/rpm/ivg.spec

die() { echo "make rpm: $*" >&2; exit 1; }

# rpmbuild (Debian package rpm) and rpmlint: `make deps` installs them.
command -v rpmbuild >/dev/null ||
	die "rpmbuild is missing (Debian: package rpm; make deps installs it)"
command -v rpmlint >/dev/null ||
	die "rpmlint is missing (Debian: package rpmlint; make deps installs it)"

VERSION=$(cat VERSION)
case $VERSION in
'' | *[!A-Za-z0-9._+~^]*) die "VERSION '$VERSION' is not a valid RPM version" ;;
esac
NV=ivg-$VERSION

rm -rf "$TOP"
mkdir -p "$TOP"/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS} "$OUT"

# The source tarball, top directory ivg-VERSION/.
list=$TOP/SOURCES/files
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			# Tracked files deleted in the tree are left out.
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | sort -zu >"$list"
else
	find . \( -path ./.git -o -path ./build -o -path './build-*' -o -path ./demo \) \
		-prune -o ! -type d -print0 | sort -z >"$list"
fi
# S: symlink targets are kept as they are.
tar -czf "$TOP/SOURCES/$NV.tar.gz" --owner=0 --group=0 --numeric-owner \
	--transform "s,^\(\./\)\?,$NV/,S" --no-recursion --null -T "$list"
rm -f "$list"

# The spec, with the version of the tree.
{
	printf '%%global ivg_version %s\n' "$VERSION"
	cat "$SPEC_IN"
} >"$TOP/SPECS/ivg.spec"

# Debian's rpm 4.18 runs brp-compress, a bash script (read -d), with
# /bin/sh, dash there: the man pages stayed uncompressed. Run it with bash
# (upstream rpm fixed this in pull request 2757).
rpmbuild -bb --nodeps --define "_topdir $TOP" \
	--define "__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}" \
	"$TOP/SPECS/ivg.spec"

rm -f "$OUT"/ivg-*.rpm
find "$TOP/RPMS" -name '*.rpm' -exec cp {} "$OUT/" \;
rpms=$(find "$OUT" -maxdepth 1 -name "ivg-*$VERSION-*.rpm" | sort)
[ -n "$rpms" ] || die "rpmbuild made no package"
echo "make rpm: built" "$rpms"

# rpmlint exits non-zero on errors (and on its own failures); warnings
# are printed and do not fail the build.
# shellcheck disable=SC2086
if ! rpmlint -c packaging/rpm/rpmlint.toml $rpms "$TOP/SPECS/ivg.spec"; then
	# shellcheck disable=SC2086
	rm -f $rpms
	die "rpmlint found errors; package removed"
fi
