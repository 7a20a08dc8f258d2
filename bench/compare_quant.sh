#!/usr/bin/env bash
# The quantized models, one run, one table: vkdelegate's CPU int8/uint8
# kernels next to TFLite 2.9's builtin kernels and XNNPACK (XNNPACK 2.9 leaves
# uint8 ops to the builtin kernels), and the enable_quant GPU path (float on
# the GPU; lavapipe without one) with its largest output difference from
# TFLite's CPU path (XNNPACK, which for uint8 models is the builtin kernels)
# on the same seeded inputs, in LSB.
#   bench/compare_quant.sh [num_threads] [num_runs]
set -euo pipefail
# GPU runs take any Vulkan device: the best hardware GPU, else lavapipe (which
# vkdelegate uses only when asked for).
export VKD_DEVICE="${VKD_DEVICE:-any}"
cd "$(dirname "$0")/.."
THREADS="${1:-1}"
RUNS="${2:-30}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sed -n 's/.*median \([0-9.]*\).*/\1/p'; }
printf "%-36s %9s %9s %9s %7s %11s %10s\n" model "vkd cpu" "tflite" "xnnpack" "ratio" \
  "gpu(quant)" "gpu diff"
for m in vww_96_int8 pretrainedResnet_quant kws_ref_model ad01_int8 mobilenet_v1_0.25_128_quant \
         mobilenet_v2_1.0_224_quant tf2_mobilenet_v2_1.0_224_ptq deeplabv3_mnv2_dm05_pascal_quant \
         movenet_single_pose_lightning_ptq; do
  f="../shared/models/$m.tflite"
  [ -f "$f" ] || continue
  cpu=$(build/vkd-bench --graph="$f" --use_gpu=false --num_runs="$RUNS" --warmup_runs=3 \
        --num_threads="$THREADS" | median)
  tfl=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 \
        --num_threads="$THREADS" | median)
  xnn=$(build/vkd-tflite-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 \
        --num_threads="$THREADS" --use_xnnpack=true 2>/dev/null | median)
  build/vkd-bench --graph="$f" --gpu_enable_quant=true --num_runs=5 --num_threads="$THREADS" \
    --gpu_cache_dir="$tmp/cache" --compare_tflite=true --report_json="$tmp/q.json" \
    >/dev/null 2>&1 || true
  read -r gpu diff < <(python3 -c "
import json
try:
  r = json.load(open('$tmp/q.json')); print('%.2f %.3g' % (r['latency_ms']['median'], r['max_abs_difference_vs_tflite']))
except Exception: print('- -')")
  ratio=$(python3 -c "print('%.2f' % ($cpu / $tfl))")
  printf "%-36s %9s %9s %9s %7s %11s %10s\n" "$m" "$cpu" "$tfl" "$xnn" "$ratio" "$gpu" "$diff"
  rm -f "$tmp/q.json"
done
