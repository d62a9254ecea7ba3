/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kmain: bring the machine up from what the device tree says, then run the one loop. Order
 * matters: the console first (errors must be visible), then memory, then the interrupt
 * controllers, then the devices that ask them for interrupts.
 */
#include <stdarg.h>
#include <stdint.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "boot/init/main.h"
#include "boot/instret.h"
#include "boot/sbi.h"
#include "boot/time.h"
#include "boot/trap.h"
#include "drivers/core/console.h"
#include "drivers/core/dt.h"
#include "drivers/core/irq.h"
#include "drivers/drivers.h"
#include "drivers/nvme.h"
#include "drivers/pci.h"
#include "drivers/ramblk.h"
#include "lib/bootargs.h"
#include "lib/byteorder.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/timer.h"
#include "lib/util.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "net/net.h"
#include "net/netdev.h"
#include "app/app.h"
#include "app/init.h"
#include "app/store.h"

struct dt_machine machine;
static uint64_t want_hart = UINT64_MAX; /* boot.hart= */

/* Figures for the stats JSON: instret is exact under QEMU -icount (make bench uses it). */
static void sys_sample(struct net_sys_stats *out)
{
	const struct page_stats *ps = page_stats();
	uint64_t image = (uintptr_t)_end - (uintptr_t)_start;
	out->instret = csr_read(CSR_INSTRET);
	out->busy_instret = cpu_busy_instret();
	out->instret_exact = instret_is_exact();
	out->poll_window_ns = loop_poll.window_ns;
	out->poll_hits = loop_poll.hits;
	out->poll_misses = loop_poll.misses;
	out->poll_short_sleeps = loop_poll.short_sleeps;
	out->poll_spinning = loop_poll.spinning;
	out->main_loop_us = boot_times.loop_ns / 1000;
	out->nic_rx_on_us = netdev_first() ? netdev_first()->rx_on_ns / 1000 : 0;
	out->ram_bytes = image + ps->total * PAGE_SIZE;
	out->ram_used_bytes = image + (ps->total - ps->free) * PAGE_SIZE;
}

static int set_boot_hart(const char *v)
{
	unsigned long long n;
	if (parse_u64(v, &n) || n > UINT32_MAX)
		return -EINVAL;
	want_hart = n;
	return 0;
}

static int set_tick(const char *v)
{
	unsigned long long n;
	if (parse_u64(v, &n) || n < 50 || n > 1000000)
		return -EINVAL;
	loop_tick_ns = n * 1000;
	return 0;
}

static bool vector_allowed = true; /* cpu.vector= */

static int set_vector(const char *v)
{
	unsigned long long n;
	if (parse_u64(v, &n) || n > 1)
		return -EINVAL;
	vector_allowed = n;
	return 0;
}

static int set_poll(const char *v)
{
	unsigned long long n;
	if (parse_u64(v, &n) || n > 1000)
		return -EINVAL;
	loop_poll_max_ns = n * 1000;
	return 0;
}

/* TCP's rings for a connection, whole pages from the page allocator (identity-mapped). */
static void *tcp_pages_alloc(size_t bytes)
{
	return (void *)(uintptr_t)page_alloc_contig(bytes / PAGE_SIZE, PAGE_SIZE);
}

static void tcp_pages_free(void *p, size_t bytes)
{
	page_free_contig((uint64_t)(uintptr_t)p, bytes / PAGE_SIZE);
}

static const struct bootarg root_args[] = {
	{ "boot.hart", set_boot_hart, "hart id to run on (moves there at boot; default: any)" },
	{ "loop.tick_us", set_tick,
	  "50..1000000: wake-up period when a device has no interrupt (default 1000)" },
	{ "loop.poll_us", set_poll,
	  "0..1000: largest busy-poll window before sleeping; 0 = off (default 200)" },
	{ "cpu.vector", set_vector,
	  "0: leave the vector unit (V) off; 1: use it for checksums where the hart has it "
	  "(default 1)" },
};
static const struct bootarg_table root_bootargs = { root_args, ARRAY_SIZE(root_args) };

/* Every module's boot arguments (lib/bootargs.h): each module declares its own keys. */
static const struct bootarg_table *const bootarg_tables[] = {
	&root_bootargs, &log_bootargs, &vm_bootargs,   &pci_bootargs,	  &ramblk_bootargs,
	&nvme_bootargs, &net_bootargs, &echo_bootargs, &tcpecho_bootargs, &store_bootargs,
};

