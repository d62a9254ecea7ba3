#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run libFuzzer harnesses: sh tests/fuzz/run.sh smoke|fuzz SECONDS build/fuzz/fuzz_<name>...
# Each harness first replays tests/fuzz/regress/<name>/ (inputs that once crashed), then fuzzes
# for SECONDS from its seeds (tests/fuzz/corpus/<name>/). A harness passes when both finish
# without a crash, leak or timeout. smoke starts from the seeds each time; fuzz keeps what it
# learns in build/fuzz/corpus/<name>/. Crashes land in build/fuzz/crashes/<name>/.
# Prints one line per harness and "fuzz: N passed, N failed"; exits 1 on any failure.
mode=$1
secs=$2
shift 2
B=build/fuzz
pass=0
fail=0
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
unset HOST_TEST_VERBOSE
mkdir -p $B/logs
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	log=$B/logs/$name.log
	seeds=tests/fuzz/corpus/$name
	regress=tests/fuzz/regress/$name
	crashes=$B/crashes/$name
	mkdir -p "$crashes" "$seeds"
	if [ "$mode" = smoke ]; then
		work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
	else
		work=$B/corpus/$name
		mkdir -p "$work"
	fi
	status=ok
	: >"$log"
	if [ -d "$regress" ] && [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
		nreg=$(ls -A "$regress" | wc -l)
		if ! "$bin" "$regress"/* >>"$log" 2>&1; then
			status="FAIL (a regression input crashes again: see $log)"
		fi
	else
		nreg=0
	fi
	if [ "$status" = ok ]; then
		if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$crashes/" "$work" "$seeds" \
			>>"$log" 2>&1; then
			status="FAIL (crash in $crashes/, log $log)"
		fi
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	[ "$mode" = smoke ] && rm -rf "$work"
	if [ "$status" = ok ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	echo "fuzz_$name: $status, ${execs:-0} execs (${rate:-0}/s), ${cov:-cov: ?}," \
		"$nreg regression inputs"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
