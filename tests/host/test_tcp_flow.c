/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP over the fake NIC, part 2: data. The echo service end to end; out-of-order segments
 * reassembled in place (merging, a full range table, a FIN beyond a hole); windows (ours
 * closing when nobody reads, the peer's zero window and the persist timer, scaling, silly
 * window avoidance); retransmission (RTO with go-back-N, Karn), fast retransmit and NewReno
 * recovery with the RFC's window arithmetic; delayed ACKs; Nagle; MSS clamping (SACK is in
 * test_tcp_sack.c). After every test the mbuf pool is back to full.
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

static uint8_t got[1 << 20];

/* ---- the echo service (app/tcpecho.c) against a well-behaved peer ---- */

static void test_echo_service(void)
{
	const size_t total = 200000;
	size_t sent = 0, back = 0;
	uint32_t base;
	bool fin = false;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	tapp_reset();
	ok(tcpecho_init() == 0, "echo listens");
	/* handshake to port 7 */
	pseq = PISS;
	psend_to(7, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	struct tseg s;
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK), "SYN-ACK from echo");
	gseq = s.seq + 1;
	base = gseq;
	pseq++;
	fake_clear(&F);
	psend_to(7, pseq, gseq, T_ACK, 65535, NULL, 0, NULL, 0);
	/* send in MSS pieces, acknowledge what comes back, until all is echoed */
	for (int round = 0; round < 100000 && (back < total || !fin); round++) {
		size_t n = total - sent < 1460 ? total - sent : 1460;
		struct tcp_conn *c = find_conn(7, PPORT);
		uint32_t room = c ? CONFIG_TCP_RCVBUF - (c->rcv_nxt - c->rcv_user) : 0;
		if (n && room >= n && !(round % 3 == 2)) {
			psend_to(7, pseq, gseq, T_ACK, 65535, NULL, 0, pat + sent, n);
			pseq += (uint32_t)n;
			sent += n;
			if (sent == total) {
				psend_to(7, pseq, gseq, T_ACK | T_FIN, 65535, NULL, 0, NULL, 0);
				pseq++;
			}
		}
		for (int i = 0; i < F.ntx; i++) {
			if (!tx_seg(i, &s) || s.sport != 7)
				continue;
			uint32_t off = s.seq - base;
			if (s.len && off + s.len <= sizeof(got))
				memcpy(got + off, s.data, s.len);
			if (off + s.len > back && off <= back)
				back = off + s.len;
			if (s.flags & T_FIN)
				fin = true;
		}
		bool f;
		gseq = tx_end(&f);
		fake_clear(&F);
		psend_to(7, pseq, gseq, T_ACK, 65535, NULL, 0, NULL, 0);
		if (round % 50 == 49)
			advance_ms(50);
	}
	ok(back == total && memcmp(got, pat, total) == 0, "%zu of %zu bytes echoed intact", back,
	   total);
	ok(fin, "echo closed after the peer");
	fake_clear(&F);
	ok(tcp_conn_count() == 0, "connection gone after the last ACK (%u)", tcp_conn_count());
	ok(ts()->rexmt == 0, "no retransmission on a clean link");
	finish("echo service");
}

/* ---- out-of-order reassembly ---- */

