"""Boot the test kernel in QEMU, print its results and exit with its verdict.

The test kernel runs every GTEST, prints "PASS name" / "FAIL name" and a final
"N passed, N failed" line, then shuts QEMU down with the result.

It also gets an 8 MiB NVMe disk (serial "gtest") whose first 2 MiB hold a pattern the NVMe
tests check: each 512-byte block starts with its number (64-bit little-endian), then 0xa5.
"""
import os
import re
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "integration"))
from qemu import Qemu  # noqa: E402


DISK_BYTES = 8 << 20
PATTERN_BLOCKS = 4096


def make_disk(path):
    with open(path, "wb") as f:
        for k in range(PATTERN_BLOCKS):
            f.write(struct.pack("<Q", k) + b"\xa5" * 504)
        f.truncate(DISK_BYTES)


def main():
    kernel = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="guest-disk-")
    image = os.path.join(tmp, "nvme.img")
    make_disk(image)
    q = Qemu(kernel=kernel, mem="256M", bootargs="ip=10.0.2.15/24,10.0.2.2 loglevel=1",
             hostfwd=False, monitor=False,
             extra=["-drive", "file=%s,if=none,format=raw,id=gd0" % image,
                    "-device", "nvme,drive=gd0,serial=gtest"])
    try:
        rc = q.wait_exit(timeout=180)
    finally:
        q.kill()
        os.unlink(image)
        os.rmdir(tmp)
    out = q.output()
    for line in out.splitlines():
        if re.match(r"^(PASS|FAIL|  check failed|\*\*\*)", line) or "panic" in line.lower():
            print("guest: " + line)
    m = re.search(r"^guest: (\d+) passed, (\d+) failed", out, re.M)
    if not m:
        print(out[-4000:])
        print("guest: no result line (crash?)")
        print("guest-summary: 0 passed, 1 failed")
        return 1
    passed, failed = int(m.group(1)), int(m.group(2))
    if rc != (1 if failed else 0):
        print("guest: QEMU exit status %d does not match the result" % rc)
        failed += 1
    print("guest-summary: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
