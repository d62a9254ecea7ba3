/* SPDX-License-Identifier: BSD-2-Clause */
/* Build-time configuration: every tunable constant in one place. */
#pragma once

#define PAGE_SIZE  4096ul
#define PAGE_SHIFT 12

/* Bytes of the log ring behind `dmesg`: every log line of any level (lib/klog.c). */
#define CONFIG_LOG_RING_SIZE (16 * 1024)

/* Boot stack per hart (bytes). */
#define CONFIG_STACK_SIZE (16 * 1024)

/* Largest device tree blob we accept (bytes). */
#define CONFIG_DTB_MAX (1u << 20)

/* Packet buffers. Headroom holds Ethernet + IPv4 + UDP headers and more, so a reply can push
 * its headers in place; 2048 bytes is also the e1000 receive buffer size (RCTL.BSIZE). */
#define MBUF_SIZE     2048
#define MBUF_HEADROOM 64
#define MBUF_COUNT    1024
/* Receive buffers start this far behind the headroom, so the IPv4 header after the 14-byte
 * Ethernet header lands 4-byte aligned (as Linux's NET_IP_ALIGN): the stack's word loads of
 * addresses and checksums are then aligned. Frames built here get the same placement. */
#define NET_IP_ALIGN 2

/* e1000 rings (descriptors; ring bytes must be a multiple of 128 = 8 descriptors). */
#define CONFIG_E1000_RX_RING 256
#define CONFIG_E1000_TX_RING 256

/* Cadence GEM rings (descriptors; powers of two) and how often its PHY's link is read. */
#define CONFIG_GEM_RX_RING	256
#define CONFIG_GEM_TX_RING	256
#define CONFIG_GEM_LINK_POLL_MS 1000

/* Frames drained per poll pass before timers and the console get a turn. */
#define CONFIG_NAPI_BUDGET 64

/* TCP (net/tcp*.c). Connections (any state, TIME-WAIT included) and listening ports. */
#define CONFIG_TCP_CONNS     256
#define CONFIG_TCP_LISTENERS 8
/* Per-connection byte rings (powers of two). The receive ring is the most we advertise; the
 * send ring holds what the peer has not acknowledged yet plus what waits to be sent. Both are
 * indexed by sequence number (seq & (size - 1)), so out-of-order data lands in place. */
#define CONFIG_TCP_RCVBUF 16384
#define CONFIG_TCP_SNDBUF 16384
/* Out-of-order ranges held per connection (merged when they touch). */
#define CONFIG_TCP_OOO_MAX 8
/* Half-open (SYN-RECEIVED) connections per listener when tcp_listen is given backlog 0;
 * beyond a listener's backlog, SYN cookies answer. */
#define CONFIG_TCP_BACKLOG 32
/* TCP builds frames only while more mbufs than this are free, so the receive rings can
 * always be refilled (the NIC parks CONFIG_E1000_RX_RING of them). */
#define CONFIG_TCP_MBUF_RESERVE 256
/* Retransmission timeout (RFC 6298): initial, floor, ceiling; retransmissions of one segment
 * before the connection is given up (SYN and SYN-ACK have their own count). */
#define CONFIG_TCP_RTO_INIT_MS	  1000
#define CONFIG_TCP_RTO_MIN_MS	  200
#define CONFIG_TCP_RTO_MAX_MS	  60000
#define CONFIG_TCP_RETRIES	  8
#define CONFIG_TCP_SYN_RETRIES	  5
#define CONFIG_TCP_SYNACK_RETRIES 3
/* Delayed ACK (RFC 1122 4.2.3.2 allows up to 500 ms; RFC 5681 asks at least every second
 * full-sized segment). */
#define CONFIG_TCP_DELACK_MS 40
/* TIME-WAIT lasts 2 MSL (MSL 30 s); a connection the application closed waits at most this long
 * for the peer's FIN in FIN-WAIT-2. */
#define CONFIG_TCP_TIME_WAIT_MS 60000
#define CONFIG_TCP_FIN_WAIT2_MS 60000
/* Resets for segments to closed ports, and RFC 5961 challenge ACKs (all connections), per
 * second and burst. */
#define CONFIG_TCP_RST_RATE	   100
#define CONFIG_TCP_RST_BURST	   20
#define CONFIG_TCP_CHALLENGE_RATE  100
#define CONFIG_TCP_CHALLENGE_BURST 20

/* Region API virtual window: the start of Sv39's upper half (also in Sv48's), where no
 * identity map of RAM or MMIO can be, whatever the machine's memory map (mm/vm.c). */
#define CONFIG_REGION_BASE 0xffffffc000000000ull
#define CONFIG_REGION_SIZE 0x40000000ull /* 1 GiB */
/* Pages of read-ahead on a sequential fault. */
#define CONFIG_REGION_READAHEAD 8
/* Upper bound on frames the page cache may hold (0 = limited only by free memory). */
#define CONFIG_PCACHE_MAX_PAGES 0

/* NVMe: a command that has not completed after this long is given up and the controller is
 * reset (Linux waits 30 s for I/O; a region fault waits with the kernel stopped, so less). */
#define CONFIG_NVME_TIMEOUT_MS 5000
/* NVMe queue depths (entries); commands are issued one at a time, so these stay small. */
#define CONFIG_NVME_ADMIN_DEPTH 16
#define CONFIG_NVME_IO_DEPTH	32

/* Default RAM block store size when bootargs give no ramblk= (bytes). */
#define CONFIG_RAMBLK_DEFAULT_SIZE (4ul << 20)

/* Free RAM the kernel needs to run besides its image, the firmware's and the device tree's
 * memory and the block store: page tables, the allocators' metadata and objects, the page
 * cache's working set (bytes). Boot stops with a message below this (boot/init/main.c). */
#define CONFIG_RAM_MIN_WORK (1ul << 20)

/* Set to 1 by the Makefile for the test kernel (build/kernel-test.elf). */
#ifndef CONFIG_TESTS
#define CONFIG_TESTS 0
#endif
