/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bootargs_parse over arbitrary command lines with the kernel's real per-module tables
 * (net_bootargs, echo_bootargs, ramblk_bootargs, log_bootargs; store_bootargs needs app/store.c,
 * which the host build does not link, and its setter is echo.port's), plus parse_u64 and
 * parse_ipv4 on the raw input with oracles:
 * a decimal number parses exactly when strtoull does without overflow, to the same value;
 * an accepted address is in canonical form (net_ntoa gives back the same text); an accepted
 * ip= leaves a contiguous mask and a gateway on the subnet.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/app.h"
#include "drivers/ramblk.h"
#include "lib/bootargs.h"
#include "lib/kprintf.h"
#include "net/net.h"
#include "net/stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void host_console_clear(void);

static void check(int cond, const char *what, const char *input)
{
	if (!cond) {
		fprintf(stderr, "fuzz_bootargs: %s: \"%s\"\n", what, input);
		abort();
	}
}

static const struct bootarg_table *const tables[] = {
	&net_bootargs,
	&echo_bootargs,
	&ramblk_bootargs,
	&log_bootargs,
};

static void check_u64(const char *s)
{
	unsigned long long v = 0, w;
	int r = parse_u64(s, &v);
	size_t n = strlen(s);
	if (n == 0 || n > 40 || strspn(s, "0123456789") != n)
		return;
	errno = 0;
	w = strtoull(s, NULL, 10);
	check((r == 0) == (errno != ERANGE), "parse_u64 overflow disagrees with strtoull", s);
	check(r != 0 || v == w, "parse_u64 value differs from strtoull", s);
}

static void check_ipv4(const char *s)
{
	uint32_t ip;
	char buf[16];
	if (parse_ipv4(s, &ip) == 0)
		check(strcmp(net_ntoa(ip, buf), s) == 0, "parse_ipv4 accepted a non-canonical form",
		      s);
}

/* The static address (the default or an accepted ip=) is a sane one. */
static void check_static(const char *s)
{
	const struct net_addr *a = net_fallback_addr();
	uint32_t host = ~a->mask;
	check(a->ip != 0, "ip= accepted address 0", s);
	check((host & (host + 1)) == 0 && a->mask != 0, "ip= mask not a prefix", s);
	/* a /32 has no subnet: its gateway is on the link by definition (net/netdev.c) */
	check(a->gw == 0 || a->mask == ~0u || (a->gw & a->mask) == (a->ip & a->mask),
	      "ip= gateway off the subnet", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int problems;
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	net_reset();
	host_console_clear();
	problems = bootargs_parse(s, tables, sizeof(tables) / sizeof(tables[0]));
	log_level = LOG_INFO;
	check(problems >= 0 && (size_t)problems <= size / 2 + 1, "problem count", s);
	check_static(s); /* the default, or an ip= the parse accepted */
	check_u64(s);
	check_ipv4(s);
	if (net_bootarg_ip(s) == 0)
		check_static(s);
	echo_bootarg_port(s);
	ramblk_bootarg(s);
	net_bootarg_stats_port(s);
	free(s);
	return 0;
}
