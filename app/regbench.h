/* SPDX-License-Identifier: BSD-2-Clause */
/* Region figures for `make bench` (the shell's `bench region` command). */
#pragma once
#include <stdint.h>

struct blkdev;

/* Measure on bd (bytes 1-2 MiB, written back unchanged) and print one "regbench: ..." line;
 * 0, -ENODEV (bd NULL or under 2 MiB) or an error. */
int regbench_run(struct blkdev *bd);

/* Start the region stress (app/regstress.c) on bd: ops random operations, a few per
 * millisecond from a timer, with the page cache held to budget frames; prints the verdict
 * when done. 0, -EBUSY (one is running), -ENODEV (bd NULL or too small), -ENOMEM, or the
 * read error of the model's first copy. */
int regstress_start(struct blkdev *bd, uint32_t seed, uint32_t ops, uint32_t budget);
