#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make bench`: boot time, echo throughput and latency, guest-side costs per datagram, footprint.

Usage: /usr/bin/python3 tests/bench.py [--runs 3] [--secs 2] [--quick] [--other "QEMU ARGS..."]

What is measured (each figure: median of --runs runs, with min and max):
  boot_first_echo_ms   QEMU start (Popen) to the first echoed datagram; the client sends one
                       datagram every 5 ms. Once with DHCP (default) and once with a static address.
                       Note: QEMU's e1000 model does not receive for 1 s after each RCTL write
                       (hw/net/e1000.c flush_queue_timer), so this is >= ~1 s whatever the guest
                       does; echo_serving_ms (guest log) shows when the guest itself was ready.
  floor_sbi_ms         QEMU start to exit for the same machine and OpenSBI with a payload that
                       shuts down at once (build/srst.bin: SBI SRST ecall), i.e. what QEMU and the
                       firmware cost before our kernel runs.
  main_loop_ms         "boot: main loop reached N ms after reset" from the guest log.
  nic_receive_on_ms    when the e1000's RCTL was written (guest clock, from its attach line):
                       QEMU's 1 s receive hold-off starts here.
  echo_pps S/W         echo throughput (datagrams/s) at S bytes with W in flight (build/udpload, a
                       C client that checks every reply), and the same client against a host
                       loopback echo server (udpload --server) to show the client is not the limit.
  rtt_us p50..max      round trip with 1 in flight, 64 bytes.
  irqs/dgram, doorbells/dgram, polls/irq
                       from the guest's stats.port counters read before and after each run.
  instr/dgram S/W      guest instructions per echoed datagram, counted deterministically: a
                       separate boot under QEMU -icount shift=0, where the instret CSR advances
                       one per executed instruction plus the virtual time skipped while the hart
                       sleeps in wfi; the guest subtracts those sleeps (boot/loop.c) and reports
                       busy_instret in the stats JSON. The cost of the stats request itself is
                       measured (two back-to-back requests) and subtracted. Includes everything
                       the guest executes: driver, stack, main loop, interrupt handling.
                       Checked twice: the shell's `bench instret` runs a loop of 2,000,000
                       instructions between two instret reads (must count 2,000,000 to
                       2,000,008), and tests/tools/insnprof.py counts one 64 B / 32 in flight
                       burst from QEMU's TCG exec log, which involves no guest counter, and by
                       instret: the two must agree within 2%; its per-function breakdown is
                       printed. (Across runs the figure moves by a few %: how many datagrams
                       each poll pass finds depends on when the host's packets arrive; "poll
                       passes/dgram (-icount)" is that count, passes that found frames per
                       datagram, in the same -icount runs on the default CPU.)
                       Three guests: QEMU's default CPU, the same with the vector extension
                       "(V)", and the default CPU with the 82574L "(82574L)", whose NIC
                       verifies received UDP checksums so that the stack does not sum them.
  footprint            riscv64-unknown-elf-size of build/kernel.elf; RAM in use after boot (the
                       image incl. bss and the mbuf pool, plus allocated pages; stats JSON
                       "sys"); mbuf pool low water.
  tcp_*                TCP echo (app/tcpecho.c; the Linux guest's /init serves TCP port 7 too)
                       through hostfwd=tcp: one bulk connection echoing 16 MiB (tests/
                       integration/tcpx.py transfer: SHA-256 checked, MB/s = 10^6 bytes back per
                       second), connections per second (connect, 64-byte echo, close; one at a
                       time for 3 s), guest instructions per TCP segment (segments in plus out,
                       from the tcp counters, under -icount as above; the Linux guest's figure
                       is its /init's, instret times busy share over /proc/net/snmp's segments)
                       and memory per connection (control block plus both rings, from the
                       shell's `tcp`; the rings are pages, held while established).
  region_*             the shell's `bench region` (app/regbench.c) on the RAM store: a 1 MiB
                       sequential read through a fresh shared mapping against copying the same
                       bytes from the store (ratio), faults per MiB, write-back of a fully dirty
                       1 MiB. Once on the guest clock (TCG wall time: includes QEMU's TLB flush
                       cost on every mapping change) and once under -icount shift=0, where guest
                       time is instruction count (deterministic).

  config ...           the machine x NIC matrix (--configs, on by default; --configs-only for just
                       it): for {virt (PLIC), virt,aia=aplic (APLIC direct), virt,aia=aplic-imsic
                       (IMSIC, APLIC in MSI mode)} x {e1000 (82540EM), e1000e (82574L)}, plus the
                       82574L on the IMSIC machine limited to MSI and to INTx (pci.irq=), one
                       boot each: echo/s at 32 in flight and RTT with one in flight (64 B, --runs
                       runs in that boot), interrupts and doorbells per datagram, and, in a second
                       -icount boot, instructions per datagram at 32 in flight. Each RTT p50 is
                       compared with PLIC + 82540EM's of the same run (target: within 20%).

--other "QEMU ARGS": run the same client against another guest instead of ours, e.g. a Linux
guest running an echo server. ARGS are everything after qemu-system-riscv64; the string {port}
is replaced by a free host UDP port which ARGS must forward to the guest's echo service, and
{tport} (if present) by a free host TCP port forwarded to its TCP echo, e.g.
  --other "-M virt -m 256M -nographic -kernel Image -append 'console=ttyS0' \
           -netdev user,id=n0,hostfwd=udp:127.0.0.1:{port}-:7 -device e1000,netdev=n0"
Guest-side counters, main_loop_ms and the footprint are then skipped.

--linux: build the Linux 6.1 guest of tests/linux (Debian's linux-source-6.1, ~8 minutes the
first time) and measure it with --other in the same run after ours; prints both side by side
and writes build/bench.json (ours) and build/bench-linux.json. `make bench-linux` does this.

Results: a table on stdout and build/bench.json (with the QEMU version and host CPU), and
build/bench.svg (tests/tools/benchplot.py): echo rate against datagrams in flight per size and
back-end, beside the Linux guest's after --linux, and the RTT percentiles.
"""
import argparse
import json
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import tempfile
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from qemu import (MACHINES, Qemu, free_tcp_port, free_udp_port, udp_echo, udp_stats,  # noqa: E402
                  user_netdev)
from wire import udp_drops  # noqa: E402
import tcpx  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import insnprof  # noqa: E402
import benchnet  # noqa: E402

B = os.path.join(ROOT, "build")
UDPLOAD = os.path.join(B, "udpload")
SRST = os.path.join(B, "srst.bin")
STATS = 9999
CROSS = "riscv64-unknown-elf-"

SRST_ASM = """\
	/* SBI System Reset (EID "SRST"), FID 0: shutdown, no reason. */
	.globl _start
_start:
	li	a7, 0x53525354
	li	a6, 0
	li	a0, 0
	li	a1, 0
	ecall
1:	wfi
	j	1b
"""


def build():
    src = os.path.join(ROOT, "tests", "tools", "udpload.c")
    os.makedirs(B, exist_ok=True)
    subprocess.run(["gcc", "-O2", "-std=gnu11", "-Wall", "-Wextra", "-o", UDPLOAD, src],
                   check=True)
    asm = os.path.join(B, "srst.S")
    with open(asm, "w") as f:
        f.write(SRST_ASM)
    subprocess.run([CROSS + "as", "-march=rv64gc", "-o", asm + ".o", asm], check=True)
    subprocess.run([CROSS + "objcopy", "-O", "binary", asm + ".o", SRST], check=True)


def summary(values, unit):
    vals = [v for v in values if v is not None]
    if not vals:
        return {"median": None, "min": None, "max": None, "unit": unit, "runs": values}
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "unit": unit,
            "runs": values}


# ---- boot ----

def first_echo(port, t0, timeout=30.0):
    """Send one datagram every 5 ms until one comes back; seconds since t0, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                s.sendto(b"boot?", ("127.0.0.1", port))
            except OSError:
                pass
            end = time.monotonic() + 0.005
            while time.monotonic() < end:
                try:
                    if s.recv(64) == b"boot?":
                        return time.monotonic() - t0
                except (BlockingIOError, ConnectionRefusedError):
                    time.sleep(0.0005)
        return None
    finally:
        s.close()


def boot_ours(bootargs, machine="virt"):
    spec, ports = user_netdev(echo=7)
    q = Qemu(bootargs=bootargs, netdev=spec, machine=machine, nic=MACHINES[machine]["nic"])
    try:
        t = first_echo(ports["echo"], q.t0)
        m = re.search(r"main loop reached ([0-9.]+) ms", q.output())
        if not m:
            try:
                m = q.wait_for(r"main loop reached ([0-9.]+) ms", timeout=2)
            except AssertionError:
                m = None
        e = re.search(r"^\[ *([0-9.]+)\] echo: serving", q.output(), re.M)
        r = re.search(r"receive on at ([0-9.]+) ms", q.output())
        return ((None if t is None else t * 1000), (float(m.group(1)) if m else None),
                (float(e.group(1)) * 1000 if e else None), (float(r.group(1)) if r else None))
    finally:
        q.kill()


def other_argv(args, port, tport=None, extra=()):
    a = args.replace("{port}", str(port)).replace("{tport}", str(tport or free_tcp_port()))
    return ["qemu-system-riscv64"] + shlex.split(a) + list(extra)


def boot_other(args):
    port = free_udp_port()
    t0 = time.monotonic()
    p = subprocess.Popen(other_argv(args, port), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, port, t0


def floor_sbi():
    t0 = time.monotonic()
    p = subprocess.run(["qemu-system-riscv64", "-M", "virt", "-m", "256M", "-nographic", "-bios",
                        "default", "-kernel", SRST, "-device", "e1000,netdev=n0", "-netdev",
                        "user,id=n0"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    ms = (time.monotonic() - t0) * 1000
    return ms if p.returncode == 0 else None


# ---- load ----

def udpload(port, size, window, secs=None, count=None):
    cmd = [UDPLOAD, "-p", str(port), "-s", str(size), "-w", str(window), "-T", "300"]
    cmd += ["-t", str(secs)] if secs else ["-n", str(count)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_matrix(port, cases, secs, stats_port=None):
    """One pass over every (size, window): client result plus guest counter deltas, and the
    datagrams the host kernel dropped at the socket in front of QEMU's user networking."""
    res = {}
    for size, window in cases:
        before = udp_stats(stats_port) if stats_port else None
        hd0 = udp_drops(port)
        r = udpload(port, size, window, secs=secs)
        r["host_sock_drops"] = udp_drops(port) - hd0
        if stats_port:
            after = udp_stats(stats_port)
            d = {k: after["netdev"][k] - before["netdev"][k] for k in after["netdev"]}
            n = max(r["received"], 1)
            r["irqs_per_dgram"] = d["irqs"] / n
            r["doorbells_per_dgram"] = (d["rx_doorbells"] + d["tx_doorbells"]) / n
            r["polls_per_irq"] = d["polls"] / d["irqs"] if d["irqs"] else None
            r["guest_rx_drops"] = d["rx_drop_nobuf"] + d["rx_drop_error"] + d["rx_drop_oversize"]
            r["mbuf"] = after["mbuf"]
        res[(size, window)] = r
    return res


# The guests the instruction figures are counted on, as (QEMU -cpu, NIC model, figure tag):
# QEMU's default rv64 (RV64GC and the Z extensions it adds, no V) with the 82540EM; the same
# with the vector extension, where the checksums take the vector loop (net/stack.h); and the
# default CPU with the 82574L (e1000e), which verifies received UDP checksums so that the stack
# does not sum them (net.rxcsum=). The wall-clock figures run on the first only.
VECTOR_CPU = "rv64,v=true"
COUNTED = ((None, None, ""), (VECTOR_CPU, None, " (V)"), (None, "e1000e", " (82574L)"))


def instructions(cases, count=20000, machine="virt", cpu=None, nic=None):
    """Guest instructions per datagram under -icount (one boot, one run per case), and the
    NIC's poll passes that found frames, per datagram: every pass costs its own instructions
    (the driver's setup, the doorbell, the loop; about 280 on 2026-12-03), so the fewer frames
    a pass finds, the more each datagram costs. Returns ({case: instructions}, the stats
    request's cost, the instret check, {case: passes})."""
    spec, ports = user_netdev(echo=7, stats=STATS)
    q = Qemu(bootargs="ip=10.0.2.15/24,10.0.2.2 stats.port=%d" % STATS, netdev=spec,
             extra=(["-cpu", cpu] if cpu else []) + ["-icount", "shift=0"], stdin=True,
             machine=machine,
             nic=nic or MACHINES[machine]["nic"])
    res, passes = {}, {}
    try:
        if first_echo(ports["echo"], q.t0) is None:
            sys.exit("bench: the -icount guest never echoed:\n" + q.output()[-2000:])
        # The counter itself: a loop of known length between two instret reads.
        q.send("bench instret\n")
        try:
            check = int(q.wait_for(r"bench instret: .* counted (\d+)", timeout=20).group(1))
        except AssertionError:
            check = None
        a = udp_stats(ports["stats"])
        b = udp_stats(ports["stats"])
        cost = b["sys"]["busy_instret"] - a["sys"]["busy_instret"]
        for size, window in cases:
            before = udp_stats(ports["stats"])
            r = udpload(ports["echo"], size, window, count=count)
            after = udp_stats(ports["stats"])
            n = max(r["received"], 1)
            res[(size, window)] = (after["sys"]["busy_instret"] - before["sys"]["busy_instret"]
                                   - cost) / n
            passes[(size, window)] = (after["netdev"]["polls"] - before["netdev"]["polls"]) / n
    finally:
        q.kill()
    return res, cost, check, passes


def region_figures(icount, disk=False):
    """Run `bench region` three times on one boot (on an 8 MiB NVMe disk with disk=True, its
    raw image in a temporary file, cache=writeback); lists of the parsed key/value lines."""
    extra = ["-icount", "shift=0"] if icount else []
    dev, tmp = "", None
    if disk:
        tmp = tempfile.mkdtemp(prefix="bench-disk-")
        image = os.path.join(tmp, "disk.img")
        with open(image, "wb") as f:
            f.write(os.urandom(8 << 20))
        extra += ["-drive", "file=%s,if=none,format=raw,id=d0,cache=writeback" % image,
                  "-device", "nvme,drive=d0,serial=bench"]
        dev = " nvme0n1"
    q = Qemu(stdin=True, nic=None, extra=extra)
    rows = []
    try:
        q.wait_for(r"main loop reached", timeout=30)
        for _ in range(4):  # the first is a warm-up: QEMU translating the code, dropped
            n = len(re.findall(r"regbench:", q.output()))
            q.send("bench region%s\r" % dev)
            deadline = time.monotonic() + 60
            while len(re.findall(r"regbench:", q.output())) < n + 2 and \
                    time.monotonic() < deadline:
                time.sleep(0.05)
        # two lines per run: the figures, then the same without the device wait
        lines = re.findall(r"regbench: (.*)", q.output())
        for first, second in list(zip(lines[0::2], lines[1::2]))[1:]:
            kv = (first + " " + second).split()
            rows.append({kv[i]: int(kv[i + 1]) for i in range(0, len(kv) - 1, 2)})
    finally:
        q.kill()
        if tmp:
            shutil.rmtree(tmp)
    return rows


def backends_section(a, cases, figs, problems):
    """Echo/s and RTT over slirp and over a tap in a namespace made here (skipped, with the
    reason, where it cannot be made), for the kernel as it boots, with loop.poll_us=0 and as
    the ceiling (tests/tools/benchnet.py); the busy-polling targets."""
    ns, why = benchnet.tap_setup()
    backends = ["slirp"] + (["tap"] if ns else [])
    if not ns:
        print("bench: tap back-end skipped: " + why)
        figs["tap back-end skipped: " + why] = summary([0], "")
    try:
        benchnet.matrix(backends, cases, a.runs, a.secs, ns, summary, figs)
    finally:
        benchnet.tap_teardown(ns)
    benchnet.targets(figs, backends, problems)


def region_section(figs):
    """The region figures on the RAM store and on NVMe, each on the guest clock and by
    instruction count (-icount shift=0)."""
    for store, disk in (("RAM", False), ("NVMe", True)):
        for mode, icount in (("guest clock", False), ("icount", True)):
            rows = region_figures(icount, disk)
            tag = "%s, %s" % (store, mode) if disk else mode  # RAM keys as before
            figs["region read ratio mapped/direct (%s)" % tag] = summary(
                [r["ratio_x100"] / 100 for r in rows], "x")
            if disk:
                figs["region read ratio, polling excluded (%s)" % tag] = summary(
                    [r["ratio_cpu_x100"] / 100 for r in rows], "x")
            figs["region faults per MiB (%s)" % tag] = summary(
                [r["faults_per_mib"] for r in rows], "")
            figs["region TLB fences per MiB read (%s)" % tag] = summary(
                [r["fences_per_mib"] for r in rows], "")
            figs["region TLB fences per MiB synced (%s)" % tag] = summary(
                [r["sync_fences_per_mib"] for r in rows], "")
            figs["region sync MiB/s fully dirty (%s)" % tag] = summary(
                [r["sync_mib_s"] for r in rows], "MiB/s")
            figs["region mapped read MiB/s (%s)" % tag] = summary(
                [r["map_mib_s"] for r in rows], "MiB/s")
            figs["region 4 KiB sync latency (%s)" % tag] = summary(
                [r["page_sync_ns"] / 1000 for r in rows], "us")
            if disk:
                figs["region 4 KiB sync, polling excluded (%s)" % tag] = summary(
                    [r["page_sync_cpu_ns"] / 1000 for r in rows], "us")
                figs["region 1 MiB sync, polling excluded (%s)" % tag] = summary(
                    [r["sync_cpu_ns"] / 1000 for r in rows], "us")


def footprint():
    elf = os.path.join(B, "kernel.elf")
    out = subprocess.run([CROSS + "size", elf], capture_output=True, text=True, check=True)
    text, data, bss = (int(x) for x in out.stdout.splitlines()[1].split()[:3])
    return {"text": text, "data": data, "bss": bss, "image_bin": os.path.getsize(
        os.path.join(B, "kernel.bin"))}


def host_info():
    qv = subprocess.run(["qemu-system-riscv64", "--version"], capture_output=True,
                        text=True).stdout.splitlines()[0]
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip() or "unknown"
    return {"qemu": qv, "host_cpu": cpu, "host_cores": os.cpu_count(), "kernel": git,
            "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}


LINUX_ARGS = ("-M virt -m 256M -smp 1 -nographic -bios default -kernel %s -append "
              "'console=ttyS0' -netdev user,id=n0,hostfwd=udp:127.0.0.1:{port}-:7,"
              "hostfwd=tcp:127.0.0.1:{tport}-:7 -device e1000,netdev=n0")


def start_logged(argv):
    """Start a guest whose console lines (bytes) are collected in a list: (process, lines)."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []
    threading.Thread(target=lambda: out.extend(iter(p.stdout.readline, b"")),
                     daemon=True).start()
    return p, out


def wait_report(out, seen, rx, least, timeout=30):
    """The value (group 2) of the first console line after out[seen] matching rx whose count
    (group 1) is at least least, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = [re.search(rx, ln.decode(errors="replace")) for ln in out[seen:]]
        m = [x for x in m if x and int(x.group(1)) >= least]
        if m:
            return float(m[0].group(2))
        time.sleep(0.2)
    return None


LINUX_TAP_ARGS = ("-M virt -m 256M -smp 1 -nographic -bios default -kernel %s -append "
                  "'console=ttyS0' -netdev tap,id=n0,ifname=" + benchnet.TAP +
                  ",script=no,downscript=no -device e1000,netdev=n0")


def linux_instructions(args, runs=3, count=10000):
    """The Linux guest's own figure under -icount shift=0: its /init prints, after each burst and
    1 s of silence, instret over the burst times the busy share of /proc/stat's ticks (tick
    sampling: good to a few percent). One boot, `runs` bursts of 64 B with 32 in flight."""
    port = free_udp_port()
    p, out = start_logged(other_argv(args, port, extra=["-icount", "shift=0"]))
    res = []
    try:
        if first_echo(port, time.monotonic(), timeout=180) is None:
            print("bench: the -icount Linux guest never echoed")
            return None
        for _ in range(runs):
            time.sleep(1.5)  # the first-echo probes make a burst of their own: let it report
            seen = len(out)
            r = udpload(port, 64, 32, count=count)
            v = wait_report(out, seen, r"burst of (\d+) datagrams.* ([0-9.]+) busy instret/dgram",
                            r["received"])
            if v is not None:
                res.append(v)
    finally:
        p.kill()
        p.wait()
    return res or None

# ---- TCP ----

TCP_BULK = 16 << 20


def tcp_load(port, runs):
    """Per run: MB/s of one bulk echo connection, connections/s; problems found."""
    mbs, cps, problems = [], [], []
    tcpx.wait_tcp_echo("127.0.0.1", port, timeout=120)
    for i in range(runs):
        r = tcpx.transfer("127.0.0.1", port, tcpx.random_bytes(TCP_BULK, seed=i + 1))
        if not r["ok"]:
            problems.append("tcp bulk run %d: %s" % (i, r))
        mbs.append(r["mb_s"] if r["ok"] else None)
        rt = tcpx.rate("127.0.0.1", port, 3.0)
        if rt["bad"]:
            problems.append("tcp connection rate run %d: %d bad" % (i, rt["bad"]))
        cps.append(rt["per_second"])
    return mbs, cps, problems


def tcp_stats(port):
    """The tcp counters from the stats service (a request naming the layer, padded as the
    stats protocol asks)."""
    data = udp_echo(port, b"tcp".ljust(1472))
    if data is None:
        raise AssertionError("no tcp counters from the stats service")
    return json.loads(data.decode())["tcp"]


def tcp_ours(runs):
    """Throughput, connection rate and memory per connection of our guest."""
    spec, ports = tcpx.tcp_netdev(tcp=(7,))
    q = Qemu(netdev=spec, stdin=True)
    try:
        q.wait_for(r"echo: serving TCP port 7", timeout=30)
        mbs, cps, problems = tcp_load(ports[("tcp", 7)], runs)
        q.send("tcp\n")
        m = q.wait_for(r"tcp: \d+ of \d+ connections in use, (\d+) bytes each", timeout=10)
        return mbs, cps, int(m.group(1)), problems
    finally:
        q.kill()


def tcp_instructions(runs):
    """Guest instructions per TCP segment (in + out) during a 4 MiB echo, under -icount."""
    spec, ports = tcpx.tcp_netdev(tcp=(7,), udp=(STATS,))
    sp = ports[("udp", STATS)]
    q = Qemu(bootargs="ip=10.0.2.15/24,10.0.2.2 stats.port=%d" % STATS, netdev=spec,
             extra=["-icount", "shift=0"])
    res = []
    try:
        q.wait_for(r"echo: serving TCP port 7", timeout=60)
        tcpx.wait_tcp_echo("127.0.0.1", ports[("tcp", 7)], timeout=120)
        a, b = udp_stats(sp), udp_stats(sp)
        cost = b["sys"]["busy_instret"] - a["sys"]["busy_instret"]
        for i in range(runs):
            before, tb = udp_stats(sp), tcp_stats(sp)
            r = tcpx.transfer("127.0.0.1", ports[("tcp", 7)], tcpx.random_bytes(4 << 20, i))
            after, ta = udp_stats(sp), tcp_stats(sp)
            segs = (ta["rx"] - tb["rx"]) + (ta["tx"] - tb["tx"])
            if r["ok"] and segs:
                res.append((after["sys"]["busy_instret"] - before["sys"]["busy_instret"]
                            - 2 * cost) / segs)
    finally:
        q.kill()
    return res


def tcp_other(args, runs):
    tport = free_tcp_port()
    p = subprocess.Popen(other_argv(args, free_udp_port(), tport), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        mbs, cps, problems = tcp_load(tport, runs)
    finally:
        p.kill()
        p.wait()
    return mbs, cps, problems


def linux_tcp_instructions(args, runs=3):
    """The Linux guest's instructions per TCP segment, from its /init's burst lines."""
    tport = free_tcp_port()
    p, out = start_logged(other_argv(args, free_udp_port(), tport, ["-icount", "shift=0"]))
    res = []
    try:
        tcpx.wait_tcp_echo("127.0.0.1", tport, timeout=180)
        for i in range(runs):
            time.sleep(1.5)
            seen = len(out)
            r = tcpx.transfer("127.0.0.1", tport, tcpx.random_bytes(4 << 20, i))
            v = wait_report(out, seen, r"tcp burst of (\d+) segments, ([0-9.]+) busy instret",
                            1000) if r["ok"] else None
            if v is not None:
                res.append(v)
    finally:
        p.kill()
        p.wait()
    return res or None


GEM = "sifive_u GEM: "  # prefix of the figures measured on QEMU sifive_u's Cadence GEM
SMP2 = "virt e1000 -smp 2: "  # virt again with a second, idle hart, as sifive_u must have


def load_runs(a, cases, machine, smp=1):
    spec, ports = user_netdev(echo=7, stats=STATS)
    q = Qemu(bootargs="stats.port=%d" % STATS, netdev=spec, machine=machine,
             nic=MACHINES[machine]["nic"], smp=smp)
    runs = []
    try:
        if first_echo(ports["echo"], q.t0) is None:
            sys.exit("bench: the %s guest never echoed:\n%s" % (machine, q.output()[-2000:]))
        for _ in range(a.runs):
            runs.append(load_matrix(ports["echo"], cases, a.secs, ports["stats"]))
    finally:
        q.kill()
    return runs


def load_figures(prefix, runs, cases):
    figs = {}
    for size, window in cases:
        key = "%dB w=%d" % (size, window)
        rs = [r[(size, window)] for r in runs]
        figs[prefix + "echo_pps " + key] = summary([r["pps"] for r in rs], "dgram/s")
        figs[prefix + "echo_lost " + key] = summary([r["lost"] for r in rs], "dgrams")
        figs[prefix + "  of which guest rx drops " + key] = summary(
            [r["guest_rx_drops"] for r in rs], "dgrams")
        figs[prefix + "irqs/dgram " + key] = summary([r["irqs_per_dgram"] for r in rs], "")
        figs[prefix + "doorbells/dgram " + key] = summary(
            [r["doorbells_per_dgram"] for r in rs], "")
    for p in ("p50", "p90", "p99", "max"):
        figs[prefix + "rtt_us %s (64B w=1)" % p] = summary(
            [r[(64, 1)]["rtt_us"][p] for r in runs], "us")
    return figs


def gem_figures(a, cases):
    """The same boot, load and instruction figures on sifive_u with its Cadence GEM (boot
    hart 1), for the side-by-side table with virt + e1000 of the same run."""
    figs = {}
    boots = [boot_ours("", machine="sifive_u")[0] for _ in range(a.runs)]
    figs[GEM + "boot_first_echo_ms (dhcp)"] = summary(boots, "ms")
    figs.update(load_figures(GEM, load_runs(a, cases, "sifive_u"), cases))
    instr = [instructions(cases, machine="sifive_u")[0] for _ in range(a.runs)]
    for size, window in cases:
        figs[GEM + "instr/dgram %dB w=%d" % (size, window)] = summary(
            [r[(size, window)] for r in instr], "instr")
    figs.update(load_figures(SMP2, load_runs(a, cases, "virt", smp=2), cases))
    return figs


def print_side_by_side(figs):
    """virt + e1000 (1 hart), sifive_u + GEM (2 harts: the E51 and the boot hart), and virt +
    e1000 with a second idle hart: QEMU's wall-clock figures move with the hart count."""
    print("\nbench: virt + e1000 beside sifive_u + Cadence GEM, same run (medians)")
    print("%-44s %12s %12s %12s" % ("figure", "virt e1000", "sifive_u GEM", "virt -smp 2"))
    for name, f in figs.items():
        g = figs.get(GEM + name)
        v2 = figs.get(SMP2 + name)
        if not name.startswith(GEM) and not name.startswith(SMP2) and g is not None:
            print("%-44s %12s %12s %12s" % (name, fmt(f["median"]), fmt(g["median"]),
                                           fmt(v2["median"]) if v2 else "-"))


# ---- the machine x NIC matrix ----

CONFIGS = [  # (name, machine, NIC, extra bootargs)
    ("plic/e1000", "virt", "e1000", ""),
    ("plic/e1000e", "virt", "e1000e", ""),
    ("aplic/e1000", "virt,aia=aplic", "e1000", ""),
    ("aplic/e1000e", "virt,aia=aplic", "e1000e", ""),
    ("imsic/e1000", "virt,aia=aplic-imsic", "e1000", ""),
    ("imsic/e1000e", "virt,aia=aplic-imsic", "e1000e", ""),
    ("imsic/e1000e msi", "virt,aia=aplic-imsic", "e1000e", "pci.irq=msi"),
    ("imsic/e1000e intx", "virt,aia=aplic-imsic", "e1000e", "pci.irq=intx"),
    ("plic/gem (sifive_u)", "sifive_u", "gem", ""),
]


def config_boot(machine, nic, bootargs, icount):
    spec, ports = user_netdev(echo=7, stats=STATS)
    q = Qemu(machine=machine, nic=nic, netdev=spec, stdin=True,
             bootargs="ip=10.0.2.15/24,10.0.2.2 stats.port=%d %s" % (STATS, bootargs),
             extra=["-icount", "shift=0"] if icount else [])
    if first_echo(ports["echo"], q.t0) is None:
        q.kill()
        sys.exit("bench: %s/%s never echoed:\n%s" % (machine, nic, q.output()[-2000:]))
    return q, ports


def irq_mode(out):
    m = re.search(r"^\[[ 0-9.]+\] pci 00:01\.0: (MSI-X|MSI|INTx)", out, re.M)
    if m:
        return m.group(1)
    # a DT device's wired interrupt (the GEM: "eth0: GEM rev ... at 10090000, plic 53, ...")
    return "wired" if re.search(r"^\[[ 0-9.]+\] eth\d: GEM .*, (plic|aplic) \d+,", out,
                                re.M) else "?"


def config_one(name, machine, nic, bootargs, a):
    """One config: throughput, RTT and counters in one boot; instructions in a -icount one."""
    q, ports = config_boot(machine, nic, bootargs, False)
    res = {"pps": [], "p50": [], "p90": [], "irqs": [], "doorbells": [], "lost": []}
    try:
        for _ in range(a.runs):
            before = udp_stats(ports["stats"])
            r = udpload(ports["echo"], 64, 32, secs=a.secs)
            after = udp_stats(ports["stats"])
            d = {k: after["netdev"][k] - before["netdev"][k] for k in after["netdev"]}
            n = max(r["received"], 1)
            res["pps"].append(r["pps"])
            res["lost"].append(r["lost"])
            res["irqs"].append(d["irqs"] / n)
            res["doorbells"].append((d["rx_doorbells"] + d["tx_doorbells"]) / n)
            r = udpload(ports["echo"], 64, 1, secs=a.secs / 2)
            res["p50"].append(r["rtt_us"]["p50"])
            res["p90"].append(r["rtt_us"]["p90"])
        res["mode"] = irq_mode(q.output())
    finally:
        q.kill()
    q, ports = config_boot(machine, nic, bootargs, True)
    try:
        a0 = udp_stats(ports["stats"])
        b0 = udp_stats(ports["stats"])
        cost = b0["sys"]["busy_instret"] - a0["sys"]["busy_instret"]
        before = udp_stats(ports["stats"])
        r = udpload(ports["echo"], 64, 32, count=20000)
        after = udp_stats(ports["stats"])
        res["instr"] = [(after["sys"]["busy_instret"] - before["sys"]["busy_instret"] - cost)
                        / max(r["received"], 1)]
    finally:
        q.kill()
    return res


def config_matrix(a, figs, problems):
    rows = {}
    for name, machine, nic, bootargs in CONFIGS:
        rows[name] = config_one(name, machine, nic, bootargs, a)
        r = rows[name]
        for key, unit in (("pps", "dgram/s"), ("p50", "us"), ("p90", "us"), ("irqs", ""),
                          ("doorbells", ""), ("instr", "instr"), ("lost", "dgrams")):
            figs["config %s (%s): %s" % (name, r["mode"], key)] = summary(r[key], unit)
    base = statistics.median(rows["plic/e1000"]["p50"])
    print("configurations (64 B; echo/s with 32 in flight, RTT with 1; median of %d runs; "
          "instructions under -icount):" % a.runs)
    print("  %-20s %-6s %9s %8s %8s %9s %8s %10s  %s" % (
        "machine/NIC", "irq", "echo/s", "rtt p50", "rtt p90", "instr/dg", "irqs/dg",
        "doorbl/dg", "p50 vs plic/e1000 (target: within 20%)"))
    for name, r in rows.items():
        p50 = statistics.median(r["p50"])
        ratio = p50 / base if base else 0
        verdict = "met" if ratio <= 1.2 else "MISSED"
        if ratio > 1.2:
            problems.append("%s: RTT p50 %.0f us, %.0f%% of plic/e1000's %.0f us" % (
                name, p50, 100 * ratio, base))
        print("  %-20s %-6s %9.0f %8.1f %8.1f %9.1f %8.3f %10.3f  %3.0f%% %s" % (
            name, r["mode"], statistics.median(r["pps"]), p50, statistics.median(r["p90"]),
            r["instr"][0], statistics.median(r["irqs"]), statistics.median(r["doorbells"]),
            100 * ratio, verdict))
        if any(r["lost"]):
            problems.append("%s: lost %s with 32 in flight" % (name, r["lost"]))
    return rows


def fmt(v):
    if v is None:
        return "-"
    return "%.3f" % v if isinstance(v, float) and abs(v) < 10 else "%.0f" % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--secs", type=float, default=2.0, help="seconds per throughput run")
    ap.add_argument("--quick", action="store_true", help="1 run, 1 s each")
    ap.add_argument("--other", help="QEMU arguments of another guest to measure instead")
    ap.add_argument("--no-configs", dest="configs", action="store_false",
                    help="skip the machine x NIC matrix")
    ap.add_argument("--configs-only", action="store_true",
                    help="only the machine x NIC matrix")
    ap.add_argument("--linux", action="store_true",
                    help="also build (tests/linux/build.sh) and measure a Linux 6.1 guest doing "
                         "the same echo, in the same run, and print both side by side")
    ap.add_argument("--regions", action="store_true",
                    help="only the region figures (RAM store and NVMe)")
    ap.add_argument("--backends", action="store_true",
                    help="only the echo figures over slirp and tap for the three guests "
                         "(adaptive poll, no poll, ceiling) and the busy-polling targets")
    a = ap.parse_args()
    if a.quick:
        a.runs, a.secs = 1, 1.0
    if a.backends:
        build()
        figs, problems = {}, []
        backends_section(a, [(s, w) for s in (64, 1472) for w in (1, 8, 32, 128)], figs,
                         problems)
        for name, f in figs.items():
            print("%-60s %12s %12s %12s  %s" % (name, fmt(f["median"]), fmt(f["min"]),
                                                fmt(f["max"]), f["unit"]))
        for p in problems:
            print("bench: PROBLEM: " + p)
        return 1 if problems else 0
    if a.regions:
        build()
        figs = {}
        region_section(figs)
        for name, f in figs.items():
            print("%-52s %12s %12s %12s  %s" % (name, fmt(f["median"]), fmt(f["min"]),
                                                fmt(f["max"]), f["unit"]))
        return 0
    if a.quick:
        a.runs, a.secs = 1, 1.0
    build()
    if a.configs_only:
        problems = []
        figs = {}
        config_matrix(a, figs, problems)
        for p in problems:
            print("bench: PROBLEM: " + p)
        with open(os.path.join(B, "bench-configs.json"), "w") as f:
            json.dump({"info": host_info(), "figures": figs, "problems": problems}, f,
                      indent=1)
        return 1 if problems else 0
    if not a.linux:
        rc = measure(a)
        if not a.other:
            picture(os.path.join(B, "bench.json"))
        return rc
    subprocess.run(["sh", os.path.join(ROOT, "tests", "linux", "build.sh")], check=True)
    rc = measure(a)
    ours = json.load(open(os.path.join(B, "bench.json")))
    a.other = LINUX_ARGS % os.path.join(B, "linux", "Image")
    rc |= measure(a, out_name="bench-linux.json")
    theirs = json.load(open(os.path.join(B, "bench-linux.json")))
    lt = linux_tcp_instructions(a.other)
    if lt:
        theirs["figures"]["tcp instr/segment (4 MiB echo)"] = summary(lt, "instr")
        with open(os.path.join(B, "bench-linux.json"), "w") as f:
            json.dump(theirs, f, indent=1)
    # the Linux guest over the tap back-end too (its /init is 10.0.2.15 on 10.0.2.0/24)
    ns, why = benchnet.tap_setup()
    if ns:
        try:
            benchnet.other_matrix(LINUX_TAP_ARGS % os.path.join(B, "linux", "Image"),
                                  [(s, w) for s in (64, 1472) for w in (1, 8, 32, 128)],
                                  a.runs, a.secs, ns, summary, theirs["figures"])
        finally:
            benchnet.tap_teardown(ns)
    else:
        print("bench: the Linux guest over tap skipped: " + why)
    li = linux_instructions(a.other)
    if li:
        theirs["figures"]["instr/dgram 64B w=32"] = summary(li, "instr")
        theirs["figures"]["instr/dgram 64B w=32"]["method"] = (
            "instret under -icount x busy share of /proc/stat ticks (tests/linux/echo_init.c)")
        with open(os.path.join(B, "bench-linux.json"), "w") as f:
            json.dump(theirs, f, indent=1)
    picture(os.path.join(B, "bench.json"), os.path.join(B, "bench-linux.json"))
    print("\nbench: side by side, same QEMU, same client, same run")
    print("%-44s %12s %12s" % ("figure (median)", "unikernel", "linux 6.1"))
    for name, f in ours["figures"].items():
        g = theirs["figures"].get(name)
        if g is not None:
            print("%-44s %12s %12s" % (name, fmt(f["median"]), fmt(g["median"])))
    for name, g in theirs["figures"].items():  # over tap: ours as it boots
        if name.endswith("(tap)"):
            f = ours["figures"].get(name[:-len("(tap)")] + "(tap, adaptive poll)")
            print("%-44s %12s %12s" % (name, fmt(f["median"]) if f else "-", fmt(g["median"])))
    return rc


def picture(ours, linux=None):
    """build/bench.svg (tests/tools/benchplot.py): rates and RTTs, beside Linux's if given."""
    try:
        import benchplot
        benchplot.plot(json.load(open(ours)), json.load(open(linux)) if linux else None,
                       os.path.join(B, "bench.svg"))
        print("bench: wrote build/bench.svg")
    except ImportError as e:
        print("bench: no build/bench.svg: %s (apt-get install python3-matplotlib)" % e)


def measure(a, out_name="bench.json"):
    cases = [(s, w) for s in (64, 1472) for w in (1, 8, 32, 128)]
    figs = {}
    info = host_info()
    info["guest"] = "other: " + a.other if a.other else "build/kernel.bin"

    # Boot
    if a.other:
        boots = []
        for _ in range(a.runs):
            p, port, t0 = boot_other(a.other)
            t = first_echo(port, t0, timeout=120)
            boots.append(None if t is None else t * 1000)
            p.kill()
            p.wait()
        figs["boot_first_echo_ms"] = summary(boots, "ms")
    else:
        dh, st, ml, es, rx = [], [], [], [], []
        for _ in range(a.runs):
            t, m, _e, r = boot_ours("")
            dh.append(t)
            ml.append(m)
            rx.append(r)
            t, _m, e, _r = boot_ours("ip=10.0.2.15/24,10.0.2.2")
            st.append(t)
            es.append(e)
        figs["boot_first_echo_ms (dhcp)"] = summary(dh, "ms")
        figs["boot_first_echo_ms (static ip)"] = summary(st, "ms")
        figs["main_loop_ms"] = summary(ml, "ms")
        figs["nic_receive_on_ms (RCTL written)"] = summary(rx, "ms")
        figs["echo_serving_ms (static ip, guest clock)"] = summary(es, "ms")
    figs["floor_sbi_ms"] = summary([floor_sbi() for _ in range(a.runs)], "ms")

    # Host loopback baseline (one run each: only needs to be well above the guest).
    srv_port = free_udp_port()
    srv = subprocess.Popen([UDPLOAD, "--server", str(srv_port), "-t", str(len(cases) * (a.secs
                                                                                  + 1) + 5)],
                           stdout=subprocess.DEVNULL)
    time.sleep(0.2)
    try:
        base = load_matrix(srv_port, cases, a.secs)
    finally:
        srv.kill()
        srv.wait()

    # Load against the guest
    runs = []
    if a.other:
        p, port, t0 = boot_other(a.other)
        try:
            if first_echo(port, t0, timeout=120) is None:
                sys.exit("bench: the other guest never echoed on port %d" % port)
            for _ in range(a.runs):
                runs.append(load_matrix(port, cases, a.secs))
        finally:
            p.kill()
            p.wait()
    else:
        spec, ports = user_netdev(echo=7, stats=STATS)
        q = Qemu(bootargs="stats.port=%d" % STATS, netdev=spec)
        try:
            if first_echo(ports["echo"], q.t0) is None:
                sys.exit("bench: the guest never echoed:\n" + q.output()[-2000:])
            booted = udp_stats(ports["stats"])
            for _ in range(a.runs):
                runs.append(load_matrix(ports["echo"], cases, a.secs, ports["stats"]))
            final = udp_stats(ports["stats"])
        finally:
            q.kill()

    instr = {tag: [] for _, _, tag in COUNTED}
    passes = {tag: [] for _, _, tag in COUNTED}
    prof = profv = None
    if not a.other:
        checks = []
        for cpu, nic, tag in COUNTED:
            for _ in range(a.runs):
                r, cost, check, pa = instructions(cases, cpu=cpu, nic=nic)
                instr[tag].append(r)
                passes[tag].append(pa)
                checks.append(check)
        figs["stats request cost (subtracted)"] = summary([cost], "instr")
        figs["instret check: loop of 2000000 counted as"] = summary(checks, "instr")
        prof = insnprof.profile(64, 32)
        profv = insnprof.profile(64, 32, cpu=VECTOR_CPU)
        gem = gem_figures(a, cases)

    problems = []
    for size, window in cases:
        key = "%dB w=%d" % (size, window)
        rs = [r[(size, window)] for r in runs]
        for r in rs:
            if r["corrupt"] or r["unexpected"]:
                problems.append("%s: %d corrupt, %d unexpected replies" % (key, r["corrupt"],
                                                                           r["unexpected"]))
        figs["echo_pps " + key] = summary([r["pps"] for r in rs], "dgram/s")
        figs["echo_lost " + key] = summary([r["lost"] for r in rs], "dgrams")
        figs["  of which host socket drops " + key] = summary(
            [r["host_sock_drops"] for r in rs], "dgrams")
        if not a.other:
            figs["  of which guest rx drops " + key] = summary(
                [r["guest_rx_drops"] for r in rs], "dgrams")
        figs["host_loopback_pps " + key] = summary([base[(size, window)]["pps"]], "dgram/s")
        if not a.other:
            figs["irqs/dgram " + key] = summary([r["irqs_per_dgram"] for r in rs], "")
            figs["doorbells/dgram " + key] = summary([r["doorbells_per_dgram"] for r in rs], "")
            figs["polls/irq " + key] = summary([r["polls_per_irq"] for r in rs], "")
            for _, _, tag in COUNTED:
                figs["instr/dgram " + key + tag] = summary(
                    [r[(size, window)] for r in instr[tag]], "instr")
            figs["  poll passes/dgram (-icount) " + key] = summary(
                [r[(size, window)] for r in passes[""]], "")
    for p in ("p50", "p90", "p99", "max"):
        figs["rtt_us %s (64B w=1)" % p] = summary([r[(64, 1)]["rtt_us"][p] for r in runs], "us")
        figs["host_loopback_rtt_us %s" % p] = summary([base[(64, 1)]["rtt_us"][p]], "us")
    for pr, tag in ((prof, ""), (profv, " (V)")):
        if not pr:
            continue
        figs["instr/dgram 64B w=32, one burst: TCG exec log" + tag] = summary(
            [pr["per_dgram"]], "instr")
        figs["instr/dgram 64B w=32, same burst: instret" + tag] = summary(
            [pr["instret_per_dgram"]], "instr")
        if abs(pr["per_dgram"] - pr["instret_per_dgram"]) > 0.02 * pr["per_dgram"]:
            problems.append("instructions per datagram of one burst%s: instret says %.0f, the "
                            "exec log %.0f" % (tag, pr["instret_per_dgram"], pr["per_dgram"]))
    if prof:
        for c in checks:
            if c is None or not 2000000 <= c <= 2000008:
                problems.append("instret check: a loop of 2000000 instructions counted %s" % c)
    if not a.other:
        fp = footprint()
        for k, v in fp.items():
            figs["footprint %s" % k] = summary([v], "bytes")
        figs["RAM in use after boot (image + pages)"] = summary(
            [booted["sys"]["ram_used_bytes"]], "bytes")
        figs["RAM managed"] = summary([booted["sys"]["ram_bytes"]], "bytes")
        figs["mbuf low_water (of %d)" % final["mbuf"]["total"]] = summary(
            [final["mbuf"]["low_water"]], "mbufs")
        figs["mbuf alloc_fail"] = summary([final["mbuf"]["alloc_fail"]], "")

    if not a.other:
        figs.update(gem)
        backends_section(a, cases, figs, problems)
        region_section(figs)

    # TCP
    if a.other:
        mbs, cps, tp = tcp_other(a.other, a.runs)
    else:
        mbs, cps, mem, tp = tcp_ours(a.runs)
        figs["tcp memory/connection (control block + rings)"] = summary([mem], "bytes")
        figs["tcp instr/segment (4 MiB echo)"] = summary(tcp_instructions(a.runs), "instr")
    problems += tp
    figs["tcp echo MB/s (one connection, 16 MiB)"] = summary(mbs, "MB/s")
    figs["tcp connections/s (connect, 64 B echo, close)"] = summary(cps, "conn/s")

    print("bench: %s; host CPU %s (%d cores); kernel %s" % (info["qemu"], info["host_cpu"],
                                                          info["host_cores"], info["kernel"]))
    print("%-44s %12s %12s %12s  %s" % ("figure", "median", "min", "max", "unit"))
    for name, f in figs.items():
        print("%-44s %12s %12s %12s  %s" % (name, fmt(f["median"]), fmt(f["min"]),
                                            fmt(f["max"]), f["unit"]))
    if not a.other:
        for _, _, tag in COUNTED:
            i64, i1472 = figs["instr/dgram 64B w=32" + tag], figs["instr/dgram 1472B w=32" + tag]
            figs["instr/payload byte 1472B w=32 (over 64B)" + tag] = summary(
                [(b - a) / (1472 - 64) for a, b in zip(i64["runs"], i1472["runs"])
                 if a is not None and b is not None], "instr/byte")
        print("targets (issues 7 and 17; guest, echo over slirp; median, and the worst run;"
              " (V): the CPU with the vector extension, -cpu %s; (82574L): that NIC, which"
              " verifies received checksums, on the default CPU):" % VECTOR_CPU)
        for name, key, limit in (
                ("instructions/datagram, 64 B, 32 in flight", "instr/dgram 64B w=32", 450),
                ("  the same (V)", "instr/dgram 64B w=32 (V)", 450),
                ("  the same (82574L)", "instr/dgram 64B w=32 (82574L)", 450),
                ("instructions/payload byte, 1472 B", "instr/payload byte 1472B w=32 (over 64B)",
                 0.4),
                ("  the same (V)", "instr/payload byte 1472B w=32 (over 64B) (V)", 0.4),
                ("  the same (82574L)", "instr/payload byte 1472B w=32 (over 64B) (82574L)",
                 0.4),
                ("interrupts/datagram, 32 in flight", "irqs/dgram 64B w=32", 0.05),
                ("interrupts/datagram, 128 in flight", "irqs/dgram 64B w=128", 0.05),
                ("doorbell writes/datagram, 32 in flight", "doorbells/dgram 64B w=32", 0.1),
                ("doorbell writes/datagram, 128 in flight", "doorbells/dgram 64B w=128", 0.1),
                ("image bytes (kernel.bin)", "footprint image_bin", 128 * 1024)):
            f = figs[key]
            print("  %-42s <= %-8s %10s %10s  %s" % (name, fmt(limit), fmt(f["median"]),
                                                    fmt(f["max"]),
                                                    "met" if f["max"] <= limit else
                                                    "met by the median" if f["median"] <= limit
                                                    else "MISSED"))
    if not a.other and a.configs:
        config_matrix(a, figs, problems)
    for pr, tag in ((prof, ""), (profv, ", with V")):
        if not pr:
            continue
        print("where the instructions go (64 B, 32 in flight%s; TCG exec log, per datagram):"
              % tag)
        for name, v in pr["functions"][:14]:
            print("  %7.1f  %s" % (v, name))
    if not a.other:
        print_side_by_side(figs)
    for p in problems:
        print("bench: PROBLEM: " + p)
    out = os.path.join(B, out_name)
    with open(out, "w") as f:
        json.dump({"info": info, "runs": a.runs, "secs_per_run": a.secs, "figures": figs,
                   "profile_64B_w32": prof and prof["functions"][:40],
                   "profile_64B_w32_vector": profv and profv["functions"][:40],
                   "problems": problems},
                  f, indent=1)
    print("bench: wrote %s" % os.path.relpath(out, ROOT))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
