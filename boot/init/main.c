/*
 * kmain: bring the machine up from what the device tree says, then run the one loop. Order
 * matters: the console first (errors must be visible), then memory, then the interrupt
 * controllers, then the devices that ask them for interrupts.
 */
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

static const struct bootarg root_args[] = {
	{ "boot.hart", set_boot_hart, "hart id to run on (moves there at boot; default: any)" },
	{ "loop.tick_us", set_tick,
	  "50..1000000: wake-up period when a device has no interrupt (default 1000)" },
};
static const struct bootarg_table root_bootargs = { root_args, ARRAY_SIZE(root_args) };

/* Every module's boot arguments (lib/bootargs.h): each module declares its own keys. */
static const struct bootarg_table *const bootarg_tables[] = {
	&root_bootargs, &log_bootargs,	&pci_bootargs,	   &ramblk_bootargs, &nvme_bootargs,
	&net_bootargs,	&echo_bootargs, &tcpecho_bootargs, &store_bootargs,
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

static void memory_init(void)
{
	size_t dtb_size;
	page_init();
	for (int i = 0; i < machine.nmem; i++)
		page_add_range(machine.mem[i].base, machine.mem[i].size);
	page_reserve((uintptr_t)_start, (uintptr_t)_end - (uintptr_t)_start);
	if (fdt_check_header((const void *)(uintptr_t)boot_dtb_pa, CONFIG_DTB_MAX, &dtb_size) == 0)
		page_reserve(boot_dtb_pa, dtb_size);
	for (int i = 0; i < machine.nreserved; i++)
		page_reserve(machine.reserved[i].base, machine.reserved[i].size);
	ramblk_reserve();
	if (vm_init(machine.mem, machine.nmem))
		panic("vm_init: out of memory building the kernel page table");
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

void kmain(uint64_t hartid, uint64_t dtb);
void kmain(uint64_t hartid, uint64_t dtb)
{
	boot_hartid = hartid;
	boot_dtb_pa = dtb;
	trap_init(); /* first: any fault from here on is reported, not a silent hang */
	sbi_init();
	discover(dtb);
	time_init(machine.timebase_hz);
	boot_times.entry_ns = clock_ns();
	dt_probe(dt_drivers, dt_drivers_count, DT_STAGE_EARLY); /* the console, machine stop */
	banner();
	if (machine.bootargs)
		bootargs_parse(machine.bootargs, bootarg_tables, ARRAY_SIZE(bootarg_tables));
	move_hart();
	memory_init();
	mbuf_pool_init();
	interrupts_init();
	devices_init();
	ramblk_init();
	net_sys_sample = sys_sample;
	net_init(netdev_first());
	app_init();
	if (CONFIG_TESTS)
		machine_exit(gtest_run_all() != 0);
	main_loop();
}
