#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Upward includes: every `#include "dir/file.h"` in the kernel's sources whose target lies in
# a higher layer than the including file. The layers, lowest first (a folder's layer is that of
# its longest prefix below):
#   0 lib/           freestanding support, the FDT blob reader
#   1 boot/          CPU and firmware: entry, traps, SBI, CSRs, time, exit
#   2 drivers/core/  services drivers register with: DT driver core, interrupt core, console
#   3 net/ mm/       the network stack; memory (peers: one must not include the other)
#   4 drivers/       device drivers
#   5 app/           applications
#   6 boot/init/     the composition root: kmain, the main loop, the bootarg list
# Usage: sh tests/tools/layers.sh [-q]   (from the repository root; -q prints only the count)
# Prints each upward (or net<->mm) include as file:line: include, then "layers: N upward".
# Exit status 1 when N > 0.
quiet=0
[ "$1" = "-q" ] && quiet=1
files=$(find lib boot drivers net mm app -name '*.[chS]' 2>/dev/null | sort)
# shellcheck disable=SC2086
grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files | awk -v quiet=$quiet '
function layer(p) {
	if (p ~ /^boot\/init\//) return 6
	if (p ~ /^app\//) return 5
	if (p ~ /^drivers\/core\//) return 2
	if (p ~ /^drivers\//) return 4
	if (p ~ /^net\//) return 3
	if (p ~ /^mm\//) return 3
	if (p ~ /^boot\//) return 1
	if (p ~ /^lib\//) return 0
	return -1
}
{
	split($0, a, ":")
	file = a[1]
	match($0, /"[^"]+"/)
	target = substr($0, RSTART + 1, RLENGTH - 2)
	lf = layer(file); lt = layer(target)
	if (lf < 0 || lt < 0)
		next
	peer = lf == 3 && lt == 3 && substr(file, 1, 3) != substr(target, 1, 3)
	if (lt > lf || peer) {
		n++
		if (!quiet)
			printf "%s:%s: %s (layer %d includes layer %d)\n", file, a[2], target, lf, lt
	}
}
END {
	printf "layers: %d upward\n", n + 0
	exit n > 0
}'
