#!/usr/bin/env bash
# cmake/check_layers.cmake passes on the source tree and stops on a copy of it
# with one include pointing up the layers (ops/ including delegate/), naming
# the file and the rule.
set -euo pipefail
SRC="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -DROOT="$SRC" -DSTAMP="$tmp/ok.stamp" -P "$SRC/cmake/check_layers.cmake"
[ -f "$tmp/ok.stamp" ]
for layer in common model ops cpu_fallback shaders gpu_runtime; do cp -r "$SRC/$layer" "$tmp/"; done
echo '#include "delegate/gpu/lowering.h"' >>"$tmp/ops/window.h"
if cmake -DROOT="$tmp" -DSTAMP="$tmp/bad.stamp" -P "$SRC/cmake/check_layers.cmake" 2>"$tmp/err"; then
  echo "a wrong-way include passed the check"; exit 1
fi
grep -q 'ops/window.h: #include "delegate/gpu/lowering.h" (ops/ may include common, model, ops)' "$tmp/err" ||
  { cat "$tmp/err"; exit 1; }
[ ! -f "$tmp/bad.stamp" ]
echo "layer_check_test: ok"
