// CONV_2D reference kernels (float and hybrid) and the window geometry that
// CONV_2D and DEPTHWISE_CONV_2D share. Spec-readable loops after TFLite 2.9's
// kernels/internal/reference/conv.h and kernels/padding.h; the fast forms are
// in optimized/conv.h.
#pragma once

#include <cstdint>

#include "model/ir/op_options.h"
#include "ops/window.h"

namespace vkd::ref {

// Everything a 2-D window op needs to know about its shapes. Tensors are
// NHWC; CONV_2D filters are [output_depth, filter_height, filter_width,
// filter_input_depth], DEPTHWISE_CONV_2D filters [1, filter_height,
// filter_width, output_depth].
struct ConvGeometry {
  int batches = 0;
  int input_height = 0, input_width = 0, input_depth = 0;
  int filter_height = 0, filter_width = 0;
  // CONV_2D: input channels per group (input_depth / groups).
  // DEPTHWISE_CONV_2D: 1.
  int filter_input_depth = 0;
  int output_height = 0, output_width = 0, output_depth = 0;
  int stride_height = 1, stride_width = 1;
  int dilation_height = 1, dilation_width = 1;
  // Rows/columns of implicit zeros before the input (TFLite's padding values).
  int padding_top = 0, padding_left = 0;

  int groups() const { return input_depth / filter_input_depth; }
  int depth_multiplier() const { return output_depth / input_depth; }
};

// Fills the padding fields of `geometry` from its input, filter, stride,
// dilation and output fields, as TFLite's ComputePaddingHeightWidth (the
// output size is the ops' shape rule, ops/shape_rules.h).
void ComputeConvPadding(ConvGeometry* geometry);

// output[b][y][x][oc] = clamp(bias[oc] + sum over the window and the group's
// input channels of input * filter). Grouped when input_depth is a multiple of
// filter_input_depth: output channel oc reads group oc / (output_depth / groups).
// `bias` may be null.
void ConvFloat(const ConvGeometry& geometry, const float* input, const float* filter,
               const float* bias, float activation_min, float activation_max, float* output);

// The hybrid form. `input` was quantized per batch (QuantizeRows over each
// image); acc = sum filter * (input - input_zero_points[b]) in int32 (padding
// taps contribute nothing), then
// output = clamp(acc * (filter_scales[oc] * input_scales[b]) + bias[oc]).
// `input_zero_points` is null for symmetric inputs; `filter_scales` holds one
// scale per output channel.
void ConvHybrid(const ConvGeometry& geometry, const int8_t* input, const float* input_scales,
                const int32_t* input_zero_points, const int8_t* filter, const float* filter_scales,
                const float* bias, float activation_min, float activation_max, float* output);

}  // namespace vkd::ref
