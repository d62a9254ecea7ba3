/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARP for IPv4 over Ethernet (RFC 826): answer requests for our address, keep a small cache
 * with ageing, and hold frames waiting for a resolution (bounded per entry and in total).
 *
 * Under a flood from spoofed on-link sources (each reply needs a resolution) the neighbours
 * that carry traffic must keep working: a resolved entry is not evicted to make room for an
 * unresolved one while a pending one can go, and one used since the last tick never is (it
 * carries traffic); senders are learnt only from our subnet; requests go out at
 * most once per second per address (RFC 1122 2.3.2.1) and ARP_REQ_RATE per second in all.
 * Our own address claimed by another MAC is a conflict (RFC 5227 2.4): logged, counted,
 * defended by one announcement per DEFEND_INTERVAL, and never cached. Zero and group sender
 * MACs and senders that are no unicast host are not learnt.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"

#define ARP_QUEUE_ENTRY 4		     /* frames waiting per address */
#define ARP_QUEUE_TOTAL 32		     /* frames waiting in all */
#define ARP_TTL_NS	(300 * NSEC_PER_SEC) /* a resolved entry is re-learnt after this */
#define ARP_WAIT_NS	(3 * NSEC_PER_SEC)   /* give up on an address (and its frames) after */
#define ARP_REQ_GAP_NS	(1 * NSEC_PER_SEC)   /* rate limit of requests per address */
#define ARP_TICK_NS	(1 * NSEC_PER_SEC)
#define ARP_REQ_RATE	10 /* requests per second in all (token bucket) */
#define ARP_REQ_BURST	10
#define ARP_DEFEND_NS	(10 * NSEC_PER_SEC) /* RFC 5227 DEFEND_INTERVAL */

struct arp_entry arp_cache[ARP_CACHE_SIZE];
static uint32_t queued; /* frames in all queues */
static struct timer tick;

int arp_last; /* the entry last found */
struct arp_reply_slot arp_reply_slots[ARP_REPLY_SLOTS];
static struct arp_entry *reply_entry[ARP_REPLY_SLOTS]; /* the entry each slot came from */
static struct {
	struct tbucket requests; /* all requests: ARP_REQ_RATE a second */
	uint64_t last_defend;	 /* when our address was last defended (conflict) */
	bool defended;
} lim;

static struct arp_entry *lookup_scan(uint32_t ip)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		if (arp_cache[i].state != ARP_FREE && arp_cache[i].ip == ip) {
			arp_last = i;
			return &arp_cache[i];
		}
	}
	return NULL;
}

/* The entry last found is tried first (inline): traffic goes mostly to one next hop. */
static inline struct arp_entry *lookup(uint32_t ip)
{
	struct arp_entry *e = &arp_cache[arp_last];
	if (e->state != ARP_FREE && e->ip == ip)
		return e;
	return lookup_scan(ip);
}

void arp_reply_flush(void)
{
	for (int i = 0; i < ARP_REPLY_SLOTS; i++)
		arp_reply_slots[i].peer_be = 0;
}

/* e changes or goes: the slots filled from it are emptied. */
static void reply_forget(const struct arp_entry *e)
{
	for (int i = 0; i < ARP_REPLY_SLOTS; i++)
		if (reply_entry[i] == e)
			arp_reply_slots[i].peer_be = 0;
}

bool arp_reply_fill(uint32_t peer_be)
{
	struct netdev *nd = net_dev();
	uint32_t hop = ipv4_next_hop_be(peer_be);
	struct arp_reply_slot *h = arp_reply_slot(peer_be);
	struct arp_entry *e;
	if (!nd || !hop || !peer_be)
		return false;
	e = lookup(ntohl(hop));
	if (!e || e->state != ARP_RESOLVED || e->stale)
		return false;
	e->hit = true; /* until the tick, which empties the slot */
	memcpy(&h->dst_h, e->mac, 2);
	memcpy(&h->dst_w, e->mac + 2, 4);
	memcpy(&h->src_w, nd->mac, 4);
	memcpy(&h->src_h, nd->mac + 4, 2);
	h->peer_be = peer_be;
	reply_entry[h - arp_reply_slots] = e;
	return true;
}

