#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A lossy link between a tap device and QEMU's socket netdev (tc netem is not available here).

    lossy_relay.py TAP LISTEN_PORT QEMU_PORT [--loss P] [--reorder P] [--dup P] [--seed N]
                   [--stats FILE]

Frames the kernel sends on TAP go to 127.0.0.1:QEMU_PORT as UDP datagrams (what QEMU's
`-netdev socket,udp=127.0.0.1:LISTEN_PORT,localaddr=127.0.0.1:QEMU_PORT` expects), datagrams
from QEMU go out on TAP. Each frame, in each direction, is dropped with probability --loss,
held back and sent after the next frame with probability --reorder, sent twice with probability
--dup, all from one seeded generator (the same seed gives the same decisions for the same
traffic). Runs until killed (SIGTERM writes the counts to --stats as JSON first). Run it in the
network namespace that holds TAP (the tap must exist: `ip tuntap add dev TAP mode tap`).
"""
import argparse
import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Direction:
    """One way through the link: its own held-back frame and counts."""

    def __init__(self, name, rng, loss, reorder, dup, emit):
        self.name, self.rng, self.emit = name, rng, emit
        self.loss, self.reorder, self.dup = loss, reorder, dup
        self.held = None
        self.n = {"frames": 0, "dropped": 0, "reordered": 0, "duplicated": 0, "sent": 0}

    def send(self, frame):
        try:
            self.emit(frame)
            self.n["sent"] += 1
        except (BlockingIOError, OSError):
            pass  # a full socket or tap queue: lost, as on a congested link

    def frame(self, frame):
        self.n["frames"] += 1
        r = self.rng.random()
        if r < self.loss:
            self.n["dropped"] += 1
            return
        if self.held is None and r < self.loss + self.reorder:
            self.held = frame  # overtaken by the next frame
            self.n["reordered"] += 1
            return
        self.send(frame)
        if self.rng.random() < self.dup:
            self.n["duplicated"] += 1
            self.send(frame)
        if self.held is not None:
            held, self.held = self.held, None
            self.send(held)

    def flush(self):
        if self.held is not None:
            held, self.held = self.held, None
            self.send(held)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tap")
    ap.add_argument("listen_port", type=int)
    ap.add_argument("qemu_port", type=int)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0)
    ap.add_argument("--dup", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stats")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tap = open_tap(a.tap)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sock.bind(("127.0.0.1", a.listen_port))
    sock.setblocking(False)
    qemu = ("127.0.0.1", a.qemu_port)
    to_guest = Direction("to_guest", rng, a.loss, a.reorder, a.dup,
                         lambda f: sock.sendto(f, qemu))
    to_host = Direction("to_host", rng, a.loss, a.reorder, a.dup, lambda f: os.write(tap, f))

    def stop(*_):
        if a.stats:
            with open(a.stats, "w") as f:
                json.dump({"to_guest": to_guest.n, "to_host": to_host.n}, f)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("relay: up", flush=True)
    while True:
        r, _, _ = select.select([tap, sock], [], [], 0.05)
        if not r:  # a quiet link releases what it held back
            to_guest.flush()
            to_host.flush()
            continue
        for _ in range(64):
            try:
                to_guest.frame(os.read(tap, 65536))
            except BlockingIOError:
                break
        for _ in range(64):
            try:
                data, _ = sock.recvfrom(65536)
            except BlockingIOError:
                break
            to_host.frame(data)


if __name__ == "__main__":
    main()
