/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP input against a live connection table. Each run starts the stack (static address, the
 * host's MAC known), the TCP echo service on port 7 and a test application on port 7777, makes
 * real connections to both (and one from us to the host, left in SYN-SENT), then plays the
 * input as a script of segments from the peers, interleaved with time passing and with the
 * application reading, writing, shutting down, closing and aborting. Sequence and
 * acknowledgement numbers are taken relative to the connection's own state (so mutations land
 * near the window edges where the RFC's cases are), or raw; checksums are right unless the
 * record asks otherwise, so segments get past the header checks.
 *
 * Input: byte 0 chooses the application's behaviour; then records of 12 bytes plus payload:
 *   [0] TCP flags  [1] target (low 3 bits: peer 0-5; 0x08 seq raw, 0x10 ack raw, 0x20 bad
 *   checksum, 0x40 SYN options, 0x80 app action first)  [2..3] seq offset  [4..5] ack
 *   offset  [6..7] window  [8] payload length / 8 (bytes follow)  [9] time step index
 *   [10] options kind  [11] application action
 *
 * Oracles: every transmitted frame is well-formed (tests/fuzz/tx_oracle.h, TCP checksums and
 * no segment to a broadcast address); after every record each connection's sequence state is
 * consistent (snd_una <= snd_nxt <= snd_max <= snd_end + 1, both rings within their sizes,
 * out-of-order ranges sorted inside the window), it is found by its own 4-tuple, it holds rings
 * exactly from ESTABLISHED to LAST-ACK, its timer is armed no later than its earliest deadline; no mbuf is held across records beyond the ARP
 * queue bound; after all timeouts the pool is full and net_reset leaves no timer armed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/byteorder.h"
#include "lib/config.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/tcp.h"
#include "app/app.h"
#include "tests/host/test.h"
#include "tests/host/fake_netdev.h"
#include "tests/host/fake_tcp.h"
#define FUZZ_NAME "fuzz_tcp"
#include "tests/fuzz/tx_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define NPEERS	  6
#define REC	  12
#define MAX_RECS  200
#define HELD_MAX  32 /* frames the ARP queues may hold */
#define APP_PORT  7777
#define PEER_PORT 41000

static const uint32_t gap_ms[16] = { 0,	  0,	0,    1,     1,	    5,	   40,	   200,
				     201, 1000, 3000, 10000, 31000, 61000, 200000, 600000 };

/* The peers: ports 41000.. on the host, talking to port 7 (even) or 7777 (odd); peer 5 is the
 * host's side of our active open (its port is known once the SYN went out). */
static struct {
	uint16_t sport, dport;
	uint32_t seq; /* the peer's next sequence number */
} peers[NPEERS];
static struct tcp_conn *active;
static uint8_t app_mode;
static uint8_t junk[4096];

static struct tcp_conn *conn_of(int p)
{
	return tcp_lookup(GUEST, peers[p].dport, HOST, peers[p].sport);
}

/* ---- the application on port 7777 (and the active open), behaving as byte 0 says ---- */

static void app_recv(struct tcp_conn *c, void *arg)
{
	uint8_t buf[512];
	(void)arg;
	if (app_mode & 1)
		return; /* hold: let the window close */
	size_t n = tcp_read(c, buf, (app_mode & 2) ? 100 : sizeof(buf));
	if ((app_mode & 4) && n)
		tcp_send(c, buf, n);
	if ((app_mode & 8) && tcp_eof(c))
		tcp_close(c);
}

static void app_sent(struct tcp_conn *c, void *arg)
{
	(void)arg;
	if (app_mode & 16)
		tcp_send(c, junk, 700);
}

static void app_closed(struct tcp_conn *c, int err, void *arg)
{
	(void)err;
	(void)arg;
	if (c == active)
		active = NULL;
}

static const struct tcp_ops app_ops = {
	.connected = NULL, .recv = app_recv, .sent = app_sent, .closed = app_closed
};

static int app_accept(struct tcp_conn *c, void *arg)
{
	(void)arg;
	if (app_mode & 32)
		return -1; /* refuse */
	tcp_attach(c, &app_ops, NULL);
	if (app_mode & 64)
		tcp_set_nodelay(c, true);
	return 0;
}

static void app_action(struct tcp_conn *c, uint8_t a)
{
	uint8_t buf[2048];
	if (!c || c->state == TCP_CLOSED || (c->flags & TF_ORPHAN) || c->lport == 7)
		return;
	switch (a & 7) {
	case 1:
		tcp_send(c, junk, (size_t)(a >> 3) * 97);
		break;
	case 2:
		tcp_read(c, buf, (size_t)(a >> 3) * 61);
		break;
	case 3:
		tcp_shutdown(c);
		break;
	case 4:
		if (c == active)
			active = NULL;
		tcp_close(c);
		break;
	case 5:
		if (c == active)
			active = NULL;
		tcp_abort(c);
		break;
	case 6:
		tcp_set_nodelay(c, a & 8);
		break;
	default:
		break;
	}
}

/* ---- invariants ---- */

static void check_conns(int i)
{
	unsigned live = 0;
	for (int k = 0; k < CONFIG_TCP_CONNS; k++) {
		const struct tcp_conn *c = &tcp_conns[k];
		uint64_t e = 0;
		if (c->state == TCP_CLOSED)
			continue;
		live++;
		if (c->state >= TCP_NSTATES || (c->flags & (TF_BUSY | TF_DEAD)))
			fail("connection state or flags left over", i);
		if (tcp_lookup(c->lip, c->lport, c->rip, c->rport) != c)
			fail("connection not found by its 4-tuple", i);
		if (!seq_leq(c->snd_una, c->snd_nxt) || !seq_leq(c->snd_nxt, c->snd_max) ||
		    !seq_leq(c->snd_max, c->snd_end + 1))
			fail("send sequence out of order", i);
		if (c->snd_end - tcp_snd_start(c) > CONFIG_TCP_SNDBUF)
			fail("send ring overfull", i);
		if ((c->rings != NULL) != (c->state >= TCP_ESTABLISHED && c->state != TCP_TIME_WAIT))
			fail("rings held outside ESTABLISHED..LAST-ACK, or missing inside", i);
		if (c->state >= TCP_ESTABLISHED &&
		    (!seq_leq(c->rcv_user, c->rcv_nxt) ||
		     c->rcv_nxt - c->rcv_user > CONFIG_TCP_RCVBUF + 1u))
			fail("receive ring overfull", i);
		if (c->nooo > CONFIG_TCP_OOO_MAX)
			fail("too many out-of-order ranges", i);
		for (unsigned r = 0; r < c->nooo; r++) {
			uint32_t s = c->ooo[r].start - c->rcv_nxt, t = c->ooo[r].end - c->rcv_nxt;
			if (s == 0 || s >= t || t > CONFIG_TCP_RCVBUF ||
			    (r && s <= c->ooo[r - 1].end - c->rcv_nxt))
				fail("out-of-order ranges unsorted, touching or outside the window",
				     i);
		}
		if (c->state >= TCP_ESTABLISHED && c->cwnd < c->mss)
			fail("congestion window below one segment", i);
		const uint64_t d[3] = { c->rexmt_at, c->delack_at, c->idle_at };
		for (int j = 0; j < 3; j++)
			if (d[j] && (!e || d[j] < e))
				e = d[j];
		if (e && (!timer_pending(&c->timer) || c->timer.deadline > e))
			fail("a deadline without its timer", i);
	}
	if (live != tcp_conn_count())
		fail("connection count disagrees with the table", i);
}

/* ---- the script ---- */

static void peer_send(int p, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		      const uint8_t *opts, size_t optlen, const uint8_t *pl, size_t n, bool bad)
{
	static uint8_t frame[2048];
	size_t len = mk_tcp(frame, HOST, GUEST, peers[p].sport, peers[p].dport, seq, ack, flags,
			    wnd, opts, optlen, pl, n);
	if (bad)
		frame[14 + 20 + 16] ^= 0x55;
	fake_inject(&F, frame, len);
}

/* A three-way handshake of peer p; leaves it established (if the listener accepts). */
static void connect_peer(int p)
{
	struct tseg s;
	static const uint8_t o[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	peers[p].seq = 0xfffff000u + (uint32_t)p * 0x10000000u;
	peer_send(p, peers[p].seq, 0, T_SYN, 65535, o, 8, NULL, 0, false);
	peers[p].seq++;
	if (!F.ntx || !tx_seg(F.ntx - 1, &s) || s.flags != (T_SYN | T_ACK))
		fail("no SYN-ACK in setup", -1);
	check_tx(-1);
	peer_send(p, peers[p].seq, s.seq + 1, T_ACK, 512, NULL, 0, NULL, 0, false);
	check_tx(-1);
}

static void setup(uint8_t mode)
{
	static const uint8_t zero[6];
	struct tseg s;
	host_clock_ns = 1000 * NSEC_PER_SEC;
	net_reset();
	if (timers_next_deadline() != UINT64_MAX)
		fail("net_reset left a timer armed", -1);
	if (mbuf_pool_free_count() != MBUF_COUNT)
		fail("pool not full after net_reset", -1);
	if (fake_rings_out)
		fail("TCP rings not given back by net_reset", -1);
	app_mode = mode;
	fake_setup(&F);
	netdev_register(&F.nd);
	net_bootarg_ip("10.0.2.15/24,10.0.2.2");
	net_init(&F.nd);
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, GUEST));
	tcpecho_init();
	tcp_listen(APP_PORT, 2, app_accept, NULL);
	check_tx(-1);
	for (int p = 0; p < NPEERS - 1; p++) {
		peers[p].sport = (uint16_t)(PEER_PORT + p);
		peers[p].dport = p & 1 ? APP_PORT : 7;
		if (p < 4)
			connect_peer(p);
		else
			peers[p].seq =
				1; /* peer 4 starts with nothing: its SYNs come from the input */
	}
	active = NULL;
	if (tcp_connect(HOST, 9, &app_ops, NULL, &active) || !F.ntx || !tx_seg(F.ntx - 1, &s))
		fail("active open in setup", -1);
	peers[5].sport = 9;
	peers[5].dport = s.sport;
	peers[5].seq = 0x80000000u;
	check_tx(-1);
}

