"""Boot the test kernel in QEMU, print its results and exit with its verdict.

The test kernel runs every GTEST, prints "PASS name" / "FAIL name" and a final
"N passed, N failed" line, then shuts QEMU down with the result.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "integration"))
from qemu import Qemu  # noqa: E402


def main():
    kernel = sys.argv[1]
    q = Qemu(kernel=kernel, mem="256M", bootargs="ip=10.0.2.15/24,10.0.2.2 loglevel=1",
             hostfwd=False, monitor=False)
    try:
        rc = q.wait_exit(timeout=180)
    finally:
        q.kill()
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
