"""A Linux host on a tap link: ping, arping and nc -u against the guest.

The host is a network namespace made here (so nothing leaves this machine): a tap device in
it carries the guest's e1000, with 10.0.2.2/24 on the host side and the guest static at
10.0.2.15. Skipped, with the reason, where namespaces or tap devices cannot be made.
"""
import os
import shutil
import subprocess

import pytest

from qemu import Qemu

NS = "uk-tap-%d" % os.getpid()
TAP = "uktap0"


def sh(*args, check=True, timeout=20, input=None):
    return subprocess.run(list(args), check=check, timeout=timeout, capture_output=True,
                          text=True, input=input)


@pytest.fixture
def netns():
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace and a tap device")
    for tool in ("ip", "ping", "arping", "nc"):
        if not shutil.which(tool):
            pytest.skip("%s not installed (iproute2, iputils-ping, iputils-arping, "
                        "netcat-openbsd)" % tool)
    made = sh("ip", "netns", "add", NS, check=False)
    if made.returncode != 0:
        pytest.skip("cannot make a network namespace: %s" % made.stderr.strip())
    try:
        tap = sh("ip", "netns", "exec", NS, "ip", "tuntap", "add", "dev", TAP, "mode", "tap",
                 check=False)
        if tap.returncode != 0:
            pytest.skip("cannot make a tap device: %s" % tap.stderr.strip())
        sh("ip", "netns", "exec", NS, "ip", "addr", "add", "10.0.2.2/24", "dev", TAP)
        sh("ip", "netns", "exec", NS, "ip", "link", "set", TAP, "up")
        sh("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up")
        yield NS
    finally:
        sh("ip", "netns", "del", NS, check=False)


def test_linux_host_on_tap_link(netns):
    inns = ["ip", "netns", "exec", netns]
    with Qemu(bootargs="ip=10.0.2.15/24,10.0.2.2", wrap=inns,
              netdev="tap,id=n0,ifname=%s,script=no,downscript=no" % TAP) as q:
        q.wait_for(r"echo: serving UDP port 7 on 10\.0\.2\.15", timeout=30)
        # receive is held off ~1 s after RCTL is written; give ping a few tries
        ping = sh(*inns, "ping", "-c", "3", "-i", "0.5", "-w", "10", "10.0.2.15", check=False)
        assert ping.returncode == 0, ping.stdout
        big = sh(*inns, "ping", "-c", "2", "-s", "1400", "-w", "5", "10.0.2.15", check=False)
        assert big.returncode == 0, big.stdout
        arp = sh(*inns, "arping", "-c", "2", "-w", "5", "-I", TAP, "10.0.2.15", check=False)
        assert arp.returncode == 0 and "52:54:00:12:34:56" in arp.stdout.lower(), arp.stdout
        nc = sh(*inns, "nc", "-u", "-w", "1", "10.0.2.15", "7", input="hello over tap\n",
                check=False)
        assert nc.stdout == "hello over tap\n", (nc.stdout, nc.stderr)
