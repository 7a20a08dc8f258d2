#!/usr/bin/env bash
# Plain CMake without TFLite's headers and without a way to fetch them (an
# empty cache, an npm that fails) must stop at configure with the fix named,
# never build a libvkdelegate.so that lacks its plug-in ABI.
set -euo pipefail
SRC="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "npm: registry unreachable (test)" >&2\nexit 1\n' >"$tmp/bin/npm"
chmod +x "$tmp/bin/npm"
if VKD_CACHE_DIR="$tmp/cache" PATH="$tmp/bin:$PATH" cmake -S "$SRC" -B "$tmp/b" -G Ninja \
     >"$tmp/log" 2>&1; then
  echo "configure succeeded without TFLite's headers"; exit 1
fi
grep -q "run scripts/setup.sh, or pass -DVKD_TFLITE_DIR" "$tmp/log" || { cat "$tmp/log"; exit 1; }
[ ! -e "$tmp/b/build.ninja" ] || { echo "a build was generated anyway"; exit 1; }
echo "no_tflite_test: configure stops and names the fix"
