# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by the tests of OPPs installed by a system's own tools
# (bos_install.sh, opp_install.sh; not a test itself): small packages.

# mkdeb NAME EXTRA-CONTROL [PREINST]: NAME.deb, version 1.0, all, one file
# /usr/share/NAME/file holding NAME; EXTRA-CONTROL ends the control
# ("Depends: x\n"); PREINST, when given, is its preinst's shell body.
mkdeb() {
	mkdir -p "$1/DEBIAN" "$1/usr/share/$1"
	printf "Package: $1\nVersion: 1.0\nArchitecture: all\nMaintainer: ivg tests <t@example.org>\nDescription: test $1\n$2" >"$1/DEBIAN/control"
	echo "$1" >"$1/usr/share/$1/file"
	[ -z "${3:-}" ] || { printf '#!/bin/sh\n%s\n' "$3" >"$1/DEBIAN/preinst"; chmod 755 "$1/DEBIAN/preinst"; }
	dpkg-deb --root-owner-group --build "$1" "$1.deb" >/dev/null || die "dpkg-deb $1"
}

# mkrpm NAME: NAME-1.0-1.noarch.rpm in the current directory, one file
# /opt/NAME/file holding NAME.
mkrpm() {
	mkdir -p "rpm-$1/SPECS"
	cat >"rpm-$1/SPECS/$1.spec" <<SPEC
Name: $1
Version: 1.0
Release: 1
Summary: a test RPM
License: GPL-2.0-or-later
BuildArch: noarch
%description
A test RPM.
%install
mkdir -p %{buildroot}/opt/$1 && echo $1 >%{buildroot}/opt/$1/file
%files
/opt/$1/file
SPEC
	rpmbuild --define "_topdir $PWD/rpm-$1" -bb "rpm-$1/SPECS/$1.spec" >/dev/null 2>&1 || die "rpmbuild $1"
	cp "rpm-$1/RPMS/noarch/$1-1.0-1.noarch.rpm" .
}

# mkscriptopp NAME: NAME.opp, a plain OPP (version 2) whose Install-Script
# writes "NAME 2 ran in $(cat /etc/ivg-bos/name)" to /etc/NAME.done.
mkscriptopp() {
	mkdir -p "$1/opt/$1"
	printf 'Package: %s\nVersion: 2\nArchitecture: all\nDescription: a plain OPP with a script\nInstall-Script: opt/%s/install.sh\n' "$1" "$1" >"$1/opp.control"
	printf '#!/bin/sh\necho "$OPP_NAME $OPP_VERSION ran in $(cat /etc/ivg-bos/name)" >/etc/%s.done\n' "$1" >"$1/opt/$1/install.sh"
	# A command in bin/: a merged /usr's bin -> usr/bin must stay.
	mkdir -p "$1/bin" && echo "$1 command" >"$1/bin/$1-tool"
	(cd "$1" && tar czf "../$1.opp" opp.control opt bin)
}
