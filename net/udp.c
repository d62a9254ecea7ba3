/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UDP (RFC 768): length and checksum checks, a small table of bound ports, and replies that
 * reuse the received buffer (headers pushed back into its headroom, no copy).
 *
 * What a binding receives is a property of the binding (udp_bind's flags), checked here once
 * for every service: broadcasts only with UDP_BIND_BROADCAST, nothing before the address is
 * configured without UDP_BIND_NOADDR, and a UDP_BIND_SERVICE (one that answers whatever comes)
 * never hears from a port that may answer back by itself: the echo/chargen loop.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/string.h"

#define UDP_BINDINGS 16

/* Ports are kept as they are on the wire (network order): the receive path compares them
 * without swapping bytes. */
struct binding {
	uint16_t port_be; /* 0 = free */
	uint16_t flags;
	void (*handler)(struct mbuf *m, const struct udp_peer *peer, void *arg);
	void *arg;
};
static struct binding binds[UDP_BINDINGS];
static struct binding *last_bind = binds; /* the binding last delivered to, tried first */

/*
 * Source ports a service never answers (inetd's dg_badinput and check_loop): every port below
 * 1024, where the services that answer any datagram live (echo 7, daytime 13, chargen 19,
 * time 37, DNS 53, NTP 123, SNMP 161 ...), a few such services above it, and the ports of our
 * own services, which may run on the neighbour too. Two of them answering each other would
 * bounce one datagram forever. One bit per port, indexed by the port in network order (as it
 * sits in the header), so the check is a shift and a load.
 */
#define UDP_LOOP_BELOW 1024
static const uint16_t loop_high[] = {
	1900,  /* SSDP */
	2049,  /* NFS (OpenBSD inetd lists it) */
	5353,  /* mDNS */
	7000,  /* our store's default port */
	11211, /* memcached */
};
static uint32_t loop_bits[65536 / 32];
static bool loop_init;

static void mark(uint16_t port, bool on)
{
	uint16_t be = htons(port);
	if (on)
		loop_bits[be / 32] |= 1u << (be % 32);
	else
		loop_bits[be / 32] &= ~(1u << (be % 32));
}

static void loop_setup(void)
{
	if (loop_init)
		return;
	for (unsigned p = 0; p < UDP_LOOP_BELOW; p++)
		mark((uint16_t)p, true);
	for (size_t i = 0; i < sizeof(loop_high) / sizeof(loop_high[0]); i++)
		mark(loop_high[i], true);
	loop_init = true;
}

static bool loop_prone_be(uint16_t port_be)
{
	return loop_bits[port_be / 32] >> (port_be % 32) & 1;
}

bool udp_port_is_loop_prone(uint16_t port)
{
	loop_setup();
	return loop_prone_be(htons(port));
}

int udp_bind(uint16_t port, unsigned flags,
	     void (*handler)(struct mbuf *m, const struct udp_peer *peer, void *arg), void *arg)
{
	uint16_t be = htons(port);
	int slot = -1;
	if (port == 0 || !handler || (flags & ~UDP_BIND_ALL))
		return -EINVAL;
	for (int i = 0; i < UDP_BINDINGS; i++) {
		if (binds[i].port_be == be)
			return -EBUSY;
		if (!binds[i].port_be && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return -ENOSPC;
	loop_setup();
	binds[slot].port_be = be;
	binds[slot].flags = (uint16_t)flags;
	binds[slot].handler = handler;
	binds[slot].arg = arg;
	if (flags & UDP_BIND_SERVICE)
		mark(port, true);
	return 0;
}

static bool is_loop_fixed(uint16_t port)
{
	if (port < UDP_LOOP_BELOW)
		return true;
	for (size_t i = 0; i < sizeof(loop_high) / sizeof(loop_high[0]); i++)
		if (loop_high[i] == port)
			return true;
	return false;
}

int udp_unbind(uint16_t port)
{
	uint16_t be = htons(port);
	for (int i = 0; i < UDP_BINDINGS; i++) {
		if (port && binds[i].port_be == be) {
			binds[i].port_be = 0;
			if (!is_loop_fixed(port))
				mark(port, false);
			return 0;
		}
	}
	return -ENOENT;
}

static struct binding *lookup_scan(uint16_t port_be)
{
	for (int i = 0; i < UDP_BINDINGS; i++) {
		if (binds[i].port_be == port_be) {
			last_bind = &binds[i];
			return last_bind;
		}
	}
	return NULL;
}

/* The binding of port_be (network order), or NULL; the last one hit is tried first. Always
 * inline: with the fused path's two bodies GCC stopped inlining it, and the call cost each
 * body a stack frame. */
static inline __attribute__((always_inline)) struct binding *udp_lookup(uint16_t port_be)
{
	if (port_be == 0) /* marks a free slot: never a binding */
		return NULL;
	if (last_bind->port_be == port_be)
		return last_bind;
	return lookup_scan(port_be);
}

/* The binding's rules (see the file header); the counter of the reason to drop, or NULL. */
static uint64_t *refused(unsigned flags, const struct mbuf *m, uint16_t sport_be)
{
	struct udp_stats *s = &net_st.udp;
	if (m->flags & (MBUF_F_BCAST | MBUF_F_NOADDR)) { /* one test for the usual unicast */
		if ((m->flags & MBUF_F_BCAST) && !(flags & UDP_BIND_BROADCAST))
			return &s->drop_bcast;
		if ((m->flags & MBUF_F_NOADDR) && !(flags & UDP_BIND_NOADDR))
			return &s->drop_noaddr;
	}
	if ((flags & UDP_BIND_SERVICE) && loop_prone_be(sport_be))
		return &s->drop_loop;
	return NULL;
}

/* Out of line: no binding for the port (port unreachable, unless it was a broadcast). */
static __attribute__((noinline, cold)) void no_port(struct mbuf *m)
{
	icmp_port_unreach(m);
	net_drop(m, &net_st.udp.drop_noport);
}

/*
 * The peer of the datagram being delivered: static, not on the stack, so that the handler is
 * called last, as a jump, and udp_input needs no stack frame. Valid until the handler returns
 * (nothing in the stack delivers a second datagram while a handler runs).
 */
static struct udp_peer rx_peer;

/*
 * What the fused path took and sent since the counters were last brought up to date: one
 * increment each instead of five and three, added to the layers' counters by udp_fast_sync
 * only when someone reads them (net_stats, the stats service): a poll pass costs nothing.
 */
static struct {
	uint64_t rx, tx;
} fast;

void udp_input(struct mbuf *m)
{
	struct udp_stats *s = &net_st.udp;
	uint8_t *l4 = m->data;
	const struct ip_hdr *ip = (const struct ip_hdr *)(m->head + m->l3_off);
	const struct udp_hdr *u = (const struct udp_hdr *)l4;
	size_t len = (size_t)(m->tail - l4), ulen;
	struct udp_peer *peer = &rx_peer;
	struct binding *b;
	uint64_t *bad;
	s->rx++;
	if (len < UDP_HLEN) {
		net_drop(m, &s->drop_short);
		return;
	}
	ulen = ntohs(u->len);
	if (ulen < UDP_HLEN || ulen > len) {
		net_drop(m, &s->drop_len);
		return;
	}
	m->tail = l4 + ulen; /* trimmed to the datagram (IP may carry more) */
	/* the NIC's verdict (MBUF_F_L4_OK) is taken where the datagram fills the IP payload: a
	 * NIC may have summed all of it */
	if (u->cksum && !((m->flags & MBUF_F_L4_OK) && ulen == len) &&
	    !cksum_l4_ok(ip, u, ulen, IP_PROTO_UDP)) {
		net_drop(m, &s->drop_cksum);
		return;
	}
	b = udp_lookup(u->dport);
	if (!b) {
		no_port(m);
		return;
	}
	bad = refused(b->flags, m, u->sport);
	if (bad) {
		net_drop(m, bad);
		return;
	}
	peer->src_ip_be = ip_word(ip, IP_W_SRC);
	peer->dst_ip_be = ip_word(ip, IP_W_DST);
	peer->src_port_be = u->sport;
	peer->dst_port_be = u->dport;
	m->data = l4 + UDP_HLEN; /* at the payload (the length was checked) */
	s->delivered++;
	b->handler(m, peer, b->arg);
}

/*
 * The fused receive path (see stack.h). Every test below is one of the general path's rules
 * (eth_input, ipv4_input's check, udp_input, refused), written for the common case only and
 * in the same order of trust: any frame that fails one goes to eth_input untouched, which
 * applies the rule again and counts the drop, so no rule or counter lives only here. The
 * headers are read once, by words where they are aligned, and compared in network order.
 */
static inline __attribute__((always_inline)) void fast_input(struct netdev *nd, struct mbuf *m,
							     bool nic_verified)
{
	uint8_t *f = m->data;
	const struct eth_hdr *eh = (const struct eth_hdr *)f;
	const struct ip_hdr *ip = (const struct ip_hdr *)(f + ETH_HLEN);
	uint8_t *l4 = f + ETH_HLEN + IP_HLEN;
	const struct udp_hdr *u = (const struct udp_hdr *)l4;
	size_t len = (size_t)(m->tail - f), tot, ulen;
	struct udp_peer *peer = &rx_peer;
	struct binding *b;
	/* Ethernet II to our MAC from a unicast sender, at least the three headers; IPv4 with its
	 * header 4-byte aligned (ip_word), version 4 without options */
	if (len - (ETH_HLEN + IP_HLEN + UDP_HLEN) >
		    ETH_FRAME_MAX - (ETH_HLEN + IP_HLEN + UDP_HLEN) ||
	    ((uintptr_t)ip & 3) || eh->type != htons(ETH_P_IP) ||
	    /* the destination as a halfword and (aligned with the IP header) a word */
	    ((*(const mac_u16 *)eh->dst ^ *(const mac_u16 *)nd->mac) |
	     (*(const wire_u32 *)(const void *)(eh->dst + 2) ^ nd->mac_w1)) ||
	    (eh->src[0] & 1) || ip->ver_ihl != 0x45 || ip->proto != IP_PROTO_UDP)
		goto general;
	/* the header sum, the length, TTL, our unicast address, no fragment, an ordinary source */
	tot = get_be16_wide(&ip->total_len);
	if (!cksum_ip20_ok(ip) || tot > len - ETH_HLEN || ip->ttl == 0 ||
	    ip_word64(ip, IP_W_DST) != ipv4_be.addr || !ipv4_be.addr ||
	    (ip->frag & htons(IP_FLAG_MF | IP_FRAG_MASK)) || ipv4_src_suspect(ip))
		goto general;
	/* UDP filling the datagram (so that a reply may reuse the IP header's length), its sum */
	ulen = get_be16_wide(&u->len);
	if (ulen < UDP_HLEN || ulen != tot - IP_HLEN ||
	    (!nic_verified && u->cksum && !cksum_l4_ok_be(ip, u, ulen, u->len, IP_PROTO_UDP)))
		goto general;
	/* a binding that takes a unicast datagram from this port */
	b = udp_lookup(u->dport);
	if (!b || ((b->flags & UDP_BIND_SERVICE) && loop_prone_be(u->sport)))
		goto general;
	m->flags = MBUF_F_FAST;
	m->l3_off = (uint16_t)((uint8_t *)ip - m->head);
	m->l4_off = (uint16_t)(l4 - m->head);
	m->data = l4 + UDP_HLEN;
	m->tail = l4 + ulen; /* Ethernet padding goes */
	peer->src_ip_be = (uint32_t)ip_word64(ip, IP_W_SRC);
	peer->dst_ip_be = (uint32_t)ip_word64(ip, IP_W_DST);
	*(wire_u32 *)(void *)&peer->src_port_be = *(const wire_u32 *)(const void *)u;
	fast.rx++; /* eth rx_frames, ipv4 rx and delivered, udp rx and delivered: udp_fast_sync */
	b->handler(m, peer, b->arg);
	return;
general:
	eth_input(nd, m);
}

/*
 * Two bodies: one sums the datagram, one takes the NIC's word for it (MBUF_F_L4_OK), and the
 * entry jumps to either. A test in front of the sum in one body cost it a stack frame (the
 * compiler kept more values live across the checksum loop): 12 instructions per datagram,
 * against 4 for the test and jump here.
 */
static __attribute__((noinline)) void fast_input_sum(struct netdev *nd, struct mbuf *m)
{
	fast_input(nd, m, false);
}
static __attribute__((noinline)) void fast_input_verified(struct netdev *nd, struct mbuf *m)
{
	fast_input(nd, m, true);
}

void udp_fast_input(struct netdev *nd, struct mbuf *m)
{
	if (m->flags & MBUF_F_L4_OK)
		fast_input_verified(nd, m);
	else
		fast_input_sum(nd, m);
}

/* Push the UDP header on m (data at the payload) and send it; ports in network order. */
static void output(struct mbuf *m, uint16_t sport_be, uint32_t dst, uint16_t dport_be)
{
	size_t len = mbuf_len(m) + UDP_HLEN;
	struct udp_hdr *u;
	uint16_t sum;
	if (len > 0xffff - IP_HLEN || mbuf_headroom(m) < UDP_HLEN + IP_HLEN + ETH_HLEN) {
		net_st.udp.drop_len++;
		mbuf_free(m);
		return;
	}
	u = mbuf_push(m, UDP_HLEN);
	u->sport = sport_be;
	u->dport = dport_be;
	u->len = htons((uint16_t)len);
	u->cksum = 0;
	sum = cksum_fold(
		cksum_add(cksum_pseudo(net_addr()->ip, dst, IP_PROTO_UDP, (uint16_t)len), u, len));
	u->cksum = htons(sum ? sum : 0xffff); /* 0 would mean "no checksum" */
	net_st.udp.tx++;
	ipv4_output(m, dst, IP_PROTO_UDP);
}

void udp_reply(struct mbuf *m, const struct udp_peer *peer)
{
	output(m, peer->dst_port_be, udp_peer_src_ip(peer), peer->src_port_be);
}

_Static_assert(offsetof(struct udp_peer, src_port_be) % 4 == 0 &&
		       offsetof(struct udp_peer, dst_port_be) ==
			       offsetof(struct udp_peer, src_port_be) + 2,
	       "udp_peer's ports are one aligned word, as in the UDP header");

/*
 * udp_reply_unchanged for a datagram the fused path took (MBUF_F_FAST: ipv4_can_reply holds,
 * and the IP length is the UDP one), the ports p as received: everything is turned around in
 * the received frame. The IP header gets ipv4_reply's words (no TOS, our id, no fragment
 * flags, our TTL) and the one checksum fold of the reply; the Ethernet header goes from our
 * MAC to the next hop's, as the peer's reply header slot has them (arp_reply_slot: route and
 * ARP as ipv4_reply's, looked up when the slot is filled). A peer whose slot cannot be filled
 * takes the general ipv4_reply.
 */
static void reply_fast_miss(struct mbuf *m, struct ip_hdr *ip, uint32_t p);

static __attribute__((noinline)) void reply_fast(struct mbuf *m, struct ip_hdr *ip, uint32_t p)
{
	struct eth_hdr *eh = (struct eth_hdr *)((uint8_t *)ip - ETH_HLEN);
	wire_u32 *ports = (wire_u32 *)(void *)((uint8_t *)ip + IP_HLEN);
	uint32_t peer = ip_word(ip, IP_W_SRC), us = ip_word(ip, IP_W_DST);
	const struct arp_reply_slot *h = arp_reply_slot(peer);
	uint64_t w1, w2, sum;
	if (__builtin_expect(h->peer_be != peer, 0)) {
		reply_fast_miss(m, ip, p);
		return;
	}
	*ports = p >> 16 | p << 16; /* sport <-> dport */
	/*
	 * The reply's header sum from the received header, which udp_fast_input verified: its
	 * words sum to 0 modulo 0xffff, the addresses only swap places, so the new sum is minus
	 * what goes (the TOS, the identification and fragment word, the TTL, protocol and
	 * checksum word) plus what comes (our id, no fragment flags, our TTL; version, length and
	 * protocol stay). RFC 1624's update, with every word known; 3 * 0xffffffff (a multiple
	 * of 0xffff) keeps it positive. No address enters the sum.
	 */
	w1 = ipv4_new_id();
	w2 = IP_TTL_DEFAULT | (uint32_t)IP_PROTO_UDP << 8;
	sum = w1 + w2 + 3 * 0xffffffffull - ((uint64_t)ip->tos << 8) - ip_word64(ip, 1) -
	      ip_word64(ip, 2);
	w2 |= cksum_field_hi(sum);
	ip->tos = 0;
	ip_word_set(ip, 1, (uint32_t)w1);
	ip_word_set(ip, 2, (uint32_t)w2);
	ip_word_set(ip, IP_W_SRC, us);
	ip_word_set(ip, IP_W_DST, peer);
	/* eh is at 2 modulo 4 (the IP header is aligned): a halfword, two words, a halfword */
	*(mac_u16 *)(void *)eh = h->dst_h;
	*(wire_u32 *)(void *)((uint8_t *)eh + 2) = h->dst_w;
	*(wire_u32 *)(void *)((uint8_t *)eh + 6) = h->src_w;
	*(mac_u16 *)(void *)((uint8_t *)eh + 10) = h->src_h;
	m->data = (uint8_t *)eh;
	fast.tx++; /* udp tx, ipv4 tx, eth tx_frames: udp_fast_sync */
	/* a filled slot means a device (arp_reply_fill); only net_reset takes it, and empties
	 * the slots */
	if (netdev_xmit(net_dev(), m)) /* the driver freed m and counted the drop */
		net_st.eth.tx_fail++;
}

/* The peer's slot holds another peer (or none): fill it and reply, else the general path. A
 * function of its own, so that the hit path keeps no registers across a call. */
static __attribute__((noinline)) void reply_fast_miss(struct mbuf *m, struct ip_hdr *ip, uint32_t p)
{
	wire_u32 *ports = (wire_u32 *)(void *)((uint8_t *)ip + IP_HLEN);
	if (arp_reply_fill(ip_word(ip, IP_W_SRC))) {
		reply_fast(m, ip, p); /* a hit now */
		return;
	}
	*ports = p >> 16 | p << 16; /* sport <-> dport */
	net_st.udp.tx++;
	m->data = (uint8_t *)ports;
	ipv4_reply(m);
}

void udp_fast_sync(void)
{
	uint64_t rx = fast.rx, tx = fast.tx;
	if (!(rx | tx))
		return;
	net_st.eth.rx_frames += rx;
	net_st.ipv4.rx += rx;
	net_st.ipv4.delivered += rx;
	net_st.udp.rx += rx;
	net_st.udp.delivered += rx;
	net_st.udp.tx += tx;
	net_st.ipv4.tx += tx;
	net_st.eth.tx_frames += tx;
	fast.rx = fast.tx = 0;
}

/*
 * The payload goes back exactly as it came, so the received checksum still holds: the reply
 * only swaps the pseudo header's addresses and the ports, and ones' complement addition
 * commutes. That is true only when the datagram was addressed to us (not a broadcast) and
 * carried a checksum, and the payload has not moved; otherwise take the general path. The
 * received UDP header is 4-byte aligned (behind an aligned IP header): both ports are one
 * word, compared with the peer's and swapped as one.
 */
void udp_reply_unchanged(struct mbuf *m, const struct udp_peer *peer)
{
	uint8_t *l4 = m->head + m->l4_off;
	struct udp_hdr *u = (struct udp_hdr *)l4;
	wire_u32 *ports = (wire_u32 *)(void *)l4;
	uint32_t p;
	/* The headers in front of the payload are the received ones, for this peer. */
	if (m->data != l4 + UDP_HLEN || !u->cksum ||
	    get_be16_wide(&u->len) != (size_t)(m->tail - l4) ||
	    (p = *ports) != *(const wire_u32 *)(const void *)&peer->src_port_be) {
		udp_reply(m, peer);
		return;
	}
	if (m->flags & MBUF_F_FAST) {
		reply_fast(m, (struct ip_hdr *)(void *)(l4 - IP_HLEN), p); /* no options */
		return;
	}
	m->data = l4;
	if (!ipv4_can_reply(m)) { /* not a plain unicast datagram to us: the general path */
		m->data = l4 + UDP_HLEN;
		udp_reply(m, peer);
		return;
	}
	*ports = p >> 16 | p << 16; /* sport <-> dport */
	net_st.udp.tx++;
	ipv4_reply(m); /* addresses swapped in the received IP header */
}

int udp_sendto(uint16_t src_port, uint32_t dst_ip, uint16_t dst_port, const void *data, size_t len)
{
	struct mbuf *m;
	if (len > UDP_PAYLOAD_MAX)
		return -EINVAL;
	if (!net_dev())
		return -EIO;
	m = mbuf_alloc();
	if (!m) {
		net_st.udp.drop_nobuf++;
		return -ENOMEM;
	}
	memcpy(mbuf_put(m, len), data, len);
	output(m, htons(src_port), dst_ip, htons(dst_port));
	return 0;
}

void udp_reset(void)
{
	fast.rx = fast.tx = 0;
	memset(binds, 0, sizeof(binds));
	memset(loop_bits, 0, sizeof(loop_bits));
	loop_init = false;
	last_bind = binds;
}
