#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Check (and, as root, install) the Debian packages that `make run` / `make test` need.
# Usage: tests/deps.sh run|test|debug|image
set -e
what=${1:-run}
pkgs="gcc-riscv64-unknown-elf qemu-system-misc opensbi"
case "$what" in
test) pkgs="$pkgs gcc make python3 python3-pytest python3-scapy device-tree-compiler tshark \
	u-boot-qemu u-boot-tools mtools dosfstools fdisk clang libclang-rt-14-dev \
	iproute2 iputils-ping iputils-arping netcat-openbsd gdb-multiarch python3-matplotlib" ;;
debug) pkgs="$pkgs gdb-multiarch python3" ;;
image) pkgs="u-boot-tools mtools dosfstools fdisk" ;;
esac
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$missing"
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	echo "deps: $cmd"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
	echo "deps: done"
else
	echo "deps: missing Debian packages:$missing"
	echo "deps: run as root:  sudo sh -c '$cmd'"
	exit 1
fi
