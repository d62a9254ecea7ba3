/* SPDX-License-Identifier: BSD-2-Clause */
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

bool dhcp_addr_is_usable(uint32_t ip, uint32_t mask); /* net/stack.h */
void dhcp_lease_times(uint32_t lease, uint32_t t1, uint32_t t2, uint32_t out[3]);

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

/*
 * A reply from server sid: BOOTP header with yiaddr, then the options in opts (n bytes, END
 * added), and file/sname fields (NULL: zero) for option overload.
 */
static size_t mk_dhcp(uint32_t sid_ip, uint32_t xid, uint32_t yiaddr, const uint8_t *opts,
		      size_t n, const uint8_t *file, size_t fn, const uint8_t *sname, size_t sn)
{
	size_t l = mk_eth(fr, bcast_mac, host_mac, 0x0800);
	uint8_t *ip = fr + l, *u = ip + 20, *b = u + 8;
	memset(b, 0, 300);
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	wr32(b + 4, xid);
	wr32(b + 16, yiaddr);
	memcpy(b + 28, fake_mac, 6);
	if (sname)
		memcpy(b + 44, sname, sn);
	if (file)
		memcpy(b + 108, file, fn);
	wr32(b + 236, 0x63825363);
	memcpy(b + 240, opts, n);
	b[240 + n] = 255;
	mk_ip(ip, sid_ip, 0xffffffffu, 17, 8 + 300, 1, 0, 64);
	wr16(u, 67);
	wr16(u + 2, 68);
	wr16(u + 4, 8 + 300);
	fix_udp_cksum(ip);
	return l + 28 + 300;
}

/* Options: type, server id, mask, router, lease (the usual reply). */
static size_t std_opts(uint8_t *o, uint8_t type, uint32_t sid, uint32_t mask, uint32_t router,
		       uint32_t lease)
{
	uint8_t *p = o;
	*p++ = 53, *p++ = 1, *p++ = type;
	*p++ = 54, *p++ = 4, wr32(p, sid), p += 4;
	*p++ = 1, *p++ = 4, wr32(p, mask), p += 4;
	*p++ = 3, *p++ = 4, wr32(p, router), p += 4;
	*p++ = 51, *p++ = 4, wr32(p, lease), p += 4;
	return (size_t)(p - o);
}

#define OTHER_SERVER IP4(10, 0, 2, 3)

static void test_dhcp_selected_server_only(void)
{
	uint8_t o[64];
	uint32_t xid;
	start(NULL);
	xid = xid_of(0);
	fake_clear(&F);
	fake_inject(&F, fr, mk_reply(2, xid, 600, 0)); /* OFFER from HOST: selected */
	ok(F.ntx == 1 && msg_type(0) == 3, "REQUEST for HOST's offer");
	fake_clear(&F);
	/* another server's ACK and NAK while requesting: ignored */
	fake_inject(&F, fr,
		    mk_dhcp(OTHER_SERVER, xid, GUEST,
			    o, std_opts(o, 5, OTHER_SERVER, 0xffffff00, HOST, 600), NULL, 0, NULL, 0));
	fake_inject(&F, fr, mk_dhcp(OTHER_SERVER, xid, 0, o, std_opts(o, 6, OTHER_SERVER, 0, 0, 0),
				    NULL, 0, NULL, 0));
	ok(!net_addr_is_up() && net_stats()->dhcp.drop_server == 2 &&
		   net_stats()->dhcp.nak_rx == 0,
	   "ACK and NAK from a server not selected ignored");
	/* an ACK without any server identifier: not from the selected server either */
	fake_inject(&F, fr, mk_dhcp(HOST, xid, GUEST, (const uint8_t[]){ 53, 1, 5 }, 3, NULL, 0,
				    NULL, 0));
	ok(!net_addr_is_up() && net_stats()->dhcp.drop_server == 3, "ACK without server id");
	fake_inject(&F, fr, mk_reply(5, xid, 600, 0));
	ok(net_addr()->ip == GUEST, "the selected server's ACK binds");
	fake_clear(&F);
	/* rebinding (T2 = 525 s): any server may answer */
	for (int t = 0; t < 530; t += 5) {
		advance(5 * NSEC_PER_SEC);
		if (F.ntx)
			xid = xid_of(F.ntx - 1);
		fake_clear(&F);
	}
	ok(net_stats()->dhcp.rebind == 1, "rebinding");
	fake_inject(&F, fr,
		    mk_dhcp(OTHER_SERVER, xid, GUEST,
			    o, std_opts(o, 5, OTHER_SERVER, 0xffffff00, HOST, 900), NULL, 0, NULL, 0));
	ok(net_stats()->dhcp.ack_rx == 2 && strstr(host_console, "lease renewed, 900 s"),
	   "rebinding: another server's ACK accepted: %s", host_console);
	fake_clear(&F);
	finish("dhcp server id");
}