static void drop_queue(struct arp_entry *e, uint64_t *counter)
{
	*counter += e->q.len;
	queued -= (uint32_t)e->q.len;
	mbufq_purge(&e->q);
}

/* The oldest entry in state, skipping resolved ones used since the last tick if !hit_ok. */
static struct arp_entry *oldest(uint8_t state, bool hit_ok)
{
	struct arp_entry *victim = NULL;
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &arp_cache[i];
		if (e->state == state && (hit_ok || !e->hit) &&
		    (!victim || e->stamp < victim->stamp))
			victim = e;
	}
	return victim;
}

/*
 * A slot for ip: a free one, else for a resolution we start the oldest pending one, and only
 * when there is none the oldest resolved entry idle since the last tick; for a sender we
 * learn, the oldest idle resolved entry, else the oldest pending one. A resolved entry that
 * carries traffic is never given up. NULL when nothing may go.
 */
static struct arp_entry *alloc_entry(uint32_t ip, uint8_t state)
{
	struct arp_entry *victim = NULL;
	for (int i = 0; i < ARP_CACHE_SIZE && !victim; i++)
		if (arp_cache[i].state == ARP_FREE)
			victim = &arp_cache[i];
	if (!victim && state == ARP_PENDING)
		victim = oldest(ARP_PENDING, true);
	if (!victim)
		victim = oldest(ARP_RESOLVED, false);
	if (!victim)
		victim = oldest(ARP_PENDING, true);
	if (!victim)
		return NULL;
	/* A slot's entry is used since the tick, so no resolved victim has one today: emptied
	 * all the same, so that the eviction rule can change without a stale header. */
	reply_forget(victim);
	if (victim->state != ARP_FREE) {
		net_st.arp.evicted++;
		drop_queue(victim, &net_st.arp.drop_queue_full);
	}
	memset(victim, 0, sizeof(*victim));
	mbufq_init(&victim->q);
	victim->ip = ip;
	victim->ip_be = htonl(ip);
	victim->state = state;
	victim->stamp = clock_ns();
	return victim;
}

static void send_arp(uint16_t op, const uint8_t *dst_mac, const uint8_t *tha, uint32_t tpa)
{
	struct netdev *nd = net_dev();
	struct mbuf *m = mbuf_alloc();
	struct arp_pkt *a;
	if (!m)
		return;
	a = mbuf_put(m, sizeof(*a));
	a->htype = htons(ARP_HTYPE_ETH);
	a->ptype = htons(ETH_P_IP);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, nd->mac, ETH_ALEN);
	put_be32(a->spa, net_addr()->ip);
	memcpy(a->tha, tha, ETH_ALEN);
	put_be32(a->tpa, tpa);
	if (op == ARP_OP_REQUEST)
		net_st.arp.tx_request++;
	else
		net_st.arp.tx_reply++;
	eth_output(m, dst_mac, ETH_P_ARP);
}

static void request(struct arp_entry *e)
{
	static const uint8_t zero[ETH_ALEN];
	uint64_t now = clock_ns();
	if (e->requested && now - e->last_req < ARP_REQ_GAP_NS) {
		net_st.arp.rate_limited++;
		return;
	}
	if (!tbucket_take(&lim.requests, now, ARP_REQ_RATE, ARP_REQ_BURST)) {
		net_st.arp.rate_capped++;
		return;
	}
	if (!e->requested) {
		char ip[16];
		pr_debug("arp: who has %s?\n", net_ntoa(e->ip, ip));
	}
	e->requested = true;
	e->last_req = now;
	send_arp(ARP_OP_REQUEST, eth_broadcast, zero, e->ip);
}

void arp_announce(void)
{
	static const uint8_t zero[ETH_ALEN];
	if (net_dev() && net_addr_is_up())
		send_arp(ARP_OP_REQUEST, eth_broadcast, zero, net_addr()->ip);
}

