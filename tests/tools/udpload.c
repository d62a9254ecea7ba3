/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udpload: UDP echo load generator and checker (host tool, built by tests/bench.py).
 *
 * Client: keeps W datagrams of S bytes in flight to HOST:PORT until N datagrams were sent or
 * T seconds passed, checks every reply byte for byte (sequence number + pattern), and prints
 * one JSON line: counts, datagrams/s, and RTT percentiles (meaningful as latency with W=1).
 * A datagram not answered within the timeout is counted lost and replaced, so the window
 * stays full; a reply arriving after that is counted "late", one never sent "unexpected".
 *
 * Server: --server PORT echoes every datagram on 127.0.0.1:PORT back to its sender, to show
 * that the generator itself is not the bottleneck. Runs for -t seconds (default: forever).
 *
 *   udpload [-H 127.0.0.1] -p PORT [-w 32] [-s 64] [-n 10000] [-t 0] [-T 200] [-r RUNID]
 *   udpload --server PORT [-t SECONDS]
 *
 * Exit status: 0 when every reply was intact, 1 when any was corrupt, 2 on usage/socket errors.
 * Payload: bytes 0-7 sequence number (little endian), 8-11 run id, the rest pattern(seq, i).
 * Sizes below 12 bytes carry only the part of that header that fits (S >= 8 required).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DGRAM 65536
#define BATCH     64

struct slot {
	uint64_t seq; /* UINT64_MAX: free */
	uint64_t sent_ns;
};

struct opts {
	const char *host;
	int port, window, size, server_port;
	uint64_t count;
	double seconds;
	int timeout_ms;
	uint32_t run_id;
};

struct result {
	uint64_t sent, received, lost, corrupt, late, unexpected;
	uint64_t *rtt_ns; /* one per intact reply */
	uint64_t nrtt, cap_rtt;
	uint64_t last_ns; /* time of the last intact reply */
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint8_t pattern(uint64_t seq, size_t i)
{
	return (uint8_t)(seq * 131u + i * 7u + (i >> 8));
}

static void fill(uint8_t *buf, size_t size, uint64_t seq, uint32_t run_id)
{
	uint8_t hdr[12];
	size_t i;

	memcpy(hdr, &seq, 8); /* x86-64 host: little endian */
	memcpy(hdr + 8, &run_id, 4);
	for (i = 0; i < size; i++)
		buf[i] = i < sizeof(hdr) ? hdr[i] : pattern(seq, i);
}

/* Intact: the exact bytes fill() produced for that sequence number. */
static int check(const uint8_t *buf, size_t len, size_t size, uint32_t run_id, uint64_t *seq)
{
	uint8_t want[MAX_DGRAM];

	if (len != size || len < 8)
		return -1;
	memcpy(seq, buf, 8);
	fill(want, size, *seq, run_id);
	return memcmp(want, buf, size) ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpload [-H host] -p port [-w window] [-s size] [-n count] "
			"[-t seconds] [-T timeout_ms] [-r run_id]\n"
			"       udpload --server port [-t seconds]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->window = 32;
	o->size = 64;
	o->timeout_ms = 200;
	o->run_id = (uint32_t)getpid() ^ (uint32_t)now_ns();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (!strcmp(a, "--server"))
			o->server_port = atoi(v);
		else if (!strcmp(a, "-H"))
			o->host = v;
		else if (!strcmp(a, "-p"))
			o->port = atoi(v);
		else if (!strcmp(a, "-w"))
			o->window = atoi(v);
		else if (!strcmp(a, "-s"))
			o->size = atoi(v);
		else if (!strcmp(a, "-n"))
			o->count = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-t"))
			o->seconds = atof(v);
		else if (!strcmp(a, "-T"))
			o->timeout_ms = atoi(v);
		else if (!strcmp(a, "-r"))
			o->run_id = (uint32_t)strtoul(v, NULL, 0);
		else
			usage();
		i++;
	}
	if (o->server_port)
		return;
	if (o->port <= 0 || o->window < 1 || o->size < 8 || o->size > 65507)
		usage();
	if (!o->count && o->seconds <= 0)
		o->count = 10000;
}

static int open_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int sz = 4 << 20;

	if (fd < 0) {
		perror("socket");
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	return fd;
}

static int run_server(const struct opts *o)
{
	static uint8_t bufs[BATCH][MAX_DGRAM];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH], sa = { .sin_family = AF_INET };
	uint64_t end = o->seconds > 0 ? now_ns() + (uint64_t)(o->seconds * 1e9) : UINT64_MAX;
	uint64_t echoed = 0;
	int fd = open_socket(), i, n;

	sa.sin_port = htons((uint16_t)o->server_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("bind");
		return 2;
	}
	printf("{\"mode\": \"server\", \"port\": %d}\n", o->server_port);
	fflush(stdout);
	while (now_ns() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		for (i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], MAX_DGRAM };
			msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							   .msg_namelen = sizeof(from[i]),
							   .msg_iov = &iov[i],
							   .msg_iovlen = 1 };
		}
		n = recvmmsg(fd, msgs, BATCH, 0, NULL);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		/* A full host socket buffer just drops, as a real network would. */
		if (sendmmsg(fd, msgs, (unsigned)n, 0) > 0)
			echoed += (uint64_t)n;
	}
	printf("{\"mode\": \"server\", \"echoed\": %llu}\n", (unsigned long long)echoed);
	close(fd);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double pct_us(const struct result *r, double p)
{
	uint64_t i;

	if (!r->nrtt)
		return -1;
	i = (uint64_t)(p / 100.0 * (double)(r->nrtt - 1) + 0.5);
	return (double)r->rtt_ns[i] / 1000.0;
}

