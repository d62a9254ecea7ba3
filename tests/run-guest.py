# SPDX-License-Identifier: BSD-2-Clause
"""Boot the test kernel in QEMU on each interrupt configuration, print its results and exit
with the verdict.

The test kernel runs every GTEST, prints "PASS name" / "FAIL name" and a final
"N passed, N failed" line, then shuts QEMU down with the result. It runs on the PLIC (virt),
the APLIC in direct mode (virt,aia=aplic) and the IMSIC with the APLIC in MSI mode
(virt,aia=aplic-imsic), each with a boot hart other than 0 (boot.hart=, which moves the kernel
there), and on spike (no interrupt controller, no PCIe: the loop polls). Each boot's log must
also name the controller the machine has and how the NIC interrupts.

Every machine with PCIe also gets an 8 MiB NVMe disk (serial "gtest", made afresh for each
boot) whose first 2 MiB hold a pattern the NVMe tests check: each 512-byte block starts with its
number (64-bit little-endian), then 0xa5.
"""
import os
import re
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "integration"))
from qemu import Qemu  # noqa: E402

BASE = "ip=10.0.2.15/24,10.0.2.2 loglevel=2"
# (name, machine, harts, NIC, boot hart, log lines that must appear). The APLIC machine's harts
# have the vector extension (-cpu rv64,v=true): the vector checksum runs there, the scalar one
# on the others.
CONFIGS = [
    ("plic", "virt", 2, "e1000", 1,
     [r"irq: PLIC at c000000, 96 sources, context 3 \(hart 1 S-mode\)", r"eth0: INTx, plic 3\d",
      r"boot: hart 1, 2 cpu"]),
    ("aplic", "virt,aia=aplic", 2, "e1000e", 1,
     [r"irq: APLIC at d000000, 96 sources, direct delivery, hart 1 \(IDC 1\)",
      r"pci 00:01\.0: INTx, 1 vector \(INTA -> aplic 3\d\)", r"boot: hart 1, 2 cpu",
      r"cpu: vector unit on, VLEN 128 bits: checksums use it", r"cksum: the vector sum"]),
    ("imsic", "virt,aia=aplic-imsic", 4, "e1000e", 3,
     [r"irq: IMSIC S-level file of hart 3 at 28003000 \(index 3\)",
      r"irq: APLIC at d000000, 96 sources, MSI delivery to the IMSIC, hart 3",
      r"eth0: MSI-X: rx imsic \d+, tx imsic \d+, other imsic \d+", r"boot: hart 3, 4 cpu"]),
    ("spike", "spike", 1, None, None,
     [r"irq: no interrupt controller for hart 0", r"console: input polled"]),
]

DISK_BYTES = 8 << 20
PATTERN_BLOCKS = 4096


def make_disk(path):
    with open(path, "wb") as f:
        for k in range(PATTERN_BLOCKS):
            f.write(struct.pack("<Q", k) + b"\xa5" * 504)
        f.truncate(DISK_BYTES)


def run(kernel, name, machine, smp, nic, hart, needles):
    args = BASE + (" boot.hart=%d" % hart if hart is not None else "")
    tmp = tempfile.mkdtemp(prefix="guest-disk-")
    image = os.path.join(tmp, "nvme.img")
    extra = []
    if nic:  # the machines with PCIe
        make_disk(image)
        extra = ["-drive", "file=%s,if=none,format=raw,id=gd0" % image,
                 "-device", "nvme,drive=gd0,serial=gtest"]
    if name == "aplic":
        extra += ["-cpu", "rv64,v=true"]
    q = Qemu(kernel=kernel, mem="256M", smp=smp, machine=machine, nic=nic, bootargs=args,
             hostfwd=False, monitor=False, extra=extra)
    try:
        rc = q.wait_exit(timeout=180)
    finally:
        q.kill()
        if os.path.exists(image):
            os.unlink(image)
        os.rmdir(tmp)
    out = q.output()
    for line in out.splitlines():
        if re.match(r"^(PASS|FAIL|  check failed|\*\*\*)", line) or "panic" in line.lower():
            print("guest %s: %s" % (name, line))
    m = re.search(r"^guest: (\d+) passed, (\d+) failed", out, re.M)
    if not m:
        print(out[-4000:])
        print("guest %s: no result line (crash?)" % name)
        return 0, 1
    passed, failed = int(m.group(1)), int(m.group(2))
    for n in needles:
        if not re.search(n, out, re.M):
            print("guest %s: the boot log lacks %r" % (name, n))
            failed += 1
    if rc != (1 if failed else 0):
        print("guest %s: QEMU exit status %d does not match the result" % (name, rc))
        failed += 1
    return passed, failed


def main():
    kernel = sys.argv[1]
    only = sys.argv[2:]  # names of configurations, all by default
    total_p = total_f = 0
    for cfg in CONFIGS:
        if only and cfg[0] not in only:
            continue
        p, f = run(kernel, *cfg)
        print("guest %s: %d passed, %d failed" % (cfg[0], p, f))
        total_p += p
        total_f += f
    print("guest-summary: %d passed, %d failed" % (total_p, total_f))
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main())
