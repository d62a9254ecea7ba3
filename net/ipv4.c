/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 (RFC 791, host requirements of RFC 1122): the receive ladder (each check counted by
 * reason), our address, routing (on-link or the gateway), and output with fragmentation of
 * datagrams larger than the MTU. Reassembly is in ipv4_frag.c.
 *
 * The trust rules every transport inherits live here, before the demultiplexing: a source that
 * can never be a single host is dropped (RFC 1122 3.2.1.3, RFC 1812 5.3.7), a datagram to a
 * broadcast address is marked MBUF_F_BCAST, a unicast one inside a link-layer broadcast is
 * dropped (RFC 1122 3.3.6), before an address is configured only UDP passes (and udp.c delivers
 * it only to bindings made with UDP_BIND_NOADDR: DHCP), and nothing is ever sent to an address
 * that cannot be a destination.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define ADDR_LISTENERS 4

static struct net_addr addr;
/* The same address, mask and gateway, and the subnet broadcast (limited broadcast when there is
 * none), in network byte order: the receive check and the reply compare and copy header words
 * as they are. */
struct ipv4_be ipv4_be = { .bcast = IP_BROADCAST };
#define addr_be	 ipv4_be.addr
#define bcast_be ipv4_be.bcast
static uint32_t bcast = IP_BROADCAST; /* bcast_be in host order, for output */
uint16_t ipv4_next_id = 1;
static struct {
	void (*fn)(uint32_t ip, void *arg);
	void *arg;
} listeners[ADDR_LISTENERS];

const struct net_addr *net_addr(void)
{
	return &addr;
}

