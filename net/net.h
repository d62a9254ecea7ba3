/*
 * The network stack as applications and the boot code see it: start-up, the main-loop entry
 * points, the address, UDP, and the counters. IPv4 addresses are uint32_t in host byte order
 * everywhere in this API; the stack converts at the wire.
 * Everything here runs in the main loop (never from a trap), one caller at a time.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/mbuf.h"

struct netdev;

/* ---- start-up and the main loop ---- */

/*
 * Attach the stack to nd (its receive upcall becomes eth_input), then configure the address
 * as the bootargs said: DHCP (default) or a static address; a gratuitous ARP announces it.
 * nd may be NULL (no NIC: the stack stays idle). A second device is ignored with a log line.
 */
void net_init(struct netdev *nd);
/*
 * One poll pass: drain up to budget received frames through the stack (replies are only
 * queued), then one netdev_flush (the doorbells). Returns the number of frames processed.
 */
int net_poll(int budget);
/*
 * Doorbell for frames queued outside a poll pass. The stack's timer callbacks (ARP requests
 * and ageing, DHCP retries and renewal, reassembly timeout) only queue: the main loop must call
 * net_flush() after timers_expire(). Cheap when nothing is queued.
 */
void net_flush(void);
/* Detach and drop every held buffer, binding and timer (host tests; not used by the kernel). */
void net_reset(void);

/* ---- bootargs setters (net_bootargs's entries; tests call them too); 0 or -EINVAL ---- */

/* "dhcp", or "a.b.c.d/prefix[,gateway]" for a static address. */
int net_bootarg_ip(const char *value);
/* UDP port of the counters service (answers any datagram with the counters as JSON); 0 = off. */
int net_bootarg_stats_port(const char *value);
/* The stack's boot arguments (ip=, stats.port=) for the composition root's list. */
struct bootarg_table;
extern const struct bootarg_table net_bootargs;

/* ---- the address ---- */

struct net_addr {
	uint32_t ip, mask, gw; /* host byte order; ip 0 = not configured yet */
};
/* Current address (all zero before DHCP or static configuration completes). */
const struct net_addr *net_addr(void);
static inline bool net_addr_is_up(void)
{
	return net_addr()->ip != 0;
}
/*
 * Call fn(ip, arg) each time the address becomes configured (DHCP lease or static), and at once
 * if it already is. Up to 4 listeners; returns 0 or -ENOSPC.
 */
int net_on_addr_up(void (*fn)(uint32_t ip, void *arg), void *arg);
/* Format ip as "a.b.c.d" into buf (at least 16 bytes); returns buf. */
char *net_ntoa(uint32_t ip, char *buf);

/* ---- UDP ---- */

struct udp_peer {
	uint32_t src_ip, dst_ip; /* the datagram's addresses as received */
	uint16_t src_port, dst_port;
};

/*
 * What a binding receives besides unicast datagrams to our configured address (rule of the
 * binding, checked in udp_input for every service; drops are counted by reason in udp_stats):
 */
#define UDP_BIND_BROADCAST 0x1u /* also datagrams to a broadcast address (DHCP) */
#define UDP_BIND_NOADDR	   0x2u /* also before an address is configured (DHCP) */
/* A service answering whatever comes (echo, store, stats): datagrams from a loop-prone source
 * port are dropped (udp_port_is_loop_prone), and its own port becomes one. */
#define UDP_BIND_SERVICE 0x4u
#define UDP_BIND_ALL	 0x7u

/*
 * Deliver datagrams for port to handler(m, peer, arg), as flags allow (UDP_BIND_*; 0 = unicast
 * to our address only). m->data points at the payload (mbuf_len(m) bytes) and the handler owns
 * m: it must free it, or turn it around with udp_reply(). Up to 16 bindings. Returns 0,
 * -EINVAL (port 0, unknown flag), -EBUSY (bound), -ENOSPC.
 */
int udp_bind(uint16_t port, unsigned flags,
	     void (*handler)(struct mbuf *m, const struct udp_peer *peer, void *arg), void *arg);
/*
 * A source port a service must never answer: below 1024 (where the services that answer any
 * datagram live: echo, daytime, chargen, time, DNS, NTP, ...), a few such ports above it (SSDP,
 * NFS, mDNS, memcached, the store's default 7000), and every UDP_BIND_SERVICE port of ours.
 */
bool udp_port_is_loop_prone(uint16_t port);
/* Remove the binding of port; 0 or -ENOENT. */
int udp_unbind(uint16_t port);
/*
 * Send [m->data, m->tail) back to peer from the port it was sent to, reusing m in place: the
 * headers are pushed back into its headroom (no copy, no allocation). The payload may have been
 * changed or resized; beyond 1472 bytes the datagram leaves in IP fragments (copies). Consumes
 * m; failures are counted, not returned.
 */
void udp_reply(struct mbuf *m, const struct udp_peer *peer);
/*
 * As udp_reply, for a payload returned exactly as received (m untouched since the handler got
 * it): the received UDP checksum is reused instead of summing the payload again. Consumes m.
 */
void udp_reply_unchanged(struct mbuf *m, const struct udp_peer *peer);
/*
 * Send len bytes (up to 1472) from src_port to dst_ip:dst_port in a fresh mbuf. Returns 0,
 * -EINVAL (too long), -ENOMEM (no mbuf) or -EIO (no NIC); a missing route or ARP answer is
 * counted later, not returned. Queued only: the frame leaves at the next flush.
 */
int udp_sendto(uint16_t src_port, uint32_t dst_ip, uint16_t dst_port, const void *data, size_t len);
#define UDP_PAYLOAD_MAX 1472

