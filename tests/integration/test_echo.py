# SPDX-License-Identifier: BSD-2-Clause
"""UDP echo through QEMU user networking (hostfwd), as a user of the appliance sees it.

One guest (DHCP, stats service on) per machine serves most tests: virt with its e1000 and
sifive_u with its Cadence GEM (qemu.MACHINES); each other e1000 model gets a quick boot of its
own. Counters come from the guest's stats.port service (JSON, see udp_stats in qemu.py).
"""
import json
import random
import os
import socket
import subprocess
import threading
import time

import pytest

from qemu import MACHINES, ROOT, Qemu, udp_echo, udp_stats, user_netdev, wait_echo

STATS = 9999
UDPLOAD = os.path.join(ROOT, "build", "udpload")


def build_udpload():
    src = os.path.join(ROOT, "tests", "tools", "udpload.c")
    if not os.path.exists(UDPLOAD) or os.path.getmtime(UDPLOAD) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(UDPLOAD), exist_ok=True)
        subprocess.run(["gcc", "-O2", "-std=gnu11", "-Wall", "-o", UDPLOAD, src], check=True)
    return UDPLOAD


def udpload(port, window, size, count, timeout_ms=500):
    out = subprocess.run([build_udpload(), "-p", str(port), "-w", str(window), "-s", str(size),
                          "-n", str(count), "-T", str(timeout_ms)],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip(), "udpload printed nothing: %s" % out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def udpload_background(port, window=16, size=256, secs=4, timeout_ms=300):
    """udpload in a thread (e.g. while the test flaps the link): (thread, result dict filled
    when it ends)."""
    result = {}

    def run():
        out = subprocess.run([build_udpload(), "-p", str(port), "-w", str(window), "-s",
                              str(size), "-t", str(secs), "-T", str(timeout_ms)],
                             capture_output=True, text=True, timeout=secs + 30)
        result.update(json.loads(out.stdout.strip().splitlines()[-1]))

    t = threading.Thread(target=run)
    t.start()
    return t, result


def boot_user(bootargs="stats.port=%d" % STATS, nic="e1000", extra=(), machine="virt",
              mac=None):
    spec, ports = user_netdev(echo=7, stats=STATS)
    if mac:
        spec += ",mac=" + mac
    q = Qemu(bootargs=bootargs, nic=nic, netdev=spec, extra=extra, machine=machine)
    q.echo_port, q.stats_port = ports["echo"], ports["stats"]
    try:
        wait_echo(q, timeout=30)
    except BaseException:
        q.kill()
        raise
    return q


@pytest.fixture(scope="module", params=sorted(MACHINES))
def guest(request):
    m = MACHINES[request.param]
    q = boot_user(nic=m["nic"], machine=m["machine"])
    yield q
    q.kill()


def size_classes():
    sizes = set(range(0, 65))
    sizes |= set(range(65, 512, 13)) | set(range(512, 1473, 61))
    for b in (127, 128, 255, 256, 511, 512, 1023, 1024, 1400, 1471, 1472):
        sizes |= {b - 1, b, b + 1} & set(range(0, 1473))
    return sorted(sizes)


def pattern(size, salt=0):
    return bytes((i * 7 + salt + (i >> 8)) & 0xFF for i in range(size))


def test_every_size_class_echoed_byte_exact(guest):
    bad = []
    for n in size_classes():
        payload = pattern(n, salt=n)
        got = udp_echo(guest.echo_port, payload, timeout=1.0)
        if got != payload:
            bad.append((n, None if got is None else len(got)))
    assert not bad, "sizes not echoed exactly (size, got length): %s" % bad


def test_10000_datagrams_32_in_flight_none_lost(guest):
    r = udpload(guest.echo_port, window=32, size=256, count=10000)
    assert r["corrupt"] == 0 and r["unexpected"] == 0, r
    assert r["received"] == 10000 and r["lost"] == 0 and r["late"] == 0, r


def test_full_size_window_32_none_lost(guest):
    r = udpload(guest.echo_port, window=32, size=1472, count=3000)
    assert r["corrupt"] == 0 and r["received"] == 3000 and r["lost"] == 0, r


def test_several_clients_at_once(guest):
    errors = []

    def client(k):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2.0)
        try:
            for i in range(150):
                payload = b"client-%d-%d-" % (k, i) + pattern(i * 9 % 1400, salt=k)
                s.sendto(payload, ("127.0.0.1", guest.echo_port))
                try:
                    got, _ = s.recvfrom(65536)
                except socket.timeout:
                    errors.append((k, i, "timeout"))
                    return
                if got != payload:
                    errors.append((k, i, "mismatch"))
                    return
        finally:
            s.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_dhcp_lease(guest):
    out = guest.output()
    assert "dhcp: lease" in out, out[-2000:]
    assert "echo: serving UDP port 7 on 10.0.2.15" in out, out[-2000:]
    st = udp_stats(guest.stats_port)
    assert "dhcp" in st, "no dhcp counters in stats: %s" % sorted(st)
    d = st["dhcp"]
    # QEMU's DHCP server answers at once: one DISCOVER/OFFER/REQUEST/ACK exchange, no NAK.
    acks = [v for k, v in d.items() if "ack" in k and "nak" not in k]
    assert acks and max(acks) >= 1, "no ACK counted in dhcp stats: %s" % d
    naks = [v for k, v in d.items() if "nak" in k]
    assert not naks or max(naks) == 0, d


