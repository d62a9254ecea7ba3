/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP over the fake NIC: the state machine, every RFC 9293 transition the stack implements
 * (passive and active open, simultaneous open and close, half-close, closes during the
 * handshake, TIME-WAIT and its reuse, timeouts, refusals). Hostile peers are in
 * test_tcp_hostile.c, the arithmetic in test_tcp_unit.c, data in test_tcp_flow.c and
 * test_tcp_sack.c. After every test the mbuf pool is back to full.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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

/* ---- passive open, echo of data, orderly close from the peer ---- */

static void test_passive_open_close(void)
{
	struct tseg s;
	uint8_t o[8];
	tstart();
	/* SYN: SYN-ACK with our MSS (MTU - 40) and, since it offered one, our window scale */
	pseq = PISS;
	psend_to(LPORT, pseq, 0, T_SYN, 65535, o, syn_opts(o, 1400, 7), NULL, 0);
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK) && s.ack == PISS + 1 && s.cksum_ok,
	   "SYN-ACK");
	ok(s.mss == 1460 && s.wscale == 0 && !s.sack_perm, "SYN-ACK options: MSS %u WS %u", s.mss,
	   s.wscale);
	ok(s.wnd == CONFIG_TCP_RCVBUF, "SYN-ACK window (unscaled) %u", s.wnd);
	ok(cstate(find_conn(LPORT, PPORT)) == TCP_SYN_RCVD, "SYN-RECEIVED");
	ok(A.accepts == 0, "accept waits for the handshake");
	gseq = s.seq + 1;
	pseq++;
	fake_clear(&F);
	/* ACK: ESTABLISHED, accept runs */
	pack();
	ok(A.accepts == 1 && A.c && cstate(A.c) == TCP_ESTABLISHED, "ESTABLISHED, accepted");
	ok(A.c && A.c->mss == 1400 && A.c->snd_wscale == 7, "peer MSS 1400 and shift 7 taken");
	ok(F.ntx == 0, "nothing sent on the final ACK");
	/* the peer's window is scaled from now on */
	pwnd = 100; /* 100 << 7 = 12800 bytes */
	pack();
	ok(A.c && A.c->snd_wnd == 12800, "window scaled: %u", A.c ? A.c->snd_wnd : 0);
	pwnd = 65535;
	pack();
	/* data across 2^32 (the peer's ISS is near it) */
	uint8_t d[3000];
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7);
	pdata(d, 1400);
	pdata(d + 1400, 1400);
	ok(A.ngot == 2800 && memcmp(A.got, d, 2800) == 0, "data read in order (%zu)", A.ngot);
	ok(last_seg(&s) && s.flags == T_ACK && s.ack == pseq, "two full segments: ACK at once");
	fake_clear(&F);
	/* FIN from the peer: CLOSE-WAIT, EOF seen, ACK */
	psend(pseq, gseq, T_FIN | T_ACK, NULL, 0);
	pseq++;
	ok(A.eof && cstate(A.c) == TCP_CLOSE_WAIT, "CLOSE-WAIT, EOF");
	ok(last_seg(&s) && s.flags == T_ACK && s.ack == pseq, "FIN acknowledged");
	fake_clear(&F);
	/* our close: FIN, LAST-ACK */
	struct tcp_conn *c = A.c;
	tcp_close(c);
	ok(last_seg(&s) && s.flags == (T_FIN | T_ACK) && s.seq == gseq, "our FIN");
	ok(cstate(find_conn(LPORT, PPORT)) == TCP_LAST_ACK, "LAST-ACK");
	gseq++;
	fake_clear(&F);
	pack();
	ok(find_conn(LPORT, PPORT) == NULL && tcp_conn_count() == 0, "CLOSED, slot free");
	ok(A.closed_calls == 0, "no callback after tcp_close");
	ok(all_tx_ok(LPORT), "every segment well-formed");
	finish("passive open/close");
}

/* ---- active open, our close first: FIN-WAIT-1/2, TIME-WAIT ---- */

