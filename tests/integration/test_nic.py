# SPDX-License-Identifier: BSD-2-Clause
"""The NIC side: PCI enumeration of each e1000 model, two NICs, a NIC behind a PCIe root port,
link flaps from the QEMU monitor, a packet capture dissected by tshark, and the 82574L's receive
checksums (verified by the NIC, or with net.rxcsum=0 by the stack)."""
import os
import re
import shutil
import subprocess
import time

import pytest
from scapy.all import UDP, Ether
from scapy.compat import raw

from qemu import Qemu, udp_echo, udp_stats, user_netdev, wait_echo
from test_echo import STATS, pattern, udpload_background
from wire import ECHO_PORT, STATIC_ARGS, boot_wire

MODELS = [("e1000", "100e"), ("e1000-82545em", "100f"), ("e1000-82544gc", "100c")]
PCI_LINE = r"pci [0-9a-f]{2}:[0-9a-f]{2}\.\d 8086:%s"


def boot(devices, bootargs="stats.port=%d" % STATS, extra=(), machine="virt", smp=1,
         stdin=False):
    """devices: the -device/-netdev arguments for the NICs; n0 is user net with hostfwd."""
    spec, ports = user_netdev(echo=7, stats=STATS)
    args = []
    for a in devices:
        args.append(a.replace("@N0@", spec))
    q = Qemu(bootargs=bootargs, nic=None, extra=list(args) + list(extra), machine=machine,
             smp=smp, stdin=stdin)
    q.echo_port, q.stats_port = ports["echo"], ports["stats"]
    try:
        wait_echo(q, timeout=30)
    except BaseException:
        q.kill()
        raise
    return q


def echo_sizes(q, sizes=(0, 1, 60, 512, 1472)):
    for n in sizes:
        p = pattern(n, salt=n)
        got = udp_echo(q.echo_port, p)
        assert got == p, "size %d: got %r" % (n, None if got is None else len(got))


@pytest.mark.parametrize("model,devid", MODELS, ids=[m[0] for m in MODELS])
def test_each_model_enumerated_and_echoes(model, devid):
    q = boot(["-device", "%s,netdev=n0" % model, "-netdev", "@N0@"])
    try:
        assert re.search(PCI_LINE % devid, q.output()), q.output()[-3000:]
        echo_sizes(q)
    finally:
        q.kill()


def test_two_nics_second_enumerated_but_unused():
    q = boot(["-device", "e1000,netdev=n0", "-netdev", "@N0@",
              "-device", "e1000-82545em,netdev=n1,mac=52:54:00:12:34:57", "-netdev", "user,id=n1"])
    try:
        out = q.output()
        assert re.search(PCI_LINE % "100e", out), out[-3000:]
        assert re.search(PCI_LINE % "100f", out), "second NIC not enumerated:\n" + out[-3000:]
        echo_sizes(q)
        assert "PANIC" not in q.output()
    finally:
        q.kill()


def test_nic_behind_pcie_root_port():
    q = boot(["-device", "pcie-root-port,id=rp0,chassis=1",
              "-device", "e1000,bus=rp0,netdev=n0", "-netdev", "@N0@"])
    try:
        out = q.output()
        # Behind the port the function sits on a secondary bus (not 00).
        m = re.search(r"pci ([0-9a-f]{2}):[0-9a-f]{2}\.\d 8086:100e", out)
        assert m, "e1000 behind the root port not enumerated:\n" + out[-3000:]
        assert m.group(1) != "00", m.group(0)
        echo_sizes(q)
    finally:
        q.kill()


