#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write compile_commands.json from the Makefile's variables (make compile_commands.json).

The flags come in the environment (DB_CFLAGS, DB_HOST_CFLAGS) as the Makefile writes them.

Each kernel source gets the cross compiler with the kernel's CFLAGS, each host-test source the
host compiler with the host-test flags, exactly as the Makefile runs them, so clangd and
clang-tidy see the same macros and include paths as the build. GCC-only flags that clang
rejects (GCC_ONLY) are left out, since clang-based tools would report them as errors; the
compiler's name (riscv64-unknown-elf-gcc) tells them the target. Needs nothing but Python.
"""
import argparse
import json
import os
import shlex

GCC_ONLY = {"-fno-tree-loop-distribute-patterns"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--cc", required=True)
    p.add_argument("--host-cc", required=True)
    p.add_argument("--kernel", nargs="*", default=[])
    p.add_argument("--host", nargs="*", default=[])
    a = p.parse_args()
    entries, seen = [], set()

    def add(cc, flags, src, obj):
        if src in seen:
            return
        seen.add(src)
        entries.append({"directory": a.dir, "file": src,
                        "arguments": [cc] + [f for f in shlex.split(flags) if f not in GCC_ONLY] +
                        ["-c", src, "-o", obj]})

    for src in a.kernel:
        add(a.cc, os.environ["DB_CFLAGS"], src, "build/k/%s.o" % src)
    for src in a.host:
        add(a.host_cc, os.environ["DB_HOST_CFLAGS"], src, "build/host/o/%s.o" % src)
    with open(a.out, "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
