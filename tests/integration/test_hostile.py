# SPDX-License-Identifier: BSD-2-Clause
"""Issue 12 over the raw wire (wire.py): the guest as an attacker on the same segment sees it.

One test (or a few) per rule; each asserts what reaches the wire first (no reply, no
reflection, no flood) and then the counters that say why. Every one of them fails against the
tree before issue 12 (UK_KERNEL=<old kernel.bin> runs the file against another image).
"""
import random
import threading
import time

import pytest
from scapy.all import ARP, BOOTP, ICMP, IP, UDP, Ether, Raw, fragment
from scapy.compat import raw

import wire
from qemu import MACHINES, Qemu
from wire import (ECHO_PORT, GUEST_IP, GUEST_MAC, HOST_IP, HOST_MAC, STATIC_ARGS, STATS_PORT,
                  Wire, boot_wire, counter, delta)

STORE_PORT = 7000
RX_RING = 256  # lib/config.h CONFIG_E1000_RX_RING


# The rules that need only a configured guest run on virt (e1000) and sifive_u (Cadence GEM):
# they are the stack's, and must hold whichever NIC delivers the frames.
@pytest.fixture(scope="module", params=sorted(MACHINES))
def net(request):
    q, w = boot_wire(STATIC_ARGS + " store.port=%d" % STORE_PORT, machine=request.param)
    yield q, w
    q.kill()
    w.close()


def frame(src=HOST_IP, dst=GUEST_IP, sport=40000, dport=ECHO_PORT, payload=b"hostile",
          edst=GUEST_MAC, esrc=HOST_MAC, **ipkw):
    return raw(Ether(dst=edst, src=esrc) / IP(src=src, dst=dst, **ipkw) /
               UDP(sport=sport, dport=dport) / Raw(payload))


def ping(src=HOST_IP, dst=GUEST_IP, edst=GUEST_MAC):
    return raw(Ether(dst=edst, src=HOST_MAC) / IP(src=src, dst=dst) / ICMP(id=77, seq=1) /
               Raw(b"ping"))


def replies(w, timeout=1.0):
    """Everything the guest sent but ARP (answered on the way)."""
    return [p for p in w.recv_all(timeout=timeout, quiet=0.4) if ARP not in p]


def echo_ok(w, payload=b"still here"):
    ip = w.udp_request(ECHO_PORT, payload, timeout=2.0)
    return ip is not None and bytes(ip[UDP].payload) == payload


# ---- rule 1: martian sources are never answered, from any layer ----

MARTIANS = [("0.0.0.0", "drop_src_zero"), ("255.255.255.255", "drop_src_bcast"),
            ("10.0.2.255", "drop_src_bcast"), ("224.0.0.1", "drop_src_mcast"),
            ("127.0.0.1", "drop_src_loopback"), ("240.0.0.1", "drop_src_reserved"),
            (GUEST_IP, "drop_src_self")]


@pytest.mark.parametrize("src,reason", MARTIANS, ids=[m[0] for m in MARTIANS])
def test_martian_source_never_answered(net, src, reason):
    q, w = net
    before = w.stats()
    w.send_many([frame(src=src), ping(src=src), frame(src=src, dport=9)])  # echo, ping, closed
    got = replies(w)
    assert not got, "answered a datagram from %s: %s" % (src, [p.summary() for p in got])
    after = w.stats()
    assert delta(before, after, "ipv4." + reason) == 3, (reason, after["ipv4"])
    assert echo_ok(w)


# ---- rule 2: unicast services stay unicast ----

@pytest.mark.parametrize("dst", ["255.255.255.255", "10.0.2.255"])
def test_broadcast_echo_and_store_not_served(net, dst):
    q, w = net
    before = w.stats()
    bcast = "ff:ff:ff:ff:ff:ff"
    w.send(frame(dst=dst, edst=bcast, payload=b"fraggle"))
    w.send(frame(dst=dst, edst=bcast, dport=STORE_PORT, payload=b"W 0 pwned"))
    got = replies(w)
    assert not got, "served a broadcast: %s" % [p.summary() for p in got]
    assert delta(before, w.stats(), "udp.drop_bcast") == 2
    ip = w.udp_request(STORE_PORT, b"R 0 5\n" + b" " * 26)
    assert ip is not None and bytes(ip[UDP].payload) != b"pwned", "the broadcast wrote the store"


