/*
 * A token bucket: at most `burst` events at once and `rate` per second on average (RFC 1812
 * 4.3.2.8's way of limiting ICMP errors, used for TCP resets and challenge ACKs too). Credit
 * is kept in nanoseconds, so no division runs per event.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "lib/timer.h"

struct ratelimit {
	uint64_t credit_ns; /* one event costs NSEC_PER_SEC / rate */
	uint64_t last;	    /* clock_ns() at the last call */
	bool started;	    /* false: a full bucket at the first call */
};

/* May one more event happen at now? Takes its token if so. rate > 0, burst > 0. */
static inline bool ratelimit_take(struct ratelimit *r, uint64_t now, uint32_t rate, uint32_t burst)
{
	uint64_t token = NSEC_PER_SEC / rate, full = (uint64_t)burst * token;
	if (!r->started) {
		r->started = true;
		r->credit_ns = full;
	} else if (now > r->last) {
		r->credit_ns += now - r->last;
		if (r->credit_ns > full)
			r->credit_ns = full;
	}
	r->last = now;
	if (r->credit_ns < token)
		return false;
	r->credit_ns -= token;
	return true;
}
