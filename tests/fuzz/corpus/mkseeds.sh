#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the seeds of the OPP fuzz targets from real tools:
#   debpkg/  .deb packages built by dpkg-deb (each compression it offers)
#   rpmpkg/  .rpm packages built by rpmbuild
#   toc/     a TOC written by oppadd (read back with grub-fstest), and
#            the TOC tags of the VG it sits in as "#@TAG" lines
# Usage: mkseeds.sh IVG_BIN (a build's bin/ directory).
set -euo pipefail
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

mkdeb() {   # NAME VERSION COMPRESSION [DEPENDS]
	local d=src/$1
	mkdir -p "$d/DEBIAN" "$d/usr/share/$1"
	echo "$1" >"$d/usr/share/$1/README"
	{
		printf 'Package: %s\nVersion: %s\nArchitecture: all\n' "$1" "$2"
		printf 'Maintainer: Test <test@example.com>\n'
		[ -n "${4:-}" ] && printf 'Depends: %s\n' "$4"
		printf 'Description: test package %s\n A second line.\n .\n After a blank.\n' "$1"
	} >"$d/DEBIAN/control"
	dpkg-deb --root-owner-group -Z"$3" --build "$d" "$1.deb" >/dev/null
}
mkdeb plain 1.0 none
mkdeb gzpkg 2:1.0-1 gzip "plain (>= 1.0), libc6 | musl"
mkdeb xzpkg 1.0~rc1 xz
mkdeb zstpkg 0.1+git zstd
cp plain.deb gzpkg.deb xzpkg.deb zstpkg.deb "$here/debpkg/"

mkrpm() {   # NAME EPOCH REQUIRES
	mkdir -p rpm/SPECS
	cat >rpm/SPECS/"$1".spec <<SPEC
Name: $1
${2:+Epoch: $2}
Version: 3.1
Release: 4
Summary: a test tool
License: GPL-2.0-or-later
BuildArch: noarch
URL: https://example.com/$1
${3:+Requires: $3}
%description
First line.

After a blank line.
%install
mkdir -p %{buildroot}/opt/$1 && echo hi >%{buildroot}/opt/$1/file
%files
/opt/$1/file
SPEC
	rpmbuild --define "_topdir $T/rpm" --define "_binary_payload w9.gzdio" \
		-bb rpm/SPECS/"$1".spec >/dev/null 2>&1
	cp rpm/RPMS/noarch/"$1"-3.1-4.noarch.rpm "$here/rpmpkg/$1.rpm"
}
mkrpm tool 2 "bash >= 5.0, coreutils < 10, zlib = 1.2"
mkrpm bare "" ""

"$bin"/ivgcreate -y --no-boot-image --size 600m -s 4m --bootlv-size 8m \
	--bosfs-size 8m --oppfs-size 32m seedvg d0.img >/dev/null
"$bin"/oppadd seedvg --devices d0.img gzpkg.deb xzpkg.deb "$here"/rpmpkg/tool.rpm >/dev/null
grub-fstest -c 1 d0.img cat '(lvm/seedvg-oppfs)/.toc' >toc
"$bin"/opptoc --devices d0.img seedvg >/dev/null
# The TOC tags as the VG holds them, then the TOC.
strings -n 8 d0.img | grep -oE 'opp_toc_(gen|sha256)_[0-9a-f]+' | sort -u |
	sed 's/^/#@/' >"$here/toc/toc_tagged"
cat toc >>"$here/toc/toc_tagged"
cp toc "$here/toc/toc"
awk 'BEGIN{RS=""; ORS="\n\n"} NR==1' toc >"$here/toc/toc_one"
