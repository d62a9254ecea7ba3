# SPDX-License-Identifier: BSD-2-Clause
"""A Linux host on a tap link: ping, arping and nc -u against the guest.

The host is a network namespace made here (so nothing leaves this machine): a tap device in
it carries the guest's e1000, with 10.0.2.2/24 on the host side and the guest static at
10.0.2.15. Skipped, with the reason, where namespaces or tap devices cannot be made.
"""
import pytest

from netns import Netns
from qemu import Qemu

TAP = "uktap0"


@pytest.fixture
def netns():
    with Netns("tap", tap=TAP, tools=("ip", "ping", "arping", "nc")) as ns:
        yield ns


def test_linux_host_on_tap_link(netns):
    inns = netns.exec
    sh = netns.run
    with Qemu(bootargs="ip=10.0.2.15/24,10.0.2.2", wrap=inns,
              netdev="tap,id=n0,ifname=%s,script=no,downscript=no" % TAP) as q:
        q.wait_for(r"echo: serving UDP port 7 on 10\.0\.2\.15", timeout=30)
        # receive is held off ~1 s after RCTL is written; give ping a few tries
        ping = sh("ping", "-c", "3", "-i", "0.5", "-w", "10", "10.0.2.15", check=False)
        assert ping.returncode == 0, ping.stdout
        big = sh("ping", "-c", "2", "-s", "1400", "-w", "5", "10.0.2.15", check=False)
        assert big.returncode == 0, big.stdout
        arp = sh("arping", "-c", "2", "-w", "5", "-I", TAP, "10.0.2.15", check=False)
        assert arp.returncode == 0 and "52:54:00:12:34:56" in arp.stdout.lower(), arp.stdout
        nc = sh("nc", "-u", "-w", "1", "10.0.2.15", "7", input="hello over tap\n",
                check=False)
        assert nc.stdout == "hello over tap\n", (nc.stdout, nc.stderr)