static void test_dhcp_unusable_addresses(void)
{
	static const struct {
		uint32_t ip, mask;
		bool usable;
	} cases[] = {
		{ 0xffffffffu, 0xffffff00, false },	  { IP4(224, 0, 0, 5), 0xffffff00, false },
		{ IP4(127, 0, 0, 1), 0xff000000, false }, { IP4(10, 0, 2, 255), 0xffffff00, false },
		{ IP4(10, 0, 2, 0), 0xffffff00, false },  { 0, 0xffffff00, false },
		{ IP4(240, 0, 0, 1), 0xffffff00, false }, { IP4(0, 0, 0, 7), 0xffffff00, false },
		{ IP4(10, 0, 0, 0), 0xfffffffe, true },	  { IP4(10, 0, 0, 1), 0xfffffffe, true },
		{ IP4(10, 0, 0, 255), 0xffffffff, true }, { IP4(10, 0, 2, 15), 0xffffff00, true },
	};
	uint8_t o[64];
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint32_t xid;
		start(NULL);
		xid = xid_of(0);
		fake_clear(&F);
		fake_inject(&F, fr, mk_dhcp(HOST, xid, cases[k].ip, o,
					    std_opts(o, 2, HOST, cases[k].mask, 0, 600), NULL, 0,
					    NULL, 0));
		ok((F.ntx == 1) == cases[k].usable &&
			   (net_stats()->dhcp.drop_addr == 1) == !cases[k].usable,
		   "offer of %08x/%08x: %s", cases[k].ip, cases[k].mask,
		   cases[k].usable ? "requested" : "refused");
		if (cases[k].usable && F.ntx == 1) {
			fake_clear(&F);
			fake_inject(&F, fr, mk_dhcp(HOST, xid, cases[k].ip, o,
						    std_opts(o, 5, HOST, cases[k].mask, 0, 600),
						    NULL, 0, NULL, 0));
			ok(net_addr()->ip == cases[k].ip, "and bound");
		}
		fake_clear(&F);
		finish("dhcp address");
	}
}

static void test_dhcp_lease_floors(void)
{
	static const struct {
		uint32_t lease, t1, t2, want[3];
	} cases[] = {
		{ 1, 0, 0, { 60, 30, 52 } },	      { 0, 0, 0, { 3600, 1800, 3150 } },
		{ 600, 1, 2, { 600, 300, 525 } },     { 600, 500, 400, { 600, 500, 575 } },
		{ 600, 100, 700, { 600, 100, 475 } }, { 600, 200, 300, { 600, 200, 300 } },
		{ 86400, 0, 0, { 86400, 43200, 75600 } },
	};
	uint32_t xid, requests = 0;
	uint8_t o[64];
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint32_t t[3];
		dhcp_lease_times(cases[k].lease, cases[k].t1, cases[k].t2, t);
		ok(t[0] == cases[k].want[0] && t[1] == cases[k].want[1] && t[2] == cases[k].want[2],
		   "lease %u T1 %u T2 %u -> %u %u %u", cases[k].lease, cases[k].t1, cases[k].t2,
		   t[0], t[1], t[2]);
		ok(t[1] < t[2] && t[2] < t[0], "T1 < T2 < lease");
	}
	/* a server handing out 1-second leases and answering every REQUEST: a renewal every 30 s
	 * (the old client computed T1 = 0 and sent them back to back) */
	start(NULL);
	ok(lease(1), "1 s lease");
	fake_clear(&F);
	for (int ms = 0; ms < 600000; ms += 100) {
		advance(100 * NSEC_PER_MSEC);
		for (int i = 0; i < F.ntx; i++) {
			if (msg_type(i) != 3)
				continue;
			requests++;
			xid = xid_of(i);
			fake_clear(&F);
			fake_inject(&F, fr, mk_dhcp(HOST, xid, GUEST, o,
						    std_opts(o, 5, HOST, 0xffffff00, HOST, 1),
						    NULL, 0, NULL, 0));
			break;
		}
		if (F.ntx && rd16(txf(0) + 12) == 0x0806) { /* the renewal resolves the server */
			fake_clear(&F);
			fake_inject(&F, fr, mk_arp(fr, fake_mac, 2, host_mac, HOST, fake_mac, GUEST));
		}
		fake_clear(&F);
	}
	ok(requests >= 15 && requests <= 25, "%u REQUESTs in 10 minutes of 1 s leases", requests);
	finish("dhcp floors");
}

