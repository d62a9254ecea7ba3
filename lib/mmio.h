/*
 * MMIO accessors. Device registers are mapped strongly ordered (PMA I/O on QEMU virt), but the
 * hart may still reorder normal-memory accesses around them, so the rules are:
 *   mmio_write*: "fence w,o" first, so descriptor/buffer stores in RAM are visible to the
 *                device before the register write that tells it to look (a doorbell).
 *   mmio_read*:  "fence i,r" after, so RAM reads that depend on the register value (e.g. a
 *                DMA'd buffer) are not performed before the register read.
 * Drivers still place explicit, commented fences where they order RAM against RAM
 * (e.g. reading a descriptor's DD bit before its other fields).
 */
#pragma once
#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v = *(volatile uint32_t *)addr;
	__asm__ volatile("fence i,r" ::: "memory");
	return v;
}
static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("fence w,o" ::: "memory");
	*(volatile uint32_t *)addr = v;
}
static inline uint16_t mmio_read16(uintptr_t addr)
{
	uint16_t v = *(volatile uint16_t *)addr;
	__asm__ volatile("fence i,r" ::: "memory");
	return v;
}
static inline void mmio_write16(uintptr_t addr, uint16_t v)
{
	__asm__ volatile("fence w,o" ::: "memory");
	*(volatile uint16_t *)addr = v;
}
static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint8_t v = *(volatile uint8_t *)addr;
	__asm__ volatile("fence i,r" ::: "memory");
	return v;
}
static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	__asm__ volatile("fence w,o" ::: "memory");
	*(volatile uint8_t *)addr = v;
}
