#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make flash`: put kernel.bin and boot.scr where a board's U-Boot finds them.
#
#   flash.sh BUILD_DIR DEV="" TFTP="" WHOLE=""
#
# DEV=/dev/sdX (a card or disk, or an image file): by default only the two files are copied
#   into the FAT partition already on it (the first partition holding a FAT file system, found
#   from the partition table and the file system's boot sector), with mtools at that byte
#   offset. Nothing else on DEV is written: the board's U-Boot SPL, U-Boot proper and any other
#   partition stay as they are. DEV may also be the FAT partition itself (/dev/sdX3). Without
#   mtools or without write access it prints the exact mount/cp steps instead.
# WHOLE=1: write build/sdcard.img over all of DEV (a fresh card holding only this kernel: that
#   destroys the card's partition table, SPL and U-Boot, so a HiFive board will not boot from
#   it). Prints a warning first.
# TFTP=/srv/tftp: copy the two files to a TFTP folder.
set -eu
B=$1
DEV=${2:-}
TFTP=${3:-}
WHOLE=${4:-}
FILES="$B/kernel.bin $B/boot.scr"

if [ -n "$TFTP" ]; then
	cp $FILES "$TFTP"/
	echo "flash: copied kernel.bin and boot.scr to $TFTP"
	exit 0
fi
if [ -z "$DEV" ]; then
	echo "usage: make flash DEV=/dev/sdX    copy kernel.bin and boot.scr into the card's FAT partition"
	echo "       make flash DEV=/dev/sdX WHOLE=1   overwrite the whole card with build/sdcard.img"
	echo "       make flash TFTP=/srv/tftp   copy them to a TFTP folder"
	exit 2
fi
if [ ! -e "$DEV" ]; then
	echo "flash: $DEV does not exist" >&2
	exit 1
fi

if [ "$WHOLE" = 1 ]; then
	echo "flash: WARNING: writing $B/sdcard.img over ALL of $DEV: its partition table, U-Boot SPL,"
	echo "flash: WARNING: U-Boot and every other partition are destroyed. A HiFive Unmatched or"
	echo "flash: WARNING: Unleashed then cannot boot from this card (its firmware is gone)."
	dd if="$B/sdcard.img" of="$DEV" bs=1M conv=fsync,notrunc status=none
	echo "flash: wrote $B/sdcard.img to $DEV"
	exit 0
fi

# Byte offset and number of the first FAT partition on DEV ("OFFSET NUMBER"; number 0 when
# DEV itself is a FAT file system), or nothing.
find_fat() {
	/usr/bin/python3 - "$1" <<'EOF'
import json, subprocess, sys
dev = sys.argv[1]

def is_fat(off):
    try:
        with open(dev, "rb") as f:
            f.seek(off)
            bs = f.read(512)
    except OSError:
        return False
    return len(bs) == 512 and bs[510:512] == b"\x55\xaa" and (
        bs[54:59] in (b"FAT12", b"FAT16") or bs[82:87] == b"FAT32")

if is_fat(0):
    print(0, 0)
    sys.exit(0)
try:
    out = subprocess.run(["/sbin/sfdisk", "--json", dev], capture_output=True, text=True)
    table = json.loads(out.stdout)["partitiontable"]
except (OSError, ValueError, KeyError):
    sys.exit(0)
sector = table.get("sectorsize", 512)
for i, p in enumerate(table.get("partitions", []), 1):
    node = p.get("node", "")
    num = int("".join(c for c in node[len(dev):] if c.isdigit()) or i)
    if is_fat(p["start"] * sector):
        print(p["start"] * sector, num)
        break
EOF
}

found=$(find_fat "$DEV")
if [ -z "$found" ]; then
	echo "flash: no FAT partition on $DEV: nothing written." >&2
	echo "flash: make one (a board card keeps U-Boot in partitions 1-2; see README" \
		"\"Running on a board\"), or use WHOLE=1 for a card holding only this kernel." >&2
	exit 1
fi
offset=${found% *}
part=${found#* }
case "$DEV" in
*[0-9]) partdev="${DEV}p$part" ;;
*) partdev="$DEV$part" ;;
esac
[ "$part" = 0 ] && partdev=$DEV

if ! command -v mcopy >/dev/null 2>&1 || [ ! -w "$DEV" ]; then
	echo "flash: cannot write $DEV here (needs mtools and write access). By hand:"
	echo "    sudo mount $partdev /mnt"
	echo "    sudo cp $FILES /mnt/"
	echo "    sudo umount /mnt"
	exit 1
fi
mcopy -o -i "$DEV@@$offset" $FILES ::
sync
if [ "$part" = 0 ]; then
	echo "flash: copied kernel.bin and boot.scr into the FAT file system on $DEV"
else
	echo "flash: copied kernel.bin and boot.scr into partition $part of $DEV" \
		"(FAT at byte $offset); nothing else was written"
	echo "flash: at the U-Boot prompt: load mmc 0:$part \${kernel_addr_r} kernel.bin;" \
		"booti \${kernel_addr_r} - \${fdtcontroladdr}"
fi
