/* The main loop and boot milestones. */
#pragma once
#include <stdint.h>
#include "boot/fdt.h"

struct boot_times {
	uint64_t entry_ns; /* clock_ns() at kmain (since machine reset) */
	uint64_t loop_ns;  /* clock_ns() when the main loop was reached */
};
extern struct boot_times boot_times;

/* DESIGN.md's loop: poll with a budget, run timers, arm and sleep when idle. Never returns. */
__attribute__((noreturn)) void main_loop(void);

/* instret minus the time spent asleep in wfi (instructions executed, under QEMU -icount). */
uint64_t loop_busy_instret(void);

/* Test kernel only: run every GTEST, print results; returns the number of failed tests. */
int gtest_run_all(void);

/* Validate and parse a DTB (prints what is wrong); 0 or -EINVAL. */
int boot_parse_dtb(uint64_t dtb, struct platform *p);
