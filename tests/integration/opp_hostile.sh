#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Hostile packages and a hostile oppfs (issue 17):
# - a control header that gives a field twice (a .deb's control, a plain
#   OPP's opp.control, an RPM header's tags) is refused, naming the field
#   and the file, with oppfs mounted (ivgimport -m) or not; nothing is
#   written (the images byte-identical when not mounted, the repository
#   unchanged when mounted) and nothing is made outside oppfs, where the
#   second Package field (../../../x/pwned) pointed;
# - a symbolic link planted in oppfs in place of pool/ or of .toc is never
#   followed, by the mount or by libext2fs: oppadd and oppck refuse or
#   report, opplist does not read the file it points at, nothing is
#   written where it points, and the repository works again once the
#   links are gone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/opp_bad.bash"
CORPUS=$(cd "$(dirname "$0")/../fuzz/corpus" && pwd)
cd "$T"
for t in dpkg-deb python3 ar; do command -v $t >/dev/null || { echo "needs $t"; exit 77; }; done
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m \
	optvg d0.img d1.img >/dev/null
D=d0.img,d1.img
M=$T/mnt
mkdir -p "$T/x" "$T/outside"

mkdeb() {   # NAME VERSION
	local d=$T/src/$1
	mkdir -p "$d/DEBIAN" "$d/opt/$1"
	echo "$1 $2" >"$d/opt/$1/README"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: %s\n' \
		"$1" "$2" "$1" >"$d/DEBIAN/control"
	dpkg-deb --root-owner-group --build "$d" "$T/$1.deb" >/dev/null
}
mkdeb alpha 1
mkdeb beta 1
oppadd --devices $D optvg alpha.deb >/dev/null || die "oppadd alpha"

# Checked in the first value, used in the last: refused whichever.
opp_raw_deb dup.deb 'Package: evil\nVersion: 1\nArchitecture: all\nDescription: x\nPackage: ../../../x/pwned\n'
opp_raw_deb dupver.deb 'Package: evil\nVersion: 1\nVersion: ../../../x/pwned\nArchitecture: all\nDescription: x\n'
mkdir plain && printf 'Package: evil\nVersion: 1\nArchitecture: all\nDescription: x\narchitecture: ../x\n' >plain/opp.control &&
	tar -C plain -cf dup.opp opp.control && rm -r plain
opp_rpm_two_names "$CORPUS/rpmpkg/tool.rpm" dup.rpm
refuse_dups() {
	expect_fail 5 'dup\.deb: control: line 5: the Package field is given twice' oppadd --devices $D optvg dup.deb
	expect_fail 5 'dupver\.deb: control: line 3: the Version field is given twice' oppadd --devices $D optvg dupver.deb
	expect_fail 5 'dup\.opp: opp\.control: line 5: the architecture field is given twice' oppadd --devices $D optvg dup.opp
	expect_fail 5 'dup\.rpm: RPM header: tag 1000 \(Name\) is given twice' oppadd --devices $D optvg dup.rpm
	[ -z "$(ls -A "$T/x")" ] || die "a file was made outside oppfs: $(ls -la "$T/x")"
}
sums d0.img d1.img >before.sum
refuse_dups
sums -c --quiet before.sum || die "a refused oppadd wrote"
ok "a field given twice is refused through libext2fs, naming it and the file; nothing written"

ivgimport -m "$M" --devices $D optvg >/dev/null || die "ivgimport -m"
ls -A "$M/opp" "$M/opp/pool" >before.ls
refuse_dups
ls -A "$M/opp" "$M/opp/pool" | diff before.ls - || die "a refused oppadd changed the mounted oppfs"
ok "the same on the mounted oppfs: refused, the repository unchanged, nothing outside"

# pool/ replaced by a link out of oppfs.
mv "$M/opp/pool" "$M/opp/pool.real"
ln -s "$T/outside" "$M/opp/pool"
expect_fail 5 'mnt/opp \(optvg/oppfs, mounted\): pool is not a directory .*nothing written' oppadd --devices $D optvg beta.deb
expect_fail 5 'pool/alpha_1_all\.deb: .*(Not a directory|Too many levels of symbolic links)' oppck --devices $D optvg
[ -z "$(ls -A "$T/outside")" ] || die "oppadd wrote through the link: $(ls -la "$T/outside")"
ivgexport --devices $D optvg >/dev/null || die "ivgexport"
sums d0.img d1.img >linked.sum
expect_fail 5 'optvg/oppfs: pool is not a directory .*nothing written' oppadd --devices $D optvg beta.deb
expect_fail 5 'optvg/oppfs/pool/alpha_1_all\.deb: .*not a directory' oppck --devices $D optvg
sums -c --quiet linked.sum || die "a refused oppadd through libext2fs changed the disks"
ok "pool/ as a symbolic link out of oppfs is not followed, mounted or through libext2fs: refused, nothing written there"

# .toc replaced by a link to a file outside.
ivgimport -m "$M" --devices $D optvg >/dev/null || die "ivgimport -m"
rm "$M/opp/pool" && mv "$M/opp/pool.real" "$M/opp/pool"
cp "$M/opp/.toc" "$T/outside/toc" && echo "Package: injected" >>"$T/outside/toc"
mv "$M/opp/.toc" "$M/opp/.toc.real"
ln -s "$T/outside/toc" "$M/opp/.toc"
expect_fail 5 '\.toc: cannot open: Too many levels of symbolic links' opplist --devices $D optvg
ivgexport --devices $D optvg >/dev/null || die "ivgexport"
expect_fail 5 'optvg/oppfs: \.toc: not a regular file' opplist --devices $D optvg
expect_fail 5 'optvg/oppfs: \.toc: not a regular file' oppadd --devices $D optvg beta.deb
ok ".toc as a symbolic link is not followed, mounted or through libext2fs"

# Links gone, the repository is as it was and takes the next package.
ivgimport -m "$M" --devices $D optvg >/dev/null || die "ivgimport -m"
rm "$M/opp/.toc" && mv "$M/opp/.toc.real" "$M/opp/.toc"
ivgexport --devices $D optvg >/dev/null || die "ivgexport"
oppadd --devices $D optvg beta.deb >/dev/null || die "oppadd after the links are gone"
oppck --devices $D optvg >ck.out 2>&1 || die "oppck: $(cat ck.out)"
[ -z "$(ls -A "$T/outside" | grep -v '^toc$')" ] || die "something landed outside: $(ls -la "$T/outside")"
ok "without the links: oppadd completes, oppck is clean"
