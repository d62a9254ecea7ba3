/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intel 8254x / 82574L (e1000 family) driver, legacy descriptors, polled NAPI-style from the
 * main loop (8254x SDM rev. 4.0: receive sec. 3.2, transmit sec. 3.3, interrupts 13.4.17;
 * 82574 datasheet rev. 3.4 sec. 7.4 for its MSI-X causes). The packet path touches only RAM:
 * descriptors and mbufs. Register writes happen once per batch (flush: TDT, RDT) and when
 * interrupts are armed or taken. Bring-up and the variants are in e1000_setup.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/e1000_priv.h"
#include "lib/barrier.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/ring.h"

static int e1000_tx_reclaim(struct netdev *nd);

/* The device writes descriptor status behind the compiler's back: always load it afresh. */
static inline uint8_t desc_status(const volatile uint8_t *status)
{
	return *status;
}

/* ---- receive ---- */

/* A descriptor we will not deliver: count why, give its buffer straight back to the ring. */
static void rx_recycle(struct e1000_softc *sc, struct e1000_rx_desc *d, uint8_t status)
{
	struct netdev_stats *st = &sc->nd.stats;
	if (sc->rx_discard) {
		/* continuation of an oversize frame, already counted */
		if (status & E1000_RXD_STAT_EOP)
			sc->rx_discard = false;
	} else if (!(status & E1000_RXD_STAT_EOP)) {
		st->rx_drop_oversize++;
		sc->rx_discard = true;
	} else {
		/* E1000_RXD_ERR_FRAME, or a frame longer than the buffer behind the headroom
		 * (impossible with LPE off): both count as errors */
		st->rx_drop_error++;
	}
	d->status = 0;
}

/* A buffer for a receive slot, NET_IP_ALIGN bytes in: a transmitted one taken back (reset
 * here, field by field, from locals: nothing is stored twice), else one from the pool. */
static inline struct mbuf *rx_buffer(struct e1000_softc *sc)
{
	size_t n = sc->nrecycle;
	struct mbuf *m;
	uint8_t *p;
	if (n) {
		m = sc->recycle[n - 1];
		sc->nrecycle = n - 1;
		m->next = NULL;
		m->flags = 0;
		m->l3_off = m->l4_off = 0;
	} else {
		m = mbuf_alloc();
		if (!m)
			return NULL;
	}
	p = m->head + MBUF_HEADROOM + NET_IP_ALIGN;
	m->data = m->tail = p;
	return m;
}

static int e1000_poll(struct netdev *nd, int budget)
{
	struct e1000_softc *sc = nd->priv;
	struct e1000_rx_desc *ring = sc->rx_ring;
	uint32_t cons = sc->rx_cons;
	int done = 0, kept = 0; /* kept: frames taken but not delivered (rare) */
	uint32_t csum_ok = 0;	/* frames whose checksum the device verified */
	uint64_t bytes = 0;
	/* Sent buffers come back E1000_RECLAIM_MIN or more at a time: a reclaim call and its
	 * setup in every pass would cost more than the buffers (one in flight: 60 instructions
	 * a pass); the refill stash covers the receive slots meanwhile. */
	if (sc->rs_cons != sc->rs_prod && ring_used(sc->tx_prod, sc->tx_cons) >= E1000_RECLAIM_MIN)
		e1000_tx_reclaim(nd);
	while (done < budget) {
		uint32_t slot = ring_slot(cons, RXN);
		struct e1000_rx_desc *d = &ring[slot];
		struct mbuf *m, *fresh;
		uint8_t status = desc_status(&d->status), errors;
		uint32_t len;
		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* DD is read before the fields the device wrote with it; without this barrier the
		 * hart may load length/errors early and see the values of the previous use. */
		dma_rmb();
		len = d->length;
		errors = d->errors;
		sc->rx_cons = ++cons; /* stored: the stack may flush (RDT) before this returns */
		done++;
		/* Every buffer in the ring has the same room behind NET_IP_ALIGN (asserted in
		 * e1000_priv.h): a longer length is a device error, compared as a constant. */
		if (!(status & E1000_RXD_STAT_EOP) || sc->rx_discard ||
		    (errors & E1000_RXD_ERR_FRAME) || len > E1000_RX_ROOM) {
			rx_recycle(sc, d, status);
			kept++;
			continue;
		}
		/* The device summed the TCP or UDP segment and found it right (TCPCS, or the 82574's
		 * UDPCS, without TCPE; IXSM: it did not look). m came from rx_buffer: flags 0. Marked
		 * here, while status and errors are in registers anyway: kept past rx_buffer (which
		 * may call the pool) they would push a loop variable out to the stack. */
		m = sc->rx_mbuf[slot];
		if ((status & (E1000_RXD_STAT_TCPCS | E1000_RXD_STAT_UDPCS)) &&
		    !((status & E1000_RXD_STAT_IXSM) | (errors & E1000_RXD_ERR_TCPE))) {
			m->flags = MBUF_F_L4_OK;
			csum_ok++;
		}
		fresh = rx_buffer(sc);
		if (!fresh) {
			/* pool empty: the frame is dropped, its buffer stays in the slot (unmarked) */
			m->flags = 0;
			nd->stats.rx_drop_nobuf++;
			d->status = 0;
			kept++;
			continue;
		}
		/* The slot is whole again before the frame goes up: the stack may flush. */
		sc->rx_mbuf[slot] = fresh;
		d->addr = fresh->phys + MBUF_HEADROOM + NET_IP_ALIGN; /* rx_buffer's data */
		d->status = 0;
		bytes += len;
		netdev_rx_uncounted(nd, m, len);
	}
	if (done) {
		nd->stats.polls++;
		nd->stats.rx_csum_hw += csum_ok;
		netdev_rx_count(nd, (uint32_t)(done - kept), bytes);
	}
	return done;
}

