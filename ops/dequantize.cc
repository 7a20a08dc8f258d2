#include "ops/dequantize.h"

#include <cstring>

namespace vkd::ops {

template <typename T>
void Dequantize(const DequantizeParams& p, const T* in, float* out) {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t c = 0; c < p.channels; ++c) {
      const float scale = p.scale[c];
      const int32_t zero_point = p.zero_point[c];
      // q - zero_point fits in int32 and converts to float exactly (|.| < 2^17),
      // so the product rounds once, as TFLite's double-precision form does.
      for (int64_t i = 0; i < p.inner; ++i) {
        *out++ = static_cast<float>(static_cast<int32_t>(*in++) - zero_point) * scale;
      }
    }
  }
}

template void Dequantize<int8_t>(const DequantizeParams&, const int8_t*, float*);
template void Dequantize<uint8_t>(const DequantizeParams&, const uint8_t*, float*);
template void Dequantize<int16_t>(const DequantizeParams&, const int16_t*, float*);

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
    std::memcpy(&bits, &magnitude, sizeof(bits));
    bits |= sign;
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf or NaN
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

void DequantizeHalf(const uint16_t* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = HalfToFloat(in[i]);
}

}  // namespace vkd::ops
