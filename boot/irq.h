/* External interrupt sources (PLIC) and their handlers, dispatched from the main loop. */
#pragma once
#include <stdint.h>

/* Register fn(arg) for PLIC source irq, set its priority and enable it for the boot hart's
 * S-mode context. Returns 0, -EINVAL (irq out of range) or -EBUSY (already taken). */
int irq_register(uint32_t irq, void (*fn)(void *arg), void *arg);
/* Claim and handle every pending source, completing each; returns how many were handled.
 * Called from the main loop after wfi; never from a trap. */
int plic_dispatch(void);
