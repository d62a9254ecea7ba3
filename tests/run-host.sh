#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run each host unit-test binary; each prints "<file>: N passed, N failed".
status=0
for t in "$@"; do
	"$t" || status=1
done
exit $status
