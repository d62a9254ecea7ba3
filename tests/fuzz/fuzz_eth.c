/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw Ethernet frames through the real receive path (eth_input -> ARP / IPv4 -> ICMP / UDP /
 * TCP -> DHCP, the counters service and the UDP and TCP echo apps) over the fake NIC of tests/host/fake_netdev.h,
 * with the fake clock advanced between frames so ARP ageing and queue timeouts, reassembly
 * timeouts and DHCP retries and lease timers run.
 *
 * Input: byte 0 configures the run (CFG_ bits below); then either one frame (the rest of the
 * input) or, with CFG_MULTI, up to MAX_FRAMES records [gap][len_hi][len_lo][len bytes], gap's
 * low nibble indexing gap_ms[] (time before the frame). Two helpers let mutations go deep:
 * CFG_FIXSUM recomputes the IPv4 header checksum and (unfragmented) UDP/ICMP/TCP checksums, and
 * CFG_XID writes the xid of the client's last DHCP message into replies to port 68.
 *
 * Oracles: every transmitted frame is well-formed (length, our source MAC, IPv4 header and
 * checksums, ARP fields); buffers held between frames stay within the ARP queue and
 * reassembly bounds; after every timeout has run the pool is full again (but for frames just
 * queued behind a fresh ARP request) and no ARP entry is pending past its 3 s; net_reset
 * leaves no timer armed. Any violation aborts, so libFuzzer reports it with the input.
 * FUZZ_ETH_TRACE=1 prints a line of counters per input (what a seed reaches).
 *
 * The store app is left out: it dereferences its region at CONFIG_REGION_BASE, which on
 * x86-64 is kernel address space, so no host memory can back it in a user process.
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
#define FUZZ_NAME "fuzz_eth"
#include "tests/fuzz/tx_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void arp_cache_print(void); /* net/stack.h */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CFG_STATIC  (1u << 0) /* ip=10.0.2.15/24,10.0.2.2, else DHCP */
#define CFG_LEARN   (1u << 1) /* the host's MAC is in the ARP cache before the first frame */
#define CFG_FIXSUM  (1u << 2)
#define CFG_XID	    (1u << 3)
#define CFG_STATS   (1u << 4) /* counters service on UDP port 9 */
#define CFG_MULTI   (1u << 5)
#define CFG_TXFULL  (1u << 6) /* the NIC accepts one frame per pass, then -ENOSPC */
#define CFG_SQUEEZE (1u << 7) /* all but SQUEEZE_FREE pool buffers taken: allocation failures */

#define MAX_FRAMES 64
#define FRAME_MAX  (MBUF_SIZE - MBUF_HEADROOM) /* what a receive buffer can hold */
/* Buffers the stack may hold between frames: ARP queues (32 in all) and reassembly (4). */
#define HELD_MAX     36
#define SQUEEZE_FREE 6

static const uint32_t gap_ms[16] = { 0,	   1,	 10,	100,   500,   1000,   1500,    2000,
				     3100, 5000, 10000, 31000, 61000, 301000, 1801000, 3601000 };

static struct mbuf *hog[MBUF_COUNT]; /* taken from the pool by CFG_SQUEEZE */
static uint32_t nhog;

/* ---- helpers that make mutated frames pass the cheap checks ---- */

static void fix_frame(uint8_t *f, size_t n, unsigned cfg)
{
	uint8_t *ip = f + 14, *l4;
	size_t hl, tot;
	if (n < 34 || rd16(f + 12) != 0x0800 || ip[0] >> 4 != 4)
		return;
	hl = (size_t)(ip[0] & 15) * 4;
	if (hl < 20 || 14 + hl > n)
		return;
	tot = rd16(ip + 2);
	l4 = ip + hl;
	if ((cfg & CFG_XID) && ip[9] == 17 && 14 + hl + 16 <= n && rd16(l4 + 2) == 68)
		wr32(l4 + 8 + 4, last_xid);
	if (!(cfg & CFG_FIXSUM))
		return;
	wr16(ip + 10, 0);
	wr16(ip + 10, t_fold(t_sum(ip, hl, 0)));
	if ((rd16(ip + 6) & 0x3fff) || tot < hl || 14 + tot > n)
		return; /* fragments: the checksum covers the whole datagram */
	if (ip[9] == 17 && tot - hl >= 8 && rd16(l4 + 4) >= 8 && rd16(l4 + 4) <= tot - hl &&
	    rd16(l4 + 6) != 0) {
		uint16_t len = rd16(l4 + 4), c;
		wr16(l4 + 6, 0);
		c = t_fold(t_sum(l4, len, t_pseudo(ip, len)));
		wr16(l4 + 6, c ? c : 0xffff);
	} else if (ip[9] == 1 && tot - hl >= 4) {
		wr16(l4 + 2, 0);
		wr16(l4 + 2, t_fold(t_sum(l4, tot - hl, 0)));
	} else if (ip[9] == 6 && tot - hl >= 20) {
		wr16(l4 + 16, 0);
		wr16(l4 + 16, t_fold(t_sum(l4, tot - hl, t_pseudo(ip, (uint16_t)(tot - hl)))));
	}
}

/* ---- one run ---- */

