#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# bosinstall on image files: an IVG (ivgcreate --no-boot-image) holding
# the test BOS (tests/vm/mkbos.sh, added with bosadd) and a plain OPP;
# bosinstall onto an empty image. Judged by stock lvm2 (vgck clean,
# the three LVs, the ivg_rootvg tag), e2fsck -fn of rootlv and bootlv,
# blkid on swaplv, grub-fstest listing (lvm/rootvg-bootlv)/, the
# installed.json record, the OPPs in the root, and the IVG images
# byte-identical before and after. Bad input (a target in the IVG even
# with -f, a target holding another VG without -f, a target too small, an
# unknown BOS or OPP, a root VG name in use) exits 5 with nothing
# written; a second install onto the target needs -f and completes.
# bosinstall -f stopped at some of its device writes (IVG_TEST_FAULT;
# more with IVG_SLOW=1) leaves a target that does not boot, or boots a
# whole install, and a rerun with -f completes it. OPPs installed by the
# BOS's own tools (the test BOS with --pkgtools: dpkg, apt, rpm) in a
# chroot of the new rootlv with the IVG's oppfs mounted read-only: a .deb
# whose dependency apt finds among the OPPs, an RPM, a plain OPP with an
# install script; a failing .deb and a BOS without dpkg fail with nothing
# left mounted or attached.
# Then the target alone boots under SeaBIOS (tests/vm/boot.sh) and the
# test BOS prints its marker; IVG_SLOW=1 boots it under OVMF too. Under
# IVG_FAST (the ASan run) the boots are left out: check-integration's run
# of this test boots.
# slow-part: more bosinstall crash points; the boot of the target under OVMF
# fast-part: the boot of the installed target under QEMU
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/integration/pkgopps.bash"
cd "$T"
TMO=${IVG_BOOT_TIMEOUT:-240}

"$HERE/vm/mkbos.sh" bos >/dev/null 2>bos.err || die "mkbos.sh: $(cat bos.err)"
ivgcreate -y --no-boot-image --devices d0.img --size 196m --bootlv-size 8m \
	--bosfs-size 64m --oppfs-size 16m ivg0 d0.img >/dev/null || die "ivgcreate"
bosadd --devices d0.img ivg0 testbos bos/bos.tar.gz >/dev/null || die "bosadd"
bos_sha=$(sha256sum bos/bos.tar.gz | cut -d' ' -f1)
# A BOS whose tree takes 300 MiB unpacked, in an archive of 300 KiB.
mkdir -p big/boot && head -c 300M /dev/zero >big/zeros && echo k >big/boot/vmlinuz-6.1.0-test &&
	echo i >big/boot/initrd.img-6.1.0-test && tar -C big -czf big.tar.gz . && rm -r big
# A BOS without a kernel (a container's root, say): refused up front.
mkdir -p nok/etc && echo nok >nok/etc/hostname && tar -C nok -czf nok.tar.gz . && rm -r nok
bosadd --devices d0.img ivg0 nokernel nok.tar.gz >/dev/null || die "bosadd nokernel"
# A kernel without its initramfs, as a tar and as a raw image: refused
# before the targets are touched (the raw image is looked at in its LV).
mkdir -p noi/boot noi/etc && echo k >noi/boot/vmlinuz-6.1.0-test && echo noi >noi/etc/hostname &&
	tar -C noi -czf noi.tar.gz . && mke2fs -q -F -t ext4 -d noi noi.img 4M && rm -r noi
bosadd --devices d0.img ivg0 noinitrd noi.tar.gz >/dev/null || die "bosadd noinitrd"
bosadd --devices d0.img ivg0 rawnoinitrd noi.img >/dev/null || die "bosadd rawnoinitrd"
bosadd --devices d0.img ivg0 bigbos big.tar.gz >/dev/null || die "bosadd bigbos"
unpacked=$(boslist --devices d0.img --reportformat json ivg0 | jq -r '.report[0].bos[] | select(.bos_name == "bigbos") | .bos_unpacked')
[ "$unpacked" -ge $((300 << 20)) ] && [ "$unpacked" -lt $((301 << 20)) ] || die "bigbos: bos_unpacked $unpacked"

