#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Regenerate the device tree blobs that tests/host/test_fdt.c parses.
#
# Usage: sh tests/host/gen-dtbs.sh        (from the repository root; needs qemu-system-riscv64
#                                           and dtc)
#
# Each virt-*.dtb is what QEMU's riscv64 "virt" machine hands the firmware, dumped with
# "-M virt,dumpdtb=FILE". QEMU writes its whole 1 MiB FDT buffer; we keep only the first
# totalsize bytes (the header's word at offset 4), which is the blob itself. The tests check
# values that QEMU 7.2 puts there (UART 0x10000000, PLIC 0xc000000, ECAM 0x30000000, RAM at
# 0x80000000, ...); /chosen/rng-seed changes on every run, nothing the tests look at.
# PCI devices (e1000, root ports) are not in the tree: the kernel finds them through ECAM, so
# the three e1000 variants differ only in rng-seed; they are kept to show exactly that. The
# trees are QEMU's before OpenSBI's fixups (which only hide M-mode PLIC contexts).
#
# synthetic.dtb is compiled from synthetic.dts with dtc: it covers what QEMU's tree lacks
# (a memory reservation block, /reserved-memory, several memory nodes, sifive,uart0,
# timebase-frequency in a cpu node, disabled cpus, a PLIC with several harts).
set -eu

QEMU=${QEMU:-qemu-system-riscv64}
DIR=$(dirname "$0")/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# dump NAME QEMU-ARGS...: dump the virt machine's DTB for those arguments into $DIR/NAME.dtb
# (MACHINE overrides the machine and its options, e.g. MACHINE=virt,aia=aplic).
dump() {
	name=$1
	shift
	"$QEMU" -M "${MACHINE:-virt},dumpdtb=$TMP/$name.dtb" -nographic "$@" >/dev/null 2>&1 || true
	test -s "$TMP/$name.dtb" || { echo "gen-dtbs: qemu did not dump $name" >&2; exit 1; }
	total=$(od -An -tu1 -j4 -N4 "$TMP/$name.dtb" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	head -c "$total" "$TMP/$name.dtb" >"$DIR/$name.dtb"
	echo "gen-dtbs: $name.dtb ($total bytes)"
}

mkdir -p "$DIR"
# -append needs -kernel; the image is never run (QEMU exits after the dump).
printf '\000\000\000\000' >"$TMP/kernel.bin"
dump virt-e1000 -m 256M -device e1000
dump virt-2e1000 -m 256M -device e1000 -device e1000
dump virt-rootport -m 256M -device pcie-root-port,id=rp0 -device e1000,bus=rp0
dump virt-64m -m 64M
dump virt-2g -m 2G
dump virt-smp4 -m 256M -smp 4
# the vector extension (V 1.0): "v" among riscv,isa's letters
dump virt-vector -m 256M -cpu rv64,v=true
dump virt-append -m 256M -kernel "$TMP/kernel.bin" -append "ip=dhcp echo.port=7"
# sifive_u (FU540: hart 0 is the E51 monitor core): the GEM, its GEMGXL block and PHY node.
MACHINE=sifive_u dump sifive_u -m 256M -smp 2 -nic user
# The AIA machines (no PLIC): APLIC in direct mode, and IMSICs with the APLIC in MSI mode. Both
# list an M-level domain (the firmware's) beside the S-level one the kernel drives.
MACHINE=virt,aia=aplic dump virt-aplic -m 256M -smp 2
MACHINE=virt,aia=aplic-imsic dump virt-aplic-imsic -m 256M -smp 2
MACHINE=virt,aia=aplic-imsic dump virt-imsic-smp4 -m 256M -smp 4
# spike: no interrupt controller for S-mode at all (a CLINT, for the firmware), HTIF console.
MACHINE=spike dump spike -m 256M
dtc -q -I dts -O dtb -o "$DIR/synthetic.dtb" "$DIR/synthetic.dts"
echo "gen-dtbs: synthetic.dtb"
dtc -q -I dts -O dtb -o "$DIR/gem-synthetic.dtb" "$DIR/gem-synthetic.dts"
echo "gen-dtbs: gem-synthetic.dtb"
