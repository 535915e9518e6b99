# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# The SAN in ivg's maintenance environment (busybox sh), sourced by /init
# (init.sh) from /usr/lib/ivg/san.sh: before the IVG is looked for, san_up
# logs in to the iSCSI targets that hold its disks and sets up
# dm-multipath over LUNs seen through several paths; san_banner says where
# each IVG disk is on the SAN.
#
# Where the targets come from, all of them used:
#   - the iBFT (iSCSI Boot Firmware Table) that the firmware or iPXE left
#     when it booted from an iSCSI LUN (sanboot): its NIC is configured
#     as the table says (iscsistart -N) and its targets logged in to
#     (iscsistart -b);
#   - kernel arguments, and the same lines in /etc/ivg/iscsi.conf (the
#     IVG's iSCSI section, which ivgmkboot --iscsi writes into the image):
#       ivg.iscsi=iscsi://HOST[:PORT]/IQN[/LUN][,...]   targets to log in
#         to (HOST an IPv4 address; a LUN is ignored: a login gives every
#         LUN of the target); repeatable
#       ivg.initiator=IQN   this machine's initiator name (default: the
#         iBFT's, else iqn.2026-12.org.ivg:maint-MAC)
#       ivg.ip=dhcp | ivg.ip=IFACE:ADDR/PREFIX[:GATEWAY]   how the NICs
#         get their address when no iBFT says it (default dhcp, on every
#         NIC with a link)
#       ivg.multipath=no   leave dm-multipath alone
# A target that the iBFT logged in to already is not logged in to twice.
# FC LUNs need nothing here: the HBA driver shows them once loaded.

SAN_CONF=/etc/ivg/iscsi.conf
san_targets="" san_initiator="" san_ip="" san_multipath=yes

san_say() { echo "ivg-san: $*"; }

# key=value words from the kernel command line, then from the IVG's file.
san_args() {
	# shellcheck disable=SC2013 # words, not lines
	for a in $(cat /proc/cmdline) $(grep -v '^#' "$SAN_CONF" 2>/dev/null); do
		case $a in
		ivg.iscsi=*) san_targets="$san_targets $(echo "${a#*=}" | tr ',' ' ')" ;;
		ivg.initiator=*) [ -n "$san_initiator" ] || san_initiator=${a#*=} ;;
		ivg.ip=*) [ -n "$san_ip" ] || san_ip=${a#*=} ;;
		ivg.multipath=*) san_multipath=${a#*=} ;;
		esac
	done
}

# Drivers for the machine's NICs and HBAs (their PCI IDs, through
# modules.alias): only what the hardware needs is loaded.
san_drivers() {
	# shellcheck disable=SC2046 # one alias each
	modprobe -q -a $(cat /sys/bus/pci/devices/*/modalias 2>/dev/null) 2>/dev/null
	return 0
}

san_ibft() { [ -d /sys/firmware/ibft/initiator ]; }

san_default_initiator() {
	if [ -n "$san_initiator" ]; then
		echo "$san_initiator"
	elif san_ibft && [ -r /sys/firmware/ibft/initiator/initiator-name ]; then
		cat /sys/firmware/ibft/initiator/initiator-name
	else
		m=$(cat /sys/class/net/*/address 2>/dev/null | grep -v '^00:00:00:00:00:00' | head -1 | tr -d ':')
		echo "iqn.2026-12.org.ivg:maint-${m:-0}"
	fi
}

