#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build the Linux 6.1 comparison guest for `tests/bench.py --other` (see tests/linux/README.md).
# Everything comes from Debian's archive: the kernel source (linux-source-6.1) and the
# riscv64-linux-gnu cross toolchain with glibc for a static /init.
#
# Output: build/linux/Image, a RISC-V Linux kernel with a built-in initramfs whose /init is
# tests/linux/echo_init.c. Rebuilds incrementally; `rm -rf build/linux` starts over.
# Usage: tests/linux/build.sh [-j N]   (default -j 2, run under nice -n 10)
set -e

JOBS=2
[ "$1" = "-j" ] && JOBS=$2

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/linux
OUT=$ROOT/build/linux
SRC=$OUT/linux-source-6.1
OBJ=$OUT/obj
TARBALL=/usr/src/linux-source-6.1.tar.xz
CROSS=riscv64-linux-gnu-
KMAKE="make -s ARCH=riscv CROSS_COMPILE=$CROSS -C $SRC O=$OBJ"

# ---- Debian packages ----
pkgs="linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross gcc make bc bison flex \
libssl-dev libelf-dev cpio xz-utils perl python3 qemu-system-misc opensbi"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "linux: missing Debian packages:$missing (run this script as root to install)"
		exit 1
	fi
	echo "linux: installing:$missing"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
		>/dev/null
fi

t0=$(date +%s)
mkdir -p "$OUT"

# ---- source ----
if [ ! -f "$SRC/Makefile" ]; then
	echo "linux: unpacking $TARBALL"
	tar -C "$OUT" -xf "$TARBALL"
fi

# ---- /init and the initramfs description (gen_init_cpio format, no root needed) ----
${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/echo_init" "$HERE/echo_init.c"
${CROSS}strip "$OUT/echo_init"
cat > "$OUT/initramfs.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $OUT/echo_init 0755 0 0
EOF

# ---- configuration: tinyconfig + our fragment + the initramfs ----
mkdir -p "$OBJ"
cat "$HERE/config.fragment" > "$OUT/fragment.config"
cat >> "$OUT/fragment.config" <<EOF
CONFIG_INITRAMFS_SOURCE="$OUT/initramfs.list"
EOF
if [ ! -f "$OBJ/.config" ] || [ "$HERE/config.fragment" -nt "$OBJ/.config" ] \
	|| [ "$0" -nt "$OBJ/.config" ]; then
	echo "linux: configuring (tinyconfig + tests/linux/config.fragment)"
	$KMAKE tinyconfig >/dev/null
	(cd "$OBJ" && ARCH=riscv CROSS_COMPILE=$CROSS "$SRC/scripts/kconfig/merge_config.sh" \
		-m -O "$OBJ" "$OBJ/.config" "$OUT/fragment.config" >/dev/null)
	$KMAKE olddefconfig >/dev/null
fi
# Every option the fragment asks for must have survived olddefconfig (a missing dependency
# silently drops a symbol, and the guest would then boot without a NIC or a console).
bad=0
grep -E '^CONFIG_[A-Z0-9_]+=' "$HERE/config.fragment" | while IFS= read -r line; do
	grep -qxF "$line" "$OBJ/.config" || { echo "linux: config lost: $line"; exit 1; }
done || bad=1
[ $bad = 0 ] || { echo "linux: fix tests/linux/config.fragment"; exit 1; }

# ---- kernel ----
echo "linux: building the kernel (-j$JOBS, nice 10)"
nice -n 10 $KMAKE -j"$JOBS" Image
cp "$OBJ/arch/riscv/boot/Image" "$OUT/Image"
echo "linux: built build/linux/Image ($(stat -c %s "$OUT/Image") bytes) in $(($(date +%s) - t0)) s"