/*
 * Validate and parse the DTB at dtb into m. Returns 0, or a negative error after printing
 * what is wrong (through the SBI console: no UART is known yet).
 */
int boot_parse_dtb(uint64_t dtb, struct dt_machine *m)
{
	size_t total;
	if (dtb == 0 || (dtb & 7)) {
		kprintf("boot: FATAL: no device tree (a1 = %lx from the firmware)\n",
			(unsigned long)dtb);
		return -EINVAL;
	}
	if (fdt_check_header((const void *)(uintptr_t)dtb, CONFIG_DTB_MAX, &total)) {
		kprintf("boot: FATAL: device tree at %lx has a bad header (magic %08x)\n",
			(unsigned long)dtb, get_be32((const void *)(uintptr_t)dtb));
		return -EINVAL;
	}
	if (dt_parse_machine((const void *)(uintptr_t)dtb, total, m)) {
		kprintf("boot: FATAL: device tree at %lx (%lu bytes) is malformed\n",
			(unsigned long)dtb, (unsigned long)total);
		return -EINVAL;
	}
	if (m->nmem == 0) {
		kprintf("boot: FATAL: device tree has no memory node\n");
		return -EINVAL;
	}
	return 0;
}

/* The machine description: the tree the drivers are probed from from now on. */
static void discover(uint64_t dtb)
{
	size_t total = 0;
	if (boot_parse_dtb(dtb, &machine)) {
		kprintf("boot: cannot continue without a device tree; stopping\n");
		machine_exit(1);
	}
	fdt_check_header((const void *)(uintptr_t)dtb, CONFIG_DTB_MAX, &total);
	dt_init((const void *)(uintptr_t)dtb, total, &machine);
}

static void banner(void)
{
	kprintf("\n");
	pr_info("unikernel %s (%s) on RISC-V\n", KERNEL_VERSION, GIT_VERSION);
	pr_info("boot: hart %lu, %d cpu(s), SBI v%lu.%lu impl %lu%s\n", (unsigned long)boot_hartid,
		machine.ncpus, (sbi.spec_version >> 24) & 0x7f, sbi.spec_version & 0xffffff,
		sbi.impl_id, sbi.has_dbcn ? ", debug console" : "");
	pr_info("boot: image %p-%p (text %lu KiB), DTB at %p\n", (void *)_start, (void *)_end,
		(unsigned long)((uintptr_t)_etext - (uintptr_t)_start) / 1024,
		(void *)(uintptr_t)boot_dtb_pa);
	pr_info("boot: timebase %u Hz, console %s\n", time_hz(), console_name());
	for (int i = 0; i < machine.nmem; i++)
		pr_info("mem: %016lx-%016lx (%lu MiB)\n", (unsigned long)machine.mem[i].base,
			(unsigned long)(machine.mem[i].base + machine.mem[i].size - 1),
			(unsigned long)(machine.mem[i].size >> 20));
	for (int i = 0; i < machine.nreserved; i++)
		pr_info("mem: reserved %016lx-%016lx\n", (unsigned long)machine.reserved[i].base,
			(unsigned long)(machine.reserved[i].base + machine.reserved[i].size - 1));
	pr_info("boot: bootargs \"%s\"\n", machine.bootargs ? machine.bootargs : "");
}

/* boot.hart=N: restart on that hart (tests of per-hart interrupt targets; boards whose
 * firmware starts the kernel on a hart the operator does not want). */
static void move_hart(void)
{
	const struct dt_cpu *c;
	int err;
	if (want_hart == UINT64_MAX || want_hart == boot_hartid)
		return;
	c = dt_cpu_of(&machine, (uint32_t)want_hart);
	if (!c || !c->ok) {
		pr_err("boot: boot.hart=%lu: no such hart in the device tree; staying on hart "
		       "%lu\n",
		       (unsigned long)want_hart, (unsigned long)boot_hartid);
		return;
	}
	pr_info("boot: moving to hart %lu\n", (unsigned long)want_hart);
	err = cpu_move_to_hart((uint32_t)want_hart);
	pr_err("boot: cannot start hart %lu (%s); staying on hart %lu\n", (unsigned long)want_hart,
	       errname(err), (unsigned long)boot_hartid);
}

