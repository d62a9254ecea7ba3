/*
 * TCP over the fake NIC, part 1: sequence arithmetic around 2^32, SipHash, RTO arithmetic,
 * SYN cookies, and the state machine: every RFC 9293 transition the stack implements (passive
 * and active open, simultaneous open and close, half-close, TIME-WAIT and its reuse, resets),
 * RFC 5961's blind-attack answers, closed ports, addresses never answered, malformed headers.
 * After every test the mbuf pool is back to full.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/siphash.h"
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

/* ---- pure arithmetic ---- */

static void test_seq(void)
{
	static const struct {
		uint32_t a, b;
		bool lt;
	} t[] = {
		{ 0, 1, true },
		{ 1, 0, false },
		{ 0xffffffffu, 0, true }, /* across the wrap */
		{ 0, 0xffffffffu, false },
		{ 0xfffffff0u, 0x10, true },
		{ 0x7fffffffu, 0x80000000u, true },
		{ 0x80000000u, 0x7fffffffu, false },
		{ 5, 5, false },
		{ 0x40000000u, 0xc0000001u, false }, /* more than 2^31 apart: the other way */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ok(seq_lt(t[i].a, t[i].b) == t[i].lt, "seq_lt(%x, %x)", t[i].a, t[i].b);
		ok(seq_gt(t[i].b, t[i].a) == t[i].lt, "seq_gt(%x, %x)", t[i].b, t[i].a);
		ok(seq_leq(t[i].a, t[i].b) == (t[i].lt || t[i].a == t[i].b), "seq_leq");
		ok(seq_geq(t[i].a, t[i].b) == !t[i].lt, "seq_geq");
	}
	ok(seq_in(0xfffffffeu, 0xfffffff0u, 0x10), "in a window across 2^32");
	ok(seq_in(0x5, 0xfffffff0u, 0x10), "in a window across 2^32 (after)");
	ok(!seq_in(0x10, 0xfffffff0u, 0x10), "window end excluded");
	ok(!seq_in(0xffffffefu, 0xfffffff0u, 0x10), "before the window");
	ok(seq_max(0xffffffffu, 1) == 1 && seq_min(0xffffffffu, 1) == 0xffffffffu, "max/min wrap");
}

/* The reference vectors of the SipHash paper (appendix A), key 00..0f, inputs 00..(n-1). */
static void test_siphash(void)
{
	static const uint64_t want[] = {
		0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull,
		0x85676696d7fb7e2dull, 0xcf2794e0277187b7ull, 0x18765564cd99a68dull,
		0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull, 0x93f5f5799a932462ull,
		0x9e0082df0ba9e4b0ull, 0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
		0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull,
		0xa129ca6149be45e5ull,
	};
	struct siphash_key k = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	uint8_t in[16];
	for (int i = 0; i < 16; i++)
		in[i] = (uint8_t)i;
	for (size_t n = 0; n < 16; n++)
		ok(siphash24(&k, in, n) == want[n], "siphash24 of %zu bytes: %016llx", n,
		   (unsigned long long)siphash24(&k, in, n));
}

