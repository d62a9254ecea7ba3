#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the fuzzers' seed inputs under tests/fuzz/corpus/<harness>/ (committed as files).

Run from the repository root: /usr/bin/python3 tests/fuzz/make-seeds.py
tcp seeds: see tcp_seeds. eth seeds follow fuzz_eth.c's input format: a configuration byte, then one frame, or with
CFG_MULTI records of [gap index][length, 2 bytes big-endian][frame].
"""
import os
import shutil
import struct
import sys

from scapy.all import (ARP, BOOTP, DHCP, ICMP, IP, UDP, Dot1Q, Ether, IPv6, Raw, fragment,
                       raw)

CFG_STATIC, CFG_LEARN, CFG_FIXSUM, CFG_XID = 1, 2, 4, 8
CFG_STATS, CFG_MULTI, CFG_TXFULL, CFG_SQUEEZE = 16, 32, 64, 128
GAP = {0: 0, 1: 1, 10: 2, 100: 3, 500: 4, 1000: 5, 1500: 6, 2000: 7, 3100: 8, 5000: 9,
       10000: 10, 31000: 11, 61000: 12, 301000: 13, 1801000: 14, 3601000: 15}

GUEST_MAC, HOST_MAC, BCAST = "52:54:00:12:34:56", "52:55:0a:00:02:02", "ff:ff:ff:ff:ff:ff"
GUEST, HOST = "10.0.2.15", "10.0.2.2"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def out(harness, name, data):
    d = os.path.join(ROOT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def single(cfg, frame):
    return bytes([cfg]) + raw(frame)


def multi(cfg, frames):
    """frames: list of (gap_ms, frame)."""
    b = bytes([cfg | CFG_MULTI])
    for gap, fr in frames:
        r = raw(fr) if not isinstance(fr, bytes) else fr
        b += bytes([GAP[gap]]) + struct.pack(">H", len(r)) + r
    return b


def to_guest(l3):
    return Ether(dst=GUEST_MAC, src=HOST_MAC) / l3


def udp(dport, payload, sport=40000, **ip):
    return to_guest(IP(src=HOST, dst=GUEST, **ip) / UDP(sport=sport, dport=dport) / payload)


def dhcp_reply(kind, lease=3600, extra=()):
    opts = [("message-type", kind), ("server_id", HOST)]
    if kind != "nak":
        opts += [("subnet_mask", "255.255.255.0"), ("router", HOST), ("lease_time", lease)]
    opts += list(extra) + ["end"]
    mac = bytes.fromhex(GUEST_MAC.replace(":", ""))
    yi = "0.0.0.0" if kind == "nak" else GUEST
    return (Ether(dst=BCAST, src=HOST_MAC) / IP(src=HOST, dst="255.255.255.255") /
            UDP(sport=67, dport=68) /
            BOOTP(op=2, xid=0, yiaddr=yi, siaddr=HOST, chaddr=mac) / DHCP(options=opts))


def eth_seeds():
    st, learnt = CFG_STATIC, CFG_STATIC | CFG_LEARN
    arp_req = Ether(dst=BCAST, src=HOST_MAC) / ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, pdst=GUEST)
    arp_rep = Ether(dst=GUEST_MAC, src=HOST_MAC) / ARP(op=2, hwsrc=HOST_MAC, psrc=HOST,
                                                       hwdst=GUEST_MAC, pdst=GUEST)
    out("eth", "arp-request", single(st, arp_req))
    out("eth", "arp-reply", single(st, arp_rep))
    out("eth", "arp-other", single(st, Ether(dst=BCAST, src=HOST_MAC) /
                                     ARP(op=1, hwsrc=HOST_MAC, psrc=HOST, pdst="10.0.2.99")))
    out("eth", "arp-bad-hlen", single(st, Ether(dst=BCAST, src=HOST_MAC) /
                                        ARP(op=1, hwlen=8, psrc=HOST, pdst=GUEST)))
    ping = to_guest(IP(src=HOST, dst=GUEST) / ICMP(type=8, id=0x4242, seq=1) / (b"p" * 56))
    out("eth", "icmp-echo", single(learnt, ping))
    out("eth", "icmp-echo-1472", single(learnt, to_guest(IP(src=HOST, dst=GUEST) /
                                                         ICMP(type=8) / (b"q" * 1472))))
    out("eth", "icmp-echo-fixsum", single(learnt | CFG_FIXSUM, ping))
    stamp = ICMP(type=13, ts_ori=1, ts_rx=2, ts_tx=3)  # fixed: scapy would use the clock
    out("eth", "icmp-other-type", single(learnt, to_guest(IP(src=HOST, dst=GUEST) / stamp /
                                                          (b"x" * 12))))
    for n in (0, 18, 1472):
        out("eth", "udp7-%d" % n, single(learnt, udp(7, b"e" * n)))
    out("eth", "udp7-fixsum", single(learnt | CFG_FIXSUM, udp(7, b"hello")))
    out("eth", "udp7-nocsum", single(learnt, to_guest(IP(src=HOST, dst=GUEST) /
                                                      UDP(sport=1, dport=7, chksum=0) / b"z")))
    out("eth", "udp-unreach", single(learnt, udp(9999, b"nobody")))
    out("eth", "udp-bcast", single(learnt, Ether(dst=BCAST, src=HOST_MAC) /
                                    IP(src=HOST, dst="10.0.2.255") / UDP(dport=7) / b"b"))
    out("eth", "stats", single(learnt | CFG_STATS, udp(9, b"?")))
    # echo before the host's MAC is known: queued behind an ARP request, then the reply
    out("eth", "arp-queue", multi(st, [(0, udp(7, b"a")), (0, udp(7, b"b")),
                                       (100, arp_rep)]))
    out("eth", "arp-queue-timeout", multi(st, [(0, udp(7, b"a")), (3100, udp(7, b"b")),
                                               (5000, arp_rep)]))
    out("eth", "arp-queue-txfull", multi(st | CFG_TXFULL, [(0, udp(7, b"a")), (0, ping),
                                                          (0, udp(7, b"c")), (10, arp_rep)]))
    # fragments of one datagram to the echo port
    big = IP(src=HOST, dst=GUEST, id=77) / UDP(sport=5555, dport=7) / (b"F" * 1200)
    frags = [to_guest(f) for f in fragment(big, fragsize=400)]
    out("eth", "frag-inorder", multi(learnt, [(1, f) for f in frags]))
    out("eth", "frag-reverse", multi(learnt, [(1, f) for f in reversed(frags)]))
    out("eth", "frag-dup", multi(learnt, [(1, frags[0]), (1, frags[0])] +
                                 [(1, f) for f in frags[1:]]))
    out("eth", "frag-timeout", multi(learnt, [(0, frags[0]), (31000, frags[1]),
                                              (1, frags[2])]))
    huge = IP(src=HOST, dst=GUEST, id=78) / UDP(sport=5555, dport=7) / (b"H" * 1900)
    out("eth", "frag-1900", multi(learnt, [(1, to_guest(f)) for f in
                                           fragment(huge, fragsize=1000)]))
    # with the pool nearly empty: allocation failures on every path that allocates
    out("eth", "squeeze-frag-1900", multi(learnt | CFG_SQUEEZE, [(1, to_guest(f)) for f in
                                                                 fragment(huge, fragsize=1000)]))
    out("eth", "squeeze-arp-queue", multi(st | CFG_SQUEEZE, [(0, udp(7, b"a")), (0, ping),
                                                             (0, udp(9999, b"u")),
                                                             (10, arp_rep), (10, arp_req)]))
    over = to_guest(IP(src=HOST, dst=GUEST, id=77, flags=1, frag=25) / (b"X" * 400))
    out("eth", "frag-overlap", multi(learnt, [(1, frags[0]), (1, over)] +
                                     [(1, f) for f in frags[1:]]))
    many = []  # more datagrams in flight than reassembly slots
    for i in range(6):
        d = IP(src=HOST, dst=GUEST, id=100 + i) / UDP(sport=5555, dport=7) / (b"S" * 900)
        many.append((1, to_guest(fragment(d, fragsize=480)[0])))
    out("eth", "frag-slots", multi(learnt, many))
    # DHCP: offer, request, ack; then renewal at T1; a NAK
    x = CFG_XID | CFG_FIXSUM
    out("eth", "dhcp-offer", single(x, dhcp_reply("offer")))
    out("eth", "dhcp-offer-ack", multi(x, [(0, dhcp_reply("offer")), (10, dhcp_reply("ack"))]))
    out("eth", "dhcp-renew", multi(x, [(0, dhcp_reply("offer")), (10, dhcp_reply("ack", 3600)),
                                       (1801000, dhcp_reply("ack", 3600)),
                                       (10, udp(7, b"after"))]))
    out("eth", "dhcp-nak", multi(x, [(0, dhcp_reply("offer")), (10, dhcp_reply("nak"))]))
    out("eth", "dhcp-short-lease", multi(x, [(0, dhcp_reply("offer", 10)),
                                             (10, dhcp_reply("ack", 10)), (5000, arp_req),
                                             (10000, arp_req)]))
    out("eth", "dhcp-options", single(x, dhcp_reply("offer", extra=[
        ("renewal_time", 5), ("rebinding_time", 3), ("name_server", HOST), ("pad", )])))
    # malformed
    good = udp(7, b"0123456789abcdefgh")
    g = bytearray(raw(good))
    out("eth", "short-eth", bytes([learnt]) + bytes(g[:10]))
    out("eth", "oversize", bytes([learnt]) + bytes(g) + b"\0" * 1500)
    out("eth", "ip-short", bytes([learnt]) + bytes(g[:26]))
    for name, patch in (("ihl4", (14, 0x44)), ("version6", (14, 0x65)), ("ttl0", (22, 0)),
                        ("proto99", (23, 99))):
        h = bytearray(g)
        h[patch[0]] = patch[1]
        out("eth", "bad-" + name, bytes([learnt | CFG_FIXSUM]) + bytes(h))
    h = bytearray(g)
    h[16:18] = struct.pack(">H", 2000)
    out("eth", "bad-totlen", bytes([learnt | CFG_FIXSUM]) + bytes(h))
    h = bytearray(g)
    h[38:40] = struct.pack(">H", 4)
    out("eth", "bad-udplen", bytes([learnt | CFG_FIXSUM]) + bytes(h))
    h = bytearray(g)
    h[40] ^= 0xff
    out("eth", "bad-udpsum", bytes([learnt]) + bytes(h))
    h = bytearray(g)
    h[24] ^= 0xff
    out("eth", "bad-ipsum", bytes([learnt]) + bytes(h))
    out("eth", "ip-options", single(learnt, to_guest(IP(src=HOST, dst=GUEST, options=b"\x01" * 4) /
                                                     UDP(dport=7) / b"opt")))
    out("eth", "vlan", single(learnt, Ether(dst=GUEST_MAC, src=HOST_MAC) / Dot1Q(vlan=5) /
                                IP(src=HOST, dst=GUEST) / UDP(dport=7) / b"v"))
    out("eth", "ipv6", single(learnt, Ether(dst=GUEST_MAC, src=HOST_MAC) / IPv6() /
                                UDP(dport=7) / b"6"))
    out("eth", "other-mac", single(learnt, Ether(dst="52:54:00:00:00:01", src=HOST_MAC) /
                                     IP(src=HOST, dst=GUEST) / UDP(dport=7) / b"o"))
    out("eth", "other-ip", single(learnt, to_guest(IP(src=HOST, dst="10.0.2.16") /
                                                   UDP(dport=7) / b"o")))
    dhcp_seeds()


def dhcp_seeds():
    """DHCP replies that reach deep into option parsing: overload (option 52) with options in
    the file and sname fields, every option we read, wrong lengths, repeats, other servers.
    Options are written as raw (code, bytes) pairs, so malformed ones can be said too."""
    x = CFG_XID | CFG_FIXSUM
    mac = bytes.fromhex(GUEST_MAC.replace(":", ""))
    ip4 = lambda a: bytes(int(p) for p in a.split("."))  # noqa: E731
    u32 = lambda v: struct.pack(">I", v)  # noqa: E731

    def area(*pairs):
        b = b""
        for code, val in pairs:
            b += bytes([code, len(val)]) + val
        return b + b"\xff"

    def reply(kind, pairs, file=b"", sname=b"", yi=GUEST, sid=HOST):
        return (Ether(dst=BCAST, src=HOST_MAC) / IP(src=sid, dst="255.255.255.255") /
                UDP(sport=67, dport=68) /
                BOOTP(op=2, xid=0, yiaddr=yi, siaddr=HOST, chaddr=mac, file=file,
                      sname=sname) /
                Raw(b"c\x82Sc" + area((53, bytes([kind])), *pairs) + bytes(40)))

    OFFER, ACK, NAK = 2, 5, 6
    full = [(54, ip4(HOST)), (1, ip4("255.255.255.0")), (3, ip4(HOST)), (51, u32(600)),
            (58, u32(100)), (59, u32(500))]
    out("eth", "dhcp-overload-file", multi(x, [
        (0, reply(OFFER, [(52, b"\x01")],
                  file=area((54, ip4(HOST)), (1, ip4("255.255.0.0")), (3, ip4(HOST))))),
        (10, reply(ACK, [(52, b"\x01")], file=area((54, ip4(HOST)), (51, u32(900)))))]))
    out("eth", "dhcp-overload-both", multi(x, [
        (0, reply(OFFER, [(52, b"\x03")], file=area((54, ip4(HOST))),
                  sname=area((1, ip4("255.255.255.254")), (51, u32(60))))),
        (10, reply(ACK, [(52, b"\x03"), (54, ip4(HOST))], file=area(),
                   sname=area((58, u32(5)))))]))
    out("eth", "dhcp-all-options", multi(x, [(0, reply(OFFER, full)), (10, reply(ACK, full)),
                                             (3601000, reply(ACK, full))]))
    out("eth", "dhcp-other-server", multi(x, [
        (0, reply(OFFER, full)),
        (10, reply(ACK, [(54, ip4("10.0.2.3"))] + full[1:], sid="10.0.2.3")),
        (10, reply(NAK, [(54, ip4("10.0.2.3"))], sid="10.0.2.3")),
        (10, reply(ACK, full))]))
    out("eth", "dhcp-bad-yiaddr", multi(x, [(0, reply(OFFER, full, yi="10.0.2.255")),
                                            (10, reply(OFFER, full, yi="224.0.0.1")),
                                            (10, reply(OFFER, full, yi="10.0.2.15"))]))
    out("eth", "dhcp-bad-lengths", multi(x, [
        (0, reply(OFFER, [(54, ip4(HOST) + b"\x00")])),
        (10, reply(OFFER, [(54, ip4(HOST)), (3, b"\x0a\x00\x02")])),
        (10, reply(OFFER, [(54, ip4(HOST)), (52, b"\x07")])),
        (10, reply(OFFER, [(54, ip4(HOST)), (54, ip4(HOST))]))]))
    out("eth", "dhcp-short-lease-floor", multi(x, [
        (0, reply(OFFER, full)),
        (10, reply(ACK, [(54, ip4(HOST)), (51, u32(1)), (58, u32(0)), (59, u32(0))])),
        (31000, reply(ACK, [(54, ip4(HOST)), (51, u32(1))])),
        (61000, reply(ACK, [(54, ip4(HOST)), (51, u32(1))]))]))


# tcp seeds follow fuzz_tcp.c's input format: an application-mode byte, then 12-byte records
# [flags][target][seq offset 2][ack offset 2][window 2][payload/8][time index][option kind]
# [action] each followed by its payload.
T_FIN, T_SYN, T_RST, T_PSH, T_ACK = 1, 2, 4, 8, 16
RAW_SEQ, RAW_ACK, BAD_SUM, SYN_OPTS, ACT_FIRST = 8, 16, 32, 64, 128


def rec(flags, target=0, dseq=0, dack=0, wnd=65535, payload=b"", time=0, opt=0, action=0):
    payload = payload + bytes(-len(payload) % 8)
    return (bytes([flags, target]) + struct.pack(">hhH", dseq, dack, wnd) +
            bytes([len(payload) // 8, time, opt, action]) + payload)


def tcp_seeds():
    data = bytes(range(256)) * 6
    seeds = {
        "echo-in-order": (4, [rec(T_ACK | T_PSH, 0, 0, 0, payload=data[:1456]),
                              rec(T_ACK, 0, 0, 0, time=6),
                              rec(T_ACK | T_FIN, 0, 0, 0, time=6)]),
        "out-of-order": (0, [rec(T_ACK, 1, 1000, 0, payload=data[:500]),
                             rec(T_ACK, 1, 3000, 0, payload=data[:500]),
                             rec(T_ACK, 1, 0, 0, payload=data[:1000]),
                             rec(T_ACK | T_FIN, 1, 1500, 0, payload=data[:100])]),
        "rst-exact-and-not": (0, [rec(T_RST, 1, 10), rec(T_RST, 1, 0)]),
        "syn-in-window": (0, [rec(T_SYN, 3, 5), rec(T_ACK, 3, 0, 1)]),
        "new-syn-peer4": (0, [rec(T_SYN, 4 | RAW_SEQ | SYN_OPTS, opt=2, payload=b"\x07"),
                              rec(T_ACK, 4, 0, 1)]),
        "active-open": (0, [rec(T_SYN | T_ACK, 5 | SYN_OPTS, 0, 1, opt=1,
                                payload=b"\x02\x18"),
                            rec(T_ACK, 5, 0, 0, action=1 | (20 << 3)),
                            rec(T_ACK, 5, 0, 1000, time=7)]),
        "zero-window": (1 | 16, [rec(T_ACK, 1, 0, 0, wnd=0, action=1 | (30 << 3)),
                                 rec(T_ACK, 1, 0, 0, wnd=0, time=9),
                                 rec(T_ACK, 1, 0, 0, wnd=0, time=9),
                                 rec(T_ACK, 1, 0, 0, wnd=300, time=9)]),
        "app-close-abort": (8, [rec(T_ACK, 1, 0, 0, action=4, payload=data[:8]),
                                rec(T_ACK, 3, 0, 0, action=5),
                                rec(T_ACK | T_FIN, 1, 0, 1, time=12)]),
        "dupacks": (0, [rec(T_ACK, 1, 0, 0, action=1 | (31 << 3))] +
                    [rec(T_ACK, 1, 0, 0) for _ in range(5)] + [rec(T_ACK, 1, 0, 2000)]),
        "timeouts": (0, [rec(T_ACK, 1, 0, 0, action=1 | (10 << 3)), rec(0, 1, time=13),
                         rec(0, 1, time=14), rec(0, 1, time=15)]),
    }
    for name, (mode, recs) in seeds.items():
        out("tcp", name, bytes([mode]) + b"".join(recs))


def fdt_seeds():
    data = os.path.join(os.path.dirname(ROOT), "..", "host", "data")
    for f in sorted(os.listdir(data)):
        if f.endswith(".dtb"):
            os.makedirs(os.path.join(ROOT, "fdt"), exist_ok=True)
            shutil.copy(os.path.join(data, f), os.path.join(ROOT, "fdt", f))


def bootargs_seeds():
    for i, s in enumerate([
            "ip=dhcp", "ip=10.0.2.15/24,10.0.2.2", "ip=192.168.1.7/16 echo.port=7007",
            "ramblk=0x88000000,4M store.port=7000 loglevel=3 stats.port=9",
            'console=ttyS0 "ip=10.0.0.1/8" echo.port="70"', "ip=1.2.3.4/33,1.2.3.5",
            "loglevel=0x10 ramblk=0x1000,1G", "18446744073709551615",
            "18446744073709551616", "0xffffffffffffffffk", "255.255.255.255", "01.2.3.4",
            "quiet ip= echo.port=0 =x \"unterminated", "ip=10.0.2.15/24,10.1.2.2 a" * 8]):
        out("bootargs", "seed-%02d" % i, s.encode())


def region_seeds():
    # op bytes for fuzz_region.c: a varied mix; the harness reads its own format
    import random
    r = random.Random(7)
    for i in range(8):
        out("region", "seed-%d" % i, bytes(r.randrange(256) for _ in range(64 + 96 * i)))


def store_seeds():
    """fuzz_store.c: a flag byte, then requests [length, 2 bytes big-endian][bytes]."""
    def reqs(*rs, flags=0):
        b = bytes([flags])
        for r in rs:
            b += struct.pack(">H", len(r)) + r
        return b
    pad = lambda r, n: r + b"\n" + b" " * (n - len(r) - 1)  # noqa: E731
    out("store", "write-read", reqs(b"W 100 hello", b"R 100 5", b"R 0x64 5"))
    out("store", "padded-read", reqs(b"W 0 " + bytes(range(256)), pad(b"R 0 200", 220)))
    out("store", "counter", reqs(b"C", b"C\n", pad(b"C", 24), b"C"))
    out("store", "syntax", reqs(b"R 0\0junk 4", b"R 1k 5", b"R -1 2", b"R 0x 1", b"W 7",
                                b"W 7 ", b"X", b"R  1 1", b"R 18446744073709551616 1"))
    out("store", "range", reqs(pad(b"R 4090 10", 32), b"W 4095 ab", pad(b"R 0 1473", 1500)))
    out("store", "sync-fails", reqs(b"W 1 abc", b"C", flags=1))


def main():
    which = sys.argv[1:] or ["eth", "fdt", "bootargs", "region", "store", "tcp"]
    for w in which:
        globals()[w + "_seeds"]()


if __name__ == "__main__":
    main()