static void test_reassembly(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	/* 8 segments of 100 bytes, arriving in the order 7 5 3 1 6 4 2 0 */
	static const int order[] = { 7, 5, 3, 1, 6, 4, 2, 0 };
	uint32_t p0 = pseq;
	for (int k = 0; k < 8; k++) {
		int i = order[k];
		psend(p0 + (uint32_t)i * 100, gseq, T_ACK, pat + i * 100, 100);
		if (k < 7)
			ok(last_seg(&s) && s.flags == T_ACK && s.ack == p0 && F.ntx == k + 1,
			   "out-of-order segment %d: immediate duplicate ACK", i);
	}
	ok(A.ngot == 800 && memcmp(A.got, pat, 800) == 0, "all 800 bytes in order");
	ok(last_seg(&s) && s.ack == p0 + 800, "the gap filled: ACK of everything");
	ok(ts()->ooo_rx == 7, "7 out-of-order segments counted");
	pseq = p0 + 800;
	fake_clear(&F);
	/* overlapping and duplicate pieces */
	psend(pseq + 50, gseq, T_ACK, pat + 850, 100); /* [850,950) */
	psend(pseq + 20, gseq, T_ACK, pat + 820, 100); /* [820,920) overlaps */
	psend(pseq + 20, gseq, T_ACK, pat + 820, 100); /* duplicate */
	psend(pseq - 30, gseq, T_ACK, pat + 770, 60);  /* [770,830): old + new */
	ok(A.ngot == 950 && memcmp(A.got, pat, 950) == 0, "overlaps merged: %zu bytes", A.ngot);
	pseq += 150;
	/* the range table holds CONFIG_TCP_OOO_MAX ranges; one more disjoint one is dropped */
	uint64_t full = ts()->drop_ooo_full;
	for (int i = 0; i <= CONFIG_TCP_OOO_MAX; i++)
		psend(pseq + 10 + (uint32_t)i * 20, gseq, T_ACK, pat + 950 + 10 + i * 20, 10);
	ok(ts()->drop_ooo_full == full + 1, "range table full: one dropped");
	ok(A.c->nooo == CONFIG_TCP_OOO_MAX, "%d ranges held", CONFIG_TCP_OOO_MAX);
	/* fill everything: the dropped piece is resent by the peer; all comes together */
	psend(pseq, gseq, T_ACK, pat + 950, 10 + CONFIG_TCP_OOO_MAX * 20 + 10);
	pseq += 10 + CONFIG_TCP_OOO_MAX * 20 + 10;
	ok(A.ngot == 950 + 10 + CONFIG_TCP_OOO_MAX * 20 + 10 && memcmp(A.got, pat, A.ngot) == 0 &&
		   A.c->nooo == 0,
	   "all ranges pulled in: %zu", A.ngot);
	/* a FIN beyond a hole waits for the hole */
	psend(pseq + 10, gseq, T_ACK | T_FIN, pat + 2000, 10);
	ok(!A.eof && cstate(A.c) == TCP_ESTABLISHED, "FIN beyond a hole: not yet");
	psend(pseq, gseq, T_ACK, pat + 1990, 10);
	ok(A.eof && cstate(A.c) == TCP_CLOSE_WAIT, "hole filled: FIN taken, CLOSE-WAIT");
	ok(last_seg(&s) && s.ack == pseq + 21, "FIN acknowledged");
	finish("reassembly");
	/* bytes held beyond a FIN were never data: the FIN in order discards them */
	tstart();
	ok(handshake(), "handshake 2");
	psend(pseq + 101, gseq, T_ACK, pat, 50); /* beyond where the FIN will be */
	ok(A.c->nooo == 1, "a range held");
	psend(pseq, gseq, T_ACK | T_FIN, pat, 100); /* FIN at pseq + 100 */
	ok(A.eof && A.ngot == 100 && A.c->nooo == 0, "FIN in order: the range beyond it dropped");
	ok(tcp_readable(A.c) == 0 && A.c->rcv_nxt == pseq + 101, "nothing readable past the FIN");
	finish("data beyond FIN");
}

/* ---- our receive window: an application that does not read ---- */

