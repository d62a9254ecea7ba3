/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for the e1000 descriptor layouts and the ring arithmetic it uses (lib/ring.h),
 * including a model of the RX ring that checks RDT never meets RDH. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/e1000_regs.h"
#include "lib/ring.h"
#include "lib/config.h"
#include "tests/host/test.h"

static void test_layout(void)
{
	ok(sizeof(struct e1000_rx_desc) == 16, "rx desc size");
	ok(sizeof(struct e1000_tx_desc) == 16, "tx desc size");
	ok(offsetof(struct e1000_rx_desc, addr) == 0, "rx addr");
	ok(offsetof(struct e1000_rx_desc, csum) == 10, "rx csum");
	ok(offsetof(struct e1000_rx_desc, special) == 14, "rx special");
	ok(offsetof(struct e1000_tx_desc, cso) == 10, "tx cso");
	ok(offsetof(struct e1000_tx_desc, css) == 13, "tx css");
	ok(offsetof(struct e1000_tx_desc, special) == 14, "tx special");
	/* the byte layout as the device reads it (little-endian host, as RISC-V) */
	union {
		struct e1000_tx_desc d;
		uint8_t b[16];
	} u = { .d = { .addr = 0x1122334455667788ull, .length = 0x05dc, .cmd = 0x0b } };
	ok(u.b[0] == 0x88 && u.b[7] == 0x11, "addr little-endian");
	ok(u.b[8] == 0xdc && u.b[9] == 0x05, "length little-endian");
	ok(u.b[11] == 0x0b, "cmd byte");
	ok(CONFIG_E1000_RX_RING * sizeof(struct e1000_rx_desc) % 128 == 0, "RDLEN multiple of 128");
	ok(CONFIG_E1000_TX_RING * sizeof(struct e1000_tx_desc) % 128 == 0, "TDLEN multiple of 128");
	ok(MBUF_SIZE - MBUF_HEADROOM >= E1000_MAX_FRAME, "RX buffer holds the largest frame");
}

static void test_regs(void)
{
	ok(E1000_RDT - E1000_RDBAL == 0x18 && E1000_TDT - E1000_TDBAL == 0x18, "queue blocks");
	ok(E1000_RAH0 == E1000_RAL0 + 4, "RAR0");
	ok(E1000_MTA + 4 * (E1000_MTA_ENTRIES - 1) < E1000_RAL0, "MTA before RAR");
	ok((E1000_ICR_RX_CAUSES & E1000_ICR_LSC) == 0, "LSC is not an RX cause");
	ok(E1000_TIPG_COPPER == 0x0060200a, "TIPG %x", E1000_TIPG_COPPER);
}

static void test_rx_tail(void)
{
	ok(ring_tail_behind(0, 256) == 255, "initial RDT = N-1");
	ok(ring_tail_behind(1, 256) == 0, "after one");
	ok(ring_tail_behind(256, 256) == 255, "after a lap");
	ok(ring_tail_behind(0u - 1, 256) == 254, "counter wrap");
	ok(ring_slot(0xffffffffu, 256) == 255 && ring_slot(0xffffffffu + 1u, 256) == 0,
	   "slot of wrapping counter");
}

/*
 * Model: the device fills from head while head != tail; software consumes DD slots at cons
 * and writes tail = rx_tail(cons) after each batch. Check the device never sees tail == head
 * while it still owns buffers, and always owns N - 1 - (filled, unconsumed) buffers.
 */
static void test_rx_model(void)
{
	const uint32_t n = 8;
	uint32_t head = 0, tail = ring_tail_behind(0, n), cons = 0, filled = 0;
	bool dd[8] = { false };
	int bad = 0;
	uint32_t seed = 12345;
	for (int step = 0; step < 100000; step++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t arrive = (seed >> 16) % 6, take = (seed >> 8) % 5;
		for (uint32_t i = 0; i < arrive && head != tail; i++) {
			dd[head] = true;
			head = (head + 1) % n;
			filled++;
		}
		for (uint32_t i = 0; i < take && dd[ring_slot(cons, n)]; i++) {
			dd[ring_slot(cons, n)] = false;
			cons++;
			filled--;
		}
		tail = ring_tail_behind(cons, n);
		uint32_t owned = (tail - head + n) % n;
		if (owned != n - 1 - filled)
			bad++;
	}
	ok(bad == 0, "device owns N-1-pending buffers at every step (%d bad)", bad);
	ok(cons > 1000, "the model made progress (%u)", cons);
}

static void test_tx_space(void)
{
	ok(ring_space(0, 0, 256) == 255, "empty ring holds N-1");
	ok(ring_space(255, 0, 256) == 0, "full at N-1 in flight");
	ok(ring_used(5, 0xfffffffeu) == 7, "inflight across wrap");
	ok(ring_space(5, 0xfffffffeu, 256) == 248, "space across wrap");
	ok(ring_between(3, 0xfffffffeu, 5) && !ring_between(5, 0xfffffffeu, 5),
	   "between across wrap");
}

static void test_tx_rs(void)
{
	int rs = 0;
	/* in a lightly loaded ring, one request per interval */
	for (uint32_t p = 0; p < 256; p++)
		rs += ring_want_status(p, p, 256, 32);
	ok(rs == 8, "RS every 32: %d", rs);
	ok(ring_want_status(31, 31, 256, 32) && !ring_want_status(30, 30, 256, 32),
	   "interval boundary");
	/* nearly full: every descriptor asks */
	ok(ring_want_status(230, 0, 256, 32) && ring_want_status(250, 0, 256, 32),
	   "nearly full asks each time");
	ok(!ring_want_status(200, 0, 256, 32), "not yet nearly full");
	/* counter wrap */
	ok(ring_want_status(0xffffffffu, 0xffffffffu, 256, 32), "boundary at wrap");
}

/* A completion queue model: entries before `until` are done. Counts the looks. */
struct done_model {
	uint32_t until;
	unsigned looks;
};

static bool model_done(const void *ctx, uint32_t c)
{
	struct done_model *m = (struct done_model *)(uintptr_t)ctx;
	m->looks++;
	return (int32_t)(c - m->until) < 0;
}

static void test_done_until(void)
{
	static const uint32_t starts[] = {0, 7, 0xffffff00u, 0xfffffff0u, 0x7ffffff8u};
	int wrong = 0, slow = 0, cases = 0;
	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++)
		for (uint32_t n = 0; n <= 300; n++)
			for (uint32_t k = 0; k <= n; k++) {
				struct done_model m = {starts[s] + k, 0};
				uint32_t got = ring_done_until(starts[s], n, model_done, &m);
				unsigned bound = 1; /* 1 + ceil(log2 n) */
				while ((1u << (bound - 1)) < n)
					bound++;
				wrong += got != starts[s] + k;
				slow += m.looks > bound;
				slow += k == n && n && m.looks != 1; /* all done: one look */
				cases++;
			}
	ok(wrong == 0, "boundary found in %d of %d queues", cases - wrong, cases);
	ok(slow == 0, "at most 1 + ceil(log2 n) looks, one when all are done (%d slower)", slow);
}

int main(void)
{
	test_layout();
	test_regs();
	test_rx_tail();
	test_rx_model();
	test_tx_space();
	test_tx_rs();
	test_done_until();
	TEST_DONE();
}
