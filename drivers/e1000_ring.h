/*
 * e1000 ring index arithmetic, host-tested. Producer and consumer are free-running 32-bit
 * counters (they wrap naturally); a slot is counter & (N - 1), so N must be a power of two.
 *
 * RX: every slot always holds a buffer. Software consumes at rx_cons; the hardware may use
 * every slot up to but excluding the tail, so the tail is kept one behind the consumer:
 * RDT = (cons - 1) mod N. That withholds exactly one slot and RDT never equals RDH while
 * the hardware still has buffers (RDT == RDH means "no buffers" to the device).
 *
 * TX: software produces at tx_prod, reclaims at tx_cons. At most N - 1 descriptors are in
 * flight, since TDT == TDH means "ring empty" to the device.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

static inline uint32_t e1000_ring_slot(uint32_t counter, uint32_t n)
{
	return counter & (n - 1);
}

static inline bool e1000_ring_size_ok(uint32_t n)
{
	/* power of two, whole 128-byte units of 16-byte descriptors, RDLEN fits 20 bits */
	return n >= 8 && (n & (n - 1)) == 0 && n <= 65536;
}

/* RDT value for consumer counter cons. */
static inline uint32_t e1000_rx_tail(uint32_t cons, uint32_t n)
{
	return (cons - 1) & (n - 1);
}

/* Descriptors handed to the TX hardware and not yet reclaimed. */
static inline uint32_t e1000_tx_inflight(uint32_t prod, uint32_t cons)
{
	return prod - cons;
}

/* Free TX descriptors (one is always kept empty, see above). */
static inline uint32_t e1000_tx_space(uint32_t prod, uint32_t cons, uint32_t n)
{
	return n - 1 - e1000_tx_inflight(prod, cons);
}

/*
 * Whether the descriptor at counter prod should request a status write-back (RS). Asking on
 * every descriptor costs a write-back each; asking every `interval` descriptors (a power of
 * two) is enough to learn completions, and so is asking on each one once the ring is nearly
 * full, so that space comes back as soon as it can. Flush also marks a batch's last one.
 */
static inline bool e1000_tx_want_rs(uint32_t prod, uint32_t cons, uint32_t n, uint32_t interval)
{
	return (prod & (interval - 1)) == interval - 1 ||
	       e1000_tx_inflight(prod, cons) + interval >= n - 1;
}

/* Counter c lies in [from, to) of the free-running sequence (handles wrap). */
static inline bool e1000_ring_between(uint32_t c, uint32_t from, uint32_t to)
{
	return c - from < to - from;
}
