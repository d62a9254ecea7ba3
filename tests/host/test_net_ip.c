/*
 * IPv4 reassembly (in order, out of order, duplicates, inconsistent overlap, timeout, too big),
 * fragmented output, ICMP port unreachable and its rate limit, and the stats service. After
 * every test the mbuf pool is back to full.
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

static uint8_t dgram[4096]; /* a whole IP datagram: header, UDP header, payload */
static size_t dgram_len;

/* A UDP datagram HOST:sport -> GUEST:7 of n payload bytes, unfragmented, into dgram. */
static void mk_dgram(size_t n, uint16_t sport, uint16_t id)
{
	uint8_t *u = dgram + 20;
	mk_ip(dgram, HOST, GUEST, 17, 8 + n, id, 0, 64);
	wr16(u, sport);
	wr16(u + 2, 7);
	wr16(u + 4, (uint16_t)(8 + n));
	for (size_t i = 0; i < n; i++)
		u[8 + i] = (uint8_t)(i ^ (i >> 8) ^ n);
	fix_udp_cksum(dgram);
	dgram_len = 20 + 8 + n;
}

/* Inject bytes [off, off + n) of dgram's payload (after the IP header) as one fragment. */
static void send_frag(size_t off, size_t n, bool more)
{
	size_t l = mk_eth(fr, fake_mac, host_mac, 0x0800);
	memcpy(fr + l, dgram, 20);
	wr16(fr + l + 2, (uint16_t)(20 + n));
	wr16(fr + l + 6, (uint16_t)((more ? 0x2000 : 0) | off / 8));
	fix_ip_cksum(fr + l);
	memcpy(fr + l + 20, dgram + 20 + off, n);
	fake_inject(&F, fr, l + 20 + n < 60 ? 60 : l + 20 + n);
}

static void advance_time(uint64_t ns)
{
	host_clock_ns += ns;
	timers_expire(host_clock_ns);
}

/* The single reply frame echoes dgram's payload byte for byte. */
static bool echoed(void)
{
	size_t n = dgram_len - 28;
	if (F.ntx != 1)
		return false;
	const uint8_t *ip = txf(0) + 14;
	bool good = ip_cksum_ok(ip) && udp_cksum_ok(ip) && rd16(ip + 2) == 28 + n &&
		    memcmp(ip + 28, dgram + 28, n) == 0;
	fake_clear(&F);
	return good;
}

static void test_reassembly(void)
{
	uint32_t pool;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	mk_dgram(1000, 5001, 0x777); /* 1008 bytes of IP payload: 400 + 400 + 208 */
	send_frag(0, 400, true);
	send_frag(400, 400, true);
	ok(F.ntx == 0, "no reply before the last fragment");
	send_frag(800, 208, false);
	ok(echoed(), "in order: reassembled and echoed");
	ok(net_stats()->ipv4.reasm_ok == 1 && net_stats()->ipv4.frag_rx == 3, "counted");

	mk_dgram(1000, 5002, 0x778);
	send_frag(800, 208, false);
	send_frag(0, 400, true);
	send_frag(400, 400, true);
	ok(echoed(), "out of order: reassembled and echoed");

	mk_dgram(1000, 5003, 0x779);
	send_frag(400, 400, true);
	send_frag(0, 400, true);
	send_frag(0, 400, true);  /* duplicate, same bytes */
	send_frag(384, 16, true); /* overlap, same bytes */
	send_frag(800, 208, false);
	ok(echoed(), "consistent duplicates and overlaps accepted");

	mk_dgram(1000, 5004, 0x77a);
	send_frag(0, 400, true);
	dgram[20 + 390] ^= 0xff; /* the overlapping copy disagrees */
	send_frag(384, 16, true);
	ok(net_stats()->ipv4.drop_frag_overlap == 1, "inconsistent overlap counted");
	dgram[20 + 390] ^= 0xff;
	send_frag(400, 400, true);
	send_frag(800, 208, false);
	ok(F.ntx == 0, "datagram with an inconsistent overlap not delivered");

	/* timeout frees the buffer */
	host_clock_ns += 31 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	pool = mbuf_pool_free_count();
	mk_dgram(1000, 5005, 0x77b);
	send_frag(0, 400, true);
	ok(mbuf_pool_free_count() == pool - 1, "one buffer held while waiting");
	host_clock_ns += 29 * NSEC_PER_SEC;
	timers_expire(host_clock_ns);
	ok(mbuf_pool_free_count() == pool - 1, "still held at 29 s");
	host_clock_ns += 2 * NSEC_PER_SEC;
	uint64_t to = net_stats()->ipv4.drop_frag_timeout;
	timers_expire(host_clock_ns);
	ok(net_stats()->ipv4.drop_frag_timeout == to + 1 && mbuf_pool_free_count() == pool,
	   "timeout drops the datagram and frees its buffer");

	/* a last fragment whose end disagrees with an earlier one */
	mk_dgram(1000, 5006, 0x77c);
	send_frag(800, 208, false);
	send_frag(800, 200, false);
	ok(net_stats()->ipv4.drop_frag_overlap == 2, "two different ends: dropped");

	/* too big for one buffer */
	uint64_t big = net_stats()->ipv4.drop_frag_big;
	mk_dgram(2400, 5007, 0x77d);
	send_frag(0, 1480, true);
	send_frag(1480, 928, false);
	ok(net_stats()->ipv4.drop_frag_big == big + 1 && F.ntx == 0, "oversize datagram dropped");

	/* non-final fragment not a multiple of 8 */
	mk_dgram(1000, 5008, 0x77e);
	send_frag(0, 401, true);
	ok(net_stats()->ipv4.drop_frag_bad == 1, "ragged fragment dropped");

	/* more datagrams at once than slots: the extra one is refused, the others complete */
	for (int i = 0; i < 5; i++) {
		mk_dgram(1000, (uint16_t)(5100 + i), (uint16_t)(0x900 + i));
		send_frag(0, 400, true);
	}
	ok(net_stats()->ipv4.drop_frag_noslot >= 1, "slots are bounded");
	finish("reassembly");
}

