/* SPDX-License-Identifier: BSD-2-Clause */
/* unwind_prologue on prologues as GCC and the assembler write them (encodings from
 * riscv64-unknown-elf-as -march=rv64gc), compressed and not, shrink-wrapped and frameless. */
#include <stdint.h>
#include "lib/errno.h"
#include "lib/unwind.h"
#include "tests/host/test.h"

/* c.addi16sp sp,-64; c.sdsp ra,56(sp); ret */
static const uint16_t f_compressed[] = { 0x7139, 0xfc06, 0x8082 };
/* addi sp,sp,-2032; sd s0,2016(sp); sd ra,2024(sp) (32-bit forms) */
static const uint16_t f_wide[] = { 0x0113, 0x8101, 0x3023, 0x7e81, 0x3423, 0x7e11 };
/* beqz a0,1f; c.addi sp,-32; c.sdsp s1,8(sp); c.sdsp ra,24(sp); 1: ret */
static const uint16_t f_wrapped[] = { 0xc501, 0x1101, 0xe426, 0xec06, 0x8082 };
/* li a0,0; ret: a leaf without a frame */
static const uint16_t f_leaf[] = { 0x4501, 0x8082 };
/* c.addi sp,-16; addi a0,a0,1; ret: a frame that keeps ra in its register */
static const uint16_t f_noRA[] = { 0x1141, 0x0505, 0x8082 };

int main(void)
{
	struct unwind_frame f;
	ok(unwind_prologue(f_compressed, sizeof(f_compressed), &f) == 0 && f.size == 64 &&
		   f.ra_off == 56 && f.set_at == 4,
	   "compressed: size %u ra at %d set at %u", f.size, f.ra_off, f.set_at);
	ok(unwind_prologue(f_wide, sizeof(f_wide), &f) == 0 && f.size == 2032 &&
		   f.ra_off == 2024 && f.set_at == 12,
	   "32-bit: size %u ra at %d set at %u", f.size, f.ra_off, f.set_at);
	ok(unwind_prologue(f_wrapped, sizeof(f_wrapped), &f) == 0 && f.size == 32 &&
		   f.ra_off == 24 && f.set_at == 8,
	   "shrink-wrapped: size %u ra at %d set at %u", f.size, f.ra_off, f.set_at);
	/* a pc before the ra store: the frame is not (fully) there yet */
	ok(unwind_prologue(f_wrapped, 4, &f) == 0 && f.size == 32 && f.ra_off == -1,
	   "stopped before the ra store: size %u ra at %d", f.size, f.ra_off);
	ok(unwind_prologue(f_wrapped, 2, &f) == 0 && f.size == 0, "stopped before the frame");
	ok(unwind_prologue(f_leaf, sizeof(f_leaf), &f) == 0 && f.size == 0 && f.ra_off == -1,
	   "leaf: no frame");
	ok(unwind_prologue(f_noRA, sizeof(f_noRA), &f) == 0 && f.size == 16 && f.ra_off == -1,
	   "frame without ra: size %u ra at %d", f.size, f.ra_off);
	/* half an instruction at the end is not read past */
	ok(unwind_prologue(f_wide, 3, &f) == 0 && f.size == 0, "a cut 32-bit instruction");
	ok(unwind_prologue((const uint16_t *)((const char *)f_leaf + 1), 2, &f) == -EINVAL,
	   "odd address refused");
	TEST_DONE();
}
