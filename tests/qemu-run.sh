#!/bin/sh
# Boot the kernel in QEMU virt with an e1000 on user networking (`make run`).
# Usage: tests/qemu-run.sh kernel.bin [MEM=256M] [PORT=5555] [SMP=1] [NIC=e1000] [BIOS=default]
#        [BOOTARGS="..."] [STORE_PORT=7000]
kernel=$1
shift
MEM=256M PORT=5555 SMP=1 NIC=e1000 BIOS=default BOOTARGS="" STORE_PORT=7000
for kv in "$@"; do
	case "$kv" in
	MEM=*|PORT=*|SMP=*|NIC=*|BIOS=*|BOOTARGS=*|STORE_PORT=*) eval "${kv%%=*}=\"\${kv#*=}\"" ;;
	*) echo "qemu-run: unknown option $kv" >&2; exit 2 ;;
	esac
done
case "$BIOS" in
debian) BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ;;
esac
cat <<MSG
Booting $kernel: QEMU virt, $MEM RAM, $SMP hart(s), $NIC on user networking.
UDP echo is forwarded from 127.0.0.1:$PORT; try, in another terminal:
    echo hello | nc -u -w1 127.0.0.1 $PORT
or  /usr/bin/python3 -c "import socket;s=socket.socket(2,2);s.settimeout(2);s.sendto(b'hi',('127.0.0.1',$PORT));print(s.recv(2048))"
With BOOTARGS="store.port=7000" the store service is on 127.0.0.1:$STORE_PORT
(e.g. tests/tools/store.py -p $STORE_PORT count).
Serial console: type 'help' for the shell. Quit QEMU with Ctrl-A X.
MSG
exec qemu-system-riscv64 -M virt -m "$MEM" -smp "$SMP" -nographic -bios "$BIOS" \
	-kernel "$kernel" -append "$BOOTARGS" \
	-device "$NIC",netdev=n0 \
	-netdev user,id=n0,hostfwd=udp:127.0.0.1:"$PORT"-:7,hostfwd=udp:127.0.0.1:"$STORE_PORT"-:7000
