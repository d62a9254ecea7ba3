/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transmit oracle shared by the fuzzers that drive the stack over the fake NIC: every frame
 * the stack queued is well-formed (length, our source MAC, IPv4 header and checksum, UDP, ICMP
 * and TCP lengths and checksums, ARP fields, no TCP to a broadcast or multicast address).
 * A violation aborts with the frame printed, so libFuzzer reports the input. Include after
 * tests/host/fake_netdev.h, with FUZZ_NAME defined (the harness's name, for messages).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/host/fake_netdev.h"

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including tx_oracle.h"
#endif
/* The xid of the client's last DHCP message (CFG_XID of fuzz_eth) */
static uint32_t last_xid;
/* The transmitted frame being checked, printed when a check fails. */
static const uint8_t *cur_f;
static size_t cur_n;

static void fail(const char *what, int i)
{
	fprintf(stderr, "%s: %s (input frame %d; -1 = setup, 1000+ = timeouts)\n", FUZZ_NAME, what,
		i);
	if (cur_f) {
		fprintf(stderr, "transmitted frame, %zu bytes:", cur_n);
		for (size_t k = 0; k < cur_n && k < 128; k++)
			fprintf(stderr, "%s%02x", k % 16 ? " " : "\n  ", cur_f[k]);
		fprintf(stderr, "\n");
	}
	abort();
}

/* ---- the transmit oracle ---- */

static bool sum_ok(const uint8_t *p, size_t n, uint32_t pseudo)
{
	return t_fold(t_sum(p, n, pseudo)) == 0;
}

static void check_ipv4(const uint8_t *ip, size_t n, int i)
{
	size_t hl = (size_t)(ip[0] & 15) * 4, tot;
	bool frag;
	if (n < 20 || ip[0] >> 4 != 4 || hl < 20 || hl > n)
		fail("tx: bad IPv4 header", i);
	tot = rd16(ip + 2);
	if (tot < hl || tot > n || !sum_ok(ip, hl, 0))
		fail("tx: IPv4 length or header checksum", i);
	frag = (rd16(ip + 6) & 0x3fff) != 0;
	if (frag)
		return;
	if (ip[9] == 17) {
		const uint8_t *u = ip + hl;
		if (tot - hl < 8 || rd16(u + 4) != tot - hl)
			fail("tx: UDP length", i);
		if (rd16(u + 6) && !sum_ok(u, tot - hl, t_pseudo(ip, (uint16_t)(tot - hl))))
			fail("tx: UDP checksum", i);
		if (rd16(u + 2) == 67 && tot - hl >= 8 + 8)
			last_xid = rd32(u + 8 + 4);
	} else if (ip[9] == 1) {
		if (tot - hl < 8 || !sum_ok(ip + hl, tot - hl, 0))
			fail("tx: ICMP length or checksum", i);
	} else if (ip[9] == 6) {
		const uint8_t *t = ip + hl;
		if (tot - hl < 20 || (size_t)(t[12] >> 4) * 4 < 20 ||
		    (size_t)(t[12] >> 4) * 4 > tot - hl)
			fail("tx: TCP length or data offset", i);
		if (!sum_ok(t, tot - hl, t_pseudo(ip, (uint16_t)(tot - hl))))
			fail("tx: TCP checksum", i);
		if (ip[16] >= 224 || rd32(ip + 16) == 0 ||
		    (ip[16] == 10 && ip[17] == 0 && ip[18] == 2 && ip[19] == 255))
			fail("tx: TCP segment to a broadcast or multicast address", i);
	}
}

static void check_tx(int i)
{
	for (int k = 0; k < F.ntx; k++) {
		const uint8_t *f = F.tx[k]->data;
		size_t n = mbuf_len(F.tx[k]);
		cur_f = f;
		cur_n = n;
		/* Runts are fine: the NIC pads to 60 (net/eth.c) */
		if (n < 14 || n > (size_t)F.nd.mtu + 14)
			fail("tx: frame length", i);
		if (memcmp(f + 6, fake_mac, 6) != 0)
			fail("tx: source MAC", i);
		if (rd16(f + 12) == 0x0800) {
			check_ipv4(f + 14, n - 14, i);
		} else if (rd16(f + 12) == 0x0806) {
			const uint8_t *a = f + 14;
			if (n < 42 || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 ||
			    a[5] != 4 || (rd16(a + 6) != 1 && rd16(a + 6) != 2) ||
			    memcmp(a + 8, fake_mac, 6))
				fail("tx: ARP fields", i);
		} else {
			fail("tx: unknown ethertype", i);
		}
	}
	cur_f = NULL;
	fake_clear(&F);
}
