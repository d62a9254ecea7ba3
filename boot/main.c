/*
 * kmain: bring the machine up from what the device tree says, then run the one loop.
 * Order matters: console first (errors must be visible), then memory, then devices.
 */
#include <stdint.h>
#include "boot/boot.h"
#include "boot/console.h"
#include "boot/csr.h"
#include "boot/irq.h"
#include "boot/main.h"
#include "boot/sbi.h"
#include "boot/time.h"
#include "boot/trap.h"
#include "drivers/pci.h"
#include "drivers/plic.h"
#include "drivers/ramblk.h"
#include "lib/bootargs.h"
#include "lib/byteorder.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "mm/kmem.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "net/net.h"
#include "net/netdev.h"
#include "app/app.h"
#include "app/init.h"
#include "app/store.h"

struct platform plat;
uint64_t boot_hartid;
uint64_t boot_dtb_pa;
struct boot_times boot_times;

static int set_loglevel(const char *v)
{
	unsigned long long n;
	if (parse_u64(v, &n) || n > LOG_DEBUG)
		return -EINVAL;
	log_level = (int)n;
	return 0;
}

/* Figures for the stats JSON: instret is exact under QEMU -icount (make bench uses it). */
static void sys_sample(struct net_sys_stats *out)
{
	const struct page_stats *ps = page_stats();
	uint64_t image = (uintptr_t)_end - (uintptr_t)_start;
	out->instret = csr_read(CSR_INSTRET);
	out->busy_instret = loop_busy_instret();
	out->main_loop_us = boot_times.loop_ns / 1000;
	out->nic_rx_on_us = netdev_first() ? netdev_first()->rx_on_ns / 1000 : 0;
	out->ram_bytes = image + ps->total * PAGE_SIZE;
	out->ram_used_bytes = image + (ps->total - ps->free) * PAGE_SIZE;
}

static const struct bootarg boot_args[] = {
	{ "ip", net_bootarg_ip, "dhcp (default) or a.b.c.d/prefix[,gateway]" },
	{ "echo.port", echo_bootarg_port, "UDP echo port (default 7)" },
	{ "tcpecho.port", tcpecho_bootarg_port, "TCP echo port (default 7, 0 = off)" },
	{ "ramblk", ramblk_bootarg, "<addr>,<size> of RAM to use as the block store" },
	{ "store.port", store_bootarg_port, "UDP port of the store service (default 7000)" },
	{ "loglevel", set_loglevel, "0 errors .. 3 debug (default 2)" },
	{ "stats.port", net_bootarg_stats_port, "UDP port answering counters as JSON (off)" },
};

/*
 * Validate and parse the DTB at dtb into p. Returns 0, or a negative error after printing
 * what is wrong (through the SBI console: the UART is not known yet).
 */
int boot_parse_dtb(uint64_t dtb, struct platform *p)
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
	if (fdt_parse((const void *)(uintptr_t)dtb, total, p)) {
		kprintf("boot: FATAL: device tree at %lx (%lu bytes) is malformed\n",
			(unsigned long)dtb, (unsigned long)total);
		return -EINVAL;
	}
	if (p->nmem == 0) {
		kprintf("boot: FATAL: device tree has no memory node\n");
		return -EINVAL;
	}
	return 0;
}

static void discover(uint64_t dtb)
{
	if (boot_parse_dtb(dtb, &plat)) {
		kprintf("boot: cannot continue without a device tree; stopping\n");
		machine_exit(1);
	}
	if (plat.has_uart && plat.uart_kind)
		console_use_uart(plat.uart_kind, plat.uart_base, plat.uart_reg_shift,
				 plat.uart_reg_io_width);
}

