/* SPDX-License-Identifier: BSD-2-Clause */
/* Monotonic nanoseconds from `time`: ns = t * mult >> 32, mult = 1e9 * 2^32 / timebase. */
#include "boot/csr.h"
#include "boot/sbi.h"
#include "boot/time.h"
#include "lib/timer.h"

static uint64_t mult;
static uint64_t t0;
static uint32_t hz;
static uint64_t armed = UINT64_MAX;

void time_init(uint32_t timebase_hz)
{
	hz = timebase_hz ? timebase_hz : 10000000; /* QEMU virt's rate when the DT lacks it */
	mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / hz);
	t0 = 0; /* measure from reset, so boot figures include firmware time */
}

uint32_t time_hz(void)
{
	return hz;
}

uint64_t clock_ns(void)
{
	return (uint64_t)(((unsigned __int128)(time_read() - t0) * mult) >> 32);
}

void time_wake_at(uint64_t deadline_ns)
{
	if (deadline_ns == armed)
		return;
	armed = deadline_ns;
	if (deadline_ns == UINT64_MAX) {
		csr_clear(CSR_SIE, SIE_STIE);
		sbi_set_timer(UINT64_MAX);
		return;
	}
	/* ticks = ns * hz / 1e9, rounded up so we never wake early and spin. */
	uint64_t ticks =
		(uint64_t)(((unsigned __int128)deadline_ns * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
	sbi_set_timer(ticks + t0);
	csr_set(CSR_SIE, SIE_STIE);
}
