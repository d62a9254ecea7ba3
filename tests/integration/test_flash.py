# SPDX-License-Identifier: BSD-2-Clause
"""Boot paths a board uses: U-Boot booti over TFTP, other load addresses, other firmware."""
import os
import shutil
import subprocess

import pytest

from qemu import DEBIAN_FW_DYNAMIC, KERNEL, ROOT, Qemu, free_udp_port, wait_echo

UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
LOOP = r"boot: main loop reached"


def test_image_header():
    img = open(KERNEL, "rb").read(64)
    assert img[48:56] == b"RISCV\0\0\0" and img[56:60] == b"RSC\x05"
    text_offset = int.from_bytes(img[8:16], "little")
    image_size = int.from_bytes(img[16:24], "little")
    assert text_offset == 0x200000
    assert os.path.getsize(KERNEL) <= image_size < 8 << 20


def test_runs_at_another_address(tmp_path):
    """Load the raw image 4 MiB above its link address, as a boot loader might."""
    moved = str(tmp_path / "moved.elf")
    subprocess.check_call(["python3", os.path.join(ROOT, "tests/tools/bin2elf.py"), KERNEL,
                           "0x80600000", moved])
    with Qemu(kernel=moved) as q:
        q.wait_for(r"image 0x0000000080600000-", timeout=30)
        q.wait_for(LOOP, timeout=30)
        wait_echo(q)


@pytest.mark.skipif(not os.path.exists(UBOOT), reason="Debian u-boot-qemu not installed")
def test_uboot_tftp_booti(tmp_path):
    """U-Boot (S-mode, under OpenSBI) fetches kernel.bin over TFTP and boots it with booti."""
    shutil.copy(KERNEL, tmp_path / "kernel.bin")
    port = free_udp_port()
    q = Qemu(kernel=UBOOT, append=False, stdin=True,
             netdev="user,id=n0,tftp=%s,hostfwd=udp:127.0.0.1:%d-:7" % (tmp_path, port))
    q.echo_port = port
    with q:
        q.wait_for("Hit any key to stop autoboot", timeout=60)
        q.send("\n")
        q.wait_for("=> ", timeout=10)
        q.send("setenv bootargs ip=dhcp loglevel=2\n")
        q.send("dhcp 0x84000000 kernel.bin\n")
        q.wait_for(r"Bytes transferred = \d+", timeout=60)
        q.send("booti 0x84000000 - ${fdtcontroladdr}\n")
        q.wait_for(r"boot: bootargs \"ip=dhcp loglevel=2\"", timeout=30)
        q.wait_for(LOOP, timeout=30)
        wait_echo(q, timeout=30)


@pytest.mark.parametrize("fw", ["fw_dynamic.bin", "fw_jump.bin"])
def test_debian_opensbi_firmware(fw):
    path = os.path.join(os.path.dirname(DEBIAN_FW_DYNAMIC), fw)
    if not os.path.exists(path):
        pytest.skip("Debian opensbi not installed")
    with Qemu(bios=path) as q:
        q.wait_for(LOOP, timeout=30)
        wait_echo(q)


def test_memory_above_4g():
    with Qemu(mem="5G") as q:
        q.wait_for(r"mem: 0000000080000000-00000001bfffffff", timeout=30)
        q.wait_for(LOOP, timeout=30)
        wait_echo(q)


def test_boots_without_nic():
    with Qemu(nic=None) as q:
        q.wait_for(LOOP, timeout=30)
        out = q.output()
        assert "no NIC" in out
        assert "PANIC" not in out


@pytest.mark.skipif(not os.path.exists(UBOOT) or not shutil.which("mkimage")
                    or not shutil.which("mcopy"),
                    reason="needs u-boot-qemu, u-boot-tools and mtools")
def test_uboot_distro_boot_from_sd_image():
    """`make image` output boots without a keystroke: U-Boot finds boot.scr on the disk."""
    subprocess.check_call(["make", "-s", "-C", ROOT, "image"], stdout=subprocess.DEVNULL)
    sd = os.path.join(ROOT, "build", "sdcard.img")
    with Qemu(kernel=UBOOT, append=False,
              extra=["-drive", "file=%s,if=none,format=raw,id=d0,snapshot=on" % sd,
                     "-device", "virtio-blk-device,drive=d0"]) as q:
        q.wait_for(r"Found U-Boot script /boot.scr", timeout=60)
        q.wait_for(r"boot: bootargs \"ip=dhcp\"", timeout=30)
        q.wait_for(LOOP, timeout=30)
        wait_echo(q, timeout=30)


def test_sifive_board_without_pcie():
    """QEMU's sifive_u: SiFive UART, boot hart 1 (hart 0 is an M-mode-only core), a 1 MHz
    timebase, no PCIe. The console works both ways and the store/regions come up."""
    with Qemu(nic=None, smp=5, stdin=True, extra=[], machine="sifive_u",
              bootargs="store.port=7000") as q:
        q.wait_for(r"boot: hart [1-4], 4 cpu", timeout=30)
        q.wait_for(r"console sifive-uart at 10010000", timeout=5)
        q.wait_for(r"pci: no PCIe host bridge", timeout=5)
        q.wait_for(LOOP, timeout=30)
        q.send("regions\r")
        q.wait_for(r"ffffffc000000000", timeout=5)


