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
	F(netdev_stats, irqs),
	F(netdev_stats, polls),
	F(netdev_stats, rx_doorbells),
	F(netdev_stats, tx_doorbells),
	F(netdev_stats, link_changes),
};
static const struct field mbuf_f[] = {
	F(mbuf_pool_stats, total),  F(mbuf_pool_stats, free),  F(mbuf_pool_stats, low_water),
	F(mbuf_pool_stats, allocs), F(mbuf_pool_stats, frees), F(mbuf_pool_stats, alloc_fail),
};
static const struct field eth_f[] = {
	F(eth_stats, rx_frames),  F(eth_stats, tx_frames),     F(eth_stats, tx_fail),
	F(eth_stats, drop_short), F(eth_stats, drop_oversize), F(eth_stats, drop_type),
	F(eth_stats, drop_addr),
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
	F(ipv4_stats, frag_rx),
	F(ipv4_stats, frag_tx),
	F(ipv4_stats, reasm_ok),
	F(ipv4_stats, drop_frag_overlap),
	F(ipv4_stats, drop_frag_big),
	F(ipv4_stats, drop_frag_timeout),
	F(ipv4_stats, drop_frag_noslot),
	F(ipv4_stats, drop_frag_bad),
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
	F(udp_stats, drop_noport), F(udp_stats, drop_nobuf),
};
static const struct field dhcp_f[] = {
	F(dhcp_stats, discover_tx), F(dhcp_stats, request_tx), F(dhcp_stats, offer_rx),
	F(dhcp_stats, ack_rx),	    F(dhcp_stats, nak_rx),     F(dhcp_stats, renew),
	F(dhcp_stats, rebind),	    F(dhcp_stats, expired),    F(dhcp_stats, retries),
	F(dhcp_stats, fallback),    F(dhcp_stats, drop_bad),
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
	F(tcp_stats, drop_short),   F(tcp_stats, drop_hdr),	    F(tcp_stats, drop_cksum),
	F(tcp_stats, drop_addr),    F(tcp_stats, drop_flags),	    F(tcp_stats, drop_noport),
	F(tcp_stats, drop_seq),	    F(tcp_stats, drop_ack),	    F(tcp_stats, drop_rst),
	F(tcp_stats, drop_syn),	    F(tcp_stats, drop_noack),	    F(tcp_stats, drop_state),
	F(tcp_stats, drop_cookie),  F(tcp_stats, drop_ooo_full),    F(tcp_stats, drop_table_full),
	F(tcp_stats, drop_refused), F(tcp_stats, drop_after_close), F(tcp_stats, tx_nobuf),
};

static const struct field sys_f[] = {
	F(net_sys_stats, instret),	 F(net_sys_stats, busy_instret),
	F(net_sys_stats, main_loop_us),	 F(net_sys_stats, nic_rx_on_us),
	F(net_sys_stats, ram_bytes),	 F(net_sys_stats, ram_used_bytes),
	F(net_sys_stats, instret_exact),
};

void (*net_sys_sample)(struct net_sys_stats *out);

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
	l[i++] =
		(struct layer){ "netdev", netdev_f, ARRAY_SIZE(netdev_f), nd ? &nd->stats : &none };
	l[i++] = (struct layer){ "mbuf", mbuf_f, ARRAY_SIZE(mbuf_f), mbuf_pool_stats() };
	l[i++] = (struct layer){ "eth", eth_f, ARRAY_SIZE(eth_f), &net_st.eth };
	l[i++] = (struct layer){ "arp", arp_f, ARRAY_SIZE(arp_f), &net_st.arp };
	l[i++] = (struct layer){ "ipv4", ipv4_f, ARRAY_SIZE(ipv4_f), &net_st.ipv4 };
	l[i++] = (struct layer){ "icmp", icmp_f, ARRAY_SIZE(icmp_f), &net_st.icmp };
	l[i++] = (struct layer){ "udp", udp_f, ARRAY_SIZE(udp_f), &net_st.udp };
	l[i++] = (struct layer){ "dhcp", dhcp_f, ARRAY_SIZE(dhcp_f), &net_st.dhcp };
	if (net_sys_sample)
		net_sys_sample(&sys);
	l[i++] = (struct layer){ "sys", sys_f, ARRAY_SIZE(sys_f), &sys };
	l[i++] = (struct layer){ "tcp", tcp_f, ARRAY_SIZE(tcp_f), &net_st.tcp };
	l[i++] = (struct layer){ "tcp_drop", tcp_drop_f, ARRAY_SIZE(tcp_drop_f), &net_st.tcp };
	return i;
}
#define LAYERS 11
_Static_assert(LAYERS <= 32, "layer masks are 32 bits");

