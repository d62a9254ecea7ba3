/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP output: building segments (header, options, payload copied from the send ring, the
 * checksum), the send loop with the receiver's window, the congestion window, Nagle's rule
 * (RFC 896) and sender silly-window avoidance (RFC 1122 4.2.3.4), window updates, and the
 * segments that answer without a connection (resets, cookie SYN-ACKs), rate limited.
 *
 * Frames come from the shared mbuf pool, but only while more than CONFIG_TCP_MBUF_RESERVE
 * buffers are free: TCP can never take the buffers the receive rings need. A segment that
 * cannot be built is retransmitted by the timer like a lost one.
 */
#include "net/tcp.h"
#include "lib/byteorder.h"
#include "lib/string.h"

/* Where a segment's payload starts in its buffer: every header fits in front (Ethernet, IPv4,
 * TCP with the longest options), and the IPv4 header lands 8-byte aligned. */
#define TCP_DATA_OFF 96
_Static_assert(TCP_DATA_OFF >= ETH_HLEN + IP_HLEN + TCP_HLEN_MAX, "headers fit in front");
_Static_assert(TCP_DATA_OFF >= MBUF_HEADROOM && (TCP_DATA_OFF - IP_HLEN - TCP_HLEN) % 8 == 0,
	       "payload offset");
_Static_assert(MBUF_SIZE - TCP_DATA_OFF >= ETH_MTU - IP_HLEN - TCP_HLEN, "a full segment fits");

static struct tbucket rst_bucket, challenge_bucket;

uint16_t tcp_our_mss(void)
{
	const struct netdev *nd = net_dev();
	uint16_t mtu = nd && nd->mtu >= 576 && nd->mtu <= ETH_MTU ? nd->mtu : ETH_MTU;
	return (uint16_t)(mtu - IP_HLEN - TCP_HLEN); /* RFC 6691: options do not count */
}

/* A frame with headroom for every header, or NULL when the pool is down to the reserve. */
static struct mbuf *seg_alloc(void)
{
	struct mbuf *m;
	if (mbuf_pool_free_count() <= CONFIG_TCP_MBUF_RESERVE || !(m = mbuf_alloc())) {
		net_st.tcp.tx_nobuf++;
		return NULL;
	}
	mbuf_reserve(m, TCP_DATA_OFF - MBUF_HEADROOM);
	return m;
}

