/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The counters of every layer, the NIC and the mbuf pool: printed on the console (shell "stats"
 * and "net"), and served as one JSON object on the optional stats.port UDP service.
 */
#include <stddef.h>
#include "net/stack.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"
#include <stdarg.h>

struct field {
	const char *name;
	uint16_t off;
	uint8_t size; /* 8 or 4 bytes */
};
/* clang-format mangles a brace initializer inside a macro */
/* clang-format off */
#define F(type, f) { #f, offsetof(struct type, f), sizeof(((struct type *)0)->f) }
/* clang-format on */

static const struct field netdev_f[] = {
	F(netdev_stats, rx_frames),
	F(netdev_stats, rx_bytes),
	F(netdev_stats, tx_frames),
	F(netdev_stats, tx_bytes),
	F(netdev_stats, rx_drop_nobuf),
	F(netdev_stats, rx_drop_error),
	F(netdev_stats, rx_drop_oversize),
	F(netdev_stats, tx_drop_full),
	F(netdev_stats, tx_drop_oversize),
	F(netdev_stats, tx_drop_error),
	F(netdev_stats, irqs),
	F(netdev_stats, polls),
	F(netdev_stats, rx_doorbells),
	F(netdev_stats, tx_doorbells),
	F(netdev_stats, link_changes),
	F(netdev_stats, rx_csum_hw),
};
static const struct field mbuf_f[] = {
	F(mbuf_pool_stats, total),  F(mbuf_pool_stats, free),  F(mbuf_pool_stats, low_water),
	F(mbuf_pool_stats, allocs), F(mbuf_pool_stats, frees), F(mbuf_pool_stats, alloc_fail),
};
static const struct field eth_f[] = {
	F(eth_stats, rx_frames),  F(eth_stats, tx_frames),     F(eth_stats, tx_fail),
	F(eth_stats, drop_short), F(eth_stats, drop_oversize), F(eth_stats, drop_type),
	F(eth_stats, drop_addr),  F(eth_stats, drop_src),
};
static const struct field arp_f[] = {
	F(arp_stats, rx),
	F(arp_stats, tx_request),
	F(arp_stats, tx_reply),
	F(arp_stats, rx_request),
	F(arp_stats, rx_reply),
	F(arp_stats, drop_short),
	F(arp_stats, drop_format),
	F(arp_stats, drop_other),
	F(arp_stats, evicted),
	F(arp_stats, expired),
	F(arp_stats, queued),
	F(arp_stats, queue_sent),
	F(arp_stats, drop_queue_full),
	F(arp_stats, drop_queue_timeout),
	F(arp_stats, rate_limited),
	F(arp_stats, rate_capped),
	F(arp_stats, drop_nocache),
	F(arp_stats, drop_sha),
	F(arp_stats, drop_spa),
	F(arp_stats, conflict),
};
static const struct field ipv4_f[] = {
	F(ipv4_stats, rx),
	F(ipv4_stats, tx),
	F(ipv4_stats, delivered),
	F(ipv4_stats, drop_short),
	F(ipv4_stats, drop_version),
	F(ipv4_stats, drop_hdr),
	F(ipv4_stats, drop_len),
	F(ipv4_stats, drop_cksum),
	F(ipv4_stats, drop_ttl),
	F(ipv4_stats, drop_proto),
	F(ipv4_stats, drop_addr),
	F(ipv4_stats, drop_noroute),
	F(ipv4_stats, drop_nobuf),
	F(ipv4_stats, drop_src_zero),
	F(ipv4_stats, drop_src_bcast),
	F(ipv4_stats, drop_src_mcast),
	F(ipv4_stats, drop_src_loopback),
	F(ipv4_stats, drop_src_reserved),
	F(ipv4_stats, drop_src_self),
	F(ipv4_stats, drop_link_bcast),
	F(ipv4_stats, drop_noaddr),
	F(ipv4_stats, drop_dst_bad),
	F(ipv4_stats, frag_rx),
	F(ipv4_stats, frag_tx),
	F(ipv4_stats, reasm_ok),
	F(ipv4_stats, drop_frag_overlap),
	F(ipv4_stats, drop_frag_big),
	F(ipv4_stats, drop_frag_timeout),
	F(ipv4_stats, drop_frag_noslot),
	F(ipv4_stats, drop_frag_bad),
	F(ipv4_stats, frag_dup),
	F(ipv4_stats, drop_frag_dead),
};
static const struct field icmp_f[] = {
	F(icmp_stats, rx),
	F(icmp_stats, tx),
	F(icmp_stats, echo_rx),
	F(icmp_stats, unreach_tx),
	F(icmp_stats, unreach_limited),
	F(icmp_stats, drop_short),
	F(icmp_stats, drop_cksum),
	F(icmp_stats, drop_type),
	F(icmp_stats, drop_nobuf),
};
static const struct field udp_f[] = {
	F(udp_stats, rx),	   F(udp_stats, tx),	     F(udp_stats, delivered),
	F(udp_stats, drop_short),  F(udp_stats, drop_len),   F(udp_stats, drop_cksum),
	F(udp_stats, drop_noport), F(udp_stats, drop_nobuf), F(udp_stats, drop_bcast),
	F(udp_stats, drop_noaddr), F(udp_stats, drop_loop),
};
static const struct field dhcp_f[] = {
	F(dhcp_stats, discover_tx), F(dhcp_stats, request_tx), F(dhcp_stats, offer_rx),
	F(dhcp_stats, ack_rx),	    F(dhcp_stats, nak_rx),     F(dhcp_stats, renew),
	F(dhcp_stats, rebind),	    F(dhcp_stats, expired),    F(dhcp_stats, retries),
	F(dhcp_stats, fallback),    F(dhcp_stats, drop_bad),   F(dhcp_stats, drop_server),
	F(dhcp_stats, drop_addr),
};