static void test_fragmented_output(void)
{
	uint8_t whole[2048];
	size_t got = 0;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	/* 1900 bytes reassembled come back as two fragments */
	mk_dgram(1900, 6000, 0x55);
	send_frag(0, 1480, true);
	send_frag(1480, 428, false);
	ok(F.ntx == 2, "echo of 1900 bytes leaves in %d fragments", F.ntx);
	for (int i = 0; i < F.ntx; i++) {
		const uint8_t *ip = txf(i) + 14;
		size_t off = (size_t)(rd16(ip + 6) & 0x1fff) * 8, n = rd16(ip + 2) - 20u;
		ok(ip_cksum_ok(ip) && (i == 0) == !!(rd16(ip + 6) & 0x2000), "fragment %d header",
		   i);
		memcpy(whole + 20 + off, ip + 20, n);
		got += n;
		if (i == 0)
			memcpy(whole, ip, 20);
	}
	if (F.ntx == 2) {
		wr16(whole + 2, (uint16_t)(20 + got));
		wr16(whole + 6, 0);
		ok(got == 1908 && udp_cksum_ok(whole) && memcmp(whole + 28, dgram + 28, 1900) == 0,
		   "fragments put together make the echo");
	}
	finish("fragmented output");
}

static void test_port_unreachable(void)
{
	uint8_t orig[64];
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	size_t l = mk_udp(fr, HOST, GUEST, 4444, 9, "anyone?", 7);
	memcpy(orig, fr + 14, 36);
	(void)l;
	fake_inject(&F, fr, l);
	ok(F.ntx == 1, "closed port answered (%d)", F.ntx);
	if (F.ntx == 1) {
		const uint8_t *ip = txf(0) + 14, *h = ip + 20;
		size_t n = rd16(ip + 2) - 20u;
		ok(ip_cksum_ok(ip) && ip[9] == 1 && rd32(ip + 16) == HOST && rd32(ip + 12) == GUEST,
		   "unreachable IP header");
		ok(h[0] == 3 && h[1] == 3 && t_fold(t_sum(h, n, 0)) == 0,
		   "type 3 code 3, checksum");
		ok(n >= 8 + 28 && memcmp(h + 8, orig, 28) == 0, "quotes IP header + 8 bytes");
	}
	fake_clear(&F);
	/* broadcast to a closed port: no answer (RFC 1122) */
	l = mk_udp(fr, HOST, 0xffffffffu, 4444, 9, "x", 1);
	fake_inject(&F, fr, l);
	ok(F.ntx == 0, "no unreachable for a broadcast");
	/* a burst: at most the bucket's worth, every datagram counted */
	host_clock_ns += 2 * NSEC_PER_SEC;
	uint64_t np = net_stats()->udp.drop_noport;
	for (int i = 0; i < 100; i++) {
		l = mk_udp(fr, HOST, GUEST, (uint16_t)(4500 + i), 9, "burst", 5);
		fake_inject(&F, fr, l);
	}
	ok(F.ntx == 10, "100 datagrams to a closed port: %d unreachables", F.ntx);
	ok(net_stats()->udp.drop_noport == np + 100, "all counted as no port");
	ok(net_stats()->icmp.unreach_limited == 90, "90 limited (%llu)",
	   (unsigned long long)net_stats()->icmp.unreach_limited);
	fake_clear(&F);
	host_clock_ns += NSEC_PER_SEC / 2;
	for (int i = 0; i < 10; i++)
		fake_inject(&F, fr, l);
	ok(F.ntx == 5, "refill at 10/s: %d after 0.5 s", F.ntx);
	fake_clear(&F);
	ok(echo_once(20, 4600), "echo still works");
	finish("port unreachable");
}

