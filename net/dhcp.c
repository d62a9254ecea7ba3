/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DHCP client (RFC 2131, options RFC 2132): DISCOVER, OFFER, REQUEST, ACK; retransmissions
 * with exponential backoff, then the static fallback address; renewal at T1 (unicast to the
 * server), rebinding at T2 (broadcast), and a fresh start when the lease runs out.
 *
 * On a hostile LAN: an ACK or NAK counts only from the server we selected (its server
 * identifier), except while rebinding, when any server may answer (RFC 2131 4.4.5; there is
 * no INIT-REBOOT here: nothing remembers a lease across boots). The offered address must be a
 * usable host address for its mask (RFC 1122 3.2.1.3; /31 and /32 have no network or
 * broadcast address), a router that is not a neighbour is ignored, option lengths are exact,
 * option overload (option 52: the file and sname fields carry options) is read, and lease, T1
 * and T2 have floors with T1 < T2 < lease, so no server can make us send in a loop.
 */
#include "net/stack.h"
#include "net/wire.h"
#include "lib/byteorder.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"

#define DHCP_TRIES     4		  /* unanswered transmissions before the fallback address */
#define DHCP_FIRST_RTO (1 * NSEC_PER_SEC) /* QEMU's server answers at once: retry soon */
#define DHCP_MAX_RTO   (8 * NSEC_PER_SEC)
#define DHCP_MIN_RENEW (60 * NSEC_PER_SEC) /* RFC 2131 4.4.5: retransmit no faster */
#define DHCP_DEF_LEASE 3600u
/* On the fallback address, look for a server again this often (it may come back). */
#define DHCP_STATIC_RETRY (30 * NSEC_PER_SEC)
#define DHCP_MSG_LEN	  300 /* BOOTP minimum; some servers insist */
#define DHCP_MIN_LEASE	  60u /* seconds: a shorter lease is taken as this long */
#define DHCP_MIN_T1	  30u /* seconds: renewal no sooner after binding */

enum dhcp_state { D_OFF, D_SELECTING, D_REQUESTING, D_BOUND, D_RENEWING, D_REBINDING, D_STATIC };
static const char *const state_name[] = { "off",      "selecting", "requesting", "bound",
					  "renewing", "rebinding", "static" };

static struct {
	enum dhcp_state state;
	uint32_t xid;
	int tries;
	uint32_t offered, server; /* from the OFFER */
	uint32_t lease, t1, t2;	  /* seconds, from the ACK */
	uint64_t bound_at;	  /* clock_ns() of the last ACK */
	struct timer timer;	  /* retransmission, T1, T2 or expiry, by state */
	bool bound_once;
	bool fell_back; /* the fallback was announced: later rounds stay quiet */
} d;

/* Every state change goes through here, for the debug log (loglevel=3). */
static void set_state(enum dhcp_state to)
{
	if (to != d.state)
		pr_debug("dhcp: %s -> %s\n", state_name[d.state], state_name[to]);
	d.state = to;
}

struct dhcp_opts {
	uint8_t type, overload;
	uint32_t server, mask, router, lease, t1, t2;
	uint32_t seen; /* options met, one bit each (a fixed-size option twice is malformed) */
};

