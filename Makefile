# SPDX-License-Identifier: BSD-2-Clause
# One non-recursive Makefile. `make` builds build/kernel.elf and build/kernel.bin.
# `make run` boots it in QEMU, `make test` runs host, guest and integration tests.

.DEFAULT_GOAL := all

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
SIZE    := $(CROSS)size
HOSTCC  ?= gcc
PYTHON  := /usr/bin/python3
QEMU    ?= qemu-system-riscv64
B       := build

# make run (and make debug) options. A line "#> NAME=default: text" documents a variable and
# "#> target: text" a target for `make help` (which prints these lines, in file order); a
# test (tests/integration/test_make.py) fails when a .PHONY target has no such line.
#>> Variables of make run and make debug (make run MEM=64M PORT=6000 ...):
#> MEM=256M: guest RAM (QEMU -m); below 16M is refused with the reason
MEM      ?= 256M
#> PORT=5555: host UDP port (127.0.0.1) forwarded to the guest's echo port
PORT     ?= 5555
#> STORE_PORT=7000: host UDP port forwarded to the store service (PORT+1 when PORT is set)
STORE_PORT ?= $(if $(filter 5555,$(PORT)),7000,$(shell expr "$(PORT)" + 1 2>/dev/null))
#> SMP=1: harts; any may be the boot hart, the others stay parked
SMP      ?= 1
#> NIC=e1000: e1000, e1000-82545em, e1000-82544gc, e1000e (82574L, PCIe) or none
NIC      ?= e1000
#> BOOTARGS=: kernel command line (README: boot arguments), e.g. "loglevel=3 ip=dhcp"
BOOTARGS ?=
#> BIOS=default: QEMU's OpenSBI, debian (Debian's fw_dynamic) or a path; none is refused
BIOS     ?= default
#> MACHINE=virt: virt (PLIC), virt-aplic (APLIC), virt-imsic (IMSIC + APLIC: MSI-X), spike
#>+ (none), sifive_u (QEMU's FU540: its Cadence GEM, at least 2 harts, boot hart 1)
MACHINE  ?= virt
#> NET=user: user (forwards on 127.0.0.1), or tap (root: a tap in a namespace it makes)
NET      ?= user
#> PCAP=: write the NIC's traffic to this pcap file (QEMU filter-dump; tshark -r FILE)
PCAP     ?=
#> QEMU_EXTRA=: more QEMU arguments, split at spaces, e.g. "-icount shift=0"
QEMU_EXTRA ?=
#> DISK=: a raw image attached as an NVMe disk (made, 64 MiB, if missing); the store (store.port=) uses it
DISK     ?=
#> GDB_PORT=1234: make debug: QEMU's GDB server on 127.0.0.1
GDB_PORT ?= 1234
#> CONSOLE_PORT=5554: make debug: the serial console on TCP 127.0.0.1 (nc 127.0.0.1 5554)
CONSOLE_PORT ?= 5554
#> DEBUG_BREAK=kmain: make debug: GDB breaks here and continues to it (empty: stop at reset)
DEBUG_BREAK ?= kmain
#> GDB_SCRIPT=: make debug: a GDB command file run after attaching (GDB_BATCH=1: then quit)
GDB_SCRIPT ?=
GDB_BATCH ?=
#>> Other variables:
#> RUN_SLOW=1: make test also runs the long soaks (the 60 s flood)
#> FUZZ_SECONDS=300: make fuzz, per harness (FUZZ_SMOKE_SECONDS=8 in make test)
#> DEV=, TFTP=, WHOLE=: make flash: the SD card (or image file), the TFTP folder, WHOLE=1
RUN_OPTS = MEM=$(MEM) PORT=$(PORT) STORE_PORT=$(STORE_PORT) SMP=$(SMP) NIC=$(NIC) \
	BIOS="$(BIOS)" BOOTARGS="$(BOOTARGS)" MACHINE=$(MACHINE) NET=$(NET) PCAP="$(PCAP)" \
	QEMU_EXTRA="$(QEMU_EXTRA)" DISK="$(DISK)"