/* RFC 6298 computed here in floating point, against the stack's integer arithmetic. */
static void test_rto(void)
{
	struct tcp_conn c;
	static const uint32_t samples[] = { 100000, 120000, 80000, 300000, 90000,   90000,
					    2000,   2000,   2000,  2000,   5000000, 1000 };
	double srtt = 0, var = 0;
	memset(&c, 0, sizeof(c));
	c.rto_ms = CONFIG_TCP_RTO_INIT_MS;
	ok(tcp_rto_backed_off(&c) == 1000, "initial RTO 1 s (RFC 6298 2.1)");
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		double r = samples[i], rto;
		if (i == 0) {
			srtt = r;
			var = r / 2;
		} else {
			var = 0.75 * var + 0.25 * (srtt > r ? srtt - r : r - srtt);
			srtt = 0.875 * srtt + 0.125 * r;
		}
		rto = (srtt + (4 * var > 1000 ? 4 * var : 1000)) / 1000;
		if (rto < CONFIG_TCP_RTO_MIN_MS)
			rto = CONFIG_TCP_RTO_MIN_MS;
		if (rto > CONFIG_TCP_RTO_MAX_MS)
			rto = CONFIG_TCP_RTO_MAX_MS;
		tcp_rtt_sample(&c, samples[i]);
		/* integer truncation loses under 1 us per step, at most 8 us in all */
		ok(c.srtt_us + 8 >= srtt && c.srtt_us <= srtt + 8, "SRTT after %zu: %u vs %.0f", i,
		   c.srtt_us, srtt);
		ok(c.rttvar_us + 8 >= var && c.rttvar_us <= var + 8, "RTTVAR after %zu: %u vs %.0f",
		   i, c.rttvar_us, var);
		ok(c.rto_ms + 1 >= rto && c.rto_ms <= rto + 1, "RTO after %zu: %u vs %.1f", i,
		   c.rto_ms, rto);
	}
	c.srtt_us = 0;
	tcp_rtt_sample(&c, 100);
	ok(c.rto_ms == CONFIG_TCP_RTO_MIN_MS, "a 0.1 ms RTT gives the floor: %u", c.rto_ms);
	c.rto_ms = 300;
	c.backoff = 3;
	ok(tcp_rto_backed_off(&c) == 2400, "backoff doubles per retransmission (5.5)");
	c.backoff = 20;
	ok(tcp_rto_backed_off(&c) == CONFIG_TCP_RTO_MAX_MS, "backoff capped at 60 s");
}

/* ---- SYN cookies ---- */

static struct tcp_seg cookie_syn(uint32_t isn, uint16_t sport)
{
	struct tcp_seg s;
	memset(&s, 0, sizeof(s));
	s.src = HOST;
	s.dst = GUEST;
	s.sport = sport;
	s.dport = LPORT;
	s.seq = isn;
	s.flags = TCP_SYN;
	return s;
}