/* Options for the record: values from the payload's first bytes (zeros past its end). */
static size_t options(uint8_t kind, const uint8_t *pl, size_t avail, uint8_t *o)
{
	uint8_t p[40] = { 0 };
	memcpy(p, pl, avail < sizeof(p) ? avail : sizeof(p));
	switch (kind & 7) {
	case 1: /* MSS */
		memcpy(o, (const uint8_t[]){ 2, 4, p[0], p[1] }, 4);
		return 4;
	case 2: /* window scale, any shift */
		memcpy(o, (const uint8_t[]){ 1, 3, 3, p[0] }, 4);
		return 4;
	case 3: /* SACK-permitted and timestamps */
		memcpy(o, (const uint8_t[]){ 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0 }, 12);
		return 12;
	case 4: /* raw bytes: any garbage */
	case 5: {
		size_t n = (size_t)(kind >> 3) * 4;
		n = n > 40 ? 40 : n;
		memcpy(o, p, n);
		return n;
	}
	default:
		return 0;
	}
}

static void one_record(const uint8_t *r, const uint8_t *pl, size_t n, int i)
{
	uint8_t opts[40];
	int p = r[1] & 7;
	struct tcp_conn *c;
	uint32_t seq, ack;
	size_t optlen = 0;
	if (p >= NPEERS)
		p = NPEERS - 1;
	host_clock_ns += (uint64_t)gap_ms[r[9] & 15] * NSEC_PER_MSEC;
	timers_expire(host_clock_ns);
	net_flush();
	check_tx(1000 + i);
	c = conn_of(p);
	if (r[1] & 0x80)
		app_action(c, r[11]);
	c = conn_of(p);
	int16_t ds = (int16_t)(r[2] << 8 | r[3]), da = (int16_t)(r[4] << 8 | r[5]);
	if (r[1] & 0x08 || !c)
		seq = get_be32(r + 2) ^ peers[p].seq;
	else
		seq = c->rcv_nxt + (uint32_t)(int32_t)ds;
	if (r[1] & 0x10 || !c)
		ack = get_be32(r + 4);
	else
		ack = c->snd_una + (uint32_t)(int32_t)da;
	if ((r[1] & 0x40) || (r[0] & T_SYN))
		optlen = options(r[10], pl, n, opts);
	if (n > 1460 - optlen) /* a frame within the Ethernet MTU */
		n = 1460 - optlen;
	peer_send(p, seq, ack, r[0], (uint16_t)(r[6] << 8 | r[7]), opts, optlen, pl, n,
		  r[1] & 0x20);
	net_flush();
	check_tx(i);
	if (!(r[1] & 0x80))
		app_action(conn_of(p), r[11]);
	net_flush();
	check_tx(i);
	check_conns(i);
	if (mbuf_pool_free_count() + HELD_MAX < MBUF_COUNT)
		fail("more buffers held than the ARP queue bound", i);
}

