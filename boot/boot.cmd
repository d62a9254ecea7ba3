# SPDX-License-Identifier: BSD-2-Clause
# U-Boot boot script for the unikernel (compiled to boot.scr by `make image`).
# U-Boot's distro boot finds boot.scr on the first partition of an SD card, eMMC, USB or
# virtio disk and runs it; the variables below are U-Boot's own.
# Boot arguments: edit the next line (see README "Boot arguments").
setenv bootargs "ip=dhcp"
echo "unikernel: loading kernel.bin from ${devtype} ${devnum}:${distro_bootpart}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} kernel.bin
booti ${kernel_addr_r} - ${fdtcontroladdr}