static void test_active_open_close(void)
{
	struct tcp_conn *c = NULL;
	struct tseg s;
	uint8_t o[8];
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	tapp_reset();
	ok(tcp_connect(0, 80, &tapp_ops, NULL, &c) == -EINVAL, "connect to 0.0.0.0 refused");
	ok(tcp_connect(HOST, 9, &tapp_ops, NULL, &c) == 0 && c, "connect");
	ok(last_seg(&s) && s.flags == T_SYN && s.dport == 9 && s.sport >= 49152, "SYN");
	ok(s.mss == 1460 && s.wscale == 0, "SYN offers MSS 1460 and window scale 0");
	ok(cstate(c) == TCP_SYN_SENT, "SYN-SENT");
	uint16_t lport = s.sport;
	gseq = s.seq + 1;
	fake_clear(&F);
	/* a RST without an acceptable ACK is ignored (RFC 5961 3.2) */
	fake_inject(
		&F, fr,
		mk_tcp(fr, HOST, GUEST, 9, lport, 1, gseq + 5, T_RST | T_ACK, 0, NULL, 0, NULL, 0));
	ok(cstate(c) == TCP_SYN_SENT && F.ntx == 0, "stray RST ignored");
	/* SYN-ACK (MSS 1000, no window scale) */
	pseq = 5000;
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq, gseq, T_SYN | T_ACK, 30000, o,
			   syn_opts(o, 1000, -1), NULL, 0));
	pseq++;
	ok(A.connected == 1 && cstate(c) == TCP_ESTABLISHED, "ESTABLISHED, connected()");
	ok(c->mss == 1000 && !(c->flags & TF_WSCALE), "MSS 1000, no scaling");
	ok(last_seg(&s) && s.flags == T_ACK && s.ack == pseq && s.seq == gseq, "ACK of SYN-ACK");
	fake_clear(&F);
	/* send 2500 bytes: MSS-sized segments; the 500-byte rest waits for an ACK (Nagle) */
	uint8_t d[2500];
	memset(d, 'x', sizeof(d));
	ok(tcp_send(c, d, sizeof(d)) == 2500, "send");
	ok(F.ntx == 2, "two full segments: %d", F.ntx);
	ok(tx_seg(0, &s) && s.len == 1000 && s.seq == gseq, "first segment");
	fake_clear(&F);
	gseq += 2000;
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq, gseq, T_ACK, 30000, NULL, 0, NULL, 0));
	ok(last_seg(&s) && s.len == 500 && s.seq == gseq && (s.flags & T_PSH), "then the rest");
	ok(A.sent_calls == 1, "sent() once");
	gseq += 500;
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq, gseq, T_ACK, 30000, NULL, 0, NULL, 0));
	ok(A.sent_calls == 2 && tcp_send_space(c) == CONFIG_TCP_SNDBUF, "all acknowledged");
	/* our close: FIN-WAIT-1, then its ACK: FIN-WAIT-2 */
	tcp_close(c);
	ok(last_seg(&s) && (s.flags & T_FIN) && s.seq == gseq, "FIN");
	ok(cstate(c) == TCP_FIN_WAIT_1, "FIN-WAIT-1");
	gseq++;
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq, gseq, T_ACK, 30000, NULL, 0, NULL, 0));
	ok(cstate(c) == TCP_FIN_WAIT_2, "FIN-WAIT-2");
	/* the peer's FIN: TIME-WAIT */
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq, gseq, T_FIN | T_ACK, 30000, NULL, 0,
			   NULL, 0));
	pseq++;
	ok(cstate(c) == TCP_TIME_WAIT, "TIME-WAIT");
	ok(last_seg(&s) && s.flags == T_ACK && s.ack == pseq, "ACK of the FIN");
	fake_clear(&F);
	/* the FIN again (our ACK was lost): ACK it again, stay */
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq - 1, gseq, T_FIN | T_ACK, 30000, NULL, 0,
			   NULL, 0));
	ok(last_seg(&s) && s.flags == T_ACK && s.ack == pseq, "retransmitted FIN ACKed");
	ok(cstate(c) == TCP_TIME_WAIT, "still TIME-WAIT");
	fake_clear(&F);
	/* a plain ACK in TIME-WAIT is not answered (no ACK loop between two TIME-WAITs) */
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 9, lport, pseq, gseq, T_ACK, 30000, NULL, 0, NULL, 0));
	ok(F.ntx == 0, "ACK in TIME-WAIT not answered");
	advance_ms(CONFIG_TCP_TIME_WAIT_MS - 100);
	ok(cstate(c) == TCP_TIME_WAIT, "TIME-WAIT lasts 2 MSL");
	advance_ms(200);
	ok(tcp_conn_count() == 0, "TIME-WAIT over: CLOSED");
	finish("active open/close");
}

