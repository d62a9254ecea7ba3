/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP echo (RFC 862): every byte back, in order, on the connection it came in; when the peer
 * closes, whatever is still queued goes back and then our FIN. Bounded per connection: bytes
 * are taken from the receive ring only as far as the send ring has room, so a peer that does
 * not read sees our window close; nothing is dropped and nothing grows. No state of its own:
 * both rings belong to the connection.
 */
#include "net/net.h"
#include "app/app.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/util.h"

static uint16_t tcpecho_port = 7;

int tcpecho_bootarg_port(const char *value)
{
	return parse_port(value, true, &tcpecho_port);
}

static const struct bootarg tcpecho_args[] = {
	{ "tcpecho.port", tcpecho_bootarg_port, "TCP echo port (default 7, 0 = off)" },
};
const struct bootarg_table tcpecho_bootargs = { tcpecho_args, ARRAY_SIZE(tcpecho_args) };

/* Move what the send ring takes from the receive ring; close once the peer is done and all of
 * it is queued (tcp_close sends the rest, then the FIN). */
static void pump(struct tcp_conn *c)
{
	const uint8_t *p;
	size_t n;
	while ((n = tcp_peek(c, &p)) > 0) {
		long k = tcp_send(c, p, n);
		if (k <= 0)
			break;
		tcp_consume(c, (size_t)k);
		if ((size_t)k < n)
			break;
	}
	if (tcp_eof(c))
		tcp_close(c);
}

static void echo_recv(struct tcp_conn *c, void *arg)
{
	(void)arg;
	pump(c);
}

static void echo_sent(struct tcp_conn *c, void *arg)
{
	(void)arg;
	pump(c);
}

static const struct tcp_ops echo_ops = {
	.recv = echo_recv,
	.sent = echo_sent,
};

static int echo_accept(struct tcp_conn *c, void *arg)
{
	(void)arg;
	tcp_attach(c, &echo_ops, NULL);
	return 0;
}

static void echo_ready(uint32_t ip, void *arg)
{
	char buf[16];
	(void)arg;
	pr_info("echo: serving TCP port %u on %s\n", tcpecho_port, net_ntoa(ip, buf));
}

int tcpecho_init(void)
{
	int err;
	if (!tcpecho_port)
		return 0;
	err = tcp_listen(tcpecho_port, 0, echo_accept, NULL);
	if (err) {
		pr_err("echo: cannot listen on TCP port %u (%s)\n", tcpecho_port, errname(err));
		return err;
	}
	net_on_addr_up(echo_ready, NULL);
	return 0;
}
