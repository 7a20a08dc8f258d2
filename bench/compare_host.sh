#!/usr/bin/env bash
# vkdelegate inside the TFLite 2.9 host, one table: per model, the nodes the
# plug-in delegates (its Prepare line), the latency of TFLite + vkdelegate
# (loaded through TFLite's external delegate), TFLite's CPU path with XNNPACK
# on the same inputs, and the largest output difference between the two.
#   bench/compare_host.sh [num_threads] [num_runs]
# Models: the shared float/hybrid models, the project's float MobileNetV2-224
# and the float copy of mobilenet_v2_1.0_224_quant.
set -euo pipefail
# GPU runs take any Vulkan device: the best hardware GPU, else lavapipe (which
# vkdelegate uses only when asked for).
export VKD_DEVICE="${VKD_DEVICE:-any}"
cd "$(dirname "$0")/.."
THREADS="${1:-1}"
RUNS="${2:-20}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source bench/float_models.sh
printf "%-34s %-16s %14s %14s %12s\n" model "nodes on GPU" "tflite+vkd ms" "xnnpack ms" "max |diff|"
for f in $files; do
  name=$(basename "$f" .tflite)
  build/vkd-bench --graph="$f" --num_runs="$RUNS" --warmup_runs=3 --num_threads="$THREADS" \
    --external_delegate_path=build/libvkdelegate.so \
    --external_delegate_options="cache_dir:$tmp/cache" --compare_tflite=true \
    --report_json="$tmp/r.json" >/dev/null 2>"$tmp/err"
  placed=$(sed -n 's/^vkdelegate: \([0-9]* of [0-9]*\) nodes on GPU.*/\1/p' "$tmp/err" | head -1)
  python3 -c "
import json; r=json.load(open('$tmp/r.json'))
print('%-34s %-16s %14.2f %14.2f %12.3g' % ('$name', '$placed', r['latency_ms']['median'],
      r['tflite_cpu']['latency_ms']['median'], r['max_abs_difference_vs_tflite']))"
done
