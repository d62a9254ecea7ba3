/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UDP echo (RFC 862): every datagram goes back to its sender unchanged, in the very buffer it
 * came in (udp_reply swaps the addresses and pushes the headers back): no copy, no allocation.
 */
#include "net/net.h"
#include "app/app.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/util.h"

static uint16_t echo_port = 7;

int echo_bootarg_port(const char *value)
{
	return parse_port(value, false, &echo_port);
}

static const struct bootarg echo_args[] = {
	{ "echo.port", echo_bootarg_port, "UDP echo port (default 7)" },
};
const struct bootarg_table echo_bootargs = { echo_args, ARRAY_SIZE(echo_args) };

static void echo_input(struct mbuf *m, const struct udp_peer *peer, void *arg)
{
	(void)arg;
	udp_reply_unchanged(m, peer); /* same bytes back: the checksum is reused */
}

static void echo_ready(uint32_t ip, void *arg)
{
	char buf[16];
	(void)arg;
	pr_info("echo: serving UDP port %u on %s\n", echo_port, net_ntoa(ip, buf));
}

int echo_init(void)
{
	int err = udp_bind(echo_port, UDP_BIND_SERVICE, echo_input, NULL);
	if (err) {
		pr_err("echo: cannot bind UDP port %u (%s)\n", echo_port, errname(err));
		return err;
	}
	net_on_addr_up(echo_ready, NULL);
	return 0;
}
