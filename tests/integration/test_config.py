# SPDX-License-Identifier: BSD-2-Clause
"""Bad configuration is a clear message and then a clean stop or a running kernel, never a panic
(issue 12, rule 11): a ramblk= range over memory that is not free RAM, RAM over the region
window or beyond what Sv39 reaches, a hart without an MMU, too little RAM."""
import re

import pytest

from qemu import Qemu, udp_echo, wait_echo

LOOP = r"boot: main loop reached"
STRESS = r"regstress: (FAILED.*|store equals the model after (\d+) ops)"


def assert_no_panic(q):
    out = q.output()
    for bad in ("PANIC", "unexpected trap"):
        assert bad not in out, "%r in the output:\n%s" % (bad, out[-4000:])


def big(mem):
    """QEMU reserves guest RAM up front (and the host has 24 GiB): ask it not to. The guest
    only touches what it uses (the page allocator's metadata: 2 MiB per GiB)."""
    return dict(mem=mem, machine="virt,memory-backend=ram0",
                extra=["-object", "memory-backend-ram,id=ram0,size=%s,reserve=off" % mem])


def stress(q, ops=1000):
    """Random region operations on the block store, checked against a model (app/regstress.c):
    every page of the store is read and written through the region window."""
    q.send("stress region 7 %d 3\r" % ops)
    m = q.wait_for(STRESS, timeout=120)
    assert m.group(2) == str(ops), m.group(0)


def store_works(q):
    """The first access to the store (the store service's region over its first bytes)."""
    wait_echo(q)
    reply = udp_echo(q.store_port, b"R 0 4")
    assert reply is not None, "no reply from the store:\n%s" % q.output()[-3000:]
    stress(q)
    assert_no_panic(q)


def stops_cleanly(q, timeout=30):
    q.wait_exit(timeout=timeout)
    assert_no_panic(q)


# ---- ramblk= over memory in use: refused, naming the overlap; the allocated store instead ----

def dtb_of(q):
    return int(q.wait_for(r"DTB at 0x([0-9a-f]+)", timeout=20).group(1), 16)


@pytest.mark.parametrize("arg,what", [
    # the firmware's own memory (listed as reserved in the boot log; PMP-protected)
    ("0x80000000,0x100000", r"reserved memory 0x0*80000000-0x0*8007ffff"),
    # the kernel image (text, data, BSS)
    ("0x80300000,0x100000", r"the kernel image 0x0*80200000-0x[0-9a-f]+"),
    # past the end of RAM (256 MiB from 0x80000000), wholly and in part
    ("0x90000000,0x100000", r"0x0*90000000-0x0*900fffff is not RAM"),
    ("0x8ff00000,0x200000", r"0x0*90000000-0x0*900fffff is not RAM"),
])
def test_ramblk_over_memory_in_use_is_refused(arg, what):
    with Qemu(bootargs="ramblk=%s store.port=7000" % arg, stdin=True) as q:
        store_works(q)
        m = q.wait_for(r"ramblk: ramblk=%s refused: .*" % re.escape(arg), timeout=5)
        assert re.search(what, m.group(0)), m.group(0)
        q.wait_for(r"ramblk: store at 0x[0-9a-f]+, 4096 KiB \(allocated\)", timeout=5)


def test_ramblk_over_the_device_tree_is_refused():
    """The last 16 MiB of RAM, where QEMU puts the device tree (the banner says where)."""
    arg = "0x8f000000,0x1000000"
    with Qemu(bootargs="ramblk=%s store.port=7000" % arg, stdin=True) as q:
        dtb = dtb_of(q)
        assert 0x8f000000 <= dtb < 0x90000000, hex(dtb)
        store_works(q)
        m = q.wait_for(r"ramblk: ramblk=%s refused: .*" % re.escape(arg), timeout=5)
        assert re.search(r"the device tree 0x0*%x-" % dtb, m.group(0)), m.group(0)
        q.wait_for(r"\(allocated\)", timeout=5)


def test_ramblk_in_free_ram_is_taken():
    """The check refuses only what it must: a free range is the store."""
    with Qemu(bootargs="ramblk=0x88000000,0x400000 store.port=7000", stdin=True) as q:
        q.wait_for(r"ramblk: store at 0x0*88000000, 4096 KiB \(from ramblk=\)", timeout=20)
        store_works(q)
        assert "refused" not in q.output()


# ---- RAM over the region window, RAM beyond Sv39's reach ----

