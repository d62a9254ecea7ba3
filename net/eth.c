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
 * Inline 6-byte compare and copy in three halfwords: a memcmp/memcpy call per frame costs more
 * than the work. Every MAC address here is 2-byte aligned: the header fields (struct eth_hdr
 * is aligned(2), frames start at even offsets), the netdev's and the ARP cache's copies.
 */
typedef uint16_t __attribute__((may_alias)) mac_u16;
_Static_assert(_Alignof(struct eth_hdr) == 2, "eth_hdr is 2-byte aligned");

static bool mac_eq(const uint8_t *a, const uint8_t *b)
{
	const mac_u16 *x = (const mac_u16 *)a, *y = (const mac_u16 *)b;
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

static void mac_copy(uint8_t *dst, const uint8_t *src)
{
	mac_u16 *d = (mac_u16 *)dst;
	const mac_u16 *s = (const mac_u16 *)src;
	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
}

/*
 * Our MAC or broadcast; anything else (other hosts' unicast, multicast) is not for us. A
 * broadcast frame is marked so the layers above never answer it as if it were unicast; one
 * from our own MAC is our own, come back (a hub, a loop): never taken for a neighbour's.
 */
static bool eth_accept(const struct netdev *nd, struct mbuf *m, const struct eth_hdr *eh)
{
	const mac_u16 *d = (const mac_u16 *)eh->dst;
	if (mac_eq(eh->dst, nd->mac)) {
		m->flags = 0;
		return true;
	}
	m->flags = MBUF_F_LINK_BCAST;
	return (d[0] & d[1] & d[2]) == 0xffff && !mac_eq(eh->src, nd->mac);
}

void eth_input(struct netdev *nd, struct mbuf *m)
{
	struct eth_stats *s = &net_st.eth;
	const struct eth_hdr *eh;
	uint16_t type;
	s->rx_frames++;
	if (mbuf_len(m) < ETH_HLEN) {
		s->drop_short++;
		goto drop;
	}
	if (mbuf_len(m) > ETH_FRAME_MAX) {
		s->drop_oversize++;
		goto drop;
	}
	eh = (const struct eth_hdr *)m->data;
	type = ntohs(eh->type);
	if (type != ETH_P_IP && type != ETH_P_ARP) {
		s->drop_type++;
		goto drop;
	}
	if (!eth_accept(nd, m, eh)) {
		s->drop_addr++;
		goto drop;
	}
	if (eh->src[0] & 1) { /* a group address is never a sender (IEEE 802.3 3.2.3) */
		s->drop_src++;
		goto drop;
	}
	mbuf_pull(m, ETH_HLEN);
	m->l3_off = (uint16_t)(m->data - m->head);
	if (type == ETH_P_IP)
		ipv4_input(m);
	else
		arp_input(m);
	return;
drop:
	mbuf_free(m);
}

void eth_output(struct mbuf *m, const uint8_t *dst_mac, uint16_t type)
{
	struct netdev *nd = net_dev();
	struct eth_hdr *eh;
	if (!nd) {
		net_st.eth.tx_fail++;
		mbuf_free(m);
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
