/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store service: the first STORE_BYTES of one block device (store.dev=, default the RAM
 * store "ramblk0"; "nvme0n1" for the first NVMe disk) mapped shared, served over UDP. Off
 * unless the operator gives store.port=<port> (7000 is the customary one). One request per
 * datagram, one reply:
 *   "R <off> <len>"   reply: the len bytes at off, raw (len <= 1472)
 *   "W <off> <data>"  data = every byte after the second space, raw; written then synced;
 *                     reply "OK <n>"
 *   "C"               add 1 to the little-endian 64-bit counter at offset 0, sync;
 *                     reply the new value in decimal
 * Numbers are decimal digits, or 0x and hex digits: nothing else (no sign, suffix, space or NUL
 * inside). R and C end at the datagram's end or at a newline; whatever follows the newline is
 * padding. A reply is never longer than its request (no amplification towards a spoofed
 * source): a request too short for its reply gets "ERR pad" cut to the request's length, and
 * the client pads (tools/store.py does). A bad request (syntax, off/len beyond STORE_BYTES)
 * gets "ERR <reason>", also cut, and is counted; a device error (a read that faults in no page,
 * a failed write or flush) gets "ERR io". "OK" and the counter's value are sent only after the
 * sync returned, i.e. once the bytes are on stable media (mm/region.h, region_sync).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define STORE_BYTES	   ((size_t)64 * 1024)
#define STORE_DEFAULT_PORT 7000 /* customary; nothing listens unless store.port= is given */
#define STORE_READ_MAX	   1472 /* R's len: one UDP datagram without fragments */
#define STORE_DEFAULT_DEV  "ramblk0"

struct blkdev;

struct store_stats {
	uint64_t requests, reads, writes, counts;
	uint64_t bad_request, io_errors;
	uint64_t too_short; /* request shorter than its reply would be: "ERR pad" */
};

/* What the protocol works on: the mapped bytes and how to make them durable. */
struct store_backend {
	uint8_t *base;
	uint64_t size;
	int (*sync)(void *addr, size_t len); /* 0 or a negative error */
	struct store_stats *stats;
	/* Copy to or from base, where a device error may surface as a failed page fault: 0 or a
	 * negative error (mm/region.h region_copy). NULL: plain memory (host tests, fuzzing). */
	int (*copy)(void *dst, const void *src, size_t n);
};

/*
 * Serve the request in buf (n bytes) in place: the reply overwrites it and its length, at most
 * n, is returned (0: nothing to send, n == 0). Pure: no I/O besides be->base and be->sync.
 */
size_t store_handle(const struct store_backend *be, uint8_t *buf, size_t n);

/* Bootarg store.port=<1..65535>: enables the service; 0 or -EINVAL. */
int store_bootarg_port(const char *value);
/* Bootarg store.dev=<block device name>; 0 or -EINVAL (empty or too long). */
int store_bootarg_dev(const char *value);
/* The device store.dev names (the store's, and the default of `bench`/`stress region`), or
 * NULL if there is none. */
struct blkdev *store_blkdev(void);
/* store.port= and store.dev= for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table store_bootargs;
/* Map the store and bind the port if store.port= was given (app_init calls it once, after
 * ramblk_init and net_init). 0 (also when off), -ENODEV (no device of that name), or the region_map /
 * udp_bind error (logged). */
int store_init(void);
const struct store_stats *store_stats(void);
