#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's two commands on a new machine (make check-slow): in a clean
# Debian 12 root that has only build-essential, git, clang, python3 and
# e2fsprogs (debootstrap --variant=minbase, cached as a tarball in
# /var/cache/ivg-test by tests/debroot.bash), with /proc, /sys and /dev
# mounted, a fresh clone of this repository's HEAD runs
#   make demo     which must succeed the first time (it installs the
#                 packages with make deps, builds, and shows the job), then
#   make check    which must pass, nothing skipped but the opt-in suites.
# A missing install step shows up here before a user finds it.
#
#   tests/fresh_root.sh [TARGET...]   make targets, in order (default: demo
#                                     check); IVG_TESTS passes through
# Needs root, debootstrap and the network (apt). Logs and timings go to
# build/fresh-root/ (one log per step); the root is removed at the end
# (IVG_FRESH_KEEP=1 keeps it). Exit 0 when every step passed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/debroot.bash"

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(demo check)
for s in "${steps[@]}"; do
	case $s in *[!a-z-]* | '') echo "usage: tests/fresh_root.sh [TARGET...]" >&2; exit 2 ;; esac
done
say() { echo "fresh_root: $*"; }
die() { say "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, loop devices)"

logs=$top/build/fresh-root
mkdir -p "$logs"
base=$DEBROOT_CACHE/$DEBROOT_SUITE-fresh-$DEBROOT_ARCH.tar.gz
root=""
mounts=()
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	local rc=$? i l
	trap - EXIT INT TERM
	if [ -n "$root" ]; then
		# What the tests left attached over files of the root.
		for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$root/" 'index($2, r) == 1 { print $1 }'); do
			losetup -d "$l" 2>/dev/null
		done
		for m in $(mounted_under "$root" | sort -r); do
			umount "$m" 2>/dev/null || umount -l "$m" || say "cannot unmount $m"
		done
		if [ -n "${IVG_FRESH_KEEP:-}" ]; then
			say "kept $root"
		else
			safe_rmtree "$root" || rc=1
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the root --------------------------------------------------------------
debroot_base "$base" build-essential,git,clang,python3,e2fsprogs || die "no clean $DEBROOT_SUITE root"
root=$(mktemp -d /var/tmp/ivg-fresh-root.XXXXXX)
tar -C "$root" --numeric-owner -xzf "$base" || die "cannot unpack $base"
# The root is a mount point of its own, as / is on a machine (unshare(1)
# and others change its propagation), and private: nothing mounted inside
# reaches the host.
mount --bind "$root" "$root" || die "cannot bind $root onto itself"
mount --make-rprivate "$root" || die "cannot make $root private"
mount -t proc proc "$root/proc" || die "cannot mount proc"
mount -t sysfs sysfs "$root/sys" || die "cannot mount sysfs"
mount --rbind /dev "$root/dev" || die "cannot bind /dev"
mount --make-rslave "$root/dev"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# The tests' caches stay apart from the host's: a fresh machine has none.
# check-deb's own debootstrap tarball may be shared (downloads only).
mkdir -p "$root/var/cache/ivg-test" "$DEBROOT_CACHE"
mount --bind "$DEBROOT_CACHE" "$root/var/cache/ivg-test" || die "cannot bind $DEBROOT_CACHE"

# A fresh clone of HEAD, through a bundle (the chroot cannot see this tree).
git -C "$top" bundle create "$root/root/ivg.bundle" HEAD >/dev/null 2>&1 || die "git bundle of HEAD"
head=$(git -C "$top" rev-parse --short HEAD)

in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb ${IVG_TESTS:+IVG_TESTS="$IVG_TESTS"} "$@"
}
in_root git clone -q /root/ivg.bundle /root/ivg >"$logs/clone.log" 2>&1 ||
	die "git clone in the root: $(cat "$logs/clone.log")"
say "a clean $DEBROOT_SUITE root in $root (build-essential, git, clang, python3, e2fsprogs), a clone of $head in /root/ivg"

# ---- the README's commands ------------------------------------------------------
failed=""
for s in "${steps[@]}"; do
	t0=$SECONDS
	say "make $s ... (log: $logs/$s.log)"
	in_root sh -c "cd /root/ivg && make $s" >"$logs/$s.log" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - t0))
	if [ $rc = 0 ]; then
		say "make $s passed in $secs s"
	else
		say "make $s FAILED (exit $rc) after $secs s; its end:"
		tail -n 40 "$logs/$s.log" | sed 's/^/    /'
		failed="$failed $s"
		break
	fi
	case $s in
	demo) grep -E '^=== Done|^  [0-9]+\. ' "$logs/$s.log" | sed 's/^/    /' ;;
	check) grep -E '^integration:|^unit:|^Left out|opt-in' "$logs/$s.log" | sed 's/^/    /' ;;
	esac
done
[ -z "$failed" ] || die "make$failed in a fresh $DEBROOT_SUITE root"
say "PASS: make ${steps[*]} in a fresh $DEBROOT_SUITE root"