static unsigned long long value(const struct layer *l, size_t i)
{
	const uint8_t *p = (const uint8_t *)l->base + l->f[i].off;
	if (l->f[i].size == 8)
		return *(const uint64_t *)(const void *)p;
	return *(const uint32_t *)(const void *)p;
}

/* The layers whose bit is set in mask, as one JSON object. */
static int stats_json(char *buf, size_t size, unsigned mask)
{
	struct layer l[LAYERS];
	size_t nl = layers(l), pos = 0;
	bool first = true;
#define OUT(...)                                                                                   \
	do {                                                                                       \
		int r_ = ksnprintf(buf + (pos < size ? pos : size), pos < size ? size - pos : 0,   \
				   __VA_ARGS__);                                                   \
		pos += r_ > 0 ? (size_t)r_ : 0;                                                    \
	} while (0)
	OUT("{");
	for (size_t k = 0; k < nl; k++) {
		if (!(mask & (1u << k)))
			continue;
		OUT("%s\"%s\":{", first ? "" : ",", l[k].name);
		first = false;
		for (size_t i = 0; i < l[k].n; i++)
			OUT("%s\"%s\":%llu", i ? "," : "", l[k].f[i].name, value(&l[k], i));
		OUT("}");
	}
	OUT("}");
#undef OUT
	return (int)pos;
}

int net_stats_json(char *buf, size_t size)
{
	return stats_json(buf, size, ~0u);
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
	unsigned long long n;
	if (parse_u64(v, &n) || n > 65535)
		return -EINVAL;
	stats_port = (uint16_t)n;
	return 0;
}

static bool is_blank(uint8_t c)
{
	return c <= ' ';
}

/*
 * The layers a request names ("tcp tcp_drop"), or with no known name every layer but TCP's
 * (all of them no longer fit one buffer), as a mask.
 */
static unsigned request_mask(const uint8_t *p, const uint8_t *end)
{
	struct layer l[LAYERS];
	size_t nl = layers(l);
	unsigned mask = 0;
	while (p < end) {
		const uint8_t *w = p;
		while (p < end && !is_blank(*p))
			p++;
		for (size_t k = 0; k < nl && p > w; k++)
			if (strlen(l[k].name) == (size_t)(p - w) &&
			    !memcmp(l[k].name, w, (size_t)(p - w)))
				mask |= 1u << k;
		while (p < end && is_blank(*p))
			p++;
	}
	if (!mask)
		for (size_t k = 0; k < nl; k++)
			if (memcmp(l[k].name, "tcp", 3) != 0)
				mask |= 1u << k;
	return mask;
}

/* Any datagram gets the counters back, written over its own payload. */
static void stats_input(struct mbuf *m, const struct udp_peer *peer, void *arg)
{
	size_t room;
	int n;
	unsigned mask = request_mask(m->data, m->tail);
	(void)arg;
	m->tail = m->data;
	room = mbuf_tailroom(m);
	n = stats_json((char *)m->data, room, mask);
	if (n < 0 || (size_t)n >= room) {
		pr_warn("net: stats JSON needs %d bytes, have %zu\n", n, room);
		mbuf_free(m);
		return;
	}
	mbuf_put(m, (size_t)n);
	udp_reply(m, peer);
}

void netstat_init(void)
{
	int err;
	if (!stats_port)
		return;
	err = udp_bind(stats_port, stats_input, NULL);
	if (err)
		pr_err("net: cannot serve stats on UDP port %u (%s)\n", stats_port, errname(err));
	else
		pr_info("net: stats on UDP port %u\n", stats_port);
}

void netstat_reset(void)
{
	stats_port = 0;
}
