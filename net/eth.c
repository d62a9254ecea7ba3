/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ethernet II (RFC 894): check the frame, accept our MAC and broadcast (marked as such), refuse
 * group source addresses, dispatch by EtherType.
 * Frames arrive without FCS (the NIC strips it), at most 1514 bytes.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/string.h"

const uint8_t eth_broadcast[ETH_ALEN]
	__attribute__((aligned(2))) = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * Our MAC or broadcast; anything else (other hosts' unicast, multicast) is not for us. A
 * broadcast frame is marked so the layers above never answer it as if it were unicast; one
 * from our own MAC is our own, come back (a hub, a loop): never taken for a neighbour's.
 */
static bool eth_accept(const struct netdev *nd, struct mbuf *m, const struct eth_hdr *eh)
{
	const mac_u16 *d = (const mac_u16 *)eh->dst;
	m->flags &= MBUF_F_L4_OK; /* the driver's, the only flag that comes from below */
	if (mac_eq(eh->dst, nd->mac))
		return true;
	m->flags |= MBUF_F_LINK_BCAST;
	return (d[0] & d[1] & d[2]) == 0xffff && !mac_eq(eh->src, nd->mac);
}

/*
 * The layers above load a received IPv4 header by words (ip_word): a NIC that placed the frame
 * so that it is not 4-byte aligned (no NET_IP_ALIGN) has it moved, back into the headroom (or
 * forward, without room there). The e1000 never needs this.
 */
static void ip_align(struct mbuf *m)
{
	size_t off = (uintptr_t)m->data & 3, len = mbuf_len(m);
	uint8_t *to = mbuf_headroom(m) >= off + ETH_HLEN ? m->data - off : m->data + (4 - off);
	ASSERT(to + len <= m->end);
	memmove(to, m->data, len);
	m->data = to;
	m->tail = to + len;
}

/* Out of line (eth_input needs no stack frame): an IPv4 frame to realign first. */
static __attribute__((noinline, cold)) void input_unaligned(struct mbuf *m)
{
	ip_align(m);
	m->l3_off = (uint16_t)(m->data - m->head);
	ipv4_input(m);
}

/* Out of line: the frame is too short or too long. */
static __attribute__((noinline, cold)) void drop_len(struct mbuf *m)
{
	net_drop(m, mbuf_len(m) < ETH_HLEN ? &net_st.eth.drop_short : &net_st.eth.drop_oversize);
}

void eth_input(struct netdev *nd, struct mbuf *m)
{
	struct eth_stats *s = &net_st.eth;
	const struct eth_hdr *eh = (const struct eth_hdr *)m->data;
	uint16_t type;
	s->rx_frames++;
	/* ETH_HLEN..ETH_FRAME_MAX in one unsigned compare */
	if (mbuf_len(m) - ETH_HLEN > ETH_FRAME_MAX - ETH_HLEN) {
		drop_len(m);
		return;
	}
	type = eh->type; /* compared in network order */
	if (type != htons(ETH_P_IP) && type != htons(ETH_P_ARP)) {
		net_drop(m, &s->drop_type);
		return;
	}
	if (!eth_accept(nd, m, eh)) {
		net_drop(m, &s->drop_addr);
		return;
	}
	if (eh->src[0] & 1) { /* a group address is never a sender (IEEE 802.3 3.2.3) */
		net_drop(m, &s->drop_src);
		return;
	}
	m->data += ETH_HLEN; /* the length was checked above */
	if (type == htons(ETH_P_IP)) {
		if ((uintptr_t)m->data & 3) {
			input_unaligned(m);
			return;
		}
		m->l3_off = (uint16_t)(m->data - m->head);
		ipv4_input(m);
	} else {
		m->l3_off = (uint16_t)(m->data - m->head);
		arp_input(m);
	}
}

void eth_output(struct mbuf *m, const uint8_t *dst_mac, uint16_t type)
{
	struct netdev *nd = net_dev();
	struct eth_hdr *eh;
	if (!nd) {
		net_drop(m, &net_st.eth.tx_fail);
		return;
	}
	eh = mbuf_push(m, ETH_HLEN);
	mac_copy(eh->dst, dst_mac);
	mac_copy(eh->src, nd->mac);
	eh->type = htons(type);
	/* Runts are not padded here: the NIC pads to 60 bytes (e1000 TCTL.PSP), and a frame
	 * that reaches a virtual wire unpadded carries no trailing bytes to misparse. */
	net_st.eth.tx_frames++;
	if (netdev_xmit(nd, m)) /* the driver freed m and counted the drop */
		net_st.eth.tx_fail++;
}

/*
 * The ceiling of the benchmarks (net.turnaround=1): every IPv4 UDP frame without options goes
 * straight back from this upcall, its MAC and IP addresses and its ports swapped (no checksum
 * changes), with nothing checked: what the NIC and the emulator allow a guest that does no
 * work. Everything else (ARP, so that the peer finds us) takes the normal path. Answering
 * anything breaks every rule of DESIGN.md's Trust: for measuring only.
 */
void eth_input_turnaround(struct netdev *nd, struct mbuf *m)
{
	uint8_t *f = m->data;
	struct eth_hdr *eh = (struct eth_hdr *)f;
	struct ip_hdr *ip = (struct ip_hdr *)(f + ETH_HLEN);
	uint16_t *ports = (uint16_t *)(void *)(f + ETH_HLEN + IP_HLEN), port;
	uint32_t a;
	if (mbuf_len(m) < ETH_HLEN + IP_HLEN + UDP_HLEN || eh->type != htons(ETH_P_IP) ||
	    ((uintptr_t)ip & 3) || ip->ver_ihl != 0x45 || ip->proto != IP_PROTO_UDP) {
		eth_input(nd, m);
		return;
	}
	mac_copy(eh->dst, eh->src);
	mac_copy(eh->src, nd->mac);
	a = ip_word(ip, IP_W_SRC);
	ip_word_set(ip, IP_W_SRC, ip_word(ip, IP_W_DST));
	ip_word_set(ip, IP_W_DST, a);
	port = ports[0];
	ports[0] = ports[1];
	ports[1] = port;
	netdev_xmit(nd, m);
}
