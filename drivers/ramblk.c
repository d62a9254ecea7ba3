/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RAM block store: each op is a memcpy between the caller's buffer and the backing range.
 * Bounds were checked by the blkdev_* wrappers, so the ops only ASSERT them.
 */
#include <stdint.h>
#include "drivers/ramblk.h"
#include "lib/bootargs.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"
#include "mm/page.h"

_Static_assert(CONFIG_RAMBLK_DEFAULT_SIZE % PAGE_SIZE == 0, "default store is whole pages");

static struct ramblk boot_store;
static bool boot_store_ready;
static uint64_t arg_addr, arg_size;   /* from ramblk=, size 0 when absent */
static char arg_text[48];	      /* ramblk='s value as given, for messages */
static uint64_t store_pa, store_size; /* what ramblk_claim took */
static bool store_allocated;	      /* from the page allocator, not ramblk= */

static uint8_t *block_ptr(struct blkdev *bd, uint64_t lba, uint32_t n)
{
	struct ramblk *rb = (struct ramblk *)bd->priv;
	ASSERT(lba < bd->nblocks && n <= bd->nblocks - lba);
	return rb->base + lba * RAMBLK_BLOCK_SIZE;
}

static int ramblk_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf)
{
	memcpy(buf, block_ptr(bd, lba, n), (size_t)n * RAMBLK_BLOCK_SIZE);
	return 0;
}

static int ramblk_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	memcpy(block_ptr(bd, lba, n), buf, (size_t)n * RAMBLK_BLOCK_SIZE);
	return 0;
}

static const struct blkdev_ops ramblk_ops = {
	.read = ramblk_read, .write = ramblk_write,
	/* no flush: plain RAM has no volatile cache in front of the "medium" (and nothing in it
	 * survives the machine: the host reads it back from guest memory, if at all) */
};

int ramblk_setup(struct ramblk *rb, const char *name, void *base, uint64_t size, bool read_only)
{
	size_t i;
	if (!rb || !base || size == 0 || size % RAMBLK_BLOCK_SIZE)
		return -EINVAL;
	memset(rb, 0, sizeof(*rb));
	for (i = 0; name && name[i] && i < sizeof(rb->bd.name) - 1; i++)
		rb->bd.name[i] = name[i];
	rb->bd.block_size = RAMBLK_BLOCK_SIZE;
	rb->bd.nblocks = size / RAMBLK_BLOCK_SIZE;
	rb->bd.read_only = read_only;
	rb->bd.ops = &ramblk_ops;
	rb->bd.priv = rb;
	rb->base = base;
	rb->size = size;
	return 0;
}

int ramblk_bootarg(const char *v)
{
	char addr[32];
	const char *comma = v ? strchr(v, ',') : NULL;
	unsigned long long a, s;
	size_t n;
	if (!comma)
		return -EINVAL;
	n = (size_t)(comma - v);
	if (n == 0 || n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, v, n);
	addr[n] = 0;
	if (parse_u64(addr, &a) || parse_u64(comma + 1, &s))
		return -EINVAL;
	if (a == 0 || (a & (PAGE_SIZE - 1)) || s == 0 || s % RAMBLK_BLOCK_SIZE || a + s < a)
		return -EINVAL;
	arg_addr = a;
	arg_size = s;
	ksnprintf(arg_text, sizeof(arg_text), "%s", v);
	return 0;
}

static const struct bootarg ramblk_args[] = {
	{ "ramblk", ramblk_bootarg, "<addr>,<size> of RAM to use as the block store" },
};
const struct bootarg_table ramblk_bootargs = { ramblk_args, ARRAY_SIZE(ramblk_args) };

int ramblk_claim(void)
{
	struct page_conflict c;
	char why[112];
	int err;
	if (arg_size) {
		err = page_check_free(arg_addr, arg_size, &c);
		if (!err) {
			page_reserve(arg_addr, arg_size, "the ramblk= store");
			store_pa = arg_addr;
			store_size = arg_size;
			return 0;
		}
		if (err == -ERANGE)
			ksnprintf(why, sizeof(why), "0x%lx-0x%lx is not RAM", (unsigned long)c.lo,
				  (unsigned long)(c.hi - 1));
		else
			ksnprintf(why, sizeof(why), "it overlaps %s 0x%lx-0x%lx", c.what,
				  (unsigned long)c.lo, (unsigned long)(c.hi - 1));
		pr_err("ramblk: ramblk=%s refused: %s; the store is %lu KiB of allocated RAM "
		       "instead\n",
		       arg_text, why, (unsigned long)(CONFIG_RAMBLK_DEFAULT_SIZE >> 10));
		arg_size = 0;
	}
	store_size = CONFIG_RAMBLK_DEFAULT_SIZE;
	store_pa = page_alloc_contig(store_size / PAGE_SIZE, PAGE_SIZE);
	if (!store_pa) {
		store_size = 0;
		return -ENOMEM;
	}
	store_allocated = true;
	return 0;
}

int ramblk_init(void)
{
	void *base = (void *)(uintptr_t)store_pa;
	int err;
	if (boot_store_ready)
		return -EEXIST;
	if (!store_size)
		return -ENOMEM; /* ramblk_claim found no room (boot stopped there) */
	err = ramblk_setup(&boot_store, "ramblk0", base, store_size, false);
	if (!err)
		err = blkdev_register(&boot_store.bd);
	if (err)
		return err; /* the memory stays claimed: nothing else was promised it */
	boot_store_ready = true;
	pr_info("ramblk: store at %p, %lu KiB (%s)\n", base, (unsigned long)(store_size >> 10),
		store_allocated ? "allocated" : "from ramblk=");
	return 0;
}

struct blkdev *ramblk_dev(void)
{
	return boot_store_ready ? &boot_store.bd : NULL;
}
