/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP against hostile peers: resets in and out of the window (RFC 5961 3), SYNs and ACKs a blind
 * attacker would send (RFC 5961 4, 5), challenge ACKs and their limits, closed ports and the
 * reset rate limit, addresses never answered (broadcast and multicast destinations, martian
 * sources), malformed headers by reason, every flag combination, a SYN flood answered with
 * cookies while a real client connects. After every test the mbuf pool is back to full.
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

static void test_malformed(void)
{
	tstart();
	ok(handshake(), "handshake");
	uint64_t cks = ts()->drop_cksum, hdr = ts()->drop_hdr, shrt = ts()->drop_short;
	size_t n = mk_tcp(fr, HOST, GUEST, PPORT, LPORT, pseq, gseq, T_ACK, 1000, NULL, 0, "hi", 2);
	fr[14 + 20 + 16] ^= 0x40; /* checksum */
	fake_inject(&F, fr, n);
	ok(ts()->drop_cksum == cks + 1 && A.ngot == 0, "bad checksum dropped");
	/* the same segment vouched for by the NIC (MBUF_F_L4_OK): not summed, so taken */
	fake_inject_flags(&F, fr, n, true, MBUF_F_L4_OK);
	ok(ts()->drop_cksum == cks + 1 && A.ngot == 2, "a segment the NIC verified is not summed");
	pseq += 2;
	fake_clear(&F);
	for (int off = 0; off < 16; off++) {
		n = mk_tcp(fr, HOST, GUEST, PPORT, LPORT, pseq, gseq, T_ACK, 1000, NULL, 0, "hi",
			   2);
		fr[14 + 20 + 12] = (uint8_t)(off << 4);
		wr16(fr + 14 + 20 + 16, 0);
		wr16(fr + 14 + 20 + 16, t_tcp_sum(fr + 14));
		fake_inject(&F, fr, n);
	}
	ok(ts()->drop_hdr == hdr + 5 + 10, "data offsets 0-4 and 6-15 (past the segment) dropped");
	ok(A.ngot == 4, "offset 5 is the one good segment");
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

int main(void)
{
	mbuf_pool_init();
	test_resets();
	test_blind_attacks();
	test_closed_port();
	test_never_answered();
	test_malformed();
	test_all_flags();
	test_syn_flood();
	TEST_DONE();
}
