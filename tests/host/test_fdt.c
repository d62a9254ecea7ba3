/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FDT reader (lib/fdt.c) and the machine description (dt_parse_machine) against DTBs
 * dumped from QEMU (tests/host/gen-dtbs.sh) and a synthetic tree, then against corrupted
 * blobs: each must parse or return -EINVAL, never read out of bounds. Every blob is copied
 * into a heap buffer of exactly the size we pass, so ASan sees overreads. The device helpers
 * and the driver core are tested in test_dt.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "drivers/core/dt.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/util.h"
#include "tests/host/fdt_build.h"
#include "tests/host/test.h"

/* Parse b, a heap buffer of exactly n bytes (so ASan flags any read past them). */
static int parse_checked(const uint8_t *c, size_t n, struct dt_machine *p)
{
	int r = dt_parse_machine(c, n, p);
	/* Strings handed out must lie inside the blob and end there. */
	if (r == 0 && p->bootargs)
		ok(p->bootargs >= (char *)c && p->bootargs < (char *)c + n &&
			   memchr(p->bootargs, 0, (size_t)((char *)c + n - p->bootargs)),
		   "bootargs outside blob");
	if (r == 0)
		ok(p->nmem <= DT_MAX_MEM && p->nreserved <= DT_MAX_RSV &&
			   p->ncpu_nodes <= DT_MAX_CPUS && p->ncpus <= p->ncpu_nodes,
		   "counts out of range");
	return r;
}

/* What QEMU 7.2's virt machine puts in every tree (checked with dtc -I dtb -O dts). */
static void check_virt_common(const char *name, const struct dt_machine *p)
{
	ok(p->nreserved == 0, "%s: reserved %d", name, p->nreserved);
	ok(p->stdout_path && !strcmp(p->stdout_path, "/soc/serial@10000000"), "%s: stdout", name);
	ok(p->stdout_node != 0, "%s: stdout node found", name);
	ok(p->timebase_hz == 10000000, "%s: timebase %u", name, p->timebase_hz);
	ok(p->ncpu_nodes == p->ncpus, "%s: %d cpu nodes", name, p->ncpu_nodes);
	for (int i = 0; i < p->ncpu_nodes; i++)
		ok(p->cpu[i].hart == (uint32_t)i && p->cpu[i].ok && p->cpu[i].isa &&
			   !strncmp(p->cpu[i].isa, "rv64imafdc", 10),
		   "%s: cpu %d = hart %u %s", name, i, p->cpu[i].hart,
		   p->cpu[i].isa ? p->cpu[i].isa : "(no isa)");
}

static const struct {
	const char *file;
	uint64_t mem;
	int ncpus;
	const char *bootargs;
} virt_cases[] = {
	{ "virt-e1000.dtb", 256ull << 20, 1, NULL },
	{ "virt-2e1000.dtb", 256ull << 20, 1, NULL },
	{ "virt-rootport.dtb", 256ull << 20, 1, NULL },
	{ "virt-64m.dtb", 64ull << 20, 1, NULL },
	{ "virt-2g.dtb", 2048ull << 20, 1, NULL },
	{ "virt-smp4.dtb", 256ull << 20, 4, NULL },
	{ "virt-append.dtb", 256ull << 20, 1, "ip=dhcp echo.port=7" },
	{ "virt-aplic.dtb", 256ull << 20, 2, NULL },
	{ "virt-aplic-imsic.dtb", 256ull << 20, 2, NULL },
	{ "virt-imsic-smp4.dtb", 256ull << 20, 4, NULL },
};

static void test_virt(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(virt_cases); i++) {
		const char *f = virt_cases[i].file;
		struct blob bl = load(f);
		struct dt_machine p;
		size_t total = 0;
		if (!bl.n)
			continue;
		ok(fdt_check_header(bl.b, bl.n, &total) == 0 && total == bl.n, "%s: header", f);
		ok(parse_checked(bl.b, bl.n, &p) == 0, "%s: parse failed", f);
		ok(p.nmem == 1 && p.mem[0].base == 0x80000000 && p.mem[0].size == virt_cases[i].mem,
		   "%s: mem %d %llx", f, p.nmem, (unsigned long long)p.mem[0].size);
		ok(p.ncpus == virt_cases[i].ncpus, "%s: ncpus %d", f, p.ncpus);
		if (virt_cases[i].bootargs)
			ok(p.bootargs && !strcmp(p.bootargs, virt_cases[i].bootargs),
			   "%s: bootargs", f);
		else
			ok(p.bootargs == NULL, "%s: unexpected bootargs", f);
		check_virt_common(f, &p);
		free(bl.b);
	}
}