static void test_cookie_math(void)
{
	static const uint16_t mss_in[] = { 1460, 1459, 1440, 1000, 536, 88, 9000 };
	static const uint16_t mss_out[] = { 1460, 1440, 1440, 536, 536, 536, 1460 };
	int forged = 0;
	start("10.0.2.15/24,10.0.2.2");
	for (size_t i = 0; i < sizeof(mss_in) / sizeof(mss_in[0]); i++) {
		struct tcp_seg syn = cookie_syn(0x12345678u + (uint32_t)i, 5000), ack = syn;
		uint32_t c = tcp_cookie_make(&syn, mss_in[i]);
		ack.flags = TCP_ACK;
		ack.seq = syn.seq + 1;
		ack.ack = c + 1;
		ok(tcp_cookie_check(&ack) == mss_out[i], "cookie for MSS %u gives %u, want %u",
		   mss_in[i], tcp_cookie_check(&ack), mss_out[i]);
		ack.seq++; /* another ISN */
		ok(tcp_cookie_check(&ack) == 0, "cookie bound to the peer's ISN");
		ack.seq--;
		ack.sport++;
		ok(tcp_cookie_check(&ack) == 0, "cookie bound to the 4-tuple");
		ack.sport--;
		ack.ack ^= 0x100;
		ok(tcp_cookie_check(&ack) == 0, "a flipped hash bit fails");
	}
	/* Valid in its period and the next (64-128 s), not after. */
	struct tcp_seg syn = cookie_syn(777, 6000), ack = syn;
	ack.flags = TCP_ACK;
	ack.seq = 778;
	ack.ack = tcp_cookie_make(&syn, 1460) + 1;
	host_clock_ns += 64 * NSEC_PER_SEC;
	ok(tcp_cookie_check(&ack) == 1460, "cookie still good one period later");
	host_clock_ns += 64 * NSEC_PER_SEC;
	ok(tcp_cookie_check(&ack) == 0, "cookie expired two periods later");
	/* A blind attacker guessing: 2^-24 per try; 20000 tries must (almost surely) all fail. */
	for (uint32_t i = 0; i < 20000; i++) {
		ack.ack = i * 2654435761u;
		forged += tcp_cookie_check(&ack) != 0;
	}
	ok(forged == 0, "%d of 20000 guessed cookies accepted", forged);
	finish("cookie math");
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

static void test_resets(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	/* out of window: silently dropped */
	psend(pseq + 100000, 0, T_RST, NULL, 0);
	ok(cstate(A.c) == TCP_ESTABLISHED && F.ntx == 0, "RST outside the window ignored");
	/* in the window, not exact: challenge ACK (RFC 5961 3.2) */
	psend(pseq + 10, 0, T_RST, NULL, 0);
	ok(cstate(A.c) == TCP_ESTABLISHED, "in-window RST does not reset");
	ok(last_seg(&s) && s.flags == T_ACK && s.seq == gseq && s.ack == pseq, "challenge ACK");
	ok(ts()->challenge_ack == 1, "counted");
	fake_clear(&F);
	/* exact: reset */
	psend(pseq, 0, T_RST, NULL, 0);
	ok(A.closed_calls == 1 && A.closed_err == -ECONNRESET, "exact RST: closed(-ECONNRESET)");
	ok(tcp_conn_count() == 0 && F.ntx == 0, "connection gone, nothing sent");
	/* a reset in SYN-RECEIVED (passive) just forgets the connection */
	pseq = 1000;
	psend_to(LPORT, pseq, 0, T_SYN, 65535, NULL, 0, NULL, 0);
	fake_clear(&F);
	psend(pseq + 1, 0, T_RST, NULL, 0);
	ok(tcp_conn_count() == 0 && A.accepts == 1, "RST in SYN-RECEIVED: back to listening");
	/* tcp_abort sends a reset */
	ok(handshake(), "handshake 2");
	tcp_abort(A.c);
	ok(last_seg(&s) && (s.flags & T_RST) && s.seq == gseq, "abort: RST");
	ok(tcp_conn_count() == 0, "aborted connection freed");
	fake_clear(&F);
	/* close with unread data is a reset too (RFC 9293 3.10.4) */
	ok(handshake(), "handshake 3");
	A.hold = true;
	pdata("unread", 6);
	fake_clear(&F);
	tcp_close(A.c);
	ok(last_seg(&s) && (s.flags & T_RST), "close with unread data: RST");
	ok(tcp_conn_count() == 0, "freed");
	finish("resets");
}

/* ---- RFC 5961: SYN and ACKs outside the acceptable range ---- */

static void test_blind_attacks(void)
{
	struct tseg s;
	tstart();
	ok(handshake(), "handshake");
	uint8_t d[100];
	memset(d, 1, sizeof(d));
	ok(tcp_send(A.c, d, 100) == 100, "data in flight");
	fake_clear(&F);
	/* SYN in the window: challenge ACK, connection stays (RFC 5961 4.2) */
	psend(pseq + 5, 0, T_SYN, NULL, 0);
	ok(cstate(A.c) == TCP_ESTABLISHED && last_seg(&s) && s.flags == T_ACK, "SYN: challenge");
	fake_clear(&F);
	/* SYN out of the window: an ACK too (sequence check first), connection stays */
	psend(pseq - 70000, 0, T_SYN, NULL, 0);
	ok(cstate(A.c) == TCP_ESTABLISHED, "out-of-window SYN harmless");
	fake_clear(&F);
	/* ACK beyond what we sent: challenge ACK, dropped (RFC 5961 5.2) */
	uint64_t before = ts()->drop_ack;
	psend(pseq, gseq + 100 + 5000, T_ACK, "inject", 6);
	ok(ts()->drop_ack == before + 1 && A.ngot == 0, "ACK of unsent data: data not taken");
	/* ACK far behind (older than any window we saw) */
	psend(pseq, gseq - 200000, T_ACK, "inject", 6);
	ok(ts()->drop_ack == before + 2 && A.ngot == 0, "ancient ACK: data not taken");
	/* a plausible old ACK (just behind snd_una) is ignored but the data is taken */
	psend(pseq, gseq - 1, T_ACK, "ok", 2);
	pseq += 2;
	ok(A.ngot == 2, "old-but-plausible ACK: data taken");
	/* challenge ACKs are rate limited: a flood of in-window RSTs gets few answers */
	fake_clear(&F);
	for (int i = 0; i < 200; i++)
		psend(pseq + 1 + (uint32_t)i, 0, T_RST, NULL, 0);
	ok(F.ntx <= 5 && ts()->challenge_limited >= 195, "challenge ACKs limited: %d sent", F.ntx);
	ok(cstate(A.c) == TCP_ESTABLISHED, "connection survives the RST flood");
	fake_clear(&F);
	advance_ms(1000);
	psend(pseq, gseq + 100, T_ACK, NULL, 0);
	ok(tcp_send_space(A.c) == CONFIG_TCP_SNDBUF, "the real ACK still works");
	finish("blind attacks");
}

/* ---- closed ports: RFC 9293 3.10.7.1 resets, rate limited ---- */

static void test_closed_port(void)
{
	struct tseg s;
	tstart();
	psend_to(9999, 1234, 0, T_SYN, 1000, NULL, 0, NULL, 0);
	ok(last_seg(&s) && s.flags == (T_RST | T_ACK) && s.seq == 0 && s.ack == 1235,
	   "SYN to a closed port: RST,ACK ack=seq+1");
	fake_clear(&F);
	psend_to(9999, 1234, 777, T_ACK, 1000, NULL, 0, "abc", 3);
	ok(last_seg(&s) && s.flags == T_RST && s.seq == 777, "ACK to a closed port: RST seq=ack");
	fake_clear(&F);
	psend_to(9999, 1234, 777, T_RST, 1000, NULL, 0, NULL, 0);
	ok(F.ntx == 0, "RST to a closed port: nothing");
	psend_to(9999, 1234, 0, T_FIN, 1000, NULL, 0, "ab", 2);
	ok(last_seg(&s) && s.flags == (T_RST | T_ACK) && s.ack == 1234 + 3, "FIN+data: ack=seq+3");
	fake_clear(&F);
	/* a burst: at most CONFIG_TCP_RST_BURST resets */
	for (int i = 0; i < 500; i++)
		psend_to(9999, (uint32_t)i, 0, T_SYN, 1000, NULL, 0, NULL, 0);
	ok(F.ntx <= CONFIG_TCP_RST_BURST, "RST burst limited to %d (sent %d)", CONFIG_TCP_RST_BURST,
	   F.ntx);
	ok(ts()->rst_limited >= 500 - CONFIG_TCP_RST_BURST, "limited resets counted");
	fake_clear(&F);
	advance_ms(1000);
	psend_to(9999, 1, 0, T_SYN, 1000, NULL, 0, NULL, 0);
	ok(F.ntx == 1, "a second later, resets again");
	fake_clear(&F);
	finish("closed port");
}

/* ---- never answered: broadcast and multicast destinations, martian sources ---- */

static void test_never_answered(void)
{
	static const struct {
		uint32_t src, dst;
		const char *what;
	} t[] = {
		{ HOST, IP4(255, 255, 255, 255), "to the limited broadcast" },
		{ HOST, IP4(10, 0, 2, 255), "to the subnet broadcast" },
		{ HOST, IP4(224, 0, 0, 1), "to a multicast group" },
		{ HOST, IP4(10, 0, 2, 99), "to another host" },
		{ IP4(255, 255, 255, 255), GUEST, "from the limited broadcast" },
		{ IP4(10, 0, 2, 255), GUEST, "from the subnet broadcast" },
		{ IP4(224, 1, 2, 3), GUEST, "from multicast" },
		{ IP4(127, 0, 0, 1), GUEST, "from loopback" },
		{ IP4(0, 0, 0, 0), GUEST, "from 0.0.0.0" },
		{ IP4(240, 0, 0, 1), GUEST, "from class E" },
		{ GUEST, GUEST, "from ourselves" },
	};
	tstart();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		static const uint8_t flags[] = { T_SYN, T_ACK, T_FIN, 0 };
		for (size_t k = 0; k < sizeof(flags); k++) {
			uint64_t drops = all_drops();
			fake_inject(&F, fr,
				    mk_tcp(fr, t[i].src, t[i].dst, 1000, k & 1 ? 9999 : LPORT, 1, 1,
					   flags[k], 1000, NULL, 0, NULL, 0));
			ok(F.ntx == 0, "segment %s (flags %02x) not answered", t[i].what, flags[k]);
			ok(all_drops() == drops + 1, "%s: one drop counted", t[i].what);
			fake_clear(&F);
		}
	}
	ok(tcp_conn_count() == 0, "no connection made");
	finish("never answered");
}

