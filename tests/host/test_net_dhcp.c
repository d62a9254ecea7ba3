/*
 * DHCP against a scripted server (lease, T1 renewal, T2 rebinding, expiry, NAK), the fallback
 * when nobody answers, the ARP pending queue (sent on reply, dropped on timeout, bounded) and
 * the ARP cache under 10,000 senders, bootargs, a second NIC. Pool back to full after each.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/config.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "app/app.h"
#include "tests/host/test.h"
#include "tests/host/fake_netdev.h"

#define BOOTP 42 /* offset of the BOOTP message in a frame from the client */

/* Pointer to option code's length byte in frame f's DHCP options, or NULL. */
static const uint8_t *opt(const uint8_t *f, size_t len, uint8_t code)
{
	size_t i = BOOTP + 240;
	while (i + 1 < len && f[i] != 255) {
		if (f[i] == 0) {
			i++;
			continue;
		}
		if (f[i] == code)
			return f + i + 1;
		i += 2 + f[i + 1];
	}
	return NULL;
}

static int msg_type(int i)
{
	const uint8_t *o;
	if (rd16(txf(i) + 12) != 0x0800 || txf(i)[14 + 9] != 17 || rd16(txf(i) + 36) != 67)
		return -1;
	o = opt(txf(i), txlen(i), 53);
	return o ? o[1] : -1;
}

/* A reply from the server 10.0.2.2 to the client's xid, as QEMU's slirp sends it (broadcast). */
static size_t mk_reply(uint8_t type, uint32_t xid, uint32_t lease, uint32_t t1)
{
	size_t l = mk_eth(fr, bcast_mac, host_mac, 0x0800);
	uint8_t *ip = fr + l, *u = ip + 20, *b = u + 8, *o = b + 240;
	memset(b, 0, 300);
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	wr32(b + 4, xid);
	wr32(b + 16, type == 6 ? 0 : GUEST);
	wr32(b + 20, HOST);
	memcpy(b + 28, fake_mac, 6);
	wr32(b + 236, 0x63825363);
	*o++ = 53, *o++ = 1, *o++ = type;
	*o++ = 54, *o++ = 4, wr32(o, HOST), o += 4;
	if (type != 6) {
		*o++ = 1, *o++ = 4, wr32(o, 0xffffff00), o += 4;
		*o++ = 3, *o++ = 4, wr32(o, HOST), o += 4;
		*o++ = 51, *o++ = 4, wr32(o, lease), o += 4;
		if (t1)
			*o++ = 58, *o++ = 4, wr32(o, t1), o += 4;
	}
	*o++ = 255;
	size_t n = 300;
	mk_ip(ip, HOST, 0xffffffffu, 17, 8 + n, 1, 0, 64);
	wr16(u, 67);
	wr16(u + 2, 68);
	wr16(u + 4, (uint16_t)(8 + n));
	fix_udp_cksum(ip);
	return l + 28 + n;
}

static uint32_t xid_of(int i)
{
	return rd32(txf(i) + BOOTP + 4);
}

static void advance(uint64_t ns)
{
	host_clock_ns += ns;
	timers_expire(host_clock_ns);
}

/* Run DISCOVER -> OFFER -> REQUEST -> ACK; returns true if each step looked right. src is the
 * DISCOVER's expected IP source: 0, or the fallback address while one is in use. */
static bool lease_from(uint32_t secs, uint32_t src)
{
	bool good;
	uint32_t xid;
	const uint8_t *o;
	if (F.ntx != 1 || msg_type(0) != 1)
		return false;
	xid = xid_of(0);
	good = memcmp(txf(0), bcast_mac, 6) == 0 && rd32(txf(0) + 26) == src &&
	       rd32(txf(0) + 30) == 0xffffffffu && rd16(txf(0) + 34) == 68 && txf(0)[BOOTP] == 1 &&
	       memcmp(txf(0) + BOOTP + 28, fake_mac, 6) == 0 && udp_cksum_ok(txf(0) + 14) &&
	       ip_cksum_ok(txf(0) + 14);
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(2, xid, secs, 0));
	if (F.ntx != 1 || msg_type(0) != 3 || xid_of(0) != xid)
		return false;
	o = opt(txf(0), txlen(0), 50);
	good = good && o && rd32(o + 1) == GUEST;
	o = opt(txf(0), txlen(0), 54);
	good = good && o && rd32(o + 1) == HOST;
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(5, xid, secs, 0));
	return good;
}

