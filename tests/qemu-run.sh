#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Boot the kernel in QEMU (`make run`, and `make debug` through tests/debug.sh).
# Usage: tests/qemu-run.sh kernel.bin [NAME=value ...]; the names and defaults are below and in
# `make help`. Settings that cannot work are refused with the reason before QEMU starts.
kernel=$1
shift
MEM=256M PORT=5555 STORE_PORT=7000 SMP=1 NIC=e1000 BIOS=default BOOTARGS="" MACHINE=virt
NET=user PCAP="" QEMU_EXTRA="" GDB_PORT="" CONSOLE=stdio CONSOLE_LOG="" DISK=""
MEM_MIN_MIB=11 # the kernel's minimum on virt (README, Bad configuration; test_config.py)
for kv in "$@"; do
	case "$kv" in
	MEM=*|PORT=*|STORE_PORT=*|SMP=*|NIC=*|BIOS=*|BOOTARGS=*|MACHINE=*|NET=*|PCAP=*|\
	QEMU_EXTRA=*|GDB_PORT=*|CONSOLE=*|CONSOLE_LOG=*|DISK=*) eval "${kv%%=*}=\"\${kv#*=}\"" ;;
	*) echo "qemu-run: unknown option $kv (see make help)" >&2; exit 2 ;;
	esac
done

refuse() {
	echo "qemu-run: $*" >&2
	exit 2
}

is_uint() {
	case "$1" in '' | *[!0-9]*) return 1 ;; esac
}

# A host port for a forward: a number, and free (a second `make run` needs other ports).
check_port() { # check_port NAME value [UDP|TCP]
	is_uint "$2" && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] ||
		refuse "$1=$2 is not a port number (1-65535)"
	command -v python3 >/dev/null 2>&1 || return 0
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[2] == "TCP" else
                  socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$2" "${3:-UDP}" 2>/dev/null ||
		refuse "host ${3:-UDP} port $2 ($1) is in use, perhaps by another make run: choose" \
			"another, e.g. make run PORT=$((PORT + 10)) (STORE_PORT follows PORT)"
}

# The value of key= in the boot arguments, else the default.
bootarg() { # bootarg key default
	v=$(printf ' %s\n' "$BOOTARGS" | sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p")
	echo "${v:-$2}"
}

# ---- memory: QEMU's -m syntax (a number is MiB; K, M, G, T suffixes) ----
mem_mib() {
	n=${1%[KkMmGgTt]}
	is_uint "$n" || refuse "MEM=$1 is not a size (e.g. 256M, 2G)"
	case "$1" in
	*[Kk]) echo $((n / 1024)) ;;
	*[Gg]) echo $((n * 1024)) ;;
	*[Tt]) echo $((n * 1024 * 1024)) ;;
	*) echo "$n" ;;
	esac
}
mib=$(mem_mib "$MEM") || exit 2
[ "$mib" -ge $MEM_MIN_MIB ] || refuse "MEM=$MEM is below the ${MEM_MIN_MIB} MiB minimum" \
	"(OpenSBI at the bottom of RAM, the image 2 MiB above it with its 2.7 MiB, the device" \
	"tree near the top and the 4 MiB block store)"

is_uint "$SMP" && [ "$SMP" -ge 1 ] || refuse "SMP=$SMP is not a number of harts (1 or more)"

# ---- machine: names for `make run MACHINE=...` and what QEMU calls them ----
case "$MACHINE" in
virt) qmachine=virt ;;
virt-aplic | virt,aia=aplic) qmachine=virt,aia=aplic ;;
virt-imsic | virt,aia=aplic-imsic) qmachine=virt,aia=aplic-imsic ;;
spike)
	qmachine=spike
	[ "$NIC" = e1000 ] && NIC=none # the default NIC: spike has no PCI bus to put it on
	[ "$NIC" = none ] || refuse "NIC=$NIC: spike has no PCI bus; use NIC=none" ;;
sifive_u)
	# QEMU's FU540: the GEM is part of the SoC and takes its back-end from -nic, not a
	# -device. Hart 0 is the E51 monitor core: two harts at least, the kernel boots on hart 1.
	qmachine=sifive_u
	[ "$NIC" = e1000 ] && NIC=cadence_gem # the default NIC: its own
	[ "$NIC" = cadence_gem ] || refuse "NIC=$NIC: sifive_u has its own Cadence GEM and no PCIe"
	[ "$SMP" -ge 2 ] || SMP=2 ;;