/* TCP in two layers, events and drops, so that each fits one datagram at full width. */
static const struct field tcp_f[] = {
	F(tcp_stats, rx),
	F(tcp_stats, tx),
	F(tcp_stats, rx_bytes),
	F(tcp_stats, tx_bytes),
	F(tcp_stats, accepted),
	F(tcp_stats, connected),
	F(tcp_stats, closed),
	F(tcp_stats, reset_rx),
	F(tcp_stats, timedout),
	F(tcp_stats, refused),
	F(tcp_stats, rexmt),
	F(tcp_stats, rexmt_timeout),
	F(tcp_stats, fast_rexmt),
	F(tcp_stats, persist_probe),
	F(tcp_stats, delack),
	F(tcp_stats, ack_tx),
	F(tcp_stats, window_update),
	F(tcp_stats, dupack_rx),
	F(tcp_stats, ooo_rx),
	F(tcp_stats, ooo_merged),
	F(tcp_stats, partial_ack),
	F(tcp_stats, rexmt_lost),
	F(tcp_stats, rst_tx),
	F(tcp_stats, rst_limited),
	F(tcp_stats, challenge_ack),
	F(tcp_stats, challenge_limited),
	F(tcp_stats, cookie_tx),
	F(tcp_stats, cookie_ok),
	F(tcp_stats, tw_reuse),
	F(tcp_stats, tw_recycled),
	F(tcp_stats, synack_rexmt),
};
static const struct field tcp_drop_f[] = {
	F(tcp_stats, drop_short),  F(tcp_stats, drop_hdr),	F(tcp_stats, drop_cksum),
	F(tcp_stats, drop_addr),   F(tcp_stats, drop_flags),	F(tcp_stats, drop_noport),
	F(tcp_stats, drop_seq),	   F(tcp_stats, drop_ack),	F(tcp_stats, drop_rst),
	F(tcp_stats, drop_syn),	   F(tcp_stats, drop_noack),	F(tcp_stats, drop_state),
	F(tcp_stats, drop_cookie), F(tcp_stats, drop_ooo_full), F(tcp_stats, drop_table_full),
	F(tcp_stats, drop_nomem),  F(tcp_stats, drop_refused),	F(tcp_stats, drop_after_close),
	F(tcp_stats, tx_nobuf),
};

