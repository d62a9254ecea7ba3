/* SPDX-License-Identifier: BSD-2-Clause */
/* instret_loop and the exactness check (boot/instret.h). */
#include <stdbool.h>
#include <stdint.h>
#include "boot/csr.h"
#include "boot/instret.h"

uint64_t instret_loop(uint64_t loops)
{
	uint64_t n = loops, before, after;
	before = csr_read(CSR_INSTRET);
	__asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
	after = csr_read(CSR_INSTRET);
	return after - before;
}

bool instret_is_exact(void)
{
	static int exact = -1; /* unknown until the first call */
	if (exact < 0) {
		exact = 1;
		for (int i = 0; i < 2; i++) {
			/* the instructions around the loop cancel out in the difference */
			uint64_t a = instret_loop(1000), b = instret_loop(3000);
			if (b - a != 2ull * (3000 - 1000))
				exact = 0;
		}
	}
	return exact == 1;
}
