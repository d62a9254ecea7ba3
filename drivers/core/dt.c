/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The machine description from the device tree (devicetree-specification v0.4): reserved
 * memory, /chosen, memory, cpus and timebase; and the per-device property helpers the
 * drivers use (reg, interrupts, interrupts-extended). Matching nodes to drivers is in
 * dt_driver.c. Pure logic: built for the host too.
 */
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/dt.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"

static struct fdt tree;
static bool have_tree;
static size_t stdout_node;

static int parse_rsvmap(const struct fdt *f, struct dt_machine *m)
{
	for (size_t off = f->rsv_off; off <= f->total - 16; off += 16) {
		uint64_t base = get_be64(f->b + off), size = get_be64(f->b + off + 8);
		if (base == 0 && size == 0)
			return 0;
		if (size == 0)
			continue;
		if (m->nreserved == DT_MAX_RSV) {
			pr_warn("fdt: more than %d reserved ranges, rest ignored\n", DT_MAX_RSV);
			return 0;
		}
		m->reserved[m->nreserved].base = base;
		m->reserved[m->nreserved++].size = size;
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
		return fdt_find_path(f, s, n, node);
	if (fdt_find_path(f, "/aliases", 8, &aliases))
		return -ENOENT;
	v = fdt_get_propn(f, aliases, s, n, &len);
	if (!v || len == 0 || v[len - 1] != 0)
		return -ENOENT;
	return fdt_find_path(f, (const char *)v, len - 1, node);
}

static int parse_chosen(const struct fdt *f, struct dt_machine *m)
{
	size_t chosen;

	if (fdt_find_path(f, "/chosen", 7, &chosen))
		return 0;
	if (fdt_prop_str(f, chosen, "bootargs", &m->bootargs) ||
	    fdt_prop_str(f, chosen, "stdout-path", &m->stdout_path))
		return -EINVAL;
	if (!m->stdout_path && fdt_prop_str(f, chosen, "linux,stdout-path", &m->stdout_path))
		return -EINVAL;
	if (m->stdout_path && resolve_stdout(f, m->stdout_path, &m->stdout_node))
		m->stdout_node = 0; /* points nowhere we know: the first console driver's node */
	return 0;
}

/* A cpu's hart id is its reg (spec 3.8), one or two cells. */
static int cpu_hart(const struct fdt *f, size_t cpu, uint32_t *hart)
{
	uint32_t len;
	const uint8_t *v = fdt_get_prop(f, cpu, "reg", &len);
	if (!fdt_prop_has(f, cpu, "device_type", "cpu") || !v || (len != 4 && len != 8))
		return -EINVAL;
	*hart = (uint32_t)fdt_cells_get(v, len / 4);
	return 0;
}

static int parse_cpu(const struct fdt *f, size_t node, struct dt_machine *m)
{
	struct dt_cpu c = { 0 };
	bool ok = fdt_node_ok(f, node);

	if (ok && m->timebase_hz == 0 &&
	    fdt_prop_freq(f, node, "timebase-frequency", &m->timebase_hz))
		return -EINVAL;
	if (cpu_hart(f, node, &c.hart) || fdt_prop_str(f, node, "riscv,isa", &c.isa))
		return -EINVAL;
	c.ok = ok;
	m->ncpus += ok;
	if (m->ncpu_nodes == DT_MAX_CPUS) {
		pr_warn("fdt: cpus beyond %d ignored\n", DT_MAX_CPUS);
		return 0;
	}
	m->cpu[m->ncpu_nodes++] = c;
	return 0;
}

/* One node of the main walk (depth >= 1); pc is the parent's cells. Nonzero if malformed. */
static int parse_node(const struct fdt *f, const struct fdt_walk *w, struct fdt_cells pc,
		      struct dt_machine *m)
{
	int d = w->depth;
	size_t node = w->node[d];
	const char *name = fdt_node_name(f, node);

	if (fdt_prop_has(f, node, "device_type", "cpu"))
		return parse_cpu(f, node, m);
	if (!fdt_node_ok(f, node))
		return 0;
	if (d == 1 && fdt_name_is(name, "cpus"))
		return fdt_prop_freq(f, node, "timebase-frequency", &m->timebase_hz);
	if (fdt_prop_has(f, node, "device_type", "memory"))
		return fdt_reg_append(f, node, pc, m->mem, &m->nmem, DT_MAX_MEM) < 0;
	if (d == 2 && fdt_name_is(fdt_node_name(f, w->node[1]), "reserved-memory"))
		return fdt_reg_append(f, node, pc, m->reserved, &m->nreserved, DT_MAX_RSV) < 0;
	return 0;
}

static int parse_tree(const struct fdt *f, struct dt_machine *m)
{
	struct fdt_cells cells[FDT_MAX_DEPTH];
	struct fdt_walk w;
	int r;

	fdt_walk_start(f, &w);
	while ((r = fdt_walk_next(f, &w)) > 0) {
		if (fdt_node_cells(f, w.node[w.depth], &cells[w.depth]))
			return -EINVAL;
		if (w.depth > 0 && parse_node(f, &w, cells[w.depth - 1], m))
			return -EINVAL;
	}
	return r;
}

int dt_parse_machine(const void *blob, size_t blob_size, struct dt_machine *m)
{
	struct fdt f;

	memset(m, 0, sizeof(*m));
	if (fdt_open_blob(&f, blob, blob_size) || fdt_check_structure(&f) || parse_rsvmap(&f, m) ||
	    parse_chosen(&f, m) || parse_tree(&f, m)) {
		memset(m, 0, sizeof(*m));
		return -EINVAL;
	}
	return 0;
}

int dt_init(const void *blob, size_t blob_size, struct dt_machine *m)
{
	int r = dt_parse_machine(blob, blob_size, m);
	if (r)
		return r;
	fdt_open_blob(&tree, blob, blob_size); /* cannot fail: dt_parse_machine opened it */
	have_tree = true;
	stdout_node = m->stdout_node;
	return 0;
}

const struct fdt *dt_tree(void)
{
	return have_tree ? &tree : NULL;
}

size_t dt_stdout(void)
{
	return have_tree ? stdout_node : 0;
}

const struct dt_cpu *dt_cpu_of(const struct dt_machine *m, uint32_t hart)
{
	for (int i = 0; i < m->ncpu_nodes; i++)
		if (m->cpu[i].hart == hart)
			return &m->cpu[i];
	return NULL;
}

/*
 * Does the token list s[0..n) ("rv64imafdcvh_zicsr_ssaia_sstc") name extension ext? A
 * one-letter ext ("v") is looked for among the letters after "rv32"/"rv64" ("g" standing for
 * "imafd"), a longer one among the tokens after them.
 */
static bool isa_has(const char *s, size_t n, const char *ext)
{
	size_t elen = strlen(ext), i = 0;
	bool letters = n >= 4 && (s[0] | 0x20) == 'r' && (s[1] | 0x20) == 'v' && elen == 1;
	char e = (char)(ext[0] | 0x20);
	for (i = letters ? 4 : 0; i < n && s[i] != '_'; i++) {
		char c = (char)(s[i] | 0x20);
		if (letters && (c == e || (c == 'g' && strchr("imafd", e))))
			return true;
	}
	if (elen == 1)
		return false;
	while (i < n) {
		size_t start = ++i, k = 0;
		while (i < n && s[i] != '_')
			i++;
		if (i - start != elen)
			continue;
		while (k < elen && (s[start + k] | 0x20) == (ext[k] | 0x20))
			k++;
		if (k == elen)
			return true;
	}
	return false;
}

bool dt_hart_has_ext(uint32_t hart, const char *ext)
{
	struct fdt_walk w;
	if (!have_tree)
		return false;
	fdt_walk_start(&tree, &w);
	while (fdt_walk_next(&tree, &w) > 0) {
		size_t node = w.node[w.depth];
		uint32_t h, len;
		const char *isa = NULL;
		if (cpu_hart(&tree, node, &h) || h != hart)
			continue;
		if (fdt_prop_has(&tree, node, "riscv,isa-extensions", ext))
			return true;
		if (fdt_prop_str(&tree, node, "riscv,isa", &isa) || !isa)
			return false;
		len = (uint32_t)strlen(isa);
		return isa_has(isa, len, ext);
	}
	return false;
}

/* ---- device properties ---- */

int dt_reg_count(const struct dt_device *dev)
{
	uint32_t len, step = 4 * (dev->pc.ac + dev->pc.sc);
	const uint8_t *v = fdt_get_prop(&tree, dev->node, "reg", &len);
	if (!v)
		return 0;
	if (step == 0 || dev->pc.ac == 0 || len % step)
		return -EINVAL;
	return (int)(len / step);
}

int dt_reg(const struct dt_device *dev, int i, uint64_t *base, uint64_t *size)
{
	uint32_t len, step = 4 * (dev->pc.ac + dev->pc.sc);
	const uint8_t *v = fdt_get_prop(&tree, dev->node, "reg", &len);
	int n = dt_reg_count(dev);
	if (n < 0)
		return n;
	if (i < 0 || i >= n || !v)
		return -ENOENT;
	v += (size_t)step * (size_t)i;
	*base = fdt_cells_get(v, dev->pc.ac);
	*size = fdt_cells_get(v + (size_t)4 * dev->pc.ac, dev->pc.sc);
	return 0;
}

const uint8_t *dt_prop(const struct dt_device *dev, const char *name, uint32_t *len)
{
	return fdt_get_prop(&tree, dev->node, name, len);
}

int dt_prop_u32(const struct dt_device *dev, const char *name, uint32_t def, uint32_t *out)
{
	return fdt_prop_u32(&tree, dev->node, name, def, out);
}

bool dt_prop_has(const struct dt_device *dev, const char *name, const char *s)
{
	return fdt_prop_has(&tree, dev->node, name, s);
}

int dt_prop_cells(const struct dt_device *dev, const char *name, const uint8_t **v,
		  uint32_t *ncells)
{
	return fdt_prop_cells(&tree, dev->node, name, v, ncells);
}

uint32_t dt_phandle(const struct dt_device *dev)
{
	return fdt_node_phandle(&tree, dev->node);
}

static int fill_device(size_t node, size_t parent, struct dt_device *out)
{
	out->node = node;
	out->parent = parent;
	out->name = fdt_node_name(&tree, node);
	out->pc = (struct fdt_cells){ 2, 1 }; /* the root's defaults (spec 2.3.5) */
	return parent ? fdt_node_cells(&tree, parent, &out->pc) : 0;
}

int dt_device_at(uint32_t ph, struct dt_device *out)
{
	size_t node, parent;
	memset(out, 0, sizeof(*out));
	if (!have_tree || fdt_find_phandle(&tree, ph, &node, &parent))
		return -EINVAL;
	return fill_device(node, parent, out);
}

/* Offsets of node's ancestors, root first, in chain[0..*depth) (node itself last). */
static int ancestors(size_t node, size_t *chain, int *depth)
{
	struct fdt_walk w;
	fdt_walk_start(&tree, &w);
	while (fdt_walk_next(&tree, &w) > 0) {
		if (w.node[w.depth] != node)
			continue;
		for (int d = 0; d <= w.depth; d++)
			chain[d] = w.node[d];
		*depth = w.depth + 1;
		return 0;
	}
	return -ENOENT;
}

int dt_device_of(size_t node, struct dt_device *out)
{
	size_t chain[FDT_MAX_DEPTH];
	int depth = 0;
	memset(out, 0, sizeof(*out));
	if (!have_tree || node == 0 || ancestors(node, chain, &depth))
		return -ENOENT;
	return fill_device(node, depth > 1 ? chain[depth - 2] : 0, out);
}

const char *dt_path(size_t node, char *buf, size_t len)
{
	size_t chain[FDT_MAX_DEPTH];
	int depth = 0, n = 0;
	if (len == 0)
		return buf;
	buf[0] = 0;
	if (!have_tree || ancestors(node, chain, &depth))
		return buf;
	if (depth == 1)
		ksnprintf(buf, len, "/");
	for (int d = 1; d < depth && n < (int)len; d++)
		n += ksnprintf(buf + n, len - (size_t)n, "/%s", fdt_node_name(&tree, chain[d]));
	return buf;
}

/* ---- interrupts ---- */

/* interrupt-parent of node, or of its nearest ancestor that has one (spec 2.4.1). */
static int irq_parent_of(size_t node, uint32_t *ph)
{
	size_t chain[FDT_MAX_DEPTH];
	int depth = 0;
	if (ancestors(node, chain, &depth))
		return -EINVAL;
	for (int d = depth - 1; d >= 0; d--) {
		uint32_t v = 0;
		if (fdt_prop_u32(&tree, chain[d], "interrupt-parent", 0, &v))
			return -EINVAL;
		if (v) {
			*ph = v;
			return 0;
		}
	}
	return -ENOENT;
}

/* Fill out from cells v[0..ic) for controller ph. */
static void irq_fill(struct dt_irq *out, uint32_t ph, const uint8_t *v, uint32_t ic)
{
	out->parent = ph;
	out->ncells = ic;
	for (uint32_t c = 0; c < ic; c++)
		out->cell[c] = get_be32(v + (size_t)4 * c);
}

static int irq_extended(const uint8_t *v, uint32_t ncells, int i, struct dt_irq *out)
{
	uint32_t pos = 0;
	for (int k = 0; pos < ncells; k++) {
		uint32_t ph = get_be32(v + (size_t)4 * pos), ac, ic;
		size_t pn, pp;
		if (fdt_irq_parent_cells(&tree, ph, &ac, &ic, &pn, &pp) || ncells - pos - 1 < ic)
			return -EINVAL;
		if (k == i) {
			irq_fill(out, ph, v + (size_t)4 * (pos + 1), ic);
			return 0;
		}
		pos += 1 + ic;
	}
	return -ENOENT;
}

int dt_irq(const struct dt_device *dev, int i, struct dt_irq *out)
{
	const uint8_t *v;
	uint32_t ncells, ph, ac, ic;
	size_t pn, pp;

	memset(out, 0, sizeof(*out));
	if (i < 0 || fdt_prop_cells(&tree, dev->node, "interrupts-extended", &v, &ncells))
		return i < 0 ? -ENOENT : -EINVAL;
	if (v)
		return irq_extended(v, ncells, i, out);
	if (fdt_prop_cells(&tree, dev->node, "interrupts", &v, &ncells))
		return -EINVAL;
	if (!v)
		return -ENOENT;
	if (irq_parent_of(dev->node, &ph) || fdt_irq_parent_cells(&tree, ph, &ac, &ic, &pn, &pp))
		return -EINVAL;
	if (ncells % ic)
		return -EINVAL;
	if ((uint32_t)i >= ncells / ic)
		return -ENOENT;
	irq_fill(out, ph, v + (size_t)4 * ic * (uint32_t)i, ic);
	return 0;
}

int dt_intc_index(const struct dt_device *dev, uint32_t hart, uint32_t cause, int *count)
{
	const uint8_t *v;
	uint32_t ncells, pos = 0;
	int k = 0, found = -ENOENT;

	if (fdt_prop_cells(&tree, dev->node, "interrupts-extended", &v, &ncells))
		return -EINVAL;
	for (; pos < ncells; k++) {
		uint32_t ac, ic, h;
		size_t intc, cpu;
		if (fdt_irq_parent_cells(&tree, get_be32(v + (size_t)4 * pos), &ac, &ic, &intc,
					 &cpu) ||
		    ncells - pos - 1 < ic || cpu == 0 || cpu_hart(&tree, cpu, &h))
			return -EINVAL;
		if (found < 0 && h == hart && get_be32(v + (size_t)4 * (pos + 1)) == cause)
			found = k;
		pos += 1 + ic;
	}
	if (count)
		*count = k;
	return found;
}
