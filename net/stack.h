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
#include "net/wire.h"
#include "lib/byteorder.h"

/* The one global instance of the counters (defined in netdev.c). */
extern struct net_stats net_st;
/* Count a dropped frame (*counter) and free it. Out of line and cold, so that the receive
 * functions keep their drop paths out of the way of the one that delivers. */
__attribute__((cold)) void net_drop(struct mbuf *m, uint64_t *counter);

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
 * The unfolded sum of len bytes at p as 16-bit words in the hart's order (RFC 1071 2(B)):
 * folded with cksum_fold16, it is the sum of the bytes as stored, so a header field can be
 * added to it as it sits in memory. Below 2^48 for any length a frame can have.
 */
uint64_t cksum_sum(const void *p, size_t len);
/*
 * acc plus the 16 (8, 4) 32-bit words at w, zero-extended. On the hart: a load and an add per
 * word through two scratch registers, in that order. Written as C, the compiler issues all
 * the loads first, and the registers they take cost udp_fast_input a stack frame (8
 * instructions per datagram) for three callee-saved ones.
 */
#if defined(__riscv) && !defined(HOST_TEST)
#define CKSUM_LD(r, off)   "lwu %[" #r "], " #off "(%[w])\n\t"
#define CKSUM_ADD(r)	   "add %[a], %[a], %[" #r "]\n\t"
#define CKSUM_PAIR(o1, o2) CKSUM_LD(x, o1) CKSUM_ADD(y) CKSUM_LD(y, o2) CKSUM_ADD(x)
static inline __attribute__((always_inline)) uint64_t cksum_words4(uint64_t acc, const cksum_u32 *w)
{
	uint64_t x, y;
	__asm__(CKSUM_LD(x, 0) CKSUM_LD(y, 4) CKSUM_ADD(x) CKSUM_LD(x, 8) CKSUM_ADD(y)
			CKSUM_LD(y, 12) CKSUM_ADD(x) CKSUM_ADD(y)
		: [a] "+r"(acc), [x] "=&r"(x), [y] "=&r"(y)
		: [w] "r"(w), "m"(*(const struct { uint32_t v[4]; } *)w));
	return acc;
}
static inline __attribute__((always_inline)) uint64_t cksum_words8(uint64_t acc, const cksum_u32 *w)
{
	uint64_t x, y;
	__asm__(CKSUM_LD(x, 0) CKSUM_LD(y, 4) CKSUM_ADD(x) CKSUM_LD(x, 8) CKSUM_ADD(y)
			CKSUM_LD(y, 12) CKSUM_ADD(x) CKSUM_PAIR(16, 20) CKSUM_PAIR(24, 28)
				CKSUM_ADD(y)
		: [a] "+r"(acc), [x] "=&r"(x), [y] "=&r"(y)
		: [w] "r"(w), "m"(*(const struct { uint32_t v[8]; } *)w));
	return acc;
}
static inline __attribute__((always_inline)) uint64_t cksum_words16(uint64_t acc,
								    const cksum_u32 *w)
{
	uint64_t x, y;
	__asm__(CKSUM_LD(x, 0) CKSUM_LD(y, 4) CKSUM_ADD(x) CKSUM_LD(x, 8) CKSUM_ADD(y)
			CKSUM_LD(y, 12) CKSUM_ADD(x) CKSUM_PAIR(16, 20) CKSUM_PAIR(24, 28)
				CKSUM_PAIR(32, 36) CKSUM_PAIR(40, 44) CKSUM_PAIR(48, 52)
					CKSUM_PAIR(56, 60) CKSUM_ADD(y)
		: [a] "+r"(acc), [x] "=&r"(x), [y] "=&r"(y)
		: [w] "r"(w), "m"(*(const struct { uint32_t v[16]; } *)w));
	return acc;
}
#else
static inline uint64_t cksum_words4(uint64_t acc, const cksum_u32 *w)
{
	return acc + w[0] + w[1] + w[2] + w[3];
}
static inline uint64_t cksum_words8(uint64_t acc, const cksum_u32 *w)
{
	return cksum_words4(cksum_words4(acc, w), w + 4);
}
static inline uint64_t cksum_words16(uint64_t acc, const cksum_u32 *w)
{
	return cksum_words8(cksum_words8(acc, w), w + 8);
}
#endif
/*
 * Sum of the 16-bit words at b in the hart's own (little-endian) order, unfolded. RFC 1071
 * section 2(B): the ones' complement sum is byte-order independent, so it is enough to swap
 * the folded result once. b must be 2-byte aligned. After at most one halfword b is 4-byte
 * aligned; from there 32-bit words go into the 64-bit accumulator: a load and an add per 4
 * bytes, no carries to track (2^32 words would be needed to overflow), 64 bytes per turn of
 * the loop so that its own three instructions are spread thin. (64-bit loads need a carry
 * test and a carry add per word, the same four instructions per 8 bytes.) The tail is at most
 * one of each of 32, 16, 8, 4, 2 and 1 bytes, so it takes no loop.
 */
