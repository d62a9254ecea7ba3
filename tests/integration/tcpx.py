# SPDX-License-Identifier: BSD-2-Clause
"""Helpers for the TCP tests and the TCP figures of `make bench`: a TCP hostfwd netdev, an echo
transfer that checks every byte (SHA-256) and measures throughput and the longest stall, many
concurrent connections, and the guest's counters read from the shell's `stats` output (which
does not depend on any network path)."""
import hashlib
import json
import os
import re
import socket
import threading
import time

from qemu import ROOT, free_tcp_port, free_udp_port

FIGURES = os.path.join(ROOT, "build", "test-logs", "tcp-figures.json")


def record(name, value):
    """Keep a figure of a TCP test (throughput, stalls) in build/test-logs/tcp-figures.json."""
    os.makedirs(os.path.dirname(FIGURES), exist_ok=True)
    figs = {}
    if os.path.exists(FIGURES):
        with open(FIGURES) as f:
            figs = json.load(f)
    figs[name] = value
    with open(FIGURES, "w") as f:
        json.dump(figs, f, indent=1)


def rate(host, port, secs):
    """Connections per second, one at a time: connect, 64-byte echo, close. A dict with the
    count, the bad ones, the seconds and per_second."""
    n = bad = 0
    msg = bytes(range(64))
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        try:
            with socket.create_connection((host, port), timeout=5) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.sendall(msg)
                got = b""
                while len(got) < 64:
                    b = s.recv(64)
                    if not b:
                        break
                    got += b
                bad += got != msg
        except OSError:
            bad += 1
        n += 1
    secs = time.monotonic() - t0
    return {"connections": n, "bad": bad, "seconds": secs, "per_second": n / secs}


def tcp_netdev(tcp=(), udp=(), netid="n0"):
    """User networking with TCP and UDP hostfwd of the given guest ports; returns (spec,
    {("tcp", guest port): host port, ...})."""
    ports = {}
    spec = "user,id=%s" % netid
    for gp in tcp:
        ports[("tcp", gp)] = free_tcp_port()
        spec += ",hostfwd=tcp:127.0.0.1:%d-:%d" % (ports[("tcp", gp)], gp)
    for gp in udp:
        ports[("udp", gp)] = free_udp_port()
        spec += ",hostfwd=udp:127.0.0.1:%d-:%d" % (ports[("udp", gp)], gp)
    return spec, ports


def echo_once(host, port, payload=b"ping", timeout=1.0):
    """One connection: send payload, half-close, read until EOF; what came back (or None)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                b = s.recv(65536)
                if not b:
                    return got
                got += b
    except OSError:
        return None


def wait_tcp_echo(host, port, timeout=30.0):
    """Until the guest's TCP echo answers (slirp accepts at once; the guest may not be up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if echo_once(host, port, b"up?", timeout=1.0) == b"up?":
            return True
        time.sleep(0.2)
    raise AssertionError("TCP echo on %s:%d never answered" % (host, port))


def transfer(host, port, data, chunk=65536, timeout=600.0, rcvbuf=None):
    """Send data through one echo connection while reading it back. Returns a dict: ok (same
    length and SHA-256), seconds, mb_s (bytes echoed per second, 10^6), max_stall_s (longest
    gap between arrivals after the first)."""
    s = socket.create_connection((host, port), timeout=timeout)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    got = hashlib.sha256()
    state = {"n": 0, "stall": 0.0, "err": None}

    def reader():
        last = None
        try:
            while True:
                b = s.recv(1 << 20)
                now = time.monotonic()
                if last is not None:
                    state["stall"] = max(state["stall"], now - last)
                last = now
                if not b:
                    return
                got.update(b)
                state["n"] += len(b)
        except OSError as e:
            state["err"] = e

    t0 = time.monotonic()
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    try:
        for off in range(0, len(data), chunk):
            s.sendall(data[off:off + chunk])
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        state["err"] = e
    th.join(timeout)
    secs = time.monotonic() - t0
    s.close()
    want = hashlib.sha256(data).hexdigest()
    return {"ok": state["n"] == len(data) and got.hexdigest() == want and not state["err"],
            "bytes": state["n"], "sent": len(data), "seconds": secs,
            "mb_s": state["n"] / secs / 1e6 if secs else 0.0, "max_stall_s": state["stall"],
            "error": repr(state["err"]) if state["err"] else None}


def random_bytes(n, seed=1):
    import random
    return random.Random(seed).randbytes(n)


def console_counters(q, layers=("tcp", "tcp_drop"), timeout=10.0):
    """The guest's counters from the shell's `stats` (Qemu started with stdin=True): {layer:
    {name: value}} for the layers asked for."""
    mark = len(q.output())
    q.send("stats\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = q.output()[mark:]
        if re.search(r"^mbufs: ", text, re.M):  # printed after every layer's counters
            break
        time.sleep(0.05)
    text = q.output()[mark:]
    res = {}
    cur = None
    for line in text.splitlines():
        m = re.match(r"^(\w+)\s+(\w+=\d+.*)$", line)
        if m:
            cur = m.group(1)
            body = m.group(2)
        elif cur and re.match(r"^\s+\w+=\d+", line):
            body = line
        else:
            cur = None
            continue
        if cur in layers:
            for k, v in re.findall(r"(\w+)=(\d+)", body):
                res.setdefault(cur, {})[k] = int(v)
    for layer in layers:
        if layer not in res:
            raise AssertionError("no %r counters in the stats output:\n%s" % (layer, text[-3000:]))
    return res


def concurrent_echo(host, port, n, size=1000, timeout=60.0, paced=False):
    """n connections open at once, each sending its own message and reading it back; returns
    the number echoed intact. paced: each connection echoes its first byte before the next
    opens (QEMU's slirp listens with a backlog of 1: a burst of connects waits for the host
    kernel's SYN retransmissions, a second each, which is slirp's limit, not the guest's)."""
    socks = []
    good = 0
    msgs = [bytes([(i * 31 + k) & 0xFF for k in range(size)]) for i in range(n)]
    try:
        for i in range(n):
            s = socket.create_connection((host, port), timeout=timeout)
            socks.append(s)
            if paced:
                s.sendall(msgs[i][:1])
                if s.recv(1) != msgs[i][:1]:
                    raise AssertionError("connection %d: first byte not echoed" % i)
        for s, m in zip(socks, msgs):
            s.sendall(m[1:] if paced else m)
        for s, m in zip(socks, msgs):
            got = m[:1] if paced else b""
            while len(got) < len(m):
                b = s.recv(65536)
                if not b:
                    break
                got += b
            good += got == m
    finally:
        for s in socks:
            s.close()
    return good
