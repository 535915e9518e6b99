#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The RPM installs the files the .deb installs, and its ivg runs.
#
# Compares the paths of the files and symlinks (with the symlinks' targets)
# of $B/packages/ivg-VERSION-*.rpm, unpacked with rpm2cpio | cpio, with
# those of $B/packages/ivg_VERSION*.deb from dpkg-deb -c. Directories are
# left out, and so are the packaging systems' own files: /usr/share/doc and
# /usr/share/licenses (both), /usr/lib/.build-id (rpm's build-id links) and
# /usr/share/lintian (the .deb's lintian overrides). A missing package is
# built first (make rpm, make deb). Then every command of the Makefile's
# COMMANDS must be a link to ivg with a man page, the unpacked
# usr/sbin/ivg --version must print VERSION, and each unpacked command
# link must answer --help.
#
# Run from anywhere; B= as for make. Exit 0: pass, 1: fail (also when a
# tool is missing: make deps installs them).
set -euo pipefail

cd "$(dirname "$0")/../.."
BDIR=${B:-build}
PKGDIR=$BDIR/packages
VERSION=$(cat VERSION)

die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

T=$(mktemp -d /tmp/ivg-rpm-files-XXXXXX)
cleanup() { rc=$?; rm -rf "$T"; exit $rc; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Tools: command, then the Debian package that has it (make deps).
for tp in rpm2cpio:rpm2cpio cpio:cpio dpkg-deb:dpkg; do
	command -v "${tp%%:*}" >/dev/null || die "${tp%%:*} is missing (package ${tp#*:}: make deps)"
done

# The newest package of this version, of the given name pattern.
newest() { find "$PKGDIR" -maxdepth 1 -name "$1" -printf '%T@ %p\n' 2>/dev/null |
	sort -n | tail -n 1 | cut -d' ' -f2-; }
rpm_pat="ivg-$VERSION-*.rpm"
deb_pat="ivg_${VERSION}[-_]*.deb"

build_pkg() {
	make -s "$1" || die "make $1 failed"
}

RPM=$(newest "$rpm_pat")
[ -n "$RPM" ] || { build_pkg rpm; RPM=$(newest "$rpm_pat"); }
[ -n "$RPM" ] || die "no $PKGDIR/$rpm_pat after make rpm"
DEB=$(newest "$deb_pat")
[ -n "$DEB" ] || { build_pkg deb; DEB=$(newest "$deb_pat"); }
[ -n "$DEB" ] || die "no $PKGDIR/$deb_pat after make deb"
echo "# $RPM"
echo "# $DEB"

skip_re='^/usr/share/(doc|licenses|lintian)/|^/usr/lib/\.build-id/'

# The RPM's files and symlinks, "path" or "path -> target".
mkdir "$T/rpm"
RPM_ABS=$(cd "$(dirname "$RPM")" && pwd)/$(basename "$RPM")
(cd "$T/rpm" && rpm2cpio "$RPM_ABS" | cpio -idm --quiet --no-absolute-filenames)
(cd "$T/rpm" && find . ! -type d | sort | while IFS= read -r f; do
	p=${f#.}
	if [ -L "$f" ]; then echo "$p -> $(readlink "$f")"; else echo "$p"; fi
done) | grep -Ev "$skip_re" >"$T/rpm.list" || true

# The .deb's, from dpkg-deb -c: "mode owner size date time path [-> target]".
dpkg-deb -c "$DEB" | grep -v '^d' | sed -E 's/^([^ ]+ +){5}//; s|^\./|/|' |
	sort | grep -Ev "$skip_re" >"$T/deb.list" || true

[ -s "$T/rpm.list" ] || die "no files in $RPM"
if ! diff -u "$T/deb.list" "$T/rpm.list" >"$T/diff"; then
	cat "$T/diff" >&2
	die "the file lists differ (- only in the .deb, + only in the .rpm); is $DEB older than the tree? rm it and rerun"
fi
ok "the .rpm and the .deb install the same $(wc -l <"$T/rpm.list") files and links"

# Every command is a link to ivg with a man page, in both (the lists match).
cmds=$(sed -n 's/^COMMANDS *[:+]*= *//p' Makefile)
[ -n "$cmds" ] || die "no COMMANDS in the Makefile"
grep -qx /usr/sbin/ivg "$T/rpm.list" || die "no /usr/sbin/ivg"
grep -qx '/usr/share/man/man7/ivg\.7\(\.gz\)\?' "$T/rpm.list" || die "no ivg(7)"
for c in $cmds; do
	grep -qx "/usr/sbin/$c -> ivg" "$T/rpm.list" || die "/usr/sbin/$c is not a link to ivg"
	grep -qx "/usr/share/man/man8/$c\.8\(\.gz\)\?" "$T/rpm.list" || die "no $c(8)"
done
ok "ivg and its commands ($cmds) with their man pages"

# The unpacked binary runs, reports the tree's VERSION, and its links work.
out=$("$T/rpm/usr/sbin/ivg" --version 2>&1) || die "usr/sbin/ivg --version failed: $out"
case " $out " in
*[[:space:]]"$VERSION"[[:space:]]*) ;;
*) die "usr/sbin/ivg --version printed '$out', not version $VERSION" ;;
esac
ok "usr/sbin/ivg --version: $out"
for c in $cmds; do
	"$T/rpm/usr/sbin/$c" --help >"$T/help" 2>&1 || die "usr/sbin/$c --help failed"
	grep -q "$c" "$T/help" || die "usr/sbin/$c --help does not name $c"
done
ok "each command link answers --help"
