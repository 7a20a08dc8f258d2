// DEPTHWISE_CONV_2D reference kernels: the float and hybrid window kernels of
// reference/conv.cc with the depthwise filter layout.
#include "cpu_fallback/reference/depthwise_conv.h"

#include "cpu_fallback/reference/conv_window_walk.h"

namespace vkd::ref {

void DepthwiseConvFloat(const ConvGeometry& g, const float* input, const float* filter,
                        const float* bias, float activation_min, float activation_max,
                        float* output) {
  WindowConvFloat<ConvKind::kDepthwise>(g, input, filter, bias, activation_min, activation_max,
                                        output);
}

void DepthwiseConvHybrid(const ConvGeometry& g, const int8_t* input, const float* input_scales,
                         const int32_t* input_zero_points, const int8_t* filter,
                         const float* filter_scales, const float* bias, float activation_min,
                         float activation_max, float* output) {
  WindowConvHybrid<ConvKind::kDepthwise>(g, input, input_scales, input_zero_points, filter,
                                         filter_scales, bias, activation_min, activation_max,
                                         output);
}

}  // namespace vkd::ref
