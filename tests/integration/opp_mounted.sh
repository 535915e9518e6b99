#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# The OPP repository on a mounted oppfs (ivgimport -m, loop devices on this
# kernel): oppadd writes into the mounted filesystem, not under it through
# libext2fs; apt reads the mount point directly as a flat repository; after
# ivgexport the same repository checks clean through libext2fs. A read-only
# mount is refused for writing with a clear error.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/opp_apt.bash"
cd "$T"
command -v dpkg-deb >/dev/null && command -v apt-get >/dev/null || { echo "needs dpkg-deb, apt-get"; exit 77; }
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m \
	optvg d0.img d1.img >/dev/null
D=d0.img,d1.img
M=$T/mnt
mkdeb() {
	local d=$T/src/$1
	mkdir -p "$d/DEBIAN" "$d/opt/$1"
	echo "$1 $2" >"$d/opt/$1/README"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: %s\n' \
		"$1" "$2" "$1" >"$d/DEBIAN/control"
	dpkg-deb --build "$d" "$T/$1_$2_all.deb" >/dev/null
}
mkdeb alpha 1.0
mkdeb beta 0.9

out=$(ivgimport -m "$M" --devices $D optvg) || die "ivgimport -m: $out"
out=$(oppadd -v --devices $D optvg alpha_1.0_all.deb 2>&1) || die "oppadd on the mount: $out"
[ -f "$M/opp/pool/alpha_1.0_all.deb" ] && [ -f "$M/opp/.toc" ] && [ "$(readlink "$M/opp/Packages")" = .toc ] ||
	die "not written into the mounted oppfs: $(ls -la "$M/opp" "$M/opp/pool" 2>&1)"
ls -a "$M/opp/pool" | grep -q "^\.\(new\|opp-tmp\)" && die "temporary files left: $(ls -a "$M/opp/pool")"
oppadd --devices $D optvg beta_0.9_all.deb >/dev/null || die "second oppadd on the mount"
opplist --devices $D optvg | grep -q "beta .*0.9" || die "opplist on the mount"
oppck --devices $D optvg >/dev/null || die "oppck on the mount"
ok "oppadd writes into the mounted oppfs; opplist and oppck read it there"

apt_flat_repo "$M/opp"
# shellcheck disable=SC2086
apt-cache $APT show alpha beta >show.out 2>&1 || die "apt-cache show: $(cat show.out)"
[ "$(grep -c '^Package: ' show.out)" = 2 ] || die "apt-cache show: $(cat show.out)"
ok "apt-get update and apt-cache show on the mount point"

ivgexport --devices $D optvg >/dev/null || die "ivgexport"
out=$(oppck --devices $D optvg) || die "oppck through libext2fs after export: $out"
echo "$out" | grep -q "2 OPP image(s) checked.*generation 2" || die "oppck said: $out"
ok "after ivgexport, oppck through libext2fs finds the same repository, generation 2"

ivgimport --readonly -m "$M" --devices $D optvg >/dev/null || die "read-only import"
mkdeb gamma 1
s=$(sums d0.img d1.img)
expect_fail 5 "mounted read-only at $M/opp" oppadd --devices $D optvg gamma_1_all.deb
[ "$(sums d0.img d1.img)" = "$s" ] || die "refused oppadd wrote"
opplist --devices $D optvg | grep -q alpha || die "opplist on a read-only mount"
ivgexport --readonly --devices $D optvg >/dev/null
ok "a read-only mount is refused for writing, nothing written; read by opplist"
