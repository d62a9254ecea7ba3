# SPDX-License-Identifier: BSD-2-Clause
"""The store service on an NVMe disk (QEMU -device nvme over a raw image file): the host's bytes
are read through the mapping, modified bytes reach the file exactly, every acknowledged sync
was written and flushed, the counter survives a reboot and a QEMU restart, a 4 KiB-block
namespace works, a wrong store.dev= is a clear error, and the region stress holds on NVMe."""
import os
import re
import struct

from nvme_disk import boot_on_disk, nvme_args, store, StoreError, STATIC_IP
from qemu import Qemu, wait_echo

DISK = 4 << 20
STORE = 64 * 1024


def make_image(path, data):
    with open(path, "wb") as f:
        f.write(data)


def poweroff(q):
    q.send("poweroff\r")
    assert q.wait_exit(timeout=20) == 0


def test_boot_log_names_the_disk(tmp_path):
    img = tmp_path / "d.img"
    make_image(img, bytes(DISK))
    with boot_on_disk(img) as q:
        q.wait_for(r"main loop reached", timeout=30)
        out = q.output()
    assert re.search(r"pci 00:0\d\.0 1b36:0010 class 010802 BAR0 mem64", out), out
    assert re.search(r"nvme0: QEMU NVMe Ctrl, serial disk0, .*max transfer 512 KiB, volatile "
                     r"write cache yes", out), out
    assert "blk: nvme0n1: 8192 blocks of 512 bytes (4096 KiB)" in out
    assert re.search(r"nvme0n1: namespace 1: .*atomic write unit 512 bytes .*a page may be "
                     r"part old, part new", out), out
    assert "store: nvme0n1 bytes 0-65535" in out
    assert "blk: ramblk0:" in out  # the RAM store is still there, just not the store's


def test_host_pattern_modified_synced_exactly(tmp_path):
    img = tmp_path / "d.img"
    data = bytearray(os.urandom(DISK))
    data[0:8] = struct.pack("<Q", 41)
    make_image(img, bytes(data))
    trace = tmp_path / "trace.log"
    extra = ["-trace", "pci_nvme_write", "-trace", "pci_nvme_flush_ns", "-D", str(trace)]
    with boot_on_disk(img, stdin=True, extra=extra) as q:
        wait_echo(q)
        st = store(q)
        assert st.read(4096, 64) == bytes(data[4096:4160])
        assert st.read(65000, 536) == bytes(data[65000:65536])
        assert st.count() == 42
        assert st.write(100, b"hello, disk") == 11
        blob = os.urandom(1400)
        assert st.write(12000, blob) == 1400  # crosses a page
        assert st.write(65530, b"x") == 1
        try:
            st.read(70000, 4)
            raise AssertionError("a read past the store was served")
        except StoreError as e:
            assert "ERR range" in str(e)
        # each acknowledged sync wrote its pages and then flushed, before the reply
        log = trace.read_text()
        writes = log.count("pci_nvme_write ")
        flushes = log.count("pci_nvme_flush_ns")
        assert flushes == 4, log
        # C, W page 0, W pages 2-3 (one Write: consecutive dirty pages go together), W page 15
        assert writes == 4, log
        assert "nlb 16 count 8192 lba 0x10" in log, log  # pages 2-3: blocks 16-31
        assert log.rstrip().endswith("pci_nvme_flush_ns nsid 0x1"), log
        poweroff(q)
    expect = bytearray(data)
    expect[0:8] = struct.pack("<Q", 42)
    expect[100:111] = b"hello, disk"
    expect[12000:13400] = blob
    expect[65530:65531] = b"x"
    after = img.read_bytes()
    assert len(after) == DISK
    diff = [i for i in range(DISK) if after[i] != expect[i]]
    assert not diff, "%d bytes differ, first at %d" % (len(diff), diff[0])


def test_counter_survives_reboot_and_qemu_restart(tmp_path):
    img = tmp_path / "d.img"
    make_image(img, bytes(DISK))
    with boot_on_disk(img, stdin=True) as q:
        wait_echo(q)
        for i in range(1, 4):
            assert store(q).count() == i
        q.send("reboot\r")
        q.wait_for(r"rebooting", timeout=10)
        q.wait_for(r"(?s)rebooting.*echo: serving", timeout=30)
        wait_echo(q)
        assert store(q).count() == 4
        q.kill()  # SIGKILL: acknowledged means on the disk already
    assert struct.unpack("<Q", img.read_bytes()[:8])[0] == 4
    with boot_on_disk(img, stdin=True) as q:
        wait_echo(q)
        assert store(q).count() == 5
        poweroff(q)
    assert struct.unpack("<Q", img.read_bytes()[:8])[0] == 5


def test_4k_block_namespace(tmp_path):
    img = tmp_path / "d.img"
    make_image(img, bytes(DISK))
    with boot_on_disk(img, lbs=4096, stdin=True) as q:
        wait_echo(q)
        out = q.output()
        assert "blk: nvme0n1: 1024 blocks of 4096 bytes" in out, out
        assert re.search(r"atomic write unit 4096 bytes .*, so each page", out), out
        assert store(q).write(5000, b"four-k") == 6
        assert store(q).count() == 1
        poweroff(q)
    after = img.read_bytes()
    assert after[5000:5006] == b"four-k" and after[0] == 1 and after.count(0) == DISK - 7


def test_bad_settings_are_clear_errors(tmp_path):
    img = tmp_path / "d.img"
    make_image(img, bytes(DISK))
    q = Qemu(bootargs="%s store.dev=nvme9n1 store.port=7000 nvme.timeout_ms=1" % STATIC_IP,
             extra=nvme_args(img))
    with q:
        wait_echo(q)  # the rest of the kernel runs
        out = q.output()
    assert 'store: no block device "nvme9n1" (store.dev=); service off' in out, out
    assert "store: (there is nvme0n1)" in out and "store: (there is ramblk0)" in out
    assert 'bootargs: nvme.timeout_ms="1" rejected' in out, out
    assert "PANIC" not in out


def test_region_stress_on_nvme(tmp_path):
    img = tmp_path / "d.img"
    make_image(img, os.urandom(8 << 20))
    with boot_on_disk(img, stdin=True) as q:
        wait_echo(q)
        q.send("stress region 7 20000 3 nvme0n1\r")
        m = q.wait_for(r"regstress: (FAILED.*|store equals the model after (\d+) ops)",
                       timeout=180)
        assert m.group(2) == "20000", m.group(0)
        assert "regstress: 20000 ops on nvme0n1" in q.output()
        q.send("blk\r")
        m = q.wait_for(r"nvme0: .*errors (\d+) .*timeouts (\d+)", timeout=10)
        assert m.group(1) == "0" and m.group(2) == "0", m.group(0)
        assert "PANIC" not in q.output()
