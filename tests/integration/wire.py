# SPDX-License-Identifier: BSD-2-Clause
"""Play the wire: the far end of a QEMU "socket" netdev is this script.

QEMU 7.2 `-netdev socket,id=n0,udp=127.0.0.1:HOST,localaddr=127.0.0.1:QEMU` sends every
Ethernet frame the guest transmits as one UDP datagram from 127.0.0.1:QEMU to 127.0.0.1:HOST, and
delivers every datagram sent to 127.0.0.1:QEMU to the NIC as one frame. The script stands for
the rest of the LAN: it answers the guest's ARP requests for any other address with HOST_MAC
(like QEMU's user-mode router) and keeps every other frame for the test to look at.

Note on short frames: QEMU's e1000 pads anything shorter than 60 bytes with zeros before the
guest sees it (hw/net/e1000.c, MIN_BUF_SIZE), and drops frames longer than 1522 bytes itself
(e1000x_is_oversized, LPE clear). QEMU's GEM (sifive_u) reports a runt as 60 bytes without
writing the padding (the driver zeroes its buffers for that) and drops frames over 1538
(NCFGR.BIG set). Malformed-frame tests are designed around both.
"""
import json
import logging
import socket
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, defragment  # noqa: E402

from qemu import MACHINES, Qemu, free_udp_port, stats_merge  # noqa: E402

GUEST_MAC = "52:54:00:12:34:56"
GUEST_IP = "10.0.2.15"
HOST_MAC = "52:55:0a:00:02:02"
HOST_IP = "10.0.2.2"
HOST_MAC_BYTES = bytes.fromhex(HOST_MAC.replace(":", ""))
STATS_PORT = 9999
ECHO_PORT = 7
STATIC_ARGS = "ip=10.0.2.15/24,10.0.2.2 stats.port=%d" % STATS_PORT


def udp_drops(port):
    """Datagrams the host kernel dropped on the UDP socket bound to 127.0.0.1:port."""
    want = "0100007F:%04X" % port
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            cols = line.split()
            if cols[1] == want:
                return int(cols[-1])
    return 0


