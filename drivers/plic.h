/* RISC-V PLIC (platform-level interrupt controller), boot hart's S-mode context only. */
#pragma once
#include <stdint.h>

/* Set up for the given context index (from the DT's interrupts-extended); ndev sources. */
void plic_init(uint64_t base, uint32_t ndev, int context);
void plic_enable(uint32_t irq, uint32_t priority);
/* Claim the highest-priority pending source (0 if none) and complete it. */
uint32_t plic_claim(void);
void plic_complete(uint32_t irq);
