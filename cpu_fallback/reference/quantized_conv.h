// Quantized (int8 and uint8) CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
// reference kernels, after TFLite 2.9's internal/reference/integer_ops/{conv,
// depthwise_conv,fully_connected}.h (int8, per-channel) and
// internal/reference/{conv,depthwiseconv_uint8,fully_connected}.h (uint8,
// per-tensor). One template serves both types: the arithmetic is the same,
// only the parameters differ (int8 filters are symmetric, so filter_offset is
// 0; a uint8 op's single multiplier is repeated for every channel).
//
// For every output element:
//   acc = bias[oc] + sum over taps of (input + input_offset) * (filter + filter_offset)
//   out = clamp(MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]) + output_offset,
//               activation_min, activation_max)
// in int32. Padding taps are skipped, i.e. they read a real zero (the input's
// zero point). The fast forms are in optimized/quantized_conv.h.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/conv.h"
#include "cpu_fallback/reference/fully_connected.h"

namespace vkd::ref {

// How the final power-of-two division of the requantization rounds.
// TFLite 2.9's builtin kernels do not agree on this: DEPTHWISE_CONV_2D calls
// its own MultiplyByQuantizedMultiplier (gemmlowp's RoundingDivideByPOT: half
// away from zero), while CONV_2D and FULLY_CONNECTED hand the whole GEMM,
// requantization included, to ruy, whose x86 AVX kernels shift with
// (x + 2^(e-1)) >> e: half toward +infinity. They differ by 1 on exact
// negative halves; the tests pin both against TFLite on this machine.
enum class FinalRounding {
  kHalfAwayFromZero,  // reference_ops / DEPTHWISE_CONV_2D
  kHalfUp,            // ruy (CONV_2D, FULLY_CONNECTED)
};

// x / 2^exponent rounded half up, with ruy's 32-bit (wrapping) add.
inline int32_t RoundingRightShiftHalfUp(int32_t x, int exponent) {
  if (exponent == 0) return x;
  const uint32_t nudged = static_cast<uint32_t>(x) + (uint32_t{1} << (exponent - 1));
  return static_cast<int32_t>(nudged) >> exponent;
}

struct QuantizedConvParams {
  int32_t input_offset = 0;   // minus the input zero point
  int32_t filter_offset = 0;  // minus the filter zero point (0 for int8 filters)
  int32_t output_offset = 0;  // the output zero point
  // One per output channel (per-tensor multipliers repeated).
  std::vector<int32_t> output_multiplier;
  std::vector<int32_t> output_shift;  // TFLite's sign: > 0 shifts left
  int32_t activation_min = 0;
  int32_t activation_max = 0;
  FinalRounding rounding = FinalRounding::kHalfAwayFromZero;
};

// The last step of every quantized conv/FC output: scale the int32
// accumulator into the output's domain (MultiplyByQuantizedMultiplier: left
// shift, rounding doubling high multiply, rounding right shift), add the
// output zero point, clamp.
inline int32_t Requantize(int32_t acc, int32_t multiplier, int32_t shift, FinalRounding rounding,
                          int32_t output_offset, int32_t activation_min, int32_t activation_max) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  const int32_t high = cpu::SaturatingRoundingDoublingHighMul(
      static_cast<int32_t>(static_cast<uint32_t>(acc) << left_shift), multiplier);
  int32_t v = (rounding == FinalRounding::kHalfUp ? RoundingRightShiftHalfUp(high, right_shift)
                                                  : cpu::RoundingDivideByPOT(high, right_shift)) +
              output_offset;
  v = v < activation_min ? activation_min : v;
  return v > activation_max ? activation_max : v;
}

// T is int8_t or uint8_t for input, filter and output. `bias` may be null.
// Grouped convolution is not supported (TFLite 2.9 has none).
template <typename T>
void ConvQuantized(const ConvGeometry& geometry, const QuantizedConvParams& params, const T* input,
                   const T* filter, const int32_t* bias, T* output);

// Output channel oc = in_channel * depth_multiplier + m reads input channel
// in_channel only; the filter is [1, kh, kw, output_depth].
template <typename T>
void DepthwiseConvQuantized(const ConvGeometry& geometry, const QuantizedConvParams& params,
                            const T* input, const T* filter, const int32_t* bias, T* output);

// output[b][u] from input[b][0 .. input_size) and weights[u][0 .. input_size).
template <typename T>
void FullyConnectedQuantized(const FullyConnectedShape& shape, const QuantizedConvParams& params,
                             const T* input, const T* weights, const int32_t* bias, T* output);

}  // namespace vkd::ref
