/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The network stack over a fake NIC: ARP replies, ping, UDP echo at every size class, each
 * malformed frame dropped and counted by the right counter (and nothing else), reassembly,
 * port unreachable with its rate limit. After every test the mbuf pool is back to full.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/config.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "app/app.h"
#include "tests/host/test.h"
#include "tests/host/fake_netdev.h"

static void test_arp(void)
{
	static const uint8_t zero[6];
	const uint8_t *f, *a;
	net_reset();
	fake_setup(&F);
	netdev_register(&F.nd);
	net_bootarg_ip("10.0.2.15/24,10.0.2.2");
	net_init(&F.nd);
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0806 && rd32(txf(0) + 14 + 24) == GUEST &&
		   rd32(txf(0) + 14 + 14) == GUEST && memcmp(txf(0), bcast_mac, 6) == 0,
	   "gratuitous ARP at address set (%d frames)", F.ntx);
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, GUEST));
	ok(F.ntx == 1, "one ARP reply, got %d", F.ntx);
	if (F.ntx == 1) {
		f = txf(0);
		a = f + 14;
		ok(txlen(0) == 42, "ARP reply of 42 bytes (the NIC pads): %zu", txlen(0));
		ok(memcmp(f, host_mac, 6) == 0 && memcmp(f + 6, fake_mac, 6) == 0 &&
			   rd16(f + 12) == 0x0806,
		   "Ethernet header of the reply");
		ok(rd16(a) == 1 && rd16(a + 2) == 0x0800 && a[4] == 6 && a[5] == 4 &&
			   rd16(a + 6) == 2,
		   "ARP reply fixed fields");
		ok(memcmp(a + 8, fake_mac, 6) == 0 && rd32(a + 14) == GUEST &&
			   memcmp(a + 18, host_mac, 6) == 0 && rd32(a + 24) == HOST,
		   "ARP reply addresses");
	}
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, IP4(10, 0, 2, 99)));
	ok(F.ntx == 0 && net_stats()->arp.drop_other == 1, "request for another address ignored");
	finish("arp");
}

static void test_ping(void)
{
	static const size_t sizes[] = { 0, 1, 17, 18, 56, 57, 100, 511, 1000, 1471, 1472 };
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint8_t pl[1500];
		size_t n = sizes[k];
		for (size_t i = 0; i < n; i++)
			pl[i] = (uint8_t)(i * 13 + n);
		fake_inject(&F, fr, mk_ping(fr, 0x4242, (uint16_t)k, pl, n));
		ok(F.ntx == 1, "ping %zu: %d replies", n, F.ntx);
		if (F.ntx != 1)
			continue;
		const uint8_t *f = txf(0), *ip = f + 14, *h = ip + 20;
		ok(memcmp(f, host_mac, 6) == 0 && rd16(f + 12) == 0x0800, "ping %zu: eth", n);
		ok(ip_cksum_ok(ip) && rd16(ip + 2) == 28 + n && ip[8] > 0, "ping %zu: IP", n);
		ok(rd32(ip + 12) == GUEST && rd32(ip + 16) == HOST, "ping %zu: addresses", n);
		ok(h[0] == 0 && h[1] == 0 && rd16(h + 4) == 0x4242 && rd16(h + 6) == k,
		   "ping %zu: ICMP header", n);
		ok(t_fold(t_sum(h, 8 + n, 0)) == 0, "ping %zu: ICMP checksum", n);
		ok(memcmp(h + 8, pl, n) == 0, "ping %zu: payload", n);
		fake_clear(&F);
	}
	ok(net_stats()->icmp.echo_rx == sizeof(sizes) / sizeof(sizes[0]), "echo_rx counted");
	finish("ping");
}

