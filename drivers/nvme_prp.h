/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PRP entries for one NVMe data transfer (NVMe Base 2.0 sec. 4.1.1): pure arithmetic, shared by
 * drivers/nvme.c and the host model test. The memory page size is NVME_PRP_PAGE (CC.MPS = 0).
 */
#pragma once
#include <stdint.h>

#define NVME_PRP_PAGE 4096u
/* Entries in one PRP list page; the driver never chains a second list page. */
#define NVME_PRP_LIST_MAX (NVME_PRP_PAGE / 8)

/*
 * Describe the physically contiguous buffer [pa, pa + len) for a command. PRP1 is pa itself
 * (any dword-aligned offset); a transfer that ends in the next page puts that page in PRP2; a
 * longer one puts the page-aligned addresses of the second and later pages in list[] (which
 * the device reads at list_pa, a page-aligned address) and list_pa in PRP2. PRP2 is 0 when
 * unused. Returns the number of list entries written (0 when no list is needed), or
 * -EINVAL (len 0, pa not dword-aligned, wrap-around, list_pa not page-aligned) or -E2BIG
 * (more than list_cap list entries needed; list_cap is at most NVME_PRP_LIST_MAX).
 */
int nvme_prp_build(uint64_t pa, uint32_t len, uint64_t *list, uint64_t list_pa, uint32_t list_cap,
		   uint64_t *prp1, uint64_t *prp2);
/*
 * The same for n whole pages scattered in memory, page i at frames[i] (page-aligned): PRP1 is
 * frames[0], PRP2 frames[1] for two pages, else list_pa with frames[1..n-1] copied to list[].
 * Returns the number of list entries written, or -EINVAL (n 0, a frame or list_pa not
 * page-aligned) or -E2BIG (n - 1 > list_cap, the cap at most NVME_PRP_LIST_MAX).
 */
int nvme_prp_build_pages(const uint64_t *frames, uint32_t n, uint64_t *list, uint64_t list_pa,
			 uint32_t list_cap, uint64_t *prp1, uint64_t *prp2);
/* Largest len nvme_prp_build accepts for any dword-aligned pa with list_cap entries. */
uint32_t nvme_prp_max_len(uint32_t list_cap);
