/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP timers: retransmission (RFC 6298: SRTT, RTTVAR, Karn's rule in the callers, exponential
 * backoff, a floor of CONFIG_TCP_RTO_MIN_MS), the persist timer probing a zero window (RFC 9293
 * 3.8.6.1), delayed ACKs, TIME-WAIT and the FIN-WAIT-2 limit for closed connections.
 *
 * Each connection keeps its deadlines in three fields and one lib/timer.h timer armed at the
 * earliest. A deadline that moves later (every ACK restarts the RTO) does not touch the timer:
 * it fires early, finds nothing due, and is armed again. So the per-segment cost is a store,
 * not a walk of the sorted timer list.
 */
#include "net/tcp.h"
#include "lib/errno.h"

static void tcp_timer_fire(struct timer *t);

void tcp_timer_init(struct tcp_conn *c)
{
	c->timer.fn = tcp_timer_fire;
	c->timer.arg = c;
}

static uint64_t earliest(const struct tcp_conn *c)
{
	uint64_t e = 0;
	const uint64_t d[3] = { c->rexmt_at, c->delack_at, c->idle_at };
	for (int i = 0; i < 3; i++)
		if (d[i] && (!e || d[i] < e))
			e = d[i];
	return e;
}

void tcp_timer_update(struct tcp_conn *c)
{
	uint64_t e = earliest(c);
	if (!e || (timer_pending(&c->timer) && c->timer.deadline <= e))
		return;
	timer_arm_at(&c->timer, e);
}

uint32_t tcp_rto_backed_off(const struct tcp_conn *c)
{
	uint64_t rto = (uint64_t)c->rto_ms << (c->backoff < 16 ? c->backoff : 16);
	return rto > CONFIG_TCP_RTO_MAX_MS ? CONFIG_TCP_RTO_MAX_MS : (uint32_t)rto;
}

/*
 * RFC 6298 2.2 (first sample: SRTT = R, RTTVAR = R/2) and 2.3 (RTTVAR = 3/4 RTTVAR + 1/4
 * |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R), then RTO = SRTT + max(G, 4 RTTVAR) with G = 1 ms, kept
 * within [CONFIG_TCP_RTO_MIN_MS, CONFIG_TCP_RTO_MAX_MS] (2.4 asks 1 s as the floor; like
 * Linux and the BSDs we use 200 ms, which a LAN's RTTs are far below).
 */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
{
	uint64_t rto;
	if (!r)
		r = 1;
	if (!c->srtt_us) {
		c->srtt_us = r;
		c->rttvar_us = r / 2;
	} else {
		uint32_t delta = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = (uint32_t)(((uint64_t)c->rttvar_us * 3 + delta) / 4);
		c->srtt_us = (uint32_t)(((uint64_t)c->srtt_us * 7 + r) / 8);
		if (!c->srtt_us)
			c->srtt_us = 1;
	}
	rto = c->srtt_us + (4ull * c->rttvar_us > 1000 ? 4ull * c->rttvar_us : 1000);
	rto = (rto + 999) / 1000;
	if (rto < CONFIG_TCP_RTO_MIN_MS)
		rto = CONFIG_TCP_RTO_MIN_MS;
	if (rto > CONFIG_TCP_RTO_MAX_MS)
		rto = CONFIG_TCP_RTO_MAX_MS;
	c->rto_ms = (uint32_t)rto;
}

void tcp_rexmt_restart(struct tcp_conn *c)
{
	if (c->flags & TF_PERSIST)
		return;
	if (c->snd_una == c->snd_max) { /* RFC 6298 5.2: all acknowledged */
		c->rexmt_at = 0;
		return;
	}
	c->rexmt_at = clock_ns() + (uint64_t)tcp_rto_backed_off(c) * NSEC_PER_MSEC;
}

void tcp_delack_arm(struct tcp_conn *c)
{
	if (!c->delack_at)
		c->delack_at = clock_ns() + CONFIG_TCP_DELACK_MS * NSEC_PER_MSEC;
}

/* The persist interval: the RTO backed off per probe, at least 200 ms, at most 60 s. */
void tcp_persist_arm(struct tcp_conn *c)
{
	c->flags |= TF_PERSIST;
	c->rexmt_at = clock_ns() + (uint64_t)tcp_rto_backed_off(c) * NSEC_PER_MSEC;
}

