/*
 * Flattened device tree reader (devicetree-specification v0.4, chapter 5). One validating walk
 * over the structure block first, then targeted walks that fill struct platform. Every read is
 * checked against the block it belongs to: no offset or length in the blob is trusted.
 */
#include <stddef.h>
#include <stdint.h>
#include "boot/fdt.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4
#define FDT_END	       9
/* Real trees are 4-6 levels deep; the bound keeps the walk's stack fixed. */
#define FDT_MAX_DEPTH 32
/* Largest #address-cells / #size-cells / #interrupt-cells we accept (Linux: 4). */
#define FDT_MAX_CELLS 4
#define ALIGN4(x)     (((x) + 3) & ~(size_t)3)

/* Spec 5.2: all fields big-endian. Version 16 headers end before size_dt_struct. */
struct fdt_header {
	uint32_t magic;
	uint32_t totalsize;
	uint32_t off_dt_struct;
	uint32_t off_dt_strings;
	uint32_t off_mem_rsvmap;
	uint32_t version;
	uint32_t last_comp_version;
	uint32_t boot_cpuid_phys;
	uint32_t size_dt_strings;
	uint32_t size_dt_struct;
};
_Static_assert(sizeof(struct fdt_header) == 40, "fdt header v17 is 40 bytes");
_Static_assert(offsetof(struct fdt_header, size_dt_struct) == 36, "v16 header is 36 bytes");

#define HDR(b, field) get_be32((const uint8_t *)(b) + offsetof(struct fdt_header, field))

/* The blob's blocks, as absolute byte offsets; all checked against totalsize. */
struct fdt {
	const uint8_t *b;
	size_t total;
	size_t st_off, st_end; /* structure block [st_off, st_end) */
	size_t str_off, str_size;
	size_t rsv_off;
};

struct tok {
	uint32_t type;
	const char *name;   /* node name, or property name in the strings block */
	const uint8_t *val; /* property value, len bytes inside the structure block */
	uint32_t len;
};

/* Depth-first walk. node[d] is the BEGIN_NODE offset of the current node's ancestor at d. */
struct walk {
	size_t off;
	int depth;
	bool root_done;
	size_t node[FDT_MAX_DEPTH];
	bool has_child[FDT_MAX_DEPTH];
};

struct cells {
	uint32_t ac, sc; /* #address-cells, #size-cells of a node (for its children) */
};

struct parse {
	const struct fdt *f;
	struct platform *p;
	size_t stdout_node; /* 0 = none (offset 0 is the header, never a node) */
	bool uart_is_stdout;
};

static int open_blob(struct fdt *f, const void *blob, size_t max_size)
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
	int r = open_blob(&f, blob, max_size);
	if (r == 0 && total)
		*total = f.total;
	return r;
}

/* Decode the token at *off and advance past it; -EINVAL if any part lies out of bounds. */
static int tok_next(const struct fdt *f, size_t *off, struct tok *t)
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

