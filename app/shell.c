/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small command shell on the serial console: a prompt, line editing and history
 * (app/lineedit.c), `help`, counters, tables and the log ring. Each command states how many
 * arguments it takes, and bad ones are refused with its usage. Input arrives through the UART
 * interrupt into the console ring, so the packet loop pays nothing while nobody types.
 */
#include <stdbool.h>
#include <stdint.h>
#include "app/lineedit.h"
#include "app/regbench.h"
#include "app/shell.h"
#include "boot/boot.h"
#include "boot/instret.h"
#include "drivers/core/console.h"
#include "drivers/core/irq.h"
#include "app/store.h"
#include "drivers/nvme.h"
#include "drivers/pci.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "lib/util.h"
#include "mm/page.h"
#include "mm/region.h"
#include "net/net.h"
#include "net/netdev.h"

#define SHELL_ARGS_MAX 8

static struct lineedit le;

/* argv[0] is the command's name; min_args/max_args count the words after it. */
struct command {
	const char *name;
	void (*run)(int argc, char **argv);
	unsigned char min_args, max_args;
	const char *usage; /* the arguments, e.g. "[0-3]"; NULL when none */
	const char *help;
};

static void cmd_help(int argc, char **argv);

static void print_netdev(void)
{
	for (struct netdev *nd = netdev_first(); nd; nd = nd->next) {
		const struct netdev_stats *s = &nd->stats;
		kprintf("%s: link %s, rx %lu frames %lu bytes, tx %lu frames %lu bytes\n", nd->name,
			nd->link_up ? "up" : "down", (unsigned long)s->rx_frames,
			(unsigned long)s->rx_bytes, (unsigned long)s->tx_frames,
			(unsigned long)s->tx_bytes);
		kprintf("  drops: rx nobuf %lu error %lu oversize %lu, tx full %lu oversize %lu "
			"error %lu\n",
			(unsigned long)s->rx_drop_nobuf, (unsigned long)s->rx_drop_error,
			(unsigned long)s->rx_drop_oversize, (unsigned long)s->tx_drop_full,
			(unsigned long)s->tx_drop_oversize, (unsigned long)s->tx_drop_error);
		kprintf("  irqs %lu, polls %lu, doorbells rx %lu tx %lu, link changes %lu, "
			"checksums verified by the NIC %lu\n",
			(unsigned long)s->irqs, (unsigned long)s->polls,
			(unsigned long)s->rx_doorbells, (unsigned long)s->tx_doorbells,
			(unsigned long)s->link_changes, (unsigned long)s->rx_csum_hw);
	}
}

static void print_mbufs(void)
{
	const struct mbuf_pool_stats *m = net_mbuf_stats();
	kprintf("mbufs: %u total, %u free, peak in use %u, alloc failures %lu\n", m->total, m->free,
		m->total - m->low_water, (unsigned long)m->alloc_fail);
}

static void cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_netdev();
	net_stats_print();
	print_mbufs();
	region_stats_print();
}

static void cmd_net(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	net_info_print();
}

static void cmd_tcp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tcp_info_print();
}

static void cmd_pci(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pci_dump();
}

static void cmd_irq(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	irq_dump();
}

static void cmd_mem(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	page_dump(LOG_CONSOLE);
	print_mbufs();
}

static void cmd_regions(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	region_dump();
}

static void cmd_blk(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	blkdev_dump();
	nvme_dump();
}

/* The block device called name, or the store's (store.dev=) when name is NULL. */
static struct blkdev *named_dev(const char *name)
{
	struct blkdev *bd = name ? blkdev_find(name) : store_blkdev();
	if (!bd)
		kprintf("no block device %s (see blk)\n", name ? name : "for the store");
	return bd;
}

static void cmd_log(int argc, char **argv)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	if (argc == 2) {
		const char *v = argv[1];
		if (v[0] < '0' || v[0] > '3' || v[1]) {
			kprintf("log: '%s' is not a level (0 error, 1 warning, 2 info, 3 debug)\n",
				v);
			return;
		}
		log_level = v[0] - '0';
	}
	kprintf("log level %d (%s)\n", log_level, names[log_level & 3]);
}

