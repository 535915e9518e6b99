#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# The OPP repository (issue 7) without a mount: oppadd of .deb, .rpm and
# plain OPPs into oppfs through libext2fs; the TOC as a flat apt
# repository (real apt-get update / apt-cache show against the files
# debugfs copies out of the oppfs LV); its generation and SHA-256 as LV
# tags that stock lvm2 keeps (vgck, lvs -o tags); e2fsck clean after every
# change; bad input refused with nothing written; stale TOCs and changed
# images found; opprm, opptoc --rebuild; an exported VG imported for the
# update and exported again; a VG held by another host refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/opp_apt.bash"
cd "$T"
for t in dpkg-deb rpmbuild debugfs apt-get; do
	command -v $t >/dev/null || { echo "needs $t"; exit 77; }
done
me=$(uname -n)
ivgcreate -y --no-boot-image --devices d0.img --size 200m --bootlv-size 16m --bosfs-size 16m --oppfs-size 24m \
	optvg d0.img d1.img >/dev/null
D=d0.img,d1.img

# --- test packages -------------------------------------------------------
mkdeb() {   # NAME VERSION [ARCH [DEPENDS]]
	local d=$T/src/$1-$2
	mkdir -p "$d/DEBIAN" "$d/usr/share/$1"
	echo "$1 $2 ${RANDOM}${RANDOM}" >"$d/usr/share/$1/README"
	{
		printf 'Package: %s\nVersion: %s\nArchitecture: %s\n' "$1" "$2" "${3:-all}"
		printf 'Maintainer: Test <test@example.com>\n'
		[ -n "${4:-}" ] && printf 'Depends: %s\n' "$4"
		printf 'Description: test package %s\n A second line.\n' "$1"
	} >"$d/DEBIAN/control"
	dpkg-deb -Zxz --build "$d" "$T/$1_$2_${3:-all}.deb" >/dev/null
}
mkdeb hello 1.0
mkdeb world 2.0-1 all "hello (>= 1.0)"
mkdir -p rpm/SPECS
cat >rpm/SPECS/tool.spec <<'SPEC'
Name: tool
Epoch: 2
Version: 3.1
Release: 4
Summary: a test tool
License: GPL-2.0-or-later
BuildArch: noarch
Requires: bash >= 5.0, coreutils
%description
First line.

After a blank line.
%install
mkdir -p %{buildroot}/opt/tool && echo hi >%{buildroot}/opt/tool/file
%files
/opt/tool/file
SPEC
rpmbuild --define "_topdir $T/rpm" -bb rpm/SPECS/tool.spec >/dev/null 2>&1 || die "rpmbuild"
cp rpm/RPMS/noarch/tool-3.1-4.noarch.rpm .
mkdir plain && (cd plain && printf 'Package: mytool\nVersion: 1.2\nArchitecture: amd64\nDescription: a plain OPP\n with a second line\n' >opp.control &&
	mkdir bin && echo x >bin/mytool && tar czf ../mytool-1.2.opp opp.control bin)

