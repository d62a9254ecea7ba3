# SPDX-License-Identifier: BSD-2-Clause
"""make bench's back-ends: the echo figures over QEMU's user networking (slirp, through
hostfwd on 127.0.0.1) and over a tap device in a network namespace made here, for three guests:
the kernel as it boots (adaptive busy polling), the same with loop.poll_us=0 (the loop before
busy polling: sleep as soon as a pass finds nothing) and the ceiling (net.turnaround=1: every
UDP frame goes back from the NIC's upcall unchecked, what QEMU allows a guest that does no work).

The namespace (uk-bench-<pid>) holds the tap device uktap0 with 10.0.2.2/24; the guest is
10.0.2.15 on it, and the client (build/udpload) runs inside the namespace: no traffic leaves
it. It is removed when the measurement ends, whatever happens; one left by a killed run is
removed by the next. Needs root (CI is root); elsewhere tap_setup() says why it cannot.
"""
import ctypes
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from qemu import Qemu, stats_merge, user_netdev  # noqa: E402

UDPLOAD = os.path.join(ROOT, "build", "udpload")
TAP = "uktap0"
GUEST = "10.0.2.15"
STATS = 9999
CLONE_NEWNET = 0x40000000

# name, boot arguments, cases (None: every case of the matrix)
GUESTS = [
    ("adaptive poll", "", None),
    ("no poll", "loop.poll_us=0", None),
    ("ceiling", "net.turnaround=1", [(64, 1), (64, 32), (64, 128), (1472, 32)]),
]


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, timeout=30)


def tap_setup():
    """Make the namespace and its tap device: (name, None), or (None, why not)."""
    if os.geteuid() != 0:
        return None, "needs root for a network namespace and a tap device"
    for old in sh("ip", "netns", "list", check=False).stdout.split("\n"):
        m = re.match(r"(uk-bench-(\d+))\b", old)
        if m and not os.path.exists("/proc/%s" % m.group(2)):
            sh("ip", "netns", "del", m.group(1), check=False)  # left by a killed run
    ns = "uk-bench-%d" % os.getpid()
    r = sh("ip", "netns", "add", ns, check=False)
    if r.returncode:
        return None, "cannot make a network namespace: " + r.stderr.strip()
    inns = ["ip", "netns", "exec", ns]
    for cmd in (["ip", "tuntap", "add", "dev", TAP, "mode", "tap"],
                ["ip", "addr", "add", "10.0.2.2/24", "dev", TAP],
                ["ip", "link", "set", TAP, "up"], ["ip", "link", "set", "lo", "up"]):
        r = sh(*(inns + cmd), check=False)
        if r.returncode:
            tap_teardown(ns)
            return None, "cannot set up the tap device (%s): %s" % (" ".join(cmd),
                                                                    r.stderr.strip())
    return ns, None


def tap_teardown(ns):
    if ns:
        sh("ip", "netns", "del", ns, check=False)


