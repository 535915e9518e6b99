# SPDX-License-Identifier: GPL-2.0-or-later
# A SAN and libvirt hosts of a test's own, on 127.0.0.1, taken down even
# when the test fails. Source it after tests/lib.sh:
#
#   san_start                 tgtd on its own control port and iSCSI port
#   san_lun IMG [ro]          serve IMG as the next LUN, with a WWN of its
#                             own: sets SAN_URL (its iscsi:// URL), SAN_LUN
#                             and SAN_WWN[LUN] (its WWN as vios shows it)
#   libvirt_host NAME         libvirtd + virtlogd + virtlockd in a mount
#                             namespace of their own, with /run/libvirt,
#                             /var/lib/libvirt, /var/cache/libvirt,
#                             /var/log/libvirt and /etc/libvirt from
#                             $T/NAME; every host shares $T/lockspace.
#                             Sets URI_<NAME> (its libvirt URI) and
#                             IVG_VIOS_CONF ($T/vios.conf: that lockspace).
#   host_path NAME PATH       where a host's /var/log/libvirt/... (or other
#                             bind-mounted path) is seen from outside
#
# No system daemon, socket or directory is touched: each host's files are
# under $T, so tests run side by side. The EXIT trap (san_cleanup) ends
# every domain, daemon and QEMU a test started here, then runs lib.sh's
# cleanup.
command -v tgtd >/dev/null || { echo "needs tgt (tgtd)"; exit 77; }
command -v libvirtd >/dev/null || { echo "needs libvirt-daemon-system (libvirtd)"; exit 77; }
command -v virsh >/dev/null || { echo "needs libvirt-clients (virsh)"; exit 77; }

SAN_IQN=iqn.2026-12.org.ivg.test:$(basename "$T" | tr -dc 'a-z0-9')
SAN_HOSTS=""
declare -A SAN_WWN=()
# A test's LUNs get WWNs of their own: NAA 6 from tgtd's scsi_id (hex).
SAN_SEED=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')

# A TCP port nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

san_start() {
	local try
	# tgtd takes control ports up to 32767 and locks its own
	# (/var/run/tgtd/socket.N.lock): try another when one is taken.
	for try in 1 2 3 4 5; do
		SAN_PORT=$(free_port)
		SAN_CTL=$((SAN_PORT % 30000 + 1000))
		tgtd -f -C "$SAN_CTL" --iscsi portal=127.0.0.1:"$SAN_PORT" >"$T/tgtd.log" 2>&1 &
		echo $! >"$T/tgtd.pid"
		disown
		for _ in $(seq 50); do
			tgtadm -C "$SAN_CTL" --lld iscsi --op show --mode sys >/dev/null 2>&1 && break
			kill -0 "$(cat "$T/tgtd.pid")" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$(cat "$T/tgtd.pid")" 2>/dev/null && break
	done
	tgtadm -C "$SAN_CTL" --lld iscsi --op new --mode target --tid 1 -T "$SAN_IQN" ||
		die "tgtd: cannot create the target: $(cat "$T/tgtd.log")"
	tgtadm -C "$SAN_CTL" --lld iscsi --op bind --mode target --tid 1 -I ALL
	SAN_NLUNS=0
}

# san_lun IMG [ro]: the next LUN (not in a subshell: it counts them).
san_lun() {
	local lun=$((SAN_NLUNS + 1)) id
	SAN_NLUNS=$lun
	# 32 hex digits; tgtd reports them as an NAA 6 designator (first
	# digit forced to 6) in VPD page 0x83.
	id=$(printf '6%s%s%019x' "$SAN_SEED" "" "$lun" | cut -c1-32)
	tgtadm -C "$SAN_CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun "$lun" -b "$1" >&2 ||
		die "tgtd: cannot add $1"
	tgtadm -C "$SAN_CTL" --lld iscsi --op update --mode logicalunit --tid 1 --lun "$lun" \
		--params "scsi_id=$id,scsi_sn=ivg$lun${2:+,readonly=1}" >&2 || die "tgtd: cannot set LUN $lun"
	SAN_WWN[$lun]="naa.$id"
	SAN_LUN=$lun
	SAN_URL="iscsi://127.0.0.1:$SAN_PORT/$SAN_IQN/$lun"
}

# Renumber a LUN on the target (a SAN reconfiguration): LUN OLD becomes
# LUN NEW, same backing file and identity.
san_renumber() {
	local old=$1 new=$2 img params
	img=$(tgtadm -C "$SAN_CTL" --lld iscsi --op show --mode target |
		awk -v l="LUN: $old" '$0 ~ l"$" {f=1} f && /Backing store path/ {print $4; exit}')
	[ -n "$img" ] || die "san_renumber: no LUN $old"
	tgtadm -C "$SAN_CTL" --lld iscsi --op delete --mode logicalunit --tid 1 --lun "$old" >&2
	tgtadm -C "$SAN_CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun "$new" -b "$img" >&2
	params="scsi_id=${SAN_WWN[$old]#naa.},scsi_sn=ivg$old"
	tgtadm -C "$SAN_CTL" --lld iscsi --op update --mode logicalunit --tid 1 --lun "$new" \
		--params "$params" >&2
	SAN_WWN[$new]=${SAN_WWN[$old]}
}

