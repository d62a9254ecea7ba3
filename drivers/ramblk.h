/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RAM block store: a struct blkdev over a range of physical memory (identity-mapped), either
 * given by the bootarg ramblk=<addr>,<size> (so QEMU can preload it with
 * -device loader,file=...,addr=<addr> and the host can read it back from a memory dump) or
 * allocated zeroed at boot. Block size RAMBLK_BLOCK_SIZE.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "mm/blkdev.h"

#define RAMBLK_BLOCK_SIZE 512

struct ramblk {
	struct blkdev bd; /* first: the ops get back to the ramblk from the blkdev */
	uint8_t *base;	  /* kernel virtual (== physical) address of block 0 */
	uint64_t size;	  /* bytes, a multiple of RAMBLK_BLOCK_SIZE */
};

/*
 * Bootarg handler for ramblk=<addr>,<size>: addr page-aligned, size a non-zero multiple of
 * RAMBLK_BLOCK_SIZE (k/M/G suffixes allowed), no wrap-around. 0 or -EINVAL (the default, an
 * allocated store, then stays).
 */
int ramblk_bootarg(const char *v);
/* ramblk= for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table ramblk_bootargs;
/*
 * Take the store's memory. Boot calls this after adding RAM and reserving what is in use
 * (firmware, image, device tree) and before anything else allocates. The ramblk= range is
 * reserved if page_check_free finds it all free RAM; else the error names what is in the way
 * (reserved memory, the kernel image, the device tree, no RAM there) and the store falls back
 * to the default: CONFIG_RAMBLK_DEFAULT_SIZE of zeroed contiguous frames. 0, or -ENOMEM when
 * no such run is free (too little RAM).
 */
int ramblk_claim(void);
/* Create the boot store over what ramblk_claim took and register it. 0, -ENOMEM (nothing was
 * claimed), or the register error. */
int ramblk_init(void);
/* The boot store once ramblk_init succeeded, else NULL. */
struct blkdev *ramblk_dev(void);

/*
 * Fill rb as a store of size bytes at base (any memory the kernel can address; host tests use
 * a heap buffer). Does not register. 0, or -EINVAL for a NULL base or a bad size.
 */
int ramblk_setup(struct ramblk *rb, const char *name, void *base, uint64_t size, bool read_only);
