/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trust rules of the stack (issue 12) over the fake NIC: martian sources dropped and counted
 * by reason and never answered from any layer (rule 1), unicast services deaf to broadcasts
 * (rule 2), no echo loops from loop-prone source ports (rule 3), nothing but DHCP before an
 * address (rule 4), /31 and /32 without a broadcast address (rule 6). Pool back to full after
 * each test.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/config.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "app/app.h"
#include "tests/host/test.h"
#include "tests/host/fake_netdev.h"

int arp_cache_count(void); /* net/stack.h */
static int arp_cache_count_pub(void)
{
	return arp_cache_count();
}

static uint64_t ctr(size_t off)
{
	return *(const uint64_t *)((const uint8_t *)net_stats() + off);
}
#define CTR(layer, f) offsetof(struct net_stats, layer.f)

/* A ping from src to dst (the IPv4 header fixed after the addresses changed). */
static size_t mk_ping_from(uint8_t *f, uint32_t src, uint32_t dst)
{
	size_t l = mk_ping(f, 0x77, 1, "martian", 7);
	wr32(f + 14 + 12, src);
	wr32(f + 14 + 16, dst);
	fix_ip_cksum(f + 14);
	return l;
}

/* A UDP datagram from src:sport to dst:dport (checksums right). */
static size_t mk_udp_any(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	return mk_udp(f, src, dst, sport, dport, "hostile", 7);
}

static void test_martian_sources(void)
{
	static const struct {
		const char *name;
		uint32_t src;
		size_t off;
	} cases[] = {
		{ "0.0.0.0", 0, CTR(ipv4, drop_src_zero) },
		{ "0.1.2.3", IP4(0, 1, 2, 3), CTR(ipv4, drop_src_zero) },
		{ "255.255.255.255", 0xffffffffu, CTR(ipv4, drop_src_bcast) },
		{ "subnet broadcast", IP4(10, 0, 2, 255), CTR(ipv4, drop_src_bcast) },
		{ "224.0.0.1", IP4(224, 0, 0, 1), CTR(ipv4, drop_src_mcast) },
		{ "239.255.255.250", IP4(239, 255, 255, 250), CTR(ipv4, drop_src_mcast) },
		{ "127.0.0.1", IP4(127, 0, 0, 1), CTR(ipv4, drop_src_loopback) },
		{ "240.0.0.1", IP4(240, 0, 0, 1), CTR(ipv4, drop_src_reserved) },
		{ "our own address", GUEST, CTR(ipv4, drop_src_self) },
	};
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint64_t before = ctr(cases[k].off);
		unsigned long long drops = all_drops();
		/* echo, ping, and a closed port (which would draw an ICMP error) */
		fake_inject(&F, fr, mk_udp_any(fr, cases[k].src, GUEST, 40000, 7));
		fake_inject(&F, fr, mk_ping_from(fr, cases[k].src, GUEST));
		fake_inject(&F, fr, mk_udp_any(fr, cases[k].src, GUEST, 40000, 9));
		ok(F.ntx == 0, "source %s: %d frames sent", cases[k].name, F.ntx);
		ok(ctr(cases[k].off) == before + 3, "source %s: counted %llu times", cases[k].name,
		   (unsigned long long)(ctr(cases[k].off) - before));
		ok(all_drops() == drops + 3, "source %s: counted once each", cases[k].name);
		fake_clear(&F);
	}
	ok(echo_once(20, 40001), "a real host is still answered");
	finish("martian sources");
}

static void test_no_reply_to_bad_destinations(void)
{
	static const uint32_t bad[] = { 0, IP4(0, 0, 0, 9),	 IP4(127, 0, 0, 1), IP4(224, 0, 0, 251),
					IP4(240, 1, 2, 3), IP4(254, 0, 0, 1), GUEST };
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		uint64_t before = net_stats()->ipv4.drop_dst_bad;
		ok(udp_sendto(5000, bad[k], 6000, "x", 1) == 0, "sendto %08x queued", bad[k]);
		ok(F.ntx == 0 && net_stats()->ipv4.drop_dst_bad == before + 1,
		   "nothing leaves for %08x (%d frames)", bad[k], F.ntx);
		fake_clear(&F);
	}
	/* the broadcasts stay possible for those who mean them (DHCP, applications) */
	udp_sendto(5000, 0xffffffffu, 6000, "x", 1);
	udp_sendto(5000, IP4(10, 0, 2, 255), 6000, "x", 1);
	ok(F.ntx == 2 && memcmp(txf(0), bcast_mac, 6) == 0 && memcmp(txf(1), bcast_mac, 6) == 0,
	   "limited and subnet broadcast sent");
	finish("bad destinations");
}

