/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP internals shared by tcp.c (the connection table, listeners, ISNs and SYN cookies, the
 * application API), tcp_in.c (segment arrival, RFC 9293 3.10.7), tcp_out.c (building
 * segments, the send loop, resets), tcp_timer.c (RTO, persist, delayed ACK, TIME-WAIT) and
 * tcp_reasm.c (the receive ring and its out-of-order ranges). Not for applications.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "lib/config.h"
#include "lib/timer.h"
#include "net/stack.h"
#include "net/wire.h"

_Static_assert((CONFIG_TCP_RCVBUF & (CONFIG_TCP_RCVBUF - 1)) == 0, "receive ring: power of two");
_Static_assert((CONFIG_TCP_SNDBUF & (CONFIG_TCP_SNDBUF - 1)) == 0, "send ring: power of two");
_Static_assert(CONFIG_TCP_RCVBUF <= (1u << 30) && CONFIG_TCP_SNDBUF <= (1u << 30),
	       "rings within the 2^30 window RFC 7323 allows");
_Static_assert(CONFIG_TCP_CONNS < 65535, "hash chains hold index + 1 in 16 bits");
_Static_assert((CONFIG_TCP_RCVBUF + CONFIG_TCP_SNDBUF) % 4096 == 0, "rings are whole pages");

/* ---- sequence numbers: modulo 2^32, compared through the signed difference ---- */

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}
/* lo <= x < hi, in sequence space (hi - lo < 2^31) */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x - lo < hi - lo;
}
static inline uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}
static inline uint32_t seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

/* ---- connections ---- */

enum tcp_state {
	TCP_CLOSED, /* a free slot */
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
	TCP_NSTATES
};

#define TF_ACKNOW   0x0001  /* an ACK is owed: sent at the end of this event */
#define TF_FIN_Q    0x0002  /* the application is done sending: a FIN follows snd_end */
#define TF_FIN_RCVD 0x0004  /* the peer's FIN arrived in order (rcv_nxt counts it) */
#define TF_ORPHAN   0x0008  /* tcp_close: no application, no callbacks, no more reading */
#define TF_WSCALE   0x0010  /* both SYNs carried a window scale option (RFC 7323 2.2) */
#define TF_RECOVERY 0x0020  /* NewReno fast recovery until recover is acknowledged */
#define TF_RTT	    0x0040  /* rtt_seq is being timed (never a retransmitted one: Karn) */
#define TF_PERSIST  0x0080  /* zero window: rexmt_at is the persist timer */
#define TF_NODELAY  0x0100  /* no Nagle */
#define TF_OOO_FIN  0x0200  /* a FIN arrived beyond a hole, at sequence ooo_fin */
#define TF_HS_REXMT 0x0400  /* the SYN or SYN-ACK was retransmitted (RFC 6298 5.7) */
#define TF_BUSY	    0x0800  /* inside tcp_dispatch: output and freeing wait for its end */
#define TF_DEAD	    0x1000  /* freed at the end of the current event */
#define TF_PASSIVE  0x2000  /* made by a listener (counted in its half_open until established) */
#define TF_COOKIE   0x4000  /* made from a SYN cookie: no options beyond the MSS */
#define TF_FORCE    0x8000  /* the persist timer fired: one small segment may go (SWS override) */
#define TF_SACK	    0x10000 /* both SYNs carried SACK-permitted: our ACKs report ranges */
#define TF_SACK_REC 0x20000 /* the recovery in progress is driven by the SACK scoreboard */

/* Events for the application, collected during an event and delivered by tcp_dispatch in the
 * order of their bits (the lowest first). */
#define TEV_CONNECTED 0x1
#define TEV_SENT      0x2
#define TEV_RECV      0x4
#define TEV_CLOSED    0x8

struct tcp_range {
	uint32_t start, end; /* [start, end) in sequence space */
};

struct tcp_listener;

