/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store service (protocol in app/store.h, served by app/store_proto.c): a thin UDP front
 * end over one shared region, so every request exercises demand paging, dirty tracking and
 * write-back of mm/region.c. Off unless store.port= is given: nothing on the LAN can write
 * the store without the operator having asked for it.
 */
#include <stdint.h>
#include "app/store.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"
#include "mm/region.h"
#include "net/net.h"

static uint16_t port; /* 0: off */
static char dev_name[16] = STORE_DEFAULT_DEV;
static struct store_stats stats;
static struct store_backend be = { .stats = &stats };

int store_bootarg_port(const char *value)
{
	return parse_port(value, false, &port);
}

int store_bootarg_dev(const char *value)
{
	size_t n = strlen(value);
	if (n == 0 || n >= sizeof(dev_name))
		return -EINVAL;
	memcpy(dev_name, value, n + 1);
	return 0;
}

struct blkdev *store_blkdev(void)
{
	return blkdev_find(dev_name);
}

static const struct bootarg store_args[] = {
	{ "store.port", store_bootarg_port, "UDP port of the store service (off unless given)" },
	{ "store.dev", store_bootarg_dev, "block device of the store (default ramblk0)" },
};
const struct bootarg_table store_bootargs = { store_args, ARRAY_SIZE(store_args) };

const struct store_stats *store_stats(void)
{
	return &stats;
}

/* Write back the pages holding [addr, addr + len) (region_sync takes whole pages). */
static int store_sync(void *addr, size_t len)
{
	uintptr_t lo = (uintptr_t)addr & ~(PAGE_SIZE - 1);
	uintptr_t hi = ((uintptr_t)addr + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t end = (uintptr_t)be.base + be.size;
	return region_sync((void *)lo, (hi < end ? hi : end) - lo);
}

/* The reply overwrites the request in its own buffer and is never longer: no copy. */
static void store_input(struct mbuf *m, const struct udp_peer *peer, void *arg)
{
	size_t n;
	(void)arg;
	n = store_handle(&be, m->data, mbuf_len(m));
	if (!n) {
		mbuf_free(m);
		return;
	}
	mbuf_trim(m, n);
	udp_reply(m, peer);
}

int store_init(void)
{
	struct blkdev *bd;
	void *addr;
	int err;
	if (!port) {
		pr_info("store: off (store.port= enables it)\n");
		return 0;
	}
	bd = blkdev_find(dev_name);
	if (!bd) {
		pr_err("store: no block device \"%s\" (store.dev=); service off\n", dev_name);
		for (bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
			pr_err("store: (there is %s)\n", bd->name);
		return -ENODEV;
	}
	be.size = bd->nblocks * bd->block_size;
	if (be.size > STORE_BYTES)
		be.size = STORE_BYTES;
	err = region_map(bd, 0, be.size, PROT_READ | PROT_WRITE, MAP_SHARED, &addr);
	if (err) {
		pr_err("store: cannot map %s: %s\n", bd->name, errname(err));
		return err;
	}
	be.base = addr;
	be.sync = store_sync;
	be.copy = region_copy; /* a device error becomes "ERR io", not a stopped kernel */
	err = udp_bind(port, UDP_BIND_SERVICE, store_input, NULL);
	if (err) {
		pr_err("store: cannot bind UDP port %u: %s\n", port, errname(err));
		region_unmap(be.base, be.size);
		be.base = NULL;
		return err;
	}
	pr_info("store: %s bytes 0-%lu at %p, UDP port %u (unauthenticated: trusted LAN only)\n",
		bd->name, (unsigned long)be.size - 1, addr, port);
	return 0;
}