/* Every timeout, then the pool is full but for frames an ARP request still holds. */
static void settle(void)
{
	for (int k = 0; k < 16; k++) {
		host_clock_ns += 61 * NSEC_PER_SEC;
		timers_expire(host_clock_ns);
		net_flush();
		check_tx(2000 + k);
		check_conns(2000 + k);
	}
	for (int k = 0; k < CONFIG_TCP_CONNS; k++) {
		const struct tcp_conn *c = &tcp_conns[k];
		if (c->state == TCP_TIME_WAIT || c->state == TCP_SYN_RCVD ||
		    c->state == TCP_SYN_SENT || ((c->flags & TF_ORPHAN) && c->state != TCP_CLOSED))
			fail("a connection outlived every timeout of its state", 3000);
	}
	if (mbuf_pool_free_count() + HELD_MAX < MBUF_COUNT)
		fail("buffers held after every timeout", 3000);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mbuf_pool_init();
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 31);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	setup(data[0]);
	data++;
	size--;
	for (int i = 0; i < MAX_RECS && size >= REC; i++) {
		const uint8_t *r = data;
		size_t n = (size_t)r[8] * 8;
		data += REC;
		size -= REC;
		if (n > size)
			n = size;
		one_record(r, data, n, i);
		data += n;
		size -= n;
	}
	settle();
	return 0;
}