static inline __attribute__((always_inline)) uint64_t cksum_sum_scalar(const uint8_t *b, size_t len)
{
	uint64_t acc = 0;
	const cksum_u32 *w;
	if (((uintptr_t)b & 2) && len >= 2) {
		acc += *(const cksum_u16 *)b;
		b += 2;
		len -= 2;
	}
	for (; len >= 64; b += 64, len -= 64)
		acc = cksum_words16(acc, (const cksum_u32 *)b);
	w = (const cksum_u32 *)b;
	if (len & 32) {
		acc = cksum_words8(acc, w);
		w += 8;
	}
	if (len & 16) {
		acc = cksum_words4(acc, w);
		w += 4;
	}
	if (len & 8) {
		acc += (uint64_t)w[0] + w[1];
		w += 2;
	}
	if (len & 4)
		acc += *w++;
	b = (const uint8_t *)w;
	if (len & 2) {
		acc += *(const cksum_u16 *)b;
		b += 2;
	}
	if (len & 1)
		acc += b[0]; /* the high (first) byte of a big-endian word is the low byte here */
	return acc;
}

/*
 * The same sum with the vector extension (V 1.0), when the boot hart has it (cksum_vector,
 * set once at boot by cksum_use_vector): each turn loads as many halfwords as the hardware
 * takes (vsetvli: VLEN/16 x 8 registers, 64 at VLEN 128) and adds them, widened to 32 bits,
 * into element 0 of v0 (vwredsumu). 7 instructions per turn, 10 around the loop, whatever
 * VLEN is: 17 for a 64-byte datagram's 72 bytes (the scalar loop takes 65), 0.055 per byte
 * on long ones (the scalar floor is 0.5). The 32-bit total cannot overflow below 128 KiB
 * (65535 halfwords of at most 0xffff), so callers pass at most CKSUM_VEC_MAX bytes (a
 * datagram's 65535 always is; cksum_sum and cksum_add split longer input). Halfword
 * loads need only the 2-byte alignment the scalar sum needs. Nothing else in the kernel uses
 * vector registers and no trap preempts code (interrupts only wake wfi), so the registers
 * need no saving. b must be 2-byte aligned.
 */
#define CKSUM_VEC_MIN 24
#define CKSUM_VEC_MAX 131070
extern bool cksum_vector;
#if defined(__riscv) && !defined(HOST_TEST)
static inline __attribute__((always_inline)) uint64_t cksum_sum_vec(const uint8_t *b, size_t len)
{
	size_t n = len >> 1, vl;
	uint64_t acc;
	/* The "m" operand tells the compiler which bytes the loop reads (up to the most it may
	 * be given), so that stores to the frame before it are not moved past it. */
	__asm__ volatile(".option push\n"
			 ".option arch, +v\n"
			 "vsetivli zero, 1, e32, m1, ta, ma\n"
			 "vmv.s.x v0, zero\n"
			 "1: vsetvli %[vl], %[n], e16, m8, ta, ma\n"
			 "vle16.v v8, (%[b])\n"
			 "vwredsumu.vs v0, v8, v0\n"
			 "sub %[n], %[n], %[vl]\n"
			 "slli %[vl], %[vl], 1\n"
			 "add %[b], %[b], %[vl]\n"
			 "bnez %[n], 1b\n"
			 "vsetivli zero, 1, e32, m1, ta, ma\n"
			 "vmv.x.s %[acc], v0\n"
			 ".option pop\n"
			 : [acc] "=r"(acc), [vl] "=&r"(vl), [n] "+r"(n), [b] "+r"(b)
			 : "m"(*(const struct { uint8_t x[CKSUM_VEC_MAX]; } *)b));
	acc = (uint32_t)acc; /* vmv.x.s sign-extends the 32-bit element */
	if (len & 1)
		acc += b[0]; /* b is past the halfwords: the odd byte, as in the scalar sum */
	return acc;
}
#else
static inline uint64_t cksum_sum_vec(const uint8_t *b, size_t len)
{
	return cksum_sum_scalar(b, len);
}
#endif

