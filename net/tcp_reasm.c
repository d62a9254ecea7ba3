/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The receive ring and its out-of-order ranges (the range list serves the SACK scoreboard too).
 * Bytes are stored at their sequence number's place in the ring (seq & mask), so a segment
 * that arrives early is written where it belongs and only its range is remembered: [start,
 * end) pairs, sorted, merged whenever they touch, at most CONFIG_TCP_OOO_MAX of them. Every
 * range lies inside [rcv_nxt, rcv_user + RCVBUF), so offsets from rcv_nxt order them without
 * wraparound trouble.
 */
#include "net/tcp.h"
#include "lib/string.h"

void tcp_ring_write(uint8_t *ring, uint32_t mask, uint32_t seq, const void *src, uint32_t n)
{
	uint32_t off = seq & mask, first = mask + 1 - off;
	if (first > n)
		first = n;
	memcpy(ring + off, src, first);
	memcpy(ring, (const uint8_t *)src + first, n - first);
}

void tcp_ring_read(const uint8_t *ring, uint32_t mask, uint32_t seq, void *dst, uint32_t n)
{
	uint32_t off = seq & mask, first = mask + 1 - off;
	if (first > n)
		first = n;
	memcpy(dst, ring + off, first);
	memcpy((uint8_t *)dst + first, ring, n - first);
}

void tcp_range_remove(struct tcp_range *r, uint8_t *n, unsigned at, unsigned count)
{
	memmove(&r[at], &r[at + count], (*n - at - count) * sizeof(r[0]));
	*n = (uint8_t)(*n - count);
}

/*
 * Add [start, end) to the ranges r[0..*n): the run of ranges it overlaps or touches becomes
 * one; with none, it goes in at its place. All lie above base (offsets from it order them).
 * Returns how many ranges were merged into another, or -1 when it needs a slot and max are
 * in use (nothing changes).
 */
int tcp_range_add(struct tcp_range *r, uint8_t *n, unsigned max, uint32_t base, uint32_t start,
		  uint32_t end)
{
	uint32_t s = start - base, e = end - base;
	unsigned a = 0, b;
	while (a < *n && r[a].end - base < s)
		a++; /* ranges entirely before, not touching */
	b = a;
	while (b < *n && r[b].start - base <= e)
		b++; /* [a, b): ranges that overlap or touch */
	if (a == b) {
		if (*n == max)
			return -1;
		memmove(&r[a + 1], &r[a], (*n - a) * sizeof(r[0]));
		r[a] = (struct tcp_range){ start, end };
		(*n)++;
		return 0;
	}
	if (r[a].start - base < s)
		start = r[a].start;
	if (r[b - 1].end - base > e)
		end = r[b - 1].end;
	r[a] = (struct tcp_range){ start, end };
	tcp_range_remove(r, n, a + 1, b - a - 1);
	return (int)(b - a - 1);
}

long tcp_reasm(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t before = c->rcv_nxt;
	unsigned n = 0;
	if (!len)
		return 0;
	if (seq != c->rcv_nxt) {
		int merged = tcp_range_add(c->ooo, &c->nooo, CONFIG_TCP_OOO_MAX, c->rcv_nxt, seq,
					   seq + len);
		if (merged < 0)
			return -1;
		net_st.tcp.ooo_merged += (uint64_t)merged;
		c->sack_last = seq; /* RFC 2018 4: its range is reported first */
		tcp_ring_write(tcp_rbuf(c), CONFIG_TCP_RCVBUF - 1, seq, data, len);
		return 0;
	}
	tcp_ring_write(tcp_rbuf(c), CONFIG_TCP_RCVBUF - 1, seq, data, len);
	c->rcv_nxt = seq + len;
	/* Pull in every range this reaches (they are sorted: stop at the first gap). */
	while (n < c->nooo && seq_leq(c->ooo[n].start, c->rcv_nxt)) {
		c->rcv_nxt = seq_max(c->rcv_nxt, c->ooo[n].end);
		n++;
	}
	if (n) {
		net_st.tcp.ooo_merged += n;
		tcp_range_remove(c->ooo, &c->nooo, 0, n);
	}
	return (long)(c->rcv_nxt - before);
}