/* ---- malformed headers: each counted by its reason ---- */

static void test_malformed(void)
{
	tstart();
	ok(handshake(), "handshake");
	uint64_t cks = ts()->drop_cksum, hdr = ts()->drop_hdr, shrt = ts()->drop_short;
	size_t n = mk_tcp(fr, HOST, GUEST, PPORT, LPORT, pseq, gseq, T_ACK, 1000, NULL, 0, "hi", 2);
	fr[14 + 20 + 16] ^= 0x40; /* checksum */
	fake_inject(&F, fr, n);
	ok(ts()->drop_cksum == cks + 1 && A.ngot == 0, "bad checksum dropped");
	for (int off = 0; off < 16; off++) {
		n = mk_tcp(fr, HOST, GUEST, PPORT, LPORT, pseq, gseq, T_ACK, 1000, NULL, 0, "hi",
			   2);
		fr[14 + 20 + 12] = (uint8_t)(off << 4);
		wr16(fr + 14 + 20 + 16, 0);
		wr16(fr + 14 + 20 + 16, t_tcp_sum(fr + 14));
		fake_inject(&F, fr, n);
	}
	ok(ts()->drop_hdr == hdr + 5 + 10, "data offsets 0-4 and 6-15 (past the segment) dropped");
	ok(A.ngot == 2, "offset 5 is the one good segment");
	pseq += 2;
	/* an IP datagram too short for a TCP header */
	n = mk_tcp(fr, HOST, GUEST, PPORT, LPORT, pseq, gseq, T_ACK, 1000, NULL, 0, NULL, 0);
	wr16(fr + 14 + 2, 20 + 12);
	fix_ip_cksum(fr + 14);
	fake_inject(&F, fr, n);
	ok(ts()->drop_short == shrt + 1, "short segment dropped");
	/* SYN+FIN and SYN+RST */
	uint64_t fl = ts()->drop_flags;
	psend(pseq, gseq, T_SYN | T_FIN, NULL, 0);
	psend(pseq, gseq, T_SYN | T_RST, NULL, 0);
	ok(ts()->drop_flags == fl + 2 && cstate(A.c) == TCP_ESTABLISHED,
	   "SYN+FIN, SYN+RST dropped");
	/* options that run past the header: ignored, the segment is fine */
	uint8_t bad[4] = { 2, 9, 1, 1 };
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 1234, LPORT, 50, 0, T_SYN, 1000, bad, 4, NULL, 0));
	struct tseg s;
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK), "SYN with a broken option still answered");
	finish("malformed");
}