static void send_msg(uint8_t type, uint32_t ciaddr, uint32_t dst)
{
	uint8_t buf[DHCP_MSG_LEN];
	struct bootp_hdr *b = (struct bootp_hdr *)buf;
	uint8_t *o = buf + sizeof(*b);
	static const uint8_t params[] = { DHCP_OPT_MASK,      DHCP_OPT_ROUTER, DHCP_OPT_LEASE,
					  DHCP_OPT_SERVER_ID, DHCP_OPT_T1,     DHCP_OPT_T2 };
	memset(buf, 0, sizeof(buf));
	b->op = BOOTP_REQUEST;
	b->htype = ARP_HTYPE_ETH;
	b->hlen = ETH_ALEN;
	b->xid = htonl(d.xid);
	b->flags = htons(ciaddr ? 0 : BOOTP_FLAG_BROADCAST); /* no address: answer by broadcast */
	b->ciaddr = htonl(ciaddr);
	memcpy(b->chaddr, net_dev()->mac, ETH_ALEN);
	b->magic = htonl(DHCP_MAGIC);
	*o++ = DHCP_OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = type;
	if (d.state == D_REQUESTING) { /* selecting this server's offer (RFC 2131 4.3.2) */
		*o++ = DHCP_OPT_REQ_IP;
		*o++ = 4;
		put_be32(o, d.offered);
		o += 4;
		*o++ = DHCP_OPT_SERVER_ID;
		*o++ = 4;
		put_be32(o, d.server);
		o += 4;
	}
	*o++ = DHCP_OPT_PARAMS;
	*o++ = sizeof(params);
	memcpy(o, params, sizeof(params));
	o += sizeof(params);
	*o = DHCP_OPT_END;
	if (type == DHCP_DISCOVER)
		net_st.dhcp.discover_tx++;
	else
		net_st.dhcp.request_tx++;
	pr_debug("dhcp: %s xid %08x%s\n", type == DHCP_DISCOVER ? "DISCOVER" : "REQUEST", d.xid,
		 dst == IP_BROADCAST ? " (broadcast)" : " (to the server)");
	udp_sendto(DHCP_CLIENT_PORT, dst, DHCP_SERVER_PORT, buf, sizeof(buf));
}

static uint64_t backoff(int tries)
{
	uint64_t rto = DHCP_FIRST_RTO << (tries > 3 ? 3 : tries);
	return rto > DHCP_MAX_RTO ? DHCP_MAX_RTO : rto;
}

/* (Re)transmit the message of the current exchange and arm the retransmission. */
static void transmit(void)
{
	send_msg(d.state == D_SELECTING ? DHCP_DISCOVER : DHCP_REQUEST, 0, IP_BROADCAST);
	timer_arm(&d.timer, backoff(d.tries));
	d.tries++;
}

static void discover(void)
{
	uint64_t now = clock_ns();
	const uint8_t *mac = net_dev()->mac;
	set_state(D_SELECTING);
	d.tries = 0;
	d.xid = get_be32(mac + 2) ^ (uint32_t)now ^ (uint32_t)(now >> 32) ^ (d.xid * 2654435761u);
	transmit();
}

/* No server: serve on the fallback address, and keep looking for a server in the background
 * (DISCOVERs every DHCP_STATIC_RETRY); the address stays up meanwhile. */
static void fallback(void)
{
	const struct net_addr *a = net_fallback_addr(), *now = net_addr();
	char ip[16], gw[16];
	set_state(D_STATIC);
	net_st.dhcp.fallback++;
	if (!d.fell_back)
		pr_warn("dhcp: no answer after %d tries: using %s/%d gw %s, still looking\n",
			d.tries, net_ntoa(a->ip, ip), 32 - __builtin_ctz(a->mask),
			net_ntoa(a->gw, gw));
	d.fell_back = true;
	if (now->ip != a->ip || now->mask != a->mask || now->gw != a->gw)
		ipv4_set_addr(a->ip, a->mask, a->gw);
	timer_arm(&d.timer, DHCP_STATIC_RETRY);
}

static uint64_t lease_deadline(uint32_t secs)
{
	return d.bound_at + (uint64_t)secs * NSEC_PER_SEC;
}

/* While renewing or rebinding: retransmit after half the time left before deadline
 * (RFC 2131 4.4.5), at least a minute apart, and never past the deadline. */
static void arm_until(uint64_t deadline)
{
	uint64_t now = clock_ns(), wait = deadline > now ? (deadline - now) / 2 : 0;
	if (wait < DHCP_MIN_RENEW)
		wait = DHCP_MIN_RENEW;
	if (now + wait > deadline)
		wait = deadline > now ? deadline - now : 0;
	timer_arm(&d.timer, wait);
}

