/*
 * What the kernel learns from the device tree (devicetree-specification v0.4 and the bindings
 * of the nodes it knows): reserved memory, /chosen, memory, the console UART, the PLIC, the
 * PCIe host bridge, timebase and the test device. Pure logic: built for the host too.
 */
#include <stddef.h>
#include <stdint.h>
#include "boot/fdt.h"
#include "boot/fdt_read.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

struct parse {
	const struct fdt *f;
	struct platform *p;
	size_t stdout_node; /* 0 = none (offset 0 is the header, never a node) */
	bool uart_is_stdout;
};

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
		return fdt_find_path(f, s, n, node);
	if (fdt_find_path(f, "/aliases", 8, &aliases))
		return -ENOENT;
	v = fdt_get_propn(f, aliases, s, n, &len);
	if (!v || len == 0 || v[len - 1] != 0)
		return -ENOENT;
	return fdt_find_path(f, (const char *)v, len - 1, node);
}

static int parse_chosen(struct parse *ps)
{
	const struct fdt *f = ps->f;
	struct platform *p = ps->p;
	size_t chosen;

	if (fdt_find_path(f, "/chosen", 7, &chosen))
		return 0;
	if (fdt_prop_str(f, chosen, "bootargs", &p->bootargs) ||
	    fdt_prop_str(f, chosen, "stdout-path", &p->stdout_path))
		return -EINVAL;
	if (!p->stdout_path && fdt_prop_str(f, chosen, "linux,stdout-path", &p->stdout_path))
		return -EINVAL;
	if (p->stdout_path && resolve_stdout(f, p->stdout_path, &ps->stdout_node))
		ps->stdout_node = 0; /* points nowhere we know: fall back to the first UART */
	return 0;
}

