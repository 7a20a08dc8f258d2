// Window geometry that every backend shares (CPU kernels, GPU lowering):
// TFLite 2.9's output-size and padding rules (kernels/padding.h) for
// convolution, depthwise convolution, pooling and transposed convolution.
#pragma once

#include "model/ir/op_options.h"

namespace vkd::ops {

// TFLite's ComputeOutSize: SAME gives ceil(in / stride), VALID
// (in - effective_filter + stride) / stride, where the effective filter is
// (filter - 1) * dilation + 1. May be <= 0 for a VALID window larger than the input.
int ComputeOutputSize(ir::Padding padding, int input_size, int filter_size, int stride,
                      int dilation);

// TFLite's ComputePadding: the leading padding, half of the total (rounded
// down; the odd one goes after), never negative.
int ComputePadding(int stride, int dilation, int input_size, int filter_size, int output_size);

// The leading (top or left) padding of a SAME window, 0 for VALID: what a
// kernel that knows its output size needs.
int LeadingPadding(ir::Padding padding, int input_size, int filter_size, int stride, int dilation,
                   int output_size);

// TFLite's padding for TRANSPOSE_CONV: ComputePaddingHeightWidth run with
// the transposed conv's *output* as the image (that of the forward conv
// whose gradient this is), so the leading padding of the forward conv.
// VALID gives 0.
int TransposeConvPadding(ir::Padding padding, int output_size, int filter_size, int stride);

}  // namespace vkd::ops
