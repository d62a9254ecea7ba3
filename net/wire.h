/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wire formats (Ethernet II, ARP for IPv4 over Ethernet, IPv4, ICMP, UDP, TCP, BOOTP/DHCP), all
 * in network byte order. Packed, because received headers sit at any 2-byte offset in a buffer;
 * aligned(2) says that much, so fields load as halfwords instead of byte by byte.
 * RFC 894, 826, 791, 792, 768, 9293 (with 7323's options), 2131/2132.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_ZLEN      60   /* shortest frame without FCS: shorter ones are padded */
#define ETH_FRAME_MAX 1514 /* longest frame without FCS and VLAN tag */
#define ETH_MTU	      1500
#define ETH_P_IP      0x0800
#define ETH_P_ARP     0x0806

struct eth_hdr {
	uint8_t dst[ETH_ALEN];
	uint8_t src[ETH_ALEN];
	uint16_t type;
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct eth_hdr) == ETH_HLEN, "eth_hdr");

#define ARP_HTYPE_ETH  1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

struct arp_pkt {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4]; /* byte arrays: IPv4 addresses here are not 4-byte aligned */
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct arp_pkt) == 28, "arp_pkt");
_Static_assert(offsetof(struct arp_pkt, tpa) == 24, "arp_pkt.tpa");

#define IP_HLEN	       20
#define IP_PROTO_ICMP  1
#define IP_PROTO_TCP   6
#define IP_PROTO_UDP   17
#define IP_FLAG_DF     0x4000
#define IP_FLAG_MF     0x2000
#define IP_FRAG_MASK   0x1fff /* fragment offset, in 8-byte units */
#define IP_TTL_DEFAULT 64
#define IP_BROADCAST   0xffffffffu

struct ip_hdr {
	uint8_t ver_ihl; /* version (4) << 4 | header length in 32-bit words */
	uint8_t tos;
	uint16_t total_len;
	uint16_t id;
	uint16_t frag; /* flags and fragment offset */
	uint8_t ttl;
	uint8_t proto;
	uint16_t cksum;
	uint32_t src;
	uint32_t dst;
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct ip_hdr) == IP_HLEN, "ip_hdr");
_Static_assert(offsetof(struct ip_hdr, src) == 12, "ip_hdr.src");

/*
 * Word access to a received IPv4 header. eth_input keeps every received IPv4 header 4-byte
 * aligned in its buffer (it moves a frame a NIC placed otherwise), so its words load as words;
 * through the packed struct, which promises only 2 bytes, each 32-bit field is two halfword
 * loads and a merge. Only for headers at m->head + m->l3_off of a received frame.
 */
typedef uint32_t __attribute__((may_alias)) wire_u32;
static inline uint32_t ip_word(const struct ip_hdr *ip, int i)
{
	return ((const wire_u32 *)(const void *)ip)[i];
}
/* The same word as a 64-bit value (zero-extended), for sums and 64-bit compares. */
static inline uint64_t ip_word64(const struct ip_hdr *ip, int i)
{
	return ((const wire_u32 *)(const void *)ip)[i];
}
static inline void ip_word_set(struct ip_hdr *ip, int i, uint32_t v)
{
	((wire_u32 *)(void *)ip)[i] = v;
}
#define IP_W_SRC 3 /* word index of src, and of dst */
#define IP_W_DST 4

#define ICMP_ECHO_REPLY	       0
#define ICMP_DEST_UNREACH      3
#define ICMP_ECHO_REQUEST      8
#define ICMP_CODE_PORT_UNREACH 3

struct icmp_hdr {
	uint8_t type, code;
	uint16_t cksum;
	uint32_t rest; /* id/seq for echo, unused for unreachable */
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct icmp_hdr) == 8, "icmp_hdr");

#define UDP_HLEN 8

struct udp_hdr {
	uint16_t sport, dport;
	uint16_t len;	/* header + payload */
	uint16_t cksum; /* 0 = none (IPv4 only) */
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct udp_hdr) == UDP_HLEN, "udp_hdr");

#define TCP_HLEN     20
#define TCP_HLEN_MAX 60 /* data offset 15 */
#define TCP_FIN	     0x01
#define TCP_SYN	     0x02
#define TCP_RST	     0x04
#define TCP_PSH	     0x08
#define TCP_ACK	     0x10
#define TCP_URG	     0x20
#define TCP_ECE	     0x40
#define TCP_CWR	     0x80

struct tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off;   /* data offset in 32-bit words, in the high nibble (low nibble reserved) */
	uint8_t flags; /* TCP_FIN .. TCP_CWR */
	uint16_t wnd;  /* scaled by the peer's shift once both SYNs carried one (RFC 7323) */
	uint16_t cksum;
	uint16_t urg;
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct tcp_hdr) == TCP_HLEN, "tcp_hdr");
_Static_assert(offsetof(struct tcp_hdr, seq) == 4, "tcp_hdr.seq");
_Static_assert(offsetof(struct tcp_hdr, off) == 12, "tcp_hdr.off");
_Static_assert(offsetof(struct tcp_hdr, cksum) == 16, "tcp_hdr.cksum");

/* Options (RFC 9293 3.2, RFC 7323, RFC 2018): kind, length, value. */
#define TCP_OPT_EOL	  0
#define TCP_OPT_NOP	  1
#define TCP_OPT_MSS	  2 /* length 4, SYN only */
#define TCP_OPT_WSCALE	  3 /* length 3, SYN only; shift at most 14 */
#define TCP_OPT_SACK_PERM 4 /* length 2, SYN only */
#define TCP_OPT_SACK	  5
#define TCP_OPT_TS	  8 /* length 10 */
#define TCP_WSCALE_MAX	  14

#define DHCP_SERVER_PORT     67
#define DHCP_CLIENT_PORT     68
#define DHCP_MAGIC	     0x63825363u
#define BOOTP_REQUEST	     1
#define BOOTP_REPLY	     2
#define BOOTP_FLAG_BROADCAST 0x8000

/* Option codes (RFC 2132) and message types. */
#define DHCP_OPT_PAD	   0
#define DHCP_OPT_MASK	   1
#define DHCP_OPT_ROUTER	   3
#define DHCP_OPT_REQ_IP	   50
#define DHCP_OPT_LEASE	   51
#define DHCP_OPT_OVERLOAD  52 /* 1: file holds options, 2: sname does, 3: both (RFC 2132 9.3) */
#define DHCP_OPT_MSG_TYPE  53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_PARAMS	   55
#define DHCP_OPT_T1	   58
#define DHCP_OPT_T2	   59
#define DHCP_OPT_END	   255
#define DHCP_DISCOVER	   1
#define DHCP_OFFER	   2
#define DHCP_REQUEST	   3
#define DHCP_ACK	   5
#define DHCP_NAK	   6

struct bootp_hdr {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
	uint32_t magic;
	/* options follow */
} __attribute__((packed, aligned(2)));
_Static_assert(sizeof(struct bootp_hdr) == 240, "bootp_hdr");
_Static_assert(offsetof(struct bootp_hdr, chaddr) == 28, "bootp_hdr.chaddr");
