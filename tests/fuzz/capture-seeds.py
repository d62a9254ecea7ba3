#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Seed frames captured from a real run: boot the guest with QEMU's filter-dump on its user
network, let it take a DHCP lease and echo a few datagrams through hostfwd, then write every
frame that went *to* the guest as a fuzz_eth seed (tests/fuzz/corpus/eth/capture-*).
Run from the repository root after `make`: /usr/bin/python3 tests/fuzz/capture-seeds.py
"""
import os
import socket
import struct
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from qemu import Qemu, user_netdev, wait_echo  # noqa: E402

CFG_STATIC, CFG_LEARN, CFG_XID = 1, 2, 8  # tests/fuzz/fuzz_eth.c setup byte
GUEST_MAC = bytes.fromhex("525400123456")


def pcap_frames(path):
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data, 0)[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack_from(endian + "IIII", data, off)
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def main():
    tmp = tempfile.mkdtemp(prefix="capture-")
    pcap = os.path.join(tmp, "run.pcap")
    spec, ports = user_netdev(echo=7)
    q = Qemu(netdev=spec, extra=["-object", "filter-dump,id=f0,netdev=n0,file=%s" % pcap])
    try:
        q.echo_port = ports["echo"]
        wait_echo(q)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        for n in (0, 1, 18, 64, 512, 1472):
            s.sendto(b"c" * n, ("127.0.0.1", ports["echo"]))
            s.recv(2048)
    finally:
        q.kill()
    outdir = os.path.join(ROOT, "tests", "fuzz", "corpus", "eth")
    n = 0
    for frame in pcap_frames(pcap):
        if frame[6:12] == GUEST_MAC:
            continue  # sent by the guest
        dhcp = len(frame) > 37 and frame[23] == 17 and frame[34:36] == b"\x00\x43"
        cfg = CFG_XID if dhcp else CFG_STATIC | CFG_LEARN
        with open(os.path.join(outdir, "capture-%02d" % n), "wb") as f:
            f.write(bytes([cfg]) + frame)
        n += 1
    print("capture-seeds: wrote %d frames to %s" % (n, os.path.relpath(outdir, ROOT)))


if __name__ == "__main__":
    main()
