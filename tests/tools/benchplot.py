#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""build/bench.svg from make bench's JSON: echo rate against datagrams in flight, one panel per
datagram size with a line per back-end (and the Linux guest's when bench-linux ran), and the
round-trip percentiles beside them. Each point is the median of the runs; the bars span min
to max.

Usage: /usr/bin/python3 tests/tools/benchplot.py build/bench.json [build/bench-linux.json]
       [-o build/bench.svg]
A figure key "echo_pps 64B w=32" is the default back-end (QEMU virt, e1000); "NAME: echo_pps
64B w=32" is back-end NAME (other helpers add them); the same for "rtt_us p50 (64B w=1)".
Each drawn series carries an SVG id (echo-<size>B-<source>, rtt-<source>-<pct>) for the tests.
"""
import argparse
import json
import re
import sys

DEFAULT_BACKEND = "virt e1000"
ECHO = re.compile(r"^(?:(.+): )?echo_pps (\d+)B w=(\d+)$")
RTT = re.compile(r"^(?:(.+): )?rtt_us (p50|p90|p99|max) \(64B w=1\)$")
PCTS = ("p50", "p90", "p99", "max")


def series(figures, label):
    """{size: {source: [(window, median, min, max)]}}, {source: {pct: (median, min, max)}}"""
    echo, rtt = {}, {}
    for key, f in figures.items():
        if f.get("median") is None:
            continue
        m = ECHO.match(key)
        if m:
            src = label(m.group(1))
            echo.setdefault(int(m.group(2)), {}).setdefault(src, []).append(
                (int(m.group(3)), f["median"], f["min"], f["max"]))
            continue
        m = RTT.match(key)
        if m:
            rtt.setdefault(label(m.group(1)), {})[m.group(2)] = (f["median"], f["min"], f["max"])
    for by_src in echo.values():
        for pts in by_src.values():
            pts.sort()
    return echo, rtt


def merge(ours, theirs):
    echo, rtt = series(ours["figures"], lambda b: "unikernel, " + (b or DEFAULT_BACKEND))
    if theirs:
        e2, r2 = series(theirs["figures"], lambda b: "Linux 6.1, " + (b or DEFAULT_BACKEND))
        for size, by_src in e2.items():
            echo.setdefault(size, {}).update(by_src)
        rtt.update(r2)
    return echo, rtt


def slug(s):
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()


def plot(ours, theirs, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    matplotlib.rcParams["svg.hashsalt"] = "bench"  # stable ids between runs

    echo, rtt = merge(ours, theirs)
    if not echo:
        sys.exit("benchplot: no echo_pps figures in the JSON")
    sizes = sorted(echo)
    fig, axes = plt.subplots(1, len(sizes) + 1, figsize=(5.2 * (len(sizes) + 1), 4.6))
    sources = sorted({s for by in echo.values() for s in by} | set(rtt))
    style = {s: ("--" if s.startswith("Linux") else "-") for s in sources}
    colour = {s: "C%d" % i for i, s in enumerate(sources)}
    for ax, size in zip(axes, sizes):
        for src, pts in sorted(echo[size].items()):
            w = [p[0] for p in pts]
            med = [p[1] for p in pts]
            err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
            line = ax.errorbar(w, med, yerr=err, marker="o", capsize=3, linestyle=style[src],
                               color=colour[src], label=src)
            line.lines[0].set_gid("echo-%dB-%s" % (size, slug(src)))
        ax.set_xscale("log", base=2)
        ax.set_xticks(sorted({p[0] for pts in echo[size].values() for p in pts}))
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_ylim(bottom=0)
        ax.set_title("UDP echo, %d-byte datagrams" % size)
        ax.set_xlabel("datagrams in flight")
        ax.set_ylabel("echoed datagrams/s (median; bars: min-max)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    ax = axes[-1]
    width = 0.8 / max(len(rtt), 1)
    for i, (src, pct) in enumerate(sorted(rtt.items())):
        xs = [j + (i - (len(rtt) - 1) / 2) * width for j in range(len(PCTS))]
        med = [pct.get(p, (0, 0, 0))[0] for p in PCTS]
        err = [[pct[p][0] - pct[p][1] if p in pct else 0 for p in PCTS],
               [pct[p][2] - pct[p][0] if p in pct else 0 for p in PCTS]]
        bars = ax.bar(xs, med, width, yerr=err, capsize=3, color=colour[src], label=src,
                      hatch="//" if src.startswith("Linux") else None)
        for j, rect in enumerate(bars.patches):
            rect.set_gid("rtt-%s-%s" % (slug(src), PCTS[j]))
    ax.set_yscale("log")  # the tail is 10-100x the median: a linear axis hides p50
    ax.set_xticks(range(len(PCTS)))
    ax.set_xticklabels(PCTS)
    ax.set_title("round trip, 64 B, one in flight")
    ax.set_xlabel("percentile")
    ax.set_ylabel("µs, log scale (median of runs; bars: min-max)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize="small")
    info = ours.get("info", {})
    fig.suptitle("make bench: %s, %s, host %s (%s cores), kernel %s" % (
        info.get("date", "?"), info.get("qemu", "QEMU"), info.get("host_cpu", "?"),
        info.get("host_cores", "?"), info.get("kernel", "?")), fontsize="small")
    fig.tight_layout()
    fig.savefig(out, format="svg")
    plt.close(fig)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ours")
    p.add_argument("linux", nargs="?")
    p.add_argument("-o", "--out", default=None)
    a = p.parse_args()
    ours = json.load(open(a.ours))
    theirs = json.load(open(a.linux)) if a.linux else None
    out = a.out or re.sub(r"\.json$", "", a.ours) + ".svg"
    plot(ours, theirs, out)
    print("benchplot: wrote %s" % out)


if __name__ == "__main__":
    main()