def test_unicast_inside_link_broadcast_dropped(net):
    q, w = net
    before = w.stats()
    w.send(frame(edst="ff:ff:ff:ff:ff:ff"))
    assert not replies(w), "answered a unicast datagram sent as an Ethernet broadcast"
    assert delta(before, w.stats(), "ipv4.drop_link_bcast") == 1


# ---- rule 3: no loops from loop-prone source ports ----

@pytest.mark.parametrize("sport", [0, 7, 13, 19, 37, 123, 7000, STATS_PORT])
def test_echo_ignores_loop_prone_source_port(net, sport):
    q, w = net
    before = w.stats()
    w.send(frame(sport=sport, payload=b"ping-pong?"))
    got = replies(w)
    assert not got, "echoed a datagram from port %d: %s" % (sport, [p.summary() for p in got])
    assert delta(before, w.stats(), "udp.drop_loop") == 1
    assert echo_ok(w)


# ---- rule 4: unconfigured means quiet ----

def test_nothing_answered_before_an_address():
    """DHCP with no server on the wire: for the first seconds there is no address; nothing
    but DHCP may come in, and nothing but DISCOVERs go out."""
    w = Wire()
    q = Qemu(bootargs="ip=dhcp stats.port=%d store.port=%d" % (STATS_PORT, STORE_PORT),
             netdev=w.netdev)
    try:
        q.wait_for(r"main loop reached", timeout=30)
        w.send_many([frame(), frame(dst="10.9.9.9"), frame(dport=9), ping(),
                     frame(dport=STORE_PORT, payload=b"W 0 early"),
                     frame(dport=STATS_PORT, payload=b"all".ljust(1000))])
        # the e1000 holds receive for ~1 s after it is enabled: listen well past that
        got = [p for p in w.recv_all(timeout=3.5, quiet=3.5) if ARP not in p and
               not (UDP in p and p[UDP].dport == 67)]
        assert not got, "answered before having an address: %s" % [p.summary() for p in got]
        assert "dhcp: lease" not in q.output() and "echo: serving" not in q.output()
    finally:
        q.kill()
        w.close()


# ---- rule 5: DHCP from the selected server only, usable addresses, floors, overload ----

def dhcp_reply(req, kind, yiaddr, server=HOST_IP, opts=(), file=b"", lease=600):
    o = [("message-type", kind), ("server_id", server), ("subnet_mask", "255.255.255.0"),
         ("router", HOST_IP), ("lease_time", lease)] + list(opts) + ["end"]
    return raw(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
               IP(src=server, dst="255.255.255.255") / UDP(sport=67, dport=68) /
               BOOTP(op=2, xid=req[BOOTP].xid, yiaddr=yiaddr, siaddr=server,
                     chaddr=req[BOOTP].chaddr, flags=req[BOOTP].flags, file=file) /
               Raw(b"c\x82Sc" + dhcp_opts(o)))


def dhcp_opts(o):
    """DHCP options as bytes (scapy's DHCP layer has no name for option 52)."""
    from scapy.layers.dhcp import DHCP
    return raw(DHCP(options=o))


def is_dhcp(kind):
    def match(p):
        if UDP not in p or p[UDP].dport != 67 or BOOTP not in p:
            return False
        b = raw(p[BOOTP])
        return b[240:243] == bytes([53, 1, kind])  # message type first, as ours are
    return match


