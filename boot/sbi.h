/* SPDX-License-Identifier: BSD-2-Clause */
/* SBI calls (RISC-V SBI spec v2.0): base, TIME, SRST, DBCN, HSM, and the legacy console. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE	       0x10
#define SBI_EXT_TIME	       0x54494D45
#define SBI_EXT_HSM	       0x48534D
#define SBI_EXT_SRST	       0x53525354
#define SBI_EXT_DBCN	       0x4442434E

#define SBI_SRST_SHUTDOWN	0
#define SBI_SRST_COLD_REBOOT	1
#define SBI_SRST_REASON_NONE	0
#define SBI_SRST_REASON_FAILURE 1

struct sbi_info {
	unsigned long spec_version, impl_id, impl_version;
	unsigned long mvendorid, marchid; /* the hart's, through the base extension (0: unknown) */
	bool has_time, has_srst, has_dbcn, has_hsm;
};
extern struct sbi_info sbi;

/* Probe the base extension and the extensions we use; call once, first thing. */
void sbi_init(void);
/* Program the next timer interrupt (absolute `time` value); TIME extension or legacy call. */
void sbi_set_timer(uint64_t stime);
/* Console output before the UART is up: DBCN if present, else the legacy putchar. */
void sbi_console_write(const char *s, unsigned long n);
/* Console input through the firmware (DBCN read, else the legacy getchar): a byte or -1. */
int sbi_console_getc(void);
/* System reset; returns only if the call failed (negative error). */
int sbi_system_reset(uint32_t type, uint32_t reason);
/* An SBI error code (spec chapter 3) as one of ours. */
int sbi_error(long err);
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1
/* HSM hart status (0 started, 1 stopped, ...), or a negative error. */
long sbi_hart_status(unsigned long hartid);
