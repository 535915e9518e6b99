#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# Two writers at once (issue 17): ivg takes lvm2's own VG locks (flock on
# <locking_dir>/V_<vg>, P_global to create a VG), so that
#  - a writer waits while flock(1) holds the VG's lock, and with
#    wait_for_locks = 0 it fails naming the lock, with nothing written;
#  - two oppadd loops in parallel lose no update;
#  - oppadd against stock lvm2 lvcreate/lvremove in parallel: every LV
#    and every OPP survives, the TOC tags are intact, vgck stays clean;
#  - oppadd against bosadd --format raw (an LV per BOS) loses nothing;
#  - two ivgcreate of one name on different disks: exactly one succeeds;
#  - use_lvmlockd = 1 is refused.
. "$(dirname "$0")/../lib.sh"
cd "$T"
N=${IVG_LOCK_ROUNDS:-8}

truncate -s 300m d0.img d1.img
parted_loops() { for f; do loop_file "$f"; done; }
ivgcreate -y --no-boot-image --bootlv-size 8m --bosfs-size 40m --oppfs-size 40m \
	--devices d0.img,d1.img lvg d0.img d1.img >/dev/null
L0=$(loop_pv d0.img)
L1=$(loop_pv d1.img)
lvm_filter "$L0" "$L1"
D=$L0,$L1

vgck_clean() {
	out=$(lvmq vgck lvg 2>&1) || die "vgck: $out"
	echo "$out" | grep -v "Activation disabled" | grep -q WARNING && die "vgck warned: $out"
	true
}

mkopp() {   # NAME: a plain OPP
	mkdir -p "src/$1"
	printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nDescription: test %s\n' "$1" "$1" \
		>"src/$1/opp.control"
	echo "$1" >"src/$1/data"
	tar czf "$1.opp" -C "src/$1" opp.control data
}

# --- a held lock is waited for, or refused with wait_for_locks = 0 -------
mkopp first
mkdir -p "$LOCK_DIR"
flock "$LOCK_DIR/V_lvg" sleep 3 &
holder=$!
sleep 0.5
start=$(date +%s%N)
oppadd --devices "$D" lvg first.opp >/dev/null || die "oppadd after waiting"
waited=$((($(date +%s%N) - start) / 1000000))
wait $holder
[ "$waited" -gt 2000 ] || die "oppadd did not wait for the lock (${waited} ms)"
ok "oppadd waited ${waited} ms for a VG lock held by flock(1)"

mkopp second
before=$(sums d0.img d1.img)
# flock(1) -o: the lock is not passed on to sleep, so killing flock
# releases it.
flock -o "$LOCK_DIR/V_lvg" sleep 60 &
holder=$!
sleep 0.5
sed -i 's/^global {/global { wait_for_locks = 0/' "$LVM_SYSTEM_DIR/lvm.conf"
expect_fail 5 "V_lvg is locked by another command" oppadd --devices "$D" lvg second.opp
[ "$(sums d0.img d1.img)" = "$before" ] || die "refused oppadd wrote"
sed -i 's/wait_for_locks = 0 //' "$LVM_SYSTEM_DIR/lvm.conf"
kill $holder
wait $holder 2>/dev/null || true
ok "wait_for_locks = 0: refused, disks byte-identical"

# --- two ivg writers ------------------------------------------------------
for i in $(seq 1 "$N"); do mkopp "a$i"; mkopp "b$i"; done
loop_add() {   # PREFIX
	for i in $(seq 1 "$N"); do
		oppadd --devices "$D" lvg "$1$i.opp" >/dev/null 2>"$1.err" || { echo "oppadd $1$i failed: $(cat "$1.err")"; return 1; }
	done
}
loop_add a & pa=$!
loop_add b & pb=$!
wait $pa || die "writer a"
wait $pb || die "writer b"
got=$(opplist --devices "$D" --reportformat json lvg | jq -r '.report[0].opp[].opp_name' | sort | tr '\n' ' ')
for i in $(seq 1 "$N"); do
	case " $got " in *" a$i "*) ;; *) die "a$i lost: $got" ;; esac
	case " $got " in *" b$i "*) ;; *) die "b$i lost: $got" ;; esac
done
oppck --devices "$D" lvg >/dev/null || die "oppck after parallel oppadd"
vgck_clean
ok "two oppadd loops in parallel: all $((2 * N)) OPPs there, oppck and vgck clean"

