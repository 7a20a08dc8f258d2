#!/usr/bin/env bash
# Median latency of vkdelegate's CPU interpreter next to TFLite 2.9 (builtin
# kernels and XNNPACK) for the shared float/hybrid models, in one run.
#   bench/compare_cpu.sh [num_threads] [num_runs]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-1}"
RUNS="${2:-30}"
MODELS="vww_96_float pretrainedResnet kws_ref_model_float32 ad01_fp32 mobilenet_v2_1.0_224"
printf "%-28s %12s %12s %12s\n" model "vkd cpu ms" "tflite ms" "xnnpack ms"
for m in $MODELS; do
  f="../shared/models/$m.tflite"
  [ -f "$f" ] || { echo "skip $m: $f missing"; continue; }
  vkd=$(build/vkd-bench --graph="$f" --use_gpu=false --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" \
        | sed -n 's/.*median \([0-9.]*\).*/\1/p')
  tfl=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" \
        | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')
  xnn=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" \
        --use_xnnpack=true | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')
  printf "%-28s %12s %12s %12s\n" "$m" "$vkd" "$tfl" "$xnn"
done
