// The window options every convolution kernel reads (CONV_2D and
// DEPTHWISE_CONV_2D, float, hybrid and quantized): checked, then turned into
// the geometry's strides, dilations, output size and padding.
#pragma once

#include <string>

#include "common/status.h"
#include "cpu_fallback/reference/conv.h"

namespace vkd::cpu {

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

}  // namespace vkd::cpu
