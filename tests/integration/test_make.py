# SPDX-License-Identifier: BSD-2-Clause
"""The newcomer's targets, run as a user would run them: make help, make run with its options
and refusals, make debug with a scripted GDB, make compile_commands.json.

`make run` is started in a session of its own and stopped by signalling that session's
process group (everything in it was started here); each run gets its own free ports.
"""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from qemu import ROOT, free_tcp_port, free_udp_port, udp_echo

MAKE = ["make", "-s", "--no-print-directory", "-C", ROOT]


def make(*args, timeout=60):
    """Run make to the end; on a timeout its whole session (a QEMU it started too) is killed."""
    p = subprocess.Popen(MAKE + list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise AssertionError("make %s did not finish in %d s:\n%s%s"
                             % (" ".join(args), timeout, out[-2000:], err[-2000:]))
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


class Run:
    """`make run ...` in the background; output collected; stopped by its process group."""

    def __init__(self, *args):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(MAKE + ["run"] + list(args), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self):
        self.log.seek(0)
        return self.log.read().replace("\r", "")

    def wait_for(self, pattern, timeout=40):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.output(), re.M)
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("no %r in:\n%s" % (pattern, self.output()[-3000:]))

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        self.log.close()


def ports():
    return "PORT=%d" % free_udp_port(), "STORE_PORT=%d" % free_udp_port()


# ---- make help ----

def phony_targets():
    names = set()
    for path in ("Makefile", "tests/fuzz/fuzz.mk"):
        text = open(os.path.join(ROOT, path)).read().replace("\\\n", " ")
        for m in re.finditer(r"^(PHONY_EXTRA\s*:=|\.PHONY:)(.*)$", text, re.M):
            names.update(w for w in m.group(2).split() if not w.startswith("$("))
    return names


def test_help_lists_every_target_and_run_variable():
    out = make("help").stdout
    listed = set(re.findall(r"^  (\S+)\s", out, re.M))
    missing = sorted(t for t in phony_targets() if t not in listed)
    assert not missing, "targets without a '#> name: text' line in the Makefile: %s" % missing
    for var in ("MEM", "PORT", "STORE_PORT", "SMP", "NIC", "BIOS", "BOOTARGS", "MACHINE", "NET",
                "PCAP", "QEMU_EXTRA", "GDB_PORT", "CONSOLE_PORT", "DEBUG_BREAK", "GDB_SCRIPT"):
        assert re.search(r"^  %s=" % var, out, re.M), "variable %s not in make help" % var


# ---- make run: refusals, before QEMU starts ----

@pytest.mark.parametrize("setting,reason", [
    ("MEM=8M", r"MEM=8M is below the 11 MiB minimum"),
    ("MEM=lots", r"MEM=lots is not a size"),
    ("BIOS=none", r"BIOS=none cannot work: the kernel runs in S-mode and calls SBI firmware"),
    ("BIOS=/nonexistent/fw.bin", r"BIOS=/nonexistent/fw.bin: no such file"),
    ("MACHINE=sifive_x", r"MACHINE=sifive_x is not known: virt, virt-aplic"),
    ("NIC=rtl8139", r"NIC=rtl8139 has no driver here"),
    ("MACHINE=sifive_u NIC=e1000-82545em", r"NIC=e1000-82545em: sifive_u has its own Cadence GEM"),
    ("NET=bridge", r"NET=bridge is not known"),
    ("SMP=0", r"SMP=0 is not a number of harts"),
    ("PCAP=/nonexistent/dir/x.pcap", r"PCAP=/nonexistent/dir/x.pcap: no folder"),
])
def test_run_refuses_settings_that_cannot_work(setting, reason):
    r = make("run", *setting.split(), *ports(), timeout=30)
    assert r.returncode != 0
    assert re.search(reason, r.stderr), r.stderr + r.stdout
    assert "Booting" not in r.stdout


def test_run_refuses_a_port_in_use():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    try:
        r = make("run", "PORT=%d" % s.getsockname()[1], "STORE_PORT=%d" % free_udp_port())
    finally:
        s.close()
    assert r.returncode != 0
    assert re.search(r"host UDP port \d+ \(PORT\) is in use", r.stderr), r.stderr


