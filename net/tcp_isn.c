/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Initial sequence numbers (RFC 6528) and SYN cookies, keyed with SipHash-2-4. The secrets are
 * made at the first use from what the stack has seen by then (boot time, the MAC, arrival
 * times of segments stirred in by tcp_stir): there is no RNG device to ask.
 */
#include "net/tcp.h"
#include "lib/siphash.h"

/* SYN cookies: a counter of 64-second periods, a cookie valid in the period it was made and the
 * next; the MSS is one of eight values (3 bits). */
#define COOKIE_PERIOD_NS (64 * NSEC_PER_SEC)

static const uint16_t cookie_mss[8] = { 536, 1024, 1200, 1300, 1380, 1400, 1440, 1460 };

/* Secrets for ISNs, SYN cookies and the connection hash. */
static struct {
	uint64_t pool;
	bool keyed;
	struct siphash_key isn, cookie;
	uint32_t hash_salt;
} secret;

void tcp_stir(uint64_t x)
{
	secret.pool = (secret.pool << 7 | secret.pool >> 57) ^ x;
}

/* One 64-bit secret from the key material k and the pool, for use i. */
static uint64_t derive(const struct siphash_key *k, uint64_t i)
{
	uint64_t w[2] = { i, secret.pool };
	return siphash24(k, w, sizeof(w));
}

static void key_once(void)
{
	struct siphash_key k;
	if (secret.keyed)
		return;
	tcp_stir(clock_ns());
	if (net_dev())
		tcp_stir((uint64_t)net_dev()->mac[5] << 40 | (uint64_t)net_dev()->mac[4] << 32 |
			 net_dev()->mac[3]);
	k.k0 = secret.pool;
	k.k1 = clock_ns() ^ 0x5443502d6b657973ull; /* "TCP-keys" */
	secret.isn = (struct siphash_key){ derive(&k, 0), derive(&k, 1) };
	secret.cookie = (struct siphash_key){ derive(&k, 2), derive(&k, 3) };
	secret.hash_salt = (uint32_t)derive(&k, 4);
	secret.keyed = true;
}

/* The 4-tuple (and extras) as a message for SipHash. */
static uint64_t tuple_hash(const struct siphash_key *k, uint32_t lip, uint16_t lport, uint32_t rip,
			   uint16_t rport, uint32_t x, uint32_t y)
{
	uint32_t msg[5] = { lip, rip, (uint32_t)lport << 16 | rport, x, y };
	return siphash24(k, msg, sizeof(msg));
}

/* RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock. */
uint32_t tcp_isn(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	key_once();
	return (uint32_t)(clock_ns() / 4000) +
	       (uint32_t)tuple_hash(&secret.isn, lip, lport, rip, rport, 0, 0);
}

static uint32_t cookie_hash(const struct tcp_seg *s, uint32_t irs, uint32_t period)
{
	return (uint32_t)tuple_hash(&secret.cookie, s->dst, s->dport, s->src, s->sport, irs,
				    period) &
	       0xffffff;
}

/*
 * A SYN cookie (after Bernstein): 5 bits of the period counter, 3 bits of MSS index, 24 bits of
 * keyed hash over the 4-tuple, the peer's ISN and the period. s is the SYN.
 */
uint32_t tcp_cookie_make(const struct tcp_seg *s, uint16_t mss)
{
	uint32_t period = (uint32_t)(clock_ns() / COOKIE_PERIOD_NS), idx = 0;
	key_once();
	for (uint32_t i = 0; i < 8; i++)
		if (cookie_mss[i] <= mss)
			idx = i;
	return (period & 31) << 27 | idx << 24 | cookie_hash(s, s->seq, period);
}

/* s is the ACK completing the handshake: its ack - 1 is the cookie, its seq - 1 the peer's ISN. */
uint16_t tcp_cookie_check(const struct tcp_seg *s)
{
	uint32_t cookie = s->ack - 1, now = (uint32_t)(clock_ns() / COOKIE_PERIOD_NS);
	key_once();
	for (uint32_t age = 0; age < 2 && age <= now; age++) {
		uint32_t period = now - age;
		if ((period & 31) != cookie >> 27)
			continue;
		if (cookie_hash(s, s->seq - 1, period) == (cookie & 0xffffff))
			return cookie_mss[(cookie >> 24) & 7];
	}
	return 0;
}

uint32_t tcp_hash_salt(void)
{
	key_once();
	return secret.hash_salt;
}
