// CONV_2D optimized kernels: an indirect GEMM.
//
// Each output pixel is a GEMM row whose A vector is the concatenation, over
// the filter taps, of the input pixel that tap reads (or of a zero vector for
// padding). Prepare builds a ConvPlan once: the filter packed per group
// (optimized/fully_connected.h) and the indirection table (each output pixel's
// input offset per tap). Eval then only walks pointers; no im2col copy.
// Pointwise convolutions (1x1, stride 1, one group) skip the table and run as
// a plain GEMM over the input. Filters with more than kMaxConvTaps taps are
// left to the reference kernel (plan.supported == false).
#pragma once

#include <cstdint>
#include <vector>

#include "cpu_fallback/optimized/fully_connected.h"
#include "cpu_fallback/reference/conv.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

inline constexpr int kMaxConvTaps = 256;

struct ConvPlan {
  ref::ConvGeometry geometry;
  bool supported = false;
  bool pointwise = false;
  std::vector<PackedWeights> groups;  // filter of each group, n = filters per group
  // [pixel][tap] element offset of input pixel (b, y, x, 0), or -1 for
  // padding; pixel runs over batches * output_height * output_width.
  std::vector<int64_t> offsets;
  std::vector<float> zeros;  // filter_input_depth zeros, read by padding taps
};

// `filter` is float or int8 ([output_depth, kh, kw, filter_input_depth]).
ConvPlan MakeConvPlan(const ref::ConvGeometry& geometry, const float* filter);
ConvPlan MakeConvPlan(const ref::ConvGeometry& geometry, const int8_t* filter);

// Same contract as ref::ConvFloat.
void ConvFloat(const ConvPlan& plan, const float* input, const float* bias, float activation_min,
               float activation_max, float* output, cpu::ThreadPool& pool);

// Same contract as ref::ConvHybrid; the plan was made from the int8 filter.
// Scratch: `dequantized` holds the input's element count, `pixel_scales` one
// float per output pixel (batches * output_height * output_width).
void ConvHybrid(const ConvPlan& plan, const int8_t* input, const float* input_scales,
                const int32_t* input_zero_points, const float* filter_scales, const float* bias,
                float activation_min, float activation_max, float* dequantized, float* pixel_scales,
                float* output, cpu::ThreadPool& pool);

}  // namespace vkd::opt