static void walk_start(const struct fdt *f, struct walk *w)
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
static int walk_next(const struct fdt *f, struct walk *w)
{
	struct tok t;

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

static const char *node_name(const struct fdt *f, size_t node)
{
	return (const char *)f->b + node + 4; /* validated by walk_next */
}

/* The node's property named name[0..nlen), or NULL. */
static const uint8_t *get_propn(const struct fdt *f, size_t node, const char *name, size_t nlen,
				uint32_t *len)
{
	struct tok t;
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

static const uint8_t *get_prop(const struct fdt *f, size_t node, const char *name, uint32_t *len)
{
	return get_propn(f, node, name, strlen(name), len);
}

/* A one-cell property: def if absent, -EINVAL if its length is not 4. */
static int prop_u32(const struct fdt *f, size_t node, const char *name, uint32_t def, uint32_t *out)
{
	uint32_t len;
	const uint8_t *v = get_prop(f, node, name, &len);
	*out = def;
	if (!v)
		return 0;
	if (len != 4)
		return -EINVAL;
	*out = get_be32(v);
	return 0;
}

/* A frequency may be <u32> or <u64> (spec 3.7, 3.8); ours must fit in 32 bits. */
static int prop_freq(const struct fdt *f, size_t node, const char *name, uint32_t *out)
{
	uint32_t len;
	const uint8_t *v = get_prop(f, node, name, &len);
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
static int prop_str(const struct fdt *f, size_t node, const char *name, const char **out)
{
	uint32_t len;
	const uint8_t *v = get_prop(f, node, name, &len);
	if (!v)
		return 0;
	if (len == 0 || v[len - 1] != 0)
		return -EINVAL;
	*out = (const char *)v;
	return 0;
}

/* Does the stringlist property name contain s? Bounded by the property length. */
static bool prop_has(const struct fdt *f, size_t node, const char *name, const char *s)
{
	uint32_t len, pos = 0;
	const uint8_t *v = get_prop(f, node, name, &len);
	size_t slen = strlen(s);
	while (v && pos < len) {
		size_t n = strnlen((const char *)v + pos, len - pos);
		if (n == slen && memcmp(v + pos, s, n) == 0)
			return true;
		pos += (uint32_t)n + 1;
	}
	return false;
}

static bool node_ok(const struct fdt *f, size_t node)
{
	uint32_t len;
	return !get_prop(f, node, "status", &len) || prop_has(f, node, "status", "okay") ||
	       prop_has(f, node, "status", "ok");
}

static int node_cells(const struct fdt *f, size_t node, struct cells *c)
{
	if (prop_u32(f, node, "#address-cells", 2, &c->ac) ||
	    prop_u32(f, node, "#size-cells", 1, &c->sc))
		return -EINVAL;
	return c->ac > FDT_MAX_CELLS || c->sc > FDT_MAX_CELLS ? -EINVAL : 0;
}

/* n big-endian cells as one number; cells above 64 bits are shifted out. */
static uint64_t cells_get(const uint8_t *v, uint32_t n)
{
	uint64_t x = 0;
	for (uint32_t i = 0; i < n; i++)
		x = x << 32 | get_be32(v + (size_t)4 * i);
	return x;
}

/* Base name up to '@' equals s (root-level nodes such as "chosen" or "cpus"). */
static bool name_is(const char *name, const char *s)
{
	size_t n = strlen(s);
	return strncmp(name, s, n) == 0 && (name[n] == 0 || name[n] == '@');
}

/*
 * Append the node's reg entries (in its parent's cells pc) to out[*n..max), skipping empty
 * ones. Returns how many entries reg has (0 if absent), or -EINVAL if its length is wrong.
 */
static int reg_append(const struct fdt *f, size_t node, struct cells pc, struct fdt_range *out,
		      int *n, int max)
{
	uint32_t len, step = 4 * (pc.ac + pc.sc), cnt;
	const uint8_t *v = get_prop(f, node, "reg", &len);
	if (!v)
		return 0;
	if (step == 0 || len % step || pc.ac == 0)
		return -EINVAL;
	cnt = len / step;
	for (uint32_t i = 0; i < cnt; i++, v += step) {
		uint64_t size = cells_get(v + (size_t)4 * pc.ac, pc.sc);
		if (size == 0)
			continue;
		if (*n >= max) {
			pr_warn("fdt: %s: more than %d ranges, rest ignored\n", node_name(f, node),
				max);
			break;
		}
		out[*n].base = cells_get(v, pc.ac);
		out[*n].size = size;
		(*n)++;
	}
	return (int)cnt;
}

/* A device's first reg entry; a supported device without one is malformed. */
static int reg_first(const struct fdt *f, size_t node, struct cells pc, uint64_t *base,
		     uint64_t *size)
{
	struct fdt_range r;
	int n = 0;
	if (reg_append(f, node, pc, &r, &n, 1) <= 0 || n != 1)
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
static int find_path(const struct fdt *f, const char *path, size_t plen, size_t *node)
{
	const char *comp[FDT_MAX_DEPTH];
	size_t clen[FDT_MAX_DEPTH], i = 0;
	int ncomp = 0, matched = 0, r;
	struct walk w;

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
	walk_start(f, &w);
	while ((r = walk_next(f, &w)) > 0) {
		int d = w.depth;
		if (d == 0 && ncomp == 0) {
			*node = w.node[0];
			return 0;
		}
		if (d == 0 || d > matched + 1)
			continue;
		matched = d - 1; /* back at a sibling of (or above) the last match */
		if (d <= ncomp && comp_match(node_name(f, w.node[d]), comp[d - 1], clen[d - 1])) {
			matched = d;
			if (d == ncomp) {
				*node = w.node[d];
				return 0;
			}
		}
	}
	return r < 0 ? r : -ENOENT;
}

/* Find the node whose phandle is ph, and its parent (0 for the root). */
static int find_phandle(const struct fdt *f, uint32_t ph, size_t *node, size_t *parent)
{
	struct walk w;

	if (ph == 0 || ph == 0xffffffffu)
		return -EINVAL;
	walk_start(f, &w);
	while (walk_next(f, &w) > 0) {
		size_t n = w.node[w.depth];
		uint32_t v;
		if (prop_u32(f, n, "phandle", 0, &v) == 0 && v == 0)
			prop_u32(f, n, "linux,phandle", 0, &v);
		if (v == ph) {
			*node = n;
			*parent = w.depth > 0 ? w.node[w.depth - 1] : 0;
			return 0;
		}
	}
	return -EINVAL; /* a dangling phandle is a malformed tree */
}

/* #address-cells (default 0, as Linux's of_irq_parse_raw) and #interrupt-cells (required)
 * of the interrupt controller ph. */
static int irq_parent_cells(const struct fdt *f, uint32_t ph, uint32_t *ac, uint32_t *ic,
			    size_t *node, size_t *parent)
{
	if (find_phandle(f, ph, node, parent) || prop_u32(f, *node, "#address-cells", 0, ac) ||
	    prop_u32(f, *node, "#interrupt-cells", 0, ic))
		return -EINVAL;
	return *ac > FDT_MAX_CELLS || *ic == 0 || *ic > FDT_MAX_CELLS ? -EINVAL : 0;
}

/* Spec 5.3: (address, size) u64 pairs until an all-zero entry, all inside totalsize. */
static int parse_rsvmap(const struct fdt *f, struct platform *p)
{
	for (size_t off = f->rsv_off; off <= f->total - 16; off += 16) {
		uint64_t base = get_be64(f->b + off), size = get_be64(f->b + off + 8);
		if (base == 0 && size == 0)
			return 0;
		if (size == 0)
			continue;
		if (p->nreserved == FDT_MAX_RSV) {
			pr_warn("fdt: more than %d reserved ranges, rest ignored\n", FDT_MAX_RSV);
			return 0;
		}
		p->reserved[p->nreserved].base = base;
		p->reserved[p->nreserved++].size = size;
	}
	return -EINVAL; /* no terminator */
}

/* stdout-path is "path-or-alias[:options]" (spec 3.6). */
static int resolve_stdout(const struct fdt *f, const char *s, size_t *node)
{
	size_t n = 0, aliases;
	uint32_t len;
	const uint8_t *v;

	while (s[n] && s[n] != ':')
		n++;
	if (s[0] == '/')
		return find_path(f, s, n, node);
	if (find_path(f, "/aliases", 8, &aliases))
		return -ENOENT;
	v = get_propn(f, aliases, s, n, &len);
	if (!v || len == 0 || v[len - 1] != 0)
		return -ENOENT;
	return find_path(f, (const char *)v, len - 1, node);
}

static int parse_chosen(struct parse *ps)
{
	const struct fdt *f = ps->f;
	struct platform *p = ps->p;
	size_t chosen;

	if (find_path(f, "/chosen", 7, &chosen))
		return 0;
	if (prop_str(f, chosen, "bootargs", &p->bootargs) ||
	    prop_str(f, chosen, "stdout-path", &p->stdout_path))
		return -EINVAL;
	if (!p->stdout_path && prop_str(f, chosen, "linux,stdout-path", &p->stdout_path))
		return -EINVAL;
	if (p->stdout_path && resolve_stdout(f, p->stdout_path, &ps->stdout_node))
		ps->stdout_node = 0; /* points nowhere we know: fall back to the first UART */
	return 0;
}

static int uart_kind(const struct fdt *f, size_t node)
{
	if (prop_has(f, node, "compatible", "ns16550a") ||
	    prop_has(f, node, "compatible", "ns16550") ||
	    prop_has(f, node, "compatible", "snps,dw-apb-uart"))
		return 1;
	return prop_has(f, node, "compatible", "sifive,uart0") ? 2 : 0;
}

/* The first supported UART, replaced by the stdout-path node when that one comes later. */
static int parse_uart(struct parse *ps, size_t node, struct cells pc, int kind)
{
	const struct fdt *f = ps->f;
	struct platform *p = ps->p;
	bool is_stdout = node == ps->stdout_node;
	uint32_t len, w;
	const uint8_t *irq;

	if (p->has_uart && (ps->uart_is_stdout || !is_stdout))
		return 0;
	p->uart_kind = kind;
	p->uart_clock_hz = 0;
	if (reg_first(f, node, pc, &p->uart_base, &p->uart_size) ||
	    prop_u32(f, node, "reg-shift", 0, &p->uart_reg_shift) ||
	    prop_u32(f, node, "reg-io-width", 1, &w) ||
	    prop_freq(f, node, "clock-frequency", &p->uart_clock_hz))
		return -EINVAL;
	if ((w != 1 && w != 2 && w != 4) || p->uart_reg_shift > 4)
		return -EINVAL;
	p->uart_reg_io_width = w;
	irq = get_prop(f, node, "interrupts", &len);
	p->uart_irq = irq && len >= 4 ? get_be32(irq) : 0;
	p->has_uart = true;
	ps->uart_is_stdout = is_stdout;
	return 0;
}

/* A cpu's hart id is its reg (spec 3.8), one or two cells. */
static int cpu_hart(const struct fdt *f, size_t cpu, uint32_t *hart)
{
	uint32_t len;
	const uint8_t *v = get_prop(f, cpu, "reg", &len);
	if (!prop_has(f, cpu, "device_type", "cpu") || !v || (len != 4 && len != 8))
		return -EINVAL;
	*hart = (uint32_t)cells_get(v, len / 4);
	return 0;
}

/*
 * interrupts-extended lists, per PLIC context in order, the phandle of a hart's local
 * interrupt controller (a child of its cpu node) and that controller's interrupt cells.
 */
static int parse_plic_ctx(const struct fdt *f, size_t node, struct platform *p)
{
	uint32_t len, pos = 0, ncells;
	const uint8_t *v = get_prop(f, node, "interrupts-extended", &len);

	if (!v)
		return 0;
	if (len % 4)
		return -EINVAL;
	ncells = len / 4;
	while (pos < ncells) {
		uint32_t ac, ic, hart;
		size_t intc, cpu;
		if (p->plic_nctx == (int)(sizeof(p->plic_ctx) / sizeof(p->plic_ctx[0]))) {
			pr_warn("fdt: PLIC contexts beyond %d ignored\n", p->plic_nctx);
			return 0;
		}
		if (irq_parent_cells(f, get_be32(v + (size_t)4 * pos), &ac, &ic, &intc, &cpu) ||
		    ncells - pos - 1 < ic || cpu == 0 || cpu_hart(f, cpu, &hart))
			return -EINVAL;
		p->plic_ctx[p->plic_nctx].hart = hart;
		p->plic_ctx[p->plic_nctx++].cause = get_be32(v + (size_t)4 * (pos + 1));
		pos += 1 + ic;
	}
	return 0;
}

static int parse_plic(const struct fdt *f, size_t node, struct cells pc, struct platform *p)
{
	if (p->has_plic)
		return 0;
	if (reg_first(f, node, pc, &p->plic_base, &p->plic_size) ||
	    prop_u32(f, node, "riscv,ndev", 0, &p->plic_ndev) ||
	    prop_u32(f, node, "phandle", 0, &p->plic_phandle) || parse_plic_ctx(f, node, p))
		return -EINVAL;
	p->has_plic = true;
	return 0;
}

/* ranges: (child 3 cells, parent pc.ac cells, size nc.sc cells) per entry (PCI binding 2.2.1). */
static int parse_pci_ranges(const struct fdt *f, size_t node, struct cells pc, struct cells nc,
			    struct platform *p)
{
	uint32_t len, step = 4 * (3 + pc.ac + nc.sc);
	const uint8_t *v = get_prop(f, node, "ranges", &len);

	if (!v)
		return 0;
	if (len % step)
		return -EINVAL;
	for (; len; len -= step, v += step) {
		uint32_t hi = get_be32(v);
		struct fdt_pci_range *r = &p->pci_ranges[p->npci_ranges];
		if (p->npci_ranges == FDT_MAX_RANGES) {
			pr_warn("fdt: PCI ranges beyond %d ignored\n", FDT_MAX_RANGES);
			break;
		}
		r->space = (hi >> 24) & 3;
		r->prefetch = (hi >> 30) & 1;
		r->pci_addr = cells_get(v + 4, 2);
		r->cpu_addr = cells_get(v + 12, pc.ac);
		r->size = cells_get(v + 12 + (size_t)4 * pc.ac, nc.sc);
		p->npci_ranges++;
	}
	return 0;
}

/*
 * interrupt-map entries: child unit address (3 cells), child interrupt (1 cell: the pin),
 * parent phandle, parent unit address and parent interrupt, the last two sized by the
 * parent's own #address-cells / #interrupt-cells, so each entry needs a phandle lookup.
 */
static int parse_pci_imap(const struct fdt *f, size_t node, struct platform *p)
{
	uint32_t len, ncells, pos = 0, last_ph = 0, ac = 0, ic = 0;
	const uint8_t *v = get_prop(f, node, "interrupt-map", &len);
	bool known = false; /* ac/ic describe last_ph: entries mostly share one parent */

	if (!v)
		return 0;
	if (len % 4)
		return -EINVAL;
	ncells = len / 4;
	while (pos < ncells) {
		struct fdt_pci_imap *m = &p->pci_imap[p->npci_imap];
		uint32_t ph;
		size_t pn, pp;
		if (p->npci_imap == FDT_MAX_IMAP) {
			pr_warn("fdt: PCI interrupt-map entries beyond %d ignored\n", FDT_MAX_IMAP);
			return 0;
		}
		if (ncells - pos < 5)
			return -EINVAL;
		ph = get_be32(v + (size_t)4 * (pos + 4));
		if ((!known || ph != last_ph) && irq_parent_cells(f, ph, &ac, &ic, &pn, &pp))
			return -EINVAL;
		known = true;
		last_ph = ph;
		pos += 5;
		if (ncells - pos < ac + ic)
			return -EINVAL;
		m->child_hi = get_be32(v + (size_t)4 * (pos - 5));
		m->pin = get_be32(v + (size_t)4 * (pos - 2));
		m->parent_phandle = ph;
		m->irq = get_be32(v + (size_t)4 * (pos + ac));
		pos += ac + ic;
		p->npci_imap++;
	}
	return 0;
}

static int parse_pci(const struct fdt *f, size_t node, struct cells pc, struct cells nc,
		     struct platform *p)
{
	uint32_t len, icells;
	const uint8_t *v;

	if (p->has_pci)
		return 0;
	if (reg_first(f, node, pc, &p->ecam_base, &p->ecam_size) || nc.ac != 3 ||
	    prop_u32(f, node, "#interrupt-cells", 1, &icells) || icells != 1)
		return -EINVAL;
	p->bus_min = 0;
	p->bus_max = 255;
	v = get_prop(f, node, "bus-range", &len);
	if (v) {
		if (len != 8)
			return -EINVAL;
		p->bus_min = get_be32(v);
		p->bus_max = get_be32(v + 4);
		if (p->bus_min > p->bus_max || p->bus_max > 255)
			return -EINVAL;
	}
	for (int i = 0; i < 4; i++)
		p->pci_imap_mask[i] = 0xffffffffu; /* no mask: every bit matters */
	v = get_prop(f, node, "interrupt-map-mask", &len);
	if (v) {
		if (len != 16)
			return -EINVAL;
		for (int i = 0; i < 4; i++)
			p->pci_imap_mask[i] = get_be32(v + (size_t)4 * i);
	}
	if (parse_pci_ranges(f, node, pc, nc, p) || parse_pci_imap(f, node, p))
		return -EINVAL;
	p->has_pci = true;
	return 0;
}

/* One node of the main walk (depth >= 1); pc/nc are the parent's and the node's cells.
 * Returns 0, or nonzero if the node is malformed. */
static int parse_node(struct parse *ps, const struct walk *w, struct cells pc, struct cells nc)
{
	const struct fdt *f = ps->f;
	struct platform *p = ps->p;
	int d = w->depth, kind;
	size_t node = w->node[d];
	const char *name = node_name(f, node);
	uint32_t dummy;

	if (!node_ok(f, node))
		return 0;
	if (d == 1 && name_is(name, "cpus"))
		return prop_freq(f, node, "timebase-frequency", &p->timebase_hz);
	if (prop_has(f, node, "device_type", "memory"))
		return reg_append(f, node, pc, p->mem, &p->nmem, FDT_MAX_MEM) < 0;
	if (prop_has(f, node, "device_type", "cpu")) {
		p->ncpus++;
		if (p->timebase_hz == 0 &&
		    prop_freq(f, node, "timebase-frequency", &p->timebase_hz))
			return -EINVAL;
		return cpu_hart(f, node, &dummy);
	}
	if (d == 2 && name_is(node_name(f, w->node[1]), "reserved-memory"))
		return reg_append(f, node, pc, p->reserved, &p->nreserved, FDT_MAX_RSV) < 0;
	kind = uart_kind(f, node);
	if (kind)
		return parse_uart(ps, node, pc, kind);
	if (prop_has(f, node, "compatible", "riscv,plic0") ||
	    prop_has(f, node, "compatible", "sifive,plic-1.0.0"))
		return parse_plic(f, node, pc, p);
	if (prop_has(f, node, "compatible", "pci-host-ecam-generic"))
		return parse_pci(f, node, pc, nc, p);
	if (prop_has(f, node, "compatible", "sifive,test0") && !p->has_test_dev) {
		uint64_t size;
		p->has_test_dev = true;
		return reg_first(f, node, pc, &p->test_dev_base, &size);
	}
	return 0;
}

static int parse_tree(struct parse *ps)
{
	struct cells cells[FDT_MAX_DEPTH];
	struct walk w;
	int r;

	walk_start(ps->f, &w);
	while ((r = walk_next(ps->f, &w)) > 0) {
		if (node_cells(ps->f, w.node[w.depth], &cells[w.depth]))
			return -EINVAL;
		if (w.depth > 0 && parse_node(ps, &w, cells[w.depth - 1], cells[w.depth]))
			return -EINVAL;
	}
	return r;
}

/* The whole structure block must be well formed before any targeted lookup trusts it. */
static int check_structure(const struct fdt *f)
{
	struct walk w;
	int r;
	walk_start(f, &w);
	while ((r = walk_next(f, &w)) > 0)
		;
	return r;
}

int fdt_parse(const void *blob, size_t blob_size, struct platform *p)
{
	struct fdt f;
	struct parse ps = { .f = &f, .p = p };

	memset(p, 0, sizeof(*p));
	if (open_blob(&f, blob, blob_size) || check_structure(&f) || parse_rsvmap(&f, p) ||
	    parse_chosen(&ps) || parse_tree(&ps)) {
		memset(p, 0, sizeof(*p));
		return -EINVAL;
	}
	return 0;
}
