/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A TCP peer for host tests and the TCP fuzzer, written from RFC 9293 independently of net/:
 * segments built byte by byte (header, options, checksum), the stack's segments parsed back,
 * and a test application recording what its callbacks saw. Include after fake_netdev.h.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "net/net.h"
#include "tests/host/fake_netdev.h"

#define T_FIN 0x01
#define T_SYN 0x02
#define T_RST 0x04
#define T_PSH 0x08
#define T_ACK 0x10
#define T_URG 0x20

/* A segment as the test sees it (host order). */
struct tseg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t hlen;
	const uint8_t *data;
	size_t len;
	/* options found (0 / 0xff / false = absent) */
	uint16_t mss;
	uint8_t wscale;
	bool sack_perm;
	uint8_t nsack; /* SACK blocks */
	uint32_t sack[4][2];
	bool cksum_ok;
};

/* TCP checksum over pseudo header and segment (ip: the IPv4 header, IHL honoured). */
static uint16_t t_tcp_sum(const uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 15) * 4;
	uint16_t len = (uint16_t)(rd16(ip + 2) - hl);
	return t_fold(t_sum(ip + hl, len, t_sum(ip + 12, 8, 0) + 6 + len));
}

/*
 * Ethernet + IPv4 + TCP frame into f: from src:sport to dst:dport, header with opts (padded to
 * 4 bytes with NOPs... the caller passes a multiple of 4) and n data bytes. Returns its length
 * (at least 60: short frames are padded as a NIC would).
 */
static size_t mk_tcp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		     uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opts,
		     size_t optlen, const void *data, size_t n)
{
	size_t l = mk_eth(f, fake_mac, host_mac, 0x0800), hl = 20 + optlen;
	uint8_t *ip = f + l, *t = ip + 20;
	mk_ip(ip, src, dst, 6, hl + n, 0x2222, 0, 64);
	memset(t, 0, 20);
	wr16(t, sport);
	wr16(t + 2, dport);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = (uint8_t)(hl / 4 << 4);
	t[13] = flags;
	wr16(t + 14, wnd);
	if (optlen)
		memcpy(t + 20, opts, optlen);
	if (n)
		memcpy(t + hl, data, n);
	wr16(t + 16, t_tcp_sum(ip));
	l += 20 + hl + n;
	if (l < 60) {
		memset(f + l, 0, 60 - l);
		l = 60;
	}
	return l;
}

static void t_parse_opts(struct tseg *s, const uint8_t *p, size_t n)
{
	while (n) {
		if (p[0] == 0)
			break;
		if (p[0] == 1) {
			p++;
			n--;
			continue;
		}
		if (n < 2 || p[1] < 2 || p[1] > n)
			break;
		if (p[0] == 2 && p[1] == 4)
			s->mss = rd16(p + 2);
		if (p[0] == 3 && p[1] == 3)
			s->wscale = p[2];
		if (p[0] == 4 && p[1] == 2)
			s->sack_perm = true;
		if (p[0] == 5 && p[1] >= 10 && (p[1] - 2) % 8 == 0)
			for (int k = 0; k < (p[1] - 2) / 8 && k < 4; k++, s->nsack++) {
				s->sack[k][0] = rd32(p + 2 + 8 * k);
				s->sack[k][1] = rd32(p + 6 + 8 * k);
			}
		n -= p[1];
		p += p[1];
	}
}

/* Parse frame f (n bytes) as Ethernet/IPv4/TCP; false if it is not a TCP segment. */
static bool t_parse(const uint8_t *f, size_t n, struct tseg *s)
{
	const uint8_t *ip = f + 14, *t;
	size_t hl, tot;
	memset(s, 0, sizeof(*s));
	s->wscale = 0xff;
	if (n < 14 + 20 || rd16(f + 12) != 0x0800 || ip[9] != 6)
		return false;
	hl = (size_t)(ip[0] & 15) * 4;
	tot = rd16(ip + 2);
	if (tot > n - 14 || tot < hl + 20)
		return false;
	t = ip + hl;
	s->src = rd32(ip + 12);
	s->dst = rd32(ip + 16);
	s->sport = rd16(t);
	s->dport = rd16(t + 2);
	s->seq = rd32(t + 4);
	s->ack = rd32(t + 8);
	s->hlen = (uint8_t)((t[12] >> 4) * 4);
	s->flags = t[13];
	s->wnd = rd16(t + 14);
	if (s->hlen < 20 || s->hlen > tot - hl)
		return false;
	s->data = t + s->hlen;
	s->len = tot - hl - s->hlen;
	t_parse_opts(s, t + 20, s->hlen - 20u);
	s->cksum_ok = t_tcp_sum(ip) == 0 && ip_cksum_ok(ip);
	return true;
}

/* The i-th transmitted frame as a segment (false if it is not one). */
static bool tx_seg(int i, struct tseg *s)
{
	return i < F.ntx && t_parse(txf(i), txlen(i), s);
}

/* ---- a test application ---- */

struct tapp {
	struct tcp_conn *c;
	int connected, recv_calls, sent_calls, closed_calls, closed_err;
	uint8_t got[1 << 20];
	size_t ngot;
	bool hold; /* do not read in recv */
	bool echo; /* send back what is read */
	bool close_on_eof;
	bool eof;
	int accepts;
	int refuse; /* accept returns this when negative */
};

static struct tapp A;

static void tapp_read(struct tcp_conn *c)
{
	uint8_t buf[4096];
	size_t n;
	while ((n = tcp_read(c, buf, sizeof(buf))) > 0) {
		if (A.ngot + n <= sizeof(A.got))
			memcpy(A.got + A.ngot, buf, n);
		A.ngot += n;
		if (A.echo)
			tcp_send(c, buf, n); /* tests keep within the send ring */
	}
}

static void tapp_connected(struct tcp_conn *c, void *arg)
{
	(void)arg;
	A.c = c;
	A.connected++;
}

static void tapp_recv(struct tcp_conn *c, void *arg)
{
	(void)arg;
	A.recv_calls++;
	if (!A.hold)
		tapp_read(c);
	if (tcp_eof(c)) {
		A.eof = true;
		if (A.close_on_eof) {
			tcp_close(c);
			A.c = NULL;
		}
	}
}

static void tapp_sent(struct tcp_conn *c, void *arg)
{
	(void)c;
	(void)arg;
	A.sent_calls++;
}

static void tapp_closed(struct tcp_conn *c, int err, void *arg)
{
	(void)c;
	(void)arg;
	A.closed_calls++;
	A.closed_err = err;
	A.c = NULL;
}

static const struct tcp_ops tapp_ops = {
	.connected = tapp_connected,
	.recv = tapp_recv,
	.sent = tapp_sent,
	.closed = tapp_closed,
};

static int tapp_accept(struct tcp_conn *c, void *arg)
{
	(void)arg;
	A.accepts++;
	if (A.refuse < 0)
		return A.refuse;
	A.c = c;
	tcp_attach(c, &tapp_ops, NULL);
	return 0;
}

static void tapp_reset(void)
{
	memset(&A, 0, sizeof(A));
}