static void check_synthetic(const struct dt_machine *p)
{
	static const struct fdt_range mem[] = { { 0x80000000, 0x10000000 },
						{ 0x100000000ull, 0x8000000 },
						{ 0x200000000ull, 0x400000 } };
	static const struct fdt_range rsv[] = { { 0x80000000, 0x200000 },
						{ 0x9f000000, 0x1000 },
						{ 0x80000000, 0x40000 },
						{ 0x90000000, 0x200000 } };

	ok(p->nmem == 3, "nmem %d", p->nmem);
	for (int i = 0; i < 3; i++)
		ok(p->mem[i].base == mem[i].base && p->mem[i].size == mem[i].size, "mem %d", i);
	ok(p->nreserved == 4, "nreserved %d", p->nreserved);
	for (int i = 0; i < 4; i++)
		ok(p->reserved[i].base == rsv[i].base && p->reserved[i].size == rsv[i].size,
		   "rsv %d", i);
	ok(p->bootargs && !strcmp(p->bootargs, "ip=10.0.2.15/24,10.0.2.2 echo.port=\"7\""),
	   "bootargs");
	ok(p->timebase_hz == 1000000 && p->ncpus == 2, "timebase %u ncpus %d", p->timebase_hz,
	   p->ncpus);
	ok(p->ncpu_nodes == 3 && !p->cpu[0].ok && p->cpu[1].ok && p->cpu[2].ok &&
		   p->cpu[2].hart == 3,
	   "cpu nodes: disabled ones are listed, not counted");
}

/* Overwrite the first occurrence of old in the blob with new (same length). */
static bool patch(struct blob bl, const char *old, const char *new)
{
	size_t n = strlen(old);
	for (size_t i = 0; i + n <= bl.n; i++)
		if (!memcmp(bl.b + i, old, n)) {
			memcpy(bl.b + i, new, n);
			return true;
		}
	return false;
}

static void test_synthetic(void)
{
	struct blob bl = load("synthetic.dtb");
	struct dt_machine p;
	if (!bl.n)
		return;
	ok(parse_checked(bl.b, bl.n, &p) == 0, "synthetic: parse failed");
	check_synthetic(&p);
	/* stdout-path through alias serial1 names the sifive UART although it comes second. */
	ok(p.stdout_path && !strcmp(p.stdout_path, "serial1:115200n8"), "stdout-path");
	ok(p.stdout_node && !strcmp((const char *)bl.b + p.stdout_node + 4, "serial@10010000"),
	   "stdout node through the alias");
	ok(patch(bl, "serial1:", "serial0:"), "patch");
	ok(parse_checked(bl.b, bl.n, &p) == 0 && p.stdout_node &&
		   !strcmp((const char *)bl.b + p.stdout_node + 4, "serial@10000000"),
	   "serial0 alias");
	/* An alias that does not exist: no stdout node (the console driver takes the first). */
	ok(patch(bl, "serial0:", "serial9:"), "patch");
	ok(parse_checked(bl.b, bl.n, &p) == 0 && p.stdout_node == 0, "missing alias");
	free(bl.b);
}

/* A larger buffer than totalsize is fine; a smaller one is not; version 16 headers work. */
static void test_header(void)
{
	struct blob bl = load("virt-e1000.dtb");
	struct dt_machine p;
	uint8_t *big;
	size_t total;
	if (!bl.n)
		return;
	big = calloc(1, 1 << 20);
	memcpy(big, bl.b, bl.n);
	ok(dt_parse_machine(big, 1 << 20, &p) == 0 && p.nmem == 1, "padded buffer");
	ok(fdt_check_header(big, bl.n - 1, &total) == -EINVAL, "max_size < totalsize");
	ok(dt_parse_machine(big, bl.n - 1, &p) == -EINVAL && p.nmem == 0, "blob_size < totalsize");
	ok(fdt_check_header(NULL, 100, &total) == -EINVAL, "NULL blob");
	ok(fdt_check_header(big, 8, &total) == -EINVAL, "tiny max_size");
	put_be32(big + 20, 16);
	ok(dt_parse_machine(big, bl.n, &p) == 0 && p.timebase_hz == 10000000, "version 16");
	free(big);
	free(bl.b);
}