# The NICs' addresses when no iBFT gave them: DHCP, or ivg.ip's.
san_net() {
	for n in /sys/class/net/*; do
		[ "${n##*/}" = lo ] || ip link set "${n##*/}" up 2>/dev/null
	done
	case $san_ip in
	'' | dhcp)
		sleep 1   # links come up
		for n in /sys/class/net/*; do
			i=${n##*/}
			[ "$i" = lo ] || [ "$(cat "$n/carrier" 2>/dev/null)" != 1 ] && continue
			udhcpc -i "$i" -n -q -t 4 -T 2 -s /usr/lib/ivg/udhcpc.sh >/dev/null 2>&1 &&
				san_say "$i: $(ip addr show dev "$i" | awk '/inet / { print $2; exit }') (DHCP)"
		done
		;;
	*:*/*)
		i=${san_ip%%:*} rest=${san_ip#*:}
		ip addr add "${rest%%:*}" dev "$i" && san_say "$i: ${rest%%:*}"
		case $rest in *:*) ip route add default via "${rest#*:}" dev "$i" ;; esac
		;;
	*) san_say "ivg.ip=$san_ip: not dhcp or IFACE:ADDR/PREFIX[:GATEWAY], ignored" ;;
	esac
}

# Sessions logged in now, as "IQN HOST:PORT" lines.
san_sessions() {
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] || continue
		n=${s##*/session}
		c=/sys/class/iscsi_connection/connection$n:0
		echo "$(cat "$s/targetname") $(cat "$c/persistent_address" 2>/dev/null):$(cat "$c/persistent_port" 2>/dev/null)"
	done
}

san_login_ibft() {
	san_ibft || return 1
	san_say "iBFT: initiator $(cat /sys/firmware/ibft/initiator/initiator-name 2>/dev/null)"
	iscsistart -N >/tmp/iscsistart-N.log 2>&1 ||
		san_say "the iBFT's NIC could not be set up: $(tail -1 /tmp/iscsistart-N.log)"
	if iscsistart -b >/tmp/iscsistart-b.log 2>&1; then
		san_sessions | sed 's/^/ivg-san: logged in (iBFT): /'
	else
		san_say "the iBFT's targets: no login: $(tail -2 /tmp/iscsistart-b.log | tr '\n' ' ')"
	fi
	return 0
}

