/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake NIC for host tests of net/: transmitted frames are kept in an array for the test to
 * inspect, and frames are injected by copying them into a pool mbuf and calling nd->rx (which
 * net_init set to eth_input). Header-only: each test program includes it once.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/errno.h"
#include "net/mbuf.h"
#include "net/net.h"
#include "net/netdev.h"
#include "lib/timer.h"
#include "app/app.h"
#include "tests/host/test.h"

#define FAKE_TX_MAX 256

struct fake_nd {
	struct netdev nd;
	struct mbuf *tx[FAKE_TX_MAX]; /* queued by xmit, owned here until fake_clear */
	int ntx;
	int flushes;  /* doorbells */
	int tx_limit; /* xmit fails with -ENOSPC beyond this many queued (0 = FAKE_TX_MAX) */
};

static int fake_poll(struct netdev *nd, int budget)
{
	(void)nd;
	(void)budget;
	return 0;
}

static int fake_xmit(struct netdev *nd, struct mbuf *m)
{
	struct fake_nd *f = (struct fake_nd *)nd;
	int limit = f->tx_limit ? f->tx_limit : FAKE_TX_MAX;
	if (f->ntx >= limit) {
		nd->stats.tx_drop_full++;
		mbuf_free(m);
		return -ENOSPC;
	}
	f->tx[f->ntx++] = m;
	return (int)mbuf_len(m);
}

static void fake_flush(struct netdev *nd)
{
	((struct fake_nd *)nd)->flushes++;
}

static void fake_irq_arm(struct netdev *nd)
{
	(void)nd;
}

static bool fake_rx_pending(const struct netdev *nd)
{
	(void)nd;
	return false;
}

static const struct netdev_ops fake_ops = {
	.poll = fake_poll,
	.xmit = fake_xmit,
	.flush = fake_flush,
	.irq_arm = fake_irq_arm,
	.rx_pending = fake_rx_pending,
};

static const uint8_t fake_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* TCP's rings from the host's heap (the kernel gives pages), filled with a pattern rather than
 * zeros (TCP must not rely on either), counted for leak checks; fake_ring_fail refuses them. */
static int fake_rings_out;
static bool fake_ring_fail;

static void *fake_ring_alloc(size_t n)
{
	void *p = fake_ring_fail ? NULL : aligned_alloc(4096, n);
	if (p) {
		memset(p, 0xa5, n);
		fake_rings_out++;
	}
	return p;
}

static void fake_ring_free(void *p, size_t n)
{
	(void)n;
	free(p);
	fake_rings_out--;
}

static void fake_setup(struct fake_nd *f)
{
	tcp_ring_alloc = fake_ring_alloc;
	tcp_ring_free = fake_ring_free;
	fake_ring_fail = false;
	memset(f, 0, sizeof(*f));
	memcpy(f->nd.name, "fake0", 6);
	memcpy(f->nd.mac, fake_mac, 6);
	f->nd.mtu = 1500;
	f->nd.link_up = true;
	f->nd.ops = &fake_ops;
}

/* Free every recorded transmit. */
static void fake_clear(struct fake_nd *f)
{
	for (int i = 0; i < f->ntx; i++)
		mbuf_free(f->tx[i]);
	f->ntx = 0;
}

/* Deliver a frame as the driver would; returns false if the pool is empty. aligned: the frame
 * lands NET_IP_ALIGN bytes in, as the e1000 places them (IP header 4-byte aligned, which the
 * fused path needs), else at the plain headroom (IP header only 2-byte aligned: the general
 * path moves it). flags: the mbuf's as the driver hands it up. */
static bool fake_inject_flags(struct fake_nd *f, const void *frame, size_t len, bool aligned,
			      uint32_t flags)
{
	struct mbuf *m = mbuf_alloc();
	if (!m)
		return false;
	if (aligned && mbuf_tailroom(m) >= NET_IP_ALIGN + len)
		mbuf_reserve(m, NET_IP_ALIGN);
	memcpy(mbuf_put(m, len), frame, len); /* mbuf_put checks the room */
	m->flags = flags; /* what a driver may say of the frame (MBUF_F_L4_OK) */
	netdev_rx(&f->nd, m, (uint32_t)len); /* as a driver: the length again, and counted */
	(void)net_stats(); /* the counters up to date, as the main loop has them after a pass */
	return true;
}