/* Learn ip -> mac and send what waited for it. */
static void resolved(struct arp_entry *e, const uint8_t *mac)
{
	struct mbuf *m;
	if (e->state != ARP_RESOLVED || memcmp(e->mac, mac, ETH_ALEN) != 0) {
		char ip[16];
		reply_forget(e);
		pr_debug("arp: %s is at %02x:%02x:%02x:%02x:%02x:%02x (%lu frames were waiting)\n",
			 net_ntoa(e->ip, ip), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
			 (unsigned long)e->q.len);
	}
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = ARP_RESOLVED;
	e->stale = false;
	e->stamp = clock_ns();
	while ((m = mbufq_pop(&e->q))) {
		queued--;
		net_st.arp.queue_sent++;
		eth_output(m, e->mac, ETH_P_IP);
	}
}

static bool valid(const struct arp_pkt *a)
{
	return ntohs(a->htype) == ARP_HTYPE_ETH && ntohs(a->ptype) == ETH_P_IP &&
	       a->hlen == ETH_ALEN && a->plen == 4 &&
	       (ntohs(a->op) == ARP_OP_REQUEST || ntohs(a->op) == ARP_OP_REPLY);
}

/* A zero or group sender MAC: nothing to learn or answer (a reply there reaches no one or all). */
static bool bad_sha(const uint8_t *sha)
{
	return (sha[0] & 1) || !(sha[0] | sha[1] | sha[2] | sha[3] | sha[4] | sha[5]);
}

/* Someone else uses our address (RFC 5227 2.4): count, log and defend at most every 10 s. */
static void conflict(const uint8_t *sha)
{
	uint64_t now = clock_ns();
	char ip[16];
	net_st.arp.conflict++;
	if (lim.defended && now - lim.last_defend < ARP_DEFEND_NS)
		return;
	lim.defended = true;
	lim.last_defend = now;
	pr_warn("arp: address conflict: %s is also claimed by %02x:%02x:%02x:%02x:%02x:%02x; "
		"defending\n",
		net_ntoa(net_addr()->ip, ip), sha[0], sha[1], sha[2], sha[3], sha[4], sha[5]);
	arp_announce();
}

/* RFC 826 merge: update a known sender; learn a new one only if it talks to us from our
 * subnet (an off-link sender is no neighbour we would send to). */
static void learn(uint32_t spa, const uint8_t *sha, bool to_me)
{
	const struct net_addr *a = net_addr();
	struct arp_entry *e = lookup(spa);
	if (!e && to_me && (((spa ^ a->ip) & a->mask) == 0 || a->mask == ~0u))
		e = alloc_entry(spa, ARP_RESOLVED);
	if (e)
		resolved(e, sha);
}

void arp_input(struct mbuf *m)
{
	struct arp_stats *s = &net_st.arp;
	struct arp_pkt *a;
	uint32_t spa, tpa, me = net_addr()->ip;
	bool to_me;
	s->rx++;
	if (mbuf_len(m) < sizeof(*a)) {
		s->drop_short++;
		goto drop;
	}
	a = (struct arp_pkt *)m->data;
	if (!valid(a)) {
		s->drop_format++;
		goto drop;
	}
	if (bad_sha(a->sha)) {
		s->drop_sha++;
		goto drop;
	}
	spa = get_be32(a->spa);
	tpa = get_be32(a->tpa);
	to_me = me && tpa == me;
	if (ntohs(a->op) == ARP_OP_REQUEST)
		s->rx_request++;
	else
		s->rx_reply++;
	if (me && spa == me) { /* never cached for a foreign MAC (ours came back: eth_input) */
		conflict(a->sha);
		goto drop;
	}
	if (spa && !ipv4_is_unicast_host(spa)) { /* 0 is a probe (RFC 5227): answered below */
		s->drop_spa++;
		goto drop;
	}
	if (spa)
		learn(spa, a->sha, to_me);
	if (ntohs(a->op) != ARP_OP_REQUEST || !to_me) {
		if (ntohs(a->op) == ARP_OP_REQUEST && spa != tpa)
			s->drop_other++;
		goto drop;
	}
	/* Answer in place: the request becomes the reply. */
	a->op = htons(ARP_OP_REPLY);
	memcpy(a->tha, a->sha, ETH_ALEN);
	put_be32(a->tpa, spa);
	memcpy(a->sha, net_dev()->mac, ETH_ALEN);
	put_be32(a->spa, me);
	mbuf_trim(m, sizeof(*a));
	s->tx_reply++;
	eth_output(m, a->tha, ETH_P_ARP);
	return;
drop:
	mbuf_free(m);
}

