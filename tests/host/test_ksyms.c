/* SPDX-License-Identifier: BSD-2-Clause */
/* ksyms_lookup on hand-built tables: exact and inner addresses, bounds, malformed tables. */
#include <stdint.h>
#include <string.h>
#include "lib/errno.h"
#include "lib/ksyms.h"
#include "tests/host/test.h"

static uint64_t tab[16]; /* 8-byte aligned, as the .ksyms section is */

/* Three functions at offsets 0, 0x40 and 0x100, linked at 0x80200000. */
static size_t build(void)
{
	uint32_t *w = (uint32_t *)tab;
	static const char names[] = "alpha\0beta\0gamma";
	memset(tab, 0, sizeof(tab));
	w[0] = 0x4D59534B;
	w[1] = 3;
	tab[1] = 0x80200000;
	uint32_t e[6] = { 0, 0, 0x40, 6, 0x100, 11 };
	memcpy(w + 4, e, sizeof(e));
	memcpy(w + 10, names, sizeof(names));
	return 40 + sizeof(names);
}

int main(void)
{
	struct ksym k;
	size_t len = build();
	ok(ksyms_lookup(tab, len, 0, &k) == 0 && !strcmp(k.name, "alpha") && k.offset == 0 &&
		   k.link == 0x80200000,
	   "offset 0");
	ok(ksyms_lookup(tab, len, 0x3f, &k) == 0 && !strcmp(k.name, "alpha") && k.offset == 0x3f,
	   "0x3f: %s+%lx", k.name, (unsigned long)k.offset);
	ok(ksyms_lookup(tab, len, 0x40, &k) == 0 && !strcmp(k.name, "beta") && k.offset == 0,
	   "0x40");
	ok(ksyms_lookup(tab, len, 0x1234, &k) == 0 && !strcmp(k.name, "gamma") &&
		   k.offset == 0x1134 && k.link == 0x80201234,
	   "past the last");
	ok(ksyms_link_start(tab, len) == 0x80200000, "link start");
	/* empty, short, bad magic, count larger than the table, name off the end */
	ok(ksyms_lookup(tab, 0, 0, &k) == -ENOENT, "empty table");
	ok(ksyms_lookup(NULL, 0, 0, &k) == -ENOENT, "no table");
	ok(ksyms_lookup(tab, 12, 0, &k) == -ENOENT, "short header");
	ok(ksyms_link_start(tab, 0) == 0, "link start of no table");
	((uint32_t *)tab)[1] = 1000;
	ok(ksyms_lookup(tab, len, 0, &k) == -ENOENT, "count beyond the table");
	build();
	((uint32_t *)tab)[9] = 200; /* gamma's name offset off the end */
	ok(ksyms_lookup(tab, len, 0x100, &k) == -ENOENT, "name off the end");
	build();
	ok(ksyms_lookup(tab, len - 1, 0x100, &k) == -ENOENT, "name without its NUL");
	ok(ksyms_lookup(tab, len - 1, 0x40, &k) == 0, "an earlier name still resolves");
	((uint32_t *)tab)[0] = 0;
	ok(ksyms_lookup(tab, len, 0, &k) == -ENOENT, "bad magic");
	TEST_DONE();
}
