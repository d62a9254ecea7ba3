/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux-style boot arguments: "key=value key2 key3=value3", separated by spaces.
 * Each module declares the keys it accepts in its own table (net_bootargs in net/, echo_bootargs
 * in app/, ...); the composition root hands the list of tables to bootargs_parse(), which calls
 * the handler of each key it finds. Unknown keys produce a warning; a handler that returns < 0
 * makes the parser print a clear error naming the key and value (the module keeps its default).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bootarg {
	const char *key; /* e.g. "ip", "echo.port" */
	/* value is NUL-terminated; "" for a bare key; returns 0 or a negative error */
	int (*set)(const char *value);
	const char *help; /* one line for the README and the warning output */
};

/* One module's keys. */
struct bootarg_table {
	const struct bootarg *args;
	size_t n;
};

/*
 * Parse cmdline against the tables (ntables of them). Returns the number of problems found
 * (unknown keys plus rejected values); never fails otherwise. Tokens longer than 255 bytes
 * are rejected.
 */
int bootargs_parse(const char *cmdline, const struct bootarg_table *const *tables, size_t ntables);

/* Helpers for handlers. Each returns 0 or -EINVAL (malformed or out of range). */
int parse_u64(const char *s, unsigned long long *out); /* decimal, or 0x hex; k/M/G suffixes */
int parse_ipv4(const char *s, uint32_t *out);	       /* "a.b.c.d"; host byte order */
/* A port number 1..65535, or 0 too when zero_off (0 then means "off"). */
int parse_port(const char *s, bool zero_off, uint16_t *out);