def test_stats_json_shape(guest):
    st = udp_stats(guest.stats_port)
    for k in ("rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "rx_drop_nobuf", "rx_drop_error",
              "rx_drop_oversize", "tx_drop_full", "tx_drop_oversize", "tx_drop_error", "irqs", "polls",
              "rx_doorbells", "tx_doorbells", "link_changes", "rx_csum_hw"):
        assert isinstance(st["netdev"].get(k), int), (k, st["netdev"])
    for k in ("total", "free", "low_water", "alloc_fail"):
        assert isinstance(st["mbuf"].get(k), int), (k, st["mbuf"])
    for layer in ("eth", "arp", "ipv4", "icmp", "udp", "dhcp"):
        assert isinstance(st.get(layer), dict), "stats lack %r: %s" % (layer, sorted(st))
    assert st["mbuf"]["alloc_fail"] == 0, st["mbuf"]
    assert st["mbuf"]["low_water"] <= st["mbuf"]["free"] <= st["mbuf"]["total"], st["mbuf"]
    # system figures: boot milestones in order, RAM in use = image (with the 2 MiB mbuf pool)
    # plus pages, within what the kernel manages (256 MiB guest)
    sy = st["sys"]
    assert 0 < sy["nic_rx_on_us"] < sy["main_loop_us"] < 5000000, sy
    assert 2 << 20 < sy["ram_used_bytes"] < sy["ram_bytes"] <= 256 << 20, sy
    assert sy["busy_instret"] <= sy["instret"], sy


def test_mbuf_pool_returns_to_idle_after_load(guest):
    idle = udp_stats(guest.stats_port)["mbuf"]
    r = udpload(guest.echo_port, window=128, size=1472, count=3000)
    assert r["corrupt"] == 0, r
    # Transmit buffers come back when their descriptors are reclaimed (on later transmits):
    # a few more stats requests must bring the pool back to where it was.
    deadline = time.monotonic() + 3
    while True:
        now = udp_stats(guest.stats_port)["mbuf"]
        if now["free"] == idle["free"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert now["free"] == idle["free"], "mbuf leak: idle %s, after load %s" % (idle, now)
    assert now["alloc_fail"] == idle["alloc_fail"], (idle, now)
    assert now["low_water"] <= idle["free"], now


def test_guest_counters_match_traffic(guest):
    before = udp_stats(guest.stats_port)
    r = udpload(guest.echo_port, window=8, size=100, count=500)
    after = udp_stats(guest.stats_port)
    assert r["received"] == 500, r
    rx = after["netdev"]["rx_frames"] - before["netdev"]["rx_frames"]
    tx = after["netdev"]["tx_frames"] - before["netdev"]["tx_frames"]
    # 500 echoes plus the second stats request and its reply; slirp may add an ARP exchange.
    assert 501 <= rx <= 503 and 500 <= tx <= 503, (rx, tx)
    assert after["netdev"]["rx_drop_error"] == before["netdev"]["rx_drop_error"]


@pytest.mark.parametrize("model", ["e1000-82545em", "e1000-82544gc"])
def test_other_nic_models_echo(model):
    q = boot_user(nic=model)
    try:
        for n in (0, 1, 64, 1000, 1472):
            payload = pattern(n, salt=3)
            assert udp_echo(q.echo_port, payload) == payload, (model, n)
        r = udpload(q.echo_port, window=32, size=512, count=1000)
        assert r["received"] == 1000 and r["corrupt"] == 0, r
    finally:
        q.kill()


@pytest.mark.skipif(os.environ.get("RUN_SLOW") != "1", reason="60 s flood: set RUN_SLOW=1")
@pytest.mark.slow
def test_flood_60s(guest):
    """Full rate for 60 s in 6 runs of random sizes; afterwards the guest still echoes, the
    pool is back to idle, and the counters add up: frames in = frames out + drops."""
    rnd = random.Random(60)
    before = udp_stats(guest.stats_port)
    sent = 0
    for size in [rnd.randrange(0, 1473) for _ in range(6)]:
        out = subprocess.run([build_udpload(), "-p", str(guest.echo_port), "-w", "64", "-s",
                              str(size), "-t", "10", "-T", "500"], capture_output=True,
                             text=True, timeout=60)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        assert r["corrupt"] == 0 and r["unexpected"] == 0, r
        sent += r["sent"]
    assert udp_echo(guest.echo_port, b"after") == b"after"
    time.sleep(0.5)
    after = udp_stats(guest.stats_port)
    d = {k: after["netdev"][k] - before["netdev"][k] for k in after["netdev"]}
    drops = d["rx_drop_nobuf"] + d["rx_drop_error"] + d["rx_drop_oversize"] + d["tx_drop_full"]
    # every frame that came in went out again or was dropped and counted (the stats
    # request/reply and "after" add a few; slirp may add an ARP exchange)
    assert abs(d["rx_frames"] - (d["tx_frames"] + drops)) <= 4, d
    assert d["rx_frames"] >= sent * 0.99, (d, sent)
    assert after["mbuf"]["free"] >= before["mbuf"]["free"] - 1, (before["mbuf"], after["mbuf"])
    assert after["mbuf"]["alloc_fail"] == before["mbuf"]["alloc_fail"]