/*
 * The sum the stack uses: the vector loop where there is one and the length pays for its
 * fixed cost, else the scalar one. len <= CKSUM_VEC_MAX. Inline: udp_input runs it on every datagram, and a call
 * there would cost a stack frame.
 */
static inline __attribute__((always_inline)) uint64_t cksum_sum_native(const uint8_t *b, size_t len)
{
	if (cksum_vector && len >= CKSUM_VEC_MIN)
		return cksum_sum_vec(b, len);
	return cksum_sum_scalar(b, len);
}

/*
 * Fold a wide sum of 16-bit words to 16 bits with end-around carries (not complemented). Adding
 * the value rotated by half its width leaves the ones' complement sum of both halves in the
 * upper half (the carry out of the lower half is the end-around carry): 64 -> 32 -> 16 bits in
 * two such steps, without loops or a chain of masks.
 */
static inline uint32_t cksum_fold16_hi(uint64_t s) /* the sum in the upper half, the rest junk */
{
	uint32_t x;
	s += s >> 32 | s << 32;
	x = (uint32_t)(s >> 32);
	return x + (x >> 16 | x << 16);
}
static inline uint32_t cksum_fold16(uint64_t s)
{
	return cksum_fold16_hi(s) >> 16;
}
/* The checksum field of sum s (complemented) as the upper half of a word, the lower half 0:
 * a field at an odd halfword of an aligned word (the IP header's) without a shift. */
static inline uint32_t cksum_field_hi(uint64_t s)
{
	return ~cksum_fold16_hi(s) & 0xffff0000u;
}
/*
 * A received checksum is right: the unfolded sum s (of 16- or 32-bit words, over everything the
 * checksum covers, the checksum field included) folds to 0xffff. Every word 2^16 and 2^32 is
 * 1 modulo 0xffff, so for a nonzero s that is s % 0xffff == 0, and for the odd divisor that is
 * a multiply and a compare (Granlund and Montgomery 1994, sec. 9): s * d' mod 2^64 is at most
 * (2^64 - 1) / 0xffff = 0x0001000100010001 exactly for the multiples, d' = 0xfffefffefffeffff
 * being the inverse of 0xffff mod 2^64. Half of a fold's instructions, and no divide. Callers
 * sum something nonzero (an IPv4 header's version, a pseudo header's protocol).
 */