static bool fake_inject_at(struct fake_nd *f, const void *frame, size_t len, bool aligned)
{
	return fake_inject_flags(f, frame, len, aligned, 0);
}

/* The same, every other frame at either offset: the stack must handle both. */
static bool fake_inject(struct fake_nd *f, const void *frame, size_t len)
{
	static unsigned n;
	return fake_inject_at(f, frame, len, n++ & 1);
}

/* ---- frame builders and checkers (written independently of net/, from the RFCs) ---- */

static const uint8_t host_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define GUEST		IP4(10, 0, 2, 15)
#define HOST		IP4(10, 0, 2, 2)

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}
static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

/* Plain RFC 1071 sum, one byte pair at a time. */
static uint32_t t_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return sum;
}
static uint16_t t_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t mk_eth(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wr16(f + 12, type);
	return 14;
}

/* IPv4 header at p for a payload of n bytes; returns 20. */
static size_t mk_ip(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t n, uint16_t id,
		    uint16_t frag, uint8_t ttl)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	wr16(p + 2, (uint16_t)(20 + n));
	wr16(p + 4, id);
	wr16(p + 6, frag);
	p[8] = ttl;
	p[9] = proto;
	wr32(p + 12, src);
	wr32(p + 16, dst);
	wr16(p + 10, t_fold(t_sum(p, 20, 0)));
	return 20;
}

static void fix_ip_cksum(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 15) * 4;
	wr16(ip + 10, 0);
	wr16(ip + 10, t_fold(t_sum(ip, hl, 0)));
}

static uint32_t t_pseudo(const uint8_t *ip, uint16_t len)
{
	return t_sum(ip + 12, 8, 0) + ip[9] + len;
}

/* UDP checksum at ip (header length from IHL), over the UDP length field's bytes. */
static void fix_udp_cksum(uint8_t *ip)
{
	uint8_t *u = ip + (ip[0] & 15) * 4;
	uint16_t len = rd16(u + 4), c;
	wr16(u + 6, 0);
	c = t_fold(t_sum(u, len, t_pseudo(ip, len)));
	wr16(u + 6, c ? c : 0xffff);
}

static bool ip_cksum_ok(const uint8_t *ip)
{
	return t_fold(t_sum(ip, (size_t)(ip[0] & 15) * 4, 0)) == 0;
}

static bool udp_cksum_ok(const uint8_t *ip)
{
	const uint8_t *u = ip + (ip[0] & 15) * 4;
	uint16_t len = rd16(u + 4);
	return rd16(u + 6) != 0 && t_fold(t_sum(u, len, t_pseudo(ip, len))) == 0;
}

static size_t mk_udp(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		     const void *data, size_t n)
{
	size_t l = mk_eth(f, fake_mac, host_mac, 0x0800);
	uint8_t *ip = f + l, *u = ip + 20;
	mk_ip(ip, src, dst, 17, 8 + n, 0x1234, 0, 64);
	wr16(u, sport);
	wr16(u + 2, dport);
	wr16(u + 4, (uint16_t)(8 + n));
	memcpy(u + 8, data, n);
	fix_udp_cksum(ip);
	return l + 28 + n;
}

static size_t mk_ping(uint8_t *f, uint16_t ident, uint16_t seq, const void *data, size_t n)
{
	size_t l = mk_eth(f, fake_mac, host_mac, 0x0800);
	uint8_t *ip = f + l, *h = ip + 20;
	mk_ip(ip, HOST, GUEST, 1, 8 + n, 0x4321, 0, 64);
	memset(h, 0, 8);
	h[0] = 8;
	wr16(h + 4, ident);
	wr16(h + 6, seq);
	memcpy(h + 8, data, n);
	wr16(h + 2, t_fold(t_sum(h, 8 + n, 0)));
	return l + 28 + n;
}

