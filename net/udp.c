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

static struct {
	uint16_t port; /* 0 = free */
	uint16_t flags;
	void (*handler)(struct mbuf *m, const struct udp_peer *peer, void *arg);
	void *arg;
} binds[UDP_BINDINGS];

/*
 * Source ports a service never answers (inetd's dg_badinput and check_loop): every port below
 * 1024, where the services that answer any datagram live (echo 7, daytime 13, chargen 19,
 * time 37, DNS 53, NTP 123, SNMP 161 ...), a few such services above it, and the ports of our
 * own services, which may run on the neighbour too. Two of them answering each other would
 * bounce one datagram forever. One bit per port, so the check is a shift and a load.
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
	if (on)
		loop_bits[port / 32] |= 1u << (port % 32);
	else
		loop_bits[port / 32] &= ~(1u << (port % 32));
}

bool udp_port_is_loop_prone(uint16_t port)
{
	return port < UDP_LOOP_BELOW || (loop_bits[port / 32] >> (port % 32) & 1);
}

int udp_bind(uint16_t port, unsigned flags,
	     void (*handler)(struct mbuf *m, const struct udp_peer *peer, void *arg), void *arg)
{
	int slot = -1;
	if (port == 0 || !handler || (flags & ~UDP_BIND_ALL))
		return -EINVAL;
	for (int i = 0; i < UDP_BINDINGS; i++) {
		if (binds[i].port == port)
			return -EBUSY;
		if (!binds[i].port && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return -ENOSPC;
	if (!loop_init) {
		for (size_t i = 0; i < sizeof(loop_high) / sizeof(loop_high[0]); i++)
			mark(loop_high[i], true);
		loop_init = true;
	}
	binds[slot].port = port;
	binds[slot].flags = (uint16_t)flags;
	binds[slot].handler = handler;
	binds[slot].arg = arg;
	if (flags & UDP_BIND_SERVICE)
		mark(port, true);
	return 0;
}

static bool is_loop_high(uint16_t port)
{
	for (size_t i = 0; i < sizeof(loop_high) / sizeof(loop_high[0]); i++)
		if (loop_high[i] == port)
			return true;
	return false;
}

int udp_unbind(uint16_t port)
{
	for (int i = 0; i < UDP_BINDINGS; i++) {
		if (port && binds[i].port == port) {
			binds[i].port = 0;
			if (!is_loop_high(port))
				mark(port, false);
			return 0;
		}
	}
	return -ENOENT;
}

static int udp_lookup(uint16_t port)
{
	if (port == 0) /* marks a free slot: never a binding */
		return -1;
	for (int i = 0; i < UDP_BINDINGS; i++)
		if (binds[i].port == port)
			return i;
	return -1;
}

/* The binding's rules (see the file header); the counter of the reason to drop, or NULL. */
static uint64_t *refused(unsigned flags, const struct mbuf *m, uint16_t sport)
{
	struct udp_stats *s = &net_st.udp;
	if (m->flags & (MBUF_F_BCAST | MBUF_F_NOADDR)) { /* one test for the usual unicast */
		if ((m->flags & MBUF_F_BCAST) && !(flags & UDP_BIND_BROADCAST))
			return &s->drop_bcast;
		if ((m->flags & MBUF_F_NOADDR) && !(flags & UDP_BIND_NOADDR))
			return &s->drop_noaddr;
	}
	if ((flags & UDP_BIND_SERVICE) && udp_port_is_loop_prone(sport))
		return &s->drop_loop;
	return NULL;
}

void udp_input(struct mbuf *m)
{
	struct udp_stats *s = &net_st.udp;
	const struct ip_hdr *ip = (const struct ip_hdr *)(m->head + m->l3_off);
	const struct udp_hdr *u = (const struct udp_hdr *)m->data;
	struct udp_peer peer;
	uint64_t *bad;
	size_t ulen;
	int b;
	s->rx++;
	if (mbuf_len(m) < UDP_HLEN) {
		s->drop_short++;
		goto drop;
	}
	ulen = ntohs(u->len);
	if (ulen < UDP_HLEN || ulen > mbuf_len(m)) {
		s->drop_len++;
		goto drop;
	}
	mbuf_trim(m, ulen);
	if (u->cksum && !cksum_l4_ok((const uint8_t *)ip, u, ulen, IP_PROTO_UDP)) {
		s->drop_cksum++;
		goto drop;
	}
	peer.src_ip = ntohl(ip->src);
	peer.dst_ip = ntohl(ip->dst);
	peer.src_port = ntohs(u->sport);
	peer.dst_port = ntohs(u->dport);
	b = udp_lookup(peer.dst_port);
	if (b < 0) {
		s->drop_noport++;
		icmp_port_unreach(m);
		goto drop;
	}
	bad = refused(binds[b].flags, m, peer.src_port);
	if (bad) {
		(*bad)++;
		goto drop;
	}
	mbuf_pull(m, UDP_HLEN);
	s->delivered++;
	binds[b].handler(m, &peer, binds[b].arg);
	return;
drop:
	mbuf_free(m);
}

/* Push the UDP header on m (data at the payload) and send it. */
static void output(struct mbuf *m, uint16_t sport, uint32_t dst, uint16_t dport)
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
	u->sport = htons(sport);
	u->dport = htons(dport);
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
	output(m, peer->dst_port, peer->src_ip, peer->src_port);
}

/*
 * The payload goes back exactly as it came, so the received checksum still holds: the reply
 * only swaps the pseudo header's addresses and the ports, and ones' complement addition
 * commutes. That is true only when the datagram was addressed to us (not a broadcast) and
 * carried a checksum, and the payload has not moved; otherwise take the general path.
 */
void udp_reply_unchanged(struct mbuf *m, const struct udp_peer *peer)
{
	struct udp_hdr *u = (struct udp_hdr *)(m->data - UDP_HLEN);
	uint16_t port;
	/* The headers in front of the payload are the received ones, for this peer. */
	if (m->data != m->head + m->l4_off + UDP_HLEN || !u->cksum ||
	    u->len != htons((uint16_t)(mbuf_len(m) + UDP_HLEN)) ||
	    u->sport != htons(peer->src_port) || u->dport != htons(peer->dst_port)) {
		udp_reply(m, peer);
		return;
	}
	mbuf_push(m, UDP_HLEN);
	port = u->sport;
	u->sport = u->dport;
	u->dport = port;
	if (ipv4_reply(m) == 0) { /* addresses swapped in the received IP header */
		net_st.udp.tx++;
		return;
	}
	/* not a plain unicast datagram to us (broadcast, IP options): the general path */
	u->dport = u->sport;
	u->sport = port;
	mbuf_pull(m, UDP_HLEN);
	udp_reply(m, peer);
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
	output(m, src_port, dst_ip, dst_port);
	return 0;
}

void udp_reset(void)
{
	memset(binds, 0, sizeof(binds));
	memset(loop_bits, 0, sizeof(loop_bits));
	loop_init = false;
}
