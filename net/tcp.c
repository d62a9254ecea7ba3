/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP (RFC 9293): the connection table and its lookup hash, listening ports, the application
 * API of net/net.h, and the delivery of events to applications. Segment arrival is in
 * tcp_in.c (tcp_listen.c for segments no connection owns), output in tcp_out.c, timers in
 * tcp_timer.c, the receive ring in tcp_reasm.c, SACK in tcp_sack.c, ISNs and cookies in
 * tcp_isn.c.
 *
 * Memory is bounded at build time: CONFIG_TCP_CONNS control blocks in the image, and for each
 * connection past its handshake its receive and send ring (TCP_RINGS_BYTES from the kernel's
 * page allocator, through tcp_ring_alloc), given back at TIME-WAIT or the end.
 */
#include "net/tcp.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define HASH_SIZE 256 /* buckets (power of two) */
_Static_assert((HASH_SIZE & (HASH_SIZE - 1)) == 0, "hash size: power of two");
#define EPHEMERAL_LO 49152 /* RFC 6335 dynamic ports */

struct tcp_conn tcp_conns[CONFIG_TCP_CONNS];
void *(*tcp_ring_alloc)(size_t bytes);
void (*tcp_ring_free)(void *p, size_t bytes);

static struct tcp_listener listeners[CONFIG_TCP_LISTENERS];
static uint16_t buckets[HASH_SIZE]; /* index + 1 of the first connection, 0 = empty */
static uint16_t free_stack[CONFIG_TCP_CONNS];
static unsigned nfree;
static bool table_ready;
static uint16_t next_port;

static uint32_t hash_salt; /* keyed (tcp_isn.c) before the first connection is hashed */

/* ---- the table ---- */

static void table_init(void)
{
	hash_salt = tcp_hash_salt(); /* before any hashing: the salt is part of the key */
	nfree = 0;
	for (int i = CONFIG_TCP_CONNS - 1; i >= 0; i--)
		free_stack[nfree++] = (uint16_t)i;
	memset(buckets, 0, sizeof(buckets));
	table_ready = true;
}

static unsigned bucket_of(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	uint32_t h = (rip ^ hash_salt) * 0x9e3779b1u;
	h ^= ((uint32_t)rport << 16 | lport) * 0x85ebca6bu;
	h ^= lip;
	return (h ^ h >> 16) & (HASH_SIZE - 1);
}

struct tcp_conn *tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	uint16_t i = buckets[bucket_of(lip, lport, rip, rport)];
	while (i) {
		struct tcp_conn *c = &tcp_conns[i - 1];
		if (c->rip == rip && c->rport == rport && c->lport == lport && c->lip == lip)
			return c;
		i = c->hnext;
	}
	return NULL;
}

static void unhash(struct tcp_conn *c)
{
	uint16_t *pp = &buckets[bucket_of(c->lip, c->lport, c->rip, c->rport)];
	uint16_t me = (uint16_t)(c - tcp_conns + 1);
	while (*pp && *pp != me)
		pp = &tcp_conns[*pp - 1].hnext;
	if (*pp != me)
		panic("tcp: connection %u missing from its hash chain", me - 1);
	*pp = c->hnext;
	c->hnext = 0;
}

bool tcp_rings_get(struct tcp_conn *c)
{
	if (!c->rings && tcp_ring_alloc)
		c->rings = tcp_ring_alloc(TCP_RINGS_BYTES);
	return c->rings != NULL;
}

void tcp_rings_put(struct tcp_conn *c)
{
	if (c->rings && tcp_ring_free)
		tcp_ring_free(c->rings, TCP_RINGS_BYTES);
	c->rings = NULL;
}

static void tcp_free(struct tcp_conn *c)
{
	timer_cancel(&c->timer);
	tcp_rings_put(c);
	if ((c->flags & TF_PASSIVE) && c->listener && c->listener->half_open)
		c->listener->half_open--;
	unhash(c);
	c->state = TCP_CLOSED;
	c->flags = 0;
	c->ops = NULL;
	free_stack[nfree++] = (uint16_t)(c - tcp_conns);
}