# libvirtd's QEMU capabilities, kept between tests (see libvirt_host).
LIBVIRT_CAPS=${IVG_TEST_CACHE:-/var/cache/ivg-test}/libvirt-qemu-capabilities

# The directories a host's daemons see as the system's own.
LIBVIRT_BINDS="/run/libvirt:run /var/lib/libvirt:lib /var/cache/libvirt:cache /var/log/libvirt:log /etc/libvirt:etc"

libvirt_host() {
	local name=$1 d="$T/$1" uuid
	mkdir -p "$d"/run "$d"/lib "$d"/cache "$d"/log/qemu "$T/lockspace"
	cp -a /etc/libvirt "$d/etc"
	rm -rf "$d/etc/qemu/networks/autostart" "$d/etc/qemu/autostart"
	uuid=$(cat /proc/sys/kernel/random/uuid)
	cat >>"$d/etc/libvirtd.conf" <<-CONF
	host_uuid = "$uuid"
	log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
	CONF
	# Root's QEMU, no cgroups, namespaces or security labels (none of
	# them is set up here); virtlockd holds the leases.
	cat >>"$d/etc/qemu.conf" <<-CONF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	cgroup_controllers = [ ]
	namespaces = [ ]
	lock_manager = "lockd"
	CONF
	cat >>"$d/etc/qemu-lockd.conf" <<-CONF
	auto_disk_leases = 1
	require_lease_for_disks = 0
	file_lockspace_dir = "$T/lockspace"
	CONF
	# libvirtd probes each QEMU binary (~10 s under TCG) unless its cache
	# has the answer: seed it from the machine's copy, which libvirtd
	# checks (binary, libvirt version, host) before using it.
	mkdir -p "$d/cache/qemu/capabilities"
	cp "$LIBVIRT_CAPS"/*.xml "$d/cache/qemu/capabilities/" 2>/dev/null || true
	local mounts="" b
	for b in $LIBVIRT_BINDS; do
		mkdir -p "${b%%:*}"
		mounts="$mounts mount --bind '$d/${b#*:}' '${b%%:*}' &&"
	done
	# The namespace lives as long as its daemons do; the shell that
	# starts them stays to reap them.
	unshare -m --propagation private sh -c "$mounts
		virtlogd -p '$d/virtlogd.own.pid' & echo \$! >'$d/virtlogd.pid'
		virtlockd -p '$d/virtlockd.own.pid' & echo \$! >'$d/virtlockd.pid'
		libvirtd -p '$d/libvirtd.own.pid' & echo \$! >'$d/libvirtd.pid'
		wait" >"$d/start.log" 2>&1 &
	SAN_HOSTS="$SAN_HOSTS $name"
	local uri="qemu:///system?socket=$d/run/libvirt-sock"
	for _ in $(seq 100); do
		virsh -q -c "$uri" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	virsh -q -c "$uri" version >/dev/null 2>&1 ||
		die "host $name: libvirtd does not answer: $(tail -5 "$d/log/libvirtd.log" 2>/dev/null)"
	printf -v "URI_$name" '%s' "$uri"
	# The next test's hosts start from this one's probe.
	mkdir -p "$LIBVIRT_CAPS"
	for b in "$d"/cache/qemu/capabilities/*.xml; do
		[ -f "$b" ] && cp "$b" "$LIBVIRT_CAPS/.$$.tmp" && mv "$LIBVIRT_CAPS/.$$.tmp" "$LIBVIRT_CAPS/${b##*/}"
	done
	# vios's configuration: the hosts' shared lockspace; TCG (KVM hangs
	# here).
	cat >"$T/vios.conf" <<-CONF
	lockspace = $T/lockspace
	accel = tcg
	CONF
	export IVG_VIOS_CONF="$T/vios.conf"
}

# host_path NAME PATH: PATH as a host's daemons see it, from outside.
host_path() {
	local b
	for b in $LIBVIRT_BINDS; do
		case $2 in
		"${b%%:*}"/*) echo "$T/$1/${b#*:}${2#"${b%%:*}"}"; return ;;
		esac
	done
	echo "$2"
}

san_cleanup() {
	rc=$?
	set +e
	local h d p
	for h in $SAN_HOSTS; do
		d="$T/$h"
		# Domains first (QEMU), then the daemons.
		for p in "$d"/run/qemu/*.pid; do
			[ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
		done
		for p in libvirtd virtlockd virtlogd; do
			[ -f "$d/$p.pid" ] && kill -9 "$(cat "$d/$p.pid")" 2>/dev/null
		done
	done
	if [ -f "$T/tgtd.pid" ]; then
		kill -9 "$(cat "$T/tgtd.pid")" 2>/dev/null
		rm -f "/var/run/tgtd/socket.$SAN_CTL" "/var/run/tgtd/socket.$SAN_CTL.lock"
	fi
	(exit $rc)
	cleanup
}
trap san_cleanup EXIT INT TERM
