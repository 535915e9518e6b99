#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# The table of bad inputs, tests/bad_input.table: one row per case, run
# against a named setup. Each row must exit with its code, say what its
# pattern says (naming the device, file or VG and what is wrong), and
# leave every image of its setup byte-identical, create no file, and
# leave no loop device or mount behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/opp_bad.bash"
TABLE=$(cd "$(dirname "$0")/.." && pwd)/bad_input.table
[ -r "$TABLE" ] || die "no table at $TABLE"
cd "$T"

# Small LVs, so that 160 MiB images hold a VG on one or two disks.
C="--no-boot-image --bootlv-size 16m --bosfs-size 16m --oppfs-size 16m"
ME=$(uname -n)

# ---------------------------------------------------------------------
# Setups. Each is built once, on first use, in $T/NAME; DEVS[NAME] is
# what $D stands for in its rows; other variables ($L, $R, $X, $Z) are
# the loop devices some setups attach.
declare -A DEVS BUILT
setup_blank() {
	truncate -s 160m a.img b.img
	truncate -s 70m small.img
	echo text >text.txt
	mkdir adir
	ln -s b.img link.img
	truncate -s 160m fs.img
	mkfs.ext4 -q -F fs.img 100m
	DEVS[blank]=a.img
}
setup_ivg() {
	ivgcreate -y --devices d0.img --size 160m $C tvg d0.img d1.img >/dev/null
	truncate -s 160m c.img
	cp --sparse=always d1.img d1copy.img
	DEVS[ivg]=d0.img,d1.img
}
setup_exported() {
	ivgcreate -y --devices e0.img --size 160m $C evg e0.img e1.img >/dev/null
	ivgexport --devices e0.img,e1.img evg >/dev/null
	DEVS[exported]=e0.img,e1.img
}
# Another host: its own lvm.conf, whose system ID comes from a file.
setup_held-elsewhere() {
	mkdir -p "$T/otherhost"
	echo otherhost >"$T/otherhost/system_id"
	cat >"$T/otherhost/lvm.conf" <<-CONF
	global { system_id_source = "file" system_id_file = "$T/otherhost/system_id" }
	CONF
	LVM_SYSTEM_DIR=$T/otherhost ivgcreate -y --devices h0.img --size 160m $C hvg h0.img h1.img >out
	grep -q "with system ID otherhost" out || die "setup held-elsewhere: $(cat out)"
	rm out
	DEVS[held-elsewhere]=h0.img,h1.img
}
setup_missing-pv() {
	ivgcreate -y --devices m0.img --size 160m $C mvg m0.img m1.img m2.img >/dev/null
	DEVS[missing-pv]=m0.img,m1.img
}
# kvg: the metadata text on k0 has a byte changed (text checksum);
# jvg: the mda header on j0 (header checksum); lvg: the label on l1;
# svg: one disk, its only metadata text damaged.
setup_bad-crc() {
	ivgcreate -y --devices k0.img --size 160m $C kvg k0.img k1.img >/dev/null
	ivgcreate -y --devices j0.img --size 160m $C jvg j0.img j1.img >/dev/null
	ivgcreate -y --devices l0.img --size 160m $C lvg l0.img l1.img >/dev/null
	ivgcreate -y --devices s0.img --size 160m $C svg s0.img >/dev/null
	printf X | dd of=s0.img bs=1 seek=$(($(part_offset s0.img 3) + 4096 + 512 + 60)) conv=notrunc status=none
	printf X | dd of=k0.img bs=1 seek=$(($(part_offset k0.img 3) + 4096 + 512 + 60)) conv=notrunc status=none
	printf X | dd of=j0.img bs=1 seek=$(($(part_offset j0.img 3) + 4096 + 100)) conv=notrunc status=none
	printf XXXX | dd of=l1.img bs=1 seek=$(($(part_offset l1.img 3) + 512 + 40)) conv=notrunc status=none
	DEVS[bad-crc]=k0.img,k1.img
	DK=k0.img,k1.img DJ=j0.img,j1.img DL=l0.img,l1.img DS=s0.img
}
# A stock lvm2 VG, made by lvm2 on a loop device over o.img.
setup_other-vg() {
	truncate -s 160m o.img n.img
	attach L o.img
	lvm_filter "$L"
	lvmq pvcreate "$L" >/dev/null 2>&1 && lvmq vgcreate other "$L" >/dev/null 2>&1 || die "setup other-vg: lvm2 vgcreate"
	# VG other2: its metadata on q.img only; nomda.img's PV has none.
	truncate -s 160m q.img nomda.img
	attach Q q.img
	attach M nomda.img
	lvm_filter "$L" "$Q" "$M"
	lvmq pvcreate "$Q" >/dev/null 2>&1 && lvmq pvcreate --metadatacopies 0 "$M" >/dev/null 2>&1 &&
		lvmq vgcreate other2 "$Q" "$M" >/dev/null 2>&1 || die "setup other-vg: lvm2 vgcreate other2"
	DEVS[other-vg]=o.img
}
# Read-only loop devices: R over an IVG held here, X over an exported
# IVG, Z over a blank image.
setup_ro-loop() {
	ivgcreate -y --devices r0.img --size 160m $C rvg r0.img >/dev/null
	ivgcreate -y --devices x0.img --size 160m $C xvg x0.img >/dev/null
	ivgexport --devices x0.img xvg >/dev/null
	truncate -s 160m z.img
	attach R r0.img -r
	attach X x0.img -r
	attach Z z.img -r
	DEVS[ro-loop]=none	# its rows name $R, $X or $Z
}
# A full filesystem: a 4 MiB tmpfs holding a sparse image, then filled
# (at most 4 MiB written, and only once the tmpfs is there).
setup_full() {
	d=$PWD	# not cd'ed into: a busy mount would outlive the cleanup
	mount -t tmpfs -o size=4m ivg-full "$d"
	[ "$(findmnt -n -o FSTYPE -M "$d")" = tmpfs ] || die "setup full: no tmpfs at $d"
	truncate -s 160m "$d/f0.img"
	dd if=/dev/zero of="$d/filler" bs=64k count=64 status=none 2>/dev/null || true
	[ "$(df --output=avail -B1 "$d" | tail -1 | tr -d ' ')" = 0 ] || die "setup full: $d is not full"
	DEVS[full]=f0.img
}

