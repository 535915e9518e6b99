#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# oppinstall and opplist --installed on an installed system: the test BOS
# with the host's package managers (tests/vm/mkbos.sh --pkgtools),
# installed with bosinstall onto an image and mounted, gets OPPs from the
# IVG it came from (its /etc/ivg/installed.json names it): apt-get
# resolves a .deb's dependency among the OPPs, rpm installs an RPM, a
# plain OPP is unpacked with tar and its Install-Script run, all recorded
# in installed.json; the IVG's image stays byte-identical and nothing
# stays mounted or attached. opplist --installed compares the TOC with
# what the system has. Bad input (an unknown OPP, a bad --select, no -y
# without a terminal, a .deb whose preinst fails) exits 3 or 5. Last,
# the ivg binary runs inside that system (chroot) as on a running one.
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/integration/pkgopps.bash"
cd "$T"
for t in dpkg-deb rpmbuild debugfs; do command -v "$t" >/dev/null || { echo "no $t"; exit 77; }; done

"$HERE/vm/mkbos.sh" --pkgtools --name pkgbos pbos >/dev/null 2>pbos.err || die "mkbos.sh --pkgtools: $(cat pbos.err)"
ivgcreate -y --no-boot-image --devices p0.img --size 240m --bootlv-size 8m \
	--bosfs-size 96m --oppfs-size 24m pvg p0.img >/dev/null || die "ivgcreate"
bosadd --devices p0.img pvg pkgbos pbos/bos.tar.gz >/dev/null || die "bosadd"
mkdeb libopp ""
mkdeb appopp "Depends: libopp (>= 1.0)\n"
mkdeb selfopp "Depends: libopp\n"
mkdeb badpre "" "exit 1"
mkrpm rpmopp
mkscriptopp scropp
oppadd --devices p0.img pvg libopp.deb appopp.deb selfopp.deb badpre.deb \
	rpmopp-1.0-1.noarch.rpm scropp.opp >/dev/null || die "oppadd"
truncate -s 512m t.img
bosinstall -y --devices p0.img,t.img --ivg pvg --bos pkgbos --bootlv-size 64m --swap-size 16m t.img >inst.out 2>&1 ||
	die "bosinstall: $(cat inst.out)"
ok "an installed system: the test BOS with dpkg, apt and rpm, from IVG pvg holding six OPPs"

