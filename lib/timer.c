/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One-shot timers on a sorted singly linked list (earliest first). Expiry detaches the due
 * prefix before running any callback, so callbacks may arm, re-arm or cancel any timer,
 * themselves included, and a timer re-armed as already due waits for the next pass instead of
 * looping forever inside this one.
 */
#include <stddef.h>
#include "lib/kprintf.h"
#include "lib/timer.h"

static struct timer *pending; /* armed, sorted by deadline; equal deadlines in arming order */
static struct timer *running; /* due timers detached by timers_expire, not yet run */
static bool expiring;

static bool unlink_from(struct timer **list, struct timer *t)
{
	for (struct timer **pp = list; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			t->next = NULL;
			return true;
		}
	}
	return false;
}

void timer_cancel(struct timer *t)
{
	if (!t->pending)
		return;
	/* A due timer cancelled by an earlier callback of the same pass sits on running. */
	if (!unlink_from(&pending, t) && !unlink_from(&running, t))
		panic("timer %p marked pending but on no list", (void *)t);
	t->pending = false;
}

void timer_arm_at(struct timer *t, uint64_t deadline)
{
	struct timer **pp = &pending;

	ASSERT(t->fn != NULL);
	timer_cancel(t);
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	t->deadline = deadline;
	t->next = *pp;
	*pp = t;
	t->pending = true;
}

void timer_arm(struct timer *t, uint64_t delay_ns)
{
	uint64_t now = clock_ns();
	/* Saturate: a huge delay means "never", not a wrapped deadline in the past. */
	timer_arm_at(t, delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns);
}

int timers_expire(uint64_t now)
{
	struct timer *t, *last = NULL;
	int n = 0;

	if (expiring) /* called from a callback: the outer pass finishes the job */
		return 0;
	for (t = pending; t && t->deadline <= now; t = t->next)
		last = t;
	if (!last)
		return 0;
	running = pending;
	pending = last->next;
	last->next = NULL;
	expiring = true;
	while ((t = running) != NULL) {
		running = t->next;
		t->next = NULL;
		t->pending = false;
		t->fn(t);
		n++;
	}
	expiring = false;
	return n;
}

uint64_t timers_next_deadline(void)
{
	return pending ? pending->deadline : UINT64_MAX;
}

bool tbucket_take(struct tbucket *b, uint64_t now, uint32_t rate, uint32_t burst)
{
	const uint64_t token = NSEC_PER_SEC / rate, full = burst * token;
	if (!b->started) {
		b->started = true;
		b->credit_ns = full;
	} else {
		b->credit_ns += now - b->last;
		if (b->credit_ns > full)
			b->credit_ns = full;
	}
	b->last = now;
	if (b->credit_ns < token)
		return false;
	b->credit_ns -= token;
	return true;
}
