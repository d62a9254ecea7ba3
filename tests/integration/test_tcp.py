# SPDX-License-Identifier: BSD-2-Clause
"""TCP echo (RFC 862 over TCP) through QEMU's user networking (hostfwd=tcp), as a user of the
appliance sees it, on each machine of qemu.MACHINES (virt's e1000, sifive_u's GEM): nc, Python
sockets, a 4 MiB transfer checked by SHA-256 (64 MiB with RUN_SLOW=1), 200 connections open at
once, half-close, a closed port answered by a reset, a peer that stops reading; and on virt at
the minimum RAM, connections past what the pages hold for rings. The guest's counters come from
its shell (`stats`, `tcp`, `mem`).

Throughput figures go to build/test-logs/tcp-figures.json (the 4 MiB and 64 MiB runs).
"""
import os
import re
import socket
import subprocess
import time

import pytest

from qemu import MACHINES, Qemu, udp_echo
from tcpx import (concurrent_echo, console_counters, echo_once, random_bytes, record,
                  tcp_netdev, transfer, wait_tcp_echo)

SLOW = os.environ.get("RUN_SLOW") == "1"


@pytest.fixture(scope="module", params=sorted(MACHINES))
def guest(request):
    m = MACHINES[request.param]
    spec, ports = tcp_netdev(tcp=(7, 9))
    q = Qemu(netdev=spec, stdin=True, nic=m["nic"], machine=m["machine"], smp=m["smp"])
    q.tcp_echo, q.tcp_closed = ports[("tcp", 7)], ports[("tcp", 9)]
    q.name = "%s %s" % (request.param, m["nic"])
    try:
        q.wait_for(r"echo: serving TCP port 7", timeout=30)
        wait_tcp_echo("127.0.0.1", q.tcp_echo)
    except BaseException:
        q.kill()
        raise
    yield q
    q.kill()


def test_nc_echo(guest):
    out = subprocess.run(["nc", "-N", "127.0.0.1", str(guest.tcp_echo)],
                         input=b"hello over tcp\n", capture_output=True, timeout=20)
    assert out.stdout == b"hello over tcp\n", out


def test_many_sizes_on_fresh_connections(guest):
    for n in (0, 1, 2, 100, 535, 536, 1459, 1460, 1461, 2920, 2921, 16383, 16384, 16385,
              40000):
        data = random_bytes(n, seed=n)
        assert echo_once("127.0.0.1", guest.tcp_echo, data, timeout=20) == data, n


def test_4mib_sha256(guest):
    data = random_bytes(4 << 20, seed=4)
    r = transfer("127.0.0.1", guest.tcp_echo, data)
    record("slirp 4 MiB echo, " + guest.name, r)
    assert r["ok"], r
    print("%s: 4 MiB echoed in %.2f s: %.2f MB/s, longest stall %.3f s" % (
        guest.name, r["seconds"], r["mb_s"], r["max_stall_s"]))


@pytest.mark.skipif(not SLOW, reason="64 MiB transfer: RUN_SLOW=1")
def test_64mib_sha256(guest):
    data = random_bytes(64 << 20, seed=64)
    r = transfer("127.0.0.1", guest.tcp_echo, data, timeout=1200)
    record("slirp 64 MiB echo, " + guest.name, r)
    assert r["ok"], r
    print("%s: 64 MiB echoed in %.1f s: %.2f MB/s" % (guest.name, r["seconds"], r["mb_s"]))


def test_200_concurrent_connections(guest):
    before = console_counters(guest)
    good = concurrent_echo("127.0.0.1", guest.tcp_echo, 200, size=1000, paced=True)
    assert good == 200, "%d of 200 connections echoed" % good
    after = console_counters(guest)
    assert after["tcp"]["accepted"] - before["tcp"]["accepted"] >= 200
    # every connection closes in order: none is left behind once the peers have gone
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        mark = len(guest.output())
        guest.send("tcp\n")
        time.sleep(0.5)
        m = re.search(r"tcp: (\d+) of \d+ connections in use", guest.output()[mark:])
        if m and int(m.group(1)) == 0:
            break
    assert m and int(m.group(1)) == 0, guest.output()[-2000:]


def test_half_close(guest):
    """The client stops sending (FIN) and keeps reading: it gets every byte, then EOF."""
    data = random_bytes(100000, seed=5)
    assert echo_once("127.0.0.1", guest.tcp_echo, data, timeout=20) == data


def test_closed_port_gets_reset(guest):
    """Port 9 has no listener: the guest resets slirp's connection, and slirp closes ours."""
    before = console_counters(guest)
    with socket.create_connection(("127.0.0.1", guest.tcp_closed), timeout=10) as s:
        s.settimeout(10)
        try:
            s.sendall(b"anyone?")
            got = s.recv(100)
        except (ConnectionResetError, BrokenPipeError):
            got = b""
    assert got == b""
    after = console_counters(guest)
    assert after["tcp_drop"]["drop_noport"] > before["tcp_drop"]["drop_noport"]
    assert after["tcp"]["rst_tx"] > before["tcp"]["rst_tx"]


