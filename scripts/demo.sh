#!/usr/bin/env bash
# Installs what is missing, builds, makes the project's own demo model (a small
# float MobileNetV2) and benchmarks it with vkd-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p build/demo
build/vkd-make-model --model=mobilenet_v2_0.35_96 --output=build/demo/mobilenet_v2_0.35_96.tflite
build/vkd-bench --graph=build/demo/mobilenet_v2_0.35_96.tflite --num_runs=50 --warmup_runs=5 \
  --enable_op_profiling --report_json=build/demo/report.json \
  --partition_svg=build/demo/partitions.svg --profile_svg=build/demo/profile.svg "$@"
echo "JSON report: build/demo/report.json; pictures: build/demo/partitions.svg, build/demo/profile.svg"
