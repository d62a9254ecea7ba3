#!/bin/sh
# Boot the kernel in QEMU virt with an e1000 on user networking (`make run`).
# Usage: tests/qemu-run.sh kernel.bin [MEM=256M] [PORT=5555] [SMP=1] [NIC=e1000] [BIOS=default]
#        [BOOTARGS="..."] [STORE_PORT=7000] [DISK=file.img]
# DISK: a raw image attached as an NVMe disk (created, 64 MiB sparse, if missing); the store
# service then runs on it (store.dev=nvme0n1, before BOOTARGS so BOOTARGS can override it).
kernel=$1
shift
MEM=256M PORT=5555 SMP=1 NIC=e1000 BIOS=default BOOTARGS="" STORE_PORT=7000 DISK=""
for kv in "$@"; do
	case "$kv" in
	MEM=*|PORT=*|SMP=*|NIC=*|BIOS=*|BOOTARGS=*|STORE_PORT=*|DISK=*) eval "${kv%%=*}=\"\${kv#*=}\"" ;;
	*) echo "qemu-run: unknown option $kv" >&2; exit 2 ;;
	esac
done
case "$BIOS" in
debian) BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ;;
esac
set --
if [ -n "$DISK" ]; then
	if [ ! -e "$DISK" ]; then
		truncate -s 64M "$DISK" || exit 1
		echo "qemu-run: created $DISK (64 MiB, zeros) for the NVMe disk"
	fi
	set -- -drive file="$DISK",if=none,format=raw,id=d0,cache=writeback \
		-device nvme,drive=d0,serial=disk0
	BOOTARGS="store.dev=nvme0n1 $BOOTARGS"
fi
cat <<MSG
Booting $kernel: QEMU virt, $MEM RAM, $SMP hart(s), $NIC on user networking.
UDP echo is forwarded from 127.0.0.1:$PORT; try, in another terminal:
    echo hello | nc -u -w1 127.0.0.1 $PORT
or  /usr/bin/python3 -c "import socket;s=socket.socket(2,2);s.settimeout(2);s.sendto(b'hi',('127.0.0.1',$PORT));print(s.recv(2048))"
Store service on 127.0.0.1:$STORE_PORT (e.g. echo C | nc -u -w1 127.0.0.1 $STORE_PORT).
Serial console: type 'help' for the shell. Quit QEMU with Ctrl-A X.
MSG
exec qemu-system-riscv64 -M virt -m "$MEM" -smp "$SMP" -nographic -bios "$BIOS" \
	-kernel "$kernel" -append "$BOOTARGS" \
	-device "$NIC",netdev=n0 \
	-netdev user,id=n0,hostfwd=udp:127.0.0.1:"$PORT"-:7,hostfwd=udp:127.0.0.1:"$STORE_PORT"-:7000 \
	"$@"
