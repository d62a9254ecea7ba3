/* SPDX-License-Identifier: BSD-2-Clause */
/* RISC-V supervisor CSRs, bits and accessors (privileged spec v1.12). */
#pragma once
#include <stdint.h>

#define CSR_SSTATUS  0x100
#define CSR_SIE	     0x104
#define CSR_STVEC    0x105
#define CSR_SSCRATCH 0x140
#define CSR_SEPC     0x141
#define CSR_SCAUSE   0x142
#define CSR_STVAL    0x143
#define CSR_SIP	     0x144
#define CSR_SATP     0x180
/* Ssaia (RISC-V AIA spec v1.0, chapter 2): the S-level interrupt file of this hart's IMSIC is
 * reached through an indirect window (siselect selects, sireg accesses) and stopei. */
#define CSR_SISELECT 0x150
#define CSR_SIREG    0x151
#define CSR_STOPEI   0x15c
#define CSR_STOPI    0xdb0
#define CSR_TIME     0xc01
#define CSR_CYCLE    0xc00
#define CSR_INSTRET  0xc02
#define CSR_VLENB    0xc22 /* vector register length in bytes (V) */

#define SSTATUS_SIE  (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP  (1ul << 8)
#define SSTATUS_FS   (3ul << 13)
#define SSTATUS_VS   (3ul << 9) /* vector state: 0 off (V instructions trap), 1 initial */
#define SSTATUS_SUM  (1ul << 18)

#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

#define SCAUSE_INTR (1ul << 63)
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9

#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS	     1
#define EXC_ILLEGAL_INST     2
#define EXC_BREAKPOINT	     3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS	     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U	     8
#define EXC_ECALL_S	     9
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39	(8ul << SATP_MODE_SHIFT)
#define SATP_MODE_SV48	(9ul << SATP_MODE_SHIFT)

#define __str(x)  #x
#define __xstr(x) __str(x)

#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long __v;                                                                 \
		__asm__ volatile("csrr %0, " __xstr(csr) : "=r"(__v)::"memory");                   \
		__v;                                                                               \
	})
#define csr_write(csr, val)                                                                        \
	do {                                                                                       \
		unsigned long __v = (unsigned long)(val);                                          \
		__asm__ volatile("csrw " __xstr(csr) ", %0" ::"rK"(__v) : "memory");               \
	} while (0)
/* Write val, return the old value (one csrrw). */
#define csr_swap(csr, val)                                                                         \
	({                                                                                         \
		unsigned long __v = (unsigned long)(val);                                          \
		__asm__ volatile("csrrw %0, " __xstr(csr) ", %1"                                   \
				 : "=r"(__v)                                                       \
				 : "rK"(__v)                                                       \
				 : "memory");                                                      \
		__v;                                                                               \
	})
#define csr_set(csr, val)                                                                          \
	do {                                                                                       \
		unsigned long __v = (unsigned long)(val);                                          \
		__asm__ volatile("csrs " __xstr(csr) ", %0" ::"rK"(__v) : "memory");               \
	} while (0)
#define csr_clear(csr, val)                                                                        \
	do {                                                                                       \
		unsigned long __v = (unsigned long)(val);                                          \
		__asm__ volatile("csrc " __xstr(csr) ", %0" ::"rK"(__v) : "memory");               \
	} while (0)

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void sfence_vma(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void sfence_vma_addr(unsigned long va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}
