// DEPTHWISE_CONV_2D optimized kernels. The TFLite filter layout [1, kh, kw,
// channels] is already tap-major and channel-contiguous, so the inner loop
// runs over a block of output channels (vectorizable, no reduction) while the
// block's accumulators stay in registers across the window. Threaded over
// output rows. Hybrid inputs run on integer-valued floats (see
// optimized/fully_connected.h for why that is exact enough).
#pragma once

#include <cstdint>

#include "cpu_fallback/reference/conv.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

// Same contract as ref::DepthwiseConvFloat.
void DepthwiseConvFloat(const ref::ConvGeometry& geometry, const float* input, const float* filter,
                        const float* bias, float activation_min, float activation_max,
                        float* output, cpu::ThreadPool& pool);

// Same contract as ref::DepthwiseConvHybrid, with the int8 filter converted to
// floats once (`filter` here) and `dequantized` scratch of the input's size.
void DepthwiseConvHybrid(const ref::ConvGeometry& geometry, const int8_t* input,
                         const float* input_scales, const int32_t* input_zero_points,
                         const float* filter, const float* filter_scales, const float* bias,
                         float activation_min, float activation_max, float* dequantized,
                         float* output, cpu::ThreadPool& pool);

}  // namespace vkd::opt
