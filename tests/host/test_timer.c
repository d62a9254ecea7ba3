/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/timer.c: ordering, re-arm, cancel, and callbacks that arm or cancel during expiry. */
#include <stdint.h>
#include <string.h>
#include "lib/timer.h"
#include "tests/host/test.h"

/* Callbacks append their timer's id (t->arg) to this log. */
static char fired[1024];

static void log_fire(struct timer *t)
{
	size_t n = strlen(fired);
	fired[n] = *(const char *)t->arg;
	fired[n + 1] = 0;
}

static struct timer tm[6];
static const char ids[] = "abcdef";

static void reset(void)
{
	for (int i = 0; i < 6; i++) {
		timer_cancel(&tm[i]);
		memset(&tm[i], 0, sizeof(tm[i]));
		tm[i].fn = log_fire;
		tm[i].arg = (void *)&ids[i];
	}
	fired[0] = 0;
	host_clock_ns = 1000;
}

/* Table: arm each timer at a relative deadline, then expire at the given times. */
static const struct {
	const char *name;
	int64_t delay[6]; /* -1 = not armed */
	uint64_t at[3];	  /* expire times (relative to 1000), 0 = stop */
	const char *want; /* ids in firing order, '|' between passes */
} order_cases[] = {
	{ "sorted", { 30, 10, 20, -1, -1, -1 }, { 100, 0, 0 }, "bca|" },
	{ "ties fire in arming order", { 10, 10, 5, 10, -1, -1 }, { 10, 0, 0 }, "cabd|" },
	{ "only due ones", { 10, 20, 30, 40, -1, -1 }, { 15, 35, 100 }, "a|bc|d|" },
	{ "deadline equal to now is due", { 0, 5, -1, -1, -1, -1 }, { 0, 5, 0 }, "a|b|" },
	{ "nothing due", { 50, -1, -1, -1, -1, -1 }, { 10, 20, 0 }, "||" },
};

static void test_order(void)
{
	for (size_t c = 0; c < sizeof(order_cases) / sizeof(order_cases[0]); c++) {
		int total = 0, want_total = 0;
		reset();
		for (int i = 0; i < 6; i++)
			if (order_cases[c].delay[i] >= 0)
				timer_arm(&tm[i], (uint64_t)order_cases[c].delay[i]);
		for (int k = 0; k < 3 && (k == 0 || order_cases[c].at[k]); k++) {
			total += timers_expire(1000 + order_cases[c].at[k]);
			strcat(fired, "|");
		}
		for (const char *s = order_cases[c].want; *s; s++)
			want_total += *s != '|';
		ok(!strcmp(fired, order_cases[c].want) && total == want_total, "%s: %s (%d)",
		   order_cases[c].name, fired, total);
	}
}

static void test_arm_cancel(void)
{
	reset();
	ok(timers_next_deadline() == UINT64_MAX, "empty list deadline");
	timer_arm(&tm[0], 100);
	timer_arm(&tm[1], 50);
	ok(timer_pending(&tm[0]) && timers_next_deadline() == 1050, "next deadline");
	timer_arm(&tm[1], 200); /* re-arm moves it behind a */
	ok(timers_next_deadline() == 1100, "re-arm later");
	timer_arm_at(&tm[0], 5000);
	ok(timers_next_deadline() == 1200, "re-arm at");
	timer_cancel(&tm[1]);
	timer_cancel(&tm[1]); /* harmless twice */
	ok(!timer_pending(&tm[1]) && timers_next_deadline() == 5000, "cancel");
	ok(timers_expire(4999) == 0 && timers_expire(5000) == 1 && !strcmp(fired, "a"), "fire");
	ok(!timer_pending(&tm[0]) && timers_next_deadline() == UINT64_MAX, "fired is not pending");
	timer_cancel(&tm[0]);	       /* after firing: harmless */
	timer_arm(&tm[2], UINT64_MAX); /* saturates instead of wrapping into the past */
	ok(timers_next_deadline() == UINT64_MAX && timers_expire(UINT64_MAX - 1) == 0, "saturate");
	timer_cancel(&tm[2]);
}

/* A callback that re-arms itself (periodic), one that re-arms itself as already due, and
 * callbacks that cancel or arm others in the same pass. */
