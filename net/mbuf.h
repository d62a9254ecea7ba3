/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packet buffers: a fixed pool of MBUF_SIZE-byte buffers, each with a header describing the
 * valid bytes [data, tail) inside [head, end). Semantics follow iPXE's iobufs:
 *   push(n): grow at the front (prepend a header), pull(n): strip from the front,
 *   put(n): grow at the back (append), trim(n): cut to n bytes.
 * Ownership: a function taking a struct mbuf * and returning void consumes it.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/config.h"
#include "lib/kprintf.h"

struct mbuf {
	struct mbuf *next; /* queue link; owned by whoever holds the mbuf */
	uint8_t *head;	   /* start of the buffer */
	uint8_t *data;	   /* first valid byte */
	uint8_t *tail;	   /* one past the last valid byte */
	uint8_t *end;	   /* end of the buffer */
	uint64_t phys;	   /* physical (DMA) address of head */
	uint32_t flags;	   /* MBUF_F_*: what the receive path learnt about the frame */
	uint16_t l3_off;   /* offset of the network header from head, set by eth_input */
	uint16_t l4_off;   /* offset of the transport header from head, set by ipv4_input */
};

/*
 * Received-frame flags, set on the way up (the driver, eth_input, ipv4_input) and read by the
 * layers above, so that a transport never has to repeat a check: a frame sent to a broadcast
 * or multicast address must not be answered by a unicast service (udp.c, icmp.c; TCP alike).
 */
#define MBUF_F_LINK_BCAST 0x1u /* sent to the Ethernet broadcast address (eth_input) */
#define MBUF_F_BCAST	  0x2u /* IPv4 destination is a broadcast address (ipv4_input) */
#define MBUF_F_NOADDR	  0x4u /* received before our address was configured (ipv4_input) */
/* Taken by the fused receive path (udp_fast_input): the Ethernet, IPv4 and UDP headers in
 * front of the payload are the received ones, checked: Ethernet II to our MAC, IPv4 without
 * options to our unicast address, unfragmented, a UDP length that fills the datagram. */
#define MBUF_F_FAST 0x8u
/* Set by a driver: the NIC summed the TCP or UDP segment and found its checksum right, so the
 * transport need not sum it again (the only flag a driver sets; eth_input keeps it). Never set
 * on a fragment, and dropped by reassembly: the NIC sees one fragment at a time. */
#define MBUF_F_L4_OK 0x10u

struct mbuf_queue {
	struct mbuf *first, *last;
	size_t len;
};

struct mbuf_pool_stats {
	uint64_t allocs, frees, alloc_fail;
	uint32_t total, free, low_water; /* low_water: fewest free ever seen (peak use) */
};

/* Set up the pool over a statically allocated area; called once at boot (and by host tests). */
void mbuf_pool_init(void);
/* Number of free buffers now (for leak checks: equal to the count at start after a test). */
uint32_t mbuf_pool_free_count(void);
const struct mbuf_pool_stats *mbuf_pool_stats(void);

/*
 * The pool's state, for the inline alloc and free below (one of each per echoed datagram:
 * a call each cost more than the work). Only net/mbuf.c and these two touch it.
 */
#define MBUF_F_FREE 0x80000000u /* on the free list: a second free is a broken invariant */
struct mbuf_pool {
	struct mbuf *free_list;
	struct mbuf_pool_stats st;
};
extern struct mbuf_pool mbuf_pool;
extern struct mbuf mbuf_hdrs[MBUF_COUNT];
/* The out-of-line ends of the two: an empty pool (counted) and a broken invariant (panics). */
struct mbuf *mbuf_alloc_empty(void);
__attribute__((noreturn)) void mbuf_free_bad(const struct mbuf *m);

/*
 * Make m (owned, not on the free list) as mbuf_alloc returns it: headroom MBUF_HEADROOM,
 * length 0, no flags. A driver that takes back its transmitted buffers uses this to refill
 * its receive ring with them without a trip through the pool.
 */