/* ---- every flag combination, against a listener and a live connection ---- */

static void test_all_flags(void)
{
	tstart();
	ok(handshake(), "handshake");
	struct tcp_conn *c = A.c;
	for (int f = 0; f < 256; f++) {
		if ((f & T_RST) && !(f & T_SYN) && (f & T_ACK))
			continue; /* an in-window RST at rcv_nxt is a real reset; below */
		uint64_t rx = ts()->rx;
		psend_to(LPORT + 1, 77, 88, (uint8_t)f, 1000, NULL, 0, "zz", 2);
		/* against the connection: out-of-window sequence, so nothing may change */
		psend(pseq + 200000, gseq, (uint8_t)f, "zz", 2);
		ok(ts()->rx == rx + 2, "flags %02x: both segments seen", f);
		ok(cstate(c) == TCP_ESTABLISHED, "flags %02x: connection intact", f);
		fake_clear(&F);
	}
	/* and exactly at rcv_nxt with a stale ACK field: no data for the application */
	for (int f = 0; f < 256; f++) {
		if (f & (T_RST | T_SYN | T_FIN))
			continue;
		psend(pseq, gseq - 200000, (uint8_t)f, NULL, 0);
		ok(cstate(c) == TCP_ESTABLISHED, "flags %02x, stale ACK: intact", f);
		fake_clear(&F);
	}
	ok(A.ngot == 0, "no byte accepted from the noise");
	pdata("real", 4);
	ok(A.ngot == 4, "the real peer still gets through");
	finish("all flags");
}

/* ---- SYN flood: half-open bounded, cookies, a real client still connects ---- */