/* ---- simultaneous open (RFC 9293 figure 7) and simultaneous close (figure 13) ---- */

static void test_simultaneous(void)
{
	struct tcp_conn *c = NULL;
	struct tseg s;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	tapp_reset();
	ok(tcp_connect(HOST, 5555, &tapp_ops, NULL, &c) == 0, "connect");
	ok(last_seg(&s), "SYN");
	uint16_t lport = s.sport;
	gseq = s.seq + 1;
	fake_clear(&F);
	pseq = 0x7ffffff0u;
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 5555, lport, pseq, 0, T_SYN, 8000, NULL, 0, NULL, 0));
	pseq++;
	ok(cstate(c) == TCP_SYN_RCVD, "their SYN in SYN-SENT: SYN-RECEIVED");
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK) && s.seq == gseq - 1 && s.ack == pseq,
	   "our SYN again, with an ACK");
	fake_clear(&F);
	fake_inject(
		&F, fr,
		mk_tcp(fr, HOST, GUEST, 5555, lport, pseq, gseq, T_ACK, 8000, NULL, 0, NULL, 0));
	ok(cstate(c) == TCP_ESTABLISHED && A.connected == 1, "ESTABLISHED");
	/* both close at once: our FIN crosses theirs */
	tcp_shutdown(c);
	ok(last_seg(&s) && (s.flags & T_FIN), "our FIN");
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 5555, lport, pseq, gseq, T_FIN | T_ACK, 8000, NULL, 0,
			   NULL, 0));
	pseq++;
	ok(cstate(c) == TCP_CLOSING, "their FIN before the ACK of ours: CLOSING");
	ok(A.eof, "EOF");
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 5555, lport, pseq, gseq + 1, T_ACK, 8000, NULL, 0, NULL,
			   0));
	ok(cstate(c) == TCP_TIME_WAIT, "our FIN acknowledged: TIME-WAIT");
	ok(A.closed_calls == 1 && A.closed_err == 0, "closed(0) once both directions are done");
	finish("simultaneous open and close");
}

/* ---- half-close: the peer stops sending, we keep sending, then close ---- */

static void test_half_close(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	psend(pseq, gseq, T_FIN | T_ACK, "last", 4);
	pseq += 5;
	ok(A.ngot == 4 && A.eof && cstate(A.c) == TCP_CLOSE_WAIT, "data + FIN: CLOSE-WAIT");
	fake_clear(&F);
	/* we may still send in CLOSE-WAIT */
	ok(tcp_send(A.c, "reply", 5) == 5, "send in CLOSE-WAIT");
	ok(last_seg(&s) && s.len == 5 && memcmp(s.data, "reply", 5) == 0, "data goes out");
	gseq += 5;
	fake_clear(&F);
	pack();
	tcp_shutdown(A.c);
	ok(cstate(A.c) == TCP_LAST_ACK && last_seg(&s) && (s.flags & T_FIN), "FIN: LAST-ACK");
	ok(tcp_send(A.c, "x", 1) == -EPIPE, "no sending after shutdown");
	gseq++;
	fake_clear(&F);
	pack();
	ok(A.closed_calls == 1 && A.closed_err == 0 && tcp_conn_count() == 0, "closed(0)");

	/* the other way: we shut down, the peer keeps sending, we keep reading */
	ok(handshake(), "handshake 2");
	tcp_shutdown(A.c);
	gseq++;
	fake_clear(&F);
	pack();
	ok(cstate(A.c) == TCP_FIN_WAIT_2, "FIN-WAIT-2 after our shutdown");
	pdata("more data", 9);
	ok(A.ngot == 13 && memcmp(A.got + 4, "more data", 9) == 0, "still receiving");
	advance_ms(CONFIG_TCP_FIN_WAIT2_MS + 1000);
	ok(cstate(A.c) == TCP_FIN_WAIT_2, "not orphaned: FIN-WAIT-2 has no limit");
	psend(pseq, gseq, T_FIN | T_ACK, NULL, 0);
	ok(A.closed_calls == 2 && tcp_conn_count() == 1, "FIN: TIME-WAIT, closed(0)");
	finish("half-close");
}

/* ---- resets ---- */

/* ---- RFC 5961: SYN and ACKs outside the acceptable range ---- */

