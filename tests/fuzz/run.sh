#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run libFuzzer harnesses: sh tests/fuzz/run.sh smoke|fuzz SECONDS build/fuzz/fuzz_<name>...
# Each harness first replays tests/fuzz/regress/<name>/ (inputs that once crashed), then fuzzes
# for SECONDS from its seeds (tests/fuzz/corpus/<name>/). A harness passes when both finish
# without a crash, leak or timeout. smoke starts from the seeds each time; fuzz keeps what it
# learns in build/fuzz/corpus/<name>/. Crashes land in build/fuzz/crashes/<name>/.
# Harnesses run FUZZ_JOBS at a time (default: the CPUs there are), each one process, so a smoke
# run of SECONDS takes SECONDS per FUZZ_JOBS harnesses and fuzzes each as long as alone.
# Prints one line per harness, in the order given, and "fuzz: N passed, N failed"; exits 1 on
# any failure.
mode=$1
secs=$2
shift 2
B=build/fuzz
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
unset HOST_TEST_VERBOSE
mkdir -p $B/logs
# one harness: its result line goes to $B/logs/<name>.result
run_one() {
	bin=$1
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
	echo "fuzz_$name: $status, ${execs:-0} execs (${rate:-0}/s), ${cov:-cov: ?}," \
		"$nreg regression inputs" >"$B/logs/$name.result"
}

running=0
for bin in "$@"; do
	rm -f "$B/logs/$(basename "$bin" | sed 's/^fuzz_//').result"
	run_one "$bin" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
pass=0
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	line=$(cat "$B/logs/$name.result" 2>/dev/null)
	[ -n "$line" ] || line="fuzz_$name: FAIL (no result: the harness runner died)"
	echo "$line"
	case "$line" in
	"fuzz_$name: ok,"*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
