# SPDX-License-Identifier: BSD-2-Clause
"""build/bench.svg from make bench's JSON (tests/tools/benchplot.py), on made-up figures: a
line per size and back-end, Linux's beside ours when given, the RTT percentiles."""
import json
import os
import re
import subprocess
import tempfile

from qemu import ROOT

PLOT = os.path.join(ROOT, "tests", "tools", "benchplot.py")


def fig(v):
    return {"median": v, "min": v * 0.9, "max": v * 1.1, "unit": "x", "runs": [v]}


def bench_json(prefix="", scale=1.0):
    f = {}
    for size in (64, 1472):
        for w in (1, 8, 32, 128):
            f["%secho_pps %dB w=%d" % (prefix, size, w)] = fig(scale * 1000 * w)
    for i, p in enumerate(("p50", "p90", "p99", "max")):
        f["%srtt_us %s (64B w=1)" % (prefix, p)] = fig(100.0 * (i + 1))
    f["instr/dgram 64B w=32"] = fig(925)  # not drawn
    return f


def draw(tmp, ours, linux=None):
    paths = [os.path.join(tmp, "bench.json")]
    json.dump({"info": {"date": "today"}, "figures": ours}, open(paths[0], "w"))
    if linux:
        paths.append(os.path.join(tmp, "bench-linux.json"))
        json.dump({"info": {}, "figures": linux}, open(paths[1], "w"))
    out = os.path.join(tmp, "bench.svg")
    r = subprocess.run(["/usr/bin/python3", PLOT] + paths + ["-o", out], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return open(out).read()


def ids(svg):
    return set(re.findall(r'id="((?:echo|rtt)-[^"]+)"', svg))


def test_lines_per_size_and_backend_beside_linux():
    with tempfile.TemporaryDirectory() as tmp:
        ours = bench_json()
        ours.update(bench_json("sifive_u GEM: ", 0.5))
        svg = draw(tmp, ours, bench_json(scale=0.1))
    got = ids(svg)
    for size in (64, 1472):
        for src in ("unikernel-virt-e1000", "unikernel-sifive-u-gem", "linux-6-1-virt-e1000"):
            assert "echo-%dB-%s" % (size, src) in got, sorted(got)
    for p in ("p50", "p90", "p99", "max"):
        assert "rtt-unikernel-virt-e1000-%s" % p in got and "rtt-linux-6-1-virt-e1000-%s" % p \
            in got, sorted(got)
    assert "UDP echo, 1472-byte datagrams" in svg and "datagrams in flight" in svg


def test_without_linux_only_ours():
    with tempfile.TemporaryDirectory() as tmp:
        svg = draw(tmp, bench_json())
    got = ids(svg)
    assert "echo-64B-unikernel-virt-e1000" in got
    assert not any("linux" in i for i in got), sorted(got)
