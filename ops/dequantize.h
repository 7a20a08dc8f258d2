// DEQUANTIZE to float32: affine integers (real = scale * (q - zero_point),
// per tensor or per channel) and IEEE half floats.
#pragma once

#include <cstdint>

namespace vkd::ops {

// The input viewed as [outer, channels, inner]: channel c uses scale[c] and
// zero_point[c]. Per-tensor quantization is channels = 1.
struct DequantizeParams {
  int64_t outer = 1, channels = 1, inner = 1;
  const float* scale = nullptr;
  const int32_t* zero_point = nullptr;
};

// Instantiated for int8_t, uint8_t, int16_t.
template <typename T>
void Dequantize(const DequantizeParams& p, const T* in, float* out);

// binary16 -> binary32, exact (subnormals, infinities and NaN payloads kept).
float HalfToFloat(uint16_t h);
void DequantizeHalf(const uint16_t* in, float* out, int64_t n);

}  // namespace vkd::ops