static bool lease(uint32_t secs)
{
	return lease_from(secs, 0);
}

static void test_dhcp_lease_and_renewal(void)
{
	uint32_t xid;
	start(NULL);
	ok(!net_addr_is_up(), "no address before the lease");
	ok(lease(86400), "DISCOVER/OFFER/REQUEST/ACK");
	ok(net_addr()->ip == GUEST && net_addr()->mask == 0xffffff00 && net_addr()->gw == HOST,
	   "address configured");
	ok(strstr(host_console, "dhcp: lease 10.0.2.15/24 gw 10.0.2.2 from 10.0.2.2, 86400 s") &&
		   strstr(host_console, "echo: serving UDP port 7 on 10.0.2.15"),
	   "log lines: %s", host_console);
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0806, "gratuitous ARP after the lease");
	fake_clear(&F);
	ok(net_stats()->dhcp.ack_rx == 1 && net_stats()->dhcp.offer_rx == 1, "counted");
	/* a stray ACK in BOUND is ignored */
	fake_inject(&F, fr, mk_reply(5, 1234, 60, 0));
	ok(net_stats()->dhcp.drop_bad == 1, "stray reply ignored");
	/* T1 = 43200 s: unicast REQUEST to the server (after resolving it) */
	advance(43199 * NSEC_PER_SEC);
	ok(F.ntx == 0, "nothing before T1");
	advance(NSEC_PER_SEC);
	ok(F.ntx == 1 && rd16(txf(0) + 12) == 0x0806 && rd32(txf(0) + 14 + 24) == HOST,
	   "T1: ARP for the server");
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, fake_mac, 2, host_mac, HOST, fake_mac, GUEST));
	ok(F.ntx == 1 && msg_type(0) == 3 && memcmp(txf(0), host_mac, 6) == 0 &&
		   rd32(txf(0) + 30) == HOST && rd32(txf(0) + BOOTP + 12) == GUEST &&
		   !opt(txf(0), txlen(0), 50),
	   "T1: unicast REQUEST with ciaddr");
	xid = F.ntx ? xid_of(0) : 0;
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(5, xid, 86400, 0));
	ok(net_stats()->dhcp.renew == 1 && net_stats()->dhcp.ack_rx == 2 &&
		   net_addr()->ip == GUEST && strstr(host_console, "dhcp: lease renewed"),
	   "renewed");
	fake_clear(&F);
	/* no answer at all now: T1 renew, T2 rebind (broadcast), expiry restarts DISCOVER */
	for (int s = 0; s < 86400 + 10; s += 60) {
		advance(60 * NSEC_PER_SEC);
		fake_clear(&F);
		if (net_stats()->dhcp.expired)
			break;
	}
	ok(net_stats()->dhcp.renew == 2 && net_stats()->dhcp.rebind == 1 &&
		   net_stats()->dhcp.expired == 1 && !net_addr_is_up(),
	   "renew, rebind, expiry (%llu %llu %llu)", (unsigned long long)net_stats()->dhcp.renew,
	   (unsigned long long)net_stats()->dhcp.rebind,
	   (unsigned long long)net_stats()->dhcp.expired);
	finish("dhcp lease");
}

static void test_dhcp_nak_and_t1_option(void)
{
	start(NULL);
	uint32_t xid = xid_of(0);
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(2, xid, 600, 0));
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(6, xid, 0, 0));
	ok(net_stats()->dhcp.nak_rx == 1 && F.ntx == 1 && msg_type(0) == 1, "NAK: DISCOVER again");
	ok(lease(600), "lease after NAK");
	ok(net_addr()->ip == GUEST, "bound");
	fake_clear(&F);
	finish("dhcp nak");
	/* T1 from option 58 */
	start(NULL);
	xid = xid_of(0);
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(2, xid, 1000, 100));
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(5, xid, 1000, 100));
	fake_clear(&F);
	advance(100 * NSEC_PER_SEC);
	ok(net_stats()->dhcp.renew == 1, "T1 option honoured");
	finish("dhcp t1");
}

