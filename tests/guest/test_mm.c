/* SPDX-License-Identifier: BSD-2-Clause */
/* Guest tests for mm: frame and object counts, 4 KiB mappings in the region window, and the
 * protections vm_init promised (W^X image, read-only rodata, non-executable RAM). */
#include <stdint.h>
#include "boot/boot.h"
#include "boot/init/main.h"
#include "drivers/core/console.h"
#include "drivers/core/dt.h"
#include "boot/trap.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "tests/guest/gtest.h"

/* The top of the region window: region.c hands out addresses from the bottom. */
#define TEST_VA (CONFIG_REGION_BASE + CONFIG_REGION_SIZE - 4 * PAGE_SIZE)

static const uint32_t some_rodata = 0x5eed;

GTEST(page_alloc_free_counts)
{
	const struct page_stats *st = page_stats();
	uint64_t free0 = st->free, f[16], run;
	bool zero = true, distinct = true;
	for (int i = 0; i < 16; i++) {
		f[i] = page_alloc();
		ok(f[i] && (f[i] & (PAGE_SIZE - 1)) == 0, "frame %d: %lx", i, (unsigned long)f[i]);
		for (size_t k = 0; f[i] && k < PAGE_SIZE / 8; k++)
			zero &= ((const uint64_t *)(uintptr_t)f[i])[k] == 0;
		for (int j = 0; j < i; j++)
			distinct &= f[i] != f[j];
		if (f[i])
			((uint64_t *)(uintptr_t)f[i])[7] =
				0xdeadbeef; /* dirty it for the next user */
	}
	ok(zero, "frames not zeroed");
	ok(distinct, "a frame was handed out twice");
	ok(st->free == free0 - 16, "free %lu, expected %lu", (unsigned long)st->free,
	   (unsigned long)(free0 - 16));
	ok(st->low_water <= st->free, "low water above free");
	for (int i = 0; i < 16; i++)
		if (f[i])
			page_free(f[i]);
	ok(st->free == free0, "free %lu after freeing, expected %lu", (unsigned long)st->free,
	   (unsigned long)free0);
	run = page_alloc_contig(8, 1ul << 16);
	ok(run && (run & 0xffff) == 0, "contiguous run %lx", (unsigned long)run);
	if (run)
		page_free_contig(run, 8);
	ok(st->free == free0, "contiguous run leaked");
	/* Frames are never inside the image. */
	ok(f[0] >= (uintptr_t)_end || f[0] < (uintptr_t)_start, "frame inside the image");
}

GTEST(kmem_alloc_free_counts)
{
	const struct kmem_stats *ks = kmem_stats();
	uint64_t free0, desc0, slabs0 = ks->slabs;
	void *p[64];
	bool zero = true;
	kmem_free(kmem_alloc(16)); /* descriptor frame, if this is the first use */
	free0 = page_stats()->free;
	desc0 = ks->desc_frames;
	for (int i = 0; i < 64; i++) {
		size_t sz = (size_t)16 << (i % 9);
		p[i] = kmem_alloc(sz);
		ok(p[i] != NULL && ((uintptr_t)p[i] & 15) == 0, "kmem_alloc(%zu) = %p", sz, p[i]);
		for (size_t k = 0; p[i] && k < sz; k++)
			zero &= ((const uint8_t *)p[i])[k] == 0;
	}
	ok(zero, "objects not zeroed");
	ok(kmem_alloc(0) == NULL && kmem_alloc(PAGE_SIZE + 1) == NULL, "bad sizes accepted");
	for (int i = 0; i < 64; i++)
		kmem_free(p[i]);
	ok(ks->slabs == slabs0, "slabs %lu, were %lu", (unsigned long)ks->slabs,
	   (unsigned long)slabs0);
	ok(page_stats()->free + (ks->desc_frames - desc0) == free0, "kmem leaked frames");
}

