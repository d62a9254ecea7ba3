/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The network stack as applications and the boot code see it: start-up, the main-loop entry
 * points, the address, UDP, and the counters. IPv4 addresses are uint32_t in host byte order
 * everywhere in this API (the stack converts at the wire), except in struct udp_peer.
 * Everything here runs in the main loop (never from a trap), one caller at a time.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/byteorder.h"
#include "lib/config.h"
#include "net/mbuf.h"

struct netdev;

/* ---- start-up and the main loop ---- */

/*
 * Attach the stack to nd (its receive upcall becomes eth_input), then configure the address
 * as the bootargs said: DHCP (default) or a static address; a gratuitous ARP announces it.
 * nd may be NULL (no NIC: the stack stays idle). A second device is ignored with a log line.
 */
void net_init(struct netdev *nd);
/* The boot hart's vector unit is on and the checksums may use it (boot, once; off by
 * default). net/stack.h has the vector sum. */
void cksum_use_vector(bool on);
/* The mbuf pool's figures, after the NIC's driver handed back the buffers it keeps between
 * bursts (netdev_ops.quiet): what every report of the pool uses. */
const struct mbuf_pool_stats *net_mbuf_stats(void);
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

/*
 * A datagram's addresses and ports exactly as they came, in network byte order (as Linux's
 * sockaddr_in): the receive path copies them without swapping bytes, and a reply puts them
 * back the same way. The accessors below give them in host order.
 */
struct udp_peer {
	uint32_t src_ip_be, dst_ip_be;
	uint16_t src_port_be, dst_port_be;
};
static inline uint32_t udp_peer_src_ip(const struct udp_peer *p)
{
	return ntohl(p->src_ip_be);
}
static inline uint16_t udp_peer_src_port(const struct udp_peer *p)
{
	return ntohs(p->src_port_be);
}
static inline uint16_t udp_peer_dst_port(const struct udp_peer *p)
{
	return ntohs(p->dst_port_be);
}

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

/* ---- TCP (RFC 9293) ---- */

/*
 * A connection. The stack owns it from the handshake until it is gone; an application holds the
 * pointer from accept (or tcp_connect) until its closed callback, tcp_close or tcp_abort, and
 * never after. Bytes are copied: tcp_send copies into the connection's send ring (the stack
 * keeps them until acknowledged, and retransmits from there), received bytes wait in its
 * receive ring until the application consumes them; no mbuf crosses this API.
 */
struct tcp_conn;

/*
 * What a connection tells its application, each with the arg given to tcp_attach/tcp_connect.
 * Callbacks run in the main loop after the segment or timer that caused them has been fully
 * processed; inside one, any tcp_* call is allowed on any connection (c included). NULL
 * members are skipped.
 */
struct tcp_ops {
	/* tcp_connect only: the handshake completed; tcp_send may be used. */
	void (*connected)(struct tcp_conn *c, void *arg);
	/* Bytes became readable, or the peer finished sending (tcp_eof). */
	void (*recv)(struct tcp_conn *c, void *arg);
	/* The peer acknowledged data: tcp_send_space grew. */
	void (*sent)(struct tcp_conn *c, void *arg);
	/* The last call: the connection is gone. err 0: both directions closed in order;
	 * -ECONNRESET (reset by the peer), -ECONNREFUSED (tcp_connect answered by a reset),
	 * -ETIMEDOUT (no acknowledgement after CONFIG_TCP_RETRIES retransmissions). Not made
	 * after tcp_close or tcp_abort. c is invalid once it returns. */
	void (*closed)(struct tcp_conn *c, int err, void *arg);
};

/*
 * Accept connections to port (on our address). For each connection whose handshake completes,
 * accept(c, arg) runs: it calls tcp_attach(c, ...) and returns 0, or returns a negative code
 * to refuse (the peer gets a reset). backlog bounds the connections of this port still in the
 * handshake (SYN-RECEIVED; 0 = CONFIG_TCP_BACKLOG); beyond it, and when the connection table
 * is full, SYN cookies answer, so a SYN flood fills nothing. Up to CONFIG_TCP_LISTENERS ports.
 * Returns 0, -EINVAL (port 0, no accept), -EADDRINUSE, -ENOSPC.
 */
int tcp_listen(uint16_t port, unsigned backlog, int (*accept)(struct tcp_conn *c, void *arg),
	       void *arg);
/* Stop listening (connections already made stay). 0 or -ENOENT. */
int tcp_unlisten(uint16_t port);
/* Give c its callbacks (from accept). ops must outlive the connection. */
void tcp_attach(struct tcp_conn *c, const struct tcp_ops *ops, void *arg);
/*
 * Active open to ip:port from an ephemeral port: a SYN is queued and *out is the connection;
 * ops->connected or ops->closed tells the outcome. Returns 0, -EINVAL (ip or port 0), -ENOTCONN
 * (no address yet), -ENOSPC (no free connection or port), -EIO (no NIC).
 */
