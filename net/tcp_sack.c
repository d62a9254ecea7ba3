/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sender's side of SACK (RFC 2018): a scoreboard of the ranges above snd_una the peer
 * says it holds, and loss recovery driven by it, after RFC 6675 (simplified: every hole below
 * the highest SACKed byte counts as lost once recovery starts). It matters most when data flows
 * both ways, as through an echo: the peer's ACKs then ride on its data, which RFC 5681 never
 * counts as duplicate ACKs, so without SACK every loss would wait for the RTO.
 */
#include "net/tcp.h"

static uint32_t sacked_bytes(const struct tcp_conn *c)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < c->nsacked; i++)
		n += c->sacked[i].end - c->sacked[i].start;
	return n;
}

static uint32_t highest_sack(const struct tcp_conn *c)
{
	return c->nsacked ? c->sacked[c->nsacked - 1].end : c->snd_una;
}

/* Drop what the cumulative ACK now covers. */
static void prune(struct tcp_conn *c)
{
	unsigned k = 0;
	while (k < c->nsacked && seq_leq(c->sacked[k].end, c->snd_una))
		k++;
	if (k)
		tcp_range_remove(c->sacked, &c->nsacked, 0, k);
	if (c->nsacked && seq_lt(c->sacked[0].start, c->snd_una))
		c->sacked[0].start = c->snd_una;
}

uint32_t tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t before;
	prune(c);
	before = sacked_bytes(c);
	for (unsigned i = 0; i < s->nsack; i++) {
		uint32_t l = s->sack[i][0], r = s->sack[i][1];
		/* D-SACKs (below snd_una, RFC 2883) and blocks beyond what we sent say nothing */
		if (!seq_lt(l, r) || seq_leq(r, c->snd_una) || seq_gt(r, c->snd_max))
			continue;
		if (seq_lt(l, c->snd_una))
			l = c->snd_una;
		tcp_range_add(c->sacked, &c->nsacked, CONFIG_TCP_OOO_MAX, c->snd_una, l, r);
	}
	/* Data sent after a hole was resent is SACKed, the hole is not: that retransmission was
	 * lost too. Resend the holes from the start instead of waiting for the timer (the idea of
	 * RACK's loss detection, RFC 8985 6.2, on the scoreboard's terms). */
	if ((c->flags & TF_SACK_REC) && c->nsacked && seq_gt(c->rexmt_next, c->snd_una) &&
	    seq_lt(c->snd_una, c->sacked[0].start) && seq_gt(highest_sack(c), c->rexmt_mark)) {
		net_st.tcp.rexmt_lost++;
		c->rexmt_next = c->snd_una;
		c->rexmt_mark = c->snd_max;
	}
	return sacked_bytes(c) - before;
}

/* RFC 6675 IsLost(snd_una) with DupThresh 3: (DupThresh - 1) * SMSS + 1 bytes SACKed above. */
bool tcp_sack_lost(const struct tcp_conn *c)
{
	return c->nsacked && sacked_bytes(c) > 2u * c->mss;
}

static bool next_seg(const struct tcp_conn *c, uint32_t *seq, uint32_t *len);

/* RFC 6675 5 (4.1-4.3): halve, and send the first lost segment at once, whatever the pipe. */
void tcp_sack_enter(struct tcp_conn *c)
{
	uint32_t half = tcp_flight(c) / 2, seq, len;
	c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
	c->cwnd = c->ssthresh;
	c->recover = c->snd_max;
	c->rexmt_next = c->snd_una;
	c->rexmt_mark = c->snd_max;
	c->flags |= TF_RECOVERY | TF_SACK_REC;
	c->flags &= ~TF_RTT; /* Karn: what is retransmitted now is never timed */
	net_st.tcp.fast_rexmt++;
	if (next_seg(c, &seq, &len) && tcp_send_data_at(c, seq, len))
		c->rexmt_next = seq + len;
}

/* The holes below the highest SACK, as [start, end) pieces in order: hole i ends where SACKed
 * range i starts. */
static bool hole(const struct tcp_conn *c, unsigned i, uint32_t *start, uint32_t *end)
{
	if (i >= c->nsacked)
		return false;
	*start = i ? c->sacked[i - 1].end : c->snd_una;
	*end = c->sacked[i].start;
	return true;
}

uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
	uint32_t pipe = c->snd_max - highest_sack(c), s, e;
	for (unsigned i = 0; hole(c, i, &s, &e); i++) {
		if (seq_lt(c->rexmt_next, e))
			e = seq_max(c->rexmt_next,
				    s); /* only the retransmitted part is in flight */
		pipe += e - s;
	}
	return pipe;
}

/* RFC 6675 NextSeg rule 1: the first byte not SACKed, not yet retransmitted, below the highest
 * SACK; with the length of its piece (at most one MSS). */
static bool next_seg(const struct tcp_conn *c, uint32_t *seq, uint32_t *len)
{
	uint32_t s, e;
	for (unsigned i = 0; hole(c, i, &s, &e); i++) {
		s = seq_max(s, c->rexmt_next);
		if (!seq_lt(s, e))
			continue;
		*seq = s;
		*len = e - s < c->mss ? e - s : c->mss;
		return true;
	}
	return false;
}

void tcp_sack_rexmit(struct tcp_conn *c)
{
	uint32_t seq, len;
	while (c->cwnd >= tcp_sack_pipe(c) + c->mss && next_seg(c, &seq, &len)) {
		if (!tcp_send_data_at(c, seq, len))
			return;
		c->rexmt_next = seq + len;
	}
}

void tcp_sack_clear(struct tcp_conn *c)
{
	c->nsacked = 0;
	c->flags &= ~TF_SACK_REC;
}
