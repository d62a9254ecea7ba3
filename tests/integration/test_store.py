"""The store service over a RAM block store preloaded from a host file and read back."""
import os
import socket
import struct

from qemu import Qemu, wait_echo

STORE_ADDR = 0x8C000000
STORE_SIZE = 1 << 20


def request(port, payload, timeout=2.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        for _ in range(3):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                return s.recvfrom(2048)[0]
            except socket.timeout:
                continue
        raise AssertionError("no reply to %r" % payload)
    finally:
        s.close()


def boot_with_store(image):
    return Qemu(bootargs="ramblk=%#x,%d" % (STORE_ADDR, STORE_SIZE),
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
        # the preloaded bytes are visible through the mapping
        assert request(q.store_port, b"R 4096 64") == bytes(data[4096:4160])
        assert request(q.store_port, b"C") == b"42"
        assert request(q.store_port, b"C") == b"43"
        assert request(q.store_port, b"W 100 hello, store") == b"OK 12"
        assert request(q.store_port, b"R 100 12") == b"hello, store"
        assert request(q.store_port, b"R 65530 10").startswith(b"ERR")
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
        for i in range(1, 6):
            assert request(q.store_port, b"C") == str(i).encode()
        saved = read_back(q, str(tmp_path / "saved.img"))
    (tmp_path / "second.img").write_bytes(saved)
    with boot_with_store(tmp_path / "second.img") as q:
        wait_echo(q)
        assert request(q.store_port, b"C") == b"6"
