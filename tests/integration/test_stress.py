# SPDX-License-Identifier: BSD-2-Clause
"""Hostile mixes over the raw wire: the guest stays bounded and keeps echoing.

ARP storms from random senders (the cache replaces, it does not grow), floods of fragments that
never complete (reassembly holds at most its few slots), datagrams to random closed ports (ICMP
port-unreachable stays rate-limited). After each: echo works, the mbuf pool is back to idle.
"""
import random

import pytest
from scapy.all import ARP, IP, UDP, Ether, Raw

from wire import ECHO_PORT, GUEST_IP, GUEST_MAC, HOST_IP, HOST_MAC, boot_wire, counter

ARP_CACHE = 64      # net/arp.c ARP_CACHE_SIZE
REASM_SLOTS = 4     # net/ipv4_frag.c REASM_SLOTS
RX_RING = 256       # lib/config.h CONFIG_E1000_RX_RING


@pytest.fixture(scope="module")
def net():
    q, w = boot_wire()
    yield q, w
    q.kill()
    w.close()


def echo_ok(w, payload=b"survived"):
    ip = w.udp_request(ECHO_PORT, payload, timeout=2.0)
    return ip is not None and bytes(ip[UDP].payload) == payload


def idle_mbufs(st):
    """Free mbufs plus those parked in the RX ring plus the stats request being answered (the
    reply is built in it): equal to the pool's total when nothing else holds a buffer."""
    return st["mbuf"]["free"] + RX_RING + 1


def test_arp_storm_random_senders(net):
    _, w = net
    rnd = random.Random(7)
    before = w.stats()
    frames = []
    for i in range(1500):
        mac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(5))
        src = "10.0.%d.%d" % (rnd.randrange(0, 3), rnd.randrange(1, 255))
        frames.append(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) /
                      ARP(op=1, hwsrc=mac, psrc=src, hwdst="00:00:00:00:00:00",
                          pdst=GUEST_IP if i % 2 else "10.0.2.%d" % rnd.randrange(100, 200)))
    w.send_many(frames)
    w.recv_all(timeout=1.0)
    assert echo_ok(w)
    after = w.stats()
    # every request was looked at; the cache replaced entries instead of growing
    assert counter(after, "arp.rx") - counter(before, "arp.rx") >= 1400
    assert counter(after, "arp.evicted") > counter(before, "arp.evicted")
    assert counter(after, "arp.drop_other") > counter(before, "arp.drop_other")
    assert idle_mbufs(after) == after["mbuf"]["total"], after["mbuf"]


def test_fragment_flood_stays_bounded(net):
    _, w = net
    before = w.stats()
    frames = []
    for ident in range(1, 801):
        # first fragments only: none of these datagrams can ever complete
        frames.append(w.eth() / IP(src=HOST_IP, dst=GUEST_IP, id=ident, flags="MF", frag=0,
                                   proto=17) / Raw(b"F" * 64))
    w.send_many(frames)
    w.recv_all(timeout=1.0)
    mid = w.stats()
    # at most REASM_SLOTS datagrams are held, each in one buffer
    assert idle_mbufs(mid) >= mid["mbuf"]["total"] - REASM_SLOTS, mid["mbuf"]
    assert counter(mid, "ipv4.drop_frag_noslot") - counter(before, "ipv4.drop_frag_noslot") \
        >= 800 - REASM_SLOTS - 1
    assert echo_ok(w)


def test_random_closed_ports_rate_limited(net):
    _, w = net
    rnd = random.Random(11)
    before = w.stats()
    frames = [w.udp_frame(rnd.randrange(20000, 60000), b"knock", sport=w.next_sport())
              for _ in range(400)]
    w.send_many(frames)
    got = w.recv_all(timeout=1.0)
    after = w.stats()
    sent_unreach = counter(after, "icmp.unreach_tx") - counter(before, "icmp.unreach_tx")
    limited = counter(after, "icmp.unreach_limited") - counter(before, "icmp.unreach_limited")
    assert counter(after, "udp.drop_noport") - counter(before, "udp.drop_noport") >= 390
    assert sent_unreach <= 40 and limited >= 350, (sent_unreach, limited, len(got))
    assert echo_ok(w)


def test_guest_still_whole_after_the_storms(net):
    q, w = net
    st = w.stats()
    assert "PANIC" not in q.output()
    assert idle_mbufs(st) >= st["mbuf"]["total"] - REASM_SLOTS
    assert st["mbuf"]["alloc_fail"] == 0
    assert echo_ok(w, b"x" * 1472)