# An OPP repository: IVG pvg on p0.img p1.img (16 MiB oppfs) holding
# hello 1.0; packages beside it: good ones, broken ones, and zero.deb,
# 200 MiB of zeros (sparse here), long enough to read to be interrupted.
setup_opp() {
	ivgcreate -y --devices p0.img --size 160m $C pvg p0.img p1.img >/dev/null
	opp_deb hello.deb 'Package: hello\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: hello\n'
	opp_deb hello2.deb 'Package: hello\nVersion: 2.0\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: hello\n'
	opp_deb zero.deb 'Package: zero\nVersion: 1\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: zeros\n' 200M
	fallocate -d zero.deb
	oppadd --devices p0.img,p1.img pvg hello.deb >/dev/null
	head -c 3000 hello2.deb >trunc.deb
	printf '\355\253\356\333\003\000' >lead.rpm
	echo text >text.txt
	# Control files that dpkg-deb would refuse, put together with ar.
	opp_raw_deb blank.deb 'Package: evil\nVersion: 1\nArchitecture: all\nDescription: x\n \nFilename: ../../x\n'
	opp_raw_deb slash.deb 'Package: ../evil\nVersion: 1\nArchitecture: all\nDescription: x\n'
	opp_raw_deb two.deb 'Package: a\nVersion: 1\nArchitecture: all\nDescription: x\n\nPackage: b\n'
	# A field given twice: checked in its first value, used in its last.
	opp_raw_deb dup.deb 'Package: evil\nVersion: 1\nArchitecture: all\nDescription: x\nPackage: ../../../x/pwned\n'
	opp_raw_deb dupver.deb 'Package: evil\nVersion: 1\nversion: ../x\nArchitecture: all\nDescription: x\n'
	mkdir plain && printf 'Package: evil\nVersion: 1\nArchitecture: all\nArchitecture: ../x\nDescription: x\n' >plain/opp.control &&
		tar -C plain -cf dup.opp opp.control && rm -r plain
	opp_rpm_two_names "$(dirname "$TABLE")/fuzz/corpus/rpmpkg/tool.rpm" dup.rpm
	DEVS[opp]=p0.img,p1.img
}
opp_deb() {   # FILE CONTROL [SIZE of a file of zeros in it]
	mkdir -p deb/DEBIAN deb/opt
	printf "$2" >deb/DEBIAN/control
	[ -z "${3-}" ] || truncate -s "$3" deb/opt/zeros
	dpkg-deb --root-owner-group -Znone --build deb "$1" >/dev/null
	rm -r deb
}