void arp_output(struct mbuf *m, uint32_t next_hop)
{
	struct arp_entry *e = lookup(next_hop);
	/* No clock read per frame: the once-a-second tick marks entries stale. */
	if (e && e->state == ARP_RESOLVED) {
		e->hit = true;
		eth_output(m, e->mac, ETH_P_IP);
		if (e->stale) /* ask again (rate limited), keep sending meanwhile */
			request(e);
		return;
	}
	if (!e)
		e = alloc_entry(next_hop, ARP_PENDING);
	if (!e) { /* every entry resolved: none is given up for an unknown neighbour */
		net_st.arp.drop_nocache++;
		mbuf_free(m);
		return;
	}
	if (e->q.len >= ARP_QUEUE_ENTRY || queued >= ARP_QUEUE_TOTAL) {
		net_st.arp.drop_queue_full++;
		mbuf_free(m);
	} else {
		mbufq_push(&e->q, m);
		queued++;
		net_st.arp.queued++;
	}
	request(e);
}

void arp_output_be(struct mbuf *m, uint32_t next_hop_be)
{
	/* the reply path: the entry last found, resolved and fresh, without a byte swap */
	const uint8_t *mac = arp_hot_be(next_hop_be);
	if (mac) {
		eth_output(m, mac, ETH_P_IP);
		return;
	}
	arp_output(m, ntohl(next_hop_be));
}

/* Once a second: forget old entries, retry or give up pending ones. */
static void arp_tick(struct timer *t)
{
	uint64_t now = clock_ns();
	arp_reply_flush(); /* each slot's entry is marked used again when it is filled */
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &arp_cache[i];
		e->hit = false;
		if (e->state == ARP_RESOLVED && now - e->stamp >= 2 * ARP_TTL_NS) {
			e->state = ARP_FREE;
			net_st.arp.expired++;
		} else if (e->state == ARP_RESOLVED && now - e->stamp >= ARP_TTL_NS) {
			e->stale = true;
		} else if (e->state == ARP_PENDING && now - e->stamp >= ARP_WAIT_NS) {
			char ip[16];
			pr_debug("arp: no answer from %s: %lu waiting frames dropped\n",
				 net_ntoa(e->ip, ip), (unsigned long)e->q.len);
			drop_queue(e, &net_st.arp.drop_queue_timeout);
			e->state = ARP_FREE;
			net_st.arp.expired++;
		} else if (e->state == ARP_PENDING) {
			request(e);
		}
	}
	timer_arm(t, ARP_TICK_NS);
}

void arp_init(void)
{
	arp_reply_flush();
	tick.fn = arp_tick;
	timer_arm(&tick, ARP_TICK_NS);
}

void arp_reset(void)
{
	timer_cancel(&tick);
	arp_reply_flush();
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		if (arp_cache[i].state != ARP_FREE)
			mbufq_purge(&arp_cache[i].q);
		memset(&arp_cache[i], 0, sizeof(arp_cache[i]));
	}
	queued = 0;
	memset(&lim, 0, sizeof(lim));
}

int arp_cache_count(void)
{
	int n = 0;
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		n += arp_cache[i].state != ARP_FREE;
	return n;
}

void arp_cache_print(void)
{
	uint64_t now = clock_ns();
	char ip[16];
	kprintf("arp: %d of %d entries, %u frames waiting\n", arp_cache_count(), ARP_CACHE_SIZE,
		queued);
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &arp_cache[i];
		if (e->state == ARP_FREE)
			continue;
		kprintf("  %-15s %02x:%02x:%02x:%02x:%02x:%02x %s %lu s\n", net_ntoa(e->ip, ip),
			e->mac[0], e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5],
			e->state == ARP_RESOLVED ? "resolved" : "pending ",
			(unsigned long)((now - e->stamp) / NSEC_PER_SEC));
	}
}