static void on_timer(struct timer *t)
{
	uint64_t now = clock_ns();
	(void)t;
	switch (d.state) {
	case D_SELECTING:
	case D_REQUESTING:
		if (d.tries >= DHCP_TRIES) {
			fallback();
			return;
		}
		net_st.dhcp.retries++;
		transmit();
		break;
	case D_BOUND: /* T1 */
		set_state(D_RENEWING);
		net_st.dhcp.renew++;
		/* fall through */
	case D_RENEWING:
		if (now < lease_deadline(d.t2)) {
			send_msg(DHCP_REQUEST, net_addr()->ip, d.server);
			arm_until(lease_deadline(d.t2));
			break;
		}
		set_state(D_REBINDING);
		net_st.dhcp.rebind++;
		/* fall through */
	case D_REBINDING:
		if (now < lease_deadline(d.lease)) {
			send_msg(DHCP_REQUEST, net_addr()->ip, IP_BROADCAST);
			arm_until(lease_deadline(d.lease));
			break;
		}
		net_st.dhcp.expired++;
		pr_warn("dhcp: lease expired\n");
		ipv4_set_addr(0, 0, 0);
		discover();
		break;
	case D_STATIC: /* a server may have come back: ask, keeping the fallback address */
		discover();
		break;
	default:
		break;
	}
}

/* Bit of each option kept (for "seen"), 0 for the others. */
static uint32_t opt_bit(uint8_t code)
{
	static const uint8_t kept[] = { DHCP_OPT_MSG_TYPE, DHCP_OPT_SERVER_ID, DHCP_OPT_MASK,
					DHCP_OPT_ROUTER,   DHCP_OPT_LEASE,     DHCP_OPT_T1,
					DHCP_OPT_T2,	   DHCP_OPT_OVERLOAD };
	for (size_t i = 0; i < sizeof(kept); i++)
		if (kept[i] == code)
			return 1u << i;
	return 0;
}

/* One option of n bytes at v; false if its length is wrong for what it carries. */
static bool take_opt(uint8_t code, const uint8_t *v, uint8_t n, bool main_area, struct dhcp_opts *o)
{
	uint32_t bit = opt_bit(code);
	if (!bit)
		return true; /* not ours: skipped */
	if (o->seen & bit)
		return false;
	o->seen |= bit;
	if (code == DHCP_OPT_MSG_TYPE || code == DHCP_OPT_OVERLOAD) {
		if (n != 1 || (code == DHCP_OPT_OVERLOAD && (!main_area || v[0] < 1 || v[0] > 3)))
			return false; /* overload only in the options field itself (RFC 2131 4.1) */
		if (code == DHCP_OPT_MSG_TYPE)
			o->type = v[0];
		else
			o->overload = v[0];
		return true;
	}
	if (code == DHCP_OPT_ROUTER ? n < 4 || n % 4 : n != 4) /* a router list, or one word */
		return false;
	if (code == DHCP_OPT_SERVER_ID)
		o->server = get_be32(v);
	else if (code == DHCP_OPT_MASK)
		o->mask = get_be32(v);
	else if (code == DHCP_OPT_ROUTER)
		o->router = get_be32(v); /* the first, the preferred one */
	else if (code == DHCP_OPT_LEASE)
		o->lease = get_be32(v);
	else if (code == DHCP_OPT_T1)
		o->t1 = get_be32(v);
	else
		o->t2 = get_be32(v);
	return true;
}

/* Walk one area of options up to END or its end; false if malformed. */
static bool parse_area(const uint8_t *p, size_t len, bool main_area, struct dhcp_opts *o)
{
	size_t i = 0;
	while (i < len && p[i] != DHCP_OPT_END) {
		uint8_t code = p[i], n;
		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + p[i + 1] > len)
			return false;
		n = p[i + 1];
		if (!take_opt(code, p + i + 2, n, main_area, o))
			return false;
		i += 2 + (size_t)n;
	}
	return true;
}

/*
 * The options of a message (options of len bytes after the BOOTP header), then, as option
 * overload says, those in the file and then the sname field (RFC 2131 4.1: in that order).
 * False if any area is malformed or there is no message type.
 */
