/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt core (irq.h): controllers, requests, dispatch. A request is a descriptor that
 * knows its source (chip, hwirq) and where it is claimed (the root chip and id it arrives at:
 * the same, unless the source's chip forwards it as an MSI, as the APLIC does in MSI mode).
 */
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/irq.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"

/* Claims per irq_dispatch call: a source whose handler never lowers it cannot hold the loop. */
#define IRQ_DISPATCH_MAX 256

struct irq_desc {
	struct irq_chip *chip; /* the source */
	uint32_t hwirq;
	struct irq_chip *root; /* where it is claimed */
	uint32_t root_id;
	irq_handler_fn fn;
	void *arg;
	const char *name;
	uint64_t count;
};

static struct irq_chip *chips;
static struct irq_desc descs[IRQ_MAX];

int irq_chip_register(struct irq_chip *c)
{
	struct irq_chip **pp = &chips;
	if (c->phandle && irq_chip_find(c->phandle))
		return -EBUSY;
	while (*pp)
		pp = &(*pp)->next;
	c->next = NULL;
	c->msi_next = 1;
	c->spurious = 0;
	*pp = c;
	return 0;
}

struct irq_chip *irq_chip_find(uint32_t phandle)
{
	for (struct irq_chip *c = chips; c; c = c->next)
		if (phandle && c->phandle == phandle)
			return c;
	return NULL;
}

bool irq_can_wake(void)
{
	for (struct irq_chip *c = chips; c; c = c->next)
		if (c->root)
			return true;
	return false;
}

struct irq_chip *irq_msi_chip(void)
{
	for (struct irq_chip *c = chips; c; c = c->next)
		if (c->root && c->ops->msi_msg)
			return c;
	return NULL;
}

static struct irq_desc *desc_of(int irq)
{
	if (irq < 0 || irq >= IRQ_MAX || !descs[irq].fn)
		return NULL;
	return &descs[irq];
}

static int desc_alloc(void)
{
	for (int i = 0; i < IRQ_MAX; i++)
		if (!descs[i].fn)
			return i;
	return -ENOSPC;
}

static bool source_taken(const struct irq_chip *c, uint32_t hwirq)
{
	for (int i = 0; i < IRQ_MAX; i++)
		if (descs[i].fn && descs[i].chip == c && descs[i].hwirq == hwirq)
			return true;
	return false;
}

/* A free id on MSI controller m (bump allocation: ids are never given back at run time). */
static uint32_t msi_alloc(struct irq_chip *m)
{
	if (m->msi_next > m->nr)
		return 0;
	return m->msi_next++;
}

/* Enable (chip, hwirq) and fill its descriptor; on a forwarding chip, an MSI id first. */
static int request(struct irq_chip *c, uint32_t hwirq, unsigned type, irq_handler_fn fn, void *arg,
		   const char *name)
{
	int i = desc_alloc(), err;
	struct irq_chip *root = c;
	uint32_t id = hwirq, msi_id = 0;

	if (i < 0)
		return i;
	if (hwirq == 0 || hwirq > c->nr)
		return -EINVAL;
	if (source_taken(c, hwirq))
		return -EBUSY;
	if (!c->root) {
		if (!c->parent || !(msi_id = msi_alloc(c->parent)))
			return c->parent ? -ENOSPC : -ENODEV;
		root = c->parent;
		id = msi_id;
		err = root->ops->enable(root, id, IRQ_TYPE_EDGE_RISING, 0);
		if (err)
			return err;
	}
	err = c->ops->enable(c, hwirq, type, msi_id);
	if (err) {
		if (msi_id)
			root->ops->disable(root, id);
		return err;
	}
	descs[i] = (struct irq_desc){ c, hwirq, root, id, fn, arg, name, 0 };
	pr_debug("irq: %s source %u for %s%s\n", c->name, hwirq, name ? name : "?",
		 msi_id ? " (forwarded as an MSI)" : "");
	return i;
}

int irq_request_spec(const struct dt_irq *spec, irq_handler_fn fn, void *arg, const char *name)
{
	struct irq_chip *c = irq_chip_find(spec->parent);
	uint32_t hwirq;
	unsigned type = IRQ_TYPE_NONE;
	if (!fn)
		return -EINVAL;
	if (!c)
		return -ENODEV;
	if (c->ops->xlate(c, spec->cell, spec->ncells, &hwirq, &type))
		return -EINVAL;
	return request(c, hwirq, type, fn, arg, name);
}

int irq_request_dt(const struct dt_device *dev, int i, irq_handler_fn fn, void *arg,
		   const char *name)
{
	struct dt_irq spec;
	int err = dt_irq(dev, i, &spec);
	return err ? err : irq_request_spec(&spec, fn, arg, name);
}

int irq_request_msi(irq_handler_fn fn, void *arg, const char *name, struct msi_msg *msg)
{
	struct irq_chip *m = irq_msi_chip();
	uint32_t id;
	int i = desc_alloc(), err;
	if (!fn)
		return -EINVAL;
	if (!m)
		return -ENODEV;
	if (i < 0)
		return i;
	id = msi_alloc(m);
	if (!id)
		return -ENOSPC;
	err = m->ops->msi_msg(m, id, msg);
	if (!err)
		err = m->ops->enable(m, id, IRQ_TYPE_EDGE_RISING, 0);
	if (err)
		return err;
	descs[i] = (struct irq_desc){ m, id, m, id, fn, arg, name, 0 };
	pr_debug("irq: %s MSI %u for %s\n", m->name, id, name ? name : "?");
	return i;
}

void irq_release(int irq)
{
	struct irq_desc *d = desc_of(irq);
	if (!d)
		return;
	d->chip->ops->disable(d->chip, d->hwirq);
	if (d->root != d->chip)
		d->root->ops->disable(d->root, d->root_id);
	*d = (struct irq_desc){ 0 };
}

void irq_mask(int irq)
{
	struct irq_desc *d = desc_of(irq);
	if (d)
		d->chip->ops->mask(d->chip, d->hwirq);
}

void irq_unmask(int irq)
{
	struct irq_desc *d = desc_of(irq);
	if (d)
		d->chip->ops->unmask(d->chip, d->hwirq);
}

uint64_t irq_count(int irq)
{
	struct irq_desc *d = desc_of(irq);
	return d ? d->count : 0;
}

const char *irq_describe(int irq, char *buf, unsigned long len)
{
	struct irq_desc *d = desc_of(irq);
	if (!d)
		ksnprintf(buf, len, "none");
	else if (d->root == d->chip)
		ksnprintf(buf, len, "%s %u", d->chip->name, d->hwirq);
	else
		ksnprintf(buf, len, "%s %u (%s %u)", d->root->name, d->root_id, d->chip->name,
			  d->hwirq);
	return buf;
}

static struct irq_desc *find_claimed(const struct irq_chip *root, uint32_t id)
{
	for (int i = 0; i < IRQ_MAX; i++)
		if (descs[i].fn && descs[i].root == root && descs[i].root_id == id)
			return &descs[i];
	return NULL;
}

/* One claimed id: the handler first, then the acknowledgements (source, then root). */
static void handle(struct irq_chip *root, uint32_t id)
{
	struct irq_desc *d = find_claimed(root, id);
	if (!d) {
		if (root->spurious++ == 0)
			pr_warn("irq: %s %u fired with no handler: disabled\n", root->name, id);
		root->ops->disable(root, id);
		if (root->ops->complete)
			root->ops->complete(root, id);
		return;
	}
	d->count++;
	d->fn(d->arg);
	if (d->chip != root && d->chip->ops->complete)
		d->chip->ops->complete(d->chip, d->hwirq);
	if (root->ops->complete)
		root->ops->complete(root, id);
}

int irq_dispatch(void)
{
	int n = 0;
	for (struct irq_chip *c = chips; c; c = c->next) {
		uint32_t id;
		if (!c->root)
			continue;
		while (n < IRQ_DISPATCH_MAX && (id = c->ops->claim(c)) != 0) {
			handle(c, id);
			n++;
		}
	}
	return n;
}

void irq_dump(void)
{
	char route[48];
	if (!chips)
		kprintf("irq: no interrupt controller (devices are polled on a timer tick)\n");
	for (struct irq_chip *c = chips; c; c = c->next)
		kprintf("irq chip %s: %u sources%s%s, spurious %lu\n", c->name, c->nr,
			c->root ? "" : ", forwards to ",
			c->root ? "" : (c->parent ? c->parent->name : "nothing"),
			(unsigned long)c->spurious);
	for (int i = 0; i < IRQ_MAX; i++)
		if (descs[i].fn)
			kprintf("irq %d: %s: %s, %lu taken\n", i,
				descs[i].name ? descs[i].name : "?",
				irq_describe(i, route, sizeof(route)),
				(unsigned long)descs[i].count);
}

void irq_reset(void)
{
	chips = NULL;
	memset(descs, 0, sizeof(descs));
}
