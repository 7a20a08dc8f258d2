#!/usr/bin/env bash
# Median latency of vkdelegate's CPU interpreter next to TFLite 2.9 (builtin
# kernels and XNNPACK) in one run, on the float/hybrid models of issue 15:
# the shared models in ../shared/models plus MobileNetV2 1.0 224 float made by
# vkd-make-model (synthetic weights, the shape of the real one).
#   bench/compare_cpu.sh [num_threads] [num_runs]
# VKD_CPU_FLOAT_BACKEND=builtin measures vkdelegate's own float kernels
# (route b) instead of its XNNPACK backend (route a).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-1}"
RUNS="${2:-30}"
MODELS_DIR="${MODELS_DIR:-../shared/models}"
MADE=build/mobilenet_v2_1.0_224_float.tflite
[ -f "$MADE" ] || build/vkd-make-model --model=mobilenet_v2_1.0_224 --output="$MADE" >/dev/null
MODELS="$MADE"
for m in vww_96_float pretrainedResnet kws_ref_model_float32 ad01_fp32 mobilenet_v2_1.0_224; do
  MODELS="$MODELS $MODELS_DIR/$m.tflite"
done
median() { sed -n 's/.*median \([0-9.]*\).*/\1/p' | head -n 1; }
printf "%-32s %10s %10s %10s %8s\n" model "vkd cpu" "tflite" "xnnpack" "vkd/xnn"
for f in $MODELS; do
  [ -f "$f" ] || { echo "skip $f: missing"; continue; }
  vkd=$(build/vkd-bench --graph="$f" --use_gpu=false --num_runs="$RUNS" --warmup_runs=5 \
        --num_threads="$THREADS" | median)
  tfl=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=5 \
        --num_threads="$THREADS" 2>/dev/null | median)
  xnn=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=5 \
        --num_threads="$THREADS" --use_xnnpack=true 2>/dev/null | median)
  ratio=$(awk -v a="$vkd" -v b="$xnn" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
  printf "%-32s %10s %10s %10s %8s\n" "$(basename "$f" .tflite)" "$vkd" "$tfl" "$xnn" "$ratio"
done
echo "(ms, median of $RUNS runs each, $THREADS thread(s), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
