#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make test`: host unit tests, in-guest tests, integration tests; one summary line at the end.
# Each level's own "N passed, N failed" is added up; a level that crashes counts as a failure.
cd "$(dirname "$0")/.." || exit 1
log=build/test-logs
mkdir -p $log
start=$(date +%s)
P=0 F=0

add() { # add <level> <passed> <failed>
	P=$((P + $2)); F=$((F + $3))
	echo "== $1: $2 passed, $3 failed"
}

echo "== host unit tests (x86-64, ASan/UBSan)"
hp=0 hf=0
for t in build/host/test_*; do
	[ -x "$t" ] || continue
	"$t" > $log/$(basename $t).log 2>&1
	rc=$?
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' $log/$(basename $t).log | tail -1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -n "$line" ] || { p=0; f=1; }
	[ $rc -ne 0 ] && [ "$f" = 0 ] && f=1
	echo "   $(basename $t): $p passed, $f failed"
	[ "$f" != 0 ] && tail -20 $log/$(basename $t).log
	hp=$((hp + p)); hf=$((hf + f))
done
add host $hp $hf

echo "== fuzz smoke (libFuzzer, ASan/UBSan, ${FUZZ_SMOKE_SECONDS:-8} s per harness)"
bins=$(for h in tests/fuzz/fuzz_*.c; do n=$(basename $h .c); echo build/fuzz/$n; done)
sh tests/fuzz/run.sh smoke ${FUZZ_SMOKE_SECONDS:-8} $bins > $log/fuzz.log 2>&1
line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' $log/fuzz.log | tail -1)
grep -E '^(fuzz_|  )' $log/fuzz.log | sed 's/^/   /' | head -20
if [ -n "$line" ]; then
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
else
	p=0 f=1; tail -30 $log/fuzz.log
fi
add fuzz $p $f

echo "== in-guest tests (QEMU)"
/usr/bin/python3 tests/run-guest.py build/kernel-test.bin > $log/guest.log 2>&1
line=$(grep -E '^guest-summary: ' $log/guest.log | tail -1)
grep -E '^guest [a-z]+: ([0-9]+ passed|FAIL|  check|the boot log|no result|QEMU exit)' $log/guest.log | sed 's/^/   /'
if [ -n "$line" ]; then
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
else
	p=0 f=1; tail -30 $log/guest.log
fi
add guest $p $f

echo "== integration tests (pytest, QEMU)"
sh tests/run-integration.sh > $log/integration.log 2>&1
rc=$?
grep -E '(PASSED|FAILED|ERROR|SKIPPED)' $log/integration.log | sed 's/^/   /' | head -100
line=$(grep -E '[0-9]+ (passed|failed)' $log/integration.log | tail -1)
p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+'); p=${p:-0}
f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+'); f=${f:-0}
e=$(echo "$line" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+'); f=$((f + ${e:-0}))
[ $rc -ne 0 ] && [ $f = 0 ] && { f=1; tail -40 $log/integration.log; }
[ $f != 0 ] && grep -E -A30 '^(_+ .* _+|E )' $log/integration.log | head -150
add integration $p $f

echo "== suite took $(( $(date +%s) - start )) s; logs in $log/"
echo "$P passed, $F failed"
[ $F -eq 0 ]
