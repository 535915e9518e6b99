#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/packaging/deb_install.sh [DEB] - install the ivg .deb into a clean
# Debian chroot and use it (`make check-deb`).
#
# DEB defaults to $B/packages/ivg_VERSION_ARCH.deb (B defaults to build).
# The chroot is a debootstrap --variant=minbase of bookworm (plus man-db)
# from the mirror the host's apt sources name; it is made once and kept as
# a tarball in $IVG_TEST_CACHE (default /var/cache/ivg-test), together with
# the .debs apt downloads, so later runs need the network only for
# `apt-get update`. Every run unpacks a fresh root from the tarball, so the
# package goes into a root that has never seen ivg or its dependencies.
#
# Only /proc (a new procfs) and, if the root has no device nodes, /dev
# (a bind mount) are mounted in the chroot; both are unmounted on exit.
# Needs root and debootstrap (make deps); fails, saying so, without them.
set -u

if [ "$(id -u)" != 0 ]; then
	echo "FAIL deb_install.sh: cannot run: needs root (debootstrap, chroot)"
	exit 1
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
version=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
deb=${1:-$B/packages/ivg_${version}_$arch.deb}
. "$top/tests/debroot.bash"
suite=$DEBROOT_SUITE
cache=$DEBROOT_CACHE
mirror=$DEBROOT_MIRROR
base=$cache/$suite-minbase-$arch.tar.gz

failed=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failed=1; }
# die: a failure after which nothing else can be tested.
die() { fail "$*"; exit 1; }

# ---- cleanup ------------------------------------------------------------
root=""
mounts=()

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local rc=$? i
	# Unmount in reverse order what this script mounted.
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" ||
			echo "FAIL cannot unmount ${mounts[i]}"
	done
	mounts=()
	safe_rmtree "$root" || rc=1
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "FAIL interrupted"; exit 130' INT
trap 'echo "FAIL terminated"; exit 143' TERM

# ---- the package -----------------------------------------------------------
[ -f "$deb" ] || die "no package $deb (run make deb)"
pkgver=$(dpkg-deb -f "$deb" Version)
if [ "$pkgver" = "$version" ]; then
	ok "package version $pkgver is VERSION"
else
	fail "package version $pkgver, VERSION $version"
fi

command -v debootstrap >/dev/null || die "no debootstrap (package debootstrap: make deps)"

# ---- the base root (cached; tests/debroot.bash) -------------------------
debroot_base "$base" man-db || die "no clean $suite root"
mkdir -p "$cache/archives"

# ---- a fresh root --------------------------------------------------------
root=$(mktemp -d /var/tmp/ivg-deb-root.XXXXXX)
tar -C "$root" --numeric-owner -xzf "$base" || die "cannot unpack $base"
mount -t proc proc "$root/proc" || die "cannot mount proc in $root"
mounts+=("$root/proc")
if [ ! -c "$root/dev/null" ]; then
	mount --bind /dev "$root/dev" || die "cannot bind /dev in $root"
	mounts+=("$root/dev")
fi
cp -f "$cache"/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null
cp "$deb" "$root/tmp/" || die "cannot copy $deb"
debname=$(basename "$deb")

# in_root CMD...: run CMD in the chroot with a clean environment.
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}
log=$root/tmp/test.log

# ---- install -------------------------------------------------------------
if ! in_root timeout 300 apt-get update -q >"$log" 2>&1; then
	tail -n 20 "$log"
	die "apt-get update in the chroot"
fi
if in_root timeout 600 apt-get install -y -q --no-install-recommends \
	"/tmp/$debname" >"$log" 2>&1; then
	ok "apt-get install $debname into a clean $suite root (Depends from $mirror)"
else
	tail -n 30 "$log"
	die "apt-get install $debname"
fi
# Keep what apt downloaded for the next run.
in_root apt-get autoclean -q >/dev/null 2>&1
rm -f "$cache"/archives/*.deb
cp -f "$root"/var/cache/apt/archives/*.deb "$cache/archives/" 2>/dev/null

# shellcheck disable=SC2016 # dpkg-query's own ${} fields
st=$(in_root dpkg-query -W -f='${Status} ${Version}' ivg 2>&1)
if [ "$st" = "install ok installed $version" ]; then
	ok "dpkg: ivg $version installed"
else
	fail "dpkg-query ivg: $st"
fi

# ---- use it ----------------------------------------------------------------
out=$(in_root ivg --version 2>&1)
case $out in
*"$version"*) ok "ivg --version: $out" ;;
*) fail "ivg --version printed '$out', VERSION is $version" ;;
esac

# --devices: the chroot has no /sys, so ivgcreate cannot scan the machine's
# block devices for another VG named tvg (and should not: that would read
# the host's disks and race other tests' loop devices).
if in_root timeout 300 ivgcreate -y --no-boot-image --size 160m --bootlv-size 16m \
	--bosfs-size 16m --oppfs-size 16m --devices /tmp/d0.img,/tmp/d1.img \
	tvg /tmp/d0.img /tmp/d1.img >"$log" 2>&1; then
	ok "ivgcreate tvg on /tmp/d0.img /tmp/d1.img"
else
	cat "$log"
	fail "ivgcreate tvg"
fi

out=$(in_root timeout 60 ivgs --devices /tmp/d0.img,/tmp/d1.img 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qw tvg; then
	ok "ivgs --devices lists tvg"
else
	printf '%s\n' "$out"
	fail "ivgs --devices /tmp/d0.img,/tmp/d1.img (exit $rc) does not list tvg"
fi

# Every man page the package ships renders, without groff warnings.
pages=$(in_root dpkg -L ivg | sed -n 's|^/usr/share/man/man[0-9]/\([^/]*\)\.\([0-9]\)\.gz$|\2 \1|p')
[ -n "$pages" ] || fail "no man pages in the package"
while read -r sec page; do
	[ -n "$page" ] || continue
	out=$(in_root man --warnings -P cat "$sec" "$page" 2>"$log")
	if printf '%s\n' "$out" | grep -q "$page" && [ ! -s "$log" ]; then
		ok "man $sec $page renders ($(printf '%s\n' "$out" | wc -l) lines)"
	else
		cat "$log"
		fail "man $sec $page"
	fi
done <<<"$pages"
if in_root man -P cat ivgcreate 2>/dev/null | grep -q ivgcreate; then
	ok "man ivgcreate"
else
	fail "man ivgcreate"
fi

# ---- remove it -----------------------------------------------------------
if in_root apt-get purge -y -q ivg >"$log" 2>&1 &&
	[ ! -e "$root/usr/sbin/ivg" ] && [ ! -e "$root/usr/sbin/ivgcreate" ] &&
	[ ! -e "$root/usr/share/man/man8/ivgcreate.8.gz" ]; then
	ok "apt-get purge ivg removes its files"
else
	cat "$log"
	fail "apt-get purge ivg"
fi

if [ $failed = 0 ]; then echo "deb_install.sh: all ok"; else echo "deb_install.sh: FAILED"; fi
exit $failed