/* ---- closed ports: RFC 9293 3.10.7.1 resets, rate limited ---- */

/* ---- never answered: broadcast and multicast destinations, martian sources ---- */

/* ---- malformed headers: each counted by its reason ---- */

/* ---- every flag combination, against a listener and a live connection ---- */

/* ---- SYN flood: half-open bounded, cookies, a real client still connects ---- */

/* ---- TIME-WAIT: reused by a new SYN, recycled under pressure ---- */

static void test_time_wait_reuse(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	struct tcp_conn *c = A.c;
	tcp_shutdown(c);
	gseq++;
	fake_clear(&F);
	psend(pseq, gseq, T_FIN | T_ACK, NULL, 0);
	pseq++;
	ok(cstate(c) == TCP_TIME_WAIT, "TIME-WAIT (we closed first)");
	fake_clear(&F);
	/* a new SYN for the same 4-tuple with a higher sequence number takes it over */
	psend_to(LPORT, pseq + 100000, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK) && s.ack == pseq + 100001, "new SYN-ACK");
	ok(ts()->tw_reuse == 1 && cstate(find_conn(LPORT, PPORT)) == TCP_SYN_RCVD, "reused");
	fake_clear(&F);
	/* fill the table with TIME-WAIT connections, then one more connection still works */
	net_reset();
	tstart();
	for (int i = 0; i < CONFIG_TCP_CONNS; i++) {
		struct tcp_conn *x = NULL;
		ok(tcp_connect(HOST, (uint16_t)(2000 + i), &tapp_ops, NULL, &x) == 0, "connect %d",
		   i);
		if (!x)
			break;
		tcp_set_state(x, TCP_TIME_WAIT); /* as if closed long ago */
		x->rexmt_at = 0;
		x->idle_at = host_clock_ns + (uint64_t)(i + 1) * NSEC_PER_SEC;
		x->ops = NULL;
	}
	fake_clear(&F);
	ok(tcp_conn_count() == CONFIG_TCP_CONNS, "table full of TIME-WAIT");
	pseq = 9;
	psend_to(LPORT, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK) && ts()->tw_recycled == 1,
	   "the oldest TIME-WAIT gave its slot");
	ok(tcp_lookup(GUEST, 0, HOST, 2000) == NULL, "it was the oldest");
	finish("TIME-WAIT reuse");
}

/* ---- retransmission timeout, backoff, giving up ---- */

static void test_rto_giveup(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	ok(tcp_send(A.c, "lost", 4) == 4, "send");
	fake_clear(&F);
	uint64_t t = 1000; /* no RTT sample from the handshake's timing yet beyond ~0 */
	t = A.c->rto_ms;
	int rexmits = 0;
	for (int i = 0; i < CONFIG_TCP_RETRIES + 1 && A.c; i++) {
		advance_ms(t - 1);
		ok(F.ntx == 0, "retransmission %d not early", i);
		advance_ms(1);
		if (!A.c)
			break;
		ok(last_seg(&s) && s.len == 4 && s.seq == gseq, "retransmission %d at %llu ms", i,
		   (unsigned long long)t);
		rexmits++;
		fake_clear(&F);
		t = t * 2 > CONFIG_TCP_RTO_MAX_MS ? CONFIG_TCP_RTO_MAX_MS : t * 2;
	}
	ok(rexmits == CONFIG_TCP_RETRIES, "%d retransmissions", rexmits);
	ok(A.closed_calls == 1 && A.closed_err == -ETIMEDOUT, "then closed(-ETIMEDOUT)");
	ok(tcp_conn_count() == 0, "freed");
	finish("RTO give-up");
}

/* ---- the SYN of an active open: retransmitted, then -ETIMEDOUT; refused by RST ---- */

static void test_connect_fail(void)
{
	struct tcp_conn *c = NULL;
	struct tseg s;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	tapp_reset();
	ok(tcp_connect(HOST, 81, &tapp_ops, NULL, &c) == 0, "connect");
	fake_clear(&F);
	uint64_t t = CONFIG_TCP_RTO_INIT_MS;
	for (int i = 0; i < CONFIG_TCP_SYN_RETRIES; i++) {
		advance_ms(t);
		ok(last_seg(&s) && s.flags == T_SYN, "SYN retransmission %d", i);
		fake_clear(&F);
		t *= 2;
	}
	advance_ms(t);
	ok(A.closed_calls == 1 && A.closed_err == -ETIMEDOUT, "SYN timed out");
	ok(tcp_connect(HOST, 82, &tapp_ops, NULL, &c) == 0 && last_seg(&s), "connect again");
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 82, s.sport, 0, s.seq + 1, T_RST | T_ACK, 0, NULL, 0,
			   NULL, 0));
	ok(A.closed_calls == 2 && A.closed_err == -ECONNREFUSED, "RST: closed(-ECONNREFUSED)");
	ok(tcp_conn_count() == 0, "freed");
	finish("connect failures");
}