char *net_ntoa(uint32_t ip, char *buf)
{
	ksnprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

static int prefix_len(uint32_t mask)
{
	return mask ? 32 - __builtin_ctz(mask) : 0;
}

int net_on_addr_up(void (*fn)(uint32_t ip, void *arg), void *arg)
{
	for (int i = 0; i < ADDR_LISTENERS; i++) {
		if (listeners[i].fn)
			continue;
		listeners[i].fn = fn;
		listeners[i].arg = arg;
		if (addr.ip)
			fn(addr.ip, arg);
		return 0;
	}
	return -ENOSPC;
}

void ipv4_set_addr(uint32_t ip, uint32_t mask, uint32_t gw)
{
	char a[16], g[16];
	bool changed = ip != addr.ip || mask != addr.mask || gw != addr.gw;
	addr = (struct net_addr){ ip, mask, gw };
	addr_be = htonl(ip);
	/* /31 (RFC 3021) and /32 have no directed broadcast: both /31 addresses are hosts */
	bcast = ip && mask < 0xfffffffeu ? ip | ~mask : IP_BROADCAST;
	bcast_be = htonl(bcast);
	ipv4_be.mask = htonl(mask);
	ipv4_be.gw = htonl(gw);
	arp_reply_flush(); /* the route of every reply header slot */
	if (!changed || !ip)
		return;
	pr_info("net: address %s/%d gw %s\n", net_ntoa(ip, a), prefix_len(mask), net_ntoa(gw, g));
	arp_announce();
	for (int i = 0; i < ADDR_LISTENERS; i++)
		if (listeners[i].fn)
			listeners[i].fn(ip, listeners[i].arg);
}

bool ipv4_is_broadcast(uint32_t dst)
{
	return dst == IP_BROADCAST || dst == bcast;
}

uint32_t ipv4_dst_flags(uint32_t dst_be)
{
	if (addr_be && dst_be == addr_be)
		return 0;
	return (addr_be ? 0 : MBUF_F_NOADDR) |
	       (dst_be == bcast_be || dst_be == IP_BROADCAST ? MBUF_F_BCAST : 0);
}

/*
 * Why src (network order) can never be the address of one host that may be answered, or NULL:
 * 0/8 "this network" is a source only while a host learns its address (RFC 1122 3.2.1.3 (a),
 * (b)), so 0.0.0.0 passes only while we have none (DHCP); broadcasts, multicast, loopback and
 * the reserved 240/4 never are (3.2.1.3 (c)-(g), RFC 1812 5.3.7); our own address from the
 * wire is a spoof that would make us answer ourselves.
 */
static inline __attribute__((always_inline)) uint64_t *bad_source(uint32_t src_be)
{
	struct ipv4_stats *s = &net_st.ipv4;
	uint32_t src = ntohl(src_be), top = src >> 24;
	if (src == 0)
		return addr_be ? &s->drop_src_zero : NULL;
	if (top == 0)
		return &s->drop_src_zero;
	if (top == 127)
		return &s->drop_src_loopback;
	if (src == IP_BROADCAST || src_be == bcast_be)
		return &s->drop_src_bcast;
	if (top >= 224 && top < 240)
		return &s->drop_src_mcast;
	if (top >= 240)
		return &s->drop_src_reserved;
	if (src_be == addr_be)
		return &s->drop_src_self;
	return NULL;
}

bool ipv4_is_unicast_host(uint32_t ip)
{
	uint32_t top = ip >> 24;
	return ip && top != 0 && top != 127 && top < 224 && !ipv4_is_broadcast(ip) && ip != addr.ip;
}

/*
 * The destination: our address, a broadcast (marked for the transports), or before we have an
 * address anything (DHCP offers may come unicast to the offered address). Returns the counter
 * of the reason to drop, or NULL.
 */
static uint64_t *check_dst(struct mbuf *m, const struct ip_hdr *ip)
{
	struct ipv4_stats *s = &net_st.ipv4;
	if (ip_word(ip, IP_W_DST) == addr_be && addr_be) {
		/* RFC 1122 3.3.6: a unicast datagram in a link-layer broadcast is discarded */
		return m->flags & MBUF_F_LINK_BCAST ? &s->drop_link_bcast : NULL;
	}
	if (!addr_be)
		m->flags |= MBUF_F_NOADDR;
	if (ip->dst == bcast_be || ip->dst == IP_BROADCAST) {
		m->flags |= MBUF_F_BCAST;
		return NULL;
	}
	return addr_be ? &s->drop_addr : NULL;
}

/* The header checks, in order; returns the counter to bump, or NULL when the header is fine. */
static uint64_t *check(struct mbuf *m, size_t *hlen_out, size_t *tot_out)
{
	struct ipv4_stats *s = &net_st.ipv4;
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	size_t len = mbuf_len(m), hlen, tot;
	uint64_t *bad;
	if (len < IP_HLEN)
		return &s->drop_short;
	if (ip->ver_ihl == 0x45) { /* the usual header: version 4, no options */
		hlen = IP_HLEN;
		if (!cksum_ip20_ok(ip))
			return &s->drop_cksum;
	} else {
		if (ip->ver_ihl >> 4 != 4)
			return &s->drop_version;
		hlen = (size_t)(ip->ver_ihl & 0xf) * 4;
		if (hlen < IP_HLEN)
			return &s->drop_hdr;
		if (hlen > len)
			return &s->drop_short;
	}
	tot = ntohs(ip->total_len);
	if (tot > len || tot < hlen)
		return &s->drop_len;
	/* with options: still whole words on a 4-byte boundary, summed inline (no call) */
	if (hlen != IP_HLEN && !cksum_sum_ok(cksum_sum_native((const uint8_t *)ip, hlen)))
		return &s->drop_cksum;
	if (ip->ttl == 0)
		return &s->drop_ttl;
	bad = check_dst(m, ip);
	if (bad)
		return bad;
	/* A few compares for an ordinary source; the rest only for martians. */
	if (ipv4_src_suspect(ip)) {
		bad = bad_source(ip_word(ip, IP_W_SRC));
		if (bad)
			return bad;
	}
	if (!addr_be && ip->proto != IP_PROTO_UDP) /* unconfigured: only DHCP may come in */
		return &s->drop_noaddr;
	*hlen_out = hlen;
	*tot_out = tot;
	return NULL;
}

/* Hand a whole datagram (data at its IP header, l4_off set) to the transport. Inline in
 * ipv4_input, the packet path; ipv4_deliver is the same for reassembled datagrams. */
static inline void deliver(struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	m->data = m->head + m->l4_off; /* l4_off is inside the datagram: ipv4_input checked */
	net_st.ipv4.delivered++;
	switch (ip->proto) {
	case IP_PROTO_UDP:
		udp_input(m);
		break;
	case IP_PROTO_ICMP:
		icmp_input(m);
		break;
	case IP_PROTO_TCP:
		tcp_input(m);
		break;
	default:
		net_st.ipv4.delivered--;
		net_st.ipv4.drop_proto++;
		mbuf_free(m);
	}
}

void ipv4_input(struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	uint64_t *bad;
	size_t hlen = 0, tot = 0;
	net_st.ipv4.rx++;
	bad = check(m, &hlen, &tot);
	if (bad) {
		net_drop(m, bad);
		return;
	}
	m->tail = m->data + tot; /* Ethernet padding goes (tot was checked against the length) */
	m->l4_off = (uint16_t)(m->l3_off + hlen);
	if (ip->frag & htons(IP_FLAG_MF | IP_FRAG_MASK))
		ipv4_reasm_input(m);
	else
		deliver(m);
}

void ipv4_deliver(struct mbuf *m)
{
	deliver(m);
}

/*
 * Never a destination, from any layer (RFC 1122 3.2.1.3): 0/8, loopback, multicast (we join no
 * group), the reserved 240/4 and our own address. The limited and the subnet broadcast are
 * allowed: DHCP and applications may send to them on purpose.
 */
static bool bad_destination(uint32_t dst)
{
	uint32_t top = dst >> 24;
	return top == 0 || top == 127 || (top >= 224 && dst != IP_BROADCAST) || dst == addr.ip;
}

/* Where m goes: the link broadcast, a neighbour or the gateway. dst has passed
 * bad_destination, or (ipv4_reply) is a source that passed bad_source, which refuses more.
 * In network order, as the reply has it: the subnet test works on either order. */
static inline __attribute__((always_inline)) void route_be(struct mbuf *m, uint32_t dst_be)
{
	uint32_t hop;
	if (dst_be == IP_BROADCAST || dst_be == ipv4_be.bcast) {
		eth_output(m, eth_broadcast, ETH_P_IP);
		return;
	}
	hop = ipv4_next_hop_be(dst_be);
	if (hop) {
		arp_output_be(m, hop);
	} else {
		net_st.ipv4.drop_noroute++;
		mbuf_free(m);
	}
}

static void route(struct mbuf *m, uint32_t dst)
{
	route_be(m, htonl(dst));
}

static void fill_header(struct ip_hdr *ip, size_t len, uint16_t id, uint16_t frag, uint32_t dst,
			uint8_t proto)
{
	ip->ver_ihl = 0x45;
	ip->tos = 0;
	ip->total_len = htons((uint16_t)len);
	ip->id = id; /* stored as it counts: see ipv4_new_id */
	ip->frag = htons(frag);
	ip->ttl = IP_TTL_DEFAULT;
	ip->proto = proto;
	ip->cksum = 0;
	ip->src = addr_be;
	ip->dst = htonl(dst);
	ip->cksum = cksum_ip20(ip);
}

/* Send a payload longer than the MTU as fragments of at most 1480 bytes, each in a new mbuf. */
static void output_fragments(struct mbuf *m, uint32_t dst, uint8_t proto, uint16_t id)
{
	const size_t step = (ETH_MTU - IP_HLEN) & ~7u;
	size_t len = mbuf_len(m);
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		struct mbuf *f = mbuf_alloc();
		uint16_t flags = off + n < len ? IP_FLAG_MF : 0;
		if (!f) {
			net_st.ipv4.drop_nobuf++;
			break;
		}
		memcpy(mbuf_put(f, n), m->data + off, n);
		fill_header(mbuf_push(f, IP_HLEN), n + IP_HLEN, id, (uint16_t)(flags | (off / 8)),
			    dst, proto);
		net_st.ipv4.tx++;
		net_st.ipv4.frag_tx++;
		route(f, dst);
	}
	mbuf_free(m);
}