struct tcp_conn {
	/* identity (host byte order) and the lookup hash */
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint16_t hnext; /* next in the hash chain: index + 1, 0 = end */
	uint8_t state;	/* enum tcp_state */
	uint8_t events; /* TEV_* pending */
	uint32_t flags; /* TF_* */
	int err;	/* for TEV_CLOSED */
	struct tcp_listener *listener;

	/* send sequence space (RFC 9293 3.3.1): [snd_una, snd_nxt) in flight, snd_max the highest
	 * ever sent, snd_end just past the last byte the application queued */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_end;
	uint32_t snd_wnd, max_snd_wnd; /* bytes, scaled */
	uint32_t snd_wl1, snd_wl2;     /* segment seq and ack of the last window update */
	uint16_t mss;		       /* send MSS: the peer's option, our MTU, at least 88 */
	uint8_t snd_wscale, rcv_wscale;

	/* receive: [rcv_user, rcv_nxt) readable, out-of-order ranges beyond rcv_nxt */
	uint32_t irs, rcv_nxt, rcv_user;
	uint32_t rcv_adv; /* right edge of the window last advertised (never moves left) */
	uint32_t ooo_fin;
	uint32_t sack_last; /* a byte of the range the latest out-of-order segment joined */
	uint16_t rcv_mss;   /* largest segment received: what "full-sized" means for delayed ACK */
	uint8_t rcv_full;   /* full-sized segments received since the last ACK */
	uint8_t nooo;
	struct tcp_range ooo[CONFIG_TCP_OOO_MAX]; /* sorted, disjoint, not touching */

	/* congestion control (RFC 5681, NewReno RFC 6582) */
	uint32_t cwnd, ssthresh, recover, bytes_acked;
	uint8_t dupacks;
	uint8_t backoff; /* retransmissions (or persist probes) without progress */
	/* the peer's SACK blocks (RFC 2018): ranges above snd_una it holds; rexmt_next is how far
	 * the holes below them were retransmitted in this recovery (RFC 6675's HighRxt) */
	uint8_t nsacked;
	struct tcp_range sacked[CONFIG_TCP_OOO_MAX];
	uint32_t rexmt_next;
	uint32_t rexmt_mark; /* snd_max when the holes were last resent from snd_una */

	/* round-trip time (RFC 6298), microseconds; rto in milliseconds */
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint32_t rtt_seq;
	uint64_t rtt_start;

	/* deadlines (clock_ns; 0 = off) behind one timer armed at the earliest */
	uint64_t rexmt_at, delack_at, idle_at;
	struct timer timer;
	struct tbucket challenge;

	const struct tcp_ops *ops;
	void *arg;
	uint8_t *rings; /* CONFIG_TCP_RCVBUF + CONFIG_TCP_SNDBUF bytes, or NULL */
};

struct tcp_listener {
	uint16_t port; /* 0 = free */
	uint16_t backlog, half_open;
	int (*accept)(struct tcp_conn *c, void *arg);
	void *arg;
};

/* A received segment, parsed (host byte order). */
struct tcp_seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t len; /* payload bytes */
	uint8_t flags;
	uint16_t wnd; /* as on the wire (unscaled) */
	const uint8_t *data;
	/* options: mss 0 and wscale 0xff = absent */
	uint16_t mss;
	uint8_t wscale;
	bool sack_perm;
	uint8_t nsack; /* SACK blocks */
	uint32_t sack[4][2];
};

/* Sequence space a segment occupies: payload plus one each for SYN and FIN. */
static inline uint32_t seg_seqlen(const struct tcp_seg *s)
{
	return s->len + !!(s->flags & TCP_SYN) + !!(s->flags & TCP_FIN);
}

extern struct tcp_conn tcp_conns[CONFIG_TCP_CONNS];

/* The rings, from tcp_ring_alloc while the connection can carry data (ESTABLISHED until
 * TIME-WAIT or the end): the receive ring first, the send ring after it. */