static void test_rcv_window(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	A.hold = true;
	uint32_t sent = 0;
	while (sent < CONFIG_TCP_RCVBUF) {
		uint32_t n = CONFIG_TCP_RCVBUF - sent < 1460 ? CONFIG_TCP_RCVBUF - sent : 1460;
		psend(pseq, gseq, T_ACK, pat + sent, n);
		pseq += n;
		sent += n;
	}
	advance_ms(CONFIG_TCP_DELACK_MS);
	ok(last_seg(&s) && s.wnd == 0 && s.ack == pseq, "ring full: window 0 (%u)", s.wnd);
	fake_clear(&F);
	/* more data beyond the window is not taken; the probe byte gets an ACK with window 0 */
	psend(pseq, gseq, T_ACK, pat + sent, 1);
	ok(last_seg(&s) && s.ack == pseq && s.wnd == 0, "zero-window probe answered");
	ok(tcp_readable(A.c) == CONFIG_TCP_RCVBUF, "nothing beyond the ring");
	fake_clear(&F);
	/* the application reads a little: no update for less than two segments (SWS) */
	uint8_t buf[4096];
	ok(tcp_read(A.c, buf, 1000) == 1000 && memcmp(buf, pat, 1000) == 0, "read 1000");
	ok(F.ntx == 0, "no window update for 1000 bytes");
	ok(tcp_read(A.c, buf, 3000) == 3000 && memcmp(buf, pat + 1000, 3000) == 0, "read 3000");
	ok(last_seg(&s) && s.flags == T_ACK && s.wnd >= 2920, "window update: %u", s.wnd);
	ok(ts()->window_update >= 1, "counted");
	/* the window never moves left, even when the application stops again */
	uint32_t edge = s.ack + s.wnd;
	fake_clear(&F);
	psend(pseq, gseq, T_ACK, pat + sent, 500);
	pseq += 500;
	advance_ms(CONFIG_TCP_DELACK_MS);
	ok(last_seg(&s) && s.ack + s.wnd >= edge, "right edge kept: %u >= %u", s.ack + s.wnd, edge);
	finish("receive window");
	/* nearly full: less room than SWS avoidance would offer, yet the edge may not move back */
	tstart();
	ok(handshake(), "handshake 2");
	A.hold = true;
	for (uint32_t sent2 = 0; sent2 < 15000;) {
		uint32_t n = 15000 - sent2 < 1460 ? 15000 - sent2 : 1460;
		psend(pseq, gseq, T_ACK, pat + sent2, n);
		pseq += n;
		sent2 += n;
	}
	advance_ms(CONFIG_TCP_DELACK_MS);
	ok(last_seg(&s) && s.ack == pseq && s.wnd == CONFIG_TCP_RCVBUF - 15000,
	   "window %u: what is left, not 0 (that would move the edge back)", s.wnd);
	finish("receive window");
}

/* ---- the peer's zero window: the persist timer ---- */

static void test_persist(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	pwnd = 0;
	pack();
	ok(tcp_send(A.c, pat, 3000) == 3000, "queued");
	ok(F.ntx == 0, "nothing goes into a zero window");
	uint64_t t = A.c->rto_ms;
	for (int i = 0; i < 5; i++) {
		advance_ms(t);
		ok(last_seg(&s) && s.len == 1 && s.seq == gseq && s.data[0] == pat[0],
		   "probe %d: one byte at snd_una after %llu ms", i, (unsigned long long)t);
		fake_clear(&F);
		pack(); /* the peer still has no room: ACK without the byte, window 0 */
		t *= 2;
	}
	ok(ts()->persist_probe == 5 && ts()->fast_rexmt == 0, "probes are not duplicate ACKs");
	ok(A.c && cstate(A.c) == TCP_ESTABLISHED, "a live peer is probed as long as it answers");
	/* the window opens: data flows from snd_una again */
	pwnd = 65535;
	pack();
	ok(F.ntx >= 2 && tx_seg(0, &s) && s.seq == gseq && s.len == 1460, "window open: data");
	finish("persist");
}

/* ---- a window too small for sender SWS avoidance: the persist timer overrides it ---- */

static void test_sws_override(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake"); /* the peer offered 65535 */
	pwnd = 256; /* now only 256: less than an MSS and less than half the largest window */
	pack();
	ok(tcp_send(A.c, pat, 3000) == 3000 && F.ntx == 0, "no silly 256-byte segment at once");
	advance_ms(A.c->rto_ms);
	ok(last_seg(&s) && s.len == 256 && s.seq == gseq, "the override timer sends what fits");
	gseq += 256;
	fake_clear(&F);
	pack();
	advance_ms(2000);
	ok(F.ntx >= 1 && tx_seg(0, &s) && s.seq == gseq && s.len == 256, "and again: no stall");
	finish("SWS override");
}

/* ---- retransmission timeout: go-back-N, Karn, slow start afterwards ---- */

