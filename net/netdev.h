/*
 * The only face of a NIC that net/ sees. A driver fills a struct netdev with its ops and
 * calls netdev_register(); net/ calls the ops through the inline wrappers below.
 * All ops run in the main loop except none: nothing here is called from a trap.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/mbuf.h"

struct netdev;

struct netdev_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_drop_nobuf;	   /* no mbuf to refill a slot: frame dropped, buffer reused */
	uint64_t rx_drop_error;	   /* descriptor reported an error (RXE, errors byte) */
	uint64_t rx_drop_oversize; /* frame spanning several descriptors (no EOP) */
	uint64_t tx_drop_full;	   /* ring full at xmit */
	uint64_t tx_drop_oversize;
	uint64_t tx_drop_error; /* descriptor reported the frame lost (bus error, ...) */
	uint64_t irqs;		/* interrupts taken */
	uint64_t polls;		/* poll passes that found work */
	uint64_t rx_doorbells, tx_doorbells; /* RDT and TDT writes */
	uint64_t link_changes;
};

struct netdev_ops {
	/* Take up to budget received frames and hand each to rx (eth_input); returns frames taken. */
	int (*poll)(struct netdev *nd, int budget);
	/* Queue m for transmit (fill a descriptor, no doorbell). 0, or -ENOSPC (m is freed). */
	int (*xmit)(struct netdev *nd, struct mbuf *m);
	/* Doorbells: one TDT write if frames were queued; an RDT write once enough receive slots
	 * were refilled (a batch). */
	void (*flush)(struct netdev *nd);
	/* The loop goes idle: hand back every refilled receive slot, unmask receive interrupts. */
	void (*irq_arm)(struct netdev *nd);
	/* From PLIC dispatch: read the cause (ICR), mask receive interrupts, note link changes. */
	void (*intr)(struct netdev *nd);
	/* A received frame is waiting (peek at the next DD bit; no MMIO). */
	bool (*rx_pending)(const struct netdev *nd);
	/* Reclaim completed transmit descriptors (DD bits); returns how many. */
	int (*tx_reclaim)(struct netdev *nd);
};

struct netdev {
	char name[8];
	uint8_t mac[6] __attribute__((aligned(2))); /* compared and copied as halfwords */
	uint16_t mtu;
	bool link_up;
	uint64_t rx_on_ns; /* clock_ns() when the driver enabled reception (boot figure) */
	const struct netdev_ops *ops;
	void *priv;
	/* Receive upcall set by net/ (eth_input); the driver calls it for each frame. Consumes m. */
	void (*rx)(struct netdev *nd, struct mbuf *m);
	struct netdev_stats stats;
	struct netdev *next;
};

/* Add nd to the registry; the stack attaches to the first one registered. Returns 0. */
int netdev_register(struct netdev *nd);
/* The first registered device, or NULL if there is no NIC. */
struct netdev *netdev_first(void);

static inline int netdev_poll(struct netdev *nd, int budget)
{
	return nd->ops->poll(nd, budget);
}
static inline int netdev_xmit(struct netdev *nd, struct mbuf *m)
{
	return nd->ops->xmit(nd, m);
}
static inline void netdev_flush(struct netdev *nd)
{
	nd->ops->flush(nd);
}
static inline void netdev_irq_arm(struct netdev *nd)
{
	nd->ops->irq_arm(nd);
}
static inline void netdev_intr(struct netdev *nd)
{
	nd->ops->intr(nd);
}
static inline bool netdev_rx_pending(const struct netdev *nd)
{
	return nd->ops->rx_pending(nd);
}
