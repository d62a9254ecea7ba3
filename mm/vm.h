/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sv39 (or Sv48) page tables. The kernel image is identity-mapped W^X (text RX, rodata R,
 * data/bss RW), all RAM RW (no X), MMIO RW (never X), all of it in the lower half of the
 * address space: physical addresses below vm_reach(). The region window (CONFIG_REGION_BASE,
 * in the upper half, where no identity map can reach) is mapped page by page by mm/region.c
 * through vm_map_page and friends.
 */
#pragma once
#include <stdint.h>
#include "lib/fdt.h"

#define VM_R (1u << 0)
#define VM_W (1u << 1)
#define VM_X (1u << 2)

/*
 * Probe which paging modes the hart has (satp write and read-back with a temporary table; the
 * MMU is left in Bare mode) and pick one for a machine whose RAM ends at ram_end: Sv39, or
 * Sv48 when RAM reaches past Sv39's identity map and the hart has Sv48; vm.mode= overrides
 * (a mode the hart lacks is warned about and ignored). 0, or -ENOTSUP when the hart has
 * neither mode (no MMU). Call before page tables exist: nothing is allocated.
 */
int vm_select(uint64_t ram_end);
/* The first physical address the identity map cannot reach in the selected mode: 256 GiB
 * (Sv39) or 128 TiB (Sv48). RAM beyond it is not mapped; vm_map_mmio refuses beyond it. */
uint64_t vm_reach(void);
/* "Sv39" or "Sv48" (the selected mode). */
const char *vm_mode_name(void);
/* vm.mode= for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table vm_bootargs;
/* Build the kernel table from the page allocator (the image, RAM ram[0..nram) below
 * vm_reach(), and the MMIO noted before) and switch satp to it, in the mode vm_select chose.
 * 0, -ENOMEM, -ERANGE (the image or noted MMIO beyond the reach), or the mapping error;
 * the MMU stays in Bare mode on failure. */
int vm_init(const struct fdt_range *ram, int nram);
/* Identity-map an MMIO range RW, never X (each driver for its own registers); -ERANGE past
 * vm_reach(). Before vm_init the range is noted and mapped when the table is built (-ENOSPC
 * past a few ranges). */
int vm_map_mmio(uint64_t pa, uint64_t size);
/* Map one 4 KiB page va -> pa with prot (VM_R/VM_W); replaces an existing mapping and flushes
 * that TLB entry (a new one is not flushed: vm_flush_stale). 0 or -ENOMEM (no frame for an
 * intermediate table) / -EINVAL. */
int vm_map_page(uint64_t va, uint64_t pa, unsigned prot);
/* Remove the mapping of va (no-op if absent) and flush it from the TLB. */
void vm_unmap_page(uint64_t va);
/* Change prot of an existing mapping (fenced when rights go); -ENOENT if va is not mapped. */
int vm_protect_page(uint64_t va, unsigned prot);
/* Physical address va maps to, or 0 if unmapped; *prot gets VM_ bits if prot != NULL. */
uint64_t vm_lookup(uint64_t va, unsigned *prot);

/*
 * Batched TLB maintenance: between vm_batch_begin() and vm_batch_end(), vm_map_page,
 * vm_unmap_page and vm_protect_page change the tables at once but defer their sfence.vma;
 * vm_batch_end fences once for all of them. Until then the old translations may still be
 * used: a batch covers work that does not touch the pages it changes (a fault handler before
 * it returns, a sync, an unmap), and frames freed inside it are not reused before its end by
 * anything that reads through the old mapping. Batches nest; every end fences.
 */
void vm_batch_begin(void);
void vm_batch_end(void);
/*
 * A page fault found va already mapped as the access needs: the TLB held the entry from
 * before a change that added rights, which vm_map_page and vm_protect_page do not fence (see
 * vm.c). Fences (inside a batch: at its end); the access is then retried.
 */
void vm_flush_stale(uint64_t va);
struct vm_stats {
	uint64_t fences_page, fences_full; /* sfence.vma with an address, and without */
	uint64_t deferred;		   /* changes whose fence a batch took over */
	uint64_t lazy;			   /* changes that added rights: not fenced */
	uint64_t stale;			   /* faults on a stale entry (vm_flush_stale) */
};
const struct vm_stats *vm_stats(void);
