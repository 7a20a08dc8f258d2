#!/usr/bin/env bash
# Installs what is missing, builds, makes the project's own demo model (a small
# float MobileNetV2) and benchmarks it with vkd-bench twice: on the GPU (any
# Vulkan device, asked for explicitly, so Mesa's software lavapipe where there
# is no GPU) and on vkdelegate's CPU kernels, then prints the two side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p build/demo
model=build/demo/mobilenet_v2_0.35_96.tflite
build/vkd-make-model --model=mobilenet_v2_0.35_96 --output="$model"
build/vkd-bench --graph="$model" --gpu_device=any --num_runs=50 --warmup_runs=5 \
  --enable_op_profiling --report_json=build/demo/report.json \
  --partition_svg=build/demo/partitions.svg --profile_svg=build/demo/profile.svg "$@"
build/vkd-bench --graph="$model" --use_gpu=false --num_runs=50 --warmup_runs=5 \
  --report_json=build/demo/report_cpu.json "$@" >/dev/null
python3 - build/demo/report.json build/demo/report_cpu.json <<'PY'
import json, sys
gpu, cpu = (json.load(open(p)) for p in sys.argv[1:3])
name = gpu.get("device", {}).get("name", "no Vulkan device: CPU")
print("\nside by side (median latency):")
print("  %-44s %9.3f ms over %d runs (%s of %s nodes on the GPU)" % (
    "GPU: " + name[:39], gpu["latency_ms"]["median"], gpu["num_runs"], gpu["nodes_on_gpu"],
    gpu["nodes_total"]))
print("  %-44s %9.3f ms over %d runs" % (
    "CPU: vkdelegate's kernels, %d thread(s)" % cpu["num_threads"], cpu["latency_ms"]["median"],
    cpu["num_runs"]))
PY
echo "JSON reports: build/demo/report.json (GPU), build/demo/report_cpu.json (CPU);" \
     "pictures: build/demo/partitions.svg, build/demo/profile.svg"