/* Header field at byte offset off set to v must be rejected (by the header check too, if
 * hdr: the strings block's contents are only looked at by the parse). */
static void expect_bad(struct blob bl, size_t off, uint32_t v, bool hdr, const char *what)
{
	uint8_t *c = malloc(bl.n);
	struct dt_machine p;
	size_t total;
	memcpy(c, bl.b, bl.n);
	put_be32(c + off, v);
	ok((!hdr || fdt_check_header(c, bl.n, &total) == -EINVAL) &&
		   dt_parse_machine(c, bl.n, &p) == -EINVAL,
	   "%s accepted", what);
	free(c);
}

static void test_bad_headers(void)
{
	struct blob bl = load("virt-e1000.dtb");
	uint32_t st = 0, str = 0, ssize = 0;
	if (!bl.n)
		return;
	st = get_be32(bl.b + 8);
	str = get_be32(bl.b + 12);
	ssize = get_be32(bl.b + 32);
	expect_bad(bl, 0, 0xd00dfeee, true, "bad magic");
	expect_bad(bl, 4, 0xffffffff, true, "huge totalsize");
	expect_bad(bl, 4, (uint32_t)bl.n + 1, true, "totalsize past buffer");
	expect_bad(bl, 4, 20, true, "totalsize below header");
	expect_bad(bl, 8, (uint32_t)bl.n + 4, true, "struct offset past end");
	expect_bad(bl, 8, 0xfffffffc, true, "struct offset huge");
	expect_bad(bl, 8, 2 + st, true, "struct offset misaligned");
	expect_bad(bl, 8, 8, true, "struct offset inside header");
	expect_bad(bl, 36, (uint32_t)bl.n - st + 4, true, "struct size past end");
	expect_bad(bl, 36, 0xffffffff, true, "struct size huge");
	expect_bad(bl, 12, (uint32_t)bl.n + 1, true, "strings offset past end");
	expect_bad(bl, 32, (uint32_t)bl.n - str + 1, true, "strings size past end");
	expect_bad(bl, 32, ssize - 1, false, "last string unterminated");
	expect_bad(bl, 32, 0, false, "empty strings block");
	expect_bad(bl, 16, (uint32_t)bl.n, true, "rsvmap at end");
	expect_bad(bl, 16, 44, true, "rsvmap misaligned");
	expect_bad(bl, 20, 15, true, "version 15");
	expect_bad(bl, 24, 18, true, "last_comp_version 18");
	free(bl.b);
}

/* Offset of the first FDT_PROP token (the root's first property). */
static size_t first_prop(struct blob bl)
{
	size_t off = get_be32(bl.b + 8) + 4;
	off += (strlen((char *)bl.b + off) + 4) & ~(size_t)3;
	ok(get_be32(bl.b + off) == 3, "first prop token");
	return off;
}