def test_ram_over_the_old_region_window():
    """200 GiB from 0x80000000 covers 0x3000000000, where the region window used to be."""
    with Qemu(stdin=True, **big("200G")) as q:
        q.wait_for(LOOP, timeout=90)
        stress(q)
        assert_no_panic(q)
        m = q.wait_for(r"vm: (Sv\d+) on, .*region window (0x[0-9a-f]+)", timeout=1)
        assert m.group(1) == "Sv39" and int(m.group(2), 16) >= 1 << 63, m.group(0)


def test_ram_beyond_sv39_takes_sv48():
    """300 GiB from 0x80000000 ends past 256 GiB, all Sv39's identity map reaches: the kernel
    takes Sv48 (QEMU's harts have it), and all of RAM is managed."""
    with Qemu(stdin=True, **big("300G")) as q:
        q.wait_for(r"vm: Sv48 on", timeout=90)
        m = q.wait_for(r"page: \d+ MiB free of (\d+) MiB", timeout=10)
        assert int(m.group(1)) > 299 * 1024, m.group(0)  # all of it, less the metadata
        q.wait_for(LOOP, timeout=30)
        stress(q)
        assert_no_panic(q)


def test_ram_beyond_sv39_with_vm_mode_sv39_is_left_unused():
    """And a store in that RAM is refused like any other memory the kernel cannot use."""
    with Qemu(stdin=True, bootargs="vm.mode=sv39 ramblk=0x4100000000,0x400000",
              **big("300G")) as q:
        m = q.wait_for(r"warning: mem: .*", timeout=60)
        assert re.search(r"0x0*4000000000-0x0*4b7fffffff \(47104 MiB\) .*unused", m.group(0)), \
            m.group(0)
        m = q.wait_for(r"ramblk: ramblk=0x4100000000,0x400000 refused: .*", timeout=30)
        assert "RAM beyond the page tables' reach 0x4000000000-0x4b7fffffff" in m.group(0), \
            m.group(0)
        q.wait_for(r"vm: Sv39 on", timeout=30)
        # QEMU puts the 64-bit PCI window after RAM: out of reach too, so not used
        q.wait_for(r"pci: .*mem64 window .* beyond", timeout=30)
        m = q.wait_for(r"page: \d+ MiB free of (\d+) MiB", timeout=10)
        assert int(m.group(1)) < 254 * 1024, m.group(0)
        q.wait_for(LOOP, timeout=30)
        stress(q)
        assert_no_panic(q)


def test_sv48_on_request():
    """vm.mode=sv48 on a small machine: the four-level table runs everything."""
    with Qemu(stdin=True, bootargs="vm.mode=sv48 store.port=7000") as q:
        q.wait_for(r"vm: Sv48 on", timeout=20)
        store_works(q)


# ---- no MMU, too little RAM: a message and a clean stop ----

def test_no_mmu_is_a_clean_stop():
    with Qemu(extra=["-cpu", "rv64,mmu=off"]) as q:
        q.wait_for(r"boot: FATAL: this kernel needs Sv39", timeout=20)
        stops_cleanly(q)
        assert "out of memory" not in q.output()


def test_device_tree_inside_the_image_is_a_clean_stop():
    """With 6 MiB QEMU puts the device tree at 0x80400000, inside the image's BSS (the image
    ends at 0x8047b000 with its 2 MiB mbuf pool); zeroing the BSS would destroy it."""
    with Qemu(mem="6M") as q:
        m = q.wait_for(r"boot: FATAL: the device tree at 0x0*80400000 .*", timeout=20)
        assert re.search(r"inside the kernel's memory 0x0*80200000-", m.group(0)), m.group(0)
        q.wait_for(r"this kernel needs at least \d+ MiB", timeout=5)
        stops_cleanly(q)
        assert "bad header" not in q.output()


@pytest.mark.parametrize("mem", ["8M", "10M"])
def test_too_little_ram_is_a_clean_stop(mem):
    """The device tree is clear of the image, but too little is free: 8 MiB leaves 5112 KiB;
    10 MiB leaves 7 MiB, but QEMU's device tree at 0x80800000 cuts it into runs of at most
    3.5 MiB, too short for the 4 MiB store."""
    with Qemu(mem=mem) as q:
        q.wait_for(r"boot: FATAL: too little RAM: .*needs at least \d+ MiB", timeout=20)
        stops_cleanly(q)


def test_the_minimum_ram_runs():
    """The README's minimum for QEMU virt: everything works, the store included."""
    with Qemu(mem="11M", stdin=True) as q:
        q.wait_for(r"ramblk: store at .*\(allocated\)", timeout=20)
        q.wait_for(LOOP, timeout=10)
        stress(q)
        assert_no_panic(q)
