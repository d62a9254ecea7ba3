#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fill the .reloc table of a kernel image so it can run at any load address.

The kernel is linked at one address with --emit-relocs. Code is PC-relative (medany), so only
absolute 64-bit pointers stored in loaded sections (R_RISCV_64) depend on the load address.
This lists their offsets from _start as u32 (after a u32 count) and writes the table into the
raw image at __reloc_start. Absolute relocations the entry code cannot patch are errors.
Usage: relocs.py kernel.elf kernel.bin
"""
import struct
import sys

R_RISCV_32, R_RISCV_64 = 1, 2
R_ABS_CODE = {26: "HI20", 27: "LO12_I", 28: "LO12_S", 1: "32"}
SHT_SYMTAB, SHT_RELA, SHT_NOBITS = 2, 4, 8
SHF_ALLOC = 2
SHN_ABS = 0xFFF1


def main(elf_path, bin_path):
    elf = open(elf_path, "rb").read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        sys.exit("relocs: %s is not a little-endian ELF64 file" % elf_path)
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    secs = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = secs[shstrndx][4]

    def name(off, base):
        end = elf.index(b"\0", base + off)
        return elf[base + off:end].decode()

    symtab = next(s for s in secs if s[1] == SHT_SYMTAB)
    sym_strs = secs[symtab[6]][4]
    syms = []
    for i in range(symtab[5] // 24):
        st_name, st_info, st_other, st_shndx, st_value, st_size = struct.unpack_from(
            "<IBBHQQ", elf, symtab[4] + i * 24)
        syms.append((name(st_name, sym_strs), st_shndx, st_value))
    sym = {n: v for n, _, v in syms}
    start, rel_start, rel_end = sym["_start"], sym["__reloc_start"], sym["__reloc_end"]

    offsets, bad = set(), []
    for s in secs:
        if s[1] != SHT_RELA:
            continue
        target = secs[s[7]]
        if not (target[2] & SHF_ALLOC) or target[1] == SHT_NOBITS:
            continue
        for i in range(s[5] // 24):
            r_offset, r_info, r_addend = struct.unpack_from("<QQq", elf, s[4] + i * 24)
            rtype, rsym = r_info & 0xFFFFFFFF, r_info >> 32
            if syms[rsym][1] == SHN_ABS:
                continue
            if rtype == R_RISCV_64:
                offsets.add(r_offset - start)
            elif rtype in R_ABS_CODE:
                bad.append("%s at %#x (%s)" % (R_ABS_CODE[rtype], r_offset, syms[rsym][0]))
    if bad:
        sys.exit("relocs: absolute relocations cannot be patched at run time:\n  " +
                 "\n  ".join(bad[:20]))
    table = struct.pack("<I", len(offsets)) + b"".join(
        struct.pack("<I", o) for o in sorted(offsets))
    if len(table) > rel_end - rel_start:
        sys.exit("relocs: %d relocations do not fit the %d-byte .reloc area"
                 % (len(offsets), rel_end - rel_start))
    img = bytearray(open(bin_path, "rb").read())
    pos = rel_start - start
    img[pos:pos + len(table)] = table
    open(bin_path, "wb").write(img)
    print("relocs: %d pointers to patch at load" % len(offsets))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
