/*
 * A small command shell on the serial console: line editing (backspace, Ctrl-U, Ctrl-C),
 * `help`, counters and tables. Input arrives through the UART interrupt into the console
 * ring, so the packet loop pays nothing while nobody types.
 */
#include <stdint.h>
#include "app/regbench.h"
#include "app/shell.h"
#include "boot/boot.h"
#include "boot/console.h"
#include "boot/csr.h"
#include "boot/main.h"
#include "drivers/pci.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "mm/page.h"
#include "mm/region.h"
#include "net/net.h"
#include "net/netdev.h"

#define LINE_MAX 80

static char line[LINE_MAX];
static unsigned line_len;

struct command {
	const char *name;
	void (*run)(char *args);
	const char *help;
};

static void cmd_help(char *args);

static void print_netdev(void)
{
	for (struct netdev *nd = netdev_first(); nd; nd = nd->next) {
		const struct netdev_stats *s = &nd->stats;
		kprintf("%s: link %s, rx %lu frames %lu bytes, tx %lu frames %lu bytes\n", nd->name,
			nd->link_up ? "up" : "down", (unsigned long)s->rx_frames,
			(unsigned long)s->rx_bytes, (unsigned long)s->tx_frames,
			(unsigned long)s->tx_bytes);
		kprintf("  drops: rx nobuf %lu error %lu oversize %lu, tx full %lu oversize %lu\n",
			(unsigned long)s->rx_drop_nobuf, (unsigned long)s->rx_drop_error,
			(unsigned long)s->rx_drop_oversize, (unsigned long)s->tx_drop_full,
			(unsigned long)s->tx_drop_oversize);
		kprintf("  irqs %lu, polls %lu, doorbells rx %lu tx %lu, link changes %lu\n",
			(unsigned long)s->irqs, (unsigned long)s->polls,
			(unsigned long)s->rx_doorbells, (unsigned long)s->tx_doorbells,
			(unsigned long)s->link_changes);
	}
}

static void print_mbufs(void)
{
	const struct mbuf_pool_stats *m = mbuf_pool_stats();
	kprintf("mbufs: %u total, %u free, peak in use %u, alloc failures %lu\n", m->total, m->free,
		m->total - m->low_water, (unsigned long)m->alloc_fail);
}

static void cmd_stats(char *args)
{
	(void)args;
	print_netdev();
	net_stats_print();
	print_mbufs();
	region_stats_print();
}

static void cmd_net(char *args)
{
	(void)args;
	net_info_print();
}

static void cmd_tcp(char *args)
{
	(void)args;
	tcp_info_print();
}

static void cmd_pci(char *args)
{
	(void)args;
	pci_dump();
}

static void cmd_mem(char *args)
{
	(void)args;
	page_dump();
	print_mbufs();
}

static void cmd_regions(char *args)
{
	(void)args;
	region_dump();
}

static void cmd_log(char *args)
{
	if (args[0] >= '0' && args[0] <= '3' && !args[1]) {
		log_level = args[0] - '0';
		kprintf("log level %d\n", log_level);
		return;
	}
	kprintf("log level %d (usage: log 0|1|2|3 = error|warn|info|debug)\n", log_level);
}

static void cmd_uptime(char *args)
{
	uint64_t ns = clock_ns();
	(void)args;
	kprintf("up %lu.%03lu s; main loop reached at %lu ms\n", (unsigned long)(ns / NSEC_PER_SEC),
		(unsigned long)(ns / NSEC_PER_MSEC % 1000),
		(unsigned long)(boot_times.loop_ns / NSEC_PER_MSEC));
}

/*
 * Check of the instruction counter that make bench's per-datagram figure rests on: a loop of
 * exactly 2 * LOOPS instructions between two instret reads. Under QEMU -icount shift=0 the
 * difference is the loop plus the one instruction that sets it up; on a real hart, the same.
 */
static void bench_instret(void)
{
	const uint64_t loops = 1000000;
	uint64_t n = loops, before, after;
	before = csr_read(CSR_INSTRET);
	__asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
	after = csr_read(CSR_INSTRET);
	kprintf("bench instret: loop of %lu instructions (+3 around it), instret counted %lu\n",
		(unsigned long)(2 * loops), (unsigned long)(after - before));
}

