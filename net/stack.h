/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the layers of the stack (not for applications: they use net/net.h). Each layer sees
 * an mbuf and the small API of the layer below. Functions returning void consume the mbuf.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/mbuf.h"
#include "net/net.h"
#include "net/netdev.h"

/* The one global instance of the counters (defined in netdev.c). */
extern struct net_stats net_st;

/* The attached NIC, or NULL. */
extern struct netdev *net_device;
/* The NIC the stack runs on, or NULL. */
static inline struct netdev *net_dev(void)
{
	return net_device;
}
/* The address DHCP falls back to (the ip= static one, else QEMU user networking's). */
const struct net_addr *net_fallback_addr(void);

/* netstat.c: the counters service (stats.port). */
void netstat_init(void);
void netstat_reset(void);

/* cksum.c: Internet checksum (RFC 1071). */
/* Aligned loads that may alias the packet bytes (which are uint8_t). */
typedef uint32_t __attribute__((may_alias)) cksum_u32;
typedef uint16_t __attribute__((may_alias)) cksum_u16;
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "native-order sums assume little-endian");

/* Add len bytes at p to the partial sum (< 2^31, big-endian word values); returns the new one. */
uint32_t cksum_add(uint32_t sum, const void *p, size_t len);
/*
 * Fold a wide sum of 16-bit words to 16 bits with end-around carries (not complemented). Adding
 * the value rotated by half its width leaves the ones' complement sum of both halves in the
 * upper half (the carry out of the lower half is the end-around carry): 64 -> 32 -> 16 bits in
 * two such steps, without loops or a chain of masks.
 */
static inline uint32_t cksum_fold16(uint64_t s)
{
	uint32_t x;
	s += s >> 32 | s << 32;
	x = (uint32_t)(s >> 32);
	x += x >> 16 | x << 16;
	return x >> 16;
}
static inline uint16_t cksum_fold(uint32_t sum)
{
	return (uint16_t)~cksum_fold16(sum);
}
/* Sum of the IPv4 pseudo header (addresses in host order, len = transport length). */
static inline uint32_t cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}
static inline uint16_t cksum(const void *p, size_t len)
{
	return cksum_fold(cksum_add(0, p, len));
}
/*
 * The checksum of an option-less IPv4 header (20 bytes, 2-byte aligned) as it is stored in the
 * header, i.e. in network byte order (0 when a received header is intact). Summed in the hart's
 * order, which gives the stored bytes directly (RFC 1071 2(B)): no swap. Inline, and five word
 * loads when the header is 4-byte aligned (received frames are: NET_IP_ALIGN), since it runs
 * twice per forwarded packet: verified on input and made on output.
 */
static inline uint16_t cksum_ip20(const void *hdr)
{
	uint64_t s;
	uint32_t f;
	if (((uintptr_t)hdr & 3) == 0) {
		const cksum_u32 *w = hdr;
		s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	} else {
		const cksum_u16 *w = hdr;
		s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7] + w[8] + w[9];
	}
	f = cksum_fold16(s);
	return (uint16_t)~f;
}

/*
 * A received transport checksum (UDP, TCP) over pseudo header and segment; ip is the IPv4
 * header (its addresses at offset 12, summed as they sit), l4 the len bytes after it. Without
 * IP options the addresses run straight into the transport header: one pass covers both.
 */
static inline bool cksum_l4_ok(const uint8_t *ip, const void *l4, size_t len, uint8_t proto)
{
	uint32_t sum = proto + (uint32_t)len;
	if ((const uint8_t *)l4 == ip + 20)
		sum = cksum_add(sum, ip + 12, 8 + len);
	else
		sum = cksum_add(cksum_add(sum, ip + 12, 8), l4, len);
	return cksum_fold(sum) == 0;
}

/* eth.c. eth_input is the netdev receive upcall. */
void eth_input(struct netdev *nd, struct mbuf *m);
/* Push the Ethernet header (source: our MAC) and queue the frame on the NIC. dst_mac must be
 * 2-byte aligned (it is copied as halfwords). */
void eth_output(struct mbuf *m, const uint8_t *dst_mac, uint16_t type);
extern const uint8_t eth_broadcast[6] __attribute__((aligned(2)));

/* arp.c */
void arp_init(void);
void arp_reset(void);
void arp_input(struct mbuf *m);
/* Send m (an IPv4 packet, data at the IP header) to next_hop, resolving it first if needed. */
void arp_output(struct mbuf *m, uint32_t next_hop);
/* Announce our address (gratuitous ARP request). */
void arp_announce(void);
/* Entries in use (for tests and the info print). */
int arp_cache_count(void);
void arp_cache_print(void);

/* ipv4.c */
void ipv4_reset(void);
void ipv4_input(struct mbuf *m);
/* Push an IPv4 header (src: our address) on m (data at the transport header) and send it. */
void ipv4_output(struct mbuf *m, uint32_t dst, uint8_t proto);
/*
 * Send m (data at the transport header, just behind the received IPv4 header at l3_off) back
 * to the datagram's source by turning that header around in place: no byte swapping of the
 * addresses. Only for a datagram without IP options that came to our unicast address; returns
 * -EINVAL with m untouched otherwise (the caller then takes ipv4_output). Consumes m on 0.
 */
int ipv4_reply(struct mbuf *m);
/* Set (or clear, ip = 0) the address; runs the address-up listeners. */
void ipv4_set_addr(uint32_t ip, uint32_t mask, uint32_t gw);
/* Hand a whole datagram (data at its IP header, l3_off and l4_off set) to the transport. */
void ipv4_deliver(struct mbuf *m);
/* ipv4_frag.c: a fragment (data at its IP header, trimmed, checked) joins its datagram. */
void ipv4_reasm_input(struct mbuf *m);
void ipv4_reasm_reset(void);
/* dst is a broadcast address for us (limited, or our subnet's; /31 and /32 have none). */
bool ipv4_is_broadcast(uint32_t dst);
/* The MBUF_F_BCAST / MBUF_F_NOADDR flags a datagram to dst (network order) gets now. */
uint32_t ipv4_dst_flags(uint32_t dst_be);
/* ip (host order) may name one other host: not 0/8, loopback, multicast, class E, a broadcast
 * of ours, nor our own address. What an answer or an ICMP error may be sent to. */
bool ipv4_is_unicast_host(uint32_t ip);

/* icmp.c */
void icmp_reset(void);
void icmp_input(struct mbuf *m);
/* Port unreachable for the datagram in m (data at the UDP header; IP header at l3_off).
 * Does not consume m. */
void icmp_port_unreach(const struct mbuf *m);

/* udp.c */
void udp_reset(void);
void udp_input(struct mbuf *m);

/* tcp*.c */
void tcp_input(struct mbuf *m);
void tcp_reset(void);

/* dhcp.c */
void dhcp_reset(void);
void dhcp_start(void);
bool dhcp_is_running(void);
void dhcp_info_print(void);
/* ip is a host address one may use with mask: not 0/8, 127/8, 224/4, 240/4, nor the subnet's
 * own or broadcast address (which /31 and /32 do not have). */
bool dhcp_addr_is_usable(uint32_t ip, uint32_t mask);
/* The lease, T1 and T2 (seconds) to use for what a server said (0 = not said): lease at least
 * 60 s (default 3600), T1 at least 30 s, T1 < T2 < lease. */
void dhcp_lease_times(uint32_t lease, uint32_t t1, uint32_t t2, uint32_t out[3]);
