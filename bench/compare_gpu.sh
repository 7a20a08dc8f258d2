#!/usr/bin/env bash
# One run, one table: vkdelegate's GPU path (whatever Vulkan device vkd-bench
# picks: lavapipe without a GPU) next to its CPU interpreter and TFLite 2.9
# (builtin kernels and XNNPACK), with dispatches per invoke and cold/warm
# init (empty shader cache, then the same cache again).
#   bench/compare_gpu.sh [num_threads] [num_runs]
# Models: the shared float/hybrid models, the project's float MobileNetV2-224
# and the float copy of mobilenet_v2_1.0_224_quant.
set -euo pipefail
# GPU runs take any Vulkan device: the best hardware GPU, else lavapipe (which
# vkdelegate uses only when asked for).
export VKD_DEVICE="${VKD_DEVICE:-any}"
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
RUNS="${2:-20}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source bench/float_models.sh
median() { sed -n 's/.*median \([0-9.]*\).*/\1/p'; }
printf "%-34s %9s %6s %10s %10s %9s %9s %9s\n" model "gpu ms" disp "cold init" "warm init" \
  "cpu ms" "tflite" "xnnpack"
for f in $files; do
  name=$(basename "$f" .tflite)
  cache="$tmp/cache_$name"
  build/vkd-bench --graph="$f" --num_runs=1 --gpu_cache_dir="$cache" --report_json="$tmp/cold.json" >/dev/null
  build/vkd-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" \
    --gpu_cache_dir="$cache" --report_json="$tmp/warm.json" >/dev/null
  read -r gpu disp cold warm < <(python3 -c "
import json; c=json.load(open('$tmp/cold.json')); w=json.load(open('$tmp/warm.json'))
print('%.2f %d %.0f %.0f' % (w['latency_ms']['median'], w['dispatches_per_invoke'], c['init_ms'], w['init_ms']))")
  cpu=$(build/vkd-bench --graph="$f" --use_gpu=false --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" | median)
  tfl=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" | median)
  xnn=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" \
        --use_xnnpack=true | median)
  printf "%-34s %9s %6s %10s %10s %9s %9s %9s\n" "$name" "$gpu" "$disp" "${cold}ms" "${warm}ms" \
    "$cpu" "$tfl" "$xnn"
done
