/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packet buffer pool: MBUF_COUNT buffers of MBUF_SIZE bytes in one static, 64-byte aligned
 * array, handed out from a free list. RAM is identity-mapped, so a buffer's DMA address is its
 * virtual address.
 */
#include "net/mbuf.h"
#include "lib/kprintf.h"

static uint8_t pool_mem[MBUF_COUNT][MBUF_SIZE] __attribute__((aligned(64)));
struct mbuf mbuf_hdrs[MBUF_COUNT];
struct mbuf_pool mbuf_pool;

_Static_assert(MBUF_SIZE % 64 == 0, "buffers stay cache-line aligned");
_Static_assert(MBUF_HEADROOM >= 14 + 20 + 8, "headroom holds Ethernet + IPv4 + UDP");

void mbuf_pool_init(void)
{
	struct mbuf_pool *p = &mbuf_pool;
	p->free_list = NULL;
	for (int i = MBUF_COUNT - 1; i >= 0; i--) {
		struct mbuf *m = &mbuf_hdrs[i];
		m->head = pool_mem[i];
		m->end = pool_mem[i] + MBUF_SIZE;
		m->phys = (uint64_t)(uintptr_t)m->head;
		m->flags = MBUF_F_FREE;
		m->next = p->free_list;
		p->free_list = m;
	}
	p->st = (struct mbuf_pool_stats){ 0 };
	p->st.total = p->st.free = p->st.low_water = MBUF_COUNT;
}

struct mbuf *mbuf_alloc_empty(void)
{
	mbuf_pool.st.alloc_fail++;
	return NULL;
}

void mbuf_free_bad(const struct mbuf *m)
{
	if ((uintptr_t)m - (uintptr_t)mbuf_hdrs >= sizeof(mbuf_hdrs))
		panic("mbuf_free: %p is not a pool buffer", (const void *)m);
	panic("mbuf_free: double free of buffer %d", (int)(m - mbuf_hdrs));
}

uint32_t mbuf_pool_free_count(void)
{
	return mbuf_pool.st.free;
}

const struct mbuf_pool_stats *mbuf_pool_stats(void)
{
	return &mbuf_pool.st;
}

void mbufq_purge(struct mbuf_queue *q)
{
	struct mbuf *m;
	while ((m = mbufq_pop(q)))
		mbuf_free(m);
}
