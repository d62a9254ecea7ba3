/* SPDX-License-Identifier: BSD-2-Clause */
/* The `time` CSR, its rate from the DT, and the timer interrupt through SBI. */
#pragma once
#include <stdint.h>

void time_init(uint32_t timebase_hz);
static inline uint64_t time_read(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
/* Ask for a timer interrupt (it only wakes wfi) at clock_ns() deadline; UINT64_MAX = none. */
void time_wake_at(uint64_t deadline_ns);
uint32_t time_hz(void);