static void test_udp_echo(void)
{
	static const size_t sizes[] = { 0, 1, 17, 18, 64, 512, 700, 1471, 1472 };
	uint32_t before;
	start("10.0.2.15/24,10.0.2.2");
	ok(strstr(host_console, "echo: serving UDP port 7 on 10.0.2.15") != NULL,
	   "echo log line: %s", host_console);
	learn_host();
	before = mbuf_pool_free_count();
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		ok(echo_once(sizes[k], (uint16_t)(40000 + k)), "echo of %zu bytes", sizes[k]);
	ok(mbuf_pool_stats()->allocs - 0 > 0 && mbuf_pool_free_count() == before,
	   "echo allocates nothing that stays");
	/* checksum 0 = none: accepted */
	size_t l = mk_udp(fr, HOST, GUEST, 40999, 7, "nocsum", 6);
	wr16(fr + 14 + 20 + 6, 0);
	fake_inject(&F, fr, l);
	ok(F.ntx == 1 && memcmp(txf(0) + 42, "nocsum", 6) == 0, "UDP without checksum echoed");
	fake_clear(&F);
	/* the reply is the request's own buffer: one allocation per echo (the RX one) */
	uint64_t a0 = mbuf_pool_stats()->allocs;
	echo_once(100, 5000);
	ok(mbuf_pool_stats()->allocs - a0 == 1, "echo in place: %llu allocations",
	   (unsigned long long)(mbuf_pool_stats()->allocs - a0));
	/* port 0 (a free slot's marker in the table) is no binding: found by the fuzzer */
	uint64_t np = net_stats()->udp.drop_noport;
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 0, 0, "zero", 4));
	ok(net_stats()->udp.drop_noport == np + 1, "UDP to port 0 dropped");
	fake_clear(&F);
	ok(net_poll(8) == 0 && F.flushes >= 1, "net_poll flushes once per pass");
	/* the core counts what a driver hands over (netdev_rx) and takes (netdev_xmit) */
	{
		struct netdev_stats st0 = F.nd.stats;
		size_t n = mk_udp(fr, HOST, GUEST, 4321, 7, "count me", 8);
		fake_inject(&F, fr, n);
		ok(F.nd.stats.rx_frames == st0.rx_frames + 1 &&
			   F.nd.stats.rx_bytes == st0.rx_bytes + n,
		   "rx counted by the core: %llu bytes",
		   (unsigned long long)(F.nd.stats.rx_bytes - st0.rx_bytes));
		ok(F.ntx == 1 && F.nd.stats.tx_frames == st0.tx_frames + 1 &&
			   F.nd.stats.tx_bytes == st0.tx_bytes + mbuf_len(F.tx[0]),
		   "tx counted by the core");
		fake_clear(&F);
		F.tx_limit = 1;
		fake_inject(&F, fr, n); /* the reply is the second frame: the fake refuses it */
		fake_inject(&F, fr, n);
		ok(F.nd.stats.tx_frames == st0.tx_frames + 2 && F.nd.stats.tx_drop_full == 1,
		   "a frame the driver refused is not counted as sent");
		F.tx_limit = 0;
		fake_clear(&F);
	}
	finish("udp_echo");
}

/* A resolved neighbour is asked again once older than the ARP TTL (300 s), without a pause in
 * the traffic to it, and forgotten after twice that. The once-a-second tick does the ageing. */
static void test_arp_ageing(void)
{
	const uint8_t *a;
	uint64_t expired;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	host_clock_ns += 299 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	ok(echo_once(20, 6000), "299 s after learning: the reply alone");
	host_clock_ns += 2 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 6001, 7, "stale", 5));
	ok(F.ntx == 2 && rd16(txf(0) + 12) == 0x0800 && memcmp(txf(0), host_mac, 6) == 0,
	   "301 s: the reply still goes out at once (%d frames)", F.ntx);
	if (F.ntx == 2) {
		a = txf(1) + 14;
		ok(rd16(txf(1) + 12) == 0x0806 && rd16(a + 6) == 1 && rd32(a + 24) == HOST &&
			   memcmp(txf(1), bcast_mac, 6) == 0,
		   "301 s: and HOST is asked again");
	}
	fake_clear(&F);
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 6002, 7, "again", 5));
	ok(F.ntx == 1 && net_stats()->arp.rate_limited >= 1, "no second request within a second");
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, fake_mac, 2, host_mac, HOST, fake_mac, GUEST));
	fake_clear(&F);
	host_clock_ns += 5 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	ok(echo_once(20, 6003), "answered: fresh again, the reply alone");
	expired = net_stats()->arp.expired;
	host_clock_ns += 700 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	ok(net_stats()->arp.expired == expired + 1, "expired counted");
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 6004, 7, "gone", 4));
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0806 && net_stats()->arp.queued >= 1,
	   "after twice the TTL the entry is gone: the reply waits for a request (%d frames)",
	   F.ntx);
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, fake_mac, 2, host_mac, HOST, fake_mac, GUEST));
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0800, "the answer releases the waiting reply");
	finish("arp_ageing");
}