# A plain OPP and a Debian package in the IVG's repository.
mkdir -p opp/opt/mytool && printf 'Package: mytool\nVersion: 1.2\nArchitecture: amd64\nDescription: a plain OPP\n' >opp/opp.control
echo "mytool payload" >opp/opt/mytool/README
# bin/ too: the BOS has merged /usr (bin -> usr/bin), which must stay.
mkdir -p opp/bin && echo "mytool command" >opp/bin/mytool
(cd opp && tar czf ../mytool.opp opp.control opt bin)
mkdir -p deb/DEBIAN deb/usr/share/hello-opp
printf 'Package: hello-opp\nVersion: 1.0\nArchitecture: all\nMaintainer: ivg tests <t@example.org>\nDescription: a test package\n' >deb/DEBIAN/control
echo hello >deb/usr/share/hello-opp/hello
dpkg-deb --root-owner-group --build deb hello-opp.deb >/dev/null || die "dpkg-deb"
oppadd --devices d0.img ivg0 mytool.opp hello-opp.deb >/dev/null || die "oppadd"
ok "IVG with the test BOS ($(du -k bos/bos.tar.gz | cut -f1) KiB), a plain OPP and a .deb"

# Other disks: the target, one too small, one holding another VG.
truncate -s 256m t.img
truncate -s 150m small.img
truncate -s 256m other.img
l=$(loop_file other.img)
lvm_filter "$l"
lvmq pvcreate -q "$l" >/dev/null 2>&1 && lvmq vgcreate -q othervg "$l" >/dev/null 2>&1 || die "vgcreate othervg"
losetup -d "$l"
SIZES="--bootlv-size 64m --swap-size 16m"
# shellcheck disable=SC2086 # SIZES is two options
inst() { bosinstall --devices d0.img,other.img --ivg ivg0 $SIZES "$@"; }

sums d0.img t.img small.img other.img >before.sum
expect_fail 5 'd0\.img: is a disk of install volume group "ivg0"' inst --bos testbos -f t.img d0.img
expect_fail 5 'other\.img: is a PV of volume group "othervg"; use -f' inst --bos testbos other.img
expect_fail 5 'small\.img: too small for the root VG' inst --bos testbos small.img
expect_fail 5 't\.img: too small for the root VG: .* rootlv at least 3[2-9][0-9] MiB' inst --bos bigbos t.img
expect_fail 5 'BOS nokernel of volume group "ivg0" holds no kernel .*nothing written' inst --bos nokernel t.img
expect_fail 5 'BOS noinitrd of volume group "ivg0" holds no initramfs .*nothing written' inst --bos noinitrd t.img
expect_fail 5 'BOS rawnoinitrd of volume group "ivg0": the installed system could not boot, nothing written: ivg0/bos_rawnoinitrd_[0-9a-zA-Z]+ holds no usable kernel: /boot/vmlinuz-6.1.0-test has no initramfs' inst --bos rawnoinitrd t.img
expect_fail 5 'BOS "nosuch" not found in volume group "ivg0"' inst --bos nosuch t.img
expect_fail 5 'nosuch\.img: No such file or directory' inst --bos testbos nosuch.img
expect_fail 5 'OPP nosuch is not in install volume group "ivg0"' inst --bos testbos --opp mytool,nosuch t.img
expect_fail 5 'OPP mytool=9 is not in' inst --bos testbos --opp mytool=9 t.img
expect_fail 5 'A volume group called othervg already exists \(UUID [-A-Za-z0-9]{38} on other\.img\)' inst --bos testbos --rootvg othervg t.img
expect_fail 5 'Volume group "nosuchivg" not found' inst --ivg nosuchivg --bos testbos t.img
expect_fail 3 'no target disk' inst --bos testbos
expect_fail 3 '--ivg VG and --bos NAME are needed' bosinstall t.img
expect_fail 3 'invalid VG name' inst --bos testbos --rootvg 'a b' t.img
# Two install VGs called ivg0: no guessing; the UUID or --select picks one.
ivgcreate -y --no-boot-image --devices twin.img --size 160m --bootlv-size 32m --bosfs-size 8m --oppfs-size 8m \
	ivg0 twin.img >/dev/null || die "ivgcreate twin"
sums twin.img >>before.sum
expect_fail 5 '2 VGs are called "ivg0" \(UUID .* on (d0|twin)\.img; UUID .* on (d0|twin)\.img\); not guessing' \
	bosinstall --devices d0.img,twin.img --ivg ivg0 --bos testbos $SIZES t.img
