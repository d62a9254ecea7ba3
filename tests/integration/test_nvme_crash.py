# SPDX-License-Identifier: BSD-2-Clause
"""Crash test: 20 rounds of store writes and counter increments over an NVMe disk, QEMU killed
with SIGKILL at a random moment in each. After every round the image must hold every
acknowledged write (an "OK" or a counter value is sent only after region_sync, i.e. after the
Writes and the Flush completed), nothing outside what was written may have changed, and the one
request that may have been in flight at the kill is, per atomic write unit the kernel claims
(the namespace's AWUPF, 512 bytes on QEMU's default namespace), either entirely old or
entirely new. The cache mode is nvme_disk.py's (cache=writeback: Flush is fdatasync on IMG).

What a SIGKILL of QEMU can and cannot show: the host kernel keeps what QEMU already wrote to
the file, so this checks the guest's side (nothing acknowledged before it was written and
flushed, nothing written outside the request, no torn unit); that a Flush is really sent is
checked by test_nvme.py (QEMU's trace) and the guest tests."""
import os
import random
import socket
import struct
import threading
import time

from nvme_disk import Store, boot_on_disk
from qemu import wait_echo

ROUNDS = 200 if os.environ.get("RUN_SLOW") else 20  # RUN_SLOW=1 make test: a longer soak
DISK = 1 << 20
STORE = 64 * 1024
UNIT = 512  # AWUPF of QEMU's default namespace (the boot log says so; checked below)


class Client:
    """Sends one request at a time and records what was acknowledged and what was not."""

    def __init__(self, port, rng):
        self.port, self.rng = port, rng
        self.acked = []      # ("W", off, data) or ("C", value), in order
        self.pending = None  # the request that got no reply
        self.stop = threading.Event()

    def next_request(self):
        if self.rng.random() < 0.2:
            return ("C",), Store.padded(b"C", 24)  # a reply is never longer than its request
        n = self.rng.randint(1, 1400)
        off = self.rng.randint(8, STORE - n)
        data = self.rng.randbytes(n)
        return ("W", off, data), b"W %d " % off + data

    def run(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.1)
        try:
            while not self.stop.is_set():
                req, wire = self.next_request()
                s.sendto(wire, ("127.0.0.1", self.port))
                reply = None
                deadline = time.monotonic() + 5
                while reply is None and time.monotonic() < deadline:
                    killed = self.stop.is_set()
                    try:
                        reply = s.recv(2048)
                    except socket.timeout:
                        if killed:
                            break  # QEMU is gone and nothing was left in the socket
                if reply is None:
                    self.pending = req
                    return  # killed (or lost): nothing after it
                if req[0] == "C":
                    self.acked.append(("C", int(reply)))
                else:
                    assert reply == b"OK %d" % len(req[2]), reply
                    self.acked.append(req)
        finally:
            s.close()


def apply(img, req):
    if req[0] == "W":
        img[req[1]:req[1] + len(req[2])] = req[2]
    else:
        img[0:8] = struct.pack("<Q", req[1])


def check_round(before, after, client, counter_before):
    """before: the image at the round's start; after: at its end. Returns the new counter."""
    model = bytearray(before)
    counter = counter_before
    for req in client.acked:
        apply(model, req)
        if req[0] == "C":
            assert req[1] == counter + 1, "counter went %d -> %d" % (counter, req[1])
            counter = req[1]
    with_pending = bytearray(model)
    if client.pending:
        p = client.pending
        apply(with_pending, ("C", counter + 1) if p[0] == "C" else p)
    for u in range(0, DISK, UNIT):
        got = after[u:u + UNIT]
        if got == model[u:u + UNIT]:
            continue
        assert client.pending and got == with_pending[u:u + UNIT], (
            "unit at %d is neither the acknowledged nor the in-flight state (pending %r)"
            % (u, client.pending and client.pending[:2]))
    return struct.unpack("<Q", after[:8])[0]


def run_lane(img, rng, rounds, result):
    """rounds kill-and-check rounds on one image; result gets the lane's totals."""
    data = bytearray(rng.randbytes(DISK))
    data[0:8] = bytes(8)
    img.write_bytes(bytes(data))
    counter, mid_request, acked_total = 0, 0, 0
    for rnd in range(rounds):
        before = img.read_bytes()
        q = boot_on_disk(img, monitor=False)
        try:
            wait_echo(q)
            if rnd == 0:
                assert "atomic write unit %d bytes" % UNIT in q.output()
            client = Client(q.store_port, rng)
            t = threading.Thread(target=client.run)
            t.start()
            time.sleep(rng.uniform(0.02, 0.6))
            q.proc.kill()  # SIGKILL, at a random point of the request stream
            client.stop.set()
            t.join(timeout=10)
        finally:
            q.kill()
        after = img.read_bytes()
        assert len(after) == DISK
        counter = check_round(before, after, client, counter)
        mid_request += client.pending is not None
        acked_total += len(client.acked)
    result.update(acked=acked_total, mid=mid_request)


def test_crash_rounds(tmp_path):
    """Two lanes of ROUNDS / 2 rounds at once (two QEMUs, two images): half the wall time."""
    lanes, results, errors = [], [{}, {}], []

    def lane(i):
        try:
            run_lane(tmp_path / ("crash%d.img" % i), random.Random(1729 + i), ROUNDS // 2,
                     results[i])
        except BaseException as e:  # noqa: B902 - reported in the main thread
            errors.append(e)

    for i in range(2):
        lanes.append(threading.Thread(target=lane, args=(i,)))
        lanes[-1].start()
    for t in lanes:
        t.join()
    if errors:
        raise errors[0]
    acked = sum(r["acked"] for r in results)
    mid = sum(r["mid"] for r in results)
    print("crash: %d rounds, %d acknowledged requests, %d kills with a request in flight"
          % (ROUNDS, acked, mid))
    assert acked > ROUNDS, "too few requests reached the guest to test anything"
    assert mid >= ROUNDS // 2, "kills rarely hit a request: %d" % mid
