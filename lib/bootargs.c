/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux-style boot arguments from /chosen/bootargs: whitespace-separated tokens, each "key",
 * "key=value" or with double quotes around any part ("key=a b" or key="a b") to keep spaces.
 * Nothing here fails the boot: a bad token is reported, counted and skipped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define BOOTARGS_TOKEN_MAX 256 /* bytes, with the NUL */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Copy the token at *s into tok without its quotes and move *s past it. Returns 0, or
 * -EINVAL (reported) if the token is too long or a quote is left open.
 */
static int next_token(const char **s, char *tok)
{
	const char *start = *s, *p = *s;
	bool quoted = false;
	size_t len = 0;

	for (; *p && (quoted || !is_space(*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (len < BOOTARGS_TOKEN_MAX - 1)
			tok[len++] = *p;
		else
			len = BOOTARGS_TOKEN_MAX; /* too long: keep scanning to the token's end */
	}
	*s = p;
	if (len == BOOTARGS_TOKEN_MAX) {
		pr_err("bootargs: argument \"%.32s...\" is longer than %d bytes, ignored\n", start,
		       BOOTARGS_TOKEN_MAX - 1);
		return -EINVAL;
	}
	tok[len] = 0;
	if (quoted) {
		pr_err("bootargs: unterminated quote in \"%.*s\", ignored\n", (int)(p - start),
		       start);
		return -EINVAL;
	}
	return 0;
}

static const struct bootarg *find_key(const char *key, const struct bootarg_table *const *tables,
				      size_t ntables)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t]->n; i++)
			if (strcmp(tables[t]->args[i].key, key) == 0)
				return &tables[t]->args[i];
	return NULL;
}

/* Hand one "key[=value]" token to its handler. Returns 1 if it is a problem, else 0. */
static int apply(char *tok, const struct bootarg_table *const *tables, size_t ntables)
{
	char *value = strchr(tok, '=');
	const struct bootarg *a;
	int r;

	if (value)
		*value++ = 0;
	else
		value = tok + strlen(tok); /* bare key: "" */
	a = find_key(tok, tables, ntables);
	if (!a) {
		pr_warn("bootargs: unknown key \"%s\" ignored\n", tok);
		return 1;
	}
	r = a->set(value);
	if (r >= 0)
		return 0;
	pr_err("bootargs: %s=\"%s\" rejected (%s), keeping the default; %s: %s\n", tok, value,
	       strerror(r), tok, a->help ? a->help : "");
	return 1;
}

int bootargs_parse(const char *cmdline, const struct bootarg_table *const *tables, size_t ntables)
{
	char tok[BOOTARGS_TOKEN_MAX];
	int problems = 0;

	if (!cmdline)
		return 0;
	for (;;) {
		while (is_space(*cmdline))
			cmdline++;
		if (!*cmdline)
			return problems;
		if (next_token(&cmdline, tok))
			problems++;
		else
			problems += apply(tok, tables, ntables);
	}
}

/* Value of one digit in base, or -1. */
static int digit(char c, unsigned int base)
{
	int v = -1;
	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	return v >= 0 && (unsigned int)v < base ? v : -1;
}

int parse_port(const char *s, bool zero_off, uint16_t *out)
{
	unsigned long long n;
	if (parse_u64(s, &n) || n > 65535 || (n == 0 && !zero_off))
		return -EINVAL;
	*out = (uint16_t)n;
	return 0;
}

int parse_u64(const char *s, unsigned long long *out)
{
	unsigned long long x = 0, mult = 1;
	unsigned int base = 10;
	const char *p;
	int d;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (p = s; (d = digit(*p, base)) >= 0; p++) {
		if (x > (~0ull - (unsigned int)d) / base)
			return -EINVAL;
		x = x * base + (unsigned int)d;
	}
	if (p == s)
		return -EINVAL; /* no digits: "", "0x", "k" */
	if (*p == 'k' || *p == 'K')
		mult = 1ull << 10;
	else if (*p == 'm' || *p == 'M')
		mult = 1ull << 20;
	else if (*p == 'g' || *p == 'G')
		mult = 1ull << 30;
	if (mult != 1)
		p++;
	if (*p || x > ~0ull / mult)
		return -EINVAL;
	*out = x * mult;
	return 0;
}

int parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t addr = 0;

	if (!s)
		return -EINVAL;
	for (int part = 0; part < 4; part++) {
		unsigned int v = 0, n = 0;
		if (part > 0 && *s++ != '.')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9' && n < 4; s++, n++)
			v = v * 10 + (unsigned int)(*s - '0');
		/* 1-3 digits, at most 255, and no leading zero (some parsers read it as octal). */
		if (n == 0 || n > 3 || v > 255 || (n > 1 && s[-(int)n] == '0'))
			return -EINVAL;
		addr = addr << 8 | v;
	}
	if (*s)
		return -EINVAL;
	*out = addr;
	return 0;
}
