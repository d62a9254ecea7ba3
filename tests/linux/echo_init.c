// SPDX-License-Identifier: MIT
/*
 * /init of the Linux comparison guest (tests/linux/): the same UDP echo on port 7 as our
 * unikernel, so `tests/bench.py --other` measures both on the same QEMU.
 *
 * Host program, not kernel code: built with riscv64-linux-gnu-gcc -static -O2 against glibc.
 * It configures eth0 statically (10.0.2.15/24, default route via 10.0.2.2, as QEMU user
 * networking expects), then echoes with recvmmsg/sendmmsg so a burst of queued datagrams costs
 * two system calls, not two per datagram. As PID 1 it must never exit (the kernel panics), so
 * every failure is reported and followed by an endless sleep.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

static char bufs[BATCH][DGRAM_MAX];
static struct sockaddr_in peers[BATCH];
static struct iovec iovs[BATCH];
static struct mmsghdr msgs[BATCH];

static void echo_loop(int fd)
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
			if (errno != EINTR)
				say("linux-echo: recvmmsg: %s\n", strerror(errno));
			continue;
		}
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

int main(void)
{
	struct sockaddr_in sin;
	int fd, one = 1, bufsz = 1 << 20;

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
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ECHO_PORT);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		say("linux-echo: bind: %s\n", strerror(errno));
		hang();
	}
	say("linux-echo: serving UDP port %d on %s\n", ECHO_PORT, ADDR);
	echo_loop(fd);
	return 0;
}
