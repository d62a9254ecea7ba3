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
    # image_size counts the bss too: 2 MiB of mbufs and 8 MiB of TCP rings (CONFIG_TCP_CONNS x
    # 32 KiB), well inside the 128 MiB QEMU's U-Boot leaves between kernel_addr_r and fdt_addr_r
    assert os.path.getsize(KERNEL) <= image_size < 16 << 20


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
        q.wait_for(r"0x0*3000000000", timeout=5)
