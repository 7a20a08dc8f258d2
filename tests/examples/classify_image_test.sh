#!/usr/bin/env bash
# The image classification example end to end: mobilenet_v2_1.0_224_quant on
# the shared images must answer what TFLite answers (../shared/README.md):
# cat.bmp -> Egyptian cat, grace_hopper.bmp -> military uniform. Once on the
# CPU int8 kernels (the default for a quantized model), once with
# --enable_quant (float on the GPU).
set -euo pipefail
# lavapipe (CI) is a software device: used only when asked for.
export VKD_DEVICE="${VKD_DEVICE:-any}"
CLASSIFY="$1"
SHARED="$2"
if [ ! -f "$SHARED/models/mobilenet_v2_1.0_224_quant.tflite" ]; then
  echo "classify_image_test: $SHARED missing, skipped"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for extra in "" "--enable_quant=true"; do
  "$CLASSIFY" --model="$SHARED/models/mobilenet_v2_1.0_224_quant.tflite" \
    --labels="$SHARED/images/imagenet_labels.txt" $extra \
    "$SHARED/images/cat.bmp" "$SHARED/images/grace_hopper.bmp" >"$tmp/out" 2>"$tmp/err"
  cat "$tmp/out"
  # The first line after each image name is its top-1.
  grep -A1 "cat.bmp:" "$tmp/out" | tail -1 | grep -q "Egyptian cat"
  grep -A1 "grace_hopper.bmp:" "$tmp/out" | tail -1 | grep -q "military uniform"
  [ "$(grep -c '^  ' "$tmp/out")" -eq 10 ]  # top-5 of each image
done
echo "classify_image_test: ok"