static bool parse_opts(const struct bootp_hdr *b, const uint8_t *p, size_t len, struct dhcp_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (!parse_area(p, len, true, o))
		return false;
	if ((o->overload & 1) && !parse_area(b->file, sizeof(b->file), false, o))
		return false;
	if ((o->overload & 2) && !parse_area(b->sname, sizeof(b->sname), false, o))
		return false;
	return o->type != 0;
}

/* A mask of contiguous ones (1..32 bits), else the classful /24 QEMU would have given. */
static uint32_t lease_mask(uint32_t mask)
{
	return mask && !(~mask & (~mask + 1)) ? mask : 0xffffff00u;
}

bool dhcp_addr_is_usable(uint32_t ip, uint32_t mask)
{
	uint32_t top = ip >> 24, host = ip & ~mask;
	if (top == 0 || top == 127 || top >= 224) /* 0/8, loopback, multicast, 240/4 and bcast */
		return false;
	/* the subnet's own address and its broadcast, except where there are none (RFC 3021) */
	return mask >= 0xfffffffeu || (host != 0 && host != ~mask);
}

void dhcp_lease_times(uint32_t lease, uint32_t t1, uint32_t t2, uint32_t out[3])
{
	if (!lease)
		lease = DHCP_DEF_LEASE;
	if (lease < DHCP_MIN_LEASE)
		lease = DHCP_MIN_LEASE;
	/* T1 in [30 s, 7/8 lease), else half the lease (RFC 2131 4.4.5's default) */
	if (t1 < DHCP_MIN_T1 || t1 >= lease - lease / 8)
		t1 = lease / 2;
	/* T2 in (T1, lease), else three quarters of the way from T1 (7/8 lease by default) */
	if (t2 <= t1 || t2 >= lease)
		t2 = t1 + (uint32_t)((uint64_t)(lease - t1) * 3 / 4);
	out[0] = lease;
	out[1] = t1;
	out[2] = t2;
}

static void bind_lease(uint32_t yiaddr, const struct dhcp_opts *o)
{
	char ip[16], gw[16], srv[16];
	uint32_t mask = lease_mask(o->mask), router = o->router, t[3];
	dhcp_lease_times(o->lease, o->t1, o->t2, t);
	d.lease = t[0];
	d.t1 = t[1];
	d.t2 = t[2];
	/* a router must be a neighbour (a /32 has only its gateway as one) */
	if (router && (!ipv4_is_unicast_host(router) || router == yiaddr ||
		       (mask != ~0u && ((router ^ yiaddr) & mask)))) {
		pr_warn("dhcp: router %s is no neighbour of %s/%d: ignored\n", net_ntoa(router, gw),
			net_ntoa(yiaddr, ip), 32 - __builtin_ctz(mask));
		router = 0;
	}
	if (o->server)
		d.server = o->server;
	d.bound_at = clock_ns();
	if (d.state == D_REQUESTING || !d.bound_once)
		pr_info("dhcp: lease %s/%d gw %s from %s, %u s\n", net_ntoa(yiaddr, ip),
			32 - __builtin_ctz(mask), net_ntoa(router, gw), net_ntoa(d.server, srv),
			d.lease);
	else
		pr_info("dhcp: lease renewed, %u s\n", d.lease);
	d.bound_once = true;
	d.fell_back = false;
	set_state(D_BOUND);
	ipv4_set_addr(yiaddr, mask, router);
	timer_arm(&d.timer, (uint64_t)d.t1 * NSEC_PER_SEC);
}

/* In REQUESTING and RENEWING only the selected server speaks; rebinding asks everyone. */
static bool from_our_server(const struct dhcp_opts *o)
{
	return d.state == D_REBINDING || (o->server && o->server == d.server);
}

static bool awaiting_ack(void)
{
	return d.state == D_REQUESTING || d.state == D_RENEWING || d.state == D_REBINDING;
}