/* The reply built from a well-formed echo frame: our unicast address to HOST, no options. */
static bool plain_reply(const char *data, size_t n, uint16_t sport)
{
	const uint8_t *ip, *u;
	if (F.ntx != 1)
		return false;
	ip = txf(0) + 14;
	u = ip + 20;
	return memcmp(txf(0), host_mac, 6) == 0 && ip[0] == 0x45 && ip_cksum_ok(ip) &&
	       udp_cksum_ok(ip) && rd32(ip + 12) == GUEST && rd32(ip + 16) == HOST &&
	       rd16(ip + 2) == 28 + n && rd16(u) == 7 && rd16(u + 2) == sport &&
	       memcmp(u + 8, data, n) == 0 && txlen(0) == 42 + n;
}

/* Echoes that cannot turn the received headers around in place take the general path. */
static void test_reply_paths(void)
{
	size_t l;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (int k = 0; k < 2; k++) { /* both buffer alignments (fake_inject alternates) */
		/* to a broadcast address: a unicast service never answers (test_net_trust.c) */
		fake_inject(&F, fr, mk_udp(fr, HOST, IP4(10, 0, 2, 255), 7001, 7, "bcast", 5));
		ok(F.ntx == 0, "no echo of a subnet broadcast");
		fake_inject(&F, fr, mk_udp(fr, HOST, 0xffffffffu, 7002, 7, "all", 3));
		ok(F.ntx == 0, "no echo of a limited broadcast");
		fake_clear(&F);
		/* with 4 bytes of IP options (IHL 6): the reply has none */
		l = mk_udp(fr, HOST, GUEST, 7003, 7, "options", 7);
		memmove(fr + 14 + 24, fr + 14 + 20, l - 34);
		memset(fr + 14 + 20, 1, 4); /* NOP options */
		fr[14] = 0x46;
		wr16(fr + 14 + 2, (uint16_t)(rd16(fr + 14 + 2) + 4));
		fix_ip_cksum(fr + 14);
		fix_udp_cksum(fr + 14);
		fake_inject(&F, fr, l + 4);
		ok(plain_reply("options", 7, 7003), "echo of a datagram with IP options");
		fake_clear(&F);
		/* in place: addresses swapped, a fresh IP header (TTL, id) and the checksum kept */
		l = mk_udp(fr, HOST, GUEST, 7004, 7, "inplace", 7);
		fr[14 + 1] = 0x10; /* TOS */
		fr[14 + 8] = 3;	   /* TTL */
		wr16(fr + 14 + 6, 0x4000); /* DF */
		fix_ip_cksum(fr + 14);
		uint16_t sum = rd16(fr + 34 + 6);
		fake_inject(&F, fr, l);
		ok(plain_reply("inplace", 7, 7004) && rd16(txf(0) + 34 + 6) == sum &&
			   txf(0)[14 + 8] == 64 && txf(0)[14 + 1] == 0 && rd16(txf(0) + 14 + 6) == 0,
		   "echo in place: TTL 64, TOS 0, no flags, the UDP checksum reused");
		fake_clear(&F);
	}
	finish("reply_paths");
}

/* ---- malformed frames ---- */

