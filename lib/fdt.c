/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Flattened device tree reader (devicetree-specification v0.4, chapter 5). One validating walk
 * over the structure block first (fdt_check_structure), then targeted walks. Every read is
 * checked against the block it belongs to: no offset or length in the blob is trusted.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/fdt.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

int fdt_open_blob(struct fdt *f, const void *blob, size_t max_size)
{
	const uint8_t *b = blob;
	size_t total, hdr, st_size;
	uint32_t version;

	if (!b || max_size < sizeof(struct fdt_header) - 4 || HDR(b, magic) != FDT_MAGIC)
		return -EINVAL;
	total = HDR(b, totalsize);
	version = HDR(b, version);
	if (version < 16 || HDR(b, last_comp_version) > 17 || total > max_size)
		return -EINVAL;
	hdr = version >= 17 ? sizeof(struct fdt_header) : sizeof(struct fdt_header) - 4;
	if (total < hdr || max_size < hdr)
		return -EINVAL;
	f->b = b;
	f->total = total;
	f->rsv_off = HDR(b, off_mem_rsvmap);
	f->st_off = HDR(b, off_dt_struct);
	f->str_off = HDR(b, off_dt_strings);
	f->str_size = HDR(b, size_dt_strings);
	/* Blocks start after the header; the reservation map needs room for its terminator. */
	if (f->rsv_off < hdr || f->rsv_off % 8 || f->rsv_off > total || total - f->rsv_off < 16)
		return -EINVAL;
	if (f->st_off < hdr || f->st_off % 4 || f->st_off > total)
		return -EINVAL;
	st_size = version >= 17 ? HDR(b, size_dt_struct) : total - f->st_off;
	if (st_size > total - f->st_off)
		return -EINVAL;
	f->st_end = f->st_off + st_size;
	if (f->str_off < hdr || f->str_off > total || f->str_size > total - f->str_off)
		return -EINVAL;
	return 0;
}

int fdt_check_header(const void *blob, size_t max_size, size_t *total)
{
	struct fdt f;
	int r = fdt_open_blob(&f, blob, max_size);
	if (r == 0 && total)
		*total = f.total;
	return r;
}

/* Decode the token at *off and advance past it; -EINVAL if any part lies out of bounds. */
static int tok_next(const struct fdt *f, size_t *off, struct fdt_tok *t)
{
	size_t o = *off, n;

	if (o < f->st_off || o > f->st_end || f->st_end - o < 4)
		return -EINVAL;
	t->type = get_be32(f->b + o);
	o += 4;
	switch (t->type) {
	case FDT_BEGIN_NODE:
		t->name = (const char *)f->b + o;
		n = strnlen(t->name, f->st_end - o);
		if (n == f->st_end - o)
			return -EINVAL;
		o += ALIGN4(n + 1);
		break;
	case FDT_PROP:
		if (f->st_end - o < 8)
			return -EINVAL;
		t->len = get_be32(f->b + o);
		n = get_be32(f->b + o + 4); /* name offset in the strings block */
		o += 8;
		if (t->len > f->st_end - o || n >= f->str_size)
			return -EINVAL;
		t->name = (const char *)f->b + f->str_off + n;
		if (strnlen(t->name, f->str_size - n) == f->str_size - n)
			return -EINVAL;
		t->val = f->b + o;
		o += ALIGN4((size_t)t->len);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return -EINVAL;
	}
	if (o > f->st_end)
		return -EINVAL;
	*off = o;
	return 0;
}

void fdt_walk_start(const struct fdt *f, struct fdt_walk *w)
{
	w->off = f->st_off;
	w->depth = -1;
	w->root_done = false;
}

/*
 * Advance to the next node. Returns 1 (node at w->node[w->depth]), 0 at FDT_END, or -EINVAL.
 * Enforces the spec's shape on every walk: one root, properties before subnodes, balanced
 * nesting, bounded depth.
 */
int fdt_walk_next(const struct fdt *f, struct fdt_walk *w)
{
	struct fdt_tok t;

	for (;;) {
		size_t at = w->off;
		if (tok_next(f, &w->off, &t))
			return -EINVAL;
		switch (t.type) {
		case FDT_BEGIN_NODE:
			if (w->depth + 1 >= FDT_MAX_DEPTH || (w->depth < 0 && w->root_done))
				return -EINVAL;
			if (w->depth >= 0)
				w->has_child[w->depth] = true;
			w->depth++;
			w->node[w->depth] = at;
			w->has_child[w->depth] = false;
			return 1;
		case FDT_END_NODE:
			if (w->depth < 0)
				return -EINVAL;
			if (--w->depth < 0)
				w->root_done = true;
			break;
		case FDT_PROP:
			if (w->depth < 0 || w->has_child[w->depth])
				return -EINVAL;
			break;
		case FDT_END:
			return w->depth < 0 && w->root_done ? 0 : -EINVAL;
		default: /* FDT_NOP */
			break;
		}
	}
}

const char *fdt_node_name(const struct fdt *f, size_t node)
{
	return (const char *)f->b + node + 4; /* validated by walk_next */
}

