/*
 * The store service: the first STORE_BYTES of the boot block store mapped shared, served over
 * UDP (default port 7000). One request per datagram, one reply:
 *   "R <off> <len>"   reply: the len bytes at off, raw (len <= 1472)
 *   "W <off> <data>"  data = every byte after the second space, raw; written then synced;
 *                     reply "OK <n>"
 *   "C"               add 1 to the little-endian 64-bit counter at offset 0, sync;
 *                     reply the new value in decimal
 * Numbers are decimal or 0x hex. A bad request (syntax, off/len beyond STORE_BYTES, too long)
 * gets "ERR <reason>" and is counted; a failed sync gets "ERR io".
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define STORE_BYTES	   ((size_t)64 * 1024)
#define STORE_DEFAULT_PORT 7000

struct store_stats {
	uint64_t requests, reads, writes, counts;
	uint64_t bad_request, io_errors;
};

/* Bootarg store.port=<1..65535>; 0 or -EINVAL. */
int store_bootarg_port(const char *value);
/* store.port= for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table store_bootargs;
/* Map the store and bind the port (app_init calls it once, after ramblk_init and net_init).
 * 0, -ENODEV (no block device), or the region_map / udp_bind error (logged). */
int store_init(void);
const struct store_stats *store_stats(void);
