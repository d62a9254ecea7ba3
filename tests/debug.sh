#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make debug`: QEMU stopped at reset, waiting for GDB on 127.0.0.1:GDB_PORT, and gdb-multiarch
# attached in this terminal with the ELF's symbols, stopped at DEBUG_BREAK. The serial console
# is on TCP 127.0.0.1:CONSOLE_PORT (nc 127.0.0.1 CONSOLE_PORT to type) and in
# build/debug-console.log. When GDB quits, QEMU is stopped (by its PID) and reaped.
# Usage: tests/debug.sh kernel.elf kernel.bin [GDB_PORT=1234] [CONSOLE_PORT=5554]
#        [DEBUG_BREAK=kmain] [GDB_SCRIPT=file] [GDB_BATCH=1] -- [qemu-run.sh options]
elf=$1 bin=$2
shift 2
GDB_PORT=1234 CONSOLE_PORT=5554 DEBUG_BREAK=kmain GDB_SCRIPT="" GDB_BATCH=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	case "$1" in
	GDB_PORT=*|CONSOLE_PORT=*|DEBUG_BREAK=*|GDB_SCRIPT=*|GDB_BATCH=*)
		eval "${1%%=*}=\"\${1#*=}\"" ;;
	*) echo "debug: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$1" = -- ] && shift
command -v gdb-multiarch >/dev/null 2>&1 ||
	{ echo "debug: gdb-multiarch is missing (apt-get install gdb-multiarch)" >&2; exit 2; }
[ -z "$GDB_SCRIPT" ] || [ -f "$GDB_SCRIPT" ] ||
	{ echo "debug: GDB_SCRIPT=$GDB_SCRIPT: no such file" >&2; exit 2; }
dir=$(dirname "$bin")
log=$dir/debug-console.log
: >"$log"
sh "$(dirname "$0")/qemu-run.sh" "$bin" "$@" GDB_PORT="$GDB_PORT" \
	CONSOLE="tcp:$CONSOLE_PORT" CONSOLE_LOG="$log" >"$dir/debug-qemu.log" 2>&1 </dev/null &
qpid=$!
cleanup() {
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Wait for QEMU's GDB server (QEMU may also have refused the settings and exited).
tries=0
until python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$GDB_PORT" 2>/dev/null; do
	if ! kill -0 "$qpid" 2>/dev/null || [ $tries -ge 100 ]; then
		echo "debug: QEMU did not start its GDB server on port $GDB_PORT:" >&2
		cat "$dir/debug-qemu.log" >&2
		exit 1
	fi
	tries=$((tries + 1))
	sleep 0.1
done
echo "debug: QEMU pid $qpid waits on 127.0.0.1:$GDB_PORT; console: nc 127.0.0.1 $CONSOLE_PORT" \
	"(also $log)"

set -- -q "$elf" -ex "set architecture riscv:rv64" -ex "set confirm off" \
	-ex "target remote 127.0.0.1:$GDB_PORT"
[ -n "$DEBUG_BREAK" ] && set -- "$@" -ex "break $DEBUG_BREAK" -ex continue
[ -n "$GDB_SCRIPT" ] && set -- "$@" -x "$GDB_SCRIPT"
[ -n "$GDB_BATCH" ] && set -- -batch "$@"
gdb-multiarch "$@"
