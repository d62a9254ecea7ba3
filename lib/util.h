/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers with no better home (OpenSBI sbi_types.h array_size, xv6 NELEM). */
#pragma once

/* Entries of an array (not of a pointer: the compiler cannot tell them apart, so don't). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