/* ---- counters (one struct per layer; fields named by event, drops by reason) ---- */

struct eth_stats {
	uint64_t rx_frames, tx_frames, tx_fail;
	uint64_t drop_short, drop_oversize, drop_type, drop_addr;
	uint64_t drop_src; /* group (multicast) source address */
};
struct arp_stats {
	uint64_t rx, tx_request, tx_reply, rx_request, rx_reply;
	uint64_t drop_short, drop_format, drop_other; /* other: a request not for us */
	uint64_t evicted, expired, queued, queue_sent, drop_queue_full, drop_queue_timeout;
	uint64_t rate_limited; /* request not sent: one already went out within the last second */
	uint64_t rate_capped;  /* request not sent: the global requests-per-second cap */
	uint64_t drop_nocache; /* frame for an unknown neighbour while every entry is resolved */
	uint64_t drop_sha;     /* zero or group sender MAC */
	uint64_t drop_spa;     /* sender address that is no unicast host */
	uint64_t conflict;     /* our address claimed by another MAC (RFC 5227) */
};
struct ipv4_stats {
	uint64_t rx, tx, delivered;
	uint64_t drop_short, drop_version, drop_hdr, drop_len, drop_cksum, drop_ttl, drop_proto;
	uint64_t drop_addr, drop_noroute, drop_nobuf;
	/* sources that are no single host (RFC 1122 3.2.1.3): 0/8 (0.0.0.0 passes while we have
	 * no address), limited or our directed broadcast, 224/4, 127/8, 240/4, our own address */
	uint64_t drop_src_zero, drop_src_bcast, drop_src_mcast, drop_src_loopback;
	uint64_t drop_src_reserved, drop_src_self;
	uint64_t drop_link_bcast; /* unicast to us inside a link-layer broadcast (3.3.6) */
	uint64_t drop_noaddr;	  /* no address yet: only UDP (DHCP) comes in */
	uint64_t drop_dst_bad;	  /* never sent: to 0/8, 127/8, multicast, 240/4 or ourselves */
	uint64_t frag_rx, frag_tx, reasm_ok, drop_frag_overlap, drop_frag_big, drop_frag_timeout,
		drop_frag_noslot, drop_frag_bad;
	uint64_t frag_dup;	 /* exact retransmission of a fragment held: ignored */
	uint64_t drop_frag_dead; /* fragment of a datagram already dropped (RFC 5722) */
};
struct icmp_stats {
	uint64_t rx, tx, echo_rx, unreach_tx, unreach_limited;
	uint64_t drop_short, drop_cksum, drop_type, drop_nobuf;
};
struct udp_stats {
	uint64_t rx, tx, delivered;
	uint64_t drop_short, drop_len, drop_cksum, drop_noport, drop_nobuf;
	uint64_t drop_bcast;  /* to a broadcast address, binding without UDP_BIND_BROADCAST */
	uint64_t drop_noaddr; /* before an address, binding without UDP_BIND_NOADDR */
	uint64_t drop_loop;   /* to a UDP_BIND_SERVICE from a loop-prone source port */
};
struct dhcp_stats {
	uint64_t discover_tx, request_tx, offer_rx, ack_rx, nak_rx, renew, rebind, expired;
	uint64_t retries, fallback, drop_bad;
	uint64_t drop_server; /* ACK or NAK from a server we did not select */
	uint64_t drop_addr;   /* offered address no usable host address for its mask */
};
/* The stats.port service's own counters (layer "service" of the JSON). */
struct netstat_stats {
	uint64_t requests, replies;
	uint64_t drop_short; /* request too short for even the smallest answer (never larger) */
	uint64_t drop_bad;   /* names no layer: answered with an error object */
};
struct net_stats {
	struct eth_stats eth;
	struct arp_stats arp;
	struct ipv4_stats ipv4;
	struct icmp_stats icmp;
	struct udp_stats udp;
	struct dhcp_stats dhcp;
	struct netstat_stats stats;
};

const struct net_stats *net_stats(void);

/* System figures for the stats JSON ("sys"), so a benchmark can divide instructions by
 * datagrams and read boot times and memory use. net/ cannot read CSRs or the allocators; the
 * kernel sets the hook at boot (NULL: all zero). */
struct net_sys_stats {
	uint64_t instret;
	uint64_t busy_instret;	 /* instret minus what passed while asleep in wfi (boot/loop.c) */
	uint64_t main_loop_us;	 /* machine reset to the main loop, guest clock */
	uint64_t nic_rx_on_us;	 /* machine reset to the NIC's receive enable (e1000: RCTL) */
	uint64_t ram_bytes;	 /* RAM the kernel manages: its image plus the page allocator's */
	uint64_t ram_used_bytes; /* the image (text, data, bss with the mbuf pool) + pages in use */
	uint64_t instret_exact;	 /* 1: instret counts instructions (QEMU -icount shift=0, real
				  * hart); 0: the two instret figures are not instruction counts */
};
extern void (*net_sys_sample)(struct net_sys_stats *out);
/* Print every counter of every layer (and the NIC's and the mbuf pool's) on the console. */
void net_stats_print(void);
/* Print the address, the DHCP lease and the ARP cache. */
void net_info_print(void);
/*
 * Write the counters as one JSON object ({"netdev":{...},"mbuf":{...},"eth":{...},...}) into
 * buf; returns the length (as ksnprintf: may exceed size, then the text is cut). At full
 * counter width the whole object is about 5 KiB: the stats.port service answers it in parts
 * (net/netstat.c).
 */
int net_stats_json(char *buf, size_t size);
