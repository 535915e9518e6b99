#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fast
# The man pages follow the commands: every command ivg --help lists has a
# page naming it in its synopsis, ivg(7) calls none of them "planned",
# and vios(8) describes every subcommand vios --help lists.
. "$(dirname "$0")/../lib.sh"
MAN=$(cd "$(dirname "$0")/../../man" && pwd)

# ivg(7) a sentence a line: roff requests and font escapes dropped.
sentences() {
	grep -v '^\.' "$MAN/ivg.7" | sed 's/\\f[BIRP]//g; s/\\(..//g; s/\\-/-/g' | tr '\n' ' ' |
		sed 's/\. /.\n/g'
}

cmds=$(ivg --help 2>&1 | awk '/^  [a-z]/ {print $1}')
[ "$(wc -w <<<"$cmds")" -ge 15 ] || die "ivg --help lists only: $cmds"
for c in $cmds; do
	page=$MAN/$c.8
	[ -r "$page" ] || die "no man page for $c"
	sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$page" | grep -q "fB$c\\\\fP" ||
		die "$c.8: its synopsis does not name $c"
	# A sentence of ivg(7) that calls the command planned.
	planned=$(sentences | grep -w -- "$c" | grep -w planned || true)
	[ -z "$planned" ] || die "ivg(7) calls $c planned: $planned"
done
ok "every command has a man page naming it, and ivg(7) calls none planned: $(echo $cmds)"

subs=$(vios --help 2>&1 | awk '/^  [a-z]/ {print $1}')
[ "$(wc -w <<<"$subs")" -ge 8 ] || die "vios --help lists only: $subs"
for s in $subs; do
	grep -q "^\\.B $s\$" "$MAN/vios.8" || die "vios(8) has no entry for the subcommand $s"
	grep -Eq "fBvios $s( |\\\\fP)" "$MAN/vios.8" || die "vios(8)'s synopsis lacks vios $s"
done
ok "vios(8) describes every subcommand: $(echo $subs)"
