#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Where the guest's instructions go: a profile of the echo path from QEMU's TCG exec log.

Usage: /usr/bin/python3 tests/tools/insnprof.py [--size 64] [--window 32] [--count 4000]
                                                [--top 25] [--kernel build/kernel.elf]
                                                [--nic e1000e] [--bootargs "net.rxcsum=0"]

Boots the kernel under -icount shift=0 with `-d in_asm,nochain`: QEMU logs every block it
translates (the instructions in it) and, with chaining off, returns to its main loop after
each block, so every execution is visible. After a warm-up burst, `exec` logging is switched on
through the monitor for COUNT echoed datagrams from build/udpload, then off again. Each
logged execution adds its block's instructions to the functions they belong to (from the
ELF's symbol table). Nothing in the guest takes part, so this is an independent check of the
instret-based instructions-per-datagram figure of make bench: the same burst is also measured
that way (busy_instret from the stats port before and after, minus the cost of a stats
request), and the two must agree. It also says which functions the instructions are spent in.

The total includes everything executed while the burst ran: driver, stack, main loop,
interrupt entry and exit, timers. A block QEMU translated more than once (same start, other
length) is counted with its last translation.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from qemu import MACHINES, Qemu, udp_stats, user_netdev  # noqa: E402

INSN = re.compile(r"^0x([0-9a-f]+):\s")
TRACE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/[0-9a-f]+/([0-9a-f]+)\]")
CF_COUNT_MASK = 0x1ff  # QEMU's TB cflags: instruction limit of the block, 0 = none


