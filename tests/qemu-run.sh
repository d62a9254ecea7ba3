#!/bin/sh
# Boot the kernel in QEMU with an e1000-family NIC on user networking (`make run`).
# Usage: tests/qemu-run.sh kernel.bin [MACHINE=virt] [MEM=256M] [PORT=5555] [SMP=1] [NIC=e1000]
#        [BIOS=default] [BOOTARGS="..."] [STORE_PORT=7000]
# MACHINE: virt (PLIC), virt,aia=aplic (APLIC), virt,aia=aplic-imsic (IMSIC + APLIC), or spike
# (no interrupt controller, no PCIe: no NIC). NIC=none boots without one.
kernel=$1
shift
MACHINE=virt MEM=256M PORT=5555 SMP=1 NIC=e1000 BIOS=default BOOTARGS="" STORE_PORT=7000
for kv in "$@"; do
	case "$kv" in
	MACHINE=*|MEM=*|PORT=*|SMP=*|NIC=*|BIOS=*|BOOTARGS=*|STORE_PORT=*)
		eval "${kv%%=*}=\"\${kv#*=}\"" ;;
	*) echo "qemu-run: unknown option $kv" >&2; exit 2 ;;
	esac
done
case "$BIOS" in
debian) BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ;;
esac
case "$MACHINE" in
spike*) NIC=none ;; # no PCI bus to put one on
esac
if [ "$NIC" = none ]; then
	set --
	echo "Booting $kernel: QEMU $MACHINE, $MEM RAM, $SMP hart(s), no NIC."
else
	set -- -device "$NIC",netdev=n0 \
		-netdev user,id=n0,hostfwd=udp:127.0.0.1:"$PORT"-:7,hostfwd=udp:127.0.0.1:"$STORE_PORT"-:7000
	cat <<MSG
Booting $kernel: QEMU $MACHINE, $MEM RAM, $SMP hart(s), $NIC on user networking.
UDP echo is forwarded from 127.0.0.1:$PORT; try, in another terminal:
    echo hello | nc -u -w1 127.0.0.1 $PORT
or  /usr/bin/python3 -c "import socket;s=socket.socket(2,2);s.settimeout(2);s.sendto(b'hi',('127.0.0.1',$PORT));print(s.recv(2048))"
Store service on 127.0.0.1:$STORE_PORT (e.g. echo C | nc -u -w1 127.0.0.1 $STORE_PORT).
MSG
fi
echo "Serial console: type 'help' for the shell. Quit QEMU with Ctrl-A X."
exec qemu-system-riscv64 -M "$MACHINE" -m "$MEM" -smp "$SMP" -nographic -bios "$BIOS" \
	-kernel "$kernel" -append "$BOOTARGS" "$@"
