/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMP (RFC 792): echo replies, turned around in place, and port unreachable for UDP sent to
 * a closed port, limited by a token bucket (RFC 1812 4.3.2.8) so a flood cannot make us one.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/string.h"
#include "lib/timer.h"

#define UNREACH_RATE  10 /* tokens per second */
#define UNREACH_BURST 10
#define UNREACH_QUOTE 8 /* payload bytes quoted after the offending header (RFC 792) */

static struct tbucket bucket;

void icmp_input(struct mbuf *m)
{
	struct icmp_stats *s = &net_st.icmp;
	const struct ip_hdr *ip = (const struct ip_hdr *)(m->head + m->l3_off);
	struct icmp_hdr *h = (struct icmp_hdr *)m->data;
	size_t len = mbuf_len(m);
	s->rx++;
	if (len < sizeof(*h)) {
		s->drop_short++;
		goto drop;
	}
	if (cksum(h, len) != 0) {
		s->drop_cksum++;
		goto drop;
	}
	/* Only echo requests sent to us alone are answered (RFC 1122 3.2.2.6 allows ignoring
	 * broadcast ones; ipv4_input let nothing else through before we have an address and
	 * dropped martian sources); other types are not ours to act on. */
	if (h->type != ICMP_ECHO_REQUEST || (m->flags & MBUF_F_BCAST)) {
		s->drop_type++;
		goto drop;
	}
	s->echo_rx++;
	h->type = ICMP_ECHO_REPLY;
	h->cksum = 0;
	h->cksum = htons(cksum(h, len));
	s->tx++;
	ipv4_output(m, ntohl(ip->src), IP_PROTO_ICMP);
	return;
drop:
	mbuf_free(m);
}

/*
 * RFC 1122 3.2.2 (and RFC 1812 4.3.2.7): no ICMP error about a datagram sent to a broadcast or
 * multicast address (IP or link layer), or whose source does not name one host (zero,
 * broadcast, multicast, loopback, class E: ipv4_input dropped those already; checked again
 * here because an error to such an address is what a smurf needs), nor before we have an
 * address. Reassembled datagrams are whole, so "not a non-initial fragment" holds.
 */
static bool may_answer(const struct mbuf *m, const struct ip_hdr *ip)
{
	return !(m->flags & (MBUF_F_BCAST | MBUF_F_LINK_BCAST)) && net_addr_is_up() &&
	       ipv4_is_unicast_host(ntohl(ip->src));
}

void icmp_port_unreach(const struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)(m->head + m->l3_off);
	size_t hlen = (size_t)(m->l4_off - m->l3_off);
	size_t quote = hlen + UNREACH_QUOTE;
	size_t have = (size_t)(m->tail - (m->head + m->l3_off));
	struct icmp_hdr *h;
	struct mbuf *n;
	if (!may_answer(m, ip))
		return;
	if (!tbucket_take(&bucket, clock_ns(), UNREACH_RATE, UNREACH_BURST)) {
		net_st.icmp.unreach_limited++;
		return;
	}
	n = mbuf_alloc();
	if (!n) {
		net_st.icmp.drop_nobuf++;
		return;
	}
	if (quote > have)
		quote = have;
	h = mbuf_put(n, sizeof(*h) + quote);
	h->type = ICMP_DEST_UNREACH;
	h->code = ICMP_CODE_PORT_UNREACH;
	h->cksum = 0;
	h->rest = 0;
	memcpy(h + 1, ip, quote);
	h->cksum = htons(cksum(h, sizeof(*h) + quote));
	net_st.icmp.tx++;
	net_st.icmp.unreach_tx++;
	ipv4_output(n, ntohl(ip->src), IP_PROTO_ICMP);
}

void icmp_reset(void)
{
	bucket = (struct tbucket){ 0 };
}
