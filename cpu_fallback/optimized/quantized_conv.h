// Optimized int8/uint8 CONV_2D and DEPTHWISE_CONV_2D (same contracts as the
// kernels in reference/quantized_conv.h, bit-exact with them).
//
// CONV_2D is a GEMM (optimized/quantized_gemm.h) with the filter packed once:
// pointwise convolutions (1x1, stride 1, no padding, channels a multiple of 4)
// multiply the input in place; the others first copy each output pixel's
// window into an im2col row, padding taps holding the input zero point.
// DEPTHWISE_CONV_2D runs directly, channels innermost, so that the int32
// multiply-adds vectorize across channels.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu_fallback/optimized/quantized_gemm.h"
#include "cpu_fallback/reference/quantized_conv.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

struct QuantizedConvPlan {
  ref::ConvGeometry geometry;
  bool direct = false;  // the input is the GEMM's A matrix
  QuantizedPackedWeights weights;
  QuantizedOutputStage stage;
  uint8_t pad_byte = 0;         // the input zero point as stored
  std::vector<uint8_t> im2col;  // scratch: pixels x k_padded (not direct)
};

// `filter` is [output_depth, kh, kw, input_depth]; `bias` may be null.
template <typename T>
QuantizedConvPlan MakeQuantizedConvPlan(const ref::ConvGeometry& geometry,
                                        const ref::QuantizedConvParams& params, const T* filter,
                                        const int32_t* bias);

template <typename T>
void ConvQuantized(QuantizedConvPlan& plan, const T* input, T* output, cpu::ThreadPool& pool);

// Larger filters are left to the reference kernel.
inline constexpr int kMaxDepthwiseTaps = 256;

// Per-channel arrays are padded with zeros to `padded_depth` (a multiple of 16).
struct QuantizedDepthwisePlan {
  ref::ConvGeometry geometry;
  int padded_depth = 0;
  std::vector<int32_t> filter;  // [taps][padded_depth], filter + filter_offset
  std::vector<int32_t> bias;    // zeros without bias
  // bias + input_offset * sum over taps of the filter: the bias of pixels
  // whose window lies inside the input, which then skip the input offset.
  std::vector<int32_t> interior_bias;
  std::vector<int32_t> multiplier, left_shift, right_shift;
  ref::FinalRounding rounding = ref::FinalRounding::kHalfAwayFromZero;
  int32_t input_offset = 0;
  int32_t output_offset = 0;
  int32_t activation_min = 0;
  int32_t activation_max = 0;
  // Few channels (1, 2, 4 or 8), stride and dilation 1 along x: one vector
  // holds 16 / channels neighbouring output pixels, whose taps are then 16
  // consecutive input bytes. 1 when that does not apply. The *_tiled arrays
  // repeat the per-channel ones across the 16 lanes ([taps][16] for the filter).
  int pixels_per_vector = 1;
  std::vector<int32_t> filter_tiled, interior_bias_tiled;
  std::vector<int32_t> multiplier_tiled, left_shift_tiled, right_shift_tiled;
};

template <typename T>
QuantizedDepthwisePlan MakeQuantizedDepthwisePlan(const ref::ConvGeometry& geometry,
                                                  const ref::QuantizedConvParams& params,
                                                  const T* filter, const int32_t* bias);

template <typename T>
void DepthwiseConvQuantized(const QuantizedDepthwisePlan& plan, const T* input, T* output,
                            cpu::ThreadPool& pool);

}  // namespace vkd::opt
