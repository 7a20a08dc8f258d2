// What every convolution kernel's Prepare (CONV_2D and DEPTHWISE_CONV_2D,
// float, hybrid and quantized) does alike: read the geometry's shapes from the
// input and filter, check the window options and turn them into strides,
// dilations, output size and padding, and publish the NHWC output shape.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "common/status.h"
#include "cpu_fallback/kernel.h"
#include "cpu_fallback/reference/conv.h"

namespace vkd::cpu {

// Fills the batch, input, filter and output-depth fields of `g` from a 4-D
// NHWC input and a 4-D filter, in the layout ref::ConvGeometry names for the
// op. A depthwise filter must hold a whole multiple of the input channels
// (TFLite derives the multiplier from the shapes; the option is redundant).
inline Status FillConvShapes(const ir::Tensor& input, const ir::Tensor& filter, bool depthwise,
                             ref::ConvGeometry* g) {
  g->batches = input.shape[0];
  g->input_height = input.shape[1];
  g->input_width = input.shape[2];
  g->input_depth = input.shape[3];
  g->filter_height = filter.shape[1];
  g->filter_width = filter.shape[2];
  if (!depthwise) {
    g->output_depth = filter.shape[0];
    g->filter_input_depth = filter.shape[3];
    return Status::Ok();
  }
  g->filter_input_depth = 1;
  g->output_depth = filter.shape[3];
  VKD_CHECK_ARG(g->input_depth > 0 && g->output_depth % g->input_depth == 0,
                "filter channels " + std::to_string(g->output_depth) +
                    " are not a multiple of input channels " + std::to_string(g->input_depth));
  return Status::Ok();
}

template <typename Options>
Status FillConvWindow(const Options& o, ref::ConvGeometry* g) {
  auto str = [](int v) { return std::to_string(v); };
  VKD_CHECK_ARG(o.stride_h > 0 && o.stride_w > 0,
                "strides must be positive, got " + str(o.stride_h) + "x" + str(o.stride_w));
  VKD_CHECK_ARG(o.dilation_h > 0 && o.dilation_w > 0,
                "dilations must be positive, got " + str(o.dilation_h) + "x" + str(o.dilation_w));
  g->stride_height = o.stride_h;
  g->stride_width = o.stride_w;
  g->dilation_height = o.dilation_h;
  g->dilation_width = o.dilation_w;
  ref::ComputeOutputAndPadding(o.padding, g);
  VKD_CHECK_ARG(g->output_height > 0 && g->output_width > 0,
                "empty output " + str(g->output_height) + "x" + str(g->output_width) +
                    " (VALID window larger than the input?)");
  return Status::Ok();
}

// The end of every convolution Prepare: the output is [batches,
// output_height, output_width, output_depth] and the node keeps `state`.
inline Status FinishConvPrepare(KernelContext& ctx, const ref::ConvGeometry& g,
                                std::unique_ptr<KernelState> state) {
  ctx.output(0).shape = {g.batches, g.output_height, g.output_width, g.output_depth};
  ctx.state() = std::move(state);
  return Status::Ok();
}

}  // namespace vkd::cpu