static void test_syn_flood(void)
{
	struct tseg s;
	tstart(); /* backlog 4 */
	/* spoofed ports of one neighbour (the ARP cache under spoofed addresses is ARP's test) */
	for (uint32_t i = 0; i < 1000; i++)
		fake_inject(&F, fr,
			    mk_tcp(fr, HOST, GUEST, (uint16_t)(1024 + i), LPORT, i * 7919, 0, T_SYN,
				   1000, NULL, 0, NULL, 0));
	ok(tcp_conn_count() == 4, "half-open bounded by the backlog: %u", tcp_conn_count());
	ok(ts()->cookie_tx == 996, "the rest answered with cookies: %llu",
	   (unsigned long long)ts()->cookie_tx);
	fake_clear(&F);
	/* a real client among them: its SYN gets a cookie; its ACK makes the connection */
	uint8_t o[8];
	pseq = 42;
	psend_to(LPORT, pseq, 0, T_SYN, 65535, o, syn_opts(o, 1460, 7), NULL, 0);
	ok(last_seg(&s) && s.flags == (T_SYN | T_ACK) && s.mss == 1460 && s.wscale == 0xff,
	   "cookie SYN-ACK: MSS only");
	gseq = s.seq + 1;
	pseq++;
	fake_clear(&F);
	pdata("hello", 5);
	ok(A.accepts == 1 && A.c && A.ngot == 5, "cookie ACK with data: accepted, data read");
	ok(A.c && !(A.c->flags & TF_WSCALE) && A.c->mss == 1460, "no scaling, MSS from the cookie");
	ok(ts()->cookie_ok == 1, "cookie_ok");
	/* a forged cookie ACK gets a reset, no connection */
	unsigned n = tcp_conn_count();
	fake_clear(&F);
	fake_inject(&F, fr,
		    mk_tcp(fr, HOST, GUEST, 31337, LPORT, 100, 0xdeadbeef, T_ACK, 1000, NULL, 0,
			   NULL, 0));
	ok(tcp_conn_count() == n && last_seg(&s) && s.flags == T_RST, "forged cookie: RST");
	/* the half-open ones time out after their SYN-ACK retries */
	advance_ms(1000);
	advance_ms(2000);
	advance_ms(4000);
	advance_ms(8000);
	ok(tcp_conn_count() == 1, "half-open connections expired: %u left", tcp_conn_count());
	ok(ts()->synack_rexmt >= 4 * CONFIG_TCP_SYNACK_RETRIES, "SYN-ACKs were retransmitted");
	finish("SYN flood");
}

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
	fake_inject(&F, fr, mk_tcp(fr, HOST, GUEST, 5556, lport, 100, 0, T_SYN, 8000, NULL, 0,
				   NULL, 0));
	ok(cstate(c) == TCP_SYN_RCVD, "simultaneous open: SYN-RECEIVED");
	fake_clear(&F);
	tcp_shutdown(c);
	ok(F.ntx == 0 && cstate(c) == TCP_SYN_RCVD, "no FIN before our SYN is acknowledged");
	fake_inject(&F, fr, mk_tcp(fr, HOST, GUEST, 5556, lport, 101, gseq, T_ACK, 8000, NULL, 0,
				   NULL, 0));
	ok(cstate(c) == TCP_FIN_WAIT_1 && last_seg(&s) && (s.flags & T_FIN) && s.seq == gseq,
	   "established, then the queued FIN: FIN-WAIT-1");
	ok(c->cwnd >= c->mss, "congestion state set up");
	/* tcp_close after a half-close, in FIN-WAIT-2: now bounded by the FIN-WAIT-2 timer */
	fake_clear(&F);
	fake_inject(&F, fr, mk_tcp(fr, HOST, GUEST, 5556, lport, 101, gseq + 1, T_ACK, 8000, NULL,
				   0, NULL, 0));
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
	ok(tcp_connect(HOST, 99, &tapp_ops, NULL, &c) == 0 && cstate(c) == TCP_SYN_SENT, "SYN-SENT");
	fake_clear(&F);
	tcp_close(c);
	ok(tcp_conn_count() == 0 && F.ntx == 0 && A.closed_calls == 0, "closed: CLOSED, silent");
	finish("more transitions");
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
	test_seq();
	test_siphash();
	test_rto();
	test_cookie_math();
	test_passive_open_close();
	test_active_open_close();
	test_simultaneous();
	test_half_close();
	test_resets();
	test_blind_attacks();
	test_closed_port();
	test_never_answered();
	test_malformed();
	test_all_flags();
	test_syn_flood();
	test_time_wait_reuse();
	test_rto_giveup();
	test_connect_fail();
	test_close_in_handshake();
	test_more_transitions();
	test_refuse();
	TEST_DONE();
}
