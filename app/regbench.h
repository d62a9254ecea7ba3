/* Region figures for `make bench` (the shell's `bench region` command). */
#pragma once

/* Measure on the first block device and print one "regbench: ..." line; 0 or an error. */
int regbench_run(void);
