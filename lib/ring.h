/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Descriptor ring index arithmetic for any NIC or queue, host-tested. Producer and consumer
 * are free-running 32-bit counters (they wrap naturally); a slot is counter & (N - 1), so N
 * must be a power of two (iPXE intel.h keeps its prod/cons the same way).
 *
 * Rings where the device is told "one past the last slot you may use" (e1000 RDT/TDT, NVMe
 * queue doorbells) must keep one slot empty: a tail equal to the head means "empty" to the
 * device. ring_space() and ring_tail_behind() encode that rule once.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

static inline uint32_t ring_slot(uint32_t counter, uint32_t n)
{
	return counter & (n - 1);
}

/* Entries produced and not yet consumed. */
static inline uint32_t ring_used(uint32_t prod, uint32_t cons)
{
	return prod - cons;
}

/* Free entries, one slot always kept empty (see above). */
static inline uint32_t ring_space(uint32_t prod, uint32_t cons, uint32_t n)
{
	return n - 1 - ring_used(prod, cons);
}

/*
 * The tail a device gets for a ring that is always full of buffers (receive): every slot up to
 * but excluding the tail is the device's, so the tail stays one behind the consumer and the
 * one withheld slot keeps tail != head while the device still has buffers.
 */
static inline uint32_t ring_tail_behind(uint32_t cons, uint32_t n)
{
	return (cons - 1) & (n - 1);
}

/*
 * Whether the entry at counter prod should ask the device for a completion write-back.
 * Asking on every entry costs a write-back each; asking every `interval` entries (a power of
 * two) is enough to learn completions, and so is asking on each one once the ring is nearly
 * full, so that space comes back as soon as it can.
 */
static inline bool ring_want_status(uint32_t prod, uint32_t cons, uint32_t n, uint32_t interval)
{
	return (prod & (interval - 1)) == interval - 1 || ring_used(prod, cons) + interval >= n - 1;
}

/* Counter c lies in [from, to) of the free-running sequence (handles wrap). */
static inline bool ring_between(uint32_t c, uint32_t from, uint32_t to)
{
	return c - from < to - from;
}

/*
 * Where a completion queue stops being done: entries [first, first + n) of a free-running
 * sequence are done up to some entry and not done after it (a device completes in order);
 * returns the first entry not done (first + n if all are). Looks at the newest entry first
 * (after a burst it is done: one look), else a binary search: at most 1 + ceil(log2 n) looks. done
 * is called with ctx and an entry's counter; always inlined, so a static inline done costs
 * no call.
 */
static inline __attribute__((always_inline)) uint32_t
ring_done_until(uint32_t first, uint32_t n, bool (*done)(const void *ctx, uint32_t c),
		const void *ctx)
{
	if (!n || done(ctx, first + n - 1))
		return first + n;
	for (n--; n;) { /* the first not done in [first, first + n) */
		uint32_t half = n / 2, mid = first + half;
		if (done(ctx, mid)) {
			first = mid + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return first;
}
