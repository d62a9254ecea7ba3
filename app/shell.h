/* SPDX-License-Identifier: BSD-2-Clause */
/* Operator shell on the serial console, polled from the main loop (never blocks). */
#pragma once

void shell_init(void);
/* Handle typed input, if any; returns the number of bytes consumed (0 when idle). */
int shell_poll(void);
/* Run one command line (also used by tests). */
void shell_exec(char *line);