static void test_dhcp_fallback(void)
{
	int discovers = 1;
	start(NULL);
	fake_clear(&F);
	for (int s = 0; s < 30 && !net_addr_is_up(); s++) {
		advance(NSEC_PER_SEC);
		for (int i = 0; i < F.ntx; i++)
			discovers += msg_type(i) == 1;
		fake_clear(&F);
	}
	ok(net_addr()->ip == GUEST && net_addr()->gw == HOST && discovers == 4,
	   "fallback to 10.0.2.15 after %d DISCOVERs", discovers);
	ok(net_stats()->dhcp.fallback == 1 && net_stats()->dhcp.retries == 3, "counted");
	ok(strstr(host_console, "echo: serving UDP port 7 on 10.0.2.15") != NULL, "echo up");
	/* the server comes back: the next background DISCOVER gets a lease */
	advance(29 * NSEC_PER_SEC);
	ok(F.ntx == 0, "no DISCOVER before the retry period");
	advance(2 * NSEC_PER_SEC);
	ok(net_addr()->ip == GUEST, "the fallback address stays up while looking");
	ok(lease_from(600, GUEST), "lease after the fallback");
	ok(net_stats()->dhcp.ack_rx == 1 && strstr(host_console, "dhcp: lease") != NULL,
	   "bound after the server came back");
	finish("dhcp fallback");
	/* a static address given before ip=dhcp is the fallback */
	net_reset();
	fake_setup(&F);
	netdev_register(&F.nd);
	net_bootarg_ip("192.168.1.9/16,192.168.0.1");
	net_bootarg_ip("dhcp");
	net_init(&F.nd);
	for (int s = 0; s < 30 && !net_addr_is_up(); s++) {
		advance(NSEC_PER_SEC);
		fake_clear(&F);
	}
	ok(net_addr()->ip == IP4(192, 168, 1, 9) && net_addr()->mask == 0xffff0000 &&
		   net_addr()->gw == IP4(192, 168, 0, 1),
	   "fallback to the static bootarg");
	finish("dhcp fallback static");
}

static void test_bootargs(void)
{
	static const char *const good[] = { "dhcp", "10.0.2.15/24", "10.0.2.15/24,10.0.2.2",
					    "1.2.3.4/32" };
	static const char *const bad[] = { "",
					   "10.0.2.15",
					   "10.0.2.15/",
					   "10.0.2.15/33",
					   "10.0.2.15/0",
					   "10.0.2/24",
					   "10.0.2.15/24,",
					   "10.0.2.15/24,10.0.3.2",
					   "x/24",
					   "10.0.2.15/2x4",
					   "0.0.0.0/8" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(net_bootarg_ip(good[i]) == 0, "ip=%s accepted", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(net_bootarg_ip(bad[i]) < 0, "ip=%s refused", bad[i]);
	ok(echo_bootarg_port("7") == 0 && echo_bootarg_port("0") < 0 &&
		   echo_bootarg_port("65536") < 0 && echo_bootarg_port("notaport") < 0,
	   "echo.port values");
	net_reset();
}

static void test_arp_queue(void)
{
	static const uint8_t peer_mac[6] = { 2, 0, 0, 0, 0, 7 };
	uint32_t peer = IP4(10, 0, 2, 7);
	start("10.0.2.15/24,10.0.2.2");
	for (int i = 0; i < 6; i++)
		ok(udp_sendto(1000, peer, 2000, "q", 1) == 0, "sendto %d", i);
	ok(F.ntx == 1 && rd16(txf(0) + 20) == 1 && rd32(txf(0) + 38) == peer,
	   "one ARP request for the peer (%d frames)", F.ntx);
	ok(net_stats()->arp.queued == 4 && net_stats()->arp.drop_queue_full == 2 &&
		   net_stats()->arp.rate_limited == 5,
	   "4 queued, 2 over the bound, requests limited");
	fake_clear(&F);
	fake_inject(&F, fr, mk_arp(fr, fake_mac, 2, peer_mac, peer, fake_mac, GUEST));
	ok(F.ntx == 4, "queue sent on reply: %d", F.ntx);
	for (int i = 0; i < F.ntx; i++)
		ok(memcmp(txf(i), peer_mac, 6) == 0 && rd32(txf(i) + 30) == peer &&
			   udp_cksum_ok(txf(i) + 14),
		   "queued frame %d addressed to the peer", i);
	fake_clear(&F);
	ok(udp_sendto(1000, peer, 2000, "q", 1) == 0 && F.ntx == 1, "resolved: sent at once");
	fake_clear(&F);
	/* off-link goes to the gateway */
	uint32_t pool = mbuf_pool_free_count();
	udp_sendto(1000, IP4(8, 8, 8, 8), 53, "q", 1);
	ok(F.ntx == 1 && rd32(txf(0) + 38) == HOST, "off-link: ARP for the gateway");
	fake_clear(&F);
	/* timeout: frames dropped and counted, buffers back */
	udp_sendto(1000, IP4(10, 0, 2, 8), 2000, "t", 1);
	udp_sendto(1000, IP4(10, 0, 2, 8), 2000, "t", 1);
	fake_clear(&F);
	ok(mbuf_pool_free_count() == pool - 3, "two frames waiting (and one for the gateway)");
	for (int s = 0; s < 5; s++) {
		advance(NSEC_PER_SEC);
		fake_clear(&F);
	}
	ok(net_stats()->arp.drop_queue_timeout == 3 && mbuf_pool_free_count() == pool,
	   "dropped on timeout (%llu)", (unsigned long long)net_stats()->arp.drop_queue_timeout);
	ok(net_stats()->arp.tx_request >= 4, "requests retried while waiting");
	finish("arp queue");
}

static void test_arp_cache_bounded(void)
{
	static const uint8_t zero[6];
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
	int max = 0;
	start("10.0.0.15/8,10.0.0.1");
	srand(42);
	for (int i = 0; i < 10000; i++) {
		uint32_t ip = IP4(10, rand() & 255, rand() & 255, 1 + rand() % 250);
		mac[3] = (uint8_t)rand();
		mac[4] = (uint8_t)rand();
		mac[5] = (uint8_t)rand();
		fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, mac, ip, zero, IP4(10, 0, 0, 15)));
		if (F.ntx != 1 || memcmp(txf(0), mac, 6) != 0)
			break;
		fake_clear(&F);
		host_clock_ns += 1000;
	}
	fake_clear(&F);
	host_console_clear();
	net_info_print();
	for (char *p = host_console; (p = strstr(p, " resolved ")); p++)
		max++;
	ok(max == 64, "64 entries after 10,000 senders (%d)", max);
	ok(net_stats()->arp.evicted == 10000 - 64 && net_stats()->arp.tx_reply == 10000,
	   "evicted %llu, replies %llu", (unsigned long long)net_stats()->arp.evicted,
	   (unsigned long long)net_stats()->arp.tx_reply);
	finish("arp cache");
}