static size_t good(uint8_t *f)
{
	return mk_udp(f, HOST, GUEST, 4000, 7, "0123456789abcdefgh", 18);
}
#define IPH (fr + 14)
static size_t m_short_eth(void)
{
	good(fr);
	return 10;
}
static size_t m_oversize(void)
{
	good(fr);
	return 1518;
}
static size_t m_type(void)
{
	size_t l = good(fr);
	wr16(fr + 12, 0x88b5);
	return l;
}
static size_t m_other_mac(void)
{
	size_t l = good(fr);
	fr[5] ^= 1;
	return l;
}
static size_t m_ip_short(void)
{
	good(fr);
	return 14 + 12;
}
static size_t m_version(void)
{
	size_t l = good(fr);
	IPH[0] = 0x65;
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_ihl4(void)
{
	size_t l = good(fr);
	IPH[0] = 0x44;
	return l;
}
static size_t m_ihl_beyond(void)
{
	good(fr);
	IPH[0] = 0x4f;
	return 14 + 46;
}
static size_t m_total_beyond(void)
{
	size_t l = good(fr);
	wr16(IPH + 2, 1000);
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_total_below(void)
{
	size_t l = good(fr);
	wr16(IPH + 2, 12);
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_ip_cksum(void)
{
	size_t l = good(fr);
	IPH[10] ^= 0x5a;
	return l;
}
static size_t m_ttl0(void)
{
	size_t l = good(fr);
	IPH[8] = 0;
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_proto(void)
{
	size_t l = good(fr);
	IPH[9] = 253;
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_other_ip(void)
{
	size_t l = good(fr);
	wr32(IPH + 16, IP4(10, 0, 2, 77));
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_udp_short(void)
{
	good(fr);
	wr16(IPH + 2, 24);
	fix_ip_cksum(IPH);
	return 60;
}
static size_t m_udp_len_beyond(void)
{
	size_t l = good(fr);
	wr16(IPH + 20 + 4, 200);
	return l;
}
static size_t m_udp_len_below(void)
{
	size_t l = good(fr);
	wr16(IPH + 20 + 4, 4);
	return l;
}
static size_t m_udp_cksum(void)
{
	size_t l = good(fr);
	IPH[20 + 6] ^= 1;
	return l;
}
static size_t m_icmp_cksum(void)
{
	size_t l = mk_ping(fr, 1, 1, "abc", 3);
	IPH[20 + 2] ^= 0x10;
	return l;
}
static size_t m_icmp_short(void)
{
	size_t l = mk_ping(fr, 1, 1, "", 0);
	wr16(IPH + 2, 24);
	fix_ip_cksum(IPH);
	return l;
}
static size_t m_arp_short(void)
{
	static const uint8_t zero[6];
	mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, GUEST);
	return 14 + 20;
}
static size_t m_arp_format(void)
{
	static const uint8_t zero[6];
	size_t l = mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, GUEST);
	fr[14 + 1] = 6; /* htype 6 */
	return l;
}

static const struct {
	const char *name;
	size_t (*build)(void);
	size_t off; /* counter offset inside struct net_stats */
} malformed[] = {
#define M(n, b, layer, f)                                                                          \
	{                                                                                          \
		n, b, offsetof(struct net_stats, layer.f)                                          \
	}
	M("truncated eth", m_short_eth, eth, drop_short),
	M("oversize 1518", m_oversize, eth, drop_oversize),
	M("unknown ethertype", m_type, eth, drop_type),
	M("other MAC", m_other_mac, eth, drop_addr),
	M("truncated IP", m_ip_short, ipv4, drop_short),
	M("version 6", m_version, ipv4, drop_version),
	M("IHL 4", m_ihl4, ipv4, drop_hdr),
	M("IHL beyond frame", m_ihl_beyond, ipv4, drop_short),
	M("total length beyond frame", m_total_beyond, ipv4, drop_len),
	M("total length below header", m_total_below, ipv4, drop_len),
	M("bad IP checksum", m_ip_cksum, ipv4, drop_cksum),
	M("TTL 0", m_ttl0, ipv4, drop_ttl),
	M("unknown protocol", m_proto, ipv4, drop_proto),
	M("other IP", m_other_ip, ipv4, drop_addr),
	M("truncated UDP", m_udp_short, udp, drop_short),
	M("UDP length beyond IP", m_udp_len_beyond, udp, drop_len),
	M("UDP length below 8", m_udp_len_below, udp, drop_len),
	M("bad UDP checksum", m_udp_cksum, udp, drop_cksum),
	M("bad ICMP checksum", m_icmp_cksum, icmp, drop_cksum),
	M("truncated ICMP", m_icmp_short, icmp, drop_short),
	M("truncated ARP", m_arp_short, arp, drop_short),
	M("ARP bad hardware type", m_arp_format, arp, drop_format),
#undef M
};

static void test_malformed(void)
{
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (size_t k = 0; k < sizeof(malformed) / sizeof(malformed[0]); k++) {
		const uint64_t *c =
			(const uint64_t *)((const uint8_t *)net_stats() + malformed[k].off);
		uint64_t before = *c;
		unsigned long long drops = all_drops();
		uint32_t pool = mbuf_pool_free_count();
		memset(fr, 0, sizeof(fr));
		fake_inject(&F, fr, malformed[k].build());
		ok(*c == before + 1, "%s: counter moved by %llu", malformed[k].name,
		   (unsigned long long)(*c - before));
		ok(all_drops() == drops + 1, "%s: drops moved by %llu", malformed[k].name,
		   all_drops() - drops);
		ok(F.ntx == 0, "%s: drew %d frames", malformed[k].name, F.ntx);
		ok(mbuf_pool_free_count() == pool, "%s: buffer kept", malformed[k].name);
		fake_clear(&F);
		ok(echo_once(33, 4100), "echo after %s", malformed[k].name);
	}
	finish("malformed");
}

/* Neighbour src (on our subnet) with MAC mac answers our request, or introduces itself. */
static void neighbour(uint32_t src, const uint8_t *mac)
{
	fake_inject(&F, fr, mk_arp(fr, fake_mac, 2, mac, src, fake_mac, GUEST));
	fake_clear(&F);
}

/* An echo datagram from src, IP-aligned (the fused path takes it): the reply went out at
 * once, to mac, and through that path. */
static bool echo_to(uint32_t src, const uint8_t *mac, uint16_t sport)
{
	bool good;
	fake_inject_at(&F, fr, mk_udp(fr, src, GUEST, sport, 7, "slot", 4), true);
	good = F.ntx == 1 && rd16(txf(0) + 12) == 0x0800 && memcmp(txf(0), mac, 6) == 0 &&
	       memcmp(txf(0) + 6, fake_mac, 6) == 0 && rd32(txf(0) + 30) == src &&
	       ip_cksum_ok(txf(0) + 14) && udp_cksum_ok(txf(0) + 14) &&
	       (F.tx[0]->flags & MBUF_F_FAST);
	fake_clear(&F);
	return good;
}

/*
 * The fused path's reply header slots (arp_reply_slot) hold what the route and the ARP entry
 * gave: each reply goes where the general path would send it after the neighbour's MAC, the
 * gateway or the mask changed, for peers that share a slot, and the entry a slot came from
 * counts as used (a flood of new neighbours does not evict it).
 */
static void test_reply_slots(void)
{
	static const uint8_t mac2[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x99 };
	static const uint8_t mac3[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 };
	static const uint8_t mac18[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x18 };
	const uint32_t far = IP4(192, 168, 1, 1), h3 = IP4(10, 0, 2, 3), h18 = IP4(10, 0, 2, 18);
	const uint32_t mask = IP4(255, 255, 255, 0);
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	ok(echo_to(HOST, host_mac, 7100) && echo_to(HOST, host_mac, 7101), "HOST: to its MAC");
	neighbour(HOST, mac2);
	ok(echo_to(HOST, mac2, 7102), "HOST's MAC changed: the reply goes to the new one");
	neighbour(HOST, host_mac);
	ok(echo_to(far, host_mac, 7103), "an off-link peer: to the gateway");
	neighbour(h3, mac3);
	ipv4_set_addr(GUEST, mask, h3);
	fake_clear(&F); /* the announcement */
	ok(echo_to(far, mac3, 7104), "the gateway changed: the off-link peer's reply follows it");
	ok(echo_to(IP4(10, 0, 3, 7), mac3, 7105), "10.0.3.7 is off-link on a /24");
	ipv4_set_addr(GUEST, IP4(255, 255, 0, 0), h3);
	fake_clear(&F);
	fake_inject(&F, fr, mk_udp(fr, IP4(10, 0, 3, 7), GUEST, 7106, 7, "slot", 4));
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0806 && rd32(txf(0) + 14 + 24) == IP4(10, 0, 3, 7),
	   "on a /16 it is on-link: its address is asked (%d frames)", F.ntx);
	fake_clear(&F);
	ipv4_set_addr(GUEST, mask, HOST);
	fake_clear(&F);
	/* 10.0.2.2 and 10.0.2.18 share a slot (the last octet modulo 16), 10.0.2.3 has its own */
	neighbour(h18, mac18);
	for (int i = 0; i < 3; i++)
		ok(echo_to(HOST, host_mac, 7110) && echo_to(h18, mac18, 7111) &&
			   echo_to(h3, mac3, 7112) && echo_to(far, host_mac, 7113),
		   "peers in one slot and in others, round %d: each reply to its next hop", i);
	/* after a tick, the first reply marks HOST used: new neighbours take every other entry */
	host_clock_ns += 2 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	fake_clear(&F); /* the request for 10.0.3.7, still unanswered */
	ok(echo_to(HOST, host_mac, 7120), "after the tick");
	for (int i = 0; i < 2 * ARP_CACHE_SIZE; i++) {
		static const uint8_t zero[6];
		uint8_t mac[6] = { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) };
		host_clock_ns += 1000;
		fake_inject(&F, fr,
			    mk_arp(fr, bcast_mac, 1, mac, IP4(10, 0, 2, 100 + i), zero, GUEST));
		fake_clear(&F);
	}
	ok(net_stats()->arp.evicted >= ARP_CACHE_SIZE, "the flood evicted %lu entries",
	   (unsigned long)net_stats()->arp.evicted);
	ok(echo_to(HOST, host_mac, 7121), "HOST, used through its slot, was not evicted");
	finish("reply_slots");
}

int main(void)
{
	mbuf_pool_init();
	test_arp();
	test_ping();
	test_udp_echo();
	test_arp_ageing();
	test_reply_slots();
	test_reply_paths();
	test_malformed();
	TEST_DONE();
}
