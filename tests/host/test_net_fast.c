/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fused receive path (udp_fast_input, the netdev upcall) against the general one
 * (eth_input): for every frame of a family of mutations of an echo datagram, at both buffer
 * alignments, with and without the NIC's word for the checksum (MBUF_F_L4_OK), the replies
 * sent and every counter of the stack are the same either way. The
 * fused path may take only frames the general path would deliver, and must answer them
 * byte for byte as it would; everything else it hands on untouched.
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

#define OUT_MAX 4096

struct outcome {
	struct net_stats st;
	struct netdev_stats nds;
	size_t len; /* bytes of every transmitted frame, one after the other */
	uint8_t tx[OUT_MAX];
	int ntx;
};

static struct outcome a, b;

/* One frame into a fresh stack that knows HOST's MAC, through the fused path or around it. */
static void run(const uint8_t *frame, size_t len, bool aligned, bool fast, uint32_t flags,
		struct outcome *o)
{
	struct mbuf *m;
	start("10.0.2.15/24,10.0.2.2");
	learn_host();
	ipv4_next_id = 1; /* the same identification either way */
	memset(o, 0, sizeof(*o));
	m = mbuf_alloc();
	if (aligned)
		mbuf_reserve(m, NET_IP_ALIGN);
	memcpy(mbuf_put(m, len), frame, len);
	m->flags = flags;
	F.nd.stats.rx_frames++;
	F.nd.stats.rx_bytes += len;
	if (fast)
		udp_fast_input(&F.nd, m);
	else
		eth_input(&F.nd, m);
	o->st = *net_stats();
	o->nds = F.nd.stats;
	o->ntx = F.ntx;
	for (int i = 0; i < F.ntx; i++) {
		size_t n = mbuf_len(F.tx[i]);
		if (o->len + n <= OUT_MAX)
			memcpy(o->tx + o->len, F.tx[i]->data, n);
		o->len += n;
	}
	fake_clear(&F);
	net_reset();
}

static int cases, differ, taken;

/* Both ways, both alignments, with and without the NIC's word for the transport checksum
 * (MBUF_F_L4_OK: both paths must then take the same frames unsummed); counts the frames that
 * differ. */
static void same(const uint8_t *frame, size_t len, const char *what)
{
	for (int al = 0; al < 4; al++) {
		uint32_t flags = al & 2 ? MBUF_F_L4_OK : 0;
		run(frame, len, al & 1, true, flags, &a);
		run(frame, len, al & 1, false, flags, &b);
		cases++;
		taken += a.ntx == 1 && b.ntx == 1 && a.st.udp.delivered == 1;
		if (memcmp(&a.st, &b.st, sizeof(a.st)) != 0 ||
		    memcmp(&a.nds, &b.nds, sizeof(a.nds)) != 0 || a.ntx != b.ntx ||
		    a.len != b.len || memcmp(a.tx, b.tx, a.len < OUT_MAX ? a.len : OUT_MAX) != 0) {
			if (differ++ < 5)
				printf("  differs: %s (%zu bytes, %s%s)\n", what, len,
				       al & 1 ? "aligned" : "unaligned",
				       al & 2 ? ", the NIC's word" : "");
		}
	}
}

static void test_mutations(void)
{
	static const size_t sizes[] = { 0, 1, 18, 64, 1472 };
	static const uint8_t xors[] = { 0x01, 0x02, 0x10, 0x40, 0x80, 0xff };
	static uint8_t base[1600], f[1600];
	char what[64];
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint8_t pl[1472];
		size_t n = sizes[k], len;
		for (size_t i = 0; i < n; i++)
			pl[i] = (uint8_t)(i * 7 + 3);
		len = mk_udp(base, HOST, GUEST, 40000, 7, pl, n);
		same(base, len, "the datagram itself");
		/* every header byte changed: as it is, with the IP checksum made right again, and
		 * with both checksums right (so that the later rules are reached) */
		for (size_t pos = 0; pos < 42; pos++) {
			for (size_t x = 0; x < sizeof(xors); x++) {
				for (int fix = 0; fix < 3; fix++) {
					memcpy(f, base, len);
					f[pos] ^= xors[x];
					if (fix >= 1 && pos >= 14 && (f[14] & 0xf) == 5)
						fix_ip_cksum(f + 14);
					if (fix == 2 && pos >= 14 && (f[14] & 0xf) == 5 &&
					    (size_t)rd16(f + 38) + 34 <= len)
						fix_udp_cksum(f + 14);
					snprintf(what, sizeof(what), "byte %zu ^ %#x, fix %d", pos,
						 xors[x], fix);
					same(f, len, what);
				}
			}
		}
		/* short and padded frames */
		for (size_t cut = 1; cut <= 9 && cut < len; cut += 4)
			same(base, len - cut, "cut short");
		memcpy(f, base, len);
		memset(f + len, 0, 20);
		same(f, len + 20, "Ethernet padding behind the datagram");
		/* no UDP checksum */
		memcpy(f, base, len);
		wr16(f + 40, 0);
		same(f, len, "no UDP checksum");
	}
	/* sources the trust rules refuse, loop-prone source ports, other ports, a broadcast */
	{
		static const uint32_t src[] = { 0, IP4(0, 1, 2, 3), IP4(127, 0, 0, 1),
						IP4(224, 0, 0, 1), IP4(240, 0, 0, 1), 0xffffffffu,
						IP4(10, 0, 2, 255), GUEST, IP4(192, 168, 1, 1) };
		static const uint16_t sport[] = { 7, 19, 53, 1023, 1900, 5353, 7000, 40000 };
		static const uint16_t dport[] = { 7, 9, 0, 7000 };
		size_t len;
		for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
			len = mk_udp(f, src[i], GUEST, 40000, 7, "x", 1);
			same(f, len, "source address");
		}
		for (size_t i = 0; i < sizeof(sport) / sizeof(sport[0]); i++) {
			len = mk_udp(f, HOST, GUEST, sport[i], 7, "x", 1);
			same(f, len, "source port");
		}
		for (size_t i = 0; i < sizeof(dport) / sizeof(dport[0]); i++) {
			len = mk_udp(f, HOST, GUEST, 40000, dport[i], "x", 1);
			same(f, len, "destination port");
		}
		len = mk_udp(f, HOST, IP4(10, 0, 2, 255), 40000, 7, "x", 1);
		same(f, len, "to the subnet broadcast");
		len = mk_udp(f, HOST, GUEST, 40000, 7, "x", 1);
		memcpy(f, bcast_mac, 6);
		same(f, len, "unicast IP in a link broadcast");
	}
	ok(differ == 0, "fused and general path agree on %d frames (%d differ)", cases, differ);
	ok(taken > 100, "the fused path answered %d of them", taken);
}

int main(void)
{
	mbuf_pool_init();
	test_mutations();
	TEST_DONE();
}