*) refuse "MACHINE=$MACHINE is not known: virt, virt-aplic (AIA wired interrupts)," \
	"virt-imsic (AIA with MSIs), spike (no interrupt controller) or sifive_u (the FU540" \
	"with its Cadence GEM)" ;;
esac
[ "$NIC" != cadence_gem ] || [ "$MACHINE" = sifive_u ] ||
	refuse "NIC=cadence_gem is built into MACHINE=sifive_u only"

case "$NIC" in
e1000|e1000-82545em|e1000-82544gc|e1000e|cadence_gem|none) ;;
*) refuse "NIC=$NIC has no driver here: e1000, e1000-82545em, e1000-82544gc, e1000e" \
	"(82574L) or none" ;;
esac

# ---- firmware: the kernel is an S-mode payload and needs SBI ----
case "$BIOS" in
none) refuse "BIOS=none cannot work: the kernel runs in S-mode and calls SBI firmware" \
	"(OpenSBI) for the console, timer and shutdown; without it QEMU starts the image in" \
	"M-mode and it hangs. Use BIOS=default (QEMU's OpenSBI), debian, or a path" ;;
default) ;;
debian)
	BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
	[ -f "$BIOS" ] || refuse "BIOS=debian: $BIOS is missing (apt-get install opensbi)" ;;
*) [ -f "$BIOS" ] || refuse "BIOS=$BIOS: no such file" ;;
esac

# ---- network: user networking with forwards, or a tap in a namespace made here ----
echo_guest=$(bootarg echo.port 7)
tcp_guest=$(bootarg tcpecho.port 7)
store_guest=$(bootarg store.port 7000)
case "$NET" in
user)
	check_port PORT "$PORT"
	check_port STORE_PORT "$STORE_PORT"
	[ "$PORT" != "$STORE_PORT" ] || refuse "PORT and STORE_PORT are both $PORT"
	netdev="user,id=n0,hostfwd=udp:127.0.0.1:$PORT-:$echo_guest"
	netdev="$netdev,hostfwd=udp:127.0.0.1:$STORE_PORT-:$store_guest"
	if [ "$tcp_guest" != 0 ]; then # TCP echo on the same host port number
		check_port PORT "$PORT" TCP
		netdev="$netdev,hostfwd=tcp:127.0.0.1:$PORT-:$tcp_guest"
	fi
	;;
tap)
	[ "$(id -u)" = 0 ] || refuse "NET=tap needs root (it makes a network namespace and a" \
		"tap device in it); run as root, or use the default NET=user"
	command -v ip >/dev/null 2>&1 || refuse "NET=tap needs ip (apt-get install iproute2)"
	[ -c /dev/net/tun ] || refuse "NET=tap needs /dev/net/tun (the tun module)"
	netdev="tap,id=n0,ifname=uktap0,script=no,downscript=no"
	case " $BOOTARGS " in *" ip="*) ;; *) BOOTARGS="ip=10.0.2.15/24,10.0.2.2 $BOOTARGS" ;; esac
	;;
*) refuse "NET=$NET is not known: user (default, forwards on 127.0.0.1) or tap (root)" ;;
esac

# ---- DISK: a raw image as an NVMe disk, the store on it (BOOTARGS, later, may override) ----
if [ -n "$DISK" ]; then
	[ -d "$(dirname "$DISK")" ] || refuse "DISK=$DISK: no folder $(dirname "$DISK")"
	if [ ! -e "$DISK" ]; then
		truncate -s 64M "$DISK" || refuse "DISK=$DISK: cannot make the image"
		echo "qemu-run: made $DISK (64 MiB of zeros) for the NVMe disk"
	fi
	[ -f "$DISK" ] && [ -w "$DISK" ] || refuse "DISK=$DISK is not a writable file"
	BOOTARGS="store.dev=nvme0n1 $BOOTARGS"
fi

set -- -M "$qmachine" -m "$MEM" -smp "$SMP" -bios "$BIOS" -kernel "$kernel" \
	-append "$BOOTARGS"
case "$NIC" in
none) ;;
cadence_gem) set -- "$@" -nic "$netdev" ;; # sifive_u's own GEM
*) set -- "$@" -device "$NIC,netdev=n0" -netdev "$netdev" ;;
esac
# cache=writeback: the controller reports a volatile cache and Flush is fdatasync on DISK.
[ -n "$DISK" ] && set -- "$@" -drive "file=$DISK,if=none,format=raw,id=d0,cache=writeback" \
	-device nvme,drive=d0,serial=disk0
