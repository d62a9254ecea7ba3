/* Messages for our error codes (lib/errno.h), for log lines such as "bad value: invalid argument". */
#include "lib/errno.h"

static const struct {
	int code;
	const char *msg;
} errors[] = {
	{ 0, "success" },
	{ EPERM, "operation not permitted" },
	{ ENOENT, "not found" },
	{ EIO, "I/O error" },
	{ E2BIG, "argument too long" },
	{ EAGAIN, "try again" },
	{ ENOMEM, "out of memory" },
	{ EACCES, "permission denied" },
	{ EFAULT, "bad address" },
	{ EBUSY, "busy" },
	{ EEXIST, "already exists" },
	{ ENODEV, "no such device" },
	{ EINVAL, "invalid argument" },
	{ ENOSPC, "no space left" },
	{ EROFS, "read-only" },
	{ EPIPE, "broken pipe" },
	{ ERANGE, "out of range" },
	{ ENOSYS, "not implemented" },
	{ ENOTSUP, "not supported" },
	{ EADDRINUSE, "address in use" },
	{ ECONNRESET, "connection reset" },
	{ ENOTCONN, "not connected" },
	{ ETIMEDOUT, "timed out" },
	{ ECONNREFUSED, "connection refused" },
};

/* Accepts the negative codes functions return as well as the positive constants. */
const char *strerror(int err)
{
	/* Negate in unsigned arithmetic: -INT_MIN would overflow. */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	for (unsigned int i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if ((unsigned int)errors[i].code == e)
			return errors[i].msg;
	return "unknown error";
}
