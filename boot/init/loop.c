/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one loop (docs/design.md, "The one loop"). Under traffic it never sleeps and takes no
 * interrupts: the NIC's receive interrupt stays masked while poll passes find work. When idle
 * it sleeps in wfi until an interrupt or the next timer; a device that has no interrupt (no
 * controller, or none routed to it) is looked at on a short tick instead.
 */
#include <stdbool.h>
#include "boot/boot.h"
#include "boot/init/main.h"
#include "boot/time.h"
#include "drivers/core/console.h"
#include "drivers/core/irq.h"
#include "lib/config.h"
#include "lib/kprintf.h"
#include "lib/timer.h"
#include "net/net.h"
#include "net/netdev.h"
#include "app/shell.h"

uint64_t loop_tick_ns = 1000 * NSEC_PER_USEC;

__attribute__((weak)) int gtest_run_all(void)
{
	return 0;
}

/* Some device can only be polled: the loop must wake on its tick. */
static bool needs_tick(const struct netdev *nic)
{
	return console_polled() || (nic && nic->polled);
}

void main_loop(void)
{
	struct netdev *nic = netdev_first();
	bool tick = needs_tick(nic);
	boot_times.loop_ns = clock_ns();
	pr_info("boot: main loop reached %lu.%03lu ms after reset (kmain at %lu.%03lu ms)%s\n",
		(unsigned long)(boot_times.loop_ns / 1000000),
		(unsigned long)(boot_times.loop_ns / 1000 % 1000),
		(unsigned long)(boot_times.entry_ns / 1000000),
		(unsigned long)(boot_times.entry_ns / 1000 % 1000),
		tick ? ", polling on a tick" : "");
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
			uint64_t wake = timers_next_deadline();
			if (tick && clock_ns() + loop_tick_ns < wake)
				wake = clock_ns() + loop_tick_ns;
			time_wake_at(wake);
			cpu_idle();
		}
		irq_dispatch(); /* claim; the driver reads its cause and masks; complete */
	}
}