/* ---- closing before the handshake is over waits for it (RFC 9293 3.10.4) ---- */

static void test_close_in_handshake(void)
{
	struct tcp_conn *c = NULL;
	struct tseg s;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	tapp_reset();
	ok(tcp_connect(HOST, 5556, &tapp_ops, NULL, &c) == 0 && last_seg(&s), "connect");
	uint16_t lport = s.sport;
	gseq = s.seq + 1;
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 5556, lport, 100, 0, T_SYN, 8000, NULL, 0, NULL, 0));
	ok(cstate(c) == TCP_SYN_RCVD, "simultaneous open: SYN-RECEIVED");
	fake_clear(&F);
	tcp_shutdown(c);
	ok(F.ntx == 0 && cstate(c) == TCP_SYN_RCVD, "no FIN before our SYN is acknowledged");
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 5556, lport, 101, gseq, T_ACK, 8000, NULL, 0, NULL, 0));
	ok(cstate(c) == TCP_FIN_WAIT_1 && last_seg(&s) && (s.flags & T_FIN) && s.seq == gseq,
	   "established, then the queued FIN: FIN-WAIT-1");
	ok(c->cwnd >= c->mss, "congestion state set up");
	/* tcp_close after a half-close, in FIN-WAIT-2: now bounded by the FIN-WAIT-2 timer */
	fake_clear(&F);
	fake_inject(
		&F, fr,
		mk_tcp(fr, HOST, GUEST, 5556, lport, 101, gseq + 1, T_ACK, 8000, NULL, 0, NULL, 0));
	ok(cstate(c) == TCP_FIN_WAIT_2, "FIN-WAIT-2");
	advance_ms(5000); /* whatever timer was armed has fired: nothing is pending now */
	ok(!timer_pending(&c->timer), "no timer in FIN-WAIT-2 while the application is there");
	tcp_close(c);
	ok(timer_pending(&c->timer), "the FIN-WAIT-2 limit is armed");
	advance_ms(CONFIG_TCP_FIN_WAIT2_MS);
	ok(tcp_conn_count() == 0, "closed connection freed after the FIN-WAIT-2 limit");
	finish("close in handshake");
}

/* ---- the transitions the other tests do not take ---- */

static void test_more_transitions(void)
{
	struct tcp_conn *c = NULL;
	struct tseg s;
	/* FIN-WAIT-1 straight to TIME-WAIT: the peer's FIN acknowledges ours in one segment */
	tstart();
	ok(handshake(), "handshake");
	tcp_shutdown(A.c);
	ok(cstate(A.c) == TCP_FIN_WAIT_1, "FIN-WAIT-1");
	gseq++;
	fake_clear(&F);
	psend(pseq, gseq, T_FIN | T_ACK, NULL, 0);
	ok(cstate(find_conn(LPORT, PPORT)) == TCP_TIME_WAIT, "FIN + ACK of ours: TIME-WAIT");
	ok(last_seg(&s) && s.flags == T_ACK && s.ack == pseq + 1, "their FIN acknowledged");
	/* LAST-ACK: our FIN lost, resent by the timer; closed once acknowledged */
	finish("FIN-WAIT-1 to TIME-WAIT");
	tstart();
	ok(handshake(), "handshake 2");
	psend(pseq, gseq, T_FIN | T_ACK, NULL, 0);
	pseq++;
	struct tcp_conn *x = A.c;
	tcp_close(x);
	ok(cstate(x) == TCP_LAST_ACK, "LAST-ACK");
	fake_clear(&F);
	advance_ms(x->rto_ms);
	ok(last_seg(&s) && (s.flags & T_FIN) && s.seq == gseq, "FIN retransmitted in LAST-ACK");
	fake_clear(&F);
	psend(pseq, gseq + 1, T_ACK, NULL, 0);
	ok(tcp_conn_count() == 0, "its ACK: CLOSED");
	/* data for a connection the application closed: a reset (RFC 2525 2.17) */
	ok(handshake(), "handshake 3");
	x = A.c;
	tcp_close(x);
	gseq++;
	fake_clear(&F);
	pdata("late", 4);
	ok(last_seg(&s) && (s.flags & T_RST), "data after close: RST");
	ok(tcp_conn_count() == 0 && ts()->drop_after_close == 1, "freed, counted");
	fake_clear(&F);
	/* close in SYN-SENT: forgotten, no reset to a peer that never answered */
	tapp_reset();
	ok(tcp_connect(HOST, 99, &tapp_ops, NULL, &c) == 0 && cstate(c) == TCP_SYN_SENT,
	   "SYN-SENT");
	fake_clear(&F);
	tcp_close(c);
	ok(tcp_conn_count() == 0 && F.ntx == 0 && A.closed_calls == 0, "closed: CLOSED, silent");
	finish("more transitions");
}

