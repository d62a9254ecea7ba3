# SPDX-License-Identifier: BSD-2-Clause
"""The guest's TCP against Linux's, through a lossy link, and under attack.

Everything runs in a network namespace of our own (tests/integration/netns.py): a tap device
with Linux at 10.0.2.2, QEMU (socket netdev on the namespace's loopback) with the guest at
10.0.2.15, and between them tests/integration/lossy_relay.py, which drops, reorders and
duplicates frames in both directions from a seeded generator (tc netem is not available). The
client is Linux's TCP (tests/integration/tcp_client.py); the attacker sends raw frames on the
tap (tests/integration/tcp_attack.py). Counters come from the guest's shell.

Transfers are 4 MiB here and 64 MiB with RUN_SLOW=1; every one is checked by SHA-256, and its
throughput and longest stall go to build/test-logs/tcp-figures.json.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from netns import Netns
from qemu import ROOT, Qemu, free_udp_port
from tcpx import console_counters, record

HERE = os.path.dirname(os.path.abspath(__file__))
SLOW = os.environ.get("RUN_SLOW") == "1"
SIZE = (64 << 20) if SLOW else (4 << 20)
TAP = "uktcp0"
GUEST = "10.0.2.15"
# The longest wait the retransmission timers allow for a few losses of the same segment in a
# row: both sides' RTO floor is 200 ms, doubled per loss; 5 in a row (at 5% loss, about one in
# three million segments) is 0.2 * (2^5 - 1) = 6.2 s. A stall beyond that is a bug, not bad luck.
STALL_LIMIT_S = 6.5


class Link:
    """The namespace, the relay and the guest; the relay can be restarted with other odds."""

    def __init__(self, ns):
        self.ns = ns
        self.relay_port, self.qemu_port = free_udp_port(), free_udp_port()
        self.relay = None
        self.stats_file = os.path.join(ROOT, "build", "test-logs", "relay-%d.json" % os.getpid())
        self.start_relay()
        self.q = Qemu(bootargs="ip=10.0.2.15/24,10.0.2.2", wrap=ns.exec, stdin=True,
                      netdev="socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d"
                      % (self.relay_port, self.qemu_port))

    def start_relay(self, loss=0.0, reorder=0.0, dup=0.0, seed=1):
        self.stop_relay()
        os.makedirs(os.path.dirname(self.stats_file), exist_ok=True)
        self.relay = self.ns.popen(sys.executable, os.path.join(HERE, "lossy_relay.py"), TAP,
                                   str(self.relay_port), str(self.qemu_port), "--loss",
                                   str(loss), "--reorder", str(reorder), "--dup", str(dup),
                                   "--seed", str(seed), "--stats", self.stats_file,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        line = self.relay.stdout.readline()
        assert b"relay: up" in line, line

    def stop_relay(self):
        """Stop the relay (by its PID); returns its counts."""
        if not self.relay:
            return None
        self.relay.send_signal(signal.SIGTERM)
        try:
            self.relay.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.relay.kill()
            self.relay.wait()
        self.relay = None
        try:
            with open(self.stats_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def client(self, *args, timeout=1800):
        out = self.ns.run(sys.executable, os.path.join(HERE, "tcp_client.py"), *args,
                          timeout=timeout, check=False)
        assert out.returncode == 0 and out.stdout.strip(), (out.stdout, out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def close(self):
        self.q.kill()
        self.stop_relay()


@pytest.fixture(scope="module")
def link():
    with Netns("tcp", tap=TAP) as ns:
        lk = Link(ns)
        try:
            lk.q.wait_for(r"echo: serving TCP port 7", timeout=30)
            # the e1000 receives about 1 s after its receive enable; wait for a first echo
            deadline = time.monotonic() + 20
            while True:
                r = lk.client("transfer", GUEST, "7", "16", timeout=10)
                if r["ok"] or time.monotonic() > deadline:
                    break
            assert r["ok"], r
            yield lk
        finally:
            lk.close()


def check_transfer(link, name, loss, reorder, dup, seed):
    link.start_relay(loss=loss, reorder=reorder, dup=dup, seed=seed)
    before = console_counters(link.q)
    r = link.client("transfer", GUEST, "7", str(SIZE), str(seed))
    counts = link.stop_relay()
    link.start_relay()  # a clean link for whatever comes next
    after = console_counters(link.q)
    d = {k: after["tcp"][k] - before["tcp"][k] for k in after["tcp"]}
    r.update({"loss": loss, "reorder": reorder, "dup": dup, "seed": seed, "relay": counts,
              "guest": {k: d[k] for k in ("rexmt", "rexmt_timeout", "fast_rexmt", "ooo_rx",
                                          "dupack_rx", "partial_ack")}})
    record(name, r)
    print("%s: %d MiB in %.1f s, %.2f MB/s, longest stall %.2f s; guest retransmitted %d "
          "(%d by timeout, %d fast), relay dropped %d/%d frames" % (
              name, SIZE >> 20, r["seconds"], r["mb_s"], r["max_stall_s"], d["rexmt"],
              d["rexmt_timeout"], d["fast_rexmt"], counts["to_guest"]["dropped"],
              counts["to_host"]["dropped"]))
    return r


def test_clean_link(link):
    r = check_transfer(link, "linux clean", 0.0, 0.0, 0.0, 1)
    assert r["ok"], r


@pytest.mark.parametrize("loss", [0.01, 0.05])
def test_lossy_link(link, loss):
    r = check_transfer(link, "linux %g%% loss" % (loss * 100), loss, 0.01, 0.005,
                       int(loss * 1000))
    assert r["ok"], r
    assert r["relay"]["to_guest"]["dropped"] > 0 and r["relay"]["to_host"]["dropped"] > 0
    assert r["max_stall_s"] < STALL_LIMIT_S, "stalled %.2f s" % r["max_stall_s"]


def test_200_concurrent_from_linux(link):
    r = link.client("concurrent", GUEST, "7", "200", timeout=120)
    assert r["good"] == 200, r


def test_syn_flood_while_a_client_echoes(link):
    """Spoofed SYNs at 2000/s for 8 s; meanwhile a real client connects and echoes 1 MiB and
    50 short connections: all complete, the half-open table never fills the connection table."""
    before = console_counters(link.q)
    flood = link.ns.popen(sys.executable, os.path.join(HERE, "tcp_attack.py"), "flood", TAP,
                          "8", "2000", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.5)
        r = link.client("transfer", GUEST, "7", str(1 << 20), "11", timeout=120)
        rate = link.client("rate", GUEST, "7", "3", timeout=60)
    finally:
        out, err = flood.communicate(timeout=60)
    assert flood.returncode == 0, err
    sent = json.loads(out.decode().strip().splitlines()[-1])
    after = console_counters(link.q)
    d = {k: after["tcp"][k] - before["tcp"][k] for k in after["tcp"]}
    assert r["ok"], r
    assert rate["bad"] == 0 and rate["connections"] > 0, rate
    assert d["cookie_tx"] > sent["syns"] // 2, (d, sent)
    print("flood: %d SYNs, %d answered by cookies; client %.2f MB/s, %.0f connections/s" % (
        sent["syns"], d["cookie_tx"], r["mb_s"], rate["per_second"]))


def test_blind_attacks_on_a_live_connection(link):
    """While a real transfer runs: in-window RSTs and SYNs, ACKs of unsent data, bad checksums,
    bad data offsets, every flag combination. Each is answered (challenge ACK) or dropped and
    counted; the transfer completes intact."""
    before = console_counters(link.q)
    atk = link.ns.popen(sys.executable, os.path.join(HERE, "tcp_attack.py"), "blind", TAP, "5",
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)  # scapy up and sniffing before the connection starts
    # 64 MiB: a few seconds, for the attacks to land while it runs
    r = link.client("transfer", GUEST, "7", str(64 << 20), "13")
    aout, aerr = atk.communicate(timeout=120)
    assert atk.returncode == 0, aerr
    n = json.loads(aout.strip().splitlines()[-1])
    after = console_counters(link.q)
    d = {k: after["tcp_drop"][k] - before["tcp_drop"][k] for k in after["tcp_drop"]}
    e = {k: after["tcp"][k] - before["tcp"][k] for k in after["tcp"]}
    print("blind attacks %s; guest drops %s, challenge ACKs %d (+%d limited); transfer %.2f MB/s"
          % (n, {k: v for k, v in d.items() if v}, e["challenge_ack"], e["challenge_limited"],
             r["mb_s"]))
    assert r["ok"], r
    assert d["drop_cksum"] >= n["bad_cksum"], (d, n)
    assert d["drop_hdr"] >= n["bad_offset"], (d, n)
    assert d["drop_rst"] >= n["rst_in_window"], (d, n)
    assert d["drop_syn"] + d["drop_seq"] >= n["syn_in_window"], (d, n)
    assert d["drop_ack"] + d["drop_seq"] >= n["ack_unsent"], (d, n)
    assert e["reset_rx"] == 0, e
    assert e["challenge_ack"] + e["challenge_limited"] > 0, e