static void test_bad_struct(void)
{
	struct blob bl = load("virt-e1000.dtb");
	uint32_t st, ssize;
	size_t prop;
	if (!bl.n)
		return;
	st = get_be32(bl.b + 8);
	ssize = get_be32(bl.b + 32);
	prop = first_prop(bl) - st;
	/* Fields inside the structure block, as offsets from its start. */
	struct {
		size_t off;
		uint32_t v;
		const char *what;
	} cases[] = {
		{ 0, 5, "unknown token" },
		{ 0, 2, "END_NODE first" },
		{ 0, 3, "PROP before root" },
		{ prop + 4, 0xffffffff, "prop len huge" },
		{ prop + 4, 0x7ffffff0, "prop len past struct" },
		{ prop + 8, ssize, "name offset at strings end" },
		{ prop + 8, ssize + 100, "name offset past strings" },
		{ prop + 8, 0xffffffff, "name offset huge" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t *c = malloc(bl.n);
		struct dt_machine p;
		memcpy(c, bl.b, bl.n);
		put_be32(c + st + cases[i].off, cases[i].v);
		ok(dt_parse_machine(c, bl.n, &p) == -EINVAL, "%s accepted", cases[i].what);
		free(c);
	}
	/* Node name running into the end of the structure block: size_dt_struct cut inside it. */
	{
		uint8_t *c = malloc(bl.n);
		struct dt_machine p;
		memcpy(c, bl.b, bl.n);
		put_be32(c + 36, 6); /* root BEGIN_NODE + 2 name bytes (the root's name is "") */
		c[st + 4] = 'x';
		c[st + 5] = 'y';
		ok(dt_parse_machine(c, bl.n, &p) == -EINVAL, "unterminated node name accepted");
		free(c);
	}
	free(bl.b);
}

static int fb_parse(const struct fb *f, struct dt_machine *p)
{
	struct blob bl = fb_blob(f);
	int r = parse_checked(bl.b, bl.n, p);
	free(bl.b);
	return r;
}

/* A root with one memory node, then whatever the case adds before closing the root. */
static void fb_root(struct fb *f)
{
	memset(f, 0, sizeof(*f));
	fb_begin(f, "");
	fb_cells(f, "#address-cells", 1, 2);
	fb_cells(f, "#size-cells", 1, 2);
	fb_begin(f, "memory@80000000");
	fb_str(f, "device_type", "memory");
	fb_cells(f, "reg", 4, 0, 0x80000000, 0, 0x1000000);
	fb_u32(f, 2);
}

static void fb_close(struct fb *f)
{
	fb_u32(f, 2);
	fb_u32(f, 9);
}

static void test_built(void)
{
	static struct fb f;
	struct dt_machine p;

	fb_root(&f);
	fb_u32(&f, 4); /* NOPs are allowed anywhere */
	fb_close(&f);
	ok(fb_parse(&f, &p) == 0 && p.nmem == 1 && p.mem[0].size == 0x1000000, "minimal tree");

	for (int depth = 30; depth <= 32; depth++) { /* the root plus depth levels */
		fb_root(&f);
		for (int i = 0; i < depth; i++)
			fb_begin(&f, "n");
		for (int i = 0; i < depth; i++)
			fb_u32(&f, 2);
		fb_close(&f);
		ok(fb_parse(&f, &p) == (depth < 32 ? 0 : -EINVAL), "depth %d", depth);
	}
	fb_root(&f);
	fb_str(&f, "late", "property after a subnode");
	fb_close(&f);
	ok(fb_parse(&f, &p) == -EINVAL, "property after subnode");
	fb_root(&f);
	fb_close(&f);
	f.sn -= 4;
	fb_begin(&f, "");
	fb_u32(&f, 2);
	fb_u32(&f, 9);
	ok(fb_parse(&f, &p) == -EINVAL, "two roots");
	fb_root(&f);
	fb_u32(&f, 2);
	ok(fb_parse(&f, &p) == -EINVAL, "no FDT_END");
	fb_root(&f);
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == -EINVAL, "extra END_NODE");
	fb_root(&f);
	fb_begin(&f, "chosen");
	fb_prop(&f, "bootargs", "ip=dhcp", 7);
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == -EINVAL, "bootargs without NUL");
	fb_root(&f);
	fb_begin(&f, "memory@90000000");
	fb_str(&f, "device_type", "memory");
	fb_cells(&f, "reg", 3, 0, 0x90000000, 0);
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == -EINVAL, "reg of 3 cells with 2+2 cell entries");
	fb_root(&f);
	fb_begin(&f, "bus");
	fb_cells(&f, "#address-cells", 1, 5);
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == -EINVAL, "#address-cells 5");
	fb_root(&f);
	fb_begin(&f, "memory@90000000");
	fb_str(&f, "device_type", "memory");
	for (int i = 0; i < 12; i++)
		fb_cells(&f, i ? "ignored-dup" : "reg", 40, 0, 0x90000000, 0, 0x1000, 0, 0xa0000000,
			 0, 0x1000, 0, 0xb0000000, 0, 0x1000, 0, 0xc0000000, 0, 0x1000, 0,
			 0xd0000000, 0, 0x1000, 0, 0xe0000000, 0, 0x1000, 0, 0xf0000000, 0, 0x1000,
			 1, 0, 0, 0x1000, 2, 0, 0, 0x1000, 3, 0, 0, 0x1000);
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == 0 && p.nmem == DT_MAX_MEM, "extra memory ranges dropped: %d",
	   p.nmem);
	fb_root(&f);
	fb_begin(&f, "cpus");
	fb_cells(&f, "#address-cells", 1, 1);
	fb_cells(&f, "#size-cells", 1, 0);
	fb_cells(&f, "timebase-frequency", 2, 0, 25000000); /* <u64> form */
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == 0 && p.timebase_hz == 25000000, "u64 timebase");
	fb_root(&f);
	fb_begin(&f, "cpus");
	fb_begin(&f, "cpu@1");
	fb_str(&f, "device_type", "cpu");
	fb_u32(&f, 2);
	fb_u32(&f, 2);
	fb_close(&f);
	ok(fb_parse(&f, &p) == -EINVAL, "cpu without reg");
}

