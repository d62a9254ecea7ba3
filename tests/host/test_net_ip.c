/* SPDX-License-Identifier: BSD-2-Clause */
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

static uint64_t net_st_overlap(void)
{
	return net_stats()->ipv4.drop_frag_overlap;
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
	send_frag(0, 400, true); /* exact duplicate, same bytes: a retransmission */
	send_frag(800, 208, false);
	ok(echoed(), "exact duplicates ignored");
	ok(net_stats()->ipv4.frag_dup == 1, "duplicate counted");

	mk_dgram(1000, 5004, 0x77a);
	send_frag(0, 400, true);
	send_frag(384, 16, true); /* overlap, even with the same bytes: RFC 5722 */
	ok(net_stats()->ipv4.drop_frag_overlap == 1, "overlap counted");
	send_frag(400, 400, true);
	send_frag(800, 208, false);
	ok(F.ntx == 0 && net_stats()->ipv4.drop_frag_dead == 2,
	   "datagram with an overlap not delivered, its later fragments dropped too");

	mk_dgram(1000, 5014, 0x78a);
	send_frag(0, 400, true);
	dgram[20 + 10] ^= 0xff; /* a "duplicate" that disagrees */
	send_frag(0, 400, true);
	dgram[20 + 10] ^= 0xff;
	ok(net_stats()->ipv4.drop_frag_overlap == 2, "disagreeing duplicate dropped");

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
	ok(net_stats()->ipv4.drop_frag_overlap == 3, "two different ends: dropped");

	/* the same verdict in every order (issue 12): a fragment X past the end the last one L
	 * gives, inside L's last 8-byte block; every order in which X comes before the datagram
	 * is complete drops it (after completion X can only start a datagram of its own) */
	{
		static const int orders[4][3] = { { 2, 0, 1 }, { 2, 1, 0 }, { 0, 2, 1 },
						  { 1, 2, 0 } };
		for (int k = 0; k < 4; k++) {
			uint64_t ov = net_st_overlap();
			advance_time(31 * NSEC_PER_SEC); /* earlier dead slots time out */
			mk_dgram(997, (uint16_t)(5200 + k), (uint16_t)(0x7a0 + k)); /* 1005 bytes */
			for (int j = 0; j < 3; j++) {
				int f = orders[k][j];
				if (f == 0)
					send_frag(0, 800, true);
				else if (f == 1)
					send_frag(800, 205, false); /* L: ends at 1005 */
				else
					send_frag(1000, 8, true); /* X: to 1008, beyond */
			}
			ok(F.ntx == 0 && net_st_overlap() == ov + 1,
			   "order %d%d%d: dropped once, not delivered (%d frames)", orders[k][0],
			   orders[k][1], orders[k][2], F.ntx);
			fake_clear(&F);
		}
	}

	host_clock_ns += 31 * NSEC_PER_SEC; /* the dead slots time out */
	timers_expire(host_clock_ns);
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

/* Ask the stats service with payload req (n bytes); the reply payload into out, its length,
 * or -1 if none came. */
static int stats_ask(const char *req, size_t n, char *out)
{
	int len = -1;
	fake_inject(&F, fr, mk_udp(fr, HOST, GUEST, 5555, 9999, req, n));
	if (F.ntx == 1) {
		const uint8_t *ip = txf(0) + 14;
		len = rd16(ip + 2) - 28;
		memcpy(out, ip + 28, (size_t)len);
		out[len] = 0;
	}
	fake_clear(&F);
	return len;
}

/* Every layer through 1472-byte requests, following "more"; the merged text into all.
 * Returns the number of requests, or -1 if a reply was missing or larger than its request. */
static int stats_all(char *all, size_t size)
{
	char req[1472], js[1500], *more;
	int asked = 0;
	size_t used = 0;
	strcpy(req, "all");
	for (;;) {
		size_t rl = strlen(req);
		int n;
		memset(req + rl, ' ', sizeof(req) - rl);
		n = stats_ask(req, sizeof(req), js);
		asked++;
		if (n < 2 || n > (int)sizeof(req) || used + (size_t)n >= size || asked > 12)
			return -1;
		memcpy(all + used, js, (size_t)n + 1);
		used += (size_t)n;
		more = strstr(js, "\"more\":[");
		if (!more)
			return asked;
		/* the next request names what did not fit */
		req[0] = 0;
		for (char *p = more + 8; *p && *p != ']'; p++)
			if (*p != '"')
				strncat(req, *p == ',' ? " " : (char[2]){ *p, 0 }, 2);
	}
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Counters at their widest value, with room for the increments the test itself causes. */
#define WIDE64 18446744073709550000ull
#define WIDE32 4294960000u
static void fill_wide(void *p, size_t n)
{
	uint64_t *w = p;
	for (size_t i = 0; i < n / 8; i++)
		w[i] = WIDE64;
}

static void sys_max(struct net_sys_stats *out)
{
	fill_wide(out, sizeof(*out));
}

/* Values of exactly `digits` digits in the JSON text. */
static unsigned count_width(const char *js, unsigned digits)
{
	unsigned n = 0;
	for (const char *p = js; (p = strstr(p, "\":")); p++) {
		unsigned d = 0;
		while (p[2 + d] >= '0' && p[2 + d] <= '9')
			d++;
		n += d == digits;
	}
	return n;
}

extern struct net_stats net_st; /* net/stack.h: the counters themselves */

static void test_stats_service(void)
{
	static char js[16384];
	struct mbuf_pool_stats *ps = (struct mbuf_pool_stats *)(uintptr_t)mbuf_pool_stats();
	struct mbuf_pool_stats saved;
	unsigned fields;
	int n;
	net_reset();
	ok(net_bootarg_stats_port("9999") == 0 && net_bootarg_stats_port("70000") != 0 &&
		   net_bootarg_stats_port("x") != 0,
	   "stats.port values");
	start_stats_port = "9999";
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	n = net_stats_json(js, sizeof(js));
	ok(n > 0 && strncmp(js, "{\"netdev\":{\"rx_frames\":", 23) == 0 && js[n - 1] == '}',
	   "JSON shape: %.60s", js);
	fields = count(js, "\":") - count(js, "\":{");
	n = stats_all(js, sizeof(js));
	ok(n >= 1 && strstr(js, "\"dhcp\":{") && strstr(js, "\"sys\":{"),
	   "all layers in %d requests", n);
	/* at full width: every counter of every layer at its widest value */
	fill_wide(&net_st, sizeof(net_st));
	fill_wide(&F.nd.stats, sizeof(F.nd.stats));
	saved = *ps;
	ps->allocs = ps->frees = ps->alloc_fail = WIDE64;
	ps->total = ps->free = ps->low_water = WIDE32;
	net_sys_sample = sys_max;
	n = net_stats_json(js, sizeof(js));
	ok(n > 2 * 1472, "full-width JSON is %d bytes: more than two datagrams", n);
	n = stats_all(js, sizeof(js));
	ok(n >= 3, "full width: answered in %d parts, each within its request", n);
	ok(count_width(js, 20) + count_width(js, 10) == fields && count_width(js, 10) == 3,
	   "every one of %u counters present at full width (%u + %u)", fields,
	   count_width(js, 20), count_width(js, 10));
	ok(count(js, "\"ipv4\":{") == 1 && count(js, "\"netdev\":{") == 1, "each layer once");
	/* one layer, asked with a short request: only what fits, the rest named */
	{
		char req[200], out[1500];
		memset(req, ' ', sizeof(req));
		memcpy(req, "ipv4 udp", 8);
		n = stats_ask(req, sizeof(req), out);
		ok(n > 0 && n <= 200 && strstr(out, "\"more\":[\"ipv4\",\"udp\"]"),
		   "200-byte request: %d-byte reply %s", n, out);
		n = stats_ask("stats", 5, out);
		ok(n < 0, "5-byte request: no reply (it would be larger)");
		memset(req, ' ', sizeof(req));
		memcpy(req, "ipv4 nonsense", 13);
		n = stats_ask(req, sizeof(req), out);
		ok(n > 0 && strstr(out, "\"error\""), "unknown layer: error object");
	}
	*ps = saved;
	net_sys_sample = NULL;
	memset(&net_st, 0, sizeof(net_st));
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

/*
 * A driver's MBUF_F_L4_OK (the NIC found the TCP/UDP checksum right) spares the stack the sum,
 * on the fused path and the general one; nothing else does. The flag is believed even over a
 * wrong sum here: that is what shows the sum was not done. It does not cover a datagram shorter
 * than its IP payload, nor a reassembled one (the NIC saw fragments).
 */
static void test_nic_checksum(void)
{
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	for (int aligned = 0; aligned < 2; aligned++) { /* general path, fused path */
		uint64_t bad = net_stats()->udp.drop_cksum;
		size_t l = mk_udp(fr, HOST, GUEST, 7201, 7, "vouched", 7);
		fr[14 + 20 + 6] ^= 0x5a; /* a wrong sum */
		fake_inject_flags(&F, fr, l, aligned, MBUF_F_L4_OK);
		ok(F.ntx == 1 && memcmp(txf(0) + 42, "vouched", 7) == 0 &&
			   !(F.tx[0]->flags & MBUF_F_FAST) == !aligned,
		   "vouched for by the NIC, not summed (%s path)", aligned ? "fused" : "general");
		fake_clear(&F);
		fake_inject_flags(&F, fr, l, aligned, 0);
		ok(F.ntx == 0 && net_stats()->udp.drop_cksum == bad + 1,
		   "the same frame without the NIC's word: summed, dropped, counted (%s path)",
		   aligned ? "fused" : "general");
		fake_clear(&F);
		/* the broadcast mark is eth_input's, whatever the driver passed up */
		fake_inject_flags(&F, fr, mk_udp(fr, HOST, GUEST, 7202, 7, "stale", 5), aligned,
				  MBUF_F_L4_OK | MBUF_F_LINK_BCAST | MBUF_F_BCAST | MBUF_F_FAST);
		ok(F.ntx == 1, "flags other than the NIC's are not taken from the driver");
		fake_clear(&F);
	}
	/* a UDP length short of the IP payload: a NIC may have summed the whole payload */
	{
		uint64_t bad = net_stats()->udp.drop_cksum;
		size_t l = mk_udp(fr, HOST, GUEST, 7203, 7, "short", 5);
		uint8_t *ip = fr + 14;
		wr16(ip + 2, (uint16_t)(rd16(ip + 2) + 4)); /* 4 bytes of IP payload past the UDP */
		memset(fr + l, 0, 4);
		fix_ip_cksum(ip);
		fr[14 + 20 + 6] ^= 0x5a;
		fake_inject_flags(&F, fr, l + 4, true, MBUF_F_L4_OK);
		ok(F.ntx == 0 && net_stats()->udp.drop_cksum == bad + 1,
		   "a datagram shorter than its IP payload is summed whatever the NIC says");
		fake_clear(&F);
	}
	/* fragments flagged (a NIC never does; reassembly must not believe it) */
	{
		uint64_t bad = net_stats()->udp.drop_cksum;
		size_t l;
		mk_dgram(600, 7204, 0x7204);
		dgram[20 + 6] ^= 0x5a;
		for (size_t off = 0; off < 608; off += 304) {
			l = mk_eth(fr, fake_mac, host_mac, 0x0800);
			memcpy(fr + l, dgram, 20);
			wr16(fr + l + 2, 20 + 304);
			wr16(fr + l + 6, (uint16_t)((off ? 0 : 0x2000) | off / 8));
			fix_ip_cksum(fr + l);
			memcpy(fr + l + 20, dgram + 20 + off, 304);
			fake_inject_flags(&F, fr, l + 20 + 304, true, MBUF_F_L4_OK);
		}
		ok(net_stats()->ipv4.reasm_ok >= 1 && F.ntx == 0 &&
			   net_stats()->udp.drop_cksum == bad + 1,
		   "a reassembled datagram is summed: the NIC's word was about a fragment");
		fake_clear(&F);
	}
	finish("nic_checksum");
}

int main(void)
{
	mbuf_pool_init();
	test_nic_checksum();
	test_reassembly();
	test_fragmented_output();
	test_port_unreachable();
	test_stats_service();
	test_random_frames();
	TEST_DONE();
}
