/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names and messages for our error codes (lib/errno.h): log lines say "EBUSY" (greppable, the
 * same word as in the code), and "invalid argument" where a sentence reads better.
 */
#include "lib/errno.h"
#include "lib/util.h"

/* code, "code": the name is the macro's own spelling, so the two cannot drift apart. */
#define ERR(code) code, #code

static const struct {
	int code;
	const char *name;
	const char *msg;
} errors[] = {
	{ 0, "OK", "success" },
	{ ERR(EPERM), "operation not permitted" },
	{ ERR(ENOENT), "not found" },
	{ ERR(EIO), "I/O error" },
	{ ERR(E2BIG), "argument too long" },
	{ ERR(EAGAIN), "try again" },
	{ ERR(ENOMEM), "out of memory" },
	{ ERR(EACCES), "permission denied" },
	{ ERR(EFAULT), "bad address" },
	{ ERR(EBUSY), "busy" },
	{ ERR(EEXIST), "already exists" },
	{ ERR(ENODEV), "no such device" },
	{ ERR(EINVAL), "invalid argument" },
	{ ERR(ENOSPC), "no space left" },
	{ ERR(EROFS), "read-only" },
	{ ERR(EPIPE), "broken pipe" },
	{ ERR(ERANGE), "out of range" },
	{ ERR(ENOSYS), "not implemented" },
	{ ERR(ENOTSUP), "not supported" },
	{ ERR(EADDRINUSE), "address in use" },
	{ ERR(ECONNRESET), "connection reset" },
	{ ERR(ENOTCONN), "not connected" },
	{ ERR(ETIMEDOUT), "timed out" },
	{ ERR(ECONNREFUSED), "connection refused" },
};

/* Accepts the negative codes functions return as well as the positive constants. */
static int find(int err)
{
	/* Negate in unsigned arithmetic: -INT_MIN would overflow. */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	for (unsigned int i = 0; i < ARRAY_SIZE(errors); i++)
		if ((unsigned int)errors[i].code == e)
			return (int)i;
	return -1;
}

const char *strerror(int err)
{
	int i = find(err);
	return i < 0 ? "unknown error" : errors[i].msg;
}

const char *errname(int err)
{
	int i = find(err);
	return i < 0 ? "EUNKNOWN" : errors[i].name;
}
