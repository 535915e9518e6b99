#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The QEMU guest harness (tests/vm/run.sh): two image disks in a guest,
# device-mapper raid1 by stock lvm2 over them, ext4 on it, the project's
# binary; exit status handed back; a hung guest killed on time with no
# QEMU left behind; two guests at once on the same images. Prints the
# boot timings.
. "$(dirname "$0")/../lib.sh"
VM=$(cd "$(dirname "$0")/../vm" && pwd)
if ! kver=$("$VM/setup.sh" 2>"$T/setup.err"); then
	cat "$T/setup.err"
	echo "QEMU guest harness not available: $(tail -1 "$T/setup.err")"
	exit 77
fi
echo "guest kernel: $kver"
# run.sh makes its directory under $TMPDIR: QEMU's command line then
# names $T, which is how leftover QEMU processes are looked for.
export TMPDIR=$T
cd "$T"
truncate -s 64M d0.img d1.img

leftover_qemu() { pgrep -f "qemu-system-x86_64 .*$T/" || true; }

cat >guest.sh <<'EOF'
#!/bin/sh
set -e
n=$(ivg-disk -n)
A=$(ivg-disk 0)
B=$(ivg-disk 1)
[ "$n" = 2 ] && [ -b "$A" ] && [ -b "$B" ] && [ "$A" != "$B" ]
[ "$(ivg-disk -s SMOKE1)" = "$B" ]
echo "DISKS-OK $A $B"
ivg-disk -l
dmsetup version
echo "DM-OK"
pvcreate -q "$A" "$B"
vgcreate -q vg "$A" "$B"
lvcreate -q -y --type raid1 -m1 -L 8m -n r vg
i=0
until dmsetup status vg-r | grep -q 'raid1 2 AA'; do
	i=$((i + 1))
	[ $i -lt 300 ] || { dmsetup status vg-r; exit 1; }
	usleep 100000
done
dmsetup status vg-r
echo "RAID-OK"
mkfs.ext4 -q /dev/mapper/vg-r
mkdir -p /mnt/r
mount -t ext4 /dev/mapper/vg-r /mnt/r
echo "written in the guest" >/mnt/r/hello
sync
umount /mnt/r
e2fsck -fn /dev/mapper/vg-r >/dev/null
mount -t ext4 -o ro /dev/mapper/vg-r /mnt/r
cat /mnt/r/hello
umount /mnt/r
echo "FS-OK"
vgchange -an vg >/dev/null
ivg --version
echo "SMOKE-DONE"
EOF

# 1. The real work, with timings.
set +e
"$VM/run.sh" --timings --timeout 300 --disk d0.img --disk d1.img,serial=SMOKE1 guest.sh >out 2>err
rc=$?
set -e
cat out
[ $rc = 0 ] || { cat err; die "guest script exited $rc"; }
for m in DISKS-OK DM-OK "raid raid1 2 AA" RAID-OK "written in the guest" FS-OK "^ivg version" SMOKE-DONE; do
	grep -q -- "$m" out || { cat err; die "no '$m' in the guest's output"; }
done
grep -q 'IVG-VM-' out && die "markers leaked into the output"
ok "guest: 2 disks by serial, dm loaded, lvm2 raid1 in sync, ext4 written, ivg --version"
timing=$(grep '^vm-timings:' err) || die "no timings: $(cat err)"
echo "timing (raid1 run): ${timing#vm-timings: }"
to_script=$(echo "$timing" | sed -n 's/.*to_script=\([0-9]*\)\..*/\1/p')
[ "${to_script:-99}" -lt 10 ] || echo "WARN: ${to_script}s to reach the script (wanted < 10 s)"

# The host sees what the guest wrote: stock lvm2 reads the VG from the images.
L0=$(loop_file d0.img)
L1=$(loop_file d1.img)
lvm_filter "$L0" "$L1"
# The guest (system ID ivg-vm) holds the VG: foreign here, readable.
seg=$(lvmq lvs --foreign --noheadings -o segtype vg/r 2>/dev/null | tr -d ' ')
[ "$seg" = raid1 ] || die "host lvm2 does not see vg/r as raid1: '$seg'"
losetup -d "$L0" "$L1"
: >"$T/loops"
ok "the host's lvm2 reads the raid1 LV the guest made"

# 2. Exit status handed back, while a second guest reads the same images
# read-only at the same time.
printf 'echo about to fail\nexit 3\n' >exit3.sh
cat >reader.sh <<'EOF'
#!/bin/sh
pvs --noheadings -o pv_name,vg_name 2>/dev/null | grep -c ' vg$'
EOF
s=$(date +%s%N)
set +e
"$VM/run.sh" --timings --disk d0.img,ro --disk d1.img,ro reader.sh >r.out 2>r.err &
rpid=$!
"$VM/run.sh" --timings --disk d0.img,ro exit3.sh >e.out 2>e.err
erc=$?
wait $rpid
rrc=$?
set -e
[ $erc = 3 ] || die "exit 3 in the guest gave run.sh exit $erc: $(cat e.out e.err)"
grep -q 'about to fail' e.out || die "no output from the failing script"
ok "a script's exit 3 is run.sh's exit 3"
{ [ $rrc = 0 ] && [ "$(cat r.out)" = 2 ]; } || die "concurrent read-only guest: exit $rrc, said '$(cat r.out r.err)'"
ok "two guests at once on the same images (read-only)"
echo "timing (exit 3, concurrent): $(sed -n 's/^vm-timings: //p' e.err)"
echo "timing (reader, concurrent): $(sed -n 's/^vm-timings: //p' r.err)"
echo "timing (both, wall): $((($(date +%s%N) - s) / 1000000)) ms"

# 3. A hung guest is killed after --timeout, and no QEMU is left.
printf 'echo hanging\nsleep 1000\n' >hang.sh
s=$(date +%s%N)
set +e
"$VM/run.sh" --timeout 20 hang.sh >h.out 2>h.err
hrc=$?
set -e
el=$((($(date +%s%N) - s) / 1000000))
[ $hrc = 124 ] || die "hung guest: run.sh exit $hrc, expected 124: $(cat h.err)"
[ $el -le 25000 ] || die "hung guest took ${el} ms to be killed"
grep -q 'timed out after 20s' h.err || die "no timeout message: $(cat h.err)"
grep -q hanging h.out || die "the partial output of the hung script is lost"
[ -z "$(leftover_qemu)" ] || die "QEMU left behind: $(leftover_qemu)"
ok "hung guest killed after ${el} ms with exit 124, no QEMU left"

# 4. Interrupting run.sh ends its guest too.
"$VM/run.sh" --timeout 100 hang.sh >/dev/null 2>&1 &
ipid=$!
for _ in $(seq 100); do [ -n "$(leftover_qemu)" ] && break; sleep 0.1; done
[ -n "$(leftover_qemu)" ] || die "no QEMU started"
kill -TERM $ipid
set +e
wait $ipid
irc=$?
set -e
[ $irc = 143 ] || die "run.sh killed by TERM exited $irc"
[ -z "$(leftover_qemu)" ] || die "QEMU left behind after TERM: $(leftover_qemu)"
ok "run.sh stopped by TERM leaves no QEMU"