# ---- version: the VERSION file, plus `git describe` (the tag when one is reachable, else the
# commit) for the boot banner. A clean clone without tags still has VERSION. The stamp file
# changes only when either string does, so boot/init/main.c is rebuilt exactly then.
KVERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo no-git)
VERSION_STAMP := $(B)/version.stamp
$(shell mkdir -p $(B); echo '$(KVERSION) $(VERSION)' | cmp -s - $(VERSION_STAMP) || \
	echo '$(KVERSION) $(VERSION)' > $(VERSION_STAMP))
$(B)/k/boot/init/main.c.o $(B)/t/boot/init/main.c.o: $(VERSION_STAMP)

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wundef \
	-Wpointer-arith -Wvla -fno-common
CFLAGS := -std=c11 $(WARN) -O2 -g -ffreestanding -nostdlib -fno-stack-protector \
	-fno-strict-aliasing -fomit-frame-pointer -mcmodel=medany -march=rv64gc -mabi=lp64d \
	-fno-tree-loop-distribute-patterns -MMD -MP -I. -DGIT_VERSION='"$(VERSION)"' \
	-DKERNEL_VERSION='"$(KVERSION)"'
LDFLAGS := -nostdlib -static -T linker.ld -Wl,--gc-sections -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--emit-relocs

