/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/string.c's memcpy against a byte-by-byte copy, for every source and destination
 * alignment within a word and lengths around its word and block thresholds, with guard bytes
 * on both sides (the shifted word copy must neither miss a byte nor write past the end).
 */
#include <stdint.h>
#include "lib/string.h"
#include "tests/guest/gtest.h"

static uint8_t src_buf[4096 + 64] __attribute__((aligned(64)));
static uint8_t dst_buf[4096 + 64] __attribute__((aligned(64)));

GTEST(memcpy_every_alignment)
{
	static const unsigned lens[] = { 0,  1,	 7,  8,	 9,  15, 16,  31,   32,	  33,
					 39, 40, 41, 63, 64, 65, 100, 1460, 1461, 4000 };
	int bad = 0;
	for (unsigned i = 0; i < sizeof(src_buf); i++)
		src_buf[i] = (uint8_t)(i * 131 + 7);
	for (unsigned so = 0; so < 16; so++) {
		for (unsigned dof = 0; dof < 16; dof++) {
			for (unsigned k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
				unsigned n = lens[k];
				memset(dst_buf, 0xee, sizeof(dst_buf));
				memcpy(dst_buf + 16 + dof, src_buf + 16 + so, n);
				for (unsigned i = 0; i < sizeof(dst_buf); i++) {
					uint8_t want = (i >= 16 + dof && i < 16 + dof + n)
							       ? src_buf[16 + so + i - 16 - dof]
							       : 0xee;
					if (dst_buf[i] != want) {
						if (bad++ < 5)
							ok(0, "src +%u dst +%u len %u: byte %u", so,
							   dof, n, i);
						break;
					}
				}
			}
		}
	}
	ok(bad == 0, "%d copies wrong", bad);
}
