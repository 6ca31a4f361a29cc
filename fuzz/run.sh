#!/bin/sh
# Runs one fuzz target for SECONDS of wall time at the lowest priority and
# prints libFuzzer's final statistics; the whole log goes to logs/TARGET.log.
# Hangs (-timeout) and memory blow-ups (-rss_limit_mb) count as findings.
#
# Usage: ./run.sh TARGET [SECONDS]   (from the fuzz/ directory; default 600)
set -eu
target=$1
seconds=${2:-600}
cd "$(dirname "$0")"
mkdir -p logs "corpus/$target"
RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run --debug-assertions --sanitizer none \
    "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
    -print_final_stats=1 >"logs/$target.log" 2>&1 && status=0 || status=$?
grep -E '^stat::(number_of_executed_units|peak_rss_mb)|Done [0-9]+ runs' "logs/$target.log" || true
echo "$target: ${seconds}s, exit $status, corpus $(ls "corpus/$target" | wc -l) files"
exit "$status"
