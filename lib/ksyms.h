/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's symbol table (written by boot/tools/ksyms.py into .ksyms at link time): the
 * function an address falls in, for symbolized backtraces. Pure: built for the host tests too.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct ksym {
	const char *name; /* the function containing the address */
	uint64_t offset;  /* bytes into it */
	uint64_t link;	  /* the address as linked (what addr2line and GDB know) */
};

/*
 * Look up off (bytes from the image's start, _start) in the table at tab (len bytes). Returns
 * 0 and fills *out, or -ENOENT when the table is empty or malformed or off is before its first
 * function. Offsets past the last function resolve to it: the caller bounds them by _etext.
 */
int ksyms_lookup(const void *tab, size_t len, uint64_t off, struct ksym *out);

/* The table's link address of _start (0 when there is no table). */
uint64_t ksyms_link_start(const void *tab, size_t len);
