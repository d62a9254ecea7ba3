# SPDX-License-Identifier: BSD-2-Clause
"""Start, watch and always reap QEMU instances for the integration tests.

Every instance is started with its own loopback ports, its serial console on a pipe that a
reader thread collects, and an optional monitor socket. Only the process started here is ever
killed (by its PID), and atexit makes sure none outlives the test run.
"""
import atexit
import os
import re
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# UK_KERNEL: run the suite against another image (e.g. an older tree's, to see a test fail).
KERNEL = os.environ.get("UK_KERNEL") or os.path.join(ROOT, "build", "kernel.bin")
DEBIAN_FW_DYNAMIC = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
_live = []

# The machines the network tests run on, with their NIC. "gem" is sifive_u's built-in Cadence
# GEM: it takes its back-end from -nic. sifive_u needs 2 harts (hart 0 is the E51 monitor core,
# so the kernel boots on hart 1).
MACHINES = {
    "virt": {"machine": "virt", "nic": "e1000", "smp": 1},
    "sifive_u": {"machine": "sifive_u", "nic": "gem", "smp": 2},
}


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Qemu:
    """One QEMU guest (virt unless machine says otherwise). nic: a -device model taking
    netdev n0, "gem" for sifive_u's built-in GEM, or None for no NIC."""

    def __init__(self, kernel=KERNEL, mem="256M", smp=1, bootargs="", nic="e1000",
                 netdev=None, extra=(), bios="default", hostfwd=True, monitor=True,
                 dtb=None, append=True, stdin=False, machine="virt", wrap=()):
        self.echo_port = free_udp_port()
        self.store_port = free_udp_port()
        self.tmp = tempfile.mkdtemp(prefix="qemu-test-")
        self.monitor_path = os.path.join(self.tmp, "mon.sock") if monitor else None
        if machine == "sifive_u":
            smp = max(smp, 2)
        cmd = ["qemu-system-riscv64", "-M", machine, "-m", str(mem), "-smp", str(smp),
               "-nographic", "-bios", bios, "-kernel", kernel]
        if append:
            cmd += ["-append", bootargs]
        if dtb:
            cmd += ["-dtb", dtb]
        if nic:
            if netdev is None:
                netdev = "user,id=n0"
                if hostfwd:
                    netdev += (",hostfwd=udp:127.0.0.1:%d-:7,hostfwd=udp:127.0.0.1:%d-:7000"
                               % (self.echo_port, self.store_port))
            if nic == "gem":
                cmd += ["-nic", netdev]
            else:
                cmd += ["-device", "%s,netdev=n0" % nic, "-netdev", netdev]
        if self.monitor_path:
            cmd += ["-monitor", "unix:%s,server,nowait" % self.monitor_path]
        cmd += list(extra)
        cmd = list(wrap) + cmd  # e.g. ["ip", "netns", "exec", NS]: it execs QEMU, same PID
        self.cmd = cmd
        self.out = ""
        self._lock = threading.Lock()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        _live.append(self)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            with self._lock:
                self.out += chunk.decode("utf-8", "replace").replace("\r", "")

    def send(self, text):
        """Type text on the serial console (needs stdin=True)."""
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def output(self):
        with self._lock:
            return self.out

    def wait_for(self, pattern, timeout=30.0):
        """Wait until the console output matches the regex; return the match or raise."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, re.M)
        while time.monotonic() < deadline:
            m = rx.search(self.output())
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.2)
                m = rx.search(self.output())
                if m:
                    return m
                raise AssertionError("QEMU exited (%s) before %r; output:\n%s"
                                     % (self.proc.returncode, pattern, self.output()[-3000:]))
            time.sleep(0.05)
        raise AssertionError("timeout waiting for %r; output:\n%s"
                             % (pattern, self.output()[-3000:]))

    def wait_exit(self, timeout=60.0):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("QEMU did not exit; output:\n%s" % self.output()[-3000:])

    def monitor(self, command, timeout=5.0):
        """Send one human-monitor command and return its reply text."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                s.connect(self.monitor_path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        buf = b""
        while b"(qemu)" not in buf:
            buf += s.recv(4096)
        s.sendall(command.encode() + b"\n")
        buf = b""
        while buf.count(b"(qemu)") < 1:
            data = s.recv(4096)
            if not data:
                break
            buf += data
        s.close()
        return buf.decode("utf-8", "replace")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self in _live:
            _live.remove(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def udp_echo(port, payload, timeout=2.0, tries=3):
    """Send payload to the guest echo through hostfwd; return what came back (or None)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        for _ in range(tries):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                data, _ = s.recvfrom(65536)
                return data
            except socket.timeout:
                continue
        return None
    finally:
        s.close()


def wait_echo(q, timeout=20.0):
    """Wait until the guest echoes (address configured and receive enabled)."""
    q.wait_for(r"echo: serving", timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if udp_echo(q.echo_port, b"ping", timeout=0.5, tries=1) == b"ping":
            return True
    raise AssertionError("no echo; output:\n%s" % q.output()[-3000:])


@atexit.register
def _reap_all():
    for q in list(_live):
        q.kill()


# ---- added for the network tests (test_echo.py, test_nic.py, bench.py) ----
def user_netdev(netid="n0", **guest_ports):
    """User networking with one UDP hostfwd per named guest port, e.g. user_netdev(echo=7,
    stats=9999); returns (netdev spec, {name: host port})."""
    ports = {name: free_udp_port() for name in guest_ports}
    spec = "user,id=%s" % netid
    for name, gport in guest_ports.items():
        spec += ",hostfwd=udp:127.0.0.1:%d-:%d" % (ports[name], gport)
    return spec, ports


STATS_REQUEST_LEN = 1472  # the stats service never answers with more than the request's length


def stats_request(names="all"):
    """A stats.port request for the named layers, padded with spaces to a full datagram."""
    return names.encode().ljust(STATS_REQUEST_LEN)


def stats_merge(ask, limit=16):
    """Collect every layer from the stats service: ask(payload) returns one reply (bytes) or
    None; a reply names in "more" the layers that did not fit, which are asked for next."""
    import json
    merged, names = {}, "all"
    for _ in range(limit):
        data = ask(stats_request(names))
        if data is None:
            return None
        part = json.loads(data.decode())
        more = part.pop("more", None)
        merged.update(part)
        if not more:
            return merged
        names = " ".join(more)
    raise AssertionError("stats service kept answering \"more\": %s" % names)


def udp_stats(port, timeout=2.0, tries=3):
    """Ask the guest's stats.port service (through hostfwd) for its counters; a dict."""
    st = stats_merge(lambda req: udp_echo(port, req, timeout=timeout, tries=tries))
    if st is None:
        raise AssertionError("no answer from the stats service on host port %d" % port)
    return st