static int uart_kind(const struct fdt *f, size_t node)
{
	if (fdt_prop_has(f, node, "compatible", "ns16550a") ||
	    fdt_prop_has(f, node, "compatible", "ns16550") ||
	    fdt_prop_has(f, node, "compatible", "snps,dw-apb-uart"))
		return 1;
	return fdt_prop_has(f, node, "compatible", "sifive,uart0") ? 2 : 0;
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
	if (fdt_reg_first(f, node, pc, &p->uart_base, &p->uart_size) ||
	    fdt_prop_u32(f, node, "reg-shift", 0, &p->uart_reg_shift) ||
	    fdt_prop_u32(f, node, "reg-io-width", 1, &w) ||
	    fdt_prop_freq(f, node, "clock-frequency", &p->uart_clock_hz))
		return -EINVAL;
	if ((w != 1 && w != 2 && w != 4) || p->uart_reg_shift > 4)
		return -EINVAL;
	p->uart_reg_io_width = w;
	irq = fdt_get_prop(f, node, "interrupts", &len);
	p->uart_irq = irq && len >= 4 ? get_be32(irq) : 0;
	p->has_uart = true;
	ps->uart_is_stdout = is_stdout;
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

/* A property of 32-bit cells: 0 with *ncells = 0 when absent, -EINVAL when not whole cells. */
static int prop_cells(const struct fdt *f, size_t node, const char *name, const uint8_t **v,
		      uint32_t *ncells)
{
	uint32_t len = 0;
	*v = fdt_get_prop(f, node, name, &len);
	*ncells = *v ? len / 4 : 0;
	return *v && len % 4 ? -EINVAL : 0;
}

/*
 * interrupts-extended lists, per PLIC context in order, the phandle of a hart's local
 * interrupt controller (a child of its cpu node) and that controller's interrupt cells.
 */
static int parse_plic_ctx(const struct fdt *f, size_t node, struct platform *p)
{
	uint32_t pos = 0, ncells;
	const uint8_t *v;

	if (prop_cells(f, node, "interrupts-extended", &v, &ncells))
		return -EINVAL;
	while (pos < ncells) {
		uint32_t ac, ic, hart;
		size_t intc, cpu;
		if (p->plic_nctx == (int)(sizeof(p->plic_ctx) / sizeof(p->plic_ctx[0]))) {
			pr_warn("fdt: PLIC contexts beyond %d ignored\n", p->plic_nctx);
			return 0;
		}
		if (fdt_irq_parent_cells(f, get_be32(v + (size_t)4 * pos), &ac, &ic, &intc, &cpu) ||
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
	if (fdt_reg_first(f, node, pc, &p->plic_base, &p->plic_size) ||
	    fdt_prop_u32(f, node, "riscv,ndev", 0, &p->plic_ndev) ||
	    fdt_prop_u32(f, node, "phandle", 0, &p->plic_phandle) || parse_plic_ctx(f, node, p))
		return -EINVAL;
	p->has_plic = true;
	return 0;
}

/* ranges: (child 3 cells, parent pc.ac cells, size nc.sc cells) per entry (PCI binding 2.2.1). */
static int parse_pci_ranges(const struct fdt *f, size_t node, struct cells pc, struct cells nc,
			    struct platform *p)
{
	uint32_t len, step = 4 * (3 + pc.ac + nc.sc);
	const uint8_t *v = fdt_get_prop(f, node, "ranges", &len);

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
		r->pci_addr = fdt_cells_get(v + 4, 2);
		r->cpu_addr = fdt_cells_get(v + 12, pc.ac);
		r->size = fdt_cells_get(v + 12 + (size_t)4 * pc.ac, nc.sc);
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
	uint32_t ncells, pos = 0, last_ph = 0, ac = 0, ic = 0;
	const uint8_t *v;
	bool known = false; /* ac/ic describe last_ph: entries mostly share one parent */

	if (prop_cells(f, node, "interrupt-map", &v, &ncells))
		return -EINVAL;
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
		if ((!known || ph != last_ph) && fdt_irq_parent_cells(f, ph, &ac, &ic, &pn, &pp))
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
	if (fdt_reg_first(f, node, pc, &p->ecam_base, &p->ecam_size) || nc.ac != 3 ||
	    fdt_prop_u32(f, node, "#interrupt-cells", 1, &icells) || icells != 1)
		return -EINVAL;
	p->bus_min = 0;
	p->bus_max = 255;
	v = fdt_get_prop(f, node, "bus-range", &len);
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
	v = fdt_get_prop(f, node, "interrupt-map-mask", &len);
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
	const char *name = fdt_node_name(f, node);
	uint32_t dummy;

	if (!fdt_node_ok(f, node))
		return 0;
	if (d == 1 && fdt_name_is(name, "cpus"))
		return fdt_prop_freq(f, node, "timebase-frequency", &p->timebase_hz);
	if (fdt_prop_has(f, node, "device_type", "memory"))
		return fdt_reg_append(f, node, pc, p->mem, &p->nmem, FDT_MAX_MEM) < 0;
	if (fdt_prop_has(f, node, "device_type", "cpu")) {
		p->ncpus++;
		if (p->timebase_hz == 0 &&
		    fdt_prop_freq(f, node, "timebase-frequency", &p->timebase_hz))
			return -EINVAL;
		return cpu_hart(f, node, &dummy);
	}
	if (d == 2 && fdt_name_is(fdt_node_name(f, w->node[1]), "reserved-memory"))
		return fdt_reg_append(f, node, pc, p->reserved, &p->nreserved, FDT_MAX_RSV) < 0;
	kind = uart_kind(f, node);
	if (kind)
		return parse_uart(ps, node, pc, kind);
	if (fdt_prop_has(f, node, "compatible", "riscv,plic0") ||
	    fdt_prop_has(f, node, "compatible", "sifive,plic-1.0.0"))
		return parse_plic(f, node, pc, p);
	if (fdt_prop_has(f, node, "compatible", "pci-host-ecam-generic"))
		return parse_pci(f, node, pc, nc, p);
	if (fdt_prop_has(f, node, "compatible", "sifive,test0") && !p->has_test_dev) {
		uint64_t size;
		p->has_test_dev = true;
		return fdt_reg_first(f, node, pc, &p->test_dev_base, &size);
	}
	return 0;
}

static int parse_tree(struct parse *ps)
{
	struct cells cells[FDT_MAX_DEPTH];
	struct walk w;
	int r;

	fdt_walk_start(ps->f, &w);
	while ((r = fdt_walk_next(ps->f, &w)) > 0) {
		if (fdt_node_cells(ps->f, w.node[w.depth], &cells[w.depth]))
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
	fdt_walk_start(f, &w);
	while ((r = fdt_walk_next(f, &w)) > 0)
		;
	return r;
}

int fdt_parse(const void *blob, size_t blob_size, struct platform *p)
{
	struct fdt f;
	struct parse ps = { .f = &f, .p = p };

	memset(p, 0, sizeof(*p));
	if (fdt_open_blob(&f, blob, blob_size) || check_structure(&f) || parse_rsvmap(&f, p) ||
	    parse_chosen(&ps) || parse_tree(&ps)) {
		memset(p, 0, sizeof(*p));
		return -EINVAL;
	}
	return 0;
}
