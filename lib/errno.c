/* Messages for our error codes (lib/errno.h), for log lines such as "bad value: invalid argument". */
#include "lib/errno.h"
#include "lib/util.h"

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
	{ ERANGE, "out of range" },
	{ ENOSYS, "not implemented" },
	{ ENOTSUP, "not supported" },
	{ ETIMEDOUT, "timed out" },
};

/* Accepts the negative codes functions return as well as the positive constants. */
const char *strerror(int err)
{
	/* Negate in unsigned arithmetic: -INT_MIN would overflow. */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	for (unsigned int i = 0; i < ARRAY_SIZE(errors); i++)
		if ((unsigned int)errors[i].code == e)
			return errors[i].msg;
	return "unknown error";
}
