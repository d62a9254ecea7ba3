/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MMIO accessors. Device registers are mapped strongly ordered (PMA I/O on QEMU virt), but the
 * hart may still reorder normal-memory accesses around them, so the rules are:
 *   mmio_write*: mmio_wmb() ("fence w,o") first, so descriptor/buffer stores in RAM are
 *                visible to the device before the register write that tells it to look.
 *   mmio_read*:  mmio_rmb() ("fence i,r") after, so RAM reads that depend on the register
 *                value (e.g. a DMA'd buffer) are not performed before the register read.
 * Drivers still place the named barriers of lib/barrier.h, with a comment, where they order
 * RAM against RAM (e.g. reading a descriptor's DD bit before its other fields).
 */
#pragma once
#include <stdint.h>
#include "lib/barrier.h"

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v = *(volatile uint32_t *)addr;
	mmio_rmb();
	return v;
}
static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	mmio_wmb();
	*(volatile uint32_t *)addr = v;
}
static inline uint16_t mmio_read16(uintptr_t addr)
{
	uint16_t v = *(volatile uint16_t *)addr;
	mmio_rmb();
	return v;
}
static inline void mmio_write16(uintptr_t addr, uint16_t v)
{
	mmio_wmb();
	*(volatile uint16_t *)addr = v;
}
static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint8_t v = *(volatile uint8_t *)addr;
	mmio_rmb();
	return v;
}
static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	mmio_wmb();
	*(volatile uint8_t *)addr = v;
}