void ipv4_output(struct mbuf *m, uint32_t dst, uint8_t proto)
{
	size_t len = mbuf_len(m);
	uint16_t id = ipv4_new_id();
	if (bad_destination(dst)) {
		net_st.ipv4.drop_dst_bad++;
		mbuf_free(m);
		return;
	}
	if (len + IP_HLEN > ETH_MTU) {
		output_fragments(m, dst, proto, id);
		return;
	}
	fill_header(mbuf_push(m, IP_HLEN), len + IP_HLEN, id, 0, dst, proto);
	net_st.ipv4.tx++;
	route(m, dst);
}

void ipv4_reply(struct mbuf *m)
{
	struct ip_hdr *ip = (struct ip_hdr *)(m->head + m->l3_off);
	uint32_t len = (uint32_t)mbuf_len(m) + IP_HLEN;
	uint32_t peer = ip_word(ip, IP_W_SRC), w[3];
	uint64_t sum;
	m->data = (uint8_t *)ip;
	/* The first three words built in registers (version 4, no options, tos 0; our id, no
	 * fragment flags; TTL, the protocol as received), summed with the two addresses and
	 * stored once: the addresses swap, which leaves their sum as it was. */
	w[0] = 0x45u | (uint32_t)htons((uint16_t)len) << 16;
	w[1] = ipv4_new_id();
	w[2] = IP_TTL_DEFAULT | (uint32_t)ip->proto << 8;
	sum = (uint64_t)w[0] + w[1] + w[2] + peer + addr_be;
	w[2] |= cksum_field_hi(sum);
	ip_word_set(ip, 0, w[0]);
	ip_word_set(ip, 1, w[1]);
	ip_word_set(ip, 2, w[2]);
	ip_word_set(ip, IP_W_SRC, addr_be);
	ip_word_set(ip, IP_W_DST, peer);
	net_st.ipv4.tx++;
	route_be(m, peer);
}

void ipv4_reset(void)
{
	ipv4_reasm_reset();
	addr = (struct net_addr){ 0 };
	ipv4_be = (struct ipv4_be){ .bcast = IP_BROADCAST };
	bcast = IP_BROADCAST;
	arp_reply_flush();
	memset(listeners, 0, sizeof(listeners));
}