static int periodic_runs;
static void periodic(struct timer *t)
{
	periodic_runs++;
	log_fire(t);
	if (periodic_runs < 3)
		timer_arm(t, 10);
}

static void rearm_now(struct timer *t)
{
	log_fire(t);
	timer_arm(t, 0); /* due again at once: must wait for the next pass, not loop */
}

static void cancel_b_arm_d(struct timer *t)
{
	log_fire(t);
	timer_cancel(&tm[1]); /* b is due in this very pass */
	timer_arm(&tm[3], 0);
}

static void cancel_self_and_rearm_c(struct timer *t)
{
	log_fire(t);
	timer_cancel(t);	/* already popped: harmless */
	timer_arm(&tm[2], 100); /* c was due in this pass: now later */
}

static void nested_expire(struct timer *t)
{
	log_fire(t);
	ok(timers_expire(UINT64_MAX) == 0, "nested timers_expire ran timers");
}

static void test_callbacks(void)
{
	int n;

	reset();
	tm[0].fn = periodic;
	periodic_runs = 0;
	timer_arm(&tm[0], 10);
	for (int i = 1; i <= 5; i++) {
		host_clock_ns = 1000 + 10 * (uint64_t)i;
		timers_expire(host_clock_ns);
	}
	ok(periodic_runs == 3 && !timer_pending(&tm[0]), "periodic ran %d", periodic_runs);

	reset();
	tm[0].fn = rearm_now;
	timer_arm(&tm[0], 0);
	ok(timers_expire(1000) == 1 && timers_expire(1000) == 1 && !strcmp(fired, "aa"),
	   "self re-arm as due: once per pass (%s)", fired);
	timer_cancel(&tm[0]);

	reset();
	tm[0].fn = cancel_b_arm_d;
	tm[1].fn = log_fire;
	timer_arm(&tm[0], 1);
	timer_arm(&tm[1], 2);
	timer_arm(&tm[2], 3);
	n = timers_expire(1010);
	ok(n == 2 && !strcmp(fired, "ac"), "cancel in callback: %d %s", n, fired);
	ok(timer_pending(&tm[3]) && timers_expire(1010) == 1 && !strcmp(fired, "acd"),
	   "armed in callback runs next pass: %s", fired);

	reset();
	tm[0].fn = cancel_self_and_rearm_c;
	timer_arm(&tm[0], 1);
	timer_arm(&tm[1], 2);
	timer_arm(&tm[2], 3);
	timer_arm(&tm[4], 500);
	n = timers_expire(1010);
	ok(n == 2 && !strcmp(fired, "ab") && timers_next_deadline() == 1100,
	   "re-arm another due timer: %d %s %llu", n, fired,
	   (unsigned long long)timers_next_deadline());
	ok(timers_expire(1600) == 2 && !strcmp(fired, "abce"), "rest in order: %s", fired);

	reset();
	tm[0].fn = nested_expire;
	timer_arm(&tm[0], 0);
	timer_arm(&tm[1], 0);
	ok(timers_expire(1000) == 2 && !strcmp(fired, "ab"), "nested expire: %s", fired);
}

/* Many timers in pseudo-random order come out sorted. */
static void test_many(void)
{
	static struct timer many[500];
	static uint64_t last;
	static int sorted = 1;
	uint32_t x = 1;

	reset();
	for (int i = 0; i < 500; i++) {
		x = x * 1103515245 + 12345;
		many[i].fn = log_fire;
		many[i].arg = (void *)&ids[0];
		timer_arm(&many[i], (x >> 8) % 10000);
		if (i % 7 == 0 && i > 0)
			timer_cancel(&many[i - 1]);
	}
	last = 0;
	for (uint64_t now = 1000; now <= 11000; now += 37) {
		while (timers_next_deadline() <= now) {
			uint64_t d = timers_next_deadline();
			sorted &= d >= last;
			last = d;
			timers_expire(d);
		}
	}
	ok(sorted && strlen(fired) == 500 - 71 && timers_next_deadline() == UINT64_MAX,
	   "500 timers: %zu fired", strlen(fired));
}

int main(void)
{
	test_order();
	test_arm_cancel();
	test_callbacks();
	test_many();
	TEST_DONE();
}
