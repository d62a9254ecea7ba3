#!/bin/sh
# Boot the kernel in QEMU virt with an e1000 on user networking (`make run`), or in sifive_u
# (the FU540 emulation) with its built-in Cadence GEM.
# Usage: tests/qemu-run.sh kernel.bin [MACHINE=virt] [MEM=256M] [PORT=5555] [SMP=1] [NIC=e1000]
#        [BIOS=default] [BOOTARGS="..."] [STORE_PORT=7000]
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
USER_NET="user,id=n0,hostfwd=udp:127.0.0.1:$PORT-:7,hostfwd=udp:127.0.0.1:$STORE_PORT-:7000"
case "$MACHINE" in
virt) NICARGS="-device $NIC,netdev=n0 -netdev $USER_NET" ;;
sifive_u)
	# The GEM is part of the SoC: it takes -nic. Hart 0 is the E51 monitor core.
	NIC=cadence_gem
	[ "$SMP" -lt 2 ] && SMP=2
	NICARGS="-nic $USER_NET" ;;
*) echo "qemu-run: MACHINE must be virt or sifive_u" >&2; exit 2 ;;
esac
case "$BIOS" in
debian) BIOS=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ;;
esac
cat <<MSG
Booting $kernel: QEMU $MACHINE, $MEM RAM, $SMP hart(s), $NIC on user networking.
UDP echo is forwarded from 127.0.0.1:$PORT; try, in another terminal:
    echo hello | nc -u -w1 127.0.0.1 $PORT
or  /usr/bin/python3 -c "import socket;s=socket.socket(2,2);s.settimeout(2);s.sendto(b'hi',('127.0.0.1',$PORT));print(s.recv(2048))"
Store service on 127.0.0.1:$STORE_PORT (e.g. echo C | nc -u -w1 127.0.0.1 $STORE_PORT).
Serial console: type 'help' for the shell. Quit QEMU with Ctrl-A X.
MSG
# shellcheck disable=SC2086 # NICARGS is a list of arguments
exec qemu-system-riscv64 -M "$MACHINE" -m "$MEM" -smp "$SMP" -nographic -bios "$BIOS" \
	-kernel "$kernel" -append "$BOOTARGS" $NICARGS