static void setup(unsigned cfg)
{
	static const uint8_t zero[6];
	host_clock_ns = 1000 * NSEC_PER_SEC;
	host_console_clear();
	net_reset();
	if (timers_next_deadline() != UINT64_MAX)
		fail("net_reset left a timer armed", -1);
	if (mbuf_pool_free_count() != MBUF_COUNT)
		fail("pool not full after net_reset", -1);
	last_xid = 0;
	fake_setup(&F);
	netdev_register(&F.nd);
	if (cfg & CFG_STATS)
		net_bootarg_stats_port("9");
	if (cfg & CFG_STATIC)
		net_bootarg_ip("10.0.2.15/24,10.0.2.2");
	net_init(&F.nd);
	echo_init();
	tcpecho_init();
	check_tx(-1);
	if (cfg & CFG_LEARN) {
		fake_inject(&F, fr, mk_arp(fr, bcast_mac, 1, host_mac, HOST, zero, GUEST));
		check_tx(-1);
	}
	if (cfg & CFG_TXFULL)
		F.tx_limit = 1;
	while ((cfg & CFG_SQUEEZE) && mbuf_pool_free_count() > SQUEEZE_FREE)
		hog[nhog++] = mbuf_alloc();
}

static void one_frame(const uint8_t *p, size_t n, unsigned cfg, uint32_t gap, int i)
{
	static uint8_t buf[FRAME_MAX];
	if (n > FRAME_MAX)
		n = FRAME_MAX;
	memcpy(buf, p, n);
	host_clock_ns += (uint64_t)gap * NSEC_PER_MSEC;
	timers_expire(host_clock_ns);
	net_flush();
	check_tx(i);
	fix_frame(buf, n, cfg);
	fake_inject(&F, buf, n); /* pool empty: dropped, as the driver would (rx_drop_nobuf) */
	net_flush();
	check_tx(i);
	if (mbuf_pool_free_count() + nhog + HELD_MAX < MBUF_COUNT)
		fail("more buffers held than the ARP queue and reassembly bounds allow", i);
}

/* FUZZ_ETH_TRACE=1: one line of counters per input, to see what a seed reaches. */
static void trace(void)
{
	const struct net_stats *s = net_stats();
	static int on = -1;
	if (on < 0)
		on = getenv("FUZZ_ETH_TRACE") != NULL;
	if (!on)
		return;
	fprintf(stderr,
		"trace: tx %llu arp rx %llu queued %llu sent %llu; ipv4 rx %llu delivered %llu "
		"reasm %llu frag_tx %llu; icmp echo %llu unreach %llu; udp delivered %llu; "
		"dhcp offer %llu ack %llu nak %llu renew %llu; drops ip %llu/%llu/%llu/%llu\n",
		(unsigned long long)F.nd.stats.tx_frames, (unsigned long long)s->arp.rx,
		(unsigned long long)s->arp.queued, (unsigned long long)s->arp.queue_sent,
		(unsigned long long)s->ipv4.rx, (unsigned long long)s->ipv4.delivered,
		(unsigned long long)s->ipv4.reasm_ok, (unsigned long long)s->ipv4.frag_tx,
		(unsigned long long)s->icmp.echo_rx, (unsigned long long)s->icmp.unreach_tx,
		(unsigned long long)s->udp.delivered, (unsigned long long)s->dhcp.offer_rx,
		(unsigned long long)s->dhcp.ack_rx, (unsigned long long)s->dhcp.nak_rx,
		(unsigned long long)s->dhcp.renew, (unsigned long long)s->ipv4.drop_hdr,
		(unsigned long long)s->ipv4.drop_len, (unsigned long long)s->ipv4.drop_cksum,
		(unsigned long long)s->ipv4.drop_frag_overlap);
}

/*
 * Frames waiting in ARP queues, from arp_cache_print's report (the count is private to
 * net/arp.c). Every pending entry must be younger than ARP's 3 s wait: older means stuck.
 */
static unsigned arp_waiting(void)
{
	unsigned n = 0;
	const char *p;
	host_console_clear();
	arp_cache_print();
	if (sscanf(host_console, "arp: %*d of %*d entries, %u frames waiting", &n) != 1)
		fail("cannot read arp_cache_print", 2000);
	for (p = strstr(host_console, " pending "); p; p = strstr(p + 1, " pending ")) {
		unsigned long age = strtoul(p + 9, NULL, 10);
		if (age > 3)
			fail("ARP entry pending for longer than 3 s", 2000);
	}
	host_console_clear();
	return n;
}

/*
 * Run every timeout (ARP wait 3 s, reassembly 30 s, DHCP retries): afterwards only frames a
 * timer just queued behind a fresh ARP request (a DHCP renewal to an unanswering server)
 * may be held; every other buffer is back in the pool.
 */
static void settle(void)
{
	unsigned waiting;
	for (int k = 0; k < 12; k++) {
		host_clock_ns += 31 * NSEC_PER_SEC;
		timers_expire(host_clock_ns);
		net_flush();
		check_tx(1000 + k);
	}
	while (nhog)
		mbuf_free(hog[--nhog]);
	waiting = arp_waiting();
	if (mbuf_pool_free_count() + waiting != MBUF_COUNT) {
		fprintf(stderr, "fuzz_eth: %u buffers leaked (%u wait for ARP)\n",
			MBUF_COUNT - waiting - mbuf_pool_free_count(), waiting);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mbuf_pool_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned cfg;
	if (size < 1)
		return 0;
	cfg = data[0];
	data++;
	size--;
	setup(cfg);
	if (!(cfg & CFG_MULTI)) {
		one_frame(data, size, cfg, 0, 0);
	} else {
		for (int i = 0; i < MAX_FRAMES && size >= 3; i++) {
			size_t n = (size_t)data[1] << 8 | data[2];
			uint32_t gap = gap_ms[data[0] & 15];
			data += 3;
			size -= 3;
			if (n > size)
				n = size;
			one_frame(data, n, cfg, gap, i);
			data += n;
			size -= n;
		}
	}
	settle();
	trace();
	return 0;
}
