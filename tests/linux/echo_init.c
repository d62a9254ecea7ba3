/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /init of the Linux comparison guest (tests/linux/): the same UDP and TCP echo on port 7 as
 * our unikernel, so `tests/bench.py --other` measures both on the same QEMU. TCP is served by a
 * child process (poll over non-blocking sockets), UDP by PID 1 itself.
 *
 * Host program, not kernel code: built with riscv64-linux-gnu-gcc -static -O2 against glibc.
 * It configures eth0 statically (10.0.2.15/24, default route via 10.0.2.2, as QEMU user
 * networking expects), then echoes with recvfrom/sendto (see echo_simple for why not the
 * batched recvmmsg/sendmmsg, which the kernel command line word echo_mode=mmsg selects).
 * As PID 1 it must never exit (the kernel panics), so a setup failure is reported and
 * followed by an endless sleep.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECHO_PORT	7
#define IFNAME		"eth0"
#define ADDR		"10.0.2.15"
#define NETMASK		"255.255.255.0"
#define GATEWAY		"10.0.2.2"
#define BATCH		64
#define DGRAM_MAX	2048	/* > 1472: the largest datagram bench.py sends without fragments */

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void hang(void)
{
	/* PID 1 must not return: sleep forever so the console message stays readable. */
	for (;;)
		pause();
}