# interrupted SIG BYTES COMMAND...: COMMAND (with SIGINT and SIGTERM at
# their defaults), sent SIG once it has read BYTES; its exit status.
interrupted() {
	local sig=$1 bytes=$2 pid n
	shift 2
	env --default-signal=INT,TERM "$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		n=$(awk '/^rchar/ {print $2}' "/proc/$pid/io" 2>/dev/null)
		[ -n "$n" ] && [ "$n" -gt "$bytes" ] && break
		sleep 0.01
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
}

# The loop devices of the setups, "VAR FILE LOSETUP-OPTIONS" a line.
# Other tests that run at the same time may detach a loop device by a
# name they had before (lib.sh's cleanup does), so each row first makes
# sure that they are still there, and attaches them again if not.
declare -A LOOPS
attach() {
	local v=$1 f=$PWD/$2
	shift 2
	printf -v "$v" %s "$(loop_file "$@" "$f")"
	LOOPS[$setup]+="$v $f $*"$'\n'
}
loops_intact() {
	local v f o b r=0
	while read -r v f o; do
		[ -n "$v" ] || continue
		b=
		{ read -r b <"/sys/block/${!v#/dev/}/loop/backing_file"; } 2>/dev/null || true
		[ "$b" = "$f" ] && continue
		printf -v "$v" %s "$(loop_file $o "$f")"
		echo "# the loop device of $f was detached by someone else: now ${!v}"
		r=1
	done <<<"${LOOPS[$setup]-}"
	return $r
}

