#!/usr/bin/env bash
# vkd-bench's two pictures for every shared model (and one the project makes),
# rendered by a real SVG renderer (rsvg-convert, Debian's librsvg2-bin): the
# partition graph with GPU on (lavapipe in CI) and the profile of one run.
set -euo pipefail
# lavapipe (CI) is a software device: used only when asked for.
export VKD_DEVICE="${VKD_DEVICE:-any}"
BENCH="$1"
MAKE_MODEL="$2"
SHARED="${3:-}"
command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing (librsvg2-bin)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$MAKE_MODEL" --model=mobilenet_v2_0.35_96 --output="$tmp/demo.tflite" >/dev/null
models="$tmp/demo.tflite"
if [ -d "$SHARED/models" ]; then models="$models $(ls "$SHARED"/models/*.tflite)"; fi
n=0
for m in $models; do
  name=$(basename "$m" .tflite)
  "$BENCH" --graph="$m" --num_runs=1 --min_secs=0 --warmup_runs=0 --warmup_min_secs=0 \
    --enable_op_profiling=true --gpu_cache_dir="$tmp/cache" --partition_svg="$tmp/$name.g.svg" \
    --profile_svg="$tmp/$name.p.svg" >/dev/null 2>"$tmp/$name.err" ||
    { echo "$name: vkd-bench failed"; cat "$tmp/$name.err"; exit 1; }
  for kind in g p; do
    rsvg-convert -o "$tmp/$name.$kind.png" "$tmp/$name.$kind.svg" ||
      { echo "$name: $kind picture does not render"; exit 1; }
    [ -s "$tmp/$name.$kind.png" ] || { echo "$name: empty $kind picture"; exit 1; }
  done
  n=$((n + 1))
done
echo "svg_models_test: $n models, both pictures rendered"
