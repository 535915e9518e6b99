#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Many machines, one IVG: the host fills bosfs and oppfs and keeps holding
# the VG; two QEMU guests boot at once on the same image files (attached
# read-write: the proof is that ivg writes nothing), import read-only,
# mount, read the same BOS and OPP files, and are refused a read-write
# import naming the holder. Afterwards every image is byte-identical.
. "$(dirname "$0")/../lib.sh"
vm_harness_or_skip
export TMPDIR=$T
cd "$T"
me=$(uname -n)
ivgcreate -y --no-boot-image --devices d0.img --size 160m --bootlv-size 16m --bosfs-size 48m --oppfs-size 16m \
	tvg d0.img d1.img >/dev/null
D=d0.img,d1.img

# The host puts a BOS and an OPP in, then unmounts but keeps holding the VG.
ivgimport -m "$T/m" --devices $D tvg >/dev/null
head -c 8M /dev/urandom >"$T/m/bos/bos-12.4.tar"
head -c 1M /dev/urandom >"$T/m/opp/pkg-1.0.tar"
printf 'pkg-1.0.tar\n' >"$T/m/opp/TOC"
(cd "$T/m" && sha256sum bos/bos-12.4.tar opp/TOC opp/pkg-1.0.tar) >want
ivgexport --readonly --devices $D tvg >/dev/null
findmnt "$T/m/bos" >/dev/null && die "still mounted on the host"
before=$(sums d0.img d1.img)

cat >guest.sh <<EOF
#!/bin/sh
ivgimport --readonly -m /mnt/ivg tvg || exit 10
(cd /mnt/ivg && sha256sum bos/bos-12.4.tar opp/TOC opp/pkg-1.0.tar)
for lv in bosfs oppfs; do echo "ro \$lv \$(blockdev --getro /dev/mapper/tvg-\$lv)"; done
touch /mnt/ivg/bos/x 2>/dev/null && echo "WROTE"
ivgimport tvg >rw.out 2>&1
echo "rw-import exit \$?: \$(grep held rw.out)"
ivgexport --readonly tvg || exit 11
echo "left: \$(dmsetup ls | grep -c '^tvg-') \$(grep -c /mnt/ivg /proc/mounts)"
EOF

set +e
"$VM/run.sh" --timeout 240 --hostname guest-a --disk d0.img --disk d1.img guest.sh >a.out 2>a.err &
apid=$!
"$VM/run.sh" --timeout 240 --hostname guest-b --disk d0.img --disk d1.img guest.sh >b.out 2>b.err
brc=$?
wait $apid
arc=$?
set -e
for g in a b; do
	rc=$([ $g = a ] && echo $arc || echo $brc)
	[ "$rc" = 0 ] || die "guest $g exited $rc: $(cat $g.out $g.err)"
	grep -q "read-only: nothing written" $g.out || die "guest $g: $(cat $g.out)"
	grep -E '^[0-9a-f]{64} ' $g.out | diff want - || die "guest $g read other files"
	grep -q "ro bosfs 1" $g.out && grep -q "ro oppfs 1" $g.out || die "guest $g: writable LVs: $(cat $g.out)"
	grep -q WROTE $g.out && die "guest $g wrote to its read-only mount"
	grep -q "rw-import exit 5: .*held read-write by host \"$me\" (this host is \"guest-$g\")" $g.out ||
		die "guest $g: a read-write import was not refused: $(cat $g.out)"
	grep -q "left: 0 0" $g.out || die "guest $g: left mounted or active: $(cat $g.out)"
done
ok "two guests at once: read-only import, mount, the same BOS and OPP files; read-write refused naming $me"
[ "$(sums d0.img d1.img)" = "$before" ] || die "the images changed"
ok "every image is byte-identical afterwards"