static void cmd_dmesg(int argc, char **argv)
{
	int level = LOG_DEBUG;
	if (argc == 2) {
		if (argv[1][0] < '0' || argv[1][0] > '3' || argv[1][1]) {
			kprintf("dmesg: '%s' is not a level (0 error .. 3 debug)\n", argv[1]);
			return;
		}
		level = argv[1][0] - '0';
	}
	klog_dump(level);
}

static void cmd_uptime(int argc, char **argv)
{
	uint64_t ns = clock_ns();
	(void)argc;
	(void)argv;
	kprintf("up %lu.%03lu s; main loop reached at %lu ms\n", (unsigned long)(ns / NSEC_PER_SEC),
		(unsigned long)(ns / NSEC_PER_MSEC % 1000),
		(unsigned long)(boot_times.loop_ns / NSEC_PER_MSEC));
}

/*
 * Check of the instruction counter that make bench's per-datagram figure rests on: a loop of
 * exactly 2 * LOOPS instructions between two instret reads. Under QEMU -icount shift=0 the
 * difference is the loop plus the few instructions around it (a loop of one turn, minus its 2,
 * tells how many); on a real hart, the same. Elsewhere (QEMU without -icount) instret is not
 * an instruction count, and this says so.
 */
static void bench_instret(void)
{
	const uint64_t loops = 1000000;
	uint64_t counted = instret_loop(loops), around = instret_loop(1) - 2;
	if (instret_is_exact())
		kprintf("bench instret: loop of %lu instructions, instret counted %lu (exact: the "
			"loop and %lu around it)\n",
			(unsigned long)(2 * loops), (unsigned long)counted, (unsigned long)around);
	else
		kprintf("bench instret: loop of %lu instructions, instret counted %lu (NOT exact: "
			"instret is not an instruction count here; QEMU needs -icount shift=0)\n",
			(unsigned long)(2 * loops), (unsigned long)counted);
}

static void cmd_bench(int argc, char **argv)
{
	struct blkdev *bd;
	int err;
	if (strcmp(argv[1], "instret") == 0) {
		bench_instret();
		return;
	}
	if (strcmp(argv[1], "region") != 0) {
		kprintf("bench: unknown benchmark '%s' (region or instret)\n", argv[1]);
		return;
	}
	bd = named_dev(argc > 2 ? argv[2] : NULL);
	if (!bd)
		return;
	err = regbench_run(bd);
	if (err)
		kprintf("bench: %s (%s)\n", errname(err), strerror(err));
}

/* "stress region [seed] [ops] [budget] [device]" */
static void cmd_stress(int argc, char **argv)
{
	unsigned long long v[3] = { 1, 20000, 3 };
	const char *dev = NULL;
	struct blkdev *bd;
	if (strcmp(argv[1], "region") != 0) {
		kprintf("stress: unknown test '%s' (region)\n", argv[1]);
		return;
	}
	for (int i = 2; i < argc; i++) {
		if (i == argc - 1 && (argv[i][0] < '0' || argv[i][0] > '9')) {
			dev = argv[i]; /* a name last: the device */
			break;
		}
		if (i > 4 || parse_u64(argv[i], &v[i - 2]) || v[i - 2] > UINT32_MAX) {
			kprintf("stress: bad number '%s'\n", argv[i]);
			return;
		}
	}
	bd = named_dev(dev);
	if (!bd)
		return;
	int err = regstress_start(bd, (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2]);
	if (err)
		kprintf("stress: %s (%s)\n", errname(err), strerror(err));
}

static void cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("powering off\n");
	machine_exit(0);
}

static void cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("rebooting\n");
	machine_reboot();
}

