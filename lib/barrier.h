/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Named memory barriers (RISC-V unprivileged spec, "FENCE"; OpenSBI riscv_barrier.h and Linux
 * dma_rmb/dma_wmb do the same). A driver names what it orders instead of writing fence asm;
 * each call site still says, in a comment, which two accesses the barrier keeps in order.
 * Device registers go through lib/mmio.h, whose accessors carry the MMIO rules below.
 */
#pragma once

/* RAM read after RAM read: a device-written status (a descriptor's done bit) before the
 * other fields the device wrote with it. */
static inline void dma_rmb(void)
{
	__asm__ volatile("fence r,r" ::: "memory");
}

/* RAM write after RAM write: a descriptor's fields before the store that hands it to a device
 * polling RAM (an ownership bit). */
static inline void dma_wmb(void)
{
	__asm__ volatile("fence w,w" ::: "memory");
}

/* Any later RAM access after a RAM read: a device's completion status before the buffers it
 * releases are read or written again (acquire). */
static inline void dma_acquire(void)
{
	__asm__ volatile("fence r,rw" ::: "memory");
}

/* RAM writes before a device register write (a doorbell: the device then reads the RAM). */
static inline void mmio_wmb(void)
{
	__asm__ volatile("fence w,o" ::: "memory");
}

/* RAM reads and writes before a later device register write (release): the host is done with
 * memory the device owns again after the write, e.g. it has read a completion entry before the
 * doorbell that lets the device overwrite it. mmio_wmb orders only the writes. */
static inline void mmio_release(void)
{
	__asm__ volatile("fence rw,o" ::: "memory");
}

/* A device register read before later RAM reads that depend on it (a DMA'd buffer). */
static inline void mmio_rmb(void)
{
	__asm__ volatile("fence i,r" ::: "memory");
}

/* Everything before, everything after, device registers included (rare paths only). */
static inline void io_mb(void)
{
	__asm__ volatile("fence iorw,iorw" ::: "memory");
}
