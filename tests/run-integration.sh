#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Integration tests: pytest under Debian's python3, driving QEMU from the host.
cd "$(dirname "$0")/integration" || exit 1
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider -rA "$@" .