static const struct command commands[] = {
	{ "help", cmd_help, 0, 0, NULL, "this list" },
	{ "stats", cmd_stats, 0, 0, NULL, "all counters (NIC, stack, mbufs, regions)" },
	{ "net", cmd_net, 0, 0, NULL, "address, lease, ARP cache" },
	{ "tcp", cmd_tcp, 0, 0, NULL, "listening ports and TCP connections" },
	{ "pci", cmd_pci, 0, 0, NULL, "PCI functions and their resources" },
	{ "irq", cmd_irq, 0, 0, NULL, "interrupt controllers and requests, with counts" },
	{ "mem", cmd_mem, 0, 0, NULL, "pages and mbufs" },
	{ "regions", cmd_regions, 0, 0, NULL, "mapped regions and page cache" },
	{ "blk", cmd_blk, 0, 0, NULL, "block devices and NVMe controllers" },
	{ "log", cmd_log, 0, 1, "[0-3]", "show or set the console log level" },
	{ "dmesg", cmd_dmesg, 0, 1, "[0-3]",
	  "the log since boot, every level (or up to one), from the log ring" },
	{ "uptime", cmd_uptime, 0, 0, NULL, "time since reset" },
	{ "bench", cmd_bench, 1, 2, "region [dev]|instret",
	  "region figures (on the store's device, or dev), or a check of the instruction counter" },
	{ "stress", cmd_stress, 1, 5, "region [seed] [ops] [budget] [dev]",
	  "random region ops vs a model" },
	{ "reboot", cmd_reboot, 0, 0, NULL, "reset the machine" },
	{ "poweroff", cmd_poweroff, 0, 0, NULL, "shut down" },
};

static void cmd_help(int argc, char **argv)
{
	char use[48];
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];
		ksnprintf(use, sizeof(use), "%s%s%s", c->name, c->usage ? " " : "",
			  c->usage ? c->usage : "");
		if (strlen(use) > 20) /* a long usage gets a line of its own */
			kprintf("  %s\n  %-20s %s\n", use, "", c->help);
		else
			kprintf("  %-20s %s\n", use, c->help);
	}
	kprintf("Keys: Up/Down history, Left/Right/Home/End, Backspace/Delete, Ctrl-U or Ctrl-C "
		"drop the line, Ctrl-W the word\n");
}

/* Split line into words at spaces; returns the count, or -1 if there are too many. */
static int split(char *line, char **argv)
{
	int argc = 0;
	for (char *p = line; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == SHELL_ARGS_MAX)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return argc;
}

static void run(const struct command *c, int argc, char **argv)
{
	int n = argc - 1;
	if (n < c->min_args || n > c->max_args) {
		kprintf("%s: %s (usage: %s%s%s)\n", c->name,
			n < c->min_args ? "missing argument" : "too many arguments", c->name,
			c->usage ? " " : "", c->usage ? c->usage : "");
		return;
	}
	c->run(argc, argv);
}

void shell_exec(char *line)
{
	char *argv[SHELL_ARGS_MAX];
	int argc = split(line, argv);
	if (argc < 0) {
		kprintf("shell: more than %d words\n", SHELL_ARGS_MAX);
		return;
	}
	if (argc == 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			run(&commands[i], argc, argv);
			return;
		}
	}
	kprintf("unknown command '%s' (try 'help')\n", argv[0]);
}

/* Log lines printed while the prompt waits go above it (lib/kprintf.h). */
static void log_hook(bool after)
{
	if (after)
		lineedit_show(&le);
	else
		lineedit_hide(&le);
}

void shell_init(void)
{
	(void)instret_is_exact(); /* measured now, before anyone counts instructions */
	lineedit_init(&le, "> "); /* input: by interrupt, or polled (boot/init/main.c) */
	pr_info("shell: ready; 'help' lists the commands\n");
	klog_console_hook = log_hook;
	lineedit_prompt(&le);
}

static void shell_key(int c)
{
	enum lineedit_result r = lineedit_key(&le, c);
	if (r == LINEEDIT_NONE)
		return;
	if (r == LINEEDIT_TOO_LONG)
		kprintf("shell: line longer than %d characters: not run\n", LINEEDIT_MAX - 1);
	else
		shell_exec(le.line);
	lineedit_prompt(&le);
}

/* The keys after the first: out of line, so that a pass with no input (every pass the loop
 * makes under traffic) costs shell_poll no stack frame for shell_key's registers. */
static __attribute__((noinline)) int shell_keys(int c)
{
	int n = 0;
	do {
		shell_key(c);
		n++;
	} while ((c = console_getc()) >= 0);
	return n;
}

int shell_poll(void)
{
	int c = console_getc();
	return c < 0 ? 0 : shell_keys(c);
}
