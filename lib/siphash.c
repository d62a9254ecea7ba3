/* SPDX-License-Identifier: BSD-2-Clause */
/* SipHash-2-4, after the specification (https://131002.net/siphash/siphash.pdf, section 2). */
#include "lib/siphash.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return x << b | x >> (64 - b);
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13) ^ s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17) ^ s->v2;
	s->v2 = rotl(s->v2, 32);
}

/* Two compression rounds per 8-byte word (the "2" of SipHash-2-4). */
static void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

/* Little-endian load of n <= 8 bytes, byte by byte: p may have any alignment. */
static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)p[i] << (8 * i);
	return m;
}

uint64_t siphash24(const struct siphash_key *key, const void *p, size_t len)
{
	const uint8_t *b = p;
	struct sip_state s = {
		key->k0 ^ 0x736f6d6570736575ull,
		key->k1 ^ 0x646f72616e646f6dull,
		key->k0 ^ 0x6c7967656e657261ull,
		key->k1 ^ 0x7465646279746573ull,
	};
	size_t left = len;
	for (; left >= 8; left -= 8, b += 8)
		sip_compress(&s, load_le(b, 8));
	/* The last word: the remaining bytes, and the length's low byte on top. */
	sip_compress(&s, load_le(b, left) | (uint64_t)(len & 0xff) << 56);
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++) /* four finalization rounds (the "4") */
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
