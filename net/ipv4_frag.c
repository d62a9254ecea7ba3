/*
 * IPv4 reassembly (RFC 791 section 3.2, RFC 815's idea with a bitmap of 8-byte blocks): a few
 * slots, each collecting one datagram into one mbuf, so a whole datagram is at most
 * MBUF_SIZE - MBUF_HEADROOM bytes. Overlaps that agree are accepted (retransmitted fragments);
 * overlaps that disagree drop the datagram (RFC 5722's reasoning, applied to IPv4).
 * A datagram not complete within 30 s is dropped with its buffer.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/string.h"
#include "lib/timer.h"

#define REASM_SLOTS   4
#define REASM_TIMEOUT (30 * NSEC_PER_SEC)
#define REASM_MAX     (MBUF_SIZE - MBUF_HEADROOM - IP_HLEN) /* payload bytes */
#define REASM_BLOCKS  ((REASM_MAX + 7) / 8)

struct reasm {
	bool used;
	uint8_t proto;
	uint16_t id;
	uint32_t src, dst; /* network order, as on the wire */
	uint32_t total;	   /* payload length, known once the last fragment came; 0 = not yet */
	struct mbuf *buf;  /* IP header (20 bytes) then the payload at its offset */
	struct timer timer;
	uint8_t have[(REASM_BLOCKS + 7) / 8]; /* 8-byte blocks received */
};

static struct reasm slots[REASM_SLOTS];

static bool has(const struct reasm *r, size_t b)
{
	return r->have[b / 8] & (1u << (b % 8));
}

static void release(struct reasm *r)
{
	timer_cancel(&r->timer);
	mbuf_free(r->buf);
	r->buf = NULL;
	r->used = false;
}

static void expire(struct timer *t)
{
	net_st.ipv4.drop_frag_timeout++;
	release(t->arg);
}

static struct reasm *find(const struct ip_hdr *ip)
{
	struct reasm *free_slot = NULL;
	for (int i = 0; i < REASM_SLOTS; i++) {
		struct reasm *r = &slots[i];
		if (!r->used) {
			if (!free_slot)
				free_slot = r;
			continue;
		}
		if (r->src == ip->src && r->dst == ip->dst && r->id == ip->id &&
		    r->proto == ip->proto)
			return r;
	}
	if (!free_slot) {
		net_st.ipv4.drop_frag_noslot++;
		return NULL;
	}
	free_slot->buf = mbuf_alloc();
	if (!free_slot->buf) {
		net_st.ipv4.drop_nobuf++;
		return NULL;
	}
	free_slot->used = true;
	free_slot->src = ip->src;
	free_slot->dst = ip->dst;
	free_slot->id = ip->id;
	free_slot->proto = ip->proto;
	free_slot->total = 0;
	memset(free_slot->have, 0, sizeof(free_slot->have));
	memcpy(free_slot->buf->data, ip, IP_HLEN); /* options are not kept */
	free_slot->timer.fn = expire;
	free_slot->timer.arg = free_slot;
	timer_arm(&free_slot->timer, REASM_TIMEOUT);
	return free_slot;
}

/* Does [off, off + n) agree with what the slot holds already? */
static bool consistent(const struct reasm *r, size_t off, size_t n, const uint8_t *p, bool last)
{
	const uint8_t *have = r->buf->data + IP_HLEN;
	if (last && r->total && r->total != off + n)
		return false;
	if (!last && r->total && off + n > r->total)
		return false;
	if (last) /* nothing may lie beyond the end */
		for (size_t b = (off + n + 7) / 8; b < REASM_BLOCKS; b++)
			if (has(r, b))
				return false;
	for (size_t b = off / 8; b < (off + n + 7) / 8; b++) {
		size_t lo = b * 8, hi = lo + 8 > off + n ? off + n : lo + 8;
		if (has(r, b) && memcmp(have + lo, p + (lo - off), hi - lo) != 0)
			return false;
	}
	return true;
}

static bool complete(const struct reasm *r)
{
	if (!r->total)
		return false;
	for (size_t b = 0; b < (r->total + 7) / 8; b++)
		if (!has(r, b))
			return false;
	return true;
}

/* Turn the finished slot into a plain datagram and deliver it. */
static void finish(struct reasm *r)
{
	struct mbuf *m = r->buf;
	struct ip_hdr *ip = (struct ip_hdr *)m->data;
	r->buf = NULL;
	release(r);
	mbuf_put(m, IP_HLEN + r->total);
	ip->ver_ihl = 0x45;
	ip->total_len = htons((uint16_t)(IP_HLEN + r->total));
	ip->frag = 0;
	ip->cksum = 0;
	ip->cksum = htons(cksum(ip, IP_HLEN));
	m->l3_off = (uint16_t)(m->data - m->head);
	m->l4_off = (uint16_t)(m->l3_off + IP_HLEN);
	/* the fragments passed ipv4_input's checks; a broadcast stays marked as one */
	m->flags = ipv4_is_our_unicast(ip->dst) ? 0 : MBUF_F_BCAST;
	net_st.ipv4.reasm_ok++;
	ipv4_deliver(m);
}

void ipv4_reasm_input(struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	const uint8_t *p = m->head + m->l4_off;
	uint16_t frag = ntohs(ip->frag);
	size_t off = (size_t)(frag & IP_FRAG_MASK) * 8;
	size_t n = (size_t)(m->tail - p);
	bool last = !(frag & IP_FLAG_MF);
	struct reasm *r;
	net_st.ipv4.frag_rx++;
	/* All but the last fragment carry a non-empty multiple of 8 bytes. */
	if (!last && (n == 0 || n % 8)) {
		net_st.ipv4.drop_frag_bad++;
		goto out;
	}
	r = find(ip);
	if (!r)
		goto out;
	if (off + n > REASM_MAX) {
		net_st.ipv4.drop_frag_big++;
		release(r);
		goto out;
	}
	if (!consistent(r, off, n, p, last)) {
		net_st.ipv4.drop_frag_overlap++;
		release(r);
		goto out;
	}
	memcpy(r->buf->data + IP_HLEN + off, p, n);
	for (size_t b = off / 8; b < (off + n + 7) / 8; b++)
		r->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (last)
		r->total = (uint32_t)(off + n);
	if (complete(r))
		finish(r);
out:
	mbuf_free(m);
}

void ipv4_reasm_reset(void)
{
	for (int i = 0; i < REASM_SLOTS; i++)
		if (slots[i].used)
			release(&slots[i]);
}
