# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the OPP tests (not a test itself: run-integration.sh runs
# *.sh): hostile packages that the packaging tools would not build.
# opp_raw_deb FILE CONTROL: a .deb (ar: debian-binary, control.tar with
# ./control as printf CONTROL makes it, an empty data.tar).
# opp_rpm_two_names SRC DST: the RPM SRC with its Summary entry made a
# second Name entry (tag 1000).
opp_raw_deb() {
	mkdir raw
	printf '2.0\n' >raw/debian-binary
	printf "$2" >raw/control
	(cd raw && tar cf control.tar ./control && tar cf data.tar -T /dev/null &&
		ar qc ../"$1" debian-binary control.tar data.tar)
	rm -r raw
}
opp_rpm_two_names() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
off = 96
n, hs = struct.unpack('>II', b[off + 8:off + 16])
off += 16 + n * 16 + hs + (8 - (n * 16 + hs) % 8) % 8
n, hs = struct.unpack('>II', b[off + 8:off + 16])
for i in range(n):
    e = off + 16 + i * 16
    if struct.unpack('>I', b[e:e + 4])[0] == 1004:
        b[e:e + 4] = struct.pack('>I', 1000)
        break
else:
    sys.exit('%s: no Summary entry' % sys.argv[1])
open(sys.argv[2], 'wb').write(b)
PY
}
