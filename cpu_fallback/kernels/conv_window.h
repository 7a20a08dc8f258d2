// What every convolution kernel's Prepare (CONV_2D and DEPTHWISE_CONV_2D,
// float, hybrid and quantized) does alike: read the geometry's shapes from the
// input and filter, apply the op's shape rule, and turn the window options and
// the output shape into strides, dilations and padding.
#pragma once

#include <memory>
#include <utility>

#include "common/status.h"
#include "cpu_fallback/kernel.h"
#include "cpu_fallback/reference/conv.h"

namespace vkd::cpu {

// Fills the batch, input, filter and output-depth fields of `g` from a 4-D
// NHWC input and a 4-D filter, in the layout ref::ConvGeometry names for the
// op. (A depthwise filter holding a whole multiple of the input channels is
// the shape rule's check.)
inline void FillConvShapes(const ir::Tensor& input, const ir::Tensor& filter, bool depthwise,
                           ref::ConvGeometry* g) {
  g->batches = input.shape[0];
  g->input_height = input.shape[1];
  g->input_width = input.shape[2];
  g->input_depth = input.shape[3];
  g->filter_height = filter.shape[1];
  g->filter_width = filter.shape[2];
  g->output_depth = depthwise ? filter.shape[3] : filter.shape[0];
  g->filter_input_depth = depthwise ? 1 : filter.shape[3];
}

// Applies the op's shape rule (ops/shape_rules.h: positive strides and
// dilations, a non-empty output) and fills the window fields of `g` from the
// options and the output shape it set.
template <typename Options>
Status FillConvWindow(KernelContext& ctx, const Options& o, ref::ConvGeometry* g) {
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  g->stride_height = o.stride_h;
  g->stride_width = o.stride_w;
  g->dilation_height = o.dilation_h;
  g->dilation_width = o.dilation_w;
  g->output_height = ctx.output(0).shape[1];
  g->output_width = ctx.output(0).shape[2];
  ref::ComputeConvPadding(g);
  return Status::Ok();
}

// The end of every convolution Prepare: the node keeps `state` (the shape
// rule set the output's shape).
inline Status FinishConvPrepare(KernelContext& ctx, std::unique_ptr<KernelState> state) {
  ctx.state() = std::move(state);
  return Status::Ok();
}

}  // namespace vkd::cpu
