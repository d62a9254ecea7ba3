/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host-test helpers for device trees: load a DTB from tests/host/data/ into a heap buffer of
 * exactly its size (so ASan sees overreads), and a minimal FDT writer for trees dtc will not
 * produce (it refuses malformed ones). Header-only: each test program includes it once.
 */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/byteorder.h"
#include "tests/host/test.h"

struct blob {
	uint8_t *b;
	size_t n;
};

static struct blob load(const char *name)
{
	char path[256];
	struct blob bl = { NULL, 0 };
	FILE *fp;
	long n;
	snprintf(path, sizeof(path), "tests/host/data/%s", name);
	fp = fopen(path, "rb");
	ok(fp != NULL, "cannot open %s (run from the repository root)", path);
	if (!fp)
		return bl;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	bl.b = malloc((size_t)n);
	bl.n = fread(bl.b, 1, (size_t)n, fp) == (size_t)n ? (size_t)n : 0;
	fclose(fp);
	return bl;
}

/* A minimal FDT writer for trees dtc will not produce (it refuses malformed ones). */
struct fb {
	uint8_t st[8192];
	size_t sn;
	char str[1024];
	size_t strn;
};

static void fb_u32(struct fb *f, uint32_t v)
{
	put_be32(f->st + f->sn, v);
	f->sn += 4;
}

static void fb_bytes(struct fb *f, const void *v, size_t n)
{
	memcpy(f->st + f->sn, v, n);
	memset(f->st + f->sn + n, 0, 3);
	f->sn += (n + 3) & ~(size_t)3;
}

static void fb_begin(struct fb *f, const char *name)
{
	fb_u32(f, 1);
	fb_bytes(f, name, strlen(name) + 1);
}

static void fb_prop(struct fb *f, const char *name, const void *v, size_t n)
{
	fb_u32(f, 3);
	fb_u32(f, (uint32_t)n);
	fb_u32(f, (uint32_t)f->strn);
	memcpy(f->str + f->strn, name, strlen(name) + 1);
	f->strn += strlen(name) + 1;
	fb_bytes(f, v, n);
}

static void fb_str(struct fb *f, const char *name, const char *v)
{
	fb_prop(f, name, v, strlen(v) + 1);
}

/* Property of n cells given as arguments. */
static void fb_cells(struct fb *f, const char *name, int n, ...)
{
	uint8_t v[256];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		put_be32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	fb_prop(f, name, v, 4 * (size_t)n);
}

/* Header, an empty reservation map, the structure block, the strings block. */
static struct blob fb_blob(const struct fb *f)
{
	struct blob bl;
	size_t st = 56, str = st + f->sn;
	bl.n = str + f->strn;
	bl.b = calloc(1, bl.n);
	put_be32(bl.b, 0xd00dfeed);
	put_be32(bl.b + 4, (uint32_t)bl.n);
	put_be32(bl.b + 8, (uint32_t)st);
	put_be32(bl.b + 12, (uint32_t)str);
	put_be32(bl.b + 16, 40);
	put_be32(bl.b + 20, 17);
	put_be32(bl.b + 24, 16);
	put_be32(bl.b + 32, (uint32_t)f->strn);
	put_be32(bl.b + 36, (uint32_t)f->sn);
	memcpy(bl.b + st, f->st, f->sn);
	memcpy(bl.b + str, f->str, f->strn);
	return bl;
}