static size_t mk_arp(uint8_t *f, const uint8_t *edst, uint16_t op, const uint8_t *sha, uint32_t spa,
		     const uint8_t *tha, uint32_t tpa)
{
	size_t l = mk_eth(f, edst, sha, 0x0806);
	uint8_t *a = f + l;
	wr16(a, 1);
	wr16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, sha, 6);
	wr32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	wr32(a + 24, tpa);
	memset(a + 28, 0, 18); /* Ethernet padding to 60 */
	return 60;
}

/* ---- the fixture shared by the test_net*.c programs ---- */

static struct fake_nd F;
static uint8_t fr[4096];

static const char *start_stats_port; /* stats.port for the next start(), if set */

static void start(const char *ip)
{
	net_reset();
	if (start_stats_port)
		net_bootarg_stats_port(start_stats_port);
	host_clock_ns += 10 * NSEC_PER_SEC;
	host_console_clear();
	fake_setup(&F);
	netdev_register(&F.nd);
	if (ip)
		net_bootarg_ip(ip);
	net_init(&F.nd);
	echo_init();
	if (ip && strcmp(ip, "dhcp") != 0)
		fake_clear(
			&F); /* the gratuitous ARP (checked in test_arp); DHCP keeps its DISCOVER */
}

static void finish(const char *name)
{
	fake_clear(&F);
	net_reset();
	ok(mbuf_pool_free_count() == MBUF_COUNT, "%s leaks %u buffers", name,
	   MBUF_COUNT - mbuf_pool_free_count());
	ok(fake_rings_out == 0, "%s leaks %d TCP rings", name, fake_rings_out);
}

static const uint8_t *txf(int i)
{
	return F.tx[i]->data;
}
static size_t txlen(int i)
{
	return mbuf_len(F.tx[i]);
}

/* Let the stack learn HOST's MAC (so replies go out at once). */
static void learn_host(void)
{
	static const uint8_t zero[6];
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, GUEST));
	fake_clear(&F);
}

static bool has_drop(const char *p, const char *q)
{
	for (; p + 5 <= q; p++)
		if (memcmp(p, "_drop", 5) == 0)
			return true;
	return false;
}

/* Sum of every counter named drop* or *_drop* in the stats JSON (to catch double counting). */
static unsigned long long all_drops(void)
{
	static char js[8192];
	unsigned long long total = 0;
	net_stats_json(js, sizeof(js));
	for (char *p = strchr(js, '"'); p; p = strchr(p + 1, '"')) {
		char *q = strchr(p + 1, '"');
		if (!q)
			break;
		if (q[1] == ':' && q[2] != '{' &&
		    (strncmp(p + 1, "drop", 4) == 0 || has_drop(p + 1, q)))
			total += strtoull(q + 2, NULL, 10);
		p = q;
	}
	return total;
}

/* Send n bytes to the echo port; true if exactly one byte-exact reply with good checksums. */
static bool echo_once(size_t n, uint16_t sport)
{
	uint8_t pl[2000];
	bool good;
	for (size_t i = 0; i < n; i++)
		pl[i] = (uint8_t)(i * 5 + 1 + n);
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, sport, 7, pl, n));
	if (F.ntx != 1)
		return false;
	const uint8_t *f = txf(0), *ip = f + 14, *u = ip + 20;
	good = memcmp(f, host_mac, 6) == 0 && memcmp(f + 6, fake_mac, 6) == 0 && ip_cksum_ok(ip) &&
	       udp_cksum_ok(ip) && rd16(ip + 2) == 28 + n && rd32(ip + 12) == GUEST &&
	       rd32(ip + 16) == HOST && ip[9] == 17 && rd16(u) == 7 && rd16(u + 2) == sport &&
	       rd16(u + 4) == 8 + n && memcmp(u + 8, pl, n) == 0 && txlen(0) == n + 42;
	fake_clear(&F);
	return good;
}