def test_dhcp_trusts_only_what_it_should():
    w = Wire()
    q = Qemu(bootargs="ip=dhcp stats.port=%d" % STATS_PORT, netdev=w.netdev)
    try:
        q.wait_for(r"dhcp: discovering", timeout=30)
        # an offer of the subnet's broadcast address: not requested
        d = w.recv(is_dhcp(1), timeout=5)
        assert d is not None, "no DISCOVER"
        w.send(dhcp_reply(d, "offer", "10.0.2.255"))
        r = w.recv(is_dhcp(3), timeout=1.0)
        assert r is None, "requested the subnet broadcast address 10.0.2.255"
        # a good offer whose server identifier sits in the file field (option overload)
        d = w.recv(is_dhcp(1), timeout=5)
        assert d is not None, "no second DISCOVER"
        file = bytes([54, 4]) + bytes([10, 0, 2, 2]) + bytes([3, 4, 10, 0, 2, 2, 255])
        o = [("message-type", "offer"), ("subnet_mask", "255.255.255.0"),
             ("lease_time", 600)]
        w.send(raw(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                   IP(src=HOST_IP, dst="255.255.255.255") / UDP(sport=67, dport=68) /
                   BOOTP(op=2, xid=d[BOOTP].xid, yiaddr=GUEST_IP, chaddr=d[BOOTP].chaddr,
                         flags=d[BOOTP].flags, file=file) /
                   Raw(b"c\x82Sc" + dhcp_opts(o) + bytes([52, 1, 1, 255]))))
        r = w.recv(is_dhcp(3), timeout=2.0)
        assert r is not None, "no REQUEST for an offer with option overload"
        # another server's ACK for a different address: ignored
        w.send(dhcp_reply(r, "ack", "10.0.2.99", server="10.0.2.3"))
        time.sleep(0.5)
        assert "dhcp: lease" not in q.output(), "bound an ACK from a server not selected"
        # the selected server, with a 1-second lease: floors, no REQUEST storm
        w.send(dhcp_reply(r, "ack", GUEST_IP, lease=1))
        q.wait_for(r"dhcp: lease 10\.0\.2\.15/24 gw 10\.0\.2\.2 from 10\.0\.2\.2, 60 s",
                   timeout=3)
        t0 = time.monotonic()
        storm = [p for p in w.recv_all(timeout=3.0, quiet=3.0) if is_dhcp(3)(p)]
        assert len(storm) == 0, "%d REQUESTs in %.1f s after a 1 s lease" % (
            len(storm), time.monotonic() - t0)
        st = w.stats()
        assert counter(st, "dhcp.drop_addr") == 1 and counter(st, "dhcp.drop_server") == 1
    finally:
        q.kill()
        w.close()


# ---- rule 6: /31 and /32 have no broadcast address ----

@pytest.mark.parametrize("cfg,me,peer", [("10.0.2.15/31,10.0.2.14", GUEST_IP, "10.0.2.14"),
                                         ("10.0.2.14/31,10.0.2.15", "10.0.2.14", GUEST_IP),
                                         ("10.0.2.15/32", GUEST_IP, HOST_IP),
                                         ("10.0.2.15/32,10.0.2.2", GUEST_IP, HOST_IP)])
def test_point_to_point_prefix_answers_every_unicast(cfg, me, peer):
    w = Wire()
    w.arp_only = {peer}
    q = Qemu(bootargs="ip=%s" % cfg, netdev=w.netdev)
    try:
        q.wait_for(r"echo: serving", timeout=30)
        deadline = time.monotonic() + 6
        got = None
        while got is None and time.monotonic() < deadline:  # e1000 holds receive ~1 s
            w.send(ping(src=peer, dst=me))
            got = w.recv(lambda p: ICMP in p and p[ICMP].type == 0, timeout=0.5)
        assert got is not None, "%s: no reply to a ping to %s" % (cfg, me)
        assert got[Ether].dst == HOST_MAC and got[IP].dst == peer, got.summary()
        w.send(frame(src=peer, dst=me, payload=b"p2p"))
        ip = w.recv(lambda p: UDP in p and p[UDP].sport == ECHO_PORT, timeout=2)
        assert ip is not None and ip[Ether].dst == HOST_MAC and ip[IP].dst == peer
    finally:
        q.kill()
        w.close()


# ---- rule 7: ARP under a spoofed-source flood ----