def test_peer_that_stops_reading(guest):
    """The client writes and never reads: the guest's windows close (its rings are bounded),
    nothing is lost, and once the client reads it gets every byte back."""
    # QEMU's user networking buffers megabytes between the client and the guest (5.5 to 8 MiB
    # went in before the push-back showed against a busy-polling guest): offer 32 MiB
    data = random_bytes(32 << 20, seed=6)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # small host buffers, so the
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)  # push-back shows
    s.settimeout(20)
    s.connect(("127.0.0.1", guest.tcp_echo))
    s.setblocking(False)
    sent = 0
    idle_since = time.monotonic()
    while sent < len(data) and time.monotonic() - idle_since < 3:
        try:
            n = s.send(data[sent:sent + 65536])
            sent += n
            idle_since = time.monotonic()
        except BlockingIOError:
            time.sleep(0.05)
    assert sent < len(data), "32 MiB went in without reading: nothing pushed back"
    c = console_counters(guest, layers=("tcp", "tcp_drop", "mbuf"))
    assert c["mbuf"]["free"] > c["mbuf"]["total"] // 2, c["mbuf"]
    got = bytearray()
    s.setblocking(True)
    s.settimeout(30)
    while len(got) < sent:
        got += s.recv(1 << 20)
        while sent < len(data):  # finish sending as the window reopens
            try:
                s.setblocking(False)
                sent += s.send(data[sent:sent + 65536])
            except BlockingIOError:
                break
            finally:
                s.setblocking(True)
    s.shutdown(socket.SHUT_WR)
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        got += b
    s.close()
    assert bytes(got) == data


def test_counters_show_no_loss_on_a_clean_link(guest):
    c = console_counters(guest)
    drops = {k: v for k, v in c["tcp_drop"].items() if v}
    # a clean link: nothing malformed, no out-of-window data, no table or range overflow
    for k in ("drop_cksum", "drop_hdr", "drop_short", "drop_ooo_full", "drop_table_full",
              "tx_nobuf"):
        assert drops.get(k, 0) == 0, drops


def free_pages_kib(q, timeout=10.0):
    """The page allocator's free KiB from the shell's `mem`."""
    mark = len(q.output())
    q.send("mem\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r"page: (\d+) KiB free of", q.output()[mark:])
        if m:
            return int(m.group(1))
        time.sleep(0.05)
    raise AssertionError("no page line from `mem`:\n" + q.output()[-2000:])


def test_rings_run_out_of_pages_at_the_minimum_ram():
    """At 11 MiB the free pages hold the rings of about 110 connections, fewer than the table's
    256. The connection past them is reset and counted (drop_nomem), the ones open keep
    echoing, UDP echo is not starved, and closing them gives every page back."""
    spec, ports = tcp_netdev(tcp=(7,), udp=(7,))
    q = Qemu(mem="11M", netdev=spec, stdin=True)
    socks = []
    try:
        q.wait_for(r"echo: serving TCP port 7", timeout=30)
        wait_tcp_echo("127.0.0.1", ports[("tcp", 7)])
        time.sleep(0.5)  # the probe's connection has closed
        base = free_pages_kib(q)
        refused = None
        for i in range(256):
            s = socket.create_connection(("127.0.0.1", ports[("tcp", 7)]), timeout=10)
            s.settimeout(10)
            try:
                s.sendall(b"%d" % i)
                got = s.recv(16)
            except (ConnectionResetError, BrokenPipeError):
                got = b""
            if got != b"%d" % i:
                s.close()
                refused = i
                break
            socks.append(s)
        assert refused is not None, "256 connections held rings in %d KiB free" % base
        assert 32 * refused <= base, (refused, base)
        assert refused >= 60, "only %d connections in %d KiB free" % (refused, base)
        c = console_counters(q)
        assert c["tcp_drop"]["drop_nomem"] >= 1, c["tcp_drop"]
        assert udp_echo(ports[("udp", 7)], b"still here") == b"still here"
        for i, s in enumerate(socks):  # every open connection still echoes
            s.sendall(b"again %d" % i)
            assert s.recv(64) == b"again %d" % i
        for s in socks:
            s.close()
        socks = []
        deadline = time.monotonic() + 20
        while free_pages_kib(q) != base and time.monotonic() < deadline:
            time.sleep(0.5)
        assert free_pages_kib(q) == base, "pages not given back"
        assert echo_once("127.0.0.1", ports[("tcp", 7)], b"after", timeout=10) == b"after"
        assert "panic" not in q.output().lower()
        print("11 MiB: %d KiB free, connection %d refused for pages" % (base, refused))
    finally:
        for s in socks:
            s.close()
        q.kill()