static inline uint8_t *tcp_rbuf(const struct tcp_conn *c)
{
	return c->rings;
}
static inline uint8_t *tcp_sbuf(const struct tcp_conn *c)
{
	return c->rings + CONFIG_TCP_RCVBUF;
}
/* Take (false: no memory) and give back a connection's rings. */
bool tcp_rings_get(struct tcp_conn *c);
void tcp_rings_put(struct tcp_conn *c);
/* Sequence of the first data byte still in the send ring (after the SYN, at most snd_end). */
static inline uint32_t tcp_snd_start(const struct tcp_conn *c)
{
	uint32_t s = seq_max(c->snd_una, c->iss + 1);
	return seq_min(s, c->snd_end);
}
/* The FIN was sent (it is at snd_end, one past the data). */
static inline bool tcp_fin_sent(const struct tcp_conn *c)
{
	return (c->flags & TF_FIN_Q) && seq_gt(c->snd_max, c->snd_end);
}
/* Bytes not yet acknowledged, in sequence space (SYN and FIN included). */
static inline uint32_t tcp_flight(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}
/* The states where the connection is synchronized and data may flow in at least one way. */
static inline bool tcp_synced(const struct tcp_conn *c)
{
	return c->state >= TCP_ESTABLISHED;
}
/* tcp.c: the table */
struct tcp_conn *tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
struct tcp_listener *tcp_listener_find(uint16_t port);
/* A free slot (reusing the oldest TIME-WAIT one when none is free), hashed under the 4-tuple,
 * timers and rings reset; NULL when every slot holds a live connection. */
