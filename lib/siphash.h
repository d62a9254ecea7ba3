/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit pseudorandom function for short
 * inputs. TCP uses it for initial sequence numbers (RFC 6528) and SYN cookies, where an
 * off-path attacker must not be able to predict the value.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t k0, k1;
};

/* SipHash-2-4 of len bytes at p under key (the reference implementation's byte order). */
uint64_t siphash24(const struct siphash_key *key, const void *p, size_t len);