static bool e1000_rx_pending(const struct netdev *nd)
{
	const struct e1000_softc *sc = nd->priv;
	const struct e1000_rx_desc *d = &sc->rx_ring[ring_slot(sc->rx_cons, RXN)];
	return (desc_status(&d->status) & E1000_RXD_STAT_DD) != 0;
}

/* ---- transmit ---- */

/* The second half of a TX descriptor (length to special) as one word: little-endian, as the
 * device reads it (the offsets are asserted in e1000_regs.h). */
typedef uint64_t __attribute__((may_alias)) desc_u64;
_Static_assert(offsetof(struct e1000_tx_desc, length) == 8 &&
		       offsetof(struct e1000_tx_desc, cmd) == 11 &&
		       offsetof(struct e1000_tx_desc, special) == 14,
	       "TX descriptor second half: length, cso, cmd, status, css, special");

static void rs_mark(struct e1000_softc *sc, uint32_t counter)
{
	sc->tx_rs[ring_slot(sc->rs_prod++, TXN)] = counter;
}

/* Entry c of the RS queue: its descriptor has been written back (DD). */
static inline bool rs_done(const void *ctx, uint32_t c)
{
	const struct e1000_softc *sc = ctx;
	uint32_t counter = sc->tx_rs[ring_slot(c, TXN)];
	return (desc_status(&sc->tx_ring[ring_slot(counter, TXN)].status) & E1000_TXD_STAT_DD) != 0;
}

/* The buffers of n sent descriptors from counter cons: into the refill stash while it has
 * room, the rest to the pool. Copied in runs (up to the ring's end, up to the stash's room):
 * a load and a store a buffer, no per-buffer wrap or room test. */
static void tx_release(struct e1000_softc *sc, uint32_t cons, uint32_t n)
{
	struct mbuf **rec = sc->recycle + sc->nrecycle;
	size_t room = E1000_RECYCLE - sc->nrecycle;
	/* tx_mbuf[] past tx_cons is stale and never read: not cleared */
	while (n) {
		uint32_t slot = ring_slot(cons, TXN), run = TXN - slot, kept;
		struct mbuf *const *t = &sc->tx_mbuf[slot];
		if (run > n)
			run = n;
		cons += run;
		n -= run;
		kept = run < room ? run : (uint32_t)room;
		room -= kept;
		for (struct mbuf *const *end = t + kept; t != end;)
			*rec++ = *t++;
		for (struct mbuf *const *end = &sc->tx_mbuf[slot] + run; t != end;)
			mbuf_free(*t++); /* the stash is full */
	}
	sc->nrecycle = (size_t)(rec - sc->recycle);
}

/* Free the mbufs of every descriptor up to the newest RS one the device has written back:
 * descriptors complete in order, so DD there covers all before it. ring_done_until finds it:
 * after a burst the newest is done, and one look covers the lot (one in flight, every
 * datagram's doorbell marks one, 32 to a reclaim); else at most 9 looks for a queue of 255,
 * whether the device is keeping up or has stopped. */
static int e1000_tx_reclaim(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	uint32_t cons = sc->tx_cons, first, last;
	first = ring_done_until(sc->rs_cons, sc->rs_prod - sc->rs_cons, rs_done, sc);
	if (first == sc->rs_cons)
		return 0; /* nothing asked for, or nothing written back yet */
	last = sc->tx_rs[ring_slot(first - 1, TXN)];
	/* DD before reusing the buffers: the device has finished reading them only once DD is
	 * visible, so nothing of ours may move ahead of these loads. */
	dma_acquire();
	sc->rs_cons = first;
	sc->tx_cons = last + 1;
	tx_release(sc, cons, last + 1 - cons);
	return (int)(last + 1 - cons);
}

