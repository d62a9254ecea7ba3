/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP segment arrival (RFC 9293 3.10.7): the header checks, each counted by reason; the
 * SYN-SENT case (LISTEN is in tcp_listen.c); then, for synchronized connections, the RFC's
 * order: sequence number, RST (with RFC 5961's in-window challenge), SYN (challenge ACK), ACK
 * (RFC 5961's range check; NewReno or SACK recovery), data (in place in the receive ring), FIN.
 */
#include "net/tcp.h"
#include "lib/byteorder.h"
#include "lib/errno.h"

/* The options we use (MSS, window scale, SACK-permitted, SACK blocks); a malformed list ends
 * the walk. */
static void parse_options(struct tcp_seg *s, const uint8_t *p, size_t n)
{
	while (n > 0) {
		uint8_t kind = p[0], len;
		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			p++;
			n--;
			continue;
		}
		if (n < 2 || p[1] < 2 || p[1] > n)
			break;
		len = p[1];
		if (kind == TCP_OPT_MSS && len == 4)
			s->mss = (uint16_t)(p[2] << 8 | p[3]);
		else if (kind == TCP_OPT_WSCALE && len == 3)
			s->wscale = p[2];
		else if (kind == TCP_OPT_SACK_PERM && len == 2)
			s->sack_perm = true;
		else if (kind == TCP_OPT_SACK && len >= 10 && (len - 2) % 8 == 0)
			for (size_t k = 0; k < (len - 2u) / 8 && s->nsack < 4; k++, s->nsack++) {
				s->sack[s->nsack][0] = get_be32(p + 2 + 8 * k);
				s->sack[s->nsack][1] = get_be32(p + 6 + 8 * k);
			}
		p += len;
		n -= len;
	}
}

/* The header checks, in order; returns the counter to bump, or NULL with s filled in. */
static uint64_t *parse(const struct mbuf *m, struct tcp_seg *s)
{
	struct tcp_stats *st = &net_st.tcp;
	const struct ip_hdr *ip = (const struct ip_hdr *)(m->head + m->l3_off);
	const struct tcp_hdr *th = (const struct tcp_hdr *)m->data;
	size_t len = mbuf_len(m), hlen;
	if (len < TCP_HLEN)
		return &st->drop_short;
	hlen = (size_t)(th->off >> 4) * 4;
	if (hlen < TCP_HLEN || hlen > len)
		return &st->drop_hdr;
	if (!(m->flags & MBUF_F_L4_OK) && !cksum_l4_ok(ip, th, len, IP_PROTO_TCP))
		return &st->drop_cksum;
	/* IPv4 input let through only our unicast address and broadcasts (marked), from sources
	 * that can be one host; TCP is never about a broadcast (RFC 9293 3.10.7.2, RFC 1122
	 * 4.2.3.10): no answer, not even a reset. */
	if (m->flags & MBUF_F_BCAST)
		return &st->drop_addr;
	s->src = ntohl(ip->src);
	s->dst = ntohl(ip->dst);
	s->flags = th->flags;
	if ((s->flags & TCP_SYN) && (s->flags & (TCP_FIN | TCP_RST)))
		return &st->drop_flags;
	s->sport = ntohs(th->sport);
	s->dport = ntohs(th->dport);
	if (!s->sport || !s->dport)
		return &st->drop_hdr;
	s->seq = ntohl(th->seq);
	s->ack = ntohl(th->ack);
	s->wnd = ntohs(th->wnd);
	s->data = m->data + hlen;
	s->len = (uint32_t)(len - hlen);
	s->mss = 0;
	s->wscale = 0xff;
	s->sack_perm = false;
	s->nsack = 0;
	if (hlen > TCP_HLEN)
		parse_options(s, m->data + TCP_HLEN, hlen - TCP_HLEN);
	return NULL;
}

void tcp_input(struct mbuf *m)
{
	struct tcp_seg s;
	struct tcp_conn *c;
	uint64_t *bad;
	net_st.tcp.rx++;
	bad = parse(m, &s);
	if (bad) {
		(*bad)++;
		goto drop;
	}
	c = tcp_lookup(s.dst, s.dport, s.src, s.sport);
	if (c && c->state == TCP_TIME_WAIT &&
	    (s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN && seq_gt(s.seq, c->rcv_nxt)) {
		/* RFC 9293 3.10.7.4 / RFC 6191: a new incarnation may take over TIME-WAIT */
		net_st.tcp.tw_reuse++;
		c->flags |= TF_BUSY;
		tcp_drop(c, 0);
		tcp_dispatch(c);
		c = NULL;
	}
	if (c)
		tcp_input_conn(c, &s);
	else
		tcp_input_listen(&s);
drop:
	mbuf_free(m);
}

/* ---- SYN-SENT (RFC 9293 3.10.7.3) ---- */

static void syn_sent(struct tcp_conn *c, const struct tcp_seg *s)
{
	bool ack_ok = (s->flags & TCP_ACK) && seq_gt(s->ack, c->iss) && seq_leq(s->ack, c->snd_max);
	if ((s->flags & TCP_ACK) && !ack_ok) {
		net_st.tcp.drop_ack++;
		if (!(s->flags & TCP_RST))
			tcp_reply_rst(s);
		return;
	}
	if (s->flags & TCP_RST) {
		if (!ack_ok) { /* RFC 5961 3.2: only a reset acknowledging our SYN counts */
			net_st.tcp.drop_rst++;
			return;
		}
		net_st.tcp.refused++;
		tcp_drop(c, -ECONNREFUSED);
		return;
	}
	if (!(s->flags & TCP_SYN)) {
		net_st.tcp.drop_state++;
		return;
	}
	c->irs = s->seq;
	c->rcv_nxt = c->rcv_user = c->rcv_adv = s->seq + 1;
	c->snd_wnd = c->max_snd_wnd = s->wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	tcp_apply_syn_options(c, s);
	if (!ack_ok) { /* simultaneous open: SYN-RECEIVED, our SYN again with an ACK */
		tcp_set_state(c, TCP_SYN_RCVD);
		c->snd_nxt = c->iss;
		tcp_send_syn(c);
		return;
	}
	if (c->flags & TF_RTT) {
		tcp_rtt_sample(c, (uint32_t)((clock_ns() - c->rtt_start) / 1000));
		c->flags &= ~TF_RTT;
	}
	c->snd_una = s->ack;
	tcp_established(c);
	c->flags |= TF_ACKNOW;
}

/* ---- synchronized states ---- */

/* Room in the receive ring from rcv_nxt: what a segment may occupy (at least the window we
 * advertised: the ring never shrinks). */
static uint32_t rcv_room(const struct tcp_conn *c)
{
	uint32_t used = c->rcv_nxt - c->rcv_user;
	return used >= CONFIG_TCP_RCVBUF ? 0 : CONFIG_TCP_RCVBUF - used;
}

/*
 * RFC 9293 3.10.7.4 first: the four cases of acceptability. A zero window still takes an ACK,
 * a RST or a FIN at exactly rcv_nxt (data is trimmed, and answered). An empty segment may sit
 * at the right edge itself (as Linux allows): a pure ACK sent after filling our window.
 */
static bool acceptable(const struct tcp_conn *c, const struct tcp_seg *s, uint32_t room)
{
	uint32_t n = seg_seqlen(s), nxt = c->rcv_nxt;
	if (room == 0)
		return s->seq == nxt;
	if (n == 0)
		return seq_in(s->seq, nxt, nxt + room + 1);
	return seq_in(s->seq, nxt, nxt + room) || seq_in(s->seq + n - 1, nxt, nxt + room);
}

/* Not acceptable: an ACK back (RFC 9293), except to a reset. Empty segments' answers are rate
 * limited (a blind attacker's probes), data segments' are not (our ACK was lost). */
static void unacceptable(struct tcp_conn *c, const struct tcp_seg *s)
{
	if (s->flags & TCP_RST) {
		net_st.tcp.drop_rst++;
		return;
	}
	net_st.tcp.drop_seq++;
	if (c->state == TCP_TIME_WAIT && (s->flags & TCP_FIN)) /* the peer's FIN again */
		c->idle_at = clock_ns() + CONFIG_TCP_TIME_WAIT_MS * NSEC_PER_MSEC;
	if (seg_seqlen(s))
		c->flags |= TF_ACKNOW;
	else
		tcp_challenge_ack(c);
}

/* RFC 5961 3.2: a reset counts only at exactly rcv_nxt; elsewhere in the window it gets a
 * challenge ACK (a real peer answers that with an exact reset). */
static void rst_in(struct tcp_conn *c, const struct tcp_seg *s)
{
	if (s->seq != c->rcv_nxt) {
		net_st.tcp.drop_rst++;
		tcp_challenge_ack(c);
		return;
	}
	net_st.tcp.reset_rx++;
	tcp_drop(c, c->state == TCP_SYN_RCVD && c->listener ? 0 : -ECONNRESET);
}

/* Congestion response to new data acknowledged (RFC 5681 3.1, RFC 6582 3.2 steps 3 and 4). */
static void cong_ack(struct tcp_conn *c, uint32_t acked, uint32_t ack)
{
	if (c->flags & TF_RECOVERY) {
		if (seq_geq(ack, c->recover)) { /* full acknowledgement: deflate, leave recovery */
			uint32_t flight = tcp_flight(c) + c->mss;
			c->cwnd = flight < c->ssthresh ? flight : c->ssthresh;
			c->flags &= ~TF_RECOVERY;
			c->dupacks = 0;
			tcp_sack_clear(c);
			return;
		}
		net_st.tcp.partial_ack++;
		if (c->flags & TF_SACK_REC)
			return; /* the scoreboard says what to resend; the pipe paces it */
		/* NewReno: retransmit the next hole, deflate by what was acknowledged */
		tcp_rexmit_first(c);
		c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
		if (acked >= c->mss)
			c->cwnd += c->mss;
		if (c->cwnd < c->mss)
			c->cwnd = c->mss;
		return;
	}
	c->dupacks = 0;
	if (c->cwnd < c->ssthresh) {
		c->cwnd += acked < c->mss ? acked : c->mss; /* slow start, RFC 3465 L = 1 */
	} else {
		c->bytes_acked += acked; /* congestion avoidance: one MSS per window of ACKs */
		if (c->bytes_acked >= c->cwnd) {
			c->bytes_acked -= c->cwnd;
			c->cwnd += c->mss;
		}
	}
	if (c->cwnd > (1u << 30))
		c->cwnd = 1u << 30;
}

/*
 * RFC 5681 3.2: the third duplicate starts fast retransmit, unless recover says this loss was
 * already answered (RFC 6582 3.2 step 2); later ones inflate the window. With fewer than four
 * segments in flight and nothing new to send, fewer duplicates can come: one less than the
 * segments outstanding is enough (early retransmit, RFC 5827 2.1).
 */
static void dup_ack(struct tcp_conn *c, uint32_t ack)
{
	uint32_t oseg = (tcp_flight(c) + c->mss - 1) / c->mss, thresh = 3;
	net_st.tcp.dupack_rx++;
	if (c->dupacks < 255)
		c->dupacks++;
	if (c->flags & TF_RECOVERY) {
		if (!(c->flags & TF_SACK_REC)) /* NewReno inflates; SACK recovery counts the pipe */
			c->cwnd += c->mss;
		return;
	}
	if (oseg >= 2 && oseg < 4 && !seq_lt(c->snd_nxt, c->snd_end))
		thresh = oseg - 1;
	if (c->dupacks != thresh || !seq_gt(ack, c->recover))
		return;
	if ((c->flags & TF_SACK) && c->nsacked) { /* RFC 6675 5: the scoreboard drives it */
		tcp_sack_enter(c);
		return;
	}
	uint32_t half = tcp_flight(c) / 2;
	c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
	c->recover = c->snd_max;
	c->flags |= TF_RECOVERY;
	net_st.tcp.fast_rexmt++;
	tcp_rexmit_first(c);
	c->cwnd = c->ssthresh + 3u * c->mss;
}

/* RFC 9293 3.10.7.4 fifth, from ESTABLISHED on: window update, new data acknowledged or a
 * duplicate. The ack is within [snd_una - max_snd_wnd, snd_max] (checked by the caller). */
static void ack_in(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t wnd = (uint32_t)s->wnd << ((c->flags & TF_WSCALE) ? c->snd_wscale : 0);
	uint32_t ack = s->ack, start = tcp_snd_start(c), sacked = 0;
	if (seq_lt(ack, c->snd_una))
		return; /* an old duplicate: ignored, the text is still processed */
	if ((c->flags & TF_SACK) && (s->nsack || c->nsacked)) {
		uint32_t una = c->snd_una; /* blocks are pruned against the new snd_una */
		c->snd_una = ack;
		sacked = tcp_sack_update(c, s);
		c->snd_una = una;
	}
	if (ack == c->snd_una) {
		/* RFC 5681's duplicate (no data, same window), or with SACK one that reports new
		 * bytes held (RFC 6675 2): through an echo the peer's ACKs ride on its data */
		if (((s->len == 0 && !(s->flags & (TCP_SYN | TCP_FIN)) && wnd == c->snd_wnd) ||
		     sacked) &&
		    c->snd_max != c->snd_una && !(c->flags & TF_PERSIST))
			dup_ack(c, ack);
	} else {
		uint32_t acked = ack - c->snd_una;
		if ((c->flags & TF_RTT) && seq_gt(ack, c->rtt_seq)) {
			tcp_rtt_sample(c, (uint32_t)((clock_ns() - c->rtt_start) / 1000));
			c->flags &= ~TF_RTT;
		}
		c->snd_una = ack;
		if (seq_lt(c->snd_nxt, ack))
			c->snd_nxt = ack;
		c->backoff = 0;
		cong_ack(c, acked, ack);
		tcp_rexmt_restart(c);
		if (tcp_snd_start(c) != start)
			tcp_notify(c, TEV_SENT);
	}
	/* RFC 6675 5: enough SACKed above snd_una means it was lost, duplicate ACKs or not */
	if ((c->flags & TF_SACK) && !(c->flags & TF_RECOVERY) && seq_gt(c->snd_una, c->recover) &&
	    tcp_sack_lost(c))
		tcp_sack_enter(c);
	if (seq_lt(c->snd_wl1, s->seq) || (c->snd_wl1 == s->seq && seq_leq(c->snd_wl2, ack))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = ack;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
		if (wnd && (c->flags & TF_PERSIST)) { /* the window opened: resend from snd_una */
			c->flags &= ~TF_PERSIST;
			c->rexmt_at = 0;
			c->snd_nxt = c->snd_una;
			c->backoff = 0;
			tcp_rexmt_restart(c);
		}
	}
}

/* Our FIN is acknowledged: the state moves on (FIN-WAIT-1, CLOSING, LAST-ACK). Returns false
 * when the connection is over. */
static bool fin_acked(struct tcp_conn *c)
{
	if (!tcp_fin_sent(c) || c->snd_una != c->snd_end + 1)
		return true;
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(c, TCP_FIN_WAIT_2);
		if (c->flags & TF_ORPHAN)
			c->idle_at = clock_ns() + CONFIG_TCP_FIN_WAIT2_MS * NSEC_PER_MSEC;
		return true;
	case TCP_CLOSING:
		tcp_enter_time_wait(c);
		return true;
	case TCP_LAST_ACK:
		tcp_drop(c, 0);
		return false;
	default:
		return true;
	}
}

/* The ACK field (RFC 9293 3.10.7.4 fifth). Returns false when the segment stops here. */
static bool ack_field(struct tcp_conn *c, const struct tcp_seg *s)
{
	if (!(s->flags & TCP_ACK)) {
		net_st.tcp.drop_noack++;
		return false;
	}
	if (c->state == TCP_SYN_RCVD) {
		if (!seq_gt(s->ack, c->snd_una) || seq_gt(s->ack, c->snd_max)) {
			net_st.tcp.drop_ack++;
			tcp_reply_rst(s);
			return false;
		}
		if ((c->flags & TF_RTT) && !(c->flags & TF_HS_REXMT)) {
			tcp_rtt_sample(c, (uint32_t)((clock_ns() - c->rtt_start) / 1000));
			c->flags &= ~TF_RTT;
		}
		c->snd_una = s->ack;
		c->snd_wl1 = s->seq - 1; /* take this segment's window below */
		if (!tcp_established(c))
			return false;
	}
	/* RFC 5961 5.2: an ACK for data never sent, or older than any window we saw, is a blind
	 * injection attempt (or very old): challenge ACK, drop. */
	if (seq_gt(s->ack, c->snd_max) || seq_lt(s->ack, c->snd_una - c->max_snd_wnd)) {
		net_st.tcp.drop_ack++;
		tcp_challenge_ack(c);
		return false;
	}
	ack_in(c, s);
	return fin_acked(c);
}

/* The peer's FIN, in order: the receive side is done (RFC 9293 3.10.7.4 eighth). */
static void fin_in(struct tcp_conn *c)
{
	c->rcv_nxt++;
	c->flags |= TF_FIN_RCVD | TF_ACKNOW;
	c->flags &= ~TF_OOO_FIN;
	c->nooo = 0; /* nothing follows a FIN: bytes held beyond it were never data */
	tcp_notify(c, TEV_RECV);
	switch (c->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_set_state(c, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:
		if (tcp_fin_sent(c) && c->snd_una == c->snd_end + 1)
			tcp_enter_time_wait(c);
		else
			tcp_set_state(c, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_enter_time_wait(c);
		break;
	default:
		break;
	}
}

/* Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 4.2): every second full-sized segment at once,
 * others within CONFIG_TCP_DELACK_MS. */
static void ack_policy(struct tcp_conn *c, uint32_t len)
{
	if (len >= c->rcv_mss && c->rcv_full < 255)
		c->rcv_full++;
	if (len > c->rcv_mss)
		c->rcv_mss = (uint16_t)(len > tcp_our_mss() ? tcp_our_mss() : len);
	if (c->rcv_full >= 2)
		c->flags |= TF_ACKNOW;
	else
		tcp_delack_arm(c);
}

/* The segment's text (RFC 9293 3.10.7.4 seventh), trimmed to the window, into the ring; then
 * its FIN. Returns false when the connection is over. */
static bool text_in(struct tcp_conn *c, const struct tcp_seg *s, uint32_t room)
{
	uint32_t seq = s->seq, len = s->len, end;
	const uint8_t *data = s->data;
	bool fin = s->flags & TCP_FIN, open = c->state == TCP_ESTABLISHED ||
					      c->state == TCP_FIN_WAIT_1 ||
					      c->state == TCP_FIN_WAIT_2;
	long moved;
	if (!open || (c->flags & TF_FIN_RCVD))
		return true;		     /* the peer's FIN came before: nothing follows it */
	if (len && (c->flags & TF_ORPHAN)) { /* RFC 2525 2.17: nobody will read this */
		net_st.tcp.drop_after_close++;
		tcp_send_rst(c);
		tcp_drop(c, 0);
		return false;
	}
	if (seq_lt(seq, c->rcv_nxt)) { /* the left part was received before */
		uint32_t d = c->rcv_nxt - seq;
		d = d > len ? len : d;
		seq += d;
		data += d;
		len -= d;
	}
	end = c->rcv_nxt + room;
	if (seq_gt(seq + len, end)) { /* beyond the window: cut, the FIN with it, and say so */
		len = seq_gt(seq, end) ? 0 : end - seq;
		fin = false;
		c->flags |= TF_ACKNOW;
	}
	if (len) {
		bool in_order = seq == c->rcv_nxt;
		moved = tcp_reasm(c, seq, data, len);
		if (moved < 0) {
			net_st.tcp.drop_ooo_full++;
			c->flags |= TF_ACKNOW;
		} else if (moved > 0) {
			net_st.tcp.rx_bytes += (uint64_t)moved;
			tcp_notify(c, TEV_RECV);
		}
		if (!in_order) {
			net_st.tcp.ooo_rx++;
			c->flags |= TF_ACKNOW; /* RFC 5681 4.2: a duplicate ACK at once */
		} else if (c->nooo || moved != (long)len) {
			c->flags |= TF_ACKNOW; /* a hole remains, or one was just filled */
		} else {
			ack_policy(c, len);
		}
	}
	if (fin && seq + len != c->rcv_nxt) { /* a FIN beyond a hole waits for it */
		c->flags |= TF_OOO_FIN | TF_ACKNOW;
		c->ooo_fin = seq + len;
		fin = false;
	}
	if (fin || ((c->flags & TF_OOO_FIN) && c->ooo_fin == c->rcv_nxt))
		fin_in(c);
	return true;
}

/* RFC 9293 3.10.7.4, in the RFC's order, for every state from SYN-RECEIVED on. */
static void synced(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t room = rcv_room(c);
	if (c->state == TCP_SYN_RCVD && (s->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    s->seq == c->irs) { /* our SYN-ACK was lost: send it again */
		net_st.tcp.synack_rexmt++;
		c->snd_nxt = c->iss;
		tcp_send_syn(c);
		return;
	}
	if (!acceptable(c, s, room)) {
		unacceptable(c, s);
		return;
	}
	if (s->flags & TCP_RST) {
		rst_in(c, s);
		return;
	}
	if (s->flags & TCP_SYN) { /* RFC 5961 4.2: any SYN here gets a challenge ACK */
		net_st.tcp.drop_syn++;
		tcp_challenge_ack(c);
		return;
	}
	if (!ack_field(c, s))
		return;
	if (c->state == TCP_TIME_WAIT) {
		/* Only the peer's FIN can come again: ACK it, wait 2 MSL anew. Nothing else is
		 * answered, so two TIME-WAITs cannot keep ACKing each other. */
		if (s->flags & TCP_FIN) {
			c->idle_at = clock_ns() + CONFIG_TCP_TIME_WAIT_MS * NSEC_PER_MSEC;
			c->flags |= TF_ACKNOW;
		}
		return;
	}
	text_in(c, s, room);
}

void tcp_input_conn(struct tcp_conn *c, const struct tcp_seg *s)
{
	c->flags |= TF_BUSY;
	if (c->state == TCP_SYN_SENT)
		syn_sent(c, s);
	else
		synced(c, s);
	tcp_dispatch(c);
}