static const struct field sys_f[] = {
	F(net_sys_stats, instret),	     F(net_sys_stats, busy_instret),
	F(net_sys_stats, main_loop_us),	     F(net_sys_stats, nic_rx_on_us),
	F(net_sys_stats, ram_bytes),	     F(net_sys_stats, ram_used_bytes),
	F(net_sys_stats, instret_exact),     F(net_sys_stats, poll_window_ns),
	F(net_sys_stats, poll_hits),	     F(net_sys_stats, poll_misses),
	F(net_sys_stats, poll_short_sleeps), F(net_sys_stats, poll_spinning),
};

void (*net_sys_sample)(struct net_sys_stats *out);

static const struct field svc_f[] = {
	F(netstat_stats, requests),
	F(netstat_stats, replies),
	F(netstat_stats, drop_short),
	F(netstat_stats, drop_bad),
};

/* Every counter listed once: a new field without a line here fails the build. */
_Static_assert(ARRAY_SIZE(netdev_f) * 8 == sizeof(struct netdev_stats), "netdev_f");
_Static_assert(ARRAY_SIZE(eth_f) * 8 == sizeof(struct eth_stats), "eth_f");
_Static_assert(ARRAY_SIZE(arp_f) * 8 == sizeof(struct arp_stats), "arp_f");
_Static_assert(ARRAY_SIZE(ipv4_f) * 8 == sizeof(struct ipv4_stats), "ipv4_f");
_Static_assert(ARRAY_SIZE(icmp_f) * 8 == sizeof(struct icmp_stats), "icmp_f");
_Static_assert(ARRAY_SIZE(udp_f) * 8 == sizeof(struct udp_stats), "udp_f");
_Static_assert(ARRAY_SIZE(dhcp_f) * 8 == sizeof(struct dhcp_stats), "dhcp_f");
_Static_assert((ARRAY_SIZE(tcp_f) + ARRAY_SIZE(tcp_drop_f)) * 8 == sizeof(struct tcp_stats),
	       "tcp_f, tcp_drop_f");
_Static_assert(ARRAY_SIZE(sys_f) * 8 == sizeof(struct net_sys_stats), "sys_f");
_Static_assert(ARRAY_SIZE(svc_f) * 8 == sizeof(struct netstat_stats), "svc_f");

struct layer {
	const char *name;
	const struct field *f;
	size_t n;
	const void *base;
};

static size_t layers(struct layer *l)
{
	static const struct netdev_stats none;
	static struct net_sys_stats sys;
	const struct netdev *nd = net_dev();
	size_t i = 0;
	udp_fast_sync();
	l[i++] =
		(struct layer){ "netdev", netdev_f, ARRAY_SIZE(netdev_f), nd ? &nd->stats : &none };
	l[i++] = (struct layer){ "mbuf", mbuf_f, ARRAY_SIZE(mbuf_f), net_mbuf_stats() };
	l[i++] = (struct layer){ "eth", eth_f, ARRAY_SIZE(eth_f), &net_st.eth };
	l[i++] = (struct layer){ "arp", arp_f, ARRAY_SIZE(arp_f), &net_st.arp };
	l[i++] = (struct layer){ "ipv4", ipv4_f, ARRAY_SIZE(ipv4_f), &net_st.ipv4 };
	l[i++] = (struct layer){ "icmp", icmp_f, ARRAY_SIZE(icmp_f), &net_st.icmp };
	l[i++] = (struct layer){ "udp", udp_f, ARRAY_SIZE(udp_f), &net_st.udp };
	l[i++] = (struct layer){ "dhcp", dhcp_f, ARRAY_SIZE(dhcp_f), &net_st.dhcp };
	l[i++] = (struct layer){ "tcp", tcp_f, ARRAY_SIZE(tcp_f), &net_st.tcp };
	l[i++] = (struct layer){ "tcp_drop", tcp_drop_f, ARRAY_SIZE(tcp_drop_f), &net_st.tcp };
	if (net_sys_sample)
		net_sys_sample(&sys);
	l[i++] = (struct layer){ "sys", sys_f, ARRAY_SIZE(sys_f), &sys };
	l[i++] = (struct layer){ "service", svc_f, ARRAY_SIZE(svc_f), &net_st.stats };
	return i;
}
#define LAYERS 12

