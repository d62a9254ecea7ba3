/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 reassembly (RFC 791 section 3.2): a few slots, each collecting one datagram into one
 * mbuf, so a whole datagram is at most MBUF_SIZE - MBUF_HEADROOM bytes.
 *
 * The verdict does not depend on the order the fragments arrive in (RFC 5722's rule, applied
 * to IPv4): a fragment that overlaps data already held, that extends past the end a last
 * fragment gave (or a last fragment ending before data already held), or a second last
 * fragment with another end, drops the datagram, and the slot stays dead until the timeout so
 * that its fragments not yet received are dropped too. Only an exact duplicate (same offset,
 * length and bytes: a retransmission) is ignored. A datagram not complete within 30 s is
 * dropped with its buffer.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/string.h"
#include "lib/timer.h"

#define REASM_SLOTS   4
#define REASM_TIMEOUT (30 * NSEC_PER_SEC)
#define REASM_MAX     (MBUF_SIZE - MBUF_HEADROOM - IP_HLEN) /* payload bytes */
#define REASM_FRAGS   32 /* fragments per datagram; more drops it (tiny-fragment floods) */

struct reasm {
	bool used;
	bool dead; /* dropped: later fragments are dropped too, until the timeout */
	uint8_t proto;
	uint8_t nfrag;
	uint16_t id;
	uint32_t src, dst; /* network order, as on the wire */
	uint32_t total;	   /* payload length, known once the last fragment came; 0 = not yet */
	uint32_t got;	   /* payload bytes held (the fragments are disjoint) */
	uint32_t max_end;  /* highest end of any fragment held */
	struct mbuf *buf;  /* IP header (20 bytes) then the payload at its offset */
	struct timer timer;
	struct {
		uint16_t off, end; /* payload bytes [off, end) */
	} frag[REASM_FRAGS];
};

static struct reasm slots[REASM_SLOTS];

static void release(struct reasm *r)
{
	timer_cancel(&r->timer);
	mbuf_free(r->buf);
	r->buf = NULL;
	r->used = false;
}

static void expire(struct timer *t)
{
	struct reasm *r = t->arg;
	if (!r->dead) /* a dead one was counted when it died */
		net_st.ipv4.drop_frag_timeout++;
	release(r);
}

/* The datagram is dropped; its slot stays until the timeout to catch the rest of it. */
static void reasm_kill(struct reasm *r, uint64_t *counter)
{
	(*counter)++;
	mbuf_free(r->buf);
	r->buf = NULL;
	r->dead = true;
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
	free_slot->dead = false;
	free_slot->src = ip->src;
	free_slot->dst = ip->dst;
	free_slot->id = ip->id;
	free_slot->proto = ip->proto;
	free_slot->total = free_slot->got = free_slot->max_end = 0;
	free_slot->nfrag = 0;
	memcpy(free_slot->buf->data, ip, IP_HLEN); /* options are not kept */
	free_slot->timer.fn = expire;
	free_slot->timer.arg = free_slot;
	timer_arm(&free_slot->timer, REASM_TIMEOUT);
	return free_slot;
}

enum verdict { V_NEW, V_DUP, V_OVERLAP };

/* What [off, end) (bytes at p; last = no MF) means for the slot; order-independent. */
static enum verdict judge(const struct reasm *r, size_t off, size_t end, const uint8_t *p,
			  bool last)
{
	const uint8_t *have = r->buf->data + IP_HLEN;
	for (int i = 0; i < r->nfrag; i++) {
		size_t o = r->frag[i].off, e = r->frag[i].end;
		if (end <= o || off >= e)
			continue;
		/* an exact retransmission: same place, same bytes, same idea of the end */
		if (o == off && e == end && !memcmp(have + off, p, end - off) &&
		    last == (r->total == end))
			return V_DUP;
		return V_OVERLAP;
	}
	if (last && ((r->total && r->total != end) || r->max_end > end))
		return V_OVERLAP;
	if (!last && r->total && end > r->total)
		return V_OVERLAP;
	return V_NEW;
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
	m->flags = ipv4_dst_flags(ip->dst);
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
	if (r->dead) {
		net_st.ipv4.drop_frag_dead++;
		goto out;
	}
	if (off + n > REASM_MAX) {
		reasm_kill(r, &net_st.ipv4.drop_frag_big);
		goto out;
	}
	switch (judge(r, off, off + n, p, last)) {
	case V_DUP:
		net_st.ipv4.frag_dup++;
		goto out;
	case V_OVERLAP:
		reasm_kill(r, &net_st.ipv4.drop_frag_overlap);
		goto out;
	case V_NEW:
		break;
	}
	if (r->nfrag == REASM_FRAGS) {
		reasm_kill(r, &net_st.ipv4.drop_frag_bad);
		goto out;
	}
	memcpy(r->buf->data + IP_HLEN + off, p, n);
	r->frag[r->nfrag].off = (uint16_t)off;
	r->frag[r->nfrag].end = (uint16_t)(off + n);
	r->nfrag++;
	r->got += (uint32_t)n;
	if (off + n > r->max_end)
		r->max_end = (uint32_t)(off + n);
	if (last)
		r->total = (uint32_t)(off + n);
	if (r->total && r->got == r->total)
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