def test_store_port_follows_port():
    """A second `make run PORT=...` must not collide on the store's forward."""
    assert "STORE_PORT=6001 " in make("-n", "run", "PORT=6000").stdout
    assert "STORE_PORT=7000 " in make("-n", "run").stdout
    assert "STORE_PORT=7100 " in make("-n", "run", "PORT=6000", "STORE_PORT=7100").stdout


# ---- make run: options, booted ----

def test_two_runs_side_by_side_with_their_own_ports_and_a_capture():
    """Two `make run`s at once (each with PORT; STORE_PORT follows it), one capturing to PCAP
    and passing QEMU_EXTRA; both echo, the capture holds the echo both ways."""
    a_port, b_port = free_udp_port(), free_udp_port()
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "run.pcap")
        with Run("PORT=%d" % a_port, "PCAP=%s" % pcap, "QEMU_EXTRA=-name uk-make-test") as a, \
                Run("PORT=%d" % b_port) as b:
            for run, port in ((a, a_port), (b, b_port)):
                run.wait_for(r"echo: serving UDP port 7")
                run.wait_for(r"Store service on 127\.0\.0\.1:%d" % (port + 1), timeout=1)
                reply = None
                for _ in range(20):
                    reply = udp_echo(port, b"side by side %d" % port, timeout=0.5, tries=1)
                    if reply:
                        break
                assert reply == b"side by side %d" % port, run.output()[-2000:]
            assert "Capturing the NIC's traffic to %s" % pcap in a.output()
        tshark = subprocess.run(["tshark", "-r", pcap, "-Y", "udp.port == 7", "-T", "fields",
                                 "-e", "udp.srcport", "-e", "udp.dstport"],
                                capture_output=True, text=True, timeout=30)
        pairs = set(tuple(line.split("\t")) for line in tshark.stdout.splitlines())
        assert any(p[1] == "7" for p in pairs) and any(p[0] == "7" for p in pairs), \
            tshark.stdout + tshark.stderr


@pytest.mark.parametrize("machine", ["virt-aplic", "virt-imsic"])
def test_run_machine_names_pass_through(machine):
    with Run("MACHINE=%s" % machine, *ports()) as r:
        r.wait_for(r"Booting .*: QEMU virt,aia=aplic")
        r.wait_for(r"echo: serving UDP port 7")


def test_run_sifive_u_boots_on_its_gem():
    """MACHINE=sifive_u: QEMU's FU540 with 2 harts (SMP=1 is raised: hart 0 is the E51), the
    built-in Cadence GEM on user networking, echo through the forward."""
    pp = ports()
    port = int(pp[0].split("=")[1])
    with Run("MACHINE=sifive_u", *pp) as r:
        r.wait_for(r"Booting .*: QEMU sifive_u, 256M RAM, 2 hart\(s\), cadence_gem")
        r.wait_for(r"eth0: GEM rev [0-9a-f]+ \(sifive,fu540-c000-gem\)")
        r.wait_for(r"echo: serving UDP port 7")
        reply = None
        for _ in range(20):
            reply = udp_echo(port, b"gem", timeout=0.5, tries=1)
            if reply:
                break
        assert reply == b"gem", r.output()[-2000:]


def test_run_82574l_and_spike():
    with Run("MACHINE=virt-imsic", "NIC=e1000e", *ports()) as r:
        r.wait_for(r"Booting .*: QEMU virt,aia=aplic-imsic, .* e1000e on user networking")
        r.wait_for(r"eth0: MSI-X: rx imsic")
        r.wait_for(r"echo: serving UDP port 7")
    with Run("MACHINE=spike", *ports()) as r:
        r.wait_for(r"Booting .*: QEMU spike, .* none on user networking")
        r.wait_for(r"main loop reached .*, polling on a tick")


def test_run_net_tap_makes_and_removes_its_namespace():
    if os.geteuid() != 0:
        pytest.skip("NET=tap needs root")
    with Run("NET=tap") as r:
        m = r.wait_for(r"Tap uktap0 in network namespace (uk-run-\d+)")
        ns = m.group(1)
        r.wait_for(r"echo: serving UDP port 7 on 10\.0\.2\.15")
        ping = subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "2", "-i", "0.5",
                               "-w", "10", "10.0.2.15"], capture_output=True, text=True,
                              timeout=20)
        assert ping.returncode == 0, ping.stdout
        assert ns in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                    text=True).stdout
        r.stop()  # make dies at once; its shell then stops QEMU and removes the namespace
        deadline = time.monotonic() + 20
        while ("removed network namespace %s" % ns not in r.output()
               and time.monotonic() < deadline):
            time.sleep(0.1)
        assert "removed network namespace %s" % ns in r.output(), r.output()[-1000:]
    assert ns not in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                    text=True).stdout


