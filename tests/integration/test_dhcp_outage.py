# SPDX-License-Identifier: BSD-2-Clause
"""DHCP server silent, then back: the guest falls back to its address and keeps serving, keeps
looking for a server in the background, and takes the lease once one answers. The test plays
both the silent LAN and the server over the raw wire (about 50 s: the client's retry timers)."""
import time

from scapy.all import BOOTP, DHCP, IP, UDP, Ether

from qemu import Qemu
from wire import ECHO_PORT, GUEST_MAC, HOST_IP, HOST_MAC, STATS_PORT, Wire, counter


def is_dhcp(kind):
    def match(p):
        if UDP not in p or p[UDP].dport != 67 or DHCP not in p:
            return False
        return ("message-type", kind) in [o for o in p[DHCP].options if isinstance(o, tuple)]
    return match


def reply(req, kind, lease=600):
    return (Ether(dst=GUEST_MAC, src=HOST_MAC) /
            IP(src=HOST_IP, dst="255.255.255.255") / UDP(sport=67, dport=68) /
            BOOTP(op=2, xid=req[BOOTP].xid, yiaddr="10.0.2.15", siaddr=HOST_IP,
                  chaddr=req[BOOTP].chaddr, flags=req[BOOTP].flags) /
            DHCP(options=[("message-type", kind), ("server_id", HOST_IP),
                          ("subnet_mask", "255.255.255.0"), ("router", HOST_IP),
                          ("lease_time", lease), "end"]))


def test_dhcp_server_silent_then_back():
    w = Wire()
    q = Qemu(bootargs="ip=dhcp stats.port=%d" % STATS_PORT, netdev=w.netdev)
    try:
        # silent: every DISCOVER goes unanswered until the fallback
        q.wait_for(r"dhcp: no answer after \d+ tries: using 10\.0\.2\.15/24", timeout=40)
        time.sleep(1.2)
        w.drain()
        ip = w.udp_request(ECHO_PORT, b"on the fallback", timeout=2.0)
        assert ip is not None and bytes(ip[UDP].payload) == b"on the fallback"
        st = w.stats()
        assert counter(st, "dhcp.fallback") == 1 and counter(st, "dhcp.ack_rx") == 0
        # back: answer the next background DISCOVER and its REQUEST
        disc = w.recv(is_dhcp(1), timeout=40)
        assert disc is not None, "no DISCOVER after the fallback"
        w.send(reply(disc, "offer"))
        req = w.recv(is_dhcp(3), timeout=5)
        assert req is not None, "no REQUEST after the OFFER"
        w.send(reply(req, "ack"))
        q.wait_for(r"dhcp: lease 10\.0\.2\.15/24 gw 10\.0\.2\.2 from 10\.0\.2\.2, 600 s",
                   timeout=5)
        st = w.stats()
        assert counter(st, "dhcp.ack_rx") == 1
        ip = w.udp_request(ECHO_PORT, b"leased", timeout=2.0)
        assert ip is not None and bytes(ip[UDP].payload) == b"leased"
        assert q.output().count("dhcp: no answer") == 1, "the fallback is announced once"
    finally:
        q.kill()
        w.close()
