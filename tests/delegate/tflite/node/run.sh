#!/usr/bin/env bash
# The Node.js host (npm package tfjs-tflite-node@0.0.2, TFLite 2.9 in a Node
# addon) loading libvkdelegate.so: installed once into the cache with npm (its
# addon is built by node-gyp against the local Node headers), then the same
# models run with and without the delegate (node_host_test.js).
set -euo pipefail
# lavapipe (CI) is a software device: used only when asked for.
export VKD_DEVICE="${VKD_DEVICE:-any}"
LIB="$1"
MAKE_MODEL="$2"
SHARED="${3:-}"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing"; exit 77; }
here="$(cd "$(dirname "$0")" && pwd)"
dir="${VKD_CACHE_DIR:-$HOME/.cache/vkdelegate}/node_host"
binding="$dir/node_modules/tfjs-tflite-node/build/Release/node_tflite_binding.node"
if [ ! -f "$binding" ]; then
  # node-gyp must not download headers (no nodejs.org from CI): the prefix
  # of the running node holds them (include/node).
  nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [ -f "$nodedir/include/node/node_api.h" ] || { echo "no Node headers under $nodedir"; exit 1; }
  mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null &&
    npm_config_nodedir="$nodedir" npm install --no-audit --no-fund --silent \
      tfjs-tflite-node@0.0.2 @tensorflow/tfjs-core@3.21.0 @tensorflow/tfjs-backend-cpu@3.21.0) ||
    { echo "npm install of tfjs-tflite-node failed"; exit 1; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$MAKE_MODEL" --output="$tmp/demo.tflite" >/dev/null
models="$tmp/demo.tflite"
[ -f "$SHARED/models/vww_96_float.tflite" ] && models="$models $SHARED/models/vww_96_float.tflite"
for m in $models; do
  out=$(NODE_PATH="$dir/node_modules" XDG_CACHE_HOME="$tmp/xdg" node "$here/node_host_test.js" "$LIB" "$m" 2>&1) ||
    { echo "$out"; exit 1; }
  echo "$out" | grep -q "vkdelegate: .* nodes on GPU" || { echo "$out"; echo "delegate not applied"; exit 1; }
  echo "$(basename "$m"): $(echo "$out" | grep '^node host')"
done