/* The node's property named name[0..nlen), or NULL. */
const uint8_t *fdt_get_propn(const struct fdt *f, size_t node, const char *name, size_t nlen,
			     uint32_t *len)
{
	struct fdt_tok t;
	size_t off = node;

	if (tok_next(f, &off, &t) || t.type != FDT_BEGIN_NODE)
		return NULL;
	while (tok_next(f, &off, &t) == 0 && (t.type == FDT_PROP || t.type == FDT_NOP)) {
		if (t.type == FDT_PROP && strncmp(t.name, name, nlen) == 0 && t.name[nlen] == 0) {
			*len = t.len;
			return t.val;
		}
	}
	return NULL;
}

const uint8_t *fdt_get_prop(const struct fdt *f, size_t node, const char *name, uint32_t *len)
{
	return fdt_get_propn(f, node, name, strlen(name), len);
}

/* A one-cell property: def if absent, -EINVAL if its length is not 4. */
int fdt_prop_u32(const struct fdt *f, size_t node, const char *name, uint32_t def, uint32_t *out)
{
	uint32_t len;
	const uint8_t *v = fdt_get_prop(f, node, name, &len);
	*out = def;
	if (!v)
		return 0;
	if (len != 4)
		return -EINVAL;
	*out = get_be32(v);
	return 0;
}

