# One non-recursive Makefile. `make` builds build/kernel.elf and build/kernel.bin.
# `make run` boots it in QEMU, `make test` runs host, guest and integration tests.

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
SIZE    := $(CROSS)size
HOSTCC  ?= gcc
PYTHON  := /usr/bin/python3
QEMU    ?= qemu-system-riscv64
B       := build

# make run options
MEM      ?= 256M
PORT     ?= 5555
SMP      ?= 1
NIC      ?= e1000
BOOTARGS ?=
BIOS     ?= default

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wundef \
	-Wpointer-arith -Wvla -fno-common
CFLAGS := -std=c11 $(WARN) -O2 -g -ffreestanding -nostdlib -fno-stack-protector \
	-fno-strict-aliasing -fno-omit-frame-pointer -mcmodel=medany -march=rv64gc -mabi=lp64d \
	-fno-tree-loop-distribute-patterns -MMD -MP -I. -DGIT_VERSION='"$(VERSION)"'
LDFLAGS := -nostdlib -static -T linker.ld -Wl,--gc-sections -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--emit-relocs

KSRC := $(sort $(wildcard boot/*.S boot/*.c drivers/*.c net/*.c mm/*.c app/*.c lib/*.c))
KOBJ := $(patsubst %,$(B)/k/%.o,$(KSRC))
TSRC := $(sort $(wildcard tests/guest/*.c))
TOBJ := $(patsubst %,$(B)/t/%.o,$(KSRC) $(TSRC))

PHONY_EXTRA := format format-check lint image flash bench-linux profile
.PHONY: $(PHONY_EXTRA) all run test test-host test-guest test-integration bench lint format clean deps-run deps-test
all: $(B)/kernel.bin

$(B)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@
$(B)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@
$(B)/t/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  CC      $< (test)"
	@$(CC) $(CFLAGS) -DCONFIG_TESTS=1 -c $< -o $@
$(B)/t/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (test)"
	@$(CC) $(CFLAGS) -DCONFIG_TESTS=1 -c $< -o $@

$(B)/kernel.elf: $(KOBJ) linker.ld
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(KOBJ) -o $@ -lgcc
	@$(SIZE) $@
$(B)/kernel-test.elf: $(TOBJ) linker.ld
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(TOBJ) -o $@ -lgcc
%.bin: %.elf boot/tools/relocs.py
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@
	@python3 boot/tools/relocs.py $< $@

# ---- host unit tests: pure sources built for x86-64 with ASan/UBSan ----
HOST_PURE := lib/printf.c lib/timer.c lib/bootargs.c lib/errno.c lib/siphash.c boot/fdt.c boot/fdt_platform.c \
	$(wildcard net/*.c) mm/page.c mm/kmem.c mm/pcache.c mm/region.c mm/blkdev.c \
	drivers/pci_res.c drivers/ramblk.c app/echo.c app/tcpecho.c
HOST_PURE := $(sort $(wildcard $(HOST_PURE)))
HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -Wno-unused-function -g -O1 -I. -DHOST_TEST=1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP
HOST_TESTS := $(patsubst tests/host/%.c,$(B)/host/%,$(wildcard tests/host/test_*.c))

$(B)/host/libpure.a: $(patsubst %,$(B)/host/o/%.o,$(HOST_PURE))
	@rm -f $@
	@ar rcs $@ $^
$(B)/host/test_%: tests/host/test_%.c $(B)/host/o/tests/host/host_env.c.o $(B)/host/libpure.a
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(HOST_CFLAGS) $< $(B)/host/o/tests/host/host_env.c.o $(B)/host/libpure.a -o $@
$(B)/host/o/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

# ---- libFuzzer harnesses (make fuzz-smoke, make fuzz) ----
include tests/fuzz/fuzz.mk

# ---- commands ----
deps-run:
	@sh tests/deps.sh run
deps-test:
	@sh tests/deps.sh test

run: deps-run $(B)/kernel.bin
	@sh tests/qemu-run.sh $(B)/kernel.bin MEM=$(MEM) PORT=$(PORT) SMP=$(SMP) NIC=$(NIC) \
		BIOS=$(BIOS) BOOTARGS="$(BOOTARGS)"

test-host: $(HOST_TESTS)
	@sh tests/run-host.sh $(HOST_TESTS)
test-guest: $(B)/kernel-test.bin
	@$(PYTHON) tests/run-guest.py $(B)/kernel-test.bin
test-integration: $(B)/kernel.bin
	@sh tests/run-integration.sh

test: deps-test
	@$(MAKE) --no-print-directory all $(B)/kernel-test.bin $(HOST_TESTS) fuzz-build
	@sh tests/run-all.sh

bench: deps-test $(B)/kernel.bin
	@$(PYTHON) tests/bench.py
bench-linux: deps-test $(B)/kernel.bin
	@$(PYTHON) tests/bench.py --linux
$(B)/udpload: tests/tools/udpload.c
	@mkdir -p $(B)
	@echo "  CC      $@"
	@gcc -O2 -std=gnu11 -Wall -Wextra -o $@ $<
# Guest instructions per echoed datagram by function, from QEMU's TCG exec log.
profile: deps-test $(B)/kernel.bin $(B)/udpload
	@$(PYTHON) tests/tools/insnprof.py

# Static checks: clang-format, cppcheck, clang-tidy, GCC -fanalyzer, and the layering rule of
# STYLE.md.
SRC_ALL := $(sort $(wildcard boot/*.[ch] drivers/*.[ch] net/*.[ch] mm/*.[ch] app/*.[ch] lib/*.[ch]))
format-check:
	@clang-format --dry-run -Werror $(SRC_ALL) && echo "format: clean"
format:
	clang-format -i $(SRC_ALL)
lint: format-check
	@! grep -n '#include "drivers/' net/*.[ch] mm/*.[ch] || \
		{ echo "lint: net/ and mm/ must not include drivers/ headers"; exit 1; }
	cppcheck -q --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
		--inline-suppr -I. -D__riscv -DCONFIG_TESTS=0 --suppress=missingIncludeSystem \
		boot drivers net mm app lib
	@# One file per clang-tidy run: v14's analyzer matches va_start/va_copy only in the
	@# first file of a run, and then reports va_list false positives in later files.
	@# .clang-tidy makes every warning an error, so any finding fails the run.
	@mkdir -p $(B)
	@echo "clang-tidy $(words $(filter %.c,$(SRC_ALL))) files"
	@printf '%s\n' $(filter %.c,$(SRC_ALL)) | xargs -P2 -I{} clang-tidy -quiet {} -- \
		--target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d -mcmodel=medany \
		-ffreestanding -std=c11 -I. -D'GIT_VERSION="lint"' >$(B)/clang-tidy.log 2>&1; \
		rc=$$?; grep -B1 -A3 'warning:\|error:' $(B)/clang-tidy.log; \
		if [ $$rc -ne 0 ] || grep -q 'warning:\|error:' $(B)/clang-tidy.log; then \
		echo "lint: clang-tidy findings (full log: $(B)/clang-tidy.log)"; exit 1; fi
	@echo "gcc -fanalyzer $(words $(filter %.c,$(SRC_ALL))) files"
	@printf '%s\n' $(filter %.c,$(SRC_ALL)) | xargs -P2 -I{} $(CC) \
		$(filter-out -MMD -MP,$(CFLAGS)) -fanalyzer -c {} -o /dev/null
	@echo "lint: clean"

# Board images: boot.scr for U-Boot, and a FAT SD card / disk image holding kernel.bin and
# boot.scr (U-Boot's distro boot runs it). `make flash DEV=/dev/sdX` writes the image to a card;
# `make flash TFTP=/srv/tftp` copies the files to a TFTP folder instead.
image: $(B)/kernel.bin $(B)/boot.scr $(B)/sdcard.img
$(B)/boot.scr: boot/boot.cmd
	@sh tests/deps.sh image
	@echo "  MKIMAGE $@"
	@mkimage -A riscv -O linux -T script -C none -n unikernel -d $< $@ >/dev/null
$(B)/sdcard.img: $(B)/kernel.bin $(B)/boot.scr
	@echo "  SDCARD  $@"
	@rm -f $@ $@.part
	@truncate -s 31M $@.part && mkfs.vfat -n UNIKERNEL $@.part >/dev/null
	@mcopy -i $@.part $(B)/kernel.bin $(B)/boot.scr ::
	@truncate -s 1M $@ && cat $@.part >> $@ && rm $@.part
	@echo 'start=2048, type=c, bootable' | /sbin/sfdisk -q --wipe-partitions never $@ 2>/dev/null
flash: image
	@if [ -n "$(TFTP)" ]; then cp $(B)/kernel.bin $(B)/boot.scr $(TFTP)/ && \
		echo "flash: copied kernel.bin and boot.scr to $(TFTP)"; \
	elif [ -n "$(DEV)" ]; then echo "flash: writing $(B)/sdcard.img to $(DEV)"; \
		dd if=$(B)/sdcard.img of=$(DEV) bs=1M conv=fsync status=progress; \
	else echo "usage: make flash DEV=/dev/sdX  (SD card)  or  make flash TFTP=/srv/tftp"; \
		exit 2; fi

clean:
	rm -rf $(B)

-include $(shell find $(B)/k $(B)/t $(B)/host $(B)/fuzz -name '*.d' -type f 2>/dev/null)
