/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store protocol (app/store_proto.c) against a reference written here from app/store.h:
 * each input is a series of requests [len_hi][len_lo][bytes] served over a 4 KiB memory store
 * with a shadow copy. Oracles: a reply is never longer than its request; the reference and the
 * service agree on whether a request is valid; a read returns the shadow's bytes, a write and
 * the counter change the store exactly as the reference says, anything else changes nothing.
 * Byte 0 bit 0 makes every sync fail (then nothing may count as written).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM 4096
static uint8_t mem[MEM], shadow[MEM];
static struct store_stats st;
static int sync_err;

static int fake_sync(void *addr, size_t len)
{
	(void)addr;
	(void)len;
	return sync_err;
}

static void fail(const char *what, const uint8_t *req, size_t n)
{
	fprintf(stderr, "fuzz_store: %s; request (%zu bytes):", what, n);
	for (size_t i = 0; i < n && i < 64; i++)
		fprintf(stderr, " %02x", req[i]);
	fprintf(stderr, "\n");
	abort();
}

/* The reference: decimal digits or 0x and hex digits, the whole of [s, e). */
static bool ref_number(const uint8_t *s, const uint8_t *e, uint64_t *out)
{
	bool hex = e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t v = 0;
	if (hex)
		s += 2;
	if (s == e)
		return false;
	for (; s < e; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (hex && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (hex && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	*out = v;
	return true;
}

static const uint8_t *find(const uint8_t *s, const uint8_t *e, uint8_t c)
{
	while (s < e && *s != c)
		s++;
	return s;
}

static void one(const uint8_t *req, size_t n)
{
	static uint8_t buf[2048];
	const uint8_t *e = req + n, *nl = find(req, e, '\n'), *sp;
	const struct store_backend be = { mem, MEM, fake_sync, &st, NULL };
	uint64_t off = 0, len = 0, counter;
	size_t r;
	memcpy(buf, req, n);
	r = store_handle(&be, buf, n);
	if (r > n)
		fail("reply longer than the request", req, n);
	if (n == 0)
		return;
	if (n >= 2 && req[0] == 'W' && req[1] == ' ') {
		sp = find(req + 2, e, ' ');
		bool valid = ref_number(req + 2, sp, &off) && sp < e && sp + 1 < e &&
			     off <= MEM && (uint64_t)(e - sp - 1) <= MEM - off;
		if (valid) {
			memcpy(shadow + off, sp + 1, (size_t)(e - sp - 1));
			if (!sync_err && (r < 3 || memcmp(buf, "OK ", 3)))
				fail("valid write not acknowledged", req, n);
		} else if (r >= 3 && !memcmp(buf, "OK ", 3)) {
			fail("invalid write acknowledged", req, n);
		}
	} else if (nl - req == 1 && req[0] == 'C') {
		char text[24];
		int tl;
		memcpy(&counter, shadow, 8);
		tl = snprintf(text, sizeof(text), "%llu", (unsigned long long)(counter + 1));
		if ((size_t)tl <= n) {
			memcpy(shadow, &(uint64_t){ counter + 1 }, 8);
			if (!sync_err && (r != (size_t)tl || memcmp(buf, text, r)))
				fail("counter reply", req, n);
		}
	} else if (nl - req >= 2 && req[0] == 'R' && req[1] == ' ') {
		sp = find(req + 2, nl, ' ');
		bool valid = ref_number(req + 2, sp, &off) && sp < nl &&
			     ref_number(sp + 1, nl, &len) && len >= 1 && len <= STORE_READ_MAX &&
			     off <= MEM && len <= MEM - off && len <= n;
		if (valid && (r != len || memcmp(buf, shadow + off, len)))
			fail("valid read not answered with the store's bytes", req, n);
		if (!valid && (r == 0 || memcmp(buf, "ERR ", r < 4 ? r : 4) != 0))
			fail("invalid read not refused with ERR", req, n);
	}
	if (memcmp(mem, shadow, MEM) != 0)
		fail("store differs from the reference", req, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	sync_err = data[0] & 1 ? -5 : 0;
	memset(mem, 0, MEM);
	memset(shadow, 0, MEM);
	data++;
	size--;
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		if (n > 1500)
			n = 1500;
		one(data, n);
		data += n;
		size -= n;
	}
	return 0;
}
