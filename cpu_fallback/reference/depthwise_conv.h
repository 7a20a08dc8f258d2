// DEPTHWISE_CONV_2D reference kernels (float and hybrid), after TFLite 2.9's
// internal/reference/depthwiseconv_float.h and
// reference/integer_ops/depthwise_conv.h (DepthwiseConvHybridPerChannel).
// Geometry and padding come from reference/conv.h.
#pragma once

#include <cstdint>

#include "cpu_fallback/reference/conv.h"

namespace vkd::ref {

// Output channel oc = in_channel * depth_multiplier + m reads input channel
// in_channel only:
//   output[b][y][x][oc] = clamp(bias[oc] + sum over the window of
//                               input[b][in_y][in_x][in_channel] * filter[0][fy][fx][oc])
// `bias` may be null.
void DepthwiseConvFloat(const ConvGeometry& geometry, const float* input, const float* filter,
                        const float* bias, float activation_min, float activation_max,
                        float* output);

// The hybrid form (TFLite: per-channel filter scales, asymmetric per-batch
// input quantization): acc = sum filter * (input - input_zero_points[b]) in
// int32, output = clamp(acc * (filter_scales[oc] * input_scales[b]) + bias[oc]).
// `input_zero_points` may be null (symmetric).
void DepthwiseConvHybrid(const ConvGeometry& geometry, const int8_t* input,
                         const float* input_scales, const int32_t* input_zero_points,
                         const int8_t* filter, const float* filter_scales, const float* bias,
                         float activation_min, float activation_max, float* output);

}  // namespace vkd::ref
