/* SPDX-License-Identifier: BSD-2-Clause */
/* SBI calls: thin ecall wrappers, errors mapped to our negative codes. */
#include "boot/sbi.h"
#include "lib/errno.h"

struct sbi_info sbi;

struct sbiret {
	long error, value;
};

static struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
			      unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ (long)r0, (long)r1 };
}

/* SBI error codes (spec chapter 3) to ours. */
int sbi_error(long err)
{
	switch (err) {
	case 0:
		return 0;
	case -2: /* SBI_ERR_NOT_SUPPORTED */
		return -ENOTSUP;
	case -3: /* SBI_ERR_INVALID_PARAM */
		return -EINVAL;
	case -4: /* SBI_ERR_DENIED */
		return -EPERM;
	case -5: /* SBI_ERR_INVALID_ADDRESS */
		return -EFAULT;
	case -6: /* SBI_ERR_ALREADY_AVAILABLE */
	case -7: /* SBI_ERR_ALREADY_STARTED */
	case -8: /* SBI_ERR_ALREADY_STOPPED */
		return -EBUSY;
	default:
		return -EIO;
	}
}

static bool sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
	return r.error == 0 && r.value != 0;
}

void sbi_init(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0);
	if (r.error) {
		/* SBI v0.1 has no base extension: only the legacy calls exist. */
		sbi.spec_version = 0;
		return;
	}
	sbi.spec_version = (unsigned long)r.value;
	sbi.impl_id = (unsigned long)sbi_call(SBI_EXT_BASE, 1, 0, 0, 0).value;
	sbi.impl_version = (unsigned long)sbi_call(SBI_EXT_BASE, 2, 0, 0, 0).value;
	sbi.mvendorid = (unsigned long)sbi_call(SBI_EXT_BASE, 4, 0, 0, 0).value;
	sbi.marchid = (unsigned long)sbi_call(SBI_EXT_BASE, 5, 0, 0, 0).value;
	sbi.has_time = sbi_probe(SBI_EXT_TIME);
	sbi.has_srst = sbi_probe(SBI_EXT_SRST);
	sbi.has_dbcn = sbi_probe(SBI_EXT_DBCN);
	sbi.has_hsm = sbi_probe(SBI_EXT_HSM);
}

void sbi_set_timer(uint64_t stime)
{
	if (sbi.has_time)
		sbi_call(SBI_EXT_TIME, 0, stime, 0, 0);
	else
		sbi_call(0x00, 0, stime, 0, 0); /* legacy set_timer */
}

void sbi_console_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		/* DBCN write_byte; console_write_bytes would need a physical address, which is
		 * the same here, but one byte at a time is simplest and this path is early only. */
		if (sbi.has_dbcn)
			sbi_call(SBI_EXT_DBCN, 2, (unsigned char)s[i], 0, 0);
		else
			sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)s[i], 0, 0);
	}
}

int sbi_console_getc(void)
{
	uint8_t c;
	struct sbiret r;
	if (sbi.has_dbcn) {
		/* DBCN console_read: (bytes, address low, address high) of a physical buffer;
		 * the kernel's data is identity-mapped, so &c is its physical address. */
		r = sbi_call(SBI_EXT_DBCN, 1, 1, (unsigned long)(uintptr_t)&c, 0);
		return r.error || r.value != 1 ? -1 : c;
	}
	r = sbi_call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0);
	return r.error < 0 ? -1 : (int)(r.error & 0xff); /* the legacy call returns in a0 */
}

int sbi_system_reset(uint32_t type, uint32_t reason)
{
	if (!sbi.has_srst)
		return -ENOTSUP;
	return sbi_error(sbi_call(SBI_EXT_SRST, 0, type, reason, 0).error);
}

long sbi_hart_status(unsigned long hartid)
{
	if (!sbi.has_hsm)
		return -ENOTSUP;
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);
	return r.error ? sbi_error(r.error) : r.value;
}