static void test_rto_recovery(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	struct tcp_conn *c = A.c;
	ok(c->cwnd == 3 * 1460, "initial window 3 segments (RFC 5681): %u", c->cwnd);
	ok(tcp_send(c, pat, 4380) == 4380 && F.ntx == 3, "three segments out");
	fake_clear(&F);
	uint32_t rto = c->rto_ms, srtt = c->srtt_us;
	advance_ms(rto);
	ok(F.ntx == 1 && tx_seg(0, &s) && s.seq == gseq && s.len == 1460, "RTO: first resent");
	ok(c->cwnd == 1460 && c->ssthresh == 2 * 1460, "cwnd 1 MSS, ssthresh %u", c->ssthresh);
	ok(!(c->flags & TF_RTT), "Karn: the retransmission is not timed");
	fake_clear(&F);
	/* the ACK of it: slow start, the next two go (go-back-N from snd_una) */
	gseq += 1460;
	advance_ms(5);
	pack();
	ok(c->srtt_us == srtt, "no RTT sample from a retransmitted segment");
	ok(c->cwnd == 2 * 1460 && F.ntx == 2, "cwnd 2 MSS, two segments resent (%d)", F.ntx);
	ok(c->backoff == 0 && c->rto_ms == rto, "new data acknowledged: backoff cleared");
	fake_clear(&F);
	gseq += 2920;
	pack();
	ok(c->snd_una == c->snd_max && !c->rexmt_at, "all acknowledged: timer stopped");
	finish("RTO recovery");
}

/* ---- fast retransmit and NewReno (RFC 5681 3.2, RFC 6582 3.2) ---- */

static void test_newreno(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	struct tcp_conn *c = A.c;
	c->cwnd = 10 * 1460; /* as after slow start */
	ok(tcp_send(c, pat, 14600) == 14600 && F.ntx == 10, "ten segments in flight");
	fake_clear(&F);
	uint32_t una = gseq;
	/* segments 0 and 4 lost: dup ACKs for 1, 2, 3 */
	pack();
	pack();
	ok(F.ntx == 0 && c->dupacks == 2,
	   "two duplicates: nothing yet (limited transmit: no new data)");
	pack();
	ok(F.ntx == 1 && tx_seg(0, &s) && s.seq == una && s.len == 1460, "third: fast retransmit");
	ok(!(c->flags & TF_RTT), "Karn: no round trip timed across a retransmission");
	ok(c->flags & TF_RECOVERY, "in recovery");
	ok(c->ssthresh == 5 * 1460 && c->cwnd == 8 * 1460, "ssthresh = flight/2, cwnd = +3 MSS");
	ok(c->recover == una + 14600, "recover = highest sent");
	fake_clear(&F);
	/* dups for 5..9: window inflates */
	for (int i = 0; i < 5; i++)
		pack();
	ok(c->cwnd == 13 * 1460, "inflated by one MSS per duplicate: %u", c->cwnd / 1460);
	fake_clear(&F);
	/* partial ACK: up to segment 4 (lost too): retransmit it at once, deflate */
	gseq = una + 4 * 1460;
	pack();
	ok(ts()->partial_ack == 1 && F.ntx >= 1 && tx_seg(0, &s) && s.seq == una + 4 * 1460,
	   "partial ACK: the next hole resent");
	ok(c->cwnd == 13 * 1460 - 4 * 1460 + 1460, "deflated by the acked amount, plus one MSS");
	ok(c->flags & TF_RECOVERY, "still in recovery");
	fake_clear(&F);
	/* full ACK: leave recovery with cwnd = min(ssthresh, flight + MSS) */
	gseq = una + 14600;
	pack();
	ok(!(c->flags & TF_RECOVERY), "full ACK: recovery over");
	ok(c->cwnd <= c->ssthresh, "cwnd %u <= ssthresh %u", c->cwnd, c->ssthresh);
	ok(ts()->fast_rexmt == 1 && ts()->rexmt_timeout == 0, "one fast retransmit, no timeout");
	finish("NewReno");
}

/* ---- delayed ACK ---- */