int tcp_connect(uint32_t ip, uint16_t port, const struct tcp_ops *ops, void *arg,
		struct tcp_conn **out);

/*
 * Copy up to len bytes into the send ring; returns how many it took (0 when the ring is full:
 * wait for ops->sent), or -ENOTCONN (handshake not done), -EPIPE (after tcp_shutdown or
 * tcp_close, or the connection is gone). Segments leave as the window and congestion control
 * allow.
 */
long tcp_send(struct tcp_conn *c, const void *data, size_t len);
/* Bytes tcp_send would take now. */
size_t tcp_send_space(const struct tcp_conn *c);
/* Readable bytes: *p points at the first, and the count returned are contiguous (the ring may
 * hold more past its wrap: call again after tcp_consume). 0 when nothing is buffered. */
size_t tcp_peek(struct tcp_conn *c, const uint8_t **p);
/* Release n readable bytes (n <= what tcp_peek returned), opening the window. */
void tcp_consume(struct tcp_conn *c, size_t n);
/* Copy up to len readable bytes to buf and release them; returns the count. */
size_t tcp_read(struct tcp_conn *c, void *buf, size_t len);
/* All readable bytes in the ring (across its wrap). */
size_t tcp_readable(const struct tcp_conn *c);
/* The peer sent FIN: no byte will follow those readable now. */
bool tcp_eof(const struct tcp_conn *c);
/* Half-close: a FIN follows the bytes already sent; receiving goes on. */
void tcp_shutdown(struct tcp_conn *c);
/*
 * Close both directions and let go of c: what was sent is still delivered, then a FIN; no
 * callback follows, the stack finishes the close alone. Unread bytes, or bytes arriving later,
 * make it a reset instead (RFC 9293 3.10.4, RFC 2525 2.17).
 */
void tcp_close(struct tcp_conn *c);
/* Reset the connection now (RST to the peer) and let go of c; no callback follows. */
void tcp_abort(struct tcp_conn *c);
/* Send each segment at once instead of holding a small one while data is unacknowledged
 * (Nagle's algorithm, RFC 896, is on by default). */
void tcp_set_nodelay(struct tcp_conn *c, bool on);
/* The peer's address and port, and our port. */
uint32_t tcp_peer_ip(const struct tcp_conn *c);
uint16_t tcp_peer_port(const struct tcp_conn *c);
uint16_t tcp_local_port(const struct tcp_conn *c);
/*
 * Where a connection's rings come from (TCP_RINGS_BYTES, page aligned) once its handshake is
 * done, and where they go back when it ends or enters TIME-WAIT: set by the kernel at boot to
 * its page allocator. NULL, or an allocation that fails: the connection is refused with a
 * reset (tcp_drop.drop_nomem; an active open gets closed(-ENOMEM)).
 */
#define TCP_RINGS_BYTES (CONFIG_TCP_RCVBUF + CONFIG_TCP_SNDBUF)
extern void *(*tcp_ring_alloc)(size_t bytes);
extern void (*tcp_ring_free)(void *p, size_t bytes);
/* Connections in use (every state) and the table size. */
unsigned tcp_conn_count(void);
/* Print every connection (shell "tcp"). */
void tcp_info_print(void);

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
struct tcp_stats {
	uint64_t rx, tx, rx_bytes, tx_bytes; /* segments; payload bytes delivered in order / new */
	uint64_t accepted, connected, closed, reset_rx, timedout, refused; /* connections */
	uint64_t rexmt, rexmt_timeout, fast_rexmt, persist_probe, delack, ack_tx, window_update;
	uint64_t dupack_rx, ooo_rx, ooo_merged, partial_ack, rexmt_lost;
	uint64_t rst_tx, rst_limited, challenge_ack, challenge_limited;
	uint64_t cookie_tx, cookie_ok, tw_reuse, tw_recycled, synack_rexmt;
	/* every received segment not acted on, one counter per reason */
	uint64_t drop_short, drop_hdr, drop_cksum, drop_addr, drop_flags, drop_noport;
	uint64_t drop_seq, drop_ack, drop_rst, drop_syn, drop_noack, drop_state, drop_cookie;
	uint64_t drop_ooo_full, drop_table_full, drop_nomem, drop_refused, drop_after_close;
	uint64_t tx_nobuf; /* a segment not built: the mbuf pool was at the TCP reserve */
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
	struct tcp_stats tcp;
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
	/* the main loop's adaptive busy polling (loop.poll_us=): its window now, spins that
	 * found a frame, spins that ran out, sleeps shorter than the largest window, and 1 while
	 * spinning wins (receives more frames than sleeping at once) */
	uint64_t poll_window_ns, poll_hits, poll_misses, poll_short_sleeps, poll_spinning;
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
