// CONV_2D reference kernels (float and hybrid), the window geometry both conv
// ops share, and the float and hybrid window kernels DEPTHWISE_CONV_2D reuses:
// the two ops differ only in the filter layout WalkConvWindows takes as kKind.
#include "cpu_fallback/reference/conv.h"

#include "cpu_fallback/activation.h"
#include "cpu_fallback/reference/conv_window_walk.h"

namespace vkd::ref {

void ComputeConvPadding(ConvGeometry* g) {
  g->padding_top = ops::ComputePadding(g->stride_height, g->dilation_height, g->input_height,
                                       g->filter_height, g->output_height);
  g->padding_left = ops::ComputePadding(g->stride_width, g->dilation_width, g->input_width,
                                        g->filter_width, g->output_width);
}

template <ConvKind kKind>
void WindowConvFloat(const ConvGeometry& g, const float* input, const float* filter,
                     const float* bias, float activation_min, float activation_max, float* output) {
  WalkConvWindows<kKind, float>(
      g,
      [&](int, size_t input_index, size_t filter_index, float* total) {
        *total += input[input_index] * filter[filter_index];
      },
      [&](int, int out_channel, size_t output_index, float total) {
        const float bias_value = bias != nullptr ? bias[out_channel] : 0.0f;
        output[output_index] =
            cpu::ClampActivation(total + bias_value, activation_min, activation_max);
      });
}

template <ConvKind kKind>
void WindowConvHybrid(const ConvGeometry& g, const int8_t* input, const float* input_scales,
                      const int32_t* input_zero_points, const int8_t* filter,
                      const float* filter_scales, const float* bias, float activation_min,
                      float activation_max, float* output) {
  // Padding taps are skipped: they stand for real zeros, i.e. the zero point,
  // and contribute nothing to sum filter * (input - zero_point).
  WalkConvWindows<kKind, int32_t>(
      g,
      [&](int batch, size_t input_index, size_t filter_index, int32_t* acc) {
        const int32_t input_zero_point =
            input_zero_points != nullptr ? input_zero_points[batch] : 0;
        const int32_t input_value = input[input_index];
        const int32_t filter_value = filter[filter_index];
        *acc += filter_value * (input_value - input_zero_point);
      },
      [&](int batch, int out_channel, size_t output_index, int32_t acc) {
        const float scale = filter_scales[out_channel] * input_scales[batch];
        const float bias_value = bias != nullptr ? bias[out_channel] : 0.0f;
        output[output_index] =
            cpu::ClampActivation(acc * scale + bias_value, activation_min, activation_max);
      });
}

template void WindowConvFloat<ConvKind::kConv>(const ConvGeometry&, const float*, const float*,
                                               const float*, float, float, float*);
template void WindowConvFloat<ConvKind::kDepthwise>(const ConvGeometry&, const float*, const float*,
                                                    const float*, float, float, float*);
template void WindowConvHybrid<ConvKind::kConv>(const ConvGeometry&, const int8_t*, const float*,
                                                const int32_t*, const int8_t*, const float*,
                                                const float*, float, float, float*);
template void WindowConvHybrid<ConvKind::kDepthwise>(const ConvGeometry&, const int8_t*,
                                                     const float*, const int32_t*, const int8_t*,
                                                     const float*, const float*, float, float,
                                                     float*);

void ConvFloat(const ConvGeometry& g, const float* input, const float* filter, const float* bias,
               float activation_min, float activation_max, float* output) {
  WindowConvFloat<ConvKind::kConv>(g, input, filter, bias, activation_min, activation_max, output);
}

void ConvHybrid(const ConvGeometry& g, const int8_t* input, const float* input_scales,
                const int32_t* input_zero_points, const int8_t* filter, const float* filter_scales,
                const float* bias, float activation_min, float activation_max, float* output) {
  WindowConvHybrid<ConvKind::kConv>(g, input, input_scales, input_zero_points, filter,
                                    filter_scales, bias, activation_min, activation_max, output);
}

}  // namespace vkd::ref