static inline void mbuf_reset(struct mbuf *m)
{
	m->next = NULL;
	m->flags = 0;
	m->data = m->tail = m->head + MBUF_HEADROOM;
	m->l3_off = m->l4_off = 0;
}

/* Take a buffer with MBUF_HEADROOM bytes of headroom and length 0, or NULL (counted). */
static inline struct mbuf *mbuf_alloc(void)
{
	struct mbuf_pool *p = &mbuf_pool;
	struct mbuf *m = p->free_list;
	if (__builtin_expect(!m, 0))
		return mbuf_alloc_empty();
	p->free_list = m->next;
	mbuf_reset(m);
	p->st.allocs++;
	if (--p->st.free < p->st.low_water)
		p->st.low_water = p->st.free;
	return m;
}

/* Return a buffer to the pool. NULL is allowed. Double free panics (broken invariant). */
static inline void mbuf_free(struct mbuf *m)
{
	struct mbuf_pool *p = &mbuf_pool;
	if (!m)
		return;
	/* one unsigned compare: below the array wraps around to a huge offset */
	if (__builtin_expect((uintptr_t)m - (uintptr_t)mbuf_hdrs >= sizeof(mbuf_hdrs) ||
				     (m->flags & MBUF_F_FREE),
			     0))
		mbuf_free_bad(m);
	m->flags = MBUF_F_FREE;
	m->next = p->free_list;
	p->free_list = m;
	p->st.frees++;
	p->st.free++;
}

static inline size_t mbuf_len(const struct mbuf *m)
{
	return (size_t)(m->tail - m->data);
}
static inline size_t mbuf_headroom(const struct mbuf *m)
{
	return (size_t)(m->data - m->head);
}
static inline size_t mbuf_tailroom(const struct mbuf *m)
{
	return (size_t)(m->end - m->tail);
}
/* Prepend n bytes; returns the new data pointer. Caller checks headroom first (ASSERT). */
static inline void *mbuf_push(struct mbuf *m, size_t n)
{
	ASSERT(mbuf_headroom(m) >= n);
	m->data -= n;
	return m->data;
}
/* Strip n bytes from the front; returns the new data pointer. Caller checks len first. */
static inline void *mbuf_pull(struct mbuf *m, size_t n)
{
	ASSERT(mbuf_len(m) >= n);
	m->data += n;
	return m->data;
}
/* Append n bytes; returns a pointer to them. Caller checks tailroom first. */
static inline void *mbuf_put(struct mbuf *m, size_t n)
{
	void *p = m->tail;
	ASSERT(mbuf_tailroom(m) >= n);
	m->tail += n;
	return p;
}
/* Cut the valid data to len bytes (len <= mbuf_len). */
static inline void mbuf_trim(struct mbuf *m, size_t len)
{
	ASSERT(len <= mbuf_len(m));
	m->tail = m->data + len;
}
/* Move the (empty) data area n bytes further in, e.g. NET_IP_ALIGN for a receive buffer. */
static inline void mbuf_reserve(struct mbuf *m, size_t n)
{
	ASSERT(m->data == m->tail && mbuf_tailroom(m) >= n);
	m->data += n;
	m->tail += n;
}
/* Physical address of the first valid byte (for DMA). */
static inline uint64_t mbuf_data_phys(const struct mbuf *m)
{
	return m->phys + (uint64_t)(m->data - m->head);
}

static inline void mbufq_init(struct mbuf_queue *q)
{
	q->first = q->last = NULL;
	q->len = 0;
}
static inline void mbufq_push(struct mbuf_queue *q, struct mbuf *m)
{
	m->next = NULL;
	if (q->last)
		q->last->next = m;
	else
		q->first = m;
	q->last = m;
	q->len++;
}
static inline struct mbuf *mbufq_pop(struct mbuf_queue *q)
{
	struct mbuf *m = q->first;
	if (m) {
		q->first = m->next;
		if (!q->first)
			q->last = NULL;
		q->len--;
		m->next = NULL;
	}
	return m;
}
/* Free every mbuf in q. */
void mbufq_purge(struct mbuf_queue *q);