/* A frequency may be <u32> or <u64> (spec 3.7, 3.8); ours must fit in 32 bits. */
int fdt_prop_freq(const struct fdt *f, size_t node, const char *name, uint32_t *out)
{
	uint32_t len;
	const uint8_t *v = fdt_get_prop(f, node, name, &len);
	uint64_t x;
	if (!v)
		return 0;
	if (len != 4 && len != 8)
		return -EINVAL;
	x = len == 4 ? get_be32(v) : get_be64(v);
	if (x > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

/* A string property we hand out as a C string: it must end in NUL inside its length. */
int fdt_prop_str(const struct fdt *f, size_t node, const char *name, const char **out)
{
	uint32_t len;
	const uint8_t *v = fdt_get_prop(f, node, name, &len);
	if (!v)
		return 0;
	if (len == 0 || v[len - 1] != 0)
		return -EINVAL;
	*out = (const char *)v;
	return 0;
}

/* Does the stringlist property name contain s? Bounded by the property length. */
bool fdt_prop_has(const struct fdt *f, size_t node, const char *name, const char *s)
{
	uint32_t len, pos = 0;
	const uint8_t *v = fdt_get_prop(f, node, name, &len);
	size_t slen = strlen(s);
	while (v && pos < len) {
		size_t n = strnlen((const char *)v + pos, len - pos);
		if (n == slen && memcmp(v + pos, s, n) == 0)
			return true;
		pos += (uint32_t)n + 1;
	}
	return false;
}

bool fdt_node_ok(const struct fdt *f, size_t node)
{
	uint32_t len;
	return !fdt_get_prop(f, node, "status", &len) || fdt_prop_has(f, node, "status", "okay") ||
	       fdt_prop_has(f, node, "status", "ok");
}

int fdt_node_cells(const struct fdt *f, size_t node, struct fdt_cells *c)
{
	if (fdt_prop_u32(f, node, "#address-cells", 2, &c->ac) ||
	    fdt_prop_u32(f, node, "#size-cells", 1, &c->sc))
		return -EINVAL;
	return c->ac > FDT_MAX_CELLS || c->sc > FDT_MAX_CELLS ? -EINVAL : 0;
}

/* n big-endian cells as one number; cells above 64 bits are shifted out. */
uint64_t fdt_cells_get(const uint8_t *v, uint32_t n)
{
	uint64_t x = 0;
	for (uint32_t i = 0; i < n; i++)
		x = x << 32 | get_be32(v + (size_t)4 * i);
	return x;
}

/* Base name up to '@' equals s (root-level nodes such as "chosen" or "cpus"). */
bool fdt_name_is(const char *name, const char *s)
{
	size_t n = strlen(s);
	return strncmp(name, s, n) == 0 && (name[n] == 0 || name[n] == '@');
}

/*
 * Append the node's reg entries (in its parent's cells pc) to out[*n..max), skipping empty
 * ones. Returns how many entries reg has (0 if absent), or -EINVAL if its length is wrong.
 */
int fdt_reg_append(const struct fdt *f, size_t node, struct fdt_cells pc, struct fdt_range *out,
		   int *n, int max)
{
	uint32_t len, step = 4 * (pc.ac + pc.sc), cnt;
	const uint8_t *v = fdt_get_prop(f, node, "reg", &len);
	if (!v)
		return 0;
	if (step == 0 || len % step || pc.ac == 0)
		return -EINVAL;
	cnt = len / step;
	for (uint32_t i = 0; i < cnt; i++, v += step) {
		uint64_t size = fdt_cells_get(v + (size_t)4 * pc.ac, pc.sc);
		if (size == 0)
			continue;
		if (*n >= max) {
			pr_warn("fdt: %s: more than %d ranges, rest ignored\n",
				fdt_node_name(f, node), max);
			break;
		}
		out[*n].base = fdt_cells_get(v, pc.ac);
		out[*n].size = size;
		(*n)++;
	}
	return (int)cnt;
}

/* A device's first reg entry; a supported device without one is malformed. */
int fdt_reg_first(const struct fdt *f, size_t node, struct fdt_cells pc, uint64_t *base,
		  uint64_t *size)
{
	struct fdt_range r;
	int n = 0;
	if (fdt_reg_append(f, node, pc, &r, &n, 1) <= 0 || n != 1)
		return -EINVAL;
	*base = r.base;
	*size = r.size;
	return 0;
}

/* Path components compare by full name, or by base name when the component has no '@'. */
static bool comp_match(const char *name, const char *c, size_t clen)
{
	bool unit = false;
	for (size_t i = 0; i < clen; i++)
		unit |= c[i] == '@';
	if (strncmp(name, c, clen) != 0)
		return false;
	return name[clen] == 0 || (!unit && name[clen] == '@');
}

/* Find the node at absolute path[0..plen). Returns 0 and *node, -ENOENT, or -EINVAL. */
int fdt_find_path(const struct fdt *f, const char *path, size_t plen, size_t *node)
{
	const char *comp[FDT_MAX_DEPTH];
	size_t clen[FDT_MAX_DEPTH], i = 0;
	int ncomp = 0, matched = 0, r;
	struct fdt_walk w;

	if (plen == 0 || path[0] != '/')
		return -ENOENT;
	while (i < plen) {
		size_t s;
		while (i < plen && path[i] == '/')
			i++;
		if (i == plen)
			break;
		if (ncomp == FDT_MAX_DEPTH - 1)
			return -ENOENT;
		for (s = i; i < plen && path[i] != '/'; i++)
			;
		comp[ncomp] = path + s;
		clen[ncomp++] = i - s;
	}
	fdt_walk_start(f, &w);
	while ((r = fdt_walk_next(f, &w)) > 0) {
		int d = w.depth;
		if (d == 0 && ncomp == 0) {
			*node = w.node[0];
			return 0;
		}
		if (d == 0 || d > matched + 1)
			continue;
		matched = d - 1; /* back at a sibling of (or above) the last match */
		if (d <= ncomp &&
		    comp_match(fdt_node_name(f, w.node[d]), comp[d - 1], clen[d - 1])) {
			matched = d;
			if (d == ncomp) {
				*node = w.node[d];
				return 0;
			}
		}
	}
	return r < 0 ? r : -ENOENT;
}

/* The node's phandle (phandle, else linux,phandle), 0 if it has none. */
uint32_t fdt_node_phandle(const struct fdt *f, size_t node)
{
	uint32_t v = 0;
	if (fdt_prop_u32(f, node, "phandle", 0, &v) || v == 0)
		fdt_prop_u32(f, node, "linux,phandle", 0, &v);
	return v;
}

/* Find the node whose phandle is ph, and its parent (0 for the root). */
int fdt_find_phandle(const struct fdt *f, uint32_t ph, size_t *node, size_t *parent)
{
	struct fdt_walk w;

	if (ph == 0 || ph == 0xffffffffu)
		return -EINVAL;
	fdt_walk_start(f, &w);
	while (fdt_walk_next(f, &w) > 0) {
		size_t n = w.node[w.depth];
		if (fdt_node_phandle(f, n) == ph) {
			*node = n;
			*parent = w.depth > 0 ? w.node[w.depth - 1] : 0;
			return 0;
		}
	}
	return -EINVAL; /* a dangling phandle is a malformed tree */
}

/* A property of 32-bit cells: 0 with *ncells = 0 when absent, -EINVAL when not whole cells. */
int fdt_prop_cells(const struct fdt *f, size_t node, const char *name, const uint8_t **v,
		   uint32_t *ncells)
{
	uint32_t len = 0;
	*v = fdt_get_prop(f, node, name, &len);
	*ncells = *v ? len / 4 : 0;
	return *v && len % 4 ? -EINVAL : 0;
}

/* #address-cells (default 0, as Linux's of_irq_parse_raw) and #interrupt-cells (required)
 * of the interrupt controller ph. */
int fdt_irq_parent_cells(const struct fdt *f, uint32_t ph, uint32_t *ac, uint32_t *ic, size_t *node,
			 size_t *parent)
{
	if (fdt_find_phandle(f, ph, node, parent) ||
	    fdt_prop_u32(f, *node, "#address-cells", 0, ac) ||
	    fdt_prop_u32(f, *node, "#interrupt-cells", 0, ic))
		return -EINVAL;
	return *ac > FDT_MAX_CELLS || *ic == 0 || *ic > FDT_MAX_CELLS ? -EINVAL : 0;
}

/* The whole structure block must be well formed before any targeted lookup trusts it. */
int fdt_check_structure(const struct fdt *f)
{
	struct fdt_walk w;
	int r;
	fdt_walk_start(f, &w);
	while ((r = fdt_walk_next(f, &w)) > 0)
		;
	return r;
}