static void test_second_nic_and_pool(void)
{
	static struct fake_nd second;
	jmp_buf jb;
	volatile int caught = 0;
	net_reset();
	host_console_clear();
	fake_setup(&F);
	fake_setup(&second);
	memcpy(second.nd.name, "fake1", 6);
	netdev_register(&F.nd);
	netdev_register(&second.nd);
	net_init(netdev_first());
	ok(strstr(host_console, "fake1 ignored") != NULL, "second NIC ignored: %s", host_console);
	net_init(&second.nd);
	ok(second.nd.rx == NULL, "and stays unattached");
	fake_clear(&F);
	finish("second nic");
	/* pool: exhaustion counted, double free panics */
	struct mbuf *m[MBUF_COUNT];
	for (int i = 0; i < MBUF_COUNT; i++)
		m[i] = mbuf_alloc();
	ok(mbuf_alloc() == NULL && mbuf_pool_stats()->alloc_fail >= 1, "exhaustion counted");
	ok(((uintptr_t)m[0]->head & 63) == 0 && m[0]->phys == (uintptr_t)m[0]->head &&
		   mbuf_headroom(m[0]) == MBUF_HEADROOM && mbuf_len(m[0]) == 0,
	   "buffer layout");
	for (int i = 0; i < MBUF_COUNT; i++)
		mbuf_free(m[i]);
	host_panic_jmp = &jb;
	if (setjmp(jb) == 0)
		mbuf_free(m[0]);
	else
		caught = 1;
	host_panic_jmp = NULL;
	ok(caught && strstr(host_panic_msg, "double free"), "double free panics");
	ok(mbuf_pool_free_count() == MBUF_COUNT, "pool full");
}

int main(void)
{
	mbuf_pool_init();
	test_dhcp_lease_and_renewal();
	test_dhcp_nak_and_t1_option();
	test_dhcp_fallback();
	test_bootargs();
	test_arp_queue();
	test_arp_cache_bounded();
	test_second_nic_and_pool();
	TEST_DONE();
}