/* Out of line, so that the queueing path saves no registers: a frame that cannot go. */
static __attribute__((noinline, cold)) int xmit_drop(struct netdev *nd, struct mbuf *m, int err)
{
	if (err == -EINVAL)
		nd->stats.tx_drop_oversize++;
	else
		nd->stats.tx_drop_full++;
	mbuf_free(m);
	return err;
}

static int e1000_xmit(struct netdev *nd, struct mbuf *m);

/* The ring looked full: reclaim what the device has finished, then queue or drop. */
static __attribute__((noinline, cold)) int xmit_full(struct netdev *nd, struct mbuf *m)
{
	if (e1000_tx_reclaim(nd) == 0)
		return xmit_drop(nd, m, -ENOSPC);
	return e1000_xmit(nd, m);
}

static int e1000_xmit(struct netdev *nd, struct mbuf *m)
{
	struct e1000_softc *sc = nd->priv;
	uint32_t len = (uint32_t)mbuf_len(m), slot;
	uint8_t cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS;
	struct e1000_tx_desc *d;
	if (len - 1 >= E1000_TX_MAX_LEN) /* 0 wraps around: one compare for both */
		return xmit_drop(nd, m, -EINVAL);
	if (ring_space(sc->tx_prod, sc->tx_cons, TXN) == 0)
		return xmit_full(nd, m);
	if (ring_want_status(sc->tx_prod, sc->tx_cons, TXN, E1000_TX_RS_INTERVAL)) {
		cmd |= E1000_TXD_CMD_RS;
		rs_mark(sc, sc->tx_prod);
	}
	slot = ring_slot(sc->tx_prod++, TXN);
	sc->tx_mbuf[slot] = m;
	d = &sc->tx_ring[slot];
	d->addr = mbuf_data_phys(m);
	/* length, cso 0, cmd, status 0 (DD clear), css 0, special 0: one store */
	*(desc_u64 *)&d->length = len | (uint64_t)cmd << 24;
	return (int)len;
}

static void rx_doorbell(struct e1000_softc *sc)
{
	/* Refilled descriptors (addr, status = 0) must be visible before the device may use
	 * them: mmio_write32's fence w,o orders those stores before the RDT write. */
	wr(sc, E1000_RDT, ring_tail_behind(sc->rx_cons, RXN));
	sc->rx_cons_doorbell = sc->rx_cons;
	sc->nd.stats.rx_doorbells++;
}

/* Inline: e1000_flush, its caller on every pass, then saves no registers and makes no call. */
static inline __attribute__((always_inline)) void tx_doorbell(struct e1000_softc *sc)
{
	uint32_t last = sc->tx_prod - 1;
	struct e1000_tx_desc *d = &sc->tx_ring[ring_slot(last, TXN)];
	/* The batch's last descriptor asks for status, so its buffers come back without waiting
	 * for the next RS_INTERVAL boundary. Still ours: TDT is not past it. */
	if (!(d->cmd & E1000_TXD_CMD_RS)) {
		d->cmd |= E1000_TXD_CMD_RS;
		rs_mark(sc, last);
	}
	/* mmio_write32 orders the descriptor stores before the doorbell (fence w,o). */
	wr(sc, E1000_TDT, ring_slot(sc->tx_prod, TXN));
	sc->tx_prod_doorbell = sc->tx_prod;
	sc->nd.stats.tx_doorbells++;
}

/*
 * A batch ends when the receive ring has nothing more: frames that arrived while this pass
 * ran are polled first (the main loop comes straight back), and the replies of both passes
 * leave with one TDT write (as Linux's xmit_more). E1000_TX_BATCH_MAX bounds the wait under
 * a stream that never lets the ring run dry, and e1000_irq_arm flushes before any sleep.
 */
static void e1000_flush(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	uint32_t queued = sc->tx_prod - sc->tx_prod_doorbell;
	if (queued && (queued >= E1000_TX_BATCH_MAX || !e1000_rx_pending(nd)))
		tx_doorbell(sc);
	/* Refilled descriptors go back in batches: the device always keeps at least
	 * RXN - 1 - E1000_RX_DOORBELL_BATCH buffers, and e1000_irq_arm hands back the rest
	 * before the loop sleeps, so a quiet ring is always full. */
	if (sc->rx_cons - sc->rx_cons_doorbell >= E1000_RX_DOORBELL_BATCH)
		rx_doorbell(sc);
}