def ns_socket(ns):
    """A UDP socket in namespace ns (made there; it stays there): the stats requests."""
    libc = ctypes.CDLL(None, use_errno=True)
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns into " + ns)
        try:
            return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        finally:
            if libc.setns(here, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(here)
        os.close(there)


class Guest:
    """One guest on one back-end, reached at (host, port); load() runs udpload against it."""

    def __init__(self, backend, bootargs, ns=None):
        self.backend, self.ns = backend, ns
        args = "ip=10.0.2.15/24,10.0.2.2 stats.port=%d %s" % (STATS, bootargs)
        if backend == "tap":
            self.q = Qemu(bootargs=args, wrap=["ip", "netns", "exec", ns],
                          netdev="tap,id=n0,ifname=%s,script=no,downscript=no" % TAP)
            self.host, self.port, self.stats_port = GUEST, 7, STATS
            self.wrap = ["ip", "netns", "exec", ns]
        else:
            spec, ports = user_netdev(echo=7, stats=STATS)
            self.q = Qemu(bootargs=args, netdev=spec)
            self.host, self.port, self.stats_port = "127.0.0.1", ports["echo"], ports["stats"]
            self.wrap = []
        try:
            self.q.wait_for(r"echo: serving", timeout=30)
            deadline = time.monotonic() + 20  # receive is held off ~1 s after RCTL
            while self.load(64, 1, count=1, timeout_ms=100)["received"] < 1:
                if time.monotonic() > deadline:
                    raise AssertionError("the %s guest (%s) never echoed:\n%s" % (
                        backend, bootargs, self.q.output()[-2000:]))
        except BaseException:
            self.q.kill()
            raise

    def load(self, size, window, secs=None, count=None, timeout_ms=300):
        cmd = self.wrap + [UDPLOAD, "-H", self.host, "-p", str(self.port), "-s", str(size),
                           "-w", str(window), "-T", str(timeout_ms)]
        cmd += ["-t", str(secs)] if secs else ["-n", str(count)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def stats(self):
        if self.backend != "tap":
            from qemu import udp_stats
            return udp_stats(self.stats_port)
        s = ns_socket(self.ns)
        s.settimeout(2.0)

        def ask(req):
            for _ in range(3):
                s.sendto(req, (GUEST, STATS))
                try:
                    return s.recvfrom(65536)[0]
                except socket.timeout:
                    continue
            return None
        try:
            return stats_merge(ask)
        finally:
            s.close()

    def host_cpu_s(self):
        """CPU seconds QEMU's threads have run so far (schedstat: nanoseconds, where the
        utime/stime ticks of /proc/PID/stat would round an idle guest's share to 0)."""
        pid, ns = self.q.proc.pid, 0
        for t in os.listdir("/proc/%d/task" % pid):
            try:
                ns += int(open("/proc/%d/task/%s/schedstat" % (pid, t)).read().split()[0])
            except (OSError, ValueError, IndexError):
                pass  # a thread that just ended
        return ns / 1e9

    def kill(self):
        self.q.kill()


def matrix(backends, cases, runs, secs, ns, summary, figs, log=print):
    """Echo/s per case and RTT over every back-end for every guest of GUESTS; the idle host
    CPU of each guest. Figures go into figs as "<figure> (<back-end>, <guest>)".

    The guests take turns run by run (each run boots each guest afresh), so that the host's
    drift over the minutes of a back-end's matrix falls on all of them alike: the busy-polling
    targets compare guests of the same run within 5%, and one guest's run-to-run spread on a
    2-core host is larger than that (15% seen)."""
    for backend in backends:
        res = {name: {c: [] for c in (only or cases)} for name, _b, only in GUESTS}
        rtt = {name: {p: [] for p in ("p50", "p90", "p99")} for name, _b, _o in GUESTS}
        for run in range(runs):
            for name, bootargs, _only in GUESTS:
                g = Guest(backend, bootargs, ns)
                try:
                    for size, window in res[name]:
                        r = g.load(size, window, secs=secs)
                        res[name][(size, window)].append(r["pps"])
                        if (size, window) == (64, 1):
                            for p in rtt[name]:
                                rtt[name][p].append(r["rtt_us"][p])
                    if run < runs - 1 or name == "ceiling":
                        continue  # the ceiling turns the stats request around too
                    tag = "(%s, %s)" % (backend, name)
                    sysf = g.stats()["sys"]
                    if name == "adaptive poll":
                        figs["poll hits/misses/short sleeps %s" % tag] = summary(
                            [sysf["poll_hits"], sysf["poll_misses"], sysf["poll_short_sleeps"]],
                            "")
                    time.sleep(1.0)  # an idle guest still sleeps: QEMU's CPU over 4 s
                    c0 = g.host_cpu_s()
                    time.sleep(4.0)
                    figs["idle QEMU host CPU %% %s" % tag] = summary(
                        [100 * (g.host_cpu_s() - c0) / 4.0], "%")
                finally:
                    g.kill()
            log("bench: %s, run %d of %d: done" % (backend, run + 1, runs))
        for name, _b, _o in GUESTS:
            tag = "(%s, %s)" % (backend, name)
            for (size, window), v in res[name].items():
                figs["echo_pps %dB w=%d %s" % (size, window, tag)] = summary(v, "dgram/s")
            for p, v in rtt[name].items():
                figs["rtt_us %s (64B w=1) %s" % (p, tag)] = summary(v, "us")


def targets(figs, backends, problems):
    """The busy-polling targets, each against the same run's no-poll guest; printed."""
    def med(key):
        f = figs.get(key)
        return f["median"] if f else None

    def paired(ka, kn):
        """The ratio of two guests' echo rates run by run (matrix() runs them in turns, so run
        i of one and run i of the other met the same host): (median, worst) over the runs."""
        a, n = figs.get(ka), figs.get(kn)
        if not a or not n:
            return None, None
        r = [x / y for x, y in zip(a["runs"], n["runs"]) if x is not None and y]
        return (statistics.median(r), min(r)) if r else (None, None)

    lines = []
    for b in backends:
        a, n, c = "(%s, adaptive poll)" % b, "(%s, no poll)" % b, "(%s, ceiling)" % b
        p50 = med("rtt_us p50 (64B w=1) " + a)
        lines.append(("RTT p50, 1 in flight, %s" % b, "<= 25 us", p50, p50 is not None and
                      p50 <= 25, "worst %s" % fmt(figs["rtt_us p50 (64B w=1) " + a]["max"])))
        for size in (64, 1472):
            k = "echo_pps %dB w=128 " % size
            r, low = paired(k + a, k + n)
            if r is not None:
                lines.append(("%d B, 128 in flight vs no poll, %s" % (size, b), ">= 0.95",
                              r, r >= 0.95, "worst run %.2f" % low))
        r, low = paired("echo_pps 64B w=32 " + a, "echo_pps 64B w=32 " + n)
        if b == "tap" and r is not None:
            lines.append(("64 B, 32 in flight vs no poll, tap", ">= 2", r, r >= 2,
                          "worst run %.2f" % low))
        ia, io = med("idle QEMU host CPU %% %s" % a), med("idle QEMU host CPU %% %s" % n)
        if ia is not None and io is not None:
            lines.append(("idle QEMU host CPU vs no poll, %s" % b, "<= 2x", ia / max(io, 0.001),
                          ia <= 2 * max(io, 0.001), "%.3f%% vs %.3f%%" % (ia, io)))
        for w in (32, 128):
            k = "echo_pps 64B w=%d " % w
            if med(k + a) and med(k + c):
                lines.append(("64 B, %d in flight, share of the ceiling, %s" % (w, b), "",
                              med(k + a) / med(k + c), None, "ceiling %s/s" % fmt(med(k + c))))
    print("busy-polling targets (median; ratios run by run against the no-poll guest of the "
          "same run, which is 'today'):")
    for name, target, value, ok, extra in lines:
        verdict = "" if ok is None else ("met" if ok else "MISSED")
        print("  %-50s %-9s %10s  %-7s %s" % (name, target, fmt(value), verdict, extra))
        if ok is False:
            problems.append("%s: %s (target %s)" % (name, fmt(value), target))


def fmt(v):
    if v is None:
        return "-"
    return "%.3f" % v if isinstance(v, float) and abs(v) < 10 else "%.0f" % v


class OtherGuest(Guest):
    """Another guest (the Linux one) from its QEMU arguments, on the tap back-end: its echo
    service at 10.0.2.15:7 (tests/linux/echo_init.c configures that address)."""

    def __init__(self, args, ns):
        import shlex
        self.backend, self.ns = "tap", ns
        self.host, self.port = GUEST, 7
        self.wrap = ["ip", "netns", "exec", ns]
        self.proc = subprocess.Popen(self.wrap + ["qemu-system-riscv64"] + shlex.split(args),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while self.load(64, 1, count=1, timeout_ms=200)["received"] < 1:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.kill()
                raise AssertionError("the other guest never echoed over tap")

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def other_matrix(args, cases, runs, secs, ns, summary, figs):
    """The other guest's echo/s and RTT over tap, as "<figure> (tap)"."""
    g = OtherGuest(args, ns)
    try:
        res = {c: [] for c in cases}
        rtt = {p: [] for p in ("p50", "p90", "p99")}
        for _ in range(runs):
            for c in cases:
                r = g.load(c[0], c[1], secs=secs)
                res[c].append(r["pps"])
                if c == (64, 1):
                    for p in rtt:
                        rtt[p].append(r["rtt_us"][p])
    finally:
        g.kill()
    for (size, window), v in res.items():
        figs["echo_pps %dB w=%d (tap)" % (size, window)] = summary(v, "dgram/s")
    for p, v in rtt.items():
        figs["rtt_us %s (64B w=1) (tap)" % p] = summary(v, "us")
