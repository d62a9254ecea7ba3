/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame-pointer-free unwinding by prologue analysis: the kernel is built without frame
 * pointers (they cost a register and instructions in every call of the packet path), so a
 * backtrace finds each caller by reading the prologue of the function it is in: how far the
 * function moves sp down, and where it stores ra. GCC's RV64 code (addi/c.addi16sp, then
 * sd/c.sdsp ra) has one frame per function, set up before any call (no alloca: -Wvla).
 * Pure: built for the host tests too.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct unwind_frame {
	uint32_t size;	 /* bytes the prologue subtracts from sp (0: no frame) */
	int32_t ra_off;	 /* where ra is stored, from sp after the prologue (-1: not stored) */
	uint32_t set_at; /* bytes from the function's start to just after the ra store */
};

/*
 * Decode the prologue of the function whose code starts at code, looking at most at len
 * bytes (stopping at the first ra store after the sp adjustment). Returns 0 with *f filled
 * (size 0 or ra_off -1 where the function has none), or -EINVAL if code is not 2-byte aligned.
 */
int unwind_prologue(const uint16_t *code, size_t len, struct unwind_frame *f);
