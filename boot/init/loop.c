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
uint64_t loop_poll_max_ns = LOOP_POLL_DEFAULT_US * NSEC_PER_USEC;
struct loop_poll_stats loop_poll;

/*
 * Adaptive busy polling. When a pass finds nothing, the loop keeps looking at the receive ring
 * for a window before it arms the interrupt and sleeps: a frame that lands inside the window
 * is taken at once, without the interrupt (QEMU's e1000 spaces its interrupts at least
 * 128 us apart). Two things adapt:
 * - the window, as Linux's KVM halt polling: it doubles (up to loop.poll_us) after a short
 *   sleep (one a larger window would have covered) and halves after a long one, down to
 *   nothing: an idle machine soon sleeps at once again;
 * - whether to spin at all. Spinning takes the hart, and under an emulator the host CPU that
 *   the emulator's I/O thread may need to bring the frames in (with a fixed 200 us spin,
 *   QEMU's user networking on two cores lost a quarter of its rate at 32 and 128 in flight).
 *   So the loop measures: time runs in epochs of POLL_EPOCH_NS, each one with spinning or
 *   without; one epoch in POLL_PROBE tries the other choice, and the choice that received
 *   frames at the higher rate the last time it ran is kept (spinning must win by 1/32).
 * The instructions spun are idle time, not work (cpu_idle_account): the instructions-per-
 * datagram figures count only what the datagrams cost.
 */
#define LOOP_CHORES_US 50		   /* see main_loop */
#define POLL_MIN_NS    (2 * NSEC_PER_USEC) /* below this the window closes */
#define POLL_EPOCH_NS  (20 * NSEC_PER_MSEC)
#define POLL_PROBE     8

/* The spin runs on the time CSR's ticks, not clock_ns (a multiply and a call a look): the
 * window and the epoch are kept in ticks too, converted when they change. */
static uint64_t window_ticks, epoch_ticks;

static struct {
	uint64_t start, frames0; /* this epoch: when it began (ticks), rx_frames then */
	uint64_t rate[2]; /* frame rate of the last epoch without [0] and with [1] spinning */
	unsigned n;	  /* epochs so far */
	bool on;	  /* this epoch spins */
} epoch;

/* ns <= POLL_EPOCH_NS (20 ms) here and hz < 2^32: the product fits in 64 bits, and the
 * division is one instruction (a 128-bit one is a libgcc call, after every sleep). */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns * time_hz() / NSEC_PER_SEC;
}

/* An epoch ends at the first idle pass after POLL_EPOCH_NS: keep or change the choice. */
static void poll_epoch(const struct netdev *nic, uint64_t now)
{
	bool best;
	/* frames per 2^30 ticks: only the two rates' order matters */
	epoch.rate[epoch.on] = ((nic->stats.rx_frames - epoch.frames0) << 30) / (now - epoch.start);
	best = epoch.rate[1] > epoch.rate[0] + epoch.rate[0] / 32;
	epoch.on = ++epoch.n % POLL_PROBE ? best : !best;
	loop_poll.spinning = best;
	epoch.start = now;
	epoch.frames0 = nic->stats.rx_frames;
}

static void poll_window(uint64_t ns)
{
	loop_poll.window_ns = ns;
	window_ticks = ns_to_ticks(ns);
}

static void poll_grow(void)
{
	uint64_t w = loop_poll.window_ns * 2;
	if (w < POLL_MIN_NS * 4)
		w = POLL_MIN_NS * 4;
	poll_window(w < loop_poll_max_ns ? w : loop_poll_max_ns);
}

/* After a sleep of slept ns: one the largest window would have covered grows the window,
 * a longer one (the machine is idle) halves it. */
static void poll_slept(uint64_t slept)
{
	if (slept < loop_poll_max_ns) {
		loop_poll.short_sleeps++;
		poll_grow();
		return;
	}
	poll_window(loop_poll.window_ns / 2 < POLL_MIN_NS ? 0 : loop_poll.window_ns / 2);
}

static bool poll_spin(const struct netdev *nic)
{
	uint64_t now = time_read(), end, i0;
	bool hit = false;
	if (now - epoch.start >= epoch_ticks)
		poll_epoch(nic, now);
	if (!window_ticks || !epoch.on)
		return false;
	i0 = cpu_instret();
	end = now + window_ticks;
	do {
		if (netdev_rx_pending(nic)) {
			hit = true;
			break;
		}
	} while (time_read() < end);
	cpu_idle_account(cpu_instret() - i0);
	if (hit)
		loop_poll.hits++;
	else
		loop_poll.misses++; /* the sleep that follows says which way the window goes */
	return hit;
}

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
	uint64_t chores_at = 0, chores_ticks = (uint64_t)time_hz() * LOOP_CHORES_US / 1000000;
	epoch_ticks = ns_to_ticks(POLL_EPOCH_NS);
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
			did += netdev_pass(nic, CONFIG_NAPI_BUDGET);
		/* The timers and the console: after every pass that found no frame, and under
		 * traffic at most every LOOP_CHORES_US (a pass that finds frames is then only the
		 * NIC's: the chores cost it ~65 instructions, a tenth of a busy pass). */
		if (!did || time_read() - chores_at >= chores_ticks) {
			chores_at = time_read();
			did += timers_expire(clock_ns());
			if (nic)
				net_flush(); /* frames queued by timer callbacks: one doorbell */
			did += shell_poll();
		}
		/* Traffic: stay in polling, interrupts stay masked. A pass that found work but left
		 * the ring empty goes on to the busy-poll window (or to sleep) without an empty pass
		 * first: that one would cost a whole poll pass (~150 instructions) to learn what
		 * rx_pending says in a descriptor load. */
		if (did && (!nic || netdev_rx_pending(nic)))
			continue;
		if (nic && poll_spin(nic))
			continue; /* a frame came within the window: no interrupt, no sleep */
		if (nic)
			netdev_irq_arm(nic); /* ring empty: unmask receive interrupts */
		if (!nic || !netdev_rx_pending(nic)) {
			/* re-checked after arming: a frame that arrived in between is seen here */
			uint64_t wake = timers_next_deadline(), slept = clock_ns();
			if (tick && slept + loop_tick_ns < wake)
				wake = slept + loop_tick_ns;
			time_wake_at(wake);
			cpu_idle();
			slept = clock_ns() - slept;
			if (nic && loop_poll_max_ns)
				poll_slept(slept);
		}
		irq_dispatch(); /* claim; the driver reads its cause and masks; complete */
	}
}
