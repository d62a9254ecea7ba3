/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fixture shared by the test_tcp*.c programs: a peer at HOST:PPORT talking to the stack at
 * GUEST over the fake NIC, with the handshake, sends and checks most tests start from.
 */
#pragma once
#include "lib/timer.h"
#include "net/tcp.h"
#include "tests/host/fake_tcp.h"

#define PPORT 40000	  /* the peer's port */
#define LPORT 7777	  /* the test listener's port */
#define PISS  0xfffff000u /* the peer's ISS: its data crosses 2^32 within the first 4 KiB */

static uint8_t pat[1 << 20]; /* a test pattern: pat[i] for stream offset i (fill_pattern) */

static void fill_pattern(void)
{
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(pat); i++) {
		x = x * 1103515245u + 12345u;
		pat[i] = (uint8_t)(x >> 16);
	}
}

static uint32_t pseq; /* the peer's next sequence number */
static uint32_t gseq; /* the guest's next sequence number (what the peer acknowledges) */
static uint16_t pwnd = 65535;

static void advance_ms(uint64_t ms)
{
	host_clock_ns += ms * NSEC_PER_MSEC;
	timers_expire(host_clock_ns);
}

/* Inject a segment from the peer (HOST:PPORT to GUEST:dport). */
static void psend_to(uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		     const uint8_t *opts, size_t optlen, const void *data, size_t n)
{
	static uint8_t frame[2048];
	fake_inject(&F, frame,
		    mk_tcp(frame, HOST, GUEST, PPORT, dport, seq, ack, flags, wnd, opts, optlen,
			   data, n));
}

static void psend(uint32_t seq, uint32_t ack, uint8_t flags, const void *data, size_t n)
{
	psend_to(LPORT, seq, ack, flags, pwnd, NULL, 0, data, n);
}

/* Data from the peer at pseq, acknowledging gseq; pseq moves on. */
static void pdata(const void *data, size_t n)
{
	psend(pseq, gseq, T_ACK | T_PSH, data, n);
	pseq += (uint32_t)n;
}

static void pack(void)
{
	psend(pseq, gseq, T_ACK, NULL, 0);
}

/* The last transmitted segment (false if none). */
static bool last_seg(struct tseg *s)
{
	return F.ntx > 0 && tx_seg(F.ntx - 1, s);
}

/* Every transmitted segment is well-formed: checksums, our addresses and ports. */
static bool all_tx_ok(uint16_t lport)
{
	for (int i = 0; i < F.ntx; i++) {
		struct tseg s;
		if (!tx_seg(i, &s))
			continue; /* ARP */
		if (!s.cksum_ok || s.src != GUEST || s.dst != HOST || s.sport != lport)
			return false;
	}
	return true;
}

/* Peer options for a SYN: MSS, window scale when ws >= 0, SACK-permitted when sack_perm. */
static bool sack_perm;
static size_t syn_opts(uint8_t *o, uint16_t mss, int ws)
{
	size_t n = 0;
	if (sack_perm) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (mss) {
		o[n++] = 2;
		o[n++] = 4;
		o[n++] = (uint8_t)(mss >> 8);
		o[n++] = (uint8_t)mss;
	}
	if (ws >= 0) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = (uint8_t)ws;
	}
	return n;
}

/* Start the stack with a listener on LPORT run by the test app (tapp). */
static void tstart(void)
{
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	tapp_reset();
	ok(tcp_listen(LPORT, 4, tapp_accept, NULL) == 0, "listen");
	pwnd = 65535;
}

/*
 * Three-way handshake from the peer with the given options; afterwards pseq/gseq are the next
 * sequence numbers of each side and the transmit record is empty. Returns the SYN-ACK's
 * checks: true when it was one and right.
 */
static bool handshake_opts(uint16_t mss, int ws, struct tseg *synack)
{
	uint8_t o[12];
	struct tseg s;
	size_t n = syn_opts(o, mss, ws);
	pseq = PISS;
	psend_to(LPORT, pseq, 0, T_SYN, pwnd, o, n, NULL, 0);
	pseq++;
	if (!last_seg(&s) || s.flags != (T_SYN | T_ACK) || s.ack != pseq || !s.cksum_ok) {
		fake_clear(&F);
		return false;
	}
	if (synack)
		*synack = s;
	gseq = s.seq + 1;
	fake_clear(&F);
	pack();
	return A.c != NULL && F.ntx == 0;
}

static bool handshake(void)
{
	return handshake_opts(1460, -1, NULL);
}

/* The payload bytes of every data segment transmitted since the last fake_clear, appended to
 * out (n bytes at most); returns how many. Also acknowledges nothing. */
static size_t tx_payload(uint8_t *out, size_t max)
{
	size_t got = 0;
	for (int i = 0; i < F.ntx; i++) {
		struct tseg s;
		if (!tx_seg(i, &s) || !s.len)
			continue;
		if (got + s.len <= max)
			memcpy(out + got, s.data, s.len);
		got += s.len;
	}
	return got;
}

/* The highest seq + len among transmitted segments, and whether a FIN was among them. */
static uint32_t tx_end(bool *fin)
{
	uint32_t end = gseq;
	*fin = false;
	for (int i = 0; i < F.ntx; i++) {
		struct tseg s;
		if (!tx_seg(i, &s))
			continue;
		uint32_t e = s.seq + (uint32_t)s.len + !!(s.flags & T_FIN);
		if ((int32_t)(e - end) > 0)
			end = e;
		if (s.flags & T_FIN)
			*fin = true;
	}
	return end;
}

/* The TCP connection's state, through the private header. */
static int cstate(const struct tcp_conn *c)
{
	return c ? c->state : -1;
}

static struct tcp_conn *find_conn(uint16_t lport, uint16_t rport)
{
	return tcp_lookup(GUEST, lport, HOST, rport);
}