static unsigned long long value(const struct layer *l, size_t i)
{
	const uint8_t *p = (const uint8_t *)l->base + l->f[i].off;
	if (l->f[i].size == 8)
		return *(const uint64_t *)(const void *)p;
	return *(const uint32_t *)(const void *)p;
}

/* As ksnprintf, appending at *pos; *pos counts what the whole text needs, even past size. */
static void out(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void out(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = kvsnprintf(buf + (*pos < size ? *pos : size), *pos < size ? size - *pos : 0, fmt, ap);
	va_end(ap);
	*pos += r > 0 ? (size_t)r : 0;
}

/* "name":{"field":value,...} of one layer at *pos. */
static void layer_json(const struct layer *l, char *buf, size_t size, size_t *pos)
{
	out(buf, size, pos, "\"%s\":{", l->name);
	for (size_t i = 0; i < l->n; i++)
		out(buf, size, pos, "%s\"%s\":%llu", i ? "," : "", l->f[i].name, value(l, i));
	out(buf, size, pos, "}");
}

int net_stats_json(char *buf, size_t size)
{
	struct layer l[LAYERS];
	size_t nl = layers(l), pos = 0;
	out(buf, size, &pos, "{");
	for (size_t k = 0; k < nl; k++) {
		if (k)
			out(buf, size, &pos, ",");
		layer_json(&l[k], buf, size, &pos);
	}
	out(buf, size, &pos, "}");
	return (int)pos;
}

void net_stats_print(void)
{
	struct layer l[LAYERS];
	size_t nl = layers(l);
	for (size_t k = 0; k < nl; k++) {
		int col = kprintf("%-7s", l[k].name);
		for (size_t i = 0; i < l[k].n; i++) {
			if (col > 80)
				col = kprintf("\n%-7s", "");
			col += kprintf(" %s=%llu", l[k].f[i].name, value(&l[k], i));
		}
		kprintf("\n");
	}
}

void net_info_print(void)
{
	const struct net_addr *a = net_addr();
	const struct netdev *nd = net_dev();
	char ip[16], gw[16];
	if (!nd) {
		kprintf("net: no network device\n");
		return;
	}
	kprintf("net: %s %02x:%02x:%02x:%02x:%02x:%02x link %s, address %s/%d gw %s\n", nd->name,
		nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5],
		nd->link_up ? "up" : "down", net_ntoa(a->ip, ip),
		a->mask ? 32 - __builtin_ctz(a->mask) : 0, net_ntoa(a->gw, gw));
	dhcp_info_print();
	arp_cache_print();
}

/* ---- the stats.port service ---- */

static uint16_t stats_port;

int net_bootarg_stats_port(const char *v)
{
	return parse_port(v, true, &stats_port);
}

/*
 * The request names the layers it wants, separated by white space ("ipv4 udp"; "all", "stats"
 * or nothing: every layer), and may be padded with white space. The reply is one JSON object
 * holding as many of them as fit in the request's own length (at most one datagram): a reply
 * is never larger than its request, so the service cannot be used to amplify a flood towards
 * a spoofed source. Layers that did not fit are listed in "more":[...], for the client to ask
 * again; at full counter width every layer alone fits in a full-size datagram
 * (tests/host/test_net_ip.c), so asking with a 1472-byte request always gets everything.
 */