static void test_dhcp_option_overload_and_lengths(void)
{
	uint8_t o[64], file[128], sname[64];
	uint32_t xid;
	size_t n;
	/* the OFFER's server id and mask in the file field, the router and lease in sname */
	start(NULL);
	xid = xid_of(0);
	fake_clear(&F);
	memset(file, 0, sizeof(file));
	memset(sname, 0, sizeof(sname));
	n = 0;
	o[n++] = 53, o[n++] = 1, o[n++] = 2;
	o[n++] = 52, o[n++] = 1, o[n++] = 3;
	file[0] = 54, file[1] = 4, wr32(file + 2, HOST);
	file[6] = 1, file[7] = 4, wr32(file + 8, 0xffff0000u), file[12] = 255;
	sname[0] = 3, sname[1] = 4, wr32(sname + 2, HOST);
	sname[6] = 51, sname[7] = 4, wr32(sname + 8, 700), sname[12] = 255;
	fake_inject(&F, fr, mk_dhcp(HOST, xid, GUEST, o, n, file, sizeof(file), sname, sizeof(sname)));
	ok(F.ntx == 1 && msg_type(0) == 3, "overloaded OFFER: server id found in the file field");
	fake_clear(&F);
	o[2] = 5;
	fake_inject(&F, fr, mk_dhcp(HOST, xid, GUEST, o, n, file, sizeof(file), sname, sizeof(sname)));
	ok(net_addr()->ip == GUEST && net_addr()->mask == 0xffff0000u && net_addr()->gw == HOST &&
		   strstr(host_console, "700 s"),
	   "overloaded ACK: mask from file, router and lease from sname: %s", host_console);
	finish("dhcp overload");
	/* wrong lengths and repeated options are malformed */
	static const uint8_t bad[][12] = {
		{ 53, 1, 2, 54, 5, 10, 0, 2, 2, 0 },	      /* server id of 5 bytes */
		{ 53, 2, 2, 2, 54, 4, 10, 0, 2, 2 },	      /* message type of 2 bytes */
		{ 53, 1, 2, 54, 4, 10, 0, 2, 2, 53, 1, 2 },   /* message type twice */
		{ 53, 1, 2, 54, 4, 10, 0, 2, 2, 3, 3, 10 },   /* router list of 3 bytes */
		{ 53, 1, 2, 54, 4, 10, 0, 2, 2, 52, 1, 4 },   /* overload 4 */
	};
	static const size_t bad_len[] = { 10, 10, 12, 12, 12 };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		start(NULL);
		xid = xid_of(0);
		fake_clear(&F);
		fake_inject(&F, fr, mk_dhcp(HOST, xid, GUEST, bad[k], bad_len[k], NULL, 0, NULL, 0));
		ok(F.ntx == 0 && net_stats()->dhcp.drop_bad == 1, "malformed options %zu dropped",
		   k);
		finish("dhcp malformed");
	}
	/* overload named inside the file field itself is not honoured: malformed */
	start(NULL);
	xid = xid_of(0);
	fake_clear(&F);
	memset(file, 0, sizeof(file));
	file[0] = 52, file[1] = 1, file[2] = 2, file[3] = 255;
	n = 0;
	o[n++] = 53, o[n++] = 1, o[n++] = 2, o[n++] = 52, o[n++] = 1, o[n++] = 1;
	o[n++] = 54, o[n++] = 4, wr32(o + n, HOST), n += 4;
	fake_inject(&F, fr, mk_dhcp(HOST, xid, GUEST, o, n, file, sizeof(file), NULL, 0));
	ok(F.ntx == 0 && net_stats()->dhcp.drop_bad == 1, "option 52 outside the options field");
	finish("dhcp overload nested");
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
	test_dhcp_selected_server_only();
	test_dhcp_unusable_addresses();
	test_dhcp_lease_floors();
	test_dhcp_option_overload_and_lengths();
	test_bootargs();
	test_arp_queue();
	test_arp_cache_bounded();
	test_second_nic_and_pool();
	TEST_DONE();
}
