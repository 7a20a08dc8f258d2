// The loop skeleton every reference CONV_2D and DEPTHWISE_CONV_2D kernel
// shares (float, hybrid and quantized): walk the output in NHWC order, and for
// each element sum over the filter taps that fall inside the image. The forms
// differ only in what a tap adds and how the sum becomes an output, so they
// pass those two steps in as inlined callables.
#pragma once

#include <cstddef>

#include "cpu_fallback/reference/conv.h"

namespace vkd::ref {

// Which filter layout and input-channel mapping a walk uses.
enum class ConvKind {
  // Filter [output_depth, filter_height, filter_width, filter_input_depth];
  // output channel oc reads the filter_input_depth channels of its group.
  kConv,
  // Filter [1, filter_height, filter_width, output_depth]; output channel oc
  // reads input channel oc / depth_multiplier only.
  kDepthwise,
};

// For every output element, in NHWC order: starts an accumulator at Acc{},
// calls tap(batch, input_index, filter_index, &acc) for each filter tap and
// input channel whose window position lies inside the image, in filter_y,
// filter_x, channel order (padding taps stand for the input's zero and are
// skipped), then finish(batch, out_channel, output_index, acc).
template <ConvKind kKind, typename Acc, typename Tap, typename Finish>
void WalkConvWindows(const ConvGeometry& g, Tap tap, Finish finish) {
  constexpr bool kDepthwise = kKind == ConvKind::kDepthwise;
  const int channels_per_tap = kDepthwise ? 1 : g.filter_input_depth;
  const int outputs_per_group = kDepthwise ? g.depth_multiplier() : g.output_depth / g.groups();
  size_t output_index = 0;
  for (int batch = 0; batch < g.batches; ++batch) {
    for (int out_y = 0; out_y < g.output_height; ++out_y) {
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        for (int out_channel = 0; out_channel < g.output_depth; ++out_channel, ++output_index) {
          const int first_in_channel = out_channel / outputs_per_group * channels_per_tap;
          Acc acc{};
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              const int in_x = in_x_origin + g.dilation_width * filter_x;
              if (in_y < 0 || in_y >= g.input_height || in_x < 0 || in_x >= g.input_width) {
                continue;
              }
              const size_t input_index =
                  ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width + in_x) *
                      g.input_depth +
                  first_in_channel;
              const size_t tap_index = static_cast<size_t>(filter_y) * g.filter_width + filter_x;
              const size_t filter_index =
                  kDepthwise
                      ? tap_index * g.output_depth + out_channel
                      : (static_cast<size_t>(out_channel) * g.filter_height * g.filter_width +
                         tap_index) *
                            g.filter_input_depth;
              for (int c = 0; c < channels_per_tap; ++c) {
                tap(batch, input_index + c, filter_index + c, &acc);
              }
            }
          }
          finish(batch, out_channel, output_index, acc);
        }
      }
    }
  }
}

// The float and hybrid kernels of both ops (reference/conv.h and
// reference/depthwise_conv.h describe them); they differ only in kKind.
template <ConvKind kKind>
void WindowConvFloat(const ConvGeometry& g, const float* input, const float* filter,
                     const float* bias, float activation_min, float activation_max, float* output);
template <ConvKind kKind>
void WindowConvHybrid(const ConvGeometry& g, const int8_t* input, const float* input_scales,
                      const int32_t* input_zero_points, const int8_t* filter,
                      const float* filter_scales, const float* bias, float activation_min,
                      float activation_max, float* output);

}  // namespace vkd::ref