/*
 * The boot hart's ISA as its device tree node states it, and what the kernel uses of it: the
 * vector unit (V 1.0) for the Internet checksum. T-Head's C906/C910 (mvendorid 0x5b7, marchid
 * 0) implement the 0.7.1 draft, whose encodings differ: never on them, as Linux does.
 */
#define MVENDORID_THEAD 0x5b7
static void cpu_features(void)
{
	const struct dt_cpu *c = dt_cpu_of(&machine, (uint32_t)boot_hartid);
	unsigned vlen;
	pr_info("cpu: hart %lu isa %s\n", (unsigned long)boot_hartid,
		c && c->isa ? c->isa : "(not given)");
	if (!dt_hart_has_ext((uint32_t)boot_hartid, "v"))
		return;
	if (sbi.mvendorid == MVENDORID_THEAD && sbi.marchid == 0) {
		pr_info("cpu: vector unit of a T-Head C9xx (draft 0.7.1): not used\n");
		return;
	}
	if (!vector_allowed) {
		pr_info("cpu: vector unit not used (cpu.vector=0)\n");
		return;
	}
	vlen = cpu_vector_on();
	if (!vlen) {
		pr_warn("cpu: the device tree lists V but sstatus.VS stays off: not used\n");
		return;
	}
	cksum_use_vector(true);
	pr_info("cpu: vector unit on, VLEN %u bits: checksums use it\n", vlen);
}

/* A configuration this kernel cannot run with: say so and stop (not a panic: nothing broke). */
static __attribute__((noreturn, format(printf, 1, 2))) void fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("boot: FATAL: %s; stopping\n", msg);
	machine_exit(1);
}

#define MIN_FREE_MIB ((CONFIG_RAM_MIN_WORK + CONFIG_RAMBLK_DEFAULT_SIZE) >> 20)

static uint64_t ram_end(void)
{
	uint64_t end = 0;
	for (int i = 0; i < machine.nmem; i++)
		if (machine.mem[i].base + machine.mem[i].size > end)
			end = machine.mem[i].base + machine.mem[i].size;
	return end;
}

/* RAM the page allocator manages: every memory range, less what is in use or out of reach. */
static void ram_plan(void)
{
	uint64_t reach = vm_reach(), unused = 0;
	size_t dtb_size;
	page_init();
	for (int i = 0; i < machine.nmem; i++) {
		uint64_t base = machine.mem[i].base, end = base + machine.mem[i].size;
		int err = page_add_range(base, machine.mem[i].size);
		if (err)
			pr_warn("mem: %016lx-%016lx not used (%s)\n", (unsigned long)base,
				(unsigned long)(end - 1), errname(err));
		else if (end > reach) {
			base = base > reach ? base : reach;
			unused += end - base;
			pr_warn("mem: 0x%lx-0x%lx (%lu MiB) lies beyond what %s maps (%lu GiB): "
				"unused\n",
				(unsigned long)base, (unsigned long)(end - 1),
				(unsigned long)((end - base) >> 20), vm_mode_name(),
				(unsigned long)(reach >> 30));
		}
	}
	if (unused)
		page_reserve(reach, ram_end() - reach, "RAM beyond the page tables' reach");
	page_reserve((uintptr_t)_start, (uintptr_t)_end - (uintptr_t)_start, "the kernel image");
	if (fdt_check_header((const void *)(uintptr_t)boot_dtb_pa, CONFIG_DTB_MAX, &dtb_size) == 0)
		page_reserve(boot_dtb_pa, dtb_size, "the device tree");
	for (int i = 0; i < machine.nreserved; i++)
		page_reserve(machine.reserved[i].base, machine.reserved[i].size, "reserved memory");
}

/*
 * Memory, in the order the checks need: the MMU's mode first (it decides how much RAM the
 * page tables reach), then the allocator's plan, the block store's memory (ramblk= is checked
 * against the plan), the minimum, and only then the page tables.
 */
