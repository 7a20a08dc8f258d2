#include "cpu_fallback/reference/conv.h"

#include <cstddef>

#include "cpu_fallback/activation.h"

namespace vkd::ref {

namespace {

inline size_t Offset(int d1, int d2, int d3, int i0, int i1, int i2, int i3) {
  return ((static_cast<size_t>(i0) * d1 + i1) * d2 + i2) * d3 + i3;
}

}  // namespace

using ops::ComputeOutputSize;
using ops::ComputePadding;

void ComputeOutputAndPadding(ir::Padding padding, ConvGeometry* g) {
  g->output_height = ComputeOutputSize(padding, g->input_height, g->filter_height, g->stride_height,
                                       g->dilation_height);
  g->output_width = ComputeOutputSize(padding, g->input_width, g->filter_width, g->stride_width,
                                      g->dilation_width);
  g->padding_top = ComputePadding(g->stride_height, g->dilation_height, g->input_height,
                                  g->filter_height, g->output_height);
  g->padding_left = ComputePadding(g->stride_width, g->dilation_width, g->input_width,
                                   g->filter_width, g->output_width);
}

void ConvFloat(const ConvGeometry& g, const float* input, const float* filter, const float* bias,
               float activation_min, float activation_max, float* output) {
  const int filters_per_group = g.output_depth / g.groups();
  for (int batch = 0; batch < g.batches; ++batch) {
    for (int out_y = 0; out_y < g.output_height; ++out_y) {
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        for (int out_channel = 0; out_channel < g.output_depth; ++out_channel) {
          const int group = out_channel / filters_per_group;
          float total = 0.0f;
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              const int in_x = in_x_origin + g.dilation_width * filter_x;
              // Taps outside the image read the implicit zero padding.
              if (in_y < 0 || in_y >= g.input_height || in_x < 0 || in_x >= g.input_width) {
                continue;
              }
              for (int in_channel = 0; in_channel < g.filter_input_depth; ++in_channel) {
                const float input_value =
                    input[Offset(g.input_height, g.input_width, g.input_depth, batch, in_y, in_x,
                                 group * g.filter_input_depth + in_channel)];
                const float filter_value =
                    filter[Offset(g.filter_height, g.filter_width, g.filter_input_depth,
                                  out_channel, filter_y, filter_x, in_channel)];
                total += input_value * filter_value;
              }
            }
          }
          const float bias_value = bias != nullptr ? bias[out_channel] : 0.0f;
          output[Offset(g.output_height, g.output_width, g.output_depth, batch, out_y, out_x,
                        out_channel)] =
              cpu::ClampActivation(total + bias_value, activation_min, activation_max);
        }
      }
    }
  }
}

void ConvHybrid(const ConvGeometry& g, const int8_t* input, const float* input_scales,
                const int32_t* input_zero_points, const int8_t* filter, const float* filter_scales,
                const float* bias, float activation_min, float activation_max, float* output) {
  const int filters_per_group = g.output_depth / g.groups();
  for (int batch = 0; batch < g.batches; ++batch) {
    const int32_t input_zero_point = input_zero_points != nullptr ? input_zero_points[batch] : 0;
    for (int out_y = 0; out_y < g.output_height; ++out_y) {
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        for (int out_channel = 0; out_channel < g.output_depth; ++out_channel) {
          const int group = out_channel / filters_per_group;
          int32_t acc = 0;
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              const int in_x = in_x_origin + g.dilation_width * filter_x;
              // Padding stands for real zeros, i.e. the zero point: no contribution.
              if (in_y < 0 || in_y >= g.input_height || in_x < 0 || in_x >= g.input_width) {
                continue;
              }
              for (int in_channel = 0; in_channel < g.filter_input_depth; ++in_channel) {
                const int32_t input_value =
                    input[Offset(g.input_height, g.input_width, g.input_depth, batch, in_y, in_x,
                                 group * g.filter_input_depth + in_channel)];
                const int32_t filter_value =
                    filter[Offset(g.filter_height, g.filter_width, g.filter_input_depth,
                                  out_channel, filter_y, filter_x, in_channel)];
                acc += filter_value * (input_value - input_zero_point);
              }
            }
          }
          const float scale = filter_scales[out_channel] * input_scales[batch];
          const float bias_value = bias != nullptr ? bias[out_channel] : 0.0f;
          output[Offset(g.output_height, g.output_width, g.output_depth, batch, out_y, out_x,
                        out_channel)] =
              cpu::ClampActivation(acc * scale + bias_value, activation_min, activation_max);
        }
      }
    }
  }
}

}  // namespace vkd::ref
