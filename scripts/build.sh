#!/usr/bin/env bash
# Configures and builds vkdelegate into build/ (Release). Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
TFLITE_DIR="$(scripts/setup.sh | tail -n 1)"
JOBS="${VKD_JOBS:-$(nproc)}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVKD_TFLITE_DIR="$TFLITE_DIR" >/dev/null
cmake --build build -j "$JOBS"