KDIRS := boot boot/init drivers drivers/core net mm app lib
KSRC := $(sort $(wildcard $(addsuffix /*.S,$(KDIRS)) $(addsuffix /*.c,$(KDIRS))))
KOBJ := $(patsubst %,$(B)/k/%.o,$(KSRC))
TSRC := $(sort $(wildcard tests/guest/*.c))
TOBJ := $(patsubst %,$(B)/t/%.o,$(KSRC) $(TSRC))

PHONY_EXTRA := format format-check layers spdx lint image flash bench-linux profile help debug gdb \
	debug-qemu compile_commands.json
.PHONY: $(PHONY_EXTRA) all run test test-host test-guest test-integration bench lint format clean deps-run deps-test
#>> Targets:
#> all: build/kernel.elf (with symbols, for GDB) and build/kernel.bin (the image); default
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

# ---- symbol table for panic backtraces: a two-pass link ----
# Pass 1 links without the table; boot/tools/ksyms.py writes its function symbols as the
# .ksyms section, which pass 2 links at the end of .rodata, after all code, so no function
# moves (ksyms.py --check compares the two links and fails the build if one did).
NM := $(CROSS)nm
define link_with_ksyms
	@echo "  LD      $@ (pass 1)"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(1) -o $@.pass1 -lgcc
	@$(PYTHON) boot/tools/ksyms.py --nm $(NM) $@.pass1 $@.ksyms.S
	@$(CC) $(CFLAGS) -c $@.ksyms.S -o $@.ksyms.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(1) $@.ksyms.o -o $@ -lgcc
	@$(PYTHON) boot/tools/ksyms.py --nm $(NM) --check $@.pass1 $@
endef

$(B)/kernel.elf: $(KOBJ) linker.ld boot/tools/ksyms.py
	$(call link_with_ksyms,$(KOBJ))
	@$(SIZE) $@
$(B)/kernel-test.elf: $(TOBJ) linker.ld boot/tools/ksyms.py
	$(call link_with_ksyms,$(TOBJ))
%.bin: %.elf boot/tools/relocs.py
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@
	@python3 boot/tools/relocs.py $< $@

# ---- host unit tests: pure sources built for x86-64 with ASan/UBSan ----
HOST_PURE := lib/printf.c lib/klog.c lib/ksyms.c lib/unwind.c lib/timer.c lib/bootargs.c lib/errno.c lib/fdt.c \
	lib/siphash.c drivers/core/dt.c drivers/core/dt_driver.c drivers/core/irq.c \
	$(wildcard net/*.c) mm/page.c mm/kmem.c mm/pcache.c mm/region.c mm/blkdev.c \
	drivers/pci_res.c drivers/ramblk.c drivers/nvme_prp.c drivers/gem_dt.c drivers/mii.c \
	app/echo.c app/tcpecho.c app/lineedit.c app/store_proto.c
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
#> deps-run: check (as root: install) the Debian packages make run needs
deps-run:
	@sh tests/deps.sh run
#> deps-test: the same for make test, make bench and make debug
deps-test:
	@sh tests/deps.sh test

#> run: build and boot in QEMU, the serial console here (quit: Ctrl-A X); variables above
run: deps-run $(B)/kernel.bin
	@sh tests/qemu-run.sh $(B)/kernel.bin $(RUN_OPTS)

# ---- debugging: make debug (one terminal), or make debug-qemu + make gdb (two) ----
#> debug: QEMU waiting for GDB, gdb-multiarch attached with build/kernel.elf's symbols,
#>+ stopped at DEBUG_BREAK; the console: nc 127.0.0.1 CONSOLE_PORT, build/debug-console.log
debug: deps-debug $(B)/kernel.bin
	@sh tests/debug.sh $(B)/kernel.elf $(B)/kernel.bin GDB_PORT=$(GDB_PORT) \
		CONSOLE_PORT=$(CONSOLE_PORT) DEBUG_BREAK="$(DEBUG_BREAK)" \
		GDB_SCRIPT="$(GDB_SCRIPT)" GDB_BATCH="$(GDB_BATCH)" -- $(RUN_OPTS)
#> debug-qemu: QEMU waiting for GDB on GDB_PORT, console here; attach with make gdb
debug-qemu: deps-run $(B)/kernel.bin
	@sh tests/qemu-run.sh $(B)/kernel.bin $(RUN_OPTS) GDB_PORT=$(GDB_PORT)
#> gdb: gdb-multiarch with build/kernel.elf, attached to a QEMU from make debug-qemu
gdb: deps-debug $(B)/kernel.elf
	@gdb-multiarch -q $(B)/kernel.elf -ex 'set architecture riscv:rv64' \
		-ex 'target remote 127.0.0.1:$(GDB_PORT)'
deps-debug:
	@sh tests/deps.sh debug

#> help: this list
help:
	@sed -n 's/^#>> //p; s/^#> \([^:]*\): \(.*\)/\1|\2/p; s/^#>+ /|  /p' $(MAKEFILE_LIST) | \
		awk -F'|' 'NF == 1 { print "\n" $$0; next } { printf "  %-22s %s\n", $$1, $$2 }'
	@echo
	@echo "README.md has the details: the boot arguments, the shell, the tests, the figures;"
	@echo "docs/design.md how the kernel works, docs/contributing.md how to change it."

#> compile_commands.json: compilation database for editors (clangd), from this Makefile
# The flags go through the environment as make wrote them, so that their shell quoting (the
# version strings) is undone once, by the script, as the shell does for a build.
compile_commands.json: export DB_CFLAGS = $(CFLAGS)
compile_commands.json: export DB_HOST_CFLAGS = $(HOST_CFLAGS)
compile_commands.json: Makefile
	@$(PYTHON) tests/tools/compile-db.py --out $@ --dir $(CURDIR) --cc "$(CC)" \
		--host-cc "$(HOSTCC)" --kernel $(KSRC) --host $(HOST_PURE) $(wildcard tests/host/*.c)
	@echo "  GEN     $@"

#> test-host: host unit tests only (x86-64, ASan/UBSan)
test-host: $(HOST_TESTS)
	@sh tests/run-host.sh $(HOST_TESTS)
#> test-guest: the in-guest tests only (build/kernel-test.bin in QEMU)
test-guest: $(B)/kernel-test.bin
	@$(PYTHON) tests/run-guest.py $(B)/kernel-test.bin
#> test-integration: the pytest suites only (tests/integration)
test-integration: $(B)/kernel.bin
	@sh tests/run-integration.sh

#> test: everything: host, fuzz smoke, guest, integration; ends with "N passed, N failed"
test: deps-test
	@$(MAKE) --no-print-directory all $(B)/kernel-test.bin $(HOST_TESTS) fuzz-build
	@sh tests/run-all.sh

#> bench: the figures of the README; build/bench.json and build/bench.svg (bench-linux with the
#>+ Linux guest took 14 min 10 s on 2 cores, 2026-12-03; bench is that run less the Linux part)
bench: deps-test $(B)/kernel.bin
	@$(PYTHON) tests/bench.py
#> bench-linux: the same beside a Linux 6.1 guest built from Debian's linux-source
bench-linux: deps-test $(B)/kernel.bin
	@$(PYTHON) tests/bench.py --linux
$(B)/udpload: tests/tools/udpload.c
	@mkdir -p $(B)
	@echo "  CC      $@"
	@gcc -O2 -std=gnu11 -Wall -Wextra -o $@ $<
# Guest instructions per echoed datagram by function, from QEMU's TCG exec log.
#> profile: guest instructions per echoed datagram, by function (QEMU's exec log); CPU=rv64,v=true
#>+ profiles a CPU with the vector extension (QEMU -cpu); ANNOTATE=fast_input_sum adds that
#>+ function's disassembly with each instruction's executions per datagram; NIC=e1000e profiles
#>+ the 82574L (it verifies received checksums; BOOTARGS=net.rxcsum=0 leaves them to the stack)
profile: deps-test $(B)/kernel.bin $(B)/udpload
	@$(PYTHON) tests/tools/insnprof.py $(if $(CPU),--cpu $(CPU)) $(if $(NIC),--nic $(NIC)) \
	  $(if $(BOOTARGS),--bootargs "$(BOOTARGS)") \
	  $(foreach f,$(ANNOTATE),--annotate $(f))

# Static checks: clang-format, cppcheck, clang-tidy, GCC -fanalyzer, the layering rule (every
# include runs down the layers: tests/tools/layers.sh lists any that does not) and the license
# line (tests/tools/spdx.py lists any tracked source without it). docs/contributing.md, "What
# CI runs", has the list.
SRC_ALL := $(sort $(wildcard $(addsuffix /*.[ch],$(KDIRS))))
#> format-check: clang-format --dry-run over the sources
format-check:
	@clang-format --dry-run -Werror $(SRC_ALL) && echo "format: clean"
#> format: clang-format -i over the sources (run before committing)
format:
	clang-format -i $(SRC_ALL)
#> layers: the layering rule: every include runs down the layers (tests/tools/layers.sh)
layers:
	@sh tests/tools/layers.sh
#> spdx: the SPDX-License-Identifier line in every tracked source (tests/tools/spdx.py --fix)
spdx:
	@$(PYTHON) tests/tools/spdx.py
#> lint: format-check, layers, spdx, cppcheck, clang-tidy, gcc -fanalyzer (as CI)
lint: format-check layers spdx
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
		-ffreestanding -std=c11 -I. -D'GIT_VERSION="lint"' \
		-D'KERNEL_VERSION="lint"' >$(B)/clang-tidy.log 2>&1; \
		rc=$$?; grep -B1 -A3 'warning:\|error:' $(B)/clang-tidy.log; \
		if [ $$rc -ne 0 ] || grep -q 'warning:\|error:' $(B)/clang-tidy.log; then \
		echo "lint: clang-tidy findings (full log: $(B)/clang-tidy.log)"; exit 1; fi
	@echo "gcc -fanalyzer $(words $(filter %.c,$(SRC_ALL))) files"
	@printf '%s\n' $(filter %.c,$(SRC_ALL)) | xargs -P2 -I{} $(CC) \
		$(filter-out -MMD -MP,$(CFLAGS)) -fanalyzer -c {} -o /dev/null
	@echo "lint: clean"

# Board images: boot.scr for U-Boot, and a FAT SD card / disk image holding kernel.bin and
# boot.scr (U-Boot's distro boot runs it). `make flash DEV=/dev/sdX` copies kernel.bin and
# boot.scr into the FAT partition already on the card (a board's SPL and U-Boot partitions
# stay untouched; boot/tools/flash.sh); `WHOLE=1` writes build/sdcard.img over the whole card
# instead, with a warning; `make flash TFTP=/srv/tftp` copies the files to a TFTP folder.
#> image: build/boot.scr and build/sdcard.img for a board's U-Boot
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
#> flash: DEV=/dev/sdX: kernel.bin and boot.scr into the card's FAT partition (nothing else
#>+ written); DEV=... WHOLE=1: the whole image over the card; TFTP=/srv/tftp: a TFTP folder
flash: image
	@sh boot/tools/flash.sh $(B) "$(DEV)" "$(TFTP)" "$(WHOLE)"

#> clean: remove build/
clean:
	rm -rf $(B)

-include $(shell find $(B)/k $(B)/t $(B)/host $(B)/fuzz -name '*.d' -type f 2>/dev/null)