class Wire:
    def __init__(self, hub=None):
        """hub=(group, port): join a QEMU multicast hub (-netdev socket,mcast=...) that several
        guests share, instead of one guest's point-to-point socket. On a hub every frame
        reaches every member, this script's own included (those are skipped on receive)."""
        self.hub = hub
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # Room for bursts of replies: the host kernel would drop beyond the default 208 KiB.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        if hub:
            group, port = hub
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind((group, port))
            lo = socket.inet_aton("127.0.0.1")
            self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                 socket.inet_aton(group) + lo)
            self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, lo)
            self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            self.port, self.qport = port, None
            self.dest = hub
            self.netdev = "socket,id=n0,mcast=%s:%d,localaddr=127.0.0.1" % hub
        else:
            self.sock.bind(("127.0.0.1", 0))
            self.port = self.sock.getsockname()[1]
            self.qport = free_udp_port()
            self.dest = ("127.0.0.1", self.qport)
            self.netdev = "socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (
                self.port, self.qport)
        self.answer_arp = True
        self.arp_only = None  # a set of addresses: answer ARP for these only (hubs, floods)
        self.arp_requests = []  # ARP requests from the guest (answered or not)
        self.sport = 40000
        self.sent = 0  # frames sent to the guest
        self.stats_mark = 0  # self.sent right after the stats request last answered

    def close(self):
        self.sock.close()

    def next_sport(self):
        self.sport += 1
        return self.sport

    # ---- raw frames ----
    def send(self, frame):
        self.sock.sendto(bytes(frame), self.dest)
        self.sent += 1

    def send_many(self, frames):
        for f in frames:
            self.send(f)

    def _recv_raw(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            try:
                data, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            if not (self.hub and data[6:12] == HOST_MAC_BYTES):  # our own, looped back
                return data

    def _handle_arp(self, pkt):
        """Answer an ARP request from the guest for any address but its own; True if it was one."""
        if ARP not in pkt or pkt[ARP].op != 1:
            return False
        self.arp_requests.append(pkt)
        if self.arp_only is not None:
            mine = pkt[ARP].pdst in self.arp_only
        else:
            mine = pkt[ARP].pdst != GUEST_IP
        if self.answer_arp and mine:
            self.send(Ether(dst=pkt[ARP].hwsrc, src=HOST_MAC) /
                      ARP(op=2, hwsrc=HOST_MAC, psrc=pkt[ARP].pdst, hwdst=pkt[ARP].hwsrc,
                          pdst=pkt[ARP].psrc))
        return True

    def recv(self, match=None, timeout=2.0):
        """First frame from the guest for which match(pkt) holds (scapy Ether), else None.
        The guest's ARP requests are answered on the way; other frames are discarded."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            data = self._recv_raw(left)
            if data is None:
                return None
            pkt = Ether(data)
            if self._handle_arp(pkt) and match is None:
                continue
            if match is None or match(pkt):
                return pkt

    def recv_all(self, timeout=0.5, quiet=0.3):
        """Every frame until none came for `quiet` seconds (or `timeout` passed)."""
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self._recv_raw(min(quiet, deadline - time.monotonic()))
            if data is None:
                break
            pkt = Ether(data)
            if not self._handle_arp(pkt):
                out.append(pkt)
        return out

    def drain(self):
        self.recv_all(timeout=0.2, quiet=0.05)

    # ---- frame builders ----
    @staticmethod
    def eth(ethertype=None):
        e = Ether(dst=GUEST_MAC, src=HOST_MAC)
        if ethertype is not None:
            e.type = ethertype
        return e

    def udp_frame(self, dport, payload, sport=None, **ipkw):
        return (self.eth() / IP(src=HOST_IP, dst=GUEST_IP, **ipkw) /
                UDP(sport=sport or self.next_sport(), dport=dport) / Raw(payload))

    # ---- conversations ----
    def udp_request(self, dport, payload, timeout=2.0, sport=None, **ipkw):
        """Send one UDP datagram to the guest; return the reply's IP packet (reassembled if
        it came in fragments), or None."""
        sport = sport or self.next_sport()
        self.send(self.udp_frame(dport, payload, sport=sport, **ipkw))
        return self.udp_reply(sport, dport, timeout)

    def udp_reply(self, sport, dport, timeout=2.0, src=GUEST_IP):
        frags = []
        deadline = time.monotonic() + timeout

        def ours(p):
            return IP in p and p[IP].src == src and p[IP].proto == 17

        while time.monotonic() < deadline:
            pkt = self.recv(ours, timeout=deadline - time.monotonic())
            if pkt is None:
                return None
            ip = pkt[IP]
            if ip.flags.MF or ip.frag:
                frags.append(ip)
                whole = [p for p in defragment(frags) if not (p.flags.MF or p.frag)]
                ip = whole[0] if whole else None
                if ip is None:
                    continue
                ip = IP(bytes(ip))
            if UDP in ip and ip[UDP].sport == dport and ip[UDP].dport == sport:
                return ip
        return None

    def stats(self, timeout=2.0, tries=3):
        """The guest's counters (stats.port service), asked through raw frames. stats_mark is
        self.sent right after the first answered request: its reply carries "netdev"."""
        marks = []

        def ask(payload):
            for _ in range(tries):
                sport = self.next_sport()
                self.send(self.udp_frame(STATS_PORT, payload, sport=sport))
                mark = self.sent
                ip = self.udp_reply(sport, STATS_PORT, timeout)
                if ip is not None:
                    marks.append(mark)
                    return bytes(ip[UDP].payload)
            return None
        st = stats_merge(ask)
        if st is None:
            raise AssertionError("no answer from the stats port %d" % STATS_PORT)
        self.stats_mark = marks[0]
        self.stats_parts = len(marks)  # requests it took; the later ones reach netdev next time
        return st

    def ping(self, payload, ident=0x1234, seq=1, timeout=2.0):
        self.send(self.eth() / IP(src=HOST_IP, dst=GUEST_IP) /
                  ICMP(type=8, id=ident, seq=seq) / Raw(payload))
        return self.recv(lambda p: ICMP in p and p[ICMP].type == 0 and p[ICMP].id == ident and
                         p[ICMP].seq == seq, timeout=timeout)

    def arp_who_has(self, ip=GUEST_IP, timeout=2.0):
        self.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                  ARP(op=1, hwsrc=HOST_MAC, psrc=HOST_IP, hwdst="00:00:00:00:00:00", pdst=ip))
        return self.recv(lambda p: ARP in p and p[ARP].op == 2, timeout=timeout)


def boot_wire(bootargs=STATIC_ARGS, nic=None, extra=(), timeout=30, machine="virt"):
    """A guest on a raw wire with a static address; returns (qemu, wire) once echo answers.
    nic defaults to the machine's own (qemu.MACHINES)."""
    w = Wire()
    q = Qemu(bootargs=bootargs, nic=nic or MACHINES[machine]["nic"], netdev=w.netdev,
             extra=extra, machine=machine)
    try:
        q.wait_for(r"echo: serving", timeout=timeout)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ip = w.udp_request(ECHO_PORT, b"hello", timeout=0.5)
            if ip is not None and bytes(ip[UDP].payload) == b"hello":
                w.drain()
                return q, w
        raise AssertionError("no echo over the raw wire; output:\n%s" % q.output()[-3000:])
    except BaseException:
        q.kill()
        w.close()
        raise


def counter(stats, path):
    """stats["ipv4"]["drop_cksum"] for path "ipv4.drop_cksum", with a clear error if absent."""
    node = stats
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise AssertionError("counter %r missing from stats (have: %s)"
                                 % (path, {k: sorted(v) if isinstance(v, dict) else v
                                           for k, v in stats.items()}))
        node = node[part]
    return node


def delta(before, after, path):
    return counter(after, path) - counter(before, path)