static void test_broadcast_not_served(void)
{
	uint64_t b;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	b = net_stats()->udp.drop_bcast;
	fake_inject(&F, fr, mk_udp_any(fr, HOST, 0xffffffffu, 40000, 7));
	fake_inject(&F, fr, mk_udp_any(fr, HOST, IP4(10, 0, 2, 255), 40000, 7));
	ok(F.ntx == 0 && net_stats()->udp.drop_bcast == b + 2, "echo deaf to broadcasts (%d)",
	   F.ntx);
	/* a unicast datagram to us inside an Ethernet broadcast (RFC 1122 3.3.6) */
	b = net_stats()->ipv4.drop_link_bcast;
	mk_udp_any(fr, HOST, GUEST, 40000, 7);
	memcpy(fr, bcast_mac, 6);
	fake_inject(&F, fr, 14 + 28 + 7);
	ok(F.ntx == 0 && net_stats()->ipv4.drop_link_bcast == b + 1, "link broadcast, IP unicast");
	/* broadcast to a closed port: no ICMP error */
	fake_inject(&F, fr, mk_udp_any(fr, HOST, IP4(10, 0, 2, 255), 40000, 9));
	ok(F.ntx == 0, "no port unreachable about a broadcast");
	/* a broadcast ping, and a fragmented broadcast to the echo port */
	fake_inject(&F, fr, mk_ping_from(fr, HOST, 0xffffffffu));
	ok(F.ntx == 0, "no reply to a broadcast ping");
	{
		uint8_t d[64];
		size_t l;
		mk_udp(fr, HOST, 0xffffffffu, 40000, 7, "0123456789abcdef", 16);
		memcpy(d, fr + 14, 44);
		for (int part = 0; part < 2; part++) {
			l = mk_eth(fr, fake_mac, host_mac, 0x0800);
			memcpy(fr + l, d, 20);
			wr16(fr + l + 2, (uint16_t)(20 + (part ? 8 : 16)));
			wr16(fr + l + 6, (uint16_t)(part ? 2 : 0x2000));
			fix_ip_cksum(fr + l);
			memcpy(fr + l + 20, d + 20 + part * 16, part ? 8 : 16);
			fake_inject(&F, fr, 60);
		}
		ok(net_stats()->ipv4.reasm_ok == 1 && F.ntx == 0,
		   "a reassembled broadcast is still a broadcast (%d frames)", F.ntx);
	}
	fake_clear(&F);
	ok(echo_once(20, 40001), "unicast still served");
	finish("broadcast");
}

static void test_loop_prone_source_ports(void)
{
	static const uint16_t loop[] = { 0, 1, 7, 9, 13, 17, 19, 37, 53, 67, 123, 161, 1023, 1900,
					 5353, 7000, 11211 };
	start_stats_port = "9999";
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (size_t k = 0; k < sizeof(loop) / sizeof(loop[0]); k++) {
		uint64_t before = net_stats()->udp.drop_loop;
		fake_inject(&F, fr, mk_udp_any(fr, HOST, GUEST, loop[k], 7));
		ok(F.ntx == 0 && net_stats()->udp.drop_loop == before + 1,
		   "echo ignores source port %u (%d frames)", loop[k], F.ntx);
		fake_clear(&F);
	}
	/* our own services' ports: the stats port, and the echo port itself */
	fake_inject(&F, fr, mk_udp_any(fr, HOST, GUEST, 9999, 7));
	fake_inject(&F, fr, mk_udp_any(fr, HOST, GUEST, 7, 9999));
	ok(F.ntx == 0, "stats and echo ignore each other's ports (%d frames)", F.ntx);
	fake_clear(&F);
	ok(echo_once(8, 1024) && echo_once(8, 9998) && echo_once(8, 65535),
	   "ordinary client ports are answered");
	ok(udp_port_is_loop_prone(9999) && !udp_port_is_loop_prone(9998), "service port marked");
	start_stats_port = NULL;
	finish("loop ports");
	ok(!udp_port_is_loop_prone(9999), "and unmarked on reset");
}

