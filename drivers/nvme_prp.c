/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PRP builder (interface in drivers/nvme_prp.h). Base 2.0 sec. 4.1.1: every entry after the
 * first has a zero page offset, so a transfer touches one partial first page and then whole
 * (or a partial last) pages; PRP2 is the second page itself when there are exactly two, or a
 * pointer to the list of all pages after the first when there are more.
 */
#include <stdint.h>
#include "drivers/nvme_prp.h"
#include "lib/errno.h"

#define PAGE_MASK64 ((uint64_t)NVME_PRP_PAGE - 1)

uint32_t nvme_prp_max_len(uint32_t list_cap)
{
	if (list_cap > NVME_PRP_LIST_MAX)
		list_cap = NVME_PRP_LIST_MAX;
	/* Worst case: pa in the last dword of a page, so the first page holds 4 bytes. */
	return list_cap * NVME_PRP_PAGE + 4;
}

int nvme_prp_build(uint64_t pa, uint32_t len, uint64_t *list, uint64_t list_pa, uint32_t list_cap,
		   uint64_t *prp1, uint64_t *prp2)
{
	uint64_t first_page = pa & ~PAGE_MASK64, end = pa + len;
	uint64_t npages, page;
	if (len == 0 || (pa & 3) || end < pa || (list_pa & PAGE_MASK64) ||
	    list_cap > NVME_PRP_LIST_MAX)
		return -EINVAL;
	/* Pages touched, counting from the first one: [first_page, end) rounded up. */
	npages = (end - first_page + PAGE_MASK64) / NVME_PRP_PAGE;
	*prp1 = pa;
	*prp2 = 0;
	if (npages == 1)
		return 0;
	if (npages == 2) {
		*prp2 = first_page + NVME_PRP_PAGE;
		return 0;
	}
	if (npages - 1 > list_cap)
		return -E2BIG;
	page = first_page + NVME_PRP_PAGE;
	for (uint64_t i = 0; i < npages - 1; i++, page += NVME_PRP_PAGE)
		list[i] = page;
	*prp2 = list_pa;
	return (int)(npages - 1);
}

int nvme_prp_build_pages(const uint64_t *frames, uint32_t n, uint64_t *list, uint64_t list_pa,
			 uint32_t list_cap, uint64_t *prp1, uint64_t *prp2)
{
	if (n == 0 || (list_pa & PAGE_MASK64) || list_cap > NVME_PRP_LIST_MAX)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (frames[i] & PAGE_MASK64)
			return -EINVAL;
	if (n > 2 && n - 1 > list_cap)
		return -E2BIG;
	*prp1 = frames[0];
	*prp2 = n == 2 ? frames[1] : 0;
	if (n <= 2)
		return 0;
	for (uint32_t i = 1; i < n; i++)
		list[i - 1] = frames[i];
	*prp2 = list_pa;
	return (int)(n - 1);
}