static void cmd_bench(char *args)
{
	int err;
	if (strcmp(args, "instret") == 0) {
		bench_instret();
		return;
	}
	if (strcmp(args, "region") != 0) {
		kprintf("usage: bench region|instret\n");
		return;
	}
	err = regbench_run();
	if (err)
		kprintf("bench: %s\n", strerror(err));
}

/* "stress region [seed] [ops] [budget]" */
static void cmd_stress(char *args)
{
	unsigned long long v[3] = { 1, 20000, 3 };
	char *tok = args;
	if (strncmp(tok, "region", 6) != 0) {
		kprintf("usage: stress region [seed] [ops] [page budget]\n");
		return;
	}
	tok += 6;
	for (int i = 0; i < 3 && *tok; i++) {
		char *end;
		while (*tok == ' ')
			tok++;
		end = strchr(tok, ' ');
		if (end)
			*end = '\0';
		if (*tok && parse_u64(tok, &v[i])) {
			kprintf("stress: bad number '%s'\n", tok);
			return;
		}
		tok = end ? end + 1 : tok + strlen(tok);
	}
	int err = regstress_start((uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2]);
	if (err)
		kprintf("stress: %s\n", strerror(err));
}

static void cmd_poweroff(char *args)
{
	(void)args;
	kprintf("powering off\n");
	machine_exit(0);
}

static void cmd_reboot(char *args)
{
	(void)args;
	kprintf("rebooting\n");
	machine_reboot();
}

static const struct command commands[] = {
	{ "help", cmd_help, "this list" },
	{ "stats", cmd_stats, "all counters (NIC, stack, mbufs, regions)" },
	{ "net", cmd_net, "address, lease, ARP cache" },
	{ "tcp", cmd_tcp, "listening ports and TCP connections" },
	{ "pci", cmd_pci, "PCI functions and their resources" },
	{ "mem", cmd_mem, "pages and mbufs" },
	{ "regions", cmd_regions, "mapped regions and page cache" },
	{ "log", cmd_log, "log [0-3]: show or set the log level" },
	{ "uptime", cmd_uptime, "time since reset" },
	{ "bench", cmd_bench,
	  "bench region|instret: region figures, or a check of the instruction counter" },
	{ "stress", cmd_stress,
	  "stress region [seed] [ops] [budget]: random region ops vs a model" },
	{ "reboot", cmd_reboot, "reset the machine" },
	{ "poweroff", cmd_poweroff, "shut down" },
};

static void cmd_help(char *args)
{
	(void)args;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		kprintf("  %-9s %s\n", commands[i].name, commands[i].help);
}

void shell_exec(char *cmd)
{
	char *args;
	while (*cmd == ' ')
		cmd++;
	if (!*cmd)
		return;
	args = strchr(cmd, ' ');
	if (args) {
		*args++ = '\0';
		while (*args == ' ')
			args++;
	} else {
		args = cmd + strlen(cmd);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name) == 0) {
			commands[i].run(args);
			return;
		}
	}
	kprintf("unknown command '%s' (try 'help')\n", cmd);
}

static void prompt(void)
{
	kprintf("> ");
}

void shell_init(void)
{
	console_input_init();
	line_len = 0;
}

static void shell_key(int c)
{
	if (c == '\r' || c == '\n') {
		kprintf("\n");
		line[line_len] = '\0';
		shell_exec(line);
		line_len = 0;
		prompt();
	} else if (c == 0x7f || c == '\b') {
		if (line_len) {
			line_len--;
			kprintf("\b \b");
		}
	} else if (c == 0x15 || c == 0x03) { /* Ctrl-U, Ctrl-C: drop the line */
		line_len = 0;
		kprintf("\n");
		prompt();
	} else if (c >= ' ' && c < 0x7f && line_len < LINE_MAX - 1) {
		line[line_len++] = (char)c;
		kprintf("%c", c);
	}
}

int shell_poll(void)
{
	int c, n = 0;
	while ((c = console_getc()) >= 0) {
		shell_key(c);
		n++;
	}
	return n;
}
