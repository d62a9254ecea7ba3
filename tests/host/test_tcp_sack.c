/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SACK (RFC 2018) both ways: the blocks our ACKs carry (the latest range first, at most four,
 * data shrinking by their bytes, still there after a timeout), the window our duplicate ACKs
 * keep while a hole is open, and recovery driven by the peer's blocks when its ACKs ride on
 * data (RFC 6675). After every test the mbuf pool is back to full.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/tcp.h"
#include "app/app.h"
#include "tests/host/test.h"
#include "tests/host/fake_netdev.h"
#include "tests/host/fake_tcp.h"
#include "tests/host/tcp_peer.h"

static const struct tcp_stats *ts(void)
{
	return &net_stats()->tcp;
}

/* ---- SACK (RFC 2018) as a receiver: our ACKs report the out-of-order ranges ---- */

static void test_sack_blocks(void)
{
	struct tseg s;
	tstart();
	sack_perm = true;
	ok(handshake_opts(1460, -1, &s), "handshake with SACK-permitted");
	ok(s.sack_perm, "SYN-ACK offers SACK-permitted back");
	uint32_t p0 = pseq;
	psend(p0 + 1000, gseq, T_ACK, pat, 100); /* [1000,1100) */
	ok(last_seg(&s) && s.nsack == 1 && s.sack[0][0] == p0 + 1000 && s.sack[0][1] == p0 + 1100,
	   "one block");
	psend(p0 + 3000, gseq, T_ACK, pat, 100); /* [3000,3100) */
	ok(last_seg(&s) && s.nsack == 2 && s.sack[0][0] == p0 + 3000 && s.sack[1][0] == p0 + 1000,
	   "the latest range first (RFC 2018 4)");
	psend(p0 + 1100, gseq, T_ACK, pat, 100); /* joins the first: [1000,1200) */
	ok(last_seg(&s) && s.nsack == 2 && s.sack[0][0] == p0 + 1000 && s.sack[0][1] == p0 + 1200 &&
		   s.sack[1][0] == p0 + 3000,
	   "the range just grown first");
	for (int i = 0; i < 4; i++)
		psend(p0 + 5000 + (uint32_t)i * 200, gseq, T_ACK, pat, 100);
	ok(last_seg(&s) && s.nsack == 4 && s.hlen == 20 + 36 && s.sack[0][0] == p0 + 5600,
	   "at most 4 blocks, 36 option bytes");
	/* data from us while ranges are held: options count against the MSS */
	fake_clear(&F);
	A.c->cwnd = 20000;
	tcp_send(A.c, pat, 3000);
	ok(tx_seg(0, &s) && s.len == 1460 - 36 && s.nsack == 4, "data segment of MSS - 36 (%zu)",
	   s.len);
	fake_clear(&F);
	psend(p0, gseq, T_ACK, pat, 1000); /* fills the first hole */
	ok(last_seg(&s) && s.ack == p0 + 1200 && s.nsack == 4 && s.sack[0][0] == p0 + 5600 &&
		   s.sack[1][0] == p0 + 3000,
	   "hole filled: the latest range, then the rest from the left");
	/* still on after a retransmission timeout (the flags that timeouts clear are others) */
	fake_clear(&F);
	advance_ms(A.c->rto_ms);
	ok(F.ntx >= 1 && (A.c->flags & TF_SACK), "RTO: retransmitted, SACK still agreed");
	fake_clear(&F);
	psend(p0 + 9000, gseq, T_ACK, pat, 100);
	ok(last_seg(&s) && s.nsack >= 1 && s.sack[0][0] == p0 + 9000, "blocks after the RTO too");
	finish("SACK blocks");
	/* duplicate ACKs keep their window while a hole is open, though the reader drains */
	tstart();
	ok(handshake(), "handshake");
	A.hold = true;
	pdata(pat, 1000);			  /* readable, not read */
	psend(pseq + 500, gseq, T_ACK, pat, 100); /* a hole before it */
	ok(last_seg(&s), "duplicate ACK");
	uint16_t w0 = s.wnd;
	uint8_t buf[1000];
	ok(tcp_read(A.c, buf, sizeof(buf)) == 1000, "the reader drains");
	psend(pseq + 700, gseq, T_ACK, pat, 100);
	ok(last_seg(&s) && s.ack == pseq && s.wnd == w0,
	   "window unchanged in duplicate ACKs: %u == %u", s.wnd, w0);
	psend(pseq, gseq, T_ACK, pat, 700); /* the holes filled: the window moves on */
	ok(last_seg(&s) && s.ack == pseq + 800 && s.wnd > w0 - 800, "then it opens (%u)", s.wnd);
	sack_perm = false;
	finish("SACK blocks");
}

