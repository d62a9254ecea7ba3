/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Region figures: a sequential read through a fresh mapping against copying the same bytes
 * straight from the store, faults per MiB, write-back throughput of a fully dirty region, and
 * the latency of syncing one dirty page. Runs on store bytes past what the store service
 * uses, and writes back what it read, so the store's contents do not change. Each time is
 * also given without the driver's polling for the device (blkdev wait_ns): under QEMU
 * -icount shift=0 a nanosecond is an instruction, and that is the kernel's own work.
 */
#include <stdint.h>
#include "app/regbench.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/timer.h"
#include "mm/blkdev.h"
#include "mm/kmem.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"

#define BENCH_BYTES (1u << 20)

static uint64_t sum_words(const volatile uint64_t *p, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

static uint64_t faults(void)
{
	const struct region_stats *r = region_stats();
	return r->faults_read + r->faults_write + r->faults_cow;
}

/* Copy the range block by block into one page-sized buffer, summing as the mapping does. */
static int direct_copy(struct blkdev *bd, uint64_t off, uint64_t *sum, uint64_t *ns, uint64_t *wait)
{
	uint64_t *buf = (uint64_t *)(uintptr_t)page_alloc();
	uint32_t per_page = PAGE_SIZE / bd->block_size;
	uint64_t t0, s = 0;
	if (buf)
		(void)blkdev_read(bd, off / bd->block_size, per_page, buf); /* warm the code path */
	*wait = bd->stats.wait_ns;
	t0 = clock_ns();
	if (!buf)
		return -ENOMEM;
	for (uint64_t o = 0; o < BENCH_BYTES; o += PAGE_SIZE) {
		int err = blkdev_read(bd, (off + o) / bd->block_size, per_page, buf);
		if (err) {
			page_free((uintptr_t)buf);
			return err;
		}
		s += sum_words(buf, PAGE_SIZE / 8);
	}
	*ns = clock_ns() - t0;
	*wait = bd->stats.wait_ns - *wait;
	*sum = s;
	page_free((uintptr_t)buf);
	return 0;
}

static unsigned long mib_per_s(uint64_t bytes, uint64_t ns)
{
	return ns ? (unsigned long)(bytes * 1000000000ull / ns >> 20) : 0;
}

static struct blkdev *bench_bd;
static uint64_t bd_wait(void)
{
	return bench_bd->stats.wait_ns;
}

/* One dirty page synced, SYNC_SAMPLES times: the time from region_sync's call to its return
 * (the write and, on a disk with a volatile cache, the flush). The median, in ns. */
#define SYNC_SAMPLES 15
static uint64_t page_sync_ns(uint8_t *addr, uint64_t *wait)
{
	uint64_t w[SYNC_SAMPLES];
	uint64_t t[SYNC_SAMPLES];
	for (int i = 0; i < SYNC_SAMPLES; i++) {
		volatile uint8_t *p = addr + (size_t)(i % 16) * PAGE_SIZE;
		uint64_t t0;
		uint8_t b = *p;
		*p = b; /* dirty it (same value) */
		w[i] = bd_wait();
		t0 = clock_ns();
		if (region_sync((void *)(uintptr_t)p, PAGE_SIZE))
			return 0;
		t[i] = clock_ns() - t0;
		w[i] = bd_wait() - w[i];
	}
	for (int i = 1; i < SYNC_SAMPLES; i++) /* insertion sort, 15 entries */
		for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
			uint64_t x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
			x = w[j];
			w[j] = w[j - 1];
			w[j - 1] = x;
		}
	*wait = w[SYNC_SAMPLES / 2];
	return t[SYNC_SAMPLES / 2];
}

int regbench_run(struct blkdev *bd)
{
	uint64_t off = 1u << 20; /* past the store service's bytes */
	uint64_t direct_ns, map_ns, sync_ns, page_ns, direct_sum, map_sum, f0, nfaults, t0;
	uint64_t w0, direct_wait, map_wait, sync_wait, page_wait = 0, fences, sync_fences;
	void *addr;
	int err;
	if (!bd || bd->nblocks * bd->block_size < off + BENCH_BYTES)
		return -ENODEV;
	bench_bd = bd;
	kprintf("bench region on %s\n", bd->name);
	err = direct_copy(bd, off, &direct_sum, &direct_ns, &direct_wait);
	if (err)
		return err;
	pcache_drop_dev(bd); /* a fresh mapping: nothing cached from earlier runs */
	err = region_map(bd, off, BENCH_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, &addr);
	if (err)
		return err;
	f0 = faults();
	fences = region_stats()->tlb_fences;
	w0 = bd_wait();
	t0 = clock_ns();
	map_sum = sum_words(addr, BENCH_BYTES / 8);
	map_ns = clock_ns() - t0;
	map_wait = bd_wait() - w0;
	nfaults = faults() - f0;
	fences = region_stats()->tlb_fences - fences;
	/* Dirty every page (same value back), then time the write-back of all of them. */
	for (size_t i = 0; i < BENCH_BYTES; i += PAGE_SIZE) {
		volatile uint8_t *p = (volatile uint8_t *)addr + i;
		uint8_t b = *p;
		*p = b;
	}
	w0 = bd_wait();
	sync_fences = region_stats()->tlb_fences;
	t0 = clock_ns();
	err = region_sync(addr, BENCH_BYTES);
	sync_ns = clock_ns() - t0;
	sync_fences = region_stats()->tlb_fences - sync_fences;
	sync_wait = bd_wait() - w0;
	page_ns = err ? 0 : page_sync_ns(addr, &page_wait);
	region_unmap(addr, BENCH_BYTES);
	if (err || !page_ns)
		return err ? err : -EIO;
	if (map_sum != direct_sum) {
		pr_err("regbench: mapping and store disagree\n");
		return -EIO;
	}
	kprintf("regbench: bytes %u direct_ns %lu map_ns %lu ratio_x100 %lu faults_per_mib %lu "
		"sync_ns %lu sync_mib_s %lu direct_mib_s %lu map_mib_s %lu page_sync_ns %lu\n",
		BENCH_BYTES, (unsigned long)direct_ns, (unsigned long)map_ns,
		(unsigned long)(direct_ns ? map_ns * 100 / direct_ns : 0),
		(unsigned long)(nfaults * (1u << 20) / BENCH_BYTES), (unsigned long)sync_ns,
		mib_per_s(BENCH_BYTES, sync_ns), mib_per_s(BENCH_BYTES, direct_ns),
		mib_per_s(BENCH_BYTES, map_ns), (unsigned long)page_ns);
	/* The same without the time spent polling the device: the kernel's own work. */
	kprintf("regbench: direct_wait_ns %lu map_wait_ns %lu sync_wait_ns %lu page_wait_ns %lu "
		"ratio_cpu_x100 %lu sync_cpu_ns %lu page_sync_cpu_ns %lu fences_per_mib %lu "
		"sync_fences_per_mib %lu\n",
		(unsigned long)direct_wait, (unsigned long)map_wait, (unsigned long)sync_wait,
		(unsigned long)page_wait,
		(unsigned long)(direct_ns > direct_wait
					? (map_ns - map_wait) * 100 / (direct_ns - direct_wait)
					: 0),
		(unsigned long)(sync_ns - sync_wait), (unsigned long)(page_ns - page_wait),
		(unsigned long)(fences * (1u << 20) / BENCH_BYTES),
		(unsigned long)(sync_fences * (1u << 20) / BENCH_BYTES));
	return 0;
}
