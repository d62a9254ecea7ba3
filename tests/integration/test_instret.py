# SPDX-License-Identifier: BSD-2-Clause
"""instret is an instruction count only under -icount shift=0 (or on a real hart): the stats
JSON's sys.instret_exact and the shell's `bench instret` must say which case they are in."""
import pytest

from qemu import Qemu, udp_stats, user_netdev


@pytest.mark.parametrize("icount", [False, True])
def test_instret_says_whether_it_is_exact(icount):
    netdev, ports = user_netdev(stats=9999)
    extra = ["-icount", "shift=0"] if icount else []
    with Qemu(bootargs="stats.port=9999", netdev=netdev, extra=extra, stdin=True) as q:
        q.wait_for(r"echo: serving", timeout=30)
        sys = udp_stats(ports["stats"], tries=5)["sys"]
        assert sys["instret_exact"] == (1 if icount else 0), sys
        q.send("bench instret\r")
        m = q.wait_for(r"bench instret: loop of 2000000 instructions, instret counted (\d+) "
                       r"\((exact|NOT exact)(: the loop and (\d+) around it)?", timeout=20)
        assert m.group(2) == ("exact" if icount else "NOT exact"), m.group(0)
        if icount:
            assert int(m.group(1)) == 2000000 + int(m.group(4)), m.group(0)
            assert int(m.group(4)) <= 8, m.group(0)
