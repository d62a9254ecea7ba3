/*
 * The store service (protocol in app/store.h): a thin UDP front end over one shared region, so
 * every request exercises demand paging, dirty tracking and write-back of mm/region.c.
 */
#include <stdint.h>
#include "app/store.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"
#include "mm/region.h"
#include "net/net.h"

static uint16_t port = STORE_DEFAULT_PORT;
static uint8_t *base; /* the mapped region, STORE_BYTES long (fewer for a smaller store) */
static uint64_t size;
static struct store_stats stats;

int store_bootarg_port(const char *value)
{
	unsigned long long v;
	if (parse_u64(value, &v) || v == 0 || v > 65535)
		return -EINVAL;
	port = (uint16_t)v;
	return 0;
}

static const struct bootarg store_args[] = {
	{ "store.port", store_bootarg_port, "UDP port of the store service (default 7000)" },
};
const struct bootarg_table store_bootargs = { store_args, ARRAY_SIZE(store_args) };

const struct store_stats *store_stats(void)
{
	return &stats;
}

/* Next space-separated number from [*p, end); advances *p past one following space. */
static int take_number(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	char tok[24];
	size_t n = 0;
	unsigned long long v;
	while (*p < end && **p != ' ' && n < sizeof(tok) - 1)
		tok[n++] = (char)*(*p)++;
	tok[n] = 0;
	if (n == 0 || (*p < end && **p != ' ') || parse_u64(tok, &v))
		return -EINVAL;
	if (*p < end)
		(*p)++;
	*out = v;
	return 0;
}

/* Replace the payload of m with text and send it back. */
static void reply_text(struct mbuf *m, const struct udp_peer *peer, const char *fmt,
		       unsigned long long v)
{
	char buf[48];
	int n = ksnprintf(buf, sizeof(buf), fmt, v);
	mbuf_trim(m, 0);
	memcpy(mbuf_put(m, (size_t)n), buf, (size_t)n);
	udp_reply(m, peer);
}

static void reply_err(struct mbuf *m, const struct udp_peer *peer, const char *why)
{
	size_t n = strlen(why);
	if (strcmp(why, "io") == 0)
		stats.io_errors++;
	else
		stats.bad_request++;
	mbuf_trim(m, 0);
	memcpy(mbuf_put(m, 4), "ERR ", 4);
	memcpy(mbuf_put(m, n), why, n);
	udp_reply(m, peer);
}

static bool in_store(uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* The do_ functions reply and return NULL, or return the reason for an "ERR" reply. */
static const char *do_read(struct mbuf *m, const struct udp_peer *peer, const uint8_t *p,
			   const uint8_t *end)
{
	uint64_t off, len;
	if (take_number(&p, end, &off) || take_number(&p, end, &len) || p != end)
		return "syntax";
	if (len == 0 || len > UDP_PAYLOAD_MAX || !in_store(off, len))
		return "range";
	mbuf_trim(m, 0);
	if (mbuf_tailroom(m) < len)
		return "range";
	memcpy(mbuf_put(m, len), base + off, len); /* faults the pages in */
	stats.reads++;
	udp_reply(m, peer);
	return NULL;
}

static const char *do_write(struct mbuf *m, const struct udp_peer *peer, const uint8_t *p,
			    const uint8_t *end)
{
	uint64_t off, len;
	if (take_number(&p, end, &off) || p == end)
		return "syntax";
	len = (uint64_t)(end - p);
	if (!in_store(off, len))
		return "range";
	memcpy(base + off, p, len); /* the first store to each clean page faults: dirty */
	if (region_sync(base, size))
		return "io";
	stats.writes++;
	reply_text(m, peer, "OK %llu", len);
	return NULL;
}

static const char *do_count(struct mbuf *m, const struct udp_peer *peer)
{
	uint64_t v;
	memcpy(&v, base, sizeof(v)); /* little-endian: RISC-V and the host tools agree */
	v++;
	memcpy(base, &v, sizeof(v));
	if (region_sync(base, PAGE_SIZE))
		return "io";
	stats.counts++;
	reply_text(m, peer, "%llu", v);
	return NULL;
}

static void store_input(struct mbuf *m, const struct udp_peer *peer, void *arg)
{
	const uint8_t *p = m->data, *end = m->tail;
	const char *why = "syntax";
	(void)arg;
	stats.requests++;
	/* Tolerate the newline `nc -u` adds, except in W data, which is taken as it is. */
	if (p < end && p[0] != 'W' && end[-1] == '\n')
		end--;
	if (p < end && p[0] == 'C' && end - p == 1)
		why = do_count(m, peer);
	else if (end - p >= 2 && p[0] == 'R' && p[1] == ' ')
		why = do_read(m, peer, p + 2, end);
	else if (end - p >= 2 && p[0] == 'W' && p[1] == ' ')
		why = do_write(m, peer, p + 2, end);
	if (why)
		reply_err(m, peer, why);
}

int store_init(void)
{
	struct blkdev *bd = blkdev_first();
	void *addr;
	int err;
	if (!bd) {
		pr_warn("store: no block device; service off\n");
		return -ENODEV;
	}
	size = bd->nblocks * bd->block_size;
	if (size > STORE_BYTES)
		size = STORE_BYTES;
	err = region_map(bd, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED, &addr);
	if (err) {
		pr_err("store: cannot map %s: %s\n", bd->name, errname(err));
		return err;
	}
	base = addr;
	err = udp_bind(port, store_input, NULL);
	if (err) {
		pr_err("store: cannot bind UDP port %u: %s\n", port, errname(err));
		region_unmap(base, size);
		base = NULL;
		return err;
	}
	pr_info("store: %s bytes 0-%lu at %p, UDP port %u\n", bd->name, (unsigned long)size - 1,
		addr, port);
	return 0;
}
