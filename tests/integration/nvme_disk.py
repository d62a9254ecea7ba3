# SPDX-License-Identifier: BSD-2-Clause
"""Helpers for the tests that give the guest an NVMe disk (test_nvme.py, test_nvme_crash.py).

The disk is a raw image file on the host: -drive file=IMG,if=none,format=raw,cache=writeback
-device nvme. cache=writeback is QEMU's default, written out so the choice is visible: the
controller then reports a volatile write cache, a completed Write is in the host's page cache,
and the guest's Flush becomes fdatasync() on the image file. (cache=unsafe would drop Flush;
writethrough/directsync make every write O_DSYNC, so Flush would have nothing left to do.)
"""
import os
import sys

from qemu import ROOT, Qemu

sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from store import Store, StoreError  # noqa: E402,F401 - the tests use both from here

STATIC_IP = "ip=10.0.2.15/24,10.0.2.2"


def nvme_args(image, serial="disk0", lbs=None, cache="writeback", drive_id="d0"):
    dev = "nvme,drive=%s,serial=%s" % (drive_id, serial)
    if lbs:
        dev += ",logical_block_size=%d,physical_block_size=%d" % (lbs, lbs)
    return ["-drive", "file=%s,if=none,format=raw,id=%s,cache=%s" % (image, drive_id, cache),
            "-device", dev]


def boot_on_disk(image, bootargs="", lbs=None, extra=(), **kw):
    """A guest whose store is nvme0n1 on image (the store enabled the documented way)."""
    args = "%s store.dev=nvme0n1 store.port=7000 %s" % (STATIC_IP, bootargs)
    return Qemu(bootargs=args.strip(), extra=nvme_args(image, lbs=lbs) + list(extra), **kw)


def store(q):
    """The host-side client (tests/tools/store.py) for q's store forward."""
    return Store(port=q.store_port)