ivg0_uuid=$(ivgs --devices d0.img --reportformat json ivg0 | jq -r '.report[0].vg[0].vg_uuid')
[ ${#ivg0_uuid} = 38 ] || die "ivgs gives no vg_uuid: $ivg0_uuid"
expect_fail 5 "No volume group called \"ivg0\" with UUID $ivg0_uuid found" \
	bosinstall --devices twin.img --ivg ivg0 --select "vg_uuid=$ivg0_uuid" --bos testbos $SIZES t.img
expect_fail 3 'only vg_uuid=UUID is understood' bosinstall --devices d0.img --ivg ivg0 --select vg_name=x --bos testbos t.img
# SAN LUNs by their WWN or iSCSI address: none on this host, and bosinstall
# never logs in by itself.
expect_fail 5 'wwn-0x600a0b800000ffff: no disk with that WWN on this machine' inst --bos testbos wwn-0x600a0b800000ffff
expect_fail 5 '"wwn-0xzz": not a WWN' inst --bos testbos wwn-0xzz
expect_fail 5 'this machine has no iSCSI session to iqn.2026-12.org.example:none at 192.0.2.1:3260: log in first \(iscsiadm' \
	inst --bos testbos iscsi://192.0.2.1/iqn.2026-12.org.example:none/1
expect_fail 5 'no target IQN, or no LUN after it' inst --bos testbos iscsi://192.0.2.1/iqn.2026-12.org.example:none
sums -c --quiet before.sum || die "a refused bosinstall wrote something"
ok "bad input refused, nothing written"

t0=$SECONDS
inst --bos testbos --opp mytool t.img >inst.out 2>&1 || die "bosinstall: $(cat inst.out)"
ok "bosinstall ($((SECONDS - t0)) s): $(grep 'installed on' inst.out | sed 's/^ *//')"
sums -c --quiet <(grep ' d0.img$' before.sum) || die "the IVG's disk changed"
ok "the IVG's disk is byte-identical"

# Stock lvm2's view of the target.
l=$(loop_pv t.img)
lvm_filter "$l"
lvmq vgck rootvg >vgck.out 2>&1 || die "vgck: $(cat vgck.out)"
grep -v "Activation disabled" vgck.out | grep -q WARNING && die "vgck warns: $(cat vgck.out)"
lvmq vgs --noheadings -o vg_tags rootvg 2>/dev/null | grep -qx ' *ivg_rootvg' || die "rootvg tags: $(lvmq vgs -o vg_tags rootvg 2>&1)"
lvmq lvs --noheadings -o lv_name,segtype,seg_pe_ranges rootvg 2>/dev/null >lvs.out
for lv in bootlv swaplv rootlv; do
	grep -Eq "^ *$lv +linear " lvs.out || die "no linear $lv: $(cat lvs.out)"
done
ok "lvm2: vgck clean, rootvg tagged ivg_rootvg, linear bootlv swaplv rootlv"

# A loop device over an LV (one segment on the one PV).
pe_start=$(lvmq pvs --noheadings --units b --nosuffix -o pe_start "$l" 2>/dev/null | tr -d ' ')
ext=$(lvmq vgs --noheadings --units b --nosuffix -o vg_extent_size rootvg 2>/dev/null | tr -d ' ')
base=$(part_offset t.img 3)
losetup -d "$l"
lv_loop() {
	local r first last
	r=$(awk -v lv="$1" '$1 == lv { print $3 }' lvs.out)
	r=${r#*:} first=${r%-*} last=${r#*-}
	loop_file -r -o $((base + pe_start + first * ext)) --sizelimit $(((last - first + 1) * ext)) t.img
}
root=$(lv_loop rootlv) boot=$(lv_loop bootlv) swap=$(lv_loop swaplv)
e2fsck -fn "$root" >fsck.out 2>&1 || die "e2fsck rootlv: $(cat fsck.out)"
e2fsck -fn "$boot" >fsck.out 2>&1 || die "e2fsck bootlv: $(cat fsck.out)"
[ "$(blkid -o value -s TYPE "$swap")" = swap ] || die "swaplv: $(blkid "$swap")"
ok "e2fsck -fn: rootlv and bootlv clean; swaplv has a swap signature"

debugfs -R "cat /etc/ivg/installed.json" "$root" 2>/dev/null >installed.json
jq -e --arg sha "$bos_sha" '.bos.name == "testbos" and .bos.format == "tar" and .bos.sha256 == $sha
	and .ivg.vg == "ivg0" and (.ivg.uuid | length) == 38 and .opp_toc.generation >= 1
	and .rootvg.name == "rootvg" and (.kernel | startswith("6."))' installed.json >/dev/null ||
	die "installed.json: $(cat installed.json)"
jq -e '[.opps[] | .name + ":" + .how] == ["mytool:unpacked"]' installed.json >/dev/null ||
	die "installed.json opps: $(jq -c .opps installed.json)"
ok "installed.json: BOS, SHA-256, kernel $(jq -r .kernel installed.json), IVG, TOC generation, OPPs"
[ "$(debugfs -R "cat /opt/mytool/README" "$root" 2>/dev/null)" = "mytool payload" ] || die "the plain OPP is not unpacked"
debugfs -R "stat /opp.control" "$root" 2>&1 | grep -q 'not found' || die "opp.control landed in the root"
debugfs -R "stat /bin" "$root" 2>/dev/null | grep -q 'Type: symlink' ||
	die "the plain OPP's bin/ replaced the BOS's /bin -> usr/bin: $(debugfs -R 'stat /bin' "$root" 2>/dev/null | head -2)"
[ "$(debugfs -R "cat /usr/bin/mytool" "$root" 2>/dev/null)" = "mytool command" ] || die "the plain OPP's bin/mytool is not in usr/bin"
ok "OPPs: the plain one unpacked (its opp.control aside); its bin/mytool went through the BOS's /bin -> usr/bin, which stays"
[ "$(debugfs -R "cat /etc/ivg-bos/name" "$root" 2>/dev/null)" = testbos ] || die "the BOS is not in rootlv"

grub-fstest -c 1 t.img ls '(lvm/rootvg-bootlv)/' >grub.out 2>&1 || die "grub-fstest: $(cat grub.out)"
for f in vmlinuz initrd.img grub manifest.sha256; do grep -qw "$f" grub.out || die "bootlv lacks $f: $(cat grub.out)"; done
ok "GRUB reads bootlv: $(cat grub.out)"

# Again: the target holds rootvg now.
sums t.img >t.sum
expect_fail 5 't\.img: is a PV of volume group "rootvg"; use -f' inst --bos testbos t.img
sums -c --quiet t.sum || die "a refused reinstall wrote to the target"
bosinstall --devices d0.img,twin.img,other.img --select "vg_uuid=$ivg0_uuid" $SIZES --bos testbos -f t.img >/dev/null 2>&1 ||
	die "bosinstall -f --select over an installed target"
bosinstall --devices d0.img,twin.img,other.img --ivg "$ivg0_uuid" $SIZES --bos testbos -f t.img >/dev/null 2>&1 ||
	die "bosinstall -f --ivg UUID over an installed target"
sums -c --quiet <(grep -E ' (d0|twin).img$' before.sum) || die "the IVGs' disks changed"
ok "a second install needs -f and completes, with the IVG chosen by --select vg_uuid= and by its UUID among two called ivg0; both IVGs byte-identical"

# Crashes: bosinstall -f stopped at its Nth device write (IVG_TEST_FAULT,
# tests/integration/crash_points.sh). A target with boot code in sector 0
# or GRUB on its ESP must hold a whole install (bootlv's files match its
# manifest); then a rerun with -f completes.
bootable() {
	local esp
	esp=$(part_offset t.img 2)
	head -c 440 t.img | tr -d '\0' | grep -q . && return 0
	mdir -i "t.img@@$esp" ::/EFI/BOOT/BOOTX64.EFI >/dev/null 2>&1
}
whole() {
	local f
	rm -rf bl && mkdir bl
	grub-fstest -c 1 t.img cp '(lvm/rootvg-bootlv)/manifest.sha256' bl/manifest.sha256 2>/dev/null || return 1
	for f in $(awk '{ print $2 }' bl/manifest.sha256); do
		mkdir -p "bl/$(dirname "$f")"
		grub-fstest -c 1 t.img cp "(lvm/rootvg-bootlv)/$f" "bl/$f" 2>/dev/null || return 1
	done
	(cd bl && sha256sum -c --quiet manifest.sha256 >/dev/null 2>&1)
}
pts=$(IVG_TEST_FAULT=999999999:exit inst --bos testbos -f t.img 2>&1 | sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p')
[ -n "$pts" ] || die "no fault point count"
points="$((pts / 2)) $((pts - 8)) $((pts - 1))"
[ -n "${IVG_SLOW:-}" ] && points="4 $((pts / 4)) $points $((pts - 40)) $((pts - 20)) $((pts - 4)) $((pts - 2))"
# An install's number of writes varies by one or two (libext2fs writes
# only the superblock fields that changed, and its times change or not
# with the second): a point counted from the end that this run did not
# reach is taken again from this run's own count.
for n in $points; do
	from_end=$((pts - n)) total=$pts
	for _ in 1 2 3; do
		set +e
		IVG_TEST_FAULT=$n:exit inst --bos testbos -f t.img >crash.out 2>&1
		rc=$?
		set -e
		k=$(sed -n 's/^IVG_TEST_FAULT: \([0-9]*\) points$/\1/p' crash.out)
		[ $rc = 0 ] && [ -n "$k" ] && [ "$k" -lt "$n" ] && [ "$k" -ge $((pts - 4)) ] || break
		total=$k n=$((k - from_end))
	done
	[ $rc = 99 ] || die "crash at point $n of $total: exited $rc: $(cat crash.out)"
	if bootable; then
		whole || die "crash at point $n of $total: the target has boot records but not a whole install"
		state="boots a whole install"
	else
		state="does not boot"
	fi
	inst --bos testbos -f t.img >/dev/null 2>&1 || die "bosinstall -f after a crash at point $n"
	whole || die "bosinstall -f after a crash at point $n: bootlv does not match its manifest"
	ok "crash at write $n of $total: the target $state; bosinstall -f completes"
done
sums -c --quiet <(grep ' d0.img$' before.sum) || die "the IVG's disk changed"

# OPPs installed by the BOS's own tools, in a chroot of the new rootlv.
rootlv_loop() { # IMG: a read-only loop over its rootvg/rootlv
	local l r
	l=$(loop_pv "$1") && lvm_filter "$l"
	r=$(lvmq lvs --noheadings -o seg_pe_ranges rootvg/rootlv 2>/dev/null | tr -d ' ')
	losetup -d "$l"
	r=${r#*:}
	loop_file -r -o $(($(part_offset "$1" 3) + pe_start + ${r%-*} * ext)) --sizelimit $(((${r#*-} - ${r%-*} + 1) * ext)) "$1"
}
nothing_left() { # IMG WHAT
	[ -z "$(losetup -j "$1")" ] || die "$2: a loop device is left over $1: $(losetup -j "$1")"
	! findmnt -rn -o TARGET | grep -q ivg-root || die "$2: a mount is left behind: $(findmnt -rn | grep ivg-root)"
	[ -z "$(losetup -j d0.img)" ] || die "$2: a loop device is left over the IVG: $(losetup -j d0.img)"
}
{
	"$HERE/vm/mkbos.sh" --pkgtools --name pkgbos pbos >/dev/null 2>pbos.err || die "mkbos.sh --pkgtools: $(cat pbos.err)"
	ivgcreate -y --no-boot-image --devices p0.img --size 240m --bootlv-size 8m \
		--bosfs-size 96m --oppfs-size 24m pvg p0.img >/dev/null || die "ivgcreate pvg"
	bosadd --devices p0.img pvg pkgbos pbos/bos.tar.gz >/dev/null || die "bosadd pkgbos"
	bosadd --devices p0.img pvg testbos bos/bos.tar.gz >/dev/null || die "bosadd testbos"
	mkdeb libopp ""
	mkdeb appopp "Depends: libopp (>= 1.0)\n"
	mkdeb badpre "" "exit 1"
	mkrpm rpmopp
	mkscriptopp scropp
	oppadd --devices p0.img pvg libopp.deb appopp.deb badpre.deb rpmopp-1.0-1.noarch.rpm scropp.opp >/dev/null ||
		die "oppadd pvg"
	sums p0.img >pvg.sum
	truncate -s 512m t2.img
	pinst() { bosinstall --devices p0.img,t2.img --ivg pvg $SIZES -f -y "$@" t2.img; }
	t0=$SECONDS
	pinst --bos pkgbos --opp appopp,rpmopp,scropp >inst2.out 2>&1 || die "bosinstall (the BOS's tools): $(cat inst2.out)"
	nothing_left t2.img "after the install"
	sums -c --quiet pvg.sum || die "the IVG's disk changed"
	d=$(rootlv_loop t2.img)
	debugfs -R "cat /var/lib/dpkg/status" "$d" 2>/dev/null >status
	for p in appopp libopp; do
		awk -v p="$p" '$1 == "Package:" { n = $2 } n == p && /^Status: install ok installed$/ { f = 1 } END { exit !f }' status ||
			die "dpkg's status lacks $p installed: $(cat status)"
	done
	[ "$(debugfs -R "cat /usr/share/libopp/file" "$d" 2>/dev/null)" = libopp ] || die "libopp's files are not there"
	[ "$(debugfs -R "cat /opt/rpmopp/file" "$d" 2>/dev/null)" = rpmopp ] || die "rpmopp's files are not there"
	debugfs -R "ls /var/lib/rpm" "$d" 2>/dev/null | grep -q rpmdb.sqlite || die "no RPM database in the root"
	[ "$(debugfs -R "cat /etc/scropp.done" "$d" 2>/dev/null)" = "scropp 2 ran in pkgbos" ] || die "scropp's install script did not run in the root"
	debugfs -R "stat /bin" "$d" 2>/dev/null | grep -q 'Type: symlink' || die "scropp's bin/ (GNU tar) replaced pkgbos's /bin -> usr/bin"
	[ -n "$(debugfs -R "cat /usr/bin/scropp-tool" "$d" 2>/dev/null)" ] || die "scropp's bin/scropp-tool is not in usr/bin"
	debugfs -R "cat /etc/ivg/installed.json" "$d" 2>/dev/null >inst2.json
	jq -e '[.opps[] | .name + ":" + .how + ":" + (.dependency | tostring)] | sort ==
		["appopp:apt:false", "libopp:apt:true", "rpmopp:rpm:false", "scropp:install-script:false"]' inst2.json >/dev/null ||
		die "installed.json opps: $(jq -c .opps inst2.json)"
	[ -z "$(debugfs -R "ls /run" "$d" 2>/dev/null | awk 'NF && $NF != "." && $NF != ".."')" ] ||
		die "/run of the root is not left as it was: $(debugfs -R "ls -l /run" "$d" 2>/dev/null)"
	e2fsck -fn "$d" >fsck.out 2>&1 || die "e2fsck rootlv after the BOS's tools: $(cat fsck.out)"
	losetup -d "$d"
	ok "the BOS's own tools ($((SECONDS - t0)) s): apt installed appopp and its dependency libopp from the IVG's repository (both in dpkg's status, libopp recorded as a dependency), rpm the RPM, /bin/sh the plain OPP's script; nothing left mounted or attached; the IVG byte-identical"
	expect_fail 5 'installing the Debian OPPs \(apt-get install\): apt-get failed with exit status 100: .*badpre' pinst --bos pkgbos --opp badpre
	nothing_left t2.img "after a failing preinst"
	expect_fail 5 'OPP libopp is a Debian package and BOS testbos has no dpkg' pinst --bos testbos --opp libopp
	nothing_left t2.img "after a BOS without dpkg"
	sums -c --quiet pvg.sum || die "the IVG's disk changed"
	ok "a failing .deb and a BOS without dpkg: exit 5, no mount or loop device left, the IVG byte-identical"
}

# Boot the target alone (not under IVG_FAST: see "# fast-part" above).
[ -n "${IVG_FAST:-}" ] && exit 0
command -v qemu-system-x86_64 >/dev/null || die "no qemu-system-x86_64 (package qemu-system-x86: make deps)"
root=$(lv_loop rootlv)
debugfs -R "cat /etc/ivg/installed.json" "$root" 2>/dev/null >installed2.json
want=$(sha256sum <installed2.json | cut -c1-16)
jq -e '.bos.name == "testbos"' installed2.json >/dev/null || die "installed.json after the reinstall: $(cat installed2.json)"
boot_target() {
	local fw=$1 s=$SECONDS
	"$HERE/vm/boot.sh" --firmware "$fw" --timeout "$TMO" --console "$fw.log" --disk t.img \
		--expect "IVG-BOS-MARKER name=testbos root=/dev/mapper/rootvg-rootlv installed=$want" \
		--fail 'IVG-BOS-FAIL|Kernel panic|IVG-BOS-MARKER .* kernel=' 2>"$fw.err" || die "$fw boot: $(cat "$fw.err")"
	ok "$fw: the installed target boots alone and the BOS prints its marker ($((SECONDS - s)) s)"
}
boot_target bios
[ -n "${IVG_SLOW:-}" ] && boot_target uefi
exit 0