# --- ivg against stock lvm2 ----------------------------------------------
for i in $(seq 1 "$N"); do mkopp "c$i"; done
lvm_loop() {
	for i in $(seq 1 "$N"); do
		lvmq lvcreate -an -Zn -L 4m -n "t$i" lvg >/dev/null 2>lvm.err || { echo "lvcreate t$i: $(cat lvm.err)"; return 1; }
		if [ $((i % 2)) = 0 ]; then
			lvmq lvremove -f "lvg/t$i" >/dev/null 2>lvm.err || { echo "lvremove t$i: $(cat lvm.err)"; return 1; }
		fi
	done
}
lvm_loop & pl=$!
loop_add c & pc=$!
wait $pl || die "lvm2 loop"
wait $pc || die "oppadd loop against lvm2"
lvs=$(lvmq lvs --noheadings -o lv_name lvg 2>/dev/null | tr -d ' ' | tr '\n' ' ')
for i in $(seq 1 "$N"); do
	case " $lvs " in *" t$i "*) present=1 ;; *) present=0 ;; esac
	[ $((i % 2)) = 0 ] && [ $present = 1 ] && die "t$i should be removed: $lvs"
	[ $((i % 2)) = 1 ] && [ $present = 0 ] && die "t$i lost: $lvs"
done
got=$(opplist --devices "$D" --reportformat json lvg | jq -r '.report[0].opp[].opp_name' | tr '\n' ' ')
for i in $(seq 1 "$N"); do
	case " $got " in *" c$i "*) ;; *) die "c$i lost against lvm2: $got" ;; esac
done
# The TOC's generation and SHA-256 tags survived lvm2's commits.
oppck --devices "$D" lvg >/dev/null || die "oppck after lvm2 ran in parallel"
vgck_clean
ok "oppadd against lvm2 lvcreate/lvremove: every LV and OPP kept, TOC tags intact, vgck clean"

# --- oppadd against bosadd --format raw ----------------------------------
mke2fs -q -F -t ext4 -b 4096 raw.img 2m 2>/dev/null || { truncate -s 2m raw.img; mke2fs -q -F -t ext4 raw.img; }
for i in $(seq 1 "$N"); do mkopp "e$i"; done
bos_loop() {
	for i in $(seq 1 "$N"); do
		bosadd --devices "$D" --format raw lvg "r$i" raw.img >/dev/null 2>bos.err ||
			{ echo "bosadd r$i: $(cat bos.err)"; return 1; }
	done
}
bos_loop & pr=$!
loop_add e & pe=$!
wait $pr || die "bosadd loop"
wait $pe || die "oppadd loop against bosadd"
bos=$(boslist --devices "$D" --reportformat json lvg | jq -r '.report[0].bos[].bos_name' | tr '\n' ' ')
got=$(opplist --devices "$D" --reportformat json lvg | jq -r '.report[0].opp[].opp_name' | tr '\n' ' ')
for i in $(seq 1 "$N"); do
	case " $bos " in *" r$i "*) ;; *) die "BOS r$i lost: $bos" ;; esac
	case " $got " in *" e$i "*) ;; *) die "OPP e$i lost against bosadd: $got" ;; esac
done
vgck_clean
ok "oppadd against bosadd --format raw: all $N BOS LVs and $N OPPs kept"

# --- two ivgcreate of one name -------------------------------------------
truncate -s 200m x0.img y0.img
create() {   # DISK
	ivgcreate -y --no-boot-image --bootlv-size 8m --bosfs-size 16m --oppfs-size 16m \
		--devices x0.img,y0.img dupvg "$1" >"$1.out" 2>&1
}
create x0.img & px=$!
create y0.img & py=$!
rx=0; ry=0
wait $px || rx=$?
wait $py || ry=$?
[ $((rx == 0)) != $((ry == 0)) ] || die "ivgcreate dupvg twice: $rx $(cat x0.img.out) / $ry $(cat y0.img.out)"
grep -qh 'A volume group called dupvg already exists' x0.img.out y0.img.out ||
	die "the second ivgcreate said: $(cat x0.img.out y0.img.out)"
[ "$(ivgs --devices x0.img,y0.img --reportformat json | jq '[.report[0].vg[] | select(.vg_name == "dupvg")] | length')" = 1 ] ||
	die "not exactly one dupvg"
ok "two ivgcreate dupvg at once: one VG, the other refused"

# --- lvmlockd ---------------------------------------------------------------
before=$(sums d0.img d1.img)
sed -i 's/^global {/global { use_lvmlockd = 1/' "$LVM_SYSTEM_DIR/lvm.conf"
expect_fail 5 "use_lvmlockd = 1: ivg does not support shared VGs" oppadd --devices "$D" lvg second.opp
[ "$(sums d0.img d1.img)" = "$before" ] || die "oppadd under use_lvmlockd wrote"
ok "use_lvmlockd = 1 refused, nothing written"