/* ---- interrupts ---- */

static void e1000_link_change(struct e1000_softc *sc)
{
	bool up = (rd(sc, E1000_STATUS) & E1000_STATUS_LU) != 0;
	sc->nd.stats.link_changes++;
	if (up != sc->nd.link_up)
		pr_info("%s: link %s\n", sc->nd.name, up ? "up" : "down");
	sc->nd.link_up = up;
}

/* The buffers kept for refills back to the pool (before the pool is reported). Not on every
 * sleep: up to E1000_RECYCLE frees there, and as many allocations after the wake, cost 30-40
 * instructions per datagram at 32 in flight. */
static void e1000_quiet(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	e1000_tx_reclaim(nd); /* what the device has sent (fewer than E1000_RECLAIM_MIN) */
	while (sc->nrecycle)
		mbuf_free(sc->recycle[--sc->nrecycle]);
}

static void e1000_irq_arm(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	/* idle: every queued frame out, every buffer back to the device (the buffers kept for
	 * refills stay: e1000_quiet) */
	if (sc->tx_prod != sc->tx_prod_doorbell)
		tx_doorbell(sc);
	if (sc->rx_cons != sc->rx_cons_doorbell)
		rx_doorbell(sc);
	if (!sc->has_irq)
		return;
	/* With MSI-X, buffers a quiet ring still holds come back by the TX interrupt once a
	 * good part of the ring waits for reclaim (below that, the next burst reclaims them). */
	if (sc->tx_cause && !sc->tx_irq_armed && ring_used(sc->tx_prod, sc->tx_cons) >= TXN / 2) {
		wr(sc, E1000_ICR, sc->tx_cause);
		wr(sc, E1000_IMS, sc->tx_cause);
		sc->tx_irq_armed = true;
	}
	if (sc->irq_armed)
		return;
	/* Causes latched while masked (frames already polled) would fire at once: clear them
	 * (write 1 to clear) first. A frame landing after this sets the cause again and
	 * interrupts; one landing before is seen by the main loop's rx_pending re-check. */
	wr(sc, E1000_ICR, sc->rx_cause);
	wr(sc, E1000_IMS, sc->rx_cause);
	sc->irq_armed = true;
}

/*
 * One vector for all causes (INTx, or MSI). Reading ICR clears it, which drops the level INTx
 * line; on the 82574 the causes are also written back, which clears them whatever its
 * interrupt mode made of the read. The interrupt core completes the source at the controller
 * only after this returns, so a level line is not raised again at once.
 */
void e1000_intr(void *arg)
{
	struct e1000_softc *sc = arg;
	struct netdev *nd = &sc->nd;
	uint32_t icr = rd(sc, E1000_ICR);
	if (sc->flags & E1000_F_82574)
		wr(sc, E1000_ICR, icr);
	nd->stats.irqs++;
	if (icr & sc->rx_cause) {
		wr(sc, E1000_IMC, sc->rx_cause); /* polling takes over until idle */
		sc->irq_armed = false;
	}
	if (icr & E1000_ICR_LSC)
		e1000_link_change(sc);
}

/* MSI-X: the vector says the cause (EIAC cleared its ICR bit when the message went out). */
void e1000_rx_intr(void *arg)
{
	struct e1000_softc *sc = arg;
	sc->nd.stats.irqs++;
	wr(sc, E1000_IMC, sc->rx_cause); /* polling takes over until idle */
	sc->irq_armed = false;
}

/* Transmit completions: the loop, now awake, reclaims them on its next poll. */
void e1000_tx_intr(void *arg)
{
	struct e1000_softc *sc = arg;
	sc->nd.stats.irqs++;
	wr(sc, E1000_IMC, sc->tx_cause);
	sc->tx_irq_armed = false;
	e1000_tx_reclaim(&sc->nd);
}

/* Link changes and the rest: ICR says which. With MSI-X a read does not clear it (82574;
 * QEMU 7.2 likewise): the causes are written back, the queue ones left to EIAC. */
void e1000_other_intr(void *arg)
{
	struct e1000_softc *sc = arg;
	uint32_t icr = rd(sc, E1000_ICR);
	wr(sc, E1000_ICR, icr & ~(sc->rx_cause | sc->tx_cause));
	sc->nd.stats.irqs++;
	if (icr & E1000_ICR_LSC)
		e1000_link_change(sc);
}

const struct netdev_ops e1000_ops = {
	.poll = e1000_poll,
	.quiet = e1000_quiet,
	.xmit = e1000_xmit,
	.flush = e1000_flush,
	.irq_arm = e1000_irq_arm,
	.rx_pending = e1000_rx_pending,
};