static void test_unconfigured_is_quiet(void)
{
	uint64_t u, i;
	start(NULL); /* DHCP: DISCOVER sent, no lease yet */
	fake_clear(&F);
	u = net_stats()->udp.drop_noaddr;
	i = net_stats()->ipv4.drop_noaddr;
	fake_inject(&F, fr, mk_udp_any(fr, HOST, GUEST, 40000, 7));
	fake_inject(&F, fr, mk_udp_any(fr, HOST, IP4(10, 9, 9, 9), 40000, 7));
	fake_inject(&F, fr, mk_udp_any(fr, HOST, 0xffffffffu, 40000, 7));
	fake_inject(&F, fr, mk_udp_any(fr, HOST, GUEST, 40000, 9));
	fake_inject(&F, fr, mk_ping_from(fr, HOST, GUEST));
	ok(F.ntx == 0, "nothing answered before an address (%d frames)", F.ntx);
	ok(net_stats()->udp.drop_noaddr == u + 2 && net_stats()->udp.drop_bcast == 1 &&
		   net_stats()->ipv4.drop_noaddr == i + 1 && net_stats()->icmp.unreach_tx == 0,
	   "counted: udp noaddr %llu, ipv4 noaddr %llu",
	   (unsigned long long)(net_stats()->udp.drop_noaddr - u),
	   (unsigned long long)(net_stats()->ipv4.drop_noaddr - i));
	fake_clear(&F);
	finish("unconfigured");
}

/* Both ends of a /31, and a /32: no broadcast address, every unicast to us answered. */
static void test_point_to_point_prefixes(void)
{
	static const char *const cfg[] = { "10.0.0.1/31,10.0.0.0", "10.0.0.0/31,10.0.0.1",
					   "10.0.0.1/32", "10.0.0.1/32,10.0.0.254" };
	static const uint32_t me[] = { IP4(10, 0, 0, 1), IP4(10, 0, 0, 0), IP4(10, 0, 0, 1),
				       IP4(10, 0, 0, 1) };
	static const uint32_t peer[] = { IP4(10, 0, 0, 0), IP4(10, 0, 0, 1), IP4(10, 0, 0, 7),
					 IP4(10, 0, 0, 254) };
	for (size_t k = 0; k < 4; k++) {
		static const uint8_t zero[6];
		start(cfg[k]);
		fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, peer[k], zero, me[k]));
		ok(F.ntx == 1, "%s: ARP answered", cfg[k]);
		fake_clear(&F);
		fake_inject(&F, fr, mk_ping_from(fr, peer[k], me[k]));
		ok(F.ntx == 1 && memcmp(txf(0), host_mac, 6) == 0 && rd32(txf(0) + 30) == peer[k],
		   "%s: ping to us answered by unicast (%d frames)", cfg[k], F.ntx);
		fake_clear(&F);
		fake_inject(&F, fr, mk_udp_any(fr, peer[k], me[k], 40000, 7));
		ok(F.ntx == 1 && memcmp(txf(0), host_mac, 6) == 0 && rd32(txf(0) + 30) == peer[k],
		   "%s: echo answered by unicast (%d frames)", cfg[k], F.ntx);
		fake_clear(&F);
		finish(cfg[k]);
	}
}

/*
 * 4-5k datagrams a second to the echo port from 240 spoofed on-link sources that never answer
 * ARP, with a real host (HOST, resolved) among them: the host keeps being answered at once,
 * requests stay within one per address per second and the global cap.
 */
static void test_arp_spoofed_flood(void)
{
	int host_sent = 0, host_answered = 0, requests = 0, per_target[256] = { 0 };
	int max_per_target = 0;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (int i = 0; i < 10000; i++) { /* 2 s at 5,000 datagrams a second */
		uint32_t src = IP4(10, 0, 2, 16 + (unsigned)(i * 7) % 240);
		host_clock_ns += 200 * NSEC_PER_USEC;
		timers_expire(host_clock_ns);
		fake_inject(&F, fr, mk_udp_any(fr, src, GUEST, 40000, 7));
		if (i % 25 == 0) {
			host_sent++;
			fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 41000, 7, "real", 4));
		}
		for (int k = 0; k < F.ntx; k++) {
			const uint8_t *f = txf(k);
			if (rd16(f + 12) == 0x0806) {
				requests++;
				per_target[f[14 + 27]]++;
			} else if (memcmp(f, host_mac, 6) == 0 && rd32(f + 30) == HOST)
				host_answered++;
		}
		fake_clear(&F);
		if (i % 5000 == 4999) { /* per-second window: at most one request per target */
			for (int t = 0; t < 256; t++) {
				if (per_target[t] > max_per_target)
					max_per_target = per_target[t];
				per_target[t] = 0;
			}
		}
	}
	ok(host_answered == host_sent, "the real host answered %d of %d times", host_answered,
	   host_sent);
	ok(requests <= 2 * 10 + 10, "%d ARP requests in 2 s (cap 10/s, burst 10)", requests);
	ok(max_per_target <= 1, "at most %d request per target per second", max_per_target);
	ok(net_stats()->arp.rate_capped > 0 && net_stats()->arp.drop_nocache == 0,
	   "requests capped (%llu)", (unsigned long long)net_stats()->arp.rate_capped);
	host_clock_ns += 10 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	fake_clear(&F);
	finish("arp spoofed flood");
}