def test_real_host_keeps_flowing_under_spoofed_flood(net):
    """~4,500 datagrams/s to the echo port from 240 spoofed on-link addresses (none of which
    answers ARP) for 4 s, while the real host (10.0.2.2) sends an echo every 10 ms: at least
    80% of the real host's echoes come back. Afterwards the counters add up and the pool is
    idle."""
    q, w = net
    w.arp_only = {HOST_IP}
    try:
        spoofed = ["10.0.2.%d" % i for i in range(3, 255) if i != 15][:240]
        flood = [frame(src=s, sport=40000 + i, payload=b"spoof") for i, s in enumerate(spoofed)]
        real = [frame(sport=50000, payload=b"real-%04d" % i) for i in range(400)]
        w.drain()
        before = w.stats()
        mark = w.stats_mark
        qdrops0, hdrops0 = wire.udp_drops(w.qport), wire.udp_drops(w.port)
        got, stop = set(), threading.Event()

        def receive():
            while not stop.is_set():
                data = w._recv_raw(0.1)
                if data is None:
                    continue
                p = Ether(data)
                if w._handle_arp(p):
                    continue
                if UDP in p and p[UDP].dport == 50000 and p[IP].dst == HOST_IP:
                    got.add(bytes(p[UDP].payload))

        t = threading.Thread(target=receive, daemon=True)
        t.start()
        rate, secs, k = 4500, 4.0, 0
        t0 = time.monotonic()
        sent_flood = 0
        while True:
            now = time.monotonic() - t0
            if now >= secs:
                break
            want = int(now * rate)
            while sent_flood < want:
                w.send(flood[sent_flood % len(flood)])
                sent_flood += 1
            if k < len(real) and now >= k * 0.01:
                w.send(real[k])
                k += 1
            time.sleep(0.0005)
        elapsed = time.monotonic() - t0
        time.sleep(1.0)
        stop.set()
        t.join(2)
        share = len(got) / k
        print("spoofed flood: %d datagrams in %.2f s (%.0f/s) from %d sources; real host: "
              "%d of %d echoes answered (%.1f%%)" % (sent_flood, elapsed, sent_flood / elapsed,
                                                      len(spoofed), len(got), k, 100 * share))
        assert sent_flood / elapsed >= 4000, "the flood ran at %.0f/s only" % (
            sent_flood / elapsed)
        assert share >= 0.8, "real host: only %d of %d echoes answered under the flood" % (
            len(got), k)
        time.sleep(3.5)  # ARP waits time out: every queued reply is dropped and counted
        after = w.stats()
        arp = {f: delta(before, after, "arp." + f) for f in after["arp"]}
        assert arp["tx_request"] <= 10 * (secs + 5) + 10, arp  # the global cap
        nd = {f: after["netdev"][f] - before["netdev"][f] for f in after["netdev"]}
        sent = w.stats_mark - mark
        qdrops = wire.udp_drops(w.qport) - qdrops0
        guest_drops = nd["rx_drop_nobuf"] + nd["rx_drop_error"] + nd["rx_drop_oversize"]
        assert nd["rx_frames"] + guest_drops + qdrops == sent, (nd, qdrops, sent)
        assert wire.udp_drops(w.port) - hdrops0 == 0
        assert after["mbuf"]["free"] + RX_RING + 1 == after["mbuf"]["total"], after["mbuf"]
    finally:
        w.arp_only = None
    assert echo_ok(w)


def test_own_address_conflict_defended_not_cached(net):
    q, w = net
    thief = "02:00:00:00:00:66"
    before = w.stats()
    w.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=thief) /
           ARP(op=2, hwsrc=thief, psrc=GUEST_IP, hwdst="ff:ff:ff:ff:ff:ff", pdst=GUEST_IP))
    ann = w.recv(lambda p: ARP in p and p[ARP].psrc == GUEST_IP and p[ARP].hwsrc == GUEST_MAC,
                 timeout=2)
    assert ann is not None, "our address claimed by another MAC and not defended"
    q.wait_for(r"arp: address conflict: 10\.0\.2\.15 is also claimed by 02:00:00:00:00:66",
               timeout=2)
    # zero and broadcast sender MACs are not learnt (an echo to 10.0.2.77 must ARP first)
    for mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        w.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
               ARP(op=1, hwsrc=mac, psrc="10.0.2.77", pdst=GUEST_IP))
    assert not [p for p in w.recv_all(timeout=0.5) if ARP in p and p[ARP].op == 2]
    after = w.stats()
    assert delta(before, after, "arp.conflict") == 1 and delta(before, after, "arp.drop_sha") == 2