/* A connection from a peer that offered SACK-permitted, established. */
static struct tcp_conn *sack_conn(void)
{
	tstart();
	sack_perm = true;
	ok(handshake(), "handshake with SACK");
	return A.c;
}

/* ---- SACK-driven recovery: the peer's ACKs ride on its data, so none is a duplicate ---- */

static void sack_ack(uint32_t ack, const uint32_t (*blk)[2], int n, const void *data, size_t len)
{
	uint8_t o[40];
	size_t k = 0;
	o[k++] = 1;
	o[k++] = 1;
	o[k++] = 5;
	o[k++] = (uint8_t)(2 + 8 * n);
	for (int i = 0; i < n; i++, k += 8) {
		wr32(o + k, blk[i][0]);
		wr32(o + k + 4, blk[i][1]);
	}
	psend_to(LPORT, pseq, ack, T_ACK, pwnd, o, k, data, len);
	pseq += (uint32_t)len;
}

static void test_sack_recovery(void)
{
	struct tseg s;
	struct tcp_conn *c = sack_conn();
	A.echo = false;
	c->cwnd = 10 * 1460;
	ok(tcp_send(c, pat, 14600) == 14600 && F.ntx == 10, "ten segments in flight");
	fake_clear(&F);
	uint32_t una = gseq, m = 1460;
	/* segments 0 and 3 lost; the peer says so in SACK blocks on its own data segments */
	uint32_t b1[1][2] = { { una + m, una + 3 * m } };
	sack_ack(una, b1, 1, "d1", 2);
	ok(F.ntx == 0 && !(c->flags & TF_RECOVERY), "two segments SACKed: not yet a loss");
	uint32_t b2[2][2] = { { una + 4 * m, una + 6 * m }, { una + m, una + 3 * m } };
	sack_ack(una, b2, 2, "d2", 2);
	ok((c->flags & TF_SACK_REC) && ts()->fast_rexmt == 1, "four SACKed above: recovery");
	ok(F.ntx >= 1 && tx_seg(0, &s) && s.seq == una && s.len == m, "segment 0 resent at once");
	ok(c->dupacks == 2, "ACKs carrying data and new SACK blocks count as duplicates (%u)",
	   c->dupacks);
	fake_clear(&F);
	/* more SACKs arrive: the pipe drains, and the second hole (segment 3) goes too */
	uint32_t b3[2][2] = { { una + 4 * m, una + 10 * m }, { una + m, una + 3 * m } };
	sack_ack(una, b3, 2, "d3", 2);
	bool resent3 = false;
	for (int i = 0; i < F.ntx; i++)
		resent3 |= tx_seg(i, &s) && s.seq == una + 3 * m && s.len == m;
	ok(resent3, "the second hole resent in the same round trip");
	ok(tcp_sack_pipe(c) == 2 * m, "pipe: the two retransmissions (%u)", tcp_sack_pipe(c));
	fake_clear(&F);
	/* the cumulative ACK covers everything: recovery over, no timeout on the way */
	gseq = una + 10 * m;
	pack();
	ok(!(c->flags & TF_RECOVERY) && c->nsacked == 0, "full ACK: recovery over, board empty");
	ok(ts()->rexmt_timeout == 0 && ts()->rexmt == 2, "two retransmissions, no timeout (%llu)",
	   (unsigned long long)ts()->rexmt);
	/* blocks that say nothing: D-SACK below snd_una, beyond what was sent */
	uint32_t bad[2][2] = { { una, una + m }, { gseq + 100, gseq + 200 } };
	sack_ack(gseq, bad, 2, NULL, 0);
	ok(c->nsacked == 0, "D-SACK and blocks beyond snd_max ignored");
	sack_perm = false;
	finish("SACK recovery");
}