def test_link_flap_during_traffic():
    q = boot(["-device", "e1000,netdev=n0", "-netdev", "@N0@"])
    try:
        before = udp_stats(q.stats_port)
        t, result = udpload_background(q.echo_port, secs=4)
        time.sleep(0.5)
        for _ in range(2):
            assert "Error" not in q.monitor("set_link n0 off")
            time.sleep(0.5)
            assert "Error" not in q.monitor("set_link n0 on")
            # QEMU's e1000 restarts autonegotiation: the link (and LSC) is back 500 ms later.
            time.sleep(1.0)
        t.join(30)
        assert result.get("corrupt") == 0 and result.get("unexpected") == 0, result
        assert result["received"] > 0, result
        # Recovers: echo works again within a few seconds of the link coming back.
        deadline = time.monotonic() + 5
        while udp_echo(q.echo_port, b"back", timeout=0.5, tries=1) != b"back":
            assert time.monotonic() < deadline, "echo did not recover after link flap:\n" + \
                q.output()[-2000:]
        echo_sizes(q)
        after = udp_stats(q.stats_port)
        assert after["netdev"]["link_changes"] - before["netdev"]["link_changes"] == 4, \
            (before["netdev"], after["netdev"])
        out = q.output()
        downs = re.findall(r": link down$", out, re.M)
        ups = re.findall(r": link up$", out, re.M)
        assert len(downs) == 2 and len(ups) == 2, out[-2000:]
        assert "PANIC" not in q.output()
    finally:
        q.kill()


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
def test_capture_dissects_cleanly(tmp_path):
    cap = str(tmp_path / "echo.pcap")
    q = boot(["-device", "e1000,netdev=n0", "-netdev", "@N0@"],
             extra=["-object", "filter-dump,id=f0,netdev=n0,file=%s" % cap])
    try:
        sizes = [0, 1, 2, 17, 18, 63, 64, 100, 511, 512, 1000, 1471, 1472]
        echo_sizes(q, sizes)
        udp_stats(q.stats_port)
    finally:
        q.kill()
    base = ["tshark", "-r", cap, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]
    env = dict(os.environ, LC_ALL="C")
    fields = subprocess.run(base + ["-T", "fields", "-E", "separator=,", "-e", "frame.number",
                                    "-e", "ip.src", "-e", "udp.srcport", "-e", "udp.length",
                                    "-e", "ip.checksum.status", "-e", "udp.checksum.status",
                                    "-e", "_ws.malformed", "-e", "_ws.col.Protocol"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert fields.returncode == 0, fields.stderr
    rows = [r.split(",") for r in fields.stdout.splitlines() if r]
    assert rows, "empty capture"
    echoed = [int(r[3]) - 8 for r in rows if r[1] == "10.0.2.15" and r[2] == "7"]
    # Every size once, plus the 4-byte "ping"s wait_echo sent while the guest came up.
    assert sorted(n for n in echoed if n != 4) == sorted(set(sizes)), echoed
    for r in rows:
        assert not r[6], "malformed frame: %s" % r
        if r[1] == "10.0.2.15":
            # 1 = good; a UDP checksum of 0 (none) would be 3 and is not what we send.
            assert r[4] == "1", "bad IP checksum from the guest: %s" % r
            if r[2]:
                assert r[5] == "1", "bad UDP checksum from the guest: %s" % r
    expert = subprocess.run(base + ["-q", "-z", "expert,warn"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert "Malformed" not in expert.stdout and "Errors (" not in expert.stdout, expert.stdout
    verbose = subprocess.run(base + ["-V"], capture_output=True, text=True, env=env, timeout=60)
    assert "Malformed" not in verbose.stdout
    assert "[Checksum Status: Bad]" not in verbose.stdout


@pytest.mark.parametrize("rxcsum", ["1", "0"])
def test_82574l_receive_checksums(rxcsum):
    """The 82574L verifies received UDP checksums (net.rxcsum=1, the default) or leaves them
    to the stack (0). Either way a wrong sum is never echoed and is counted by UDP, and a
    datagram without a checksum (0, which the NIC does not vouch for) is echoed."""
    q, w = boot_wire(bootargs=STATIC_ARGS + " net.rxcsum=" + rxcsum, nic="e1000e")
    try:
        before = w.stats()
        for i in range(20):
            ip = w.udp_request(ECHO_PORT, b"good %d" % i)
            assert ip is not None and bytes(ip[UDP].payload) == b"good %d" % i
        f = Ether(raw(w.udp_frame(ECHO_PORT, b"wrong sum")))
        f[UDP].chksum ^= 0x0101
        for _ in range(3):
            w.send(raw(f))
        stray = [p for p in w.recv_all(timeout=0.5, quiet=0.3) if UDP in p]
        assert not stray, "a wrong sum was answered: %s" % [p.summary() for p in stray]
        f = w.udp_frame(ECHO_PORT, b"no sum", sport=4242)
        f[UDP].chksum = 0
        w.send(f)
        ip = w.udp_reply(4242, ECHO_PORT)
        assert ip is not None and bytes(ip[UDP].payload) == b"no sum"
        after = w.stats()
        assert after["udp"]["drop_cksum"] - before["udp"]["drop_cksum"] == 3, after["udp"]
        hw = after["netdev"]["rx_csum_hw"] - before["netdev"]["rx_csum_hw"]
        if rxcsum == "1":
            assert hw >= 20, "the NIC's verdicts were not used: %d" % hw
        else:
            assert after["netdev"]["rx_csum_hw"] == 0, after["netdev"]
        assert "PANIC" not in q.output()
    finally:
        q.kill()
        w.close()
