# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Clean Debian roots for the tests that need one (sourced, not run):
# tests/packaging/deb_install.sh (make check-deb) and tests/fresh_root.sh
# (make check-slow). A debootstrap --variant=minbase root is made once and
# kept as a tarball in $IVG_TEST_CACHE (default /var/cache/ivg-test); every
# run unpacks a fresh copy. Needs root and debootstrap (make deps).

DEBROOT_SUITE=${IVG_TEST_SUITE:-bookworm}
DEBROOT_CACHE=${IVG_TEST_CACHE:-/var/cache/ivg-test}
DEBROOT_ARCH=$(dpkg --print-architecture)

# No mount may remain under DIR: only then is it removed, and never across
# a filesystem boundary.
mounted_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts
}
safe_rmtree() {
	local d=$1 m
	[ -n "$d" ] && [ -d "$d" ] || return 0
	m=$(mounted_under "$d")
	if [ -n "$m" ]; then
		echo "FAIL still mounted under $d, not removing it: $m"
		return 1
	fi
	rm -rf --one-file-system "$d"
}

# The first URI the host's apt sources give for SUITE, component main,
# from one-line (.list) and deb822 (.sources) files.
host_uri() {
	local s=$1 f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk -v s="$s" '
			$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) != s) next
				for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit }
			}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v s="$s" '
			BEGIN { RS = ""; FS = "\n" }
			{
				types = uris = suites = comps = ""; enabled = "yes"
				for (k = 1; k <= NF; k++) {
					if ($k ~ /^#/) continue
					split($k, kv, ":[ \t]*")
					key = tolower(kv[1]); val = substr($k, length(kv[1]) + 2)
					sub(/^[ \t]+/, "", val)
					if (key == "types") types = " " val " "
					else if (key == "uris") uris = val
					else if (key == "suites") suites = " " val " "
					else if (key == "components") comps = " " val " "
					else if (key == "enabled") enabled = tolower(val)
				}
				if (enabled != "no" && types ~ / deb / && suites ~ (" " s " ") &&
				    comps ~ / main /) { split(uris, u, " "); print u[1]; exit }
			}' "$f"
	done | head -n 1
}
DEBROOT_MIRROR=${IVG_TEST_MIRROR:-$(host_uri "$DEBROOT_SUITE")}
DEBROOT_MIRROR=${DEBROOT_MIRROR:-http://deb.debian.org/debian}

# debroot_base TARBALL INCLUDE: make TARBALL, a minbase root of the suite
# with the packages of INCLUDE (comma-separated), unless it exists. Its
# apt sources are the host's mirrors; no daemon starts in it
# (policy-rc.d). Prints what it does; returns 1, saying why, on failure.
debroot_base() {
	local base=$1 include=$2 work t0 updates security
	[ -s "$base" ] && return 0
	command -v debootstrap >/dev/null || { echo "FAIL no debootstrap (package debootstrap: make deps)"; return 1; }
	mkdir -p "$(dirname "$base")"
	echo "debootstrap --variant=minbase --include=$include $DEBROOT_SUITE from $DEBROOT_MIRROR (cached in $base)"
	work=$(mktemp -d /var/tmp/ivg-debootstrap.XXXXXX)
	t0=$(date +%s)
	if ! debootstrap --variant=minbase --arch="$DEBROOT_ARCH" --include="$include" \
		"$DEBROOT_SUITE" "$work/root" "$DEBROOT_MIRROR" >"$work/debootstrap.log" 2>&1; then
		tail -n 20 "$work/debootstrap.log"
		echo "FAIL debootstrap $DEBROOT_SUITE $DEBROOT_MIRROR"
		safe_rmtree "$work"
		return 1
	fi
	updates=$(host_uri "$DEBROOT_SUITE-updates")
	security=$(host_uri "$DEBROOT_SUITE-security")
	{
		echo "deb $DEBROOT_MIRROR $DEBROOT_SUITE main"
		if [ -n "$updates" ]; then echo "deb $updates $DEBROOT_SUITE-updates main"; fi
		if [ -n "$security" ]; then echo "deb $security $DEBROOT_SUITE-security main"; fi
	} >"$work/root/etc/apt/sources.list"
	printf '#!/bin/sh\nexit 101\n' >"$work/root/usr/sbin/policy-rc.d"
	chmod 755 "$work/root/usr/sbin/policy-rc.d"
	rm -f "$work/root"/var/cache/apt/archives/*.deb
	if ! tar -C "$work/root" --numeric-owner -czf "$base.tmp" . || ! mv "$base.tmp" "$base"; then
		rm -f "$base.tmp"
		safe_rmtree "$work"
		echo "FAIL cannot write $base"
		return 1
	fi
	safe_rmtree "$work" || return 1
	echo "debootstrap $DEBROOT_SUITE: $(($(date +%s) - t0)) s"
}
