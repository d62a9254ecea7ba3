/* SPDX-License-Identifier: BSD-2-Clause */
/* Negative error codes returned by every fallible function (0 = success). */
#pragma once

#define EPERM	     1
#define ENOENT	     2
#define EIO	     5
#define E2BIG	     7
#define EAGAIN	     11
#define ENOMEM	     12
#define EACCES	     13
#define EFAULT	     14
#define EBUSY	     16
#define EEXIST	     17
#define ENODEV	     19
#define EINVAL	     22
#define ENOSPC	     28
#define EROFS	     30
#define EPIPE	     32
#define ERANGE	     34
#define ENOSYS	     38
#define ENOTSUP	     95
#define EADDRINUSE   98
#define ECONNRESET   104
#define ENOTCONN     107
#define ETIMEDOUT    110
#define ECONNREFUSED 111

/*
 * Message for err (negative or positive). The symbol is kstrerror: under the name strerror,
 * libc's (or ASan's) definition would win the host test link over ours in libpure.a. The
 * macro also lets a host test include this header after libc's string.h.
 */
#define strerror kstrerror
const char *strerror(int err);

/*
 * Name of err (negative or positive) as written in this header, "EBUSY"; "OK" for 0 and
 * "EUNKNOWN" for a code that is not ours. For log lines: "cannot bind UDP port 7: EBUSY".
 */
const char *errname(int err);
