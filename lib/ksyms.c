/* SPDX-License-Identifier: BSD-2-Clause */
/* Symbol lookup in the .ksyms table (lib/ksyms.h; the format is boot/tools/ksyms.py's). */
#include <stdint.h>
#include "lib/errno.h"
#include "lib/ksyms.h"
#include "lib/string.h"

#define KSYMS_MAGIC 0x4D59534Bu /* "KSYM" */

struct ksyms_hdr {
	uint32_t magic, count;
	uint64_t link_start;
};
struct ksyms_entry {
	uint32_t off, name;
};
_Static_assert(sizeof(struct ksyms_hdr) == 16, "ksyms header");
_Static_assert(sizeof(struct ksyms_entry) == 8, "ksyms entry");

/* The header if the table is well formed: entries and a NUL-terminated string area fit. */
static const struct ksyms_hdr *header(const void *tab, size_t len)
{
	const struct ksyms_hdr *h = tab;
	if (!tab || len < sizeof(*h) || h->magic != KSYMS_MAGIC || h->count == 0 ||
	    h->count > (len - sizeof(*h)) / sizeof(struct ksyms_entry))
		return NULL;
	return h;
}

uint64_t ksyms_link_start(const void *tab, size_t len)
{
	const struct ksyms_hdr *h = header(tab, len);
	return h ? h->link_start : 0;
}

int ksyms_lookup(const void *tab, size_t len, uint64_t off, struct ksym *out)
{
	const struct ksyms_hdr *h = header(tab, len);
	const struct ksyms_entry *e;
	const char *names;
	size_t names_len, lo = 0, hi;
	if (!h)
		return -ENOENT;
	e = (const struct ksyms_entry *)(h + 1);
	names = (const char *)(e + h->count);
	names_len = len - sizeof(*h) - h->count * sizeof(*e);
	if (off < e[0].off)
		return -ENOENT;
	/* the last entry whose offset is <= off */
	hi = h->count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (e[lo].name >= names_len ||
	    strnlen(names + e[lo].name, names_len - e[lo].name) == names_len - e[lo].name)
		return -ENOENT; /* the name runs off the table */
	out->name = names + e[lo].name;
	out->offset = off - e[lo].off;
	out->link = h->link_start + off;
	return 0;
}