/* Under pressure the oldest TIME-WAIT connection gives up its slot (RFC 6191 spirit: it only
 * guards against old duplicates, which the new 4-tuple's ISN distance covers). */
static struct tcp_conn *oldest_time_wait(void)
{
	struct tcp_conn *best = NULL;
	for (int i = 0; i < CONFIG_TCP_CONNS; i++) {
		struct tcp_conn *c = &tcp_conns[i];
		if (c->state == TCP_TIME_WAIT && !(c->flags & TF_BUSY) &&
		    (!best || c->idle_at < best->idle_at))
			best = c;
	}
	return best;
}

struct tcp_conn *tcp_conn_new(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	struct tcp_conn *c;
	unsigned b;
	if (!table_ready)
		table_init();
	if (!nfree) {
		struct tcp_conn *tw = oldest_time_wait();
		if (!tw)
			return NULL;
		net_st.tcp.tw_recycled++;
		tcp_free(tw);
	}
	c = &tcp_conns[free_stack[--nfree]];
	memset(c, 0, sizeof(*c));
	c->lip = lip;
	c->lport = lport;
	c->rip = rip;
	c->rport = rport;
	c->rto_ms = CONFIG_TCP_RTO_INIT_MS;
	c->rcv_mss = 536;
	c->mss = 536;
	c->ssthresh = 0x40000000u;
	tcp_timer_init(c);
	b = bucket_of(lip, lport, rip, rport);
	c->hnext = buckets[b];
	buckets[b] = (uint16_t)(c - tcp_conns + 1);
	return c;
}

void tcp_set_state(struct tcp_conn *c, enum tcp_state s)
{
	c->state = (uint8_t)s;
}

void tcp_drop(struct tcp_conn *c, int err)
{
	if (c->flags & TF_DEAD)
		return;
	c->flags |= TF_DEAD;
	c->rexmt_at = c->delack_at = c->idle_at = 0;
	if (c->ops && !(c->flags & TF_ORPHAN)) {
		c->err = err;
		tcp_notify(c, TEV_CLOSED);
	}
	net_st.tcp.closed++;
	if (!(c->flags & TF_BUSY))
		tcp_dispatch(c);
}

/* The application's next event: connected, sent, receive, closed, in that order. */
static void deliver(struct tcp_conn *c, uint8_t ev)
{
	const struct tcp_ops *ops = c->ops;
	if (ev == TEV_CONNECTED && ops->connected)
		ops->connected(c, c->arg);
	else if (ev == TEV_SENT && ops->sent)
		ops->sent(c, c->arg);
	else if (ev == TEV_RECV && ops->recv)
		ops->recv(c, c->arg);
	else if (ev == TEV_CLOSED) {
		c->ops = NULL; /* nothing after the last call */
		if (ops->closed)
			ops->closed(c, c->err, c->arg);
	}
}

void tcp_dispatch(struct tcp_conn *c)
{
	c->flags |= TF_BUSY;
	while (c->events && c->ops && !(c->flags & TF_ORPHAN)) {
		uint8_t ev =
			c->events & (uint8_t)-c->events; /* a callback may raise an earlier one */
		c->events &= (uint8_t)~ev;
		deliver(c, ev);
	}
	c->events = 0;
	if (c->state == TCP_TIME_WAIT) /* nothing is sent or read any more: the 4-tuple stays */
		tcp_rings_put(c);
	if (!(c->flags & TF_DEAD) && c->state != TCP_CLOSED)
		tcp_output(c);
	c->flags &= ~TF_BUSY;
	if (c->flags & TF_DEAD)
		tcp_free(c);
}

/* Initial window, RFC 5681 3.1 (equation 3). */
static uint32_t initial_cwnd(uint32_t mss)
{
	if (mss > 2190)
		return 2 * mss;
	if (mss > 1095)
		return 3 * mss;
	return 4 * mss;
}