#define STATS_REPLY_MAX UDP_PAYLOAD_MAX

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The layers named in [p, end) as a bit mask (bit k = layer k), or 0 if a name is unknown. */
static unsigned parse_request(const uint8_t *p, const uint8_t *end, const struct layer *l,
			      size_t nl)
{
	unsigned want = 0;
	while (p < end) {
		const uint8_t *t;
		size_t n, k;
		if (is_ws(*p)) {
			p++;
			continue;
		}
		for (t = p; t < end && !is_ws(*t); t++)
			;
		n = (size_t)(t - p);
		if ((n == 3 && memcmp(p, "all", 3) == 0) || (n == 5 && memcmp(p, "stats", 5) == 0))
			want |= (1u << nl) - 1;
		else {
			for (k = 0; k < nl && !(strlen(l[k].name) == n && !memcmp(l[k].name, p, n));
			     k++)
				;
			if (k == nl)
				return 0;
			want |= 1u << k;
		}
		p = t;
	}
	return want ? want : (1u << nl) - 1;
}

/* Write the reply for the layers in want into buf (room bytes); returns its length or 0. */
static size_t build_reply(char *buf, size_t room, const struct layer *l, size_t nl, unsigned want)
{
	static char one[STATS_REPLY_MAX + 1];
	size_t pos = 1, more_len = 0, n;
	unsigned more = 0;
	for (size_t k = 0; k < nl; k++) /* room kept for ,"more":["a","b"] in the worst case */
		if (want & (1u << k))
			more_len += strlen(l[k].name) + 3;
	more_len += sizeof(",\"more\":[]") - 1;
	buf[0] = '{';
	for (size_t k = 0; k < nl; k++) {
		if (!(want & (1u << k)))
			continue;
		n = 0;
		if (pos > 1)
			one[n++] = ',';
		layer_json(&l[k], one, sizeof(one), &n);
		if (pos + n + more_len + 1 <= room && n < sizeof(one)) {
			memcpy(buf + pos, one, n);
			pos += n;
		} else {
			more |= 1u << k;
		}
	}
	if (more) {
		n = 0;
		out(one, sizeof(one), &n, "%s\"more\":[", pos > 1 ? "," : "");
		for (size_t k = 0, first = 1; k < nl; k++)
			if (more & (1u << k)) {
				out(one, sizeof(one), &n, "%s\"%s\"", first ? "" : ",", l[k].name);
				first = 0;
			}
		out(one, sizeof(one), &n, "]");
		if (pos + n + 1 > room)
			return 0;
		memcpy(buf + pos, one, n);
		pos += n;
	}
	buf[pos++] = '}';
	return pos;
}

static void stats_input(struct mbuf *m, const struct udp_peer *peer, void *arg)
{
	static const char bad[] = "{\"error\":\"unknown layer\"}";
	struct layer l[LAYERS];
	size_t nl, room = mbuf_len(m), n;
	unsigned want;
	char *reply = (char *)m->data;
	(void)arg;
	net_st.stats.requests++;
	nl = layers(l);
	want = parse_request(m->data, m->tail, l, nl);
	if (room > STATS_REPLY_MAX)
		room = STATS_REPLY_MAX;
	if (!want) {
		net_st.stats.drop_bad++;
		n = sizeof(bad) - 1 <= room ? sizeof(bad) - 1 : 0;
		memcpy(reply, bad, n);
	} else {
		n = build_reply(reply, room, l, nl, want); /* over the request: it is parsed */
	}
	if (!n) {
		net_st.stats.drop_short++;
		mbuf_free(m);
		return;
	}
	mbuf_trim(m, n);
	net_st.stats.replies++;
	udp_reply(m, peer);
}

void netstat_init(void)
{
	int err;
	if (!stats_port)
		return;
	err = udp_bind(stats_port, UDP_BIND_SERVICE, stats_input, NULL);
	if (err)
		pr_err("net: cannot serve stats on UDP port %u (%s)\n", stats_port, errname(err));
	else
		pr_info("net: stats on UDP port %u\n", stats_port);
}

void netstat_reset(void)
{
	stats_port = 0;
}