static void handle(const struct bootp_hdr *b, const struct dhcp_opts *o)
{
	uint32_t yiaddr = ntohl(b->yiaddr), mask = lease_mask(o->mask);
	struct dhcp_stats *s = &net_st.dhcp;
	bool usable = dhcp_addr_is_usable(yiaddr, mask);
	char ip[16], srv[16];
	if ((o->type == DHCP_ACK || o->type == DHCP_NAK) && awaiting_ack() && !from_our_server(o)) {
		pr_debug("dhcp: %s from %s ignored: not the server selected\n",
			 o->type == DHCP_ACK ? "ACK" : "NAK", net_ntoa(o->server, srv));
		s->drop_server++; /* an ACK or NAK from a server we did not select */
	} else if (o->type == DHCP_OFFER && d.state == D_SELECTING && o->server) {
		if (!usable) {
			pr_debug("dhcp: OFFER of %s ignored: no usable host address\n",
				 net_ntoa(yiaddr, ip));
			s->drop_addr++;
			return;
		}
		s->offer_rx++;
		pr_debug("dhcp: OFFER of %s from %s\n", net_ntoa(yiaddr, ip),
			 net_ntoa(o->server, srv));
		d.offered = yiaddr;
		d.server = o->server;
		set_state(D_REQUESTING);
		d.tries = 0;
		transmit();
	} else if (o->type == DHCP_ACK && awaiting_ack()) {
		/* the address asked for: the offered one, or the one we hold */
		uint32_t want = d.state == D_REQUESTING ? d.offered : net_addr()->ip;
		if (!usable || yiaddr != want) {
			s->drop_addr++;
			return;
		}
		s->ack_rx++;
		bind_lease(yiaddr, o);
	} else if (o->type == DHCP_NAK && awaiting_ack()) {
		s->nak_rx++;
		pr_warn("dhcp: NAK from the server: starting over\n");
		ipv4_set_addr(0, 0, 0);
		discover();
	} else {
		pr_debug("dhcp: message type %u ignored in state %s\n", o->type,
			 state_name[d.state]);
		s->drop_bad++; /* late, duplicate or out of place: RFC 2131 says ignore */
	}
}

static void dhcp_input(struct mbuf *m, const struct udp_peer *peer, void *arg)
{
	const struct bootp_hdr *b = (const struct bootp_hdr *)m->data;
	struct dhcp_opts o;
	(void)arg;
	if (udp_peer_src_port(peer) != DHCP_SERVER_PORT || mbuf_len(m) < sizeof(*b) ||
	    b->op != BOOTP_REPLY || ntohl(b->xid) != d.xid || ntohl(b->magic) != DHCP_MAGIC ||
	    memcmp(b->chaddr, net_dev()->mac, ETH_ALEN) != 0 ||
	    !parse_opts(b, (const uint8_t *)(b + 1), mbuf_len(m) - sizeof(*b), &o)) {
		net_st.dhcp.drop_bad++;
		mbuf_free(m);
		return;
	}
	handle(b, &o);
	mbuf_free(m);
}

void dhcp_start(void)
{
	if (!net_dev())
		return;
	d.timer.fn = on_timer;
	udp_bind(DHCP_CLIENT_PORT, UDP_BIND_BROADCAST | UDP_BIND_NOADDR, dhcp_input, NULL);
	pr_info("dhcp: discovering on %s\n", net_dev()->name);
	discover();
}

bool dhcp_is_running(void)
{
	return d.state != D_OFF && d.state != D_STATIC;
}

void dhcp_info_print(void)
{
	char srv[16];
	uint64_t now = clock_ns();
	kprintf("dhcp: %s", state_name[d.state]);
	if (d.state >= D_BOUND && d.state <= D_REBINDING) {
		uint64_t end = lease_deadline(d.lease);
		kprintf(", server %s, lease %u s, %lu s left", net_ntoa(d.server, srv), d.lease,
			(unsigned long)(end > now ? (end - now) / NSEC_PER_SEC : 0));
	}
	kprintf("\n");
}

void dhcp_reset(void)
{
	timer_cancel(&d.timer);
	memset(&d, 0, sizeof(d));
}
