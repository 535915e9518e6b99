# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the OPP tests (not a test itself: run-integration.sh runs
# *.sh). apt_flat_repo DIR: a private apt configuration in $T/apt whose
# only source is the flat repository DIR ("deb [trusted=yes] file:DIR
# ./"), then apt-get update; sets $APT, the options for apt-get and
# apt-cache.
apt_flat_repo() {
	local a=$T/apt
	mkdir -p "$a/etc/apt/apt.conf.d" "$a/etc/apt/preferences.d" "$a/etc/apt/sources.list.d" \
		"$a/lists/partial" "$a/cache/archives/partial"
	echo "deb [trusted=yes] file:$1 ./" >"$a/etc/apt/sources.list"
	: >"$a/status"
	APT="-o Dir::Etc=$a/etc/apt -o Dir::State=$a -o Dir::State::Lists=$a/lists -o Dir::State::status=$a/status -o Dir::Cache=$a/cache -o Debug::NoLocking=1 -o APT::Architecture=amd64"
	# shellcheck disable=SC2086
	apt-get $APT update >"$T/apt.out" 2>&1 || die "apt-get update: $(cat "$T/apt.out")"
}
