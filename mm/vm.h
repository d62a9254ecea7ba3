/*
 * Sv39 page tables. The kernel image is identity-mapped W^X (text RX, rodata R, data/bss RW),
 * all RAM RW (no X), MMIO RW (never X). The region window (CONFIG_REGION_BASE) is mapped page
 * by page by mm/region.c through vm_map_page and friends.
 */
#pragma once
#include <stdint.h>
#include "lib/fdt.h"

#define VM_R (1u << 0)
#define VM_W (1u << 1)
#define VM_X (1u << 2)

/* Build the kernel table from the page allocator (the image, RAM ram[0..nram), and the MMIO
 * noted before) and switch satp to it. 0, -ENOMEM, or the mapping error. */
int vm_init(const struct fdt_range *ram, int nram);
/* Identity-map an MMIO range RW, never X (each driver for its own registers). Before vm_init
 * the range is noted and mapped when the table is built (-ENOSPC past a few ranges). */
int vm_map_mmio(uint64_t pa, uint64_t size);
/* Map one 4 KiB page va -> pa with prot (VM_R/VM_W); replaces an existing mapping and flushes
 * that TLB entry. 0 or -ENOMEM (no frame for an intermediate table) / -EINVAL. */
int vm_map_page(uint64_t va, uint64_t pa, unsigned prot);
/* Remove the mapping of va (no-op if absent) and flush it from the TLB. */
void vm_unmap_page(uint64_t va);
/* Change prot of an existing mapping; -ENOENT if va is not mapped. */
int vm_protect_page(uint64_t va, unsigned prot);
/* Physical address va maps to, or 0 if unmapped; *prot gets VM_ bits if prot != NULL. */
uint64_t vm_lookup(uint64_t va, unsigned *prot);
