/*
 * The one loop (DESIGN.md "One hart, one loop"). Under traffic it never sleeps and takes no
 * interrupts: the NIC's receive interrupt stays masked while poll passes find work.
 */
#include <stdbool.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "boot/irq.h"
#include "boot/main.h"
#include "boot/time.h"
#include "lib/config.h"
#include "lib/kprintf.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "app/shell.h"

/*
 * instret that passed while the hart slept in wfi. Under QEMU -icount the instret CSR is the
 * virtual clock, which jumps over idle time; subtracting the jumps leaves the instructions
 * actually executed, so `make bench` can count instructions per datagram deterministically.
 * Two CSR reads per sleep; nothing on the busy path.
 */
static uint64_t idle_instret;

uint64_t loop_busy_instret(void)
{
	return csr_read(CSR_INSTRET) - idle_instret;
}

__attribute__((weak)) int gtest_run_all(void)
{
	return 0;
}

void main_loop(void)
{
	struct netdev *nic = netdev_first();
	boot_times.loop_ns = clock_ns();
	pr_info("boot: main loop reached %lu.%03lu ms after reset (kmain at %lu.%03lu ms)\n",
		(unsigned long)(boot_times.loop_ns / 1000000),
		(unsigned long)(boot_times.loop_ns / 1000 % 1000),
		(unsigned long)(boot_times.entry_ns / 1000000),
		(unsigned long)(boot_times.entry_ns / 1000 % 1000));
	shell_init();
	for (;;) {
		int did = 0;
		if (nic)
			did += net_poll(CONFIG_NAPI_BUDGET);
		did += timers_expire(clock_ns());
		if (nic)
			net_flush(); /* frames queued by timer callbacks: one doorbell */
		did += shell_poll();
		if (did)
			continue; /* traffic: stay in polling, interrupts stay masked */
		if (nic)
			netdev_irq_arm(nic); /* ring empty: unmask receive interrupts */
		if (!nic || !netdev_rx_pending(nic)) {
			/* re-checked after arming: a frame that arrived in between is seen here */
			uint64_t before;
			time_wake_at(timers_next_deadline());
			before = csr_read(CSR_INSTRET);
			wfi();
			idle_instret += csr_read(CSR_INSTRET) - before;
		}
		plic_dispatch(); /* claim; driver reads ICR and masks; complete */
	}
}
