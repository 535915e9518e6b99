#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The library's layering, checked on the built objects (make check-layering):
#  - each library directory includes only the headers of the directories
#    below it (lvm/ nothing above itself; the Makefile compiles each
#    directory with only those include paths, so this names the culprit);
#  - no library object prints or exits: the only way out is the context
#    (lvm/ctx.c: ivg_err, ivg_warn, ivg_info), so the objects reference no
#    stdout/stderr and call no printf, puts, perror, exit, _exit or abort.
# Usage: tests/layering.sh BUILDDIR
B=${1:?usage: tests/layering.sh BUILDDIR}
cd "$(dirname "$0")/.." || exit 1
fail=0

# What each library directory may include, besides itself.
allowed() {
	case $1 in
	lvm) echo "lvm" ;;
	opp) echo "lvm opp" ;;
	boot) echo "lvm boot" ;;
	bosinstall) echo "lvm opp boot bosinstall" ;;
	recovery) echo "lvm boot recovery" ;;
	vio) echo "lvm vio" ;;
	esac
}

for d in lvm opp boot bosinstall recovery vio; do
	for f in "$d"/*.c "$d"/*.h; do
		[ -e "$f" ] || continue
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			ok=""
			for a in $(allowed "$d"); do [ -f "$a/$h" ] && ok=1; done
			if [ -z "$ok" ]; then
				echo "layering: $f includes \"$h\", which is not in $(allowed "$d" | sed 's| |/, |g')/"
				fail=1
			fi
		done
	done
done

forbidden='^(printf|vprintf|puts|putchar|perror|exit|_exit|abort|stdout|stderr|__printf_chk|__vprintf_chk)$'
objs=$(find "$B/lvm" "$B/opp" "$B/boot" "$B/bosinstall" "$B/recovery" "$B/vio" \
	-path '*/tools' -prune -o -name '*.o' -print 2>/dev/null)
[ -n "$objs" ] || { echo "layering: no objects under $B (build first)"; exit 1; }
for o in $objs; do
	case $o in */lvm/ctx.o) continue ;; esac
	# An object left from a source file that is gone is not the library.
	src=${o#"$B"/}
	[ -f "${src%.o}.c" ] || continue
	bad=$(nm -u "$o" | awk '{ print $NF }' | grep -E "$forbidden" | tr '\n' ' ')
	if [ -n "$bad" ]; then
		echo "layering: $o prints or exits: $bad(report through ctx: ivg_err, ivg_warn, ivg_info)"
		fail=1
	fi
done
[ $fail = 0 ] && echo "layering: $(echo "$objs" | wc -w) library objects: includes and output as they should be"
exit $fail
