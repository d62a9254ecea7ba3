/*
 * The receive ring and its out-of-order ranges. Bytes are stored at their sequence number's
 * place in the ring (seq & mask), so a segment that arrives early is written where it belongs
 * and only its range is remembered: [start, end) pairs, sorted, merged whenever they touch, at
 * most CONFIG_TCP_OOO_MAX of them. Every range lies inside [rcv_nxt, rcv_user + RCVBUF), so
 * offsets from rcv_nxt order them without wraparound trouble.
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

static void remove_ranges(struct tcp_conn *c, unsigned at, unsigned n)
{
	memmove(&c->ooo[at], &c->ooo[at + n], (c->nooo - at - n) * sizeof(c->ooo[0]));
	c->nooo = (uint8_t)(c->nooo - n);
}

/*
 * Add [start, end) to the ranges: the run of ranges it overlaps or touches becomes one;
 * with none, it goes in at its place. false when that needs a range and none is free.
 */
static bool add_range(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	uint32_t base = c->rcv_nxt, s = start - base, e = end - base;
	unsigned a = 0, b;
	while (a < c->nooo && c->ooo[a].end - base < s)
		a++; /* ranges entirely before, not touching */
	b = a;
	while (b < c->nooo && c->ooo[b].start - base <= e)
		b++; /* [a, b): ranges that overlap or touch */
	if (a == b) {
		if (c->nooo == CONFIG_TCP_OOO_MAX)
			return false;
		memmove(&c->ooo[a + 1], &c->ooo[a], (c->nooo - a) * sizeof(c->ooo[0]));
		c->ooo[a] = (struct tcp_range){ start, end };
		c->nooo++;
		return true;
	}
	if (c->ooo[a].start - base < s)
		start = c->ooo[a].start;
	if (c->ooo[b - 1].end - base > e)
		end = c->ooo[b - 1].end;
	net_st.tcp.ooo_merged += b - a - 1;
	c->ooo[a] = (struct tcp_range){ start, end };
	remove_ranges(c, a + 1, b - a - 1);
	return true;
}

long tcp_reasm(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t before = c->rcv_nxt;
	unsigned n = 0;
	if (!len)
		return 0;
	if (seq != c->rcv_nxt) {
		if (!add_range(c, seq, seq + len))
			return -1;
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
		remove_ranges(c, 0, n);
	}
	return (long)(c->rcv_nxt - before);
}