# ---- rule 8: reassembly gives one verdict in every order ----

def test_reassembly_verdict_does_not_depend_on_order(net):
    """A fragment reaching past the end the last fragment gives, inside its last 8-byte
    block: in every order that puts it before the datagram is complete, the datagram dies."""
    q, w = net
    before = w.stats()
    echoed = []
    for k, order in enumerate([(2, 0, 1), (2, 1, 0), (0, 2, 1), (1, 2, 0)]):
        sport = 45000 + k
        payload = bytes((i * 7) & 0xFF for i in range(997))  # IP payload 1005 bytes
        whole = raw(IP(src=HOST_IP, dst=GUEST_IP, id=0x900 + k) /
                    UDP(sport=sport, dport=ECHO_PORT) / payload)
        hdr, body = whole[:20], whole[20:]
        parts = {0: (0, body[:800], True), 1: (800, body[800:1005], False),
                 2: (1000, body[1000:1005] + b"\0\0\0", True)}
        for f in order:
            off, data, more = parts[f]
            ip = IP(hdr)
            ip.flags = "MF" if more else 0
            ip.frag = off // 8
            ip.len = None
            ip.chksum = None
            w.send(Ether(dst=GUEST_MAC, src=HOST_MAC) / ip / Raw(data))
        if w.udp_reply(sport, ECHO_PORT, timeout=0.8) is not None:
            echoed.append(order)
    assert not echoed, "datagrams with a fragment past the end delivered in orders %s" % echoed
    assert delta(before, w.stats(), "ipv4.drop_frag_overlap") == 4


# ---- rule 9: the store is not open by default; no amplification; strict numbers ----

def test_store_off_by_default():
    q, w = boot_wire()  # STATIC_ARGS: no store.port
    try:
        w.send(frame(dport=STORE_PORT, payload=b"W 0 hello"))
        w.send(frame(dport=STORE_PORT, payload=b"R 0 4\n" + b" " * 30))
        got = [p for p in replies(w) if UDP in p]
        assert not got, "the store answered without store.port=: %s" % [
            p.summary() for p in got]
        assert "store: off" in q.output()
    finally:
        q.kill()
        w.close()


def test_store_reply_never_larger_than_request(net):
    q, w = net
    for req in (b"R 0 1472", b"R 0 64\n", b"C", b"R 1 2 3 4 5 6"):
        ip = w.udp_request(STORE_PORT, req, timeout=1.0)
        assert ip is None or len(bytes(ip[UDP].payload)) <= len(req), \
            "%r (%d bytes) drew %d bytes" % (req, len(req), len(bytes(ip[UDP].payload)))
    ip = w.udp_request(STORE_PORT, b"R 0 64\n" + b" " * 60)
    assert ip is not None and len(bytes(ip[UDP].payload)) == 64, "a padded read is served"


def test_store_numbers_are_strict(net):
    q, w = net
    # unpadded: the answer is an error cut to the request's length, never data
    for req in (b"R 0\0junk 4", b"R 0 1k", b"R 0 +4", b"R 0x 4"):
        ip = w.udp_request(STORE_PORT, req)
        assert ip is not None and bytes(ip[UDP].payload).startswith(b"ERR"), \
            "%r served: %r" % (req, ip and bytes(ip[UDP].payload)[:16])


# ---- rule 10: the stats JSON never silently stops ----

def test_stats_reply_fits_its_request_and_names_the_rest(net):
    q, w = net
    ip = w.udp_request(STATS_PORT, b"all".ljust(300))
    assert ip is not None, "no answer to a 300-byte stats request"
    body = bytes(ip[UDP].payload)
    assert len(body) <= 300, "a %d-byte answer to a 300-byte request" % len(body)
    import json
    part = json.loads(body)
    assert part.get("more"), "layers that did not fit are not named: %s" % body[:80]
    st = w.stats()  # all of them, in parts
    for layer in ("netdev", "mbuf", "eth", "arp", "ipv4", "icmp", "udp", "dhcp", "sys",
                  "service"):
        assert layer in st, (layer, sorted(st))