static void test_stats_service(void)
{
	char js[4096];
	int n;
	net_reset();
	ok(net_bootarg_stats_port("9999") == 0 && net_bootarg_stats_port("70000") != 0 &&
		   net_bootarg_stats_port("x") != 0,
	   "stats.port values");
	start_stats_port = "9999";
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	n = net_stats_json(js, sizeof(js));
	ok(strncmp(js, "{\"netdev\":{\"rx_frames\":", 23) == 0 && js[n - 1] == '}',
	   "JSON shape: %.60s", js);
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 5555, 9999, "stats", 5));
	ok(F.ntx >= 1, "stats answered");
	if (F.ntx > 1) { /* over 1472 bytes: IPv4 fragments, the first with MF set */
		const uint8_t *ip = txf(0) + 14;
		ok((rd16(ip + 6) & 0x2000) != 0, "a reply of %u frames is not fragmented",
		   (unsigned)F.ntx);
		/* The reply is written into the request's mbuf (stats_input) and fragmented beyond
		 * 1472 bytes, which real counters (longer than these zeros) reach anyway. */
		ok(rd16(ip + 20 + 4) - 8u <= 1472 + 64,
		   "default reply of %u bytes (zero counters) leaves room for digits",
		   rd16(ip + 20 + 4) - 8u);
	} else if (F.ntx == 1) {
		const uint8_t *ip = txf(0) + 14;
		size_t len = rd16(ip + 2) - 28u;
		memcpy(js, ip + 28, len);
		js[len] = 0;
		ok(ip_cksum_ok(ip) && udp_cksum_ok(ip) && js[0] == '{' && js[len - 1] == '}' &&
			   strstr(js, "\"dhcp\":{") != NULL,
		   "stats reply is the JSON (%zu bytes)", len);
	}
	fake_clear(&F);
	/* the TCP layers only when asked for (they would not fit beside the others) */
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 5555, 9999, "tcp tcp_drop", 12));
	ok(F.ntx == 1, "TCP stats answered");
	if (F.ntx == 1) {
		const uint8_t *ip = txf(0) + 14;
		size_t len = rd16(ip + 2) - 28u;
		memcpy(js, ip + 28, len);
		js[len] = 0;
		ok(udp_cksum_ok(ip) && strstr(js, "\"tcp\":{") && strstr(js, "\"tcp_drop\":{") &&
			   !strstr(js, "\"dhcp\":{"),
		   "the reply to \"tcp tcp_drop\" holds those two layers: %.80s", js);
	}
	n = net_stats_json(js, 10);
	ok(n > 10 && strlen(js) == 9, "cut JSON reports its full length");
	host_console_clear();
	net_stats_print();
	ok(strstr(host_console, "drop_cksum=") && strstr(host_console, "udp"), "stats print");
	net_info_print();
	ok(strstr(host_console, "10.0.2.15/24 gw 10.0.2.2") && strstr(host_console, "10.0.2.2 "),
	   "info print: %s", host_console);
	start_stats_port = NULL;
	finish("stats");
}

/* Random damage to good frames of every kind: never a crash (ASan/UBSan), never a leak. */
static void test_random_frames(void)
{
	static const uint8_t zero[6];
	uint8_t base[2048];
	size_t bl;
	srand(7);
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (int i = 0; i < 20000; i++) {
		switch (i % 5) {
		case 0:
			bl = mk_udp(base, HOST, GUEST, 4000, 7, "payload-payload", 15);
			break;
		case 1:
			bl = mk_ping(base, 1, (uint16_t)i, "pingping", 8);
			break;
		case 2:
			bl = mk_arp(base, bcast_mac, 1, host_mac, HOST, zero, GUEST);
			break;
		case 3:
			mk_dgram(600, 4001, (uint16_t)(i & 3));
			memcpy(base, fr, 14);
			mk_eth(base, fake_mac, host_mac, 0x0800);
			memcpy(base + 14, dgram, 20);
			wr16(base + 14 + 2, 20 + 304);
			wr16(base + 14 + 6, (uint16_t)((rand() & 1 ? 0x2000 : 0) | (rand() % 80)));
			fix_ip_cksum(base + 14);
			memcpy(base + 34, dgram + 20, 304);
			bl = 14 + 20 + 304;
			break;
		default:
			bl = mk_udp(base, HOST, GUEST, 4000, 9999, "x", 1);
		}
		int flips = 1 + rand() % 4;
		for (int k = 0; k < flips; k++)
			base[rand() % bl] ^= (uint8_t)(1u << (rand() % 8));
		if (rand() % 4 == 0) /* and now and then fix the IP checksum so deeper code runs */
			fix_ip_cksum(base + 14);
		if (rand() % 8 == 0)
			bl = (size_t)rand() % bl;
		fake_inject(&F, base, bl);
		fake_clear(&F);
		if (i % 1000 == 0)
			advance_time(NSEC_PER_SEC);
	}
	advance_time(60 * NSEC_PER_SEC);
	fake_clear(&F);
	learn_host(); /* damaged ARP frames may have taught a wrong MAC for HOST, as RFC 826 says */
	ok(echo_once(40, 4700), "echo after 20,000 damaged frames");
	finish("random frames");
}

int main(void)
{
	mbuf_pool_init();
	test_reassembly();
	test_fragmented_output();
	test_port_unreachable();
	test_stats_service();
	test_random_frames();
	TEST_DONE();
}
