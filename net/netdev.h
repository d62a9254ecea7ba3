/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The only face of a NIC that net/ sees, and the only one a NIC driver needs. A driver fills
 * a struct netdev with its ops and calls netdev_register(); it hands each received frame to
 * the core with netdev_rx(); net/ calls the ops through the inline wrappers below, which also
 * keep the frame and byte counts, so no driver counts them. Every op runs in the main loop;
 * nothing here is called from a trap.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/mbuf.h"

struct netdev;

struct netdev_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes; /* kept by netdev_rx / netdev_xmit */
	uint64_t rx_drop_nobuf;	   /* no buffer to refill a slot: frame dropped, buffer reused */
	uint64_t rx_drop_error;	   /* the device reported a receive error for the frame */
	uint64_t rx_drop_oversize; /* frame larger than one receive buffer */
	uint64_t tx_drop_full;	   /* transmit ring full at xmit */
	uint64_t tx_drop_oversize;
	uint64_t tx_drop_error; /* the device reported the frame lost (bus error, ...) */
	uint64_t irqs;		/* interrupts taken */
	uint64_t polls;		/* poll passes that found work */
	uint64_t rx_doorbells, tx_doorbells; /* register writes that hand buffers / frames over */
	uint64_t link_changes;
	uint64_t rx_csum_hw; /* frames the NIC found a right TCP/UDP checksum in (MBUF_F_L4_OK) */
};

struct netdev_ops {
	/* Take up to budget received frames, each to netdev_rx(); returns frames taken. May also
	 * reclaim finished transmit buffers. */
	int (*poll)(struct netdev *nd, int budget);
	/* Queue m for transmit (fill a descriptor; no doorbell). The frame may be shorter than
	 * ETH_ZLEN: the driver pads it (or has the device pad). Returns the bytes queued (the
	 * core counts them), or a negative error after which m is freed (-ENOSPC: ring full,
	 * -EINVAL: too long). */
	int (*xmit)(struct netdev *nd, struct mbuf *m);
	/* Doorbells: tell the device about the frames queued since the last one, and hand back
	 * refilled receive buffers once enough of them are (a batch). */
	void (*flush)(struct netdev *nd);
	/* The loop goes idle: everything queued goes out, every receive buffer back to the
	 * device, and the receive interrupt is unmasked (the loop re-checks rx_pending after
	 * this, so a frame that landed in between is not missed). */
	void (*irq_arm)(struct netdev *nd);
	/* A received frame is waiting (a look at the next descriptor in RAM; no register read). */
	bool (*rx_pending)(const struct netdev *nd);
	/* Optional: give the pool back the buffers the driver keeps between bursts (e1000:
	 * transmitted ones kept to refill receive slots), so that the pool's free count is the
	 * whole of it. Run before the pool is reported (net_mbuf_stats), not on the loop's path. */
	void (*quiet)(struct netdev *nd);
};

struct netdev {
	char name[8];
	uint8_t mac[6] __attribute__((aligned(2))); /* compared and copied as halfwords */
	uint16_t mtu;
	uint32_t mac_w1; /* mac[2..5] as one word, as stored (net_init sets it: the fused path) */
	bool link_up;
	bool polled;	   /* no interrupt wakes the loop for it: poll on the loop's tick */
	uint64_t rx_on_ns; /* clock_ns() when the driver enabled reception (boot figure) */
	const struct netdev_ops *ops;
	void *priv;
	/* Receive upcall set by net/ (eth_input), called through netdev_rx. Consumes m. */
	void (*rx)(struct netdev *nd, struct mbuf *m);
	struct netdev_stats stats;
	struct netdev *next;
};

/* Add nd to the registry; the stack attaches to the first one registered. Returns 0. */
int netdev_register(struct netdev *nd);
/* The first registered device, or NULL if there is no NIC. */
struct netdev *netdev_first(void);

/*
 * The driver's poll hands over one received frame: len bytes at m->data. Counts it and gives
 * it to the stack, which consumes m. The slot m came from must already hold a fresh buffer:
 * the stack may transmit and flush before this returns.
 */
static inline void netdev_rx(struct netdev *nd, struct mbuf *m, uint32_t len)
{
	m->tail = m->data + len;
	nd->stats.rx_frames++;
	nd->stats.rx_bytes += len;
	nd->rx(nd, m);
}
/* The same for a driver that counts once per poll pass (netdev_rx_count after its loop): six
 * instructions less per frame. */
static inline void netdev_rx_uncounted(struct netdev *nd, struct mbuf *m, uint32_t len)
{
	m->tail = m->data + len;
	nd->rx(nd, m);
}
static inline void netdev_rx_count(struct netdev *nd, uint32_t frames, uint64_t bytes)
{
	nd->stats.rx_frames += frames;
	nd->stats.rx_bytes += bytes;
}

/*
 * May a driver have its NIC verify received TCP/UDP checksums (net.rxcsum=, read at attach)?
 * Where it does, a frame whose checksum the NIC found right goes up with MBUF_F_L4_OK and the
 * transport does not sum it again; any other frame, a wrong sum included, is summed by the
 * stack as on a NIC without the offload, and its drop counted there.
 */
bool netdev_rx_csum_offload(void);

static inline int netdev_poll(struct netdev *nd, int budget)
{
	return nd->ops->poll(nd, budget);
}
/* Queue m (consumed either way): 0, counted once the driver took it, or the driver's error.
 * (The byte count comes back from the driver, so nothing of m stays live across the call.) */
static inline int netdev_xmit(struct netdev *nd, struct mbuf *m)
{
	int r = nd->ops->xmit(nd, m);
	if (r < 0)
		return r;
	nd->stats.tx_frames++;
	nd->stats.tx_bytes += (unsigned)r;
	return 0;
}
static inline void netdev_flush(struct netdev *nd)
{
	nd->ops->flush(nd);
}
static inline void netdev_irq_arm(struct netdev *nd)
{
	nd->ops->irq_arm(nd);
}
/* One poll pass: up to budget received frames, then one doorbell for every reply they queued
 * (net_poll on the stack's device; the main loop calls it on its own, inline). */
static inline int netdev_pass(struct netdev *nd, int budget)
{
	int n = netdev_poll(nd, budget);
	netdev_flush(nd);
	return n; /* the fused path's counters: added when read (net_stats, the stats service) */
}

static inline bool netdev_rx_pending(const struct netdev *nd)
{
	return nd->ops->rx_pending(nd);
}
