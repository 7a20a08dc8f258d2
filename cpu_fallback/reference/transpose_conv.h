// TRANSPOSE_CONV on NHWC float tensors, as TFLite 2.9's reference kernel
// computes it: the "scatter" form, each input pixel adding filter * value
// into the output window it maps to. Filters are [output_depth,
// filter_height, filter_width, input_depth] (the CONV_2D layout, not
// flipped).
#pragma once

#include "cpu_fallback/reference/conv.h"
#include "model/ir/op_options.h"
#include "ops/window.h"

namespace vkd::ref {

// output[b][in_y * stride_h - padding_top + ky][in_x * stride_w - padding_left + kx][oc] +=
//     input[b][in_y][in_x][ic] * filter[oc][ky][kx][ic], over all taps that
// land inside the output, then + bias[oc] (`bias` may be null). Uses the
// geometry's batch, input, filter, output, stride and padding fields
// (dilation 1). No fused activation: TFLite 2.9 has none for this op (it
// ignores a fused_activation_function written by newer converters).
void TransposeConv(const ConvGeometry& g, const float* input, const float* filter,
                   const float* bias, float* output);

}  // namespace vkd::ref
