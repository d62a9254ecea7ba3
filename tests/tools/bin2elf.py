#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Wrap a raw image in a minimal ELF that QEMU's -kernel loads at ADDR (entry = ADDR).

Used to boot build/kernel.bin at an address other than its link address, as a boot loader
would. Usage: bin2elf.py IMAGE ADDR OUT.elf
"""
import struct
import sys


def main(src, addr, out):
    data = open(src, "rb").read()
    addr = int(addr, 0)
    ehdr_size, phdr_size = 64, 56
    off = 0x1000
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, addr, ehdr_size, 0, 0x4, ehdr_size,
                        phdr_size, 1, 64, 0, 0)
    # PT_LOAD, RWX; memsz covers the file only (the kernel clears its own BSS)
    phdr = struct.pack("<IIQQQQQQ", 1, 7, off, addr, addr, len(data), len(data), 0x1000)
    img = ehdr + phdr
    img += bytes(off - len(img)) + data
    open(out, "wb").write(img)


if __name__ == "__main__":
    main(*sys.argv[1:4])
