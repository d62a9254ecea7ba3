/* SPDX-License-Identifier: BSD-2-Clause */
/* The instret CSR as an instruction counter, and whether it is one on this machine. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* instret over a loop of exactly 2 * loops instructions (an addi and a bnez per turn), plus
 * the few around it. */
uint64_t instret_loop(uint64_t loops);

/*
 * True when instret counts executed instructions exactly: a real hart, or QEMU with
 * -icount shift=0. QEMU without -icount returns the host's cycle counter there, and with
 * shift=N it counts 2^N per instruction; then figures built on instret (busy instructions,
 * instructions per datagram) are not instruction counts. Measured once, on the first call:
 * two loops of known length must differ by exactly their length, twice.
 */
bool instret_is_exact(void);