# More guest RAM than the host has (MEM=300G, to see what the kernel makes of it): QEMU would
# reserve all of it up front and fail; give it RAM that the host commits only as it is touched.
host_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null)
if [ -n "$host_mib" ] && [ "$mib" -gt "$host_mib" ]; then
	qmachine="$qmachine,memory-backend=ram0"
	shift 2
	set -- -M "$qmachine" "$@" -object "memory-backend-ram,id=ram0,size=$MEM,reserve=off"
fi
if [ -n "$PCAP" ]; then
	[ "$NIC" != none ] || refuse "PCAP=$PCAP: there is no NIC to capture (NIC=none)"
	[ -d "$(dirname "$PCAP")" ] || refuse "PCAP=$PCAP: no folder $(dirname "$PCAP")"
	set -- "$@" -object "filter-dump,id=cap0,netdev=n0,file=$PCAP"
fi
case "$CONSOLE" in
stdio) set -- "$@" -nographic ;;
tcp:*)
	cport=${CONSOLE#tcp:}
	is_uint "$cport" || refuse "CONSOLE=$CONSOLE: tcp:<port>"
	chardev="socket,id=con0,host=127.0.0.1,port=$cport,server=on,wait=off"
	[ -n "$CONSOLE_LOG" ] && chardev="$chardev,logfile=$CONSOLE_LOG"
	set -- "$@" -display none -monitor none -chardev "$chardev" -serial chardev:con0 ;;
*) refuse "CONSOLE=$CONSOLE: stdio or tcp:<port>" ;;
esac
if [ -n "$GDB_PORT" ]; then
	is_uint "$GDB_PORT" || refuse "GDB_PORT=$GDB_PORT is not a port number"
	set -- "$@" -S -gdb "tcp:127.0.0.1:$GDB_PORT"
fi
# QEMU_EXTRA: more QEMU arguments, split at spaces (e.g. QEMU_EXTRA="-icount shift=0").
# shellcheck disable=SC2086
set -- "$@" $QEMU_EXTRA

echo "Booting $kernel: QEMU $qmachine, $MEM RAM, $SMP hart(s), $NIC on $NET networking."
[ -n "$PCAP" ] && echo "Capturing the NIC's traffic to $PCAP (tshark -r $PCAP)."
[ -n "$DISK" ] && echo "NVMe disk nvme0n1 on $DISK; the store service (store.port=) lives there."
[ -n "$GDB_PORT" ] && echo "QEMU waits for GDB on 127.0.0.1:$GDB_PORT."
if [ "$NET" = user ]; then
	cat <<MSG
UDP echo is forwarded from 127.0.0.1:$PORT; try, in another terminal:
    echo hello | nc -u -w1 127.0.0.1 $PORT
Store service on 127.0.0.1:$STORE_PORT once booted with BOOTARGS="store.port=7000"
(e.g. tests/tools/store.py -p $STORE_PORT count).
MSG
fi
[ "$CONSOLE" = stdio ] && echo "Serial console: type 'help' for the shell. Quit QEMU with Ctrl-A X."
[ "$NET" = user ] && exec qemu-system-riscv64 "$@"

# ---- NET=tap: a namespace for this run, always removed when QEMU ends or we are stopped ----
NS=uk-run-$$
for old in $(ip netns list 2>/dev/null | sed -n 's/^\(uk-run-[0-9]*\).*/\1/p'); do
	kill -0 "${old#uk-run-}" 2>/dev/null || ip netns del "$old" 2>/dev/null # its run died
done
qpid=""
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null && echo "qemu-run: removed network namespace $NS"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
ip netns add "$NS" || refuse "cannot make the network namespace $NS"
ip netns exec "$NS" ip tuntap add dev uktap0 mode tap || refuse "cannot make a tap device"
ip netns exec "$NS" ip addr add 10.0.2.2/24 dev uktap0
ip netns exec "$NS" ip link set uktap0 up
ip netns exec "$NS" ip link set lo up
cat <<MSG
Tap uktap0 in network namespace $NS, host side 10.0.2.2/24, the guest on 10.0.2.15.
From another terminal (as root):
    ip netns exec $NS ping 10.0.2.15
    echo hello | ip netns exec $NS nc -u -w1 10.0.2.15 $echo_guest
The namespace is removed when QEMU exits.
MSG
# In the background so that the traps run at once on a signal; stdin passed on explicitly (a
# background command would otherwise read /dev/null).
exec 3<&0
ip netns exec "$NS" qemu-system-riscv64 "$@" <&3 &
qpid=$!
wait "$qpid"
rc=$?
qpid=""
exit $rc