static void banner(void)
{
	kprintf("\nunikernel %s (%s) on RISC-V\n", KERNEL_VERSION, GIT_VERSION);
	pr_info("boot: hart %lu, %d cpu(s), SBI v%lu.%lu impl %lu%s\n", (unsigned long)boot_hartid,
		plat.ncpus, (sbi.spec_version >> 24) & 0x7f, sbi.spec_version & 0xffffff,
		sbi.impl_id, sbi.has_dbcn ? ", debug console" : "");
	pr_info("boot: image %p-%p (text %lu KiB), DTB at %p\n", (void *)_start, (void *)_end,
		(unsigned long)((uintptr_t)_etext - (uintptr_t)_start) / 1024,
		(void *)(uintptr_t)boot_dtb_pa);
	pr_info("boot: timebase %u Hz, console %s at %lx\n", time_hz(),
		!console_has_uart()   ? "SBI"
		: plat.uart_kind == 1 ? "ns16550a"
				      : "sifive-uart",
		(unsigned long)plat.uart_base);
	for (int i = 0; i < plat.nmem; i++)
		pr_info("mem: %016lx-%016lx (%lu MiB)\n", (unsigned long)plat.mem[i].base,
			(unsigned long)(plat.mem[i].base + plat.mem[i].size - 1),
			(unsigned long)(plat.mem[i].size >> 20));
	for (int i = 0; i < plat.nreserved; i++)
		pr_info("mem: reserved %016lx-%016lx\n", (unsigned long)plat.reserved[i].base,
			(unsigned long)(plat.reserved[i].base + plat.reserved[i].size - 1));
	pr_info("boot: bootargs \"%s\"\n", plat.bootargs ? plat.bootargs : "");
}

static void memory_init(void)
{
	size_t dtb_size;
	page_init();
	for (int i = 0; i < plat.nmem; i++)
		page_add_range(plat.mem[i].base, plat.mem[i].size);
	page_reserve((uintptr_t)_start, (uintptr_t)_end - (uintptr_t)_start);
	if (fdt_check_header((const void *)(uintptr_t)boot_dtb_pa, CONFIG_DTB_MAX, &dtb_size) == 0)
		page_reserve(boot_dtb_pa, dtb_size);
	for (int i = 0; i < plat.nreserved; i++)
		page_reserve(plat.reserved[i].base, plat.reserved[i].size);
	ramblk_reserve();
	if (vm_init())
		panic("vm_init: out of memory building the kernel page table");
	page_dump();
}

static void interrupts_init(void)
{
	int ctx = -1;
	for (int i = 0; i < plat.plic_nctx; i++)
		if (plat.plic_ctx[i].hart == boot_hartid && plat.plic_ctx[i].cause == IRQ_S_EXT)
			ctx = i;
	if (!plat.has_plic || ctx < 0) {
		plat.has_plic = false;
		pr_warn("irq: no PLIC context for hart %lu in S-mode: devices will be polled\n",
			(unsigned long)boot_hartid);
		return;
	}
	plic_init(plat.plic_base, plat.plic_ndev, ctx);
	csr_set(CSR_SIE, SIE_SEIE); /* wakes wfi; sstatus.SIE stays 0 so nothing preempts */
	pr_info("irq: PLIC at %lx, %u sources, context %d\n", (unsigned long)plat.plic_base,
		plat.plic_ndev, ctx);
}

void kmain(uint64_t hartid, uint64_t dtb);
void kmain(uint64_t hartid, uint64_t dtb)
{
	boot_hartid = hartid;
	boot_dtb_pa = dtb;
	trap_init(); /* first: any fault from here on is reported, not a silent hang */
	sbi_init();
	discover(dtb);
	time_init(plat.timebase_hz);
	boot_times.entry_ns = clock_ns();
	banner();
	if (plat.bootargs)
		bootargs_parse(plat.bootargs, boot_args, sizeof(boot_args) / sizeof(boot_args[0]));
	memory_init();
	interrupts_init();
	mbuf_pool_init();
	pci_init();
	if (!netdev_first())
		pr_warn("boot: no NIC found: networking is off "
			"(the block store and regions work)\n");
	ramblk_init();
	net_sys_sample = sys_sample;
	net_init(netdev_first());
	app_init();
	if (CONFIG_TESTS)
		machine_exit(gtest_run_all() != 0);
	main_loop();
}