# --- helpers: the oppfs LV's bytes, as lvm2 maps them --------------------
L0=$(loop_pv d0.img); L1=$(loop_pv d1.img)
lvm_filter "$L0" "$L1"
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$L0" 2>/dev/null | tr -d ' ')
# Where lvm2 places oppfs (lvs refuses an exported VG: found once here).
r=$(lvmq lvs -a --noheadings -o seg_pe_ranges optvg/oppfs_rimage_0 2>/dev/null | tr -d ' ')
[ "${r%%:*}" = "$L0" ] || die "oppfs's leg 0 not on d0: $r"
pe=${r#*:}; pe=${pe%-*}
OPPFS_OFF=$(( $(part_offset d0.img 3) + pe_start + pe * 4194304 ))
oppfs_loop() {   # a loop device over oppfs, read-only
	loop_file -r -o $OPPFS_OFF --sizelimit $((24 << 20)) d0.img
}
fsck_oppfs() {
	local l; l=$(oppfs_loop)
	e2fsck -fn "$l" >fsck.out 2>&1 || die "e2fsck on oppfs: $(cat fsck.out)"
	losetup -d "$l"
}
lvm2_ok() {
	lvmq vgck optvg >vgck.out 2>&1 || die "lvm2 vgck: $(cat vgck.out)"
	grep -v "Activation disabled" vgck.out | grep -q WARNING && die "lvm2 vgck warns: $(cat vgck.out)"
	return 0
}
tags() { lvmq lvs --noheadings -o tags optvg/oppfs 2>/dev/null | tr -d ' '; }
debugfs_w() {   # run a debugfs write request on oppfs (damage on purpose)
	local l; l=$(loop_file -o $OPPFS_OFF --sizelimit $((24 << 20)) d0.img)
	debugfs -w -R "$1" "$l" >/dev/null 2>&1 || die "debugfs $1"
	losetup -d "$l"
}

# --- 1. add .deb, .rpm and a plain OPP ---------------------------------
out=$(oppadd --devices $D optvg hello_1.0_all.deb world_2.0-1_all.deb tool-3.1-4.noarch.rpm mytool-1.2.opp) ||
	die "oppadd: $out"
echo "$out" | grep -q "generation 1, 4 OPP(s)" || die "oppadd said: $out"
json=$(opplist --devices $D --reportformat json optvg)
[ "$(echo "$json" | jq -r '[.report[0].opp[] | .opp_name + "=" + .opp_version + "/" + .opp_arch + "/" + .opp_format] | join(" ")')" = \
  "hello=1.0/all/deb mytool=1.2/amd64/opp tool=2:3.1-4/noarch/rpm world=2.0-1/all/deb" ] || die "opplist: $json"
[ "$(echo "$json" | jq -r '.report[0].toc[0].toc_generation')" = 1 ] || die "toc generation: $json"
ok "oppadd of a .deb, an RPM (epoch, release, requires) and a plain OPP; opplist"
t=$(tags)
sha=$(echo "$json" | jq -r '.report[0].toc[0].toc_sha256')
[ "$t" = "opp_toc_gen_1,opp_toc_sha256_$sha" ] || die "lvm2 sees oppfs tags '$t', expected gen 1 and $sha"
lvm2_ok
fsck_oppfs
ok "lvm2 vgck is clean and lvs -o tags shows the TOC's generation and SHA-256; e2fsck clean"

# --- 2. apt reads oppfs as a flat repository ----------------------------
l=$(oppfs_loop)
mkdir repo && debugfs -R 'rdump / repo' "$l" >/dev/null 2>&1 || die "debugfs rdump"
losetup -d "$l"
[ "$(sha256sum <repo/.toc | cut -d' ' -f1)" = "$sha" ] || die ".toc differs from the metadata's SHA-256"
[ "$(readlink repo/Packages)" = .toc ] || die "Packages is not a link to .toc"
for f in hello_1.0_all.deb tool_3.1-4_noarch.rpm; do
	cmp -s "repo/pool/$f" "$(ls ./${f%%_*}[-_]*.{deb,rpm} 2>/dev/null | head -1)" || die "pool/$f differs from its source"
done
apt_flat_repo "$T/repo"
# shellcheck disable=SC2086
apt-cache $APT show world >show.out 2>&1 || die "apt-cache show: $(cat show.out)"
grep -q '^Depends: hello (>= 1.0)' show.out && grep -q '^Opp-Format: deb' show.out &&
	grep -q '^Filename: pool/world_2.0-1_all.deb' show.out || die "apt-cache show world: $(cat show.out)"
# shellcheck disable=SC2086
(cd "$T" && apt-get $APT download hello >dl.out 2>&1) || die "apt-get download: $(cat dl.out)"
cmp -s hello_1.0_all.deb.orig hello_1.0_all.deb 2>/dev/null || cmp -s repo/pool/hello_1.0_all.deb hello_1.0_all.deb ||
	die "downloaded hello differs"
ok "apt-get update, apt-cache show and apt-get download read the TOC as a flat repository"

# --- 3. bad input: clear errors, nothing written ------------------------
s=$(sums d0.img d1.img)
head -c 600 hello_1.0_all.deb >trunc.deb
sz=$(stat -c %s tool-3.1-4.noarch.rpm); head -c $((sz - 10)) tool-3.1-4.noarch.rpm >trunc.rpm
echo "just text" >notes.txt
printf 'Package: ../evil\nVersion: 1\nArchitecture: all\nDescription: x\n' >opp.control && tar cf evil.opp opp.control
printf 'Package: ok\nVersion: 1\nArchitecture: all\nDescription: x\n' >opp.control && echo a >a &&
	tar cf escape.opp opp.control a --transform 's,^a$,../../etc/passwd,' 2>/dev/null
mkdeb hello 1.0          # same name, version, arch; other contents
expect_fail 5 "trunc.deb: .*Truncated" oppadd --devices $D optvg trunc.deb
expect_fail 5 "trunc.rpm: truncated or damaged RPM" oppadd --devices $D optvg trunc.rpm
expect_fail 5 "notes.txt: not a package" oppadd --devices $D optvg notes.txt
expect_fail 5 'evil.opp: Package "../evil" would escape' oppadd --devices $D optvg evil.opp
expect_fail 5 'escape.opp: member "../../etc/passwd" would escape' oppadd --devices $D optvg escape.opp
expect_fail 5 "hello 1.0 \(all\) is already in optvg with different contents under the same version" \
	oppadd --devices $D optvg hello_1.0_all.deb
expect_fail 5 "hello 1.0 \(all\) is already in optvg \(identical\)" oppadd --devices $D optvg repo/pool/hello_1.0_all.deb
head -c $((30 << 20)) /dev/urandom >plain/big.bin
(cd plain && sed -i 's/^Package: .*/Package: big/' opp.control && tar cf ../big.opp opp.control big.bin)
expect_fail 5 "not enough space.*nothing written" oppadd --devices $D optvg big.opp
expect_fail 5 "held read-write by host \"$me\" \(this host is \"otherhost\"\)" \
	unshare -u sh -c 'hostname otherhost && exec "$@"' sh oppadd --devices $D optvg tool-3.1-4.noarch.rpm
expect_fail 3 "a VG name and at least one FILE" oppadd --devices $D optvg
[ "$(sums d0.img d1.img)" = "$s" ] || die "a refused oppadd wrote"
ok "refused, nothing written: truncated .deb and .rpm, text, escaping names, same version with other contents, full oppfs, another holder"

# --- 4. --replace; a changed image and a stale TOC are found ------------
out=$(oppadd --devices $D --replace optvg hello_1.0_all.deb) || die "--replace: $out"
echo "$out" | grep -q "generation 2, 4 OPP(s)" || die "--replace said: $out"
oppck --devices $D optvg >/dev/null || die "oppck after --replace"
fsck_oppfs
ok "--replace writes the new contents; oppck clean, e2fsck clean"
cp world_2.0-1_all.deb w.deb && printf 'X' | dd of=w.deb bs=1 seek=$(( $(stat -c %s w.deb) - 3 )) conv=notrunc status=none
debugfs_w "rm pool/world_2.0-1_all.deb"
debugfs_w "write $T/w.deb pool/world_2.0-1_all.deb"
expect_fail 5 "pool/world_2.0-1_all.deb: contents differ from the TOC entry of world 2.0-1" oppck --devices $D optvg
opplist --devices $D optvg >/dev/null || die "opplist trusts the TOC, which still matches the metadata"
ok "an image whose contents changed under the same version (same size) is found by oppck"
debugfs_w "rm pool/world_2.0-1_all.deb"
debugfs_w "write $T/world_2.0-1_all.deb pool/world_2.0-1_all.deb"
oppck --devices $D optvg >/dev/null || die "oppck after repair"
l=$(oppfs_loop); debugfs -R 'cat .toc' "$l" 2>/dev/null >toc.txt; losetup -d "$l"
sed 's/^Description: test package hello/Description: tampered/' toc.txt >toc2.txt
debugfs_w "rm .toc"
debugfs_w "write $T/toc2.txt .toc"
s=$(sums d0.img d1.img)
expect_fail 5 "does not match the VG metadata \(stale or torn\).*generation 2" opplist --devices $D optvg
expect_fail 5 "stale or torn" oppck --devices $D optvg
expect_fail 5 "stale or torn" opptoc --devices $D optvg
expect_fail 5 "stale or torn.*opptoc --rebuild" oppadd --devices $D optvg tool-3.1-4.noarch.rpm
[ "$(sums d0.img d1.img)" = "$s" ] || die "a reader or a refused writer wrote"
out=$(opptoc --rebuild --devices $D optvg) || die "opptoc --rebuild: $out"
echo "$out" | grep -q "generation 3, 4 OPP(s)" || die "rebuild said: $out"
l=$(oppfs_loop); debugfs -R 'cat .toc' "$l" 2>/dev/null >toc3.txt; losetup -d "$l"
cmp -s toc.txt toc3.txt || die "the rebuilt TOC differs from the one oppadd wrote: $(diff toc.txt toc3.txt)"
oppck --devices $D optvg >/dev/null && opplist --devices $D optvg >/dev/null || die "after rebuild"
lvm2_ok
ok "a TOC that does not match the metadata is reported by opplist, oppck, opptoc and refused by oppadd; opptoc --rebuild restores the same bytes"

# --- 5. opprm; an exported VG is imported for the update and exported --
ivgexport --devices $D optvg >/dev/null
out=$(opprm --devices $D optvg world tool=2:3.1-4) || die "opprm: $out"
echo "$out" | grep -q "generation 4, 2 OPP(s)" && echo "$out" | grep -q "2 OPP image(s) removed" || die "opprm said: $out"
attr=$(lvmq vgs --noheadings -o vg_attr optvg 2>/dev/null | tr -d ' ')
[ "${attr:2:1}" = x ] || die "optvg is not exported again after opprm: $attr"
[ "$(opplist --devices $D --reportformat json optvg | jq -r '[.report[0].opp[].opp_name] | join(" ")')" = "hello mytool" ] ||
	die "opplist after opprm"
l=$(oppfs_loop); debugfs -R 'ls -l pool' "$l" 2>/dev/null >ls.txt; losetup -d "$l"
grep -qE " (world|tool)_" ls.txt && die "removed images still in pool: $(cat ls.txt)"
expect_fail 5 'No OPP matches "nosuch"' opprm --devices $D optvg nosuch
out=$(oppadd --devices $D optvg tool-3.1-4.noarch.rpm) || die "oppadd to an exported VG: $out"
attr=$(lvmq vgs --noheadings -o vg_attr optvg 2>/dev/null | tr -d ' ')
[ "${attr:2:1}" = x ] || die "optvg is not exported again after oppadd: $attr"
ivgimport --devices $D optvg >/dev/null
lvm2_ok
[ "$(tags)" = "opp_toc_gen_5,opp_toc_sha256_$(opplist --devices $D --reportformat json optvg | jq -r '.report[0].toc[0].toc_sha256')" ] ||
	die "tags after the last update: $(tags)"
fsck_oppfs
ok "opprm and oppadd on an exported VG: imported for the update, exported again; lvm2 and e2fsck clean"