# ---- make flash: a board card keeps its firmware ----

# A HiFive Unmatched SD card as U-Boot's doc/board/sifive/unmatched.rst lays it out: GPT,
# U-Boot SPL and U-Boot proper (OpenSBI inside) in partitions 1 and 2 by type GUID, a FAT
# "boot" partition 3 (legacy-BIOS-bootable, so distro boot scans it) and a Linux root.
CARD_LAYOUT = """label: gpt
first-lba: 34
start=34, size=2048, type=5B193300-FC78-40CD-8002-E86C45580B47, name=spl
start=2082, size=8192, type=2E54B353-1271-4842-806F-E436D6AF6985, name=uboot
start=16384, size=65536, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=boot, attrs=LegacyBIOSBootable
start=81920, size=16384, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root
"""
BOOT_OFF = 16384 * 512
BOOT_LEN = 65536 * 512

needs_image_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("mkimage", "mcopy", "mkfs.vfat")),
    reason="needs u-boot-tools, mtools and dosfstools")


def make_card(tmp_path, with_fat=True):
    card = str(tmp_path / "card.img")
    with open(card, "wb") as f:
        f.truncate(100 * 512 * 1024)
    subprocess.run(["/sbin/sfdisk", "-q", card], input=CARD_LAYOUT, text=True, check=True)
    with open(card, "r+b") as f:  # "firmware" and "root" with recognisable contents
        for start, size, byte in ((34, 2048, 0xa5), (2082, 8192, 0x5a), (81920, 16384, 0x77)):
            f.seek(start * 512)
            f.write(bytes([byte]) * size * 512)
    if with_fat:
        part = str(tmp_path / "boot.part")
        with open(part, "wb") as f:
            f.truncate(BOOT_LEN)
        subprocess.run(["mkfs.vfat", "-n", "BOOT", part], check=True, capture_output=True)
        (tmp_path / "README.TXT").write_text("keep me\n")
        (tmp_path / "kernel.bin").write_bytes(b"an older kernel")
        subprocess.run(["mcopy", "-i", part, str(tmp_path / "README.TXT"),
                        str(tmp_path / "kernel.bin"), "::"], check=True)
        with open(card, "r+b") as f, open(part, "rb") as p:
            f.seek(BOOT_OFF)
            f.write(p.read())
    return card


def outside_boot(card):
    data = open(card, "rb").read()
    return data[:BOOT_OFF] + data[BOOT_OFF + BOOT_LEN:]


def flash(**kw):
    args = ["make", "-s", "-C", ROOT, "flash"] + ["%s=%s" % kv for kv in kw.items()]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def fat_file(card, name, offset=BOOT_OFF):
    return subprocess.run(["mcopy", "-n", "-i", "%s@@%d" % (card, offset), "::" + name, "-"],
                          capture_output=True, check=True).stdout


@needs_image_tools
def test_flash_writes_only_the_boot_partition(tmp_path):
    card = make_card(tmp_path)
    firmware = outside_boot(card)
    r = flash(DEV=card)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "partition 3" in r.stdout and "load mmc 0:3" in r.stdout, r.stdout
    assert outside_boot(card) == firmware, "bytes outside the FAT partition changed"
    assert fat_file(card, "kernel.bin") == open(KERNEL, "rb").read()
    boot_scr = os.path.join(ROOT, "build", "boot.scr")
    assert fat_file(card, "boot.scr") == open(boot_scr, "rb").read()
    assert fat_file(card, "README.TXT") == b"keep me\n", "other files on the card must stay"


@needs_image_tools
def test_flash_into_a_bare_fat_partition(tmp_path):
    part = str(tmp_path / "sdb3")
    with open(part, "wb") as f:
        f.truncate(32 << 20)
    subprocess.run(["mkfs.vfat", part], check=True, capture_output=True)
    r = flash(DEV=part)
    assert r.returncode == 0, r.stdout + r.stderr
    assert fat_file(part, "kernel.bin", 0) == open(KERNEL, "rb").read()


@needs_image_tools
def test_flash_refuses_a_card_without_fat(tmp_path):
    card = make_card(tmp_path, with_fat=False)
    before = open(card, "rb").read()
    r = flash(DEV=card)
    assert r.returncode != 0
    assert "no FAT partition" in r.stderr and "WHOLE=1" in r.stderr, r.stderr
    assert open(card, "rb").read() == before, "a card without FAT must not be written"


@needs_image_tools
def test_flash_whole_card_only_when_asked_and_warns(tmp_path):
    card = make_card(tmp_path)
    r = flash(DEV=card, WHOLE=1)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "WARNING" in r.stdout and "U-Boot" in r.stdout, r.stdout
    img = open(os.path.join(ROOT, "build", "sdcard.img"), "rb").read()
    assert open(card, "rb").read(len(img)) == img


def test_flash_without_target_prints_usage():
    r = flash()
    assert r.returncode != 0 and "usage: make flash DEV=" in r.stdout, r.stdout + r.stderr
