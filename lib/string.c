/* SPDX-License-Identifier: BSD-2-Clause */
/* Freestanding memory and string routines (kernel only; the host uses its C library). */
#include <stdint.h>
#include "lib/string.h"

/*
 * 8-byte words from src to the 8-byte aligned d, for src at any alignment k: each store merges
 * the tail of one aligned source word with the head of the next (shifts by 8k bits, k != 0).
 * Every load is an aligned word holding at least one byte of the source, so none crosses a
 * page (or any) boundary the bytes themselves do not. Returns the words stored.
 */
static size_t copy_shifted(uint64_t *d, const uint8_t *s, size_t words)
{
	const uint64_t *w = (const uint64_t *)(uintptr_t)((uintptr_t)s & ~(uintptr_t)7);
	unsigned lo_shift = (unsigned)((uintptr_t)s & 7) * 8, hi_shift = 64 - lo_shift;
	uint64_t lo = *w++;
	size_t i = 0;
	for (; i + 4 <= words; i += 4, w += 4) { /* little-endian: later bytes are higher */
		uint64_t a = w[0], b = w[1], c = w[2], e = w[3];
		d[i] = lo >> lo_shift | a << hi_shift;
		d[i + 1] = a >> lo_shift | b << hi_shift;
		d[i + 2] = b >> lo_shift | c << hi_shift;
		d[i + 3] = c >> lo_shift | e << hi_shift;
		lo = e;
	}
	for (; i < words; i++) {
		uint64_t hi = *w++;
		d[i] = lo >> lo_shift | hi << hi_shift;
		lo = hi;
	}
	return words;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	/* Long copies go by words: packets through the TCP rings land at any alignment, pages
	 * (region read-ahead, copy-on-write) are aligned. The destination is aligned first; a
	 * source then still unaligned is shifted into place. */
	if (n >= 32) {
		while ((uintptr_t)d & 7) {
			*d++ = *s++;
			n--;
		}
		if (((uintptr_t)s & 7) == 0) {
			for (; n >= 32; n -= 32, d += 32, s += 32) {
				uint64_t a = ((const uint64_t *)s)[0], b = ((const uint64_t *)s)[1];
				uint64_t c = ((const uint64_t *)s)[2], e = ((const uint64_t *)s)[3];
				((uint64_t *)d)[0] = a;
				((uint64_t *)d)[1] = b;
				((uint64_t *)d)[2] = c;
				((uint64_t *)d)[3] = e;
			}
			for (; n >= 8; n -= 8, d += 8, s += 8)
				*(uint64_t *)d = *(const uint64_t *)s;
		} else {
			/* the last word is left to the byte loop: its next aligned source word may lie
			 * beyond the source's end */
			size_t words = copy_shifted((uint64_t *)d, s, n / 8 - 1) * 8;
			d += words;
			s += words;
			n -= words;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	if (((uintptr_t)d & 7) == 0 && n >= 8) {
		uint64_t v = (uint8_t)c;
		v |= v << 8;
		v |= v << 16;
		v |= v << 32;
		for (; n >= 8; n -= 8, d += 8)
			*(uint64_t *)d = v;
	}
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return 0;
	}
}