static void set_sin(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static int if_ioctl(int fd, unsigned long req, struct ifreq *ifr, const char *what)
{
	strncpy(ifr->ifr_name, IFNAME, IFNAMSIZ - 1);
	if (ioctl(fd, req, ifr) < 0) {
		say("linux-echo: %s on %s: %s\n", what, IFNAME, strerror(errno));
		return -1;
	}
	return 0;
}

static int net_up(void)
{
	struct ifreq ifr;
	struct rtentry rt;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		say("linux-echo: socket: %s\n", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	set_sin(&ifr.ifr_addr, ADDR);
	if (if_ioctl(fd, SIOCSIFADDR, &ifr, "SIOCSIFADDR"))
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	set_sin(&ifr.ifr_netmask, NETMASK);
	if (if_ioctl(fd, SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK"))
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(fd, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS"))
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (if_ioctl(fd, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS"))
		goto fail;

	memset(&rt, 0, sizeof(rt));
	set_sin(&rt.rt_dst, "0.0.0.0");
	set_sin(&rt.rt_genmask, "0.0.0.0");
	set_sin(&rt.rt_gateway, GATEWAY);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = (char *)IFNAME;
	if (ioctl(fd, SIOCADDRT, &rt) < 0) {
		say("linux-echo: SIOCADDRT: %s\n", strerror(errno));
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

/*
 * Instructions per datagram, for comparison with our guest's instr/dgram: under QEMU
 * -icount shift=0 the instret CSR counts guest instructions (kernel and user, since boot).
 * Linux 6.1 lets user mode read it (scounteren.IR) and OpenSBI delegates it, but guard with a
 * SIGILL probe anyway: a trap here would kill PID 1 and panic the kernel.
 */
static sigjmp_buf probe_env;
static int have_instret;

static void on_sigill(int sig)
{
	(void)sig;
	siglongjmp(probe_env, 1);
}

static unsigned long read_instret(void)
{
	unsigned long v = 0;

	if (have_instret)
		__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static void probe_instret(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigill;
	sigaction(SIGILL, &sa, &old);
	if (sigsetjmp(probe_env, 1) == 0) {
		have_instret = 1;
		(void)read_instret();
	} else {
		have_instret = 0;
	}
	sigaction(SIGILL, &old, NULL);
}

/*
 * After each burst of traffic followed by 1 s of silence, one console line with the burst's
 * datagram count and instret delta. An idle hart still advances instret under -icount (the
 * clock warps), so the delta is scaled by the busy share of the CPU ticks in /proc/stat:
 * tick sampling at HZ, hence approximate, but over a burst of seconds good to a few percent.
 */
static unsigned long burst_dgrams, burst_instret0, burst_busy0, burst_total0;

static void cpu_ticks(unsigned long *busy, unsigned long *total)
{
	unsigned long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int i;

	*busy = *total = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %lu %lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &v[6], &v[7]) == 8) {
		for (i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];	/* minus idle and iowait */
	}
	fclose(f);
}

static void burst_count(int n)
{
	if (burst_dgrams == 0) {
		cpu_ticks(&burst_busy0, &burst_total0);
		burst_instret0 = read_instret();
	}
	burst_dgrams += (unsigned long)n;
}

static void burst_report(void)
{
	unsigned long d, busy, total;
	double share;

	if (burst_dgrams == 0)
		return;
	d = read_instret() - burst_instret0;
	cpu_ticks(&busy, &total);
	busy -= burst_busy0;
	total -= burst_total0;
	/* The report itself comes 1 s after the last datagram: that second is idle time. */
	share = total ? (double)busy / (double)total : 0.0;
	say("linux-echo: burst of %lu datagrams, %lu instret, busy %.1f%% of %lu ticks, "
	    "%.0f busy instret/dgram (meaningful under -icount)\n", burst_dgrams, d,
	    share * 100.0, total, share * (double)d / (double)burst_dgrams);
	burst_dgrams = 0;
}

static char bufs[BATCH][DGRAM_MAX];
static struct sockaddr_in peers[BATCH];
static struct iovec iovs[BATCH];
static struct mmsghdr msgs[BATCH];

/*
 * Batched echo: two system calls per burst. Not the default on QEMU 7.2 (see echo_simple).
 */
static void echo_mmsg(int fd)
{
	for (;;) {
		int i, n, sent;

		for (i = 0; i < BATCH; i++) {
			iovs[i].iov_base = bufs[i];
			iovs[i].iov_len = DGRAM_MAX;
			msgs[i].msg_hdr.msg_name = &peers[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(peers[i]);
			msgs[i].msg_hdr.msg_iov = &iovs[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = NULL;
			msgs[i].msg_hdr.msg_controllen = 0;
			msgs[i].msg_hdr.msg_flags = 0;
		}
		/* Block for the first datagram, then take whatever else is already queued. */
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				burst_report();	/* SO_RCVTIMEO: 1 s without traffic */
			else if (errno != EINTR)
				say("linux-echo: recvmmsg: %s\n", strerror(errno));
			continue;
		}
		burst_count(n);
		for (i = 0; i < n; i++)
			iovs[i].iov_len = msgs[i].msg_len;	/* reply with exactly what came */
		for (sent = 0; sent < n;) {
			int r = sendmmsg(fd, msgs + sent, n - sent, 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				/* Drop the rest of the batch, as a full queue would: UDP. */
				break;
			}
			sent += r;
		}
	}
}

/*
 * One recvfrom and one sendto per datagram. On QEMU 7.2 TCG every toggle of sstatus.SUM
 * (Linux does one around each user copy, get_user and put_user) flushes the whole soft TLB, and
 * recvmmsg/sendmmsg make about twice as many user accesses per datagram as recvfrom/sendto
 * (msghdr, iovec, name length, msg_len), so this plain loop is the faster echo there.
 */
static void echo_simple(int fd)
{
	static char buf[DGRAM_MAX];

	for (;;) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				burst_report();	/* SO_RCVTIMEO: 1 s without traffic */
			else if (errno != EINTR)
				say("linux-echo: recvfrom: %s\n", strerror(errno));
			continue;
		}
		burst_count(1);
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
	}
}

/*
 * TCP echo on port 7, in a child process: poll over the listening socket and up to TCP_CONNS
 * connections. Each connection echoes what it reads; bytes the socket would not take yet wait
 * in its buffer, and the connection is not read again until they are gone (as our guest's
 * echo: a peer that does not read sees the window close). After each burst and 1 s of silence,
 * one console line: instret over the burst times the busy share of /proc/stat's ticks, divided
 * by the TCP segments in and out (/proc/net/snmp), for `make bench-linux`.
 */
#define TCP_CONNS 256
#define TCP_BUF	  65536

static struct tcp_slot {
	int fd;
	size_t have, off; /* bytes read and not yet written: buf[off, have) */
	char buf[TCP_BUF];
} tcp_slots[TCP_CONNS];

static void tcp_segs(unsigned long *in, unsigned long *out)
{
	char line[512];
	FILE *f = fopen("/proc/net/snmp", "r");
	int hdr = 0;

	*in = *out = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long v[10];

		if (strncmp(line, "Tcp:", 4) != 0)
			continue;
		if (!hdr++)
			continue; /* the names; the numbers follow */
		if (sscanf(line, "Tcp: %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10) {
			*in = v[8]; /* InSegs */
			*out = v[9]; /* OutSegs */
		}
	}
	fclose(f);
}

static void tcp_report(int *active, unsigned long *i0, unsigned long *b0, unsigned long *t0,
		       unsigned long *s0)
{
	unsigned long in, out, busy, total, d;
	double share;

	if (!*active)
		return;
	d = read_instret() - *i0;
	cpu_ticks(&busy, &total);
	tcp_segs(&in, &out);
	busy -= *b0;
	total -= *t0;
	in += out;
	in -= *s0;
	share = total ? (double)busy / (double)total : 0.0;
	if (in)
		say("linux-echo: tcp burst of %lu segments, %.0f busy instret/segment "
		    "(meaningful under -icount)\n", in, share * (double)d / (double)in);
	*active = 0;
}

static void tcp_serve(struct tcp_slot *c)
{
	for (;;) {
		ssize_t n;

		while (c->off < c->have) {
			n = write(c->fd, c->buf + c->off, c->have - c->off);
			if (n < 0)
				return; /* EAGAIN: poll for POLLOUT; errors show up as POLLERR */
			c->off += (size_t)n;
		}
		c->off = c->have = 0;
		n = read(c->fd, c->buf, sizeof(c->buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			close(c->fd); /* the peer is done (or gone): so are we */
			c->fd = -1;
			return;
		}
		if (n < 0)
			return;
		c->have = (size_t)n;
	}
}

static void tcp_echo(void)
{
	static struct pollfd pfd[TCP_CONNS + 1];
	struct sockaddr_in sin;
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1, active = 0;
	unsigned long i0 = 0, b0 = 0, t0 = 0, s0 = 0;

	if (lfd < 0) {
		say("linux-echo: tcp socket: %s\n", strerror(errno));
		hang();
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ECHO_PORT);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(lfd, 128) < 0) {
		say("linux-echo: tcp bind/listen: %s\n", strerror(errno));
		hang();
	}
	for (int i = 0; i < TCP_CONNS; i++)
		tcp_slots[i].fd = -1;
	say("linux-echo: serving TCP port %d on %s\n", ECHO_PORT, ADDR);
	for (;;) {
		int n = 0, r;

		pfd[n].fd = lfd;
		pfd[n++].events = POLLIN;
		for (int i = 0; i < TCP_CONNS; i++) {
			if (tcp_slots[i].fd < 0)
				continue;
			pfd[n].fd = tcp_slots[i].fd;
			pfd[n++].events = tcp_slots[i].off < tcp_slots[i].have ? POLLOUT : POLLIN;
		}
		r = poll(pfd, (nfds_t)n, 1000);
		if (r == 0) {
			tcp_report(&active, &i0, &b0, &t0, &s0);
			continue;
		}
		if (r < 0)
			continue;
		if (!active) {
			unsigned long in, out;

			active = 1;
			i0 = read_instret();
			cpu_ticks(&b0, &t0);
			tcp_segs(&in, &out);
			s0 = in + out;
		}
		if (pfd[0].revents & POLLIN) {
			int fd;

			while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				int i;

				for (i = 0; i < TCP_CONNS && tcp_slots[i].fd >= 0; i++)
					;
				if (i == TCP_CONNS) {
					close(fd);
					continue;
				}
				tcp_slots[i].fd = fd;
				tcp_slots[i].have = tcp_slots[i].off = 0;
			}
		}
		for (int i = 0; i < TCP_CONNS; i++) {
			struct tcp_slot *c = &tcp_slots[i];

			if (c->fd >= 0)
				tcp_serve(c); /* cheap when nothing is ready: EAGAIN at once */
		}
	}
}

int main(void)
{
	struct sockaddr_in sin;
	struct timeval idle = { .tv_sec = 1 };
	int fd, one = 1, bufsz = 1 << 20, mmsg;
	const char *mode;

	/* The kernel opened /dev/console from the initramfs for us; be safe if it could not. */
	if (fcntl(1, F_GETFD) < 0) {
		int c = open("/dev/console", O_RDWR);

		if (c >= 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
		}
	}
	if (net_up())
		hang();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		say("linux-echo: socket: %s\n", strerror(errno));
		hang();
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/*
	 * Room for a full window of 128 x 1472-byte datagrams, as the bench client uses; the
	 * default (rmem_max, ~208 KiB) holds fewer. PID 1 is root, so the FORCE variants work.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ECHO_PORT);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		say("linux-echo: bind: %s\n", strerror(errno));
		hang();
	}
	probe_instret();
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);	/* /proc/stat and /proc/net/snmp only */
	if (fork() == 0)
		tcp_echo();	/* never returns */
	/* Kernel command line words the kernel does not know reach PID 1 as its environment. */
	mode = getenv("echo_mode");
	mmsg = mode && strcmp(mode, "mmsg") == 0;
	say("linux-echo: serving UDP port %d on %s (%s)\n", ECHO_PORT, ADDR,
	    mmsg ? "recvmmsg/sendmmsg" : "recvfrom/sendto");
	if (mmsg)
		echo_mmsg(fd);
	echo_simple(fd);
	return 0;
}
