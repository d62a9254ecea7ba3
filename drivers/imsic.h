/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RISC-V IMSIC (AIA spec v1.0, chapter 3): per-hart interrupt files that take MSIs. The kernel
 * drives the S-level file of the boot hart: PCI MSI/MSI-X and the APLIC in MSI mode write to
 * it; the hart claims through stopei.
 */
#pragma once
#include <stdint.h>
#include "drivers/core/dt.h"
#include "lib/errno.h"

#define IMSIC_FILE_SIZE 0x1000u /* one interrupt file: a 4 KiB page */

/* DT driver (interrupt stage): "riscv,imsics" whose interrupts-extended names the boot hart's
 * S-external interrupt; the M-level files are the firmware's. */
extern const struct dt_driver imsic_driver;

/*
 * The physical address of the index-th interrupt file, for reg regions regs[0..n) holding
 * consecutive files of (IMSIC_FILE_SIZE << guest_bits) bytes each (one S-level file and its
 * guest files per hart, AIA spec 3.6). 0 and *addr, or -ENOENT (no such file). Pure.
 */
static inline int imsic_file_addr(const struct fdt_range *regs, int n, uint32_t guest_bits,
				  uint32_t index, uint64_t *addr)
{
	uint64_t stride = (uint64_t)IMSIC_FILE_SIZE << guest_bits;
	for (int i = 0; i < n; i++) {
		uint64_t files = regs[i].size / stride;
		if (index < files) {
			*addr = regs[i].base + index * stride;
			return 0;
		}
		index -= (uint32_t)files;
	}
	return -ENOENT;
}

/* Raise id in the boot hart's file by MMIO, as a device would (tests). */
void imsic_raise(uint32_t id);