struct hdr_fields {
	uint32_t src, dst; /* host order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
};

/* Push the TCP header with opts (optlen a multiple of 4) in front of the payload in m, sum,
 * and hand it to IPv4. */
static void seg_send(struct mbuf *m, const struct hdr_fields *h, const uint8_t *opts, size_t optlen)
{
	size_t hlen = TCP_HLEN + optlen, len = mbuf_len(m) + hlen;
	struct tcp_hdr *th = mbuf_push(m, hlen);
	th->sport = htons(h->sport);
	th->dport = htons(h->dport);
	th->seq = htonl(h->seq);
	th->ack = htonl(h->ack);
	th->off = (uint8_t)(hlen / 4 << 4);
	th->flags = h->flags;
	th->wnd = htons(h->wnd);
	th->cksum = 0;
	th->urg = 0;
	if (optlen)
		memcpy(th + 1, opts, optlen);
	th->cksum = htons(cksum_fold(
		cksum_add(cksum_pseudo(h->src, h->dst, IP_PROTO_TCP, (uint16_t)len), th, len)));
	net_st.tcp.tx++;
	ipv4_output(m, h->dst, IP_PROTO_TCP);
}

uint16_t tcp_rcv_window(struct tcp_conn *c)
{
	uint32_t used = c->rcv_nxt - c->rcv_user, room, field;
	uint32_t sws =
		CONFIG_TCP_RCVBUF / 2 < tcp_our_mss() ? CONFIG_TCP_RCVBUF / 2 : tcp_our_mss();
	room = used >= CONFIG_TCP_RCVBUF ? 0 : CONFIG_TCP_RCVBUF - used;
	if (room < sws) /* receiver silly-window avoidance (RFC 1122 4.2.3.3) */
		room = 0;
	/* While a hole waits to be filled the window stays where it was: our duplicate ACKs must
	 * carry the same window to count as duplicates at the sender (RFC 5681 2). */
	if (c->nooo && seq_gt(c->rcv_adv, c->rcv_nxt))
		room = c->rcv_adv - c->rcv_nxt;
	if (seq_lt(c->rcv_nxt + room, c->rcv_adv)) /* never move the right edge back */
		room = c->rcv_adv - c->rcv_nxt;
	field = room >> c->rcv_wscale;
	if (field > 0xffff)
		field = 0xffff;
	if (seq_gt(c->rcv_nxt + (field << c->rcv_wscale), c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + (field << c->rcv_wscale);
	return (uint16_t)field;
}

/* Every segment of a connection but the first SYN carries an ACK: clear what was owed. */
static void acked_now(struct tcp_conn *c)
{
	c->flags &= ~TF_ACKNOW;
	c->delack_at = 0;
	c->rcv_full = 0;
}

static void conn_fields(struct tcp_conn *c, struct hdr_fields *h, uint32_t seq, uint8_t flags)
{
	h->src = c->lip;
	h->dst = c->rip;
	h->sport = c->lport;
	h->dport = c->rport;
	h->seq = seq;
	h->ack = (flags & TCP_ACK) ? c->rcv_nxt : 0;
	h->flags = flags;
	h->wnd = tcp_rcv_window(c);
	if (flags & TCP_ACK)
		acked_now(c);
}

/* At most 4 blocks fit beside no other option (RFC 2018 3: 40 option bytes). */
#define SACK_BLOCKS_MAX 4

size_t tcp_sack_optlen(const struct tcp_conn *c)
{
	unsigned n = c->nooo < SACK_BLOCKS_MAX ? c->nooo : SACK_BLOCKS_MAX;
	return (c->flags & TF_SACK) && n ? 4 + 8u * n : 0;
}

/*
 * NOP, NOP, SACK with the out-of-order ranges: first the one the latest segment joined (RFC
 * 2018 4), then the others from the left, as many as fit. Returns the option bytes.
 */
static size_t sack_options(const struct tcp_conn *c, uint8_t *o)
{
	size_t n = tcp_sack_optlen(c), k = 4;
	unsigned order[CONFIG_TCP_OOO_MAX], m = 0;
	if (!n)
		return 0;
	for (unsigned i = 0; i < c->nooo; i++)
		if (seq_in(c->sack_last, c->ooo[i].start, c->ooo[i].end))
			order[m++] = i;
	for (unsigned i = 0; i < c->nooo; i++)
		if (!m || order[0] != i)
			order[m++] = i;
	o[0] = o[1] = TCP_OPT_NOP;
	o[2] = TCP_OPT_SACK;
	o[3] = (uint8_t)(n - 2);
	for (unsigned i = 0; k < n; i++, k += 8) {
		put_be32(o + k, c->ooo[order[i]].start);
		put_be32(o + k + 4, c->ooo[order[i]].end);
	}
	return n;
}

/* One segment of the connection: len payload bytes from the send ring at seq, plus flags. */
static bool send_seg(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct hdr_fields h;
	uint8_t opts[4 + 8 * SACK_BLOCKS_MAX];
	size_t optlen;
	struct mbuf *m = seg_alloc();
	if (!m)
		return false;
	if (len)
		tcp_ring_read(tcp_sbuf(c), CONFIG_TCP_SNDBUF - 1, seq, mbuf_put(m, len), len);
	optlen = (flags & (TCP_ACK | TCP_RST)) == TCP_ACK ? sack_options(c, opts) : 0;
	conn_fields(c, &h, seq, flags);
	seg_send(m, &h, opts, optlen);
	return true;
}

/* Our SYN options: MSS; window scale and SACK-permitted (each behind NOPs) when offered by
 * us (SYN) or by the peer (SYN-ACK). */
static size_t syn_options(const struct tcp_conn *c, uint8_t *o, bool wscale, bool sack)
{
	uint16_t mss = tcp_our_mss();
	size_t n = 4;
	o[0] = TCP_OPT_MSS;
	o[1] = 4;
	o[2] = (uint8_t)(mss >> 8);
	o[3] = (uint8_t)mss;
	if (wscale) {
		memcpy(o + n, (const uint8_t[]){ TCP_OPT_NOP, TCP_OPT_WSCALE, 3, c->rcv_wscale },
		       4);
		n += 4;
	}
	if (sack) {
		memcpy(o + n, (const uint8_t[]){ TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_SACK_PERM, 2 },
		       4);
		n += 4;
	}
	return n;
}

/* The shift our receive ring needs to be advertised whole (RFC 7323 2.3). */
static uint8_t our_wscale(void)
{
	uint8_t s = 0;
	while (s < TCP_WSCALE_MAX && (CONFIG_TCP_RCVBUF >> s) > 0xffff)
		s++;
	return s;
}

void tcp_send_syn(struct tcp_conn *c)
{
	struct hdr_fields h;
	uint8_t opts[12];
	size_t n;
	bool synack = c->state == TCP_SYN_RCVD;
	struct mbuf *m = seg_alloc();
	if (!synack || (c->flags & TF_WSCALE))
		c->rcv_wscale = our_wscale();
	n = syn_options(c, opts, !synack || (c->flags & TF_WSCALE),
			!synack || (c->flags & TF_SACK));
	if (m) {
		h = (struct hdr_fields){
			c->lip,
			c->rip,
			c->lport,
			c->rport,
			c->iss,
			synack ? c->rcv_nxt : 0,
			(uint8_t)(TCP_SYN | (synack ? TCP_ACK : 0)),
			(uint16_t)(CONFIG_TCP_RCVBUF > 0xffff ? 0xffff : CONFIG_TCP_RCVBUF)
		};
		if (synack)
			acked_now(c);
		seg_send(m, &h, opts, n);
		c->rcv_adv = c->rcv_nxt + h.wnd;
	}
	if (seq_lt(c->snd_max, c->iss + 1)) { /* the first time: time it (Karn: only then) */
		c->flags |= TF_RTT;
		c->rtt_seq = c->iss;
		c->rtt_start = clock_ns();
	} else {
		c->flags |= TF_HS_REXMT;
		c->flags &= ~TF_RTT;
	}
	c->snd_nxt = c->snd_max = c->iss + 1;
	if (!c->rexmt_at)
		c->rexmt_at = clock_ns() + (uint64_t)tcp_rto_backed_off(c) * NSEC_PER_MSEC;
	tcp_timer_update(c);
}

void tcp_send_ack(struct tcp_conn *c)
{
	if (c->state == TCP_SYN_SENT || c->state == TCP_CLOSED)
		return;
	if (send_seg(c, c->snd_nxt, 0, TCP_ACK))
		net_st.tcp.ack_tx++;
}

void tcp_challenge_ack(struct tcp_conn *c)
{
	uint64_t now = clock_ns();
	if (!tbucket_take(&c->challenge, now, 10, 5) ||
	    !tbucket_take(&challenge_bucket, now, CONFIG_TCP_CHALLENGE_RATE,
			  CONFIG_TCP_CHALLENGE_BURST)) {
		net_st.tcp.challenge_limited++;
		return;
	}
	net_st.tcp.challenge_ack++;
	tcp_send_ack(c);
}

void tcp_send_rst(struct tcp_conn *c)
{
	if (c->state == TCP_SYN_SENT || c->state == TCP_CLOSED || c->state == TCP_TIME_WAIT)
		return;
	if (send_seg(c, c->snd_nxt, 0, TCP_RST | TCP_ACK))
		net_st.tcp.rst_tx++;
}

void tcp_reply_rst(const struct tcp_seg *s)
{
	struct hdr_fields h = { s->dst, s->src, s->dport, s->sport, 0, 0, TCP_RST, 0 };
	struct mbuf *m;
	if (!tbucket_take(&rst_bucket, clock_ns(), CONFIG_TCP_RST_RATE, CONFIG_TCP_RST_BURST)) {
		net_st.tcp.rst_limited++;
		return;
	}
	if (s->flags & TCP_ACK) {
		h.seq = s->ack; /* <SEQ=SEG.ACK><CTL=RST> */
	} else {
		h.ack = s->seq + seg_seqlen(s); /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		h.flags |= TCP_ACK;
	}
	m = seg_alloc();
	if (!m)
		return;
	net_st.tcp.rst_tx++;
	seg_send(m, &h, NULL, 0);
}

void tcp_send_cookie_synack(const struct tcp_seg *s, uint32_t iss, uint16_t mss)
{
	struct hdr_fields h = { s->dst,
				s->src,
				s->dport,
				s->sport,
				iss,
				s->seq + 1,
				TCP_SYN | TCP_ACK,
				(uint16_t)(CONFIG_TCP_RCVBUF > 0xffff ? 0xffff
								      : CONFIG_TCP_RCVBUF) };
	uint8_t opts[4] = { TCP_OPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	struct mbuf *m = seg_alloc();
	if (m)
		seg_send(m, &h, opts, sizeof(opts));
}

bool tcp_send_data_at(struct tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint8_t flags = TCP_ACK;
	if (tcp_fin_sent(c) && seq + len == c->snd_end)
		flags |= TCP_FIN;
	if (len && seq + len == c->snd_end)
		flags |= TCP_PSH;
	if (!len && !(flags & TCP_FIN))
		return true;
	c->flags &= ~TF_RTT; /* Karn: a retransmitted segment is never timed */
	if (!send_seg(c, seq, len, flags))
		return false;
	net_st.tcp.rexmt++;
	return true;
}

/* The first unacknowledged segment again (a timeout, fast retransmit, a partial ACK). */
void tcp_rexmit_first(struct tcp_conn *c)
{
	uint32_t seq = c->snd_una, len = 0, room = c->mss - (uint32_t)tcp_sack_optlen(c);
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD) {
		c->snd_nxt = c->iss;
		tcp_send_syn(c);
		return;
	}
	if (seq_lt(seq, c->snd_end))
		len = c->snd_end - seq < room ? c->snd_end - seq : room;
	tcp_send_data_at(c, seq, len);
}

void tcp_persist_probe(struct tcp_conn *c)
{
	if (!send_seg(c, c->snd_una, 1, TCP_ACK))
		return;
	if (seq_leq(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una + 1;
	if (seq_gt(c->snd_nxt, c->snd_max)) {
		c->snd_max = c->snd_nxt;
		net_st.tcp.tx_bytes++; /* the probe's byte was new */
	}
}

/* How many new bytes may go at snd_nxt: what the congestion window leaves over what is in
 * flight (the pipe in SACK recovery), with limited transmit (RFC 3042) letting one segment
 * out per early duplicate ACK, and what the peer's window leaves. */
static uint32_t usable_window(const struct tcp_conn *c)
{
	uint32_t cwnd = c->cwnd, edge = c->snd_una + c->snd_wnd;
	uint32_t flight = (c->flags & TF_SACK_REC) ? tcp_sack_pipe(c) : c->snd_nxt - c->snd_una;
	uint32_t by_cwnd, by_rwnd = seq_gt(edge, c->snd_nxt) ? edge - c->snd_nxt : 0;
	if (!(c->flags & TF_RECOVERY) && c->dupacks && c->dupacks < 3)
		cwnd += c->dupacks * (uint32_t)c->mss;
	by_cwnd = cwnd > flight ? cwnd - flight : 0;
	return by_cwnd < by_rwnd ? by_cwnd : by_rwnd;
}

/* Nagle (RFC 896) and sender SWS avoidance (RFC 1122 4.2.3.4) for a segment of len < MSS. */
static bool small_ok(const struct tcp_conn *c, uint32_t len, uint32_t avail)
{
	bool idle = c->snd_nxt == c->snd_una, all = len == avail;
	if ((all && (idle || (c->flags & TF_NODELAY))) || ((c->flags & TF_FORCE) && len))
		return true;
	return len >= c->max_snd_wnd / 2 && len > 0;
}

/* Window update after the application read (RFC 1122 4.2.3.3): when the window we could
 * offer exceeds the one the peer knows by two segments, or half the ring. */
static bool window_update_due(const struct tcp_conn *c)
{
	uint32_t used = c->rcv_nxt - c->rcv_user, room, known;
	uint32_t step = 2u * tcp_our_mss() < CONFIG_TCP_RCVBUF / 2 ? 2u * tcp_our_mss()
								   : CONFIG_TCP_RCVBUF / 2;
	if (!tcp_synced(c) || (c->flags & TF_FIN_RCVD) || used >= CONFIG_TCP_RCVBUF)
		return false;
	room = CONFIG_TCP_RCVBUF - used;
	known = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	return room >= known + step;
}

static bool may_send_data(const struct tcp_conn *c)
{
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* One pass of the send loop: the next segment at snd_nxt, if one may go. */
static bool send_next(struct tcp_conn *c, uint32_t *avail_out)
{
	uint32_t avail = seq_lt(c->snd_nxt, c->snd_end) ? c->snd_end - c->snd_nxt : 0;
	uint32_t usable = usable_window(c);
	uint32_t len = avail < usable ? avail : usable;
	bool fin, rexmt = seq_lt(c->snd_nxt, c->snd_max);
	uint8_t flags = TCP_ACK;
	uint32_t room = c->mss - (uint32_t)tcp_sack_optlen(c); /* options count against the MSS */
	*avail_out = avail;
	if (len > room)
		len = room;
	/* The FIN rides on the segment that reaches snd_end (again, after a timeout rewound
	 * snd_nxt); once sent, snd_nxt is past snd_end and no segment reaches it. */
	fin = (c->flags & TF_FIN_Q) && c->snd_nxt + len == c->snd_end;
	if (!len && !fin)
		return false;
	if (len < room && !fin && !small_ok(c, len, avail))
		return false;
	if (fin)
		flags |= TCP_FIN;
	if (len && c->snd_nxt + len == c->snd_end)
		flags |= TCP_PSH;
	if (!send_seg(c, c->snd_nxt, len, flags))
		return false;
	if (rexmt) {
		net_st.tcp.rexmt++;
	} else {
		net_st.tcp.tx_bytes += len;
		if (!(c->flags & TF_RTT)) { /* RFC 6298: time one segment per round trip */
			c->flags |= TF_RTT;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start = clock_ns();
		}
	}
	c->snd_nxt += len + fin;
	if (seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (!c->rexmt_at) /* RFC 6298 5.1 */
		tcp_rexmt_restart(c);
	return true;
}

void tcp_output(struct tcp_conn *c)
{
	uint32_t avail = 0;
	bool sent = false;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD || c->state == TCP_CLOSED) {
		tcp_timer_update(c);
		return;
	}
	if ((c->flags & TF_SACK_REC) && may_send_data(c)) {
		uint64_t before = net_st.tcp.rexmt;
		tcp_sack_rexmit(c);
		sent = net_st.tcp.rexmt != before;
	}
	if (may_send_data(c) && !(c->flags & TF_PERSIST))
		while (send_next(c, &avail))
			sent = true;
	c->flags &= ~TF_FORCE;
	/* Data waits, nothing is in flight and the window is shut: probe it (RFC 9293 3.8.6.1). */
	if (avail && c->snd_una == c->snd_max && !c->rexmt_at && may_send_data(c))
		tcp_persist_arm(c);
	if (!sent && window_update_due(c)) {
		net_st.tcp.window_update++;
		c->flags |= TF_ACKNOW;
	}
	if (!sent && (c->flags & TF_ACKNOW))
		tcp_send_ack(c);
	tcp_timer_update(c);
}

void tcp_out_reset(void)
{
	rst_bucket = (struct tbucket){ 0 };
	challenge_bucket = (struct tbucket){ 0 };
}
