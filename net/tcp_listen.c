/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Segments no connection owns (RFC 9293 3.10.7.1-2): a reset for a closed port, rate limited;
 * for a listening port, a SYN makes a half-open connection while the backlog has room and is
 * answered with a SYN cookie beyond it, and the ACK completing a cookie's handshake makes the
 * connection then. Resets and stray ACKs to a listener are dropped and counted.
 */
#include "net/tcp.h"

/* Sequence state of a connection that has seen the peer's SYN with sequence irs. */
static void take_syn(struct tcp_conn *c, const struct tcp_seg *s, uint32_t iss)
{
	c->irs = s->seq;
	c->rcv_nxt = c->rcv_user = c->rcv_adv = s->seq + 1;
	c->iss = iss;
	c->snd_una = c->snd_nxt = c->snd_max = iss;
	c->snd_end = iss + 1;
	c->snd_wnd = c->max_snd_wnd = s->wnd; /* a SYN's window is never scaled */
	c->snd_wl1 = s->seq;
	c->snd_wl2 = iss;
	tcp_apply_syn_options(c, s);
}

/* A SYN to a listening port: a half-open connection, or a cookie when there is no room. */
static void listen_syn(struct tcp_listener *l, const struct tcp_seg *s)
{
	struct tcp_conn *c = NULL;
	tcp_stir(s->seq ^ (uint64_t)s->sport << 32);
	if (l->half_open < l->backlog)
		c = tcp_conn_new(s->dst, s->dport, s->src, s->sport);
	if (!c) {
		uint16_t mss = s->mss ? s->mss : 536;
		if (mss > tcp_our_mss())
			mss = tcp_our_mss();
		net_st.tcp.cookie_tx++;
		tcp_send_cookie_synack(s, tcp_cookie_make(s, mss), mss);
		return;
	}
	take_syn(c, s, tcp_isn(s->dst, s->dport, s->src, s->sport));
	c->listener = l;
	c->flags |= TF_PASSIVE;
	l->half_open++;
	tcp_set_state(c, TCP_SYN_RCVD);
	tcp_send_syn(c);
	tcp_timer_update(c);
}

/* The last ACK of a handshake we answered with a cookie: the connection starts established. */
static struct tcp_conn *listen_cookie(struct tcp_listener *l, const struct tcp_seg *s)
{
	uint16_t mss = tcp_cookie_check(s);
	struct tcp_conn *c;
	struct tcp_seg syn = *s;
	if (!mss) {
		net_st.tcp.drop_cookie++;
		tcp_reply_rst(s);
		return NULL;
	}
	c = tcp_conn_new(s->dst, s->dport, s->src, s->sport);
	if (!c) {
		net_st.tcp.drop_table_full++; /* the peer retransmits; its cookie stays valid */
		return NULL;
	}
	net_st.tcp.cookie_ok++;
	syn.seq = s->seq - 1;
	syn.mss = mss;
	syn.wscale = 0xff;
	c->flags |= TF_COOKIE;
	take_syn(c, &syn, s->ack - 1);
	c->snd_nxt = c->snd_max = s->ack;
	c->listener = l;
	tcp_set_state(c, TCP_SYN_RCVD);
	return c;
}

/* No connection: a listener's business, or a reset for a closed port (RFC 9293 3.10.7.1). */
void tcp_input_listen(const struct tcp_seg *s)
{
	struct tcp_listener *l = tcp_listener_find(s->dport);
	struct tcp_conn *c;
	if (!l) {
		net_st.tcp.drop_noport++;
		if (!(s->flags & TCP_RST))
			tcp_reply_rst(s);
		return;
	}
	if (s->flags & TCP_RST) {
		net_st.tcp.drop_rst++;
		return;
	}
	if (s->flags & TCP_ACK) {
		if (s->flags & TCP_SYN) {
			net_st.tcp.drop_state++;
			tcp_reply_rst(s);
			return;
		}
		c = listen_cookie(l, s);
		if (c)
			tcp_input_conn(c, s);
		return;
	}
	if (!(s->flags & TCP_SYN)) {
		net_st.tcp.drop_state++;
		return;
	}
	listen_syn(l, s);
}
