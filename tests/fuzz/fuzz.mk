# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) over the same pure sources as the host tests.
# Included from the top Makefile after HOST_PURE is defined:
#   make fuzz-smoke   every harness for FUZZ_SMOKE_SECONDS (regressions replayed first)
#   make fuzz         every harness for FUZZ_SECONDS
#   make fuzz-build   only build build/fuzz/fuzz_*
# One harness: sh tests/fuzz/run.sh fuzz 600 build/fuzz/fuzz_eth
# Seeds: tests/fuzz/corpus/<harness>/, written by tests/fuzz/make-seeds.py (scapy). A crash
# that was fixed goes to tests/fuzz/regress/<harness>/ and is replayed by every run.

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 300
FUZZ_SMOKE_SECONDS ?= 12
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Wno-unused-function -g -O1 -I. -DHOST_TEST=1 \
	-fno-omit-frame-pointer $(FUZZ_SAN) -MMD -MP
FUZZ_HARNESS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_HARNESS))

.PHONY: fuzz fuzz-smoke fuzz-build
# host_env.c.o is only a prerequisite of pattern rules: keep it (no rebuild every time).
.SECONDARY: $(B)/fuzz/o/tests/host/host_env.c.o

# The library objects carry coverage instrumentation but no libFuzzer main.
$(B)/fuzz/o/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(B)/fuzz/libpure.a: $(patsubst %,$(B)/fuzz/o/%.o,$(HOST_PURE))
	@rm -f $@
	@ar rcs $@ $^
# A harness may define symbols of the library (fake page_alloc, vm_*): the archive member is
# then not pulled in, as for the host tests.
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/fuzz/o/tests/host/host_env.c.o $(B)/fuzz/libpure.a
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer $< \
		$(B)/fuzz/o/tests/host/host_env.c.o $(B)/fuzz/libpure.a -o $@

#> fuzz-build: build the libFuzzer harnesses (build/fuzz/fuzz_*)
fuzz-build: $(FUZZ_BINS)
#> fuzz-smoke: every harness for FUZZ_SMOKE_SECONDS (12), regressions first
fuzz-smoke: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_BINS)
#> fuzz: every harness for FUZZ_SECONDS (300)
fuzz: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_BINS)
