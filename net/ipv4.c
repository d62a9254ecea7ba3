/*
 * IPv4 (RFC 791, host requirements of RFC 1122): the receive ladder (each check counted by
 * reason), our address, routing (on-link or the gateway), and output with fragmentation of
 * datagrams larger than the MTU. Reassembly is in ipv4_frag.c.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define ADDR_LISTENERS 4

static struct net_addr addr;
/* The same address, and the subnet broadcast (limited broadcast when there is none), in network
 * byte order: the receive check and the reply compare and copy header words as they are. */
static uint32_t addr_be, bcast_be = IP_BROADCAST;
static uint16_t next_id = 1;
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
	bcast_be = ip && mask != 0xffffffffu ? htonl(ip | ~mask) : IP_BROADCAST;
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
	return dst == IP_BROADCAST ||
	       (addr.ip && addr.mask != 0xffffffffu && dst == (addr.ip | ~addr.mask));
}

/* Before an address is configured (DHCP) every datagram is ours. dst in network order. */
static bool for_us(uint32_t dst_be)
{
	return !addr_be || dst_be == addr_be || dst_be == bcast_be || dst_be == IP_BROADCAST;
}

/* The header checks, in order; returns the counter to bump, or NULL when the header is fine. */
static uint64_t *check(const struct mbuf *m, size_t *hlen_out)
{
	struct ipv4_stats *s = &net_st.ipv4;
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	size_t len = mbuf_len(m), hlen, tot;
	if (len < IP_HLEN)
		return &s->drop_short;
	if (ip->ver_ihl >> 4 != 4)
		return &s->drop_version;
	hlen = (size_t)(ip->ver_ihl & 0xf) * 4;
	if (hlen < IP_HLEN)
		return &s->drop_hdr;
	if (hlen > len)
		return &s->drop_short;
	tot = ntohs(ip->total_len);
	if (tot > len || tot < hlen)
		return &s->drop_len;
	if ((hlen == IP_HLEN ? cksum_ip20(ip) : cksum(ip, hlen)) != 0)
		return &s->drop_cksum;
	if (ip->ttl == 0)
		return &s->drop_ttl;
	if (!for_us(ip->dst))
		return &s->drop_addr;
	*hlen_out = hlen;
	return NULL;
}

void ipv4_input(struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	uint64_t *bad;
	size_t hlen = 0;
	net_st.ipv4.rx++;
	bad = check(m, &hlen);
	if (bad) {
		(*bad)++;
		mbuf_free(m);
		return;
	}
	mbuf_trim(m, ntohs(ip->total_len)); /* Ethernet padding goes */
	m->l4_off = (uint16_t)(m->l3_off + hlen);
	if (ntohs(ip->frag) & (IP_FLAG_MF | IP_FRAG_MASK))
		ipv4_reasm_input(m);
	else
		ipv4_deliver(m);
}

/* Hand a whole datagram (data at its IP header, l4_off set) to the transport. */
void ipv4_deliver(struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)m->data;
	mbuf_pull(m, (size_t)(m->l4_off - m->l3_off));
	net_st.ipv4.delivered++;
	switch (ip->proto) {
	case IP_PROTO_ICMP:
		icmp_input(m);
		break;
	case IP_PROTO_UDP:
		udp_input(m);
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

static void route(struct mbuf *m, uint32_t dst)
{
	if (ipv4_is_broadcast(dst))
		eth_output(m, eth_broadcast, ETH_P_IP);
	else if (!addr.ip || ((dst ^ addr.ip) & addr.mask) == 0)
		arp_output(m, dst);
	else if (addr.gw)
		arp_output(m, addr.gw);
	else {
		net_st.ipv4.drop_noroute++;
		mbuf_free(m);
	}
}

static void fill_header(struct ip_hdr *ip, size_t len, uint16_t id, uint16_t frag, uint32_t dst,
			uint8_t proto)
{
	ip->ver_ihl = 0x45;
	ip->tos = 0;
	ip->total_len = htons((uint16_t)len);
	ip->id = htons(id);
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
	uint16_t id = next_id++;
	if (len + IP_HLEN > ETH_MTU) {
		output_fragments(m, dst, proto, id);
		return;
	}
	fill_header(mbuf_push(m, IP_HLEN), len + IP_HLEN, id, 0, dst, proto);
	net_st.ipv4.tx++;
	route(m, dst);
}

int ipv4_reply(struct mbuf *m)
{
	struct ip_hdr *ip = (struct ip_hdr *)(m->head + m->l3_off);
	size_t len = mbuf_len(m) + IP_HLEN;
	uint32_t peer;
	if (!addr_be || m->l3_off < ETH_HLEN || m->l4_off != m->l3_off + IP_HLEN ||
	    m->data != m->head + m->l4_off || ip->dst != addr_be || len > ETH_MTU)
		return -EINVAL;
	peer = ip->src;
	m->data = (uint8_t *)ip;
	ip->ver_ihl = 0x45;
	ip->tos = 0;
	ip->total_len = htons((uint16_t)len);
	ip->id = htons(next_id++);
	ip->frag = 0;
	ip->ttl = IP_TTL_DEFAULT;
	ip->cksum = 0;
	ip->src = addr_be;
	ip->dst = peer;
	ip->cksum = cksum_ip20(ip);
	net_st.ipv4.tx++;
	route(m, ntohl(peer));
	return 0;
}

void ipv4_reset(void)
{
	ipv4_reasm_reset();
	addr = (struct net_addr){ 0 };
	addr_be = 0;
	bcast_be = IP_BROADCAST;
	memset(listeners, 0, sizeof(listeners));
}
