# SPDX-License-Identifier: BSD-2-Clause
"""The Cadence GEM on QEMU sifive_u (FU540, boot hart 1): what the boot log says about it, the
MAC the device tree gives, and link flaps seen through the PHY. Echo, DHCP, load and raw-wire
tests run on sifive_u through test_echo.py and test_rawframes.py (qemu.MACHINES)."""
import re
import time

from qemu import udp_echo, udp_stats
from test_echo import boot_user, pattern, udpload_background


def boot_gem(mac=None):
    return boot_user(nic="gem", machine="sifive_u", mac=mac)


def test_boot_log_names_the_gem_its_mac_and_link():
    # QEMU writes -nic's mac into the tree's local-mac-address: the driver must take it.
    q = boot_gem(mac="52:54:00:ab:cd:ef")
    try:
        out = q.output()
        assert re.search(r"boot: hart 1, ", out), out[-3000:]
        assert re.search(r"eth0: GEM rev 0109 \(sifive,fu540-c000-gem\) at 10090000, plic 53, "
                         r"MAC 52:54:00:ab:cd:ef, PHY 88E1111 01410cc2 at 0$", out, re.M), \
            out[-3000:]
        assert re.search(r"eth0: link up, 1000 Mb/s full duplex, rings 256/256, 64-bit DMA$",
                         out, re.M), out[-3000:]
        assert "no NIC found" not in out
        assert re.search(r"dhcp: lease 10\.0\.2\.15/24 gw 10\.0\.2\.2", out), out[-3000:]
        assert udp_echo(q.echo_port, b"gem") == b"gem"
        sy = udp_stats(q.stats_port)["sys"]
        assert 0 < sy["nic_rx_on_us"] < sy["main_loop_us"], sy
    finally:
        q.kill()


def wait_log(q, pattern_, count, timeout=4.0):
    deadline = time.monotonic() + timeout
    while len(re.findall(pattern_, q.output(), re.M)) < count:
        assert time.monotonic() < deadline, "no %d x %r in:\n%s" % (count, pattern_,
                                                                    q.output()[-2000:])
        time.sleep(0.05)


def test_link_flap_during_traffic():
    """set_link off/on twice under load: the PHY's status register follows (QEMU's
    phy_update_link), the driver's once-a-second PHY poll reports each change, counts it,
    reprograms the MAC speed, and echo recovers."""
    q = boot_gem()
    try:
        before = udp_stats(q.stats_port)
        t, result = udpload_background(q.echo_port, secs=6)
        time.sleep(0.5)
        for i in range(1, 3):
            assert "Error" not in q.monitor("set_link n0 off")
            wait_log(q, r"^\[[ 0-9.]+\] eth0: link down$", i)
            assert "Error" not in q.monitor("set_link n0 on")
            wait_log(q, r"^\[[ 0-9.]+\] eth0: link up, 1000 Mb/s full duplex$", i)
        t.join(30)
        assert result.get("corrupt") == 0 and result.get("unexpected") == 0, result
        assert result["received"] > 0, result
        deadline = time.monotonic() + 5
        while udp_echo(q.echo_port, b"back", timeout=0.5, tries=1) != b"back":
            assert time.monotonic() < deadline, "echo did not recover:\n" + q.output()[-2000:]
        for n in (0, 1, 60, 512, 1472):
            assert udp_echo(q.echo_port, pattern(n, salt=n)) == pattern(n, salt=n), n
        after = udp_stats(q.stats_port)
        assert after["netdev"]["link_changes"] - before["netdev"]["link_changes"] == 4, \
            (before["netdev"], after["netdev"])
        assert "PANIC" not in q.output()
    finally:
        q.kill()