/* Receive every reply already queued; returns how many window slots were freed. */
static int drain(int fd, const struct opts *o, struct slot *slots, uint64_t cap, struct result *r)
{
	static uint8_t bufs[BATCH][MAX_DGRAM];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int freed = 0, i, n;

	for (;;) {
		for (i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], MAX_DGRAM };
			msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return freed;
		uint64_t t = now_ns();
		for (i = 0; i < n; i++) {
			uint64_t seq = 0;
			struct slot *s;
			if (check(bufs[i], msgs[i].msg_len, (size_t)o->size, o->run_id, &seq)) {
				r->corrupt++;
				continue;
			}
			if (seq >= r->sent) {
				r->unexpected++;
				continue;
			}
			s = &slots[seq % cap];
			if (s->seq != seq) {
				r->late++; /* already given up on (or a duplicate) */
				continue;
			}
			r->received++;
			r->last_ns = t;
			if (r->nrtt < r->cap_rtt)
				r->rtt_ns[r->nrtt++] = t - s->sent_ns;
			s->seq = UINT64_MAX;
			freed++;
		}
	}
}

/* Give up on datagrams older than the timeout; returns how many slots were freed. */
static int expire(const struct opts *o, struct slot *slots, uint64_t cap, uint64_t oldest,
		  struct result *r, uint64_t t)
{
	uint64_t limit = (uint64_t)o->timeout_ms * 1000000ull, seq;
	int freed = 0;

	for (seq = oldest; seq < r->sent; seq++) {
		struct slot *s = &slots[seq % cap];
		if (s->seq != seq)
			continue;
		if (t - s->sent_ns < limit)
			break; /* sent in order: everything after is younger */
		s->seq = UINT64_MAX;
		r->lost++;
		freed++;
	}
	return freed;
}

static int run_client(const struct opts *o)
{
	static uint8_t buf[MAX_DGRAM];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct result r = { 0 };
	uint64_t cap = 1, oldest = 0, t0, t, end, last_expire = 0;
	int fd = open_socket(), inflight = 0;
	struct slot *slots;

	while (cap < (uint64_t)o->window * 4)
		cap <<= 1;
	/* Slots are reused only after a whole cap of newer sends: never while still awaited. */
	cap = cap < 65536 ? 65536 : cap;
	slots = malloc(cap * sizeof(*slots));
	r.cap_rtt = o->count ? o->count : 20000000;
	r.rtt_ns = malloc(r.cap_rtt * sizeof(uint64_t));
	if (!slots || !r.rtt_ns)
		return 2;
	memset(slots, 0xff, cap * sizeof(*slots));
	sa.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("connect");
		return 2;
	}
	t0 = now_ns();
	end = o->seconds > 0 ? t0 + (uint64_t)(o->seconds * 1e9) : UINT64_MAX;
	for (;;) {
		t = now_ns();
		while (inflight < o->window && t < end && (!o->count || r.sent < o->count)) {
			fill(buf, (size_t)o->size, r.sent, o->run_id);
			if (send(fd, buf, (size_t)o->size, 0) < 0) {
				if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED)
					break; /* try again after draining */
				perror("send");
				return 2;
			}
			slots[r.sent % cap] = (struct slot){ r.sent, t };
			r.sent++;
			inflight++;
		}
		if (!inflight && (t >= end || (o->count && r.sent >= o->count)))
			break;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		poll(&p, 1, 1);
		inflight -= drain(fd, o, slots, cap, &r);
		t = now_ns();
		if (t - last_expire > 1000000ull) { /* scan at most once a millisecond */
			inflight -= expire(o, slots, cap, oldest, &r, t);
			while (oldest < r.sent && slots[oldest % cap].seq != oldest)
				oldest++;
			last_expire = t;
		}
	}
	/* Throughput counts until the last reply, not the final wait for lost ones. */
	t = r.last_ns ? r.last_ns : now_ns();
	double secs = (double)(t - t0) / 1e9;
	qsort(r.rtt_ns, r.nrtt, sizeof(uint64_t), cmp_u64);
	printf("{\"mode\": \"client\", \"size\": %d, \"window\": %d, \"sent\": %llu, "
	       "\"received\": %llu, \"lost\": %llu, \"corrupt\": %llu, \"late\": %llu, "
	       "\"unexpected\": %llu, \"elapsed_s\": %.6f, \"pps\": %.1f, \"mbps\": %.3f, "
	       "\"rtt_us\": {\"min\": %.1f, \"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, "
	       "\"max\": %.1f}}\n",
	       o->size, o->window, (unsigned long long)r.sent, (unsigned long long)r.received,
	       (unsigned long long)r.lost, (unsigned long long)r.corrupt,
	       (unsigned long long)r.late, (unsigned long long)r.unexpected, secs,
	       (double)r.received / secs, (double)r.received * o->size * 8 / secs / 1e6,
	       pct_us(&r, 0), pct_us(&r, 50), pct_us(&r, 90), pct_us(&r, 99), pct_us(&r, 100));
	close(fd);
	free(slots);
	free(r.rtt_ns);
	return r.corrupt || r.unexpected ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	parse(argc, argv, &o);
	return o.server_port ? run_server(&o) : run_client(&o);
}
