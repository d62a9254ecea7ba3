# SPDX-License-Identifier: BSD-2-Clause
"""Two guests on one LAN segment (a QEMU multicast socket hub) cannot be made to ping-pong.

Guest A is 10.0.2.15, guest B 10.0.2.16, each with echo, the store and the stats service;
this script is a third member of the hub (10.0.2.2). One forged datagram "from port P of B"
to A's echo port, for each service port P either of them runs: before issue 12 the first one
started an endless echo ping-pong between A and B; now A drops it (a loop-prone source port),
and the frame count on the hub shows that nothing bounces.
"""
import json
import os
import time

import pytest
from scapy.all import ARP, IP, UDP, Ether, Raw
from scapy.compat import raw

from qemu import Qemu, stats_merge
from wire import HOST_IP, HOST_MAC, STATS_PORT, Wire

A = ("10.0.2.15", "52:54:00:12:34:56")
B = ("10.0.2.16", "52:54:00:12:34:57")
STORE = 7000
ARGS = "ip=%s/24,10.0.2.2 stats.port=%d store.port=%d"


def udp(src, dst, sport, dport, payload):
    return raw(Ether(src=src[1], dst=dst[1]) / IP(src=src[0], dst=dst[0]) /
               UDP(sport=sport, dport=dport) / Raw(payload))


def stats_of(w, guest):
    """The guest's counters, asked over the hub from 10.0.2.2."""
    def ask(payload):
        sport = w.next_sport()
        w.send(udp((HOST_IP, HOST_MAC), guest, sport, STATS_PORT, payload))
        ip = w.udp_reply(sport, STATS_PORT, timeout=2.0, src=guest[0])  # reassembled
        return bytes(ip[UDP].payload) if ip is not None else None
    st = stats_merge(ask)
    assert st is not None, "no stats from %s" % guest[0]
    return st


def frames_between(w, secs):
    """Frames A and B send to each other (not ARP) within secs."""
    n = 0
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        data = w._recv_raw(deadline - time.monotonic())
        if data is None:
            break
        p = Ether(data)
        if w._handle_arp(p) or ARP in p:
            continue
        if {p[Ether].src, p[Ether].dst} == {A[1], B[1]}:
            n += 1
    return n


@pytest.fixture(scope="module")
def hub():
    group = ("230.0.0.%d" % (1 + os.getpid() % 250), 20000 + os.getpid() % 20000)
    w = Wire(hub=group)
    w.arp_only = {HOST_IP}
    qa = Qemu(bootargs=ARGS % (A[0], STATS_PORT, STORE), nic="e1000,mac=%s" % A[1],
              netdev=w.netdev)
    qb = Qemu(bootargs=ARGS % (B[0], STATS_PORT, STORE), nic="e1000,mac=%s" % B[1],
              netdev=w.netdev)
    try:
        for q in (qa, qb):
            q.wait_for(r"echo: serving", timeout=30)
        time.sleep(1.2)  # the e1000 receive hold-off
        # A and B know each other (a real exchange: A echoes B's ordinary client port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            w.send(udp((HOST_IP, HOST_MAC), A, 40000, 7, b"warm"))
            if w.recv(lambda p: UDP in p and p[UDP].dport == 40000, timeout=0.5):
                break
        yield w, qa, qb
    finally:
        qa.kill()
        qb.kill()
        w.close()


@pytest.mark.parametrize("port", [7, STORE, STATS_PORT])
def test_one_forged_datagram_cannot_start_a_loop(hub, port):
    w, qa, qb = hub
    before = stats_of(w, A)
    w.drain()
    # "from port `port` of B" to A's echo port, with B's addresses
    w.send(udp(B, A, port, 7, b"ping-pong " * 8))
    n = frames_between(w, 3.0)
    assert n <= 2, "%d frames between A and B in 3 s after one forged datagram from B:%d" % (
        n, port)
    after = stats_of(w, A)
    assert after["udp"]["drop_loop"] - before["udp"]["drop_loop"] == 1, after["udp"]
    assert "PANIC" not in qa.output() + qb.output()


def test_both_guests_still_serve(hub):
    w, qa, qb = hub
    for g in (A, B):
        w.send(udp((HOST_IP, HOST_MAC), g, 41000, 7, b"alive"))
        p = w.recv(lambda p: UDP in p and p[UDP].dport == 41000 and p[IP].src == g[0],
                   timeout=2.0)
        assert p is not None and bytes(p[UDP].payload) == b"alive", g
    st = stats_of(w, B)
    assert st["mbuf"]["alloc_fail"] == 0
    json.dumps(st)
