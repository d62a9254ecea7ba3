/* Region figures for `make bench` (the shell's `bench region` command). */
#pragma once
#include <stdint.h>

/* Measure on the first block device and print one "regbench: ..." line; 0 or an error. */
int regbench_run(void);

/* Start the region stress (app/regstress.c): ops random operations, a few per millisecond
 * from a timer, with the page cache held to budget frames; prints the verdict when done.
 * 0, -EBUSY (one is running), -ENODEV (no store big enough), -ENOMEM. */
int regstress_start(uint32_t seed, uint32_t ops, uint32_t budget);
