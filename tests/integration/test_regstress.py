# SPDX-License-Identifier: BSD-2-Clause
"""Random region operations with a 3-frame page cache while echo traffic flows: the store
ends byte for byte equal to the model, and no datagram is corrupted or lost."""
import socket
import threading
import time

from qemu import Qemu, wait_echo


def echo_traffic(port, stop, result):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    sent = good = bad = 0
    while not stop.is_set():
        payload = b"%08d" % sent + b"r" * 56
        s.sendto(payload, ("127.0.0.1", port))
        sent += 1
        try:
            data = s.recv(2048)
            if data == payload:
                good += 1
            else:
                bad += 1
        except socket.timeout:
            pass
    s.close()
    result.update(sent=sent, good=good, bad=bad)


def test_region_stress_during_echo_traffic():
    with Qemu(stdin=True) as q:
        wait_echo(q)
        stop, result = threading.Event(), {}
        t = threading.Thread(target=echo_traffic, args=(q.echo_port, stop, result))
        t.start()
        try:
            time.sleep(0.3)
            q.send("stress region 11 20000 3\r")
            m = q.wait_for(r"regstress: (FAILED.*|store equals the model after (\d+) ops)",
                           timeout=120)
        finally:
            stop.set()
            t.join()
        assert m.group(2) == "20000", m.group(0)
        assert result["bad"] == 0 and result["good"] >= result["sent"] - 1, result
        assert result["good"] > 100, result
        assert "PANIC" not in q.output()