bool tcp_established(struct tcp_conn *c)
{
	struct tcp_listener *l = c->listener;
	if (!tcp_rings_get(c)) { /* no memory for its rings: refused, as a full table would be */
		net_st.tcp.drop_nomem++;
		tcp_set_state(c,
			      TCP_ESTABLISHED); /* synchronized: the reset carries our sequence */
		tcp_send_rst(c);
		tcp_drop(c, -ENOMEM);
		return false;
	}
	/* a close queued in SYN-RECEIVED takes effect now */
	tcp_set_state(c, (c->flags & TF_FIN_Q) ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED);
	c->cwnd = initial_cwnd(c->mss);
	c->recover = c->iss;
	if ((c->flags & TF_HS_REXMT) && !c->srtt_us)
		c->rto_ms = 3000; /* RFC 6298 5.7 */
	c->backoff = 0;
	c->rexmt_at = 0;
	if (!l) { /* an active open */
		net_st.tcp.connected++;
		tcp_notify(c, TEV_CONNECTED);
		return true;
	}
	if (c->flags & TF_PASSIVE) {
		c->flags &= ~TF_PASSIVE;
		if (l->half_open)
			l->half_open--;
	}
	if (!l->port || l->port != c->lport || l->accept(c, l->arg) < 0 || !c->ops) {
		net_st.tcp.drop_refused++;
		c->ops = NULL;
		tcp_send_rst(c);
		tcp_drop(c, 0);
		return false;
	}
	net_st.tcp.accepted++;
	return true;
}

void tcp_apply_syn_options(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint16_t ours = tcp_our_mss();
	uint16_t mss = s->mss ? s->mss : 536; /* RFC 9293 3.7.1: 536 when absent */
	if (mss > ours)
		mss = ours;
	if (mss < 88) /* a tiny MSS would multiply our segment count (Linux's floor) */
		mss = 88;
	c->mss = mss;
	if (s->sack_perm && !(c->flags & TF_COOKIE))
		c->flags |= TF_SACK;
	else
		c->flags &= ~TF_SACK;
	if (s->wscale != 0xff && !(c->flags & TF_COOKIE)) {
		c->flags |= TF_WSCALE;
		c->snd_wscale = s->wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : s->wscale;
	} else {
		c->flags &= ~TF_WSCALE;
		c->snd_wscale = c->rcv_wscale = 0;
	}
}

/* ---- listeners ---- */

struct tcp_listener *tcp_listener_find(uint16_t port)
{
	for (int i = 0; i < CONFIG_TCP_LISTENERS; i++)
		if (port && listeners[i].port == port)
			return &listeners[i];
	return NULL;
}

int tcp_listen(uint16_t port, unsigned backlog, int (*accept)(struct tcp_conn *c, void *arg),
	       void *arg)
{
	struct tcp_listener *slot = NULL;
	if (!port || !accept)
		return -EINVAL;
	if (tcp_listener_find(port))
		return -EADDRINUSE;
	for (int i = 0; i < CONFIG_TCP_LISTENERS && !slot; i++)
		if (!listeners[i].port)
			slot = &listeners[i];
	if (!slot)
		return -ENOSPC;
	if (!backlog)
		backlog = CONFIG_TCP_BACKLOG;
	*slot = (struct tcp_listener){ port, (uint16_t)(backlog > 1024 ? 1024 : backlog), 0, accept,
				       arg };
	return 0;
}

int tcp_unlisten(uint16_t port)
{
	struct tcp_listener *l = tcp_listener_find(port);
	if (!l)
		return -ENOENT;
	for (int i = 0; i < CONFIG_TCP_CONNS; i++) {
		struct tcp_conn *c = &tcp_conns[i];
		if (c->state == TCP_CLOSED || c->listener != l)
			continue;
		c->listener = NULL;
		if (c->state == TCP_SYN_RCVD) /* not handed to the application yet */
			tcp_drop(c, 0);
	}
	l->port = 0;
	return 0;
}

/* ---- the application API ---- */

void tcp_attach(struct tcp_conn *c, const struct tcp_ops *ops, void *arg)
{
	c->ops = ops;
	c->arg = arg;
}

/* An ephemeral port that makes the 4-tuple unique. */
static int pick_port(uint32_t lip, uint32_t ip, uint16_t port, uint16_t *out)
{
	if (!next_port)
		next_port = (uint16_t)(EPHEMERAL_LO + tcp_isn(lip, 0, ip, port) % 16384);
	for (int tries = 0; tries < 16384; tries++) {
		uint16_t p = next_port;
		next_port = next_port == 65535 ? EPHEMERAL_LO : (uint16_t)(next_port + 1);
		if (!tcp_lookup(lip, p, ip, port) && !tcp_listener_find(p)) {
			*out = p;
			return 0;
		}
	}
	return -ENOSPC;
}

