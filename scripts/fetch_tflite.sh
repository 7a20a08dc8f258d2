#!/usr/bin/env bash
# Fetches TFLite 2.9's C library and headers (the npm package
# tfjs-tflite-node@0.0.2, cc_deps/) into a cache outside git, once, and prints
# the cc_deps folder: what -DVKD_TFLITE_DIR wants. Used by scripts/setup.sh and
# by CMake when VKD_TFLITE_DIR is not given. Needs npm (Debian: npm).
set -euo pipefail
CACHE_DIR="${VKD_CACHE_DIR:-$HOME/.cache/vkdelegate}"
TFLITE_DIR="$CACHE_DIR/tfjs-tflite-node-0.0.2/package/cc_deps"
if [ ! -f "$TFLITE_DIR/linux_amd64/libtensorflowlite_c.so" ]; then
  command -v npm >/dev/null 2>&1 || { echo "fetch_tflite: npm is missing (apt-get install npm)" >&2; exit 1; }
  echo "fetch_tflite: fetching the TFLite 2.9 C library (npm pack tfjs-tflite-node@0.0.2)" >&2
  mkdir -p "$CACHE_DIR/tfjs-tflite-node-0.0.2"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent tfjs-tflite-node@0.0.2 >/dev/null)
  tar -xzf "$tmp"/tfjs-tflite-node-0.0.2.tgz -C "$CACHE_DIR/tfjs-tflite-node-0.0.2"
fi
test -f "$TFLITE_DIR/include/tensorflow/lite/c/c_api.h"
echo "$TFLITE_DIR"