def test_run_net_tap_refused_without_root():
    if os.geteuid() != 0:
        r = make("run", "NET=tap")
    else:
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "sh", os.path.join(ROOT, "tests", "qemu-run.sh"),
                            os.path.join(ROOT, "build", "kernel.bin"), "NET=tap"],
                           capture_output=True, text=True, timeout=20)
    assert r.returncode != 0
    assert "NET=tap needs root" in r.stderr, r.stderr


# ---- make debug: a scripted GDB ----

def debug(script, *args, timeout=90):
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(script)
    gdb_port = free_tcp_port()
    try:
        r = make("debug", "GDB_PORT=%d" % gdb_port, "CONSOLE_PORT=%d" % free_tcp_port(),
                 "GDB_SCRIPT=%s" % f.name, "GDB_BATCH=1", *ports(), *args, timeout=timeout)
    finally:
        os.unlink(f.name)
    left = subprocess.run(["pgrep", "-f", "gdb tcp:127.0.0.1:%d" % gdb_port],
                          capture_output=True, text=True).stdout.split()
    assert not left, "QEMU left running after make debug: %s" % left
    console = open(os.path.join(ROOT, "build", "debug-console.log")).read().replace("\r", "")
    return r, console


def test_debug_breaks_at_kmain_with_symbols():
    r, _ = debug("print hartid\nprint/x dtb\nprint sizeof(struct netdev)\nbt\n")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert re.search(r"Breakpoint 1, kmain \(hartid=0, dtb=\d+, dtb_in_image=0\) at boot/init/main\.c:\d+",
                     out), out
    assert re.search(r"^\$1 = 0$", out, re.M), out
    assert re.search(r"^\$2 = 0x8[0-9a-f]{7}$", out, re.M), out
    assert re.search(r"^\$3 = \d+$", out, re.M), out
    assert re.search(r"#0  kmain .* at boot/init/main\.c", out), out


def test_debug_panic_backtrace_is_symbolized():
    """GDB stops in vm_init (called from kmain) and jumps into panic(): the console shows the
    backtrace with function+offset, and the addr2line command resolves it to kmain."""
    r, console = debug("set var $a0 = (long)machine.bootargs\njump *panic\n",
                       "DEBUG_BREAK=vm_init", "BOOTARGS=gdb-made-panic")
    assert "*** KERNEL PANIC: gdb-made-panic" in console, console[-2000:]
    assert re.search(r"^  #0 [0-9a-f]+ kmain\+0x[0-9a-f]+$", console, re.M), console[-2000:]
    m = re.search(r"^file:line: (riscv64-unknown-elf-addr2line .*)$", console, re.M)
    assert m, console[-2000:]
    a2l = subprocess.run(m.group(1).split(), cwd=ROOT, capture_output=True, text=True)
    assert re.search(r"kmain at .*boot/init/main\.c:\d+", a2l.stdout), a2l.stdout + a2l.stderr


# ---- make compile_commands.json ----

def test_compile_commands_cover_the_sources_with_the_build_flags():
    r = make("compile_commands.json")
    assert r.returncode == 0, r.stderr
    db = json.load(open(os.path.join(ROOT, "compile_commands.json")))
    files = {e["file"]: e["arguments"] for e in db}
    for src in ("boot/init/main.c", "app/shell.c", "lib/klog.c", "tests/host/test_klog.c"):
        assert src in files, sorted(files)[:20]
    main = files["boot/init/main.c"]
    assert main[0].endswith("riscv64-unknown-elf-gcc") and "-ffreestanding" in main
    assert any(re.fullmatch(r'-DKERNEL_VERSION="[0-9.]+"', a) for a in main), main
    assert "-fsanitize=address,undefined" in files["tests/host/test_klog.c"]
    # a clang tool accepts the kernel's entry as it is
    chk = subprocess.run(["clang", "-fsyntax-only"] + [a for a in main[1:] if a not in
                         ("-c", "-o", "build/k/boot/init/main.c.o", "-MMD", "-MP")]
                         + ["--target=riscv64-unknown-elf"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert chk.returncode == 0, chk.stderr[-2000:]
