#!/usr/bin/env bash
# Fuzzes one libFuzzer target (ASan + UBSan, built by scripts/sanitize.sh in
# build-asan/) for SECONDS, from a seed corpus the project makes
# (vkd-fuzz-seeds). A crash, sanitizer report, leak, timeout or OOM is a
# finding: the input is kept under build-asan/findings/TARGET/ and the script
# fails. Findings become regression tests (tests/model/fuzz_regressions/).
#
#   scripts/fuzz.sh model|npy|plugin_options|all [SECONDS=60]
# env: VKD_FUZZ_SEED (CI sets one: the same mutation sequence every run, so a
#      run that passed here passes there, and SECONDS only bounds how far it
#      gets), VKD_FUZZ_RUNS (stop after that many executions).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh model|npy|plugin_options|all [SECONDS]}"
seconds="${2:-60}"
if [ "$target" = all ]; then
  for t in model npy plugin_options; do "$0" "$t" "$seconds"; done
  exit 0
fi
[ -x build-asan/fuzz/vkd_fuzz_"$target" ] || scripts/sanitize.sh --build >/dev/null
seeds=build-asan/seeds
[ -d "$seeds/model" ] || build-asan/fuzz/vkd-fuzz-seeds "$seeds"
corpus=build-asan/corpus/$target findings=build-asan/findings/$target
mkdir -p "$corpus" "$findings"
cp -n "$seeds/$target"/* "$corpus/" 2>/dev/null || true
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=build-asan/fuzz_$target.log
echo "fuzz: $target for ${seconds}s (corpus $corpus)"
extra=()
[ -n "${VKD_FUZZ_SEED:-}" ] && extra+=(-seed="$VKD_FUZZ_SEED")
[ -n "${VKD_FUZZ_RUNS:-}" ] && extra+=(-runs="$VKD_FUZZ_RUNS")
if build-asan/fuzz/vkd_fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
     -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "${extra[@]}" "$corpus" \
     > "$log" 2>&1; then
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE|cov:' "$log" | tail -2
else
  echo "fuzz: $target FOUND A PROBLEM (input in $findings/):"
  grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -12
  exit 1
fi
