# SPDX-License-Identifier: BSD-2-Clause
"""The store service over a RAM block store preloaded from a host file and read back, through
the host-side client tests/tools/store.py (which pads requests: replies are never longer)."""
import os
import struct
import sys

from qemu import ROOT, Qemu, wait_echo

sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from store import Store, StoreError  # noqa: E402

STORE_ADDR = 0x8C000000
STORE_SIZE = 1 << 20


def boot_with_store(image):
    return Qemu(bootargs="ramblk=%#x,%d store.port=7000" % (STORE_ADDR, STORE_SIZE),
                extra=["-device", "loader,file=%s,addr=%#x,force-raw=on" % (image, STORE_ADDR)])


def read_back(q, path):
    q.monitor('pmemsave %#x %d "%s"' % (STORE_ADDR, STORE_SIZE, path))
    for _ in range(50):
        if os.path.exists(path) and os.path.getsize(path) == STORE_SIZE:
            break
        __import__("time").sleep(0.1)
    return open(path, "rb").read()


def test_store_preloaded_modified_synced_and_read_back(tmp_path):
    image = tmp_path / "store.img"
    data = bytearray(os.urandom(STORE_SIZE))
    data[0:8] = struct.pack("<Q", 41)
    image.write_bytes(bytes(data))
    with boot_with_store(image) as q:
        wait_echo(q)
        q.wait_for(r"ramblk: store at 0x000000008c000000", timeout=5)
        st = Store(port=q.store_port)
        # the preloaded bytes are visible through the mapping
        assert st.read(4096, 64) == bytes(data[4096:4160])
        assert st.read(8192, 3000) == bytes(data[8192:11192])  # several datagrams
        assert st.count() == 42
        assert st.count() == 43
        assert st.write(100, b"hello, store") == 12
        assert st.read(100, 12) == b"hello, store"
        try:
            st.read(65530, 10)
            raise AssertionError("a read past the store's end was served")
        except StoreError as e:
            assert "ERR range" in str(e)
        after = read_back(q, str(tmp_path / "after.img"))
    expect = bytearray(data)
    expect[0:8] = struct.pack("<Q", 43)
    expect[100:112] = b"hello, store"
    assert after == bytes(expect), "store differs from the expected bytes"


def test_counter_survives_reboot_with_same_store(tmp_path):
    image = tmp_path / "store.img"
    image.write_bytes(bytes(STORE_SIZE))
    with boot_with_store(image) as q:
        wait_echo(q)
        st = Store(port=q.store_port)
        for i in range(1, 6):
            assert st.count() == i
        saved = read_back(q, str(tmp_path / "saved.img"))
    (tmp_path / "second.img").write_bytes(saved)
    with boot_with_store(tmp_path / "second.img") as q:
        wait_echo(q)
        assert Store(port=q.store_port).count() == 6
