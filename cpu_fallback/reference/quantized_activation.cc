#include "cpu_fallback/reference/quantized_activation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vkd::ref {

template <typename T>
void PopulateLookupTable(const cpu::QuantParams& in, const cpu::QuantParams& out,
                         float (*fn)(float), uint8_t table[256]) {
  // Float throughout, with the reciprocal of the output scale, as TFLite's
  // activations.cc PopulateLookupTable: its table is the oracle.
  const float inverse_scale = 1.0f / out.scale;
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (int32_t q = lo; q <= hi; ++q) {
    const float real = in.scale * static_cast<float>(q - in.zero_point);
    const float rescaled = std::round(fn(real) * inverse_scale);
    const int32_t quantized = static_cast<int32_t>(rescaled + static_cast<float>(out.zero_point));
    table[static_cast<uint8_t>(static_cast<T>(q))] =
        static_cast<uint8_t>(static_cast<T>(std::clamp(quantized, lo, hi)));
  }
}

template void PopulateLookupTable<int8_t>(const cpu::QuantParams&, const cpu::QuantParams&,
                                          float (*)(float), uint8_t[256]);
template void PopulateLookupTable<uint8_t>(const cpu::QuantParams&, const cpu::QuantParams&,
                                           float (*)(float), uint8_t[256]);

namespace {

// gemmlowp's int16 SaturatingRoundingDoublingHighMul: round(a * b / 2^15).
int16_t RoundingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min())
    return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));  // toward zero, as gemmlowp
}

// The truncating form (ARM's SQDMULH): TFLite uses it for the last product
// on purpose, its bias cancels the rounding ones above.
int16_t TruncatingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min())
    return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((static_cast<int32_t>(a) * static_cast<int32_t>(b)) / (1 << 15));
}

int16_t SaturatingLeftShift16(int16_t v, int amount) {
  const int64_t r = static_cast<int64_t>(v) * (int64_t{1} << amount);
  return static_cast<int16_t>(std::clamp<int64_t>(r, -32768, 32767));
}

// TFLite's DownScaleInt32ToInt16Multiplier: Q31 rounded to Q15, saturating.
int16_t DownScaleMultiplier(int32_t m) {
  constexpr int32_t kRounding = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRounding) return 32767;
  return static_cast<int16_t>((m + kRounding) >> 16);
}

}  // namespace

Status MakeQuantizedHardSwishParams(const cpu::QuantParams& in, const cpu::QuantParams& out,
                                    QuantizedHardSwishParams* p) {
  p->input_zero_point = in.zero_point;
  p->output_zero_point = out.zero_point;
  // Float arithmetic, as TFLite's HardSwishPrepare.
  const float hires_input_scale = (1.0f / 128.0f) * in.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const cpu::QuantizedMultiplier om = cpu::QuantizeMultiplier(hires_input_scale / out.scale);
  p->output_multiplier = DownScaleMultiplier(om.multiplier);
  p->output_exponent = om.shift;
  if (om.shift > 0) {
    return UnimplementedError("output 0: scale " + std::to_string(out.scale) +
                              " below the input's / 128, beyond TFLite's HARD_SWISH formula");
  }
  const cpu::QuantizedMultiplier rm = cpu::QuantizeMultiplier(hires_input_scale / reluish_scale);
  p->reluish_multiplier = DownScaleMultiplier(rm.multiplier);
  p->reluish_exponent = rm.shift;
  return Status::Ok();
}

template <typename T>
void QuantizedHardSwish(const QuantizedHardSwishParams& p, const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int16_t x = static_cast<int16_t>(static_cast<int32_t>(in[i]) - p.input_zero_point);
    const int16_t hires = static_cast<int16_t>(x * (1 << 7));  // |x| <= 255: fits
    const int16_t preshift_out = RoundingHighMul16(hires, p.output_multiplier);
    // The reluish factor: hires rescaled so that 3.0 maps to 32768, in [-1, 1]
    // (saturating). A left shift is split around the multiply so that only
    // the last step saturates.
    int16_t reluish = hires;
    if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, p.reluish_exponent - 1);
    reluish = RoundingHighMul16(reluish, p.reluish_multiplier);
    if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, 1);
    if (p.reluish_exponent < 0) {
      reluish = static_cast<int16_t>(cpu::RoundingDivideByPOT(reluish, -p.reluish_exponent));
    }
    // [-1, 1] -> [0, 1].
    reluish = static_cast<int16_t>((static_cast<int32_t>(reluish) + (1 << 15)) >> 1);
    const int16_t preshift = TruncatingHighMul16(reluish, preshift_out);
    int32_t v = cpu::RoundingDivideByPOT(preshift, -p.output_exponent);
    // TFLite adds the zero point in int16 (it cannot overflow for 8-bit zero points).
    v = static_cast<int16_t>(v + p.output_zero_point);
    v = std::clamp<int32_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
    out[i] = static_cast<T>(v);
  }
}

template void QuantizedHardSwish<int8_t>(const QuantizedHardSwishParams&, const int8_t*, int8_t*,
                                         int64_t);
template void QuantizedHardSwish<uint8_t>(const QuantizedHardSwishParams&, const uint8_t*, uint8_t*,
                                          int64_t);

}  // namespace vkd::ref