/* ---- a lost retransmission, seen in the scoreboard: resent without waiting for the RTO ---- */

static void test_lost_retransmission(void)
{
	struct tseg s;
	struct tcp_conn *c = sack_conn();
	uint32_t una = gseq, m = 1460;
	c->cwnd = 8 * m;
	ok(tcp_send(c, pat, CONFIG_TCP_SNDBUF) == CONFIG_TCP_SNDBUF && F.ntx == 8,
	   "eight segments out, the rest queued");
	fake_clear(&F);
	uint32_t b1[1][2] = { { una + m, una + 8 * m } }; /* 1-7 arrived, 0 lost */
	sack_ack(una, b1, 1, "d", 1);
	ok((c->flags & TF_SACK_REC) && tx_seg(0, &s) && s.seq == una, "recovery: 0 resent");
	uint32_t sent_after = 0;
	for (int i = 1; i < F.ntx; i++)
		sent_after += tx_seg(i, &s) && seq_geq(s.seq, una + 8 * m) ? 1 : 0;
	ok(sent_after >= 1, "new data went out after the retransmission (%u)", sent_after);
	fake_clear(&F);
	/* the new data arrives, the retransmission of 0 does not */
	uint32_t b2[1][2] = { { una + m, una + (8 + sent_after) * m } };
	sack_ack(una, b2, 1, "e", 1);
	ok(ts()->rexmt_lost == 1 && F.ntx >= 1 && tx_seg(0, &s) && s.seq == una,
	   "the lost retransmission is resent at once (%llu)",
	   (unsigned long long)ts()->rexmt_lost);
	ok(ts()->rexmt_timeout == 0, "no timeout");
	sack_perm = false;
	finish("lost retransmission");
}

/* ---- a small window: limited transmit on SACKs (RFC 3042, 6675) instead of a timeout ---- */

static void test_small_window_recovery(void)
{
	struct tseg s;
	struct tcp_conn *c = sack_conn();
	uint32_t una = gseq, m = 1460;
	c->cwnd = 2 * m;
	c->ssthresh = 2 * m;
	ok(tcp_send(c, pat, 10 * m) == (long)(10 * m) && F.ntx == 2, "two segments out");
	fake_clear(&F);
	/* 0 lost; each ACK (carrying the peer's data) SACKs one more: one new segment each */
	for (uint32_t k = 1; k <= 3; k++) {
		uint32_t b[1][2] = { { una + m, una + (k + 1) * m } };
		sack_ack(una, b, 1, "z", 1);
		if (k < 3)
			ok(F.ntx == 1 && tx_seg(0, &s) && s.seq == una + (k + 1) * m,
			   "SACK %u: limited transmit sends segment %u", k, k + 1);
		fake_clear(&F);
	}
	ok((c->flags & TF_SACK_REC) && ts()->rexmt >= 1, "third: SACK recovery, 0 resent");
	ok(ts()->rexmt_timeout == 0, "without a timeout");
	sack_perm = false;
	finish("small-window recovery");
}

int main(void)
{
	mbuf_pool_init();
	fill_pattern();
	test_sack_blocks();
	test_sack_recovery();
	test_lost_retransmission();
	test_small_window_recovery();
	TEST_DONE();
}
