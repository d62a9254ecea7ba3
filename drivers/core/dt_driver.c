/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DT driver core: walk the tree, match each enabled node's compatible strings against the
 * drivers of one stage (OpenSBI fdt_driver.c style, from one explicit table), probe, retry the
 * probes that wait for another device, and name the hardware nobody drives. Pure logic.
 */
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/dt.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define DT_MAX_DEFERRED	 16
#define DT_MAX_UNCLAIMED 32
#define DT_PATH_MAX	 128

struct deferred {
	const struct dt_driver *drv;
	struct dt_device dev;
};

/* The entry of match naming compatible string c, or NULL. */
static const struct dt_match *match_string(const char *c, size_t n, const struct dt_match *match)
{
	for (const struct dt_match *m = match; m->compatible; m++)
		if (strlen(m->compatible) == n && memcmp(m->compatible, c, n) == 0)
			return m;
	return NULL;
}

/*
 * The driver of the table (of stage, or of any stage when stage is DT_STAGES) for node: the
 * node's compatible strings are tried in order, most specific first. *m gets the entry.
 */
static const struct dt_driver *find_driver(size_t node, const struct dt_driver *const *table,
					   size_t n, enum dt_stage stage, const struct dt_match **m)
{
	uint32_t len, pos = 0;
	const uint8_t *v = fdt_get_prop(dt_tree(), node, "compatible", &len);
	while (v && pos < len) {
		const char *c = (const char *)v + pos;
		size_t clen = strnlen(c, len - pos);
		for (size_t i = 0; i < n; i++) {
			if (stage != DT_STAGES && table[i]->stage != stage)
				continue;
			*m = match_string(c, clen, table[i]->match);
			if (*m)
				return table[i];
		}
		pos += (uint32_t)clen + 1;
	}
	return NULL;
}

const struct dt_match *dt_match_node(size_t node, const struct dt_match *match)
{
	uint32_t len, pos = 0;
	const uint8_t *v = fdt_get_prop(dt_tree(), node, "compatible", &len);
	while (v && pos < len) {
		const char *c = (const char *)v + pos;
		size_t clen = strnlen(c, len - pos);
		const struct dt_match *m = match_string(c, clen, match);
		if (m)
			return m;
		pos += (uint32_t)clen + 1;
	}
	return NULL;
}

static void report_failure(const struct dt_driver *drv, const struct dt_device *dev, int err)
{
	char path[DT_PATH_MAX];
	if (err == -ENODEV)
		return; /* declined: the driver said why */
	if (err == -EAGAIN)
		pr_err("dt: %s: %s: what it waits for never came up\n",
		       dt_path(dev->node, path, sizeof(path)), drv->name);
	else
		pr_err("dt: %s: %s probe failed (%s)\n", dt_path(dev->node, path, sizeof(path)),
		       drv->name, errname(err));
}

/* Retry deferred probes until a pass claims nothing more. */
static int retry_deferred(struct deferred *q, int nq)
{
	int claimed = 0, progress = 1;
	while (progress && nq) {
		int keep = 0;
		progress = 0;
		for (int i = 0; i < nq; i++) {
			int err = q[i].drv->probe(&q[i].dev);
			if (err == -EAGAIN) {
				q[keep++] = q[i];
				continue;
			}
			progress = 1;
			if (err == 0)
				claimed++;
			else
				report_failure(q[i].drv, &q[i].dev, err);
		}
		nq = keep;
	}
	for (int i = 0; i < nq; i++)
		report_failure(q[i].drv, &q[i].dev, -EAGAIN);
	return claimed;
}

int dt_probe(const struct dt_driver *const *table, size_t n, enum dt_stage stage)
{
	struct deferred q[DT_MAX_DEFERRED];
	struct fdt_cells cells[FDT_MAX_DEPTH];
	const struct fdt *f = dt_tree();
	struct fdt_walk w;
	int nq = 0, claimed = 0;

	if (!f)
		return 0;
	fdt_walk_start(f, &w);
	while (fdt_walk_next(f, &w) > 0) {
		size_t node = w.node[w.depth];
		const struct dt_match *m = NULL;
		const struct dt_driver *drv;
		struct dt_device dev;
		int err;
		if (fdt_node_cells(f, node, &cells[w.depth]))
			cells[w.depth] = (struct fdt_cells){ 2, 1 }; /* dt_init checked the tree */
		if (w.depth == 0 || !fdt_node_ok(f, node) ||
		    !(drv = find_driver(node, table, n, stage, &m)))
			continue;
		dev = (struct dt_device){ .node = node,
					  .parent = w.node[w.depth - 1],
					  .name = fdt_node_name(f, node),
					  .match = m,
					  .pc = cells[w.depth - 1] };
		err = drv->probe(&dev);
		if (err == 0)
			claimed++;
		else if (err == -EAGAIN && nq < DT_MAX_DEFERRED)
			q[nq++] = (struct deferred){ drv, dev };
		else
			report_failure(drv, &dev, err);
	}
	return claimed + retry_deferred(q, nq);
}

/* Nodes the kernel handles without a driver: the machine description's and plain buses. */
static bool handled_by_core(const struct fdt *f, size_t node)
{
	static const struct dt_match core[] = {
		{ "simple-bus", NULL },
		{ "riscv,cpu-intc", NULL },
		{ NULL, NULL },
	};
	return fdt_prop_has(f, node, "device_type", "cpu") ||
	       fdt_prop_has(f, node, "device_type", "memory") || dt_match_node(node, core);
}

struct unclaimed {
	const char *compatible; /* the node's first (most specific) string */
	size_t first;		/* its first node in tree order */
	int count;
};

static void note_unclaimed(struct unclaimed *u, int *nu, const char *c, size_t node)
{
	for (int i = 0; i < *nu; i++) {
		if (strcmp(u[i].compatible, c) == 0) {
			u[i].count++;
			return;
		}
	}
	if (*nu < DT_MAX_UNCLAIMED)
		u[(*nu)++] = (struct unclaimed){ c, node, 1 };
}

int dt_report_unclaimed(const struct dt_driver *const *table, size_t n)
{
	struct unclaimed u[DT_MAX_UNCLAIMED];
	const struct fdt *f = dt_tree();
	struct fdt_walk w;
	int nu = 0, total = 0;
	char path[DT_PATH_MAX];

	if (!f)
		return 0;
	fdt_walk_start(f, &w);
	while (fdt_walk_next(f, &w) > 0) {
		size_t node = w.node[w.depth];
		const struct dt_match *m;
		const char *c = NULL;
		if (w.depth == 0 || !fdt_node_ok(f, node) ||
		    fdt_prop_str(f, node, "compatible", &c) || !c || handled_by_core(f, node) ||
		    find_driver(node, table, n, DT_STAGES, &m))
			continue;
		note_unclaimed(u, &nu, c, node);
		total++;
	}
	for (int i = 0; i < nu; i++) {
		dt_path(u[i].first, path, sizeof(path));
		if (u[i].count > 1)
			pr_info("dt: no driver for %s: %s and %d more\n", u[i].compatible, path,
				u[i].count - 1);
		else
			pr_info("dt: no driver for %s: %s\n", u[i].compatible, path);
	}
	return total;
}
