/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store protocol (app/store.h), apart from the network and the region so that host tests
 * and a fuzzer drive it over plain memory: strict parsing, then the operation, then a reply
 * that is never longer than the request.
 */
#include <stdbool.h>
#include "app/store.h"
#include "lib/kprintf.h"
#include "lib/string.h"

/* Value of one hex digit, or -1. */
static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The number at *p: decimal digits, or 0x and hex digits, up to a space or end; advances *p to
 * the space (or end). -1 for anything else: empty, a sign, a NUL, a suffix, an overflow.
 */
static int number(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	const uint8_t *s = *p;
	unsigned base = 10;
	uint64_t v = 0;
	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s == end || *s == ' ')
		return -1;
	for (; s < end && *s != ' '; s++) {
		int d = hexval(*s);
		if (d < 0 || (unsigned)d >= base || v > (UINT64_MAX - (unsigned)d) / base)
			return -1;
		v = v * base + (unsigned)d;
	}
	*p = s;
	*out = v;
	return 0;
}

static int copy(const struct store_backend *be, void *dst, const void *src, size_t n)
{
	if (be->copy)
		return be->copy(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

static bool in_store(const struct store_backend *be, uint64_t off, uint64_t len)
{
	return off <= be->size && len <= be->size - off;
}

/* Put text (len bytes) as the reply, cut to the request's n bytes; returns its length. */
static size_t reply(uint8_t *buf, size_t n, const char *text, size_t len)
{
	if (len > n)
		len = n;
	memcpy(buf, text, len);
	return len;
}

static size_t error(const struct store_backend *be, uint8_t *buf, size_t n, const char *why)
{
	char text[16];
	int len = ksnprintf(text, sizeof(text), "ERR %s", why);
	if (strcmp(why, "io") == 0)
		be->stats->io_errors++;
	else if (strcmp(why, "pad") == 0)
		be->stats->too_short++;
	else
		be->stats->bad_request++;
	return reply(buf, n, text, (size_t)len);
}

/* "R <off> <len>" with p after "R ", end before any newline. */
static size_t do_read(const struct store_backend *be, uint8_t *buf, size_t n, const uint8_t *p,
		      const uint8_t *end)
{
	uint64_t off, len;
	if (number(&p, end, &off) || p == end || *p++ != ' ' || number(&p, end, &len) || p != end)
		return error(be, buf, n, "syntax");
	if (len == 0 || len > STORE_READ_MAX || !in_store(be, off, len))
		return error(be, buf, n, "range");
	if (len > n)
		return error(be, buf, n, "pad");
	if (copy(be, buf, be->base + off, len)) /* faults the pages in */
		return error(be, buf, n, "io");
	be->stats->reads++;
	return len;
}

/* "W <off> <data>" with p after "W "; data runs to the datagram's end. */
static size_t do_write(const struct store_backend *be, uint8_t *buf, size_t n, const uint8_t *p,
		       const uint8_t *end)
{
	char text[24];
	uint64_t off, len;
	int tl;
	if (number(&p, end, &off) || p == end || *p++ != ' ' || p == end)
		return error(be, buf, n, "syntax");
	len = (uint64_t)(end - p);
	if (!in_store(be, off, len))
		return error(be, buf, n, "range");
	/* The first store to each clean page faults: dirty. The sync returns once it is durable. */
	if (copy(be, be->base + off, p, len) || be->sync(be->base + off, len))
		return error(be, buf, n, "io");
	be->stats->writes++;
	tl = ksnprintf(text, sizeof(text), "OK %llu", (unsigned long long)len);
	return reply(buf, n, text, (size_t)tl); /* "W 0 x" is 5 bytes, "OK 1" 4: it fits */
}

static size_t do_count(const struct store_backend *be, uint8_t *buf, size_t n)
{
	char text[24];
	uint64_t v;
	int tl;
	if (be->size < sizeof(v))
		return error(be, buf, n, "range");
	if (copy(be, &v, be->base, sizeof(v))) /* little-endian: RISC-V and the host agree */
		return error(be, buf, n, "io");
	v++;
	tl = ksnprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	if ((size_t)tl > n) /* counted only when the answer can be given */
		return error(be, buf, n, "pad");
	if (copy(be, be->base, &v, sizeof(v)) || be->sync(be->base, sizeof(v)))
		return error(be, buf, n, "io");
	be->stats->counts++;
	return reply(buf, n, text, (size_t)tl);
}

size_t store_handle(const struct store_backend *be, uint8_t *buf, size_t n)
{
	const uint8_t *end = buf + n, *nl;
	if (n == 0)
		return 0;
	be->stats->requests++;
	if (n >= 2 && buf[0] == 'W' && buf[1] == ' ')
		return do_write(be, buf, n, buf + 2, end);
	/* R and C end at a newline; what follows it is padding */
	for (nl = buf; nl < end && *nl != '\n'; nl++)
		;
	if (nl - buf == 1 && buf[0] == 'C')
		return do_count(be, buf, n);
	if (nl - buf >= 2 && buf[0] == 'R' && buf[1] == ' ')
		return do_read(be, buf, n, buf + 2, nl);
	return error(be, buf, n, "syntax");
}