GTEST(vm_map_read_write_unmap)
{
	uint64_t pa = page_alloc(), got;
	volatile uint32_t *va = (volatile uint32_t *)(uintptr_t)TEST_VA;
	unsigned prot = 0;
	uint8_t v = 0;
	ok(pa != 0, "no frame");
	if (!pa)
		return;
	ok(vm_lookup(TEST_VA, NULL) == 0, "test address already mapped");
	ok(vm_map_page(TEST_VA, pa, VM_R | VM_W) == 0, "map failed");
	got = vm_lookup(TEST_VA + 12, &prot);
	ok(got == pa + 12 && prot == (VM_R | VM_W), "lookup %lx prot %u", (unsigned long)got, prot);
	va[3] = 0xcafef00d;
	ok(((volatile uint32_t *)(uintptr_t)pa)[3] == 0xcafef00d, "write not seen in the frame");
	((volatile uint32_t *)(uintptr_t)pa)[4] = 0x12345678;
	ok(va[4] == 0x12345678, "frame write not seen through the mapping");
	ok(probe_load8((const volatile void *)va, &v) == 0, "mapped load faulted");

	/* Remap the same address to another frame: the old TLB entry must be gone. */
	{
		uint64_t pa2 = page_alloc();
		ok(pa2 && vm_map_page(TEST_VA, pa2, VM_R | VM_W) == 0, "remap failed");
		ok(va[3] == 0, "stale translation after remap");
		vm_map_page(TEST_VA, pa, VM_R | VM_W);
		if (pa2)
			page_free(pa2);
	}

	vm_unmap_page(TEST_VA);
	ok(vm_lookup(TEST_VA, NULL) == 0, "still mapped after unmap");
	ok(probe_load8((const volatile void *)va, &v) == -EFAULT, "unmapped load did not fault");
	ok(trap_last_fault.va == TEST_VA, "fault at %lx", (unsigned long)trap_last_fault.va);
	vm_unmap_page(TEST_VA); /* absent: a no-op */
	ok(vm_protect_page(TEST_VA, VM_R) == -ENOENT, "protect of an unmapped page");
	page_free(pa);
}

GTEST(vm_protect_read_only)
{
	uint64_t pa = page_alloc();
	volatile uint8_t *va = (volatile uint8_t *)(uintptr_t)(TEST_VA + PAGE_SIZE);
	unsigned prot = 0;
	uint8_t v = 0;
	if (!pa || vm_map_page((uintptr_t)va, pa, VM_R | VM_W)) {
		ok(0, "setup failed");
		return;
	}
	ok(probe_store8(va, 7) == 0, "store to a writable page faulted");
	ok(vm_protect_page((uintptr_t)va, VM_R) == 0, "protect failed");
	ok(vm_lookup((uintptr_t)va, &prot) == pa && prot == VM_R, "prot %u", prot);
	ok(probe_store8(va, 9) == -EFAULT, "store to a read-only page did not fault");
	ok(probe_load8(va, &v) == 0 && v == 7, "read-only page reads %u", v);
	ok(vm_protect_page((uintptr_t)va, VM_R | VM_W) == 0, "unprotect failed");
	ok(probe_store8(va, 9) == 0 && *va == 9, "store after unprotect");
	ok(vm_protect_page((uintptr_t)va, VM_W) == -EINVAL, "write-only accepted");
	ok(vm_protect_page((uintptr_t)va, VM_R | VM_W | VM_X) == -EINVAL, "W+X accepted");
	ok(vm_map_page((uintptr_t)va + 1, pa, VM_R) == -EINVAL, "unaligned va accepted");
	vm_unmap_page((uintptr_t)va);
	page_free(pa);
}

/* The console UART's registers (the stdout-path node's first reg), if the tree has one. */
static bool console_base(uint64_t *base)
{
	struct dt_device d;
	uint64_t size;
	return dt_device_of(dt_stdout(), &d) == 0 && dt_reg(&d, 0, base, &size) == 0 &&
	       console_has_device();
}