/* Each shorter totalsize (and structure size) must fail cleanly, never read past it. */
static void test_truncation(void)
{
	struct blob bl = load("virt-smp4.dtb");
	struct dt_machine p;
	int bad = 0, parsed = 0;
	if (!bl.n)
		return;
	for (size_t n = 0; n < bl.n; n++) {
		uint8_t *c = malloc(n ? n : 1);
		memcpy(c, bl.b, n);
		bad += dt_parse_machine(c, n, &p) != -EINVAL; /* header still says bl.n */
		if (n >= 40) {
			put_be32(c + 4, (uint32_t)n);
			int r = dt_parse_machine(c, n, &p);
			bad += r != 0 && r != -EINVAL;
		}
		free(c);
	}
	for (uint32_t s = 0; s < get_be32(bl.b + 36); s++) {
		uint8_t *c = malloc(bl.n);
		memcpy(c, bl.b, bl.n);
		put_be32(c + 36, s);
		int r = dt_parse_machine(c, bl.n, &p);
		bad += r != 0 && r != -EINVAL;
		parsed += r == 0;
		free(c);
	}
	ok(bad == 0, "%d truncations misbehaved", bad);
	ok(parsed == 0, "%d truncated structure blocks parsed", parsed);
	free(bl.b);
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
	rng ^= rng << 13; /* xorshift32: fixed seed, reproducible */
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Random byte flips and word overwrites with values that hit length and offset checks. */
static void test_fuzz(const char *file, int iters)
{
	static const uint32_t words[] = { 0,	  1,	      2,	  3,	      4,
					  9,	  0x7fffffff, 0xffffffff, 0xfffffffc, 0x80000000,
					  0x1000, 0x100,      16,	  40 };
	struct blob bl = load(file);
	struct dt_machine p;
	int bad = 0, parsed = 0;
	if (!bl.n)
		return;
	uint8_t *c = malloc(bl.n);
	for (int it = 0; it < iters; it++) {
		memcpy(c, bl.b, bl.n);
		int flips = 1 + rnd() % 4;
		for (int k = 0; k < flips; k++) {
			size_t off = rnd() % bl.n;
			if (rnd() % 2)
				c[off] ^= (uint8_t)(1u << (rnd() % 8));
			else if (off + 4 <= bl.n)
				put_be32(c + (off & ~(size_t)3), words[rnd() % 14]);
		}
		int r = parse_checked(c, bl.n, &p);
		bad += r != 0 && r != -EINVAL;
		parsed += r == 0;
	}
	ok(bad == 0, "%s: %d bad results", file, bad);
	ok(parsed > 0 && parsed < iters, "%s: %d of %d parsed (mutations should do both)", file,
	   parsed, iters);
	printf("fuzz %s: %d iterations, %d parsed, %d rejected\n", file, iters, parsed,
	       iters - parsed);
	free(c);
	free(bl.b);
}

int main(void)
{
	test_virt();
	test_synthetic();
	test_header();
	test_bad_headers();
	test_bad_struct();
	test_built();
	test_truncation();
	/* FDT_FUZZ_ITERS=1000000 for a longer run; FDT_FUZZ_SEED for other mutations. */
	int iters = getenv("FDT_FUZZ_ITERS") ? atoi(getenv("FDT_FUZZ_ITERS")) : 20000;
	if (getenv("FDT_FUZZ_SEED"))
		rng = (uint32_t)strtoul(getenv("FDT_FUZZ_SEED"), NULL, 0) | 1;
	test_fuzz("virt-e1000.dtb", iters);
	test_fuzz("virt-smp4.dtb", iters / 4);
	test_fuzz("synthetic.dtb", iters);
	TEST_DONE();
}