# The installed system's rootlv, mounted read-write here.
l=$(loop_pv t.img) && lvm_filter "$l"
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$l" 2>/dev/null | tr -d ' ')
ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size rootvg 2>/dev/null | tr -d ' ')
r=$(lvmq lvs --noheadings -o seg_pe_ranges rootvg/rootlv 2>/dev/null | tr -d ' ')
losetup -d "$l"
r=${r#*:}
root=$(loop_file -o $(($(part_offset t.img 3) + pe_start + ${r%-*} * ext)) --sizelimit $(((${r#*-} - ${r%-*} + 1) * ext)) t.img)
mkdir sys && mount "$root" sys || die "mount rootlv"
sums p0.img >ivg.sum
nothing_left() { # WHAT
	[ -z "$(losetup -j p0.img)" ] || die "$1: a loop device is left over the IVG: $(losetup -j p0.img)"
	[ "$(findmnt -rn -o TARGET | grep -c "^$T/")" = 1 ] || die "$1: mounts left: $(findmnt -rn -o TARGET | grep "^$T/")"
}
pkg_installed() { # PKG
	awk -v p="$1" '$1 == "Package:" { n = $2 } n == p && /^Status: install ok installed$/ { f = 1 } END { exit !f }' sys/var/lib/dpkg/status
}

# ---- bad input -------------------------------------------------------------
expect_fail 5 'OPP nosuch is not in install volume group "pvg"' oppinstall --root sys --devices p0.img -y nosuch
expect_fail 3 'only vg_uuid=UUID is understood' oppinstall --root sys --devices p0.img --select vg_name=pvg -y appopp
expect_fail 5 'not asked without a terminal \(use -y' oppinstall --root sys --devices p0.img appopp
expect_fail 5 'No volume group called "nosuch"|Volume group "nosuch" not found' oppinstall --root sys --devices p0.img --ivg nosuch -y appopp
pkg_installed appopp && die "a refused oppinstall installed appopp"
nothing_left "after the refusals"
sums -c --quiet ivg.sum || die "a refused oppinstall wrote to the IVG"
ok "bad input refused, nothing installed, nothing left mounted, the IVG byte-identical"

# ---- oppinstall --root: the IVG from installed.json -------------------------
oppinstall --root sys --devices p0.img -y appopp rpmopp scropp >oi.out 2>&1 || die "oppinstall: $(cat oi.out)"
grep -q 'Install volume group "pvg" (UUID .*) read, read-only' oi.out || die "oppinstall did not say which IVG: $(cat oi.out)"
grep -q 'OPP libopp 1.0 installed as a dependency (apt)' oi.out || die "oppinstall: $(cat oi.out)"
pkg_installed appopp && pkg_installed libopp || die "dpkg's status: $(grep -E '^(Package|Status)' sys/var/lib/dpkg/status)"
[ "$(cat sys/opt/rpmopp/file)" = rpmopp ] || die "rpmopp's files are not there"
[ "$(cat sys/etc/scropp.done)" = "scropp 2 ran in pkgbos" ] || die "scropp's install script did not run"
[ -f sys/var/lib/ivg/opp/scropp.control ] || die "no scropp.control"
jq -e '.bos.name == "pkgbos" and ([.opps[] | .name + ":" + .how + ":" + (.dependency | tostring)] | sort ==
	["appopp:apt:false", "libopp:apt:true", "rpmopp:rpm:false", "scropp:install-script:false"])' \
	sys/etc/ivg/installed.json >/dev/null || die "installed.json: $(cat sys/etc/ivg/installed.json)"
nothing_left "after oppinstall"
sums -c --quiet ivg.sum || die "oppinstall wrote to the IVG"
ok "oppinstall --root (the IVG installed.json names): appopp with its dependency libopp (apt), rpmopp (rpm), scropp (tar, its script); recorded; nothing left mounted or attached; the IVG byte-identical"

# ---- opplist --installed ---------------------------------------------------
opplist --devices p0.img --installed --root sys --reportformat json pvg >ol.json || die "opplist --installed"
jq -e '[.report[0].opp[] | .opp_name + ":" + .opp_state] | sort ==
	["appopp:installed", "badpre:", "libopp:installed", "rpmopp:installed", "scropp:installed", "selfopp:"]' ol.json >/dev/null ||
	die "opplist --installed: $(jq -c '.report[0].opp' ol.json)"
opplist --devices p0.img --installed --root sys pvg | grep -Eq '^ +selfopp +1\.0 .* -$' || die "opplist --installed (basic): $(opplist --devices p0.img --installed --root sys pvg)"
expect_fail 3 'root goes with --installed' opplist --devices p0.img --root sys pvg
ok "opplist --installed: the installed OPPs at their versions, the others -"

# ---- a failing package ---------------------------------------------------------
expect_fail 5 'installing the Debian OPPs \(apt-get install\): apt-get failed .*badpre' oppinstall --root sys --devices p0.img -y badpre
nothing_left "after a failing preinst"
sums -c --quiet ivg.sum || die "a failing oppinstall wrote to the IVG"
jq -e '[.opps[] | .name] | index("badpre") == null' sys/etc/ivg/installed.json >/dev/null || die "badpre recorded as installed"
ok "a .deb whose preinst fails: exit 5, not recorded, nothing left mounted"

# ---- the running system: ivg inside it ---------------------------------------------
mkdir -p sys/usr/local/sbin sys/root/ivg
for lib in $(ldd "$IVG_BIN/ivg" | awk '/=>/ { print $3 } $1 ~ /^\// { print $1 }'); do
	mkdir -p "sys$(dirname "$lib")" && cp -L "$lib" "sys$lib"
done
cp "$IVG_BIN/ivg" sys/usr/local/sbin/ivg && ln -s ivg sys/usr/local/sbin/oppinstall
cp --sparse=always p0.img sys/root/ivg/p0.img
sums sys/root/ivg/p0.img | sed 's| sys/root/ivg/| |' >inner.sum
printf 'global { locking_dir = "/root/ivg/lock" }\n' >sys/root/ivg/lvm.conf
mount -t proc proc sys/proc && mount -t sysfs sysfs sys/sys && mount --bind /dev sys/dev || die "mount proc, sys, dev"
chroot sys /usr/bin/env -i PATH=/usr/local/sbin:/usr/sbin:/usr/bin LVM_SYSTEM_DIR=/root/ivg \
	oppinstall --devices /root/ivg/p0.img -y selfopp >self.out 2>&1 || die "oppinstall in the system: $(cat self.out)"
umount sys/dev sys/sys sys/proc
pkg_installed selfopp || die "selfopp is not in dpkg's status"
(cd sys/root/ivg && sha256sum -c --quiet "$T/inner.sum") || die "oppinstall in the system wrote to the IVG"
[ -z "$(losetup -j sys/root/ivg/p0.img)" ] || die "a loop device is left over the IVG: $(losetup -j sys/root/ivg/p0.img)"
[ -z "$(ls -A sys/tmp)" ] || die "oppinstall left files in /tmp: $(ls -A sys/tmp)"
jq -e '[.opps[] | .name] | index("selfopp") != null' sys/etc/ivg/installed.json >/dev/null || die "selfopp not recorded"
ok "oppinstall on the running system (ivg inside it): apt installed selfopp from the IVG, recorded; the IVG byte-identical, no loop device left"
umount sys