static void test_delack(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	pdata("a", 1);
	ok(F.ntx == 0, "one small segment: ACK delayed");
	advance_ms(CONFIG_TCP_DELACK_MS - 1);
	ok(F.ntx == 0, "still delayed");
	advance_ms(1);
	ok(last_seg(&s) && s.ack == pseq && F.ntx == 1, "ACK after %d ms", CONFIG_TCP_DELACK_MS);
	ok(ts()->delack == 1, "counted");
	fake_clear(&F);
	pdata(pat, 1460);
	ok(F.ntx == 0, "one full segment: delayed");
	pdata(pat, 1460);
	ok(F.ntx == 1 && last_seg(&s) && s.ack == pseq, "second full segment: ACK at once");
	fake_clear(&F);
	/* data going our way carries the ACK: no separate one */
	A.echo = true;
	pdata("ping", 4);
	ok(F.ntx == 1 && last_seg(&s) && s.len == 4 && s.ack == pseq, "ACK rides on the reply");
	advance_ms(CONFIG_TCP_DELACK_MS * 2);
	ok(F.ntx == 1, "and no delayed ACK follows");
	finish("delayed ACK");
}

/* ---- Nagle and TCP_NODELAY ---- */

static void test_nagle(void)
{
	tstart();
	ok(handshake(), "handshake");
	ok(tcp_send(A.c, "a", 1) == 1 && F.ntx == 1, "first small segment goes");
	ok(tcp_send(A.c, "b", 1) == 1 && F.ntx == 1, "second waits (Nagle)");
	gseq++;
	pack();
	ok(F.ntx == 2, "sent after the ACK");
	gseq++;
	pack();
	fake_clear(&F);
	tcp_set_nodelay(A.c, true);
	tcp_send(A.c, "c", 1);
	tcp_send(A.c, "d", 1);
	ok(F.ntx == 2, "NODELAY: both at once");
	finish("Nagle");
}

/* ---- MSS: the peer's option, none, absurd ---- */

static void test_mss(void)
{
	static const struct {
		uint16_t opt;
		uint16_t want;
	} t[] = { { 536, 536 }, { 0, 536 }, { 20, 88 }, { 9000, 1460 }, { 1000, 1000 } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tseg s;
		tstart();
		ok(handshake_opts(t[i].opt, -1, NULL), "handshake MSS %u", t[i].opt);
		ok(A.c && A.c->mss == t[i].want, "MSS option %u: send MSS %u (want %u)", t[i].opt,
		   A.c ? A.c->mss : 0, t[i].want);
		A.c->cwnd = 20000;
		tcp_set_nodelay(A.c, true);
		tcp_send(A.c, pat, 3000);
		bool fine = F.ntx > 0;
		for (int k = 0; k < F.ntx; k++)
			fine &= tx_seg(k, &s) && s.len <= t[i].want;
		ok(fine, "segments within MSS %u", t[i].want);
		finish("MSS");
	}
}

/* ---- memory stays bounded: the echo service with a peer that stops reading ---- */

