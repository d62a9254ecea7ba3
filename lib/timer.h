/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Monotonic clock and one-shot timers. Timers run from the main loop (timers_expire), never
 * from a trap, so callbacks may do anything ordinary code does (send frames, re-arm).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull

/* Nanoseconds since boot. Provided by boot/time.c in the kernel and by the host test env. */
uint64_t clock_ns(void);

struct timer {
	uint64_t deadline; /* clock_ns() value at which fn runs */
	void (*fn)(struct timer *t);
	void *arg;	    /* for the owner */
	struct timer *next; /* sorted pending list, owned by lib/timer.c */
	bool pending;
};

/* Arm (or re-arm) t to fire once, delay_ns from now. fn must be set. */
void timer_arm(struct timer *t, uint64_t delay_ns);
/* Arm at an absolute clock_ns() deadline. */
void timer_arm_at(struct timer *t, uint64_t deadline);
/* Disarm; harmless if not pending. */
void timer_cancel(struct timer *t);
static inline bool timer_pending(const struct timer *t)
{
	return t->pending;
}
/* Run every timer whose deadline <= now; returns how many ran. */
int timers_expire(uint64_t now);
/* Earliest pending deadline, or UINT64_MAX if none. */
uint64_t timers_next_deadline(void);

/* A token bucket (rate limits: ICMP errors, ARP requests): zero-initialised it starts full. */
struct tbucket {
	uint64_t credit_ns; /* one token = NSEC_PER_SEC / rate */
	uint64_t last;	    /* clock_ns() of the last take */
	bool started;
};
/* Take one token at now, refilling at rate tokens a second up to burst; false if none left. */
bool tbucket_take(struct tbucket *b, uint64_t now, uint32_t rate, uint32_t burst);
