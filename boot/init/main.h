/* SPDX-License-Identifier: BSD-2-Clause */
/* The composition root: kmain brings the machine up, main_loop runs it. */
#pragma once
#include <stdint.h>
#include "drivers/core/dt.h"

/* The one loop (docs/design.md): poll with a budget, run timers, arm and sleep when idle.
 * Never returns. */
__attribute__((noreturn)) void main_loop(void);

/* Test kernel only: run every GTEST, print results; returns the number of failed tests. */
int gtest_run_all(void);

/* Validate and parse a DTB into m (prints what is wrong); 0 or -EINVAL. */
int boot_parse_dtb(uint64_t dtb, struct dt_machine *m);

/* The machine description kmain parsed (tests look at it). */
extern struct dt_machine machine;

/* The loop's wake-up period when a device has no interrupt (loop.tick_us=). */
extern uint64_t loop_tick_ns;

/* Adaptive busy polling (boot/init/loop.c): the largest window (loop.poll_us=; 0: off). */
#define LOOP_POLL_DEFAULT_US 200
extern uint64_t loop_poll_max_ns;
struct loop_poll_stats {
	uint64_t window_ns;    /* the window now */
	uint64_t hits, misses; /* spins that found a frame, spins that ran out */
	uint64_t short_sleeps; /* sleeps shorter than the largest window (it grows) */
	uint64_t spinning;     /* 1: spinning received more frames the last time it was tried */
};
extern struct loop_poll_stats loop_poll;