int tcp_connect(uint32_t ip, uint16_t port, const struct tcp_ops *ops, void *arg,
		struct tcp_conn **out)
{
	uint32_t lip = net_addr()->ip;
	uint16_t lport;
	struct tcp_conn *c;
	if (!ip || !port || !ops)
		return -EINVAL;
	if (!net_dev())
		return -EIO;
	if (!lip)
		return -ENOTCONN;
	if (pick_port(lip, ip, port, &lport))
		return -ENOSPC;
	c = tcp_conn_new(lip, lport, ip, port);
	if (!c)
		return -ENOSPC;
	c->ops = ops;
	c->arg = arg;
	c->iss = tcp_isn(lip, lport, ip, port);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_end = c->iss + 1;
	c->recover = c->iss;
	c->mss = tcp_our_mss();
	tcp_set_state(c, TCP_SYN_SENT);
	tcp_send_syn(c);
	*out = c;
	return 0;
}

static bool can_send(const struct tcp_conn *c)
{
	return (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
	       !(c->flags & (TF_FIN_Q | TF_DEAD));
}

size_t tcp_send_space(const struct tcp_conn *c)
{
	if (!can_send(c))
		return 0;
	return CONFIG_TCP_SNDBUF - (c->snd_end - tcp_snd_start(c));
}

long tcp_send(struct tcp_conn *c, const void *data, size_t len)
{
	size_t n;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD)
		return -ENOTCONN;
	if (!can_send(c))
		return -EPIPE;
	n = tcp_send_space(c);
	if (n > len)
		n = len;
	if (!n)
		return 0;
	tcp_ring_write(tcp_sbuf(c), CONFIG_TCP_SNDBUF - 1, c->snd_end, data, (uint32_t)n);
	c->snd_end += (uint32_t)n;
	if (!(c->flags & TF_BUSY))
		tcp_output(c);
	return (long)n;
}

size_t tcp_readable(const struct tcp_conn *c)
{
	if (c->state < TCP_ESTABLISHED || !c->rings)
		return 0;
	return c->rcv_nxt - c->rcv_user - !!(c->flags & TF_FIN_RCVD);
}

size_t tcp_peek(struct tcp_conn *c, const uint8_t **p)
{
	size_t n = tcp_readable(c);
	uint32_t off = c->rcv_user & (CONFIG_TCP_RCVBUF - 1);
	*p = NULL;
	if (!n)
		return 0;
	if (n > CONFIG_TCP_RCVBUF - off)
		n = CONFIG_TCP_RCVBUF - off;
	*p = tcp_rbuf(c) + off;
	return n;
}

void tcp_consume(struct tcp_conn *c, size_t n)
{
	ASSERT(n <= tcp_readable(c));
	if (!n)
		return;
	c->rcv_user += (uint32_t)n;
	if (!(c->flags & TF_BUSY))
		tcp_output(c); /* a window update, if the window grew enough */
}

size_t tcp_read(struct tcp_conn *c, void *buf, size_t len)
{
	size_t n = tcp_readable(c);
	if (n > len)
		n = len;
	if (!n)
		return 0;
	tcp_ring_read(tcp_rbuf(c), CONFIG_TCP_RCVBUF - 1, c->rcv_user, buf, (uint32_t)n);
	tcp_consume(c, n);
	return n;
}

bool tcp_eof(const struct tcp_conn *c)
{
	return (c->flags & TF_FIN_RCVD) && tcp_readable(c) == 0;
}

void tcp_shutdown(struct tcp_conn *c)
{
	if ((c->flags & (TF_FIN_Q | TF_DEAD)) || c->state == TCP_CLOSED)
		return;
	if (c->state == TCP_SYN_SENT) {
		tcp_drop(c, 0);
		return;
	}
	c->flags |= TF_FIN_Q; /* in SYN-RECEIVED it waits for ESTABLISHED (RFC 9293 3.10.4) */
	if (c->state == TCP_ESTABLISHED)
		tcp_set_state(c, TCP_FIN_WAIT_1);
	else if (c->state == TCP_CLOSE_WAIT)
		tcp_set_state(c, TCP_LAST_ACK);
	if (!(c->flags & TF_BUSY))
		tcp_output(c);
}

