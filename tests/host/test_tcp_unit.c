/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP's arithmetic: sequence numbers around 2^32, SipHash-2-4 against the reference vectors,
 * RFC 6298's RTO against the formulas computed here in floating point, SYN cookies (bound to
 * the 4-tuple and the peer's ISN, valid for two periods, MSS encoding, guesses failing).
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

int main(void)
{
	mbuf_pool_init();
	test_seq();
	test_siphash();
	test_rto();
	test_cookie_math();
	TEST_DONE();
}
