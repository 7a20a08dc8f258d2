#include "ops/window.h"

namespace vkd::ops {

int ComputeOutputSize(ir::Padding padding, int input_size, int filter_size, int stride,
                      int dilation) {
  const int effective_filter_size = (filter_size - 1) * dilation + 1;
  if (stride <= 0) return 0;
  switch (padding) {
    case ir::Padding::kSame:
      return (input_size + stride - 1) / stride;
    case ir::Padding::kValid:
      return (input_size + stride - effective_filter_size) / stride;
  }
  return 0;
}

int ComputePadding(int stride, int dilation, int input_size, int filter_size, int output_size) {
  const int effective_filter_size = (filter_size - 1) * dilation + 1;
  const int padding = ((output_size - 1) * stride + effective_filter_size - input_size) / 2;
  return padding > 0 ? padding : 0;
}

int LeadingPadding(ir::Padding padding, int input_size, int filter_size, int stride, int dilation,
                   int output_size) {
  if (padding == ir::Padding::kValid) return 0;
  return ComputePadding(stride, dilation, input_size, filter_size, output_size);
}

int TransposeConvPadding(ir::Padding padding, int output_size, int filter_size, int stride) {
  const int forward_output = ComputeOutputSize(padding, output_size, filter_size, stride, 1);
  return ComputePadding(stride, 1, output_size, filter_size, forward_output);
}

}  // namespace vkd::ops