GTEST(vm_kernel_protections)
{
	uint64_t uart;
	unsigned prot = 0;
	uint64_t frame = page_alloc();
	ok(probe_store8((volatile void *)_start, 0) == -EFAULT, "text is writable (W^X broken)");
	ok(probe_store8((volatile void *)(uintptr_t)&some_rodata, 0) == -EFAULT,
	   "rodata is writable");
	ok(vm_lookup((uintptr_t)_start, &prot) == (uintptr_t)_start && prot == (VM_R | VM_X),
	   "text prot %u", prot);
	ok(vm_lookup((uintptr_t)_srodata, &prot) == (uintptr_t)_srodata && prot == VM_R,
	   "rodata prot %u", prot);
	ok(vm_lookup((uintptr_t)_sdata, &prot) == (uintptr_t)_sdata && prot == (VM_R | VM_W),
	   "data prot %u", prot);
	ok(frame && vm_lookup(frame, &prot) == frame && prot == (VM_R | VM_W), "RAM prot %u", prot);
	/* A megapage cannot be split into 4 KiB pages. The middle of RAM is one (the image sits
	 * at its start); map it to itself so that a wrong success changes nothing. */
	{
		uint64_t mid = machine.mem[0].base + ((machine.mem[0].size / 2) & ~((2ul << 20) - 1));
		ok(machine.mem[0].size < (8ul << 20) ||
			   vm_map_page(mid + PAGE_SIZE, mid + PAGE_SIZE, VM_R | VM_W) == -EBUSY,
		   "split a RAM megapage at %lx", (unsigned long)mid);
	}
	if (console_base(&uart))
		ok(vm_lookup(uart, &prot) == uart && prot == (VM_R | VM_W),
		   "UART (mapped by its driver) prot %u", prot);
	if (frame)
		page_free(frame);
}

GTEST(vm_map_mmio_live)
{
	uint64_t uart;
	/* The last page of the PCI 32-bit window on QEMU virt: normally unmapped, and mapping it
	 * identity RW is what a BAR there would get anyway. */
	uint64_t pa = 0x7ffff000ull;
	unsigned prot = 0;
	uint8_t v;
	ok(vm_map_mmio(pa, 16) == 0, "map after vm_init failed");
	ok(vm_lookup(pa + 8, &prot) == pa + 8 && prot == (VM_R | VM_W), "mmio prot %u", prot);
	if (console_base(&uart))
		ok(vm_map_mmio(uart, PAGE_SIZE) == 0, "mapping twice failed");
	ok(vm_map_mmio(vm_reach(), PAGE_SIZE) == -ERANGE, "address beyond the identity range");
	ok(vm_map_mmio(pa, 0) == -EINVAL, "empty range accepted");
	ok(probe_load8((const volatile void *)(uintptr_t)(CONFIG_REGION_BASE - PAGE_SIZE), &v) ==
		   -EFAULT,
	   "a hole below the region window is mapped");
}

/* What boot told the page allocator is in use, as ramblk= would be checked against it. */
GTEST(boot_memory_plan_names_what_is_in_use)
{
	struct page_conflict c = { 0, 0, "" };
	uint64_t end = 0;
	for (int i = 0; i < machine.nmem; i++)
		if (machine.mem[i].base + machine.mem[i].size > end)
			end = machine.mem[i].base + machine.mem[i].size;
	ok(!strcmp(vm_mode_name(), "Sv39") && vm_reach() == 1ull << 38, "%s, reach %lx",
	   vm_mode_name(), (unsigned long)vm_reach());
	ok(page_check_free((uintptr_t)_sbss, PAGE_SIZE, &c) == -EBUSY &&
		   !strcmp(c.what, "the kernel image") && c.lo == (uintptr_t)_start &&
		   c.hi == (uintptr_t)_end,
	   "the BSS: %s %lx-%lx", c.what, (unsigned long)c.lo, (unsigned long)c.hi);
	ok(page_check_free(boot_dtb_pa, 8, &c) == -EBUSY && !strcmp(c.what, "the device tree"),
	   "the DTB: %s", c.what);
	for (int i = 0; i < machine.nreserved; i++)
		ok(page_check_free(machine.reserved[i].base, PAGE_SIZE, &c) == -EBUSY &&
			   !strcmp(c.what, "reserved memory"),
		   "reserved %lx: %s", (unsigned long)machine.reserved[i].base, c.what);
	ok(page_check_free(end - PAGE_SIZE, 2 * PAGE_SIZE, &c) == -ERANGE && c.lo == end,
	   "past the end of RAM: %lx", (unsigned long)c.lo);
	/* The region window is in the upper half: no identity map is anywhere near it. */
	ok(vm_lookup(CONFIG_REGION_BASE + CONFIG_REGION_SIZE - PAGE_SIZE, NULL) == 0 &&
		   vm_lookup(CONFIG_REGION_BASE - PAGE_SIZE, NULL) == 0,
	   "something is mapped around the window");
}
