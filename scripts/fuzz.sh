#!/usr/bin/env bash
# Runs every libFuzzer target of Fuzz/ (or those named) for SECONDS each and prints the
# executions per target. Each target starts from its committed seeds (Fuzz/Corpus/TARGET) and
# grows a working corpus in Fuzz/.build/fuzz-corpus/TARGET (kept between runs, not committed);
# a crash, an oracle violation, a leak or an input slower than FUZZ_TIMEOUT seconds is saved in
# Fuzz/.build/fuzz-artifacts/ and makes the script exit non-zero after the other targets ran.
# Expects the binary built by `make fuzz-build` (FUZZ_BINARY=privagg-fuzz-network and `make
# fuzz-network-build` for the federation and Flower decoders).
#
#   scripts/fuzz.sh SECONDS [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}"
shift
binary=".build/release/${FUZZ_BINARY:-privagg-fuzz}"
[ -x "$binary" ] || { echo "fuzz: $binary is missing; run make fuzz-build (or fuzz-network-build)" >&2; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <("$binary" list)

mkdir -p .build/fuzz-artifacts .build/fuzz-logs
failed=()
printf '%-22s %12s %8s %10s  %s\n' target executions seconds exec/s result
for target in "${targets[@]}"; do
  mkdir -p ".build/fuzz-corpus/$target"
  log=".build/fuzz-logs/$target.log"
  status=0
  "$binary" "$target" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-30}" -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix=".build/fuzz-artifacts/$target-" \
    ".build/fuzz-corpus/$target" "Corpus/$target" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  time="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  if [ "$status" -eq 0 ]; then
    result="ok"
  else
    result="FAILED (exit $status): $(grep -m1 -E 'ORACLE VIOLATION|ERROR: [A-Za-z]+Sanitizer|ERROR: libFuzzer|Fatal error' "$log" || echo 'see log')"
    failed+=("$target")
  fi
  printf '%-22s %12s %8s %10s  %s\n' "$target" "${runs:-?}" "${time:-?}" "${rate:-?}" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}: inputs in Fuzz/.build/fuzz-artifacts/, logs in Fuzz/.build/fuzz-logs/" >&2
  echo "fuzz: reproduce with Fuzz/$binary TARGET ARTIFACT" >&2
  exit 1
fi