# ---------------------------------------------------------------------
# What a row must leave as it found, in one process (process start-up
# is what costs here): every name under the setup with its type and
# size (no file made or removed); the SHA-256 of every file; the loop
# devices over its files, and over those loop devices; and the mounts
# under it or of those loop devices.
# The digest is taken over the file's size and its non-zero 4 KiB
# blocks, each with its offset: equal digests mean equal bytes, whether
# or not a zero block is a hole, and a 160 MiB sparse image hashes in
# milliseconds, since only its data extents are read (SEEK_DATA and
# SEEK_HOLE; without them, every byte).
state() {
	perl -MDigest::SHA -MFile::Find -e '
	my $dir = shift;
	my $zero = "\0" x 4096;
	sub digest {
		my $f = shift;
		open(my $fh, "<:raw", $f) or die "$f: $!\n";
		my $size = -s $fh;
		my $sha = Digest::SHA->new(256);
		$sha->add("size $size\n");
		my ($off, $buf) = (0);
		while ($off < $size) {
			my ($d, $e) = (sysseek($fh, $off, 3), $size);	# SEEK_DATA
			if (defined $d) {
				$d -= $d % 4096;
				$d = $off if $d < $off;
				$e = sysseek($fh, $d, 4);		# SEEK_HOLE
			} else {
				last if $!{ENXIO};			# no more data
				$d = $off;
			}
			sysseek($fh, $d, 0);
			my $b;
			for ($b = $d; $b < $e; $b += 4096) {
				my $n = sysread($fh, $buf, 4096);
				defined $n && $n > 0 or die "$f: short read at $b\n";
				$sha->add(pack("Q<", $b), $buf) if $buf ne substr($zero, 0, $n);
			}
			$off = $b;
		}
		return $sha->hexdigest;
	}
	my @out;
	find({ no_chdir => 1, wanted => sub {
		my $f = $File::Find::name;
		if (-l $f) { push @out, "link $f -> " . readlink($f) }
		elsif (-d _) { push @out, "dir $f" }
		elsif (-f _) { push @out, "file $f " . digest($f) }
		else { push @out, "other $f" }
	} }, $dir);
	sub slurp { open(my $fh, "<", $_[0]) or return ""; local $/; my $s = <$fh> // ""; $s =~ s/\n\z//; $s }
	my (%loop, @loops);
	for my $pass (1, 2) {
		for my $l (glob "/sys/block/loop*") {
			my $back = slurp("$l/loop/backing_file");
			my $name = "/dev/" . ($l =~ s{.*/}{}r);
			next if $back eq "" || $loop{$name};
			next unless index($back, "$dir/") == 0 || $loop{$back};
			$loop{$name} = 1;
			push @loops, "loop $name ro=" . slurp("$l/ro") . " $back @" . slurp("$l/loop/offset");
		}
	}
	for (split /\n/, slurp("/proc/self/mountinfo")) {
		my @m = split / /;
		my ($src) = / - \S+ (\S+)/;
		push @out, "mount $m[4] $src" if index($m[4], "$dir/") == 0 || $loop{$src};
	}
	print join("\n", sort(@out), sort(@loops)), "\n";
	' -- "$T/$1"
}

# Substitute @VAR@ in the pattern with the value of $VAR.
expand() {
	local v
	for v in ME T R X Z L; do pat=${pat//@$v@/${!v-}}; done
}

# The first line of $2 that matches the extended regex $1, unindented.
first_match() {
	while IFS= read -r l; do
		if [[ $l =~ $1 ]]; then
			l=${l#"${l%%[! ]*}"}
			printf '%s' "$l"
			return 0
		fi
	done <<<"$2"
	return 1
}

# ---------------------------------------------------------------------
rows=0 failed=0
fail_row() {
	failed=$((failed + 1))
	echo "not ok - [$setup] $cmd: $*"
}
while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	read -r setup rc rest <<<"$line"
	cmd=${rest%% ~ *}
	cmd=${cmd%"${cmd##*[! ]}"}
	pat=${rest#* ~ }
	[ "$pat" != "$rest" ] && [ -n "$setup" ] && [ -n "$rc" ] || die "bad table line: $line"
	declare -F "setup_$setup" >/dev/null || die "unknown setup \"$setup\": $line"
	if [ -z "${BUILT[$setup]-}" ]; then
		mkdir -p "$T/$setup"
		cd "$T/$setup"
		"setup_$setup"
		cd "$T"
		BUILT[$setup]=$(state "$setup")
	fi
	loops_intact || BUILT[$setup]=$(state "$setup")
	rows=$((rows + 1))
	raw=$pat
	for try in 1 2; do
		pat=$raw
		expand
		D=${DEVS[$setup]}
		set +e
		out=$(cd "$T/$setup" && eval "$cmd" </dev/null 2>&1)
		got=$?
		set -e
		after=$(state "$setup")
		if [ "$got" != "$rc" ]; then
			why="exited $got, expected $rc: $out"
		elif ! matched=$(first_match "$pat" "$out"); then
			why="said '$out', expected /$pat/"
		elif [ "$after" != "${BUILT[$setup]}" ]; then
			why="changed the setup: $(diff <(echo "${BUILT[$setup]}") <(echo "$after") | grep '^[<>]' | head -6)"
		else
			why=
		fi
		# A loop device taken away under the row: once more.
		[ -n "$why" ] && [ $try = 1 ] && ! loops_intact || break
		BUILT[$setup]=$(state "$setup")
	done
	if [ -n "$why" ]; then
		fail_row "$why"
		BUILT[$setup]=$after
	else
		echo "ok $rows - [$setup] $cmd -> $rc: ${matched:0:160}"
	fi
done <"$TABLE"

echo "$rows rows, $((rows - failed)) passed, $failed failed, over ${#BUILT[@]} setups"
[ "$rows" -ge 40 ] || die "the table has only $rows rows"
[ "$failed" = 0 ] || die "$failed of $rows rows failed"
ok "bad input table: $rows rows, every image byte-identical"