void tcp_close(struct tcp_conn *c)
{
	if (c->state == TCP_CLOSED || (c->flags & TF_DEAD))
		return;
	if (tcp_readable(c) || c->state == TCP_SYN_SENT) {
		tcp_abort(c);
		return;
	}
	c->flags |= TF_ORPHAN;
	c->ops = NULL;
	c->events = 0;
	if (c->state == TCP_FIN_WAIT_2) { /* half-closed before: now the wait is bounded */
		c->idle_at = clock_ns() + CONFIG_TCP_FIN_WAIT2_MS * NSEC_PER_MSEC;
		tcp_timer_update(c);
	}
	if (c->state == TCP_TIME_WAIT)
		return;
	tcp_shutdown(c);
}

void tcp_abort(struct tcp_conn *c)
{
	if (c->state == TCP_CLOSED || (c->flags & TF_DEAD))
		return;
	c->flags |= TF_ORPHAN;
	c->ops = NULL;
	c->events = 0;
	if (c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT)
		tcp_send_rst(c);
	tcp_drop(c, 0);
}

void tcp_set_nodelay(struct tcp_conn *c, bool on)
{
	if (on)
		c->flags |= TF_NODELAY;
	else
		c->flags &= ~TF_NODELAY;
}

uint32_t tcp_peer_ip(const struct tcp_conn *c)
{
	return c->rip;
}
uint16_t tcp_peer_port(const struct tcp_conn *c)
{
	return c->rport;
}
uint16_t tcp_local_port(const struct tcp_conn *c)
{
	return c->lport;
}

unsigned tcp_conn_count(void)
{
	return table_ready ? CONFIG_TCP_CONNS - nfree : 0;
}

static const char *const state_names[TCP_NSTATES] = {
	"CLOSED",     "SYN-SENT",   "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
	"FIN-WAIT-2", "CLOSE-WAIT", "CLOSING",	    "LAST-ACK",	   "TIME-WAIT",
};

void tcp_info_print(void)
{
	char a[16];
	kprintf("tcp: %u of %d connections in use, %u bytes each established (control block %u, "
		"rings %u from pages)\n",
		tcp_conn_count(), CONFIG_TCP_CONNS,
		(unsigned)(sizeof(struct tcp_conn) + CONFIG_TCP_RCVBUF + CONFIG_TCP_SNDBUF),
		(unsigned)sizeof(struct tcp_conn), CONFIG_TCP_RCVBUF + CONFIG_TCP_SNDBUF);
	for (int i = 0; i < CONFIG_TCP_LISTENERS; i++)
		if (listeners[i].port)
			kprintf("  listen :%u backlog %u half-open %u\n", listeners[i].port,
				listeners[i].backlog, listeners[i].half_open);
	for (int i = 0; i < CONFIG_TCP_CONNS; i++) {
		const struct tcp_conn *c = &tcp_conns[i];
		if (c->state == TCP_CLOSED)
			continue;
		kprintf("  :%u %s:%u %s snd %u/%u cwnd %u rto %u ms rcv %u%s\n", c->lport,
			net_ntoa(c->rip, a), c->rport, state_names[c->state],
			c->snd_max - c->snd_una, c->snd_end - tcp_snd_start(c), c->cwnd, c->rto_ms,
			(unsigned)tcp_readable(c), c->flags & TF_ORPHAN ? " (closed)" : "");
	}
}

void tcp_reset(void)
{
	for (int i = 0; i < CONFIG_TCP_CONNS; i++) {
		timer_cancel(&tcp_conns[i].timer);
		tcp_rings_put(&tcp_conns[i]);
	}
	memset(tcp_conns, 0, sizeof(tcp_conns));
	memset(listeners, 0, sizeof(listeners));
	table_ready = false;
	next_port = 0;
	tcp_out_reset();
}