static void test_arp_conflicts_and_bad_senders(void)
{
	static const uint8_t zero[6], thief[6] = { 2, 0, 0, 0, 0, 0x66 };
	static const uint8_t group[6] = { 1, 0, 0x5e, 0, 0, 1 };
	start("10.0.2.15/24,10.0.2.2");
	/* someone else claims our address: counted, logged, defended once per 10 s */
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 2, thief, GUEST, bcast_mac, GUEST));
	ok(net_stats()->arp.conflict == 1 && strstr(host_console, "address conflict"),
	   "conflict logged: %s", host_console);
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0806 && rd32(txf(0) + 14 + 14) == GUEST &&
		   memcmp(txf(0) + 14 + 8, fake_mac, 6) == 0,
	   "defended with an announcement (%d frames)", F.ntx);
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, thief, GUEST, zero, HOST));
	ok(net_stats()->arp.conflict == 2 && F.ntx == 0, "defended at most every 10 s");
	host_console_clear();
	net_info_print();
	ok(!strstr(host_console, "10.0.2.15 "), "our address never cached: %s", host_console);
	/* zero and group sender MACs, martian sender addresses: neither learnt nor answered */
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, zero, HOST, zero, GUEST));
	mk_arp(fr, bcast_mac, 1, group, HOST, zero, GUEST);
	memcpy(fr + 6, host_mac, 6); /* a group Ethernet source is dropped before ARP */
	fake_inject(&F, fr, 60);
	ok(F.ntx == 0 && net_stats()->arp.drop_sha == 2, "zero/group sender MAC dropped");
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, 0xffffffffu, zero, GUEST));
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, IP4(127, 0, 0, 1), zero, GUEST));
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, IP4(224, 0, 0, 1), zero, GUEST));
	ok(F.ntx == 0 && net_stats()->arp.drop_spa == 3, "martian sender address dropped");
	ok(arp_cache_count_pub() == 0, "nothing learnt");
	/* a probe (sender 0.0.0.0, RFC 5227) for our address is answered, nothing learnt */
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, 0, zero, GUEST));
	ok(F.ntx == 1 && arp_cache_count_pub() == 0, "probe answered");
	fake_clear(&F);
	finish("arp conflicts");
}

/* A storm of requests from 64 senders fills the cache with learnt entries: a new neighbour
 * can still be resolved (idle learnt entries give way), and off-link senders are not learnt. */
static void test_arp_learnt_entries_do_not_lock_out(void)
{
	static const uint8_t zero[6];
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
	start("10.0.2.15/24,10.0.2.2");
	for (int i = 0; i < 64; i++) {
		mac[5] = (uint8_t)i;
		fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, mac, IP4(10, 0, 2, 100 + i), zero, GUEST));
	}
	fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, mac, IP4(10, 0, 9, 9), zero, GUEST));
	ok(F.ntx == 65 && arp_cache_count_pub() == 64, "65 answered, 64 learnt (off-link one not)");
	fake_clear(&F);
	host_clock_ns += 2 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	fake_clear(&F);
	ok(udp_sendto(40000, IP4(10, 0, 2, 7), 40000, "x", 1) == 0 && F.ntx == 1 &&
		   rd16(txf(0) + 12) == 0x0806 && net_stats()->arp.drop_nocache == 0,
	   "a new neighbour is still resolved (%d frames)", F.ntx);
	fake_clear(&F);
	finish("arp lockout");
}

int main(void)
{
	mbuf_pool_init();
	test_martian_sources();
	test_no_reply_to_bad_destinations();
	test_broadcast_not_served();
	test_loop_prone_source_ports();
	test_unconfigured_is_quiet();
	test_point_to_point_prefixes();
	test_arp_spoofed_flood();
	test_arp_conflicts_and_bad_senders();
	test_arp_learnt_entries_do_not_lock_out();
	TEST_DONE();
}