/* ---- ring memory: taken at the handshake, given back at TIME-WAIT; none means refused ---- */

static void test_ring_memory(void)
{
	struct tcp_conn *c = NULL;
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	ok(fake_rings_out == 1 && A.c->rings, "established: rings taken");
	/* we close first; the peer's last data and its FIN come in one segment */
	tcp_shutdown(A.c);
	gseq++;
	fake_clear(&F);
	psend(pseq, gseq, T_ACK | T_FIN, "the last words", 14);
	ok(A.ngot == 14 && memcmp(A.got, "the last words", 14) == 0,
	   "data before the FIN read before the rings go (%zu)", A.ngot);
	ok(cstate(find_conn(LPORT, PPORT)) == TCP_TIME_WAIT && fake_rings_out == 0,
	   "TIME-WAIT keeps no rings");
	finish("rings at TIME-WAIT");
	/* no memory: a passive connection is refused with a reset, an active one told */
	tstart();
	fake_ring_fail = true;
	pseq = 5;
	psend_to(LPORT, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK), "SYN-ACK (no rings needed yet)");
	gseq = s.seq + 1;
	pseq++;
	fake_clear(&F);
	pack();
	ok(last_seg(&s) && (s.flags & T_RST) && tcp_conn_count() == 0 && A.accepts == 0,
	   "no memory at the handshake's end: RST, nothing accepted");
	ok(ts()->drop_nomem == 1, "counted");
	fake_clear(&F);
	ok(tcp_connect(HOST, 4242, &tapp_ops, NULL, &c) == 0 && last_seg(&s), "connect");
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 4242, s.sport, 7, s.seq + 1, T_SYN | T_ACK, 8000, NULL,
			   0, NULL, 0));
	ok(A.closed_calls == 1 && A.closed_err == -ENOMEM && tcp_conn_count() == 0,
	   "active open without memory: closed(-ENOMEM)");
	ok(last_seg(&s) && (s.flags & T_RST), "and the peer is reset");
	finish("no ring memory");
}

/* ---- an application that refuses: the peer gets a reset ---- */

static void test_refuse(void)
{
	struct tseg s;
	tstart();
	A.refuse = -EBUSY;
	pseq = 1;
	psend_to(LPORT, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK), "SYN-ACK");
	gseq = s.seq + 1;
	pseq++;
	fake_clear(&F);
	pack();
	ok(last_seg(&s) && (s.flags & T_RST) && tcp_conn_count() == 0, "refused: RST, freed");
	ok(ts()->drop_refused == 1, "counted");
	ok(tcp_unlisten(LPORT) == 0 && tcp_unlisten(LPORT) == -ENOENT, "unlisten");
	ok(tcp_listen(LPORT, 0, tapp_accept, NULL) == 0 &&
		   tcp_listen(LPORT, 0, tapp_accept, NULL) == -EADDRINUSE,
	   "listen twice: EADDRINUSE");
	finish("refuse");
}

int main(void)
{
	mbuf_pool_init();
	test_passive_open_close();
	test_active_open_close();
	test_simultaneous();
	test_half_close();
	test_time_wait_reuse();
	test_rto_giveup();
	test_connect_fail();
	test_close_in_handshake();
	test_more_transitions();
	test_ring_memory();
	test_refuse();
	TEST_DONE();
}