def symbols(elf):
    """Sorted (address, name) of the ELF's functions."""
    out = subprocess.run(["riscv64-unknown-elf-nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "tTwW" and not p[2].startswith("."):
            syms.append((int(p[0], 16), p[2]))
    return syms


def parse(log):
    """Executions per instruction address, from an in_asm + exec log.

    Under -icount QEMU re-translates a block that touches MMIO part-way so that it ends at that
    access; the new block has the same start and an instruction limit in its cflags (which the
    exec log prints). So a block is known by its longest translation, and an execution with a
    limit of n runs its first n instructions."""
    blocks = {}
    counts = collections.Counter()
    cur = None

    def keep(b):
        if len(b) > len(blocks.get(b[0], ())):
            blocks[b[0]] = b

    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                cur = []
                continue
            m = INSN.match(line)
            if m and cur is not None:
                cur.append(int(m.group(1), 16))
                continue
            m = TRACE.match(line)
            if m:
                if cur:
                    keep(cur)
                cur = None
                pc = int(m.group(1), 16)
                limit = int(m.group(2), 16) & CF_COUNT_MASK
                b = blocks.get(pc, (pc,))
                for a in b[:limit] if limit else b:
                    counts[a] += 1
                continue
            if cur and (line.startswith("---") or not line.strip()):
                keep(cur)
                cur = None
    return counts


def attribute(counts, syms):
    addrs = [s[0] for s in syms]
    per = collections.Counter()
    for a, c in counts.items():
        i = bisect.bisect_right(addrs, a) - 1
        per[syms[i][1] if i >= 0 else "?"] += c
    return per


def profile(size=64, window=32, count=4000, kernel=None, machine="virt", cpu=None, bootargs="",
            nic=None):
    """{'per_dgram': exec-log instructions / datagram, 'instret_per_dgram': the same burst by
    the guest's counter, 'functions': [(name, per datagram)], ...}"""
    import bench  # the same client, first-echo wait and stats port as make bench
    kernel = kernel or os.path.join(ROOT, "build", "kernel.elf")
    tmp = tempfile.mkdtemp(prefix="insnprof-")
    log = os.path.join(tmp, "exec.log")
    spec, ports = user_netdev(echo=7, stats=bench.STATS)
    q = Qemu(kernel=kernel,
             bootargs=("ip=10.0.2.15/24,10.0.2.2 stats.port=%d " % bench.STATS) + bootargs,
             netdev=spec, extra=(["-cpu", cpu] if cpu else []) +
             ["-icount", "shift=0", "-d", "in_asm,nochain", "-D", log],
             machine=machine, nic=nic or MACHINES[machine]["nic"])
    try:
        if bench.first_echo(ports["echo"], q.t0) is None:
            raise RuntimeError("insnprof: the guest never echoed:\n" + q.output()[-2000:])
        bench.udpload(ports["echo"], size, window, count=2000)  # warm-up: blocks translated
        a = udp_stats(ports["stats"])
        b = udp_stats(ports["stats"])
        stats_cost = b["sys"]["busy_instret"] - a["sys"]["busy_instret"]
        before = udp_stats(ports["stats"])
        q.monitor("log in_asm,exec,nochain")
        r = bench.udpload(ports["echo"], size, window, count=count)
        q.monitor("log in_asm,nochain")
        after = udp_stats(ports["stats"])
    finally:
        q.kill()
    try:
        counts = parse(log)
        log_bytes = os.path.getsize(log)
    finally:
        os.unlink(log)
        os.rmdir(tmp)
    per = attribute(counts, symbols(kernel))
    # The instret window also holds the two stats requests around the logged one (half of
    # each: the counter is sampled while the reply is built), taken out as make bench does,
    # and the idle loop while the monitor switched logging on and off.
    n = max(r["received"], 1)
    busy = after["sys"]["busy_instret"] - before["sys"]["busy_instret"] - stats_cost
    return {"per_dgram": sum(per.values()) / n, "instret_per_dgram": busy / n,
            "passes_per_dgram": (after["netdev"]["polls"] - before["netdev"]["polls"]) / n,
            "datagrams": r["received"], "lost": r["lost"],
            "functions": [(name, c / n) for name, c in per.most_common()],
            "log_bytes": log_bytes, "counts": counts, "datagrams_n": n}


def annotate(kernel, func, counts, n):
    """The disassembly of one function, each instruction with its executions per datagram."""
    out = subprocess.run(["riscv64-unknown-elf-objdump", "-d", "--no-show-raw-insn",
                          "--disassemble=" + func, kernel], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s*(.*)$", line)
        if m:
            c = counts.get(int(m.group(1), 16), 0) / n
            print("%8s  %s" % ("%.2f" % c if c else "", line.strip()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--window", type=int, default=32)
    ap.add_argument("--count", type=int, default=4000)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--kernel")
    ap.add_argument("--machine", default="virt", choices=sorted(MACHINES),
                    help="virt (e1000) or sifive_u (Cadence GEM)")
    ap.add_argument("--cpu", help="QEMU -cpu, e.g. rv64,v=true (the vector checksum)")
    ap.add_argument("--nic", help="QEMU -device model on virt, e.g. e1000e (the 82574L, which "
                    "verifies received checksums; default e1000)")
    ap.add_argument("--bootargs", default="", help="more boot arguments, e.g. loop.poll_us=0")
    ap.add_argument("--annotate", action="append", default=[], metavar="FUNC",
                    help="print FUNC's disassembly with executions per datagram (repeatable)")
    a = ap.parse_args()
    p = profile(a.size, a.window, a.count, a.kernel, a.machine, a.cpu, a.bootargs, a.nic)
    print("insnprof: %d B, %d in flight, %d datagrams echoed (%d lost): %.1f guest instructions "
          "per datagram by the TCG exec log, %.1f by instret; %.3f poll passes (that found "
          "frames) per datagram" % (
              a.size, a.window, p["datagrams"], p["lost"], p["per_dgram"],
              p["instret_per_dgram"], p["passes_per_dgram"]))
    for name, v in p["functions"][:a.top]:
        print("%8.1f  %s" % (v, name))
    for func in a.annotate:
        annotate(a.kernel or os.path.join(ROOT, "build", "kernel.elf"), func, p["counts"],
                 p["datagrams_n"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