struct tcp_conn *tcp_conn_new(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
void tcp_set_state(struct tcp_conn *c, enum tcp_state s);
/* The connection is over: notify (err unless orphaned) and free at the end of the event. */
void tcp_drop(struct tcp_conn *c, int err);
/* Queue application events; tcp_dispatch delivers them. */
static inline void tcp_notify(struct tcp_conn *c, uint8_t ev)
{
	c->events |= ev;
}
/* End of an event on c: callbacks, then output, then the free if the connection is over. */
void tcp_dispatch(struct tcp_conn *c);
/* Handshake done (SYN-RECEIVED or SYN-SENT to ESTABLISHED): congestion state, accept/connected.
 * Returns false when the listener's application refused it (then reset and dropped). */
bool tcp_established(struct tcp_conn *c);
/* Options the peer's SYN carried: MSS, window scale (RFC 7323), nothing else we use. */
void tcp_apply_syn_options(struct tcp_conn *c, const struct tcp_seg *s);
uint32_t tcp_isn(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
/* SYN cookies: the ISS for a SYN we keep no state for, and the check of the handshake's last
 * ACK (returns the MSS the cookie encodes, 0 when it is not one of ours). */
uint32_t tcp_cookie_make(const struct tcp_seg *s, uint16_t mss);
uint16_t tcp_cookie_check(const struct tcp_seg *s);
/* Mix a little entropy (arrival times) into the secrets' source. */
void tcp_stir(uint64_t x);
/* The salt of the connection hash (keys the secrets the first time). */
uint32_t tcp_hash_salt(void);

/* tcp_in.c */
void tcp_input_conn(struct tcp_conn *c, const struct tcp_seg *s);
/* tcp_listen.c: a segment no connection owns (a listener's business, or a closed port). */
void tcp_input_listen(const struct tcp_seg *s);

/* tcp_out.c */
/* Send what the windows allow (new data, FIN, owed ACK); arm retransmit/persist. */
void tcp_output(struct tcp_conn *c);
/* Retransmit the first unacknowledged segment (RTO, fast retransmit, partial ACK). */
void tcp_rexmit_first(struct tcp_conn *c);
/* SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED) with our options. */
void tcp_send_syn(struct tcp_conn *c);
/* One byte at snd_una past a zero window (it counts as sent: snd_nxt moves over it). */
void tcp_persist_probe(struct tcp_conn *c);
/* A pure ACK now (also challenge ACKs and window probes' answers). */
void tcp_send_ack(struct tcp_conn *c);
/* A challenge ACK (RFC 5961 3.2, 4.2, 5.2), rate limited per connection and overall. */
void tcp_challenge_ack(struct tcp_conn *c);
/* RST for the connection (abort); seq = snd_nxt. */
void tcp_send_rst(struct tcp_conn *c);
/* RST answering segment s for which no connection exists (RFC 9293 3.10.7.1), rate limited. */
void tcp_reply_rst(const struct tcp_seg *s);
/* SYN-ACK for a cookie (no connection). */
void tcp_send_cookie_synack(const struct tcp_seg *s, uint32_t iss, uint16_t mss);
/* Forget the rate limiters (net_reset). */
void tcp_out_reset(void);
/* The window to advertise now (scaled field value), moving rcv_adv. */
uint16_t tcp_rcv_window(struct tcp_conn *c);
/* Bytes of SACK option (RFC 2018) our next segment carries: 0, or 2 NOPs and the blocks. */
size_t tcp_sack_optlen(const struct tcp_conn *c);
/* Our MSS for the SYN: the NIC's MTU minus 40 (RFC 6691). */
uint16_t tcp_our_mss(void);

/* tcp_timer.c */
void tcp_timer_init(struct tcp_conn *c);
/* Arm the connection's timer at its earliest deadline, if that is earlier than armed. */
void tcp_timer_update(struct tcp_conn *c);
/* Restart (or stop, when nothing is in flight) the retransmission timer. */
void tcp_rexmt_restart(struct tcp_conn *c);
void tcp_delack_arm(struct tcp_conn *c);
void tcp_persist_arm(struct tcp_conn *c);
/* One RTT measurement (RFC 6298 2.2, 2.3), then the new RTO. */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_us);
/* The current RTO with backoff applied, in ms (RFC 6298 5.5, clamped). */
uint32_t tcp_rto_backed_off(const struct tcp_conn *c);
void tcp_enter_time_wait(struct tcp_conn *c);

/* tcp_sack.c: the sender's side of SACK (RFC 2018), loss recovery after RFC 6675 */
/* Take the segment's SACK blocks into the scoreboard (and drop what snd_una passed); returns
 * the bytes newly SACKed. */
uint32_t tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *s);
/* The first unacknowledged segment is lost: more than two segments' worth SACKed above it. */
bool tcp_sack_lost(const struct tcp_conn *c);
/* Enter SACK-driven recovery (the counterpart of the third duplicate ACK). */
void tcp_sack_enter(struct tcp_conn *c);
/* RFC 6675's pipe: bytes in flight (not SACKed; lost ones only once retransmitted). */
uint32_t tcp_sack_pipe(const struct tcp_conn *c);
/* Retransmit holes while the congestion window has room over the pipe. */
void tcp_sack_rexmit(struct tcp_conn *c);
/* Forget the scoreboard (a timeout, or the end of recovery). */
void tcp_sack_clear(struct tcp_conn *c);
/* One segment at seq (len data bytes, FIN if it ends at a sent FIN) for the retransmitters. */
bool tcp_send_data_at(struct tcp_conn *c, uint32_t seq, uint32_t len);

/* tcp_reasm.c */
int tcp_range_add(struct tcp_range *r, uint8_t *n, unsigned max, uint32_t base, uint32_t start,
		  uint32_t end);
void tcp_range_remove(struct tcp_range *r, uint8_t *n, unsigned at, unsigned count);
/*
 * Place the in-window bytes [seq, seq+len) of a segment in the receive ring: in order ones
 * advance rcv_nxt (pulling in the out-of-order ranges they reach), others join the ranges.
 * Returns the bytes rcv_nxt moved by, or -1 when the range table was full (nothing stored).
 */
long tcp_reasm(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len);
/* Copy between a ring (size mask + 1) and linear memory, at the ring position of seq. */
void tcp_ring_write(uint8_t *ring, uint32_t mask, uint32_t seq, const void *src, uint32_t n);
void tcp_ring_read(const uint8_t *ring, uint32_t mask, uint32_t seq, void *dst, uint32_t n);
