#!/usr/bin/env bash
# Median latency of vkdelegate's CPU interpreter next to TFLite 2.9 (builtin
# kernels and XNNPACK) in one run, on the float/hybrid models of issue 15:
# MobileNetV2 1.0 224 float made by vkd-make-model (synthetic weights, the
# real model's shapes) plus the shared models in ../shared/models.
#   bench/compare_cpu.sh [num_threads] [num_runs] [rounds]
# Each figure is the median of `rounds` medians of `num_runs` invokes, the
# three contenders taking turns round by round, so that a noisy neighbour on
# a shared machine slows them all alike rather than whichever ran then.
# VKD_CPU_FLOAT_BACKEND=builtin measures vkdelegate's own float kernels
# (route b) instead of its XNNPACK backend (route a).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-1}"
RUNS="${2:-30}"
ROUNDS="${3:-5}"
MODELS_DIR="${MODELS_DIR:-../shared/models}"
MADE=build/mobilenet_v2_1.0_224_float.tflite
[ -f "$MADE" ] || build/vkd-make-model --model=mobilenet_v2_1.0_224 --output="$MADE" >/dev/null
MODELS="$MADE"
for m in vww_96_float pretrainedResnet kws_ref_model_float32 ad01_fp32 mobilenet_v2_1.0_224; do
  MODELS="$MODELS $MODELS_DIR/$m.tflite"
done
median_of_output() { sed -n 's/.*median \([0-9.]*\).*/\1/p' | head -n 1; }
median_of_list() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf "%-32s %10s %10s %10s %8s\n" model "vkd cpu" "tflite" "xnnpack" "vkd/xnn"
for f in $MODELS; do
  [ -f "$f" ] || { echo "skip $f: missing"; continue; }
  vkd="" tfl="" xnn=""
  for _ in $(seq "$ROUNDS"); do
    vkd="$vkd $(build/vkd-bench --graph="$f" --use_gpu=false --num_runs="$RUNS" --warmup_runs=5 \
                --min_secs=0 --warmup_min_secs=0 \
                --num_threads="$THREADS" | median_of_output)"
    tfl="$tfl $(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=5 \
                --num_threads="$THREADS" 2>/dev/null | median_of_output)"
    xnn="$xnn $(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=5 \
                --num_threads="$THREADS" --use_xnnpack=true 2>/dev/null | median_of_output)"
  done
  vkd=$(echo "$vkd" | median_of_list)
  tfl=$(echo "$tfl" | median_of_list)
  xnn=$(echo "$xnn" | median_of_list)
  ratio=$(awk -v a="$vkd" -v b="$xnn" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
  printf "%-32s %10s %10s %10s %8s\n" "$(basename "$f" .tflite)" "$vkd" "$tfl" "$xnn" "$ratio"
done
echo "(ms; median of $ROUNDS interleaved rounds of $RUNS invokes; $THREADS thread(s);" \
  "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "vkd float backend: ${VKD_CPU_FLOAT_BACKEND:-xnnpack})"