static void test_bounded(void)
{
	struct tseg s;
	size_t sent = 0;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	ok(tcpecho_init() == 0, "echo");
	pseq = 1;
	psend_to(7, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	ok(last_seg(&s), "SYN-ACK");
	gseq = s.seq + 1;
	pseq++;
	fake_clear(&F);
	/* the peer never acknowledges the echo and shrinks its window to 0 */
	psend_to(7, pseq, gseq, T_ACK, 0, NULL, 0, NULL, 0);
	for (int i = 0; i < 200; i++) {
		psend_to(7, pseq, gseq, T_ACK, 0, NULL, 0, pat + sent, 1460);
		struct tcp_conn *c = find_conn(7, PPORT);
		uint32_t took = c ? c->rcv_nxt - pseq : 0;
		pseq += took;
		sent += took;
		fake_clear(&F);
	}
	struct tcp_conn *c = find_conn(7, PPORT);
	ok(sent == CONFIG_TCP_RCVBUF + CONFIG_TCP_SNDBUF,
	   "the peer could push exactly both rings' worth: %zu", sent);
	ok(c && tcp_readable(c) == CONFIG_TCP_RCVBUF && tcp_send_space(c) == 0, "both rings full");
	ok(mbuf_pool_free_count() == MBUF_COUNT, "no mbuf held");
	psend_to(7, pseq, gseq, T_ACK, 0, NULL, 0, pat, 1);
	ok(last_seg(&s) && s.wnd == 0, "our window is shut");
	ok(ts()->drop_ooo_full == 0, "nothing counted as lost");
	finish("bounded");
}

/* ---- a long random transfer through a lossy, reordering link (both directions) ---- */

static void test_lossy_echo(void)
{
	const size_t total = 300000;
	size_t sent = 0, back = 0;
	uint32_t base, acked = 0;
	uint64_t seed = 7;
	struct tseg s;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	ok(tcpecho_init() == 0, "echo");
	pseq = PISS;
	psend_to(7, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	ok(last_seg(&s), "SYN-ACK");
	gseq = s.seq + 1;
	base = gseq;
	pseq++;
	fake_clear(&F);
	psend_to(7, pseq, gseq, T_ACK, 65535, NULL, 0, NULL, 0);
	/* the peer: sends a window of 8 segments beyond what the guest acknowledged, keeps what
	 * comes back in order, acknowledges it; 10% of frames each way are lost */
	uint32_t peer_una = pseq, p_start = pseq;
	static bool have[1 << 20];
	memset(have, 0, sizeof(have));
	for (int round = 0; round < 200000 && back < total; round++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		struct tcp_conn *c = find_conn(7, PPORT);
		if (c && seq_gt(c->rcv_nxt, peer_una))
			peer_una = c->rcv_nxt; /* what the guest has (its ACKs may be lost) */
		uint32_t off = (uint32_t)(seed >> 40) % (8 * 1460);
		uint32_t at = peer_una - p_start + off - off % 1460;
		if (at < total && (seed >> 20) % 10) {
			uint32_t n = total - at < 1460 ? (uint32_t)(total - at) : 1460;
			psend_to(7, p_start + at, base + acked, T_ACK, 65535, NULL, 0, pat + at, n);
			sent = at + n > sent ? at + n : sent;
		}
		for (int i = 0; i < F.ntx; i++) {
			if (!tx_seg(i, &s) || s.sport != 7 || !s.len)
				continue;
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			if ((seed >> 33) % 10 == 0)
				continue; /* lost on the way back */
			uint32_t o = s.seq - base;
			for (uint32_t k = 0; k < s.len && o + k < total; k++) {
				got[o + k] = s.data[k];
				have[o + k] = true;
			}
		}
		fake_clear(&F);
		while (back < total && have[back])
			back++;
		acked = (uint32_t)back;
		if ((seed >> 50) % 4 == 0) /* a pure ACK, at the peer's next new byte */
			psend_to(7, p_start + (uint32_t)sent, base + acked, T_ACK, 65535, NULL, 0,
				 NULL, 0);
		advance_ms(1 + (seed >> 60) % 3);
		if (getenv("TRACE") && round % 5000 == 0 && c)
			printf("round %d back %zu una %u nxt %u max %u end %u cwnd %u ssth %u rto "
			       "%u bo %u rcv_nxt-user %u wnd %u flags %x nooo %u\n",
			       round, back, c->snd_una - base, c->snd_nxt - base, c->snd_max - base,
			       c->snd_end - base, c->cwnd, c->ssthresh, c->rto_ms, c->backoff,
			       c->rcv_nxt - c->rcv_user, c->snd_wnd, c->flags, c->nooo);
	}
	ok(back == total && memcmp(got, pat, total) == 0,
	   "%zu of %zu bytes back intact at 10%% loss", back, total);
	ok(ts()->rexmt > 0, "retransmissions happened (%llu; %llu by timeout, %llu fast)",
	   (unsigned long long)ts()->rexmt, (unsigned long long)ts()->rexmt_timeout,
	   (unsigned long long)ts()->fast_rexmt);
	ok(ts()->ooo_rx > 0, "out-of-order arrivals were reassembled (%llu)",
	   (unsigned long long)ts()->ooo_rx);
	finish("lossy echo");
}

int main(void)
{
	mbuf_pool_init();
	fill_pattern();
	test_echo_service();
	test_reassembly();
	test_rcv_window();
	test_persist();
	test_sws_override();
	test_rto_recovery();
	test_newreno();
	test_delack();
	test_nagle();
	test_mss();
	test_bounded();
	test_lossy_echo();
	TEST_DONE();
}