# iscsi://HOST[:PORT]/IQN[/LUN] -> "HOST PORT IQN", or nothing.
san_url() {
	case $1 in iscsi://*/*) ;; *) return 1 ;; esac
	u=${1#iscsi://} hp=${u%%/*} rest=${u#*/}
	iqn=${rest%%/*}
	case $hp in *:*) h=${hp%:*} p=${hp##*:} ;; *) h=$hp p=3260 ;; esac
	[ -n "$h" ] && [ -n "$iqn" ] && echo "$h $p $iqn"
}

san_login_conf() {
	[ -n "$san_targets" ] || return 1
	san_ibft || san_net
	ini=$(san_default_initiator)
	for t in $san_targets; do
		# shellcheck disable=SC2046 # three words, or none
		set -- $(san_url "$t") || true
		if [ $# != 3 ]; then
			san_say "$t: not iscsi://HOST[:PORT]/IQN, ignored"
			continue
		fi
		if san_sessions | grep -qxF "$3 $1:$2"; then
			continue
		fi
		if iscsistart -i "$ini" -t "$3" -g 1 -a "$1" -p "$2" >/tmp/iscsistart.log 2>&1; then
			san_say "logged in: $3 at $1:$2 (initiator $ini)"
		else
			san_say "$3 at $1:$2: no login: $(tail -1 /tmp/iscsistart.log)"
		fi
	done
	return 0
}

# The disks of the iSCSI sessions, once they stop appearing (a login
# returns before the kernel has scanned the target's LUNs).
san_settle() {
	last="" same=0 i=0
	while [ $i -lt 40 ]; do
		# shellcheck disable=SC2012 # sysfs names
		now=$(ls -d /sys/class/iscsi_session/session*/device/target*/*:*:*:*/block/* 2>/dev/null | wc -l)
		if [ "$now" = "$last" ] && [ "$now" != 0 ]; then
			same=$((same + 1))
			[ $same -ge 4 ] && return 0
		else
			same=0
		fi
		last=$now
		i=$((i + 1))
		usleep 250000
	done
}

# dm-multipath over the LUNs that show through several paths, and their
# partitions (kpartx), as the BOS's initramfs does. No udevd runs here,
# and multipath-tools reads a disk's WWID from udev's database: it is
# written from the kernel's wwid, as udev's SCSI rules would (ID_SERIAL,
# ID_WWN).
san_udev_db() {
	mkdir -p /run/udev/data
	for d in /sys/block/sd*; do
		[ -r "$d/device/wwid" ] || continue
		w=$(cat "$d/device/wwid")
		case $w in
		naa.*) id=3${w#naa.} ;;
		eui.*) id=2${w#eui.} ;;
		*) continue ;;
		esac
		printf 'I:1\nE:ID_SERIAL=%s\nE:ID_WWN=0x%s\nE:DEVTYPE=disk\n' "$id" "${w#*.}" >"/run/udev/data/b$(cat "$d/dev")"
	done
}

# The SCSI disks no map holds, as "WWID MAJ:MIN RO SECTORS" lines.
san_free_paths() {
	for d in /sys/block/sd*; do
		if [ ! -r "$d/device/wwid" ] || [ -n "$(ls "$d/holders" 2>/dev/null)" ]; then
			continue
		fi
		w=$(cat "$d/device/wwid")
		case $w in naa.*) id=3${w#naa.} ;; eui.*) id=2${w#eui.} ;; *) continue ;; esac
		echo "$id $(cat "$d/dev") $(cat "$d/ro") $(cat "$d/size")"
	done | sort
}

# What multipath could not set up: multipath-tools 0.9.4 fails to load a
# map over read-only paths (libdevmapper loses the EROFS it would retry
# on), and a SAN shows an IVG read-only to the machines that boot from it.
# Those maps are made here as multipath makes them (round-robin over
# every path, UUID mpath-WWID, named by the WWID), read-only.
san_mpath_left() {
	san_free_paths | awk '{ n[$1]++; d[$1] = d[$1] " " $2 " 1"; ro[$1] = $3; sz[$1] = $4 }
		END { for (w in n) if (n[w] > 1) print w, ro[w], sz[w], n[w], d[w] }' |
	while read -r w ro sz n devs; do
		# shellcheck disable=SC2046 # an option or none
		dmsetup create "$w" --uuid "mpath-$w" $([ "$ro" = 1 ] && echo --readonly) \
			--table "0 $sz multipath 0 0 1 1 round-robin 0 $n 1 $devs" 2>/dev/null ||
			san_say "$w: no multipath map over its $n paths"
	done
}

san_mpath() {
	[ "$san_multipath" != no ] && command -v multipath >/dev/null || return 0
	san_udev_db
	multipath -v0 2>/dev/null
	san_mpath_left
	# The maps' holders say which disks are paths (for lvm2 and ivg);
	# WWIDs multipath recorded for maps it could not load would hide them.
	rm -f /etc/multipath/wwids
	for m in $(dmsetup ls --target multipath 2>/dev/null | awk '{ print $1 }'); do
		[ "$m" = "No" ] && continue
		n=$(dmsetup info -c --noheadings -o major,minor --separator : "$m" 2>/dev/null)
		# shellcheck disable=SC2046 # an option or none
		kpartx -a -p -part $([ "$(cat "/sys/dev/block/$n/ro" 2>/dev/null)" = 1 ] && echo -r) \
			"/dev/mapper/$m" 2>/dev/null
		# shellcheck disable=SC2012 # sysfs names
		san_say "multipath $m over $(ls "/sys/dev/block/$n/slaves" 2>/dev/null | tr '\n' ' ')"
	done
}

# The whole disks to offer (free_disks in init.sh): sysfs directories of
# the disks, the paths of multipath maps left out and the maps put in.
san_disks() {
	for d in /sys/block/sd* /sys/block/vd* /sys/block/nvme* /sys/block/dm-*; do
		[ -e "$d" ] || continue
		case ${d##*/} in
		dm-*) case $(cat "$d/dm/uuid" 2>/dev/null) in mpath-*) echo "$d" ;; esac ;;
		*) grep -q '^mpath-' "$d"/holders/*/dm/uuid 2>/dev/null || echo "$d" ;;
		esac
	done
}

# Everything above, in order: drivers, logins, the LUNs, multipath.
san_up() {
	san_args
	san_drivers
	a=""
	san_login_ibft && a=1
	san_login_conf && a=1
	[ -n "$a" ] && san_settle
	san_mpath
	return 0
}

# The IVG's disks as ivgs shows them: each PV with its WWN and SAN address
# (target IQN and LUN, or the multipath map and its paths).
san_banner() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	ivgs --devices "$1" "$2" 2>/dev/null | awk '/^    PV / { f = 1; next } f && /^$/ { exit } f && /^      / { print } f && /^    [^ ]/ { print "  " $1 }'
}
