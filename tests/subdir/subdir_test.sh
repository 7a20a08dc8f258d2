#!/usr/bin/env bash
# Configures tests/subdir (a parent project doing add_subdirectory(vkdelegate))
# and builds its smallest piece: the configure checks the targets; building
# vkd_common proves the sources resolve from a non-top-level tree. (Building
# the whole library again would double CI's compile time.)
set -euo pipefail
SRC="$1"
TFLITE_DIR="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S "$SRC/tests/subdir" -B "$tmp/b" -G Ninja -DVKD_SOURCE="$SRC" \
  -DVKD_TFLITE_DIR="$TFLITE_DIR" -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/b" --target vkd_common >/dev/null
echo "subdir_test: add_subdirectory(vkdelegate) configures and builds"