static void memory_init(void)
{
	uint64_t free_before, free_after;
	int err;
	if (vm_select(ram_end()))
		fatal("this kernel needs Sv39 paging (or Sv48), and hart %lu has neither: its satp "
		      "stays in Bare mode (no MMU)",
		      (unsigned long)boot_hartid);
	if ((uintptr_t)_end > vm_reach())
		fatal("the kernel image at %p lies beyond what %s maps (%lu GiB): load it lower",
		      (void *)_start, vm_mode_name(), (unsigned long)(vm_reach() >> 30));
	ram_plan();
	free_before = page_stats()->free * PAGE_SIZE;
	err = ramblk_claim();
	free_after = page_stats()->free * PAGE_SIZE;
	if (err || free_after < CONFIG_RAM_MIN_WORK)
		fatal("too little RAM: %lu KiB free besides the firmware, the kernel image and the "
		      "device tree%s; this kernel needs at least %lu MiB: %lu MiB for the block "
		      "store, in one run (or give ramblk=), and %lu MiB to work in",
		      (unsigned long)(free_before >> 10),
		      err ? ", and no run of it holds the block store" : "",
		      (unsigned long)MIN_FREE_MIB,
		      (unsigned long)(CONFIG_RAMBLK_DEFAULT_SIZE >> 20),
		      (unsigned long)(CONFIG_RAM_MIN_WORK >> 20));
	err = vm_init(machine.mem, machine.nmem);
	if (err)
		fatal("cannot build the kernel page table (%s)", errname(err));
	page_dump(LOG_INFO);
}

/* The interrupt controllers, then the console's input interrupt. */
static void interrupts_init(void)
{
	dt_probe(dt_drivers, dt_drivers_count, DT_STAGE_IRQ);
	if (irq_can_wake())
		csr_set(CSR_SIE, SIE_SEIE); /* wakes wfi; sstatus.SIE stays 0 so nothing preempts */
	else
		pr_warn("irq: no interrupt controller for hart %lu in S-mode: devices are polled "
			"every %lu us\n",
			(unsigned long)boot_hartid, (unsigned long)(loop_tick_ns / 1000));
	if (!console_input_init())
		pr_info("console: input polled every %lu us\n",
			(unsigned long)(loop_tick_ns / 1000));
}

static void devices_init(void)
{
	dt_probe(dt_drivers, dt_drivers_count, DT_STAGE_DEVICE);
	dt_report_unclaimed(dt_drivers, dt_drivers_count);
	if (!pci_host())
		pr_info("pci: no PCIe host bridge in the device tree\n");
	if (!netdev_first())
		pr_warn("boot: no NIC found: networking is off "
			"(the block store and regions work)\n");
}

/*
 * boot/entry.S found the device tree inside the kernel's memory (the image or its BSS) and
 * cleared the BSS over it anyway (C needs it zero): what it held is gone. size is its
 * header's totalsize, or 1 if the header was not a device tree's.
 */
static __attribute__((noreturn)) void dtb_lost(uint64_t dtb, uint64_t size)
{
	fatal("the device tree at 0x%lx (%lu bytes) lay inside the kernel's memory 0x%lx-0x%lx "
	      "(its image and BSS), and clearing the BSS destroyed it. Loaders put it there when "
	      "RAM ends soon after the image: this kernel needs at least %lu MiB of RAM free "
	      "besides the firmware, its image and the device tree",
	      (unsigned long)dtb, (unsigned long)size, (unsigned long)(uintptr_t)_start,
	      (unsigned long)((uintptr_t)_end - 1), (unsigned long)MIN_FREE_MIB);
}

void kmain(uint64_t hartid, uint64_t dtb, uint64_t dtb_in_image);
void kmain(uint64_t hartid, uint64_t dtb, uint64_t dtb_in_image)
{
	boot_hartid = hartid;
	boot_dtb_pa = dtb;
	trap_init(); /* first: any fault from here on is reported, not a silent hang */
	sbi_init();
	if (dtb_in_image)
		dtb_lost(dtb, dtb_in_image);
	discover(dtb);
	time_init(machine.timebase_hz);
	boot_times.entry_ns = clock_ns();
	dt_probe(dt_drivers, dt_drivers_count, DT_STAGE_EARLY); /* the console, machine stop */
	banner();
	if (machine.bootargs)
		bootargs_parse(machine.bootargs, bootarg_tables, ARRAY_SIZE(bootarg_tables));
	move_hart();
	cpu_features();
	memory_init();
	mbuf_pool_init();
	interrupts_init();
	devices_init();
	ramblk_init();
	net_sys_sample = sys_sample;
	tcp_ring_alloc = tcp_pages_alloc;
	tcp_ring_free = tcp_pages_free;
	net_init(netdev_first());
	app_init();
	if (CONFIG_TESTS)
		machine_exit(gtest_run_all() != 0);
	main_loop();
}
