/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packet buffer pool: MBUF_COUNT buffers of MBUF_SIZE bytes in one static, 64-byte aligned
 * array, handed out from a free list. RAM is identity-mapped, so a buffer's DMA address is its
 * virtual address.
 */
#include "net/mbuf.h"
#include "lib/kprintf.h"

#define MBUF_F_FREE 0x80000000u /* on the free list: a second free is a broken invariant */

static uint8_t pool_mem[MBUF_COUNT][MBUF_SIZE] __attribute__((aligned(64)));
static struct mbuf pool_hdr[MBUF_COUNT];
static struct mbuf *free_list;
static struct mbuf_pool_stats st;

_Static_assert(MBUF_SIZE % 64 == 0, "buffers stay cache-line aligned");
_Static_assert(MBUF_HEADROOM >= 14 + 20 + 8, "headroom holds Ethernet + IPv4 + UDP");

void mbuf_pool_init(void)
{
	free_list = NULL;
	for (int i = MBUF_COUNT - 1; i >= 0; i--) {
		struct mbuf *m = &pool_hdr[i];
		m->head = pool_mem[i];
		m->end = pool_mem[i] + MBUF_SIZE;
		m->phys = (uint64_t)(uintptr_t)m->head;
		m->flags = MBUF_F_FREE;
		m->next = free_list;
		free_list = m;
	}
	st = (struct mbuf_pool_stats){ 0 };
	st.total = st.free = st.low_water = MBUF_COUNT;
}

struct mbuf *mbuf_alloc(void)
{
	struct mbuf *m = free_list;
	if (!m) {
		st.alloc_fail++;
		return NULL;
	}
	free_list = m->next;
	m->next = NULL;
	m->flags = 0;
	m->data = m->tail = m->head + MBUF_HEADROOM;
	m->l3_off = m->l4_off = 0;
	st.allocs++;
	if (--st.free < st.low_water)
		st.low_water = st.free;
	return m;
}

void mbuf_free(struct mbuf *m)
{
	if (!m)
		return;
	if (m < pool_hdr || m >= pool_hdr + MBUF_COUNT)
		panic("mbuf_free: %p is not a pool buffer", (void *)m);
	if (m->flags & MBUF_F_FREE)
		panic("mbuf_free: double free of buffer %d", (int)(m - pool_hdr));
	m->flags = MBUF_F_FREE;
	m->next = free_list;
	free_list = m;
	st.frees++;
	st.free++;
}

uint32_t mbuf_pool_free_count(void)
{
	return st.free;
}

const struct mbuf_pool_stats *mbuf_pool_stats(void)
{
	return &st;
}

void mbufq_purge(struct mbuf_queue *q)
{
	struct mbuf *m;
	while ((m = mbufq_pop(q)))
		mbuf_free(m);
}
