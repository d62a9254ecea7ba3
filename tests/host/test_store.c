/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store protocol (app/store_proto.c) over plain memory: strict numbers, the reply never
 * longer than the request (padding), ranges, sync failures, the counter.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "app/store.h"
#include "tests/host/test.h"

static uint8_t mem[4096];
static struct store_stats st;
static int syncs, sync_err;

static int fake_sync(void *addr, size_t len)
{
	(void)addr;
	(void)len;
	syncs++;
	return sync_err;
}

static const struct store_backend be = { mem, sizeof(mem), fake_sync, &st, NULL };

/* Serve req (n bytes, padded with spaces to pad if larger); the reply as a string in out. */
static size_t ask(const char *req, size_t n, size_t pad, char *out)
{
	static uint8_t buf[2048];
	size_t r;
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, req, n);
	if (pad > n)
		buf[n] = '\n';
	r = store_handle(&be, buf, pad > n ? pad : n);
	memcpy(out, buf, r);
	out[r] = 0;
	return r;
}

static void test_requests(void)
{
	static const struct {
		const char *req;
		size_t pad; /* request length with padding (0: as it is) */
		const char *reply;
	} cases[] = {
		{ "W 100 hello", 0, "OK 5" },
		{ "R 100 5", 0, "hello" },
		{ "R 0x64 5", 0, "hello" },
		{ "R 100 5", 64, "hello" },	      /* padding after the newline */
		{ "R 100 5\n", 0, "hello" },	      /* nc's newline: 8 bytes, room for 5 */
		{ "R 0 64", 0, "ERR pa" },	      /* the reply would be longer: cut "ERR pad" */
		{ "R 0 64", 16, "ERR pad" },	      /* still longer than 16 */
		{ "R 4090 10", 32, "ERR range" },     /* past the end */
		{ "R 0 0", 32, "ERR range" },	      /* nothing */
		{ "R 0 1473", 1500, "ERR range" },    /* more than a datagram */
		{ "R 0\0junk 4", 0, "ERR syntax" },   /* the NUL inside a number */
		{ "R 1k 5", 32, "ERR syntax" },	      /* no suffixes */
		{ "R -1 5", 32, "ERR syntax" },	      /* no sign */
		{ "R +1 5", 32, "ERR syntax" },
		{ "R 0x 5", 32, "ERR syntax" },
		{ "R 12a 5", 32, "ERR syntax" },
		{ "R  100 5", 32, "ERR syntax" },     /* two spaces */
		{ "R 100 5 ", 32, "ERR syntax" },     /* trailing space */
		{ "R 100", 32, "ERR syntax" },
		{ "R 18446744073709551616 1", 64, "ERR syntax" }, /* overflow */
		/* W takes every byte after the offset as data: no padding, replies cut */
		{ "W 4095 ab", 0, "ERR range" },
		{ "W 1x 5", 0, "ERR sy" },
		{ "W 7", 0, "ERR" },
		{ "W 7 ", 0, "ERR " }, /* no data */
		{ "X", 32, "ERR syntax" },
		{ "C", 0, "1" },
		{ "C", 0, "2" },
		{ "C\n", 0, "3" },
		{ "Cx", 32, "ERR syntax" },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char out[2048];
		size_t n = strlen(cases[k].req);
		if (strncmp(cases[k].req, "R 0", 3) == 0 && cases[k].req[3] == 0)
			n = 11; /* the NUL case: its bytes go on past the C string */
		size_t r = ask(cases[k].req, n, cases[k].pad, out);
		size_t len = cases[k].pad > n ? cases[k].pad : n;
		ok(strcmp(out, cases[k].reply) == 0 && r <= len, "\"%.20s\" (%zu bytes): \"%s\"",
		   cases[k].req, len, out);
	}
	ok(memcmp(mem + 100, "hello", 5) == 0 && mem[0] == 3, "store contents");
	ok(st.bad_request >= 18 && st.too_short == 2 && st.reads == 4 && st.writes == 1 &&
		   st.counts == 3,
	   "counted: bad %llu short %llu", (unsigned long long)st.bad_request,
	   (unsigned long long)st.too_short);
}

static void test_counter_needs_room_and_sync_errors(void)
{
	char out[64];
	uint64_t nine = 9;
	memcpy(mem, &nine, 8);
	ok(ask("C", 1, 0, out) == 1 && strcmp(out, "E") == 0 && mem[0] == 9,
	   "C to 10 needs two bytes: not counted (%s)", out);
	ok(ask("C", 1, 4, out) == 2 && strcmp(out, "10") == 0, "padded: 10");
	sync_err = -5;
	ok(ask("W 0 zz", 6, 0, out) && strcmp(out, "ERR io") == 0 && st.io_errors == 1,
	   "failed sync: ERR io");
	sync_err = 0;
}

/* A device error in the mapping (region_copy failing) is "ERR io", for R, W and C alike. */
static int copy_err;
static int fake_copy(void *dst, const void *src, size_t n)
{
	if (copy_err)
		return copy_err;
	memcpy(dst, src, n);
	return 0;
}

static void test_device_errors(void)
{
	const struct store_backend dev = { mem, sizeof(mem), fake_sync, &st, fake_copy };
	static uint8_t buf[64];
	uint64_t io = st.io_errors;
	size_t r;
	copy_err = -5;
	memcpy(buf, "R 0 4\n                         ", 32);
	r = store_handle(&dev, buf, 32);
	ok(r == 6 && memcmp(buf, "ERR io", 6) == 0, "R: ERR io");
	memcpy(buf, "W 0 data", 8);
	r = store_handle(&dev, buf, 8);
	ok(r == 6 && memcmp(buf, "ERR io", 6) == 0, "W: ERR io");
	memcpy(buf, "C\n                      ", 24);
	r = store_handle(&dev, buf, 24);
	ok(r == 6 && memcmp(buf, "ERR io", 6) == 0, "C: ERR io");
	ok(st.io_errors == io + 3, "counted: %lu", (unsigned long)(st.io_errors - io));
	copy_err = 0;
	memcpy(buf, "W 0 data", 8);
	ok(store_handle(&dev, buf, 8) == 4 && memcmp(mem, "data", 4) == 0, "healthy again");
}

int main(void)
{
	test_requests();
	test_counter_needs_room_and_sync_errors();
	test_device_errors();
	TEST_DONE();
}
