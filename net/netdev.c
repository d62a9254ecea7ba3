/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device registry, the stack's start-up from the bootargs, and the main-loop entry points
 * (net_poll, net_flush). The stack attaches to the first registered NIC only.
 */
#include "net/stack.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"

struct net_stats net_st;

static struct netdev *registry; /* registration order */
struct netdev *net_device;	/* the one the stack uses (net_dev() in net/stack.h) */

/* ip= bootarg: DHCP unless a static address is given; the static one is also DHCP's fallback. */
static struct {
	bool dhcp;
	bool have_static;
	struct net_addr addr;
	bool turnaround;  /* net.turnaround=1: the benchmarks' ceiling (eth_input_turnaround) */
	bool rx_csum_off; /* net.rxcsum=0: NICs leave received checksums to the stack */
} cfg = { .dhcp = true };

int netdev_register(struct netdev *nd)
{
	struct netdev **pp = &registry;
	while (*pp)
		pp = &(*pp)->next;
	nd->next = NULL;
	*pp = nd;
	return 0;
}

struct netdev *netdev_first(void)
{
	return registry;
}

void net_drop(struct mbuf *m, uint64_t *counter)
{
	(*counter)++;
	mbuf_free(m);
}

const struct mbuf_pool_stats *net_mbuf_stats(void)
{
	if (net_device && net_device->ops->quiet)
		net_device->ops->quiet(net_device);
	return mbuf_pool_stats();
}

const struct net_stats *net_stats(void)
{
	udp_fast_sync();
	return &net_st;
}

/* Split "a.b.c.d/prefix[,gateway]" and check each part. */
static int parse_static(const char *v, struct net_addr *out)
{
	char ip[16], gw[16] = "";
	const char *slash = strchr(v, '/');
	const char *comma = strchr(v, ',');
	size_t n = slash ? (size_t)(slash - v) : 0;
	unsigned long long prefix;
	char pfx[4];
	size_t pn;
	if (!slash || n == 0 || n >= sizeof(ip) || (comma && comma < slash))
		return -EINVAL;
	memcpy(ip, v, n);
	ip[n] = 0;
	pn = comma ? (size_t)(comma - slash - 1) : strlen(slash + 1);
	if (pn == 0 || pn >= sizeof(pfx))
		return -EINVAL;
	memcpy(pfx, slash + 1, pn);
	pfx[pn] = 0;
	if (comma) {
		if (strlen(comma + 1) == 0 || strlen(comma + 1) >= sizeof(gw))
			return -EINVAL;
		memcpy(gw, comma + 1, strlen(comma + 1) + 1);
	}
	if (parse_ipv4(ip, &out->ip) || parse_u64(pfx, &prefix) || prefix < 1 || prefix > 32)
		return -EINVAL;
	out->mask = (uint32_t)(0xffffffffull << (32 - prefix));
	out->gw = 0;
	if (gw[0] && parse_ipv4(gw, &out->gw))
		return -EINVAL;
	/* a /32 has no subnet: its gateway is on the link by definition (as Linux's onlink) */
	if (out->ip == 0 ||
	    (out->gw && prefix < 32 && (out->gw & out->mask) != (out->ip & out->mask)))
		return -EINVAL;
	return 0;
}

int net_bootarg_ip(const char *v)
{
	struct net_addr a;
	if (strcmp(v, "dhcp") == 0) {
		cfg.dhcp = true;
		return 0;
	}
	if (parse_static(v, &a))
		return -EINVAL;
	cfg.addr = a;
	cfg.have_static = true;
	cfg.dhcp = false;
	return 0;
}

/* The address DHCP falls back to when no server answers. */
const struct net_addr *net_fallback_addr(void)
{
	static const struct net_addr slirp = { 0x0a00020f, 0xffffff00, 0x0a000202 };
	return cfg.have_static ? &cfg.addr : &slirp;
}

static int net_bootarg_turnaround(const char *v)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return -EINVAL;
	cfg.turnaround = v[0] == '1';
	return 0;
}

static int net_bootarg_rxcsum(const char *v)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return -EINVAL;
	cfg.rx_csum_off = v[0] == '0';
	return 0;
}

bool netdev_rx_csum_offload(void)
{
	return !cfg.rx_csum_off;
}

static const struct bootarg net_args[] = {
	{ "ip", net_bootarg_ip, "dhcp (default) or a.b.c.d/prefix[,gateway]" },
	{ "stats.port", net_bootarg_stats_port, "UDP port answering counters as JSON (off)" },
	{ "net.turnaround", net_bootarg_turnaround,
	  "1: benchmark ceiling, every UDP frame sent back unchecked (default 0; never in use)" },
	{ "net.rxcsum", net_bootarg_rxcsum,
	  "1: NICs that can verify received TCP/UDP checksums do (default); 0: the stack sums "
	  "every segment itself" },
};
const struct bootarg_table net_bootargs = { net_args, ARRAY_SIZE(net_args) };

void net_init(struct netdev *nd)
{
	if (!nd) {
		pr_warn("net: no network device: the stack stays idle\n");
		return;
	}
	if (net_device) {
		pr_warn("net: %s ignored: the stack already runs on %s\n", nd->name,
			net_device->name);
		return;
	}
	net_device = nd;
	memcpy(&nd->mac_w1, nd->mac + 2, 4);
	nd->rx = cfg.turnaround ? eth_input_turnaround : udp_fast_input;
	if (cfg.turnaround)
		pr_warn("net: net.turnaround=1: every UDP datagram goes back unchecked (the "
			"benchmarks' ceiling; no trust rule holds)\n");
	for (struct netdev *o = nd->next; o; o = o->next)
		pr_info("net: %s ignored: the stack uses one NIC (%s)\n", o->name, nd->name);
	pr_info("net: %s mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", nd->name, nd->mac[0],
		nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5], nd->mtu);
	arp_init();
	netstat_init();
	if (cfg.dhcp)
		dhcp_start();
	else
		ipv4_set_addr(cfg.addr.ip, cfg.addr.mask, cfg.addr.gw);
}

int net_poll(int budget)
{
	return net_device ? netdev_pass(net_device, budget) : 0;
}

void net_flush(void)
{
	if (net_device)
		netdev_flush(net_device);
}

void net_reset(void)
{
	dhcp_reset();
	tcp_reset();
	udp_reset();
	icmp_reset();
	ipv4_reset();
	arp_reset();
	netstat_reset();
	if (net_device)
		net_device->rx = NULL;
	net_device = NULL;
	registry = NULL;
	cfg.dhcp = true;
	cfg.have_static = false;
	cfg.turnaround = false;
	memset(&net_st, 0, sizeof(net_st));
}