static inline bool cksum_sum_ok(uint64_t s)
{
	return s * 0xfffefffefffeffffull <= 0x0001000100010001ull;
}
static inline uint16_t cksum_fold(uint32_t sum)
{
	return (uint16_t)~cksum_fold16(sum);
}
/* A received option-less IPv4 header, 4-byte aligned (see ip_word), has a right checksum. */
static inline bool cksum_ip20_ok(const void *hdr)
{
	const cksum_u32 *w = hdr;
	return cksum_sum_ok((uint64_t)w[0] + w[1] + w[2] + w[3] + w[4]);
}
/* cksum_ip20 for a header known to be 4-byte aligned (a received one, see ip_word). */
static inline uint16_t cksum_ip20_aligned(const void *hdr)
{
	const cksum_u32 *w = hdr;
	return (uint16_t)~cksum_fold16((uint64_t)w[0] + w[1] + w[2] + w[3] + w[4]);
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
 * A received transport checksum (UDP, TCP) over pseudo header and segment: ip is the received
 * IPv4 header (4-byte aligned, see ip_word; its addresses summed as they sit), l4 the len bytes
 * of the segment (2-byte aligned). Summed in the hart's order, as the data is (RFC 1071 2(B)):
 * the pseudo header's protocol and length go in as their stored bytes would, so that the folded
 * sum of the whole is the stored bytes' and nothing is swapped. Inline: udp_input runs it on
 * every datagram and needs no stack frame for it.
 */
static inline __attribute__((always_inline)) bool
cksum_l4_ok_be(const struct ip_hdr *ip, const void *l4, size_t len, uint16_t len_be, uint8_t proto)
{
	uint64_t sum = (uint64_t)((unsigned)proto << 8) + len_be;
	sum += ip_word64(ip, IP_W_SRC) + ip_word64(ip, IP_W_DST);
	sum += cksum_sum_native((const uint8_t *)l4, len);
	return cksum_sum_ok(sum); /* nonzero: the protocol is in it */
}
/* The same where the length is not stored anywhere (TCP's, from the IP header). */
static inline __attribute__((always_inline)) bool
cksum_l4_ok(const struct ip_hdr *ip, const void *l4, size_t len, uint8_t proto)
{
	return cksum_l4_ok_be(ip, l4, len, htons((uint16_t)len), proto);
}

/* eth.c. eth_input is the general receive path (udp_fast_input falls back to it). */
void eth_input(struct netdev *nd, struct mbuf *m);
/* The benchmarks' ceiling (net.turnaround=1): UDP frames go back unchecked; see eth.c. */
void eth_input_turnaround(struct netdev *nd, struct mbuf *m);
extern const uint8_t eth_broadcast[6] __attribute__((aligned(2)));

/*
 * Inline 6-byte compare and copy in three halfwords: a memcmp/memcpy call per frame costs more
 * than the work. Every MAC address here is 2-byte aligned: the header fields (struct eth_hdr
 * is aligned(2), frames start at even offsets), the netdev's and the ARP cache's copies.
 */
typedef uint16_t __attribute__((may_alias)) mac_u16;
_Static_assert(_Alignof(struct eth_hdr) == 2, "eth_hdr is 2-byte aligned");

static inline bool mac_eq(const uint8_t *a, const uint8_t *b)
{
	const mac_u16 *x = (const mac_u16 *)a, *y = (const mac_u16 *)b;
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

static inline void mac_copy(uint8_t *dst, const uint8_t *src)
{
	mac_u16 *d = (mac_u16 *)dst;
	const mac_u16 *s = (const mac_u16 *)src;
	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
}

/* Push the Ethernet header (source: our MAC) and queue the frame on the NIC. dst_mac must be
 * 2-byte aligned (it is copied as halfwords). */
void eth_output(struct mbuf *m, const uint8_t *dst_mac, uint16_t type);

/* arp.c */
void arp_init(void);
void arp_reset(void);
void arp_input(struct mbuf *m);
/* Send m (an IPv4 packet, data at the IP header) to next_hop, resolving it first if needed. */
void arp_output(struct mbuf *m, uint32_t next_hop);
/* The same with next_hop in network order (as a received header has it). */
void arp_output_be(struct mbuf *m, uint32_t next_hop_be);
/* The cache (arp.c owns it; here for arp_hot_be). */
#define ARP_CACHE_SIZE 64
enum arp_state { ARP_FREE, ARP_PENDING, ARP_RESOLVED };
struct arp_entry {
	uint32_t ip;
	uint32_t ip_be; /* the same in network order, for the reply paths */
	uint8_t mac[ETH_ALEN] __attribute__((aligned(2)));
	uint8_t state;
	bool stale;	/* resolved longer than ARP_TTL_NS ago (set by the tick): ask again */
	bool requested; /* last_req is valid */
	bool hit;	/* resolved: a frame went to it since the last tick (evicted last) */
	uint64_t stamp; /* resolved: when learnt; pending: when created */
	uint64_t last_req;
	struct mbuf_queue q; /* frames waiting for this address (pending only) */
};
extern struct arp_entry arp_cache[ARP_CACHE_SIZE];
extern int arp_last; /* the entry last found */
/* The MAC of next_hop_be (network order) when it is the entry last found, resolved and fresh
 * (and marked used), else NULL: the reply paths' lookup, inline and without a byte swap. */
static inline const uint8_t *arp_hot_be(uint32_t next_hop_be)
{
	struct arp_entry *e = &arp_cache[arp_last];
	if (e->ip_be == next_hop_be && e->state == ARP_RESOLVED && !e->stale) {
		e->hit = true;
		return e->mac;
	}
	return NULL;
}
/*
 * The reply header cache (arp.c owns it): for a few recent peers (network order, direct-mapped
 * by the peer's last octet) the Ethernet header of a reply, as the words that go into it.
 * An Ethernet header in front of a 4-byte aligned IP header starts at 2 modulo 4, so it is a
 * halfword (destination bytes 0-1), two words (destination 2-5, source 0-3) and a halfword
 * (source 4-5). A slot holds what the route and the ARP entry of the peer's next hop gave
 * when it was filled: that entry was resolved and fresh, and is marked used. Every slot is
 * emptied by the once-a-second ARP tick (so a filled slot's entry is used since the last tick,
 * without a store per hit), and a slot when its entry changes or goes, and all of them when
 * the address, mask or gateway change. peer 0 is empty (no reply goes to 0/8).
 */
#define ARP_REPLY_SLOTS 16
struct arp_reply_slot {
	uint32_t peer_be;
	uint32_t dst_w; /* next hop MAC bytes 2-5 */
	uint32_t src_w; /* our MAC bytes 0-3 */
	uint16_t dst_h; /* next hop MAC bytes 0-1 */
	uint16_t src_h; /* our MAC bytes 4-5 */
};
_Static_assert(sizeof(struct arp_reply_slot) == 16, "arp_reply_slot: a shift indexes it");
extern struct arp_reply_slot arp_reply_slots[ARP_REPLY_SLOTS];
static inline struct arp_reply_slot *arp_reply_slot(uint32_t peer_be)
{
	/* the last octet is the top byte of the loaded word (RISC-V is little-endian) */
	return (struct arp_reply_slot *)((uintptr_t)arp_reply_slots +
					 (peer_be >> 20 & (ARP_REPLY_SLOTS - 1) << 4));
}
/* Fill peer_be's slot: false when the next hop has no route or no resolved, fresh entry, or
 * there is no device (the general path then sends the reply, asking ARP if needed). */
bool arp_reply_fill(uint32_t peer_be);
/* Empty every slot (the address, mask or gateway changed). */
void arp_reply_flush(void);
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
/* Our address, mask, gateway and broadcast address in network order (0 while unconfigured;
 * bcast is the limited broadcast when the subnet has none). Written only by ipv4_set_addr.
 * 32-bit values held zero-extended: the fast path compares them with header words it also
 * sums (ip_word64), and 64-bit fields let one lwu per word serve both. */
struct ipv4_be {
	uint64_t addr, mask, gw, bcast;
};
extern struct ipv4_be ipv4_be;
/*
 * The identification of the next datagram we send (ipv4.c; ipv4_new_id takes it). It goes into
 * the header as it counts, without a byte swap: every sender stores it the same way, so the
 * values on the wire run through all 65536 before one repeats (RFC 791 asks uniqueness, not
 * an order).
 */
extern uint16_t ipv4_next_id;
static inline uint16_t ipv4_new_id(void)
{
	return ipv4_next_id++;
}
/*
 * A received source that needs bad_source's closer look (ipv4.c): one byte and two word
 * compares let an ordinary unicast source through; 0/8, loopback, 224/4 and 240/4 (the
 * limited broadcast included), our subnet broadcast and our own address do not pass.
 */
static inline bool ipv4_src_suspect(const struct ip_hdr *ip)
{
	uint32_t top = ((const uint8_t *)&ip->src)[0];
	uint64_t src = ip_word64(ip, IP_W_SRC);
	return top == 0 || top == 127 || top >= 224 || src == ipv4_be.bcast || src == ipv4_be.addr;
}
/*
 * The next hop (network order) for a destination that is no broadcast: the destination itself
 * when it is on-link (or before we have an address, or on a /32 without gateway: every
 * neighbour is), else the gateway; 0 when there is no route.
 */
static inline uint32_t ipv4_next_hop_be(uint64_t dst_be)
{
	const struct ipv4_be *a = &ipv4_be;
	if (!a->addr || ((dst_be ^ a->addr) & a->mask) == 0 || (a->mask == ~0u && !a->gw))
		return (uint32_t)dst_be;
	return a->gw;
}
/*
 * m (data at the transport header, just behind the received IPv4 header at l3_off) can go back
 * through ipv4_reply: a datagram without IP options that came to our unicast address, and the
 * reply fits the MTU.
 */
static inline bool ipv4_can_reply(const struct mbuf *m)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)(const void *)(m->head + m->l3_off);
	return ipv4_be.addr && m->l3_off >= ETH_HLEN && m->l4_off == m->l3_off + IP_HLEN &&
	       m->data == m->head + m->l4_off && ip_word(ip, IP_W_DST) == ipv4_be.addr &&
	       mbuf_len(m) + IP_HLEN <= ETH_MTU;
}
/*
 * Send m back to the datagram's source by turning the received IPv4 header around in place:
 * no byte swapping of the addresses. Only where ipv4_can_reply(m) holds. Consumes m.
 */
void ipv4_reply(struct mbuf *m);
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
/*
 * The netdev receive upcall: the fused path for the common case (Ethernet II to our MAC, IPv4
 * without options to our address, unfragmented, from an ordinary source, UDP to a bound port
 * that takes it, checksums right) reads the headers once and calls the binding's handler; every
 * other frame goes to eth_input, which applies (and counts) the same rules one layer at a time.
 * A frame the driver marked MBUF_F_L4_OK (the NIC verified its checksum) is not summed.
 */
void udp_fast_input(struct netdev *nd, struct mbuf *m);
/* Add what the fused path counted in bulk to the layers' counters (net_stats and the stats
 * service, before they read them: whoever reads net_st must call it first). */
void udp_fast_sync(void);

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
