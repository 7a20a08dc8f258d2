# Sourced by the compare scripts: sets `files` to the float/hybrid models
# they compare — the shared ones present in ../shared/models, the project's
# float MobileNetV2-224, and the float copy of mobilenet_v2_1.0_224_quant —
# writing the made ones into "$tmp".
build/vkd-make-model --model=mobilenet_v2_1.0_224 --output="$tmp/mobilenet_v2_1.0_224_synthetic.tflite" >/dev/null
files=""
for m in vww_96_float pretrainedResnet kws_ref_model_float32 ad01_fp32 mobilenet_v2_1.0_224; do
  [ -f "../shared/models/$m.tflite" ] && files="$files ../shared/models/$m.tflite"
done
files="$files $tmp/mobilenet_v2_1.0_224_synthetic.tflite"
if [ -f ../shared/models/mobilenet_v2_1.0_224_quant.tflite ]; then
  build/vkd-make-model --from_quant=../shared/models/mobilenet_v2_1.0_224_quant.tflite \
    --output="$tmp/mobilenet_v2_1.0_224_dequant.tflite" >/dev/null
  files="$files $tmp/mobilenet_v2_1.0_224_dequant.tflite"
fi
