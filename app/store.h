/*
 * The store service: the first STORE_BYTES of one block device (store.dev=, default the RAM
 * store "ramblk0"; "nvme0n1" for the first NVMe disk) mapped shared, served over UDP (default
 * port 7000). One request per datagram, one reply:
 *   "R <off> <len>"   reply: the len bytes at off, raw (len <= 1472)
 *   "W <off> <data>"  data = every byte after the second space, raw; written then synced;
 *                     reply "OK <n>"
 *   "C"               add 1 to the little-endian 64-bit counter at offset 0, sync;
 *                     reply the new value in decimal
 * Numbers are decimal or 0x hex. A bad request (syntax, off/len beyond STORE_BYTES, too long)
 * gets "ERR <reason>" and is counted; a device error (a read that faults in no page, a
 * failed write or flush) gets "ERR io". "OK" and the counter's value are sent only after the
 * sync returned, i.e. once the bytes are on stable media (mm/region.h, region_sync).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define STORE_BYTES	   ((size_t)64 * 1024)
#define STORE_DEFAULT_PORT 7000
#define STORE_DEFAULT_DEV  "ramblk0"

struct blkdev;

struct store_stats {
	uint64_t requests, reads, writes, counts;
	uint64_t bad_request, io_errors;
};

/* Bootarg store.port=<1..65535>; 0 or -EINVAL. */
int store_bootarg_port(const char *value);
/* Bootarg store.dev=<block device name>; 0 or -EINVAL (empty or too long). */
int store_bootarg_dev(const char *value);
/* The device store.dev names (the store's, and the default of `bench`/`stress region`), or
 * NULL if there is none. */
struct blkdev *store_blkdev(void);
/* store.port= and store.dev= for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table store_bootargs;
/* Map the store and bind the port (app_init calls it once, after ramblk_init and net_init).
 * 0, -ENODEV (no device of that name), or the region_map / udp_bind error (logged). */
int store_init(void);
const struct store_stats *store_stats(void);