void tcp_enter_time_wait(struct tcp_conn *c)
{
	tcp_set_state(c, TCP_TIME_WAIT); /* its rings go once the application had its events */
	c->rexmt_at = 0;
	c->flags &= ~TF_PERSIST;
	c->idle_at = clock_ns() + CONFIG_TCP_TIME_WAIT_MS * NSEC_PER_MSEC;
	if (c->ops && !(c->flags & TF_ORPHAN)) { /* both directions are done for the application */
		c->err = 0;
		tcp_notify(c, TEV_CLOSED);
	}
}

/* RFC 5681 (4) and 3.1: a timeout means one segment in flight, slow start from there;
 * RFC 6582 4: recover moves to the highest sequence sent, so no fast retransmit follows for
 * losses this timeout already answered. snd_nxt goes back to snd_una (go-back-N). */
static void rexmt_data(struct tcp_conn *c)
{
	if (c->backoff == 1) {
		uint32_t half = tcp_flight(c) / 2;
		c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
	}
	c->cwnd = c->mss;
	c->bytes_acked = 0;
	c->dupacks = 0;
	c->flags &= ~(TF_RECOVERY | TF_RTT);
	tcp_sack_clear(c); /* go-back-N from snd_una; the peer reports again what it holds */
	c->recover = c->snd_max;
	c->snd_nxt = c->snd_una;
	net_st.tcp.rexmt_timeout++;
}

static void rexmt_fire(struct tcp_conn *c)
{
	unsigned limit = c->state == TCP_SYN_SENT   ? CONFIG_TCP_SYN_RETRIES
			 : c->state == TCP_SYN_RCVD ? CONFIG_TCP_SYNACK_RETRIES
						    : CONFIG_TCP_RETRIES;
	if (c->snd_una == c->snd_max && c->state != TCP_SYN_SENT)
		return;
	if (++c->backoff > limit) {
		net_st.tcp.timedout++;
		if (c->state != TCP_SYN_RCVD)
			tcp_send_rst(c); /* tell a peer that is still there */
		tcp_drop(c, -ETIMEDOUT);
		return;
	}
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD) {
		if (c->state == TCP_SYN_RCVD)
			net_st.tcp.synack_rexmt++;
		c->snd_nxt = c->iss;
		tcp_send_syn(c);
		return;
	}
	rexmt_data(c);
	c->rexmt_at = clock_ns() + (uint64_t)tcp_rto_backed_off(c) * NSEC_PER_MSEC;
	/* tcp_dispatch's tcp_output resends from snd_una, one segment (cwnd = 1 MSS) */
}

/* A zero window: one byte past it makes the peer answer with its window. A window too small to
 * use without silly segments: send what fits anyway. A closed connection whose peer never
 * opens is given up after CONFIG_TCP_RETRIES probes. */
static void persist_fire(struct tcp_conn *c)
{
	uint32_t seq = c->snd_una;
	if (c->snd_wnd) { /* a window too small to fill (SWS): the override of RFC 1122 4.2.3.4 */
		c->flags &= ~TF_PERSIST;
		c->flags |= TF_FORCE;
		return; /* tcp_output sends */
	}
	if (c->backoff < 255)
		c->backoff++;
	if ((c->flags & TF_ORPHAN) && c->backoff > CONFIG_TCP_RETRIES) {
		net_st.tcp.timedout++;
		tcp_send_rst(c);
		tcp_drop(c, -ETIMEDOUT);
		return;
	}
	if (!seq_lt(seq, c->snd_end)) {
		c->flags &= ~TF_PERSIST; /* nothing to probe with any more */
		return;
	}
	net_st.tcp.persist_probe++;
	tcp_persist_probe(c);
	tcp_persist_arm(c);
}

static void idle_fire(struct tcp_conn *c)
{
	if (c->state == TCP_TIME_WAIT || c->state == TCP_FIN_WAIT_2)
		tcp_drop(c, 0);
}

static void tcp_timer_fire(struct timer *t)
{
	struct tcp_conn *c = t->arg;
	uint64_t now = clock_ns();
	if (c->state == TCP_CLOSED)
		return;
	c->flags |= TF_BUSY;
	if (c->delack_at && c->delack_at <= now) {
		c->delack_at = 0;
		net_st.tcp.delack++;
		c->flags |= TF_ACKNOW;
	}
	if (c->rexmt_at && c->rexmt_at <= now) {
		c->rexmt_at = 0;
		if (c->flags & TF_PERSIST)
			persist_fire(c);
		else
			rexmt_fire(c);
	}
	if (c->idle_at && c->idle_at <= now && !(c->flags & TF_DEAD)) {
		c->idle_at = 0;
		idle_fire(c);
	}
	tcp_dispatch(c);
}
